// SPDX-License-Identifier: LGPL-2.1-or-later
#include "rebuild_common.hpp"

#include <cstdio>

#include <raidmon/units.hpp>

namespace raidmon::cli {

void ModelFlags::add(CLI::App& cmd) {
    cmd.add_option("--ure", ure, "Unrecoverable read error rate per bit (default 1e-14; SSDs in `plan`: 1e-15)");
    cmd.add_option("--ure-model", ureModel, "spec (datasheet rate, an upper bound) or calibrated (field data)");
    cmd.add_option("--rebuild-rate", rebuildRate, "Sustained rebuild throughput, e.g. 150MB/s");
    cmd.add_option("--replace-delay", replaceDelay, "Time until the replacement is in, e.g. 4h");
    cmd.add_option("--policy", policy, "On an unreadable stripe: bad_block_log, puncture, abort or fail_member");
    cmd.add_option("--since-scrub", sinceScrub, "calibrated model: time since the last full read (check/scrub), e.g. 1y");
    cmd.add_option("--controller-share", controllerShare, "Hardware controller's rebuild rate, e.g. 30%");
    cmd.add_option("--speed-limit-min", speedMin, "md speed_limit_min, e.g. 1000KiB/s");
    cmd.add_option("--speed-limit-max", speedMax, "md speed_limit_max, e.g. 200000KiB/s");
}

namespace {
/// If `text` was given, parse it into `out`; the error names the flag.
template <typename Parser, typename T>
Result<void> parseInto(std::string_view flag, const std::string& text, Parser parser, std::optional<T>& out) {
    if (text.empty()) return {};
    auto r = parseFlag(flag, text, parser);
    if (!r) return tl::unexpected(r.error());
    out = *r;
    return {};
}
} // namespace

Result<ModelFlags::Values> ModelFlags::parse() const {
    Values v;
    std::optional<double> delay, minRate, maxRate;
    for (auto ok : {parseInto("--ure", ure, parsePositive, v.ureRate),
                    parseInto("--rebuild-rate", rebuildRate, parseRate, v.deviceBytesPerSecond),
                    parseInto("--replace-delay", replaceDelay, parseDurationHours, delay),
                    parseInto("--policy", policy, parseSectorErrorPolicy, v.policy),
                    parseInto("--since-scrub", sinceScrub, parseDurationHours, v.sinceScrubHours),
                    parseInto("--controller-share", controllerShare, parseProbability, v.controllerShare),
                    parseInto("--speed-limit-min", speedMin, parseRate, minRate),
                    parseInto("--speed-limit-max", speedMax, parseRate, maxRate)})
        if (!ok) return tl::unexpected(ok.error());
    if (v.ureRate && *v.ureRate >= 1) return fail(errc::invalid_argument, "--ure: a rate per bit must be below 1");
    if (!ureModel.empty()) {
        if (ureModel == "spec") v.ureModel = UreModel::spec;
        else if (ureModel == "calibrated") v.ureModel = UreModel::calibrated;
        else return fail(errc::invalid_argument, "--ure-model: '" + ureModel + "': expected spec or calibrated");
    }
    v.replaceDelayHours = delay.value_or(0);
    if (v.controllerShare && *v.controllerShare <= 0) return fail(errc::invalid_argument, "--controller-share: must be above 0 %");
    if (minRate) v.speedMinKiBs = *minRate / 1024;
    if (maxRate) v.speedMaxKiBs = *maxRate / 1024;
    if ((v.speedMinKiBs || v.speedMaxKiBs) && v.controllerShare)
        return fail(errc::invalid_argument, "--controller-share: md speed limits and a controller share exclude each other");
    return v;
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
