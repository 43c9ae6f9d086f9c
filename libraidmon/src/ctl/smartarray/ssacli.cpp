// SPDX-License-Identifier: LGPL-2.1-or-later
// HPE Smart Array: ssacli / hpssacli / hpacucli text ("ctrl all show config [detail]", "ctrl all
// show status", "ld all show [detail]", "pd all show [detail]"). The grammar (docs/decoders.md):
// an indented outline. A controller heading at column 0 ("Smart Array P400i in Slot 0 (Embedded)",
// "MSA1500 CS in MY STORAGE" for an external controller named by its chassis), its fields
// ("Key: Value") one level in, then sections: arrays ("array A", "array B (Failed)", "Array: A"),
// "unassigned", "HBA Drives", drive cages ("Internal Drive Cage at Port 1I, Box 1, OK"), logical
// drives ("logicaldrive 1 (558.9 GB, RAID 1, OK)" or "Logical Drive: 1" with fields), physical
// drives ("physicaldrive 1I:1:3 (port 1I:box 1:bay 3, SATA HDD, 100 GB, OK)" or a heading
// "physicaldrive 1I:1:3" with fields), and sections raidmon does not read (SEP, expanders, ports).
// The tool's own refusals ("Error: No controllers detected.") are lines at column 0.
#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "core/strutil.hpp"
#include "ctl/common.hpp"
#include "ctl/decoders.hpp"
#include "ctl/skipped.hpp"

