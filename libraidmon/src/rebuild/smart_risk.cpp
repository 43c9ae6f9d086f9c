// SPDX-License-Identifier: LGPL-2.1-or-later
// SMART signals -> a multiplier on a drive's failure hazard. The factors are data, with their
// sources, in kSmartRiskTable; the code only looks them up.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include <raidmon/rebuild.hpp>

#include "core/strutil.hpp"

namespace raidmon {

namespace {

constexpr std::string_view kPinheiro =
    "Pinheiro, Weber & Barroso, \"Failure Trends in a Large Disk Drive Population\", FAST'07, sec. 3.5";
constexpr std::string_view kStandIn =
    "no published factor for this signal; the largest published HDD factor (Pinheiro et al. FAST'07, "
    "39x after a first scan error) is used as a conservative stand-in";

// Factors are relative failure rates within 60 days of the first occurrence, the horizon of the
// source; rebuild windows are hours to days, well inside it.
constexpr std::array<SmartRiskFactor, 11> kSmartRiskTable{{
    {"ata_5_reallocated", "reallocated sectors (ATA 5)", 14.0, kPinheiro},
    {"ata_197_pending", "sectors pending reallocation (ATA 197)", 16.0, kPinheiro},
    {"ata_198_offline_uncorrectable", "sectors the drive's offline scan could not read (ATA 198)", 39.0, kPinheiro},
    {"ata_187_reported_uncorrect", "reads the drive reported as uncorrectable (ATA 187)", 39.0,
     "the same event as a scan error (an unreadable sector) found by a host read; factor of Pinheiro et al. "
     "FAST'07 for scan errors; one of Backblaze's five failure signals"},
    {"ata_188_command_timeout", "command timeouts (ATA 188)", 1.0,
     "one of Backblaze's five failure signals (\"What SMART Stats Tell Us About Hard Drives\", 2016) but no "
     "published factor, and some vendors pack several counters into its raw value: reported, not weighted"},
    {"scsi_grown_defects", "grown defects (SCSI grown defect list)", 14.0,
     "the SCSI counterpart of reallocated sectors; factor of Pinheiro et al. FAST'07 for reallocations"},
    {"scsi_uncorrected_read_errors", "uncorrected read errors (SCSI log page 03h)", 39.0,
     "the SCSI counterpart of ATA 187; factor of Pinheiro et al. FAST'07 for scan errors"},
    {"smart_failed", "SMART overall health self-assessment FAILED", 39.0, kStandIn},
    {"nvme_critical_warning", "NVMe critical warning set (log page 02h byte 0)", 39.0, kStandIn},
    {"nvme_media_errors", "NVMe media and data integrity errors (log page 02h bytes 160-175)", 39.0, kStandIn},
    {"nvme_spare_below_threshold", "NVMe available spare below its threshold (log page 02h bytes 3-4)", 39.0, kStandIn},
}};

const SmartRiskFactor& factor(std::string_view signal) {
    for (const auto& f : kSmartRiskTable)
        if (f.signal == signal) return f;
    // Every caller passes a literal from the table above; reaching here is a programming error.
    throw std::logic_error("smart risk table has no signal " + std::string(signal));
}

std::string fmtFactor(double m) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%gx", m);
    return buf;
}

struct Accumulator {
    SmartRisk risk;
    bool any = false;

    void saw() { any = true; }
    void signal(std::string_view name, std::uint64_t count) {
        const auto& f = factor(name);
        risk.multiplier = std::max(risk.multiplier, f.multiplier);
        std::string why = std::to_string(count) + " " + std::string(f.description) + ": ";
        if (f.multiplier > 1)
            why += fmtFactor(f.multiplier) + " the failure rate of a drive without them (" + std::string(f.source) + ")";
        else
            why += "noted, not weighted (" + std::string(f.source) + ")";
        risk.reasons.push_back(std::move(why));
    }
    void counter(const std::optional<std::uint64_t>& v, std::string_view name) {
        if (!v) return;
        saw();
        if (*v > 0) signal(name, *v);
    }
};

} // namespace

std::span<const SmartRiskFactor> smartRiskTable() noexcept { return kSmartRiskTable; }

