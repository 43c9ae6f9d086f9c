// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// The data behind assessSmart(): baseline failure rates and, per SMART signal, the verdict and the
// failure-rate multiplier, each with its source. docs/smart.md explains them for operators; change
// both together.
//
// Sources
//  [BB24]  Backblaze, "Backblaze Drive Stats for 2024" (annualized failure rate of all data HDDs:
//          1.57 %), as restated in "Backblaze Drive Stats for Q3 2025".
//  [BBSSD] Backblaze, "The SSD Edition: 2022 Drive Stats Review" (boot SSDs: AFR below 1 %).
//  [BB16]  Backblaze, "What SMART Stats Tell Us About Hard Drives" (2016): of failed drives 76.7 %
//          had SMART 5/187/188/197/198 raw > 0, of operational drives 4.2 % -> likelihood ratio
//          76.7 / 4.2 = 18.3.
//  [PWB07] Pinheiro, Weber, Barroso, "Failure Trends in a Large Disk Drive Population", FAST'07
//          (Google): after the first scan error drives are 39x more likely to fail within 60
//          days, after the first reallocation 14x, with probational (pending) counts 16x, after
//          the first offline reallocation 21x.
//  [SLM16] Schroeder, Lagisetty, Merchant, "Flash Reliability in Production: The Expected and the
//          Unexpected", FAST'16 (Google): 20-63 % of SSDs see at least one uncorrectable error in
//          four years, so an uncorrectable error can raise the failure odds by at most 1/0.20 = 5x;
//          wear-out was not the dominant failure cause within the drives' lifetimes.
//  [NVMe]  NVM Express Base Specification 2.0, Figure 207 (SMART / Health Information log,
//          Critical Warning bits).
//  [SPC]   SCSI Primary Commands (SPC-5) 7.3 log pages; a grown defect is a block the drive
//          reassigned after a media error, the SCSI counterpart of ATA attribute 5.

#include <array>
#include <optional>
#include <string_view>

#include <raidmon/model.hpp>

