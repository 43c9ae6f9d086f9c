// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Sinks: where committed events go. A sink delivers a batch in order and says how many it
// delivered; the delivery thread acknowledges exactly those in the outbox and retries the rest
// with backoff. Delivery is at least once: a crash between delivery and acknowledgement repeats
// the event, with the same id.

#include <memory>
#include <span>
#include <string>

#include "daemon/agent.hpp"
#include <raidmon/error.hpp>
#include <raidmon/events.hpp>

#include "daemon/outbox.hpp"

namespace raidmon::agent {

struct Delivery {
    std::size_t delivered = 0;          ///< a prefix of the batch
    std::optional<Error> error;         ///< why the rest was not
};

class Sink {
public:
    virtual ~Sink() = default;
    /// Deliver events in order; stop at the first failure.
    virtual Delivery deliver(std::span<const StoredEvent> batch) = 0;
    /// The host's current status (retained on MQTT); other sinks ignore it.
    virtual void publishStatus(const std::string& /*json*/) {}
};

/// Build a sink from its configuration; the host identity fills topic templates.
/// Errors: invalid_argument naming the sink and the file (unreadable token or secret files).
Result<std::unique_ptr<Sink>> makeSink(const SinkConfig& cfg, const HostIdentity& host);

/// "sha256=<hex>" HMAC-SHA256 of body under key (the webhook signature header's value).
std::string hmacSha256Header(std::string_view key, std::string_view body);

/// "raidmon/{machine_id}/events" with {machine_id} and {hostname} replaced.
std::string expandTopic(std::string_view tmpl, const HostIdentity& host);

} // namespace raidmon::agent
