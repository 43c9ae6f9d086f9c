// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Where each piece of data lives: an array is described as "protection sets", groups of members
// that hold the same data with a tolerance (how many of them may be lost). RAID5 is one set of n
// members tolerating 1; RAID10 is n/2 pairs tolerating 1 each; RAID1E/md raid10 far is a ring of
// overlapping pairs, each pair covering half of each member. Everything the model, plan and
// safe-to-remove need about geometry is derived from these sets.

#include <string>
#include <vector>

#include <raidmon/error.hpp>
#include <raidmon/rebuild.hpp>

namespace raidmon::detail {

/// A group of members holding the same data.
struct ProtectionSet {
    std::vector<int> slots;
    int tolerance = 0;       ///< members of the set that may be lost without losing its data
    double fraction = 1;     ///< share of each member's capacity that belongs to this set
    bool singleSource = false;  ///< mirrors: a rebuild reads one surviving copy, not all of them
};

/// The sets of a layout; invalid_argument naming the field for an inconsistent layout;
/// unsupported for rings with more than two copies.
Result<std::vector<ProtectionSet>> protectionSets(const RaidLayout& layout);

/// A member of a critical group: who must survive the rebuild and how much of it is read.
struct CriticalMember {
    int slot = 0;
    double readFraction = 0;      ///< share of its capacity read when nothing else fails
    double exposedFraction = 0;   ///< share read with no redundancy left (every survivor's part)
};

/// Members whose loss within the window loses data once `redundancy` more of them fail.
struct CriticalGroup {
    std::vector<CriticalMember> members;
    int redundancy = 0;
};

/// The critical groups for a set of failed slots.
struct CriticalPlan {
    std::vector<CriticalGroup> groups;  ///< disjoint; all redundancy-0 sets merged into one group
    bool degraded = false;
    bool dataLost = false;              ///< some set lost more than it tolerates
    int minRedundancy = 0;              ///< over degraded sets; -1 when data is lost
};

/// Degraded sets -> critical groups. `failed` has one flag per slot.
Result<CriticalPlan> criticalPlan(const RaidLayout& layout, const std::vector<bool>& failed);

} // namespace raidmon::detail
