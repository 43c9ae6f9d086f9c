// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// The durable outbox: every event is committed to SQLite (WAL) before any sink sees it (and flushed
// to disk before or beside, OutboxOptions::flushBesideDelivery); each sink
// has a cursor (the last sequence number it delivered) so delivery is at least once and in order,
// and survives kill -9 and reboots. One Outbox object is one SQLite connection: the agent's main
// thread appends, each sink's delivery thread opens its own connection (WAL lets readers run
// beside the writer).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <raidmon/error.hpp>
#include <raidmon/events.hpp>

struct sqlite3;
struct sqlite3_stmt;

namespace raidmon::agent {

/// One event as stored.
struct StoredEvent {
    std::uint64_t seq = 0;  ///< order of commit, strictly increasing per host, never reused
    std::string id;         ///< the CloudEvents id (receivers deduplicate by it)
    std::string type;
    int priority = 0;       ///< 0 droppable (heartbeat, progress), 1 informational, 2 warning/critical
    std::int64_t timeMs = 0;  ///< event time, ms since the epoch (UTC)
    std::string body;       ///< the CloudEvents JSON, one line
};

/// How hard a commit is made durable: `full` survives power loss (fsync per commit: before it
/// returns, or right after it with OutboxOptions::flushBesideDelivery), `normal` survives a killed
/// process (WAL without fsync per commit; SQLite's "synchronous=NORMAL").
enum class Durability { full, normal };

struct OutboxOptions {
    /// Most events kept (delivered and not). When full: delivered events go first, then the
    /// oldest droppable ones, then the oldest informational ones; warnings and failures are never
    /// dropped (the bound is exceeded for them, and counted).
    std::size_t maxEvents = 100000;
    /// Delivered events kept for `raidmon events` (pruned beyond this).
    std::size_t keepDelivered = 10000;
    Durability durability = Durability::full;
    /// Copy the WAL into the database from a thread of this connection's own (a "checkpoint", with
    /// its fsyncs), instead of in the commit that takes the WAL past 1000 pages (SQLite's
    /// auto-checkpoint). For the appender whose commits are on an event's path to the sinks: a
    /// checkpoint there cost single events 10-20 ms (docs/PERFORMANCE.md). If the WAL still
    /// reaches 8000 pages (the thread failing, or held back), the commit checkpoints itself, as
    /// SQLite would: the WAL stays bounded.
    bool checkpointInBackground = false;
    /// This connection appends the host's events (the agent's one): at open it makes sure no
    /// sequence number a sink may have been given is used again (the *sequence guard*, below), and
    /// it keeps that guard for the next open.
    bool appender = false;
    /// With `appender` and Durability::full: a commit does not wait for the disk. The WAL is
    /// written (a killed process loses nothing) and sinks may read the events at once, while a
    /// thread of the outbox flushes the WAL (fdatasync) beside their delivery, at once after each
    /// commit. What a power cut can lose is the events of the last flush under way (a few
    /// milliseconds), as with any commit it cut short, yet some sink may have delivered them. So the
    /// sequence guard: a durable *floor* (OutboxOptions::sequenceWindow past the newest sequence number, raised
    /// by a flushed commit of its own before it is reached) from which the first open after a run
    /// that may have lost unflushed commits (a new boot without a clean close) goes on. Sequence
    /// numbers then never repeat; a gap tells the panel that events may be missing.
    bool flushBesideDelivery = false;
    /// The kernel's boot id: a reopen within the same boot lost nothing (the page cache outlives a
    /// killed process), so the guard only skips after a new boot. Empty: unknown (it skips).
    std::string bootId;
    /// How far the guard's floor runs ahead of the newest sequence number: a power cut costs a
    /// panel at most this many numbers. The floor is raised (one flushed commit) when it is less
    /// than half of this ahead.
    std::uint64_t sequenceWindow = 100000;
};

/// Sequence numbers a reopen skipped (OutboxOptions::flushBesideDelivery): (first, last], after
/// a run that ended without flushing what it committed (a power cut, a crash of the kernel).
struct SkippedSequence {
    std::uint64_t after = 0;  ///< the newest sequence number stored
    std::uint64_t to = 0;     ///< the next event is to + 1
};

class Checkpointer;
class Flusher;

/// What happened to an appended event.
struct AppendResult {
    std::uint64_t seq = 0;      ///< 0 if the event was dropped by the full-outbox policy
    bool dropped = false;
    bool overBound = false;     ///< stored beyond maxEvents (a warning or failure is never dropped)
    std::string body;           ///< the CloudEvents JSON as stored (empty if dropped)
};

/// An accepted signed command's replay record (daemon/commands.hpp): its `jti` (RFC 7519), kept
/// until its `exp` (seconds since the epoch), with the key that signed it.
struct CommandRecord {
    std::string jti;
    std::int64_t exp = 0;
    std::string key;
    std::int64_t now = 0;  ///< when it was accepted; ids whose exp is before it are pruned
};

/// 0, 1 or 2 as StoredEvent::priority.
int priorityOf(const Event& ev) noexcept;

/// The prepared statements of one connection, by SQL text (the callers' string literals).
class StatementCache {
public:
    explicit StatementCache(sqlite3* db) : db_(db) {}
    StatementCache(const StatementCache&) = delete;
    StatementCache& operator=(const StatementCache&) = delete;
    ~StatementCache();
    /// The statement for `sql`, prepared on first use; nullptr with `rc` set when it cannot be.
    sqlite3_stmt* get(const char* sql, int& rc);

private:
    sqlite3* db_;
    std::map<const char*, sqlite3_stmt*> stmts_;
};

class Outbox {
public:
    /// Open (creating) the outbox database. Errors: io_error naming the file and SQLite's message.
    static Result<std::unique_ptr<Outbox>> open(const std::filesystem::path& file, OutboxOptions opts = {});
    Outbox(const Outbox&) = delete;
    Outbox& operator=(const Outbox&) = delete;
    ~Outbox();

