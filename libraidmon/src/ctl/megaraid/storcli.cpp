// SPDX-License-Identifier: LGPL-2.1-or-later
// storcli / perccli output. Field names and state abbreviations are the ones storcli prints in its
// own legends (storcli 007.x: "Optl=Optimal|Dgrd=Degraded|Pdgd=Partially Degraded|OfLn=OffLine",
// "UGood-Unconfigured Good|UBad-Unconfigured Bad|GHS-Global Hotspare|DHS-Dedicated Hot Spare|
// Rbld-Rebuild|Msng-Missing|Sp-Spun ... F-Foreign").
#include "storcli.hpp"

#include <algorithm>
#include <cstdio>

#include "core/strutil.hpp"
#include "ctl/common.hpp"
#include "ctl/decoders.hpp"

namespace raidmon::detail::storcli {

using ctl::text;

namespace {

constexpr std::string_view kWhat = "storcli";

std::optional<std::string> jstr(const Json* j) {
    if (!j) return std::nullopt;
    if (j->is_string()) return text(j->get_ref<const std::string&>());
    if (j->is_number_unsigned()) return std::to_string(j->get<std::uint64_t>());
    if (j->is_number_integer()) return std::to_string(j->get<std::int64_t>());
    return std::nullopt;
}

std::optional<std::uint64_t> jnum(const Json* j) {
    if (!j) return std::nullopt;
    if (j->is_number_unsigned()) return j->get<std::uint64_t>();
    if (j->is_number_integer()) {
        auto v = j->get<std::int64_t>();
        return v < 0 ? std::nullopt : std::optional<std::uint64_t>(static_cast<std::uint64_t>(v));
    }
    if (j->is_string()) return parseInt<std::uint64_t>(j->get_ref<const std::string&>());
    return std::nullopt;
}

const Json* member(const Json* obj, std::string_view key) {
    if (!obj || !obj->is_object()) return nullptr;
    auto it = obj->find(std::string(key));
    return it == obj->end() ? nullptr : &*it;
}

const Json* sectionOf(const ControllerTree& t, std::string_view name) {
    auto it = t.sections.find(name);
    return it == t.sections.end() ? nullptr : &it->second;
}

/// A field from the first section that has it; then from the scalars under "Response Data".
const Json* anyField(const ControllerTree& t, std::initializer_list<std::string_view> sections,
                     std::initializer_list<std::string_view> keys) {
    for (auto s : sections)
        for (auto k : keys)
            if (const Json* v = member(sectionOf(t, s), k)) return v;
    for (auto k : keys)
        if (const Json* v = member(&t.scalars, k)) return v;
    return nullptr;
}

/// The rows of a table section (a JSON array of objects).
std::vector<const Json*> rows(const ControllerTree& t, std::string_view name) {
    std::vector<const Json*> out;
    const Json* s = sectionOf(t, name);
    if (s && s->is_array())
        for (const auto& r : *s)
            if (r.is_object()) out.push_back(&r);
    return out;
}

void flatten(const Json& node, ControllerTree& t) {
    if (node.is_object()) {
        for (auto it = node.begin(); it != node.end(); ++it) {
            if (it->is_object() || it->is_array()) {
                t.sections.emplace(it.key(), *it);
                flatten(*it, t);
            }
        }
    } else if (node.is_array()) {
        for (const auto& e : node) flatten(e, t);
    }
}

// ---- plain text -> trees -------------------------------------------------------------------------

struct Column {
    std::string name;
    std::size_t start = 0, end = 0;
};

std::vector<Column> columnsOf(std::string_view header) {
    std::vector<Column> cols;
    std::size_t i = 0;
    while (i < header.size()) {
        while (i < header.size() && header[i] == ' ') ++i;
        std::size_t j = i;
        while (j < header.size() && header[j] != ' ') ++j;
        if (j > i) cols.push_back({std::string(header.substr(i, j - i)), i, j});
        i = j;
    }
    return cols;
}

// storcli pads its table columns but aligns some left (names) and some right (sizes): give each
// word of a row to the header column it overlaps most, else to the nearest column on its left.
Json rowOf(std::string_view row, const std::vector<Column>& cols) {
    std::vector<std::string> vals(cols.size());
    std::size_t i = 0;
    while (i < row.size()) {
        while (i < row.size() && (row[i] == ' ' || row[i] == '\t')) ++i;
        std::size_t j = i;
        while (j < row.size() && row[j] != ' ' && row[j] != '\t') ++j;
        if (j == i) break;
        std::size_t best = 0, bestOverlap = 0;
        bool found = false;
        for (std::size_t c = 0; c < cols.size(); ++c) {
            std::size_t lo = std::max(i, cols[c].start), hi = std::min(j, cols[c].end);
            if (hi > lo && hi - lo > bestOverlap) {
                bestOverlap = hi - lo;
                best = c;
                found = true;
            }
        }
        if (!found)
            for (std::size_t c = 0; c < cols.size(); ++c)
                if (cols[c].start <= i) best = c;
        if (!vals[best].empty()) vals[best] += ' ';
        vals[best] += std::string(row.substr(i, j - i));
        i = j;
    }
    Json o = Json::object();
    for (std::size_t c = 0; c < cols.size(); ++c)
        if (!vals[c].empty()) o[cols[c].name] = vals[c];
    return o;
}

bool allOf(std::string_view s, char c) { return s.size() >= 3 && s.find_first_not_of(c) == std::string_view::npos; }

} // namespace

Result<std::vector<ControllerTree>> parseJson(std::string_view input) {
    Json doc;
    try {
        doc = Json::parse(input.begin(), input.end());
    } catch (const Json::parse_error& e) {
        return fail(errc::parse_error, "storcli JSON: byte " + std::to_string(e.byte) + ": not valid JSON" +
                                           (e.byte >= input.size() ? " (truncated?)" : ""));
    }
    const Json* ctrls = member(&doc, "Controllers");
    if (!ctrls || !ctrls->is_array())
        return fail(errc::parse_error, "storcli JSON: no \"Controllers\" array at the top level");
    std::vector<ControllerTree> out;
    std::size_t n = 0;
    for (const auto& c : *ctrls) {
        const std::string where = "storcli JSON: Controllers[" + std::to_string(n++) + "]";
        const Json* st = member(&c, "Command Status");
        if (!st || !st->is_object()) return fail(errc::parse_error, where + ": no \"Command Status\" object");
        ControllerTree t;
        t.status = *st;
        if (auto idx = jnum(member(st, "Controller")); idx && *idx < 1000) t.index = static_cast<int>(*idx);
        if (const Json* rd = member(&c, "Response Data"); rd && rd->is_array()) {
            t.sections.emplace("Response Data", *rd);  // "show rebuild": a table of drives
            flatten(*rd, t);
        } else if (rd) {
            if (!rd->is_object()) return fail(errc::parse_error, where + ": \"Response Data\" is neither an object nor a table");
            for (auto it = rd->begin(); it != rd->end(); ++it)
                if (!it->is_object() && !it->is_array()) t.scalars[it.key()] = *it;
            flatten(*rd, t);
        }
        out.push_back(std::move(t));
    }
    return out;
}

Result<std::vector<ControllerTree>> parseText(std::string_view input) {
    std::vector<ControllerTree> out;
    Json pendingStatus = Json::object();
    int cur = -1;  // index into out
    std::string section;
    bool afterBanner = false;
    auto ensure = [&](int index) {
        for (std::size_t i = 0; i < out.size(); ++i)
            if (out[i].index == index) return cur = static_cast<int>(i);
        ControllerTree t;
        t.index = index;
        t.status = pendingStatus;
        pendingStatus = Json::object();
        out.push_back(std::move(t));
        return cur = static_cast<int>(out.size() - 1);
    };
    auto ls = lines(input);
    std::size_t tableStart = 0;
    int tableState = 0;  // 0 none, 1 header next, 2 rule next, 3 rows
    std::vector<Column> cols;
    Json table = Json::array();
    auto storeTable = [&]() {
        if (cur < 0) ensure(-1);
        auto& t = out[static_cast<std::size_t>(cur)];
        if (section == "Detailed Status") {
            t.status["Detailed Status"] = table;
        } else {
            auto& slot = t.sections[section.empty() ? std::string("table") : section];
            if (slot.is_null() || (slot.is_object() && slot.empty())) slot = table;
            else t.sections[section + " table"] = table;
        }
        table = Json::array();
    };
    for (std::size_t i = 0; i < ls.size(); ++i) {
        std::string_view line = ls[i];
        std::string_view tl = trim(line);
        if (tableState == 1) {
            if (tl.empty()) continue;
            cols = columnsOf(line);
            tableState = 2;
            continue;
        }
        if (tableState == 2) {
            if (!allOf(tl, '-'))
                return fail(errc::parse_error, "storcli text: line " + std::to_string(i + 1) +
                                                   ": expected the rule under a table header (" +
                                                   quoteForError(line, 60) + ")");
            tableState = 3;
            continue;
        }
        if (tableState == 3) {
            if (allOf(tl, '-')) {
                storeTable();
                tableState = 0;
            } else if (!tl.empty()) {
                table.push_back(rowOf(line, cols));
            }
            continue;
        }
        if (tl.empty()) continue;
        if (startsWith(tl, "Generating detailed summary")) {
            section.clear();
            afterBanner = true;
            continue;
        }
        if (allOf(tl, '-')) {
            tableState = 1;
            tableStart = i + 1;
            continue;
        }
        if (allOf(tl, '=')) continue;
        if (endsWith(tl, " :") || (endsWith(tl, ":") && i + 1 < ls.size() && allOf(trim(ls[i + 1]), '='))) {
            section = std::string(trim(tl.substr(0, tl.size() - 1)));
            if (cur < 0) ensure(-1);
            afterBanner = false;
            continue;
        }
        auto eq = tl.find(" =");
        if (eq == std::string_view::npos) continue;  // wrapped value or hex dump line
        std::string key(trim(tl.substr(0, eq)));
        std::string value(trim(tl.substr(eq + 2)));
        if (key == "Controller" && (section.empty() || afterBanner)) {
            auto idx = parseInt<int>(value);
            if (!idx || *idx < 0)
                return fail(errc::parse_error, "storcli text: line " + std::to_string(i + 1) +
                                                   ": controller number is not a number (" + quoteForError(line) + ")");
            ensure(*idx);
            section.clear();
            afterBanner = false;
            continue;
        }
        afterBanner = false;
        if (section.empty()) {
            (cur < 0 ? pendingStatus : out[static_cast<std::size_t>(cur)].status)[key] = value;
            continue;
        }
        auto& t = out[static_cast<std::size_t>(cur)];
        auto& slot = t.sections[section];
        if (slot.is_array()) t.sections[section + " fields"][key] = value;
        else slot[key] = value;
    }
    if (tableState != 0)
        return fail(errc::parse_error, "storcli text: line " + std::to_string(tableStart) +
                                           ": table not closed at end of input (truncated capture?)");
    if (out.empty()) return fail(errc::parse_error, "storcli text: no 'Controller = N' line and no section: not storcli output");
    return out;
}

void mergeTrees(std::vector<ControllerTree>& into, std::vector<ControllerTree> more) {
    for (auto& m : more) {
        auto it = std::find_if(into.begin(), into.end(), [&](const ControllerTree& t) { return t.index == m.index; });
        if (it == into.end()) {
            into.push_back(std::move(m));
            continue;
        }
        for (auto& [k, v] : m.sections) it->sections.emplace(k, std::move(v));
        for (auto s = m.scalars.begin(); s != m.scalars.end(); ++s)
            if (!it->scalars.contains(s.key())) it->scalars[s.key()] = *s;
    }
}

std::optional<Failure> failureOf(const ControllerTree& t) {
    auto st = jstr(member(&t.status, "Status"));
    if (!st || toLower(*st) != "failure") return std::nullopt;
    Failure f;
    f.description = jstr(member(&t.status, "Description")).value_or("no description");
    if (const Json* d = member(&t.status, "Detailed Status"); d && d->is_array())
        for (const auto& r : *d)
            if (auto m = jstr(member(&r, "ErrMsg"))) f.details.push_back(*m);
    return f;
}

namespace {

std::optional<DriveState> driveState(std::string_view w) {
    if (w == "Onln") return DriveState::online;
    if (w == "Offln") return DriveState::offline;
    if (w == "UGood" || w == "UGUnsp" || w == "UGShld") return DriveState::unconfigured;
    if (w == "UBad" || w == "Failed" || w == "Fail") return DriveState::failed;
    if (w == "GHS" || w == "DHS" || w == "HSPShld") return DriveState::spare;
    if (w == "Rbld" || w == "Cpybck" || w == "CBShld") return DriveState::rebuilding;
    if (w == "JBOD") return DriveState::jbod;
    if (w == "Msng") return DriveState::missing;
    if (w == "CFShld") return DriveState::online;
    return std::nullopt;
}

std::string memberRole(std::string_view w) {
    if (w == "Onln" || w == "CFShld") return "active";
    if (w == "Rbld" || w == "Cpybck") return "rebuilding";
    if (w == "Msng" || w == "-") return "missing";
    return "faulty";
}

struct Slot {
    std::string enclosure;  // "" when the drive is directly attached
    std::optional<int> slot;
};

Slot parseEidSlot(std::string_view s) {
    Slot out;
    auto p = s.find(':');
    if (p == std::string_view::npos) return out;
    out.enclosure = std::string(trim(s.substr(0, p)));
    out.slot = parseInt<int>(s.substr(p + 1));
    return out;
}

std::string pciFrom(std::string_view storcliPci) {
    // storcli prints "DD:BB:dd:ff" (domain, bus, device, function; hex) - "00:3b:00:00" pairs with
    // "Bus Number": 59 in the same capture.
    auto f = split(storcliPci, ':');
    if (f.size() != 4) return {};
    auto d = parseInt<unsigned>(f[0], 16), b = parseInt<unsigned>(f[1], 16), dv = parseInt<unsigned>(f[2], 16),
         fn = parseInt<unsigned>(f[3], 16);
    if (!d || !b || !dv || !fn || *d > 0xffff || *b > 0xff || *dv > 0x1f || *fn > 7) return {};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04x:%02x:%02x.%x", *d, *b, *dv, *fn);
    return buf;
}

std::optional<std::uint32_t> sectorBytes(const Json* j) {
    auto s = jstr(j);
    if (!s) return std::nullopt;
    auto b = ctl::parseSize(*s, ctl::SizeBase::binary);
    if (!b || *b == 0 || *b > 65536) return std::nullopt;
    return static_cast<std::uint32_t>(*b);
}

void mapController(const ControllerTree& t, Capture& cap) {
    const int idx = t.index >= 0 ? t.index
                                 : static_cast<int>(jnum(anyField(t, {"Basics"}, {"Controller"})).value_or(0));
    const std::string cid = "megaraid:c" + std::to_string(idx);
    const std::string path = "/c" + std::to_string(idx);
    auto failure = failureOf(t);
    if (failure) {
        std::string msg = "storcli " + path + ": Command Status Failure: " + failure->description;
        for (const auto& d : failure->details) msg += "; " + d;
        cap.notes.push_back(msg);
    }
    if (t.sections.empty() && t.scalars.empty()) return;  // nothing but a status

    Controller c;
    c.id = cid;
    c.model = jstr(anyField(t, {"Basics"}, {"Model", "Product Name"}));
    c.serial = jstr(anyField(t, {"Basics"}, {"Serial Number"}));
    c.firmware = jstr(anyField(t, {"Version"}, {"Firmware Version", "FW Version"}));
    c.driver = jstr(anyField(t, {"Version", "Driver"}, {"Driver Name"}));
    if (auto p = jstr(anyField(t, {"Basics"}, {"PCI Address"}))) {
        auto pci = pciFrom(*p);
        if (!pci.empty()) c.pciAddress = pci;
    }
    c.vendor = std::string("Broadcom / LSI");
    const std::string drv = c.driver.value_or("");
    c.kind = (drv == "mpt3sas" || drv == "mpt2sas") ? "sas-hba" : "megaraid";
    c.status = jstr(anyField(t, {"Status"}, {"Controller Status"}));
    for (auto name : {"BBU_Info", "Cachevault_Info"}) {
        auto r = rows(t, name);
        if (!r.empty()) c.batteryStatus = jstr(member(r.front(), "State"));
    }
    if (!c.batteryStatus)
        if (auto bbu = jstr(anyField(t, {"HwCfg"}, {"BBU"})); bbu && toLower(*bbu) == "absent") c.batteryStatus.reset();
    ctl::classifyController(c);
    if (failure)
        for (const auto& d : failure->details)
            if (toLower(d).find("foreign") != std::string::npos)
                ctl::addFinding(c.health, c.reasons, Health::Warning,
                                c.model.value_or(cid) + ": " + d + ": a drive carries another controller's configuration");

    // Physical drives: "PD LIST" rows and "Drive /cX/eY/sZ" tables, detail from the
    // "Drive <path> State" / "Device attributes" sections when the command had "show all".
    std::vector<const Json*> pdRows = rows(t, "PD LIST");
    for (const auto& [name, v] : t.sections)
        if (startsWith(name, "Drive /") && name.find(' ', 6) == std::string::npos && v.is_array())
            for (const auto& r : v)
                if (r.is_object()) pdRows.push_back(&r);
    std::vector<Drive> drives;
    std::vector<std::string> seenSlots;
    for (const Json* r : pdRows) {
        auto es = jstr(member(r, "EID:Slt")).value_or("");
        if (std::find(seenSlots.begin(), seenSlots.end(), es) != seenSlots.end()) continue;
        seenSlots.push_back(es);
        Slot loc = parseEidSlot(es);
        Drive d;
        d.location.controller = cid;
        if (!loc.enclosure.empty()) d.location.enclosure = loc.enclosure;
        d.location.slot = loc.slot;
        if (auto did = jnum(member(r, "DID")); did && *did < 100000) d.location.megaraidDid = static_cast<int>(*did);
        const std::string dpath = path + (loc.enclosure.empty() ? "" : "/e" + loc.enclosure) + "/s" +
                                  (loc.slot ? std::to_string(*loc.slot) : std::string("?"));
        const Json* st = sectionOf(t, "Drive " + dpath + " State");
        const Json* at = sectionOf(t, "Drive " + dpath + " Device attributes");
        const Json* pol = sectionOf(t, "Drive " + dpath + " Policies/Settings");
        auto rawState = jstr(member(r, "State"));
        ControllerDriveInfo v;
        v.state = rawState;
        v.address = dpath;
        v.mediaErrors = jnum(member(st, "Media Error Count"));
        v.otherErrors = jnum(member(st, "Other Error Count"));
        v.predictiveFailures = jnum(member(st, "Predictive Failure Count"));
        if (auto a = jstr(member(st, "S.M.A.R.T alert flagged by drive"))) v.smartAlert = toLower(*a) == "yes";
        if (auto temp = jstr(member(st, "Drive Temperature"))) v.temperatureC = parseLeadingInt<int>(*temp);
        if (auto sp = jstr(member(r, "Sp"))) v.foreign = *sp == "F";
        d.state = rawState ? driveState(*rawState) : std::nullopt;
        if (v.predictiveFailures || v.smartAlert)
            d.failurePredicted = v.predictiveFailures.value_or(0) > 0 || v.smartAlert.value_or(false);
        d.controllerView = v;
        d.serial = jstr(member(at, "SN"));
        if (auto m = jstr(member(at, "Manufacturer Id")); m && *m != "ATA") d.vendor = m;
        d.model = jstr(member(at, "Model Number"));
        if (!d.model) d.model = jstr(member(r, "Model"));
        d.firmware = jstr(member(at, "Firmware Revision"));
        if (auto w = jstr(member(at, "WWN"))) d.wwn = ctl::normalizeWwn(*w);
        d.logicalBlockSize = sectorBytes(member(at, "Logical Sector Size"));
        if (!d.logicalBlockSize) d.logicalBlockSize = sectorBytes(member(at, "Sector Size"));
        if (!d.logicalBlockSize) d.logicalBlockSize = sectorBytes(member(r, "SeSz"));
        d.physicalBlockSize = sectorBytes(member(at, "Physical Sector Size"));
        if (auto raw = jstr(member(at, "Raw size")); raw && d.logicalBlockSize)
            if (auto sec = ctl::bracketSectors(*raw)) d.capacityBytes = *sec * *d.logicalBlockSize;
        if (!d.capacityBytes)
            if (auto sz = jstr(member(r, "Size"))) d.capacityBytes = ctl::parseSize(*sz, ctl::SizeBase::binary);
        auto intf = jstr(member(r, "Intf")).value_or("");
        d.protocol = intf == "SATA" ? Protocol::SATA : intf == "SAS" ? Protocol::SAS : intf == "NVMe" ? Protocol::NVMe
                                                                                                      : Protocol::Unknown;
        auto med = jstr(member(r, "Med")).value_or("");
        if (med == "HDD") d.media = Media::HDD;
        else if (med == "SSD") d.media = Media::SSD;
        if (auto dg = jstr(member(r, "DG"))) d.role = std::string("hw-raid-member");
        (void)pol;
        std::string where = "controller " + std::to_string(idx) + ", enclosure " +
                            (loc.enclosure.empty() ? std::string("-") : loc.enclosure) + ", slot " +
                            (loc.slot ? std::to_string(*loc.slot) : std::string("?"));
        ctl::classifyDrive(d, where);
        drives.push_back(std::move(d));
    }
    ctl::sortBySlot(drives);
    ctl::assignDriveIds(drives, cap.notes);
    auto driveAt = [&](std::string_view eidSlot) -> const Drive* {
        Slot s = parseEidSlot(eidSlot);
        for (const auto& d : drives)
            if (d.location.enclosure.value_or("") == s.enclosure && d.location.slot == s.slot) return &d;
        return nullptr;
    };

    // Virtual drives, members from the TOPOLOGY rows of their drive group.
    auto topo = rows(t, "TOPOLOGY");
    for (const Json* r : rows(t, "VD LIST")) {
        auto dgvd = jstr(member(r, "DG/VD")).value_or("");
        auto slash = dgvd.find('/');
        std::string dg = slash == std::string::npos ? std::string() : dgvd.substr(0, slash);
        std::string vd = slash == std::string::npos ? dgvd : dgvd.substr(slash + 1);
        Array a;
        a.kind = "megaraid";
        a.controller = cid;
        a.id = cid + "/v" + vd;
        auto nm = jstr(member(r, "Name"));
        a.name = "VD " + dgvd + (nm ? " (" + *nm + ")" : std::string());
        a.level = ctl::normalizeLevel(jstr(member(r, "TYPE")).value_or(""));
        if (auto sz = jstr(member(r, "Size"))) a.sizeBytes = ctl::parseSize(*sz, ctl::SizeBase::binary);
        auto raw = jstr(member(r, "State")).value_or("");
        a.arrayState = raw;
        auto red = a.level ? ctl::hwRedundancy(*a.level) : std::nullopt;
        int total = 0, active = 0;
        bool rebuilding = false;
        for (const Json* tr : topo) {
            if (jstr(member(tr, "DG")).value_or("") != dg || jstr(member(tr, "Type")).value_or("") != "DRIVE") continue;
            ++total;
            auto ps = jstr(member(tr, "State")).value_or("");
            ArrayMember m;
            m.role = memberRole(ps);
            if (m.role == "active") ++active;
            if (m.role == "rebuilding") rebuilding = true;
            if (const Drive* d = driveAt(jstr(member(tr, "EID:Slot")).value_or(""))) m.drive = d->id;
            if (auto row = jnum(member(tr, "Row")); row && *row < 1000) m.slot = static_cast<int>(*row);
            if (auto arr = jstr(member(tr, "Arr"))) m.flags.push_back("span=" + *arr);
            m.flags.push_back("state=" + ps);
            a.members.push_back(std::move(m));
        }
        if (total > 0) {
            a.raidDisks = total;
            a.activeDisks = active;
        }
        auto lraw = toLower(raw);
        if (lraw == "optl") a.state = "optimal";
        else if (lraw == "dgrd" || lraw == "pdgd") {
            a.state = rebuilding ? "rebuilding" : "degraded";
            // Pdgd: a RAID6/60 that lost one drive still has one parity; Dgrd: none left.
            if (red) a.redundancyLeft = lraw == "pdgd" ? std::max(*red - 1, 0) : 0;
        } else if (lraw == "ofln") a.state = "failed";
        else if (lraw == "rec") a.state = "rebuilding";
        else a.state = "unknown";
        ctl::classifyArray(a, a.name);
        cap.arrays.push_back(std::move(a));
    }

    // Foreign configurations (/cX/fall show): drive groups from another controller.
    for (const Json* r : rows(t, "FOREIGN CONFIGURATION")) {
        Array a;
        a.kind = "megaraid";
        a.controller = cid;
        auto dg = jstr(member(r, "DG")).value_or("?");
        a.id = cid + "/foreign-dg" + dg;
        a.name = "foreign DG " + dg;
        a.level = ctl::normalizeLevel(jstr(member(r, "Type")).value_or(""));
        a.arrayState = jstr(member(r, "State"));
        a.state = "inactive";
        ctl::classifyArray(a, a.name);
        a.reasons = {a.name + (a.level ? " (" + *a.level + ")" : std::string()) +
                     " is a foreign configuration (from another controller): import it to use the data, or clear it"};
        ctl::addFinding(c.health, c.reasons, Health::Warning,
                        c.model.value_or(cid) + ": foreign configuration present (" + a.name + ")");
        cap.arrays.push_back(std::move(a));
    }

    // Enclosures.
    for (auto name : {"Enclosure LIST", "Enclosure Information", "Properties"}) {
        for (const Json* r : rows(t, name)) {
            auto eid = jstr(member(r, "EID"));
            if (!eid) continue;
            Enclosure e;
            e.id = cid + "/e" + *eid;
            if (std::any_of(cap.enclosures.begin(), cap.enclosures.end(), [&](const Enclosure& x) { return x.id == e.id; }))
                continue;
            e.kind = "megaraid";
            e.product = jstr(member(r, "ProdID"));
            if (auto n = jnum(member(r, "Slots")); n && *n < 10000) e.components = static_cast<int>(*n);
            auto st = jstr(member(r, "State"));
            e.health = Health::OK;
            if (st && *st != "OK")
                ctl::addFinding(e.health, e.reasons, Health::Warning, "enclosure " + *eid + " state is '" + *st + "'");
            for (const auto& d : drives) {
                if (d.location.enclosure != *eid || !d.location.slot) continue;
                raidmon::Slot s;
                s.index = *d.location.slot;
                s.status = std::string("occupied");
                s.drive = d.id;
                e.slots.push_back(std::move(s));
            }
            cap.enclosures.push_back(std::move(e));
        }
    }
    cap.controllers.push_back(std::move(c));
    for (auto& d : drives) cap.drives.push_back(std::move(d));
}

} // namespace

Capture toCapture(const std::vector<ControllerTree>& trees) {
    Capture cap;
    for (const auto& t : trees) mapController(t, cap);
    return cap;
}

} // namespace raidmon::detail::storcli

