// SPDX-License-Identifier: LGPL-2.1-or-later
// storcli / perccli output. Field names and state abbreviations are the ones storcli prints in its
// own legends (storcli 007.x: "Optl=Optimal|Dgrd=Degraded|Pdgd=Partially Degraded|OfLn=OffLine",
// "UGood-Unconfigured Good|UBad-Unconfigured Bad|GHS-Global Hotspare|DHS-Dedicated Hot Spare|
// Rbld-Rebuild|Msng-Missing|Sp-Spun ... F-Foreign").
#include "storcli.hpp"

#include <algorithm>
#include <cstdio>
#include <iterator>

#include "core/strutil.hpp"
#include "ctl/common.hpp"
#include "ctl/decoders.hpp"
#include "words.hpp"

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

std::optional<std::pair<std::size_t, std::size_t>> jsonPayload(std::string_view text) {
    // storcli prints warnings before its JSON on some hosts, and captures carry shell prompts:
    // the payload is the first line that opens with '{' up to the last '}'.
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto nl = text.find('\n', pos);
        auto lineEnd = nl == std::string_view::npos ? text.size() : nl;
        auto first = text.find_first_not_of(" \t", pos);
        if (first != std::string_view::npos && first < lineEnd && text[first] == '{') {
            auto last = text.rfind('}');
            if (last == std::string_view::npos || last < first) return std::make_pair(first, text.size());
            return std::make_pair(first, last + 1);
        }
        if (nl == std::string_view::npos) break;
        pos = nl + 1;
    }
    return std::nullopt;
}

Result<std::vector<ControllerTree>> parseJson(std::string_view whole) {
    auto span = jsonPayload(whole);
    if (!span) return fail(errc::parse_error, "storcli JSON: no line opens a JSON object");
    const std::string_view input = whole.substr(span->first, span->second - span->first);
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
    // storcli's legend: Onln Online, Offln Offline, UGood/UGUnsp/UGShld Unconfigured Good
    // (unsupported, shielded), UBad/UBUnsp Unconfigured Bad, GHS/DHS Global/Dedicated Hot Spare,
    // HSPShld hot spare shielded, Rbld Rebuild, Cpybck/CBShld Copyback, CFShld configured shielded,
    // JBOD, Msng Missing, Frgn Foreign (foreign configuration view).
    if (w == "Onln" || w == "CFShld") return DriveState::online;
    if (w == "Offln") return DriveState::offline;
    if (w == "UGood" || w == "UGUnsp" || w == "UGShld") return DriveState::unconfigured;
    if (w == "UBad" || w == "UBUnsp" || w == "Failed" || w == "Fail") return DriveState::failed;
    if (w == "GHS" || w == "DHS" || w == "HSPShld") return DriveState::spare;
    if (w == "Rbld" || w == "Cpybck" || w == "CBShld") return DriveState::rebuilding;
    if (w == "JBOD") return DriveState::jbod;
    if (w == "Msng") return DriveState::missing;
    return std::nullopt;
}

std::string memberRole(std::string_view w) {
    if (w == "Onln" || w == "CFShld") return "active";
    if (w == "Rbld" || w == "Cpybck" || w == "CBShld") return "rebuilding";
    if (w == "Msng" || w == "-") return "missing";
    return "faulty";
}

/// storcli's VD state abbreviations (legend "Optl=Optimal|OfLn=OffLine|Pdgd=Partially Degraded|
/// Dgrd=Degraded|Rec=Recovery|Cac=CacheCade") in the long form words.hpp maps.
std::string vdLongState(std::string_view w) {
    const std::string l = toLower(w);
    if (l == "optl" || l == "optimal") return "optimal";
    if (l == "dgrd" || l == "degraded") return "degraded";
    if (l == "pdgd" || l == "partially degraded") return "partially degraded";
    if (l == "ofln" || l == "offline") return "offline";
    if (l == "rec" || l == "recovery") return "recovery";
    return l;
}

struct Slot {
    std::string enclosure;  // "" when the drive is directly attached
    std::optional<int> slot;
};

