// SPDX-License-Identifier: LGPL-2.1-or-later
#include "daemon/outbox.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <thread>

#include <sqlite3.h>

namespace raidmon::agent {

namespace {

/// A prepared statement, taken from the connection's cache (prepared once, SQLITE_PREPARE_PERSISTENT)
/// and reset with its bindings cleared when done: parsing SQL was a tenth of an event's cost.
class Stmt {
public:
    Stmt(StatementCache& cache, const char* sql) : st_(cache.get(sql, rc_)) {}
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    ~Stmt() {
        if (!st_) return;
        sqlite3_reset(st_);
        sqlite3_clear_bindings(st_);
    }
    [[nodiscard]] bool ok() const { return rc_ == SQLITE_OK; }
    sqlite3_stmt* get() const { return st_; }
    void bind(int i, std::int64_t v) { sqlite3_bind_int64(st_, i, v); }
    void bind(int i, std::string_view s) { sqlite3_bind_text(st_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT); }
    int step() { return sqlite3_step(st_); }
    std::int64_t i64(int col) const { return sqlite3_column_int64(st_, col); }
    std::string text(int col) const {
        const auto* p = sqlite3_column_text(st_, col);
        return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(st_, col))) : std::string();
    }

private:
    int rc_ = SQLITE_ERROR;
    sqlite3_stmt* st_ = nullptr;
};

/// Roll back unless committed: a failed append leaves nothing half-written, and the outbox's
/// counters as they were at BEGIN.
class Txn {
public:
    Txn(sqlite3* db, std::size_t& count, std::uint64_t& dropped) : db_(db), count_(count), dropped_(dropped), countBefore_(count), droppedBefore_(dropped) {}
    Txn(const Txn&) = delete;
    Txn& operator=(const Txn&) = delete;
    ~Txn() {
        if (done_) return;
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        count_ = countBefore_;
        dropped_ = droppedBefore_;
    }
    /// COMMIT; false (rolled back at destruction) if it failed.
    bool commit() {
        done_ = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
        return done_;
    }

private:
    sqlite3* db_;
    std::size_t& count_;
    std::uint64_t& dropped_;
    std::size_t countBefore_;
    std::uint64_t droppedBefore_;
    bool done_ = false;
};

constexpr const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  priority INTEGER NOT NULL,
  time_ms INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_priority ON events(priority, seq);
CREATE INDEX IF NOT EXISTS events_time ON events(time_ms);
CREATE TABLE IF NOT EXISTS cursors (sink TEXT PRIMARY KEY, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS command_ids (jti TEXT PRIMARY KEY, exp INTEGER NOT NULL, key TEXT NOT NULL, accepted INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS command_ids_exp ON command_ids(exp);
)SQL";

} // namespace

int priorityOf(const Event& ev) noexcept {
    if (isDroppable(ev)) return 0;
    return ev.severity == Severity::info ? 1 : 2;
}

Outbox::Outbox(sqlite3* db, std::filesystem::path file, OutboxOptions opts)
    : db_(db), stmts_(std::make_unique<StatementCache>(db)), file_(std::move(file)), opts_(opts) {}

sqlite3_stmt* StatementCache::get(const char* sql, int& rc) {
    if (auto it = stmts_.find(sql); it != stmts_.end()) {
        rc = SQLITE_OK;
        return it->second;
    }
    sqlite3_stmt* st = nullptr;
    rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(st);
        return nullptr;
    }
    stmts_.emplace(sql, st);
    return st;
}

StatementCache::~StatementCache() {
    for (auto& [sql, st] : stmts_) sqlite3_finalize(st);
}

/// OutboxOptions::checkpointInBackground: a thread with a connection of its own runs PASSIVE
/// checkpoints (they neither wait for nor block the appender, whose commits go on appending to
/// the WAL meanwhile) when the appender's WAL hook asks. The thread starts at the first request.
class Checkpointer {
public:
    Checkpointer(std::filesystem::path file, Durability durability) : file_(std::move(file)), durability_(durability) {}
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;
    ~Checkpointer() {
        {
            std::lock_guard lk(m_);
            stop_ = true;
        }
        cv_.notify_one();
        if (thread_.joinable()) thread_.join();
    }

    /// From the appender's thread (the WAL hook): checkpoint soon.
    void request() {
        {
            std::lock_guard lk(m_);
            if (wanted_) return;
            wanted_ = true;
            if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
        }
        cv_.notify_one();
    }

