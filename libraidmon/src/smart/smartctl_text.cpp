// SPDX-License-Identifier: LGPL-2.1-or-later
// The labels read here are printed by smartmontools' ataprint.cpp, scsiprint.cpp and nvmeprint.cpp
// (6.x-7.4). Unknown lines are skipped: -x prints many sections raidmon has no use for.
#include "smartctl_text.hpp"

#include <raidmon/smart.hpp>

#include "core/strutil.hpp"
#include "smart_util.hpp"

namespace raidmon::detail {

namespace {

enum class Section { preamble, info, data };

/// "1,000,204,886,016 bytes [1.00 TB]", "12 000 138 625 024 bytes", "250,059,350,016 [250 GB]"
std::optional<std::uint64_t> byteCount(std::string_view v) {
    auto end = v.find_first_of("[b");
    std::string digits;
    for (char c : v.substr(0, end)) {
        if (c >= '0' && c <= '9') digits.push_back(c);
        // locale thousands separators: ',' '.' ' ' '\'' and UTF-8 ones (U+00A0, U+202F)
        else if (c != ',' && c != '.' && c != ' ' && c != '\'' && static_cast<unsigned char>(c) < 0x80) return std::nullopt;
    }
    return parseInt<std::uint64_t>(digits);
}

/// "2,683", "2.683" (locale grouping) -> 2683
std::optional<std::uint64_t> groupedInt(std::string_view v) {
    v = trim(v);
    auto sp = v.find(' ');
    if (sp != std::string_view::npos) v = v.substr(0, sp);
    std::string digits;
    for (char c : v) {
        if (c >= '0' && c <= '9') digits.push_back(c);
        else if (c != ',' && c != '.' && static_cast<unsigned char>(c) < 0x80) return std::nullopt;
    }
    return parseInt<std::uint64_t>(digits);
}

std::optional<int> leadingIntOf(std::string_view v) { return parseLeadingInt<int>(trim(v)); }

struct TextParser {
    Drive d;
    Smart s;
    std::vector<std::string> notes;
    std::optional<std::string> error;
    Section section = Section::preamble;
    bool sawHeader = false;
    bool smartUnavailable = false;
    bool sawDataSection = false;
    std::optional<int> sctTemperature;
    // attribute table state
    bool inAttributes = false;
    bool oldAttributeFormat = false;
    // self-test table state
    bool inSelfTests = false;
    std::size_t statusColumn = 0;
    int selfTestFailures = 0;
    std::size_t lineNo = 0;

