// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// A scan kept in parts, so that a caller who knows what changed (raidmond: an md uevent, a SMART
// result) re-reads only that part. scanInventory() is scanParts() + assemble().

#include <map>
#include <set>
#include <string>
#include <vector>

#include <raidmon/context.hpp>
#include <raidmon/inventory.hpp>
#include <raidmon/model.hpp>

namespace raidmon::detail {

struct InventoryParts {
    ScanOptions options;
    /// Host, drives (before identity de-duplication), controllers, enclosures; the notes of the
    /// host, drive and controller readers.
    Inventory base;
    std::vector<std::string> enclosureNotes;  ///< the notes of the enclosure and PCIe slot readers
    /// The md arrays, read against base.drives, with the notes of each (by array name) and of the
    /// /proc/mdstat cross-check.
    std::vector<Array> arrays;
    std::map<std::string, std::vector<std::string>> mdNotes;
    std::vector<std::string> mdstatNotes;
    /// The block devices that are md arrays, from the last enumeration: what refreshMd() re-reads.
    std::vector<DeviceRecord> mdDevices;
    bool partial = false;  ///< part of the scan failed (see notes)
    /// The last full scan found an SES device the kernel's ses driver did not bind: partial
    /// rescans search for such devices again only then (an SES device that appears later comes
    /// with a SCSI "add" uevent, which makes raidmond scan everything).
    bool unboundSes = false;
};

/// Read everything except the controllers' own tools (those are merged by scanInventory()).
Result<InventoryParts> scanParts(const Context& ctx, const ScanOptions& opts);

/// Re-read the md arrays of `parts.mdDevices` (attributes, members, operation, mdstat
/// cross-check): those named in `only`, or all when `only` is empty. Arrays created or stopped
/// since the last scanParts() need a new scanParts(): they come with a block add/remove uevent.
/// A member whose disk has left sysfs (md failed a pulled disk before its "remove" uevent came)
/// drops that disk, as dropDrive() would.
void refreshMd(const Context& ctx, InventoryParts& parts, const std::set<std::string>& only = {});

/// A block disk left (its "remove" uevent): drop it, then read the enclosures and md arrays again.
void dropDrive(const Context& ctx, InventoryParts& parts, std::string_view syspath);

/// A block disk arrived (its "add" uevent): read it and its signatures, then the enclosures and md
/// arrays again. Its partitions come with their own uevents (and a full scan).
void addDrive(const Context& ctx, InventoryParts& parts, const DeviceRecord& disk);

/// A batch of disks that left and arrived (their uevents, in order): every disk dropped and read
/// first, then the enclosures and md arrays read once for all of them.
void applyDiskChanges(const Context& ctx, InventoryParts& parts, const std::vector<std::string>& removed,
                      const std::vector<DeviceRecord>& added);

/// Enclosure-class devices that came, changed or went (their uevents, by syspath): each read again,
/// or dropped when it has left sysfs, with its notes. Falls back to reading every enclosure when
/// the last full scan found an SES device the ses driver did not bind.
void refreshEnclosures(const Context& ctx, InventoryParts& parts, const std::vector<std::string>& syspaths);

/// The inventory of `parts`: drives, enclosures, arrays and notes together, unjoined.
Inventory combine(const InventoryParts& parts);
/// The same, assigned into `out` (whose storage is reused: raidmond hands back the inventory a
/// rescan replaced, so a batch on a 1,000-disk host does not allocate every drive anew).
void combineInto(const InventoryParts& parts, Inventory& out);

/// De-duplicate drive identities, join slots and arrays onto drives, evaluate health.
void finishInventory(Inventory& inv, bool partial);

} // namespace raidmon::detail
