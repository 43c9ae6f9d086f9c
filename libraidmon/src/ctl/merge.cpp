// SPDX-License-Identifier: LGPL-2.1-or-later
#include "merge.hpp"

#include <algorithm>
#include <map>

#include "core/strutil.hpp"

namespace raidmon::detail {

namespace {

std::string serialKey(const std::optional<std::string>& s) { return s ? toUpper(trim(*s)) : std::string(); }

// The tool's controller kind family as scanControllers names the PCI function.
bool sameFamily(const Controller& pci, const Controller& tool) {
    if (pci.kind == tool.kind) return true;
    return tool.kind == "mpt-ir" && pci.kind == "sas-hba";
}

} // namespace

void mergeReport(Inventory& inv, ControllerReport report) {
    std::map<std::string, std::string> ctlId;    // tool controller id -> inventory controller id
    std::map<std::string, std::string> driveId;  // tool drive id -> inventory drive id
    for (auto& tc : report.controllers) {
        Controller* match = nullptr;
        if (tc.pciAddress)
            for (auto& c : inv.controllers)
                if (c.pciAddress == tc.pciAddress) match = &c;
        if (!match) {
            std::vector<Controller*> family;
            for (auto& c : inv.controllers)
                if (c.pciAddress && sameFamily(c, tc)) family.push_back(&c);
            const auto tools = std::count_if(report.controllers.begin(), report.controllers.end(),
                                             [&](const Controller& x) { return x.kind == tc.kind; });
            if (family.size() == 1 && tools == 1) match = family.front();
        }
        if (!match) {
            ctlId[tc.id] = tc.id;
            inv.controllers.push_back(tc);
            continue;
        }
        ctlId[tc.id] = match->id;
        if (tc.model) match->model = tc.model;
        if (tc.firmware) match->firmware = tc.firmware;
        if (tc.serial) match->serial = tc.serial;
        match->status = tc.status;
        match->batteryStatus = tc.batteryStatus;
        match->cacheStatus = tc.cacheStatus;
        match->health = worse(match->health == Health::Unknown ? Health::OK : match->health, tc.health);
        for (const auto& r : tc.reasons) match->reasons.push_back(r);
    }
    auto mapCtl = [&](std::optional<std::string>& c) {
        if (c)
            if (auto it = ctlId.find(*c); it != ctlId.end()) c = it->second;
    };
    for (auto& td : report.drives) {
        if (td.controllerView && !td.controllerView->controller) td.controllerView->controller = td.location.controller;
        Drive* match = nullptr;
        for (auto& d : inv.drives) {
            if (td.wwn && d.wwn && *td.wwn == *d.wwn) match = &d;
            else if (!match && td.serial && d.serial && serialKey(td.serial) == serialKey(d.serial)) match = &d;
        }
        mapCtl(td.location.controller);
        if (!match) {
            driveId[td.id] = td.id;
            inv.drives.push_back(td);
            continue;
        }
        // The kernel sees this drive (JBOD, HBA mode, or pass-through): keep the kernel's identity
        // and add what the controller knows.
        driveId[td.id] = match->id;
        match->location.controller = td.location.controller;
        match->location.enclosure = td.location.enclosure;
        match->location.slot = td.location.slot;
        if (td.location.label) match->location.label = td.location.label;
        match->location.megaraidDid = td.location.megaraidDid;
        if (td.state) match->state = td.state;
        if (td.failurePredicted) match->failurePredicted = td.failurePredicted;
        match->controllerView = td.controllerView;
        if (td.health != Health::Unknown)
            match->health = worse(match->health == Health::Unknown ? Health::OK : match->health, td.health);
        for (const auto& r : td.reasons) match->reasons.push_back(r);
    }
    for (auto& a : report.arrays) {
        mapCtl(a.controller);
        for (auto& m : a.members)
            if (m.drive)
                if (auto it = driveId.find(*m.drive); it != driveId.end()) m.drive = it->second;
        inv.arrays.push_back(std::move(a));
    }
    for (auto& e : report.enclosures) {
        for (auto& s : e.slots)
            if (s.drive)
                if (auto it = driveId.find(*s.drive); it != driveId.end()) s.drive = it->second;
        inv.enclosures.push_back(std::move(e));
    }
    for (auto& n : report.notes) inv.notes.push_back("hardware RAID: " + n);
}

void mergeHardwareRaid(const Context& ctx, Inventory& inv) {
    if (!ctx.runner) return;
    auto present = [&](std::string_view kind) {
        return std::any_of(inv.controllers.begin(), inv.controllers.end(), [&](const Controller& c) { return c.kind == kind; });
    };
    struct Backend {
        std::string_view kind;
        Result<ControllerReport> (*scan)(const Context&, const HwRaidOptions&);
        bool quietIfMissing;  ///< plain SAS HBAs rarely run IR firmware: a missing sas*ircu is no news
    };
    const Backend backends[] = {{"megaraid", &scanMegaraid, false},
                                {"smartarray", &scanSmartArray, false},
                                {"adaptec", &scanAdaptec, false},
                                {"sas-hba", &scanMptIr, true}};
    for (const auto& b : backends) {
        if (!present(b.kind)) continue;
        auto r = b.scan(ctx, HwRaidOptions{});
        if (!r) {
            if (r.error().is(errc::not_found) && b.quietIfMissing) {
                ctx.logAt(LogLevel::debug, "hwraid kind=" + std::string(b.kind) + " msg=\"" + r.error().message + "\"");
                continue;
            }
            inv.notes.push_back("hardware RAID (" + std::string(b.kind) + "): " + r.error().message +
                                (r.error().is(errc::not_found) ? ": arrays and drives behind the controller are not shown" : ""));
            continue;
        }
        mergeReport(inv, std::move(*r));
    }
}

} // namespace raidmon::detail
