// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// smartctl --json output (smartmontools 6.7 json_format_version [0,1] and 7.x [1,0]) -> the model.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <raidmon/decode.hpp>
#include <raidmon/model.hpp>

namespace raidmon::detail {

/// What one smartctl JSON document says.
struct SmartctlReport {
    std::optional<Drive> drive;          ///< nullopt when smartctl reported no device (open failed, --scan)
    std::optional<int> exitStatus;       ///< smartctl.exit_status
    std::vector<std::string> errors;     ///< smartctl.messages of severity "error"
    std::vector<std::string> notes;      ///< warnings and tolerated oddities
    std::vector<std::string> scanned;    ///< --scan: one "NAME -d TYPE" per device listed
    std::size_t skipped = 0;             ///< top-level members the grammar does not list
};

/// Parse a smartctl JSON document (lines before it, a banner or a warning, are skipped and noted).
/// Errors: parse_error "line L, column C: ..." for broken or truncated JSON, "field PATH: ..." for a
/// field of the wrong type, "field json_format_version: version N.x is newer ..." for a future major.
Result<SmartctlReport> parseSmartctlJson(std::string_view text);

int detectSmartctlJson(std::string_view text);
Result<Capture> decodeSmartctlJson(std::string_view text);

} // namespace raidmon::detail
