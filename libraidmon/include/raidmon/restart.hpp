// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#include <raidmon/export.hpp>

/// @file restart.hpp
/// @brief Restart forensics from the local BMC (IPMI 2.0 over OpenIPMI, /dev/ipmi0): why the
/// system last restarted (Get System Restart Cause) and the System Event Log entries around it,
/// so "we reset A" and "B just came back from a chassis-control reset" meet in a panel.

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <raidmon/context.hpp>
#include <raidmon/error.hpp>

RAIDMON_API_BEGIN
namespace raidmon {

/// @brief Get System Restart Cause (NetFn Chassis 00h, command 07h), decoded.
struct RestartCause {
    std::uint8_t code = 0;        ///< the restart cause, bits 3:0 of response byte 2 (IPMI 2.0 table 28-11)
    std::string_view name;        ///< "unknown", "chassis_control", "reset_button", "power_button", "watchdog",
                                  ///< "oem", "ac_always_restore", "ac_restore_previous", "pef_reset",
                                  ///< "pef_power_cycle", "soft_reset", "rtc_wakeup", "reserved"
    std::string_view meaning;     ///< the specification's words
    std::optional<std::uint8_t> channel;  ///< the channel the restart command came through (byte 3)
};

/// @brief Decode a Get System Restart Cause response (completion code first).
/// @return the cause; command_failed for a non-zero completion code, parse_error for fewer than
///         2 bytes. A reserved code (0Ch..0Fh) is decoded as "reserved", never guessed.
Result<RestartCause> decodeRestartCause(std::span<const std::uint8_t> response);

/// @brief One System Event Log record (IPMI 2.0 section 32), decoded.
struct SelEntry {
    std::uint16_t recordId = 0;
    std::uint8_t recordType = 0;  ///< 02h system event; C0h..DFh OEM timestamped; E0h..FFh OEM
    std::optional<std::chrono::system_clock::time_point> time;  ///< absent for non-timestamped OEM records
    bool timeIsPreInit = false;   ///< a timestamp of 00000000h..20000000h: seconds since the BMC's init, not a date
    std::uint16_t generatorId = 0;
    std::uint8_t sensorType = 0;
    std::uint8_t sensorNumber = 0;
    bool deassertion = false;
    std::uint8_t eventType = 0;   ///< event/reading type code (6Fh sensor-specific)
    std::array<std::uint8_t, 3> eventData{};
    std::string description;      ///< "System Boot/Restart Initiated: initiated by hard reset", ...
};

/// @brief Decode a 16-byte SEL record.
/// @return the entry; parse_error for a record that is not 16 bytes.
Result<SelEntry> decodeSelRecord(std::span<const std::uint8_t> record);

/// @brief The sensor type's name (IPMI 2.0 table 42-3), "sensor type 0xNN" for one not named here.
std::string sensorTypeName(std::uint8_t sensorType);

/// @brief Ask the local BMC why the system last restarted.
/// @return the cause; not_found without a BMC interface, command_failed / command_timeout from
///         the BMC, refused when device I/O is off.
Result<RestartCause> readRestartCause(const Context& ctx);

/// @brief The newest `maxEntries` SEL entries (Reserve SEL, then Get SEL Entry from the first
/// record, following each record's "next record ID" up to FFFFh; at most 4096 records are walked).
/// @return the entries, oldest first; errors as readRestartCause().
Result<std::vector<SelEntry>> readSel(const Context& ctx, std::size_t maxEntries = 32);

/// @brief The entries whose timestamp is within `window` of `t` (pre-init timestamps and
/// untimestamped ones are kept only when `keepUntimed`).
std::vector<SelEntry> selAround(const std::vector<SelEntry>& sel, std::chrono::system_clock::time_point t,
                                std::chrono::seconds window, bool keepUntimed = false);

/// @brief toJson of one entry (record_id, record_type, time (RFC 3339 or null), generator_id,
/// sensor_type, sensor_type_name, sensor_number, direction, event_type, event_data (hex),
/// description).
std::string toJson(const SelEntry& e, int indent = -1);

/// @brief toJson of a restart cause (code, name, meaning, channel).
std::string toJson(const RestartCause& c, int indent = -1);

} // namespace raidmon
RAIDMON_API_END
