// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Running the vendor tools through Context::runner: where each tool is usually installed, one
// invocation with its checks, and the conversion of decoded captures into a ControllerReport.

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <raidmon/context.hpp>
#include <raidmon/controllers.hpp>
#include <raidmon/decode.hpp>

#include "megaraid/storcli.hpp"

namespace raidmon::detail::ctl {

// PATH names first (packages and admins put the tools there), then the vendors' install dirs:
// storcli/perccli RPM/DEB packages install to /opt/MegaRAID/<tool>/, older LSI packages to
// /opt/lsi/storcli/; ssacli to /usr/sbin (and /opt/smartstorageadmin/ssacli/bin); hpssacli to
// /opt/hp/hpssacli/bld; arcconf to /usr/Arcconf or /usr/StorMan.
inline constexpr std::array<std::string_view, 7> kStorcli = {
    "storcli64", "storcli", "perccli64", "perccli", "/opt/MegaRAID/storcli/storcli64",
    "/opt/MegaRAID/perccli/perccli64", "/opt/lsi/storcli/storcli"};
inline constexpr std::array<std::string_view, 6> kSsacli = {
    "ssacli", "hpssacli", "hpacucli", "/usr/sbin/ssacli", "/opt/smartstorageadmin/ssacli/bin/ssacli",
    "/opt/hp/hpssacli/bld/hpssacli"};
inline constexpr std::array<std::string_view, 3> kArcconf = {"arcconf", "/usr/Arcconf/arcconf", "/usr/StorMan/arcconf"};
inline constexpr std::array<std::string_view, 2> kSasIrcu = {"sas3ircu", "sas2ircu"};

/// One finished invocation.
struct ToolRun {
    std::string tool;         ///< the program that ran (a name from the candidate list)
    std::string commandLine;  ///< for messages: "storcli64 /call show all J"
    CommandOutput out;
};

/// Run `args` with the first candidate that exists. not_found (naming every candidate) if none does;
/// command_timeout and other runner errors as they come, with the command line in the message.
Result<ToolRun> runFirst(const Context& ctx, std::span<const std::string_view> candidates,
                         const std::vector<std::string>& args, std::chrono::milliseconds timeout);

/// Run one tool that is known to exist.
Result<ToolRun> runTool(const Context& ctx, const std::string& tool, const std::vector<std::string>& args,
                        std::chrono::milliseconds timeout);

/// Parse one storcli "... J" answer: a non-JSON answer (after a non-zero exit: command_failed,
/// else parse_error) or, when `failureIsError`, a "Failure" Command Status (command_failed with
/// storcli's description) are errors naming the command.
Result<std::vector<storcli::ControllerTree>> storcliAnswer(const ToolRun& run, bool failureIsError);

/// Move a capture's entities into a report.
void addCapture(ControllerReport& r, Capture&& c);

} // namespace raidmon::detail::ctl
