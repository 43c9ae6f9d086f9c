// SPDX-License-Identifier: LGPL-2.1-or-later
// raidmond: the in-host agent. A thin wrapper over raidmon::runAgent(): options, logging to
// spdlog (stderr: journald adds the time), signals.
#include <csignal>
#include <cstdio>
#include <iostream>

#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <raidmon/text.hpp>
#include <raidmon/version.hpp>

#include "daemon/agent.hpp"
#include "daemon/peer.hpp"

namespace {

constexpr int kExitUsage = 64;     // EX_USAGE
constexpr int kExitNoInput = 66;   // EX_NOINPUT: the configuration file does not exist
constexpr int kExitSoftware = 70;  // EX_SOFTWARE
constexpr int kExitIoErr = 74;     // EX_IOERR: the state directory or outbox cannot be used
constexpr int kExitConfig = 78;    // EX_CONFIG

int stopPipe[2] = {-1, -1};

extern "C" void onSignal(int) {
    const char c = 1;
    (void)!::write(stopPipe[1], &c, 1);
}

spdlog::level::level_enum toSpd(raidmon::LogLevel l) {
    switch (l) {
    case raidmon::LogLevel::debug: return spdlog::level::debug;
    case raidmon::LogLevel::info: return spdlog::level::info;
    case raidmon::LogLevel::warning: return spdlog::level::warn;
    case raidmon::LogLevel::error: return spdlog::level::err;
    case raidmon::LogLevel::critical: return spdlog::level::critical;
    }
    return spdlog::level::info;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"raidmond: watches disks and RAID arrays and ships events to a panel"};
    app.set_version_flag("--version", raidmon::kVersion);
    std::string config, checkConfig, stateDir, procDir, etcDir, sysDir;
    bool noDeviceIo = false, foregroundDefaults = false;
    int verbose = 0;
    app.add_option("--config", config, "Configuration file (TOML, see docs/agent.md)");
    app.add_option("--check-config", checkConfig, "Validate a configuration file and exit (0, or 78 naming the key and line)");
    app.add_option("--state-dir", stateDir, "State directory (overrides agent.state_dir)");
    app.add_option("--proc", procDir, "Directory to read instead of /proc");
    app.add_option("--etc", etcDir, "Directory to read instead of /etc");
    app.add_flag("--foreground-defaults", foregroundDefaults,
                 "Run without a configuration file: built-in defaults, no sinks (events only in the outbox)");
    app.add_flag("--no-device-io", noDeviceIo, "Never open device nodes (no native SMART, no smartctl)");
    app.add_flag("-v,--verbose", verbose, "Debug logging");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : kExitUsage;
    }

    auto logger = spdlog::stderr_logger_st("raidmond");
    logger->set_pattern("raidmond[%P]: %l: %v");
    // Info by default: the events and delivery state changes belong in the journal.
    logger->set_level(verbose >= 1 ? spdlog::level::debug : spdlog::level::info);

    if (!checkConfig.empty()) {
        auto c = raidmon::loadAgentConfig(checkConfig);
        if (!c) {
            std::fprintf(stderr, "raidmond: %s\n", c.error().message.c_str());
            return c.error().is(raidmon::errc::not_found) ? kExitNoInput : kExitConfig;
        }
        // What only this host can tell: the control group exists.
        if (!c->controlGroup.empty())
            if (auto g = raidmon::agent::groupId(c->controlGroup); !g) {
                std::fprintf(stderr, "raidmond: %s: key 'agent.control_group': %s\n", checkConfig.c_str(), g.error().message.c_str());
                return kExitConfig;
            }
        std::printf("%s: OK (%zu sinks)\n", checkConfig.c_str(), c->sinks.size());
        return 0;
    }
    // A bare `raidmond` would poll the disks and deliver nowhere: the defaults are asked for by name.
    if (config.empty() && !foregroundDefaults) {
        std::fprintf(stderr, "raidmond: no configuration file: give --config FILE (the packaged one is "
                             "/etc/raidmon/raidmond.toml), or --foreground-defaults to run with the built-in "
                             "defaults and no sinks\n");
        return kExitUsage;
    }
    if (!config.empty() && foregroundDefaults) {
        std::fprintf(stderr, "raidmond: --config and --foreground-defaults exclude each other\n");
        return kExitUsage;
    }
    raidmon::AgentConfig cfg;
    if (!config.empty()) {
        auto c = raidmon::loadAgentConfig(config);
        if (!c) {
            std::fprintf(stderr, "raidmond: %s\n", c.error().message.c_str());
            return c.error().is(raidmon::errc::not_found) ? kExitNoInput : kExitConfig;
        }
        cfg = std::move(*c);
    }
    if (!stateDir.empty()) cfg.stateDir = stateDir;

    raidmon::Context ctx = raidmon::makeSystemContext();
    if (!procDir.empty()) ctx.paths.proc = procDir;
    if (!etcDir.empty()) ctx.paths.etc = etcDir;
    if (noDeviceIo) ctx.deviceIo = raidmon::DeviceIo::none;
    // Log lines quote drive serials, models and tools' messages: no escape sequence or line break
    // of theirs reaches the journal or a terminal (raidmon/text.hpp).
    ctx.log = [logger](raidmon::LogLevel l, std::string_view msg) { logger->log(toSpd(l), "{}", raidmon::terminalSafe(msg, false)); };

    if (::pipe2(stopPipe, O_CLOEXEC) != 0) {
        std::perror("raidmond: pipe");
        return kExitSoftware;
    }
    struct sigaction sa{};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    auto r = raidmon::runAgent(ctx, cfg, stopPipe[0]);
    if (!r) {
        logger->critical("{}", r.error().message);
        return r.error().is(raidmon::errc::invalid_argument) ? kExitConfig : kExitIoErr;
    }
    return 0;
}
