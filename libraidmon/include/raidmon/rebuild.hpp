// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#include <raidmon/export.hpp>

/// @file rebuild.hpp
/// @brief Rebuild feasibility: if a degraded array is rebuilt now, how likely is it to finish with
/// no data lost, how long does it take, and what should the operator do first. Pure functions over
/// value types; the model, its assumptions and sources are in docs/rebuild-model.md.
///
/// Probabilities are fractions in [0, 1]; times are hours; sizes are bytes.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <raidmon/context.hpp>
#include <raidmon/error.hpp>
#include <raidmon/model.hpp>

RAIDMON_API_BEGIN
namespace raidmon {

/// @brief RAID levels the model understands (hardware names and md personalities).
enum class RaidLevel {
    raid0,   ///< striping, no redundancy (md raid0)
    linear,  ///< md linear concatenation, no redundancy
    raid1,   ///< n-way mirror: every member holds all data (md raid1, hardware RAID1)
    raid1e,  ///< striped mirror with each chunk's copy on the next member (IBM/Adaptec RAID1E)
    raid4,   ///< single dedicated parity
    raid5,   ///< single rotating parity
    raid6,   ///< double parity
    raid10,  ///< mirrored stripes: hardware spans of mirror sets, or md raid10 (see Raid10Layout)
    raid50,  ///< RAID0 over RAID5 spans
    raid60,  ///< RAID0 over RAID6 spans
};

/// @brief md raid10 layouts (md(4) "RAID10"); hardware RAID10 behaves like `near`.
enum class Raid10Layout {
    near,    ///< copies of a chunk on consecutive devices ("n2"); fixed mirror sets when the member
             ///< count is a multiple of the copies, otherwise chunks wrap around like RAID1E
    far,     ///< the copy lives in a far section on the next device ("f2")
    offset,  ///< the copy is on the next device in the next stripe ("o2")
};

/// @brief The geometry of an array.
struct RaidLayout {
    RaidLevel level = RaidLevel::raid5;
    int members = 0;  ///< raid disks, including failed ones
    int spans = 1;    ///< raid50/raid60: number of equal spans (members / spans each)
    int copies = 2;   ///< raid10/raid1e: copies of each chunk (hardware RAID10: mirror-set size)
    Raid10Layout raid10Layout = Raid10Layout::near;
};

/// @brief "raid0", "raid1", ..., "raid60", "linear".
std::string_view toString(RaidLevel level) noexcept;

/// @brief Parse a level name: "raid5", "RAID5", "5", "raid1e", "1e", "linear" (md's names as in
/// /sys/block/mdX/md/level, hardware names as storcli/ssacli print them without spaces).
/// @return the level; invalid_argument naming the text for anything else (md "multipath", "faulty"
///         and "container" are not arrays that rebuild: unsupported).
Result<RaidLevel> parseRaidLevel(std::string_view text);

/// @brief How unrecoverable reads (UREs) are modelled.
enum class UreModel {
    spec,        ///< datasheet bit error rate: P = 1-(1-r)^bits [Harris 2007]; an upper bound
    calibrated,  ///< field rate of latent sector errors per drive [Bairavasundaram et al. SIGMETRICS'07]
};

/// @brief What the RAID implementation does when a stripe cannot be reconstructed (an unreadable
/// sector on the last copy) during the rebuild.
enum class SectorErrorPolicy {
    /// md with a bad-block log (metadata 1.x, Linux >= 3.1): the stripe is recorded as bad on the
    /// new member and the rebuild continues. The array survives with unreadable stripes.
    bad_block_log,
    /// MegaRAID and others: the stripe is "punctured" (marked bad on every member) and the rebuild
    /// continues. The array survives with unreadable stripes.
    puncture,
    /// Controllers that stop the rebuild at the first unreadable stripe: the array stays online but
    /// degraded, and the rebuild cannot finish until the sector is dealt with.
    abort,
    /// md without a bad-block log (metadata 0.90, or the log full or disabled): md fails the member
    /// it could not read, which takes the array offline. An exposed URE counts as array loss.
    fail_member,
};

/// @brief "bad_block_log", "puncture", "abort", "fail_member".
std::string_view toString(SectorErrorPolicy p) noexcept;
/// @brief Parse the names above (also "bad-block-log", "fail-member").
/// @return the policy, or invalid_argument naming the text.
Result<SectorErrorPolicy> parseSectorErrorPolicy(std::string_view text);

/// @brief A whole-drive lifetime distribution: Weibull with shape beta and scale eta, cumulative
/// hazard H(t) = (t/eta)^beta; beta = 1 is the exponential case (eta = MTTF).
struct Hazard {
    /// Defaults: the operational-failure Weibull of Elerath & Pecht (IEEE Trans. Computers 58(3),
    /// 2009), beta = 1.13, eta = 302,016 h, also the example in REBUILD-MODEL.md.
    double shape = 1.13;
    double scaleHours = 302016.0;
};

/// @brief Exponential lifetimes with the given MTTF.
/// @return the hazard; invalid_argument if mttfHours is not finite and > 0.
Result<Hazard> exponentialHazard(double mttfHours);

/// @brief Exponential lifetimes with the given annualised failure rate (probability of failing
/// within 8760 h): MTTF = -8760 / ln(1 - afr).
/// @return the hazard; invalid_argument unless 0 < afr < 1.
Result<Hazard> hazardFromAfr(double afr);

/// @brief One member of the array as the model sees it.
struct MemberInput {
    std::string name;            ///< how reasons refer to it ("sdc", "slot 3")
    double capacityBytes = 0;    ///< bytes of this member the array uses (the component size)
    double ageHours = 0;         ///< power-on hours so far
    double multiplier = 1;       ///< SMART risk multiplier on the hazard (see smartRisk())
    std::optional<Hazard> hazard;   ///< overrides RebuildInput::hazard
    std::optional<double> ureRate;  ///< per-bit URE rate, overrides RebuildInput::ureRate
    std::uint64_t knownUnreadableSectors = 0;  ///< SMART 197/198 (or NVMe media errors): certain UREs when read
    bool failed = false;         ///< gone (or assumed gone): to be rebuilt
    std::vector<std::string> reasons;  ///< why its multiplier is what it is; copied to the result
};

/// @brief md's resync throttle (Documentation/admin-guide/md.rst, /proc/sys/dev/raid/speed_limit_*).
struct MdSpeedLimits {
    double minKiBs = 1000;    ///< kernel default speed_limit_min
    double maxKiBs = 200000;  ///< kernel default speed_limit_max
};

/// @brief How fast the rebuild writes the new member.
struct RebuildRate {
    /// Sustained throughput the members can deliver to the rebuild, bytes/s; nullopt = unknown
    /// (then md's ceiling is assumed, which is optimistic, and a reason says so).
    std::optional<double> deviceBytesPerSecond;
    /// md arrays: the rate is clamped to [min, max] (md throttles to min under other I/O and never
    /// exceeds max).
    std::optional<MdSpeedLimits> md;
    /// Hardware controllers: the share of throughput the controller gives a rebuild (MegaRAID
    /// "rebuild rate", default 30 %), in (0, 1].
    std::optional<double> controllerShare;
};

/// @brief Thresholds turning probabilities into a recommendation. These are operating policy, not
/// physics; the defaults are the project's and are explained in docs/rebuild-model.md.
struct RecommendationPolicy {
    double backupArrayLoss = 0.01;    ///< p_array_loss at or above this: back up first
    double backupSectorLoss = 0.05;   ///< p_sector_loss at or above this: back up first
    double riskyMultiplier = 10;      ///< a member with this multiplier or more is "risky"
};

/// @brief Everything the model needs.
struct RebuildInput {
    RaidLayout layout;
    std::vector<MemberInput> members;  ///< in slot order; size must equal layout.members
    UreModel ureModel = UreModel::spec;
    double ureRate = 1e-14;            ///< per bit; datasheets: 1e-14 desktop/nearline, 1e-15 enterprise
    /// calibrated model: time since each member was last read in full (a scrub or check), hours.
    double sinceScrubHours = 8760;
    SectorErrorPolicy policy = SectorErrorPolicy::bad_block_log;
    RebuildRate rate;
    double replaceDelayHours = 0;      ///< until the new member is in and the rebuild starts
    std::optional<double> windowHours; ///< overrides replace delay + capacity / rate
    double rebuiltFraction = 0;        ///< a rebuild already running: fraction done, [0, 1)
    bool hypothetical = false;         ///< the failures are assumed ("what if"), not real
    Hazard hazard;                     ///< default lifetime distribution of members
    std::optional<double> mttfHours;   ///< with mttrHours: also report Markov MTTDL
    std::optional<double> mttrHours;
    RecommendationPolicy thresholds;
};

/// @brief What to do. Each value is explained to the operator by RebuildResult::reasons.
enum class Recommendation {
    /// No member is missing: there is nothing to rebuild.
    not_degraded,
    /// Start the rebuild: the chance of losing anything is below the policy thresholds.
    rebuild_now,
    /// Copy the data somewhere safe before the rebuild stresses the survivors: the chance of losing
    /// the array or some stripes is above the policy thresholds.
    backup_first,
    /// A surviving member is much riskier than the rest and the array still has redundancy: replace
    /// it first (md: mdadm --replace; controllers: replace-member/copyback) while its data can still
    /// be reconstructed.
    replace_risky_member_first,
    /// Pulling (more) members loses data: the failed set already exceeds what the array tolerates.
    do_not_pull,
};

/// @brief "not_degraded", "rebuild_now", "backup_first", "replace_risky_member_first", "do_not_pull".
std::string_view toString(Recommendation r) noexcept;

/// @brief Monitoring-plugin exit code: 0 rebuild_now/not_degraded, 1 backup_first and
/// replace_risky_member_first, 2 do_not_pull.
int exitCode(Recommendation r) noexcept;

/// @brief One member's part in the result.
struct MemberResult {
    std::string name;
    std::string role;          ///< "failed", "critical" (must survive and is read), "other"
    double readBytes = 0;      ///< bytes the rebuild reads from it
    double ageHours = 0;
    double multiplier = 1;
    double pFail = 0;          ///< probability it fails within the window
    double expectedUres = 0;   ///< expected unreadable events while it is read
    double pUre = 0;           ///< probability of at least one
    double riskShare = 0;      ///< its share of (hazard + expected UREs) of the critical set
    std::vector<std::string> reasons;
};

/// @brief The model's answer.
struct RebuildResult {
    double pUre = 0;            ///< P(at least one URE while the critical set is read)
    double pArrayLoss = 0;      ///< P(more whole-drive failures than the redundancy left, in the window)
    double pSectorLoss = 0;     ///< P(array survives but some stripes are unreadable / rebuild aborted)
    double pClean = 1;          ///< 1 - pArrayLoss - pSectorLoss
    double pSecondFailure = 0;  ///< P(at least one more critical member fails in the window)
    double windowHours = 0;     ///< replacement delay + rebuild time
    double readHours = 0;       ///< the rebuild itself
    int remainingRedundancy = 0;  ///< smallest over the degraded groups; -1 if data is already lost
    bool degraded = false;
    Recommendation recommendation = Recommendation::not_degraded;
    std::vector<std::string> reasons;
    std::vector<MemberResult> members;
    std::optional<double> mttdlHours;         ///< Markov MTTDL without URE (when MTTF and MTTR given)
    std::optional<double> mttdlWithUreHours;  ///< ... with rebuild-failure probability h
    std::optional<double> rebuildFailureH;    ///< the h used: P(URE) of a rebuild with no redundancy left
};

/// @brief Evaluate a rebuild.
/// @param[in] in the array, its members and the environment
/// @return the result; invalid_argument naming the field ("members[2].capacityBytes ...") for any
///         value out of range or inconsistent; unsupported for md raid10/raid1e layouts with more
///         than two copies that do not form fixed mirror sets.
Result<RebuildResult> evaluateRebuild(const RebuildInput& in);

/// @brief Render a result as JSON with the keys of REBUILD-MODEL.md (p_ure, p_array_loss,
/// p_sector_loss, p_clean, p_second_failure, window_hours, mttdl_hours, recommendation, reasons,
/// members ...). indent < 0: one line.
std::string toJson(const RebuildResult& r, int indent = 2);

/// @brief Markov MTTDL of a RAID5 group: ((2n-1)L + U) / (n(n-1)L^2), and with rebuild-failure
/// probability h (a rebuild with no redundancy left fails, e.g. on a URE):
/// (nL + (n-1)L + U) / (nL((n-1)L + hU)).
/// @param[in] n members; mttfHours = 1/L; mttrHours = 1/U; h in [0, 1]
/// @return hours; invalid_argument naming the parameter (n < 2, non-positive times, h outside [0,1]).
Result<double> mttdlRaid5(int n, double mttfHours, double mttrHours, double h = 0);

/// @brief Markov MTTDL of a RAID6 group: [(3n^2-6n+2)L^2 + 2(n-1)LU + U^2] / (n(n-1)(n-2)L^3),
/// and with h applied to the rebuild that has no redundancy left.
/// @return hours; invalid_argument naming the parameter (n < 3, ...).
Result<double> mttdlRaid6(int n, double mttfHours, double mttrHours, double h = 0);

/// @brief MTTDL of any group of n members tolerating k failures: the birth-death chain with
/// failure rate (n-i)L, one repair at a time at rate U, and h on the repair from state k.
/// Reduces to mttdlRaid5/mttdlRaid6 for k = 1, 2.
/// @return hours; invalid_argument naming the parameter (k < 0, k >= n, ...).
Result<double> mttdlChain(int n, int k, double mttfHours, double mttrHours, double h = 0);

/// @brief One row of the SMART risk table: a signal, its multiplier on the failure hazard, and
/// where the factor comes from.
struct SmartRiskFactor {
    std::string_view signal;   ///< "ata_5_reallocated", "nvme_critical_warning", ...
    std::string_view description;  ///< what it means, for reasons
    double multiplier;         ///< factor over the population hazard
    std::string_view source;   ///< the publication, or why there is none
};

/// @brief The table (data, not code): one row per signal.
std::span<const SmartRiskFactor> smartRiskTable() noexcept;

/// @brief A drive's SMART-derived risk.
struct SmartRisk {
    double multiplier = 1;       ///< largest factor among the signals present (they co-occur)
    bool known = false;          ///< false: no SMART data at all (multiplier 1, reason says so)
    std::uint64_t knownUnreadableSectors = 0;  ///< max(ATA 197, ATA 198)
    std::optional<double> powerOnHours;        ///< smartRiskFromJson(): the drive's age, when given
    std::vector<std::string> reasons;
};

/// @brief Risk multiplier from normalised SMART data (nullopt: unknown).
/// @return the risk; never fails.
SmartRisk smartRisk(const std::optional<Smart>& smart);

/// @brief Risk from a JSON document: {"multiplier": x}, a drive as `raidmon decode --json` or
/// `raidmon smart --json` print it (an object with "smart"), or an inventory with one drive.
/// @return the risk; parse_error naming the problem for anything else.
Result<SmartRisk> smartRiskFromJson(std::string_view json);

/// @brief Options for rebuildInputFromArray().
struct PlanOptions {
    std::optional<std::string> assumeFailed;  ///< Drive::id of a member to treat as failed
    UreModel ureModel = UreModel::spec;
    std::optional<double> ureRate;            ///< default: 1e-14 HDD, 1e-15 SSD (JEDEC JESD218 client)
    /// nullopt: by Array::kind and metadata (md 1.x: bad_block_log, md 0.90: fail_member,
    /// megaraid: puncture, adaptec: puncture (bad stripe table), others: abort); see docs.
    std::optional<SectorErrorPolicy> policy;
    RebuildRate rate;
    double replaceDelayHours = 0;
    Hazard hazard;
    RecommendationPolicy thresholds;
};

/// @brief Build the model's input from a live array and the inventory's drives: member capacity
/// from the array size (else the drive), power-on hours as age, SMART as multipliers and known
/// unreadable sectors, md's speed limits, a running rebuild's progress.
/// @param[in] array the array (Array::level, members, state)
/// @param[in] drives drives to join with ArrayMember::drive
/// @param[in] opts options, including an optional drive to assume failed
/// @return the input; invalid_argument if the level is unknown or the array has no geometry;
///         not_found if assumeFailed is not an active member of the array; unsupported for levels
///         that do not rebuild (container, multipath).
Result<RebuildInput> rebuildInputFromArray(const Array& array, std::span<const Drive> drives,
                                           const PlanOptions& opts);

/// @brief Read md's speed limits: /proc/sys/dev/raid/speed_limit_{min,max}, overridden by
/// /sys/block/<md>/md/sync_speed_{min,max} when that says "(local)".
/// @param[in] ctx paths to /proc and /sys
/// @param[in] mdName "md0", or empty for the system-wide values only
/// @return the limits; io_error/device_gone if a file cannot be read; parse_error naming the file
///         for unexpected contents.
Result<MdSpeedLimits> readMdSpeedLimits(const Context& ctx, std::string_view mdName);

} // namespace raidmon
RAIDMON_API_END
