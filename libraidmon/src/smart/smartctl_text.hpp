// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// smartctl plain-text output (-a / -x; ATA, SCSI/SAS and NVMe sections, smartmontools 6.x-7.x).

#include <string_view>

#include <raidmon/decode.hpp>

namespace raidmon::detail {

int detectSmartctlText(std::string_view text);
/// Errors: parse_error "line N: ..." for a malformed attribute row or output that ends before the
/// SMART data section (truncated), or text that is not smartctl output.
Result<Capture> decodeSmartctlText(std::string_view text);

} // namespace raidmon::detail
