// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// What `raidmon predict` and `raidmon plan` share: the model flags and the human-readable report.

#include <optional>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include <raidmon/predict.hpp>
#include <raidmon/rebuild.hpp>

namespace raidmon::cli {

/// Register the model settings (predict.hpp ModelSettings) as flags of a subcommand.
void addModelFlags(CLI::App& cmd, ModelSettings& model);

/// The report for people: probabilities, recommendation, reasons, members.
void printRebuildReport(std::ostream& os, const std::string& heading, const RebuildResult& r);

} // namespace raidmon::cli
