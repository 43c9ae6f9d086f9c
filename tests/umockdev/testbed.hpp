// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// The project's umockdev harness: a process that owns a testbed (a fake /sys and /dev that real
// libudev, real file I/O and real uevent delivery see) and runs the real raidmon binaries in it.
// The process must run under umockdev's preload (umockdev-wrapper or LD_PRELOAD); children
// inherit it.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

typedef struct _UMockdevTestbed UMockdevTestbed;

namespace raidmon::test {

struct RunResult {
    int exitStatus = -1;  ///< exit code, or 128+signal
    std::string out;
    std::string err;
};

class Testbed {
public:
    /// Load `dir`/description.umockdev and copy `dir`/extra/* into the testbed root.
    /// Throws std::runtime_error when not under umockdev's preload or the description is bad.
    explicit Testbed(const std::filesystem::path& dir);
    Testbed(const Testbed&) = delete;
    Testbed& operator=(const Testbed&) = delete;
    ~Testbed();

    /// The testbed root (its sys/ and dev/ replace /sys and /dev for this process and children).
    [[nodiscard]] std::filesystem::path root() const;

    /// Run a program (argv[0] a path) with "@TB@" in any argument replaced by root(); capture
    /// its output. Kills it after `timeout`. The raidmon CLI run without `--state-dir` gets
    /// `--state-dir defaultStateDir()`: nothing run by the harness writes the machine's
    /// /var/lib/raidmon.
    /// `env` entries ("KEY=VALUE") are added to (or replace in) the inherited environment.
    RunResult run(std::vector<std::string> argv, std::chrono::milliseconds timeout = std::chrono::seconds(30),
                  const std::vector<std::string>& env = {});

    /// Set a sysfs attribute of a device ("/sys/devices/...") and optionally announce it.
    void setAttribute(const std::string& syspath, const std::string& name, const std::string& value);
    /// Send a uevent ("add", "remove", "change") for a device.
    void uevent(const std::string& syspath, const std::string& action);

    [[nodiscard]] UMockdevTestbed* handle() const { return tb_; }

    /// The state directory run() gives the raidmon CLI when its arguments name none (inside
    /// root(), created by the CLI when it first writes).
    [[nodiscard]] std::filesystem::path defaultStateDir() const;

private:
    UMockdevTestbed* tb_ = nullptr;
};

/// A TCP port on 127.0.0.1 that was free a moment ago (for a receiver of the test's own).
int freePort();

/// Is argv[0] the raidmon CLI (a file named "raidmon")?
bool isRaidmonCli(const std::vector<std::string>& argv);
/// Does argv name a state directory ("--state-dir DIR" or "--state-dir=DIR")?
bool namesStateDir(const std::vector<std::string>& argv);

/// Where the generated testbeds live (build/testbeds/<name>).
std::filesystem::path testbedDir(const std::string& name);

/// The whole content of a file ("" if it cannot be read): event files, agent logs, testbed attributes.
std::string slurp(const std::filesystem::path& p);

} // namespace raidmon::test
