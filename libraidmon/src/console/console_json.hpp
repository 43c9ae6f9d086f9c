// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// A console device as a JSON value: for toJson() and for the identity block of every event.
#include <chrono>
#include <string>

#include <raidmon/console.hpp>

#include "core/json_model.hpp"

namespace raidmon::detail {

Json consoleJson(const ConsoleDevice& d);

/// A time as RFC 3339 UTC to the second ("2026-12-06T03:04:05Z"): the identity card, SEL entries.
std::string utcSeconds(std::chrono::system_clock::time_point t);

} // namespace raidmon::detail
