// SPDX-License-Identifier: LGPL-2.1-or-later
// raidmon predict: the rebuild model offline, for capacity planning. Flags and JSON keys are fixed
// by REBUILD-MODEL.md ("raidmon predict: the offline calculator's interface").
#include <charconv>
#include <fstream>
#include <memory>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <raidmon/rebuild.hpp>
#include <raidmon/removal.hpp>
#include <raidmon/units.hpp>

#include "common.hpp"
#include "rebuild_common.hpp"

namespace raidmon::cli {

namespace {

struct PredictArgs {
    std::string level, capacity, age, afr, mttf, weibullShape, weibullScale, mttr, window, layout;
    int drives = 0;
    int failed = 1;
    int spans = 0;
    int copies = 2;
    std::vector<std::string> multipliers, smartFiles;
    ModelFlags model;
};

/// "3=14" -> member 3 and the text after '='.
Result<std::pair<int, std::string>> memberAssignment(std::string_view flag, const std::string& text, int members) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
        return fail(errc::invalid_argument, std::string(flag) + ": '" + text + "': expected MEMBER=VALUE");
    int member = -1;
    const std::string idx = text.substr(0, eq);
    auto [p, ec] = std::from_chars(idx.data(), idx.data() + idx.size(), member);
    if (ec != std::errc() || p != idx.data() + idx.size() || member < 0 || member >= members)
        return fail(errc::invalid_argument, std::string(flag) + ": '" + idx + "': MEMBER is a slot number from 0 to " +
                                                std::to_string(members - 1));
    return std::pair{member, text.substr(eq + 1)};
}

/// The failed members: the highest slots whose loss the layout can still take, so that e.g.
/// --failed 2 on a RAID10 means two different mirror pairs (the array would be lost otherwise).
std::vector<bool> chooseFailed(const RaidLayout& layout, int count) {
    std::vector<bool> failed(static_cast<std::size_t>(layout.members), false);
    for (int k = 0; k < count; ++k) {
        int pick = -1;
        for (int s = layout.members - 1; s >= 0 && pick < 0; --s) {
            if (failed[static_cast<std::size_t>(s)]) continue;
            failed[static_cast<std::size_t>(s)] = true;
            auto left = redundancyLeft(layout, failed);
            if (left && *left >= 0) pick = s;
            failed[static_cast<std::size_t>(s)] = false;
        }
        if (pick < 0)  // no survivable choice: the array is lost whichever goes
            for (int s = layout.members - 1; s >= 0 && pick < 0; --s)
                if (!failed[static_cast<std::size_t>(s)]) pick = s;
        failed[static_cast<std::size_t>(pick)] = true;
    }
    return failed;
}

Result<RebuildInput> buildInput(const PredictArgs& a) {
    RebuildInput in;
    auto level = parseFlag("--level", a.level, parseRaidLevel);
    if (!level) return tl::unexpected(level.error());
    in.layout.level = *level;
    if (a.drives < 1) return fail(errc::invalid_argument, "--drives: must be at least 1");
    in.layout.members = a.drives;
    in.layout.copies = a.copies;
    if (*level == RaidLevel::raid50 || *level == RaidLevel::raid60) in.layout.spans = a.spans > 0 ? a.spans : 2;
    else if (a.spans > 0) return fail(errc::invalid_argument, "--spans: only for raid50 and raid60");
    if (!a.layout.empty()) {
        if (a.layout == "near") in.layout.raid10Layout = Raid10Layout::near;
        else if (a.layout == "far") in.layout.raid10Layout = Raid10Layout::far;
        else if (a.layout == "offset") in.layout.raid10Layout = Raid10Layout::offset;
        else return fail(errc::invalid_argument, "--layout: '" + a.layout + "': expected near, far or offset");
    }
    if (a.failed < 0 || a.failed > a.drives)
        return fail(errc::invalid_argument, "--failed: must be between 0 and --drives (" + std::to_string(a.drives) + ")");
    // Check the geometry before choosing failed members, so its errors name the flag.
    if (auto ok = redundancyLeft(in.layout, std::vector<bool>(static_cast<std::size_t>(a.drives))); !ok)
        return tl::unexpected(Error(ok.error().code, "--level/--drives: " + ok.error().message));

    auto capacity = parseFlag("--capacity", a.capacity, parseSize);
    if (!capacity) return tl::unexpected(capacity.error());
    if (*capacity <= 0) return fail(errc::invalid_argument, "--capacity: must be greater than zero");
    double age = 0;
    if (!a.age.empty()) {
        auto r = parseFlag("--age", a.age, parseDurationHours);
        if (!r) return tl::unexpected(r.error());
        age = *r;
    }

    // Lifetime distribution: one of --afr, --mttf, --weibull-shape/--weibull-scale.
    const int models = !a.afr.empty() + !a.mttf.empty() + (!a.weibullShape.empty() || !a.weibullScale.empty());
    if (models > 1) return fail(errc::invalid_argument, "--afr, --mttf and --weibull-shape/--weibull-scale exclude each other");
    if (!a.afr.empty()) {
        auto p = parseFlag("--afr", a.afr, parseProbability);
        if (!p) return tl::unexpected(p.error());
        auto h = hazardFromAfr(*p);
        if (!h) return fail(errc::invalid_argument, "--afr: '" + a.afr + "': must be above 0 % and below 100 %");
        in.hazard = *h;
    }
    if (!a.mttf.empty()) {
        auto t = parseFlag("--mttf", a.mttf, parseDurationHours);
        if (!t) return tl::unexpected(t.error());
        if (*t <= 0) return fail(errc::invalid_argument, "--mttf: must be greater than zero");
        in.hazard = Hazard{1.0, *t};
        in.mttfHours = *t;
    }
    if (!a.weibullShape.empty() || !a.weibullScale.empty()) {
        if (a.weibullShape.empty() || a.weibullScale.empty())
            return fail(errc::invalid_argument, "--weibull-shape and --weibull-scale go together");
        auto shape = parseFlag("--weibull-shape", a.weibullShape, parsePositive);
        if (!shape) return tl::unexpected(shape.error());
        auto scale = parseFlag("--weibull-scale", a.weibullScale, parseDurationHours);
        if (!scale) return tl::unexpected(scale.error());
        if (*scale <= 0) return fail(errc::invalid_argument, "--weibull-scale: must be greater than zero");
        in.hazard = Hazard{*shape, *scale};
    }
    if (!a.mttr.empty()) {
        if (a.mttf.empty()) return fail(errc::invalid_argument, "--mttr: needs --mttf (the Markov MTTDL uses both)");
        auto t = parseFlag("--mttr", a.mttr, parseDurationHours);
        if (!t) return tl::unexpected(t.error());
        if (*t <= 0) return fail(errc::invalid_argument, "--mttr: must be greater than zero");
        in.mttrHours = *t;
    }
    if (!a.window.empty()) {
        auto t = parseFlag("--window", a.window, parseDurationHours);
        if (!t) return tl::unexpected(t.error());
        in.windowHours = *t;
    }

    auto mv = a.model.parse();
    if (!mv) return tl::unexpected(mv.error());
    if (mv->ureRate) in.ureRate = *mv->ureRate;
    in.ureModel = mv->ureModel;
    if (mv->sinceScrubHours) in.sinceScrubHours = *mv->sinceScrubHours;
    if (mv->policy) in.policy = *mv->policy;
    in.replaceDelayHours = mv->replaceDelayHours;
    if (in.windowHours && *in.windowHours <= in.replaceDelayHours)
        return fail(errc::invalid_argument, "--window: must be longer than --replace-delay");
    in.rate.deviceBytesPerSecond = mv->deviceBytesPerSecond;
    if (mv->controllerShare) {
        in.rate.controllerShare = mv->controllerShare;
    } else {
        MdSpeedLimits limits;
        if (mv->speedMinKiBs) limits.minKiBs = *mv->speedMinKiBs;
        if (mv->speedMaxKiBs) limits.maxKiBs = *mv->speedMaxKiBs;
        if (limits.maxKiBs < limits.minKiBs)
            return fail(errc::invalid_argument, "--speed-limit-max: must not be below --speed-limit-min");
        in.rate.md = limits;
    }

    const auto failed = chooseFailed(in.layout, a.failed);
    in.members.resize(static_cast<std::size_t>(a.drives));
    for (std::size_t i = 0; i < in.members.size(); ++i) {
        auto& m = in.members[i];
        m.name = "member " + std::to_string(i);
        m.capacityBytes = *capacity;
        m.ageHours = age;
        m.failed = failed[i];
    }
    for (const auto& text : a.multipliers) {
        auto as = memberAssignment("--multiplier", text, a.drives);
        if (!as) return tl::unexpected(as.error());
        auto f = parseFlag("--multiplier", as->second, parsePositive);
        if (!f) return tl::unexpected(f.error());
        auto& m = in.members[static_cast<std::size_t>(as->first)];
        m.multiplier = *f;
        m.reasons.push_back("multiplier " + as->second + " given with --multiplier");
    }
    for (const auto& text : a.smartFiles) {
        auto as = memberAssignment("--smart", text, a.drives);
        if (!as) return tl::unexpected(as.error());
        std::ifstream file(as->second, std::ios::binary);
        if (!file) return fail(errc::not_found, "--smart: cannot open '" + as->second + "'");
        std::ostringstream content;
        content << file.rdbuf();
        auto risk = smartRiskFromJson(content.str());
        if (!risk) return tl::unexpected(Error(risk.error().code, "--smart: " + as->second + ": " + risk.error().message));
        auto& m = in.members[static_cast<std::size_t>(as->first)];
        m.multiplier = risk->multiplier;
        m.knownUnreadableSectors = risk->knownUnreadableSectors;
        if (risk->powerOnHours) m.ageHours = *risk->powerOnHours;
        m.reasons.insert(m.reasons.end(), risk->reasons.begin(), risk->reasons.end());
    }
    return in;
}

} // namespace

