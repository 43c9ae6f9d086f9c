// SPDX-License-Identifier: LGPL-2.1-or-later
// `raidmon predict` and `raidmon plan` from their settings as text (raidmon/predict.hpp): the one
// place where the CLI, the C API and the Python module turn what a person typed into the model's input.
#include <raidmon/predict.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <utility>

#include <raidmon/removal.hpp>
#include <raidmon/units.hpp>

#include "core/strutil.hpp"

namespace raidmon {

namespace {

/// Parse `value` with `parser`, prefixing an error with the flag name.
template <typename Parser>
auto parseFlag(std::string_view flag, const std::string& value, Parser parser) -> decltype(parser(value)) {
    auto r = parser(value);
    if (!r) return tl::unexpected(Error(r.error().code, std::string(flag) + ": " + r.error().message));
    return r;
}

/// If `text` was given, parse it into `out`; the error names the flag.
template <typename Parser, typename T>
Result<void> parseInto(std::string_view flag, const std::string& text, Parser parser, std::optional<T>& out) {
    if (text.empty()) return {};
    auto r = parseFlag(flag, text, parser);
    if (!r) return tl::unexpected(r.error());
    out = *r;
    return {};
}

/// A whole number setting: `fallback` when not given.
Result<int> intFlag(std::string_view flag, const std::string& text, int fallback) {
    if (text.empty()) return fallback;
    auto v = detail::parseInt<int>(text);
    if (!v) return fail(errc::invalid_argument, std::string(flag) + ": '" + text + "': not a whole number");
    return *v;
}

/// "3=14" -> member 3 and the text after '='.
Result<std::pair<int, std::string>> memberAssignment(std::string_view flag, const std::string& text, int members) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
        return fail(errc::invalid_argument, std::string(flag) + ": '" + text + "': expected MEMBER=VALUE");
    const std::string idx = text.substr(0, eq);
    auto member = detail::parseInt<int>(idx);
    if (!member || *member < 0 || *member >= members)
        return fail(errc::invalid_argument, std::string(flag) + ": '" + idx + "': MEMBER is a slot number from 0 to " +
                                                std::to_string(members - 1));
    return std::pair{*member, text.substr(eq + 1)};
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

/// Command-line name of a key: "weibull_shape" -> "weibull-shape".
std::string flagName(std::string_view key) {
    std::string k(key);
    std::replace(k.begin(), k.end(), '_', '-');
    return k;
}

/// The model settings by command-line name; nullptr if `key` is not one.
std::string* modelField(ModelSettings& m, std::string_view key) {
    if (key == "ure") return &m.ure;
    if (key == "ure-model") return &m.ureModel;
    if (key == "rebuild-rate") return &m.rebuildRate;
    if (key == "replace-delay") return &m.replaceDelay;
    if (key == "policy") return &m.policy;
    if (key == "since-scrub") return &m.sinceScrub;
    if (key == "controller-share") return &m.controllerShare;
    if (key == "speed-limit-min") return &m.speedLimitMin;
    if (key == "speed-limit-max") return &m.speedLimitMax;
    return nullptr;
}

} // namespace

Result<ModelValues> parseModelSettings(const ModelSettings& s) {
    ModelValues v;
    std::optional<double> delay, minRate, maxRate;
    for (auto ok : {parseInto("--ure", s.ure, parsePositive, v.ureRate),
                    parseInto("--rebuild-rate", s.rebuildRate, parseRate, v.deviceBytesPerSecond),
                    parseInto("--replace-delay", s.replaceDelay, parseDurationHours, delay),
                    parseInto("--policy", s.policy, parseSectorErrorPolicy, v.policy),
                    parseInto("--since-scrub", s.sinceScrub, parseDurationHours, v.sinceScrubHours),
                    parseInto("--controller-share", s.controllerShare, parseProbability, v.controllerShare),
                    parseInto("--speed-limit-min", s.speedLimitMin, parseRate, minRate),
                    parseInto("--speed-limit-max", s.speedLimitMax, parseRate, maxRate)})
        if (!ok) return tl::unexpected(ok.error());
    if (v.ureRate && *v.ureRate >= 1) return fail(errc::invalid_argument, "--ure: a rate per bit must be below 1");
    if (!s.ureModel.empty()) {
        if (s.ureModel == "spec") v.ureModel = UreModel::spec;
        else if (s.ureModel == "calibrated") v.ureModel = UreModel::calibrated;
        else return fail(errc::invalid_argument, "--ure-model: '" + s.ureModel + "': expected spec or calibrated");
    }
    v.replaceDelayHours = delay.value_or(0);
    if (v.controllerShare && *v.controllerShare <= 0) return fail(errc::invalid_argument, "--controller-share: must be above 0 %");
    if (minRate) v.speedMinKiBs = *minRate / 1024;
    if (maxRate) v.speedMaxKiBs = *maxRate / 1024;
    if ((v.speedMinKiBs || v.speedMaxKiBs) && v.controllerShare)
        return fail(errc::invalid_argument, "--controller-share: md speed limits and a controller share exclude each other");
    return v;
}

Result<void> PredictRequest::set(std::string_view key, std::string value) {
    const std::string k = flagName(key);
    std::string* field = modelField(model, k);
    if (k == "level") field = &level;
    else if (k == "drives") field = &drives;
    else if (k == "capacity") field = &capacity;
    else if (k == "failed") field = &failed;
    else if (k == "window") field = &window;
    else if (k == "age") field = &age;
    else if (k == "afr") field = &afr;
    else if (k == "mttf") field = &mttf;
    else if (k == "weibull-shape") field = &weibullShape;
    else if (k == "weibull-scale") field = &weibullScale;
    else if (k == "mttr") field = &mttr;
    else if (k == "spans") field = &spans;
    else if (k == "copies") field = &copies;
    else if (k == "layout") field = &layout;
    else if (k == "multiplier") {
        multipliers.push_back(std::move(value));
        return {};
    } else if (k == "smart") {
        smartFiles.push_back(std::move(value));
        return {};
    }
    if (!field) return fail(errc::invalid_argument, "predict: '" + std::string(key) + "': no such setting");
    *field = std::move(value);
    return {};
}

Result<void> PlanRequest::set(std::string_view key, std::string value) {
    const std::string k = flagName(key);
    std::string* field = modelField(model, k);
    if (k == "array") field = &array;
    else if (k == "assume-failed") field = &assumeFailed;
    if (!field) return fail(errc::invalid_argument, "plan: '" + std::string(key) + "': no such setting");
    *field = std::move(value);
    return {};
}

Result<RebuildInput> buildPredictInput(const PredictRequest& a) {
    RebuildInput in;
    if (a.level.empty()) return fail(errc::invalid_argument, "--level: required (raid0 ... raid60, linear)");
    if (a.drives.empty()) return fail(errc::invalid_argument, "--drives: required");
    if (a.capacity.empty()) return fail(errc::invalid_argument, "--capacity: required (per member, e.g. 16TB)");
    auto level = parseFlag("--level", a.level, parseRaidLevel);
    if (!level) return tl::unexpected(level.error());
    auto drives = intFlag("--drives", a.drives, 0);
    auto failedCount = intFlag("--failed", a.failed, 1);
    auto spans = intFlag("--spans", a.spans, 0);
    auto copies = intFlag("--copies", a.copies, 2);
    for (const auto* r : {&drives, &failedCount, &spans, &copies})
        if (!*r) return tl::unexpected(r->error());
    in.layout.level = *level;
    if (*drives < 1) return fail(errc::invalid_argument, "--drives: must be at least 1");
    in.layout.members = *drives;
    in.layout.copies = *copies;
    if (*level == RaidLevel::raid50 || *level == RaidLevel::raid60) in.layout.spans = *spans > 0 ? *spans : 2;
    else if (*spans > 0) return fail(errc::invalid_argument, "--spans: only for raid50 and raid60");
    if (!a.layout.empty()) {
        if (a.layout == "near") in.layout.raid10Layout = Raid10Layout::near;
        else if (a.layout == "far") in.layout.raid10Layout = Raid10Layout::far;
        else if (a.layout == "offset") in.layout.raid10Layout = Raid10Layout::offset;
        else return fail(errc::invalid_argument, "--layout: '" + a.layout + "': expected near, far or offset");
    }
    if (*failedCount < 0 || *failedCount > *drives)
        return fail(errc::invalid_argument, "--failed: must be between 0 and --drives (" + std::to_string(*drives) + ")");
    // Check the geometry before choosing failed members, so its errors name the flag.
    if (auto ok = redundancyLeft(in.layout, std::vector<bool>(static_cast<std::size_t>(*drives))); !ok)
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

    auto mv = parseModelSettings(a.model);
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

    const auto failed = chooseFailed(in.layout, *failedCount);
    in.members.resize(static_cast<std::size_t>(*drives));
    for (std::size_t i = 0; i < in.members.size(); ++i) {
        auto& m = in.members[i];
        m.name = "member " + std::to_string(i);
        m.capacityBytes = *capacity;
        m.ageHours = age;
        m.failed = failed[i];
    }
    for (const auto& text : a.multipliers) {
        auto as = memberAssignment("--multiplier", text, *drives);
        if (!as) return tl::unexpected(as.error());
        auto f = parseFlag("--multiplier", as->second, parsePositive);
        if (!f) return tl::unexpected(f.error());
        auto& m = in.members[static_cast<std::size_t>(as->first)];
        m.multiplier = *f;
        m.reasons.push_back("multiplier " + as->second + " given with --multiplier");
    }
    for (const auto& text : a.smartFiles) {
        auto as = memberAssignment("--smart", text, *drives);
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

Result<RebuildResult> predictRebuild(const PredictRequest& req) {
    auto in = buildPredictInput(req);
    if (!in) return tl::unexpected(in.error());
    return evaluateRebuild(*in);
}

Result<RebuildResult> planRebuild(const Context* ctx, const Inventory& inv, const PlanRequest& req,
                                  std::vector<std::string>& warnings) {
    auto flags = parseModelSettings(req.model);
    if (!flags) return tl::unexpected(flags.error());
    auto array = findArray(inv, req.array);
    if (!array) return tl::unexpected(array.error());
    PlanOptions o;
    if (!req.assumeFailed.empty()) {
        auto d = findDrive(inv, req.assumeFailed);
        if (!d) return tl::unexpected(Error(d.error().code, "--assume-failed: " + d.error().message));
        o.assumeFailed = (*d)->id;
    }
    o.ureModel = flags->ureModel;
    o.ureRate = flags->ureRate;
    o.policy = flags->policy;
    o.replaceDelayHours = flags->replaceDelayHours;
    o.rate.deviceBytesPerSecond = flags->deviceBytesPerSecond;
    o.rate.controllerShare = flags->controllerShare;
    const Array& arr = **array;
    if (arr.kind == "md" && !flags->controllerShare) {
        // md's limits as this kernel has them, unless given.
        MdSpeedLimits l;
        if (ctx) {
            auto limits = readMdSpeedLimits(*ctx, arr.name);
            if (limits) l = *limits;
            else warnings.push_back(limits.error().message + " (using md's defaults)");
        } else {
            warnings.push_back(arr.name + ": not a live host: md's default speed limits are assumed");
        }
        if (flags->speedMinKiBs) l.minKiBs = *flags->speedMinKiBs;
        if (flags->speedMaxKiBs) l.maxKiBs = *flags->speedMaxKiBs;
        o.rate.md = l;
    }
    auto in = rebuildInputFromArray(arr, inv.drives, o);
    if (!in) return tl::unexpected(in.error());
    if (flags->sinceScrubHours) in->sinceScrubHours = *flags->sinceScrubHours;
    auto r = evaluateRebuild(*in);
    if (!r) return tl::unexpected(Error(r.error().code, arr.name + ": " + r.error().message));
    return r;
}

} // namespace raidmon
