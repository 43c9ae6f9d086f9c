// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#include <raidmon/export.hpp>

/// @file inventory.hpp
/// @brief Reading a host's storage inventory through a Context.
///
/// Every function reads through `ctx` only. A device that vanishes while it is read is skipped and
/// noted (Inventory::notes); an attribute that cannot be read is left unknown (nullopt).

#include <raidmon/context.hpp>
#include <raidmon/error.hpp>
#include <raidmon/model.hpp>

RAIDMON_API_BEGIN
namespace raidmon {

/// @brief Options for scanInventory().
struct ScanOptions {
    bool probeSignatures = true;  ///< look for RAID/LVM/filesystem signatures (udev db, else libblkid)
    bool crossCheckMdstat = true; ///< compare md sysfs with /proc/mdstat and note disagreements
    bool hardwareRaid = true;     ///< run the RAID controllers' tools (controllers.hpp) through ctx.runner
    bool bmc = true;              ///< ask the local BMC for its LAN address (readBmc(); needs device I/O)
};

/// @brief Hostname, machine-id and DMI identity. Placeholder DMI strings ("To Be Filled By O.E.M.",
/// "Default string", all-zero UUIDs...) are reported as unknown, never as identity.
/// @return the host; never fails (unreadable fields stay nullopt).
Host readHost(const Context& ctx);

/// @brief The local BMC's LAN address, asked in-band through the OpenIPMI device (/dev/ipmi0,
/// opened by the Context's device I/O policy): the first LAN channel (1..11) that reports an IPv4
/// address, else the first that reports a MAC.
/// @return the address; `not_found` when the host has no BMC interface (no /sys/class/ipmi/ipmi0:
/// no BMC, or ipmi_si/ipmi_devintf not loaded) or no LAN channel with an address; `refused` when
/// device I/O is off; `command_timeout` when the BMC does not answer.
Result<Bmc> readBmc(const Context& ctx);

/// @brief Storage controllers on PCI (class 01xx).
/// @return controllers, or io_error if the device source cannot enumerate.
Result<std::vector<Controller>> scanControllers(const Context& ctx);

/// @brief Physical drives: SCSI/SATA/SAS disks, NVMe namespaces, virtio disks. Skips loop, ram,
/// zram, md, dm, optical and NVMe multipath path devices.
/// @param[out] notes receives one line per skipped device.
Result<std::vector<Drive>> scanDrives(const Context& ctx, std::vector<std::string>& notes);

/// @brief SES enclosures from /sys/class/enclosure, slots joined to drives by syspath.
Result<std::vector<Enclosure>> scanEnclosures(const Context& ctx, const std::vector<Drive>& drives,
                                              std::vector<std::string>& notes);

/// @brief PCIe hot-plug slots (/sys/bus/pci/slots) as one enclosure of kind "pcie-slots", drives
/// joined by PCI address. nullopt when the host has no hot-plug slots.
std::optional<Enclosure> scanPciSlots(const Context& ctx, const std::vector<Drive>& drives,
                                      std::vector<std::string>& notes);

/// @brief Linux md arrays from /sys/block/md*/md, members joined to drives.
Result<std::vector<Array>> scanMdArrays(const Context& ctx, const std::vector<Drive>& drives,
                                        std::vector<std::string>& notes);

/// @brief Fill Drive::signatures and Drive::role from the udev database, else libblkid.
void probeSignatures(const Context& ctx, std::vector<Drive>& drives, std::vector<std::string>& notes);

/// @brief Everything above, joined (slot -> Drive::location), with health evaluated.
/// @return the inventory; io_error only if the device source itself cannot be read.
Result<Inventory> scanInventory(const Context& ctx, const ScanOptions& opts = {});

/// @brief The inventory around one drive that `spec` names (a device node, kernel name, serial, WWN
/// or Drive::id, as findDrive() resolves it), read without a full scan: the drive is found by its
/// kernel name, or among the disks whose sysfs identity (VPD 80h serial, wwid, NVMe or virtio
/// serial) `spec` contains; then only its own SES enclosure (the `enclosure_device:` link of its
/// SCSI device), the PCIe hot-plug slots, the md arrays that hold it or its partitions and the
/// controllers are read, joined and evaluated as scanInventory() does, so the drive is the same
/// Drive a full scan gives (notes and the health of the whole cover only what was read). When no
/// disk matches that way (a drive only a RAID controller's tool sees), this is scanInventory().
/// @return the inventory (it may hold no drive `spec` names: the caller's lookup says so); the
///         errors of scanInventory().
Result<Inventory> scanInventoryFor(const Context& ctx, std::string_view spec, const ScanOptions& opts = {});

/// @brief Evaluate health of every entity and of the whole (pure function; no I/O).
void evaluateHealth(Inventory& inv);

/// @brief The stable drive id: "wwn-<wwn>" if a WWN is known, else "<MODEL>_<SERIAL>" (spaces to
/// '_'), else "name-<kernel name>" (not stable; only when nothing else identifies the drive).
std::string makeDriveId(const Drive& d);

} // namespace raidmon
RAIDMON_API_END
