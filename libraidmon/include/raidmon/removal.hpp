// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#include <raidmon/export.hpp>

/// @file removal.hpp
/// @brief "Is it safe to pull this drive (or whatever sits in this slot) now?" as a pure function of
/// the inventory, for md and hardware-controller arrays alike; and the lookups the CLI needs to turn
/// what a person types (md0, /dev/sdc, a serial, "0x5000...:4", a bay label) into model entities.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <raidmon/error.hpp>
#include <raidmon/model.hpp>
#include <raidmon/rebuild.hpp>

RAIDMON_API_BEGIN
namespace raidmon {

/// @brief What pulling the drive would do, ordered from harmless to worst.
enum class RemovalVerdict {
    /// Nothing is lost: the drive is a spare, unconfigured, already failed, not in any array and
    /// carries no data signature, or the slot is empty.
    safe,
    /// The drive is the target of a running rebuild or replacement: pulling it throws that work
    /// away, but no data and no existing redundancy is lost.
    interrupts_rebuild,
    /// Every affected array keeps at least one level of redundancy afterwards.
    reduces_redundancy,
    /// An affected array keeps all its data but has no redundancy left: one more failure or one
    /// unreadable sector then loses data.
    loses_last_redundancy,
    /// An affected array loses data or goes offline (no redundancy left before, RAID0/linear, or the
    /// array is already failed and needs this member to be recovered).
    loses_data,
    /// raidmon cannot tell: the level or the member's role is unknown, or the drive holds a
    /// filesystem outside any array.
    unknown,
};

/// @brief "safe", "interrupts_rebuild", "reduces_redundancy", "loses_last_redundancy",
/// "loses_data", "unknown".
std::string_view toString(RemovalVerdict v) noexcept;

/// @brief Exit code: 0 safe, 1 interrupts_rebuild / reduces_redundancy / loses_last_redundancy,
/// 2 loses_data, 3 unknown.
int exitCode(RemovalVerdict v) noexcept;

/// @brief The effect on one array.
struct RemovalImpact {
    std::string arrayId;
    std::string arrayName;
    RemovalVerdict verdict = RemovalVerdict::unknown;
    std::optional<int> redundancyBefore;  ///< failures it can still take now
    std::optional<int> redundancyAfter;   ///< ... after the pull (-1: data lost)
    std::vector<std::string> reasons;
};

/// @brief What was asked about: a drive (with its bay when the inventory knows it), or a slot (which
/// may be empty).
struct RemovalTarget {
    std::optional<std::string> driveId;      ///< Drive::id
    std::optional<std::string> enclosureId;  ///< the slot asked about, or the bay of the drive asked about (when known)
    std::optional<int> slotIndex;
    std::optional<std::string> slotLabel;
};

/// @brief The answer.
struct RemovalAssessment {
    RemovalTarget target;
    RemovalVerdict verdict = RemovalVerdict::unknown;  ///< the worst over `arrays` and the drive itself
    std::vector<std::string> reasons;
    std::vector<RemovalImpact> arrays;                 ///< every array the drive is a member of
};

/// @brief Find a drive by Drive::id, devnode ("/dev/sdc"), kernel name ("sdc"), serial or WWN
/// (with or without "0x"/"wwn-" prefix). Case-sensitive except for WWNs.
/// @return the drive; not_found if nothing matches; invalid_argument if several drives match.
Result<const Drive*> findDrive(const Inventory& inv, std::string_view spec);

/// @brief Find an array by name ("md0", "/dev/md0", "VD 1"), Array::id or UUID.
/// @return the array; not_found if nothing matches; invalid_argument if several match.
Result<const Array*> findArray(const Inventory& inv, std::string_view spec);

/// @brief Resolve "DRIVE|SLOT": a drive as findDrive(), or a slot as "enclosure:slot" (enclosure id
/// and slot index) or a slot label ("Slot 04", "Bay 3").
/// @return the target; not_found / invalid_argument (ambiguous) as above.
Result<RemovalTarget> resolveRemovalTarget(const Inventory& inv, std::string_view spec);

/// @brief Assess pulling the target now.
/// @return the assessment; never fails (what cannot be decided is `unknown`, with a reason).
RemovalAssessment assessRemoval(const Inventory& inv, const RemovalTarget& target);

/// @brief The geometry of a live array as far as the model can tell, with the assumptions made.
/// @return the layout; invalid_argument if the level or the member count is unknown;
///         unsupported for levels that are not redundancy schemes (container, multipath).
Result<RaidLayout> layoutOf(const Array& array, std::vector<std::string>& assumptions);

/// @brief Failures the layout can still take given the failed slots, minimised over all data
/// (-1: data already lost).
/// @param[in] failed one flag per slot (size = layout.members)
/// @return the redundancy; invalid_argument if the sizes disagree or the layout is inconsistent.
Result<int> redundancyLeft(const RaidLayout& layout, const std::vector<bool>& failed);

/// @brief Render as JSON (target, verdict, reasons, arrays[]). indent < 0: one line.
std::string toJson(const RemovalAssessment& a, int indent = 2);

} // namespace raidmon
RAIDMON_API_END
