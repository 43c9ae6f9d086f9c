// SPDX-License-Identifier: LGPL-2.1-or-later
// LSI/Avago/Broadcom Integrated RAID: sas2ircu / sas3ircu "LIST" (adapter table), "<n> DISPLAY"
// (controller, IR volumes, physical devices, enclosures) and "<n> STATUS" (background operations).
// Grammar and state words: docs/decoders.md, "sas2ircu / sas3ircu". States carry their own
// abbreviation: volumes "Okay (OKY)", "Degraded (DGD)", "Failed (FLD)", "Missing (MIS)",
// "Initializing (INIT)", "Online (ONL)", "Inactive (INA)"; drives "Optimal (OPT)", "Ready (RDY)",
// "Hot Spare (HSP)", "Rebuilding (RBLD)", "Failed (FLD)", "Missing (MIS)", "Degraded (DGD)",
// "Available (AVL)", "Standby (SBY)", "Out of Sync (OSY)", "Online (ONL)", "Offline (OFL)".
// Every run ends with "SAS2IRCU: Utility Completed Successfully." (or SAS3IRCU).
#include "sasircu.hpp"

#include <algorithm>
#include <cstdio>
#include <deque>

#include "core/strutil.hpp"
#include "ctl/common.hpp"
#include "ctl/decoders.hpp"

