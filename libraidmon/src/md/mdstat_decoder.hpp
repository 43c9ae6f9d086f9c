// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
#include <string_view>

#include <raidmon/decode.hpp>

namespace raidmon::detail {
int detectMdstat(std::string_view text);
Result<Capture> decodeMdstat(std::string_view text);
} // namespace raidmon::detail
