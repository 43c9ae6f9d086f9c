// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// What `raidmon predict` and `raidmon plan` share: the model flags and the human-readable report.

#include <optional>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include <raidmon/rebuild.hpp>

namespace raidmon::cli {

/// The flags that tune the model, as typed (parsed later so errors can name the flag).
struct ModelFlags {
    std::string ure, ureModel, rebuildRate, replaceDelay, policy, sinceScrub, controllerShare, speedMin, speedMax;

    /// Register them on a subcommand.
    void add(CLI::App& cmd);

    /// The parsed values.
    struct Values {
        std::optional<double> ureRate;
        UreModel ureModel = UreModel::spec;
        std::optional<double> deviceBytesPerSecond;
        double replaceDelayHours = 0;
        std::optional<SectorErrorPolicy> policy;
        std::optional<double> sinceScrubHours;
        std::optional<double> controllerShare;
        std::optional<double> speedMinKiBs, speedMaxKiBs;
    };
    /// Parse; the error message starts with the flag ("--ure: ...").
    [[nodiscard]] Result<Values> parse() const;
};

/// Parse `value` with `parser`, prefixing an error with the flag name.
template <typename Parser>
auto parseFlag(std::string_view flag, const std::string& value, Parser parser) -> decltype(parser(value)) {
    auto r = parser(value);
    if (!r) return tl::unexpected(Error(r.error().code, std::string(flag) + ": " + r.error().message));
    return r;
}

/// The report for people: probabilities, recommendation, reasons, members.
void printRebuildReport(std::ostream& os, const std::string& heading, const RebuildResult& r);

} // namespace raidmon::cli
