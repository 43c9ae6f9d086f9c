// SPDX-License-Identifier: LGPL-2.1-or-later
// The durable outbox over a real SQLite file: order, cursors per sink, the full-outbox policy,
// kill -9 of a writer in the middle of a storm, and the retry backoff.
#define BOOST_TEST_MODULE outbox
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon/outbox.hpp"
#include "temp_dir.hpp"

using namespace raidmon;
using namespace raidmon::agent;
namespace fs = std::filesystem;
using raidmon::test::TempDir;

namespace {


Event ev(const std::string& type, Severity sev, int n) {
    Event e;
    e.id = newEventId();
    e.type = "io.raidmon." + type;
    e.subject = "drive/d" + std::to_string(n);
    e.severity = sev;
    e.message = "event " + std::to_string(n);
    e.time = std::chrono::system_clock::now();
    return e;
}

HostIdentity hostId() {
    HostIdentity h;
    h.host.machineId = "0123456789abcdef0123456789abcdef";
    h.host.hostname = "t1";
    return h;
}

std::unique_ptr<Outbox> openOk(const fs::path& p, OutboxOptions o = {}) {
    auto ob = Outbox::open(p, o);
    BOOST_REQUIRE_MESSAGE(ob, (ob ? "" : ob.error().message));
    return std::move(*ob);
}

} // namespace

BOOST_AUTO_TEST_CASE(in_order_per_sink_with_cursors_and_reopen) {
    TempDir t;
    const auto file = t.path / "outbox.db";
    std::vector<std::string> ids;
    {
        auto ob = openOk(file);
        BOOST_REQUIRE(ob->registerSink("file"));
        BOOST_REQUIRE(ob->registerSink("webhook"));
        std::vector<Event> batch;
        for (int i = 0; i < 10; ++i) batch.push_back(ev("drive.added", Severity::info, i));
        auto r = ob->append(batch, hostId());
        BOOST_REQUIRE(r);
        for (int i = 0; i < 10; ++i) {
            BOOST_TEST((*r)[static_cast<std::size_t>(i)].seq == static_cast<std::uint64_t>(i + 1));
            ids.push_back(batch[static_cast<std::size_t>(i)].id);
        }
        auto p = ob->pending("file", 4);
        BOOST_REQUIRE(p);
        BOOST_REQUIRE(p->size() == 4u);
        auto body = nlohmann::json::parse(p->front().body);
        BOOST_TEST(body["id"] == ids[0]);
        BOOST_TEST(body["sequence"] == "00000000000000000001");  // zero-padded: sorts as a string
        BOOST_REQUIRE(ob->ack("file", p->back().seq));
    }
    auto ob = openOk(file);
    BOOST_TEST(ob->size() == 10u);
    auto pf = ob->pending("file", 100);
    auto pw = ob->pending("webhook", 100);
    BOOST_REQUIRE(pf);
    BOOST_REQUIRE(pw);
    BOOST_TEST(pf->size() == 6u);
    BOOST_TEST(pf->front().id == ids[4]);
    BOOST_TEST(pw->size() == 10u);
    // a sink added later does not replay what every other sink delivered
    BOOST_REQUIRE(ob->ack("webhook", 7));
    BOOST_REQUIRE(ob->registerSink("mqtt"));
    BOOST_TEST(*ob->cursor("mqtt") == 4u);
    BOOST_TEST(!ob->cursor("nope"));
    BOOST_TEST(ob->after(8, 100)->size() == 2u);
    BOOST_TEST(ob->since(std::chrono::system_clock::now() + std::chrono::hours(1), 100)->empty());
}

