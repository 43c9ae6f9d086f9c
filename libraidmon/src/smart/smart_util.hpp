// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Helpers shared by the SMART decoders and readers.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

/// Is a self-test status, as smartctl prints it, a failure of the test? ATA (ataprint.cpp):
/// "Fatal or unknown error", "Completed: unknown/electrical/servo/seek/read failure",
/// "Completed: handling damage??"; SCSI (scsiprint.cpp, result codes 3-7): "Unknown error,
/// incomplete", "Completed, segment failed", "Failed in first/second segment", "Failed in segment
/// -->"; NVMe (nvmeprint.cpp, results 5-7): "Fatal or unknown test error", "Completed: unknown
/// failed segment", "Completed: failed segments". Aborted, interrupted, in-progress and completed
/// tests are not failures.
bool selfTestStatusFailed(std::string_view status);

/// The self-test log summary being read: the newest entry's status and the number of failed entries.
struct SelfTestTally {
    std::optional<std::string> newest;
    int entries = 0;
    int failed = 0;
    bool logPresent = false;  ///< the log was printed (possibly empty: "No self-tests have been logged")
    void add(std::string_view status, bool failure);
    /// The summary, or nullopt if no log was printed.
    [[nodiscard]] std::optional<SelfTest> result() const;
};

/// The JSON document in a capture: from the first line that starts with '{' to the brace that
/// closes it. Lines before it (a banner, a warning, a prompt) and text after it are reported in
/// `notes`. Without a '{' at a line start, the whole text (the JSON parser then says what is wrong).
std::string_view jsonPayload(std::string_view text, std::vector<std::string>* notes);
/// "N member(s) this decoder does not know were skipped: 'a', 'b', ..." naming the first five of
/// `names` (Capture::notes; the count is Capture::skipped).
std::string skippedNote(const std::vector<std::string>& names, std::size_t total, std::string_view what);

/// The 1-based line of `text` on which `part` (a view into it) starts.
std::size_t lineOf(std::string_view text, std::string_view part);

} // namespace raidmon::detail
