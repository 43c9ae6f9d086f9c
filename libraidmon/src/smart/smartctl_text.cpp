// SPDX-License-Identifier: LGPL-2.1-or-later
// smartctl's plain text, by its grammar (docs/decoders.md "smartctl (text)"): the labels are those
// printed by smartmontools' ataprint.cpp, scsiprint.cpp and nvmeprint.cpp from 5.x to 7.5. The
// banner ("smartctl VERSION ..."), then "=== START OF INFORMATION SECTION ===" (Key: value lines)
// and "=== START OF [READ ]SMART DATA SECTION ===" (blocks separated by blank lines, each opened by a
// header line); SCSI output of smartctl 5.x has no section headers at all. Blocks raidmon has no use
// for (-x prints many) are passed over; an unknown section header or information key is counted.
#include "smartctl_text.hpp"

#include <algorithm>

#include <raidmon/smart.hpp>

#include "core/strutil.hpp"
#include "smart_util.hpp"

namespace raidmon::detail {

namespace {

enum class Section { banner, preamble, info, data };

/// The data-section block a line belongs to (opened by its header line, closed by a blank line).
enum class Block { other, attributes, selfTests, ataErrorLog, nvmeHealth, nvmeErrorLog, deviceStatistics, errorCounters };

/// Information-section keys of every smartctl version (the ones raidmon reads and the ones it has no
/// field for); a key outside this list is counted as skipped.
constexpr std::string_view kKnownInfoKeys[] = {
    "Model Family", "Device Model", "Model Number", "Serial Number", "Serial number", "LU WWN Device Id",
    "Add. Product Id", "Firmware Version", "User Capacity", "Sector Size", "Sector Sizes", "Rotation Rate",
    "Form Factor", "TRIM Command", "Zoned Device", "Device is", "ATA Version is", "SATA Version is", "Local Time is",
    "SMART support is", "AAM feature is", "AAM level is", "APM feature is", "APM level is", "Rd look-ahead is",
    "Write cache is", "Write cache reordering", "Wt Cache Reorder", "DSN feature is", "ATA Security is",
    "Power mode is", "Power mode was", "Vendor", "Product", "Revision", "Compliance", "Logical block size",
    "Physical block size", "Lowest aligned LBA", "LB provisioning type", "Logical Unit id", "Device type",
    "Transport protocol", "Temperature Warning", "Read Cache is", "Writeback Cache is", "Formatted with type",
    "Formatted with", "Scsi version", "NVMe Version", "PCI Vendor/Subsystem ID", "PCI Vendor ID",
    "PCI Vendor Subsystem ID", "IEEE OUI Identifier", "Total NVM Capacity", "Unallocated NVM Capacity",
    "Controller ID", "Number of Namespaces", "Firmware Updates", "Optional Admin Commands", "Optional NVM Commands",
    "Log Page Attributes", "Maximum Data Transfer Size", "Warning  Comp. Temp. Threshold", "Warning Comp. Temp. Threshold",
    "Critical Comp. Temp. Threshold", "Controller Capabilities", "Self-test execution status",
};

bool knownInfoKey(std::string_view key) {
    if (startsWith(key, "Namespace ") || startsWith(key, "==>") || startsWith(key, "http") || startsWith(key, "Warning") ||
        startsWith(key, "Note"))
        return true;
    // "Firmware Updates (0x14)": the key without its hex code
    if (auto p = key.find(" (0x"); p != std::string_view::npos) key = trim(key.substr(0, p));
    return std::find(std::begin(kKnownInfoKeys), std::end(kKnownInfoKeys), key) != std::end(kKnownInfoKeys);
}

/// Self-test statuses as smartctl prints them (ataprint.cpp, scsiprint.cpp, nvmeprint.cpp, 5.x-7.5).
/// Phrases ending in '(' run to the next ')': "Reserved(8)", "Unknown status (0x5)".
constexpr std::string_view kSelfTestStatuses[] = {
    // ATA
    "Completed without error", "Aborted by host", "Interrupted (host reset)", "Fatal or unknown error",
    "Completed: unknown failure", "Completed: electrical failure", "Completed: servo/seek failure",
    "Completed: read failure", "Completed: handling damage??", "Self-test routine in progress", "Unknown status (",
    // SCSI
    "Completed, segment failed", "Completed", "Aborted (by user command)", "Aborted (device reset ?)",
    "Unknown error, incomplete", "Failed in first segment", "Failed in second segment", "Failed in segment -->",
    "Reserved(", "Self test in progress ...", "Interrupted ('-X' switch)", "Interrupted (bus reset ?)",
    // NVMe
    "Aborted: Self-test command", "Aborted: Controller Reset", "Aborted: Namespace removed",
    "Aborted: Format NVM command", "Fatal or unknown test error", "Completed: unknown failed segment",
    "Completed: failed segments", "Aborted: unknown reason", "Aborted: Sanitize operation", "Unknown result (",
};

/// The status phrase in a self-test row: the earliest known phrase, the longest one at that place.
std::optional<std::string_view> selfTestStatusOf(std::string_view row) {
    std::size_t bestAt = std::string_view::npos, bestLen = 0;
    for (auto phrase : kSelfTestStatuses) {
        auto at = row.find(phrase);
        if (at == std::string_view::npos) continue;
        std::size_t len = phrase.size();
        if (phrase.back() == '(') {
            auto close = row.find(')', at + len);
            if (close == std::string_view::npos) continue;
            len = close + 1 - at;
        }
        if (at < bestAt || (at == bestAt && len > bestLen)) {
            bestAt = at;
            bestLen = len;
        }
    }
    if (bestAt == std::string_view::npos) return std::nullopt;
    return row.substr(bestAt, bestLen);
}

/// "1,000,204,886,016 bytes [1.00 TB]", "12 000 138 625 024 bytes", "500.107.862.016 [500 GB]",
/// "2’000’398’934’016 [2.00 TB]": the count before the unit or the bracket.
std::optional<std::uint64_t> byteCount(std::string_view v) {
    auto end = v.find_first_of("[b");
    return parseGroupedUint(trim(v.substr(0, end)));
}

/// A count in the host's locale ("2,683", "2.683", "3 387", "6’433"), before any "[...]" remark.
std::optional<std::uint64_t> countOf(std::string_view v) { return parseGroupedUint(trim(v.substr(0, v.find('[')))); }

std::optional<int> leadingIntOf(std::string_view v) { return parseLeadingInt<int>(trim(v)); }

/// The banner: "smartctl 7.4 2023-08-01 r5530 [...]", "smartctl pre-7.4 ...", "smartctl version 5.38
/// [...]" (5.x). A command line echoed before it ("smartctl -a /dev/sda") is not one.
bool isBanner(std::string_view l) {
    auto t = trim(l);
    if (!startsWith(t, "smartctl ")) return false;
    auto rest = trim(t.substr(9));
    return (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') || startsWith(rest, "pre-") || startsWith(rest, "version ");
}

struct TextParser {
    Drive d;
    Smart s;
    std::vector<std::string> notes;
    std::vector<std::string> unknownKeys;
    std::size_t skipped = 0;
    std::optional<std::string> error;
    Section section = Section::banner;
    Block block = Block::other;
    bool legacyLayout = false;  // smartctl 5.x SCSI: no section headers
    bool smartUnavailable = false;
    bool sawDataSection = false;
    std::optional<int> sctTemperature;
    std::optional<int> devstatTemperature;
    bool oldAttributeFormat = false;
    SelfTestTally selfTests;
    std::size_t selfTestStatusColumn = 0;
    std::size_t lineNo = 0;
    std::size_t bannerSkipped = 0;

    void failAt(std::string msg) {
        if (!error) error = "line " + std::to_string(lineNo) + ": " + std::move(msg);
    }

    void unknownKey(std::string_view key) {
        ++skipped;
        if (unknownKeys.size() < 5) unknownKeys.emplace_back(key);
    }

    void attributeRow(std::string_view l) {
        auto f = splitWs(l);
        // brief (-x): ID NAME FLAGS VALUE WORST THRESH FAIL RAW...
        // old (-a):   ID NAME FLAG VALUE WORST THRESH TYPE UPDATED WHEN_FAILED RAW...
        const std::size_t need = oldAttributeFormat ? 10 : 8;
        if (f.size() < need) {
            failAt("attribute row has " + std::to_string(f.size()) + " fields, expected at least " + std::to_string(need) +
                   ": " + quoteForError(l));
            return;
        }
        SmartAttribute a;
        auto id = parseInt<int>(f[0]);
        if (!id || *id < 1 || *id > 255) {
            failAt("attribute id " + quoteForError(f[0]) + " is not 1..255");
            return;
        }
        a.id = *id;
        a.name = std::string(f[1]);
        a.value = parseInt<int>(f[3]);
        a.worst = parseInt<int>(f[4]);
        a.threshold = parseInt<int>(f[5]);
        std::string_view failed = oldAttributeFormat ? f[8] : f[6];
        if (failed == "NOW" || failed == "FAILING_NOW") a.whenFailed = "now";
        else if (failed == "Past" || failed == "In_the_past") a.whenFailed = "past";
        if (oldAttributeFormat) a.prefailure = f[6] == "Pre-fail";
        else a.prefailure = !f[2].empty() && f[2].front() == 'P';
        // the raw value is the rest of the line from its first field
        std::size_t rawIdx = oldAttributeFormat ? 9 : 7;
        auto rawStart = static_cast<std::size_t>(f[rawIdx].data() - l.data());
        a.rawString = std::string(trim(l.substr(rawStart)));
        if (auto r = parseInt<std::int64_t>(f[rawIdx])) a.raw = *r;
        s.attributes.push_back(std::move(a));
    }

    /// "# 1  Short offline  Completed: read failure  90%  4  104870168" (ATA), "# 1  Background long
    /// Failed in segment -->  3  47877  764900874 [0x3 0x5d 0x1]" (SCSI), " 0   Short  Completed
    /// without error  8737  -  -  -  -" (NVMe). The status is found by its phrase, so squeezed or
    /// shifted columns do not matter; an unknown phrase is taken from the Status column verbatim.
    void selfTestRow(std::string_view l) {
        auto status = selfTestStatusOf(l);
        std::string_view text;
        if (status) text = *status;
        else if (selfTestStatusColumn > 0 && l.size() > selfTestStatusColumn) {
            auto rest = l.substr(selfTestStatusColumn);
            text = trim(rest.substr(0, rest.find("  ")));
            if (!text.empty()) notes.push_back("self-test status " + quoteForError(text) + " is not one smartctl is known to print");
        }
        if (text.empty()) {
            ++skipped;
            return;
        }
        selfTests.add(text, selfTestStatusFailed(text));
    }

    /// Device Statistics (-x): "0x07  0x008  1  87  N--  Percentage Used Endurance Indicator".
    void deviceStatisticsRow(std::string_view l) {
        auto f = splitWs(l);
        if (f.size() < 6) return;
        if (f[0] == "0x07" && f[1] == "0x008") {
            if (auto v = parseInt<int>(f[3])) s.enduranceUsedPct = *v;
        } else if (f[0] == "0x05" && f[1] == "0x008") {
            if (auto v = parseInt<int>(f[3])) devstatTemperature = *v;
        }
    }

    void infoLine(std::string_view key, std::string_view v) {
        if (key == "Device Model" || key == "Model Number" || key == "Product") d.model = cleanText(v);
        else if (key == "Vendor") d.vendor = cleanText(v);
        else if (key == "Serial Number" || key == "Serial number") d.serial = cleanText(v);
        else if (key == "Firmware Version" || key == "Revision") d.firmware = cleanText(v);
        else if (key == "User Capacity" || key == "Total NVM Capacity" || key == "Namespace 1 Size/Capacity") {
            if (!d.capacityBytes || key != "Namespace 1 Size/Capacity") d.capacityBytes = byteCount(v);
        } else if (key == "Rotation Rate") {
            if (startsWith(v, "Solid State")) d.media = Media::SSD;
            else if (auto r = leadingIntOf(v); r && *r > 1) {
                d.media = Media::HDD;
                d.rotationRpm = *r;
            }
        } else if (key == "LU WWN Device Id") {
            // "5 000cca 24cea67fd": NAA, OUI, vendor id in hex
            auto f = splitWs(v);
            std::string hexs;
            for (auto p : f) hexs += std::string(p);
            if (f.size() == 3 && hexs.size() == 16 && unhex(hexs)) d.wwn = "0x" + toLower(hexs);
            else notes.push_back("LU WWN Device Id " + quoteForError(v) + " is masked or malformed; WWN left unknown");
        } else if (key == "Logical Unit id") {
            auto digits = v.substr(std::min<std::size_t>(2, v.size()));
            if (startsWith(v, "0x") && (digits.size() == 16 || digits.size() == 32) && unhex(digits)) d.wwn = toLower(v);
            else notes.push_back("Logical Unit id " + quoteForError(v) + " is not an NAA identifier; WWN left unknown");
        } else if (key == "Namespace 1 IEEE EUI-64") {
            std::string hexs;
            for (auto p : splitWs(v)) hexs += std::string(p);
            if (hexs.size() == 16 && unhex(hexs)) d.wwn = "eui." + toLower(hexs);
        } else if (key == "Transport protocol") {
            d.protocol = v.find("SAS") != std::string_view::npos ? Protocol::SAS : Protocol::SCSI;
        } else if (key == "Sector Size" || key == "Sector Sizes" || key == "Logical block size" ||
                   key == "Namespace 1 Formatted LBA Size") {
            if (auto n = leadingIntOf(v); n && *n > 0 && *n <= 65536) d.logicalBlockSize = static_cast<std::uint32_t>(*n);
            if (auto p = v.find(", "); p != std::string_view::npos && key == "Sector Sizes")
                if (auto n = leadingIntOf(v.substr(p + 2)); n && *n > 0) d.physicalBlockSize = static_cast<std::uint32_t>(*n);
        } else if (key == "Physical block size") {
            if (auto n = leadingIntOf(v); n && *n > 0) d.physicalBlockSize = static_cast<std::uint32_t>(*n);
        } else if (key == "SMART support is" && startsWith(v, "Unavailable")) {
            smartUnavailable = true;
        } else if (key == "ATA Version is" || key == "SATA Version is") {
            if (d.protocol == Protocol::Unknown) d.protocol = Protocol::SATA;
        } else if (key == "PCI Vendor/Subsystem ID" || key == "PCI Vendor ID" || key == "NVMe Version") {
            d.protocol = Protocol::NVMe;
            d.media = Media::SSD;
        } else if (key == "Device type" || key == "Compliance") {
            if (d.protocol == Protocol::Unknown) d.protocol = Protocol::SCSI;
        } else if (!knownInfoKey(key)) {
            unknownKey(key);
        }
    }

    void nvmeHealthLine(std::string_view key, std::string_view v) {
        if (!s.nvme) s.nvme = NvmeHealth{};
        auto& n = *s.nvme;
        if (key == "Critical Warning") {
            if (auto cw = parseInt<int>(v, 16)) n.criticalWarning = *cw;
            else failAt("Critical Warning " + quoteForError(v) + " is not a hex number");
        } else if (key == "Temperature") {
            s.temperatureC = parseTemperatureC(v);
        } else if (key == "Available Spare") {
            n.availableSparePct = leadingIntOf(v);
        } else if (key == "Available Spare Threshold") {
            n.availableSpareThresholdPct = leadingIntOf(v);
        } else if (key == "Percentage Used") {
            n.percentageUsed = leadingIntOf(v);
        } else if (key == "Power On Hours") {
            s.powerOnHours = countOf(v);
        } else if (key == "Unsafe Shutdowns") {
            n.unsafeShutdowns = countOf(v);
        } else if (key == "Media and Data Integrity Errors") {
            n.mediaErrors = countOf(v);
        } else if (key == "Error Information Log Entries") {
            n.errorLogEntries = countOf(v);
        }
    }

    /// The header line that opens a block of the data section, if `l` is one.
    bool blockHeader(std::string_view l) {
        auto t = trim(l);
        if (startsWith(t, "ID# ATTRIBUTE_NAME")) {
            block = Block::attributes;
            oldAttributeFormat = t.find("TYPE") != std::string_view::npos;
            return true;
        }
        // ATA "Num  Test_Description    Status", SCSI "Num  Test              Status", NVMe "Num
        // Test_Description  Status"; the NVMe error log's "Num   ErrCount ... Status" is not one.
        if (startsWith(t, "Num ") && t.find("Test") != std::string_view::npos && t.find("Status") != std::string_view::npos) {
            // -x may print the standard and the extended log: they hold the same tests; the first wins.
            block = selfTests.entries > 0 ? Block::other : Block::selfTests;
            selfTests.logPresent = true;
            selfTestStatusColumn = l.find("Status");
            return true;
        }
        if (startsWith(t, "SMART Error Log Version") || startsWith(t, "SMART Extended Comprehensive Error Log")) {
            block = Block::ataErrorLog;
            return true;
        }
        if (startsWith(t, "SMART/Health Information")) {
            block = Block::nvmeHealth;
            if (!s.nvme) s.nvme = NvmeHealth{};
            return true;
        }
        if (startsWith(t, "Error Information (NVMe Log")) {
            block = Block::nvmeErrorLog;
            return true;
        }
        if (startsWith(t, "Device Statistics (")) {
            block = Block::deviceStatistics;
            return true;
        }
        if (startsWith(t, "Error counter log:")) {
            block = Block::errorCounters;
            return true;
        }
        return false;
    }

    void dataLine(std::string_view l) {
        auto t = trim(l);
        if (t.empty()) {
            // The self-test table of SCSI is followed by a blank line and the long test duration,
            // the NVMe one by nothing: every block ends at a blank line.
            block = Block::other;
            return;
        }
        if (blockHeader(l)) return;
        switch (block) {
        case Block::attributes:
            if (t.front() >= '0' && t.front() <= '9') {
                attributeRow(t);
                return;
            }
            block = Block::other;
            break;
        case Block::selfTests:
            if (t.front() == '#' || (t.front() >= '0' && t.front() <= '9')) {
                selfTestRow(l);
                return;
            }
            if (startsWith(t, "Description")) return;  // SCSI header's second line
            break;
        case Block::deviceStatistics:
            if (startsWith(t, "0x")) {
                deviceStatisticsRow(t);
                return;
            }
            break;
        default:
            break;
        }
        // "No self-tests have been logged.  [To run self-tests, use: smartctl -t]" (ATA, SCSI),
        // "No Self-tests Logged" (NVMe)
        if (const auto lower = toLower(t); startsWith(lower, "no self-tests")) {
            selfTests.logPresent = true;
            return;
        }
        if (t == "No Errors Logged") {
            if (block == Block::ataErrorLog) s.errorLogCount = 0;
            return;
        }
        auto colon = l.find(':');
        auto eq = l.find(" = ");
        std::string_view key = colon != std::string_view::npos ? trim(l.substr(0, colon)) : std::string_view{};
        std::string_view v = colon != std::string_view::npos ? trim(l.substr(colon + 1)) : std::string_view{};

        if (block == Block::nvmeHealth) {
            nvmeHealthLine(key, v);
        } else if (key == "SMART overall-health self-assessment test result") {
            if (startsWith(v, "PASSED")) s.passed = true;
            else if (startsWith(v, "FAILED")) s.passed = false;
            else notes.push_back("SMART overall-health result " + quoteForError(v) + " is neither PASSED nor FAILED: left unknown");
        } else if (key == "SMART Health Status") {
            s.passed = v == "OK";
            if (!*s.passed) notes.push_back("SMART Health Status: " + printable(v));
        } else if (key == "ATA Error Count" || key == "Device Error Count") {
            s.errorLogCount = parseLeadingInt<std::uint64_t>(v);
        } else if (key == "Current Temperature") {
            sctTemperature = parseTemperatureC(v);
        } else if (key == "Current Drive Temperature") {
            s.temperatureC = parseTemperatureC(v);
        } else if (key == "Drive Trip Temperature") {
            // a device without a sensor (RAID volume) prints 0 C for both: not a reading
            if (leadingIntOf(v) == 0 && s.temperatureC == 0) s.temperatureC.reset();
        } else if (key == "Elements in grown defect list") {
            s.grownDefects = countOf(v);
        } else if (key == "Percentage used endurance indicator") {
            s.enduranceUsedPct = leadingIntOf(v);
        } else if (startsWith(key, "Accumulated power on time")) {
            // "Accumulated power on time, hours:minutes 146:02 [8762 minutes]"
            if (auto hm = l.find("hours:minutes"); hm != std::string_view::npos) {
                auto f = splitWs(l.substr(hm + std::string_view("hours:minutes").size()));
                if (!f.empty()) s.powerOnHours = parseLeadingInt<std::uint64_t>(f[0]);
            }
        } else if (block == Block::errorCounters && (key == "read" || key == "write" || key == "verify")) {
            // ECC fast, ECC delayed, rereads/rewrites, total corrected, algorithm invocations,
            // gigabytes processed, total uncorrected
            auto f = splitWs(v);
            if (f.size() != 7) {
                notes.push_back("error counter log row " + quoteForError(l) + " does not have 7 columns; skipped");
                ++skipped;
            } else if (key != "verify") {
                auto unc = parseGroupedUint(f.back());
                if (!unc) failAt("error counter log: " + quoteForError(f.back()) + " is not a count");
                else if (key == "read") s.uncorrectedReadErrors = unc;
                else s.uncorrectedWriteErrors = unc;
            }
        } else if (eq != std::string_view::npos) {
            auto k = trim(l.substr(0, eq));
            auto val = l.substr(eq + 3);
            if (k == "Current temperature") {
                if (!s.temperatureC) s.temperatureC = parseTemperatureC(val);
            } else if (k == "number of hours powered up") {
                // Seagate/Hitachi factory log page (scsiprint.cpp): "8347.20"
                if (!s.powerOnHours) s.powerOnHours = parseLeadingInt<std::uint64_t>(val);
            }
        }
    }

    /// smartctl 5.x SCSI output has no section headers: its information keys and its health lines
    /// follow the banner directly.
    void legacyLine(std::string_view l) {
        auto colon = l.find(':');
        if (colon != std::string_view::npos) {
            auto key = trim(l.substr(0, colon));
            if (knownInfoKey(key)) {
                infoLine(key, trim(l.substr(colon + 1)));
                return;
            }
        }
        if (startsWith(trim(l), "Device supports SMART and is") || startsWith(trim(l), "SMART Health Status")) {
            legacyLayout = true;
            sawDataSection = true;
        }
        if (legacyLayout) dataLine(l);
    }

    Result<Capture> run(std::string_view text) {
        for (auto l : lines(text)) {
            ++lineNo;
            if (error) break;
            if (section == Section::banner) {
                if (trim(l).empty()) continue;
                // Lines before the banner (a prompt, a warning, a support bundle's header) are skipped.
                if (!isBanner(l)) {
                    ++bannerSkipped;
                    continue;
                }
                section = Section::preamble;
                continue;
            }
            if (startsWith(l, "=== START OF INFORMATION SECTION")) {
                section = Section::info;
                continue;
            }
            if (startsWith(l, "=== START OF") && l.find("SMART DATA SECTION") != std::string_view::npos) {
                section = Section::data;
                sawDataSection = true;
                block = Block::other;
                continue;
            }
            if (startsWith(l, "=== START OF")) {
                // ENABLE/DISABLE COMMANDS, OFFLINE IMMEDIATE AND SELF-TEST: commands' own reports.
                if (l.find("ENABLE/DISABLE") == std::string_view::npos && l.find("OFFLINE IMMEDIATE") == std::string_view::npos &&
                    l.find("SELF-TEST") == std::string_view::npos)
                    unknownKey(trim(l));
                section = Section::data;
                block = Block::other;
                continue;
            }
            if (section == Section::preamble) {
                legacyLine(l);
            } else if (section == Section::info) {
                auto colon = l.find(':');
                if (colon != std::string_view::npos) infoLine(trim(l.substr(0, colon)), trim(l.substr(colon + 1)));
            } else if (section == Section::data) {
                dataLine(l);
            }
        }
        if (!error && section == Section::banner)
            failAt(bannerSkipped ? "not smartctl output (no 'smartctl VERSION' banner line)" : "empty input");
        if (!error && section == Section::preamble && !legacyLayout)
            failAt("output ends before the information section (truncated?)");
        if (!error && !sawDataSection && !smartUnavailable)
            failAt("output ends before the SMART data section (truncated?)");
        // -a/-x always print these once SMART is available; their absence means the capture was cut
        if (!error && sawDataSection && !smartUnavailable) {
            if (d.protocol == Protocol::SATA && s.attributes.empty() && !s.passed)
                failAt("output ends before the SMART health result (truncated?)");
            else if (d.protocol == Protocol::SATA && s.attributes.empty())
                failAt("output ends before the attribute table (truncated?)");
            else if (d.protocol == Protocol::NVMe && !s.nvme)
                failAt("output ends before the NVMe SMART/Health log (truncated?)");
            else if ((d.protocol == Protocol::SAS || d.protocol == Protocol::SCSI) && !s.passed && !s.temperatureC)
                failAt("output ends before the SCSI health status (truncated?)");
        }
        if (error) return fail(errc::parse_error, *error);

        s.selfTest = selfTests.result();
        // ATA: the SCT status temperature is the drive's current reading (smartctl's JSON uses it
        // too); attribute 194 (deriveFromAttributes) and the device statistics are the fallbacks.
        if (sctTemperature) s.temperatureC = sctTemperature;
        deriveFromAttributes(s);
        if (!s.temperatureC && devstatTemperature) s.temperatureC = devstatTemperature;
        if (d.protocol == Protocol::Unknown && !s.attributes.empty()) d.protocol = Protocol::SATA;
        s.source = "smartctl-text";
        if (hasAnyReading(s)) d.smart = std::move(s);
        finishDrive(d);
        Capture c;
        c.drives.push_back(std::move(d));
        if (bannerSkipped) notes.insert(notes.begin(), std::to_string(bannerSkipped) + " line(s) before the smartctl banner skipped");
        if (!unknownKeys.empty()) notes.push_back(skippedNote(unknownKeys, skipped, "line(s)"));
        c.notes = std::move(notes);
        c.skipped = skipped;
        if (smartUnavailable) c.notes.push_back("the device has no SMART capability (a RAID volume or a bridge that hides it)");
        return c;
    }
};

} // namespace

int detectSmartctlText(std::string_view text) {
    // The banner is the first line, or follows a few lines of prompt or warning.
    std::size_t seen = 0;
    for (auto l : lines(text.substr(0, 4096))) {
        auto t = trim(l);
        if (t.empty()) continue;
        if (isBanner(t)) {
            auto rest = text.substr(static_cast<std::size_t>(t.data() - text.data()), 512);
            if (rest.find("smartmontools") != std::string_view::npos || rest.find("Bruce Allen") != std::string_view::npos) return 95;
            return 50;
        }
        if (++seen > 20) break;
    }
    return 0;
}

Result<Capture> decodeSmartctlText(std::string_view text) {
    TextParser p;
    return p.run(text);
}

} // namespace raidmon::detail
