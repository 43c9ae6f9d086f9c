// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#define RAIDMON_VERSION_MAJOR 0
#define RAIDMON_VERSION_MINOR 1
#define RAIDMON_VERSION_PATCH 0

namespace raidmon {
/// @brief The library's version, "MAJOR.MINOR.PATCH".
inline constexpr const char* kVersion = "0.1.0";
} // namespace raidmon
