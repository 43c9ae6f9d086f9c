// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Helpers shared by tests: reading files from tests/data.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace raidmon::test {

inline std::filesystem::path dataDir() { return RAIDMON_TEST_DATA; }

inline std::string readData(const std::filesystem::path& rel) {
    auto p = rel.is_absolute() ? rel : dataDir() / rel;
    std::ifstream f(p, std::ios::binary);
    if (!f) throw std::runtime_error("test data missing: " + p.string());
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

} // namespace raidmon::test
