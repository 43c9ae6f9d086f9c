// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Shared plumbing of the raidmon subcommands: global options, context construction, exit codes.

#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>

#include <raidmon/context.hpp>
#include <raidmon/error.hpp>

namespace raidmon::cli {

/// A drive, slot, array or incident the command line names does not exist: 3 (UNKNOWN in the
/// monitoring-plugin 0..3 every subcommand uses), the same for every subcommand (raidmon(8)).
inline constexpr int kExitNotFound = 3;
/// Exit codes beyond the monitoring-plugin 0..3 (sysexits.h values where one fits).
inline constexpr int kExitUsage = 64;     // EX_USAGE: bad command line
inline constexpr int kExitDataErr = 65;   // EX_DATAERR: input it cannot decode
inline constexpr int kExitNoInput = 66;   // EX_NOINPUT: a named file cannot be opened
inline constexpr int kExitSoftware = 70;  // EX_SOFTWARE: internal error
inline constexpr int kExitConfig = 78;    // EX_CONFIG: bad configuration

/// Options every subcommand understands.
struct Globals {
    bool json = false;
    std::string root;       ///< --root: read sys/, proc/, dev/, etc/, run/ under this directory
    std::string procDir;    ///< --proc: override /proc
    std::string etcDir;     ///< --etc: override /etc
    std::string stateDir;   ///< --state-dir
    bool noDeviceIo = false;  ///< --no-device-io: never open /dev nodes
    int verbose = 0;
};

/// The context for this invocation, built from the global options.
Context makeContext(const Globals& g);

/// The state directory: --state-dir, else /var/lib/raidmon.
std::filesystem::path stateDirOf(const Globals& g);

/// raidmond's control socket: `override` (a --socket option) if given, else STATE_DIR/raidmond.sock.
std::filesystem::path agentSocket(const Globals& g, const std::string& override);

/// Print "raidmon: <message>" to stderr; in --json mode it is also kept for the error document
/// (jsonErrorDocument).
void printError(std::string_view message);

/// In --json mode a command that fails without printing a document prints this one on stdout:
/// {"format_version": 1, "error": {"message": first error, "messages": [every error]},
///  "exit_status": N} (docs/schema/error.schema.json). `fallback` is the message when none was
/// printed through printError (a command-line error).
std::string jsonErrorDocument(int exitStatus, std::string_view fallback);

/// A subcommand: registers its options on `app`; the callback it installs sets `exitCode`.
using Register = void (*)(CLI::App& app, Globals& globals, int& exitCode);

// The subcommands (one cmd_<name>.cpp each).
void registerDecode(CLI::App& app, Globals& globals, int& exitCode);
/// `raidmon command sign|verify|send`: signed commands for raidmond (cmd_command.cpp).
void registerCommand(CLI::App& app, Globals& globals, int& exitCode);
/// `raidmon events [--since ID|TIME]` (cmd_events.cpp; the agent's control socket).
void registerEvents(CLI::App& app, Globals& globals, int& exitCode);
/// `raidmon identity [--json] [--qr]` (cmd_identity.cpp; raidmond's STATE_DIR/identity.json).
void registerIdentity(CLI::App& app, Globals& globals, int& exitCode);
/// `raidmon hotswap DRIVE [--confirm|--cancel] [--svg FILE]`, `raidmon hotswap --list` (cmd_hotswap.cpp).
void registerHotswap(CLI::App& app, Globals& globals, int& exitCode);
/// `raidmon watch` (cmd_events.cpp).
void registerWatch(CLI::App& app, Globals& globals, int& exitCode);
void registerSmart(CLI::App& app, Globals& globals, int& exitCode);
void registerStatus(CLI::App& app, Globals& globals, int& exitCode);
/// `raidmon predict` (cmd_predict.cpp).
void registerPredict(CLI::App& app, Globals& globals, int& exitCode);
/// `raidmon plan ARRAY [--assume-failed DRIVE]` (cmd_plan.cpp; needs raidmon::scanInventory).
void registerPlan(CLI::App& app, Globals& globals, int& exitCode);
/// `raidmon safe-to-remove DRIVE|SLOT` (cmd_plan.cpp; needs raidmon::scanInventory).
void registerSafeToRemove(CLI::App& app, Globals& globals, int& exitCode);
/// `raidmon locate DRIVE|SLOT on|off [--pattern P] [--for D] [--force]` (cmd_locate.cpp).
void registerLocate(CLI::App& app, Globals& globals, int& exitCode);
/// `raidmon identify on|off [--for D]`: the server's identify light (cmd_locate.cpp).
void registerIdentify(CLI::App& app, Globals& globals, int& exitCode);
/// `raidmon leds [--expire]`: leases and ownership of the lights raidmon set (cmd_locate.cpp).
void registerLeds(CLI::App& app, Globals& globals, int& exitCode);

} // namespace raidmon::cli
