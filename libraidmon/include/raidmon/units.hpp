// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#include <raidmon/export.hpp>

/// @file units.hpp
/// @brief Parsers for the quantities people type on a command line or in a config file: sizes,
/// rates, durations and percentages. Every parser demands an explicit unit, so that "3" is never
/// silently read as bytes, terabytes or hours.

#include <cstdint>
#include <string>
#include <string_view>

#include <raidmon/error.hpp>

RAIDMON_API_BEGIN
namespace raidmon {

/// @brief A size: a non-negative number followed by a unit. SI units (B, kB, KB, MB, GB, TB, PB,
/// powers of 1000, so "3TB" = 3e12 bytes, as disk vendors count) and IEC units (KiB, MiB, GiB, TiB,
/// PiB, powers of 1024). Units are case-sensitive except for the SI "k"/"K".
/// @param[in] text e.g. "3TB", "2.5 TiB", "512B"
/// @return bytes; invalid_argument for a missing or unknown unit, a negative or non-finite number.
/// @brief A size for people, SI with one decimal: "4.0 TB", "512 B" (the inverse of parseSize
/// up to rounding). Never fails.
std::string formatSize(std::uint64_t bytes);

Result<double> parseSize(std::string_view text);

/// @brief A rate: a size per second, "150MB/s", "200000KiB/s" (also accepts "/sec").
/// @return bytes per second (> 0); invalid_argument for a missing "/s", a bad size or a zero rate.
Result<double> parseRate(std::string_view text);

/// @brief A duration: a non-negative number followed by one of s, m, h, d, y (y = 8760 h, the
/// 365-day year used for annualised failure rates).
/// @return hours; invalid_argument for a missing or unknown unit or a negative number.
Result<double> parseDurationHours(std::string_view text);

/// @brief A probability: "1.5%" or a plain fraction "0.015".
/// @return the fraction in [0, 1]; invalid_argument otherwise.
Result<double> parseProbability(std::string_view text);

/// @brief A positive, finite plain number ("1e-14", "39").
/// @return the number; invalid_argument if it is not a finite number > 0.
Result<double> parsePositive(std::string_view text);

} // namespace raidmon
RAIDMON_API_END