    /// Commit events (one transaction) with their CloudEvents body built here, the sequence number
    /// included. Errors: io_error ("database or disk is full", ...) naming the file; nothing of
    /// the batch is stored then.
    Result<std::vector<AppendResult>> append(std::span<const Event> events, const HostIdentity& host);

    /// Make sure a sink has a cursor. A new sink starts after the newest event delivered to every
    /// other sink (or at the beginning of a new outbox), so adding a sink does not replay history.
    Result<void> registerSink(std::string_view sink);
    /// A cursor dropped by forgetSinksExcept().
    struct ForgottenSink {
        std::string name;
        std::uint64_t cursor = 0;
        std::uint64_t undelivered = 0;  ///< stored events after its cursor when it was dropped
    };
    /// Drop the cursor of every sink not in `keep` (sinks removed from the configuration): a cursor
    /// nobody advances would hold back pruning forever, and the bound would then be kept by
    /// dropping events the remaining sinks have not seen. Errors: io_error naming the file.
    Result<std::vector<ForgottenSink>> forgetSinksExcept(const std::vector<std::string>& keep);

    /// Events after the sink's cursor, oldest first.
    Result<std::vector<StoredEvent>> pending(std::string_view sink, std::size_t limit);
    /// The sink delivered everything up to and including `seq`.
    Result<void> ack(std::string_view sink, std::uint64_t seq);
    /// The sink's cursor.
    Result<std::uint64_t> cursor(std::string_view sink);

    /// Stored events with seq > afterSeq, oldest first.
    Result<std::vector<StoredEvent>> after(std::uint64_t afterSeq, std::size_t limit);
    /// Stored events at or after a time, oldest first.
    Result<std::vector<StoredEvent>> since(std::chrono::system_clock::time_point t, std::size_t limit);
    /// Commit an accepted command's replay record and `events` (its io.raidmon.command.accepted
    /// event and whatever else waits to be committed) in ONE transaction, so one sync makes both
    /// durable: a command is never reported accepted without its record, and its record is
    /// committed before it runs, so a replay is refused also after a restart or a crash. Records
    /// of expired commands are pruned in the same transaction (a replay of one is refused as
    /// expired already).
    /// @return the events as append() stores them; std::nullopt if the `jti` is known (a replay):
    ///         then nothing at all is stored. Errors: io_error naming the file; nothing is stored.
    Result<std::optional<std::vector<AppendResult>>> appendAccepted(const CommandRecord& command, std::span<const Event> events,
                                                                    const HostIdentity& host);

    /// The newest sequence number (0 if empty).
    Result<std::uint64_t> lastSeq();

    /// Make every commit so far durable now, on the caller's thread (with flushBesideDelivery;
    /// otherwise every commit already is). Errors: io_error naming the WAL file.
    Result<void> flush();
    /// Flushes of the WAL the flushing thread completed (OutboxOptions::flushBesideDelivery).
    [[nodiscard]] std::uint64_t backgroundFlushes() const noexcept;
    /// The flushing thread's last error not taken yet ("outbox FILE-wal: cannot flush: ..."), each
    /// once; it tries again after the next commit.
    std::optional<std::string> takeFlushError();
    /// What this open skipped (the sequence guard), if anything.
    [[nodiscard]] const std::optional<SkippedSequence>& skipped() const noexcept { return skipped_; }

