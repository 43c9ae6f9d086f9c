// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// sas2ircu / sas3ircu text mapped into the model.

#include <string>
#include <string_view>
#include <vector>

#include <raidmon/decode.hpp>

namespace raidmon::detail::sasircu {

/// One row of "sas3ircu LIST".
struct Adapter {
    int index = 0;
    std::string type;  ///< "SAS3008"
};

/// Parse "LIST": the adapters. parse_error naming the line, or if the closing line is missing.
Result<std::vector<Adapter>> parseList(std::string_view text);

/// Decode "<index> DISPLAY" for the adapter `index`.
Result<Capture> decodeDisplay(std::string_view text, int index);

} // namespace raidmon::detail::sasircu