BOOST_AUTO_TEST_CASE(full_outbox_drops_heartbeats_and_progress_first_never_failures) {
    TempDir t;
    OutboxOptions o;
    o.maxEvents = 10;
    auto ob = openOk(t.path / "o.db", o);
    BOOST_REQUIRE(ob->registerSink("webhook"));  // nothing is ever delivered: the panel is down
    std::vector<Event> batch;
    for (int i = 0; i < 4; ++i) batch.push_back(ev("host.heartbeat", Severity::info, i));
    for (int i = 0; i < 4; ++i) batch.push_back(ev("drive.added", Severity::info, i));
    for (int i = 0; i < 2; ++i) batch.push_back(ev("drive.failed", Severity::critical, i));
    BOOST_REQUIRE(ob->append(batch, hostId()));
    BOOST_TEST(ob->size() == 10u);
    // 6 failures more: first the heartbeats go, then the informational events; no failure is lost.
    batch.clear();
    for (int i = 0; i < 6; ++i) batch.push_back(ev("drive.failed", Severity::critical, 10 + i));
    auto r = ob->append(batch, hostId());
    BOOST_REQUIRE(r);
    for (const auto& a : *r) BOOST_TEST(!a.dropped);
    auto all = ob->pending("webhook", 100);
    BOOST_REQUIRE(all);
    std::map<std::string, int> n;
    for (const auto& e : *all) ++n[e.type];
    BOOST_TEST(n["io.raidmon.host.heartbeat"] == 0);
    BOOST_TEST(n["io.raidmon.drive.added"] == 2);
    BOOST_TEST(n["io.raidmon.drive.failed"] == 8);
    // a heartbeat into an outbox full of failures is dropped; a failure goes over the bound
    batch = {ev("host.heartbeat", Severity::info, 99), ev("drive.added", Severity::info, 1)};
    r = ob->append(batch, hostId());
    BOOST_REQUIRE(r);
    BOOST_TEST((*r)[0].dropped);
    BOOST_TEST(!(*r)[1].dropped);  // replaces the oldest informational event
    batch = {ev("drive.added", Severity::info, 5), ev("drive.added", Severity::info, 6), ev("drive.added", Severity::info, 7)};
    BOOST_REQUIRE(ob->append(batch, hostId()));
    // two failures replace the last two informational events; the third goes over the bound
    batch = {ev("array.failed", Severity::critical, 1), ev("array.failed", Severity::critical, 2),
             ev("array.failed", Severity::critical, 3)};
    r = ob->append(batch, hostId());
    BOOST_REQUIRE(r);
    BOOST_TEST(!(*r)[0].overBound);
    BOOST_TEST(!(*r)[1].overBound);
    BOOST_TEST((*r)[2].overBound);
    BOOST_TEST(ob->size() == 11u);
    BOOST_TEST(ob->dropped() >= 7u);
}

BOOST_AUTO_TEST_CASE(delivered_history_is_pruned_to_keep_delivered) {
    TempDir t;
    OutboxOptions o;
    o.keepDelivered = 5;
    auto ob = openOk(t.path / "o.db", o);
    BOOST_REQUIRE(ob->registerSink("file"));
    std::vector<Event> batch;
    for (int i = 0; i < 20; ++i) batch.push_back(ev("drive.added", Severity::info, i));
    BOOST_REQUIRE(ob->append(batch, hostId()));
    BOOST_REQUIRE(ob->ack("file", 20));
    batch = {ev("drive.added", Severity::info, 21)};
    BOOST_REQUIRE(ob->append(batch, hostId()));
    BOOST_TEST(ob->size() == 6u);  // 16..20 kept for `raidmon events`, 21 pending
    BOOST_TEST(ob->after(0, 100)->front().seq == 16u);
}

BOOST_AUTO_TEST_CASE(unwritable_location_is_a_clear_error) {
    auto ob = Outbox::open("/proc/raidmon-no-such-dir/outbox.db");
    BOOST_REQUIRE(!ob);
    BOOST_TEST(ob.error().message.find("/proc/raidmon-no-such-dir/outbox.db") != std::string::npos);
}

namespace {

/// A child appends one event per commit until it is killed (SIGKILL) after 300 commits; the
/// newest sequence number it was told was committed.
std::uint64_t stormUntilKilled(const fs::path& file, const OutboxOptions& o) {
    int pfd[2];
    BOOST_REQUIRE(::pipe(pfd) == 0);
    const pid_t pid = ::fork();
    BOOST_REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(pfd[0]);
        auto ob = Outbox::open(file, o);
        if (!ob) ::_exit(3);
        for (int i = 0;; ++i) {
            std::vector<Event> b{ev("drive.added", Severity::info, i)};
            auto r = (*ob)->append(b, hostId());
            if (!r) ::_exit(4);
            const std::uint64_t seq = (*r)[0].seq;
            // told only after COMMIT returned: the event must survive what comes next
            if (::write(pfd[1], &seq, sizeof seq) != sizeof seq) ::_exit(5);
        }
    }
    ::close(pfd[1]);
    std::uint64_t last = 0, seq = 0;
    std::size_t n = 0;
    while (n < 300 && ::read(pfd[0], &seq, sizeof seq) == sizeof seq) {
        last = seq;
        ++n;
    }
    ::kill(pid, SIGKILL);
    while (::read(pfd[0], &seq, sizeof seq) == sizeof seq) last = seq;
    int st = 0;
    ::waitpid(pid, &st, 0);
    ::close(pfd[0]);
    BOOST_TEST(WIFSIGNALED(st));
    return last;
}

} // namespace

