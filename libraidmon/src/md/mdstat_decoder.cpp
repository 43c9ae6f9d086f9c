// SPDX-License-Identifier: LGPL-2.1-or-later
#include "mdstat_decoder.hpp"

#include <raidmon/mdstat.hpp>

#include "core/strutil.hpp"

namespace raidmon::detail {

int detectMdstat(std::string_view text) {
    auto head = text.substr(0, 512);
    if (head.find("Personalities :") != std::string_view::npos) return 90;
    std::string_view name, rest;
    for (auto l : lines(head)) {
        auto colon = l.find(" : ");
        if (startsWith(l, "md") && colon != std::string_view::npos &&
            (startsWith(trim(l.substr(colon + 3)), "active") || startsWith(trim(l.substr(colon + 3)), "inactive")))
            return 60;
    }
    return 0;
}

Result<Capture> decodeMdstat(std::string_view text) {
    auto m = parseMdstat(text);
    if (!m) return tl::unexpected(m.error());
    Capture c;
    for (const auto& a : m->arrays) c.arrays.push_back(toArray(a));
    c.skipped = m->skipped;
    c.notes = std::move(m->notes);
    return c;
}

} // namespace raidmon::detail
