// SPDX-License-Identifier: LGPL-2.1-or-later
#include "daemon/outbox.hpp"

#include <algorithm>
#include <charconv>
#include <atomic>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <thread>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
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

/// What the outbox's background threads share: a thread started at the first request and stopped
/// by stop(), a count of the work done, and the last error, each taken once.
class OutboxThread {
public:
    OutboxThread() = default;
    OutboxThread(const OutboxThread&) = delete;
    OutboxThread& operator=(const OutboxThread&) = delete;

    [[nodiscard]] std::uint64_t done() const noexcept { return done_.load(std::memory_order_relaxed); }

    std::optional<std::string> takeError() {
        std::lock_guard lk(m_);
        if (error_.empty()) return std::nullopt;
        return std::exchange(error_, std::string());
    }

protected:
    ~OutboxThread() = default;
    /// Under m_: the thread, at the first request.
    template <class F>
    void startLocked(F&& body) {
        if (!thread_.joinable()) thread_ = std::thread(std::forward<F>(body));
    }
    /// From the derived class's destructor, before its own members go.
    void stop() {
        {
            std::lock_guard lk(m_);
            stop_ = true;
        }
        cv_.notify_one();
        if (thread_.joinable()) thread_.join();
    }

    std::mutex m_;
    std::condition_variable cv_;
    bool stop_ = false;
    std::string error_;
    std::atomic<std::uint64_t> done_{0};

private:
    std::thread thread_;
};

/// OutboxOptions::checkpointInBackground: a thread with a connection of its own runs PASSIVE
/// checkpoints (they neither wait for nor block the appender, whose commits go on appending to
/// the WAL meanwhile) when the appender's WAL hook asks. The thread starts at the first request.
class Checkpointer : public OutboxThread {
public:
    Checkpointer(std::filesystem::path file, Durability durability) : file_(std::move(file)), durability_(durability) {}
    ~Checkpointer() { stop(); }

    /// From the appender's thread (the WAL hook): checkpoint soon.
    void request() {
        {
            std::lock_guard lk(m_);
            if (wanted_) return;
            wanted_ = true;
            startLocked([this] { run(); });
        }
        cv_.notify_one();
    }

    /// Until no checkpoint of the thread runs (the appender's own would find the WAL busy).
    void waitIdle() {
        std::unique_lock lk(m_);
        idle_.wait(lk, [&] { return !running_; });
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
    std::condition_variable idle_;
    bool wanted_ = false, running_ = false;
};

/// OutboxOptions::flushBesideDelivery: fdatasync of the WAL file, by a thread of the outbox after
/// each commit (request()) or at once on the caller's thread (now()). A flush that starts after a
/// commit returned makes that commit durable: fdatasync covers every write to the file before it,
/// through any descriptor. The WAL is opened by its name and reopened when another file is found
/// there (SQLite deletes it when its last connection closes and creates it again); the directory
/// is flushed once per file, so that its name is durable too.
class Flusher : public OutboxThread {
public:
    explicit Flusher(std::filesystem::path wal) : wal_(std::move(wal)) {}
    ~Flusher() {
        stop();
        if (fd_ >= 0) ::close(fd_);
    }

    /// After a commit (the appender's thread): flush soon. Requests while a flush runs are served
    /// by one more flush after it.
    void request() {
        {
            std::lock_guard lk(m_);
            ++wanted_;
            startLocked([this] { run(); });
        }
        cv_.notify_one();
    }

    /// Flush now; "" or what failed.
    std::string now() {
        std::lock_guard io(io_);
        return sync();
    }

private:
    void run() {
        std::unique_lock lk(m_);
        for (;;) {
            cv_.wait(lk, [&] { return stop_ || wanted_ != served_; });
            if (stop_) return;
            const std::uint64_t gen = wanted_;
            lk.unlock();
            std::string err = now();
            lk.lock();
            served_ = gen;
            if (err.empty()) done_.fetch_add(1, std::memory_order_relaxed);
            else error_ = wal_.string() + ": " + err;
        }
    }

