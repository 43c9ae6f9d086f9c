// SPDX-License-Identifier: LGPL-2.1-or-later
// /proc/mdstat captures in tests/data/mdstat beyond their fields (those are in
// tests/data/expected/mdstat/*.expect, checked by test_capture_fields): the parser's own view of
// the composite capture, prompts, truncation at every byte, garbage.
#define BOOST_TEST_MODULE mdstat_replay
#include <algorithm>
#include <filesystem>

#include <boost/test/unit_test.hpp>

#include <raidmon/decode.hpp>
#include <raidmon/mdstat.hpp>

#include "print.hpp"
#include "testdata.hpp"

using namespace raidmon;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> mdstatCaptures() {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(test::dataDir() / "mdstat"))
        if (e.is_regular_file()) out.push_back("mdstat/" + e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(every_capture_is_detected_as_mdstat) {
    const auto all = mdstatCaptures();
    BOOST_TEST(all.size() >= 38u);
    for (const auto& c : all) {
        auto fmt = detectFormat(test::readData(c));
        BOOST_TEST_REQUIRE(fmt.has_value(), c);
        BOOST_TEST(*fmt == "mdstat", c);
    }
}

BOOST_AUTO_TEST_CASE(details_of_the_composite_capture) {
    auto m = parseMdstat(test::readData("mdstat/mdstat-procfs-composite-many-states.txt"));
    BOOST_REQUIRE(m.has_value());
    BOOST_TEST(m->personalities.size() == 8u);
    const auto& md6 = m->arrays[4];
    BOOST_TEST(md6.name == "md6");
    BOOST_TEST(md6.members[0].faulty);
    BOOST_TEST(md6.members[1].spare);
    // "(16775552/195310144)": md prints 1 KiB blocks; the parser keeps 512-byte sectors like sysfs.
    BOOST_TEST(md6.operation->done.value() == 2u * 16775552u);
    BOOST_TEST(md6.operation->total.value() == 2u * 195310144u);
    BOOST_TEST(md6.operation->etaSeconds.value() == 1020u);  // finish=17.0min
    BOOST_TEST(md6.operation->speedKiBs.value() == 259783u);
    const auto& md11 = m->arrays[10];
    BOOST_TEST(md11.readOnly.value() == "auto-read-only");
    BOOST_TEST(md11.operation->delayed);
    const auto& md126 = m->arrays[12];
    BOOST_TEST(md126.super.value() == "external:/md127/0");
    const auto& md42 = m->arrays[17];
    BOOST_TEST(md42.bitmap.value() == "4/15 pages [16KB], 65536KB chunk");
    BOOST_TEST(md42.blocks.value() == 1953381440u);
    BOOST_TEST(m->skipped == 0u);
}

BOOST_AUTO_TEST_CASE(a_shell_prompt_before_the_capture_is_tolerated) {
    auto m = parseMdstat(test::readData("mdstat/mdstat-raid6-readd-recovery-issue43.txt"));
    BOOST_REQUIRE(m.has_value());
    BOOST_TEST(m->arrays.size() == 1u);
}

BOOST_AUTO_TEST_CASE(every_prefix_of_every_capture_is_safe) {
    // Truncated captures must decode or fail cleanly, never crash or loop.
    for (const auto& c : mdstatCaptures()) {
        auto text = test::readData(c);
        for (std::size_t n = 0; n <= text.size(); ++n) {
            auto r = decode(std::string_view(text).substr(0, n), "mdstat");
            if (!r) BOOST_TEST(r.error().is(errc::parse_error));
        }
    }
}

BOOST_AUTO_TEST_CASE(a_capture_cut_inside_a_stanza_names_the_last_complete_array) {
    auto text = test::readData("mdstat/mdstat-raid1-resync-two-arrays.txt");
    auto cut = text.substr(0, text.find("md1 : active") + 40);  // md1's header, not its size line
    auto r = decode(cut, "mdstat");
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().message.find("truncated") != std::string::npos);
    BOOST_TEST(r.error().message.find("md2") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(garbage_is_a_parse_error_naming_the_line) {
    auto r = decode("hello world\nthis is not mdstat\n");
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().is(errc::parse_error));
    auto r2 = parseMdstat("Personalities : [raid1]\nmd0 : active raid1 sda1[0] %%%\n");
    BOOST_REQUIRE(!r2.has_value());
    BOOST_TEST(r2.error().message.find("line 2") != std::string::npos);
    std::string bytes;
    for (int i = 0; i < 4096; ++i) bytes.push_back(static_cast<char>((i * 7919) & 0xff));
    auto r3 = decode(bytes, "mdstat");
    if (!r3) BOOST_TEST(r3.error().is(errc::parse_error));
}
