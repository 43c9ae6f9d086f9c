// SPDX-License-Identifier: LGPL-2.1-or-later
// SMART: the CPU cost of one drive read natively (decode of the pages the drive returns, plus the
// verdict) against running smartctl for it, and the decode throughput of smartctl JSON.
//
// What runs where (see docs/PERFORMANCE.md "SMART"):
//  - Native/*: the library's work after the ioctls return: decode of the NVMe SMART log (512 B) +
//    Identify Controller (4 KiB), or ATA SMART READ DATA + THRESHOLDS + IDENTIFY (3 x 512 B), and
//    assessSmart(). The ioctls themselves are not run (no real drive may be opened here); on real
//    hardware each is one syscall plus the drive's answer time.
//  - Smartctl/*: a real smartctl process started through the library's ProcessRunner
//    (posix_spawn + pipes), which opens no device: `smartctl --version`, and `smartctl -x -j` on a
//    path that does not exist (it parses options, fails to open, prints its JSON and exits 2).
//    This is smartctl's fixed cost, a lower bound of what `smartctl -x -j /dev/sdX` costs. The
//    child's CPU time (user+sys from getrusage(RUSAGE_CHILDREN)) is reported as child_cpu_us.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <sys/resource.h>

#include <raidmon/context.hpp>
#include <raidmon/decode.hpp>
#include <raidmon/smart.hpp>

#include "smart/pages.hpp"

using namespace raidmon;

namespace {

std::string readData(const char* rel) {
    std::ifstream f(std::string(RAIDMON_TEST_DATA) + "/" + rel, std::ios::binary);
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::vector<std::uint8_t> nvmeLog() {
    // values of tests/data/smartctl-json/nvme-samsung-970evoplus.json
    std::vector<std::uint8_t> p(512, 0);
    p[1] = static_cast<std::uint8_t>((35 + 273) & 0xff);
    p[2] = static_cast<std::uint8_t>((35 + 273) >> 8);
    p[3] = 100;
    p[4] = 10;
    p[128] = static_cast<std::uint8_t>(3149 & 0xff);
    p[129] = static_cast<std::uint8_t>(3149 >> 8);
    p[144] = 12;
    p[176] = 22;
    return p;
}

std::vector<std::uint8_t> ataPage(bool thresholds) {
    // 16 attributes as a typical HDD reports; checksum in byte 511
    std::vector<std::uint8_t> p(512, 0);
    const int ids[] = {1, 3, 4, 5, 7, 9, 10, 12, 192, 193, 194, 196, 197, 198, 199, 200};
    for (std::size_t i = 0; i < std::size(ids); ++i) {
        auto off = 2 + 12 * i;
        p[off] = static_cast<std::uint8_t>(ids[i]);
        p[off + 1] = 0x33;
        p[off + 3] = thresholds ? 10 : 100;
        p[off + 4] = 100;
        p[off + 5] = static_cast<std::uint8_t>(i);
    }
    unsigned sum = 0;
    for (int i = 0; i < 511; ++i) sum += p[static_cast<std::size_t>(i)];
    p[511] = static_cast<std::uint8_t>(0x100 - (sum & 0xff));
    return p;
}

void NativeNvme(benchmark::State& state) {
    auto log = nvmeLog();
    std::vector<std::uint8_t> id(4096, ' ');
    for (auto _ : state) {
        auto ident = detail::pages::nvmeIdentifyController(id);
        auto s = detail::pages::nvmeSmartLog(log);
        auto a = assessSmart(*s, Media::SSD);
        benchmark::DoNotOptimize(ident);
        benchmark::DoNotOptimize(a);
    }
}
BENCHMARK(NativeNvme);

void NativeAta(benchmark::State& state) {
    auto data = ataPage(false), th = ataPage(true);
    std::vector<std::uint8_t> ident(512, 0x20);
    for (auto _ : state) {
        Smart s;
        auto r = detail::pages::ataSmartData(data, std::span<const std::uint8_t>(th), s);
        auto id = detail::pages::ataIdentify(ident);
        auto a = assessSmart(s, Media::HDD);
        benchmark::DoNotOptimize(r);
        benchmark::DoNotOptimize(id);
        benchmark::DoNotOptimize(a);
    }
}
BENCHMARK(NativeAta);

double childCpuUs() {
    rusage ru{};
    getrusage(RUSAGE_CHILDREN, &ru);
    return (static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
            static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec));
}

void runSmartctl(benchmark::State& state, std::vector<std::string> argv) {
    auto runner = makeProcessRunner();
    const double before = childCpuUs();
    for (auto _ : state) {
        auto r = runner->run(argv, std::chrono::seconds(30));
        if (!r) {
            state.SkipWithError(r.error().message.c_str());
            return;
        }
        benchmark::DoNotOptimize(r);
    }
    state.counters["child_cpu_us"] = benchmark::Counter((childCpuUs() - before) / static_cast<double>(state.iterations()));
}

void SmartctlVersion(benchmark::State& state) { runSmartctl(state, {"smartctl", "--version"}); }
BENCHMARK(SmartctlVersion)->UseRealTime()->Unit(benchmark::kMicrosecond);

void SmartctlJsonOpenFails(benchmark::State& state) {
    runSmartctl(state, {"smartctl", "-x", "-j", "-d", "sat", "/nonexistent/raidmon-bench-no-such-device"});
}
BENCHMARK(SmartctlJsonOpenFails)->UseRealTime()->Unit(benchmark::kMicrosecond);

void DecodeSmartctlJson(benchmark::State& state) {
    const std::string text = readData("smartctl-json/ata-ssd-samsung-860evo-x.json");
    for (auto _ : state) {
        auto c = decode(text, "smartctl-json");
        benchmark::DoNotOptimize(c);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(DecodeSmartctlJson);

void DecodeSmartctlText(benchmark::State& state) {
    const std::string text = readData("smartctl-text/ata-hdd-seagate-st2000nm0008-FAILED-realloc16284.txt");
    for (auto _ : state) {
        auto c = decode(text, "smartctl-text");
        benchmark::DoNotOptimize(c);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(DecodeSmartctlText);

} // namespace

BENCHMARK_MAIN();