namespace raidmon::detail {

int detectStorcliJson(std::string_view t) {
    auto head = trim(t.substr(0, 4096));
    if (head.empty() || head.front() != '{') return 0;
    if (head.find("\"Controllers\"") != std::string_view::npos && head.find("\"Command Status\"") != std::string_view::npos)
        return 95;
    return 0;
}

Result<Capture> decodeStorcliJson(std::string_view t) {
    auto trees = storcli::parseJson(t);
    if (!trees) return tl::unexpected(trees.error());
    return storcli::toCapture(*trees);
}

int detectStorcliText(std::string_view t) {
    auto head = t.substr(0, 4096);
    const bool banner = head.find("Generating detailed summary of the adapter") != std::string_view::npos;
    const bool cli = startsWith(trim(head), "CLI Version = ");
    const bool ctrl = head.find("Controller = ") != std::string_view::npos && head.find("Status = ") != std::string_view::npos;
    if ((banner || cli) && ctrl) return 85;
    if (ctrl && head.find("Description = ") != std::string_view::npos) return 70;
    return 0;
}

Result<Capture> decodeStorcliText(std::string_view t) {
    auto trees = storcli::parseText(t);
    if (!trees) return tl::unexpected(trees.error());
    return storcli::toCapture(*trees);
}

} // namespace raidmon::detail
