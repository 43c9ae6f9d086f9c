// SPDX-License-Identifier: LGPL-2.1-or-later
// Every input that ever made a fuzz target crash, hang or trip a sanitizer, replayed through the same
// target in the normal suite: tests/fuzz/regressions/<target name>/<file> (docs/testing.md, "Fuzzing").
#define BOOST_TEST_MODULE fuzz_regressions
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "registry.hpp"

namespace bdata = boost::unit_test::data;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> regressionInputs() {
    std::vector<std::string> out;
    const fs::path root = RAIDMON_FUZZ_REGRESSIONS;
    if (!fs::is_directory(root)) return out;
    for (const auto& e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file() && e.path().filename() != "README.md") out.push_back(fs::relative(e.path(), root).string());
    std::sort(out.begin(), out.end());
    if (out.empty()) out.push_back("");  // a data test case needs one sample; "" checks the registry only
    return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(every_regression_folder_names_a_target) {
    const fs::path root = RAIDMON_FUZZ_REGRESSIONS;
    if (!fs::is_directory(root)) return;
    for (const auto& e : fs::directory_iterator(root))
        if (e.is_directory())
            BOOST_TEST(raidmon::fuzz::find(e.path().filename().string()) != nullptr,
                       e.path().filename().string() << " is not a fuzz target's name");
}

BOOST_DATA_TEST_CASE(replays_without_a_crash, bdata::make(regressionInputs()), rel) {
    if (rel.empty()) return;
    const fs::path p = fs::path(RAIDMON_FUZZ_REGRESSIONS) / rel;
    const auto target = p.parent_path().filename().string();
    const auto* t = raidmon::fuzz::find(target);
    BOOST_TEST_REQUIRE(t != nullptr, rel << ": no fuzz target named " << target);
    std::ifstream f(p, std::ios::binary);
    std::ostringstream ss;
    ss << f.rdbuf();
    const std::string input = ss.str();
    BOOST_CHECK_NO_THROW(t->run(input));
}
