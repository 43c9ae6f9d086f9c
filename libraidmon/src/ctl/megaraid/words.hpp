// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// The MegaRAID firmware's words, shared by the storcli/perccli and the MegaCli/CmdTool2 decoders:
// both tools print the same firmware states and background operations, in long (MegaCli) or
// abbreviated (storcli) form. docs/decoders.md lists them with what each maps to.

#include <optional>
#include <string>
#include <string_view>

#include <raidmon/model.hpp>

namespace raidmon::detail::megaraid {

/// A background task on a virtual drive or physical drive, by the name either tool prints:
/// "Check Consistency" / "Consistency Check" / "CC", "Background Initialization" / "BGI",
/// "Initialization" / "Init", "Rebuild" / "Rbld", "Reconstruction" (online capacity expansion or
/// RAID level migration), "Copyback" / "Copy Back", "Patrol Read" / "PR".
/// @return the model's ArrayOperation::kind ("check", "initialize", "rebuild", "reshape",
///         "copyback", "patrol-read"), or nullopt for a name the grammar does not list.
std::optional<std::string> operationKind(std::string_view toolName);

/// "Consistency Check (36%)", "Completed 36%, Taken 42 min.", "36%", "36 %", "36,5%": the percentage.
std::optional<double> percentIn(std::string_view s);

/// Give an array its state from the firmware's VD state (already lower-case long form:
/// "optimal", "degraded", "partially degraded", "offline", "recovery") and its running
/// operation, then classify it. An unknown word leaves state "unknown" (health Unknown), with the
/// word kept in Array::arrayState by the caller.
/// @param anyMemberRebuilding a member drive is in state Rebuild (storcli Rbld, MegaCli "Rebuild")
/// @param label how the tool names the VD, for the reasons ("VD 0/0 (RAID5)")
void applyVdState(Array& a, std::string_view longState, bool anyMemberRebuilding, std::string_view label);

} // namespace raidmon::detail::megaraid
