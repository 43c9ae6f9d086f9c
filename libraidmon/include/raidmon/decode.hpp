// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

/// @file decode.hpp
/// @brief Decoding captured tool output (smartctl, nvme-cli, storcli, ssacli, arcconf, sas*ircu,
/// mdadm, /proc/mdstat, ...) into the model: for support bundles, offline analysis and tests.

#include <raidmon/export.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <raidmon/error.hpp>
#include <raidmon/model.hpp>

RAIDMON_API_BEGIN
namespace raidmon {

/// @brief What one capture decoded into. Which vectors are filled depends on the format.
struct Capture {
    std::string format;  ///< the decoder that was used, e.g. "mdstat", "smartctl-json"
    std::vector<Controller> controllers;
    std::vector<Enclosure> enclosures;
    std::vector<Drive> drives;
    std::vector<Array> arrays;
    std::vector<std::string> notes;  ///< tolerated oddities (unknown fields, skipped lines)
    /// Sections, keys or lines the decoder does not know and skipped (never fatal); `notes` names
    /// the first of them. A tool version with more to say than raidmon reads shows up here.
    std::size_t skipped = 0;
};

/// @brief Names of every format decode() understands, in detection order.
std::vector<std::string> decodeFormats();

/// @brief Guess the format of a capture from its content.
/// @return the format name, or parse_error ("not a capture raidmon knows") if nothing matches.
Result<std::string> detectFormat(std::string_view text);

/// @brief Decode a capture.
/// @param[in] text the captured output (untrusted bytes)
/// @param[in] format a name from decodeFormats(), or "auto" to detect
/// @return the decoded model; invalid_argument for an unknown format name; parse_error with the
///         line or field that could not be understood (truncated input included).
Result<Capture> decode(std::string_view text, std::string_view format = "auto");

/// @brief Render a Capture as JSON (indent < 0: one line).
std::string toJson(const Capture& c, int indent = 2);

} // namespace raidmon
RAIDMON_API_END