    /// Until no checkpoint of the thread runs (the appender's own would find the WAL busy).
    void waitIdle() {
        std::unique_lock lk(m_);
        idle_.wait(lk, [&] { return !running_; });
    }

    [[nodiscard]] std::uint64_t done() const noexcept { return done_.load(std::memory_order_relaxed); }

    std::optional<std::string> takeError() {
        std::lock_guard lk(m_);
        if (error_.empty()) return std::nullopt;
        return std::exchange(error_, std::string());
    }

private:
    void run() {
        sqlite3* db = nullptr;
        for (;;) {
            {
                std::unique_lock lk(m_);
                cv_.wait(lk, [&] { return wanted_ || stop_; });
                if (stop_) break;
                wanted_ = false;  // a request while this one runs asks for one more after it
                running_ = true;
            }
            std::string err = checkpoint(db);
            {
                std::lock_guard lk(m_);
                running_ = false;
                if (!err.empty()) error_ = "outbox " + file_.string() + ": background checkpoint: " + err;
            }
            idle_.notify_all();
        }
        sqlite3_close_v2(db);
    }

    /// One PASSIVE checkpoint; "" or what failed. The connection is opened at the first one and
    /// again after a failure.
    std::string checkpoint(sqlite3*& db) {
        if (!db) {
            const int rc = sqlite3_open_v2(file_.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, nullptr);
            if (rc != SQLITE_OK) {
                std::string m = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
                sqlite3_close_v2(std::exchange(db, nullptr));
                return "cannot open: " + m;
            }
            // The checkpoint's syncs as the appender's: FULL and NORMAL both sync the WAL before it
            // is copied and the database after.
            (void)sqlite3_exec(db, durability_ == Durability::full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL", nullptr, nullptr,
                               nullptr);
        }
        const int rc = sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        if (rc == SQLITE_OK) {
            done_.fetch_add(1, std::memory_order_relaxed);
            return {};
        }
        if (rc == SQLITE_BUSY) return {};  // another checkpoint runs (a reader's connection closing): it does the work
        std::string m = sqlite3_errmsg(db);
        sqlite3_close_v2(std::exchange(db, nullptr));
        return m;
    }

    const std::filesystem::path file_;
    const Durability durability_;
    std::mutex m_;
    std::condition_variable cv_, idle_;
    bool wanted_ = false, running_ = false, stop_ = false;
    std::string error_;
    std::atomic<std::uint64_t> done_{0};
    std::thread thread_;
};

namespace {

/// SQLite's own auto-checkpoint threshold, and the bound past which the appender checkpoints itself.
constexpr int kCheckpointPages = 1000;
constexpr int kInlineCheckpointPages = 8000;

} // namespace

int Outbox::walHook(void* self, sqlite3* db, const char* name, int pages) {
    auto* ob = static_cast<Outbox*>(self);
    if (pages >= kInlineCheckpointPages) {
        // The thread cannot keep up (appends without a pause) or keeps failing: the appender copies
        // the WAL itself, after the thread's checkpoint under way, which would make its own busy.
        ob->checkpointer_->waitIdle();
        (void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    } else if (pages >= kCheckpointPages) {
        ob->checkpointer_->request();
    }
    return SQLITE_OK;
}

std::uint64_t Outbox::backgroundCheckpoints() const noexcept { return checkpointer_ ? checkpointer_->done() : 0; }

std::optional<std::string> Outbox::takeCheckpointError() { return checkpointer_ ? checkpointer_->takeError() : std::nullopt; }

Outbox::~Outbox() {
    checkpointer_.reset();  // its thread and connection before this one
    stmts_.reset();         // statements before the connection
    sqlite3_close_v2(db_);
}

Error Outbox::sqlError(std::string_view what) const {
    const int rc = sqlite3_extended_errcode(db_);
    const errc e = (rc & 0xff) == SQLITE_PERM || (rc & 0xff) == SQLITE_READONLY ? errc::permission_denied : errc::io_error;
    return Error(e, "outbox " + file_.string() + ": " + std::string(what) + ": " + sqlite3_errmsg(db_));
}

Result<void> Outbox::exec(const char* sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
        std::string m = msg ? msg : "error";
        sqlite3_free(msg);
        return fail(errc::io_error, "outbox " + file_.string() + ": " + m);
    }
    return {};
}

