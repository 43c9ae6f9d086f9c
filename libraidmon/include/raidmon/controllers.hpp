// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#include <raidmon/export.hpp>

/// @file controllers.hpp
/// @brief Hardware RAID controllers read and driven through their vendor tools: Broadcom MegaRAID and
/// Dell PERC (storcli64/storcli/perccli64), HPE Smart Array (ssacli/hpssacli/hpacucli), Adaptec /
/// Microchip (arcconf) and LSI Integrated RAID (sas3ircu/sas2ircu).
///
/// Every tool runs through Context::runner with a time limit; nothing here opens a device or a
/// file. A tool that is not installed is reported as not_found (scanHardwareRaid turns that into a
/// note). Actions that change a controller's configuration run only when the caller's ActionPolicy
/// allows destructive actions, and every action is verified by reading the drive back.

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

/// @brief What the vendor tools said, in the model. Drive ids follow makeDriveId(); drives without
/// an identity of their own get "<controller>/e<E>/s<S>".
struct ControllerReport {
    std::vector<Controller> controllers;
    std::vector<Enclosure> enclosures;
    std::vector<Drive> drives;
    std::vector<Array> arrays;
    std::vector<std::string> notes;  ///< tools not installed, partial answers, tool failures
};

/// @brief Options of the controller backends.
struct HwRaidOptions {
    /// Time limit per tool invocation. storcli "show all" on a controller with many drives takes
    /// seconds; a minute bounds a hung tool without cutting a slow one.
    std::chrono::milliseconds timeout{std::chrono::seconds(60)};
    /// How long arcconf IDENTIFY blinks (arcconf needs a duration to return without a key press).
    std::chrono::seconds adaptecIdentifyFor{std::chrono::hours(1)};
};

/// @brief MegaRAID/PERC through storcli64/storcli/perccli64 (PATH, then /opt/MegaRAID/storcli,
/// /opt/MegaRAID/perccli, /opt/lsi/storcli): "/call show all J", "/call/eall/sall show all J",
/// "/call/fall show all J" (foreign configurations), and "show rebuild" for rebuilding drives.
/// @return the report; not_found if no tool is installed; command_timeout; command_failed if the
///         tool exits non-zero without JSON or its Command Status is "Failure" with no data;
///         parse_error naming the command and the place when its output is not storcli JSON.
Result<ControllerReport> scanMegaraid(const Context& ctx, const HwRaidOptions& opts = {});

/// @brief Smart Array through ssacli/hpssacli/hpacucli ("ctrl all show config detail").
/// @return as scanMegaraid().
Result<ControllerReport> scanSmartArray(const Context& ctx, const HwRaidOptions& opts = {});

/// @brief Adaptec through arcconf ("GETCONFIG n AL" and "GETSTATUS n" for each controller n).
/// @return as scanMegaraid().
Result<ControllerReport> scanAdaptec(const Context& ctx, const HwRaidOptions& opts = {});

/// @brief LSI IR through sas3ircu/sas2ircu ("LIST", then "n DISPLAY" for each adapter).
/// @return as scanMegaraid().
Result<ControllerReport> scanMptIr(const Context& ctx, const HwRaidOptions& opts = {});

/// @brief All four; a tool that is missing or fails becomes a note, never an error.
/// @return the merged report (never fails; invalid_argument only if ctx has no runner).
Result<ControllerReport> scanHardwareRaid(const Context& ctx, const HwRaidOptions& opts = {});

/// @brief How smartctl reaches a drive hidden behind a RAID controller.
struct SmartctlTarget {
    std::string driveId;                ///< Drive::id in the report
    std::optional<std::string> device;  ///< "/dev/bus/0" (from smartctl --scan), when known
    std::string type;                   ///< smartctl -d argument: "megaraid,34", "cciss,2"
    std::optional<std::string> enclosure;
    std::optional<int> slot;
    std::optional<std::string> serial;
};

/// @brief The smartctl -d argument of every drive behind MegaRAID (device id, DID) and Smart Array
/// (the drive's index in the controller's physical-drive list, as smartctl's cciss,N expects).
std::vector<SmartctlTarget> smartctlTargets(const ControllerReport& report);

/// @brief Join `smartctl --scan -j` output (entries "type": "megaraid,N") to the report: which
/// enclosure, slot and serial each megaraid,N is. Entries whose N matches no drive are skipped.
/// @return the targets; parse_error naming the JSON position or the entry that is malformed.
Result<std::vector<SmartctlTarget>> joinSmartctlScan(std::string_view scanJson, const ControllerReport& report);

/// @brief A drive as its controller's tool addresses it.
struct DriveAddress {
    std::string kind;        ///< megaraid | smartarray | adaptec
    std::string controller;  ///< Controller::id of the tool's report ("megaraid:c0", "smartarray:slot0", "adaptec:c1")
    std::string address;     ///< ControllerDriveInfo::address ("/c0/e252/s3", "1I:1:3", "0 3")
    std::optional<std::string> expectedSerial;  ///< refuse to act if the drive there has another serial
};

/// @brief The address of a drive from a report (nullopt if the drive is not behind a supported tool).
std::optional<DriveAddress> addressOf(const Drive& drive);

/// @brief Controller actions. Only the locate LED is non-destructive.
enum class ControllerAction {
    locateOn,      ///< light the drive's locate LED (storcli start locate, ssacli led=on, arcconf IDENTIFY)
    locateOff,     ///< turn it off
    setGood,       ///< DESTRUCTIVE. MegaRAID: unconfigured-bad -> unconfigured-good ("set good")
    setOffline,    ///< DESTRUCTIVE. MegaRAID: take a member offline before pulling it ("set offline")
    setMissing,    ///< DESTRUCTIVE. MegaRAID: mark an offline member missing ("set missing")
    startRebuild,  ///< DESTRUCTIVE. MegaRAID: rebuild onto the drive ("start rebuild")
    makeHotSpare,  ///< DESTRUCTIVE. MegaRAID: global hot spare ("add hotsparedrive"), which starts a rebuild of a degraded VD
};

/// @brief True for every action but the locate LED.
bool isDestructive(ControllerAction a) noexcept;

/// @brief What the caller allows. Default: nothing destructive.
struct ActionPolicy {
    bool allowDestructive = false;
};

/// @brief The drive before and after, and the commands that ran.
struct ActionResult {
    Drive before;
    Drive after;
    std::vector<std::string> commands;
};

/// @brief Run an action on one drive and verify it by reading the drive back.
/// @return the result; refused if the action is destructive and the policy does not allow it, or
///         if the drive at the address has another serial than expected; unsupported for an action
///         the vendor tool has no command for here; not_found if the tool is missing or no drive is
///         at the address; command_timeout; command_failed if the tool reports failure (exit status
///         or its own status) or the drive reads back in the wrong state; parse_error if the tool
///         printed something that is not its format.
Result<ActionResult> runControllerAction(const Context& ctx, const DriveAddress& drive, ControllerAction action,
                                         const ActionPolicy& policy = {}, const HwRaidOptions& opts = {});

} // namespace raidmon
RAIDMON_API_END
