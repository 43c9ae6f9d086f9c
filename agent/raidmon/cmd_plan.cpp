// SPDX-License-Identifier: LGPL-2.1-or-later
// raidmon plan ARRAY [--assume-failed DRIVE]: rebuild feasibility of a live array.
// raidmon safe-to-remove DRIVE|SLOT: would pulling it now lose data or redundancy.
// Both read the host through raidmon::scanInventory() and then call pure library functions.
// Exit status (monitoring-plugin practice): 0 rebuild_now / not_degraded / safe, 1 warning
// (backup_first, replace_risky_member_first; redundancy reduced), 2 critical (do_not_pull; loses
// data), 3 unknown (the host could not be read, the name matches nothing), 64 usage.
#include <iostream>
#include <memory>
#include <string>

#include <raidmon/inventory.hpp>
#include <raidmon/predict.hpp>
#include <raidmon/rebuild.hpp>
#include <raidmon/removal.hpp>

#include "common.hpp"
#include "rebuild_common.hpp"

namespace raidmon::cli {

namespace {

constexpr int kExitUnknown = 3;

/// The inventory, or nullopt after printing why (exit 3: the host state is unknown).
std::optional<Inventory> readInventory(const Globals& g, const char* cmd) {
    Context ctx = makeContext(g);
    auto inv = scanInventory(ctx);
    if (!inv) {
        printError(std::string(cmd) + ": cannot read the host's storage: " + inv.error().message);
        return std::nullopt;
    }
    return std::move(*inv);
}

int runPlan(const PlanRequest& a, const Globals& g) {
    if (auto flags = parseModelSettings(a.model); !flags) {
        printError("plan: " + flags.error().message);
        return kExitUsage;
    }
    auto inv = readInventory(g, "plan");
    if (!inv) return kExitUnknown;
    Context ctx = makeContext(g);
    std::vector<std::string> warnings;
    auto r = planRebuild(&ctx, *inv, a, warnings);
    for (const auto& w : warnings) printError("plan: " + w);
    if (!r) {
        printError("plan: " + r.error().message);
        return kExitUnknown;
    }
    if (g.json) {
        std::cout << toJson(*r) << "\n";
    } else {
        const Array& arr = **findArray(*inv, a.array);
        std::string heading = arr.name + " (" + arr.level.value_or("unknown level") + ", " + arr.kind + ", " + arr.state + ")";
        if (!a.assumeFailed.empty()) heading += ", assuming " + a.assumeFailed + " fails";
        printRebuildReport(std::cout, heading, *r);
    }
    return exitCode(r->recommendation);
}

int runSafeToRemove(const std::string& spec, const Globals& g) {
    auto inv = readInventory(g, "safe-to-remove");
    if (!inv) return kExitUnknown;
    auto target = resolveRemovalTarget(*inv, spec);
    if (!target) {
        printError("safe-to-remove: " + target.error().message);
        return kExitUnknown;
    }
    const auto a = assessRemoval(*inv, *target);
    if (g.json) {
        std::cout << toJson(a) << "\n";
    } else {
        std::cout << spec << ": " << toString(a.verdict) << "\n";
        for (const auto& s : a.reasons) std::cout << "  - " << s << "\n";
    }
    return exitCode(a.verdict);
}

} // namespace

void registerPlan(CLI::App& app, Globals& g, int& exitCode) {
    auto args = std::make_shared<PlanRequest>();
    auto* cmd = app.add_subcommand("plan", "Rebuild feasibility of a live array (what to do before replacing a drive)");
    cmd->add_option("ARRAY", args->array, "md0, /dev/md0, the array id or its UUID")->required();
    cmd->add_option("--assume-failed", args->assumeFailed, "Evaluate as if this drive failed (devnode, name, serial, WWN or id)");
    addModelFlags(*cmd, args->model);
    cmd->add_flag("--json", g.json, "Machine-readable JSON output");
    cmd->footer("Exit status: 0 rebuild_now/not_degraded, 1 backup_first/replace_risky_member_first, 2 do_not_pull, "
                "3 unknown, 64 usage.");
    cmd->callback([args, &g, &exitCode] { exitCode = runPlan(*args, g); });
}

void registerSafeToRemove(CLI::App& app, Globals& g, int& exitCode) {
    auto spec = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand("safe-to-remove", "Would pulling this drive (or the drive in this slot) lose data or redundancy?");
    cmd->add_option("TARGET", *spec, "A drive (devnode, kernel name, serial, WWN, id) or a slot (ENCLOSURE:INDEX or its label)")
        ->required();
    cmd->add_flag("--json", g.json, "Machine-readable JSON output");
    cmd->footer("Exit status: 0 safe, 1 redundancy reduced or lost / rebuild interrupted, 2 loses data, 3 unknown, 64 usage.");
    cmd->callback([spec, &g, &exitCode] { exitCode = runSafeToRemove(*spec, g); });
}

} // namespace raidmon::cli
