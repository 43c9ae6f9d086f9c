// SPDX-License-Identifier: LGPL-2.1-or-later
// The agent's TOML configuration (toml++). Strict: an unknown key is an error naming it and its
// line, so a misspelt option never silently does nothing.
#include "daemon/agent.hpp"

#include <fnmatch.h>
#include <cstdio>
#include <memory>
#include <set>

#include <arpa/inet.h>
#include <toml++/toml.h>

#include "daemon/commands.hpp"
#include "daemon/dynlib.hpp"
#include "core/strutil.hpp"
#include "core/sysfs.hpp"

namespace raidmon {

namespace {

using namespace std::chrono;

struct Ctx {
    std::string origin;
};

std::string unshield(std::string_view s);

Error keyError(const Ctx& c, const toml::node& n, const std::string& key, const std::string& what) {
    return Error(errc::invalid_argument,
                 c.origin + ":" + std::to_string(n.source().begin.line) + ": key '" + unshield(key) + "': " + unshield(what));
}

/// "60s", "5m", "1h", "250ms", "1d", or an integer number of seconds; 0 allowed.
std::optional<milliseconds> parseDuration(std::string_view s) {
    s = detail::trim(s);
    std::size_t i = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    auto n = detail::parseInt<std::uint32_t>(s.substr(0, i));
    if (!n) return std::nullopt;
    const auto unit = s.substr(i);
    const std::uint64_t v = *n;
    if (unit.empty() || unit == "s") return milliseconds(v * 1000);
    if (unit == "ms") return milliseconds(v);
    if (unit == "m" || unit == "min") return milliseconds(v * 60000);
    if (unit == "h") return milliseconds(v * 3600000);
    if (unit == "d") return milliseconds(v * 86400000);
    return std::nullopt;
}

// toml++ 3.3 (Debian 12) asks is_non_ascii_horizontal_whitespace() about characters wherever
// whitespace may come: between tokens, through a bare value up to its end (`url = 1"h::Ы"`), after
// a backslash in a string. That function answers U+00A1-U+FEFE through a table whose gaps reach
// __builtin_unreachable() (U+00A1-U+0499, U+2C5E-U+3057, U+FB26-U+FEFE): undefined behaviour on a
// config line starting with "é", found by fuzz_agent_config under UBSan once toml++ was compiled
// into the agent. So toml++ never sees a character of that span but the whitespace it knows: each
// is moved, before parsing, to the same offset in the private-use plane 15 (U+F0000 + the code
// point, which that function answers at once), and moved back in every string and message taken
// from the parse. Moving the whole span does not depend on where the gaps are. The plane-15
// characters raidmon borrows are refused in a configuration (they have no use there).
constexpr char32_t kShieldBase = 0xF0000;

bool tomlUnsafe(char32_t cp) {
    if (cp < 0xA1 || cp > 0xFEFE) return false;
    // The whitespace toml++ recognises keeps its meaning.
    const bool space = cp == 0x1680 || cp == 0x180E || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
                       cp == 0x205F || cp == 0x2060 || cp == 0x3000;
    return !space;
}

/// The well-formed UTF-8 sequence at t[i] (no overlong form, no surrogate, at most U+10FFFF) and
/// its length; 0 when there is none.
std::pair<char32_t, std::size_t> utf8At(std::string_view t, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(t[k]); };
    const unsigned char c = b(i);
    const std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (n == 0 || c > 0xF4 || i + n > t.size()) return {0, 0};
    char32_t cp = c & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
        if ((b(i + k) & 0xC0) != 0x80) return {0, 0};
        cp = cp << 6 | (b(i + k) & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) return {0, 0};
    return {cp, n};
}

void appendUtf8(std::string& out, char32_t cp) {
    if (cp < 0x80) out += static_cast<char>(cp);
    else if (cp < 0x800) out += static_cast<char>(0xC0 | cp >> 6), out += static_cast<char>(0x80 | (cp & 0x3F));
    else if (cp < 0x10000)
        out += static_cast<char>(0xE0 | cp >> 12), out += static_cast<char>(0x80 | (cp >> 6 & 0x3F)), out += static_cast<char>(0x80 | (cp & 0x3F));
    else
        out += static_cast<char>(0xF0 | cp >> 18), out += static_cast<char>(0x80 | (cp >> 12 & 0x3F)),
            out += static_cast<char>(0x80 | (cp >> 6 & 0x3F)), out += static_cast<char>(0x80 | (cp & 0x3F));
}

/// The configuration's text with every character toml++ cannot be asked about moved to plane 15.
/// Bytes that are not well-formed UTF-8 stay as they are: toml++ refuses them itself.
Result<std::string> shieldToml(std::string_view t, const std::string& origin) {
    std::string out;
    out.reserve(t.size() + t.size() / 4);
    std::size_t line = 1, lineStart = 0;
    for (std::size_t i = 0; i < t.size();) {
        if (t[i] == '\n') line++, lineStart = i + 1;
        const auto [cp, n] = static_cast<unsigned char>(t[i]) >= 0x80 ? utf8At(t, i) : std::pair<char32_t, std::size_t>{0, 0};
        if (n == 0) {
            out += t[i++];
            continue;
        }
        if (cp >= kShieldBase && cp <= kShieldBase + 0xFFFF) {
            char u[16];
            std::snprintf(u, sizeof u, "U+%05X", static_cast<unsigned>(cp));
            return fail(errc::parse_error, origin + ":" + std::to_string(line) + ":" + std::to_string(i - lineStart + 1) + ": the private-use character " +
                                               u + " (raidmon reserves U+F0000-U+FFFFF while it reads a configuration)");
        }
        appendUtf8(out, tomlUnsafe(cp) ? kShieldBase + cp : cp);
        i += n;
    }
    return out;
}

/// A string taken from the parse (a value, a key, a message) with its characters moved back.
std::string unshield(std::string_view s) {
    if (s.find('\xF3') == std::string_view::npos) return std::string(s);  // plane 15 starts F3 B0
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto [cp, n] = static_cast<unsigned char>(s[i]) == 0xF3 ? utf8At(s, i) : std::pair<char32_t, std::size_t>{0, 0};
        if (n == 4 && cp >= kShieldBase && tomlUnsafe(cp - kShieldBase)) {
            appendUtf8(out, cp - kShieldBase);
            i += n;
        } else {
            out += s[i++];
        }
    }
    return out;
}