Result<std::unique_ptr<Outbox>> Outbox::open(const std::filesystem::path& file, OutboxOptions opts) {
    sqlite3* db = nullptr;
    // NOFOLLOW: a link planted in place of the database is refused (the state directory itself
    // is checked before, core/statedir.hpp).
    const int rc = sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_NOFOLLOW,
                                   nullptr);
    std::unique_ptr<Outbox> ob(new Outbox(db, file, opts));
    if (rc != SQLITE_OK) return tl::unexpected(ob->sqlError("cannot open"));
    sqlite3_busy_timeout(db, 10000);
    if (auto r = ob->exec("PRAGMA journal_mode=WAL"); !r) return tl::unexpected(r.error());
    if (auto r = ob->exec(opts.durability == Durability::full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"); !r)
        return tl::unexpected(r.error());
    if (auto r = ob->exec(kSchema); !r) return tl::unexpected(r.error());
    if (opts.checkpointInBackground) {
        ob->checkpointer_ = std::make_unique<Checkpointer>(file, opts.durability);
        sqlite3_wal_hook(db, &Outbox::walHook, ob.get());  // replaces SQLite's auto-checkpoint on this connection
    }
    Stmt c(*ob->stmts_, "SELECT COUNT(*) FROM events");
    if (!c.ok() || c.step() != SQLITE_ROW) return tl::unexpected(ob->sqlError("cannot count events"));
    ob->count_ = static_cast<std::size_t>(c.i64(0));
    return ob;
}

Result<bool> Outbox::recordCommand(const CommandRecord& command) {
    // Forget the ids whose command has expired: a replay of one is refused as expired already.
    {
        Stmt del(*stmts_, "DELETE FROM command_ids WHERE exp < ?1");
        if (!del.ok()) return tl::unexpected(sqlError("cannot prune command ids"));
        del.bind(1, command.now);
        if (del.step() != SQLITE_DONE) return tl::unexpected(sqlError("cannot prune command ids"));
    }
    Stmt ins(*stmts_, "INSERT OR IGNORE INTO command_ids (jti, exp, key, accepted) VALUES (?1, ?2, ?3, ?4)");
    if (!ins.ok()) return tl::unexpected(sqlError("cannot record a command id"));
    ins.bind(1, command.jti);
    ins.bind(2, command.exp);
    ins.bind(3, command.key);
    ins.bind(4, command.now);
    if (ins.step() != SQLITE_DONE) return tl::unexpected(sqlError("cannot record a command id"));
    return sqlite3_changes(db_) == 1;
}

Result<void> Outbox::makeRoom(int priority, bool& dropNew, bool& overBound) {
    dropNew = overBound = false;
    if (count_ < opts_.maxEvents) return {};
    // 1. events every sink has delivered
    {
        Stmt d(*stmts_, "DELETE FROM events WHERE seq <= (SELECT COALESCE(MIN(seq), 0) FROM cursors) "
                    "AND seq IN (SELECT seq FROM events ORDER BY seq LIMIT ?1)");
        d.bind(1, static_cast<std::int64_t>(count_ - opts_.maxEvents + 1));
        if (!d.ok() || d.step() != SQLITE_DONE) return tl::unexpected(sqlError("cannot prune delivered events"));
        count_ -= static_cast<std::size_t>(sqlite3_changes(db_));
    }
    // 2. the oldest undelivered event of the lowest priority not above the new one's (never 2)
    for (int p = 0; p <= std::min(priority, 1) && count_ >= opts_.maxEvents; ++p) {
        Stmt d(*stmts_, "DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE priority = ?1 ORDER BY seq LIMIT ?2)");
        d.bind(1, p);
        d.bind(2, static_cast<std::int64_t>(count_ - opts_.maxEvents + 1));
        if (!d.ok() || d.step() != SQLITE_DONE) return tl::unexpected(sqlError("cannot drop events"));
        const auto n = static_cast<std::size_t>(sqlite3_changes(db_));
        count_ -= n;
        dropped_ += n;
    }
    if (count_ >= opts_.maxEvents) {
        if (priority < 2) dropNew = true;
        else overBound = true;
    }
    return {};
}

Result<std::vector<AppendResult>> Outbox::store(std::span<const Event> events, const HostIdentity& host) {
    std::vector<AppendResult> out;
    Stmt ins(*stmts_, "INSERT INTO events(id, type, priority, time_ms, body) VALUES (?1, ?2, ?3, ?4, '')");
    Stmt upd(*stmts_, "UPDATE events SET body = ?1 WHERE seq = ?2");
    if (!ins.ok() || !upd.ok()) return tl::unexpected(sqlError("cannot prepare"));
    for (const auto& ev : events) {
        AppendResult ar;
        const int prio = priorityOf(ev);
        bool dropNew = false;
        if (auto r = makeRoom(prio, dropNew, ar.overBound); !r) return tl::unexpected(r.error());
        if (dropNew) {
            ar.dropped = true;
            ++dropped_;
            out.push_back(ar);
            continue;
        }
        sqlite3_reset(ins.get());
        ins.bind(1, ev.id);
        ins.bind(2, ev.type);
        ins.bind(3, prio);
        ins.bind(4, std::chrono::duration_cast<std::chrono::milliseconds>(ev.time.time_since_epoch()).count());
        if (ins.step() != SQLITE_DONE) return tl::unexpected(sqlError("cannot store event " + ev.id));
        ar.seq = static_cast<std::uint64_t>(sqlite3_last_insert_rowid(db_));
        sqlite3_reset(upd.get());
        ar.body = toCloudEvent(ev, host, ar.seq);
        upd.bind(1, ar.body);
        upd.bind(2, static_cast<std::int64_t>(ar.seq));
        if (upd.step() != SQLITE_DONE) return tl::unexpected(sqlError("cannot store event " + ev.id));
        ++count_;
        out.push_back(ar);
    }
    // Keep the history of delivered events bounded.
    Stmt p(*stmts_, "DELETE FROM events WHERE seq <= (SELECT COALESCE(MIN(seq), 0) FROM cursors) - ?1");
    p.bind(1, static_cast<std::int64_t>(opts_.keepDelivered));
    if (!p.ok() || p.step() != SQLITE_DONE) return tl::unexpected(sqlError("cannot prune delivered events"));
    count_ -= static_cast<std::size_t>(sqlite3_changes(db_));
    return out;
}

Result<std::vector<AppendResult>> Outbox::append(std::span<const Event> events, const HostIdentity& host) {
    if (events.empty()) return std::vector<AppendResult>{};
    if (auto r = exec("BEGIN IMMEDIATE"); !r) return tl::unexpected(r.error());
    Txn txn(db_, count_, dropped_);
    auto out = store(events, host);
    if (out && !txn.commit()) return tl::unexpected(sqlError("cannot commit"));
    return out;
}

Result<std::optional<std::vector<AppendResult>>> Outbox::appendAccepted(const CommandRecord& command, std::span<const Event> events,
                                                                        const HostIdentity& host) {
    if (auto r = exec("BEGIN IMMEDIATE"); !r) return tl::unexpected(r.error());
    Txn txn(db_, count_, dropped_);  // a replay or an error: rolled back, nothing stored
    auto fresh = recordCommand(command);
    if (!fresh) return tl::unexpected(fresh.error());
    if (!*fresh) return std::optional<std::vector<AppendResult>>();
    auto out = store(events, host);
    if (!out) return tl::unexpected(out.error());
    if (!txn.commit()) return tl::unexpected(sqlError("cannot commit"));
    return std::optional<std::vector<AppendResult>>(std::move(*out));
}

Result<void> Outbox::registerSink(std::string_view sink) {
    Stmt s(*stmts_, "INSERT OR IGNORE INTO cursors(sink, seq) VALUES (?1, "
                "COALESCE((SELECT MIN(seq) FROM cursors), (SELECT COALESCE(MIN(seq), 1) - 1 FROM events)))");
    s.bind(1, sink);
    if (!s.ok() || s.step() != SQLITE_DONE) return tl::unexpected(sqlError("cannot register sink " + std::string(sink)));
    return {};
}

Result<std::vector<Outbox::ForgottenSink>> Outbox::forgetSinksExcept(const std::vector<std::string>& keep) {
    std::vector<ForgottenSink> gone;
    {
        Stmt s(*stmts_, "SELECT sink, seq, (SELECT COUNT(*) FROM events WHERE events.seq > cursors.seq) FROM cursors ORDER BY sink");
        if (!s.ok()) return tl::unexpected(sqlError("cannot prepare"));
        int rc;
        while ((rc = s.step()) == SQLITE_ROW) {
            std::string name = s.text(0);
            if (std::find(keep.begin(), keep.end(), name) != keep.end()) continue;
            gone.push_back({std::move(name), static_cast<std::uint64_t>(s.i64(1)), static_cast<std::uint64_t>(s.i64(2))});
        }
        if (rc != SQLITE_DONE) return tl::unexpected(sqlError("cannot read cursors"));
    }
    for (const auto& g : gone) {
        Stmt d(*stmts_, "DELETE FROM cursors WHERE sink = ?1");
        d.bind(1, g.name);
        if (!d.ok() || d.step() != SQLITE_DONE) return tl::unexpected(sqlError("cannot drop the cursor of " + g.name));
    }
    return gone;
}

Result<std::vector<StoredEvent>> Outbox::select(const char* sql, std::int64_t arg, std::size_t limit) {
    Stmt s(*stmts_, sql);
    if (!s.ok()) return tl::unexpected(sqlError("cannot prepare"));
    s.bind(1, arg);
    s.bind(2, static_cast<std::int64_t>(std::min<std::size_t>(limit, std::numeric_limits<std::int32_t>::max())));
    std::vector<StoredEvent> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW)
        out.push_back({static_cast<std::uint64_t>(s.i64(0)), s.text(1), s.text(2), static_cast<int>(s.i64(3)), s.i64(4), s.text(5)});
    if (rc != SQLITE_DONE) return tl::unexpected(sqlError("cannot read events"));
    return out;
}

