// SPDX-License-Identifier: LGPL-2.1-or-later
// Every capture in tests/data decodes with every field a person reads in it: one expectation file per
// capture (tests/data/expected/<capture>.expect, written by reading the capture, never from raidmon's
// output; grammar in tests/data/expected/README.md and tests/support/expect.hpp).
#define BOOST_TEST_MODULE capture_fields
#include <algorithm>
#include <filesystem>
#include <set>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <raidmon/decode.hpp>

#include "expect.hpp"
#include "testdata.hpp"

using namespace raidmon;
namespace bdata = boost::unit_test::data;
namespace fs = std::filesystem;

namespace {

/// Capture paths (relative to tests/data) that have an expectation file.
std::vector<std::string> expectedCaptures() {
    std::vector<std::string> out;
    const fs::path root = test::dataDir() / "expected";
    if (!fs::is_directory(root)) return out;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        if (!e.is_regular_file() || e.path().extension() != ".expect") continue;
        auto rel = fs::relative(e.path(), root).string();
        out.push_back(rel.substr(0, rel.size() - 7));
    }
    std::sort(out.begin(), out.end());
    return out;
}

/// Folders of tests/data that hold inputs of other tests, not of decode().
bool notADecodeInput(std::string_view path) {
    for (std::string_view dir : {"sysfs-", "ses/", "testbeds/", "cmd/", "umockdev/", "expected/"})
        if (path.starts_with(dir)) return true;
    return false;
}

} // namespace

BOOST_DATA_TEST_CASE(capture_has_its_fields, bdata::make(expectedCaptures()), capture) {
    const std::string expectText = test::readData("expected/" + capture + ".expect");
    test::ExpectFile ex;
    auto perr = test::parseExpect(expectText, ex);
    BOOST_TEST_REQUIRE(!perr, "expected/" << capture << ".expect: " << *perr);
    BOOST_TEST_REQUIRE(fs::exists(test::dataDir() / capture), capture << " has an expectation but no capture");
    auto c = decode(test::readData(capture));
    if (ex.error) {
        BOOST_TEST_REQUIRE(!c.has_value(), capture << ": decoded, but the expectation says it must be refused");
        BOOST_TEST(c.error().message.find(*ex.error) != std::string::npos,
                   capture << ": error '" << c.error().message << "' does not contain '" << *ex.error << "'");
        return;
    }
    BOOST_TEST_REQUIRE(c.has_value(), capture << ": " << c.error().message);
    const auto decoded = test::Json::parse(toJson(*c, -1));
    for (const auto& bad : test::checkExpect(ex, decoded)) BOOST_ERROR(capture << ": " << bad);
    // Invariants of every decode, whatever the capture says: each drive has an id, and one drive is
    // one entry (the same id twice would be one drive listed in two views).
    std::set<std::string> ids;
    for (const auto& d : c->drives) {
        BOOST_TEST(!d.id.empty(), capture << ": a drive without an id");
        BOOST_TEST(ids.insert(d.id).second, capture << ": drive " << d.id << " is listed twice");
    }
}

// Every capture listed in PROVENANCE.tsv that is a tool's output has its expectation file.
BOOST_AUTO_TEST_CASE(every_capture_has_an_expectation) {
    const auto have = expectedCaptures();
    const std::set<std::string> expected(have.begin(), have.end());
    std::istringstream tsv(test::readData("PROVENANCE.tsv"));
    std::string line;
    std::getline(tsv, line);  // header
    std::size_t captures = 0;
    while (std::getline(tsv, line)) {
        const std::string path = line.substr(0, line.find('\t'));
        if (path.empty() || notADecodeInput(path)) continue;
        ++captures;
        BOOST_TEST(expected.count(path) == 1u, path << " has no tests/data/expected/" << path << ".expect");
        BOOST_TEST(fs::exists(test::dataDir() / path), path << " is listed in PROVENANCE.tsv but missing");
    }
    BOOST_TEST_MESSAGE(captures << " captures, " << expected.size() << " expectation files");
}
