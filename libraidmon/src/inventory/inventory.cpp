// SPDX-License-Identifier: LGPL-2.1-or-later
// The whole scan: drives first (everything else joins onto them), then enclosures, PCIe slots and
// md arrays, then the evidence each gives about the drives, then the verdict.
#include <raidmon/inventory.hpp>

#include <algorithm>
#include <map>

#include "common.hpp"
#include "parts.hpp"
#include "core/strutil.hpp"
#include "core/sysfs.hpp"
#include "ctl/merge.hpp"
#include "led/ses_scan.hpp"

namespace raidmon {

namespace {

void join(Inventory& inv) {
    std::map<std::string, Drive*> byId;
    for (auto& d : inv.drives) byId[d.id] = &d;

    for (const auto& e : inv.enclosures) {
        for (const auto& s : e.slots) {
            if (!s.drive) continue;
            auto it = byId.find(*s.drive);
            if (it == byId.end()) continue;
            Drive& d = *it->second;
            d.location.enclosure = e.id;
            d.location.slot = s.index;
            d.location.label = s.label;
            std::string where = (e.kind == "pcie-slots" ? "" : e.id + " ") + s.label.value_or("slot " + std::to_string(s.index));
            if (s.status)
                if (Health h = detail::sesSlotHealth(*s.status); h != Health::OK) {
                    d.health = worse(d.health, h);
                    d.reasons.push_back("the enclosure reports its bay (" + where + ") as '" + *s.status + "'");
                }
            if (s.fault && *s.fault) {
                d.health = worse(d.health, Health::Warning);
                d.reasons.push_back("the fault light of its bay (" + where + ") is on");
            }
        }
    }

    for (const auto& a : inv.arrays) {
        for (const auto& m : a.members) {
            if (!m.drive) continue;
            auto it = byId.find(*m.drive);
            if (it == byId.end()) continue;
            Drive& d = *it->second;
            if (m.role == "faulty") {
                d.state = DriveState::failed;
                d.health = Health::Critical;
                d.reasons.push_back(a.name + " has marked " + m.device.value_or("it") + " faulty: replace this drive");
            } else if (m.role == "rebuilding" || m.role == "replacement") {
                if (d.state == DriveState::online) d.state = DriveState::rebuilding;
            } else if (m.role == "spare") {
                if (d.state == DriveState::online) d.state = DriveState::spare;
            }
            if (m.errors && *m.errors > 0 && m.role != "faulty")
                d.reasons.push_back(a.name + " corrected " + std::to_string(*m.errors) + " read error(s) on " +
                                    m.device.value_or("it") + " by rewriting from redundancy");
        }
    }
}

} // namespace

void evaluateHealth(Inventory& inv) {
    Health h = Health::OK;
    std::vector<std::string> reasons;
    auto take = [&](Health eh, const std::vector<std::string>& rs) {
        if (eh == Health::OK) return;
        h = worse(h, eh);
        for (const auto& r : rs) reasons.push_back(r);
    };
    for (const auto& a : inv.arrays) take(a.health, a.reasons);
    for (const auto& c : inv.controllers) take(c.health, c.reasons);
    for (const auto& e : inv.enclosures) take(e.health, e.reasons);
    for (const auto& d : inv.drives) {
        if (d.health == Health::Unknown) continue;  // no evidence either way: not a finding
        std::vector<std::string> rs;
        for (const auto& r : d.reasons) rs.push_back(d.kernelName.value_or(d.id) + ": " + r);
        take(d.health, rs);
    }
    inv.health = h;
    inv.reasons = std::move(reasons);
}

namespace {

/// `full`: a whole scan (the unbound-SES search always runs), else a rescan after a disk change
/// (it runs only if the last full scan found an unbound SES device).
void readEnclosures(const Context& ctx, detail::InventoryParts& p, bool full) {
    auto& notes = p.enclosureNotes;
    notes.clear();
    p.base.enclosures.clear();
    if (auto e = scanEnclosures(ctx, p.base.drives, notes)) p.base.enclosures = std::move(*e);
    else {
        notes.push_back("enclosures: " + e.error().message);
        p.partial = true;
    }
    // SES enclosures the kernel's ses driver did not bind, through SG_IO (RECEIVE DIAGNOSTIC only).
    if (full || p.unboundSes)
        for (auto& e : detail::scanUnboundSes(ctx, p.base.drives, notes, &p.unboundSes)) p.base.enclosures.push_back(std::move(e));
    if (auto s = scanPciSlots(ctx, p.base.drives, notes)) p.base.enclosures.push_back(std::move(*s));
}

/// Read the md arrays of `parts.mdDevices` again (those in `only`, or all), then the mdstat
/// cross-check.
void readMd(const Context& ctx, detail::InventoryParts& parts, const std::set<std::string>& only = {}) {
    for (const auto& rec : parts.mdDevices) {
        if (!only.empty() && !only.count(rec.sysname)) continue;
        std::erase_if(parts.arrays, [&](const Array& a) { return a.name == rec.sysname; });
        auto& notes = parts.mdNotes[rec.sysname];
        notes.clear();
        for (auto& a : detail::mdArraysFrom(ctx, {rec}, parts.base.drives, notes)) parts.arrays.push_back(std::move(a));
    }
    detail::sortMdArrays(parts.arrays);
    parts.mdstatNotes.clear();
    if (parts.options.crossCheckMdstat && !parts.arrays.empty()) detail::mdCrossCheck(ctx, parts.arrays, parts.mdstatNotes);
}

/// Drop the drives `gone` selects, then read what joins onto drives (enclosures, md) again.
template <typename Pred>
void dropDrives(const Context& ctx, detail::InventoryParts& parts, Pred gone) {
    std::erase_if(parts.base.drives, gone);
    readEnclosures(ctx, parts, false);
    readMd(ctx, parts);
}

} // namespace

Result<detail::InventoryParts> detail::scanParts(const Context& ctx, const ScanOptions& opts) {
    if (!ctx.devices) return fail(errc::invalid_argument, "scanInventory: the Context has no device source");
    InventoryParts p;
    p.options = opts;
    Inventory& inv = p.base;
    inv.host = readHost(ctx);
    if (opts.bmc) {
        if (auto b = readBmc(ctx)) inv.host.bmc = std::move(*b);
        else if (!b.error().is(errc::not_found) && !b.error().is(errc::refused)) inv.notes.push_back("bmc: " + b.error().message);
    }
    // One enumeration of the block subsystem serves drives, md arrays and signatures.
    auto blockDevs = ctx.devices->enumerate("block");
    if (!blockDevs) return tl::unexpected(blockDevs.error());
    inv.drives = detail::drivesFrom(ctx, *blockDevs, inv.notes);

    if (auto c = scanControllers(ctx)) inv.controllers = std::move(*c);
    else {
        inv.notes.push_back("controllers: " + c.error().message);
        p.partial = true;
    }
    readEnclosures(ctx, p, true);
    for (const auto& rec : *blockDevs)
        if (rec.devtype != "partition" && detail::pathExists(fs::path(rec.syspath) / "md")) p.mdDevices.push_back(rec);
    readMd(ctx, p);
    if (opts.probeSignatures) detail::signaturesFrom(ctx, *blockDevs, inv.drives, inv.notes);
    return p;
}

void detail::refreshMd(const Context& ctx, InventoryParts& parts, const std::set<std::string>& only) {
    readMd(ctx, parts, only);
    // A member whose disk has left sysfs: md's failure of a pulled disk (udev's "mdadm -If" runs
    // before udev passes the disk's "remove" on) arrives before the removal. The disk is gone now;
    // a view that still lists it would blame the wrong drive.
    auto vanishedMember = [&](const Drive& d) {
        if (!d.sysPath || pathExists(fs::path(*d.sysPath) / "size")) return false;
        return std::any_of(parts.arrays.begin(), parts.arrays.end(), [&](const Array& a) {
            return std::any_of(a.members.begin(), a.members.end(), [&](const ArrayMember& m) { return m.drive == d.id; });
        });
    };
    if (std::any_of(parts.base.drives.begin(), parts.base.drives.end(), vanishedMember)) dropDrives(ctx, parts, vanishedMember);
}

void detail::dropDrive(const Context& ctx, InventoryParts& parts, std::string_view syspath) {
    applyDiskChanges(ctx, parts, {std::string(syspath)}, {});
}

void detail::addDrive(const Context& ctx, InventoryParts& parts, const DeviceRecord& disk) { applyDiskChanges(ctx, parts, {}, {disk}); }

void detail::applyDiskChanges(const Context& ctx, InventoryParts& parts, const std::vector<std::string>& removed,
                              const std::vector<DeviceRecord>& added) {
    // The removals first, then the arrivals (as the uevents' handlers always did): a disk that
    // left and came back in one batch is read again. raidmond trusts the last uevent of each disk
    // over sysfs on top of this (a "remove" after an "add" hides it).
    std::set<std::string, std::less<>> drop(removed.begin(), removed.end());
    for (const auto& a : added) drop.insert(a.syspath);
    std::erase_if(parts.base.drives, [&](const Drive& d) { return d.sysPath && drop.count(*d.sysPath); });
    std::vector<DeviceRecord> arrived;
    std::set<std::string, std::less<>> seen;
    for (auto it = added.rbegin(); it != added.rend(); ++it)  // the last record of a disk added twice
        if (seen.insert(it->syspath).second) arrived.insert(arrived.begin(), *it);
    auto drives = detail::drivesFrom(ctx, arrived, parts.base.notes);
    if (parts.options.probeSignatures) detail::signaturesFrom(ctx, arrived, drives, parts.base.notes);
    for (auto& d : drives) parts.base.drives.push_back(std::move(d));
    readEnclosures(ctx, parts, false);
    readMd(ctx, parts);
}

Inventory detail::combine(const InventoryParts& parts) {
    Inventory inv = parts.base;
    inv.notes.insert(inv.notes.end(), parts.enclosureNotes.begin(), parts.enclosureNotes.end());
    inv.arrays = parts.arrays;
    for (const auto& [name, notes] : parts.mdNotes) inv.notes.insert(inv.notes.end(), notes.begin(), notes.end());
    inv.notes.insert(inv.notes.end(), parts.mdstatNotes.begin(), parts.mdstatNotes.end());
    return inv;
}

void detail::finishInventory(Inventory& inv, bool partial) {
    // Two drives must never share an id: the panel would merge them. Cloned or blank serials
    // (some USB bridges, firmware bugs) do happen; keep the first, qualify the others.
    std::map<std::string, int> seen;
    for (auto& d : inv.drives) {
        if (++seen[d.id] == 1) continue;
        std::string original = d.id;
        d.id += "#" + d.kernelName.value_or(std::to_string(seen[original]));
        inv.notes.push_back(d.kernelName.value_or("?") + " reports the same identity as another drive (" + original +
                            "): listed as " + d.id + "; check for a cloned or blank serial");
    }
    join(inv);
    evaluateHealth(inv);
    if (partial) {
        inv.health = worse(inv.health, Health::Unknown);
        inv.reasons.push_back("part of the scan failed; see notes");
    }
}

Result<Inventory> scanInventory(const Context& ctx, const ScanOptions& opts) {
    auto parts = detail::scanParts(ctx, opts);
    if (!parts) return tl::unexpected(parts.error());
    Inventory inv = detail::combine(*parts);
    // Hardware RAID: the controllers' own tools (storcli, ssacli, arcconf, sas*ircu) add the
    // arrays and the drives the kernel cannot see. Missing tools become notes.
    if (opts.hardwareRaid) detail::mergeHardwareRaid(ctx, inv);
    detail::finishInventory(inv, parts->partial);
    return inv;
}

} // namespace raidmon