Result<std::uint64_t> Outbox::cursor(std::string_view sink) {
    Stmt s(*stmts_, "SELECT seq FROM cursors WHERE sink = ?1");
    s.bind(1, sink);
    if (!s.ok()) return tl::unexpected(sqlError("cannot prepare"));
    const int rc = s.step();
    if (rc == SQLITE_ROW) return static_cast<std::uint64_t>(s.i64(0));
    if (rc == SQLITE_DONE) return fail(errc::not_found, "outbox " + file_.string() + ": no sink " + std::string(sink));
    return tl::unexpected(sqlError("cannot read cursor"));
}

Result<std::vector<StoredEvent>> Outbox::pending(std::string_view sink, std::size_t limit) {
    auto c = cursor(sink);
    if (!c) return tl::unexpected(c.error());
    return after(*c, limit);
}

Result<void> Outbox::ack(std::string_view sink, std::uint64_t seq) {
    Stmt s(*stmts_, "UPDATE cursors SET seq = MAX(seq, ?2) WHERE sink = ?1");
    s.bind(1, sink);
    s.bind(2, static_cast<std::int64_t>(seq));
    if (!s.ok() || s.step() != SQLITE_DONE) return tl::unexpected(sqlError("cannot advance cursor of " + std::string(sink)));
    return {};
}

