// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
/// @file operations.hpp
/// @brief What `raidmon smart`, `raidmon identify` and `raidmon hotswap` do, as calls shared by
/// the two bindings (the C API in bindings/c and the Python module in bindings/python), over the
/// public C++ API. Private: compiled into each binding with hidden visibility, never exported.
/// Error messages are the lines the CLI prints (without "raidmon: ").
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <raidmon/context.hpp>
#include <raidmon/error.hpp>
#include <raidmon/hotswap.hpp>
#include <raidmon/model.hpp>
#include <raidmon/smart.hpp>

namespace raidmon::bindings {

/// @brief `raidmon smart DRIVE`'s settings.
struct SmartRequest {
    std::string drive;             ///< device node, kernel name, serial, WWN, "wwn-..." or drive id
    std::string via = "auto";      ///< native, smartctl or auto
    std::string deviceType;        ///< smartctl -d TYPE; empty: chosen from the drive
    long long timeoutSeconds = 60; ///< time limit for smartctl
};

/// @brief Scan (without signature probes), find the drive as `raidmon smart` does and read its SMART.
/// @return the drive with SMART, health and risk; invalid_argument for a bad --via or --timeout,
///         not_found for a drive that matches nothing, the errors of scanInventory() and readSmart().
Result<Drive> readDriveSmart(const Context& ctx, const SmartRequest& req);

/// @brief What `raidmon smart DRIVE --json` prints (without the final newline).
std::string smartJson(const Drive& drive);

/// @brief The answer of `raidmon identify on|off`.
struct IdentifyResult {
    bool on = false;
    std::vector<std::string> notes;     ///< what was done ("not verified"): the JSON's "notes"
    std::vector<std::string> warnings;  ///< old leases that could not be expired (the CLI's stderr)
};

/// @brief `raidmon identify on|off [--for DURATION]`: expire old leases, then set the server's
/// identify light. duration: none for the default (30 min).
/// @return the result; invalid_argument for a duration over 31 days; the errors of setServerIdentify().
Result<IdentifyResult> identify(const Context& ctx, const std::filesystem::path& stateDir, bool on,
                                std::optional<std::chrono::seconds> duration, const std::string& reason);

/// @brief What `raidmon identify on|off --json` prints (without the final newline).
std::string identifyJson(const IdentifyResult& r);

/// @brief `raidmon hotswap --list --json` (without the final newline).
std::string incidentsJson(const std::vector<Incident>& incidents);

/// @brief A work order as `raidmon hotswap DRIVE --no-follow` obtains it.
struct HotswapAnswer {
    Incident incident;
    std::string incidentJson;   ///< the incident as the agent (or the library) rendered it
    std::string workOrderJson;  ///< the work order as JSON
    std::string text;           ///< the work order as plain text (toText)
    std::string svg;            ///< the bays with the target marked (toSvg)
    bool agent = false;         ///< true: from raidmond; false: computed from a scan now (nothing follows)
    /// false: computed without raidmond for an incident nobody recorded (its id exists nowhere):
    /// incidentJson is "null", and the bindings give no incident (C: NULL, Python: None).
    bool recorded = true;
};

/// @brief What `raidmon hotswap DRIVE --json --no-follow` prints (without the final newline).
std::string hotswapJson(const HotswapAnswer& a);

/// @brief `raidmon hotswap DRIVE --no-follow`: the open incident of the drive, opened by the agent
/// if there is none; without a reachable agent the work order computed from a scan of ctx's host
/// and the state directory's incidents (nothing is saved then, and `agent` is false).
Result<HotswapAnswer> hotswapWorkOrder(const Context& ctx, const std::filesystem::path& stateDir,
                                       const std::filesystem::path& socket, std::string_view drive);

/// @brief `raidmon hotswap WHAT --confirm` / `--cancel [--reason R]`: WHAT is an incident id (or its
/// first 8 characters) or its drive's id, serial or kernel name; it must be open.
/// @return the work order after the change; not_found when no open incident matches, the agent's errors.
Result<HotswapAnswer> hotswapConfirm(const std::filesystem::path& socket, std::string_view what);
Result<HotswapAnswer> hotswapCancel(const std::filesystem::path& socket, std::string_view what, const std::string& reason);

} // namespace raidmon::bindings