/// A TOML integer's value, only when the node is one: toml++'s value<int64_t>() also converts a
/// float, and a float beyond int64's range (5.5e37) is undefined behaviour there (UBSan, found by
/// fuzz_agent_config).
std::optional<std::int64_t> exactInteger(const toml::node& n) {
    if (const auto* i = n.as_integer()) return i->get();
    return std::nullopt;
}

Result<milliseconds> duration(const Ctx& c, const toml::node& n, const std::string& key) {
    if (auto i = exactInteger(n)) {
        if (*i < 0 || *i > 100000000) return tl::unexpected(keyError(c, n, key, "must be between 0 and 100000000 seconds"));
        return milliseconds(*i * 1000);
    }
    if (auto s = n.value<std::string>()) {
        if (auto d = parseDuration(*s)) return *d;
        return tl::unexpected(keyError(c, n, key, "not a duration: " + detail::quoteForError(*s) + " (examples: \"60s\", \"5m\", \"250ms\")"));
    }
    return tl::unexpected(keyError(c, n, key, "must be a duration string such as \"60s\""));
}

Result<std::string> string(const Ctx& c, const toml::node& n, const std::string& key, bool allowEmpty = false) {
    auto s = n.value<std::string>();
    if (!s || !n.is_string()) return tl::unexpected(keyError(c, n, key, "must be a string"));
    *s = unshield(*s);
    if (!allowEmpty && s->empty()) return tl::unexpected(keyError(c, n, key, "must not be empty"));
    if (s->find('\0') != std::string::npos) return tl::unexpected(keyError(c, n, key, "contains a NUL byte"));
    return *s;
}

Result<std::int64_t> integer(const Ctx& c, const toml::node& n, const std::string& key, std::int64_t lo, std::int64_t hi) {
    auto v = exactInteger(n);
    if (!v) return tl::unexpected(keyError(c, n, key, "must be an integer"));
    if (*v < lo || *v > hi)
        return tl::unexpected(keyError(c, n, key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi)));
    return *v;
}

Result<bool> boolean(const Ctx& c, const toml::node& n, const std::string& key) {
    auto v = n.value<bool>();
    if (!v || !n.is_boolean()) return tl::unexpected(keyError(c, n, key, "must be true or false"));
    return *v;
}

Result<std::string> absolutePath(const Ctx& c, const toml::node& n, const std::string& key) {
    auto s = string(c, n, key);
    if (!s) return s;
    if (s->front() != '/') return tl::unexpected(keyError(c, n, key, "must be an absolute path: " + detail::quoteForError(*s)));
    return s;
}

#define TRY_ASSIGN(dst, expr)                                   \
    do {                                                        \
        auto r_ = (expr);                                       \
        if (!r_) return tl::unexpected(std::move(r_.error()));  \
        dst = std::move(*r_);                                   \
    } while (0)

/// A duration in whole seconds: non-zero ones below 1 s would truncate to 0, which means
/// something else (`zero` says what), so they are an error.
Result<seconds> wholeSeconds(const Ctx& c, const toml::node& n, const std::string& key, const char* zero) {
    milliseconds d{};
    TRY_ASSIGN(d, duration(c, n, key));
    const auto s = duration_cast<seconds>(d);
    if (d.count() != 0 && s.count() == 0) return tl::unexpected(keyError(c, n, key, std::string("must be at least 1s (or 0: ") + zero + ")"));
    return s;
}

