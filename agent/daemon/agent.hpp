// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

/// @file agent.hpp
/// @brief raidmond, the in-host agent: its configuration (TOML, names of DESIGN.md "Agent
/// configuration", documented in docs/agent.md) and its run loop (sources -> engine -> durable
/// outbox -> sinks). This is the agent's own code, not part of libraidmon: it links the outbox's
/// SQLite, the sinks' curl, MQTT and OpenSSL, and toml++, which no library user should load. The
/// client side of the control socket is libraidmon's <raidmon/agent_client.hpp>.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <raidmon/context.hpp>
#include <raidmon/error.hpp>
#include <raidmon/events.hpp>
#include <raidmon/agent_client.hpp>
#include <raidmon/hotswap.hpp>

namespace raidmon {

/// @brief One `[[sink]]` table.
struct SinkConfig {
    std::string type;  ///< "file", "webhook" or "mqtt"
    std::string name;  ///< unique name (the outbox cursor's key); default "<type>-<index>"
    int line = 0;      ///< where the table starts in the configuration file
    // file
    std::string path;  ///< JSON lines are appended here; "-" is standard output
    // webhook
    std::string url;             ///< https:// (http:// only to a loopback address)
    std::string tokenFile;       ///< bearer token, first line of the file
    std::string hmacSecretFile;  ///< HMAC-SHA256 key, first line of the file
    std::string hmacHeader = "X-Raidmon-Signature";  ///< carries "sha256=<hex>" of the body
    std::string caFile;          ///< trust anchor instead of the system's
    std::string clientCert;      ///< mTLS client certificate (PEM)
    std::string clientKey;       ///< mTLS client key (PEM)
    std::chrono::milliseconds timeout{10000};
    // mqtt
    std::string host;
    int port = 1883;
    std::string topic = "raidmon/{machine_id}/events";
    std::string statusTopic = "raidmon/{machine_id}/status";  ///< retained last status
    std::string commandTopic = "raidmon/{machine_id}/cmd";    ///< signed commands (QoS 1); "" = none; only with [[commands.key]]
    bool tls = false;
    std::string username;
    std::string passwordFile;
    int keepaliveSeconds = 60;
    // retries of this sink
    std::chrono::milliseconds retryInitial{1000};
    std::chrono::milliseconds retryMax{300000};
};

/// @brief A SMART poll interval for the drives one `[smart_intervals]` key selects.
struct SmartIntervalRule {
    std::string match;  ///< a drive id, serial or WWN exactly, else a glob over the model ("ST4000NM*")
    std::chrono::seconds interval{0};  ///< 0: never poll these drives
    int line = 0;                      ///< where it was configured
};

/// @brief One `[[commands.key]]` table: a panel's Ed25519 public key and the verbs it may use
/// (docs/panel.md, "Commands").
struct CommandKeyConfig {
    std::string file;                ///< PEM public key
    std::vector<std::string> allow;  ///< verbs (names of kCommandVerbs, daemon/commands.hpp)
    int line = 0;                    ///< where the table starts in the configuration file
};

/// @brief The agent's configuration.
struct AgentConfig {
    std::filesystem::path stateDir = "/var/lib/raidmon";  ///< [agent] state_dir
    std::chrono::seconds heartbeat{60};                   ///< [agent] heartbeat; 0 = off
    std::chrono::milliseconds mdPoll{2000};               ///< [agent] md_poll: md timer fallback
    std::chrono::seconds smartInterval{3600};             ///< [agent] smart_interval; 0 = off
    bool smartWakeStandby = false;                        ///< [agent] smart_wake_standby
    std::chrono::seconds smartIntervalAtRisk{300};        ///< [agent] smart_interval_at_risk: drives not OK, predicting failure or at risk
    std::vector<SmartIntervalRule> smartIntervals;        ///< [smart_intervals]: per drive, first match wins
    std::chrono::seconds controllerInterval{300};         ///< [agent] controller_interval; 0 = off
    std::chrono::milliseconds settle{0};                  ///< [agent] settle: uevent burst coalescing
    std::chrono::seconds fullScanInterval{600};           ///< [agent] full_scan_interval: the safety net under the partial rescans; 0 = off
    std::size_t outboxMaxEvents = 100000;                 ///< [outbox] max_events
    std::size_t outboxKeepDelivered = 10000;              ///< [outbox] keep_delivered
    bool outboxFsync = true;                              ///< [outbox] fsync
    bool outboxFlushBeforeDelivery = false;               ///< [outbox] flush_before_delivery
    RateLimitOptions rateLimit;                           ///< [agent] rate_limit_window, rate_limit_max
    double progressStepPercent = 5.0;                     ///< [agent] progress_step
    std::vector<SinkConfig> sinks;                        ///< [[sink]]
    std::string metricsListen;                            ///< [metrics] listen; empty = off
    bool metricsAllowRemote = false;                      ///< [metrics] allow_remote: a listen address beyond loopback is meant
    std::filesystem::path controlSocket;                  ///< [agent] control_socket; default state_dir/raidmond.sock
    std::string controlGroup;                             ///< [agent] control_group: its members may change state; empty = none
    unsigned controlSocketMode = 0;                       ///< [agent] control_socket_mode (0600, 0660, 0666); 0 = 0600, or 0660 with control_group
    bool hotswap = true;                                  ///< [hotswap] enabled: run the hot-swap assistant (docs/hotswap.md)
    HotswapPolicy hotswapPolicy;                          ///< [hotswap] add, allow_foreign_signatures, identify_server, ...
    std::vector<CommandKeyConfig> commandKeys;            ///< [[commands.key]]; none = no remote commands
    int commandRateMax = 30;                              ///< [commands] rate_limit_max: commands per key per window
    std::chrono::seconds commandRateWindow{60};           ///< [commands] rate_limit_window
    bool console = true;                                  ///< [console] enabled: console attach events, issue file (docs/panel.md)
    std::filesystem::path consoleIssueFile = "/run/issue.d/50-raidmon.issue";  ///< [console] issue_file; empty = none
    std::chrono::seconds consoleCodeInterval{3600};       ///< [console] code_interval: a new verification code this often; 0 = only at attach
    bool consoleAgettyReload = true;                      ///< [console] agetty_reload: run `agetty --reload` after the issue file changed
};

/// @brief How often the agent polls this drive's SMART: the first `[smart_intervals]` rule that
/// matches it (exact id, serial or WWN first, then model globs, in file order), else
/// smart_interval_at_risk for a drive that is not OK, predicts its failure or has a SMART risk
/// multiplier of 2 or more, else smart_interval. 0: not polled.
std::chrono::seconds smartIntervalFor(const AgentConfig& cfg, const Drive& drive);

/// @brief Is `host` (a URL's host, a listen address's host part, an MQTT broker) this host's
/// loopback: "localhost", an IPv4 address in 127.0.0.0/8, "::1" (bracketed or not), or an
/// IPv4-mapped loopback address? Names are not resolved: any other name is not loopback.
bool isLoopbackHost(std::string_view host);

/// @brief The control socket's file mode: control_socket_mode, else 0660 with a control_group,
/// else 0600.
unsigned controlSocketMode(const AgentConfig& cfg) noexcept;

/// @brief Parse a configuration.
/// @param[in] text TOML text
/// @param[in] origin the file name, for messages
/// @return the configuration; parse_error ("FILE:LINE:COL: ...") for TOML syntax, invalid_argument
///         ("FILE:LINE: key 'sink[2].url': ...") for an unknown key, a wrong type or a bad value.
Result<AgentConfig> parseAgentConfig(std::string_view text, std::string_view origin);

/// @brief Read and parse a configuration file. Errors as parseAgentConfig(), plus not_found /
/// permission_denied / io_error naming the file.
Result<AgentConfig> loadAgentConfig(const std::filesystem::path& file);

/// @brief Run the agent until `stopFd` becomes readable (raidmond writes to a pipe from its
/// signal handler). Device events, md state, SMART and controller polls and the heartbeat become
/// events, which are committed to the outbox under `cfg.stateDir` and shipped by the sinks.
/// @return success after a stop request; io_error if the state directory or the outbox cannot be
///         opened, invalid_argument if a sink cannot be set up (a missing token file, ...).
Result<void> runAgent(const Context& ctx, const AgentConfig& cfg, int stopFd);

} // namespace raidmon
