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
    std::chrono::steady_clock::time_point retryAt{};
    bool failing = false;
    std::string lastError;
    for (;;) {
        std::string status;
        {
            std::unique_lock lk(m_);
            auto ready = [&] { return stop_ || statusDirty_ || (pending_ && std::chrono::steady_clock::now() >= retryAt); };
            if (retryAt > std::chrono::steady_clock::now()) cv_.wait_until(lk, retryAt, ready);
            else cv_.wait(lk, ready);
            if (stop_) return;
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
            auto o = Outbox::open(db_, opts_);
            if (!o) {
                fault(o.error());
                continue;
            }
            ob = std::move(*o);
        }
        auto batch = ob->pending(cfg_.name, kBatch);
        if (!batch) {
            fault(batch.error());
            continue;
        }
        if (batch->empty()) continue;
        const Delivery d = sink_->deliver(*batch);
        if (d.delivered > 0) {
            const std::uint64_t last = (*batch)[d.delivered - 1].seq;
            if (auto a = ob->ack(cfg_.name, last); !a) {
                fault(a.error());
                continue;
            }
            stats_.delivered.fetch_add(d.delivered, std::memory_order_relaxed);
            stats_.cursor = last;
        }
        if (d.error) {
            fault(*d.error);
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
