// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Helpers shared by the SMART decoders and readers.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <raidmon/model.hpp>

namespace raidmon::detail {

/// ATA SMART attribute ids that raidmon normalises (ids as smartmontools' drivedb names them;
/// the meaning of 5/187/188/197/198 is also Backblaze's "five SMART stats").
namespace ataattr {
inline constexpr int reallocatedSectors = 5;
inline constexpr int powerOnHours = 9;
inline constexpr int reportedUncorrect = 187;
inline constexpr int commandTimeout = 188;
inline constexpr int airflowTemperature = 190;
inline constexpr int temperature = 194;
inline constexpr int pendingSectors = 197;
inline constexpr int offlineUncorrectable = 198;
inline constexpr int crcErrors = 199;
} // namespace ataattr

/// The counter an attribute stands for: the leading integer of the raw value as smartctl renders it
/// ("39384h+40m+45.152s" -> 39384, "33 (Min/Max 17/49)" -> 33), which follows the drive database's
/// raw format; else the raw 48-bit number.
std::optional<std::uint64_t> attributeCount(const SmartAttribute& a);

/// Fill the normalised counters of `s` (reallocated, pending, ...) from its attribute table where
/// they are not already known, and the power-on hours / temperature if the source had no summary.
void deriveFromAttributes(Smart& s);

/// Does `s` carry any reading at all (so that it is worth a Smart value)?
bool hasAnyReading(const Smart& s);

/// Stable id, then the SMART judgement (smart.hpp applySmartAssessment).
void finishDrive(Drive& d);

/// "0x5000cca24cea67fd" from an ATA/SCSI NAA WWN given as naa/oui/id parts (ATA IDENTIFY words 108-111).
std::string naaWwn(std::uint64_t naa, std::uint64_t oui, std::uint64_t id);

/// A string from a tool or a drive with trailing/leading padding removed and non-printables
/// replaced; nullopt when nothing is left.
std::optional<std::string> cleanText(std::string_view s);

} // namespace raidmon::detail