namespace raidmon::detail::sasircu {

namespace {

constexpr std::string_view kWhat = "sas*ircu";
constexpr std::string_view kControllerSection = "Controller information";
constexpr std::string_view kVolumeSection = "IR Volume information";
constexpr std::string_view kDeviceSection = "Physical device information";
constexpr std::string_view kEnclosureSection = "Enclosure information";

std::string abbrev(std::string_view state) {
    auto open = state.rfind('('), close = state.rfind(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) return toUpper(trim(state));
    return toUpper(state.substr(open + 1, close - open - 1));
}

std::string controllerId(int index) { return "mpt-ir:c" + std::to_string(index); }

// "1000h", "97h", "0808h": the tool prints its hex numbers with an 'h' suffix.
std::optional<unsigned> hexH(std::string_view w) {
    if (w.empty() || (w.back() != 'h' && w.back() != 'H')) return std::nullopt;
    w.remove_suffix(1);
    if (w.empty() || w.size() > 8) return std::nullopt;
    return parseInt<unsigned>(w, 16);
}

std::optional<std::string> pciAddress(unsigned seg, unsigned bus, unsigned dev, unsigned fn) {
    if (seg > 0xffff || bus > 0xff || dev > 0x1f || fn > 7) return std::nullopt;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04x:%02x:%02x.%x", seg, bus, dev, fn);
    return std::string(buf);
}

std::optional<std::string> idPair(std::optional<unsigned> a, std::optional<unsigned> b) {
    if (!a || !b || *a > 0xffff || *b > 0xffff) return std::nullopt;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04x:%04x", *a, *b);
    return std::string(buf);
}

// "Read configuration has been initiated for controller 0", "Background command progress status for
// controller 0...": the index the tool itself reports.
std::optional<int> controllerIndexIn(std::string_view t) {
    auto p = t.find("for controller ");
    if (p == std::string_view::npos) return std::nullopt;
    auto rest = t.substr(p + 15);
    while (!rest.empty() && (rest.back() == '.' || isSpace(rest.back()))) rest.remove_suffix(1);
    auto n = parseInt<int>(rest);
    if (n && *n >= 0 && *n < 1000) return n;
    return std::nullopt;
}

bool isTrailer(std::string_view t) { return t.find("IRCU:") != std::string_view::npos; }

struct Skips {
    Capture& cap;
    void skip(const ctl::KvLine& l) {
        ++cap.skipped;
        if (cap.notes.size() < 8) cap.notes.push_back("line " + std::to_string(l.number) + ": skipped " + quoteForError(trim(l.raw), 60));
    }
};

std::string volumeState(std::string_view status) {
    auto ab = abbrev(status);
    if (toLower(status).find("inactive") != std::string::npos || ab == "INA") return "inactive";
    if (ab == "OKY" || ab == "ONL" || ab == "OPTIMAL" || ab == "OKAY") return "optimal";
    if (ab == "DGD" || ab == "DEGRADED") return "degraded";
    if (ab == "FLD" || ab == "MIS" || ab == "FAILED" || ab == "MISSING") return "failed";
    if (ab == "INIT") return "resyncing";
    return "unknown";
}

std::optional<DriveState> driveState(std::string_view ab, bool member) {
    if (ab == "OPT" || ab == "ONL") return DriveState::online;
    if (ab == "RDY" || ab == "AVL") return member ? DriveState::online : DriveState::unconfigured;
    if (ab == "HSP") return DriveState::spare;
    if (ab == "RBLD" || ab == "OSY") return DriveState::rebuilding;  // OSY: a member not yet in sync
    if (ab == "FLD" || ab == "DGD") return DriveState::failed;
    if (ab == "MIS") return DriveState::missing;
    if (ab == "SBY" || ab == "OFL") return DriveState::offline;
    return std::nullopt;
}

struct Volume {
    Array a;
    std::vector<std::pair<std::string, std::string>> members;  // (enclosure, slot)
};

struct Pd {
    Drive d;
    bool isDisk = false;
    std::string type;  // the "Device is a ..." words
    std::string enclosure, slot;
    std::optional<std::uint64_t> sizeMiB, sectors;
    std::optional<std::string> unitSerial;
};

struct EnclosureRow {
    std::string number;
    std::optional<int> slots;
    std::optional<std::string> logicalId;
};

// "476940/976773167": MiB and sectors. The sector size is the one that agrees with the MiB figure
// (512 for most drives, 4096 for 4Kn ones); the MiB figure alone when there is no sector count.
std::optional<std::uint64_t> pdCapacity(const Pd& p) {
    if (p.sectors) {
        for (std::uint64_t bs : {512ULL, 4096ULL}) {
            if (*p.sectors > (1ULL << 52)) break;
            const std::uint64_t bytes = *p.sectors * bs;
            if (!p.sizeMiB || bytes / (1ULL << 20) == *p.sizeMiB || bytes / (1ULL << 20) + 1 == *p.sizeMiB) return bytes;
        }
    }
    if (p.sizeMiB && *p.sizeMiB < (1ULL << 40)) return *p.sizeMiB << 20;
    return std::nullopt;
}

} // namespace

Result<std::vector<Adapter>> parseList(std::string_view text) {
    std::vector<Adapter> out;
    bool sawTable = false, done = false;
    std::size_t n = 0;
    for (auto l : lines(text)) {
        ++n;
        auto t = trim(l);
        if (startsWith(t, "-----")) {
            sawTable = true;
            continue;
        }
        if (t.find("Utility Completed Successfully") != std::string_view::npos) done = true;
        if (!sawTable || t.empty() || isTrailer(t)) continue;
        auto w = splitWs(t);
        auto idx = parseInt<int>(w[0]);
        if (!idx || *idx < 0 || *idx > 999 || w.size() < 2)
            return fail(errc::parse_error, "sas*ircu LIST: line " + std::to_string(n) + ": expected '<index> <type> ...' (" +
                                               quoteForError(l) + ")");
        Adapter a{*idx, std::string(w[1]), std::nullopt, std::nullopt, std::nullopt};
        if (w.size() >= 4) a.pciId = idPair(hexH(w[2]), hexH(w[3]));
        if (w.size() >= 5) {
            auto f = split(w[4], ':');
            if (f.size() == 4) {
                auto s = hexH(f[0]), b = hexH(f[1]), d = hexH(f[2]), fn = hexH(f[3]);
                if (s && b && d && fn) a.pciAddress = pciAddress(*s, *b, *d, *fn);
            }
        }
        if (w.size() >= 7) a.pciSubsystem = idPair(hexH(w[5]), hexH(w[6]));
        out.push_back(std::move(a));
    }
    if (!done) return fail(errc::parse_error, "sas*ircu LIST: no 'Utility Completed Successfully' line (truncated or failed)");
    return out;
}

Result<Capture> decodeDisplay(std::string_view input, std::optional<int> asked) {
    int index = asked.value_or(0);
    Capture cap;
    Skips sk{cap};
    Controller c;
    c.kind = "mpt-ir";
    c.vendor = std::string("Broadcom / LSI");
    std::string section, lastSection = "the banner";
    std::deque<Volume> vols;
    std::deque<Pd> pds;
    std::vector<EnclosureRow> encs;
    bool done = false, sawController = false;
    std::optional<unsigned> bus, dev, fn, seg;
    const auto all = ctl::kvLines(input);
    auto isRule = [](std::string_view x) { return startsWith(trim(x), "-----"); };
    for (std::size_t i = 0; i < all.size(); ++i) {
        const auto& l = all[i];
        auto t = trim(l.raw);
        if (t.empty() || isRule(t)) continue;
        // A section title stands alone between two rules of dashes.
        const bool titleSlot = i > 0 && isRule(all[i - 1].raw) && i + 1 < all.size() && isRule(all[i + 1].raw);
        if (t.find("Utility Completed Successfully") != std::string_view::npos) {
            done = true;
            continue;
        }
        if (isTrailer(t)) continue;  // "SAS2IRCU: Command DISPLAY Completed Successfully."
        if (auto n = controllerIndexIn(t); n && startsWith(t, "Read configuration")) {
            if (!asked) index = *n;
            continue;
        }
        if (titleSlot && !l.hasSeparator) {
            if (!section.empty()) lastSection = section;
            section = std::string(t);
            if (section != kControllerSection && section != kVolumeSection && section != kDeviceSection &&
                section != kEnclosureSection)
                sk.skip(l);
            continue;
        }
        if (section.empty()) continue;  // banner: tool name, version, copyright
        if (section == kVolumeSection && startsWith(toLower(t), "ir volume ")) {
            Volume v;
            v.a.kind = "mpt-ir";
            v.a.name = "IR volume " + std::string(trim(t.substr(10)));
            vols.push_back(std::move(v));
            continue;
        }
        if (section == kDeviceSection && startsWith(t, "Device is a")) {
            Pd p;
            p.type = std::string(trim(t.substr(11)));
            const auto ty = toLower(p.type);
            p.isDisk = ty.find("hard disk") != std::string::npos || ty.find("solid state") != std::string::npos ||
                       ty.find("ssd") != std::string::npos;
            p.d.controllerView = ControllerDriveInfo{};
            pds.push_back(std::move(p));
            continue;
        }
        if (section == kDeviceSection && startsWith(t, "Initiator at ID")) continue;
        if (!l.hasSeparator) {
            sk.skip(l);
            continue;
        }
        const auto k = l.key;
        const auto v = l.value;
        if (section == kControllerSection) {
            sawController = true;
            if (k == "Controller type") c.model = ctl::text(v);
            else if (k == "Firmware version") c.firmware = ctl::text(v);
            else if (k == "Bus") bus = parseInt<unsigned>(v);
            else if (k == "Device") dev = parseInt<unsigned>(v);
            else if (k == "Function") fn = parseInt<unsigned>(v);
            else if (k == "Segment") seg = parseInt<unsigned>(v);
            else if (k == "BIOS version" || k == "Channel description" || k == "Initiator ID" || k == "Maximum physical devices" ||
                     k == "Concurrent commands supported" || k == "Slot" || k == "RAID Support")
                continue;
            else sk.skip(l);
        } else if (section == kVolumeSection && !vols.empty()) {
            auto& vol = vols.back();
            auto& a = vol.a;
            if (k == "Status of volume") {
                a.arrayState = ctl::text(v);
                a.state = volumeState(v);
            } else if (k == "RAID level") a.level = ctl::normalizeLevel(v);
            else if (k == "Size (in MB)") {
                if (auto mb = parseInt<std::uint64_t>(v); mb && *mb < (1ULL << 40)) a.sizeBytes = *mb << 20;
            } else if (k == "Volume wwid") a.uuid = ctl::text(v);
            else if (startsWith(k, "PHY[")) {
                auto f = split(v, ':');
                if (f.size() != 2) return fail(errc::parse_error, ctl::lineError(kWhat, l, "expected 'Enclosure#/Slot# : E:S'"));
                vol.members.emplace_back(std::string(trim(f[0])), std::string(trim(f[1])));
            } else if (k == "Volume ID" || k == "PI Supported" || k == "PI Enabled" || k == "Boot" || k == "Physical hard disks" ||
                       k == "Volume Name")
                continue;
            else sk.skip(l);
        } else if (section == kDeviceSection && !pds.empty()) {
            auto& p = pds.back();
            auto& d = p.d;
            if (k == "Enclosure #") p.enclosure = std::string(v);
            else if (k == "Slot #") p.slot = std::string(v);
            else if (k == "State") d.controllerView->state = ctl::text(v);
            else if (k == "Manufacturer") {
                if (auto m = ctl::text(v); m && *m != "ATA") d.vendor = m;
            } else if (k == "Model Number") d.model = ctl::text(v);
            else if (k == "Firmware Revision") d.firmware = ctl::text(v);
            else if (k == "Serial No") d.serial = ctl::text(v);
            else if (k == "Unit Serial No(VPD)") p.unitSerial = ctl::text(v);
            else if (k == "GUID") d.wwn = ctl::normalizeWwn(v);
            else if (k == "Protocol") {
                const auto pr = toUpper(trim(v));
                d.protocol = pr == "SATA" ? Protocol::SATA : pr == "SAS" ? Protocol::SAS : pr == "PCIE" || pr == "NVME" ? Protocol::NVMe
                                                                                                                        : Protocol::Unknown;
            } else if (k == "Drive Type") {
                const auto ty = toUpper(v);
                if (ty.find("SSD") != std::string::npos) d.media = Media::SSD;
                else if (ty.find("HDD") != std::string::npos) d.media = Media::HDD;
            } else if (k == "Size (in MB)/(in sectors)") {
                auto f = split(v, '/');
                p.sizeMiB = parseInt<std::uint64_t>(f[0]);
                if (f.size() == 2) p.sectors = parseInt<std::uint64_t>(f[1]);
            } else if (k == "SAS Address" || k == "Device Type")
                continue;
            else sk.skip(l);
        } else if (section == kEnclosureSection) {
            if (k == "Enclosure#") encs.push_back(EnclosureRow{std::string(v), std::nullopt, std::nullopt});
            else if (encs.empty()) sk.skip(l);
            else if (k == "Numslots") {
                if (auto n = parseInt<int>(v); n && *n >= 0 && *n <= 4096) encs.back().slots = *n;
            } else if (k == "Logical ID") encs.back().logicalId = ctl::text(v);
            else if (k == "StartSlot") continue;
            else sk.skip(l);
        } else {
            sk.skip(l);
        }
    }
    if (!sawController) return fail(errc::parse_error, "sas*ircu DISPLAY: no 'Controller information' section");
    if (!done)
        return fail(errc::parse_error, "sas*ircu DISPLAY: no 'Utility Completed Successfully' line at the end: truncated in or after '" +
                                           (section.empty() ? lastSection : section) + "' (last complete section: '" + lastSection + "')");
    const std::string cid = controllerId(index);
    c.id = cid;
    if (bus && dev && fn) c.pciAddress = pciAddress(seg.value_or(0), *bus, *dev, *fn);

    std::vector<Drive> drives;
    for (auto& p : pds) {
        if (!p.isDisk) continue;
        auto& d = p.d;
        d.location.controller = cid;
        d.location.enclosure = p.enclosure.empty() ? std::nullopt : std::optional<std::string>(p.enclosure);
        d.location.slot = parseInt<int>(p.slot);
        d.controllerView->address = p.enclosure + ":" + p.slot;
        if (!d.serial) d.serial = p.unitSerial;
        d.capacityBytes = pdCapacity(p);
        const bool member = std::any_of(vols.begin(), vols.end(), [&](const Volume& v) {
            return std::find(v.members.begin(), v.members.end(), std::make_pair(p.enclosure, p.slot)) != v.members.end();
        });
        d.state = driveState(abbrev(d.controllerView->state.value_or("")), member);
        if (member) d.role = std::string("hw-raid-member");
        ctl::classifyDrive(d, "enclosure " + p.enclosure + ", slot " + p.slot);
        drives.push_back(d);
    }
    ctl::sortBySlot(drives);
    ctl::assignDriveIds(drives, cap.notes);
    for (auto& v : vols) {
        auto num = v.a.name.substr(10);
        v.a.id = cid + "/vol" + num;
        v.a.controller = cid;
        int active = 0;
        bool rebuilding = false;
        for (const auto& bay : v.members) {
            // Named copies, not a structured binding: C++20 lambdas may not capture those (clang 14).
            const std::string& e = bay.first;
            const std::string& s = bay.second;
            ArrayMember m;
            auto it = std::find_if(drives.begin(), drives.end(), [&](const Drive& d) {
                return d.location.enclosure.value_or("") == e && d.location.slot == parseInt<int>(s);
            });
            m.role = "missing";
            m.slot = static_cast<int>(v.a.members.size());
            if (it != drives.end()) {
                m.drive = it->id;
                m.role = !it->state                           ? "unknown"  // the drive's state word is not known
                         : it->state == DriveState::online      ? "active"
                         : it->state == DriveState::rebuilding ? "rebuilding"
                         : it->state == DriveState::missing    ? "missing"
                                                               : "faulty";
            }
            if (m.role == "active") ++active;
            if (m.role == "rebuilding") rebuilding = true;
            m.flags.push_back("bay=" + e + ":" + s);
            v.a.members.push_back(std::move(m));
        }
        if (!v.members.empty()) {
            v.a.raidDisks = static_cast<int>(v.members.size());
            v.a.activeDisks = active;
        }
        if (v.a.state.empty()) v.a.state = "unknown";
        if (v.a.state == "degraded" && rebuilding) v.a.state = "rebuilding";
        ctl::classifyArray(v.a, v.a.name);
        cap.arrays.push_back(std::move(v.a));
    }
    for (const auto& er : encs) {
        Enclosure e;
        e.id = cid + "/e" + er.number;
        e.kind = "mpt-ir";
        e.components = er.slots;
        // The enclosure's own SES processor, when it answers, is listed as a device of that enclosure.
        for (const auto& p : pds)
            if (!p.isDisk && p.enclosure == er.number && toLower(p.type).find("enclosure") != std::string::npos) {
                e.vendor = p.d.vendor;
                e.product = p.d.model;
                e.revision = p.d.firmware;
            }
        for (const auto& d : drives) {
            if (d.location.enclosure != er.number || !d.location.slot) continue;
            raidmon::Slot s;
            s.index = *d.location.slot;
            s.status = std::string("occupied");
            s.drive = d.id;
            e.slots.push_back(std::move(s));
        }
        std::sort(e.slots.begin(), e.slots.end(), [](const raidmon::Slot& x, const raidmon::Slot& y) { return x.index < y.index; });
        e.health = Health::OK;
        cap.enclosures.push_back(std::move(e));
    }
    ctl::classifyController(c);
    cap.controllers.push_back(std::move(c));
    cap.drives = std::move(drives);
    return cap;
}

Result<Capture> decodeStatus(std::string_view input, std::optional<int> asked) {
    int index = asked.value_or(0);
    Capture cap;
    Skips sk{cap};
    struct Vol {
        Array a;
        std::optional<std::string> op;
        std::optional<std::uint64_t> sizeSectors, remaining;
    };
    std::deque<Vol> vols;
    bool done = false, started = false, noVolumes = false;
    std::optional<std::string> toolError;
    for (const auto& l : ctl::kvLines(input)) {
        auto t = trim(l.raw);
        if (t.empty()) continue;
        if (t.find("Utility Completed Successfully") != std::string_view::npos) {
            done = true;
            continue;
        }
        if (isTrailer(t)) {
            // "SAS2IRCU: there are no IR volumes on the controller!", "SAS2IRCU: Error executing command STATUS."
            if (toLower(t).find("no ir volumes") != std::string::npos) noVolumes = true;
            else if (t.find("Error") != std::string_view::npos && !toolError) toolError = std::string(t);
            continue;
        }
        if (startsWith(t, "Background command progress status")) {
            started = true;
            if (auto n = controllerIndexIn(t); n && !asked) index = *n;
            continue;
        }
        if (!started) continue;  // banner
        if (startsWith(toLower(t), "ir volume ")) {
            Vol v;
            v.a.kind = "mpt-ir";
            v.a.name = "IR volume " + std::string(trim(t.substr(10)));
            vols.push_back(std::move(v));
            continue;
        }
        if (!l.hasSeparator || vols.empty()) {
            sk.skip(l);
            continue;
        }
        auto& v = vols.back();
        const auto k = l.key;
        const auto val = l.value;
        if (k == "Current operation") v.op = ctl::text(val);
        else if (k == "Volume state") {
            v.a.arrayState = ctl::text(val);
            v.a.state = volumeState(val);
        } else if (k == "Volume wwid") v.a.uuid = ctl::text(val);
        else if (k == "Volume size (in sectors)") v.sizeSectors = parseInt<std::uint64_t>(val);
        else if (k == "Number of remaining sectors") v.remaining = parseInt<std::uint64_t>(val);
        else if (k == "Percentage complete") {
            auto p = val;
            if (endsWith(p, "%")) p.remove_suffix(1);
            if (auto pct = parseLocaleDouble(trim(p)); pct && *pct >= 0.0 && *pct <= 100.0) {
                if (!v.a.operation) v.a.operation = ArrayOperation{};
                v.a.operation->percent = *pct;
            }
        } else if (k == "Volume ID" || k == "Volume status" || k == "Physical disk I/Os")
            continue;
        else sk.skip(l);
    }
    if (!done) {
        if (toolError && !noVolumes) return fail(errc::parse_error, "sas*ircu STATUS: the tool failed: " + quoteForError(*toolError, 80));
        if (!noVolumes)
            return fail(errc::parse_error, "sas*ircu STATUS: no 'Utility Completed Successfully' line: truncated after " +
                                               (vols.empty() ? std::string("the banner") : "'" + vols.back().a.name + "'"));
    }
    if (noVolumes) cap.notes.push_back("the controller has no IR volumes");
    const std::string cid = controllerId(index);
    for (auto& v : vols) {
        auto& a = v.a;
        a.id = cid + "/vol" + a.name.substr(10);
        a.controller = cid;
        if (v.sizeSectors && *v.sizeSectors < (1ULL << 54)) a.sizeBytes = *v.sizeSectors * 512;
        const std::string op = toLower(v.op.value_or("none"));
        if (op != "none") {
            if (!a.operation) a.operation = ArrayOperation{};
            const bool degraded = a.state == "degraded";
            a.operation->kind = op == "synchronize" ? (degraded ? "rebuild" : "resync")
                                : op == "rebuild"   ? "rebuild"
                                : op.find("consistency") != std::string::npos ? "check"
                                : op.find("init") != std::string::npos        ? "resync"
                                : op.find("expansion") != std::string::npos   ? "reshape"
                                                                              : op;
            if (v.sizeSectors && v.remaining && *v.remaining <= *v.sizeSectors) {
                a.operation->total = *v.sizeSectors;
                a.operation->done = *v.sizeSectors - *v.remaining;
            }
            if (degraded) a.state = "rebuilding";
            else if (a.state == "optimal") a.state = a.operation->kind == "check" ? "checking" : a.operation->kind == "reshape" ? "reshaping" : "resyncing";
        } else {
            a.operation.reset();
        }
        if (a.state.empty()) a.state = "unknown";
        ctl::classifyArray(a, a.name);
        cap.arrays.push_back(std::move(a));
    }
    return cap;
}

} // namespace raidmon::detail::sasircu

