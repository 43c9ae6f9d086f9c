// SPDX-License-Identifier: LGPL-2.1-or-later
// The state directory against a hostile local user (docs/security.md): planted symbolic links
// are never followed, a directory another user can write is refused with a message naming it,
// temporary files have unpredictable names. The owner checks need root (chown); the tests run as
// root, and say "skipped" where they are not.
#define BOOST_TEST_MODULE statedir
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include <sys/stat.h>
#include <unistd.h>

#include <raidmon/hotswap.hpp>
#include <raidmon/led.hpp>

#include "core/statedir.hpp"
#include "led/state.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
namespace utf = boost::unit_test;
using raidmon::errc;
using raidmon::detail::StateDir;
using raidmon::test::TempDir;

namespace {

std::string slurp(const fs::path& p) {
    std::ifstream f(p);
    return std::string((std::istreambuf_iterator<char>(f)), {});
}

/// Boost.Test reports a test whose precondition fails as skipped, with this reason.
struct Root {
    boost::test_tools::assertion_result operator()(utf::test_unit_id) const {
        const bool root = ::geteuid() == 0;
        boost::test_tools::assertion_result r(root);
        r.message() << "needs root (chown to another user): run the unit tier as root";
        return r;
    }
};

constexpr uid_t kNobody = 65534;

} // namespace

BOOST_AUTO_TEST_CASE(atomic_writes_leave_no_temporary_file_and_read_back) {
    TempDir t;
    const auto dir = t.path / "state";
    auto d = StateDir::open(dir, true);
    BOOST_REQUIRE_MESSAGE(d, (d ? "" : d.error().message));
    for (int i = 0; i < 3; ++i) BOOST_REQUIRE(d->write("leds.json", "{\"n\":" + std::to_string(i) + "}\n"));
    auto r = d->read("leds.json");
    BOOST_REQUIRE(r && *r);
    BOOST_TEST(**r == "{\"n\":2}\n");
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
    BOOST_TEST(names == std::set<std::string>{"leds.json"});
    auto absent = d->read("slots.json");
    BOOST_REQUIRE(absent);
    BOOST_TEST(!*absent);
    // The names of temporary files cannot be guessed ahead: 16 random hex digits each time.
    BOOST_TEST(raidmon::detail::randomHex(8).size() == 16u);
    BOOST_TEST(raidmon::detail::randomHex(8) != raidmon::detail::randomHex(8));
}

BOOST_AUTO_TEST_CASE(a_planted_symlink_is_never_followed) {
    TempDir t;
    const auto state = t.path / "state";
    fs::create_directories(state);
    const auto victim = t.path / "victim";
    std::ofstream(victim) << "precious\n";
    fs::create_symlink(victim, state / "leds.json");
    fs::create_symlink(victim, state / "leds.lock");
    fs::create_symlink(victim, state / "incidents.json");

    // Reading through it is refused, naming the file.
    auto l = raidmon::loadLeases(state);
    BOOST_REQUIRE(!l);
    BOOST_TEST(l.error().is(errc::refused));
    BOOST_TEST(l.error().message.find("leds.json: is a symbolic link") != std::string::npos, l.error().message);
    auto inc = raidmon::loadIncidents(state);
    BOOST_REQUIRE(!inc);
    BOOST_TEST(inc.error().is(errc::refused));
    // The lock file is not opened through it.
    auto lock = raidmon::detail::lockState(state);
    BOOST_REQUIRE(!lock);
    BOOST_TEST(lock.error().message.find("leds.lock: is a symbolic link") != std::string::npos, lock.error().message);
    // Writing replaces the link itself: the file it pointed to is untouched.
    BOOST_REQUIRE(raidmon::detail::saveLeases(state, {}));
    BOOST_TEST(slurp(victim) == "precious\n");
    BOOST_TEST(!fs::is_symlink(state / "leds.json"));
    BOOST_REQUIRE(raidmon::saveIncidents(state, {}));
    BOOST_TEST(slurp(victim) == "precious\n");
    BOOST_TEST(fs::is_regular_file(fs::symlink_status(state / "incidents.json")));
    // A FIFO in place of a state file does not hang the reader.
    fs::remove(state / "leds.json");
    BOOST_REQUIRE(::mkfifo((state / "leds.json").c_str(), 0600) == 0);
    auto f = raidmon::loadLeases(state);
    BOOST_REQUIRE(!f);
    BOOST_TEST(f.error().message.find("not a regular file") != std::string::npos, f.error().message);
}