    /// Events stored now, as this connection counted them at open and since.
    [[nodiscard]] std::size_t size() const noexcept { return count_; }
    /// Events dropped by the full-outbox policy since open: new events refused because the outbox
    /// was full of what may not be dropped, and stored events no sink had delivered yet that were
    /// deleted to make room (pruning of events every sink delivered is not counted).
    [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_; }
    [[nodiscard]] const std::filesystem::path& file() const noexcept { return file_; }
    /// Checkpoints the background thread completed (OutboxOptions::checkpointInBackground).
    [[nodiscard]] std::uint64_t backgroundCheckpoints() const noexcept;
    /// The background thread's last error not taken yet ("outbox FILE: background checkpoint: ..."),
    /// each error once. It retries at the next commit that asks for a checkpoint.
    std::optional<std::string> takeCheckpointError();

private:
    static int walHook(void* self, sqlite3* db, const char* name, int pages);

    Outbox(sqlite3* db, std::filesystem::path file, OutboxOptions opts);
    Result<void> exec(const char* sql);
    Result<void> makeRoom(int priority, bool& dropNew, bool& overBound);
    /// In a transaction begun by the caller: store `events` (append()'s work between BEGIN and COMMIT).
    Result<std::vector<AppendResult>> store(std::span<const Event> events, const HostIdentity& host);
    /// In a transaction begun by the caller: prune expired command ids, insert this one; false if known.
    Result<bool> recordCommand(const CommandRecord& command);
    /// At open (appender): the sequence guard; see OutboxOptions::flushBesideDelivery.
    Result<void> guardSequence();
    /// Raise the floor to `seq` + sequenceWindow, in a transaction flushed before it returns.
    Result<void> raiseFloor(std::uint64_t seq);
    /// Before the appender's transaction that may assign up to `n` sequence numbers.
    Result<void> keepBelowFloor(std::size_t n);
    /// After a commit: note the newest sequence number, ask for a flush.
    void committed(const std::vector<AppendResult>& stored);
    /// This connection's commits return before they are on disk (flushed beside, or never).
    [[nodiscard]] bool unflushedCommits() const noexcept;
    /// The PRAGMA that sets this connection's own synchronous level (NORMAL if unflushedCommits()).
    [[nodiscard]] const char* ownSynchronous() const noexcept;
    /// Sequence numbers this connection hands out before they are durable (the guard is kept).
    [[nodiscard]] bool guarded() const noexcept;
    Result<std::vector<StoredEvent>> select(const char* sql, std::int64_t arg, std::size_t limit);
    Error sqlError(std::string_view what) const;

    sqlite3* db_ = nullptr;
    std::unique_ptr<StatementCache> stmts_;
    std::filesystem::path file_;
    OutboxOptions opts_;
    std::size_t count_ = 0;
    std::uint64_t dropped_ = 0;
    std::unique_ptr<Checkpointer> checkpointer_;  ///< with checkpointInBackground; stopped before db_ closes
    std::unique_ptr<Flusher> flusher_;            ///< with flushBesideDelivery; stopped before db_ closes
    std::uint64_t newest_ = 0;                    ///< the newest sequence number assigned (appender)
    std::uint64_t floor_ = 0;                     ///< the durable floor (flushBesideDelivery)
    std::optional<SkippedSequence> skipped_;
    /// The guard was read and written at open: only then does a close mark the outbox clean (an
    /// open that failed before must not hide an unclean end from the next one).
    bool guardKept_ = false;
};

/// Exponential backoff with jitter for retries: the n-th delay is uniformly distributed in
/// [d/2, d] with d = min(max, initial * 2^n) ("equal jitter": spreads a fleet of agents
/// reconnecting to a panel that comes back, yet never retries sooner than half the step).
class Backoff {
public:
    Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, std::uint64_t seed);
    /// The delay before the next attempt; advances the attempt count.
    std::chrono::milliseconds next();
    /// A success: start again from `initial`.
    void reset() noexcept { attempt_ = 0; }
    [[nodiscard]] unsigned attempts() const noexcept { return attempt_; }

private:
    std::chrono::milliseconds initial_, max_;
    unsigned attempt_ = 0;
    std::mt19937_64 rng_;
};

} // namespace raidmon::agent