Slot parseEidSlot(std::string_view s) {
    Slot out;
    s = trim(s);
    auto p = s.find(':');
    if (p == std::string_view::npos) {
        out.slot = parseInt<int>(s);  // "/cX/sZ" views of directly attached drives print the slot alone
        return out;
    }
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

/// "Property"/"Value" tables (storcli "/cx/cv show all", "/cx/bbu show all"): the value of one property.
std::optional<std::string> propertyValue(const ControllerTree& t, std::string_view section, std::string_view property) {
    for (const Json* r : rows(t, section))
        if (jstr(member(r, "Property")).value_or("") == property) return jstr(member(r, "Value"));
    return std::nullopt;
}

/// Sections storcli prints that this decoder reads or deliberately passes over (no model field):
/// anything else is counted in Capture::skipped.
bool knownSection(std::string_view n) {
    static constexpr std::string_view names[] = {
        "Basics", "Version", "Bus", "Pending Images in Flash", "Status", "Supported Adapter Operations",
        "Supported PD Operations", "Supported VD Operations", "HwCfg", "Policies", "Policies Table", "Boot",
        "High Availability", "Defaults", "Capabilities", "Scheduled Tasks", "Security Protocol properties",
        "TOPOLOGY", "VD LIST", "PD LIST", "JBOD LIST", "Enclosure LIST", "Enclosure Information", "Properties",
        "Cachevault_Info", "BBU_Info", "Firmware_Status", "GasGaugeStatus", "Design_Info", "Capacity_Info",
        "BBU_Firmware_Status", "BBU_Design_Info", "BBU_Capacity_Info", "BBU_Properties", "Drive Information",
        "Virtual Drives", "FOREIGN CONFIGURATION", "Foreign Configuration", "System Overview",
        "IT System Overview", "ASO", "Detailed Status", "Response Data", "Port Information",
        "Physical Device Information", "Controller Properties", "Controller Properties table", "Event Data",
        "PD LIST fields", "VD LIST fields", "TOPOLOGY fields", "Enclosure LIST fields", "table",
        "Host Name", "Number of Controllers", "Connector Name", "Cachevault_Info fields",
    };
    if (std::find(std::begin(names), std::end(names), n) != std::end(names)) return true;
    for (std::string_view prefix : {"Drive /", "PDs for VD", "/c", "VD", "Enclosure /", "Physical Device", "Drive Information"})
        if (startsWith(n, prefix)) return true;
    return false;
}

/// The operation storcli names in "Active Operations" ("None", "Consistency Check (36%)",
/// "Background Initialization (4%)", "Rebuild (12%)"), or nullopt for None.
std::optional<ArrayOperation> activeOperation(std::string_view s, std::vector<std::string>& notes, std::string_view vd) {
    s = trim(s);
    if (s.empty() || toLower(s) == "none" || s == "-") return std::nullopt;
    auto paren = s.find('(');
    ArrayOperation op;
    auto name = trim(s.substr(0, paren));
    if (auto kind = megaraid::operationKind(name)) op.kind = *kind;
    else {
        op.kind = toLower(name);
        notes.push_back("storcli " + std::string(vd) + ": operation '" + printable(name) + "' is not one raidmon knows");
    }
    if (paren != std::string_view::npos) op.percent = megaraid::percentIn(s.substr(paren));
    return op;
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
    for (const auto& [name, v] : t.sections)
        if (!knownSection(name)) {
            ++cap.skipped;
            if (cap.skipped <= 3) cap.notes.push_back("storcli " + path + ": section '" + printable(name) + "' not read");
        }
    if (t.sections.empty() && t.scalars.empty()) return;  // nothing but a status

    // "show" / "show all" without a controller: the system overview, one row per controller.
    for (auto name : {"System Overview", "IT System Overview"}) {
        for (const Json* r : rows(t, name)) {
            Controller c;
            auto ctl = jnum(member(r, "Ctl"));
            c.id = "megaraid:c" + std::to_string(ctl && *ctl < 1000 ? *ctl : 0);
            c.kind = std::string_view(name) == "IT System Overview" ? "sas-hba" : "megaraid";
            c.vendor = std::string("Broadcom / LSI");
            c.model = jstr(member(r, "Model"));
            if (auto p = jstr(member(r, "PCI Address"))) {
                auto pci = pciFrom(*p);
                if (!pci.empty()) c.pciAddress = pci;
            }
            // "Hlth": Opt (Optimal), NdAtn (Needs Attention), Dgd (Degraded), Fld (Failed).
            auto h = jstr(member(r, "Hlth"));
            std::optional<std::string> status;
            if (h) {
                if (*h == "Opt") status = "Optimal";
                else if (*h == "NdAtn") status = "Needs Attention";
                else if (*h == "Dgd") status = "Degraded";
                else if (*h == "Fld") status = "Failed";
                else status = *h;
            }
            c.status = status;
            ctl::classifyController(c);
            if (h && *h != "Opt" && *h != "NdAtn" && *h != "Dgd" && *h != "Fld")
                ctl::addFinding(c.health, c.reasons, Health::Unknown, c.model.value_or(c.id) + ": health word '" + *h + "' not known to raidmon");
            cap.controllers.push_back(std::move(c));
        }
    }
    if (!rows(t, "System Overview").empty() || !rows(t, "IT System Overview").empty()) return;
    if (auto n = jnum(member(&t.scalars, "Number of Controllers")); n && *n == 0) {
        cap.notes.push_back("storcli: Number of Controllers = 0");
        return;
    }

    Controller c;
    c.id = cid;
    c.model = jstr(anyField(t, {"Basics"}, {"Model", "Product Name"}));
    c.serial = jstr(anyField(t, {"Basics"}, {"Serial Number"}));
    // The running firmware: "Firmware Version" of the "Version" section (/cX show all) or "FW
    // Version" (/cX show); never a "Pending Images in Flash" entry or the package build.
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
    // Battery or CacheVault: a column table (/cX show all: "BBU_Info"/"Cachevault_Info" with a
    // "State" column) or a Property/Value table (/cX/cv show all, /cX/bbu show all).
    for (auto name : {"BBU_Info", "Cachevault_Info"}) {
        auto r = rows(t, name);
        if (r.empty()) continue;
        if (auto st = jstr(member(r.front(), "State"))) c.batteryStatus = st;
        else if (auto pv = propertyValue(t, name, "State")) c.batteryStatus = pv;
    }
    for (auto name : {"Firmware_Status", "BBU_Firmware_Status"})
        if (auto rep = propertyValue(t, name, "Replacement required"); rep && toLower(*rep) == "yes")
            c.batteryStatus = c.batteryStatus.value_or("") + (c.batteryStatus ? ", " : "") + "Replacement required";
    ctl::classifyController(c);
    if (failure)
        for (const auto& d : failure->details)
            if (toLower(d).find("foreign") != std::string::npos)
                ctl::addFinding(c.health, c.reasons, Health::Warning,
                                c.model.value_or(cid) + ": " + d + ": a drive carries another controller's configuration");
    if (auto n = jnum(member(&t.scalars, "Total Foreign PDs")); n && *n > 0)
        ctl::addFinding(c.health, c.reasons, Health::Warning,
                        c.model.value_or(cid) + ": " + std::to_string(*n) + " drive(s) carry a foreign configuration" +
                            (failure ? " (" + failure->description + ")" : std::string()));

    // Physical drives, from every view that lists them: "PD LIST" (/cX show), "JBOD LIST",
    // "Drive Information" (/cX/eY/sZ show), "Drive /cX/eY/sZ" (show all), "PDs for VD N"
    // (/cX/vall show all). A drive in several views is one drive, by its EID:Slt.
    std::vector<const Json*> pdRows;
    std::vector<std::pair<std::string, const Json*>> vdMembers;  // ("N" of "PDs for VD N", row)
    for (auto name : {"PD LIST", "Drive Information", "JBOD LIST"})
        for (const Json* r : rows(t, name)) pdRows.push_back(r);
    for (const auto& [name, v] : t.sections) {
        if (!v.is_array()) continue;
        const bool driveTable = startsWith(name, "Drive /") && name.find(' ', 6) == std::string::npos;
        const bool vdTable = startsWith(name, "PDs for VD ");
        if (!driveTable && !vdTable) continue;
        for (const auto& r : v) {
            if (!r.is_object()) continue;
            pdRows.push_back(&r);
            if (vdTable) vdMembers.emplace_back(std::string(trim(std::string_view(name).substr(11))), &r);
        }
    }
    std::vector<Drive> drives;
    std::vector<std::string> seenSlots;
    for (const Json* r : pdRows) {
        auto es = jstr(member(r, "EID:Slt")).value_or("");
        if (es.empty()) continue;
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
        auto rawState = jstr(member(r, "State"));
        ControllerDriveInfo v;
        v.state = rawState;
        v.address = dpath;
        v.mediaErrors = jnum(member(st, "Media Error Count"));
        v.otherErrors = jnum(member(st, "Other Error Count"));
        v.predictiveFailures = jnum(member(st, "Predictive Failure Count"));
        if (auto a = jstr(member(st, "S.M.A.R.T alert flagged by drive"))) v.smartAlert = toLower(*a) == "yes";
        if (auto temp = jstr(member(st, "Drive Temperature"))) v.temperatureC = parseTemperatureC(*temp);
        if (auto sp = jstr(member(r, "Sp"))) v.foreign = *sp == "F";
        d.state = rawState ? driveState(*rawState) : std::nullopt;
        if (v.predictiveFailures || v.smartAlert)
            d.failurePredicted = v.predictiveFailures.value_or(0) > 0 || v.smartAlert.value_or(false);
        d.controllerView = v;
        d.serial = jstr(member(at, "SN"));
        if (auto m = jstr(member(at, "Manufacturer Id")); m && *m != "ATA") d.vendor = m;
        d.model = jstr(member(at, "Model Number"));
        if (!d.model) d.model = jstr(member(r, "Model"));
        if (!d.vendor) d.vendor = jstr(member(r, "Vendor"));  // "JBOD LIST" has a Vendor column
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
        // A drive group number makes a configured drive a member; HBAs in IT mode print "DG 0" for
        // unconfigured drives too.
        if (auto dg = jnum(member(r, "DG"));
            dg && d.state != DriveState::unconfigured && d.state != DriveState::jbod && d.state != DriveState::spare)
            d.role = std::string("hw-raid-member");
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

    // Virtual drives: "VD LIST" (/cX show), "Virtual Drives" (/cX/vY show), "/cX/vY" (/cX/vall
    // show all). Members from the TOPOLOGY rows of their drive group, else from "PDs for VD N";
    // the running operation from "VDn Properties".
    auto topo = rows(t, "TOPOLOGY");
    std::vector<const Json*> vdRows;
    for (auto name : {"VD LIST", "Virtual Drives"})
        for (const Json* r : rows(t, name)) vdRows.push_back(r);
    for (const auto& [name, v] : t.sections)
        if (startsWith(name, path + "/v") && v.is_array())
            for (const auto& r : v)
                if (r.is_object()) vdRows.push_back(&r);
    std::vector<std::string> seenVds;
    for (const Json* r : vdRows) {
        auto dgvd = jstr(member(r, "DG/VD")).value_or("");
        if (dgvd.empty() || std::find(seenVds.begin(), seenVds.end(), dgvd) != seenVds.end()) continue;
        seenVds.push_back(dgvd);
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
        a.arrayState = ctl::text(raw);
        const Json* props = sectionOf(t, "VD" + vd + " Properties");
        if (auto ops = jstr(member(props, "Active Operations"))) a.operation = activeOperation(*ops, cap.notes, a.name);
        int total = 0, active = 0;
        bool rebuilding = false;
        auto addMember = [&](const Json* row, std::string_view eidSlot, std::string_view ps) {
            ++total;
            ArrayMember m;
            m.role = memberRole(ps);
            if (m.role == "active") ++active;
            if (m.role == "rebuilding") rebuilding = true;
            if (const Drive* d = driveAt(eidSlot)) m.drive = d->id;
            if (auto rowNo = jnum(member(row, "Row")); rowNo && *rowNo < 1000) m.slot = static_cast<int>(*rowNo);
            if (auto arr = jstr(member(row, "Arr"))) m.flags.push_back("span=" + *arr);
            m.flags.push_back("state=" + std::string(ps));
            a.members.push_back(std::move(m));
        };
        for (const Json* tr : topo) {
            if (jstr(member(tr, "DG")).value_or("") != dg || jstr(member(tr, "Type")).value_or("") != "DRIVE") continue;
            addMember(tr, jstr(member(tr, "EID:Slot")).value_or(""), jstr(member(tr, "State")).value_or(""));
        }
        if (total == 0)
            for (const auto& [n, row] : vdMembers)
                if (n == vd) addMember(row, jstr(member(row, "EID:Slt")).value_or(""), jstr(member(row, "State")).value_or(""));
        if (total > 0) {
            a.raidDisks = total;
            a.activeDisks = active;
        }
        if (auto sd = jnum(member(props, "Span Depth")), per = jnum(member(props, "Number of Drives Per Span"));
            sd && per && *sd < 100 && *per < 1000)
            a.raidDisks = static_cast<int>(*sd * *per);
        megaraid::applyVdState(a, vdLongState(raw), rebuilding, a.name);
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
    auto span = storcli::jsonPayload(t.substr(0, 8192));
    if (!span) return 0;
    // "Controllers" is the only top-level key; "Command Status" may come after a long "Response
    // Data" when a tool or a JSON library reorders keys.
    if (t.substr(span->first, 256).find("\"Controllers\"") != std::string_view::npos &&
        t.find("\"Command Status\"", span->first) != std::string_view::npos)
        return 95;
    return 0;
}

Result<Capture> decodeStorcliJson(std::string_view t) {
    auto trees = storcli::parseJson(t);
    if (!trees) return tl::unexpected(trees.error());
    Capture cap = storcli::toCapture(*trees);
    if (auto span = storcli::jsonPayload(t); span && !trim(t.substr(0, span->first)).empty()) {
        cap.skipped += lines(t.substr(0, span->first)).size();
        cap.notes.push_back("storcli JSON: text before the JSON payload skipped (" +
                            quoteForError(trim(t.substr(0, span->first))) + ")");
    }
    return cap;
}

int detectStorcliText(std::string_view t) {
    auto head = t.substr(0, 4096);
    const bool banner = head.find("Generating detailed summary of the adapter") != std::string_view::npos;
    const bool cli = startsWith(trim(head), "CLI Version = ") || head.find("\nCLI Version = ") != std::string_view::npos;
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
