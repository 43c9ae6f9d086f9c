// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#include <raidmon/export.hpp>

/// @file smart.hpp
/// @brief Drive health from SMART: reading it (smartctl or native SG_IO / NVMe admin commands),
/// and judging it (health verdict, failure prediction and a failure-risk estimate).
///
/// The judgement is a pure function over raidmon::Smart; its tables and their sources are listed in
/// docs/smart.md. Captured smartctl/nvme-cli output is decoded through decode.hpp (formats
/// "smartctl-json", "smartctl-text", "nvme-cli-smart-log").

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <raidmon/context.hpp>
#include <raidmon/error.hpp>
#include <raidmon/model.hpp>

RAIDMON_API_BEGIN
namespace raidmon {

/// @brief The bits of smartctl's exit status (smartctl(8), "RETURN VALUES").
enum SmartctlExitBit : int {
    smartctlBadCommandLine = 1 << 0,     ///< command line did not parse
    smartctlOpenFailed = 1 << 1,         ///< device open failed, or device did not return IDENTIFY
    smartctlCommandFailed = 1 << 2,      ///< some SMART or other ATA command failed, or a checksum error
    smartctlDiskFailing = 1 << 3,        ///< SMART status check returned "DISK FAILING"
    smartctlPrefailBelow = 1 << 4,       ///< prefail attributes at or below threshold now
    smartctlPastBelow = 1 << 5,          ///< some attributes were at or below threshold in the past
    smartctlErrorLog = 1 << 6,           ///< the device error log contains records of errors
    smartctlSelfTestErrors = 1 << 7,     ///< the self-test log contains records of errors
};

/// @brief One sentence per bit set in a smartctl exit status, for a person.
std::vector<std::string> describeSmartctlExit(int exitStatus);

/// @brief The verdict over one drive's SMART data.
struct SmartAssessment {
    Health health = Health::Unknown;   ///< OK, Warning, Critical; Unknown when there is no SMART data
    bool failurePredicted = false;     ///< the drive itself, or a strong field signal, predicts failure
    Risk risk;                         ///< AFR estimate, multiplier over the baseline, reasons
    std::vector<std::string> reasons;  ///< why health is not OK (a subset of risk.reasons plus verdicts)
};

/// @brief Judge SMART data (pure; no I/O).
/// @param[in] smart the normalised SMART data
/// @param[in] media HDD or SSD when known: picks the baseline failure rate
/// @return the assessment; never fails. Health is Unknown if `smart` carries no health evidence.
SmartAssessment assessSmart(const Smart& smart, std::optional<Media> media);

/// @brief assessSmart() on drive.smart, merged into the drive: health becomes the worse of the
/// drive's current health and the SMART verdict, failure_predicted and risk are set, reasons are
/// appended. A drive without SMART data is left unchanged.
void applySmartAssessment(Drive& drive);

/// @brief How to read SMART.
enum class SmartVia {
    automatic,  ///< native ioctls first; smartctl if the native path is unsupported for this drive
    native,     ///< only NVMe admin commands / SG_IO through the device node
    smartctl,   ///< only `smartctl -x -j` through the Context's CommandRunner
};

/// @brief Options for readSmart().
struct SmartOptions {
    SmartVia via = SmartVia::automatic;
    /// smartctl's -d TYPE ("sat", "scsi", "nvme", "megaraid,N", "cciss,N", ...); empty: chosen from
    /// the drive (smartctlDeviceType()).
    std::string deviceType;
    /// Time limit for one smartctl run. smartctl -x on a drive that must spin up takes ~10 s.
    std::chrono::milliseconds timeout = std::chrono::seconds(60);
    /// Never spin up a sleeping disk: spinning drives (not NVMe, not known SSDs) are read through
    /// smartctl with `-n standby`, which checks the power mode first (ATA CHECK POWER MODE, SCSI
    /// REQUEST SENSE) and does nothing if the drive is in standby; readSmart() then fails with
    /// errc::refused. The native path has no power-mode check, so it is not used for them.
    bool skipIfStandby = false;
};

/// smartctl's exit status when `-n standby,N` skipped a sleeping drive (chosen: 255 is not a
/// combination of smartctl's bits that a real reading produces, bit 0 "command line did not
/// parse" never comes with the others).
inline constexpr int kSmartctlStandbyExit = 255;

/// @brief The smartctl -d type raidmon would use for a drive: "megaraid,N" when the drive sits
/// behind a MegaRAID controller (Location::megaraidDid), "nvme" for NVMe, "sat" for SATA and USB,
/// "scsi" for SAS/SCSI; empty (let smartctl decide) otherwise.
std::string smartctlDeviceType(const Drive& drive);

/// @brief The argv raidmon runs: smartctl -x -j [-d TYPE] DEVNODE.
/// @return the argv, or invalid_argument if the drive has no device node or the type contains
///         characters smartctl types never have.
Result<std::vector<std::string>> smartctlCommand(const Drive& drive, std::string_view deviceType);

/// @brief Read SMART data of one drive and judge it.
/// @param[in] ctx the seams: CommandRunner for smartctl, Paths/DeviceIo for device nodes
/// @param[in] drive the drive as the inventory found it (devnode, sysPath, protocol)
/// @param[in] opts how to read
/// @return the drive with smart, health, failure_predicted and risk filled. Errors:
///         not_found (smartctl is not installed), command_timeout, command_failed (smartctl could
///         not open or query the device: its message is quoted), parse_error (its output was not
///         understood), unsupported (no native reader for this drive's protocol, or the device
///         does not support the command), refused (device I/O is off, or the node is outside the
///         Context's /dev), device_gone, permission_denied, io_error, invalid_argument.
Result<Drive> readSmart(const Context& ctx, const Drive& drive, const SmartOptions& opts = {});

/// @brief The smartctl path of readSmart() alone. Errors as readSmart().
Result<Drive> readSmartWithSmartctl(const Context& ctx, const Drive& drive, const SmartOptions& opts = {});

/// @brief The native path of readSmart() alone: NVMe SMART/Health log and Identify Controller
/// through NVME_IOCTL_ADMIN_CMD on the controller's character device; SCSI log pages (0Dh, 02h,
/// 03h, 10h, 2Fh, 11h) and READ DEFECT DATA through SG_IO; SATA through SAT ATA PASS-THROUGH
/// (SMART READ DATA, READ THRESHOLDS, RETURN STATUS). Every node is opened read-only through the
/// Context's device-node guard. Errors as readSmart().
Result<Drive> readSmartNative(const Context& ctx, const Drive& drive);

} // namespace raidmon
RAIDMON_API_END
