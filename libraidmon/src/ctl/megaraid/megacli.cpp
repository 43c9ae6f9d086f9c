// SPDX-License-Identifier: LGPL-2.1-or-later
// Legacy MegaCli / MegaCli64 text: -LDInfo -Lall -aALL, -PDList -aALL, -LdPdInfo -aALL and
// -AdpBbuCmd -aALL. All are "Key: Value" streams; a new adapter, virtual drive or physical drive
// starts at its header line. Every MegaCli run ends with "Exit Code: 0xNN", which also tells a
// complete capture from a truncated one.
#include <algorithm>

#include "core/strutil.hpp"
#include "ctl/common.hpp"
#include "ctl/decoders.hpp"

namespace raidmon::detail {

namespace {

constexpr std::string_view kWhat = "MegaCli";

std::optional<DriveState> firmwareState(std::string_view v) {
    auto w = toLower(v);
    auto has = [&](std::string_view p) { return startsWith(w, p); };
    if (has("online")) return DriveState::online;
    if (has("unconfigured(good)")) return DriveState::unconfigured;
    if (has("unconfigured(bad)") || has("failed")) return DriveState::failed;
    if (has("hotspare")) return DriveState::spare;
    if (has("rebuild") || has("copyback")) return DriveState::rebuilding;
    if (has("offline")) return DriveState::offline;
    if (has("jbod")) return DriveState::jbod;
    if (has("missing")) return DriveState::missing;
    return std::nullopt;
}

// "Primary-1, Secondary-0, RAID Level Qualifier-0" plus the span depth and drive count.
std::optional<std::string> megacliLevel(std::string_view v, int spanDepth, int drives) {
    auto p = v.find("Primary-");
    if (p == std::string_view::npos) return std::nullopt;
    auto primary = parseLeadingInt<int>(v.substr(p + 8));
    if (!primary) return std::nullopt;
    const bool spanned = spanDepth > 1;
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

struct PendingVd {
    Array a;
    std::string levelWord;  ///< "Primary-1, Secondary-0, ...": resolved once the span depth is known
    int spanDepth = 1;
    int drives = 0;
    std::vector<std::size_t> memberDrive;  ///< index into the drives, parallel to a.members
};

} // namespace

int detectMegacli(std::string_view t) {
    auto head = t.substr(0, 2048);
    if (head.find("BBU status for Adapter") != std::string_view::npos) return 90;
    if (head.find("Virtual Drive Information:") != std::string_view::npos) return 90;
    if (head.find("Adapter #") != std::string_view::npos &&
        (head.find("Enclosure Device ID:") != std::string_view::npos || head.find("Virtual Drive:") != std::string_view::npos))
        return 90;
    return 0;
}

Result<Capture> decodeMegacli(std::string_view input) {
    Capture cap;
    auto ls = ctl::kvLines(input);
    std::optional<std::string> exitCode;
    int adapter = -1;
    std::vector<Controller> ctrls;
    std::vector<PendingVd> vds;
    std::vector<Drive> drives;
    std::vector<std::pair<std::size_t, std::size_t>> memberOf;  // (drive index, vd index)
    Drive* d = nullptr;
    bool pdHeader = false;
    std::optional<std::string> batteryState;
    bool replace = false, missing = false;

    auto ctrl = [&](int n) -> Controller& {
        std::string id = "megaraid:c" + std::to_string(n);
        for (auto& c : ctrls)
            if (c.id == id) return c;
        Controller c;
        c.id = id;
        c.kind = "megaraid";
        c.vendor = std::string("Broadcom / LSI");
        ctrls.push_back(std::move(c));
        return ctrls.back();
    };
    auto flushBattery = [&]() {
        if (adapter < 0 || (!batteryState && !replace && !missing)) return;
        std::string s = batteryState.value_or("");
        if (missing) s += std::string(s.empty() ? "" : ", ") + "Battery Pack Missing";
        if (replace) s += std::string(s.empty() ? "" : ", ") + "Replacement required";
        ctrl(adapter).batteryStatus = s;
        batteryState.reset();
        replace = missing = false;
    };
    auto newDrive = [&]() {
        Drive nd;
        nd.location.controller = "megaraid:c" + std::to_string(std::max(adapter, 0));
        nd.controllerView = ControllerDriveInfo{};
        drives.push_back(std::move(nd));
        d = &drives.back();
        if (!vds.empty() && adapter >= 0 && vds.back().a.controller == d->location.controller)
            memberOf.emplace_back(drives.size() - 1, vds.size() - 1);
    };

    for (const auto& l : ls) {
        const auto& k = l.key;
        const auto& v = l.value;
        if (k.empty()) continue;
        auto adapterNo = [&](std::string_view s) -> Result<int> {
            auto n = parseLeadingInt<int>(s);
            if (!n || *n < 0) return fail(errc::parse_error, ctl::lineError(kWhat, l, "adapter number is not a number"));
            return *n;
        };
        if (startsWith(k, "Adapter #") || (startsWith(k, "Adapter ") && k.find("Virtual Drive Information") != std::string_view::npos)) {
            flushBattery();
            auto n = adapterNo(k.substr(startsWith(k, "Adapter #") ? 9 : 8));
            if (!n) return tl::unexpected(n.error());
            adapter = *n;
            ctrl(adapter);
            d = nullptr;
            continue;
        }
        if (k == "BBU status for Adapter") {
            flushBattery();
            auto n = adapterNo(v);
            if (!n) return tl::unexpected(n.error());
            adapter = *n;
            ctrl(adapter);
            continue;
        }
        if (k == "Exit Code") {
            exitCode = std::string(v);
            continue;
        }
        if (k == "Virtual Drive") {
            auto n = parseLeadingInt<int>(v);
            if (!n) return fail(errc::parse_error, ctl::lineError(kWhat, l, "virtual drive number is not a number"));
            PendingVd p;
            const std::string cid = "megaraid:c" + std::to_string(std::max(adapter, 0));
            p.a.kind = "megaraid";
            p.a.controller = cid;
            p.a.id = cid + "/v" + std::to_string(*n);
            p.a.name = "VD " + std::to_string(*n);
            vds.push_back(std::move(p));
            d = nullptr;
            continue;
        }
        if (startsWith(k, "PD") && endsWith(l.raw, "Information") && k.find(' ') == std::string_view::npos) {
            newDrive();
            pdHeader = true;
            continue;
        }
        if (k == "Enclosure Device ID") {
            if (!pdHeader) newDrive();
            pdHeader = false;
            d->location.enclosure = ctl::text(v);
            continue;
        }
        // Battery (-AdpBbuCmd).
        if (k == "Battery State" || k == "Battery state") {
            batteryState = ctl::text(v);
            continue;
        }
        if (k == "Battery Replacement required" || k == "Pack is about to fail & should be replaced") {
            replace = replace || toLower(v) == "yes";
            continue;
        }
        if (k == "Battery Pack Missing") {
            missing = missing || toLower(v) == "yes";
            continue;
        }
        if (d) {
            auto& cv = *d->controllerView;
            if (k == "Slot Number") d->location.slot = parseInt<int>(v);
            else if (k == "Device Id") d->location.megaraidDid = parseInt<int>(v);
            else if (k == "WWN") d->wwn = ctl::normalizeWwn(v);
            else if (k == "Media Error Count") cv.mediaErrors = parseInt<std::uint64_t>(v);
            else if (k == "Other Error Count") cv.otherErrors = parseInt<std::uint64_t>(v);
            else if (k == "Predictive Failure Count") cv.predictiveFailures = parseInt<std::uint64_t>(v);
            else if (k == "Drive has flagged a S.M.A.R.T alert") cv.smartAlert = toLower(v) == "yes";
            else if (k == "Foreign State") cv.foreign = !v.empty() && toLower(v) != "none";
            else if (k == "Drive Temperature") cv.temperatureC = parseLeadingInt<int>(v);
            else if (k == "Firmware state") {
                cv.state = ctl::text(v);
                d->state = firmwareState(v);
            } else if (k == "PD Type") {
                d->protocol = v == "SATA" ? Protocol::SATA : v == "SAS" ? Protocol::SAS : Protocol::Unknown;
            } else if (k == "Media Type") {
                if (startsWith(v, "Solid State")) d->media = Media::SSD;
                else if (startsWith(v, "Hard Disk")) d->media = Media::HDD;
            } else if (k == "Device Firmware Level") d->firmware = ctl::text(v);
            else if (k == "Logical Sector Size" || (k == "Sector Size" && !d->logicalBlockSize)) {
                if (auto n = parseInt<std::uint32_t>(v); n && *n > 0 && *n <= 65536) d->logicalBlockSize = n;
            } else if (k == "Physical Sector Size") {
                if (auto n = parseInt<std::uint32_t>(v); n && *n > 0 && *n <= 65536) d->physicalBlockSize = n;
            } else if (k == "Raw Size") {
                d->capacityBytes = ctl::parseSize(v, ctl::SizeBase::binary);
                if (auto sec = ctl::bracketSectors(v)) d->capacityBytes = *sec * d->logicalBlockSize.value_or(512);
            } else if (k == "Inquiry Data") {
                // ATA drives: IDENTIFY serial (20 chars), model (40), firmware (8) as MegaCli lays
                // them out; SCSI drives: INQUIRY vendor (8), product (16), revision (4), then
                // vendor-specific bytes that are not reliably a serial number.
                std::string_view raw = l.raw.substr(l.raw.find(':') + 1);
                if (!raw.empty() && raw.front() == ' ') raw.remove_prefix(1);
                if (d->protocol == Protocol::SATA && raw.size() >= 60) {
                    d->serial = ctl::text(raw.substr(0, 20));
                    d->model = ctl::text(raw.substr(20, 40));
                    if (raw.size() > 60) d->firmware = ctl::text(raw.substr(60));
                } else if (d->protocol == Protocol::SAS && raw.size() >= 28) {
                    d->vendor = ctl::text(raw.substr(0, 8));
                    d->model = ctl::text(raw.substr(8, 16));
                    if (!d->firmware) d->firmware = ctl::text(raw.substr(24, 4));
                }
            } else if (k == "Drive's position") {
                // "DiskGroup: 0, Span: 0, Arm: 3"
                auto arm = v.find("Arm:");
                if (arm != std::string_view::npos && !memberOf.empty() && memberOf.back().first == drives.size() - 1) {
                    auto& a = vds[memberOf.back().second].a;
                    ArrayMember m;
                    m.slot = parseLeadingInt<int>(v.substr(arm + 4));
                    if (auto sp = v.find("Span:"); sp != std::string_view::npos)
                        if (auto s = parseLeadingInt<int>(v.substr(sp + 5))) m.flags.push_back("span=" + std::to_string(*s));
                    a.members.push_back(std::move(m));
                    vds[memberOf.back().second].memberDrive.push_back(drives.size() - 1);
                }
            }
            continue;
        }
        if (!vds.empty()) {
            auto& p = vds.back();
            if (k == "Name") {
                if (auto n = ctl::text(v)) p.a.name += " (" + *n + ")";
            } else if (k == "RAID Level") p.levelWord = std::string(v);
            else if (k == "Size") p.a.sizeBytes = ctl::parseSize(v, ctl::SizeBase::binary);
            else if (k == "State") p.a.arrayState = ctl::text(v);
            else if (k == "Span Depth") p.spanDepth = parseInt<int>(v).value_or(1);
            else if (k == "Number Of Drives" || k == "Number Of Drives per span") p.drives = parseInt<int>(v).value_or(0);
        }
    }
    flushBattery();
    if (!exitCode)
        return fail(errc::parse_error, "MegaCli: no 'Exit Code:' line at the end (truncated capture?), " +
                                           std::to_string(ls.size()) + " lines read");
    if (*exitCode != "0x00") cap.notes.push_back("MegaCli exited with code " + *exitCode);
    if (ctrls.empty() && drives.empty() && vds.empty())
        return fail(errc::parse_error, "MegaCli: no adapter, virtual drive, physical drive or battery found");

    for (auto& c : ctrls) ctl::classifyController(c);
    for (auto& dr : drives) {
        auto& cv = *dr.controllerView;
        if (cv.predictiveFailures || cv.smartAlert)
            dr.failurePredicted = cv.predictiveFailures.value_or(0) > 0 || cv.smartAlert.value_or(false);
        std::string where = "adapter " + dr.location.controller->substr(10) + ", enclosure " +
                            dr.location.enclosure.value_or("?") + ", slot " +
                            (dr.location.slot ? std::to_string(*dr.location.slot) : std::string("?"));
        ctl::classifyDrive(dr, where);
    }
    ctl::assignDriveIds(drives, cap.notes);
    for (auto& p : vds) {
        auto& a = p.a;
        a.level = megacliLevel(p.levelWord, p.spanDepth, p.drives);
        int active = 0;
        for (std::size_t i = 0; i < a.members.size(); ++i) {
            auto& m = a.members[i];
            Drive& dr = drives[p.memberDrive[i]];
            m.drive = dr.id;
            m.role = dr.state == DriveState::online       ? "active"
                     : dr.state == DriveState::rebuilding ? "rebuilding"
                                                          : "faulty";
            dr.role = std::string("hw-raid-member");
            if (m.role == "active") ++active;
        }
        if (p.drives > 0) a.raidDisks = p.drives * std::max(p.spanDepth, 1);
        if (!a.members.empty()) a.activeDisks = active;
        auto st = toLower(a.arrayState.value_or(""));
        const bool rebuilding = std::any_of(a.members.begin(), a.members.end(), [](const ArrayMember& m) { return m.role == "rebuilding"; });
        auto red = a.level ? ctl::hwRedundancy(*a.level) : std::nullopt;
        if (st == "optimal") a.state = "optimal";
        else if (st == "degraded" || st == "partially degraded") {
            a.state = rebuilding ? "rebuilding" : "degraded";
            if (red) a.redundancyLeft = st == "partially degraded" ? std::max(*red - 1, 0) : 0;
        } else if (st == "offline") a.state = "failed";
        else a.state = "unknown";
        ctl::classifyArray(a, a.name);
        cap.arrays.push_back(std::move(a));
    }
    cap.controllers = std::move(ctrls);
    ctl::sortBySlot(drives);
    cap.drives = std::move(drives);
    return cap;
}

} // namespace raidmon::detail
