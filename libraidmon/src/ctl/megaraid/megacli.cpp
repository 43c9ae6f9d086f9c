// SPDX-License-Identifier: LGPL-2.1-or-later
// Legacy MegaCli / MegaCli64 / CmdTool2 text: -LDInfo, -PDList, -LdPdInfo, -CfgDsply, -AdpAllInfo and
// -AdpBbuCmd, alone or concatenated. All are "Key: Value" streams (the separator is ':' with any
// spacing on either side) cut into records by header lines; docs/decoders.md "MegaCli" has the
// grammar. A record's keys belong to the last header: an adapter, a virtual drive, a physical
// drive, a battery, or a record raidmon skips (a CacheCade virtual drive). MegaCli 8.x ends every run
// with "Exit Code: 0xNN"; older builds do not, so without it the last record must be complete.
#include <algorithm>
#include <array>
#include <iterator>
#include <map>
#include <tuple>

#include "core/strutil.hpp"
#include "ctl/common.hpp"
#include "ctl/decoders.hpp"
#include "words.hpp"

namespace raidmon::detail {

namespace {

constexpr std::string_view kWhat = "MegaCli";

std::string cid(int adapter) { return "megaraid:c" + std::to_string(std::max(adapter, 0)); }

/// MegaCli "Firmware state" (long words, optionally ", Spun Up" / ", Spun down").
std::optional<DriveState> firmwareState(std::string_view v) {
    auto w = toLower(v);
    auto has = [&](std::string_view p) { return startsWith(w, p); };
    if (has("online")) return DriveState::online;
    if (has("unconfigured(good)") || has("unconfigured good")) return DriveState::unconfigured;
    if (has("unconfigured(bad)") || has("unconfigured bad") || has("failed")) return DriveState::failed;
    if (has("hotspare") || has("hot spare")) return DriveState::spare;
    if (has("rebuild") || has("copyback")) return DriveState::rebuilding;
    if (has("offline")) return DriveState::offline;
    if (has("jbod")) return DriveState::jbod;
    if (has("missing")) return DriveState::missing;
    return std::nullopt;
}

// "Primary-1, Secondary-0, RAID Level Qualifier-0" plus the span depth and drive count. Secondary-3
// is how older builds mark a spanned VD (RAID10/50/60).
std::optional<std::string> megacliLevel(std::string_view v, int spanDepth, int drives) {
    auto p = v.find("Primary-");
    if (p == std::string_view::npos) return std::nullopt;
    auto primary = parseLeadingInt<int>(v.substr(p + 8));
    if (!primary) return std::nullopt;
    bool spanned = spanDepth > 1;
    if (auto s = v.find("Secondary-"); s != std::string_view::npos)
        if (auto sec = parseLeadingInt<int>(v.substr(s + 10)); sec && *sec == 3) spanned = true;
    switch (*primary) {
    case 0: return std::string(spanned ? "raid00" : "raid0");
    // MegaRAID builds a "RAID1" of more than two drives as striped mirrors (storcli's capability
    // line "RAID1(2 or more drives)"), which is RAID10 in layout and redundancy.
    case 1: return std::string(spanned || drives > 2 ? "raid10" : "raid1");
    case 5: return std::string(spanned ? "raid50" : "raid5");
    case 6: return std::string(spanned ? "raid60" : "raid6");
    default: return "raid" + std::to_string(*primary);
    }
}

struct MDrive {
    Drive d;
    int adapter = 0;
    std::optional<std::uint64_t> rawSectors;
    std::optional<std::size_t> vd;  ///< the VD whose record it follows (-LdPdInfo, -CfgDsply)
    std::optional<int> arm, span;
    bool fresh = false;     ///< started by a "PD: N Information" header, no key read yet
    bool complete = false;  ///< has its "Firmware state"
    std::size_t line = 0;
    std::size_t keys = 0;  ///< key lines read into it (records of one listing have the same keys)
};

struct MVd {
    Array a;
    int adapter = 0;
    int number = 0;
    std::string levelWord;
    std::optional<int> spanDepth;
    int drives = 0;
    std::string stateWord;
    bool complete = false;  ///< has its "State"
    std::size_t line = 0;
    std::size_t keys = 0;
};

struct MEnclosure {
    int adapter = 0;
    std::optional<std::string> deviceId;  ///< "Device ID": the EID drives name
    Enclosure e;
    std::optional<std::string> status;
};

struct MAdapter {
    Controller c;
    bool pendingImages = false;  ///< inside "Pending Images in Flash": its "FW Version" is not running
    std::optional<std::string> battery;
    bool replace = false, missing = false, bbuFailed = false;
};

enum class Rec { none, adapter, vd, pd, bbu, enclosure, skipped };

bool allOf(std::string_view s, char c) { return s.size() >= 3 && s.find_first_not_of(c) == std::string_view::npos; }

// Keys MegaCli prints that carry no fact the model has a field for: read past without counting.
bool ignoredKey(std::string_view k) {
    static constexpr std::string_view keys[] = {
        "Sector Size", "Parity Size", "Mirror Data", "Strip Size", "Stripe Size", "Default Cache Policy",
        "Current Cache Policy", "Default Access Policy", "Current Access Policy", "Access Policy",
        "Disk Cache Policy", "Encryption Type", "Is VD Cached", "Cache Cade Type", "Is VD emulated",
        "Default Power Savings Policy", "Current Power Savings Policy", "Can spin up in 1 minute",
        "LD has drives that support T10 power conditions",
        "LD's IO profile supports MAX power savings with cached writes", "Bad Blocks Exist", "PI type",
        "Number of Spans", "Span", "Number of Virtual Disks", "Number of Virtual Drives", "Enclosure position",
        "Sequence Number", "Last Predictive Failure Event Seq Number", "Non Coerced Size", "Coerced Size",
        "Shield Counter", "Successful diagnostics completion on", "Connected Port Number", "FDE Capable",
        "FDE Enable", "Secured", "Locked", "Needs EKM Attention", "Device Speed", "Link Speed", "Drive",
        "PI Eligibility", "Drive is formatted for PI information", "PI", "Drive's NCQ setting",
        "Drive's write cache", "Port status", "Port's Linkspeed", "Commissioned Spare", "Emergency Spare",
        "IBM FRU/CRU", "Exit Code", "Target Id of the Associated LDs", "Virtual Drive Type",
        "BatteryType", "Voltage", "Current", "Temperature", "Design Mode", "Charging Status",
        "Learn Cycle Requested", "Learn Cycle Active", "Learn Cycle Status", "Learn Cycle Timeout",
        "I2c Errors Detected", "Remaining Capacity Low", "Periodic Learn Required", "Transparent Learn",
        "No space to cache offload", "Cache Offload premium feature required", "Module microcode update required",
        "Relative State of Charge", "Charger System State", "Charger System Ctrl", "Charging current",
        "Absolute state of charge", "Max Error", "BBU Firmware Status", "BBU GasGauge Status",
        "Memory", "BBU", "Number of DISK GROUPS", "DISK GROUPS", "Number of PDs", "Number of VDs",
        "Number of dedicated Hotspares", "Span Reference", "SPAN", "Virtual Disk Information",
        "Physical Disk Information", "FW error description", "FW Package Build", "Ongoing Progresses",
        "Hotspare Information", "Drive has flagged a S.M.A.R.T alert"};
    if (startsWith(k, "SAS Address(") || startsWith(k, "Port-") || startsWith(k, "Number of PDs")) return true;
    return std::find(std::begin(keys), std::end(keys), k) != std::end(keys);
}

} // namespace

int detectMegacli(std::string_view t) {
    auto head = t.substr(0, 4096);
    for (std::string_view marker : {"BBU status for Adapter", "Virtual Drive Information:", "Get BBU Status Failed",
                                    "Number of enclosures on adapter"})
        if (head.find(marker) != std::string_view::npos) return 90;
    if (head.find("Adapter #") != std::string_view::npos &&
        (head.find("Enclosure Device ID:") != std::string_view::npos || head.find("Virtual Drive:") != std::string_view::npos ||
         head.find("Product Name") != std::string_view::npos))
        return 90;
    // CmdTool2 / MegaCli -CfgDsply: "Adapter: 0" then "Product Name: ...".
    if (head.find("\nAdapter: ") != std::string_view::npos && head.find("Product Name:") != std::string_view::npos &&
        head.find("RAID Level") != std::string_view::npos)
        return 85;
    return 0;
}

Result<Capture> decodeMegacli(std::string_view input) {
    Capture cap;
    const auto ls = ctl::kvLines(input);
    std::optional<std::string> exitCode;
    int adapter = -1;
    std::map<int, MAdapter> adapters;
    std::vector<MVd> vds;
    std::vector<MDrive> drives;
    std::vector<MEnclosure> enclosures;
    Rec cur = Rec::none;
    std::optional<std::size_t> curVd;  ///< the VD later PD records of this adapter belong to
    std::vector<std::string> skippedNames;
    auto skip = [&](std::string_view what) {
        ++cap.skipped;
        if (skippedNames.size() < 3) skippedNames.emplace_back(printable(what.substr(0, 60)));
    };
    auto adapterRef = [&](int n) -> MAdapter& {
        auto [it, added] = adapters.try_emplace(n);
        if (added) {
            it->second.c.id = cid(n);
            it->second.c.kind = "megaraid";
            it->second.c.vendor = std::string("Broadcom / LSI");
        }
        return it->second;
    };
    auto setAdapter = [&](int n) {
        adapter = n;
        adapterRef(n);
        curVd.reset();
    };
    auto newDrive = [&](std::size_t line, bool fresh) {
        MDrive m;
        m.adapter = std::max(adapter, 0);
        m.d.location.controller = cid(m.adapter);
        m.d.controllerView = ControllerDriveInfo{};
        m.vd = curVd;
        m.fresh = fresh;
        m.line = line;
        drives.push_back(std::move(m));
        cur = Rec::pd;
    };
    // "Adapter N: Get BBU Status Failed." is followed by "FW error description:" and its text.
    bool bbuErrorText = false;

    for (const auto& l : ls) {
        const std::string_view k = l.key;
        const std::string_view v = l.value;
        const std::string_view line = trim(l.raw);
        if (line.empty()) continue;
        if (allOf(line, '=') || allOf(line, '-')) continue;  // -AdpAllInfo / -CfgDsply rules
        if (bbuErrorText) {
            if (k == "FW error description") continue;
            bbuErrorText = false;
            if (!l.hasSeparator) {
                cap.notes.push_back("MegaCli adapter " + std::to_string(adapter) + ": " + printable(line));
                continue;
            }
        }
        auto number = [&](std::string_view s, std::string_view what) -> Result<int> {
            auto n = parseLeadingInt<int>(s);
            if (!n || *n < 0 || *n > 9999) return fail(errc::parse_error, ctl::lineError(kWhat, l, std::string(what) + " is not a number"));
            return *n;
        };
        // ---- record headers ----
        if (startsWith(line, "Adapter #")) {
            auto n = number(line.substr(9), "adapter number");
            if (!n) return tl::unexpected(n.error());
            setAdapter(*n);
            cur = Rec::adapter;
            continue;
        }
        if (startsWith(line, "Adapter ") && (line.find("Virtual Drive Information") != std::string_view::npos ||
                                             line.find("Get BBU Status Failed") != std::string_view::npos)) {
            auto n = number(line.substr(8), "adapter number");
            if (!n) return tl::unexpected(n.error());
            setAdapter(*n);
            cur = Rec::adapter;
            if (line.find("Get BBU Status Failed") != std::string_view::npos) {
                adapterRef(*n).bbuFailed = true;
                cap.notes.push_back("MegaCli adapter " + std::to_string(*n) + ": Get BBU Status Failed (no battery, or it cannot be read)");
                bbuErrorText = true;
                cur = Rec::bbu;
            }
            continue;
        }
        if (k == "Adapter" && l.hasSeparator) {  // -CfgDsply / -AdpAllInfo "Adapter: 0"
            auto n = number(v, "adapter number");
            if (!n) return tl::unexpected(n.error());
            setAdapter(*n);
            cur = Rec::adapter;
            continue;
        }
        if (k == "BBU status for Adapter" || (startsWith(k, "BBU ") && endsWith(k, " for Adapter"))) {
            // -AdpBbuCmd: "BBU status for Adapter: 0", then "BBU Capacity Info", "BBU Design Info",
            // "BBU Properties" "for Adapter: 0".
            auto n = number(v, "adapter number");
            if (!n) return tl::unexpected(n.error());
            setAdapter(*n);
            cur = Rec::bbu;
            continue;
        }
        // -EncInfo: "Number of enclosures on adapter 0 -- 1", then "Enclosure 0:" records.
        if (startsWith(line, "Number of enclosures on adapter ")) {
            auto n = number(line.substr(32), "adapter number");
            if (!n) return tl::unexpected(n.error());
            setAdapter(*n);
            cur = Rec::adapter;
            continue;
        }
        if (startsWith(k, "Enclosure ") && v.empty() && parseInt<int>(k.substr(10))) {
            if (adapter < 0) setAdapter(0);
            MEnclosure me;
            me.adapter = adapter;
            me.e.kind = "megaraid";
            enclosures.push_back(std::move(me));
            cur = Rec::enclosure;
            continue;
        }
        if (k == "Exit Code") {
            exitCode = std::string(v);
            cur = Rec::none;
            continue;
        }
        if ((k == "Virtual Drive" || k == "Virtual Disk") && !v.empty()) {
            auto n = number(v, "virtual drive number");
            if (!n) return tl::unexpected(n.error());
            if (adapter < 0) setAdapter(0);
            MVd p;
            p.adapter = adapter;
            p.number = *n;
            p.line = l.number;
            p.a.kind = "megaraid";
            p.a.controller = cid(adapter);
            p.a.id = cid(adapter) + "/v" + std::to_string(*n);
            p.a.name = "VD " + std::to_string(*n);
            vds.push_back(std::move(p));
            curVd = vds.size() - 1;
            cur = Rec::vd;
            continue;
        }
        if (k == "CacheCade Virtual Drive") {
            // An SSD cache in front of other VDs, not an array: its keys are read past.
            skip(line);
            cap.notes.push_back("MegaCli: " + printable(line) + " is a CacheCade SSD cache, not an array: not listed");
            cur = Rec::skipped;
            continue;
        }
        if ((k == "PD" && endsWith(v, "Information")) || (k == "Physical Disk" && !v.empty())) {
            if (!parseLeadingInt<int>(v)) return fail(errc::parse_error, ctl::lineError(kWhat, l, "physical drive number is not a number"));
            if (adapter < 0) setAdapter(0);
            newDrive(l.number, true);
            continue;
        }
        if (k == "Enclosure Device ID") {
            if (adapter < 0) setAdapter(0);
            if (!(cur == Rec::pd && !drives.empty() && drives.back().fresh)) newDrive(l.number, false);
            auto& m = drives.back();
            m.fresh = false;
            m.d.location.enclosure = ctl::text(v);
            continue;
        }
        // -AdpAllInfo sub-headings without a colon: the firmware of the running image is listed under
        // "Image Versions in Flash", a flashed but not yet active one under "Pending Images in Flash".
        if (startsWith(line, "Pending Images in Flash") || startsWith(line, "Image Versions in Flash")) {
            if (adapter >= 0) adapterRef(adapter).pendingImages = startsWith(line, "Pending");
            continue;
        }
        if (!l.hasSeparator) {
            skip(line);
            continue;
        }
        // ---- keys of the current record ----
        if (cur == Rec::skipped) continue;
        if (cur == Rec::pd && !drives.empty()) {
            auto& m = drives.back();
            m.fresh = false;
            ++m.keys;
            Drive& d = m.d;
            auto& cv = *d.controllerView;
            if (k == "Slot Number") d.location.slot = parseInt<int>(v);
            else if (k == "Device Id") d.location.megaraidDid = parseInt<int>(v);
            else if (k == "WWN") d.wwn = ctl::normalizeWwn(v);
            else if (k == "Media Error Count") cv.mediaErrors = parseInt<std::uint64_t>(v);
            else if (k == "Other Error Count") cv.otherErrors = parseInt<std::uint64_t>(v);
            else if (k == "Predictive Failure Count") cv.predictiveFailures = parseInt<std::uint64_t>(v);
            else if (k == "Drive has flagged a S.M.A.R.T alert") cv.smartAlert = toLower(v) == "yes";
            else if (k == "Foreign State") cv.foreign = !v.empty() && toLower(v) != "none";
            else if (k == "Drive Temperature") cv.temperatureC = parseTemperatureC(v);
            else if (k == "Firmware state") {
                cv.state = ctl::text(v);
                d.state = firmwareState(v);
                m.complete = true;
            } else if (k == "PD Type") {
                d.protocol = v == "SATA" ? Protocol::SATA : v == "SAS" ? Protocol::SAS : Protocol::Unknown;
            } else if (k == "Media Type") {
                if (startsWith(v, "Solid State")) d.media = Media::SSD;
                else if (startsWith(v, "Hard Disk")) d.media = Media::HDD;
            } else if (k == "Device Firmware Level") d.firmware = ctl::text(v);
            else if (k == "Logical Sector Size" || (k == "Sector Size" && !d.logicalBlockSize)) {
                if (auto n = parseInt<std::uint32_t>(v); n && *n > 0 && *n <= 65536) d.logicalBlockSize = n;
            } else if (k == "Physical Sector Size") {
                if (auto n = parseInt<std::uint32_t>(v); n && *n > 0 && *n <= 65536) d.physicalBlockSize = n;
            } else if (k == "Raw Size") {
                d.capacityBytes = ctl::parseSize(v, ctl::SizeBase::binary);
                m.rawSectors = ctl::bracketSectors(v);
            } else if (k == "Inquiry Data") {
                // ATA drives: IDENTIFY serial (20 chars), model (40), firmware (8) as MegaCli lays
                // them out; SCSI drives: INQUIRY vendor (8), product (16), revision (4), then
                // vendor-specific bytes: Seagate puts its 8-character serial there followed by a
                // date code and the revision again (IBM-ESXS "6SD1LQ9C0324B53C"), Fujitsu a
                // 12-character one: no reliable serial, so none is taken.
                std::string_view raw = l.raw.substr(l.raw.find(':') + 1);
                if (!raw.empty() && raw.front() == ' ') raw.remove_prefix(1);
                if (d.protocol == Protocol::SATA && raw.size() >= 60) {
                    d.serial = ctl::text(raw.substr(0, 20));
                    d.model = ctl::text(raw.substr(20, 40));
                    if (auto fw = ctl::text(raw.substr(60)); fw && !d.firmware) d.firmware = fw;
                } else if (d.protocol == Protocol::SAS && raw.size() >= 28) {
                    d.vendor = ctl::text(raw.substr(0, 8));
                    d.model = ctl::text(raw.substr(8, 16));
                    if (!d.firmware) d.firmware = ctl::text(raw.substr(24, 4));
                }
            } else if (k == "Drive's position" || k == "Drive's postion") {
                // "DiskGroup: 0, Span: 0, Arm: 3" (MegaCli before 8.02 spells it "postion").
                if (auto arm = v.find("Arm:"); arm != std::string_view::npos) m.arm = parseLeadingInt<int>(v.substr(arm + 4));
                if (auto sp = v.find("Span:"); sp != std::string_view::npos) m.span = parseLeadingInt<int>(v.substr(sp + 5));
            } else if (!ignoredKey(k)) {
                skip(line);
            }
            continue;
        }
        if (cur == Rec::vd && curVd) {
            auto& p = vds[*curVd];
            ++p.keys;
            if (k == "Name") {
                if (auto n = ctl::text(v)) p.a.name += " (" + *n + ")";
            } else if (k == "RAID Level") p.levelWord = std::string(v);
            else if (k == "Size") p.a.sizeBytes = ctl::parseSize(v, ctl::SizeBase::binary);
            else if (k == "State") {
                p.stateWord = std::string(v);
                p.a.arrayState = ctl::text(v);
                p.complete = true;
            } else if (k == "Span Depth") p.spanDepth = parseInt<int>(v);
            else if (k == "Number Of Drives" || k == "Number Of Drives per span") p.drives = parseInt<int>(v).value_or(0);
            else if (auto kind = megaraid::operationKind(k); kind && startsWith(l.raw, " ")) {
                // "Ongoing Progresses:" then "  Check Consistency : Completed 36%, Taken 42 min."
                ArrayOperation op;
                op.kind = *kind;
                op.percent = megaraid::percentIn(v);
                p.a.operation = op;
            } else if (!ignoredKey(k)) {
                skip(line);
            }
            continue;
        }
        if (cur == Rec::enclosure && !enclosures.empty()) {
            auto& me = enclosures.back();
            if (k == "Device ID") me.deviceId = ctl::text(v);
            else if (k == "Number of Slots") {
                if (auto n = parseInt<int>(v); n && *n >= 0 && *n < 10000) me.e.components = n;
            } else if (k == "Status") me.status = ctl::text(v);
            else if (k == "Vendor Identification") me.e.vendor = ctl::text(v);
            else if (k == "Product Identification") me.e.product = ctl::text(v);
            else if (k == "Product Revision Level") me.e.revision = ctl::text(v);
            else if (k == "Enclosure type" && !me.e.product) me.e.product = ctl::text(v);
            else if (!startsWith(k, "Number of ") && k != "Position" && k != "Connector Name" && k != "FRU Part Number" &&
                     k != "Enclosure Serial Number" && k != "ESM Serial Number" && k != "Enclosure Zoning Mode" &&
                     k != "Partner Device Id" && k != "Inquiry data" && k != "Vendor Id" && k != "Device Id" &&
                     k != "SubVendor Id" && k != "SubDevice Id")
                skip(line);
            continue;
        }
        if (cur == Rec::bbu && adapter >= 0) {
            auto& ad = adapterRef(adapter);
            if (k == "Battery State" || k == "Battery state") ad.battery = ctl::text(v);
            else if (k == "Battery Replacement required" || k == "Pack is about to fail & should be replaced")
                ad.replace = ad.replace || toLower(v) == "yes";
            else if (k == "Battery Pack Missing") ad.missing = ad.missing || toLower(v) == "yes";
            else if (!ignoredKey(k)) skip(line);
            continue;
        }
        if (cur == Rec::adapter && adapter >= 0) {
            auto& ad = adapterRef(adapter);
            if (k == "Product Name") ad.c.model = ctl::text(v);
            else if (k == "Serial No") ad.c.serial = ctl::text(v);
            else if (k == "FW Version" && !ad.pendingImages) {
                if (!ad.c.firmware) ad.c.firmware = ctl::text(v);
            } else if (!ignoredKey(k)) skip(line);
            continue;
        }
        skip(line);
    }

    // ---- completeness ----
    if (!exitCode) {
        // MegaCli 8.x always ends with "Exit Code"; older builds stop after the last record, which
        // must then be complete.
        const MVd* lastVd = vds.empty() ? nullptr : &vds.back();
        const MDrive* lastPd = drives.empty() ? nullptr : &drives.back();
        const bool pdLast = lastPd && (!lastVd || lastPd->line > lastVd->line);
        auto lastCompleteName = [&]() -> std::string {
            std::string best = "none";
            std::size_t at = 0;
            for (const auto& p : vds)
                if (p.complete && p.line >= at) at = p.line, best = "virtual drive " + std::to_string(p.number) + " of adapter " + std::to_string(p.adapter);
            for (const auto& m : drives)
                if (m.complete && m.line >= at)
                    at = m.line, best = "physical drive at enclosure " + m.d.location.enclosure.value_or("?") + " slot " +
                                        (m.d.location.slot ? std::to_string(*m.d.location.slot) : std::string("?"));
            return best;
        };
        if (vds.empty() && drives.empty())
            return fail(errc::parse_error, "MegaCli: no 'Exit Code:' line and no complete virtual or physical drive record (truncated capture?), " +
                                               std::to_string(ls.size()) + " lines read");
        // Records of one listing carry the same keys: a last record with fewer keys than the
        // others, or without its state, was cut.
        std::size_t vdKeys = 0, pdKeys = 0;
        for (std::size_t i = 0; i + 1 < vds.size(); ++i) vdKeys = std::max(vdKeys, vds[i].keys);
        for (std::size_t i = 0; i + 1 < drives.size(); ++i) pdKeys = std::max(pdKeys, drives[i].keys);
        // A last line without its colon ("Enclosure D") is a line cut short.
        const ctl::KvLine* lastLine = nullptr;
        for (auto it = ls.rbegin(); it != ls.rend() && !lastLine; ++it)
            if (!trim(it->raw).empty()) lastLine = &*it;
        const bool partialLine = lastLine && !lastLine->hasSeparator;
        const bool cut = partialLine || (pdLast ? (!lastPd->complete || lastPd->keys < pdKeys)
                                                : (lastVd && (!lastVd->complete || lastVd->keys < vdKeys)));
        if (cut)
            return fail(errc::parse_error, "MegaCli: truncated capture: the last record (line " +
                                               std::to_string(pdLast ? lastPd->line : lastVd->line) + ") is incomplete" +
                                               (partialLine ? " and line " + std::to_string(lastLine->number) + " is cut short (" +
                                                                  quoteForError(lastLine->raw) + ")"
                                                            : std::string()) +
                                               ", and no 'Exit Code:' line follows; last complete record: " + lastCompleteName());
        cap.notes.push_back("MegaCli: no 'Exit Code:' line (MegaCli before 8.x does not print one); every record is complete");
    } else if (*exitCode != "0x00") {
        cap.notes.push_back("MegaCli exited with code " + *exitCode);
    }
    if (adapters.empty() && drives.empty() && vds.empty() && enclosures.empty())
        return fail(errc::parse_error, "MegaCli: no adapter, virtual drive, physical drive or battery found");

    // ---- one drive per physical drive: a drive listed under several VDs of its disk group
    // (-LdPdInfo), or in -PDList and -LdPdInfo of one capture, is merged by its address. ----
    std::vector<MDrive> merged;
    std::vector<std::vector<std::pair<std::size_t, MDrive>>> memberships(vds.size());
    std::map<std::tuple<int, std::string, int>, std::size_t> byAddress;
    for (auto& m : drives) {
        const bool addressed = m.d.location.slot.has_value();
        if (!addressed && !m.complete && !m.d.location.megaraidDid) {
            skip("empty physical drive record");
            continue;
        }
        std::size_t idx;
        const auto key = std::make_tuple(m.adapter, m.d.location.enclosure.value_or(""),
                                         addressed ? *m.d.location.slot : -1 - m.d.location.megaraidDid.value_or(-1));
        if (auto it = byAddress.find(key); it != byAddress.end() && (addressed || m.d.location.megaraidDid)) {
            idx = it->second;
            Drive& into = merged[idx].d;
            const Drive& d = m.d;
            auto fill = [](auto& a, const auto& b) {
                if (!a && b) a = b;
            };
            fill(into.serial, d.serial), fill(into.wwn, d.wwn), fill(into.vendor, d.vendor), fill(into.model, d.model);
            fill(into.firmware, d.firmware), fill(into.capacityBytes, d.capacityBytes);
            fill(into.logicalBlockSize, d.logicalBlockSize), fill(into.physicalBlockSize, d.physicalBlockSize);
            fill(into.media, d.media), fill(into.state, d.state), fill(into.location.megaraidDid, d.location.megaraidDid);
            if (into.protocol == Protocol::Unknown) into.protocol = d.protocol;
            auto& a = *into.controllerView;
            const auto& b = *d.controllerView;
            fill(a.state, b.state), fill(a.mediaErrors, b.mediaErrors), fill(a.otherErrors, b.otherErrors);
            fill(a.predictiveFailures, b.predictiveFailures), fill(a.smartAlert, b.smartAlert);
            fill(a.temperatureC, b.temperatureC), fill(a.foreign, b.foreign);
            fill(merged[idx].rawSectors, m.rawSectors);
        } else {
            idx = merged.size();
            byAddress[key] = idx;
            merged.push_back(m);
        }
        if (m.vd) memberships[*m.vd].emplace_back(idx, m);
    }

    for (auto& m : merged) {
        Drive& dr = m.d;
        if (m.rawSectors) dr.capacityBytes = *m.rawSectors * dr.logicalBlockSize.value_or(512);
        auto& cv = *dr.controllerView;
        // MegaCli's own address: -PhysDrv [E:S] ("[:S]" for a drive without enclosure).
        if (dr.location.slot) cv.address = "[" + dr.location.enclosure.value_or("") + ":" + std::to_string(*dr.location.slot) + "]";
        if (cv.predictiveFailures || cv.smartAlert)
            dr.failurePredicted = cv.predictiveFailures.value_or(0) > 0 || cv.smartAlert.value_or(false);
        std::string where = "adapter " + std::to_string(m.adapter) + ", enclosure " + dr.location.enclosure.value_or("?") +
                            ", slot " + (dr.location.slot ? std::to_string(*dr.location.slot) : std::string("?"));
        ctl::classifyDrive(dr, where);
    }
    std::vector<Drive> out;
    for (auto& m : merged) out.push_back(m.d);
    ctl::assignDriveIds(out, cap.notes);  // same order as merged: ids line up by index

    for (std::size_t i = 0; i < vds.size(); ++i) {
        auto& p = vds[i];
        auto& a = p.a;
        const int spans = std::max(p.spanDepth.value_or(1), 1);
        a.level = megacliLevel(p.levelWord, spans, p.drives);
        bool rebuilding = false;
        int active = 0;
        for (const auto& [idx, rec] : memberships[i]) {
            Drive& dr = out[idx];
            ArrayMember mem;
            mem.drive = dr.id;
            mem.slot = rec.arm;
            if (rec.span) mem.flags.push_back("span=" + std::to_string(*rec.span));
            if (dr.controllerView->state) mem.flags.push_back("state=" + *dr.controllerView->state);
            mem.role = dr.state == DriveState::online       ? "active"
                       : dr.state == DriveState::rebuilding ? "rebuilding"
                       : dr.state == DriveState::missing    ? "missing"
                                                            : "faulty";
            if (mem.role == "active") ++active;
            if (mem.role == "rebuilding") rebuilding = true;
            dr.role = std::string("hw-raid-member");
            a.members.push_back(std::move(mem));
        }
        if (p.drives > 0) a.raidDisks = p.drives * spans;
        if (!a.members.empty()) a.activeDisks = active;
        megaraid::applyVdState(a, p.stateWord, rebuilding, a.name);
        cap.arrays.push_back(std::move(a));
    }
    for (auto& [n, ad] : adapters) {
        if (ad.battery || ad.replace || ad.missing) {
            std::string s = ad.battery.value_or("");
            if (ad.missing) s += std::string(s.empty() ? "" : ", ") + "Battery Pack Missing";
            if (ad.replace) s += std::string(s.empty() ? "" : ", ") + "Replacement required";
            ad.c.batteryStatus = s;
        }
        ctl::classifyController(ad.c);
        cap.controllers.push_back(std::move(ad.c));
    }
    for (auto& me : enclosures) {
        if (!me.deviceId) {
            skip("enclosure record without Device ID");
            continue;
        }
        Enclosure& e = me.e;
        e.id = cid(me.adapter) + "/e" + *me.deviceId;
        // "Status": Normal, else the enclosure's own word (e.g. "Not Available", "Critical").
        if (!me.status) e.health = Health::Unknown;
        else if (toLower(*me.status) == "normal") e.health = Health::OK;
        else {
            e.health = Health::OK;
            ctl::addFinding(e.health, e.reasons, toLower(*me.status) == "critical" ? Health::Critical : Health::Unknown,
                            "enclosure " + *me.deviceId + " status is '" + *me.status + "'");
        }
        for (const auto& d : out) {
            if (d.location.enclosure != *me.deviceId || !d.location.slot || d.location.controller != cid(me.adapter)) continue;
            raidmon::Slot sl;
            sl.index = *d.location.slot;
            sl.status = std::string("occupied");
            sl.drive = d.id;
            e.slots.push_back(std::move(sl));
        }
        cap.enclosures.push_back(std::move(e));
    }
    ctl::sortBySlot(out);
    cap.drives = std::move(out);
    if (cap.skipped > 0) {
        std::string names;
        for (const auto& s : skippedNames) names += (names.empty() ? "" : "; ") + ("'" + s + "'");
        cap.notes.push_back("MegaCli: " + std::to_string(cap.skipped) + " line(s) not read, first: " + names);
    }
    return cap;
}

} // namespace raidmon::detail
