// SPDX-License-Identifier: LGPL-2.1-or-later
#include "rebuild_common.hpp"

#include <cstdio>


namespace raidmon::cli {

void addModelFlags(CLI::App& cmd, ModelSettings& m) {
    cmd.add_option("--ure", m.ure, "Unrecoverable read error rate per bit (default 1e-14; SSDs in `plan`: 1e-15)");
    cmd.add_option("--ure-model", m.ureModel, "spec (datasheet rate, an upper bound) or calibrated (field data)");
    cmd.add_option("--rebuild-rate", m.rebuildRate, "Sustained rebuild throughput, e.g. 150MB/s");
    cmd.add_option("--replace-delay", m.replaceDelay, "Time until the replacement is in, e.g. 4h");
    cmd.add_option("--policy", m.policy, "On an unreadable stripe: bad_block_log, puncture, abort or fail_member");
    cmd.add_option("--since-scrub", m.sinceScrub, "calibrated model: time since the last full read (check/scrub), e.g. 1y");
    cmd.add_option("--controller-share", m.controllerShare, "Hardware controller's rebuild rate, e.g. 30%");
    cmd.add_option("--speed-limit-min", m.speedLimitMin, "md speed_limit_min, e.g. 1000KiB/s");
    cmd.add_option("--speed-limit-max", m.speedLimitMax, "md speed_limit_max, e.g. 200000KiB/s");
}

namespace {
std::string pct(double p) {
    char buf[32];
    if (p > 0 && p < 1e-6) return "<0.0001 %";
    std::snprintf(buf, sizeof buf, "%.4g %%", p * 100);
    return buf;
}
std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}
std::string sci(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}
} // namespace

void printRebuildReport(std::ostream& os, const std::string& heading, const RebuildResult& r) {
    os << heading << "\n\n";
    if (r.degraded) {
        os << "  window             " << fixed(r.windowHours, 2) << " h (rebuild " << fixed(r.readHours, 2) << " h)\n"
           << "  p_ure              " << pct(r.pUre) << "\n"
           << "  p_second_failure   " << pct(r.pSecondFailure) << "\n"
           << "  p_array_loss       " << pct(r.pArrayLoss) << "\n"
           << "  p_sector_loss      " << pct(r.pSectorLoss) << "\n"
           << "  p_clean            " << pct(r.pClean) << "\n";
    }
    if (r.mttdlHours) os << "  MTTDL              " << sci(*r.mttdlHours) << " h\n";
    if (r.mttdlWithUreHours)
        os << "  MTTDL with UREs    " << sci(*r.mttdlWithUreHours) << " h (rebuild fails with h = " << pct(*r.rebuildFailureH)
           << ")\n";
    os << "\nRecommendation: " << toString(r.recommendation) << "\n";
    for (const auto& s : r.reasons) os << "  - " << s << "\n";
    bool header = false;
    for (const auto& m : r.members) {
        if (m.role == "other") continue;
        if (!header) {
            os << "\nMembers (failed, and those the rebuild depends on):\n";
            header = true;
        }
        os << "  " << m.name << "  " << m.role;
        if (m.role == "critical")
            os << "  read " << fixed(m.readBytes / 1e12, 2) << " TB  age " << fixed(m.ageHours, 0) << " h  x" << m.multiplier
               << "  p_fail " << pct(m.pFail) << "  p_ure " << pct(m.pUre) << "  share " << pct(m.riskShare);
        os << "\n";
        for (const auto& why : m.reasons) os << "      " << why << "\n";
    }
}

} // namespace raidmon::cli
