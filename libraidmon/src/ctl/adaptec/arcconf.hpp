// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// arcconf GETCONFIG/GETSTATUS text mapped into the model, for a given controller number.

#include <string_view>

#include <raidmon/decode.hpp>

namespace raidmon::detail::arcconf {

/// Confidence that `text` is arcconf output (0..100).
int detectArcconfText(std::string_view text);

/// Decode arcconf output taken with controller number `controller` (arcconf counts from 1).
/// GETCONFIG and GETSTATUS output may be concatenated: tasks are attached to their logical device.
/// @return parse_error naming the line, or when the closing "Command completed" line is missing.
Result<Capture> decode(std::string_view text, int controller);

} // namespace raidmon::detail::arcconf
