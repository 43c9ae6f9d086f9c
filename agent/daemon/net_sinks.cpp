// SPDX-License-Identifier: LGPL-2.1-or-later
// Network sinks: an HTTPS webhook (libcurl) and MQTT (libmosquitto), and the sink factory. Both
// libraries are loaded when a sink of theirs is made (daemon/dynlib.hpp).
#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <mutex>

#include "daemon/commands.hpp"
#include "daemon/dynlib.hpp"
#include "daemon/sinks.hpp"

#include <raidmon/version.hpp>

#include "core/json_model.hpp"
#include "core/strutil.hpp"
#include "core/sysfs.hpp"

namespace raidmon::agent {

std::unique_ptr<Sink> makeFileSink(const SinkConfig& cfg);

namespace {

/// First line of a secret file, trimmed. The error names the sink's key and the file.
Result<std::string> readSecret(const SinkConfig& cfg, const char* key, const std::string& file) {
    auto t = detail::readFile(file);
    if (!t) return fail(errc::invalid_argument, "sink " + cfg.name + ": " + key + " " + file + ": " + t.error().message);
    auto nl = t->find('\n');
    std::string s(detail::trim(std::string_view(*t).substr(0, nl)));
    if (s.empty()) return fail(errc::invalid_argument, "sink " + cfg.name + ": " + key + " " + file + ": empty");
    return s;
}

} // namespace

size_t WebhookAnswer::take(const char* p, std::size_t n) {
    received += n;
    if (received > kMaxBody) return 0;  // libcurl stops the transfer (CURLE_WRITE_ERROR)
    if (text.size() < kKept) text.append(p, std::min(n, kKept - text.size()));
    body.append(p, n);
    return n;
}

std::vector<std::string> webhookCommands(long status, std::string_view contentType, std::string_view body) {
    std::vector<std::string> out;
    const auto semi = contentType.find(';');
    if (status < 200 || status >= 300 || detail::toLower(detail::trim(contentType.substr(0, semi))) != "application/jwt") return out;
    for (auto line : detail::lines(body)) {
        line = detail::trim(line);
        if (!line.empty()) out.emplace_back(line);
    }
    return out;
}

std::optional<Error> webhookOutcome(const SinkConfig& cfg, long status, const WebhookAnswer& answer) {
    // 409: the receiver already has this id (we are repeating after a crash): delivered.
    if ((status >= 200 && status < 300) || status == 409) return std::nullopt;
    std::string what = "HTTP " + std::to_string(status);
    if (status >= 300 && status < 400) what += " (a redirect: not followed, the event and its token go only to the configured URL)";
    const std::string shown = detail::printable(answer.text);
    return Error(errc::command_failed, "sink " + cfg.name + ": POST " + cfg.url + ": " + what + (shown.empty() ? "" : ": " + shown));
}

namespace {

size_t keepBody(char* p, size_t size, size_t n, void* userdata) { return static_cast<WebhookAnswer*>(userdata)->take(p, size * n); }

class WebhookSink final : public Sink {
public:
    WebhookSink(const dyn::Curl& curl, SinkConfig cfg, std::string token, std::string secret, CommandInbox* commands)
        : curl_(curl), cfg_(std::move(cfg)), token_(std::move(token)), secret_(std::move(secret)), commands_(commands) {
        // One easy handle per POST, the connections kept in a share object: libcurl 7.88 (Debian
        // 12) carries header-parsing state from one transfer of an easy handle into the next, and
        // an answer whose status line is followed by a folded (space-led) header line then reads
        // freed memory (found by fuzz_agent_webhook_response under ASan; libcurl issues 11101 and
        // 11620). A fresh handle has no such state; the share keeps keep-alive connections.
        share_ = curl_.share_init();
        if (share_) curl_.share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    }
    WebhookSink(const WebhookSink&) = delete;
    WebhookSink& operator=(const WebhookSink&) = delete;
    ~WebhookSink() override {
        if (share_) curl_.share_cleanup(share_);
    }