/// "127.0.0.1:9598", "[::1]:9598" or "localhost:9598".
bool validListen(std::string_view s) {
    const auto colon = s.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    auto port = detail::parseInt<std::uint16_t>(s.substr(colon + 1));
    if (!port || *port == 0) return false;
    auto host = s.substr(0, colon);
    if (host.front() == '[') return host.back() == ']' && host.size() > 2;
    return host.find(':') == std::string_view::npos;
}

std::string_view listenHost(std::string_view s) { return s.substr(0, s.rfind(':')); }

/// A URL's scheme and host as libcurl parses it (the same parser that will send the request), and
/// whether it carries a user name or password.
struct UrlParts {
    std::string scheme, host;
    bool userinfo = false;
};

/// nullopt: not a URL. Errors: libcurl cannot be loaded (daemon/dynlib.hpp).
Result<std::optional<UrlParts>> parseUrl(const std::string& url) {
    auto api = agent::dyn::curl();
    if (!api) return tl::unexpected(api.error());
    const agent::dyn::Curl& curl = **api;
    std::unique_ptr<CURLU, decltype(agent::dyn::Curl::url_cleanup)> u(curl.url(), curl.url_cleanup);
    if (!u || curl.url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return std::nullopt;
    UrlParts p;
    auto get = [&](CURLUPart part, std::string& out) {
        char* v = nullptr;
        if (curl.url_get(u.get(), part, &v, 0) != CURLUE_OK || !v) return false;
        out = v;
        curl.free(v);
        return true;
    };
    if (!get(CURLUPART_SCHEME, p.scheme) || !get(CURLUPART_HOST, p.host)) return std::nullopt;
    std::string ignored;
    p.userinfo = get(CURLUPART_USER, ignored) || get(CURLUPART_PASSWORD, ignored);
    return p;
}

Result<void> parseAgent(const Ctx& c, const toml::table& t, AgentConfig& cfg) {
    for (const auto& [k, v] : t) {
        const std::string key = "agent." + std::string(k.str());
        const std::string_view name = k.str();
        if (name == "state_dir") {
            std::string s;
            TRY_ASSIGN(s, absolutePath(c, v, key));
            cfg.stateDir = s;
        } else if (name == "heartbeat") {
            TRY_ASSIGN(cfg.heartbeat, wholeSeconds(c, v, key, "off"));
        } else if (name == "md_poll") {
            TRY_ASSIGN(cfg.mdPoll, duration(c, v, key));
            if (cfg.mdPoll < milliseconds(100)) return tl::unexpected(keyError(c, v, key, "must be at least 100ms"));
        } else if (name == "smart_interval") {
            TRY_ASSIGN(cfg.smartInterval, wholeSeconds(c, v, key, "off"));
        } else if (name == "smart_interval_at_risk") {
            TRY_ASSIGN(cfg.smartIntervalAtRisk, wholeSeconds(c, v, key, "the same as smart_interval"));
        } else if (name == "smart_wake_standby") {
            TRY_ASSIGN(cfg.smartWakeStandby, boolean(c, v, key));
        } else if (name == "controller_interval") {
            TRY_ASSIGN(cfg.controllerInterval, wholeSeconds(c, v, key, "off"));
        } else if (name == "full_scan_interval") {
            TRY_ASSIGN(cfg.fullScanInterval, wholeSeconds(c, v, key, "off"));
        } else if (name == "settle") {
            TRY_ASSIGN(cfg.settle, duration(c, v, key));
            if (cfg.settle > seconds(10)) return tl::unexpected(keyError(c, v, key, "must be at most 10s"));
        } else if (name == "rate_limit_window") {
            milliseconds d;
            TRY_ASSIGN(d, duration(c, v, key));
            cfg.rateLimit.window = duration_cast<seconds>(d);
            if (cfg.rateLimit.window.count() == 0) return tl::unexpected(keyError(c, v, key, "must be at least 1s"));
        } else if (name == "rate_limit_max") {
            std::int64_t n = 0;
            TRY_ASSIGN(n, integer(c, v, key, 1, 1000000));
            cfg.rateLimit.maxPerWindow = static_cast<int>(n);
        } else if (name == "progress_interval") {
            milliseconds d;
            TRY_ASSIGN(d, duration(c, v, key));
            cfg.rateLimit.progressInterval = duration_cast<seconds>(d);
        } else if (name == "progress_step") {
            auto p = v.value<double>();
            if (!p || !(*p > 0 && *p <= 100))  // NaN is refused too
                return tl::unexpected(keyError(c, v, key, "must be a number of percent in (0, 100]"));
            cfg.progressStepPercent = *p;
        } else if (name == "control_socket") {
            std::string s;
            TRY_ASSIGN(s, absolutePath(c, v, key));
            cfg.controlSocket = s;
        } else if (name == "control_group") {
            TRY_ASSIGN(cfg.controlGroup, string(c, v, key));
            if (cfg.controlGroup.find_first_of(" \t:,") != std::string::npos)
                return tl::unexpected(keyError(c, v, key, "not a group name: " + detail::quoteForError(cfg.controlGroup)));
        } else if (name == "control_socket_mode") {
            // A string of octal digits ("0660") or a TOML octal integer (0o660).
            std::optional<unsigned> mode;
            if (auto i = exactInteger(v); i && *i >= 0 && *i <= 07777) mode = static_cast<unsigned>(*i);
            else if (auto str = v.value<std::string>(); str && v.is_string()) mode = detail::parseInt<unsigned>(*str, 8);
            if (!mode || (*mode != 0600 && *mode != 0660 && *mode != 0666))
                return tl::unexpected(keyError(c, v, key, "must be \"0600\", \"0660\" or \"0666\""));
            cfg.controlSocketMode = *mode;
        } else {
            return tl::unexpected(keyError(c, v, key, "unknown key"));
        }
    }
    return {};
}

Result<void> parseOutbox(const Ctx& c, const toml::table& t, AgentConfig& cfg) {
    for (const auto& [k, v] : t) {
        const std::string key = "outbox." + std::string(k.str());
        if (k.str() == "max_events") {
            std::int64_t n = 0;
            TRY_ASSIGN(n, integer(c, v, key, 10, 100000000));
            cfg.outboxMaxEvents = static_cast<std::size_t>(n);
        } else if (k.str() == "keep_delivered") {
            std::int64_t n = 0;
            TRY_ASSIGN(n, integer(c, v, key, 0, 100000000));
            cfg.outboxKeepDelivered = static_cast<std::size_t>(n);
        } else if (k.str() == "fsync") {
            TRY_ASSIGN(cfg.outboxFsync, boolean(c, v, key));
        } else if (k.str() == "flush_before_delivery") {
            TRY_ASSIGN(cfg.outboxFlushBeforeDelivery, boolean(c, v, key));
        } else {
            return tl::unexpected(keyError(c, v, key, "unknown key"));
        }
    }
    return {};
}

Result<void> parseHotswap(const Ctx& c, const toml::table& t, AgentConfig& cfg) {
    auto& p = cfg.hotswapPolicy;
    for (const auto& [k, v] : t) {
        const std::string key = "hotswap." + std::string(k.str());
        if (k.str() == "enabled") {
            TRY_ASSIGN(cfg.hotswap, boolean(c, v, key));
        } else if (k.str() == "add") {
            std::string word;
            TRY_ASSIGN(word, string(c, v, key, false));
            auto a = parseAddPolicy(word);
            if (!a) return tl::unexpected(keyError(c, v, key, "must be \"auto\", \"confirm\" or \"never\", not " + detail::quoteForError(word)));
            p.add = *a;
        } else if (k.str() == "allow_foreign_signatures") {
            TRY_ASSIGN(p.allowForeignSignatures, boolean(c, v, key));
        } else if (k.str() == "identify_server") {
            TRY_ASSIGN(p.identifyServer, boolean(c, v, key));
        } else if (k.str() == "require_same_bay") {
            TRY_ASSIGN(p.requireSameBay, boolean(c, v, key));
        } else if (k.str() == "open_on_predicted_failure") {
            TRY_ASSIGN(p.openOnPredictedFailure, boolean(c, v, key));
        } else if (k.str() == "controller_rebuild_wait") {
            TRY_ASSIGN(p.controllerRebuildWait, wholeSeconds(c, v, key, "at once"));
        } else {
            return tl::unexpected(keyError(c, v, key, "unknown key"));
        }
    }
    return {};
}

Result<void> parseConsole(const Ctx& c, const toml::table& t, AgentConfig& cfg) {
    for (const auto& [k, v] : t) {
        const std::string key = "console." + std::string(k.str());
        if (k.str() == "enabled") {
            TRY_ASSIGN(cfg.console, boolean(c, v, key));
        } else if (k.str() == "issue_file") {
            std::string s;
            TRY_ASSIGN(s, string(c, v, key, true));
            const std::filesystem::path p(s);
            if (!s.empty() && (!p.is_absolute() || !p.has_filename() || p.parent_path() == p.root_path()))
                return tl::unexpected(keyError(c, v, key, "must be an absolute file path in a directory (\"/run/issue.d/50-raidmon.issue\"), or \"\" for none, not " +
                                                              detail::quoteForError(s)));
            cfg.consoleIssueFile = p;
        } else if (k.str() == "code_interval") {
            TRY_ASSIGN(cfg.consoleCodeInterval, wholeSeconds(c, v, key, "only at a console attach"));
        } else if (k.str() == "agetty_reload") {
            TRY_ASSIGN(cfg.consoleAgettyReload, boolean(c, v, key));
        } else {
            return tl::unexpected(keyError(c, v, key, "unknown key"));
        }
    }
    return {};
}

Result<void> parseSink(const Ctx& c, const toml::table& t, std::size_t index, SinkConfig& s) {
    const std::string prefix = "sink[" + std::to_string(index + 1) + "].";
    s.line = static_cast<int>(t.source().begin.line);
    const toml::node* typeNode = t.get("type");
    if (!typeNode)
        return fail(errc::invalid_argument, c.origin + ":" + std::to_string(s.line) + ": key '" + prefix + "type': missing (file, webhook or mqtt)");
    TRY_ASSIGN(s.type, string(c, *typeNode, prefix + "type"));
    if (s.type != "file" && s.type != "webhook" && s.type != "mqtt")
        return tl::unexpected(keyError(c, *typeNode, prefix + "type", "must be file, webhook or mqtt, not " + detail::quoteForError(s.type)));
    static const std::set<std::string, std::less<>> common = {"type", "name", "retry_initial", "retry_max"};
    static const std::set<std::string, std::less<>> fileKeys = {"path"};
    static const std::set<std::string, std::less<>> webhookKeys = {"url", "token_file", "hmac_secret_file", "hmac_header",
                                                                   "ca_file", "client_cert", "client_key", "timeout"};
    static const std::set<std::string, std::less<>> mqttKeys = {"host", "port", "topic", "status_topic", "command_topic", "tls", "ca_file",
                                                                "client_cert", "client_key", "username", "password_file", "keepalive",
                                                                "timeout"};
    const auto& allowed = s.type == "file" ? fileKeys : s.type == "webhook" ? webhookKeys : mqttKeys;
    for (const auto& [k, v] : t) {
        const std::string key = prefix + std::string(k.str());
        const std::string_view n = k.str();
        if (!common.count(n) && !allowed.count(n))
            return tl::unexpected(keyError(c, v, key, "unknown key for a " + s.type + " sink"));
        if (n == "type") continue;
        if (n == "name") TRY_ASSIGN(s.name, string(c, v, key));
        else if (n == "retry_initial") TRY_ASSIGN(s.retryInitial, duration(c, v, key));
        else if (n == "retry_max") TRY_ASSIGN(s.retryMax, duration(c, v, key));
        else if (n == "path") {
            TRY_ASSIGN(s.path, string(c, v, key));
            if (s.path != "-" && s.path.front() != '/')
                return tl::unexpected(keyError(c, v, key, "must be an absolute path or \"-\" (standard output)"));
        } else if (n == "url") {
            TRY_ASSIGN(s.url, string(c, v, key));
            // Decided on the URL as libcurl parses it, not on how its text begins:
            // "http://127.0.0.1@evil.example/" goes to evil.example.
            auto parsed = parseUrl(s.url);
            if (!parsed) return tl::unexpected(keyError(c, v, key, parsed.error().message));
            const auto& u = *parsed;
            if (!u) return tl::unexpected(keyError(c, v, key, "not a URL: " + detail::quoteForError(s.url, 80)));
            if (u->userinfo)
                return tl::unexpected(keyError(c, v, key, "a user name or password in the URL (it would be logged; use token_file): " +
                                                              detail::quoteForError(s.url, 80)));
            const bool https = u->scheme == "https";
            if (!https && !(u->scheme == "http" && isLoopbackHost(u->host)))
                return tl::unexpected(keyError(c, v, key, "must be an https:// URL (plain http only to a loopback address, not " +
                                                              detail::quoteForError(u->host, 80) + "): " + detail::quoteForError(s.url, 80)));
        } else if (n == "token_file") TRY_ASSIGN(s.tokenFile, absolutePath(c, v, key));
        else if (n == "hmac_secret_file") TRY_ASSIGN(s.hmacSecretFile, absolutePath(c, v, key));
        else if (n == "hmac_header") TRY_ASSIGN(s.hmacHeader, string(c, v, key));
        else if (n == "ca_file") TRY_ASSIGN(s.caFile, absolutePath(c, v, key));
        else if (n == "client_cert") TRY_ASSIGN(s.clientCert, absolutePath(c, v, key));
        else if (n == "client_key") TRY_ASSIGN(s.clientKey, absolutePath(c, v, key));
        else if (n == "timeout") {
            TRY_ASSIGN(s.timeout, duration(c, v, key));
            if (s.timeout < milliseconds(100) || s.timeout > minutes(5)) return tl::unexpected(keyError(c, v, key, "must be between 100ms and 5m"));
        }
        else if (n == "host") TRY_ASSIGN(s.host, string(c, v, key));
        else if (n == "port") {
            std::int64_t p = 0;
            TRY_ASSIGN(p, integer(c, v, key, 1, 65535));
            s.port = static_cast<int>(p);
        } else if (n == "topic") TRY_ASSIGN(s.topic, string(c, v, key));
        else if (n == "status_topic") TRY_ASSIGN(s.statusTopic, string(c, v, key, true));
        else if (n == "command_topic") TRY_ASSIGN(s.commandTopic, string(c, v, key, true));
        else if (n == "tls") TRY_ASSIGN(s.tls, boolean(c, v, key));
        else if (n == "username") TRY_ASSIGN(s.username, string(c, v, key));
        else if (n == "password_file") TRY_ASSIGN(s.passwordFile, absolutePath(c, v, key));
        else if (n == "keepalive") {
            std::int64_t p = 0;
            TRY_ASSIGN(p, integer(c, v, key, 5, 3600));
            s.keepaliveSeconds = static_cast<int>(p);
        }
    }
    auto need = [&](const std::string& v, const char* key) -> Result<void> {
        if (v.empty())
            return fail(errc::invalid_argument, c.origin + ":" + std::to_string(s.line) + ": key '" + prefix + key + "': missing for a " +
                                                    s.type + " sink");
        return {};
    };
    if (s.type == "file") {
        if (auto r = need(s.path, "path"); !r) return r;
    } else if (s.type == "webhook") {
        if (auto r = need(s.url, "url"); !r) return r;
    } else {
        if (auto r = need(s.host, "host"); !r) return r;
        if (s.topic.find('#') != std::string::npos || s.topic.find('+') != std::string::npos)
            return fail(errc::invalid_argument, c.origin + ":" + std::to_string(s.line) + ": key '" + prefix +
                                                    "topic': MQTT wildcards (#, +) cannot be published to");
        // One host's commands only: a wildcard would take commands meant for others (they would
        // be refused by their aud, but each costs a verification).
        if (s.commandTopic.find('#') != std::string::npos || s.commandTopic.find('+') != std::string::npos)
            return fail(errc::invalid_argument, c.origin + ":" + std::to_string(s.line) + ": key '" + prefix +
                                                    "command_topic': no MQTT wildcards (#, +): this host's own topic only");
    }
    if (s.type == "mqtt" && !s.tls && !s.passwordFile.empty() && !isLoopbackHost(s.host))
        return fail(errc::invalid_argument, c.origin + ":" + std::to_string(s.line) + ": key '" + prefix +
                                                "password_file': the password would cross the network to " + detail::quoteForError(s.host, 80) +
                                                " in clear: set tls = true (or use a broker on this host)");
    if (s.clientCert.empty() != s.clientKey.empty())
        return fail(errc::invalid_argument, c.origin + ":" + std::to_string(s.line) + ": key '" + prefix +
                                                "client_cert': client_cert and client_key go together");
    if (s.retryInitial.count() <= 0 || s.retryMax < s.retryInitial)
        return fail(errc::invalid_argument, c.origin + ":" + std::to_string(s.line) + ": key '" + prefix +
                                                "retry_initial': must be > 0 and at most retry_max");
    if (s.name.empty()) s.name = s.type + "-" + std::to_string(index + 1);
    return {};
}

/// [commands]: rate_limit_max, rate_limit_window, and the [[commands.key]] tables.
Result<void> parseCommands(const Ctx& c, const toml::table& t, AgentConfig& cfg) {
    for (const auto& [k, v] : t) {
        const std::string key = "commands." + std::string(k.str());
        if (k.str() == "rate_limit_max") {
            std::int64_t n = 0;
            TRY_ASSIGN(n, integer(c, v, key, 1, 100000));
            cfg.commandRateMax = static_cast<int>(n);
        } else if (k.str() == "rate_limit_window") {
            milliseconds d;
            TRY_ASSIGN(d, duration(c, v, key));
            cfg.commandRateWindow = duration_cast<seconds>(d);
            if (cfg.commandRateWindow.count() == 0) return tl::unexpected(keyError(c, v, key, "must be at least 1s"));
        } else if (k.str() == "key") {
            const auto* arr = v.as_array();
            if (!arr) return tl::unexpected(keyError(c, v, key, "must be an array of tables ([[commands.key]])"));
            for (std::size_t i = 0; i < arr->size(); ++i) {
                const std::string prefix = "commands.key[" + std::to_string(i + 1) + "].";
                const auto* kt = (*arr)[i].as_table();
                if (!kt) return tl::unexpected(keyError(c, (*arr)[i], "commands.key[" + std::to_string(i + 1) + "]", "must be a table"));
                CommandKeyConfig kc;
                kc.line = static_cast<int>(kt->source().begin.line);
                bool hasAllow = false;
                for (const auto& [kk, kv] : *kt) {
                    const std::string kkey = prefix + std::string(kk.str());
                    if (kk.str() == "file") {
                        TRY_ASSIGN(kc.file, absolutePath(c, kv, kkey));
                    } else if (kk.str() == "allow") {
                        hasAllow = true;
                        const auto* verbs = kv.as_array();
                        if (!verbs) return tl::unexpected(keyError(c, kv, kkey, "must be an array of verbs ([\"locate\", \"ping\"])"));
                        for (const auto& vn : *verbs) {
                            std::string verb;
                            TRY_ASSIGN(verb, string(c, vn, kkey));
                            if (!agent::isCommandVerb(verb))
                                return tl::unexpected(keyError(c, vn, kkey, "no verb " + detail::quoteForError(verb) +
                                                                                 " (identify, locate, hotswap.confirm, hotswap.cancel, console.code, ping, status)"));
                            kc.allow.push_back(verb);
                        }
                    } else {
                        return tl::unexpected(keyError(c, kv, kkey, "unknown key (file, allow)"));
                    }
                }
                if (kc.file.empty())
                    return fail(errc::invalid_argument, c.origin + ":" + std::to_string(kc.line) + ": key '" + prefix + "file': missing (a PEM public key)");
                if (!hasAllow || kc.allow.empty())
                    return fail(errc::invalid_argument, c.origin + ":" + std::to_string(kc.line) + ": key '" + prefix +
                                                            "allow': missing or empty (the verbs this key may use)");
                cfg.commandKeys.push_back(std::move(kc));
            }
        } else {
            return tl::unexpected(keyError(c, v, key, "unknown key (key, rate_limit_max, rate_limit_window)"));
        }
    }
    return {};
}

} // namespace

