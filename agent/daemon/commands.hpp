// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Signed commands from the panel (docs/panel.md, "Commands"): JWTs (RFC 7519) signed with
// EdDSA/Ed25519 (RFC 8037), verified with OpenSSL, parsed with nlohmann::json. Everything here is
// pure apart from reading the key files: the agent adds the replay store (Outbox::appendAccepted)
// and runs the verbs. Strict on purpose: one header algorithm, base64url without padding and in
// its canonical form, no duplicate JSON members, a size limit, known claims only.

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <raidmon/error.hpp>

#include "daemon/agent.hpp"
#include "daemon/jwt.hpp"

namespace raidmon::agent {

/// The largest envelope accepted, in bytes (the JWT's compact serialisation).
inline constexpr std::size_t kMaxCommandBytes = 16 * 1024;
/// The longest lifetime a command may claim: `exp` at most this far after the agent's now.
inline constexpr std::chrono::seconds kMaxCommandLifetime{600};
/// How far ahead of the agent's clock `iat` (and `nbf`) may be: the panel's clock may run a little fast.
inline constexpr std::chrono::seconds kCommandClockSkew{60};

/// The verbs, with their exact names (panels script against them).
inline constexpr std::string_view kCommandVerbs[] = {"identify", "locate", "hotswap.confirm", "hotswap.cancel", "console.code", "ping", "status"};

/// Is `verb` one of kCommandVerbs?
bool isCommandVerb(std::string_view verb) noexcept;

/// One configured public key and the verbs it may use.
class CommandKey {
public:
    /// Read a PEM public key ("-----BEGIN PUBLIC KEY-----", Ed25519). Errors: invalid_argument naming
    /// the file and what is wrong with it (not a PEM public key, not Ed25519), io_error/not_found
    /// when it cannot be read. The key's bytes never appear in a message.
    static Result<CommandKey> load(const CommandKeyConfig& cfg);
    /// A key from PEM text (tests, `raidmon command`); `name` is how messages call it.
    static Result<CommandKey> fromPem(std::string_view pem, std::string name, std::vector<std::string> allow);

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] const std::vector<std::string>& allow() const noexcept { return allow_; }
    [[nodiscard]] bool allows(std::string_view verb) const;
    /// Does `signature` sign `input` under this key (Ed25519, RFC 8032)?
    [[nodiscard]] bool verifies(std::string_view input, std::string_view signature) const;

private:
    std::string name_;  ///< the key file
    std::vector<std::string> allow_;
    std::shared_ptr<EVP_PKEY> key_;
};

/// A JWT split and decoded, not yet verified.
struct Envelope {
    std::string signingInput;  ///< "HEADER.PAYLOAD" as received: what the signature covers
    std::string signature;     ///< the raw signature bytes
    JwtJson header;
    JwtJson claims;
};

/// A verified command: who signed it, what it asks, its arguments (claims beside `cmd`).
struct Command {
    std::string jti;
    std::string verb;            ///< the `cmd` claim
    std::int64_t iat = 0, exp = 0;
    std::string key;             ///< the name (file) of the key that signed it
    std::string state = "on";    ///< identify, locate: "on" or "off"
    std::optional<std::chrono::seconds> duration;  ///< identify, locate
    std::string target;          ///< locate: a drive (serial, WWN, id, kernel name) or a bay
    std::string pattern = "locate";  ///< locate: "locate", "fault" or "rebuild"
    std::string incident;        ///< hotswap.confirm, hotswap.cancel
};

/// Why a command was refused. `reason` is one word of a fixed list (docs/panel.md): too_large,
/// malformed, algorithm, disabled, signature, audience, expired, lifetime, not_yet_valid,
/// unknown_verb, not_allowed, arguments, replay, rate_limited, unavailable (the agent cannot keep
/// the replay record). `message` says which part was wrong; it never quotes key material.
struct Rejection {
    std::string reason;
    std::string message;
    std::string jti;   ///< when the envelope carried a readable one (it may be unverified)
    std::string verb;  ///< likewise
    std::string key;   ///< the key that verified the signature, if any
};

template <typename T>
using CommandResult = tl::expected<T, Rejection>;

/// The refusal of an envelope of `size` bytes (> kMaxCommandBytes).
Rejection commandTooLarge(std::size_t size);

/// Split and decode a JWT without verifying it: size, three base64url parts without padding,
/// JSON objects without duplicate members, header alg "EdDSA" (typ "JWT" if present, no "crit").
CommandResult<Envelope> parseEnvelope(std::string_view text);

/// Verify a JWT against `keys` for the host `machineId` at `now` (seconds since the epoch):
/// parseEnvelope(), a signature one key verifies, then the claims (jti, aud, iat, exp, nbf,
/// cmd and its arguments; any other claim is refused by name) and the key's allow list.
/// Replay and rate limits are the caller's (they need state).
CommandResult<Command> verifyCommand(std::string_view text, std::span<const CommandKey> keys, std::string_view machineId, std::int64_t now);

/// Commands per key in a sliding window.
class CommandRateLimiter {
public:
    CommandRateLimiter(int maxPerWindow, std::chrono::seconds window) : max_(maxPerWindow), window_(window) {}
    /// Admit one more command of `key` at `now` (and count it), or refuse it.
    bool admit(const std::string& key, std::chrono::steady_clock::time_point now);

private:
    int max_;
    std::chrono::seconds window_;
    std::map<std::string, std::deque<std::chrono::steady_clock::time_point>, std::less<>> seen_;
};

/// Where the transports put what they receive, for the agent's loop: the MQTT sink's subscriber
/// thread and the webhook's delivery thread push, the loop takes. Bounded: past kMaxQueued
/// envelopes the newest are refused (and counted), so a flood cannot grow the agent's memory.
class CommandInbox {
public:
    static constexpr std::size_t kMaxQueued = 256;
    struct Item {
        std::string transport;  ///< "mqtt:<sink>", "webhook:<sink>"
        std::string text;       ///< the envelope as received (cut to kMaxCommandBytes + 1)
        std::size_t size = 0;   ///< its size as received
    };
    CommandInbox();
    CommandInbox(const CommandInbox&) = delete;
    CommandInbox& operator=(const CommandInbox&) = delete;
    ~CommandInbox();
    /// Queue an envelope and wake the loop; false if the queue is full.
    bool push(std::string transport, std::string_view text);
    /// Everything queued, oldest first.
    std::vector<Item> take();
    /// Envelopes refused because the queue was full, since the start.
    [[nodiscard]] std::uint64_t overflowed() const;
    /// Readable when something was pushed (an eventfd).
    [[nodiscard]] int fd() const noexcept { return fd_; }

private:
    mutable std::mutex m_;
    std::deque<Item> items_;
    std::uint64_t overflowed_ = 0;
    int fd_ = -1;
};

} // namespace raidmon::agent
