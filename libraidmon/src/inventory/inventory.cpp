// SPDX-License-Identifier: LGPL-2.1-or-later
// The whole scan: drives first (everything else joins onto them), then enclosures, PCIe slots and
// md arrays, then the evidence each gives about the drives, then the verdict.
#include <raidmon/inventory.hpp>

#include <algorithm>
#include <map>

#include "common.hpp"
#include "parts.hpp"
#include "core/id_index.hpp"
#include "core/strutil.hpp"
#include "core/sysfs.hpp"
#include "ctl/merge.hpp"
#include "led/ses_scan.hpp"

namespace raidmon {

namespace fs = std::filesystem;

namespace {

void join(Inventory& inv) {
    const detail::IdIndex byId(inv.drives);  // unique ids here: finishInventory qualified duplicates

    for (const auto& e : inv.enclosures) {
        for (const auto& s : e.slots) {
            if (!s.drive) continue;
            Drive* found = byId.find(*s.drive);
            if (!found) continue;
            Drive& d = *found;
            d.location.enclosure = e.id;
            d.location.slot = s.index;
            d.location.label = s.label;
            // Only a bay with something to say is named (a thousand good bays build no text).
            auto where = [&] { return (e.kind == "pcie-slots" ? "" : e.id + " ") + s.label.value_or("slot " + std::to_string(s.index)); };
            if (s.status)
                if (Health h = detail::sesSlotHealth(*s.status); h != Health::OK) {
                    d.health = worse(d.health, h);
                    d.reasons.push_back("the enclosure reports its bay (" + where() + ") as '" + *s.status + "'");
                }
            if (s.fault && *s.fault) {
                d.health = worse(d.health, Health::Warning);
                d.reasons.push_back("the fault light of its bay (" + where() + ") is on");
            }
        }
    }

    for (const auto& a : inv.arrays) {
        for (const auto& m : a.members) {
            if (!m.drive) continue;
            Drive* found = byId.find(*m.drive);
            if (!found) continue;
            Drive& d = *found;
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

/// Whether `member` (an md member's kernel name: "sdk", "sdk2", "nvme0n1p3") is the disk `disk`
/// or one of its partitions.
bool onDisk(std::string_view member, std::string_view disk) {
    if (disk.empty() || !detail::startsWith(member, disk)) return false;
    std::string_view rest = member.substr(disk.size());
    if (rest.empty()) return true;
    if (rest.front() == 'p') rest.remove_prefix(1);
    return !rest.empty() && std::all_of(rest.begin(), rest.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// After a disk change, the enclosure side read again in proportion to the change: the SES slots
/// that held a drive that left and those an arriving drive sits in (its enclosure_device link,
/// else the slot whose device link names it), then the PCIe slots (a handful). A change it cannot
/// place (an SES device the ses driver did not bind, a slot of an enclosure no longer there)
/// reads every enclosure again, as a full scan would.
void refreshSlotsOf(const Context& ctx, detail::InventoryParts& p, const std::set<std::string, std::less<>>& goneIds,
                    const std::vector<std::string>& arrivedIds) {
    if (p.unboundSes) return readEnclosures(ctx, p, false);
    const std::string pciSlots = (ctx.paths.sys / "bus" / "pci" / "slots").string() + "/";
    // The slot at a component path: (enclosure, slot), by a walk of the list (no index is built:
    // a change names one or a few slots, and building one would cost what it saves).
    auto slotAt = [&](std::string_view comp) -> std::optional<std::pair<std::size_t, std::size_t>> {
        for (std::size_t i = 0; i < p.base.enclosures.size(); ++i) {
            const Enclosure& e = p.base.enclosures[i];
            if (e.kind != "ses") continue;
            for (std::size_t j = 0; j < e.slots.size(); ++j)
                if (e.slots[j].sysPath == comp) return std::pair{i, j};
        }
        return std::nullopt;
    };
    std::set<std::string> reread;
    for (const auto& e : p.base.enclosures)
        if (e.kind == "ses")
            for (const auto& s : e.slots)
                if (s.sysPath && s.drive && goneIds.count(*s.drive)) reread.insert(*s.sysPath);
    std::map<std::string, const Drive*> arrivedIn;  // component -> the arriving drive that links to it
    for (const auto& id : arrivedIds) {
        auto d = std::find_if(p.base.drives.begin(), p.base.drives.end(), [&](const Drive& x) { return x.id == id; });
        if (d == p.base.drives.end() || !d->sysPath || d->protocol == Protocol::NVMe) continue;
        auto comps = detail::enclosureComponentsOf(*d);
        if (comps.empty()) {
            // No disk-side link: the slot whose device link names it, if any (readlinks only).
            for (const auto& e : p.base.enclosures) {
                if (e.kind != "ses") continue;
                for (const auto& s : e.slots) {
                    if (!s.sysPath) continue;
                    auto link = detail::resolveLink(fs::path(*s.sysPath) / "device");
                    if (link && detail::findDriveByPath({*d}, *link)) comps.push_back(*s.sysPath);
                }
            }
        }
        for (auto& c : comps) {
            if (!slotAt(c)) return readEnclosures(ctx, p, false);  // a slot of an enclosure not listed
            arrivedIn.emplace(c, &*d);
            reread.insert(std::move(c));
        }
    }
    if (!reread.empty()) {
        const auto driveAt = [&](const fs::path& link) { return detail::findDriveByPath(p.base.drives, link); };
        std::set<std::size_t> touched;
        for (const auto& comp : reread) {
            if (!detail::pathExists(fs::path(comp) / "type")) return readEnclosures(ctx, p, false);  // its enclosure left
            const auto at = slotAt(comp);
            if (!at) return readEnclosures(ctx, p, false);
            const auto [i, j] = *at;
            Enclosure& e = p.base.enclosures[i];
            const std::string prefix = e.id + " " + e.slots[j].label.value_or("") + ":";
            std::erase_if(p.enclosureNotes, [&](const std::string& n) {
                return detail::startsWith(n, prefix) || detail::startsWith(n, comp + "/");
            });
            std::vector<std::string> notes;
            auto s = detail::readSesSlot(comp, e.id, e.slots[j].index, driveAt, notes);
            if (!s) return readEnclosures(ctx, p, false);  // no longer a device slot
            if (!s->drive)
                if (auto a = arrivedIn.find(comp); a != arrivedIn.end()) {
                    s->drive = a->second->id;
                    s->device = a->second->kernelName;
                }
            e.slots[j] = std::move(*s);
            for (auto& n : notes) p.enclosureNotes.push_back(std::move(n));
            touched.insert(i);
        }
        for (auto i : touched) {
            Enclosure& e = p.base.enclosures[i];
            std::stable_sort(e.slots.begin(), e.slots.end(), [](const Slot& a, const Slot& b) { return a.index < b.index; });
            detail::sesEnclosureHealth(e);
        }
    }
    std::erase_if(p.base.enclosures, [](const Enclosure& e) { return e.kind == "pcie-slots"; });
    std::erase_if(p.enclosureNotes, [&](const std::string& n) { return detail::startsWith(n, pciSlots); });
    if (auto s = scanPciSlots(ctx, p.base.drives, p.enclosureNotes)) p.base.enclosures.push_back(std::move(*s));
}

/// The md arrays a disk change touches: those with a member on a drive that left, and those that
/// hold an arriving disk or one of its partitions (its holders/, md's own view of the member names).
std::set<std::string> arraysTouched(const detail::InventoryParts& parts, const std::set<std::string, std::less<>>& goneIds,
                                    const std::vector<DeviceRecord>& arrived) {
    std::set<std::string> names;
    for (const auto& a : parts.arrays)
        for (const auto& m : a.members)
            if (m.drive && goneIds.count(*m.drive)) names.insert(a.name);
    // `arrived` holds the disks and their partitions (applyDiskChanges looked them up).
    for (const auto& rec : arrived) {
        for (const auto& h : detail::listDir(fs::path(rec.syspath) / "holders"))
            if (detail::startsWith(h, "md")) names.insert(h);
        for (const auto& a : parts.arrays)
            for (const auto& m : a.members)
                if (m.device && onDisk(*m.device, rec.sysname)) names.insert(a.name);
    }
    return names;
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
    // md names its arrays' block devices "md<N>" or "md_<name>" (md_alloc()); only those can have md/.
    for (const auto& rec : *blockDevs)
        if (rec.devtype != "partition" && detail::startsWith(rec.sysname, "md") && detail::pathExists(fs::path(rec.syspath) / "md"))
            p.mdDevices.push_back(rec);
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
    std::vector<std::string> vanished;
    for (const auto& d : parts.base.drives)
        if (vanishedMember(d)) vanished.push_back(*d.sysPath);
    if (!vanished.empty()) applyDiskChanges(ctx, parts, vanished, {});
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
    std::set<std::string, std::less<>> goneIds;
    for (const auto& d : parts.base.drives)
        if (d.sysPath && drop.count(*d.sysPath)) goneIds.insert(d.id);
    std::erase_if(parts.base.drives, [&](const Drive& d) { return d.sysPath && drop.count(*d.sysPath); });
    std::vector<DeviceRecord> arrived;
    std::set<std::string, std::less<>> seen;
    for (auto it = added.rbegin(); it != added.rend(); ++it)  // the last record of a disk added twice
        if (seen.insert(it->syspath).second) arrived.insert(arrived.begin(), *it);
    // Their partitions' records too: udev's probe of each partition (its signature) is what a full
    // scan's enumeration gives signaturesFrom().
    const std::size_t disks = arrived.size();
    for (std::size_t i = 0; i < disks; ++i) {
        if (arrived[i].devtype == "partition") continue;
        const fs::path dir = arrived[i].syspath;
        for (const auto& n : detail::partitionsOf(dir))
            if (auto rec = ctx.devices->lookup((dir / n).string())) arrived.push_back(std::move(*rec));
    }
    auto drives = detail::drivesFrom(ctx, arrived, parts.base.notes);
    if (parts.options.probeSignatures) detail::signaturesFrom(ctx, arrived, drives, parts.base.notes);
    std::vector<std::string> arrivedIds;
    for (auto& d : drives) {
        arrivedIds.push_back(d.id);
        parts.base.drives.push_back(std::move(d));
    }
    // What joins onto drives, read again where the change reaches: a disk change costs the same
    // on a 1,000-disk server as on a 12-disk one (test_partial_scan compares with full scans).
    refreshSlotsOf(ctx, parts, goneIds, arrivedIds);
    if (auto names = arraysTouched(parts, goneIds, arrived); !names.empty()) readMd(ctx, parts, names);
}

void detail::refreshEnclosures(const Context& ctx, InventoryParts& parts, const std::vector<std::string>& syspaths) {
    if (parts.unboundSes) return readEnclosures(ctx, parts, false);
    const detail::DriveIndex index(parts.base.drives);  // the drives do not change in this loop
    for (const auto& path : syspaths) {
        // Forget what the last read of it said, then read it again if it is still there.
        const auto old = std::find_if(parts.base.enclosures.begin(), parts.base.enclosures.end(),
                                      [&](const Enclosure& e) { return e.kind == "ses" && e.sysPath == path; });
        const std::string sysname = fs::path(path).filename().string();
        const std::string slotPrefix = old != parts.base.enclosures.end() ? old->id + " " : std::string();
        std::erase_if(parts.enclosureNotes, [&](const std::string& n) {
            return detail::startsWith(n, path + "/") || detail::startsWith(n, sysname + ": enclosure vanished") ||
                   (!slotPrefix.empty() && detail::startsWith(n, slotPrefix));
        });
        if (old != parts.base.enclosures.end()) parts.base.enclosures.erase(old);
        auto rec = ctx.devices->lookup(path);
        if (!rec || !detail::pathExists(fs::path(path) / "components")) continue;  // it left
        if (auto e = detail::readSesEnclosure(*rec, index, parts.enclosureNotes)) {
            std::vector<Enclosure> one{std::move(*e)};
            detail::placeByDiskLinks(one, parts.base.drives);
            parts.base.enclosures.push_back(std::move(one.front()));
        }
    }
    detail::sortSesEnclosures(parts.base.enclosures);
}

Inventory detail::combine(const InventoryParts& parts) {
    Inventory inv;
    combineInto(parts, inv);
    return inv;
}

void detail::combineInto(const InventoryParts& parts, Inventory& inv) {
    // Copy-assignment, member by member: the vectors and strings `inv` already holds keep their
    // storage, so a caller that hands back last time's inventory pays no allocation for a drive
    // whose fields did not grow.
    inv = parts.base;
    inv.notes.insert(inv.notes.end(), parts.enclosureNotes.begin(), parts.enclosureNotes.end());
    inv.arrays = parts.arrays;
    for (const auto& [name, notes] : parts.mdNotes) inv.notes.insert(inv.notes.end(), notes.begin(), notes.end());
    inv.notes.insert(inv.notes.end(), parts.mdstatNotes.begin(), parts.mdstatNotes.end());
}

void detail::finishInventory(Inventory& inv, bool partial) {
    // Two drives must never share an id: the panel would merge them. Cloned or blank serials
    // (some USB bridges, firmware bugs) do happen; keep the first, qualify the others.
    // The table holds the first drive of each id, which is never renamed; `copies` counts the
    // rest (rare), by id.
    detail::IdIndex<Drive> first;
    first.reserve(inv.drives.size());
    std::map<std::string, int> copies;
    for (auto& d : inv.drives) {
        if (first.insert(d) == &d) continue;
        std::string original = d.id;
        const int nth = copies.try_emplace(original, 1).first->second += 1;
        d.id += "#" + d.kernelName.value_or(std::to_string(nth));
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
