// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// A temporary directory removed with everything in it at the end of the test.
#include <filesystem>
#include <random>
#include <string>

#include <unistd.h>

namespace raidmon::test {

struct TempDir {
    std::filesystem::path path;
    explicit TempDir(const std::string& prefix = "raidmon-test") {
        std::random_device rd;
        path = std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
        std::filesystem::create_directories(path);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

} // namespace raidmon::test