    Delivery deliver(std::span<const StoredEvent> batch) override {
        Delivery d;
        if (!share_) {
            d.error = Error(errc::io_error, "sink " + cfg_.name + ": libcurl could not be initialised");
            return d;
        }
        for (const auto& e : batch) {
            if (auto err = post(e)) {
                d.error = std::move(err);
                return d;
            }
            ++d.delivered;
        }
        return d;
    }

private:
    std::optional<Error> post(const StoredEvent& e) {
        std::unique_ptr<CURL, decltype(dyn::Curl::easy_cleanup)> handle(curl_.easy_init(), curl_.easy_cleanup);
        CURL* c = handle.get();
        if (!c) return Error(errc::io_error, "sink " + cfg_.name + ": libcurl could not make a handle");
        curl_.easy_setopt(c, CURLOPT_SHARE, share_);
        std::string signature;
        if (!secret_.empty()) {
            auto sig = hmacSha256Header(secret_, e.body);
            if (!sig) return Error(sig.error().code, "sink " + cfg_.name + ": " + sig.error().message);
            signature = cfg_.hmacHeader + ": " + *sig;
        }
        WebhookAnswer answer;
        curl_slist* h = nullptr;
        h = curl_.slist_append(h, "Content-Type: application/cloudevents+json; charset=utf-8");
        if (!token_.empty()) h = curl_.slist_append(h, ("Authorization: Bearer " + token_).c_str());
        if (!signature.empty()) h = curl_.slist_append(h, signature.c_str());
        h = curl_.slist_append(h, ("X-Raidmon-Event-Id: " + e.id).c_str());
        h = curl_.slist_append(h, "Expect:");
        curl_.easy_setopt(c, CURLOPT_URL, cfg_.url.c_str());
        curl_.easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_.easy_setopt(c, CURLOPT_POSTFIELDS, e.body.data());
        curl_.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(e.body.size()));
        curl_.easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(cfg_.timeout.count()));
        curl_.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<long long>(cfg_.timeout.count(), 5000)));
        curl_.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect would re-post secrets elsewhere
        // Only the scheme the configuration allowed (http only to loopback, checked there).
        const bool plain = detail::startsWith(detail::toLower(cfg_.url.substr(0, 7)), "http://");
        curl_.easy_setopt(c, CURLOPT_PROTOCOLS_STR, plain ? "http" : "https");
        // Plain http goes to this host only: never through a proxy from the environment, which
        // would carry the token in clear over the network.
        if (plain) curl_.easy_setopt(c, CURLOPT_PROXY, "");
        curl_.easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(WebhookAnswer::kMaxBody));
        curl_.easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_.easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
        if (!cfg_.caFile.empty()) curl_.easy_setopt(c, CURLOPT_CAINFO, cfg_.caFile.c_str());
        if (!cfg_.clientCert.empty()) {
            curl_.easy_setopt(c, CURLOPT_SSLCERT, cfg_.clientCert.c_str());
            curl_.easy_setopt(c, CURLOPT_SSLKEY, cfg_.clientKey.c_str());
        }
        curl_.easy_setopt(c, CURLOPT_WRITEFUNCTION, keepBody);
        curl_.easy_setopt(c, CURLOPT_WRITEDATA, &answer);
        char errbuf[CURL_ERROR_SIZE] = {0};
        curl_.easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
        const CURLcode rc = curl_.easy_perform(c);
        curl_.slist_free_all(h);
        if (rc != CURLE_OK) {
            std::string why = errbuf[0] ? errbuf : curl_.easy_strerror(rc);
            if (answer.received > WebhookAnswer::kMaxBody || rc == CURLE_FILESIZE_EXCEEDED)
                why = "the answer is larger than " + std::to_string(WebhookAnswer::kMaxBody) + " bytes: not read";
            return Error(errc::io_error, "sink " + cfg_.name + ": POST " + cfg_.url + ": " + detail::printable(why));
        }
        long status = 0;
        curl_.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        if (commands_) {
            const char* type = nullptr;
            curl_.easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
            for (const auto& jwt : webhookCommands(status, type ? type : "", answer.body)) commands_->push("webhook:" + cfg_.name, jwt);
        }
        return webhookOutcome(cfg_, status, answer);
    }

    const dyn::Curl& curl_;
    SinkConfig cfg_;
    std::string token_, secret_;
    CommandInbox* commands_ = nullptr;
    CURLSH* share_ = nullptr;
};


