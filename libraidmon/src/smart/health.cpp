// SPDX-License-Identifier: LGPL-2.1-or-later
// SMART -> health verdict, failure prediction and risk. Pure functions over the model; the numbers
// live in risk_tables.hpp with their sources.
#include <raidmon/smart.hpp>

#include <algorithm>
#include <cstdio>

#include "risk_tables.hpp"
#include "smart_util.hpp"

namespace raidmon {

namespace {

using detail::risk::Signal;

std::string count(std::uint64_t n, std::string_view one, std::string_view many) {
    return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

struct Finding {
    Signal signal;
    std::string sentence;
};

void collect(const Smart& s, std::vector<Finding>& out) {
    const int exitBits = s.smartctlExitStatus.value_or(0);
    if ((s.passed && !*s.passed) || (!s.passed && (exitBits & smartctlDiskFailing)))
        out.push_back({Signal::selfAssessmentFailed,
                       "the drive's own SMART self-assessment says FAILED: it expects to fail; replace it"});

    bool prefailNow = false;
    for (const auto& a : s.attributes) {
        if (!a.whenFailed) continue;
        std::string what = "attribute " + std::to_string(a.id) + " " + a.name;
        std::string vals;
        if (a.value && a.threshold)
            vals = " (value " + std::to_string(*a.value) + ", threshold " + std::to_string(*a.threshold) + ")";
        if (*a.whenFailed == "now" || *a.whenFailed == "FAILING_NOW" || *a.whenFailed == "NOW") {
            prefailNow = true;
            out.push_back({Signal::prefailBelowThreshold, what + " is at or below its failure threshold now" + vals});
        } else {
            out.push_back({Signal::pastBelowThreshold, what + " was at or below its failure threshold in the past" + vals});
        }
    }
    if (!prefailNow && (exitBits & smartctlPrefailBelow))
        out.push_back({Signal::prefailBelowThreshold, "smartctl reports prefailure attributes at or below their threshold"});

    if (s.reallocatedSectors && *s.reallocatedSectors > 0)
        out.push_back({Signal::reallocated, count(*s.reallocatedSectors, "sector has", "sectors have") +
                                                " been reallocated (remapped to spares after read/write failures)"});
    if (s.pendingSectors && *s.pendingSectors > 0)
        out.push_back({Signal::pending, count(*s.pendingSectors, "sector is", "sectors are") +
                                            " waiting to be remapped (pending); a rebuild that reads them will fail on them"});
    if (s.offlineUncorrectable && *s.offlineUncorrectable > 0)
        out.push_back({Signal::offlineUncorrectable,
                       count(*s.offlineUncorrectable, "sector", "sectors") +
                           " could not be read in the drive's own surface scan (offline uncorrectable); their data is lost on this drive"});
    if (s.reportedUncorrect && *s.reportedUncorrect > 0)
        out.push_back({Signal::reportedUncorrect, "the drive reported " +
                                                      count(*s.reportedUncorrect, "uncorrectable error", "uncorrectable errors") +
                                                      " to the host (data it could not read)"});
    if (s.commandTimeouts && *s.commandTimeouts > 0)
        out.push_back({Signal::commandTimeouts, count(*s.commandTimeouts, "command", "commands") +
                                                    " timed out in the drive (media retries, or power/cabling trouble)"});
    if (s.crcErrors && *s.crcErrors > 0)
        out.push_back({Signal::crcErrors, count(*s.crcErrors, "transfer CRC error", "transfer CRC errors") +
                                              ": reseat or replace the cable or backplane slot; the disk surface is not at fault"});
    if (s.grownDefects && *s.grownDefects > 0)
        out.push_back({Signal::grownDefects, count(*s.grownDefects, "block is", "blocks are") +
                                                 " in the grown defect list (reassigned by the drive after media errors)"});
    std::uint64_t scsiUnc = s.uncorrectedReadErrors.value_or(0) + s.uncorrectedWriteErrors.value_or(0);
    if (scsiUnc > 0)
        out.push_back({Signal::scsiUncorrected,
                       count(scsiUnc, "uncorrected read/write error", "uncorrected read/write errors") +
                           " in the drive's error counter log (data it could not recover)"});

    bool latestFailed = false;
    if (s.selfTest) {
        if (s.selfTest->lastResult && detail::selfTestStatusFailed(*s.selfTest->lastResult)) {
            latestFailed = true;
            out.push_back({Signal::lastSelfTestFailed,
                           "the most recent self-test failed ('" + *s.selfTest->lastResult + "'): the drive cannot read its own surface"});
        }
        if (!latestFailed && s.selfTest->failedCount && *s.selfTest->failedCount > 0)
            out.push_back({Signal::olderSelfTestFailed,
                           count(static_cast<std::uint64_t>(*s.selfTest->failedCount), "self-test", "self-tests") +
                               " in the drive's log failed"});
    }
    if (!s.selfTest && (exitBits & smartctlSelfTestErrors))
        out.push_back({Signal::olderSelfTestFailed, "smartctl reports failed self-tests in the drive's log"});

    if (s.errorLogCount && *s.errorLogCount > 0)
        out.push_back({Signal::errorLog, "the drive has logged " + count(*s.errorLogCount, "error", "errors") +
                                             " (ATA error log); look at their dates if other counters rise"});
    else if (!s.errorLogCount && (exitBits & smartctlErrorLog))
        out.push_back({Signal::errorLog, "smartctl reports entries in the drive's error log"});

    if (s.nvme) {
        const auto& n = *s.nvme;
        int cw = n.criticalWarning.value_or(0);
        static constexpr std::string_view bitText[] = {
            "the NVMe drive's spare capacity has fallen below its threshold: it is running out of replacement blocks",
            "the NVMe drive's temperature is beyond its limits: check airflow",
            "the NVMe drive reports its reliability is degraded by media or internal errors",
            "the NVMe drive has put its media in read-only mode: writes fail; replace it",
            "the NVMe drive's volatile memory backup (power-loss protection) has failed",
            "the NVMe drive's persistent memory region has become read-only",
        };
        for (const auto& wb : detail::risk::kNvmeWarningBits)
            if (cw & (1 << wb.bit))
                out.push_back({wb.signal, std::string(bitText[wb.bit]) + " (critical warning bit " + std::to_string(wb.bit) + ")"});
        if (!(cw & 1) && n.availableSparePct && n.availableSpareThresholdPct &&
            *n.availableSparePct < *n.availableSpareThresholdPct)
            out.push_back({Signal::nvmeSpareBelowThreshold,
                           "available spare " + std::to_string(*n.availableSparePct) + " % is below the drive's threshold of " +
                               std::to_string(*n.availableSpareThresholdPct) + " %"});
        if (n.mediaErrors && *n.mediaErrors > 0)
            out.push_back({Signal::mediaErrors, count(*n.mediaErrors, "media and data integrity error", "media and data integrity errors") +
                                                    " (data the drive could not recover)"});
        if (n.percentageUsed && *n.percentageUsed >= detail::risk::kRatedEndurancePct)
            out.push_back({Signal::wornOut, std::to_string(*n.percentageUsed) +
                                                " % of the rated write endurance is used: plan the replacement"});
    }
    if (s.enduranceUsedPct && *s.enduranceUsedPct >= detail::risk::kRatedEndurancePct)
        out.push_back({Signal::wornOut,
                       std::to_string(*s.enduranceUsedPct) + " % of the rated write endurance is used: plan the replacement"});
}

/// Whether the data carries any evidence about health at all.
bool hasHealthEvidence(const Smart& s) {
    return s.passed || s.smartctlExitStatus.value_or(0) & (smartctlDiskFailing | smartctlPrefailBelow) ||
           s.reallocatedSectors || s.pendingSectors || s.offlineUncorrectable || s.grownDefects ||
           s.uncorrectedReadErrors || (s.nvme && s.nvme->criticalWarning);
}

std::string percent(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2g", v * 100.0);
    return buf;
}

} // namespace

std::vector<std::string> describeSmartctlExit(int st) {
    std::vector<std::string> out;
    if (st & smartctlBadCommandLine) out.emplace_back("bit 0: the command line did not parse");
    if (st & smartctlOpenFailed) out.emplace_back("bit 1: the device could not be opened or did not answer IDENTIFY");
    if (st & smartctlCommandFailed)
        out.emplace_back("bit 2: a SMART or other command failed, or a SMART data structure had a bad checksum");
    if (st & smartctlDiskFailing) out.emplace_back("bit 3: SMART status says DISK FAILING");
    if (st & smartctlPrefailBelow) out.emplace_back("bit 4: prefailure attributes are at or below their threshold");
    if (st & smartctlPastBelow) out.emplace_back("bit 5: some attributes were at or below their threshold in the past");
    if (st & smartctlErrorLog) out.emplace_back("bit 6: the device error log contains errors");
    if (st & smartctlSelfTestErrors) out.emplace_back("bit 7: the self-test log contains errors");
    return out;
}

SmartAssessment assessSmart(const Smart& smart, std::optional<Media> media) {
    SmartAssessment a;
    std::vector<Finding> findings;
    collect(smart, findings);

    const Media m = media.value_or(detail::risk::kUnknownMediaBaseline);
    double baseline = 0;
    for (const auto& b : detail::risk::kBaselines)
        if (b.media == m) baseline = b.afr;

    double mult = 1.0;
    Health h = hasHealthEvidence(smart) || !findings.empty() ? Health::OK : Health::Unknown;
    for (const auto& f : findings) {
        const auto& fac = detail::risk::factor(f.signal);
        h = worse(h, fac.health);
        if (fac.predictsFailure) a.failurePredicted = true;
        mult = std::max(mult, fac.multiplier);
        a.risk.reasons.push_back(f.sentence);
        if (fac.health != Health::OK) a.reasons.push_back(f.sentence);
    }
    a.health = h;
    if (h != Health::Unknown) {
        // The signals are strongly correlated (a drive with pending sectors usually also has
        // reallocations); the field studies give single-signal conditionals, so the strongest one
        // is used instead of their product.
        a.risk.multiplier = mult;
        a.risk.afr = std::min(1.0, baseline * mult);
        if (mult > 1.0)
            a.risk.reasons.push_back("estimated annual failure rate " + percent(*a.risk.afr) + " %, " + percent(mult / 100.0) +
                                     "x the " + percent(baseline) + " % of a drive without these signs (field studies: see docs/smart.md)");
    }
    return a;
}

void applySmartAssessment(Drive& d) {
    if (!d.smart) return;
    auto a = assessSmart(*d.smart, d.media);
    // Inconclusive SMART (Unknown) does not override what the inventory already knows.
    if (a.health != Health::Unknown) d.health = d.health == Health::Unknown ? a.health : worse(d.health, a.health);
    d.failurePredicted = a.failurePredicted;
    d.risk = std::move(a.risk);
    for (auto& r : a.reasons) d.reasons.push_back(std::move(r));
}

} // namespace raidmon
