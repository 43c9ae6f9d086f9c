// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// `nvme smart-log -o json` (nvme-cli 1.x-2.x) -> the model.

#include <string_view>

#include <raidmon/decode.hpp>

namespace raidmon::detail {

int detectNvmeCliSmartLog(std::string_view text);
/// Errors: parse_error naming the line/column (broken JSON) or the field (wrong type, or no
/// critical_warning: not a smart-log).
Result<Capture> decodeNvmeCliSmartLog(std::string_view text);

} // namespace raidmon::detail
