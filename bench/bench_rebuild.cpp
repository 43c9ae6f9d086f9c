// SPDX-License-Identifier: LGPL-2.1-or-later
// One full evaluation of the rebuild model for a 24-member RAID6 with one member failed and
// heterogeneous survivors (ages, SMART multipliers, a few known-unreadable sectors): the target is
// under 10 microseconds (docs/PERFORMANCE.md).
#include <benchmark/benchmark.h>

#include <raidmon/rebuild.hpp>

namespace {

raidmon::RebuildInput raid6Of24() {
    raidmon::RebuildInput in;
    in.layout.level = raidmon::RaidLevel::raid6;
    in.layout.members = 24;
    in.replaceDelayHours = 4;
    in.rate.deviceBytesPerSecond = 150e6;
    in.rate.md = raidmon::MdSpeedLimits{};
    in.members.resize(24);
    for (int i = 0; i < 24; ++i) {
        auto& m = in.members[static_cast<std::size_t>(i)];
        m.name = "sd" + std::string(1, static_cast<char>('a' + i));
        m.capacityBytes = 16e12;
        m.ageHours = 8000.0 + 1500.0 * i;        // 0.9 to 4.9 years
        m.multiplier = i % 7 == 3 ? 14.0 : 1.0;  // a few with reallocated sectors
        m.knownUnreadableSectors = i == 10 ? 8 : 0;
        if (i % 5 == 0) m.hazard = raidmon::Hazard{1.0, 1.2e6};  // a different model
    }
    in.members[5].failed = true;
    return in;
}

void BM_RebuildRaid6x24(benchmark::State& state) {
    const auto in = raid6Of24();
    for (auto _ : state) {
        auto r = raidmon::evaluateRebuild(in);
        benchmark::DoNotOptimize(r);
    }
}
BENCHMARK(BM_RebuildRaid6x24);

// Reference: a computation of a few nanoseconds whose time shows how loaded the shared machine was
// when the figure above was taken (docs/PERFORMANCE.md compares it with a quiet run).
void BM_Raid6MttdlChain(benchmark::State& state) {
    for (auto _ : state) {
        auto r = raidmon::mttdlChain(24, 2, 1e6, 24, 0.3);
        benchmark::DoNotOptimize(r);
    }
}
BENCHMARK(BM_Raid6MttdlChain);

} // namespace

BENCHMARK_MAIN();
