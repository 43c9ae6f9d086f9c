// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// storcli/storcli64/perccli64 output (JSON with "J", or the plain text layout) mapped into the model.
// Both layouts are first brought into one tree per controller (section name -> object or table),
// so there is one mapping for both, and the backend can join several commands' trees before mapping.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <raidmon/decode.hpp>

#include "core/json_model.hpp"

namespace raidmon::detail::storcli {

/// One controller's part of a storcli answer.
struct ControllerTree {
    int index = -1;             ///< "Controller" in Command Status (-1 if storcli did not say)
    Json status;                ///< the "Command Status" object
    std::map<std::string, Json, std::less<>> sections;  ///< every named object/table of "Response Data", flattened
    Json scalars = Json::object();  ///< scalar fields directly under "Response Data"
};

/// Where the JSON document starts and ends in a capture that may carry warnings or a shell prompt
/// before it and text after it: [first, last) byte offsets, or nullopt if no line opens with '{'.
std::optional<std::pair<std::size_t, std::size_t>> jsonPayload(std::string_view text);

/// Parse storcli JSON output ({"Controllers":[...]}), skipping text before and after the document.
/// @return the controllers, or parse_error naming the JSON error position or the missing field.
Result<std::vector<ControllerTree>> parseJson(std::string_view text);

/// Parse storcli's plain-text layout into the same trees.
Result<std::vector<ControllerTree>> parseText(std::string_view text);

/// Join trees of several commands that describe the same controllers (same index).
void mergeTrees(std::vector<ControllerTree>& into, std::vector<ControllerTree> more);

/// "Failure" in a controller's Command Status, with storcli's description and detailed messages.
struct Failure {
    std::string description;
    std::vector<std::string> details;  ///< "ErrMsg" of each "Detailed Status" row
};
/// The failure a tree reports, if any.
std::optional<Failure> failureOf(const ControllerTree& t);

/// Map trees into the model (controllers, virtual drives, physical drives, enclosures, foreign
/// configurations). A controller whose Command Status is "Failure" without data becomes a note.
Capture toCapture(const std::vector<ControllerTree>& trees);

} // namespace raidmon::detail::storcli