BOOST_AUTO_TEST_CASE(kill_9_in_an_event_storm_loses_nothing_committed) {
    TempDir t;
    const auto file = t.path / "storm.db";
    const std::uint64_t last = stormUntilKilled(file, {});
    auto ob = openOk(file);
    auto all = ob->after(0, 1000000);
    BOOST_REQUIRE(all);
    BOOST_TEST(all->size() >= last);
    for (std::size_t i = 0; i < all->size(); ++i) BOOST_TEST((*all)[i].seq == i + 1);  // no gap, no hole
    BOOST_TEST(!all->back().body.empty());
}

namespace {

OutboxOptions appenderOptions(const std::string& boot, Durability d = Durability::full, std::uint64_t window = 100000) {
    OutboxOptions o;
    o.appender = true;
    o.flushBesideDelivery = true;
    o.durability = d;
    o.bootId = boot;
    o.sequenceWindow = window;
    return o;
}

/// A run of the agent that ends without closing its outbox (as a power cut or a crash of the
/// kernel would end it, except that the page cache survives here): `n` events, one commit each.
void uncleanRun(const fs::path& file, const OutboxOptions& o, int n) {
    const pid_t pid = ::fork();
    BOOST_REQUIRE(pid >= 0);
    if (pid == 0) {
        auto ob = Outbox::open(file, o);
        if (!ob) ::_exit(3);
        for (int i = 0; i < n; ++i) {
            std::vector<Event> b{ev("drive.removed", Severity::warning, i)};
            if (!(*ob)->append(b, hostId())) ::_exit(4);
        }
        ::_exit(0);  // no destructor: no clean close
    }
    int st = 0;
    ::waitpid(pid, &st, 0);
    BOOST_REQUIRE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

std::uint64_t appendOne(Outbox& ob, int n) {
    std::vector<Event> b{ev("drive.added", Severity::info, n)};
    auto r = ob.append(b, hostId());
    BOOST_REQUIRE_MESSAGE(r, (r ? "" : r.error().message));
    return (*r)[0].seq;
}

} // namespace

BOOST_AUTO_TEST_CASE(flushing_beside_delivery_shows_commits_at_once_and_flushes_each) {
    TempDir t;
    const auto file = t.path / "beside.db";
    auto ob = openOk(file, appenderOptions("boot-a"));
    auto reader = openOk(file);  // a sink's connection
    for (int i = 1; i <= 5; ++i) {
        BOOST_TEST(appendOne(*ob, i) == static_cast<std::uint64_t>(i));
        auto seen = reader->after(0, 100);
        BOOST_REQUIRE(seen);
        BOOST_TEST(seen->size() == static_cast<std::size_t>(i));  // visible before any flush returned
    }
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (ob->backgroundFlushes() == 0 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    BOOST_TEST(ob->backgroundFlushes() >= 1u);
    BOOST_TEST(ob->flush().has_value());
    BOOST_TEST(!ob->takeFlushError());
    BOOST_TEST(!ob->skipped());
}

BOOST_AUTO_TEST_CASE(kill_9_of_an_appender_flushing_beside_loses_nothing_and_skips_nothing_in_the_same_boot) {
    TempDir t;
    const auto file = t.path / "storm.db";
    const std::uint64_t last = stormUntilKilled(file, appenderOptions("boot-a"));
    // The same boot: the page cache kept every commit, so the numbers go on without a gap.
    auto ob = openOk(file, appenderOptions("boot-a"));
    BOOST_TEST(!ob->skipped());
    auto all = ob->after(0, 1000000);
    BOOST_REQUIRE(all);
    BOOST_TEST(all->size() >= last);
    for (std::size_t i = 0; i < all->size(); ++i) BOOST_TEST((*all)[i].seq == i + 1);
    BOOST_TEST(appendOne(*ob, 0) == all->size() + 1);
}

BOOST_AUTO_TEST_CASE(a_new_boot_after_an_unclean_end_goes_on_past_the_floor_and_a_clean_close_leaves_no_gap) {
    for (const auto d : {Durability::full, Durability::normal}) {
        BOOST_TEST_CONTEXT((d == Durability::full ? "fsync" : "no fsync")) {
            TempDir t;
            const auto file = t.path / "guard.db";
            uncleanRun(file, appenderOptions("boot-a", d, 50), 3);
            {
                // Another boot, and the last run never closed: numbers 4..50 (its floor, 50 past
                // where it began) may have been handed to a sink and lost from the outbox with the
                // power; none is handed out again.
                auto ob = openOk(file, appenderOptions("boot-b", d, 50));
                BOOST_REQUIRE(ob->skipped());
                BOOST_TEST(ob->skipped()->after == 3u);
                BOOST_TEST(ob->skipped()->to == 50u);
                BOOST_TEST(appendOne(*ob, 1) == 51u);
                auto all = ob->after(0, 100);
                BOOST_REQUIRE(all);
                BOOST_TEST(all->size() == 4u);  // the stored events are all kept
            }
            {
                // A clean close, then another boot: no gap.
                auto ob = openOk(file, appenderOptions("boot-c", d, 50));
                BOOST_TEST(!ob->skipped());
                BOOST_TEST(appendOne(*ob, 2) == 52u);
            }
            {
                // A connection that does not append (a sink's, `raidmon events`) guards nothing.
                auto ob = openOk(file);
                BOOST_TEST(!ob->skipped());
            }
            // An unknown boot id counts as another boot.
            uncleanRun(file, appenderOptions("boot-d", d, 50), 1);
            auto ob = openOk(file, appenderOptions("", d, 50));
            BOOST_REQUIRE(ob->skipped());
            BOOST_TEST(ob->skipped()->after == 53u);
            BOOST_TEST(ob->skipped()->to == 102u);
        }
    }
}

BOOST_AUTO_TEST_CASE(an_open_whose_guard_failed_does_not_mark_the_outbox_clean) {
    TempDir t;
    const auto file = t.path / "failed.db";
    uncleanRun(file, appenderOptions("boot-a", Durability::full, 50), 3);
    auto sql = [&](const char* text) {
        sqlite3* db = nullptr;
        BOOST_REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
        char* err = nullptr;
        const int rc = sqlite3_exec(db, text, nullptr, nullptr, &err);
        BOOST_TEST(rc == SQLITE_OK, (err ? err : ""));
        sqlite3_free(err);
        sqlite3_close(db);
    };
    // The guard's write of the boot id fails: the open fails, and its close writes nothing.
    sql("CREATE TRIGGER no_boot BEFORE INSERT ON meta WHEN NEW.key = 'boot_id' BEGIN SELECT RAISE(ABORT, 'no'); END");
    BOOST_TEST(!Outbox::open(file, appenderOptions("boot-b", Durability::full, 50)));
    sql("DROP TRIGGER no_boot");
    // So the next boot still knows that the run of boot-a did not end cleanly.
    auto ob = openOk(file, appenderOptions("boot-c", Durability::full, 50));
    BOOST_REQUIRE(ob->skipped());
    BOOST_TEST(ob->skipped()->after == 3u);
    BOOST_TEST(ob->skipped()->to == 50u);
}

BOOST_AUTO_TEST_CASE(the_floor_is_raised_before_the_numbers_reach_it) {
    TempDir t;
    const auto file = t.path / "floor.db";
    // Window 10: the floor is raised whenever it would be less than 5 ahead, so a run that hands
    // out 30 numbers one commit at a time leaves a floor between 35 and 41.
    uncleanRun(file, appenderOptions("boot-a", Durability::full, 10), 30);
    auto ob = openOk(file, appenderOptions("boot-b", Durability::full, 10));
    BOOST_REQUIRE(ob->skipped());
    BOOST_TEST(ob->skipped()->after == 30u);
    BOOST_TEST(ob->skipped()->to >= 35u);
    BOOST_TEST(ob->skipped()->to <= 41u);
    // One batch larger than the window: the floor is raised past all of it before it commits.
    std::vector<Event> big;
    for (int i = 0; i < 25; ++i) big.push_back(ev("drive.added", Severity::info, i));
    const auto first = ob->skipped()->to + 1;
    auto r = ob->append(big, hostId());
    BOOST_REQUIRE(r);
    BOOST_TEST(r->back().seq == first + 24);
    ob.reset();  // clean
    uncleanRun(file, appenderOptions("boot-b", Durability::full, 10), 0);
    auto again = openOk(file, appenderOptions("boot-c", Durability::full, 10));
    BOOST_REQUIRE(again->skipped());  // the unclean run above handed out nothing, but may have
    BOOST_TEST(again->skipped()->after == first + 24);
    BOOST_TEST(again->skipped()->to == first + 24 + 10);
}

BOOST_AUTO_TEST_CASE(background_checkpoints_keep_the_wal_bounded_and_lose_nothing) {
    TempDir t;
    const auto file = t.path / "outbox.db";
    const auto wal = fs::path(file.string() + "-wal");
    constexpr std::uintmax_t kFrame = 4096 + 24;  // a WAL page: 4 KiB and its frame header
    constexpr int kEvents = 3000;                 // one commit each, about 3 WAL pages each
    {
        OutboxOptions o;
        o.durability = Durability::normal;  // fsync at checkpoints only: the test stays fast
        o.checkpointInBackground = true;
        auto ob = openOk(file, o);
        BOOST_REQUIRE(ob->registerSink("file"));
        // Events as the agent commits them, with pauses: once the WAL is past SQLite's 1000 pages
        // the appender goes on only when the thread has checkpointed. The next commit then starts
        // the WAL again from its beginning, so it never grows much past 1000 pages.
        // (The file keeps its largest size: it grows past it again only when the WAL, started
        // again, is that long once more.)
        std::uintmax_t walMax = 0, waitedAt = 1000 * kFrame - 1;
        std::uint64_t seen = 0;
        for (int i = 0; i < kEvents; ++i) {
            std::vector<Event> b{ev("drive.added", Severity::info, i)};
            BOOST_REQUIRE(ob->append(b, hostId()));
            walMax = std::max(walMax, fs::file_size(wal));
            if (walMax <= waitedAt) continue;
            waitedAt = walMax;
            for (int k = 0; k < 1000 && ob->backgroundCheckpoints() == seen; ++k) std::this_thread::sleep_for(std::chrono::milliseconds(10));
            BOOST_REQUIRE_MESSAGE(ob->backgroundCheckpoints() > seen, "no background checkpoint within 10 s");
            seen = ob->backgroundCheckpoints();
        }
        BOOST_TEST(seen >= 2u);
        BOOST_TEST(walMax < 1100 * kFrame, "the WAL reached " << walMax << " bytes");
        // Without pauses the thread never catches up with the appender (a checkpoint copies only
        // the pages written before it began): at 8000 pages the appender checkpoints itself.
        for (int i = kEvents; i < 2 * kEvents + 1000; ++i) {
            std::vector<Event> b{ev("drive.added", Severity::info, i)};
            BOOST_REQUIRE(ob->append(b, hostId()));
            walMax = std::max(walMax, fs::file_size(wal));
        }
        BOOST_TEST(walMax < 8100 * kFrame, "the WAL reached " << walMax << " bytes");
        BOOST_TEST(!ob->takeCheckpointError());
    }
    auto ob = openOk(file);
    auto all = ob->after(0, 3 * kEvents);
    BOOST_REQUIRE(all);
    BOOST_REQUIRE(all->size() == static_cast<std::size_t>(2 * kEvents + 1000));
    for (std::size_t i = 0; i < all->size(); ++i) BOOST_TEST((*all)[i].seq == i + 1);
    BOOST_TEST(ob->backgroundCheckpoints() == 0u);  // not asked for: SQLite's own auto-checkpoint
    BOOST_TEST(!ob->takeCheckpointError());
}

BOOST_AUTO_TEST_CASE(backoff_is_exponential_with_jitter_and_capped) {
    Backoff b(std::chrono::milliseconds(100), std::chrono::milliseconds(5000), 42);
    long long prevHigh = 0;
    for (int i = 0; i < 12; ++i) {
        const long long step = std::min(100LL << i, 5000LL);
        const auto d = b.next().count();
        BOOST_TEST_CONTEXT("attempt " << i) {
            BOOST_TEST(d >= step / 2);
            BOOST_TEST(d <= step);
        }
        prevHigh = step;
    }
    BOOST_TEST(prevHigh == 5000);
    b.reset();
    BOOST_TEST(b.next().count() <= 100);
    // two agents with different seeds do not retry in lockstep
    Backoff x(std::chrono::milliseconds(1000), std::chrono::milliseconds(60000), 1), y(std::chrono::milliseconds(1000), std::chrono::milliseconds(60000), 2);
    int same = 0;
    for (int i = 0; i < 6; ++i) same += x.next() == y.next() ? 1 : 0;
    BOOST_TEST(same < 6);
}

BOOST_AUTO_TEST_CASE(a_removed_sinks_cursor_is_forgotten_and_no_longer_blocks_pruning) {
    // Two sinks; "old" is then removed from the configuration. Its cursor must not hold back
    // pruning: else the bound is kept by dropping events the remaining sink has not seen.
    TempDir t;
    OutboxOptions o;
    o.maxEvents = 20;
    o.keepDelivered = 0;
    auto ob = openOk(t.path / "o.db", o);
    BOOST_REQUIRE(ob->registerSink("file"));
    BOOST_REQUIRE(ob->registerSink("old"));
    std::vector<Event> batch;
    for (int i = 0; i < 15; ++i) batch.push_back(ev("drive.added", Severity::info, i));
    BOOST_REQUIRE(ob->append(batch, hostId()));
    BOOST_REQUIRE(ob->ack("file", 15));
    // The agent starts with only "file" configured.
    auto gone = ob->forgetSinksExcept({"file"});
    BOOST_REQUIRE_MESSAGE(gone, (gone ? "" : gone.error().message));
    BOOST_REQUIRE(gone->size() == 1u);
    BOOST_TEST((*gone)[0].name == "old");
    BOOST_TEST((*gone)[0].cursor == 0u);
    BOOST_TEST((*gone)[0].undelivered == 15u);
    BOOST_TEST(ob->cursor("old").error().is(errc::not_found));
    // 15 more events, 5 of them not delivered yet: room is made from what "file" delivered,
    // nothing it has not seen is dropped.
    batch.clear();
    for (int i = 0; i < 15; ++i) batch.push_back(ev("drive.added", Severity::info, 100 + i));
    auto r = ob->append(batch, hostId());
    BOOST_REQUIRE(r);
    for (const auto& a : *r) BOOST_TEST(!a.dropped);
    BOOST_TEST(ob->dropped() == 0u);
    auto pending = ob->pending("file", 100);
    BOOST_REQUIRE(pending);
    BOOST_TEST(pending->size() == 15u);
    // Forgetting again is a no-op.
    BOOST_TEST(ob->forgetSinksExcept({"file"})->empty());
}

BOOST_AUTO_TEST_CASE(dropped_counts_every_event_a_sink_never_got) {
    // The outbox's own drops: undelivered events deleted to make room and new events refused.
    TempDir t;
    OutboxOptions o;
    o.maxEvents = 10;
    auto ob = openOk(t.path / "o.db", o);
    BOOST_REQUIRE(ob->registerSink("webhook"));
    std::vector<Event> batch;
    for (int i = 0; i < 10; ++i) batch.push_back(ev("host.heartbeat", Severity::info, i));
    BOOST_REQUIRE(ob->append(batch, hostId()));
    BOOST_TEST(ob->dropped() == 0u);
    batch.clear();
    for (int i = 0; i < 3; ++i) batch.push_back(ev("drive.added", Severity::info, i));
    BOOST_REQUIRE(ob->append(batch, hostId()));
    BOOST_TEST(ob->dropped() == 3u);  // three undelivered heartbeats made room
    batch.clear();
    for (int i = 0; i < 7; ++i) batch.push_back(ev("drive.failed", Severity::critical, i));
    BOOST_REQUIRE(ob->append(batch, hostId()));
    BOOST_TEST(ob->dropped() == 10u);  // the other seven heartbeats
    batch = {ev("host.heartbeat", Severity::info, 99)};
    auto r = ob->append(batch, hostId());
    BOOST_REQUIRE(r);
    BOOST_TEST((*r)[0].dropped);
    BOOST_TEST(ob->dropped() == 11u);  // refused on arrival
}

BOOST_AUTO_TEST_CASE(a_link_in_place_of_the_database_is_not_followed) {
    TempDir t;
    std::ofstream(t.path / "victim") << "precious\n";
    fs::create_symlink(t.path / "victim", t.path / "outbox.db");
    auto ob = Outbox::open(t.path / "outbox.db");
    BOOST_REQUIRE(!ob);
    BOOST_TEST(ob.error().message.find("outbox.db") != std::string::npos);
    std::ifstream f(t.path / "victim");
    std::string s;
    std::getline(f, s);
    BOOST_TEST(s == "precious");
}
