// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Fuzz targets as plain functions over bytes, so that one definition serves libFuzzer (fuzz_main.cpp,
// ctest label "fuzz") and the regression test of the normal suite (test_fuzz_regressions.cpp), which
// replays every input a fuzzer ever crashed on (tests/fuzz/regressions/<target>/).
//
// A target registers itself in a targets_*.cpp file:
//   RAIDMON_FUZZ_TARGET("decode-mdstat", "mdstat", [](std::string_view in) { ... });
// The first argument is the target's name (CMake reads it from this line to make fuzz_<name>), the
// second its seed corpus: folders of tests/data, separated by spaces. A target must not catch what the
// library throws: an exception is a finding.
#include <span>
#include <string_view>

namespace raidmon::fuzz {

struct Target {
    const char* name;
    const char* seeds;
    void (*run)(std::string_view input);
};

/// Every registered target.
std::span<const Target> targets();
/// The target of that name, nullptr if none.
const Target* find(std::string_view name);

struct Registrar {
    Registrar(const char* name, const char* seeds, void (*run)(std::string_view));
};

} // namespace raidmon::fuzz

#define RAIDMON_FUZZ_CAT2(a, b) a##b
#define RAIDMON_FUZZ_CAT(a, b) RAIDMON_FUZZ_CAT2(a, b)
#define RAIDMON_FUZZ_TARGET(name, seeds, fn) \
    static const ::raidmon::fuzz::Registrar RAIDMON_FUZZ_CAT(raidmonFuzzTarget, __LINE__){name, seeds, fn}