BOOST_AUTO_TEST_CASE(a_state_directory_others_can_write_is_refused_by_name) {
    TempDir t;
    const auto state = t.path / "state";
    fs::create_directories(state);
    fs::permissions(state, fs::perms::all);  // 0777
    auto d = StateDir::open(state, true);
    BOOST_REQUIRE(!d);
    BOOST_TEST(d.error().is(errc::refused));
    BOOST_TEST(d.error().message.find(state.string() + " is writable by group or others") != std::string::npos, d.error().message);
    BOOST_TEST(d.error().message.find("mode 0777") != std::string::npos, d.error().message);
    // Every writer of the library goes through it.
    BOOST_TEST(!raidmon::detail::saveLeases(state, {}));
    BOOST_TEST(!raidmon::saveIncidents(state, {}));
    BOOST_TEST(!raidmon::loadLeases(state));
    BOOST_TEST(fs::is_empty(state));
    // A parent anyone can write without the sticky bit: the state directory could be swapped.
    const auto open = t.path / "open";
    fs::create_directories(open / "state");
    fs::permissions(open, fs::perms::all);
    d = StateDir::open(open / "state", true);
    BOOST_REQUIRE(!d);
    BOOST_TEST(d.error().message.find(open.string() + " is writable by group or others without the sticky bit") != std::string::npos,
               d.error().message);
    // With the sticky bit (as /tmp) it is fine: only the owner can rename or remove its entries.
    fs::permissions(open, fs::perms::all | fs::perms::sticky_bit);
    d = StateDir::open(open / "state", true);
    BOOST_TEST(d.has_value(), (d ? "" : d.error().message));
    // Relative paths are refused.
    BOOST_TEST(StateDir::open("relative/state", true).error().is(errc::invalid_argument));
}

BOOST_AUTO_TEST_CASE(a_state_directory_of_another_user_is_refused, *utf::precondition(Root())) {
    TempDir t;
    const auto state = t.path / "state";
    fs::create_directories(state);
    BOOST_REQUIRE(::chown(state.c_str(), kNobody, kNobody) == 0);
    auto d = StateDir::open(state, true);
    BOOST_REQUIRE(!d);
    BOOST_TEST(d.error().message.find(state.string() + " belongs to another user (owner uid 65534") != std::string::npos, d.error().message);
    // A file in a good directory that another user owns is not trusted either.
    const auto good = t.path / "good";
    fs::create_directories(good);
    std::ofstream(good / "slots.json") << "{\"version\":1,\"drives\":[]}\n";
    BOOST_REQUIRE(::chown((good / "slots.json").c_str(), kNobody, kNobody) == 0);
    auto m = raidmon::loadSlotMemory(good);
    BOOST_REQUIRE(!m);
    BOOST_TEST(m.error().message.find("slots.json: belongs to another user") != std::string::npos, m.error().message);
}

BOOST_AUTO_TEST_CASE(links_on_the_way_are_followed_only_when_a_trusted_user_made_them, *utf::precondition(Root())) {
    TempDir t;
    // A sticky, world-writable directory like /tmp, a state directory elsewhere, and two links
    // to it: one of root's, one another user made.
    const auto sticky = t.path / "tmp";
    fs::create_directories(sticky);
    fs::permissions(sticky, fs::perms::all | fs::perms::sticky_bit);
    const auto real = t.path / "real-state";
    fs::create_directories(real);
    fs::create_symlink(real, sticky / "roots");
    fs::create_symlink(real, sticky / "theirs");
    BOOST_REQUIRE(::lchown((sticky / "theirs").c_str(), kNobody, kNobody) == 0);
    auto ok = StateDir::open(sticky / "roots", false);
    BOOST_TEST(ok.has_value(), (ok ? "" : ok.error().message));
    auto bad = StateDir::open(sticky / "theirs", false);
    BOOST_REQUIRE(!bad);
    BOOST_TEST(bad.error().message.find("is a symbolic link made by another user (uid 65534)") != std::string::npos, bad.error().message);
    // A directory of another user in the sticky directory: not crossed.
    fs::create_directories(sticky / "userdir" / "state");
    BOOST_REQUIRE(::chown((sticky / "userdir").c_str(), kNobody, kNobody) == 0);
    bad = StateDir::open(sticky / "userdir" / "state", false);
    BOOST_REQUIRE(!bad);
    BOOST_TEST(bad.error().message.find("userdir belongs to another user") != std::string::npos, bad.error().message);
}

BOOST_AUTO_TEST_CASE(an_absent_state_directory_reads_as_empty_and_is_not_created_by_readers) {
    TempDir t;
    const auto state = t.path / "never" / "made";
    auto l = raidmon::loadLeases(state);
    BOOST_REQUIRE_MESSAGE(l, (l ? "" : l.error().message));
    BOOST_TEST(l->empty());
    auto i = raidmon::loadIncidents(state);
    BOOST_REQUIRE(i);
    BOOST_TEST(i->empty());
    BOOST_TEST(!fs::exists(t.path / "never"));
}
