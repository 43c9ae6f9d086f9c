// SPDX-License-Identifier: LGPL-2.1-or-later
#include "daemon/delivery.hpp"

namespace raidmon::agent {

namespace {
constexpr std::size_t kBatch = 256;
}

DeliveryWorker::DeliveryWorker(std::filesystem::path db, OutboxOptions opts, SinkConfig cfg, std::unique_ptr<Sink> sink, LogFn log,
                               std::uint64_t seed)
    : db_(std::move(db)), opts_(opts), cfg_(std::move(cfg)), sink_(std::move(sink)), log_(std::move(log)),
      backoff_(cfg_.retryInitial, cfg_.retryMax, seed) {
    thread_ = std::thread([this] { run(); });
}

DeliveryWorker::~DeliveryWorker() {
    {
        std::lock_guard lk(m_);
        stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void DeliveryWorker::notify() {
    {
        std::lock_guard lk(m_);
        pending_ = true;
    }
    cv_.notify_all();
}

void DeliveryWorker::setStatus(std::string json) {
    {
        std::lock_guard lk(m_);
        status_ = std::move(json);
        statusDirty_ = true;
    }
    cv_.notify_all();
}

void DeliveryWorker::run() {
    auto logAt = [&](LogLevel l, const std::string& s) {
        if (log_) log_(l, s);
    };
    std::unique_ptr<Outbox> ob;
    // An event the sink has, whose acknowledgement could not be committed (the state directory's
    // file system was full): the acknowledgement is retried, the event is not sent again.
    std::uint64_t unacked = 0;  // 0: none (outbox sequences start at 1)
    std::chrono::steady_clock::time_point retryAt{};
    bool failing = false;
    std::string lastError;
    for (;;) {
        std::string status;
        {
            std::unique_lock lk(m_);
            auto ready = [&] { return stop_ || statusDirty_ || (pending_ && std::chrono::steady_clock::now() >= retryAt); };
            // An idle sink that needs service (MQTT keepalive) wakes at least that often.
            const auto every = sink_->serviceInterval();
            auto wakeAt = retryAt;
            if (every.count() > 0) {
                const auto due = std::chrono::steady_clock::now() + every;
                if (wakeAt <= std::chrono::steady_clock::now() || due < wakeAt) wakeAt = due;
            }
            if (wakeAt > std::chrono::steady_clock::now()) cv_.wait_until(lk, wakeAt, ready);
            else cv_.wait(lk, ready);
            if (stop_) return;
            if (!ready()) {
                lk.unlock();
                sink_->service();
                continue;
            }
            if (statusDirty_) {
                status = status_;
                statusDirty_ = false;
            }
            if (std::chrono::steady_clock::now() < retryAt) {
                lk.unlock();
                if (!status.empty()) sink_->publishStatus(status);
                continue;
            }
            pending_ = false;
        }
        if (!status.empty()) sink_->publishStatus(status);
        auto fault = [&](const Error& e) {
            stats_.failures.fetch_add(1, std::memory_order_relaxed);
            stats_.up = false;
            const auto delay = backoff_.next();
            retryAt = std::chrono::steady_clock::now() + delay;
            std::lock_guard lk(m_);
            pending_ = true;
            // Say it once when it starts and when it changes; not at every retry.
            if (!failing || e.message != lastError)
                logAt(LogLevel::error, "delivery failed sink=" + cfg_.name + " error=\"" + e.message + "\" retry_in_ms=" +
                                           std::to_string(delay.count()));
            failing = true;
            lastError = e.message;
        };
        if (!ob) {
            // Cursor moves are committed without an fsync each (synchronous=NORMAL on this
            // connection): a killed agent still finds every move (WAL), and the next event commit
            // of the agent's own connection (its flush) syncs them; a power cut may repeat the events
            // delivered since then, with the same ids (docs/agent.md, "Delivery guarantees").
            OutboxOptions mine = opts_;
            mine.durability = Durability::normal;
            mine.appender = false;  // the agent's connection guards the sequence
            mine.flushBesideDelivery = false;
            auto o = Outbox::open(db_, mine);
            if (!o) {
                fault(o.error());
                continue;
            }
            ob = std::move(*o);
        }
        if (unacked != 0) {
            if (auto a = ob->ack(cfg_.name, unacked); !a) {
                fault(a.error());
                continue;
            }
            stats_.cursor = unacked;
            unacked = 0;
        }
        auto batch = ob->pending(cfg_.name, kBatch);
        if (!batch) {
            fault(batch.error());
            continue;
        }
        if (batch->empty()) continue;
        // One event at a time, each acknowledged as soon as the sink has it: a crash between a
        // delivery and its acknowledgement repeats exactly that one event.
        std::optional<Error> failed;
        for (const auto& e : *batch) {
            const Delivery d = sink_->deliver(std::span<const StoredEvent>(&e, 1));
            for (const auto& n : d.notes) logAt(LogLevel::warning, "sink=" + cfg_.name + " " + n);
            if (d.delivered == 1) {
                stats_.delivered.fetch_add(1, std::memory_order_relaxed);
                if (auto a = ob->ack(cfg_.name, e.seq); !a) {
                    unacked = e.seq;
                    failed = a.error();
                    break;
                }
                stats_.cursor = e.seq;
            }
            if (d.error || d.delivered != 1) {
                failed = d.error.value_or(Error(errc::io_error, "sink " + cfg_.name + ": event " + e.id + " not delivered"));
                break;
            }
            std::lock_guard lk(m_);
            if (stop_) return;
        }
        if (failed) {
            fault(*failed);
            continue;
        }
        if (failing) logAt(LogLevel::info, "delivery resumed sink=" + cfg_.name + " after_attempts=" + std::to_string(backoff_.attempts()));
        failing = false;
        stats_.up = true;
        backoff_.reset();
        retryAt = {};
        if (batch->size() == kBatch) {
            std::lock_guard lk(m_);
            pending_ = true;  // more may be waiting
        }
    }
}

} // namespace raidmon::agent
