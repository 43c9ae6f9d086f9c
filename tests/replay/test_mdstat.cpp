// SPDX-License-Identifier: LGPL-2.1-or-later
// Every /proc/mdstat capture in tests/data/mdstat decoded; expected values read from the captures.
#define BOOST_TEST_MODULE mdstat_replay
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <raidmon/decode.hpp>
#include <raidmon/mdstat.hpp>

#include "print.hpp"
#include "testdata.hpp"

using namespace raidmon;
namespace bdata = boost::unit_test::data;

namespace {

struct Expect {
    const char* name;
    const char* level;     // "" = unknown
    const char* state;
    int raidDisks;         // -1 = not shown
    int activeDisks;       // -1 = not shown
    const char* opKind;    // "" = none
    double percent;        // -1 = none
    Health health;
    int members;           // listed members incl. missing entries
};

struct Case {
    const char* file;
    std::vector<Expect> arrays;
};

std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.file; }

const std::vector<Case> kCases = {
    {"mdstat-auto-read-only-issue64.txt",
     {{"md2", "raid1", "optimal", 2, 2, "", -1, Health::OK, 2},
      {"md1", "raid1", "optimal", 2, 2, "", -1, Health::OK, 2},
      {"md0", "raid1", "optimal", 2, 2, "", -1, Health::OK, 2}}},
    {"mdstat-centos62-raid0-raid1-bitmaps.txt",
     {{"md4", "raid1", "optimal", 2, 2, "", -1, Health::OK, 2},
      {"md3", "raid1", "optimal", 2, 2, "", -1, Health::OK, 2},
      {"md0", "raid1", "optimal", 2, 2, "", -1, Health::OK, 2},
      {"md1", "raid0", "optimal", -1, -1, "", -1, Health::OK, 2},
      {"md2", "raid1", "optimal", 2, 2, "", -1, Health::OK, 2}}},
    {"mdstat-inactive-all-spares.txt",
     {{"md0", "raid1", "optimal", 2, 2, "", -1, Health::OK, 2},
      {"md1", "raid1", "optimal", 2, 2, "", -1, Health::OK, 2},
      {"md2", "", "inactive", -1, -1, "", -1, Health::Critical, 4}}},
    {"mdstat-linear.txt",
     {{"md1", "raid1", "optimal", 2, 2, "", -1, Health::OK, 2},
      {"md0", "linear", "optimal", -1, -1, "", -1, Health::OK, 2}}},
    {"mdstat-none.txt", {}},
    {"mdstat-procfs-composite-many-states.txt",
     {{"md3", "raid6", "optimal", 8, 8, "", -1, Health::OK, 10},
      {"md127", "raid1", "optimal", 2, 2, "", -1, Health::OK, 2},
      {"md0", "raid1", "optimal", 2, 2, "", -1, Health::OK, 2},
      {"md4", "raid1", "inactive", 2, 2, "", -1, Health::Critical, 2},
      {"md6", "raid1", "rebuilding", 2, 1, "recovery", 8.5, Health::Warning, 4},
      {"md8", "raid1", "resyncing", 2, 2, "resync", 8.5, Health::OK, 4},
      {"md201", "raid1", "checking", 2, 2, "check", 5.7, Health::OK, 2},
      {"md7", "raid6", "degraded", 4, 3, "", -1, Health::Warning, 5},
      {"md9", "raid1", "optimal", 4, 4, "resync", -1, Health::Warning, 7},
      {"md10", "raid0", "optimal", -1, -1, "", -1, Health::OK, 2},
      {"md11", "raid1", "optimal", 2, 2, "resync", -1, Health::Warning, 5},
      {"md12", "raid0", "optimal", -1, -1, "", -1, Health::OK, 2},
      {"md126", "raid0", "optimal", -1, -1, "", -1, Health::OK, 2},
      {"md219", "container", "inactive", -1, -1, "", -1, Health::OK, 3},
      {"md00", "raid0", "optimal", -1, -1, "", -1, Health::OK, 1},
      {"md120", "linear", "optimal", -1, -1, "", -1, Health::OK, 2},
      {"md101", "raid0", "optimal", -1, -1, "", -1, Health::OK, 3},
      {"md42", "raid5", "reshaping", 3, 2, "reshape", 56.1, Health::Warning, 4}}},
    {"mdstat-raid0-dm-members.txt", {{"md2", "raid0", "optimal", -1, -1, "", -1, Health::OK, 2}}},
    {"mdstat-raid0-nvme-md128-129.txt",
     {{"md129", "raid1", "optimal", 2, 2, "", -1, Health::OK, 2},
      {"md128", "raid1", "optimal", 2, 2, "", -1, Health::OK, 2},
      {"md125", "raid0", "optimal", -1, -1, "", -1, Health::OK, 6},
      {"md126", "raid0", "optimal", -1, -1, "", -1, Health::OK, 2}}},
    {"mdstat-raid1-check-and-delayed-pr77.txt",
     {{"md1", "raid1", "optimal", 2, 2, "resync", -1, Health::OK, 2},
      {"md0", "raid1", "checking", 2, 2, "check", 6.4, Health::OK, 2}}},
    {"mdstat-raid1-check-pr24.txt",
     {{"md2", "raid1", "checking", 2, 2, "check", 98.3, Health::OK, 2},
      {"md1", "raid1", "optimal", 2, 2, "", -1, Health::OK, 2},
      {"md0", "raid1", "optimal", 2, 2, "", -1, Health::OK, 2}}},
    {"mdstat-raid1-degraded-member-removed-pr28.txt",
     {{"md1", "raid1", "degraded", 2, 1, "", -1, Health::Critical, 2},
      {"md0", "raid1", "rebuilding", 2, 1, "recovery", 3.6, Health::Warning, 3}}},
    {"mdstat-raid1-resync-DELAYED-recovery-pr28.txt",
     {{"md1", "raid1", "degraded", 2, 1, "resync", -1, Health::Critical, 3},
      {"md0", "raid1", "rebuilding", 2, 1, "recovery", 3.9, Health::Warning, 3}}},
    {"mdstat-raid1-resync-two-arrays.txt",
     {{"md0", "raid1", "optimal", 2, 2, "", -1, Health::OK, 2},
      {"md2", "raid1", "resyncing", 2, 2, "resync", 11.2, Health::OK, 2},
      {"md1", "raid1", "resyncing", 2, 2, "resync", 9.9, Health::OK, 2}}},
    {"mdstat-raid4-reshape-loop.txt", {{"md127", "raid4", "reshaping", 4, 3, "reshape", 2.1, Health::Warning, 5}}},
    {"mdstat-raid5-FAILED-member.txt", {{"md0", "raid5", "degraded", 3, 2, "", -1, Health::Critical, 4}}},
    {"mdstat-raid5-INACTIVE.txt", {{"md0", "raid5", "inactive", 4, 4, "", -1, Health::Critical, 3}}},
    {"mdstat-raid5-partitionable-md_d0.txt", {{"md_d0", "raid5", "optimal", 5, 5, "", -1, Health::OK, 5}}},
    {"mdstat-raid5-spares-pr185.txt",
     {{"md1", "raid5", "optimal", 5, 5, "", -1, Health::OK, 6},
      {"md2", "raid5", "optimal", 5, 5, "", -1, Health::OK, 7}}},
    {"mdstat-raid6-degraded-no-recovery-issue43.txt", {{"md0", "raid6", "degraded", 6, 5, "", -1, Health::Warning, 6}}},
    {"mdstat-raid6-hdb-ide-member-bitmap.txt", {{"md0", "raid6", "optimal", 7, 7, "", -1, Health::OK, 7}}},
    {"mdstat-raid6-readd-recovery-issue43.txt", {{"md0", "raid6", "rebuilding", 6, 5, "recovery", 0.2, Health::Warning, 7}}},
    {"mdstat-raid6-reshape-issue43.txt", {{"md0", "raid6", "reshaping", 6, 4, "reshape", 48.4, Health::Warning, 8}}},
    {"mdstat-white-raid1-recovery.txt",
     {{"md125", "raid1", "optimal", 2, 2, "", -1, Health::OK, 2},
      {"md126", "raid1", "rebuilding", 2, 1, "recovery", 29.2, Health::Warning, 3},
      {"md127", "raid1", "optimal", 2, 2, "", -1, Health::OK, 2}}},
};

} // namespace

