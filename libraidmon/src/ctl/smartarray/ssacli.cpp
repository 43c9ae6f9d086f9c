// SPDX-License-Identifier: LGPL-2.1-or-later
// HPE Smart Array: ssacli / hpssacli / hpacucli text ("ctrl all show config detail", "ctrl all show
// status", "ld all show", "pd all show"). The layout is an indented outline: a controller heading
// at column 0 ("Smart Array P400i in Slot 0 (Embedded)"), its fields, then arrays, logical drives
// and physical drives ("physicaldrive 1I:1:3", port:box:bay) each with their own indented fields.
#include <algorithm>
#include <deque>
#include <map>

#include "core/strutil.hpp"
#include "ctl/common.hpp"
#include "ctl/decoders.hpp"

namespace raidmon::detail {

namespace {

constexpr std::string_view kWhat = "ssacli";

struct LdState {
    std::string state;
    std::optional<double> percent;
    std::optional<std::string> operation;
};

// Logical drive status words of ssacli (and cciss_vol_status, which prints the same firmware
// states): "OK", "Failed", "Interim Recovery Mode", "Ready for Rebuild", "Recovering, 12% complete",
// "Transforming, 5% complete", "Expanding", "Wrong Drive Replaced", "Parity Initializing".
LdState ldState(std::string_view status) {
    LdState s;
    auto w = toLower(trim(status));
    if (auto pct = w.find('%'); pct != std::string::npos) {
        auto start = w.find_last_of(" ,", pct);
        s.percent = parseDouble(std::string_view(w).substr(start == std::string::npos ? 0 : start + 1, pct - (start == std::string::npos ? 0 : start + 1)));
    }
    auto has = [&](std::string_view p) { return w.find(p) != std::string::npos; };
    if (w == "ok") s.state = "optimal";
    else if (has("wrong drive replaced") || has("failed") || has("not available") || has("disabled")) s.state = "failed";
    else if (has("recovering") || has("rebuilding")) {
        s.state = "rebuilding";
        s.operation = "rebuild";
    } else if (has("interim recovery") || has("ready for rebuild") || has("ready for recovery") || has("degraded"))
        s.state = "degraded";
    else if (has("transforming") || has("expanding") || has("extending") || has("moving")) {
        s.state = "reshaping";
        s.operation = "reshape";
    } else if (has("initializ")) {
        s.state = "resyncing";
        s.operation = "resync";
    } else s.state = "unknown";
    return s;
}

struct Ld {
    Array a;
    std::string status;
    std::vector<std::string> pds;  ///< member physical drive ids ("1I:1:3")
    std::optional<std::string> arrayStatus;
    std::string arrayName;
};

struct Pd {
    Drive d;
    std::string addr;
    std::optional<std::string> status;
    std::optional<std::string> type;  ///< "Data Drive", "Unassigned Drive", "Spare Drive", "HBA Mode Drive"
    bool spare = false, hba = false;
    std::string arrayName;  ///< the array whose detail section lists this drive
};

struct Ctrl {
    Controller c;
    std::string slot;
    std::deque<Ld> lds;  // deques: the parser keeps references to the entry it is filling
    std::deque<Pd> pds;
    std::vector<Enclosure> cages;
    std::map<std::string, std::string> arrayStatus;  ///< array letter -> status
};

Pd& pdOf(Ctrl& c, std::string_view addr) {
    for (auto& p : c.pds)
        if (p.addr == addr) return p;
    Pd p;
    p.addr = std::string(addr);
    auto f = split(addr, ':');
    p.d.location.controller = c.c.id;
    if (f.size() == 3) {
        p.d.location.enclosure = std::string(f[0]) + ":" + std::string(f[1]);
        p.d.location.slot = parseInt<int>(f[2]);
    }
    p.d.location.label = "bay " + std::string(f.empty() ? addr : f.back());
    c.pds.push_back(std::move(p));
    return c.pds.back();
}

// "(port 1I:box 1:bay 1, SATA HDD, 250 GB, OK)" or "(558.9 GB, RAID 1, OK)"
std::vector<std::string> parenFields(std::string_view s) {
    std::vector<std::string> out;
    auto open = s.find('(');
    auto close = s.rfind(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) return out;
    for (auto f : split(s.substr(open + 1, close - open - 1), ',')) out.emplace_back(trim(f));
    return out;
}

void applyPdShort(Pd& p, const std::vector<std::string>& f) {
    // [location, "SATA HDD", "250 GB", "OK", ("spare")]
    if (f.size() >= 2) {
        auto words = splitWs(f[1]);
        for (auto w : words) {
            if (w == "SATA") p.d.protocol = Protocol::SATA;
            else if (w == "SAS") p.d.protocol = Protocol::SAS;
            else if (w == "NVMe") p.d.protocol = Protocol::NVMe;
            else if (w == "HDD") p.d.media = Media::HDD;
            else if (w == "SSD") p.d.media = Media::SSD;
        }
    }
    if (f.size() >= 3 && !p.d.capacityBytes) p.d.capacityBytes = ctl::parseSize(f[2], ctl::SizeBase::decimal);
    if (f.size() >= 4 && !p.status) p.status = f[3];
    for (std::size_t i = 4; i < f.size(); ++i)
        if (toLower(f[i]) == "spare") p.spare = true;
}

} // namespace

int detectSsacli(std::string_view t) {
    for (auto l : lines(t.substr(0, 1024))) {
        auto tl = trim(l);
        if (l.empty() || l.front() == ' ' || l.front() == '\t') continue;
        if ((tl.find("Smart Array") != std::string_view::npos || tl.find("Smart HBA") != std::string_view::npos) &&
            tl.find(" in Slot ") != std::string_view::npos)
            return 85;
    }
    return 0;
}

Result<Capture> decodeSsacli(std::string_view input) {
    std::deque<Ctrl> ctrls;
    Ctrl* cur = nullptr;
    Ld* ld = nullptr;
    Pd* pd = nullptr;           // the drive whose detail fields follow
    std::size_t pdIndent = 0;
    std::string arrayName;
    std::string section;        // "unassigned", "hba", "cage", ""
    Capture cap;
    for (const auto& l : ctl::kvLines(input)) {
        auto tl = trim(l.raw);
        if (tl.empty()) continue;
        if (l.indent == 0) {
            auto in = tl.find(" in Slot ");
            if (in == std::string_view::npos) {
                if (!ctrls.empty()) cap.notes.push_back("ssacli: line " + std::to_string(l.number) + " not understood: " + printable(tl));
                continue;  // a shell prompt or banner before the first controller
            }
            Ctrl c;
            c.c.kind = "smartarray";
            c.c.vendor = std::string("Hewlett Packard Enterprise");
            c.c.model = printable(tl.substr(0, in));
            auto rest = tl.substr(in + 9);
            auto w = splitWs(rest);
            c.slot = w.empty() ? std::string("?") : std::string(w[0]);
            c.c.id = "smartarray:slot" + c.slot;
            if (rest.find("(HBA Mode)") != std::string_view::npos) c.c.kind = "sas-hba";
            ctrls.push_back(std::move(c));
            cur = &ctrls.back();
            ld = nullptr;
            pd = nullptr;
            arrayName.clear();
            section.clear();
            continue;
        }
        if (!cur) continue;
        if (pd && l.indent <= pdIndent) pd = nullptr;
        // Physical drive lines: "physicaldrive 1I:1:3 (port 1I:box 1:bay 3, SATA HDD, 100 GB, OK)" or a
        // detail heading "physicaldrive 1I:1:3" followed by its fields.
        if (startsWith(tl, "physicaldrive ")) {
            auto w = splitWs(tl);
            if (w.size() < 2) return fail(errc::parse_error, ctl::lineError(kWhat, l, "physicaldrive without an address"));
            Pd& p = pdOf(*cur, w[1]);
            auto f = parenFields(tl);
            if (!f.empty()) applyPdShort(p, f);
            else {
                pd = &p;
                pdIndent = l.indent;
            }
            if (section == "unassigned") p.type = p.type.value_or("Unassigned Drive");
            if (section == "hba") p.hba = true;
            if (section == "array" && f.empty()) p.arrayName = arrayName;
            if (ld && f.size() > 0 && std::find(ld->pds.begin(), ld->pds.end(), p.addr) == ld->pds.end()) ld->pds.push_back(p.addr);
            continue;
        }
        if (startsWith(tl, "logicaldrive ") || startsWith(tl, "Logical Drive:")) {
            auto num = startsWith(tl, "logicaldrive ") ? splitWs(tl)[1] : trim(tl.substr(14));
            Ld n;
            n.a.kind = "smartarray";
            n.a.controller = cur->c.id;
            n.a.id = cur->c.id + "/ld" + std::string(num);
            n.a.name = "logicaldrive " + std::string(num);
            n.arrayName = arrayName;
            auto f = parenFields(tl);
            if (f.size() >= 3) {
                n.a.sizeBytes = ctl::parseSize(f[0], ctl::SizeBase::decimal);
                n.a.level = ctl::normalizeLevel(f[1]);
                n.status = f[2];
                for (std::size_t i = 3; i < f.size(); ++i) n.status += ", " + f[i];
            }
            cur->lds.push_back(std::move(n));
            ld = &cur->lds.back();
            pd = nullptr;
            continue;
        }
        if (startsWith(tl, "Array:") || startsWith(tl, "array ")) {
            auto rest = trim(tl.substr(startsWith(tl, "Array:") ? 6 : 6));
            auto w = splitWs(rest);
            arrayName = w.empty() ? std::string() : std::string(w[0]);
            if (auto f = parenFields(rest); !f.empty()) cur->arrayStatus[arrayName] = f[0];
            ld = nullptr;
            pd = nullptr;
            section = "array";
            continue;
        }
        if (tl == "Unassigned") {
            section = "unassigned";
            ld = nullptr;
            continue;
        }
        if (tl == "HBA Drives") {
            section = "hba";
            ld = nullptr;
            continue;
        }
        if (tl.find("Drive Cage at Port") != std::string_view::npos || tl.find("Storage Enclosure at Port") != std::string_view::npos) {
            Enclosure e;
            e.kind = "smartarray";
            auto f = split(tl, ',');
            e.product = printable(f[0].substr(0, f[0].find(" at Port")));
            std::string port, box;
            if (auto p = tl.find("at Port "); p != std::string_view::npos) port = std::string(splitWs(tl.substr(p + 8)).front());
            if (!port.empty() && port.back() == ',') port.pop_back();
            if (auto b = tl.find("Box "); b != std::string_view::npos) box = std::string(splitWs(tl.substr(b + 4)).front());
            if (!box.empty() && box.back() == ',') box.pop_back();
            e.id = cur->c.id + "/" + port + ":" + box;
            e.health = Health::OK;
            if (f.size() >= 3) {
                auto st = std::string(trim(f.back()));
                if (st != "OK") ctl::addFinding(e.health, e.reasons, Health::Warning, "drive cage " + port + ":" + box + " is '" + st + "'");
            }
            cur->cages.push_back(std::move(e));
            section = "cage";
            ld = nullptr;
            continue;
        }
        if (!l.hasSeparator) continue;
        const auto k = l.key;
        const auto v = l.value;
        if (pd) {
            auto& d = pd->d;
            if (k == "Status") pd->status = std::string(v);
            else if (k == "Drive Type") pd->type = std::string(v);
            else if (k == "Interface Type") {
                if (v.find("SATA") != std::string_view::npos) d.protocol = Protocol::SATA;
                else if (v.find("SAS") != std::string_view::npos) d.protocol = Protocol::SAS;
                else if (v.find("NVMe") != std::string_view::npos) d.protocol = Protocol::NVMe;
                if (v.find("Solid State") != std::string_view::npos) d.media = Media::SSD;
            } else if (k == "Size") d.capacityBytes = ctl::parseSize(v, ctl::SizeBase::decimal);
            else if (k == "Firmware Revision") d.firmware = ctl::text(v);
            else if (k == "Serial Number") d.serial = ctl::text(v);
            else if (k == "WWID") d.wwn = ctl::normalizeWwn(v);
            else if (k == "Model") {
                // "ATA     INTEL SSDSA2BZ10": SCSI INQUIRY vendor (8 characters) then product.
                auto m = printable(v);
                auto w = splitWs(m);
                if (w.size() >= 2 && w[0].size() <= 8) {
                    if (w[0] != "ATA") d.vendor = std::string(w[0]);
                    d.model = ctl::text(trim(std::string_view(m).substr(w[1].data() - m.data())));
                } else d.model = ctl::text(m);
            } else if (k == "Current Temperature (C)") {
                if (!d.controllerView) d.controllerView = ControllerDriveInfo{};
                d.controllerView->temperatureC = parseInt<int>(v);
            } else if (k == "Rotational Speed") d.rotationRpm = parseInt<int>(v);
            continue;
        }
        if (ld) {
            if (k == "Size") ld->a.sizeBytes = ctl::parseSize(v, ctl::SizeBase::decimal);
            else if (k == "Fault Tolerance") ld->a.level = ctl::normalizeLevel(v);
            else if (k == "Status") ld->status = std::string(v);
            else if (k == "Unique Identifier") ld->a.uuid = ctl::text(v);
            else if (k == "Disk Name") ld->a.devnode = ctl::text(v);
            else if (k == "Logical Drive Label") {
                if (auto lb = ctl::text(v)) ld->a.name += " (" + *lb + ")";
            }
            continue;
        }
        if (section == "array") {
            if (k == "Status") cur->arrayStatus[arrayName] = std::string(v);
            continue;
        }
        if (!section.empty()) continue;
        if (k == "Controller Status") cur->c.status = ctl::text(v);
        else if (k == "Firmware Version") cur->c.firmware = ctl::text(v);
        else if (k == "Serial Number") cur->c.serial = ctl::text(v);
        else if (k == "Cache Status") cur->c.cacheStatus = ctl::text(v);
        else if (k == "Battery/Capacitor Status") cur->c.batteryStatus = ctl::text(v);
        else if (k == "Driver Name") cur->c.driver = ctl::text(v);
        else if (startsWith(k, "PCI Address")) cur->c.pciAddress = toLower(printable(v));
    }
    if (ctrls.empty())
        return fail(errc::parse_error, "ssacli: no controller heading ('<model> in Slot <n>'): not ssacli/hpssacli/hpacucli output");

    for (auto& c : ctrls) {
        ctl::classifyController(c.c);
        std::vector<Drive> drives;
        for (auto& p : c.pds) {
            auto& d = p.d;
            ControllerDriveInfo cv = d.controllerView.value_or(ControllerDriveInfo{});
            cv.state = p.status;
            cv.address = p.addr;
            const auto st = toLower(p.status.value_or(""));
            const auto type = toLower(p.type.value_or(""));
            if (st.empty()) d.state.reset();
            else if (st == "failed") d.state = DriveState::failed;
            else if (st.find("rebuilding") != std::string::npos) d.state = DriveState::rebuilding;
            else if (p.spare || type.find("spare") != std::string::npos) d.state = DriveState::spare;
            else if (p.hba || type.find("hba") != std::string::npos) d.state = DriveState::jbod;
            else if (type.find("unassigned") != std::string::npos) d.state = DriveState::unconfigured;
            else if (st == "ok" || st.find("predictive failure") != std::string::npos) d.state = DriveState::online;
            if (!st.empty()) d.failurePredicted = st.find("predictive failure") != std::string::npos;
            d.controllerView = cv;
            ctl::classifyDrive(d, "controller slot " + c.slot + ", bay " + p.addr);
            drives.push_back(d);
        }
        ctl::assignDriveIds(drives, cap.notes);
        auto idOf = [&](std::string_view addr) -> std::optional<std::string> {
            for (std::size_t i = 0; i < c.pds.size(); ++i)
                if (c.pds[i].addr == addr) return drives[i].id;
            return std::nullopt;
        };
        for (auto& n : c.lds) {
            auto s = ldState(n.status);
            n.a.state = s.state;
            n.a.arrayState = ctl::text(n.status);
            if (s.operation) {
                ArrayOperation op;
                op.kind = *s.operation;
                op.percent = s.percent;
                n.a.operation = op;
            }
            if (n.pds.empty())  // Gen10 detail lists an array's drives under the array, not the LD
                for (const auto& p : c.pds)
                    if (!n.arrayName.empty() && p.arrayName == n.arrayName) n.pds.push_back(p.addr);
            int active = 0;
            for (const auto& addr : n.pds) {
                ArrayMember m;
                m.drive = idOf(addr);
                const auto* p = &*std::find_if(c.pds.begin(), c.pds.end(), [&](const Pd& x) { return x.addr == addr; });
                const auto pst = toLower(p->status.value_or(""));
                m.role = pst == "failed" ? "faulty" : pst.find("rebuilding") != std::string::npos ? "rebuilding" : "active";
                if (m.role == "active") ++active;
                m.flags.push_back("bay=" + addr);
                n.a.members.push_back(std::move(m));
            }
            if (!n.pds.empty()) {
                n.a.raidDisks = static_cast<int>(n.pds.size());
                n.a.activeDisks = active;
            }
            ctl::classifyArray(n.a, n.a.name + (n.arrayName.empty() ? "" : " (array " + n.arrayName + ")"));
            if (auto it = c.arrayStatus.find(n.arrayName); it != c.arrayStatus.end() && toLower(it->second) != "ok")
                ctl::addFinding(n.a.health, n.a.reasons, toLower(it->second) == "failed" ? Health::Critical : Health::Warning,
                                "the controller reports array " + n.arrayName + " (the disk group under " + n.a.name +
                                    ") as '" + it->second + "'");
            cap.arrays.push_back(std::move(n.a));
        }
        for (auto& e : c.cages) {
            auto box = e.id.substr(c.c.id.size() + 1);
            for (const auto& d : drives)
                if (d.location.enclosure == box && d.location.slot) {
                    Slot s;
                    s.index = *d.location.slot;
                    s.label = d.location.label;
                    s.status = std::string("occupied");
                    s.drive = d.id;
                    e.slots.push_back(std::move(s));
                }
            cap.enclosures.push_back(std::move(e));
        }
        cap.controllers.push_back(std::move(c.c));
        for (auto& d : drives) cap.drives.push_back(std::move(d));
    }
    return cap;
}

} // namespace raidmon::detail