class MqttSink final : public Sink {
public:
    MqttSink(const dyn::Mosquitto& mq, SinkConfig cfg, std::string topic, std::string statusTopic, std::string clientId, std::string password,
             std::string commandTopic, CommandInbox* commands, HostIdentity host)
        : mq_(mq), cfg_(std::move(cfg)), topic_(std::move(topic)), statusTopic_(std::move(statusTopic)), password_(std::move(password)),
          commandTopic_(std::move(commandTopic)), commands_(commands), host_(std::move(host)) {
        if (commands_ && !commandTopic_.empty()) startCommands(clientId);
        // clean_session=false: the broker keeps our QoS 1 state across reconnects.
        m_ = mq_.mosquitto_new(clientId.c_str(), false, this);
        if (m_) {
            mq_.mosquitto_int_option(m_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
            mq_.mosquitto_publish_callback_set(m_, [](mosquitto*, void* self, int mid) {
                auto* s = static_cast<MqttSink*>(self);
                if (mid == s->waitMid_) s->acked_ = true;
            });
            mq_.mosquitto_connect_callback_set(m_, [](mosquitto*, void* self, int rc) {
                auto* s = static_cast<MqttSink*>(self);
                s->connAck_ = true;
                s->connRc_ = rc;
            });
            mq_.mosquitto_disconnect_callback_set(m_, [](mosquitto*, void* self, int) { static_cast<MqttSink*>(self)->connected_ = false; });
            // libmosquitto says why TLS failed only in its log ("OpenSSL Error[0]: ...:
            // certificate verify failed"): kept for the error of the connection attempt.
            mq_.mosquitto_log_callback_set(m_, [](mosquitto*, void* self, int level, const char* msg) {
                auto* s = static_cast<MqttSink*>(self);
                if (!(level & (MOSQ_LOG_ERR | MOSQ_LOG_WARNING)) || !msg || s->libLog_.size() > 600) return;
                s->libLog_ += (s->libLog_.empty() ? "" : "; ") + std::string(msg);
            });
        }
    }
    MqttSink(const MqttSink&) = delete;
    MqttSink& operator=(const MqttSink&) = delete;
    ~MqttSink() override {
        if (cmd_) {
            mq_.mosquitto_disconnect(cmd_);
            mq_.mosquitto_loop_stop(cmd_, true);
            mq_.mosquitto_destroy(cmd_);
        }
        if (m_) {
            // A clean DISCONNECT makes the broker drop the Last Will: the agent says itself that it
            // stopped, or the retained status would call a stopped host online.
            if (connected_ && !statusTopic_.empty()) (void)publish(statusTopic_, offlineStatus(host_, "stopped", utcNow()), true);
            if (connected_) mq_.mosquitto_disconnect(m_);
            mq_.mosquitto_destroy(m_);
        }
    }

    Delivery deliver(std::span<const StoredEvent> batch) override {
        Delivery d;
        for (const auto& e : batch) {
            if (auto err = publish(topic_, e.body, false)) {
                d.error = std::move(err);
                return d;
            }
            ++d.delivered;
        }
        return d;
    }

    /// Kept for a reconnection: a new connection first replaces the Last Will the broker may have
    /// published for the old one. A connection the broker dropped while idle is found only by this
    /// publish failing: a second attempt connects anew.
    void publishStatus(const std::string& json) override {
        if (statusTopic_.empty()) return;
        lastStatus_ = json;
        if (publish(statusTopic_, json, true)) (void)publish(statusTopic_, json, true);
    }

    std::chrono::milliseconds serviceInterval() const override {
        if (!connected_) return std::chrono::milliseconds(0);
        return std::chrono::milliseconds(std::max(1000, cfg_.keepaliveSeconds * 250));  // a PINGREQ well within 1.5 keepalives
    }

    /// Sends the PINGREQ when a keepalive is due and reads the PINGRESP of the last one.
    void service() override {
        if (connected_ && mq_.mosquitto_loop(m_, 0, 1) != MOSQ_ERR_SUCCESS) connected_ = false;
    }

private:
    /// User name, password and TLS of a client of this sink's broker. TLS once per client:
    /// libmosquitto 2.0's mq_.mosquitto_tls_opts_set() copies its TLS version string again at every
    /// call without freeing the last one (a leak per reconnection, found by LeakSanitizer in
    /// test_agent_tls).
    std::optional<Error> credentials(mosquitto* m, bool& tlsDone) {
        if (!cfg_.username.empty()) mq_.mosquitto_username_pw_set(m, cfg_.username.c_str(), password_.empty() ? nullptr : password_.c_str());
        if (cfg_.tls && !tlsDone) {
            const char* ca = cfg_.caFile.empty() ? nullptr : cfg_.caFile.c_str();
            const char* capath = cfg_.caFile.empty() ? "/etc/ssl/certs" : nullptr;
            if (int rc = mq_.mosquitto_tls_set(m, ca, capath, cfg_.clientCert.empty() ? nullptr : cfg_.clientCert.c_str(),
                                           cfg_.clientKey.empty() ? nullptr : cfg_.clientKey.c_str(), nullptr);
                rc != MOSQ_ERR_SUCCESS)
                return Error(errc::invalid_argument, "sink " + cfg_.name + ": TLS setup: " + mq_.mosquitto_strerror(rc));
            mq_.mosquitto_tls_opts_set(m, 1 /* SSL_VERIFY_PEER */, nullptr, nullptr);
            tlsDone = true;
        }
        return std::nullopt;
    }

    /// The command subscriber: a second connection to the same broker, run by libmosquitto's own
    /// thread (it reconnects by itself, 1 s to 60 s apart), subscribed with QoS 1 to the command
    /// topic. A persistent session (clean_session false, a fixed client id): commands published
    /// while the agent was away are delivered when it is back (their exp still applies).
    void startCommands(const std::string& clientId) {
        cmd_ = mq_.mosquitto_new((clientId.substr(0, 120) + "-cmd").c_str(), false, this);
        if (!cmd_) return;
        mq_.mosquitto_int_option(cmd_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
        mq_.mosquitto_reconnect_delay_set(cmd_, 1, 60, true);
        mq_.mosquitto_connect_callback_set(cmd_, [](mosquitto* m, void* self, int rc) {
            auto* s = static_cast<MqttSink*>(self);
            if (rc == 0) s->mq_.mosquitto_subscribe(m, nullptr, s->commandTopic_.c_str(), 1);
        });
        mq_.mosquitto_message_callback_set(cmd_, [](mosquitto*, void* self, const mosquitto_message* msg) {
            auto* s = static_cast<MqttSink*>(self);
            if (!msg || msg->payloadlen < 0) return;
            s->commands_->push("mqtt:" + s->cfg_.name,
                               std::string_view(static_cast<const char*>(msg->payload), static_cast<std::size_t>(msg->payloadlen)));
        });
        bool tlsDone = false;
        if (credentials(cmd_, tlsDone)) return;  // the event connection reports the same error
        // connect_async: the loop thread connects, and keeps reconnecting while the broker is away.
        // A first attempt that fails at once (no broker yet) is retried by the loop thread too.
        (void)mq_.mosquitto_connect_async(cmd_, cfg_.host.c_str(), cfg_.port, cfg_.keepaliveSeconds);
        mq_.mosquitto_loop_start(cmd_);
    }

    std::optional<Error> connect() {
        if (!m_) return Error(errc::io_error, "sink " + cfg_.name + ": libmosquitto could not create a client");
        if (auto e = credentials(m_, tlsConfigured_)) return e;
        // The Last Will: if the connection breaks without a DISCONNECT (the agent killed, the host
        // gone), the broker publishes it, retained, over the status: offline since this connection.
        if (!statusTopic_.empty()) {
            const std::string will = offlineStatus(host_, "connection lost", utcNow());
            if (int rc = mq_.mosquitto_will_set(m_, statusTopic_.c_str(), static_cast<int>(will.size()), will.data(), 1, true);
                rc != MOSQ_ERR_SUCCESS)
                return Error(errc::invalid_argument, "sink " + cfg_.name + ": Last Will on " + statusTopic_ + ": " + mq_.mosquitto_strerror(rc));
        }
        connAck_ = false;
        libLog_.clear();
        int rc = mq_.mosquitto_connect(m_, cfg_.host.c_str(), cfg_.port, cfg_.keepaliveSeconds);
        if (rc != MOSQ_ERR_SUCCESS)
            return Error(errc::io_error, "sink " + cfg_.name + ": connect to " + cfg_.host + ":" + std::to_string(cfg_.port) + ": " +
                                             (rc == MOSQ_ERR_ERRNO ? std::strerror(errno) : mq_.mosquitto_strerror(rc)) +
                                             (libLog_.empty() ? "" : " (" + detail::printable(libLog_) + ")"));
        const auto deadline = std::chrono::steady_clock::now() + cfg_.timeout;
        while (!connAck_ && std::chrono::steady_clock::now() < deadline) {
            rc = mq_.mosquitto_loop(m_, 100, 1);
            if (rc != MOSQ_ERR_SUCCESS) break;
        }
        if (!connAck_ || connRc_ != 0)
            return Error(errc::io_error, "sink " + cfg_.name + ": broker " + cfg_.host + ":" + std::to_string(cfg_.port) + " refused: " +
                                             (connAck_ ? mq_.mosquitto_connack_string(connRc_) : "no CONNACK") +
                                             (libLog_.empty() ? "" : " (" + detail::printable(libLog_) + ")"));
        connected_ = true;
        return std::nullopt;
    }

    /// QoS 1 and wait for the PUBACK: only then is the event delivered.
    std::optional<Error> publish(const std::string& topic, const std::string& payload, bool retain) {
        if (!connected_) {
            if (auto e = connect()) return e;
            if (topic != statusTopic_ && !lastStatus_.empty())
                if (auto e = publish(statusTopic_, lastStatus_, true)) return e;
        }
        int mid = 0;
        acked_ = false;
        waitMid_ = -1;
        int rc = mq_.mosquitto_publish(m_, &mid, topic.c_str(), static_cast<int>(payload.size()), payload.data(), 1, retain);
        if (rc != MOSQ_ERR_SUCCESS) {
            connected_ = false;
            return Error(errc::io_error, "sink " + cfg_.name + ": publish to " + topic + ": " + mq_.mosquitto_strerror(rc));
        }
        waitMid_ = mid;
        const auto deadline = std::chrono::steady_clock::now() + cfg_.timeout;
        while (!acked_ && connected_ && std::chrono::steady_clock::now() < deadline) {
            rc = mq_.mosquitto_loop(m_, 50, 1);
            if (rc != MOSQ_ERR_SUCCESS) {
                connected_ = false;
                break;
            }
        }
        if (!acked_) {
            connected_ = false;
            mq_.mosquitto_disconnect(m_);
            return Error(errc::io_error, "sink " + cfg_.name + ": no PUBACK from " + cfg_.host + ":" + std::to_string(cfg_.port) +
                                             " for " + topic);
        }
        return std::nullopt;
    }

    const dyn::Mosquitto& mq_;
    SinkConfig cfg_;
    std::string topic_, statusTopic_, password_, commandTopic_;
    CommandInbox* commands_ = nullptr;
    mosquitto* cmd_ = nullptr;  ///< the command subscriber (startCommands)
    HostIdentity host_;
    std::string lastStatus_;  ///< the last status published (publishStatus), "" before the first
    mosquitto* m_ = nullptr;
    bool connected_ = false, connAck_ = false, acked_ = false, tlsConfigured_ = false;
    int connRc_ = 0, waitMid_ = -1;
    std::string libLog_;  ///< libmosquitto's errors and warnings during the current connection attempt
};

} // namespace

std::string utcNow() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string offlineStatus(const HostIdentity& host, std::string_view reason, const std::string& since) {
    detail::Json j{{"machine_id", detail::opt(host.host.machineId)},
                   {"hostname", detail::opt(host.host.hostname)},
                   {"online", false},
                   {"health", "Unknown"},
                   {"reason", std::string(reason)},
                   {"time", since},
                   {"agent_version", kVersion}};
    return j.dump();
}

Result<std::string> hmacSha256Header(std::string_view key, std::string_view body) {
    auto c = dyn::crypto();
    if (!c) return tl::unexpected(c.error());
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!(*c)->HMAC((*c)->EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(body.data()),
                    body.size(), md, &len))
        return fail(errc::io_error, "HMAC-SHA256 failed");
    return "sha256=" + detail::hex(md, len);
}

