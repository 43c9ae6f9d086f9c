// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Pure md rules shared by the sysfs reader and the /proc/mdstat decoder.

#include <optional>
#include <string>
#include <string_view>

#include <raidmon/model.hpp>

namespace raidmon::detail {

/// md's level words to the model's ("raid1", "linear", "container", ...). "0"/"1"/"5" (old mdadm
/// style) are accepted too. nullopt for an empty word.
std::optional<std::string> normalizeMdLevel(std::string_view word);

/// How many member failures the level survives when all members are present.
/// raid1: n-1; raid4/5: 1; raid6: 2; raid10: copies-1 (near*far copies, default 2);
/// raid0/linear/multipath-less: 0; nullopt for an unknown level.
std::optional<int> mdRedundancy(std::string_view level, int raidDisks, std::optional<int> copies);

/// Number of copies of a raid10 layout word from sysfs md/layout (near = bits 0-7, far = 8-15).
std::optional<int> raid10Copies(unsigned long layout);

/// Fill Array::state, redundancyLeft, health and reasons from the other fields (level, raidDisks,
/// activeDisks, arrayState, operation). `missing` is how many slots have no working member.
void classifyMdArray(Array& a, int missing, std::optional<int> copies);

/// The state/health part of classifyMdArray(), without the per-member findings.
void classifyMdState(Array& a, int missing, std::optional<int> copies);

/// The model's operation kind for md's sync_action word ("recover" -> "recovery", "idle" -> nullopt).
std::optional<std::string> mdOperationKind(std::string_view syncAction);

} // namespace raidmon::detail
