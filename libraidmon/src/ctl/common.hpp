// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Shared pieces of the hardware-RAID decoders: line splitting for "key : value" tool output,
// size units, the vendor words for RAID levels and states mapped onto the model, and the health
// verdicts every vendor shares (so a degraded VD reads the same whatever the controller).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <raidmon/decode.hpp>
#include <raidmon/model.hpp>

namespace raidmon::detail::ctl {

/// One line of "key : value" output, with its indentation and 1-based line number.
struct KvLine {
    std::size_t number = 0;    ///< 1-based line number in the capture
    std::size_t indent = 0;    ///< leading spaces (a tab counts as 8, as the tools' terminals do)
    std::string_view raw;      ///< the whole line, untrimmed
    std::string_view key;      ///< trimmed; empty if the line has no separator
    std::string_view value;    ///< trimmed
    bool hasSeparator = false;
};

/// Split a line on its key/value separator. The tools disagree on the separator and keys may hold
/// colons ("Reported Channel,Device(T:L) : 0,0(0:0)", "PCI Address (Domain:Bus:Device.Function):
/// 0000:06:00.0", MegaCli "Name                :Virtual Disk 0"), so: first " : ", else the first
/// ": " or a trailing ':', else the first ':'.
KvLine splitKv(std::string_view line, std::size_t number);

/// Every line of `text` split with splitKv().
std::vector<KvLine> kvLines(std::string_view text);

/// Binary (1024) or decimal (1000) multiples: storcli, arcconf, MegaCli and sas*ircu print sizes
/// in binary units labelled "GB"/"TB"/"MB"; ssacli prints decimal ones.
enum class SizeBase { binary, decimal };

/// "3.637 TB", "915446 MB", "100 GB", "93.1  GB", "512B", "32768 KB" -> bytes; nullopt if not a size.
std::optional<std::uint64_t> parseSize(std::string_view s, SizeBase base);

/// "14.551 TB [0x746a52800 Sectors]" -> the sector count in brackets; nullopt if absent.
std::optional<std::uint64_t> bracketSectors(std::string_view s);

/// A RAID level as vendors print it ("RAID1", "RAID 1(1+0)", "RAID 6 (ADG)", "10", "1+0",
/// "RAID10", "RAID60", "Simple_volume") -> the model's word (raid0, raid1, raid10, raid5, raid50,
/// raid6, raid60, raid1e, raid00, jbod...); nullopt if empty.
std::optional<std::string> normalizeLevel(std::string_view vendorLevel);

/// How many member failures the level survives with every member present (hardware view: a RAID10
/// of any width is only guaranteed to survive one). nullopt if the level is unknown.
std::optional<int> hwRedundancy(std::string_view level);

/// Set Array::health and reasons from Array::state (already normalised), level and operation.
/// The text names the array the way the vendor tool does ("VD 0/0 (RAID6, 'Sluthub')").
void classifyArray(Array& a, std::string_view label);

/// Set Drive::health and reasons from state, failurePredicted, controllerState and the error counts
/// in smart. `where` is how a technician finds it ("enclosure 252 slot 3").
void classifyDrive(Drive& d, std::string_view where);

/// Set Controller::health and reasons from status, batteryStatus and cacheStatus.
void classifyController(Controller& c);

/// Record one more finding on an entity.
void addFinding(Health& h, std::vector<std::string>& reasons, Health level, std::string reason);

/// "5000C500E54F4EBB" -> "0x5000c500e54f4ebb" when it is 16 or 32 hex digits (an NAA WWN), else nullopt.
std::optional<std::string> normalizeWwn(std::string_view s);

/// A trimmed, printable copy of a vendor string; nullopt for empty and placeholder values
/// ("N/A", "NA", "-", "Unknown", "Not Applicable", "None").
std::optional<std::string> text(std::string_view s);

/// Give each drive its id (makeDriveId), falling back to `fallbackId(d)` for drives whose identity
/// repeats within one capture (redacted serials, blank WWNs): ids must be unique.
void assignDriveIds(std::vector<Drive>& drives, std::vector<std::string>& notes);

/// Order drives by enclosure (numerically when it is a number), then slot.
void sortBySlot(std::vector<Drive>& drives);

/// A hardware drive's id when it has no identity of its own: "<controller>/e<E>/s<S>".
std::string locationId(const Drive& d);

/// "<what>: line N: <message> (<quoted line>)": the parse_error text every decoder uses.
std::string lineError(std::string_view what, const KvLine& l, std::string_view message);

/// Truncated capture: the last line of a text capture of a format that always ends with a known
/// trailer. Decoders that know such a trailer call this.
bool endsWithLine(std::string_view text, std::string_view trailerPrefix);

} // namespace raidmon::detail::ctl