BOOST_DATA_TEST_CASE(every_capture_decodes_with_the_states_in_it, bdata::make(kCases), c) {
    auto text = test::readData(std::string("mdstat/") + c.file);
    auto fmt = detectFormat(text);
    BOOST_REQUIRE(fmt.has_value());
    BOOST_TEST(*fmt == "mdstat");
    auto cap = decode(text);
    BOOST_REQUIRE_MESSAGE(cap.has_value(), (cap ? std::string() : cap.error().message));
    BOOST_REQUIRE_EQUAL(cap->arrays.size(), c.arrays.size());
    for (std::size_t i = 0; i < c.arrays.size(); ++i) {
        const auto& e = c.arrays[i];
        const auto& a = cap->arrays[i];
        BOOST_TEST_CONTEXT(c.file << " " << e.name) {
            BOOST_TEST(a.name == e.name);
            BOOST_TEST(a.level.value_or("") == e.level);
            BOOST_TEST(a.state == e.state);
            BOOST_TEST(a.raidDisks.value_or(-1) == e.raidDisks);
            BOOST_TEST(a.activeDisks.value_or(-1) == e.activeDisks);
            BOOST_TEST((a.operation ? a.operation->kind : std::string()) == e.opKind);
            if (e.percent >= 0) BOOST_TEST(a.operation->percent.value() == e.percent, boost::test_tools::tolerance(1e-9));
            BOOST_TEST(a.health == e.health);
            BOOST_TEST(a.members.size() == static_cast<std::size_t>(e.members));
            BOOST_TEST(a.kind == "md");
        }
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
    BOOST_TEST(md6.operation->done.value() == 16775552u);
    BOOST_TEST(md6.operation->total.value() == 195310144u);
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
}

BOOST_AUTO_TEST_CASE(a_shell_prompt_before_the_capture_is_tolerated) {
    auto m = parseMdstat(test::readData("mdstat/mdstat-raid6-readd-recovery-issue43.txt"));
    BOOST_REQUIRE(m.has_value());
    BOOST_TEST(m->arrays.size() == 1u);
}

BOOST_AUTO_TEST_CASE(every_prefix_of_every_capture_is_safe) {
    // Truncated captures must decode or fail cleanly, never crash or loop.
    for (const auto& c : kCases) {
        auto text = test::readData(std::string("mdstat/") + c.file);
        for (std::size_t n = 0; n <= text.size(); ++n) {
            auto r = decode(std::string_view(text).substr(0, n), "mdstat");
            if (!r) BOOST_TEST(r.error().is(errc::parse_error));
        }
    }
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