    std::string sync() {
        struct stat st {};
        if (::stat(wal_.c_str(), &st) != 0) {
            // No WAL: its last connection closed, which copied it into the database and synced that.
            if (errno == ENOENT) return {};
            return std::string("cannot stat: ") + std::strerror(errno);
        }
        if (fd_ < 0 || st.st_ino != ino_ || st.st_dev != dev_) {
            if (fd_ >= 0) ::close(std::exchange(fd_, -1));
            fd_ = ::open(wal_.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
            if (fd_ < 0) return std::string("cannot open: ") + std::strerror(errno);
            if (::fstat(fd_, &st) != 0) return std::string("cannot stat: ") + std::strerror(errno);
            ino_ = st.st_ino;
            dev_ = st.st_dev;
            const int dir = ::open(wal_.parent_path().empty() ? "." : wal_.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (dir < 0) return std::string("cannot open its directory: ") + std::strerror(errno);
            const int rc = ::fsync(dir);
            const int e = errno;
            ::close(dir);
            if (rc != 0) {
                ::close(std::exchange(fd_, -1));  // the directory again next time
                return std::string("cannot flush its directory: ") + std::strerror(e);
            }
        }
        if (::fdatasync(fd_) != 0) return std::string("cannot flush: ") + std::strerror(errno);
        return {};
    }

    const std::filesystem::path wal_;
    std::mutex io_;
    std::uint64_t wanted_ = 0, served_ = 0;
    int fd_ = -1;  // under io_
    ino_t ino_ = 0;
    dev_t dev_ = 0;
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

std::uint64_t Outbox::backgroundFlushes() const noexcept { return flusher_ ? flusher_->done() : 0; }

std::optional<std::string> Outbox::takeFlushError() { return flusher_ ? flusher_->takeError() : std::nullopt; }

Result<void> Outbox::flush() {
    if (!flusher_) return {};
    if (auto e = flusher_->now(); !e.empty()) return fail(errc::io_error, "outbox " + file_.string() + "-wal: " + e);
    return {};
}

Outbox::~Outbox() {
    flusher_.reset();
    if (guardKept_) {
        // A clean close: everything committed flushed with this commit, so the next open, in
        // another boot too, goes on from the newest sequence number without a gap.
        (void)sqlite3_exec(db_, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr);
        (void)sqlite3_exec(db_, "INSERT OR REPLACE INTO meta(key, value) VALUES ('clean', '1')", nullptr, nullptr, nullptr);
    }
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

namespace {
/// A busy handler: sleeps of 50 us doubling up to 1 ms, for 10 s in all.
int busyWait(void*, int calls) {
    constexpr int kDoubling = 5;  // 50 us .. 800 us, then 1 ms
    if (calls > kDoubling + 10000) return 0;
    const auto us = calls < kDoubling ? 50 << calls : 1000;
    std::this_thread::sleep_for(std::chrono::microseconds(us));
    return 1;
}

} // namespace

Result<std::unique_ptr<Outbox>> Outbox::open(const std::filesystem::path& file, OutboxOptions opts) {
    sqlite3* db = nullptr;
    // NOFOLLOW: a link planted in place of the database is refused (the state directory itself
    // is checked before, core/statedir.hpp).
    const int rc = sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_NOFOLLOW,
                                   nullptr);
    std::unique_ptr<Outbox> ob(new Outbox(db, file, opts));
    if (rc != SQLITE_OK) return tl::unexpected(ob->sqlError("cannot open"));
    // Another connection's short write (a sink's cursor move, microseconds) is waited out in steps
    // of 50 us to 1 ms; SQLite's busy timeout would sleep 1, 2, 5, 10 ms... on an event's path.
    sqlite3_busy_handler(db, &busyWait, nullptr);
    if (auto r = ob->exec("PRAGMA journal_mode=WAL"); !r) return tl::unexpected(r.error());
    if (opts.appender && opts.flushBesideDelivery && opts.durability == Durability::full)
        ob->flusher_ = std::make_unique<Flusher>(std::filesystem::path(file.string() + "-wal"));
    if (auto r = ob->exec(ob->ownSynchronous()); !r) return tl::unexpected(r.error());
    if (auto r = ob->exec(kSchema); !r) return tl::unexpected(r.error());
    if (opts.checkpointInBackground) {
        ob->checkpointer_ = std::make_unique<Checkpointer>(file, opts.durability);
        sqlite3_wal_hook(db, &Outbox::walHook, ob.get());  // replaces SQLite's auto-checkpoint on this connection
    }
    if (opts.appender)
        if (auto r = ob->guardSequence(); !r) return tl::unexpected(r.error());
    Stmt c(*ob->stmts_, "SELECT COUNT(*) FROM events");
    if (!c.ok() || c.step() != SQLITE_ROW) return tl::unexpected(ob->sqlError("cannot count events"));
    ob->count_ = static_cast<std::size_t>(c.i64(0));
    return ob;
}

namespace {
std::uint64_t toU64(const std::string& s) {
    std::uint64_t v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && p == s.data() + s.size() ? v : 0;
}
} // namespace

bool Outbox::unflushedCommits() const noexcept { return flusher_ || opts_.durability == Durability::normal; }

const char* Outbox::ownSynchronous() const noexcept { return unflushedCommits() ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL"; }

bool Outbox::guarded() const noexcept { return opts_.appender && unflushedCommits(); }

Result<void> Outbox::guardSequence() {
    // Flushed before it returns: the floor must be on disk before any number past the old one is
    // handed out.
    if (auto r = exec("PRAGMA synchronous=FULL"); !r) return r;
    if (auto r = exec("BEGIN IMMEDIATE"); !r) return r;
    Txn txn(db_, count_, dropped_);
    std::uint64_t stored = 0;
    {
        Stmt q(*stmts_, "SELECT seq FROM sqlite_sequence WHERE name = 'events'");
        if (!q.ok()) return tl::unexpected(sqlError("cannot read the sequence"));
        const int rc = q.step();
        if (rc == SQLITE_ROW) stored = static_cast<std::uint64_t>(std::max<std::int64_t>(0, q.i64(0)));
        else if (rc != SQLITE_DONE) return tl::unexpected(sqlError("cannot read the sequence"));
    }
    std::map<std::string, std::string> meta;
    {
        Stmt q(*stmts_, "SELECT key, value FROM meta");
        if (!q.ok()) return tl::unexpected(sqlError("cannot read meta"));
        int rc;
        while ((rc = q.step()) == SQLITE_ROW) meta[q.text(0)] = q.text(1);
        if (rc != SQLITE_DONE) return tl::unexpected(sqlError("cannot read meta"));
    }
    const std::uint64_t floor = toU64(meta["seq_floor"]);
    const bool sameBoot = !opts_.bootId.empty() && meta["boot_id"] == opts_.bootId;
    std::uint64_t start = stored;
    if (floor > stored && meta["clean"] != "1" && !sameBoot) {
        // The last run may have handed out numbers up to the floor whose events a power cut took.
        start = floor;
        skipped_ = SkippedSequence{stored, floor};
        Stmt u(*stmts_, "UPDATE sqlite_sequence SET seq = ?1 WHERE name = 'events'");
        Stmt i(*stmts_, "INSERT INTO sqlite_sequence(name, seq) SELECT 'events', ?1 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'events')");
        if (!u.ok() || !i.ok()) return tl::unexpected(sqlError("cannot prepare"));
        u.bind(1, static_cast<std::int64_t>(start));
        i.bind(1, static_cast<std::int64_t>(start));
        if (u.step() != SQLITE_DONE || i.step() != SQLITE_DONE) return tl::unexpected(sqlError("cannot move the sequence past " + std::to_string(start)));
    }
    newest_ = start;
    floor_ = guarded() ? start + opts_.sequenceWindow : start;
    Stmt w(*stmts_, "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)");
    if (!w.ok()) return tl::unexpected(sqlError("cannot prepare"));
    for (const auto& [k, v] : {std::pair<std::string_view, std::string>{"seq_floor", std::to_string(floor_)},
                               {"boot_id", opts_.bootId},
                               {"clean", "0"}}) {
        sqlite3_reset(w.get());
        w.bind(1, k);
        w.bind(2, v);
        if (w.step() != SQLITE_DONE) return tl::unexpected(sqlError("cannot write meta"));
    }
    if (!txn.commit()) return tl::unexpected(sqlError("cannot commit"));
    guardKept_ = true;
    return exec(ownSynchronous());
}

Result<void> Outbox::raiseFloor(std::uint64_t seq) {
    if (auto r = exec("PRAGMA synchronous=FULL"); !r) return r;
    Result<void> out;
    {
        Stmt w(*stmts_, "INSERT OR REPLACE INTO meta(key, value) VALUES ('seq_floor', ?1)");
        w.bind(1, std::to_string(seq + opts_.sequenceWindow));
        if (!w.ok() || w.step() != SQLITE_DONE) out = tl::unexpected(sqlError("cannot raise the sequence floor"));
        else floor_ = seq + opts_.sequenceWindow;
    }
    if (auto r = exec(ownSynchronous()); !r && out) return r;
    return out;
}

Result<void> Outbox::keepBelowFloor(std::size_t n) {
    if (!guarded() || newest_ + n + opts_.sequenceWindow / 2 <= floor_) return {};
    return raiseFloor(newest_ + n);
}

void Outbox::committed(const std::vector<AppendResult>& stored) {
    for (const auto& a : stored) newest_ = std::max(newest_, a.seq);
    if (flusher_) flusher_->request();
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
    if (auto r = keepBelowFloor(events.size()); !r) return tl::unexpected(r.error());
    if (auto r = exec("BEGIN IMMEDIATE"); !r) return tl::unexpected(r.error());
    Txn txn(db_, count_, dropped_);
    auto out = store(events, host);
    if (out && !txn.commit()) return tl::unexpected(sqlError("cannot commit"));
    if (out) committed(*out);
    return out;
}

Result<std::optional<std::vector<AppendResult>>> Outbox::appendAccepted(const CommandRecord& command, std::span<const Event> events,
                                                                        const HostIdentity& host) {
    if (auto r = keepBelowFloor(events.size()); !r) return tl::unexpected(r.error());
    if (auto r = exec("BEGIN IMMEDIATE"); !r) return tl::unexpected(r.error());
    Txn txn(db_, count_, dropped_);  // a replay or an error: rolled back, nothing stored
    auto fresh = recordCommand(command);
    if (!fresh) return tl::unexpected(fresh.error());
    if (!*fresh) return std::optional<std::vector<AppendResult>>();
    auto out = store(events, host);
    if (!out) return tl::unexpected(out.error());
    if (!txn.commit()) return tl::unexpected(sqlError("cannot commit"));
    committed(*out);
    // The replay record on disk before the command runs (its events may already be on their way).
    if (auto r = flush(); !r) return tl::unexpected(r.error());
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