void registerPredict(CLI::App& app, Globals& g, int& exitCode) {
    auto args = std::make_shared<PredictArgs>();
    auto* cmd = app.add_subcommand("predict", "Rebuild feasibility of a hypothetical array (offline calculator)");
    cmd->add_option("--level", args->level, "raid0, raid1, raid1e, raid4, raid5, raid6, raid10, raid50, raid60, linear")->required();
    cmd->add_option("--drives", args->drives, "Members before any failure")->required();
    cmd->add_option("--capacity", args->capacity, "Per member, SI (3TB = 3e12 bytes) or IEC (TiB)")->required();
    cmd->add_option("--failed", args->failed, "Members gone (default 1)");
    cmd->add_option("--window", args->window, "Override the computed window, e.g. 24h");
    cmd->add_option("--age", args->age, "Power-on time of every member, e.g. 3y (y = 8760 h)");
    cmd->add_option("--afr", args->afr, "Annualised failure rate, e.g. 1.5% (exponential lifetimes)");
    cmd->add_option("--mttf", args->mttf, "Mean time to failure, e.g. 1e6h (exponential lifetimes)");
    cmd->add_option("--weibull-shape", args->weibullShape, "Weibull shape beta (default 1.13, Elerath & Pecht 2009)");
    cmd->add_option("--weibull-scale", args->weibullScale, "Weibull scale eta, e.g. 302016h");
    cmd->add_option("--mttr", args->mttr, "Mean time to repair, for the Markov MTTDL (with --mttf)");
    cmd->add_option("--multiplier", args->multipliers, "MEMBER=FACTOR: SMART risk multiplier of slot MEMBER (0-based)");
    cmd->add_option("--smart", args->smartFiles,
                    "MEMBER=FILE: {\"multiplier\": x}, or a drive as `raidmon decode --json`/`raidmon smart --json` print it");
    cmd->add_option("--spans", args->spans, "raid50/raid60: number of spans (default 2)");
    cmd->add_option("--copies", args->copies, "raid10/raid1e: copies of each chunk (default 2)");
    cmd->add_option("--layout", args->layout, "md raid10 layout: near (default), far or offset");
    args->model.add(*cmd);
    // REBUILD-MODEL.md writes --json after the subcommand's flags; accept it there too.
    cmd->add_flag("--json", g.json, "Machine-readable JSON output");
    cmd->footer("Exit status: 0 when an answer was computed (whatever it is), 64 for invalid input, 66 for a --smart FILE that cannot be opened.");
    cmd->callback([args, &g, &exitCode] {
        auto in = buildInput(*args);
        if (!in) {
            printError("predict: " + in.error().message);
            exitCode = in.error().is(errc::not_found) ? kExitNoInput : kExitUsage;  // --smart FILE missing
            return;
        }
        auto r = evaluateRebuild(*in);
        if (!r) {
            printError("predict: " + r.error().message);
            exitCode = kExitUsage;
            return;
        }
        if (g.json) {
            std::cout << toJson(*r) << "\n";
        } else {
            std::string failedList;
            for (const auto& m : in->members)
                if (m.failed) failedList += (failedList.empty() ? "" : ", ") + m.name;
            printRebuildReport(std::cout,
                               std::string(toString(in->layout.level)) + ", " + std::to_string(args->drives) + " x " +
                                   args->capacity + (failedList.empty() ? ", nothing failed" : ", failed: " + failedList),
                               *r);
        }
        exitCode = 0;
    });
}

} // namespace raidmon::cli
