// SPDX-License-Identifier: LGPL-2.1-or-later
// The agent's parsers of what others write (docs/security.md): the TOML configuration, the control
// socket's request line, the head of a /metrics request, and a webhook receiver's answer (a real
// HTTP exchange on loopback: the sink's own libcurl reads the fuzzed bytes). Seeds: hand-written
// inputs in tests/fuzz/seeds/<target>/ (run_fuzz.sh adds them).
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/strutil.hpp"
#include "daemon/agent.hpp"
#include "daemon/commands.hpp"
#include "daemon/control_proto.hpp"
#include "daemon/http.hpp"
#include "daemon/sinks.hpp"
#include "registry.hpp"

namespace {

using namespace raidmon;
using namespace raidmon::agent;

/// Every refusal names what it refused; nothing of the input reaches a message unfiltered.
void checkMessage(const std::string& m) {
    if (m.empty()) __builtin_trap();
}

void fuzzAgentConfig(std::string_view in) {
    auto c = parseAgentConfig(in, "fuzz.toml");
    if (!c) return checkMessage(c.error().message);
    (void)controlSocketMode(*c);
    for (const auto& s : c->sinks)
        if (s.name.empty() || s.retryInitial.count() <= 0) __builtin_trap();  // what the parser promises
}
RAIDMON_FUZZ_TARGET("agent-config", "", fuzzAgentConfig);

void fuzzAgentControlRequest(std::string_view in) {
    auto r = parseControlRequest(in);
    if (!r) return checkMessage(r.error().message);
    (void)changesState(r->kind);
    const bool command = r->kind == ControlRequest::Kind::commandRun || r->kind == ControlRequest::Kind::commandCheck;
    if (r->subject.size() > (command ? kMaxCommandBytes : kMaxControlArgument) || r->reason.size() > kMaxControlArgument) __builtin_trap();
    for (char ch : r->subject + r->reason)
        if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t') __builtin_trap();  // no control character gets through
}
RAIDMON_FUZZ_TARGET("agent-control-request", "", fuzzAgentControlRequest);

/// A panel's signed command (daemon/commands.hpp), as any transport hands it over. The envelope is
/// parsed as it came; when it parses, its header and payload are signed again with the target's
/// own key, so that the claims' checks are reached too (random bytes never carry a valid signature).
void fuzzAgentCommandEnvelope(std::string_view in) {
    static const std::shared_ptr<EVP_PKEY> priv(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), &EVP_PKEY_free);
    static const std::vector<CommandKey> keys = [] {
        std::unique_ptr<BIO, decltype(&BIO_free)> b(BIO_new(BIO_s_mem()), &BIO_free);
        if (!priv || PEM_write_bio_PUBKEY(b.get(), priv.get()) != 1) __builtin_trap();
        char* p = nullptr;
        const long n = BIO_get_mem_data(b.get(), &p);
        auto k = CommandKey::fromPem(std::string_view(p, static_cast<std::size_t>(n)), "fuzz.pem", {"locate", "identify", "ping", "hotswap.cancel"});
        if (!k) __builtin_trap();
        return std::vector<CommandKey>{std::move(*k)};
    }();
    constexpr std::int64_t now = 1800000000;
    static const std::set<std::string> reasons = {"too_large", "malformed", "algorithm", "disabled", "signature", "audience", "expired",
                                                  "lifetime", "not_yet_valid", "unknown_verb", "not_allowed", "arguments"};
    auto check = [&](const CommandResult<Command>& r) {
        if (!r) {
            if (!reasons.count(r.error().reason)) __builtin_trap();  // one word of the documented list
            checkMessage(r.error().message);
            return;
        }
        // What an accepted command promises the agent.
        if (r->jti.empty() || r->jti.size() > 128 || !isCommandVerb(r->verb) || !keys[0].allows(r->verb)) __builtin_trap();
        if (r->exp <= now || r->exp > now + kMaxCommandLifetime.count()) __builtin_trap();
        if (r->verb == "locate" && r->target.empty()) __builtin_trap();
        if (r->state != "on" && r->state != "off") __builtin_trap();
    };
    check(verifyCommand(in, keys, "8d3f2a6c41b94e0f9c1e5a7b2d4c6e80", now));
    auto env = parseEnvelope(in);
    if (!env) return;
    auto sig = ed25519Sign(priv.get(), env->signingInput);
    if (!sig) __builtin_trap();
    const std::string resigned = env->signingInput + "." + base64urlEncode(*sig);
    if (resigned.size() <= kMaxCommandBytes) check(verifyCommand(resigned, keys, "8d3f2a6c41b94e0f9c1e5a7b2d4c6e80", now));
}
RAIDMON_FUZZ_TARGET("agent-command-envelope", "", fuzzAgentCommandEnvelope);