namespace raidmon::detail::risk {

/// Annualised failure rate of a drive with no adverse SMART signal.
struct Baseline {
    Media media;
    double afr;
    std::string_view source;
};

inline constexpr std::array kBaselines = {
    Baseline{Media::HDD, 0.0157, "[BB24] 1.57 % AFR, all Backblaze data HDDs, 2024"},
    Baseline{Media::SSD, 0.0100, "[BBSSD] boot SSDs below 1 % AFR, 2022"},
};

/// A drive whose media is unknown gets the HDD baseline (the higher of the two).
inline constexpr Media kUnknownMediaBaseline = Media::HDD;

/// The signals assessSmart() recognises.
enum class Signal {
    selfAssessmentFailed,   ///< ATA SMART RETURN STATUS / SCSI IE / smartctl bit 3: the drive says FAILED
    prefailBelowThreshold,  ///< a prefailure attribute at or below its threshold now (smartctl bit 4)
    pastBelowThreshold,     ///< some attribute was at or below threshold in the past (bit 5)
    reallocated,            ///< ATA 5 raw > 0
    pending,                ///< ATA 197 raw > 0
    offlineUncorrectable,   ///< ATA 198 raw > 0
    reportedUncorrect,      ///< ATA 187 raw > 0
    commandTimeouts,        ///< ATA 188 raw > 0
    crcErrors,              ///< ATA 199 raw > 0
    lastSelfTestFailed,     ///< the most recent self-test failed
    olderSelfTestFailed,    ///< failed self-tests in the log, the latest passed (or bit 7)
    errorLog,               ///< ATA error log has entries (bit 6)
    grownDefects,           ///< SCSI grown defect list length > 0
    scsiUncorrected,        ///< SCSI uncorrected read or write errors > 0
    nvmeSpareBelowThreshold,  ///< critical warning bit 0, or available spare < threshold
    nvmeTemperature,        ///< critical warning bit 1
    nvmeReliability,        ///< critical warning bit 2
    nvmeReadOnly,           ///< critical warning bit 3
    nvmeVolatileBackup,     ///< critical warning bit 4
    nvmePmrReadOnly,        ///< critical warning bit 5
    mediaErrors,            ///< NVMe media and data integrity errors > 0
    wornOut,                ///< NVMe percentage used / SCSI endurance used >= 100
};

/// What a signal means for the verdict.
struct Factor {
    Signal signal;
    Health health;          ///< the verdict it forces at least (OK: informational only)
    bool predictsFailure;   ///< sets Drive::failure_predicted
    double multiplier;      ///< failure-rate factor over the baseline (1 = no evidence of more risk)
    std::string_view source;
};

/// The drive's own failure declaration is not measured on its own by the field studies; it gets the
/// strongest published single-signal factor, [PWB07]'s 39x, as a floor.
inline constexpr double kSelfDeclared = 39.0;

inline constexpr std::array kFactors = {
    Factor{Signal::selfAssessmentFailed, Health::Critical, true, kSelfDeclared, "drive self-assessment; floor = [PWB07] 39x"},
    Factor{Signal::prefailBelowThreshold, Health::Critical, true, kSelfDeclared, "drive threshold trip; floor = [PWB07] 39x"},
    Factor{Signal::pastBelowThreshold, Health::OK, false, 1.0, "history only; no field study"},
    Factor{Signal::reallocated, Health::Warning, false, 14.0, "[PWB07] first reallocation: 14x within 60 days"},
    Factor{Signal::pending, Health::Warning, true, 16.0, "[PWB07] probational counts: 16x within 60 days"},
    Factor{Signal::offlineUncorrectable, Health::Warning, true, 39.0, "[PWB07] first scan error: 39x within 60 days"},
    Factor{Signal::reportedUncorrect, Health::Warning, false, 18.3, "[BB16] five-stat likelihood ratio 76.7/4.2"},
    // [BB16] watches 188 but publishes no figure for it alone, and the counter also counts timeouts
    // caused by cabling, power management and host resets: reported, not scored.
    Factor{Signal::commandTimeouts, Health::OK, false, 1.0, "[BB16] watched, no separate figure; not media-specific"},
    Factor{Signal::crcErrors, Health::OK, false, 1.0, "interface (cable/backplane) errors, a lifetime count; not a media signal in [BB16]"},
    Factor{Signal::lastSelfTestFailed, Health::Critical, true, 39.0, "a self-test read failure is a scan error: [PWB07] 39x"},
    Factor{Signal::olderSelfTestFailed, Health::Warning, false, 39.0, "a self-test read failure is a scan error: [PWB07] 39x"},
    Factor{Signal::errorLog, Health::OK, false, 1.0, "not a predictor in [BB16]; informational"},
    Factor{Signal::grownDefects, Health::Warning, false, 14.0, "[SPC] reassigned blocks = ATA 5; [PWB07] 14x"},
    Factor{Signal::scsiUncorrected, Health::Warning, false, 18.3, "counterpart of ATA 187; [BB16] 18.3x"},
    Factor{Signal::nvmeSpareBelowThreshold, Health::Critical, true, kSelfDeclared, "[NVMe] bit 0; floor = [PWB07] 39x"},
    Factor{Signal::nvmeTemperature, Health::Warning, false, 1.0, "[NVMe] bit 1; environmental, [PWB07] finds little temperature effect"},
    Factor{Signal::nvmeReliability, Health::Critical, true, kSelfDeclared, "[NVMe] bit 2; floor = [PWB07] 39x"},
    Factor{Signal::nvmeReadOnly, Health::Critical, true, kSelfDeclared, "[NVMe] bit 3; floor = [PWB07] 39x"},
    Factor{Signal::nvmeVolatileBackup, Health::Critical, false, 1.0, "[NVMe] bit 4; power-loss protection lost, not a wear signal"},
    Factor{Signal::nvmePmrReadOnly, Health::Critical, true, kSelfDeclared, "[NVMe] bit 5; floor = [PWB07] 39x"},
    Factor{Signal::mediaErrors, Health::Warning, false, 5.0, "[SLM16] upper bound 1/0.20"},
    Factor{Signal::wornOut, Health::Warning, false, 1.0, "[SLM16] wear-out not dominant; rated endurance reached"},
};

/// The NVMe Critical Warning bits [NVMe] and the signal each one raises.
struct WarningBit {
    int bit;
    Signal signal;
};
inline constexpr std::array kNvmeWarningBits = {
    WarningBit{0, Signal::nvmeSpareBelowThreshold}, WarningBit{1, Signal::nvmeTemperature},
    WarningBit{2, Signal::nvmeReliability},         WarningBit{3, Signal::nvmeReadOnly},
    WarningBit{4, Signal::nvmeVolatileBackup},      WarningBit{5, Signal::nvmePmrReadOnly},
};

/// Rated endurance, percent: NVMe "Percentage Used" and SCSI log page 11h reach 100 at the
/// manufacturer's rated life [NVMe Figure 207].
inline constexpr int kRatedEndurancePct = 100;

constexpr const Factor& factor(Signal s) {
    for (const auto& f : kFactors)
        if (f.signal == s) return f;
    return kFactors[0];  // unreachable: every Signal has a row (checked by a unit test)
}

} // namespace raidmon::detail::risk
