// SPDX-License-Identifier: LGPL-2.1-or-later
// raidmon: the command-line tool. Each subcommand lives in its own cmd_*.cpp and registers itself
// in the table below.
#include <cstdio>
#include <exception>
#include <iostream>

#include <raidmon/version.hpp>

#include "common.hpp"

int main(int argc, char** argv) {
    using namespace raidmon::cli;
    CLI::App app{"raidmon: disks, RAID arrays and enclosure slots of this server"};
    app.require_subcommand(1);
    app.fallthrough();  // global options may follow the subcommand: "raidmon status --json"
    app.set_version_flag("--version", raidmon::kVersion);
    Globals g;
    app.add_flag("--json", g.json, "Machine-readable JSON output");
    app.add_option("--root", g.root, "Read sys/, proc/, dev/, etc/, run/ under DIR (a recorded host)");
    app.add_option("--proc", g.procDir, "Directory to read instead of /proc");
    app.add_option("--etc", g.etcDir, "Directory to read instead of /etc");
    app.add_option("--state-dir", g.stateDir, "State directory (default /var/lib/raidmon)");
    app.add_flag("--no-device-io", g.noDeviceIo, "Never open device nodes; read only sysfs, udev and tools");
    app.add_flag("-v,--verbose", g.verbose, "Log to stderr (twice: debug)");

    int exitCode = 0;
    // One line per subcommand (keep sorted).
    const Register commands[] = {
        registerDecode,
        registerEvents,
        registerHotswap,
        registerIdentify,
        registerLeds,
        registerLocate,
        registerPlan,
        registerPredict,
        registerSafeToRemove,
        registerSmart,
        registerStatus,
        registerWatch,
    };
    for (auto reg : commands) reg(app, g, exitCode);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : kExitUsage;
    } catch (const std::exception& e) {
        printError(std::string("internal error: ") + e.what());
        return kExitSoftware;
    }
    return exitCode;
}
