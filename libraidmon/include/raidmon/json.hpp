// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#include <raidmon/export.hpp>

/// @file json.hpp
/// @brief JSON rendering of the model, with the field names of DESIGN.md.

#include <string>

#include <raidmon/model.hpp>

RAIDMON_API_BEGIN
namespace raidmon {

/// @brief The version of the JSON documents' layout (`format_version` in each document: status,
/// plan, predict, safe-to-remove, smart, decode, locate, identify, leds, hotswap, the error
/// document of `raidmon --json`), whose JSON Schemas are docs/schema/*.schema.json. A field added keeps it; a field removed, renamed or retyped raises it.
inline constexpr int kJsonFormatVersion = 1;

/// @brief Render as JSON. indent < 0: one line; otherwise pretty-printed with that indent.
std::string toJson(const Inventory& inv, int indent = 2);
std::string toJson(const Drive& d, int indent = 2);
std::string toJson(const Array& a, int indent = 2);
std::string toJson(const Host& h, int indent = 2);

/// @brief A JSON object as a document of its own: `{"format_version": kJsonFormatVersion, ...its
/// members}` (`raidmon smart --json` is a drive's toJson() as a document). indent as toJson().
/// Errors: throws std::invalid_argument when `objectJson` is not a JSON object.
std::string asDocument(const std::string& objectJson, int indent = 2);

} // namespace raidmon
RAIDMON_API_END
