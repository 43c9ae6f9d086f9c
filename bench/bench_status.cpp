// SPDX-License-Identifier: LGPL-2.1-or-later
// `raidmon status --json` next to `lsblk -J -O` on the same umockdev testbed, in one run.
//   umockdev-wrapper bench_status [TESTBED] [RUNS]     (default: jbod120, 15 runs each)
// Both programs run under the same preload over the same fake /sys, interleaved, so machine
// noise hits both alike. Reported: wall-clock median and p90 per run, CPU time (user+sys of the
// child) median, and the ratio raidmon/lsblk. Loading the testbed is not timed.
// raidmon writes its slot memory into a temporary state directory of the benchmark's own (never
// the machine's /var/lib/raidmon: checked before exit, as is that slots.json was written once).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <vector>

#include "bench_util.hpp"
#include "testbed.hpp"

namespace {

using raidmon::bench::pct;

struct Sample {
    double wallMs;
    double cpuMs;
};

double childCpuMs() {
    rusage ru{};
    getrusage(RUSAGE_CHILDREN, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

Sample once(raidmon::test::Testbed& tb, const std::vector<std::string>& argv, std::size_t& outBytes, int& exitStatus) {
    double cpu0 = childCpuMs();
    auto t0 = std::chrono::steady_clock::now();
    auto r = tb.run(argv);
    auto t1 = std::chrono::steady_clock::now();
    outBytes = r.out.size();
    exitStatus = r.exitStatus;
    return {std::chrono::duration<double, std::milli>(t1 - t0).count(), childCpuMs() - cpu0};
}

/// What can be seen of a file from outside: absent, or its inode, size and modification time.
struct Fingerprint {
    bool exists = false;
    ino_t inode = 0;
    off_t size = 0;
    timespec mtime{};
    bool operator==(const Fingerprint& o) const {
        return exists == o.exists && inode == o.inode && size == o.size && mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec;
    }
};

Fingerprint fingerprint(const std::filesystem::path& p) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) return {};
    return {true, st.st_ino, st.st_size, st.st_mtim};
}

} // namespace

int main(int argc, char** argv) {
    std::string name = argc > 1 ? argv[1] : "jbod120";
    int runs = argc > 2 ? std::max(3, std::atoi(argv[2])) : 15;
    raidmon::test::Testbed tb(raidmon::test::testbedDir(name));
    const auto state = raidmon::bench::makeTemp("bench-status");
    const auto machineState = std::filesystem::path("/var/lib/raidmon");
    const Fingerprint machineDir = fingerprint(machineState), machineSlots = fingerprint(machineState / "slots.json");
    const std::vector<std::string> raidmonArgv = {RAIDMON_CLI, "status", "--json", "--no-device-io", "--proc", "@TB@/proc",
                                                  "--etc", "@TB@/etc", "--state-dir", state.string()};
    const std::vector<std::string> lsblkArgv = {LSBLK, "-J", "-O"};
    std::vector<double> rw, rc, lw, lc;
    std::size_t rBytes = 0, lBytes = 0;
    int rExit = 0, lExit = 0;
    once(tb, raidmonArgv, rBytes, rExit);  // warm the page cache for both
    once(tb, lsblkArgv, lBytes, lExit);
    const Fingerprint firstSlots = fingerprint(state / "slots.json");
    for (int i = 0; i < runs; ++i) {
        auto a = once(tb, raidmonArgv, rBytes, rExit);
        auto b = once(tb, lsblkArgv, lBytes, lExit);
        rw.push_back(a.wallMs);
        rc.push_back(a.cpuMs);
        lw.push_back(b.wallMs);
        lc.push_back(b.cpuMs);
    }
    std::printf("testbed %s, %d runs each, interleaved, under umockdev's preload\n", name.c_str(), runs);
    std::printf("%-26s %10s %10s %12s %10s %6s\n", "command", "wall p50", "wall p90", "cpu p50", "output", "exit");
    std::printf("%-26s %8.1fms %8.1fms %10.1fms %9zuB %6d\n", "raidmon status --json", pct(rw, .5), pct(rw, .9), pct(rc, .5), rBytes, rExit);
    std::printf("%-26s %8.1fms %8.1fms %10.1fms %9zuB %6d\n", "lsblk -J -O", pct(lw, .5), pct(lw, .9), pct(lc, .5), lBytes, lExit);
    std::printf("ratio raidmon/lsblk: wall %.2f, cpu %.2f (target: <= 1.0)\n", pct(rw, .5) / pct(lw, .5), pct(rc, .5) / pct(lc, .5));
    // Where raidmon wrote: its own state directory, slots.json once (the bays did not change).
    int exitStatus = 0;
    if (!(fingerprint(machineState) == machineDir) || !(fingerprint(machineState / "slots.json") == machineSlots)) {
        std::fprintf(stderr, "bench_status: %s changed during the benchmark\n", machineState.c_str());
        exitStatus = 1;
    }
    if (!firstSlots.exists || !(fingerprint(state / "slots.json") == firstSlots)) {
        std::fprintf(stderr, "bench_status: %s/slots.json was %s\n", state.c_str(), firstSlots.exists ? "rewritten by an unchanged host" : "not written");
        exitStatus = 1;
    }
    std::filesystem::remove_all(state);
    return exitStatus;
}