    void failAt(std::string msg) {
        if (!error) error = "line " + std::to_string(lineNo) + ": " + std::move(msg);
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

    void selfTestRow(std::string_view l) {
        if (statusColumn == 0 || l.size() <= statusColumn) return;
        auto rest = l.substr(statusColumn);
        auto end = rest.find("  ");
        auto status = trim(rest.substr(0, end));
        if (status.empty()) return;
        bool failure = status.find("failure") != std::string_view::npos || status.find("Failed") != std::string_view::npos ||
                       status.find("Fatal") != std::string_view::npos;
        if (failure) ++selfTestFailures;
        if (!s.selfTest) {
            s.selfTest = SelfTest{};
            s.selfTest->lastResult = std::string(status);
        }
    }

    void infoLine(std::string_view key, std::string_view v) {
        if (key == "Device Model" || key == "Model Number" || key == "Product") d.model = cleanText(v);
        else if (key == "Vendor") d.vendor = cleanText(v);
        else if (key == "Serial Number" || key == "Serial number") d.serial = cleanText(v);
        else if (key == "Firmware Version" || key == "Revision") d.firmware = cleanText(v);
        else if (key == "User Capacity" || key == "Total NVM Capacity" || key == "Namespace 1 Size/Capacity") {
            if (!d.capacityBytes || key == "User Capacity") d.capacityBytes = byteCount(v);
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
            if (startsWith(v, "0x") && v.size() > 2 && unhex(v.size() % 2 ? "0" + std::string(v.substr(2)) : std::string(v.substr(2))))
                d.wwn = toLower(v);
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
        }
    }

    void nvme(std::string_view key, std::string_view v) {
        if (!s.nvme) s.nvme = NvmeHealth{};
        auto& n = *s.nvme;
        if (key == "Critical Warning") {
            if (auto cw = parseInt<int>(v, 16)) n.criticalWarning = *cw;
            else failAt("Critical Warning " + quoteForError(v) + " is not a hex number");
        } else if (key == "Temperature") {
            s.temperatureC = leadingIntOf(v);
        } else if (key == "Available Spare") {
            n.availableSparePct = leadingIntOf(v);
        } else if (key == "Available Spare Threshold") {
            n.availableSpareThresholdPct = leadingIntOf(v);
        } else if (key == "Percentage Used") {
            n.percentageUsed = leadingIntOf(v);
        } else if (key == "Power On Hours") {
            s.powerOnHours = groupedInt(v);
        } else if (key == "Unsafe Shutdowns") {
            n.unsafeShutdowns = groupedInt(v);
        } else if (key == "Media and Data Integrity Errors") {
            n.mediaErrors = groupedInt(v);
        } else if (key == "Error Information Log Entries") {
            n.errorLogEntries = groupedInt(v);
        }
    }

    void dataLine(std::string_view l) {
        if (inAttributes) {
            auto t = trim(l);
            if (!t.empty() && t.front() >= '0' && t.front() <= '9') {
                attributeRow(t);
                return;
            }
            inAttributes = false;
        }
        if (inSelfTests) {
            if (startsWith(l, "#")) {
                selfTestRow(l);
                return;
            }
            if (!trim(l).empty() && !startsWith(trim(l), "Description")) inSelfTests = false;
        }
        if (startsWith(l, "ID# ATTRIBUTE_NAME")) {
            inAttributes = true;
            oldAttributeFormat = l.find("TYPE") != std::string_view::npos;
            return;
        }
        if (startsWith(l, "Num ") && l.find("Status") != std::string_view::npos) {
            inSelfTests = true;
            statusColumn = l.find("Status");
            return;
        }
        if (l.find("No self-tests have been logged") != std::string_view::npos ||
            l.find("No Self-tests have been logged") != std::string_view::npos) {
            s.selfTest = SelfTest{std::nullopt, 0};
            return;
        }
        if (trim(l) == "No Errors Logged" && !s.errorLogCount && !s.nvme) {
            s.errorLogCount = 0;
            return;
        }
        auto colon = l.find(':');
        auto eq = l.find(" = ");
        std::string_view key = colon != std::string_view::npos ? trim(l.substr(0, colon)) : std::string_view{};
        std::string_view v = colon != std::string_view::npos ? trim(l.substr(colon + 1)) : std::string_view{};

        if (key == "SMART overall-health self-assessment test result") {
            s.passed = startsWith(v, "PASSED");
        } else if (key == "SMART Health Status") {
            s.passed = v == "OK";
            if (!*s.passed) notes.push_back("SMART Health Status: " + printable(v));
        } else if (key == "ATA Error Count" || key == "Device Error Count") {
            s.errorLogCount = parseLeadingInt<std::uint64_t>(v);
        } else if (key == "Current Temperature") {
            sctTemperature = leadingIntOf(v);
        } else if (key == "Current Drive Temperature") {
            s.temperatureC = leadingIntOf(v);
        } else if (key == "Drive Trip Temperature") {
            // a device without a sensor (RAID volume) prints 0 C for both: not a reading
            if (leadingIntOf(v) == 0 && s.temperatureC == 0) s.temperatureC.reset();
        } else if (key == "Elements in grown defect list") {
            s.grownDefects = parseLeadingInt<std::uint64_t>(v);
        } else if (key == "Percentage used endurance indicator") {
            s.enduranceUsedPct = leadingIntOf(v);
        } else if (key == "Accumulated power on time, hours" || startsWith(key, "Accumulated power on time")) {
            // "Accumulated power on time, hours:minutes 146:02 [8762 minutes]"
            if (auto hm = l.find("hours:minutes"); hm != std::string_view::npos) {
                auto f = splitWs(l.substr(hm + std::string_view("hours:minutes").size()));
                if (!f.empty() && !s.powerOnHours) s.powerOnHours = parseLeadingInt<std::uint64_t>(f[0]);
            }
        } else if (key == "read" || key == "write") {
            // SCSI error counter log: the last field is "Total uncorrected errors"
            auto f = splitWs(v);
            if (f.size() == 7) {
                auto unc = parseInt<std::uint64_t>(f.back());
                if (!unc) failAt("error counter log: " + quoteForError(f.back()) + " is not a count");
                else if (key == "read") s.uncorrectedReadErrors = unc;
                else s.uncorrectedWriteErrors = unc;
            }
        } else if (eq != std::string_view::npos && trim(l.substr(0, eq)) == "Current temperature") {
            if (!s.temperatureC) s.temperatureC = leadingIntOf(l.substr(eq + 3));
        } else if (s.nvme || startsWith(l, "Critical Warning")) {
            nvme(key, v);
        }
    }

    Result<Capture> run(std::string_view text) {
        for (auto l : lines(text)) {
            ++lineNo;
            if (error) break;
            if (!sawHeader) {
                if (trim(l).empty()) continue;
                if (!startsWith(trim(l), "smartctl ")) {
                    failAt("not smartctl output (expected the 'smartctl VERSION' banner, got " + quoteForError(l) + ")");
                    break;
                }
                sawHeader = true;
                continue;
            }
            if (startsWith(l, "=== START OF INFORMATION SECTION")) {
                section = Section::info;
                continue;
            }
            if (startsWith(l, "=== START OF") && l.find("SMART DATA SECTION") != std::string_view::npos) {
                section = Section::data;
                sawDataSection = true;
                continue;
            }
            if (startsWith(l, "=== START OF")) {  // ENABLE/DISABLE COMMANDS, OFFLINE IMMEDIATE...
                section = Section::data;
                continue;
            }
            if (section == Section::info) {
                auto colon = l.find(':');
                if (colon != std::string_view::npos) infoLine(trim(l.substr(0, colon)), trim(l.substr(colon + 1)));
            } else if (section == Section::data) {
                dataLine(l);
            }
        }
        if (!error && !sawHeader) failAt("empty input");
        if (!error && section == Section::preamble)
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

        if (selfTestFailures > 0 || (s.selfTest && s.selfTest->lastResult)) {
            if (!s.selfTest) s.selfTest = SelfTest{};
            s.selfTest->failedCount = selfTestFailures;
        }
        // ATA: the SCT status temperature is the drive's current reading (smartctl's JSON uses it
        // too); attribute 194 is the fallback (deriveFromAttributes).
        if (sctTemperature) s.temperatureC = sctTemperature;
        deriveFromAttributes(s);
        if (d.protocol == Protocol::Unknown && !s.attributes.empty()) d.protocol = Protocol::SATA;
        s.source = "smartctl-text";
        if (hasAnyReading(s)) d.smart = std::move(s);
        finishDrive(d);
        Capture c;
        c.drives.push_back(std::move(d));
        c.notes = std::move(notes);
        if (smartUnavailable) c.notes.push_back("the device has no SMART capability (a RAID volume or a bridge that hides it)");
        return c;
    }
};

} // namespace

int detectSmartctlText(std::string_view text) {
    auto t = trim(text.substr(0, 512));
    if (!startsWith(t, "smartctl ")) return 0;
    if (t.find("smartmontools") != std::string_view::npos || t.find("Bruce Allen") != std::string_view::npos) return 95;
    return 50;
}

Result<Capture> decodeSmartctlText(std::string_view text) {
    TextParser p;
    return p.run(text);
}

} // namespace raidmon::detail