void fuzzAgentHttpRequest(std::string_view in) {
    // As the server frames it: the head ends at the first blank line.
    auto end = std::min(in.find("\r\n\r\n"), in.find("\n\n"));
    const auto head = in.substr(0, end);
    auto r = parseHttpRequest(head);
    if (!r) {
        checkMessage(r.error().message);
        const auto status = httpStatusFor(r.error(), "");
        if (status.size() < 3 || status[0] < '4' || status[0] > '5') __builtin_trap();
        return;
    }
    if (r->target.empty() || r->target[0] != '/' || r->headers.size() > HttpLimits{}.maxHeaders) __builtin_trap();
    const auto f = negotiateMetricsFormat(r->header("accept"));
    (void)httpResponse("200 OK", contentType(f), "x 1\n", r->method == "HEAD");
}
RAIDMON_FUZZ_TARGET("agent-http-request", "", fuzzAgentHttpRequest);

/// A one-connection-at-a-time HTTP receiver on 127.0.0.1 that reads the sink's whole POST and
/// answers with the bytes it is given, then closes.
class Receiver {
public:
    Receiver() {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 4) != 0) __builtin_trap();
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { loop(); });
    }
    Receiver(const Receiver&) = delete;
    Receiver& operator=(const Receiver&) = delete;
    [[nodiscard]] int port() const { return port_; }
    void answerWith(std::string_view bytes) {
        std::lock_guard lk(m_);
        answer_ = std::string(bytes);
    }

private:
    void loop() {
        for (;;) {
            int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0) continue;
            timeval tv{2, 0};
            ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            // The whole request first: closing with unread data would reset the connection.
            std::string req;
            char buf[4096];
            std::size_t want = std::string::npos;
            for (;;) {
                const ssize_t n = ::recv(c, buf, sizeof buf, 0);
                if (n <= 0) break;
                req.append(buf, static_cast<std::size_t>(n));
                const auto h = req.find("\r\n\r\n");
                if (h == std::string::npos) continue;
                if (want == std::string::npos) {
                    const auto cl = req.find("Content-Length: ");
                    const auto eol = cl == std::string::npos ? cl : req.find("\r\n", cl);
                    const auto len = cl == std::string::npos ? std::optional<std::size_t>(0)
                                                              : detail::parseInt<std::size_t>(std::string_view(req).substr(cl + 16, eol - cl - 16));
                    want = h + 4 + len.value_or(0);
                }
                if (req.size() >= want) break;
            }
            std::string answer;
            {
                std::lock_guard lk(m_);
                answer = answer_;
            }
            for (std::size_t done = 0; done < answer.size();) {
                const ssize_t n = ::send(c, answer.data() + done, answer.size() - done, MSG_NOSIGNAL);
                if (n <= 0) break;
                done += static_cast<std::size_t>(n);
            }
            ::shutdown(c, SHUT_WR);
            ::close(c);
        }
    }
    int fd_ = -1;
    int port_ = 0;
    std::mutex m_;
    std::string answer_;
    std::thread thread_;
};

void fuzzAgentWebhookResponse(std::string_view in) {
    static Receiver* receiver = new Receiver;  // lives as long as the process, like libFuzzer's loop
    static std::unique_ptr<Sink> sink = [] {
        SinkConfig cfg;
        cfg.type = "webhook";
        cfg.name = "fuzz";
        cfg.url = "http://127.0.0.1:" + std::to_string(receiver->port()) + "/hook";
        cfg.timeout = std::chrono::milliseconds(2000);
        auto s = makeSink(cfg, HostIdentity{});
        if (!s) __builtin_trap();
        return std::move(*s);
    }();
    receiver->answerWith(in);
    const StoredEvent e{1, "00000000-0000-4000-8000-000000000000", "io.raidmon.host.heartbeat", 0, 0, "{\"specversion\":\"1.0\"}"};
    const Delivery d = sink->deliver(std::span<const StoredEvent>(&e, 1));
    if (d.delivered > 1 || (d.delivered == 0) != d.error.has_value()) __builtin_trap();
    if (d.error) {
        checkMessage(d.error->message);
        for (char ch : d.error->message)
            if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) __builtin_trap();  // the receiver's bytes are made printable
    }
}
RAIDMON_FUZZ_TARGET("agent-webhook-response", "", fuzzAgentWebhookResponse);

} // namespace