namespace raidmon::detail {

namespace {

constexpr std::string_view kWhat = "ssacli";

struct LdState {
    std::string state;
    std::optional<ArrayOperation> op;
};

// "Recovering, 12% complete", "Transforming, 25.37% complete": the percentage, if any.
std::optional<double> percentIn(std::string_view w) {
    auto pct = w.find('%');
    if (pct == std::string_view::npos) return std::nullopt;
    auto start = w.find_last_of(" ,(", pct);
    start = start == std::string_view::npos ? 0 : start + 1;
    return parseLocaleDouble(trim(w.substr(start, pct - start)));
}

// Logical drive status words of ssacli/hpssacli/hpacucli (the controller firmware's volume states):
// "OK", "Failed", "Interim Recovery Mode", "Ready for Rebuild", "Recovering, 12% complete",
// "Rebuilding", "Wrong Drive Replaced", "Loose Cable Detected", "Expanding, 5% complete",
// "Queued for Expansion", "Extending", "Moving", "Transforming, 5% complete", "Queued for
// Transformation", "Parity Initializing", "Not Yet Available", "Disabled from SCSI ID Conflict",
// "Ejected", "Erase In Progress", "Unused", "Hardware Overheating", "Hardware Has Overheated".
LdState ldState(std::string_view status) {
    LdState s;
    const auto w = toLower(trim(status));
    auto has = [&](std::string_view p) { return w.find(p) != std::string::npos; };
    auto op = [&](std::string kind) {
        ArrayOperation o;
        o.kind = std::move(kind);
        o.percent = percentIn(w);
        o.delayed = has("queued");
        return o;
    };
    if (w == "ok") s.state = "optimal";
    else if (has("recovering") || has("rebuilding")) {
        s.state = "rebuilding";
        s.op = op("rebuild");
    } else if (has("interim recovery") || has("ready for rebuild") || has("ready for recovery") || has("degraded") ||
               has("overheating"))
        s.state = "degraded";
    else if (has("wrong drive replaced") || has("failed") || has("loose cable") || has("disabled") || has("ejected") ||
             has("has overheated"))
        s.state = "failed";
    else if (has("transforming") || has("transformation") || has("expanding") || has("expansion") || has("extending") ||
             has("moving") || has("migrating")) {
        s.state = "reshaping";
        s.op = op("reshape");
    } else if (has("initializ")) {
        s.state = "resyncing";
        s.op = op("resync");
    } else if (has("not yet available") || has("not available") || has("unused") || has("erase") || has("erasing"))
        s.state = "inactive";
    else s.state = "unknown";
    return s;
}

struct Ld {
    Array a;
    std::string status;
    std::vector<std::string> pds;  ///< members listed under the logical drive itself ("Mirror Group 1:")
    std::string arrayName;
    std::optional<std::string> parityInit;     ///< "Parity Initialization Status"
    std::optional<double> parityInitPercent;   ///< "Parity Initialization Progress: 45% complete"
};

struct Pd {
    Drive d;
    std::string addr;
    std::optional<std::string> status;
    std::optional<std::string> type;  ///< "Data Drive", "Unassigned Drive", "Spare Drive", "HBA Mode Drive"
    bool spare = false, hba = false, unassigned = false;
    std::set<std::string> arrays;  ///< arrays that list this drive (a shared spare is listed under each)
};

struct Ctrl {
    Controller c;
    std::string slot;
    std::size_t fieldIndent = 0;  ///< indentation of the controller's own fields
    std::deque<Ld> lds;           // deques: the parser keeps pointers to the entry it is filling
    std::deque<Pd> pds;
    std::vector<Enclosure> cages;
    std::vector<std::string> arrayOrder;
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

void applyInterface(Drive& d, std::string_view v) {
    for (auto w : splitWs(v)) {
        if (w == "SATA") d.protocol = Protocol::SATA;
        else if (w == "SAS") d.protocol = Protocol::SAS;
        else if (w == "NVMe") d.protocol = Protocol::NVMe;
        else if (w == "HDD") d.media = Media::HDD;
        else if (w == "SSD") d.media = Media::SSD;
    }
    if (v.find("Solid State") != std::string_view::npos) d.media = Media::SSD;
}

void applyPdShort(Pd& p, const std::vector<std::string>& f) {
    // [location, "SATA HDD", "250 GB", "OK", ("spare")]
    if (f.size() >= 2) applyInterface(p.d, f[1]);
    if (f.size() >= 3 && !p.d.capacityBytes) p.d.capacityBytes = ctl::parseSize(f[2], ctl::SizeBase::decimal);
    if (f.size() >= 4 && !p.status) p.status = f[3];
    for (std::size_t i = 4; i < f.size(); ++i)
        if (toLower(f[i]) == "spare") p.spare = true;
}

// A controller heading at column 0: "<model> in Slot <n> [(Embedded)] [(HBA Mode)|(RAID Mode)]
// [(sn: X)]", or "<model> in <chassis name>" for controllers of external storage (MSA).
struct Heading {
    std::string model, slot;
    bool chassis = false, hba = false;
    std::optional<std::string> serial;
};

std::optional<Heading> controllerHeading(std::string_view tl, std::string_view next) {
    if (tl.empty() || !((tl[0] >= 'A' && tl[0] <= 'Z') || (tl[0] >= 'a' && tl[0] <= 'z') || (tl[0] >= '0' && tl[0] <= '9')))
        return std::nullopt;
    Heading h;
    if (auto in = tl.find(" in Slot "); in != std::string_view::npos) {
        h.model = printable(tl.substr(0, in));
        auto rest = tl.substr(in + 9);
        auto w = splitWs(rest);
        h.slot = w.empty() ? std::string("?") : std::string(w[0]);
        h.hba = rest.find("(HBA Mode)") != std::string_view::npos;
        if (auto sn = rest.find("(sn: "); sn != std::string_view::npos) {
            auto end = rest.find(')', sn);
            h.serial = ctl::text(rest.substr(sn + 5, end == std::string_view::npos ? std::string_view::npos : end - sn - 5));
        }
        return h;
    }
    // "MSA1500 CS in MY STORAGE": no colon (banners and prompts have one), fields follow indented.
    auto in = tl.find(" in ");
    if (in == std::string_view::npos || tl.find(':') != std::string_view::npos || tl.find('#') != std::string_view::npos)
        return std::nullopt;
    const auto n = trim(next);
    bool known = false;
    for (std::string_view first : {"Controller Status", "Bus Interface", "array ", "Array:", "unassigned", "Unassigned", "logicaldrive ", "physicaldrive "})
        known = known || startsWith(n, first);
    if (!known) return std::nullopt;
    h.model = printable(tl.substr(0, in));
    h.slot = printable(tl.substr(in + 4));
    h.chassis = true;
    return h;
}

// hpacucli/hpssacli/ssacli refusals (the tool's "Error: ..." line, which may continue indented).
bool isToolError(std::string_view tl) { return startsWith(tl, "Error: "); }

// A drive's model as Smart Array prints it: SCSI INQUIRY vendor (8 characters) then product,
// "ATA     INTEL SSDSA2BZ10", "HP      EF0600FARNA".
void applyModel(Drive& d, std::string_view v) {
    auto m = printable(v);
    auto w = splitWs(m);
    if (w.size() >= 2 && w[0].size() <= 8) {
        if (w[0] != "ATA") d.vendor = std::string(w[0]);
        d.model = ctl::text(trim(std::string_view(m).substr(static_cast<std::size_t>(w[1].data() - m.data()))));
    } else d.model = ctl::text(m);
}

} // namespace

int detectSsacli(std::string_view t) {
    auto ls = lines(t.substr(0, 4096));
    for (std::size_t i = 0; i < ls.size(); ++i) {
        auto l = ls[i];
        if (l.empty() || l.front() == ' ' || l.front() == '\t') continue;
        auto tl = trim(l);
        if (tl.find(" in Slot ") != std::string_view::npos &&
            (tl.find("Smart Array") != std::string_view::npos || tl.find("Smart HBA") != std::string_view::npos ||
             tl.find("HBA") != std::string_view::npos))
            return 85;
        std::string_view next;
        for (std::size_t j = i + 1; j < ls.size(); ++j)
            if (!trim(ls[j]).empty()) {
                next = ls[j];
                break;
            }
        if (!next.empty() && (next.front() == ' ' || next.front() == '\t') && controllerHeading(tl, next)) return 80;
        if (isToolError(tl) && (tl.find("No controllers detected") != std::string_view::npos ||
                                tl.find("does not have any logical drives") != std::string_view::npos ||
                                tl.find("does not have any physical drives") != std::string_view::npos ||
                                tl.find("The controller must be identified") != std::string_view::npos ||
                                tl.find("is not a valid target") != std::string_view::npos))
            return 60;
    }
    return 0;
}

Result<Capture> decodeSsacli(std::string_view input) {
    std::deque<Ctrl> ctrls;
    std::map<std::string, int> chassisSeen;
    Ctrl* cur = nullptr;
    // The open blocks, innermost last: a group (array, unassigned, HBA drives, cage), within it a
    // logical or physical drive with fields, or a section raidmon does not read.
    enum class Group { none, array, unassigned, hba, cage };
    Group group = Group::none;
    std::string arrayName;
    Ld* ld = nullptr;
    std::size_t ldIndent = 0;
    Pd* pd = nullptr;
    std::size_t pdIndent = 0;
    std::optional<std::size_t> ignoredIndent;  // inside a section raidmon does not read
    std::string toolError;
    bool inError = false;
    Capture cap;
    ctl::SkipLog skipped;
    const auto ls = ctl::kvLines(input);
    auto nextNonBlank = [&](std::size_t i) -> std::string_view {
        for (std::size_t j = i + 1; j < ls.size(); ++j)
            if (!trim(ls[j].raw).empty()) return ls[j].raw;
        return {};
    };
    for (std::size_t i = 0; i < ls.size(); ++i) {
        const auto& l = ls[i];
        auto tl = trim(l.raw);
        if (tl.empty()) continue;
        if (l.indent == 0) {
            inError = false;
            auto next = nextNonBlank(i);
            std::optional<Heading> h;
            if (!next.empty() && (next.front() == ' ' || next.front() == '\t')) h = controllerHeading(tl, next);
            else if (tl.find(" in Slot ") != std::string_view::npos) h = controllerHeading(tl, next);  // heading alone
            if (!h) {
                if (isToolError(tl)) {
                    if (!toolError.empty()) toolError += " ";
                    toolError += printable(tl.substr(7));
                    inError = true;
                } else if (!ctrls.empty()) skipped.add(tl);  // a prompt or note after the payload
                continue;  // a shell prompt, the command line or an advisory banner before the first controller
            }
            Ctrl c;
            c.c.kind = h->hba ? "sas-hba" : "smartarray";
            c.c.vendor = std::string("Hewlett Packard Enterprise");
            c.c.model = h->model;
            c.c.serial = h->serial;
            c.slot = h->slot;
            if (h->chassis) {
                // ssacli addresses these as ctrl ch="<name>"; a redundant pair shares the chassis name.
                const int n = ++chassisSeen[h->slot];
                c.c.id = "smartarray:ch=" + h->slot + (n > 1 ? "#" + std::to_string(n) : std::string());
            } else c.c.id = "smartarray:slot" + c.slot;
            ctrls.push_back(std::move(c));
            cur = &ctrls.back();
            group = Group::none;
            arrayName.clear();
            ld = nullptr;
            pd = nullptr;
            ignoredIndent.reset();
            continue;
        }
        if (inError) {  // the indented continuation of a tool error
            toolError += " " + printable(tl);
            continue;
        }
        if (!cur) continue;  // the indented continuation of a banner before the first controller
        if (pd && l.indent <= pdIndent) pd = nullptr;
        if (ld && l.indent <= ldIndent) ld = nullptr;
        if (ignoredIndent && l.indent <= *ignoredIndent) ignoredIndent.reset();
        if (ignoredIndent) continue;  // counted once, at the section's title

        // Physical drives: a one-line summary "physicaldrive 1I:1:3 (port 1I:box 1:bay 3, SATA HDD,
        // 100 GB, OK[, spare])" or a heading "physicaldrive 1I:1:3" whose fields follow.
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
            if (ld && !f.empty() && !p.spare) {
                if (std::find(ld->pds.begin(), ld->pds.end(), p.addr) == ld->pds.end()) ld->pds.push_back(p.addr);
            } else if (group == Group::array) p.arrays.insert(arrayName);
            else if (group == Group::unassigned) p.unassigned = true;
            else if (group == Group::hba) p.hba = true;
            continue;
        }
        if (startsWith(tl, "logicaldrive ") || startsWith(tl, "Logical Drive:")) {
            auto num = startsWith(tl, "logicaldrive ") ? splitWs(tl)[1] : trim(tl.substr(14));
            Ld n;
            n.a.kind = "smartarray";
            n.a.controller = cur->c.id;
            n.a.id = cur->c.id + "/ld" + std::string(num);
            n.a.name = "logicaldrive " + std::string(num);
            n.arrayName = group == Group::array ? arrayName : std::string();
            auto f = parenFields(tl);
            if (f.size() >= 3) {
                n.a.sizeBytes = ctl::parseSize(f[0], ctl::SizeBase::decimal);
                n.a.level = ctl::normalizeLevel(f[1]);
                n.status = f[2];
                for (std::size_t k = 3; k < f.size(); ++k) n.status += ", " + f[k];
            }
            // The same logical drive may be listed again (a detail view after the summary).
            auto same = std::find_if(cur->lds.begin(), cur->lds.end(), [&](const Ld& x) { return x.a.id == n.a.id; });
            if (same == cur->lds.end()) {
                cur->lds.push_back(std::move(n));
                ld = &cur->lds.back();
            } else {
                if (!n.status.empty()) same->status = n.status;
                if (n.a.level) same->a.level = n.a.level;
                if (n.a.sizeBytes) same->a.sizeBytes = n.a.sizeBytes;
                ld = &*same;
            }
            ldIndent = l.indent;
            pd = nullptr;
            continue;
        }
        const auto lower = toLower(tl);
        if (startsWith(lower, "array:") || startsWith(lower, "array ")) {
            auto rest = trim(tl.substr(startsWith(lower, "array:") ? 6 : 6));
            auto w = splitWs(rest);
            arrayName = w.empty() ? std::string() : std::string(w[0]);
            // "array A (Failed)" (ld all show), "array A (SAS, Unused Space: 0  MB)" (show config),
            // "array B (SAS, Unused Space: 0  MB, Status: Failed Physical Drive)": the status, if given.
            for (const auto& f : parenFields(rest)) {
                auto fk = toLower(f);
                if (startsWith(fk, "status:")) cur->arrayStatus[arrayName] = std::string(trim(std::string_view(f).substr(7)));
                else if (fk == "ok" || fk.find("fail") != std::string::npos) cur->arrayStatus[arrayName] = f;
            }
            if (std::find(cur->arrayOrder.begin(), cur->arrayOrder.end(), arrayName) == cur->arrayOrder.end())
                cur->arrayOrder.push_back(arrayName);
            group = Group::array;
            ld = nullptr;
            pd = nullptr;
            continue;
        }
        if (lower == "unassigned") {
            group = Group::unassigned;
            ld = nullptr;
            continue;
        }
        if (lower == "hba drives") {
            group = Group::hba;
            ld = nullptr;
            continue;
        }
        if (tl.find("Drive Cage at Port") != std::string_view::npos || tl.find("Storage Enclosure at Port") != std::string_view::npos ||
            tl.find("Drive Cage on Port") != std::string_view::npos) {
            Enclosure e;
            e.kind = "smartarray";
            auto f = split(tl, ',');
            e.product = printable(f[0].substr(0, std::min(f[0].find(" at Port"), f[0].find(" on Port"))));
            std::string port, box;
            if (auto p = tl.find("Port "); p != std::string_view::npos) {
                auto w = splitWs(tl.substr(p + 5));
                if (!w.empty()) port = std::string(w.front());
            }
            if (!port.empty() && port.back() == ',') port.pop_back();
            if (auto b = tl.find("Box "); b != std::string_view::npos) {
                auto w = splitWs(tl.substr(b + 4));
                if (!w.empty()) box = std::string(w.front());
            }
            if (!box.empty() && box.back() == ',') box.pop_back();
            e.id = cur->c.id + "/" + port + ":" + box;
            e.health = Health::OK;
            if (f.size() >= 3) {
                auto st = std::string(trim(f.back()));
                if (st != "OK") ctl::addFinding(e.health, e.reasons, Health::Warning, "drive cage " + port + ":" + box + " is '" + st + "'");
            }
            cur->cages.push_back(std::move(e));
            group = Group::cage;
            ld = nullptr;
            continue;
        }
        if (!l.hasSeparator) {
            // Known titles without facts of their own: a cage's "Physical Drives" list and its
            // "None attached". Anything else opens a section raidmon does not read ("SEP (Vendor ID
            // PMCSIERA, Model SRCv24x6G) 380", "Expander 250", ...): its fields (a "Firmware
            // Version" among them) must not be taken for the controller's.
            if (lower == "physical drives" || lower == "none attached") continue;
            skipped.add(tl);
            ignoredIndent = l.indent;  // an enclosing logical or physical drive stays open after it
            continue;
        }
        const auto k = l.key;
        const auto v = l.value;
        if (pd) {
            auto& d = pd->d;
            if (k == "Status") pd->status = std::string(v);
            else if (k == "Drive Type") pd->type = std::string(v);
            else if (k == "Interface Type") applyInterface(d, v);
            else if (k == "Size") d.capacityBytes = ctl::parseSize(v, ctl::SizeBase::decimal);
            else if (k == "Firmware Revision") d.firmware = ctl::text(v);
            else if (k == "Serial Number") d.serial = ctl::text(v);
            else if (k == "WWID") d.wwn = ctl::normalizeWwn(v);
            else if (k == "Model") applyModel(d, v);
            else if (k == "Current Temperature (C)" || k == "Current Temperature") {
                if (!d.controllerView) d.controllerView = ControllerDriveInfo{};
                d.controllerView->temperatureC = parseTemperatureC(v);
            } else if (k == "Rotational Speed") d.rotationRpm = parseInt<int>(v);
            else if (k == "Native Block Size") {
                if (auto b = parseInt<std::uint32_t>(v)) d.logicalBlockSize = *b;
            } else if (k == "Logical/Physical Block Size") {
                auto f = split(v, '/');
                if (f.size() == 2) {
                    d.logicalBlockSize = parseInt<std::uint32_t>(f[0]);
                    d.physicalBlockSize = parseInt<std::uint32_t>(f[1]);
                }
            } else skipped.add(k);
            continue;
        }
        if (ld) {
            if (k == "Size") ld->a.sizeBytes = ctl::parseSize(v, ctl::SizeBase::decimal);
            else if (k == "Fault Tolerance") ld->a.level = ctl::normalizeLevel(v);
            else if (k == "Status") ld->status = std::string(v);
            else if (k == "Unique Identifier") ld->a.uuid = ctl::text(v);
            else if (k == "Disk Name") ld->a.devnode = ctl::text(v);
            else if (k == "Parity Initialization Status") ld->parityInit = ctl::text(v);
            else if (k == "Parity Initialization Progress") ld->parityInitPercent = percentIn(v);
            else if (k == "Logical Drive Label") {
                if (auto lb = ctl::text(v)) ld->a.name += " (" + *lb + ")";
            } else if (startsWith(k, "Mirror Group") || startsWith(k, "Parity Group") || startsWith(k, "Drive Group")) {
                // a title: the member drives follow on their own lines
            } else skipped.add(k);
            continue;
        }
        if (group == Group::array) {
            if (k == "Status") cur->arrayStatus[arrayName] = std::string(v);
            else skipped.add(k);
            continue;
        }
        if (group != Group::none || (cur->fieldIndent != 0 && l.indent > cur->fieldIndent)) {
            skipped.add(k);  // a cage's or port's fields
            continue;
        }
        if (cur->fieldIndent == 0) cur->fieldIndent = l.indent;
        if (k == "Controller Status") cur->c.status = ctl::text(v);
        else if (k == "Firmware Version") cur->c.firmware = ctl::text(v);
        else if (k == "Serial Number") cur->c.serial = ctl::text(v);
        else if (k == "Cache Status") cur->c.cacheStatus = ctl::text(v);
        else if (k == "Battery/Capacitor Status") cur->c.batteryStatus = ctl::text(v);
        else if (k == "Driver Name") cur->c.driver = ctl::text(v);
        else if (k == "Controller Temperature (C)") cur->c.temperatureC = parseTemperatureC(v);
        else if (startsWith(k, "PCI Address")) cur->c.pciAddress = toLower(printable(v));
        else skipped.add(k);
    }
    if (ctrls.empty()) {
        // The tool answered, but with no controller: what it said decides.
        if (toolError.find("No controllers detected") != std::string::npos ||
            toolError.find("does not have any") != std::string::npos) {
            cap.notes.push_back("ssacli: the tool reported '" + toolError + "'");
            return cap;
        }
        if (!toolError.empty()) return fail(errc::parse_error, "ssacli: the tool refused the command: '" + toolError + "'");
        return fail(errc::parse_error, "ssacli: no controller heading ('<model> in Slot <n>'): not ssacli/hpssacli/hpacucli output");
    }
    if (!toolError.empty()) cap.notes.push_back("ssacli: the tool reported '" + toolError + "'");

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
            const bool spare = p.spare || type.find("spare") != std::string::npos;
            const bool hba = p.hba || type.find("hba") != std::string::npos || c.c.kind == "sas-hba";
            const bool unassigned = p.unassigned || type.find("unassigned") != std::string::npos;
            // Physical drive status words: "OK", "Failed", "Rebuilding", "Predictive Failure",
            // "Erasing", "Erase Complete", "Failed (Drive Missing)"; the role comes from where it is listed.
            if (st.empty()) d.state.reset();
            else if (st.find("missing") != std::string::npos) d.state = DriveState::missing;
            else if (st.find("fail") != std::string::npos && st.find("predictive") == std::string::npos) d.state = DriveState::failed;
            else if (st.find("rebuilding") != std::string::npos) d.state = DriveState::rebuilding;
            else if (st == "ok" || st.find("predictive failure") != std::string::npos) {
                d.state = spare ? DriveState::spare
                          : hba ? DriveState::jbod
                          : unassigned && p.arrays.empty() ? DriveState::unconfigured
                                                           : DriveState::online;
            } else if (st.find("eras") != std::string::npos) d.state = DriveState::unconfigured;
            else d.state.reset();
            if (!st.empty()) d.failurePredicted = st.find("predictive failure") != std::string::npos;
            if (!p.arrays.empty() && !spare) d.role = std::string("hw-raid-member");
            d.controllerView = cv;
            ctl::classifyDrive(d, "controller slot " + c.slot + ", bay " + p.addr);
            drives.push_back(d);
        }
        ctl::assignDriveIds(drives, cap.notes);
        auto indexOf = [&](std::string_view addr) -> std::optional<std::size_t> {
            for (std::size_t i = 0; i < c.pds.size(); ++i)
                if (c.pds[i].addr == addr) return i;
            return std::nullopt;
        };
        for (auto& n : c.lds) {
            auto s = ldState(n.status);
            if (s.state == "optimal" && n.parityInit) {
                // "Parity Initialization Status: In Progress" / "Queued": the parity is being built.
                auto pw = toLower(*n.parityInit);
                if (pw.find("progress") != std::string::npos || pw.find("queued") != std::string::npos ||
                    pw.find("initializing") != std::string::npos) {
                    s.state = "resyncing";
                    ArrayOperation o;
                    o.kind = "resync";
                    o.percent = n.parityInitPercent;
                    o.delayed = pw.find("queued") != std::string::npos;
                    s.op = o;
                }
            }
            n.a.state = s.state;
            n.a.arrayState = ctl::text(n.status);
            n.a.operation = s.op;
            // Members: those listed under the logical drive, else the data drives of its array.
            std::vector<std::string> members = n.pds;
            std::vector<std::string> spares;
            for (const auto& p : c.pds) {
                if (n.arrayName.empty() || !p.arrays.count(n.arrayName)) continue;
                const bool spare = p.spare || toLower(p.type.value_or("")).find("spare") != std::string::npos;
                if (spare) spares.push_back(p.addr);
                else if (n.pds.empty()) members.push_back(p.addr);
            }
            int active = 0;
            for (const auto& addr : members) {
                ArrayMember m;
                auto i = indexOf(addr);
                if (i) m.drive = drives[*i].id;
                const auto pst = i ? toLower(c.pds[*i].status.value_or("")) : std::string();
                m.role = pst.find("fail") != std::string::npos && pst.find("predictive") == std::string::npos ? "faulty"
                         : pst.find("missing") != std::string::npos                                          ? "missing"
                         : pst.find("rebuilding") != std::string::npos                                       ? "rebuilding"
                                                                                                              : "active";
                if (m.role == "active") ++active;
                m.flags.push_back("bay=" + addr);
                n.a.members.push_back(std::move(m));
            }
            for (const auto& addr : spares) {
                ArrayMember m;
                if (auto i = indexOf(addr)) m.drive = drives[*i].id;
                m.role = "spare";
                m.flags.push_back("bay=" + addr);
                n.a.members.push_back(std::move(m));
            }
            if (!members.empty()) {
                n.a.raidDisks = static_cast<int>(members.size());
                n.a.activeDisks = active;
            }
            ctl::classifyArray(n.a, n.a.name + (n.arrayName.empty() ? "" : " (array " + n.arrayName + ")"));
            if (auto it = c.arrayStatus.find(n.arrayName); it != c.arrayStatus.end() && toLower(it->second) != "ok")
                ctl::addFinding(n.a.health, n.a.reasons, toLower(it->second).find("fail") != std::string::npos ? Health::Critical : Health::Warning,
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
    skipped.finish(cap, kWhat);
    return cap;
}

} // namespace raidmon::detail
