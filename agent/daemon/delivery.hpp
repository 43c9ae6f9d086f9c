// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// One delivery thread per sink: reads the outbox after the sink's cursor over its own SQLite
// connection, delivers in order, acknowledges each event as soon as it is delivered (a crash
// repeats at most one event per sink), retries the rest with backoff.

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "daemon/agent.hpp"

#include "daemon/outbox.hpp"
#include "daemon/sinks.hpp"

namespace raidmon::agent {

/// What the metrics endpoint shows of a sink.
struct SinkStats {
    std::atomic<std::uint64_t> delivered{0};
    std::atomic<std::uint64_t> failures{0};
    std::atomic<std::uint64_t> cursor{0};
    std::atomic<bool> up{true};
};

class DeliveryWorker {
public:
    DeliveryWorker(std::filesystem::path db, OutboxOptions opts, SinkConfig cfg, std::unique_ptr<Sink> sink, LogFn log,
                   std::uint64_t seed);
    DeliveryWorker(const DeliveryWorker&) = delete;
    DeliveryWorker& operator=(const DeliveryWorker&) = delete;
    ~DeliveryWorker();

    /// New events were committed.
    void notify();
    /// The host's status changed (retained MQTT message).
    void setStatus(std::string json);
    [[nodiscard]] const std::string& name() const noexcept { return cfg_.name; }
    [[nodiscard]] const SinkStats& stats() const noexcept { return stats_; }

private:
    void run();

    std::filesystem::path db_;
    OutboxOptions opts_;
    SinkConfig cfg_;
    std::unique_ptr<Sink> sink_;
    LogFn log_;
    Backoff backoff_;
    SinkStats stats_;
    std::mutex m_;
    std::condition_variable cv_;
    bool stop_ = false, pending_ = true;
    std::string status_;
    bool statusDirty_ = false;
    std::thread thread_;
};

} // namespace raidmon::agent