Result<std::unique_ptr<Sink>> makeSink(const SinkConfig& cfg, const HostIdentity& host, CommandInbox* commands) {
    if (cfg.type == "file") return makeFileSink(cfg);
    if (cfg.type == "webhook") {
        auto curl = dyn::curl();
        if (!curl) return tl::unexpected(Error(curl.error().code, "sink " + cfg.name + ": " + curl.error().message));
        std::string token, secret;
        if (!cfg.tokenFile.empty()) {
            auto t = readSecret(cfg, "token_file", cfg.tokenFile);
            if (!t) return tl::unexpected(t.error());
            token = *t;
        }
        if (!cfg.hmacSecretFile.empty()) {
            auto t = readSecret(cfg, "hmac_secret_file", cfg.hmacSecretFile);
            if (!t) return tl::unexpected(t.error());
            secret = *t;
            if (auto c = dyn::crypto(); !c) return tl::unexpected(Error(c.error().code, "sink " + cfg.name + ": hmac_secret_file: " + c.error().message));
        }
        return std::unique_ptr<Sink>(new WebhookSink(**curl, cfg, token, secret, commands));
    }
    if (cfg.type == "mqtt") {
        auto mq = dyn::mosquitto();
        if (!mq) return tl::unexpected(Error(mq.error().code, "sink " + cfg.name + ": " + mq.error().message));
        std::string password;
        if (!cfg.passwordFile.empty()) {
            auto t = readSecret(cfg, "password_file", cfg.passwordFile);
            if (!t) return tl::unexpected(t.error());
            password = *t;
        }
        const std::string clientId = "raidmond-" + host.host.machineId.value_or(host.host.hostname.value_or("unknown")) + "-" + cfg.name;
        return std::unique_ptr<Sink>(
            new MqttSink(**mq, cfg, expandTopic(cfg.topic, host), expandTopic(cfg.statusTopic, host), clientId.substr(0, 128), password,
                         expandTopic(cfg.commandTopic, host), commands, host));
    }
    return fail(errc::invalid_argument, "sink " + cfg.name + ": unknown type " + detail::quoteForError(cfg.type));
}

} // namespace raidmon::agent
