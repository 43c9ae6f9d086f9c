// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// The table of capture decoders. Each decoder lives with its backend (md/, smart/, ctl/<vendor>/)
// and is listed once in registry.cpp.

#include <span>
#include <string_view>

#include <raidmon/decode.hpp>

namespace raidmon::detail {

struct DecoderEntry {
    std::string_view format;
    /// Confidence that `text` is this format: 0 = no, 100 = certain. Must be cheap and never throw.
    int (*detect)(std::string_view text);
    Result<Capture> (*decode)(std::string_view text);
};

/// Every decoder, in detection-priority order.
std::span<const DecoderEntry> decoders();

} // namespace raidmon::detail
