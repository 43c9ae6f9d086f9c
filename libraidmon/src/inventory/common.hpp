// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Helpers shared by the inventory readers.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <raidmon/context.hpp>
#include <raidmon/model.hpp>

namespace raidmon::detail {

/// "0000:3b:00.0"-shaped PCI address (domain:bus:device.function)?
bool isPciAddress(std::string_view s);

/// Walk up from a device directory to the nearest PCI function that is a storage controller
/// (class 01xx), else the nearest PCI function at all. Returns its address.
std::optional<std::string> owningPciFunction(const std::filesystem::path& devDir);

/// The drive whose sysPath is `dir` or an ancestor of `dir` (a partition, a SCSI device above...)
/// Also matches when `dir` is an ancestor of the drive's block directory (a SCSI device dir).
const Drive* findDriveByPath(const std::vector<Drive>& drives, const std::filesystem::path& dir);

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