bool isLoopbackHost(std::string_view host) {
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (detail::toLower(host) == "localhost") return true;
    const std::string h(host);
    in_addr a4{};
    if (::inet_pton(AF_INET, h.c_str(), &a4) == 1) return (ntohl(a4.s_addr) >> 24) == 127;
    in6_addr a6{};
    if (::inet_pton(AF_INET6, h.c_str(), &a6) == 1) {
        if (IN6_IS_ADDR_LOOPBACK(&a6)) return true;
        return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
    }
    return false;
}

unsigned controlSocketMode(const AgentConfig& cfg) noexcept {
    if (cfg.controlSocketMode) return cfg.controlSocketMode;
    return cfg.controlGroup.empty() ? 0600 : 0660;
}

Result<AgentConfig> parseAgentConfig(std::string_view text, std::string_view origin) {
    Ctx c{std::string(origin)};
    toml::table root;
    // toml++ reports syntax errors by exception (it is built with TOML_EXCEPTIONS); turned into a
    // parse_error here, at the boundary.
    auto shielded = shieldToml(text, c.origin);
    if (!shielded) return tl::unexpected(shielded.error());
    try {
        root = toml::parse(*shielded, origin);
    } catch (const toml::parse_error& e) {
        return fail(errc::parse_error, c.origin + ":" + std::to_string(e.source().begin.line) + ":" +
                                           std::to_string(e.source().begin.column) + ": " + unshield(e.description()));
    }
    AgentConfig cfg;
    for (const auto& [k, v] : root) {
        const std::string_view name = k.str();
        if (name == "smart_intervals") {
            const auto* t = v.as_table();
            if (!t) return tl::unexpected(keyError(c, v, "smart_intervals", "must be a table ([smart_intervals])"));
            for (const auto& [mk, mv] : *t) {
                const std::string key = "smart_intervals.\"" + std::string(mk.str()) + "\"";
                if (mk.str().empty()) return tl::unexpected(keyError(c, mv, key, "an empty key matches no drive"));
                SmartIntervalRule r;
                r.match = unshield(mk.str());
                r.line = static_cast<int>(mv.source().begin.line);
                TRY_ASSIGN(r.interval, wholeSeconds(c, mv, key, "never poll these drives"));
                cfg.smartIntervals.push_back(std::move(r));
            }
            continue;
        }
        if (name == "console") {
            const auto* t = v.as_table();
            if (!t) return tl::unexpected(keyError(c, v, "console", "must be a table ([console])"));
            if (auto r = parseConsole(c, *t, cfg); !r) return tl::unexpected(r.error());
            continue;
        }
        if (name == "agent" || name == "metrics" || name == "outbox" || name == "hotswap") {
            const auto* t = v.as_table();
            if (!t) return tl::unexpected(keyError(c, v, std::string(name), "must be a table ([" + std::string(name) + "])"));
            if (name == "agent") {
                if (auto r = parseAgent(c, *t, cfg); !r) return tl::unexpected(r.error());
            } else if (name == "outbox") {
                if (auto r = parseOutbox(c, *t, cfg); !r) return tl::unexpected(r.error());
            } else if (name == "hotswap") {
                if (auto r = parseHotswap(c, *t, cfg); !r) return tl::unexpected(r.error());
            } else {
                const toml::node* listen = nullptr;
                for (const auto& [mk, mv] : *t) {
                    const std::string key = "metrics." + std::string(mk.str());
                    if (mk.str() == "allow_remote") {
                        TRY_ASSIGN(cfg.metricsAllowRemote, boolean(c, mv, key));
                        continue;
                    }
                    if (mk.str() != "listen") return tl::unexpected(keyError(c, mv, key, "unknown key"));
                    listen = &mv;
                    TRY_ASSIGN(cfg.metricsListen, string(c, mv, key, true));
                    if (!cfg.metricsListen.empty() && !validListen(cfg.metricsListen))
                        return tl::unexpected(keyError(c, mv, key, "must be ADDRESS:PORT (\"127.0.0.1:9598\", \"[::1]:9598\"), not " +
                                                                        detail::quoteForError(cfg.metricsListen)));
                }
                // /metrics has no authentication: beyond loopback only when asked for by name.
                if (listen && !cfg.metricsListen.empty() && !isLoopbackHost(listenHost(cfg.metricsListen)) && !cfg.metricsAllowRemote)
                    return tl::unexpected(keyError(c, *listen, "metrics.listen",
                                                   detail::quoteForError(cfg.metricsListen) +
                                                       " is not a loopback address and /metrics has no authentication: set "
                                                       "metrics.allow_remote = true to serve it to the network (behind a firewall), or "
                                                       "listen on 127.0.0.1 or [::1]"));
            }
        } else if (name == "commands") {
            const auto* t = v.as_table();
            if (!t) return tl::unexpected(keyError(c, v, "commands", "must be a table ([commands], [[commands.key]])"));
            if (auto r = parseCommands(c, *t, cfg); !r) return tl::unexpected(r.error());
        } else if (name == "sink") {
            const auto* arr = v.as_array();
            if (!arr) return tl::unexpected(keyError(c, v, "sink", "must be an array of tables ([[sink]])"));
            std::set<std::string> names;
            for (std::size_t i = 0; i < arr->size(); ++i) {
                const auto* t = (*arr)[i].as_table();
                if (!t) return tl::unexpected(keyError(c, (*arr)[i], "sink[" + std::to_string(i + 1) + "]", "must be a table"));
                SinkConfig s;
                if (auto r = parseSink(c, *t, i, s); !r) return tl::unexpected(r.error());
                if (!names.insert(s.name).second)
                    return fail(errc::invalid_argument, c.origin + ":" + std::to_string(s.line) + ": key 'sink[" + std::to_string(i + 1) +
                                                            "].name': another sink is already called " + detail::quoteForError(s.name));
                cfg.sinks.push_back(std::move(s));
            }
        } else {
            return tl::unexpected(keyError(c, v, std::string(name), "unknown key (known: agent, outbox, hotswap, console, sink, metrics, smart_intervals, commands)"));
        }
    }
    if (cfg.controlSocketMode == 0660 && cfg.controlGroup.empty())
        return fail(errc::invalid_argument, c.origin + ": key 'agent.control_socket_mode': 0660 opens the socket to a group: set "
                                                          "agent.control_group too");
    return cfg;
}