namespace raidmon::detail {

int detectSasIrcu(std::string_view t) {
    auto head = t.substr(0, 1024);
    return head.find("IR Configuration Utility") != std::string_view::npos ? 95 : 0;
}

Result<Capture> decodeSasIrcu(std::string_view t) {
    if (t.find("Controller information") != std::string_view::npos) return sasircu::decodeDisplay(t);
    if (t.find("Background command progress status") != std::string_view::npos || t.find("Command STATUS") != std::string_view::npos ||
        t.find("command STATUS") != std::string_view::npos)
        return sasircu::decodeStatus(t);
    auto list = sasircu::parseList(t);
    if (!list) return tl::unexpected(list.error());
    Capture cap;
    for (const auto& a : *list) {
        Controller c;
        c.id = "mpt-ir:c" + std::to_string(a.index);
        c.kind = "mpt-ir";
        c.vendor = std::string("Broadcom / LSI");
        c.model = a.type;
        c.pciId = a.pciId;
        c.pciSubsystem = a.pciSubsystem;
        c.pciAddress = a.pciAddress;
        c.health = Health::Unknown;
        c.reasons.push_back("LIST names the adapter only: run '" + std::to_string(a.index) + " DISPLAY' for its state");
        cap.controllers.push_back(std::move(c));
    }
    if (list->empty()) cap.notes.push_back("LIST found no IR adapter");
    return cap;
}

} // namespace raidmon::detail