SmartRisk smartRisk(const std::optional<Smart>& smart) {
    Accumulator acc;
    if (!smart) {
        acc.risk.reasons.push_back("SMART data unknown: multiplier 1 (no evidence either way)");
        return acc.risk;
    }
    const Smart& s = *smart;
    acc.counter(s.reallocatedSectors, "ata_5_reallocated");
    acc.counter(s.pendingSectors, "ata_197_pending");
    acc.counter(s.offlineUncorrectable, "ata_198_offline_uncorrectable");
    acc.counter(s.reportedUncorrect, "ata_187_reported_uncorrect");
    acc.counter(s.commandTimeouts, "ata_188_command_timeout");
    acc.counter(s.grownDefects, "scsi_grown_defects");
    acc.counter(s.uncorrectedReadErrors, "scsi_uncorrected_read_errors");
    if (s.passed) {
        acc.saw();
        if (!*s.passed) acc.signal("smart_failed", 1);
    }
    if (s.nvme) {
        const auto& n = *s.nvme;
        if (n.criticalWarning) {
            acc.saw();
            if (*n.criticalWarning != 0) acc.signal("nvme_critical_warning", static_cast<std::uint64_t>(*n.criticalWarning));
        }
        acc.counter(n.mediaErrors, "nvme_media_errors");
        if (n.availableSparePct && n.availableSpareThresholdPct) {
            acc.saw();
            if (*n.availableSparePct < *n.availableSpareThresholdPct)
                acc.signal("nvme_spare_below_threshold", static_cast<std::uint64_t>(*n.availableSparePct));
        }
    }
    // 198 sectors are normally also counted in 197 (the drive re-tests them), so take the larger.
    acc.risk.knownUnreadableSectors = std::max(s.pendingSectors.value_or(0), s.offlineUncorrectable.value_or(0));
    if (acc.risk.knownUnreadableSectors > 0)
        acc.risk.reasons.push_back(std::to_string(acc.risk.knownUnreadableSectors) +
                                   " sectors are unreadable now: a full-surface rebuild read will hit them");
    acc.risk.known = acc.any;
    if (!acc.any)
        acc.risk.reasons.push_back("SMART data has none of the counters the risk table uses: multiplier 1");
    else if (acc.risk.multiplier == 1 && acc.risk.reasons.empty())
        acc.risk.reasons.push_back("no SMART failure signal");
    return acc.risk;
}

Result<SmartRisk> smartRiskFromJson(std::string_view text) {
    using Json = nlohmann::json;
    Json doc = Json::parse(text.begin(), text.end(), nullptr, false);
    if (doc.is_discarded()) return fail(errc::parse_error, "not valid JSON");
    if (!doc.is_object()) return fail(errc::parse_error, "expected a JSON object");
    if (doc.contains("multiplier")) {
        const auto& m = doc["multiplier"];
        if (!m.is_number() || !(m.get<double>() > 0) || !std::isfinite(m.get<double>()))
            return fail(errc::parse_error, "\"multiplier\": must be a number > 0");
        SmartRisk r;
        r.multiplier = m.get<double>();
        r.known = true;
        r.reasons.push_back("multiplier " + fmtFactor(r.multiplier) + " given by the user");
        return r;
    }
    const Json* drive = &doc;
    if (doc.contains("drives")) {
        const auto& d = doc["drives"];
        if (!d.is_array() || d.size() != 1)
            return fail(errc::parse_error, "\"drives\": expected exactly one drive (got " +
                                               std::to_string(d.is_array() ? d.size() : 0) + ")");
        drive = &d[0];
    }
    if (!drive->is_object() || !drive->contains("smart"))
        return fail(errc::parse_error, "expected {\"multiplier\": x}, a drive with \"smart\", or an inventory with one drive");
    const Json& js = (*drive)["smart"];
    if (js.is_null()) return smartRisk(std::nullopt);
    if (!js.is_object()) return fail(errc::parse_error, "\"smart\": expected an object or null");

    Smart s;
    std::string problem;
    auto u64 = [&](const Json& obj, const char* key, std::optional<std::uint64_t>& out) {
        if (!obj.contains(key) || obj[key].is_null()) return;
        if (!obj[key].is_number_unsigned()) {
            if (problem.empty()) problem = std::string("\"") + key + "\": expected a non-negative integer or null";
            return;
        }
        out = obj[key].get<std::uint64_t>();
    };
    auto i32 = [&](const Json& obj, const char* key, std::optional<int>& out) {
        std::optional<std::uint64_t> v;
        u64(obj, key, v);
        if (v) out = static_cast<int>(std::min<std::uint64_t>(*v, 1u << 30));
    };
    u64(js, "reallocated_sectors", s.reallocatedSectors);
    u64(js, "pending_sectors", s.pendingSectors);
    u64(js, "offline_uncorrectable", s.offlineUncorrectable);
    u64(js, "reported_uncorrect", s.reportedUncorrect);
    u64(js, "command_timeouts", s.commandTimeouts);
    u64(js, "grown_defects", s.grownDefects);
    u64(js, "uncorrected_read_errors", s.uncorrectedReadErrors);
    u64(js, "power_on_hours", s.powerOnHours);
    if (js.contains("passed") && !js["passed"].is_null()) {
        if (!js["passed"].is_boolean()) return fail(errc::parse_error, "\"passed\": expected true, false or null");
        s.passed = js["passed"].get<bool>();
    }
    if (js.contains("nvme") && js["nvme"].is_object()) {
        const Json& jn = js["nvme"];
        NvmeHealth n;
        i32(jn, "critical_warning", n.criticalWarning);
        i32(jn, "available_spare_pct", n.availableSparePct);
        i32(jn, "available_spare_threshold_pct", n.availableSpareThresholdPct);
        u64(jn, "media_errors", n.mediaErrors);
        s.nvme = n;
    }
    if (!problem.empty()) return fail(errc::parse_error, problem);
    SmartRisk r = smartRisk(s);
    if (s.powerOnHours) r.powerOnHours = static_cast<double>(*s.powerOnHours);
    return r;
}

} // namespace raidmon
