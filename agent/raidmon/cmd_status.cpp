// SPDX-License-Identifier: LGPL-2.1-or-later
// raidmon status: the host tree with health; exit 0 OK, 1 warning, 2 critical, 3 unknown.
#include <chrono>
#include <filesystem>
#include <iostream>

#include <raidmon/inventory.hpp>
#include <raidmon/json.hpp>
#include <raidmon/led.hpp>

#include "common.hpp"
#include "render.hpp"

namespace raidmon::cli {

namespace {

struct StatusOptions {
    bool noProbe = false;
    bool noMdstat = false;
};

int runStatus(const Globals& g, const StatusOptions& o) {
    Context ctx = makeContext(g);
    ScanOptions so;
    so.probeSignatures = !o.noProbe;
    so.crossCheckMdstat = !o.noMdstat;
    auto inv = scanInventory(ctx, so);
    if (!inv) {
        printError("status: " + inv.error().message);  // --json: the error document (main.cpp)
        return exitCode(Health::Unknown);
    }
    // Slot memory: where every drive sits, so its bay can be lit after it dies or is pulled.
    // The default state directory is used only once it exists (packaging creates it); an explicit
    // --state-dir is created.
    std::error_code ec;
    const std::filesystem::path stateDir = stateDirOf(g);
    if (!g.stateDir.empty() || std::filesystem::is_directory(stateDir, ec)) {
        if (auto mem = rememberSlots(ctx, stateDir, *inv); !mem) printError("status: slot memory not updated: " + mem.error().message);
    }
    if (g.json)
        std::cout << toJson(*inv, 2) << '\n';
    else {
        renderInventory(std::cout, *inv);
        // Which of the lights above raidmon set, and until when (raidmon leds has the details).
        if (auto leases = loadLeases(stateDir); leases && !leases->empty()) {
            std::cout << "\nLights set by raidmon\n";
            for (const auto& l : *leases) {
                std::cout << "  " << l.enclosure << ":" << l.slot << (l.label ? " " + *l.label : "") << "  "
                          << toString(l.pattern) << " via " << l.backend;
                if (l.expiresAt) {
                    auto left = std::chrono::duration_cast<std::chrono::seconds>(*l.expiresAt - ctx.clock->now());
                    if (left.count() >= 60) std::cout << "  " << left.count() / 60 << " min left";
                    else if (left.count() > 0) std::cout << "  <1 min left";
                    else std::cout << "  expired (off at the next `raidmon leds --expire`)";
                }
                std::cout << '\n';
            }
        }
    }
    return exitCode(inv->health);
}

} // namespace

void registerStatus(CLI::App& app, Globals& g, int& exitCode) {
    auto opts = std::make_shared<StatusOptions>();
    auto* sub = app.add_subcommand("status", "Controllers, enclosures and slots, drives and arrays of this host, with health");
    sub->add_flag("--no-probe", opts->noProbe, "Do not look for RAID/LVM/filesystem signatures on drives");
    sub->add_flag("--no-mdstat", opts->noMdstat, "Do not cross-check md arrays against /proc/mdstat");
    sub->callback([&g, &exitCode, opts] { exitCode = runStatus(g, *opts); });
}

} // namespace raidmon::cli
