// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// The SES pages of the Areca ARC-8028 capture (tests/data/ses/ses-areca-8028-all-pages.hex, the
// `sg_ses --page=all -HHHH` format: a "# <name> dpage:" comment, then hex bytes), by page code.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "testdata.hpp"

namespace raidmon::test {

inline std::map<int, std::vector<std::uint8_t>> sesCapturePages() {
    std::string text = readData("ses/ses-areca-8028-all-pages.hex");
    std::map<int, std::vector<std::uint8_t>> out;
    std::vector<std::uint8_t> cur;
    bool in = false;
    auto flush = [&] {
        if (in && !cur.empty()) out[cur[0]] = cur;
        cur.clear();
    };
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto eol = text.find('\n', pos);
        std::string line = text.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos);
        pos = eol == std::string::npos ? text.size() : eol + 1;
        if (!line.empty() && line[0] == '#') {
            flush();
            in = line.find("dpage:") != std::string::npos;
            continue;
        }
        if (!in) continue;
        for (std::size_t i = 0; i + 1 < line.size();) {
            if (line[i] == ' ') {
                ++i;
                continue;
            }
            cur.push_back(static_cast<std::uint8_t>(std::stoul(line.substr(i, 2), nullptr, 16)));
            i += 2;
        }
    }
    flush();
    return out;
}

} // namespace raidmon::test
