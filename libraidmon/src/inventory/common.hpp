// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Helpers shared by the inventory readers.

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <raidmon/context.hpp>
#include <raidmon/model.hpp>

namespace raidmon::detail {

/// "0000:3b:00.0"-shaped PCI address (domain:bus:device.function)?
bool isPciAddress(std::string_view s);

/// Walk up from a device directory to the nearest PCI function that is a storage controller
/// (class 01xx), else the nearest PCI function at all. Returns its address.
/// `storageClass` remembers each function's answer for a scan: it asks for every drive, and a
/// host's drives hang off a handful of functions.
std::optional<std::string> owningPciFunction(const std::filesystem::path& devDir,
                                             std::map<std::string, bool, std::less<>>& storageClass);

/// The drive whose sysPath is `dir` or an ancestor of `dir` (a partition, a SCSI device above...)
/// Also matches when `dir` is an ancestor of the drive's block directory (a SCSI device dir).
const Drive* findDriveByPath(const std::vector<Drive>& drives, const std::filesystem::path& dir);

/// findDriveByPath() for many look-ups over one list of drives: by hash, not by a scan of the
/// list per look-up (an enclosure scan asks once per slot: 944 slots x 944 drives otherwise).
/// Keeps pointers into `drives`, which must outlive it unchanged.
class DriveIndex {
public:
    explicit DriveIndex(const std::vector<Drive>& drives);
    const Drive* find(const std::filesystem::path& dir) const;

private:
    std::unordered_map<std::string, const Drive*> bySysPath_;  ///< a drive's block directory
    std::unordered_map<std::string, const Drive*> byParent_;   ///< the directory its "block/<name>" hangs below
};

/// One component directory of an SES enclosure (…/enclosure/H:C:T:L/<name>) as a slot, or
/// nothing when it is not a device slot (type other than "device"/"array device"). `fallbackIndex`
/// when it has no slot number; notes: a dangling device link, garbage in a numeric attribute.
/// `driveAt`: the drive a device link's target is (DriveIndex::find, or findDriveByPath for a few slots).
std::optional<Slot> readSesSlot(const std::filesystem::path& comp, const std::string& enclosureId, int fallbackIndex,
                                const std::function<const Drive*(const std::filesystem::path&)>& driveAt,
                                std::vector<std::string>& notes);

/// An SES enclosure's health and reasons from its slots' element status.
void sesEnclosureHealth(Enclosure& e);

/// One enclosure-class device (…/enclosure/H:C:T:L) as an SES enclosure with its slots, or nothing
/// (and a note) when it vanished.
std::optional<Enclosure> readSesEnclosure(const DeviceRecord& rec, const DriveIndex& drives, std::vector<std::string>& notes);

/// Slots without a device link that a drive's enclosure_device:<component> link names get that
/// drive (ses.c makes the two links together; one may be missing).
void placeByDiskLinks(std::vector<Enclosure>& enclosures, const std::vector<Drive>& drives);

/// The kernel-bound SES enclosures first, by SCSI address H:C:T:L numerically; the others keep
/// their order after them.
void sortSesEnclosures(std::vector<Enclosure>& enclosures);

/// The enclosure components a drive's SCSI device links to (enclosure_device:<component>, made by
/// ses.c together with the component's "device" link), as normalised sysfs paths.
std::vector<std::string> enclosureComponentsOf(const Drive& d);

/// The verdict of an SES element status as the kernel's enclosure class prints it (ses.c
/// enclosure_status[], any case): critical/unrecoverable -> Critical, noncritical -> Warning,
/// anything else (OK, not installed, unknown, ...) -> OK.
Health sesSlotHealth(std::string_view status);

/// The readers over an already enumerated "block" subsystem (scanInventory enumerates once).
std::vector<Drive> drivesFrom(const Context& ctx, const std::vector<DeviceRecord>& blockDevs,
                              std::vector<std::string>& notes);
std::vector<Array> mdArraysFrom(const Context& ctx, const std::vector<DeviceRecord>& blockDevs,
                                const std::vector<Drive>& drives, std::vector<std::string>& notes);
/// Order md arrays as people expect: md0, md1, ..., md10 (by name length, then name).
void sortMdArrays(std::vector<Array>& arrays);
void signaturesFrom(const Context& ctx, const std::vector<DeviceRecord>& blockDevs, std::vector<Drive>& drives,
                    std::vector<std::string>& notes);

/// Compare md arrays read from sysfs with /proc/mdstat; disagreements become notes.
void mdCrossCheck(const Context& ctx, const std::vector<Array>& arrays, std::vector<std::string>& notes);

} // namespace raidmon::detail
