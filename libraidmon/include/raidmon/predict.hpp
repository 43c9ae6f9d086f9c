// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#include <raidmon/export.hpp>

/// @file predict.hpp
/// @brief `raidmon predict` and `raidmon plan` as library calls: their settings as text, named as
/// on raidmon's command line (REBUILD-MODEL.md, "raidmon predict: the offline calculator's
/// interface"), parsed with the units of units.hpp, into the rebuild model's input. The CLI, the
/// C API (`raidmon_params`) and the Python module all go through these functions, so a value
/// means the same and is refused with the same message whichever way it comes in.
///
/// Errors name the setting as the command line spells it ("--capacity: '16XB': ...").

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <raidmon/context.hpp>
#include <raidmon/error.hpp>
#include <raidmon/model.hpp>
#include <raidmon/rebuild.hpp>

RAIDMON_API_BEGIN
namespace raidmon {

/// @brief The settings that tune the model, shared by predict and plan, as text (empty: not given).
struct ModelSettings {
    std::string ure;              ///< --ure: URE rate per bit, "1e-14"
    std::string ureModel;         ///< --ure-model: "spec" or "calibrated"
    std::string rebuildRate;      ///< --rebuild-rate: "150MB/s"
    std::string replaceDelay;     ///< --replace-delay: "4h"
    std::string policy;           ///< --policy: bad_block_log, puncture, abort, fail_member
    std::string sinceScrub;       ///< --since-scrub: "1y"
    std::string controllerShare;  ///< --controller-share: "30%"
    std::string speedLimitMin;    ///< --speed-limit-min: "1000KiB/s"
    std::string speedLimitMax;    ///< --speed-limit-max: "200000KiB/s"
};

/// @brief ModelSettings parsed.
struct ModelValues {
    std::optional<double> ureRate;
    UreModel ureModel = UreModel::spec;
    std::optional<double> deviceBytesPerSecond;
    double replaceDelayHours = 0;
    std::optional<SectorErrorPolicy> policy;
    std::optional<double> sinceScrubHours;
    std::optional<double> controllerShare;
    std::optional<double> speedMinKiBs;
    std::optional<double> speedMaxKiBs;
};

/// @brief Parse the model settings.
/// @return the values; invalid_argument naming the setting ("--ure: ...") for a value that does
///         not parse, is out of range, or contradicts another (md speed limits with a controller share).
Result<ModelValues> parseModelSettings(const ModelSettings& s);

/// @brief `raidmon predict`: a hypothetical array, as text (empty strings: not given).
struct PredictRequest {
    std::string level;         ///< --level (required): raid0 ... raid60, linear
    std::string drives;        ///< --drives (required): members before any failure
    std::string capacity;      ///< --capacity (required): per member, "16TB", "14TiB", "512B"
    std::string failed;        ///< --failed: members gone (default 1)
    std::string window;        ///< --window: overrides the computed window, "24h"
    std::string age;           ///< --age: power-on time of every member, "3y"
    std::string afr;           ///< --afr: annualised failure rate, "1.5%"
    std::string mttf;          ///< --mttf: "1e6h"
    std::string weibullShape;  ///< --weibull-shape
    std::string weibullScale;  ///< --weibull-scale: "302016h"
    std::string mttr;          ///< --mttr (with --mttf): Markov MTTDL
    std::string spans;         ///< --spans: raid50/raid60 (default 2)
    std::string copies;        ///< --copies: raid10/raid1e (default 2)
    std::string layout;        ///< --layout: md raid10 near, far or offset
    std::vector<std::string> multipliers;  ///< --multiplier MEMBER=FACTOR (repeatable)
    std::vector<std::string> smartFiles;   ///< --smart MEMBER=FILE (repeatable)
    ModelSettings model;

    /// @brief Set one setting by its command-line name without the dashes ("capacity",
    /// "weibull-shape"; '_' may stand for '-'); "multiplier" and "smart" append.
    /// @return invalid_argument naming the key if it is not a setting of `raidmon predict`.
    Result<void> set(std::string_view key, std::string value);
};

/// @brief Build the model's input from a predict request: failed members are the highest slots
/// whose loss the layout can still take (so two failures of a RAID10 fall in different mirrors).
/// @return the input; invalid_argument naming the setting; not_found naming a --smart FILE that
///         cannot be opened; the errors of smartRiskFromJson() prefixed with "--smart: FILE".
Result<RebuildInput> buildPredictInput(const PredictRequest& req);

/// @brief buildPredictInput() then evaluateRebuild().
/// @return the result; the errors of both (evaluateRebuild()'s as invalid_argument/unsupported).
Result<RebuildResult> predictRebuild(const PredictRequest& req);

/// @brief `raidmon plan ARRAY`: which array, what to assume, and the model settings.
struct PlanRequest {
    std::string array;         ///< md0, /dev/md0, the array id or its UUID (findArray())
    std::string assumeFailed;  ///< --assume-failed: a drive (findDrive()); empty: none
    ModelSettings model;

    /// @brief Set one setting by its command-line name ("assume-failed", "ure", ...; '_' for '-').
    /// @return invalid_argument naming the key if it is not a setting of `raidmon plan`.
    Result<void> set(std::string_view key, std::string value);
};

/// @brief The rebuild feasibility of an array of an inventory (what `raidmon plan` prints).
/// md arrays use the kernel's speed limits read through `ctx` (readMdSpeedLimits()), or md's
/// defaults when `ctx` is null or they cannot be read (a line in `warnings` says so).
/// @param[in] ctx the live host the inventory was read from, or nullptr (a decoded capture)
/// @param[in] inv the inventory holding the array and its drives
/// @param[in] req the array, the drive to assume failed and the model settings
/// @param[out] warnings what was assumed instead of read
/// @return the result; invalid_argument for a bad setting; not_found for an array or drive that
///         matches nothing (or an --assume-failed drive that is not an active member);
///         invalid_argument when a name is ambiguous; the errors of rebuildInputFromArray() and
///         evaluateRebuild() (the latter's message prefixed with the array's name).
Result<RebuildResult> planRebuild(const Context* ctx, const Inventory& inv, const PlanRequest& req,
                                  std::vector<std::string>& warnings);

} // namespace raidmon
RAIDMON_API_END
