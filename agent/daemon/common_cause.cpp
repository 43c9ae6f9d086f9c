// SPDX-License-Identifier: LGPL-2.1-or-later
// Drives lost together for one cause (daemon/common_cause.hpp): the grouping and the events.
#include "daemon/common_cause.hpp"

#include <algorithm>
#include <map>
#include <regex>

#include "core/id_index.hpp"
#include "core/json_model.hpp"

namespace raidmon::agent {

namespace {

using detail::Json;

constexpr const char* kAdvice = "do not pull or replace anything, check the cable or shelf";

/// The device directories a syspath passes through below ".../devices/", outermost first:
/// "/sys/devices/pci0000:ae", "/sys/devices/pci0000:ae/0000:ae:00.0", ...
std::vector<std::string> ancestry(const std::string& syspath) {
    std::vector<std::string> out;
    const auto base = syspath.find("/devices/");
    if (base == std::string::npos) return out;
    for (auto pos = syspath.find('/', base + 9); pos != std::string::npos; pos = syspath.find('/', pos + 1))
        out.push_back(syspath.substr(0, pos));
    out.push_back(syspath);
    return out;
}

/// The outermost device on the way to `syspath` that no longer exists; "" when all still do.
std::string highestVanished(const std::string& syspath, const CauseEvidence& ev) {
    for (const auto& p : ancestry(syspath))
        if (!ev.exists(p)) return p;
    return {};
}

std::string baseName(const std::string& p) { return p.substr(p.rfind('/') + 1); }

std::string kindOfDevice(const std::string& path) {
    static const std::regex pci("^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]$");
    const std::string n = baseName(path);
    if (std::regex_match(n, pci)) return "pci_function";
    if (n.rfind("pci", 0) == 0) return "pci_root";
    if (n.rfind("host", 0) == 0) return "scsi_host";
    if (n.rfind("expander-", 0) == 0) return "sas_expander";
    if (n.rfind("port-", 0) == 0) return "sas_port";
    if (n.rfind("end_device-", 0) == 0) return "sas_end_device";
    return "device";
}

/// The longest path all `paths` start with, cut at a '/'.
std::string commonAncestor(const std::vector<std::string>& paths) {
    if (paths.empty()) return {};
    std::string c = paths.front();
    for (const auto& p : paths) {
        std::size_t n = 0;
        while (n < c.size() && n < p.size() && c[n] == p[n]) ++n;
        c.resize(n);
    }
    if (!c.empty() && std::any_of(paths.begin(), paths.end(), [&](const std::string& p) { return p.size() > c.size() && p[c.size()] != '/'; }))
        c.resize(c.rfind('/') == std::string::npos ? 0 : c.rfind('/'));
    return c;
}

const Enclosure* enclosureById(const Inventory& inv, const std::string& id) {
    for (const auto& e : inv.enclosures)
        if (e.id == id) return &e;
    return nullptr;
}

bool isShelf(const Enclosure& e) { return e.kind != "pcie-slots"; }

std::string describeEnclosure(const Inventory& inv, const std::string& id) {
    const Enclosure* e = enclosureById(inv, id);
    std::string s = "enclosure " + id;
    if (e && (e->vendor || e->product))
        s += " (" + e->vendor.value_or("") + (e->vendor && e->product ? " " : "") + e->product.value_or("") + ")";
    return s;
}

std::string driveList(const std::vector<Drive>& drives, const std::vector<std::string>& ids, std::size_t max = 8) {
    std::string s;
    std::size_t n = 0;
    for (const auto& d : drives) {
        if (std::find(ids.begin(), ids.end(), d.id) == ids.end()) continue;
        if (n++ == max) {
            s += ", ...";
            break;
        }
        if (!s.empty()) s += ", ";
        s += d.kernelName.value_or(d.id);
        if (d.location.label) s += " (" + *d.location.label + ")";
    }
    return s;
}

std::vector<std::string> idsOf(const std::vector<Drive>& drives) {
    std::vector<std::string> out;
    for (const auto& d : drives) out.push_back(d.id);
    return out;
}

Json driveJson(const Drive& d) {
    return Json{{"id", d.id},
                {"serial", detail::opt(d.serial)},
                {"model", detail::opt(d.model)},
                {"kernel_name", detail::opt(d.kernelName)},
                {"enclosure", detail::opt(d.location.enclosure)},
                {"slot", d.location.slot ? Json(*d.location.slot) : Json(nullptr)},
                {"slot_label", detail::opt(d.location.label)}};
}

/// The affected arrays as `after` has them now (a stopped array is no longer in it).
Json arraysJson(const LostGroup& g, const Inventory& after, bool& atRisk) {
    Json out = Json::array();
    for (const auto& name : g.arrays) {
        auto a = std::find_if(after.arrays.begin(), after.arrays.end(), [&](const Array& x) { return x.name == name; });
        if (a == after.arrays.end()) {
            atRisk = true;
            out.push_back(Json{{"name", name}, {"state", "stopped"}, {"redundancy_left", nullptr}});
            continue;
        }
        if (a->state == "failed" || (a->redundancyLeft && *a->redundancyLeft <= 0)) atRisk = true;
        out.push_back(Json{{"name", name},
                           {"id", a->id},
                           {"state", a->state},
                           {"redundancy_left", a->redundancyLeft ? Json(*a->redundancyLeft) : Json(nullptr)}});
    }
    return out;
}

std::string arraysText(const Json& arrays) {
    std::string s;
    for (const auto& a : arrays) {
        if (!s.empty()) s += ", ";
        s += a["name"].get<std::string>() + " (" + a["state"].get<std::string>() + ")";
    }
    return s;
}

Json groupJson(const LostGroup& g, const Json& arrays) {
    Json drives = Json::array();
    for (const auto& d : g.drives) drives.push_back(driveJson(d));
    return Json{{"kind", g.kind},
                {"enclosures", g.enclosures},
                {"cause", Json{{"device", g.cause.empty() ? Json(nullptr) : Json(g.cause)}, {"kind", g.causeKind}}},
                {"drives", std::move(drives)},
                {"arrays", arrays},
                {"missing", g.missing},
                {"advice", kAdvice}};
}

Event groupEvent(const LostGroup& g, std::string_view what, Severity sev, std::string message, Json entity) {
    Event e;
    e.type = std::string(kEventTypePrefix) + g.kind + "." + std::string(what);
    e.subject = g.kind + "/" + g.id;
    e.severity = sev;
    e.message = std::move(message);
    e.entityJson = entity.dump(-1, ' ', false, Json::error_handler_t::replace);
    return e;
}

} // namespace

std::vector<std::string> arraysWith(const Inventory& inv, const std::set<std::string>& driveIds) {
    std::vector<std::string> out;
    for (const auto& a : inv.arrays)
        if (std::any_of(a.members.begin(), a.members.end(), [&](const ArrayMember& m) { return m.drive && driveIds.count(*m.drive); }))
            out.push_back(a.name);
    return out;
}

std::vector<LostGroup> findCommonCauses(const Inventory& before, const Inventory& after, const CauseEvidence& ev) {
    const detail::IdIndex present(after.drives);
    std::vector<const Drive*> gone;
    for (const auto& d : before.drives)
        if (!d.id.empty() && !present.contains(d.id)) gone.push_back(&d);
    std::vector<LostGroup> out;
    if (gone.empty()) return out;
    std::set<std::string> used;
    auto goneEnclosure = [&](const std::string& id) {
        const Enclosure* e = enclosureById(before, id);
        return e && isShelf(*e) && !enclosureById(after, id);
    };
    auto make = [&](std::vector<const Drive*> ds, std::string cause, std::string causeKind) {
        LostGroup g;
        std::set<std::string> ids, encs, goneEncs;
        for (const Drive* d : ds) {
            g.drives.push_back(*d);
            g.missing.push_back(d->id);
            ids.insert(d->id);
            used.insert(d->id);
            if (d->location.enclosure) {
                encs.insert(*d->location.enclosure);
                if (goneEnclosure(*d->location.enclosure)) goneEncs.insert(*d->location.enclosure);
            }
        }
        g.kind = goneEncs.empty() ? "path" : "enclosure";
        g.enclosures.assign((goneEncs.empty() ? encs : goneEncs).begin(), (goneEncs.empty() ? encs : goneEncs).end());
        for (const auto& e : g.enclosures) g.where += (g.where.empty() ? "" : ", ") + describeEnclosure(before, e);
        if (g.where.empty()) g.where = "drives without a known enclosure";
        g.cause = std::move(cause);
        g.causeKind = std::move(causeKind);
        if (!goneEncs.empty()) g.id = *goneEncs.begin();
        else if (encs.size() == 1) g.id = *encs.begin();
        else g.id = g.cause.empty() ? g.drives.front().id : baseName(g.cause);
        g.arrays = arraysWith(before, ids);
        out.push_back(std::move(g));
    };

    // 1. A device above them all that vanished: the HBA's function, its SAS port, an expander.
    std::map<std::string, std::vector<const Drive*>> byAnchor;
    for (const Drive* d : gone)
        if (d->sysPath)
            if (auto a = highestVanished(*d->sysPath, ev); !a.empty()) byAnchor[a].push_back(d);
    for (auto& [anchor, ds] : byAnchor)
        if (ds.size() >= 2) make(ds, anchor, kindOfDevice(anchor));

    // 2. An enclosure that went, with the drives that sat in it.
    std::map<std::string, std::vector<const Drive*>> byEnclosure;
    for (const Drive* d : gone)
        if (!used.count(d->id) && d->location.enclosure) byEnclosure[*d->location.enclosure].push_back(d);
    for (auto& [enc, ds] : byEnclosure) {
        if (!goneEnclosure(enc)) continue;
        const Enclosure* e = enclosureById(before, enc);
        const std::string dev = e && e->sysPath ? *e->sysPath : std::string();
        make(ds, dev.empty() || ev.exists(dev) ? std::string() : dev, "enclosure");
    }

    // 3. Drives of one enclosure the transport had blocked before they went: their path dropped.
    for (auto& [enc, ds] : byEnclosure) {
        std::vector<const Drive*> blocked;
        for (const Drive* d : ds)
            if (!used.count(d->id) && ev.blocked.count(d->id)) blocked.push_back(d);
        if (blocked.size() < 2) continue;
        std::vector<std::string> paths;
        for (const Drive* d : blocked)
            if (d->sysPath) paths.push_back(*d->sysPath);
        make(blocked, commonAncestor(paths), "blocked_path");
    }
    return out;
}

Event lostEvent(const LostGroup& g, const Inventory& after) {
    bool atRisk = false;  // an array affected is not redundant (or stopped)
    const Json arrays = arraysJson(g, after, atRisk);
    const std::string& where = g.where;
    std::string msg = g.kind == "enclosure" ? (g.enclosures.size() == 1 ? "The " : "The enclosures ") + where + " went away"
                                            : "The path to " + std::to_string(g.drives.size()) + " drives of " + where + " was lost";
    if (!g.cause.empty()) msg += " (with " + kindOfDevice(g.cause) + " " + baseName(g.cause) + ")";
    msg += g.kind == "enclosure" ? " with " + std::to_string(g.drives.size()) + " drives" : "";
    msg += ": " + driveList(g.drives, idsOf(g.drives));
    if (!arrays.empty()) msg += "; arrays affected: " + arraysText(arrays);
    msg += ". The drives were not pulled: " + std::string(kAdvice) + ".";
    // Losing drives in numbers is an outage whatever the arrays say: their data is unreachable.
    return groupEvent(g, "lost", Severity::critical, std::move(msg), groupJson(g, arrays));
}

Event restoredEvent(const LostGroup& g, const std::vector<std::string>& back, const Inventory& after) {
    bool atRisk = false;  // an array affected is not redundant (or stopped)
    const Json arrays = arraysJson(g, after, atRisk);
    const std::string& where = g.where;
    std::string msg = (g.kind == "enclosure" ? "The " + where + " is back" : "The path to the drives of " + where + " is back") + ": " +
                      std::to_string(back.size()) + " of " + std::to_string(g.drives.size()) + " drives returned (" +
                      driveList(g.drives, back) + ")";
    if (!g.missing.empty()) msg += "; still missing: " + driveList(g.drives, g.missing);
    if (!arrays.empty()) msg += "; arrays: " + arraysText(arrays);
    msg += ".";
    Json entity = groupJson(g, arrays);
    entity["returned"] = back;
    return groupEvent(g, "restored", g.missing.empty() && !atRisk ? Severity::info : Severity::warning, std::move(msg), std::move(entity));
}

} // namespace raidmon::agent
