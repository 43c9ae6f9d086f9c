// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#include <raidmon/export.hpp>

/// @file model.hpp
/// @brief The normalised model of a host's storage (DESIGN.md "Normalised model"). Value types only.
///
/// Rule for every field: a value the source does not give is std::nullopt (JSON null or absent),
/// never 0 or an empty string that could be mistaken for a reading.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

RAIDMON_API_BEGIN
namespace raidmon {

/// @brief Health verdict, ordered by severity for "worst of" (Unknown ranks between Warning and
/// Critical for exit codes: monitoring-plugin practice maps it to 3).
enum class Health {
    OK,        ///< nothing wrong is known
    Warning,   ///< degraded redundancy, rebuild running, early failure signs
    Critical,  ///< data at risk now: a failed drive or array, no redundancy left
    Unknown,   ///< the state could not be determined
};

/// @brief The transport a drive speaks.
enum class Protocol { SATA, SAS, NVMe, SCSI, USB, Virtio, Unknown };

/// @brief Spinning or solid-state.
enum class Media { HDD, SSD };

/// @brief A drive's role-independent state (DESIGN.md Drive.state).
enum class DriveState { online, failed, missing, rebuilding, spare, unconfigured, offline, jbod };

/// @brief Where a drive sits.
struct Location {
    std::optional<std::string> controller;  ///< controller id (PCI address for HBAs/NVMe)
    std::optional<std::string> enclosure;   ///< enclosure id (SES enclosure's SCSI address, or "pcie")
    std::optional<int> slot;                ///< slot index within the enclosure
    std::optional<std::string> label;       ///< the bay's label as printed on the chassis, when known
    std::optional<int> megaraidDid;         ///< MegaRAID device id (smartctl -d megaraid,N)
};

/// @brief One ATA SMART attribute (ATA/ATAPI-8 ACS, 'SMART READ DATA' vendor table).
struct SmartAttribute {
    int id = 0;
    std::string name;
    std::optional<int> value;
    std::optional<int> worst;
    std::optional<int> threshold;
    std::optional<std::int64_t> raw;  ///< raw value as the tool interprets it (low 48 bits for most)
    std::optional<std::string> rawString;
    std::optional<std::string> whenFailed;  ///< "now", "past" or nullopt
    std::optional<bool> prefailure;
};

/// @brief NVMe SMART / Health Information log (NVMe Base Spec 2.0, Log Page 02h).
struct NvmeHealth {
    std::optional<int> criticalWarning;          ///< byte 0
    std::optional<int> availableSparePct;        ///< byte 3
    std::optional<int> availableSpareThresholdPct;  ///< byte 4
    std::optional<int> percentageUsed;           ///< byte 5
    std::optional<std::uint64_t> mediaErrors;    ///< bytes 160-175
    std::optional<std::uint64_t> errorLogEntries;  ///< bytes 176-191
    std::optional<std::uint64_t> unsafeShutdowns;  ///< bytes 144-159
};

/// @brief Self-test log summary.
struct SelfTest {
    std::optional<std::string> lastResult;  ///< e.g. "completed without error", "read failure"
    std::optional<int> failedCount;
};

/// @brief Normalised SMART data.
struct Smart {
    std::optional<bool> passed;  ///< overall health self-assessment (ATA RETURN STATUS, SCSI IE, NVMe crit warn)
    std::optional<int> temperatureC;
    std::optional<std::uint64_t> powerOnHours;
    std::optional<std::uint64_t> reallocatedSectors;     ///< ATA 5
    std::optional<std::uint64_t> pendingSectors;         ///< ATA 197
    std::optional<std::uint64_t> offlineUncorrectable;   ///< ATA 198
    std::optional<std::uint64_t> reportedUncorrect;      ///< ATA 187
    std::optional<std::uint64_t> commandTimeouts;        ///< ATA 188
    std::optional<std::uint64_t> crcErrors;              ///< ATA 199
    std::optional<std::uint64_t> grownDefects;           ///< SCSI grown defect list length
    std::optional<std::uint64_t> uncorrectedReadErrors;  ///< SCSI log page 03h
    std::optional<std::uint64_t> uncorrectedWriteErrors; ///< SCSI log page 02h
    std::optional<std::uint64_t> errorLogCount;          ///< ATA SMART error log count
    std::optional<NvmeHealth> nvme;
    std::optional<SelfTest> selfTest;
    std::vector<SmartAttribute> attributes;
    std::optional<std::string> source;  ///< "smartctl-json", "smartctl-text", "nvme-cli", "sg_io", "nvme-ioctl"
    /// smartctl's exit status when the data came from smartctl (smartctl(8) "RETURN VALUES": bit 3
    /// disk failing, bit 4 prefail attribute at/below threshold, bit 6 error log, bit 7 self-test errors).
    std::optional<int> smartctlExitStatus;
    /// Endurance used, percent of the rated life (SCSI Solid State Media log page 11h, or ATA
    /// device statistics); NVMe drives carry it in nvme.percentageUsed.
    std::optional<int> enduranceUsedPct;
};

/// @brief Failure-risk estimate (see docs on risk tables).
struct Risk {
    std::optional<double> afr;         ///< annualised failure rate, fraction (0.015 = 1.5 %)
    std::optional<double> multiplier;  ///< factor over the population baseline
    std::vector<std::string> reasons;  ///< sentences a technician understands
};

/// @brief A filesystem, RAID or partition-table signature found on a drive or one of its partitions.
struct Signature {
    std::string device;               ///< the block device it was found on ("sda" or "sda1")
    std::string type;                 ///< libblkid TYPE: "linux_raid_member", "LVM2_member", "ext4", "gpt", ...
    std::optional<std::string> usage; ///< libblkid USAGE: "raid", "filesystem", "partition_table", ...
    std::optional<std::string> uuid;  ///< for linux_raid_member: the md array UUID
    std::optional<std::string> label;
};

/// @brief What a RAID controller's own tool says about a drive behind it (storcli, MegaCli, ssacli,
/// arcconf, sas*ircu). Counters are the controller's, not the drive's SMART attributes.
struct ControllerDriveInfo {
    std::optional<std::string> state;  ///< the tool's own word: "UBad", "Onln", "Dedicated Hot-Spare", "Ready (RDY)"
    std::optional<std::uint64_t> mediaErrors;         ///< storcli/MegaCli "Media Error Count"; arcconf "Media Failures"
    std::optional<std::uint64_t> otherErrors;         ///< storcli/MegaCli "Other Error Count"
    std::optional<std::uint64_t> predictiveFailures;  ///< storcli/MegaCli "Predictive Failure Count"; arcconf "Predictive Failures"
    std::optional<bool> smartAlert;                   ///< storcli "S.M.A.R.T alert flagged by drive"; arcconf "S.M.A.R.T. warnings" > 0
    std::optional<int> temperatureC;                  ///< as the controller reports it
    std::optional<bool> foreign;                      ///< carries a foreign (another controller's) configuration
    std::optional<std::string> address;  ///< the tool's own address: storcli "/c0/e252/s3", ssacli "1I:1:3", arcconf "0 3" (channel device), sas*ircu "1:0"
    /// The tool's controller id ("megaraid:c0", "smartarray:slot0"): Location::controller becomes the
    /// PCI function's id once the tool's controller is matched to it, the tool still needs its own.
    std::optional<std::string> controller;
};

/// @brief A physical drive.
struct Drive {
    std::string id;  ///< stable identity: "wwn-0x..." else "MODEL_SERIAL"; kernel name only as a last resort
    std::optional<std::string> serial;
    std::optional<std::string> wwn;   ///< "0x5000c500a1b2c3d4" for NAA, "eui.xxx"/"nguid" text for NVMe
    std::optional<std::string> vendor;
    std::optional<std::string> model;
    std::optional<std::string> firmware;
    std::optional<std::uint64_t> capacityBytes;
    std::optional<std::uint32_t> logicalBlockSize;
    std::optional<std::uint32_t> physicalBlockSize;
    Protocol protocol = Protocol::Unknown;
    std::optional<Media> media;
    std::optional<int> rotationRpm;
    std::optional<std::string> devnode;   ///< "/dev/sda"
    std::optional<std::string> kernelName;  ///< "sda", "nvme0n1" (reused by replacements!)
    std::optional<std::string> sysPath;   ///< the block device's syspath
    Location location;
    std::optional<DriveState> state;
    Health health = Health::Unknown;
    std::optional<bool> failurePredicted;
    std::optional<Smart> smart;
    std::optional<Risk> risk;
    std::vector<Signature> signatures;
    std::optional<std::string> role;  ///< "md-member", "lvm-pv", "filesystem", "partitioned", "unused", "hw-raid-member"
    /// Kernel devices built on this drive or one of its partitions (sysfs `holders`: "md127",
    /// "dm-3"): it is in use, whatever its signatures say.
    std::vector<std::string> holders;
    std::vector<std::string> reasons; ///< why health is what it is
    std::optional<ControllerDriveInfo> controllerView;  ///< set for drives seen through a RAID controller's tool
    std::optional<std::uint32_t> nvmeNamespace;  ///< NVMe namespace id (nsid); several share one serial
    /// The kernel shows the disk but udev has not finished its rules for it yet (they may still
    /// claim it: an old array assembled from its superblock): not judged as a replacement until
    /// udev is done. Runtime state of one scan, not serialised.
    bool udevPending = false;
};

/// @brief A member of an array.
struct ArrayMember {
    std::optional<std::string> drive;   ///< Drive::id, nullopt for a missing member
    std::optional<std::string> device;  ///< the kernel block device that is the member ("sda1"), when known
    std::string role;                   ///< active|spare|faulty|missing|rebuilding|replacement
    std::optional<int> slot;            ///< position in the array, nullopt for spares
    std::vector<std::string> flags;     ///< raw flags: md state words ("in_sync", "write_mostly", "failfast"...)
    std::optional<std::uint64_t> errors;  ///< md's corrected read error count for the member
};

/// @brief A long-running array operation.
struct ArrayOperation {
    std::string kind;                   ///< recovery|resync|check|repair|reshape|rebuild|build-verify|copyback
    std::optional<double> percent;
    std::optional<std::uint64_t> etaSeconds;
    std::optional<std::uint64_t> speedKiBs;  ///< current speed in KiB/s
    std::optional<std::uint64_t> done;       ///< sectors done, md sync_completed numerator
    std::optional<std::uint64_t> total;      ///< sectors total
    bool delayed = false;                    ///< md "resync=DELAYED"/"PENDING"
};

/// @brief A RAID array (md or hardware).
struct Array {
    std::string id;     ///< "md-<uuid>" for md (stable), controller-scoped id for hardware
    std::string name;   ///< "md0", "VD 1"
    std::string kind;   ///< md|megaraid|smartarray|adaptec|mpt-ir
    std::optional<std::string> level;  ///< raid0|raid1|raid4|raid5|raid6|raid10|raid50|raid60|linear|container|...
    std::optional<std::uint64_t> sizeBytes;
    std::string state;  ///< optimal|degraded|rebuilding|failed|inactive|resyncing|checking|reshaping
    std::optional<int> raidDisks;
    std::optional<int> activeDisks;
    std::optional<int> redundancyLeft;
    std::vector<ArrayMember> members;
    std::optional<ArrayOperation> operation;
    std::optional<std::string> uuid;
    std::optional<std::string> metadata;   ///< md metadata_version ("1.2", "0.90", "external:ddf")
    std::optional<std::string> arrayState; ///< md array_state raw word ("clean", "active", "read-auto", ...)
    std::optional<std::string> devnode;
    std::optional<std::string> controller;  ///< hardware arrays: controller id
    Health health = Health::Unknown;
    std::vector<std::string> reasons;
};

/// @brief A storage controller (PCI class 01xx) or a RAID controller seen through its tool.
struct Controller {
    std::string id;  ///< PCI address "0000:3b:00.0", or "<kind>:<n>" from a vendor tool
    std::string kind;  ///< ahci|sas-hba|megaraid|smartarray|adaptec|mpt-ir|nvme|virtio|scsi|ide|raid|other
    std::optional<std::string> model;
    std::optional<std::string> vendor;
    std::optional<std::string> firmware;
    std::optional<std::string> driver;
    std::optional<std::string> pciAddress;
    std::optional<std::string> pciId;   ///< "1000:0097"
    std::optional<std::string> pciClass;  ///< "0x010700"
    std::optional<std::string> pciSubsystem;  ///< subsystem vendor:device, "15d9:0808" (the board maker's ids)
    std::optional<std::string> serial;
    std::optional<std::string> status;
    std::optional<std::string> batteryStatus;
    std::optional<std::string> cacheStatus;
    /// The controller chip's temperature as its tool reports it (ssacli "Controller Temperature (C)",
    /// arcconf "Temperature : 57 C/ 134 F"), whole degrees Celsius.
    std::optional<int> temperatureC;
    Health health = Health::Unknown;
    std::vector<std::string> reasons;
};

/// @brief One bay of an enclosure.
struct Slot {
    int index = 0;
    std::optional<std::string> label;
    std::optional<std::string> status;  ///< SES element status ("OK", "not installed", "Critical", ...) or "occupied"/"empty"
    std::optional<bool> locate;
    std::optional<bool> fault;
    std::optional<bool> active;
    std::optional<bool> power;
    std::optional<std::string> drive;   ///< Drive::id of the drive in it
    std::optional<std::string> device;  ///< kernel name of the drive in it ("sdc")
    std::optional<std::string> sysPath; ///< sysfs directory of the slot (component or PCI slot)
    std::optional<std::string> pciAddress;  ///< PCIe slots: the function in the slot
    std::optional<int> attention;       ///< PCIe slots: the attention indicator value
};

/// @brief An enclosure: an SES backplane, or the PCIe hot-plug slots of the host ("pcie").
struct Enclosure {
    std::string id;     ///< SES: the enclosure's logical id ("0x500605b0..."), else its SCSI address; "pcie"
    std::string kind;   ///< ses|pcie-slots
    std::optional<std::string> vendor;
    std::optional<std::string> product;
    std::optional<std::string> revision;
    std::optional<std::string> scsiAddress;  ///< "0:0:12:0"
    std::optional<std::string> sysPath;
    std::optional<int> components;
    std::vector<Slot> slots;
    Health health = Health::Unknown;
    std::vector<std::string> reasons;
};

/// @brief DMI identity (SMBIOS type 1/2/3).
struct Dmi {
    std::optional<std::string> sysVendor;
    std::optional<std::string> productName;
    std::optional<std::string> productSerial;
    std::optional<std::string> boardSerial;
    std::optional<std::string> chassisAssetTag;
    std::optional<std::string> uuid;
};

/// @brief The BMC's LAN address, when read in-band (readBmc()).
struct Bmc {
    std::optional<std::string> ip;   ///< IPv4, "10.20.1.142"
    std::optional<std::string> mac;  ///< "0c:c4:7a:3e:91:10"
    std::optional<int> channel;      ///< the IPMI LAN channel they were read from
};

/// @brief The host's identity.
struct Host {
    std::optional<std::string> hostname;
    std::optional<std::string> machineId;
    Dmi dmi;
    Bmc bmc;
};

/// @brief Everything a scan found.
struct Inventory {
    Host host;
    std::vector<Controller> controllers;
    std::vector<Enclosure> enclosures;
    std::vector<Drive> drives;
    std::vector<Array> arrays;
    std::vector<std::string> notes;  ///< things skipped or inconsistent, for a person to read
    Health health = Health::Unknown;
    std::vector<std::string> reasons;  ///< why the overall health is what it is
};

/// @brief "OK", "Warning", "Critical", "Unknown".
std::string_view toString(Health h) noexcept;
/// @brief "SATA", "SAS", "NVMe", "SCSI", "USB", "virtio", "unknown".
std::string_view toString(Protocol p) noexcept;
/// @brief "HDD", "SSD".
std::string_view toString(Media m) noexcept;
/// @brief "online", "failed", ...
std::string_view toString(DriveState s) noexcept;

/// @brief The more severe of two verdicts (Critical > Unknown > Warning > OK).
Health worse(Health a, Health b) noexcept;

/// @brief Monitoring-plugin exit code: 0 OK, 1 Warning, 2 Critical, 3 Unknown.
int exitCode(Health h) noexcept;

} // namespace raidmon
RAIDMON_API_END
