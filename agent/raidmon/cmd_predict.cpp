// SPDX-License-Identifier: LGPL-2.1-or-later
// raidmon predict: the rebuild model offline, for capacity planning. Flags and JSON keys are fixed
// by REBUILD-MODEL.md ("raidmon predict: the offline calculator's interface").
#include <iostream>
#include <memory>
#include <string>

#include <raidmon/predict.hpp>

#include "common.hpp"
#include "rebuild_common.hpp"

namespace raidmon::cli {

void registerPredict(CLI::App& app, Globals& g, int& exitCode) {
    auto args = std::make_shared<PredictRequest>();
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
    addModelFlags(*cmd, args->model);
    // REBUILD-MODEL.md writes --json after the subcommand's flags; accept it there too.
    cmd->add_flag("--json", g.json, "Machine-readable JSON output");
    cmd->footer("Exit status: 0 when an answer was computed (whatever it is), 64 for invalid input, 66 for a --smart FILE that cannot be opened.");
    cmd->callback([args, &g, &exitCode] {
        auto in = buildPredictInput(*args);
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
                               std::string(toString(in->layout.level)) + ", " + args->drives + " x " +
                                   args->capacity + (failedList.empty() ? ", nothing failed" : ", failed: " + failedList),
                               *r);
        }
        exitCode = 0;
    });
}

} // namespace raidmon::cli