Result<AgentConfig> loadAgentConfig(const std::filesystem::path& file) {
    auto text = detail::readFile(file);
    if (!text) {
        if (text.error().is(errc::device_gone)) return fail(errc::not_found, file.string() + ": no such file");
        return tl::unexpected(text.error());
    }
    return parseAgentConfig(*text, file.string());
}

std::chrono::seconds smartIntervalFor(const AgentConfig& cfg, const Drive& d) {
    for (const auto& r : cfg.smartIntervals)
        if (r.match == d.id || (d.serial && r.match == *d.serial) || (d.wwn && r.match == *d.wwn)) return r.interval;
    if (d.model)
        for (const auto& r : cfg.smartIntervals)
            if (::fnmatch(r.match.c_str(), d.model->c_str(), 0) == 0) return r.interval;
    const bool atRisk = (d.health != Health::OK && d.health != Health::Unknown) || d.failurePredicted.value_or(false) ||
                        (d.risk && d.risk->multiplier && *d.risk->multiplier >= 2.0);
    if (atRisk && cfg.smartInterval.count() > 0 && cfg.smartIntervalAtRisk.count() > 0)
        return std::min(cfg.smartInterval, cfg.smartIntervalAtRisk);
    return cfg.smartInterval;
}

} // namespace raidmon