Result<std::vector<StoredEvent>> Outbox::after(std::uint64_t afterSeq, std::size_t limit) {
    return select("SELECT seq, id, type, priority, time_ms, body FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                  static_cast<std::int64_t>(afterSeq), limit);
}

Result<std::vector<StoredEvent>> Outbox::since(std::chrono::system_clock::time_point t, std::size_t limit) {
    return select("SELECT seq, id, type, priority, time_ms, body FROM events WHERE time_ms >= ?1 ORDER BY seq LIMIT ?2",
                  std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count(), limit);
}

Result<std::uint64_t> Outbox::lastSeq() {
    Stmt s(*stmts_, "SELECT COALESCE(MAX(seq), 0) FROM events");
    if (!s.ok() || s.step() != SQLITE_ROW) return tl::unexpected(sqlError("cannot read the last sequence"));
    return static_cast<std::uint64_t>(s.i64(0));
}

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, std::uint64_t seed)
    : initial_(initial), max_(std::max(max, initial)), rng_(seed) {}

std::chrono::milliseconds Backoff::next() {
    auto d = initial_;
    for (unsigned i = 0; i < attempt_ && d < max_; ++i) d *= 2;
    d = std::min(d, max_);
    if (attempt_ < 64) ++attempt_;
    const auto half = d.count() / 2;
    std::uniform_int_distribution<long long> u(half, std::max<long long>(half, d.count()));
    return std::chrono::milliseconds(u(rng_));
}

} // namespace raidmon::agent
