// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Sinks: where committed events go. A sink delivers a batch in order and says how many it
// delivered; the delivery thread hands it one event at a time and acknowledges each in the outbox
// before the next, and retries a failed one with backoff. Delivery is at least once: a crash
// between a delivery and its acknowledgement repeats that event, with the same id.

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "daemon/agent.hpp"
#include <raidmon/error.hpp>
#include <raidmon/events.hpp>

#include "daemon/outbox.hpp"

namespace raidmon::agent {

struct Delivery {
    std::size_t delivered = 0;          ///< a prefix of the batch
    std::optional<Error> error;         ///< why the rest was not
    std::vector<std::string> notes;     ///< what the sink repaired on the way (logged as warnings)
};

class Sink {
public:
    virtual ~Sink() = default;
    /// Deliver events in order; stop at the first failure.
    virtual Delivery deliver(std::span<const StoredEvent> batch) = 0;
    /// The host's current status (retained on MQTT); other sinks ignore it.
    virtual void publishStatus(const std::string& /*json*/) {}
    /// How often an idle sink needs service() (zero: never). The MQTT sink drives its connection
    /// only from the delivery thread: without a PINGREQ within 1.5 keepalives the broker would
    /// drop a live agent and publish its Last Will.
    virtual std::chrono::milliseconds serviceInterval() const { return std::chrono::milliseconds(0); }
    /// Keep an idle connection alive (called by the delivery thread when nothing else is due).
    virtual void service() {}
};

class CommandInbox;

/// The current time, UTC, RFC 3339 with seconds ("2026-12-06T03:20:00Z"): the retained MQTT
/// status says when it was published, its Last Will when the connection began.
std::string utcNow();

/// The MQTT status of an agent that is not there (docs/agent.md, MQTT): the Last Will the broker
/// publishes when the connection is lost (reason "connection lost"), or what a stopping agent
/// publishes itself (reason "stopped"). `since`: when the connection began or the agent stopped.
std::string offlineStatus(const HostIdentity& host, std::string_view reason, const std::string& since);

/// Build a sink from its configuration; the host identity fills topic templates. With `commands`
/// (the agent has [[commands.key]]), the MQTT sink subscribes to its command_topic and the webhook
/// takes commands from its receiver's answers (docs/panel.md, "Commands"); what they receive is
/// pushed there, unverified.
/// Errors: invalid_argument naming the sink and the file (unreadable token or secret files).
Result<std::unique_ptr<Sink>> makeSink(const SinkConfig& cfg, const HostIdentity& host, CommandInbox* commands = nullptr);

/// What the webhook sink keeps of a receiver's answer: its size, bounded, and its first bytes for
/// the error message. A receiver cannot make the agent read more than kMaxBody bytes.
struct WebhookAnswer {
    static constexpr std::size_t kMaxBody = 64 * 1024;
    static constexpr std::size_t kKept = 200;
    std::size_t received = 0;
    std::string text;
    std::string body;  ///< the whole answer (at most kMaxBody bytes): commands for this host

    /// libcurl's write callback: returns n, or 0 (stop the transfer) past kMaxBody.
    std::size_t take(const char* p, std::size_t n);
};

/// Whether a webhook POST answered `status` delivered the event: 2xx and 409 (the receiver has
/// that id already) did; anything else is an error naming the sink, the URL, the status (a
/// redirect says it was not followed) and the answer's first bytes, made printable.
std::optional<Error> webhookOutcome(const SinkConfig& cfg, long status, const WebhookAnswer& answer);

/// The commands a webhook receiver's answer carries: for a 2xx answer of Content-Type
/// "application/jwt", each non-empty line of the body (one JWT a line); nothing otherwise.
std::vector<std::string> webhookCommands(long status, std::string_view contentType, std::string_view body);

/// "sha256=<hex>" HMAC-SHA256 of body under key (the webhook signature header's value). Errors:
/// unsupported when libcrypto cannot be loaded (daemon/dynlib.hpp).
Result<std::string> hmacSha256Header(std::string_view key, std::string_view body);

/// "raidmon/{machine_id}/events" with {machine_id} and {hostname} replaced.
std::string expandTopic(std::string_view tmpl, const HostIdentity& host);

} // namespace raidmon::agent
