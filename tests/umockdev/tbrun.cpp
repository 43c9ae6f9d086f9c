// SPDX-License-Identifier: LGPL-2.1-or-later
// tbrun: run a program inside a generated umockdev testbed.
//   umockdev-wrapper tbrun TESTBED_DIR -- PROGRAM [ARGS...]     ("@TB@" in ARGS -> testbed root)
// Used by the README demonstration and the benchmarks; tests use the Testbed class directly.
#include <cstring>
#include <iostream>

#include "testbed.hpp"

int main(int argc, char** argv) {
    if (argc < 4 || std::strcmp(argv[2], "--") != 0) {
        std::cerr << "usage: umockdev-wrapper tbrun TESTBED_DIR -- PROGRAM [ARGS...]\n";
        return 64;
    }
    try {
        raidmon::test::Testbed tb(argv[1]);
        std::vector<std::string> args(argv + 3, argv + argc);
        auto r = tb.run(args, std::chrono::minutes(10));
        std::cout << r.out;
        std::cerr << r.err;
        return r.exitStatus;
    } catch (const std::exception& e) {
        std::cerr << "tbrun: " << e.what() << '\n';
        return 70;
    }
}
