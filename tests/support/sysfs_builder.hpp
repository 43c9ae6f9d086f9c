// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Builds a fake host tree (sys/, proc/, etc/, dev/, run/) in a temporary directory, for unit tests
// of the sysfs readers through raidmon::makeRootContext(). Symlinks are real symlinks, relative
// like the kernel's, so path resolution is exercised as on a real host.
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

namespace raidmon::test {

class SysfsBuilder {
public:
    SysfsBuilder() {
        std::random_device rd;
        root_ = std::filesystem::temp_directory_path() /
                ("raidmon-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
        std::filesystem::create_directories(root_ / "sys");
    }
    SysfsBuilder(const SysfsBuilder&) = delete;
    SysfsBuilder& operator=(const SysfsBuilder&) = delete;
    ~SysfsBuilder() {
        std::error_code ec;
        std::filesystem::remove_all(root_, ec);
    }

    [[nodiscard]] const std::filesystem::path& root() const { return root_; }
    [[nodiscard]] std::filesystem::path sys() const { return root_ / "sys"; }

    /// Write a file (parents created). `rel` is relative to the root ("sys/devices/...").
    void file(const std::string& rel, const std::string& content) {
        auto p = root_ / rel;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream f(p, std::ios::binary | std::ios::trunc);
        f << content;
        if (!f) throw std::runtime_error("cannot write " + p.string());
    }
    void bytes(const std::string& rel, const std::vector<unsigned char>& b) {
        file(rel, std::string(b.begin(), b.end()));
    }
    /// Create a symlink at `rel` pointing to `target` (written as given: relative or absolute).
    void link(const std::string& rel, const std::string& target) {
        auto p = root_ / rel;
        std::filesystem::create_directories(p.parent_path());
        std::filesystem::remove(p);
        std::filesystem::create_symlink(target, p);
    }
    /// Symlink at `rel` pointing at the root-relative path `to`, written relative (as sysfs does).
    void relLink(const std::string& rel, const std::string& to) {
        auto from = (root_ / rel).parent_path();
        std::filesystem::create_directories(from);
        link(rel, (root_ / to).lexically_relative(from).string());
    }
    void dir(const std::string& rel) { std::filesystem::create_directories(root_ / rel); }
    void remove(const std::string& rel) { std::filesystem::remove_all(root_ / rel); }

    /// A device directory with a `subsystem` link and a `uevent` file, plus /sys/class or /sys/bus links.
    void device(const std::string& devpath, const std::string& subsystem, const std::string& uevent = "",
                bool isBus = false) {
        auto dp = "sys/devices/" + devpath;
        dir(dp);
        std::string subdir = isBus ? "sys/bus/" + subsystem : "sys/class/" + subsystem;
        dir(subdir);
        relLink(dp + "/subsystem", subdir);
        file(dp + "/uevent", uevent);
        auto name = std::filesystem::path(devpath).filename().string();
        if (isBus) relLink("sys/bus/" + subsystem + "/devices/" + name, dp);
        else relLink("sys/class/" + subsystem + "/" + name, dp);
    }

private:
    std::filesystem::path root_;
};

} // namespace raidmon::test
