// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// raidmond's hands for the hot-swap engine (raidmon/hotswap.hpp is pure): lights through the LED
// manager, the server identify light through the BMC, md changes through mdadm and the runner.

#include <filesystem>
#include <string>

#include <raidmon/context.hpp>
#include <raidmon/hotswap.hpp>
#include <raidmon/model.hpp>

namespace raidmon::agent {

struct ActionOutcome {
    bool ok = false;
    std::string message;  ///< what was done, or why it failed (names the file or the command)
};

/// Carry out one action against the host described by `inv`. Lights are leased in `stateDir`
/// (leds.json) for the incident's lifetime; md commands run `mdadm --manage` through ctx.runner.
/// `completed`: the incident ended with the bay's drive replaced and in sync; its light_off then also
/// clears a fault light another component set for the old drive (it would send the next technician
/// to a healthy drive).
ActionOutcome runHotswapAction(const Context& ctx, const Inventory& inv, const HotswapAction& action,
                               const std::filesystem::path& stateDir, bool completed = false);

} // namespace raidmon::agent
