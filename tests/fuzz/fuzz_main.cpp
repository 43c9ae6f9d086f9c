// SPDX-License-Identifier: LGPL-2.1-or-later
// libFuzzer entry point of one target (RAIDMON_FUZZ_TARGET_NAME, set by tests/fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "registry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const raidmon::fuzz::Target* target = [] {
        auto* t = raidmon::fuzz::find(RAIDMON_FUZZ_TARGET_NAME);
        if (!t) {
            std::fprintf(stderr, "fuzz: no target named %s\n", RAIDMON_FUZZ_TARGET_NAME);
            std::abort();
        }
        return t;
    }();
    target->run(std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
