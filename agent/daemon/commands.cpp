// SPDX-License-Identifier: LGPL-2.1-or-later
// Signed commands: the envelope (JWT) and its claims. docs/panel.md, "Commands".
#include "daemon/commands.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include <sys/eventfd.h>
#include <unistd.h>

#include <raidmon/led.hpp>

#include "core/strutil.hpp"
#include "core/sysfs.hpp"

namespace raidmon::agent {

namespace {

tl::unexpected<Rejection> reject(std::string reason, std::string message, std::string jti = {}, std::string verb = {}, std::string key = {}) {
    return tl::unexpected<Rejection>(Rejection{std::move(reason), std::move(message), std::move(jti), std::move(verb), std::move(key)});
}

/// Parse one JSON object of the envelope: an object, no duplicate member names (a verifier and a
/// panel must not read two different commands from one text), at most 4 levels deep.
std::optional<JwtJson> parseObject(std::string_view text, std::string& why) {
    std::vector<std::set<std::string>> keys;
    bool duplicate = false, deep = false;
    std::string dupName;
    auto cb = [&](int depth, JwtJson::parse_event_t ev, JwtJson& parsed) {
        if (depth > 4) deep = true;
        if (ev == JwtJson::parse_event_t::object_start) keys.emplace_back();
        else if (ev == JwtJson::parse_event_t::object_end && !keys.empty()) keys.pop_back();
        else if (ev == JwtJson::parse_event_t::key && !keys.empty() && parsed.is_string()) {
            if (!keys.back().insert(parsed.get<std::string>()).second && !duplicate) {
                duplicate = true;
                dupName = parsed.get<std::string>();
            }
        }
        return true;
    };
    JwtJson j = JwtJson::parse(text.begin(), text.end(), cb, false);
    if (j.is_discarded()) {
        why = "not JSON";
        return std::nullopt;
    }
    if (!j.is_object()) {
        why = "not a JSON object";
        return std::nullopt;
    }
    if (duplicate) {
        why = "member " + detail::quoteForError(dupName) + " appears twice";
        return std::nullopt;
    }
    if (deep) {
        why = "nested deeper than 4 levels";
        return std::nullopt;
    }
    return j;
}

/// A short printable text claim: at most `max` bytes, no control characters.
bool plainText(const std::string& s, std::size_t max) {
    return !s.empty() && s.size() <= max && std::none_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
}

/// A NumericDate claim (RFC 7519 section 2), as whole seconds: an integer, or a number with a
/// fraction (cut to the second below). Absent: nullopt with `present` false.
std::optional<std::int64_t> numericDate(const JwtJson& claims, const char* name, bool& present, std::string& why) {
    present = claims.contains(name);
    if (!present) return std::nullopt;
    const auto& v = claims[name];
    if (v.is_number_integer()) return v.get<std::int64_t>();
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (d > -1e15 && d < 1e15) return static_cast<std::int64_t>(d);
    }
    why = std::string("claim '") + name + "' must be a number of seconds since the epoch (NumericDate)";
    return std::nullopt;
}

} // namespace

bool isCommandVerb(std::string_view verb) noexcept {
    return std::find(std::begin(kCommandVerbs), std::end(kCommandVerbs), verb) != std::end(kCommandVerbs);
}

Result<CommandKey> CommandKey::load(const CommandKeyConfig& cfg) {
    const std::string name = "commands.key " + cfg.file;
    auto text = detail::readFile(cfg.file);
    if (!text) {
        if (text.error().is(errc::device_gone)) return fail(errc::not_found, name + ": no such file");
        return tl::unexpected(Error(text.error().code, name + ": " + text.error().message));
    }
    return fromPem(*text, cfg.file, cfg.allow);
}

Result<CommandKey> CommandKey::fromPem(std::string_view pem, std::string name, std::vector<std::string> allow) {
    auto k = readEd25519Pem(pem, name, false);
    if (!k) return tl::unexpected(k.error());
    CommandKey key;
    key.name_ = std::move(name);
    key.allow_ = std::move(allow);
    key.key_ = std::move(*k);
    return key;
}

bool CommandKey::allows(std::string_view verb) const { return std::find(allow_.begin(), allow_.end(), verb) != allow_.end(); }

bool CommandKey::verifies(std::string_view input, std::string_view signature) const { return ed25519Verify(key_.get(), input, signature); }

Rejection commandTooLarge(std::size_t size) {
    return Rejection{"too_large", "the command is " + std::to_string(size) + " bytes; at most " + std::to_string(kMaxCommandBytes) + " are read", {}, {}, {}};
}

CommandResult<Envelope> parseEnvelope(std::string_view text) {
    if (text.size() > kMaxCommandBytes) return tl::unexpected(commandTooLarge(text.size()));
    // A transport may end the text with a line end: that is not part of the token.
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
    if (text.empty()) return reject("malformed", "empty command");
    const auto d1 = text.find('.');
    const auto d2 = d1 == std::string_view::npos ? d1 : text.find('.', d1 + 1);
    if (d2 == std::string_view::npos || text.find('.', d2 + 1) != std::string_view::npos)
        return reject("malformed", "not a JWT in compact form (HEADER.PAYLOAD.SIGNATURE: three base64url parts)");
    const char* partName[] = {"header", "payload", "signature"};
    const std::string_view parts[] = {text.substr(0, d1), text.substr(d1 + 1, d2 - d1 - 1), text.substr(d2 + 1)};
    std::string decoded[3];
    for (int i = 0; i < 3; ++i) {
        auto b = base64urlDecode(parts[i]);
        if (!b) return reject("malformed", std::string("the ") + partName[i] + " is not base64url without padding");
        decoded[i] = std::move(*b);
    }
    Envelope env;
    std::string why;
    auto header = parseObject(decoded[0], why);
    if (!header) return reject("malformed", "the header: " + why);
    // The claims are decoded before the algorithm is checked only so that a refusal can name the
    // command's jti; nothing of them is trusted before the signature is.
    auto claims = parseObject(decoded[1], why);
    if (!claims) return reject("malformed", "the payload: " + why);
    env.header = std::move(*header);
    env.claims = std::move(*claims);
    std::string jti, verb;
    if (env.claims.contains("jti") && env.claims["jti"].is_string() && plainText(env.claims["jti"].get<std::string>(), 128))
        jti = env.claims["jti"].get<std::string>();
    if (env.claims.contains("cmd") && env.claims["cmd"].is_string() && isCommandVerb(env.claims["cmd"].get<std::string>()))
        verb = env.claims["cmd"].get<std::string>();
    const auto alg = env.header.find("alg");
    if (alg == env.header.end() || !alg->is_string())
        return reject("algorithm", "the header has no \"alg\": only EdDSA is accepted", jti, verb);
    if (*alg != "EdDSA")
        return reject("algorithm",
                      "header alg " + detail::quoteForError(alg->get<std::string>()) + " refused: only EdDSA (Ed25519) is accepted" +
                          (detail::toLower(alg->get<std::string>()) == "none" ? " (an unsigned command is never run)" : ""),
                      jti, verb);
    for (const auto& [k, v] : env.header.items()) {
        if (k == "alg" || k == "kid") continue;
        if (k == "typ") {
            if (!v.is_string() || detail::toUpper(v.get<std::string>()) != "JWT")
                return reject("malformed", "header typ must be \"JWT\"", jti, verb);
            continue;
        }
        // "crit" and everything else: an extension this verifier does not implement.
        return reject("malformed", "header member " + detail::quoteForError(k) + " is not understood", jti, verb);
    }
    if (decoded[2].size() != 64) return reject("signature", "an Ed25519 signature is 64 bytes, not " + std::to_string(decoded[2].size()), jti, verb);
    env.signingInput = std::string(text.substr(0, d2));
    env.signature = std::move(decoded[2]);
    return env;
}

CommandResult<Command> verifyCommand(std::string_view text, std::span<const CommandKey> keys, std::string_view machineId, std::int64_t now) {
    auto env = parseEnvelope(text);
    if (!env) return tl::unexpected(env.error());
    const auto& c = env->claims;
    Command cmd;
    if (c.contains("jti") && c["jti"].is_string() && plainText(c["jti"].get<std::string>(), 128)) cmd.jti = c["jti"].get<std::string>();
    std::string verbSeen;
    if (c.contains("cmd") && c["cmd"].is_string() && plainText(c["cmd"].get<std::string>(), 64)) verbSeen = c["cmd"].get<std::string>();
    const std::string verbShown = isCommandVerb(verbSeen) ? verbSeen : "";
    if (keys.empty())
        return reject("disabled", "no [[commands.key]] is configured: this agent takes no remote commands", cmd.jti, verbShown);
    const CommandKey* signer = nullptr;
    for (const auto& k : keys)
        if (k.verifies(env->signingInput, env->signature)) {
            signer = &k;
            break;
        }
    if (!signer)
        return reject("signature", "the signature does not verify with any configured key (signed by an unknown key, or altered)", cmd.jti,
                      verbShown);
    cmd.key = signer->name();
    auto no = [&](std::string reason, std::string message) { return reject(std::move(reason), std::move(message), cmd.jti, verbShown, cmd.key); };

    if (cmd.jti.empty()) return no("malformed", "claim 'jti' missing or not a string of 1 to 128 printable characters");
    if (!c.contains("aud") || !c["aud"].is_string()) return no("malformed", "claim 'aud' missing or not a string (this host's machine-id)");
    if (machineId.empty()) return no("audience", "this host has no machine-id: no command can be addressed to it");
    if (detail::toLower(c["aud"].get<std::string>()) != detail::toLower(machineId))
        return no("audience", "the command is for machine-id " + detail::quoteForError(c["aud"].get<std::string>(), 64) + ", not this host");
    std::string why;
    bool has = false;
    auto exp = numericDate(c, "exp", has, why);
    if (!has) return no("malformed", "claim 'exp' missing (every command expires)");
    if (!exp) return no("malformed", why);
    auto iat = numericDate(c, "iat", has, why);
    if (!has) return no("malformed", "claim 'iat' missing");
    if (!iat) return no("malformed", why);
    auto nbf = numericDate(c, "nbf", has, why);
    if (has && !nbf) return no("malformed", why);
    if (*exp <= now) return no("expired", "expired " + std::to_string(now - *exp) + " s ago");
    if (*exp > now + kMaxCommandLifetime.count())
        return no("lifetime", "exp is " + std::to_string(*exp - now) + " s ahead; at most " + std::to_string(kMaxCommandLifetime.count()) +
                                  " s are accepted");
    if (*iat > now + kCommandClockSkew.count()) return no("not_yet_valid", "iat is " + std::to_string(*iat - now) + " s in the future");
    if (*iat > *exp) return no("malformed", "iat is after exp");
    if (nbf && *nbf > now + kCommandClockSkew.count()) return no("not_yet_valid", "nbf is " + std::to_string(*nbf - now) + " s in the future");
    cmd.exp = *exp;
    cmd.iat = *iat;

    if (verbSeen.empty()) return no("malformed", "claim 'cmd' missing or not a verb");
    if (!isCommandVerb(verbSeen)) return no("unknown_verb", "no verb " + detail::quoteForError(verbSeen));
    cmd.verb = verbSeen;
    if (!signer->allows(cmd.verb)) return no("not_allowed", "key " + signer->name() + " may not use " + cmd.verb);

    // The verb's arguments, by their fixed names; any claim beyond those and the registered ones
    // is refused by name (a misspelt argument must not be silently ignored).
    static const std::set<std::string, std::less<>> registered = {"jti", "aud", "iat", "exp", "nbf", "iss", "sub", "cmd"};
    std::set<std::string, std::less<>> args;
    if (cmd.verb == "identify") args = {"state", "duration"};
    else if (cmd.verb == "locate") args = {"target", "state", "pattern", "duration"};
    else if (cmd.verb == "hotswap.confirm" || cmd.verb == "hotswap.cancel") args = {"incident"};
    for (const auto& [k, v] : c.items()) {
        if (registered.count(k)) continue;
        if (!args.count(k)) return no("arguments", "claim " + detail::quoteForError(k) + " is not an argument of " + cmd.verb);
        if (!v.is_string() || !plainText(v.get<std::string>(), 256))
            return no("arguments", "argument '" + k + "' must be a string of 1 to 256 printable characters");
    }
    auto arg = [&](const char* name) { return c.contains(name) ? c[name].get<std::string>() : std::string(); };
    if (args.count("state")) {
        if (c.contains("state")) cmd.state = arg("state");
        if (cmd.state != "on" && cmd.state != "off") return no("arguments", "argument 'state' must be \"on\" or \"off\"");
    }
    if (c.contains("duration")) {
        auto d = parseLeaseDuration(arg("duration"));
        if (!d) return no("arguments", "argument 'duration': " + d.error().message);
        cmd.duration = *d;
    }
    if (cmd.verb == "locate") {
        cmd.target = arg("target");
        if (cmd.target.empty()) return no("arguments", "locate needs 'target' (a drive's serial, WWN or id, or a bay)");
        if (c.contains("pattern")) cmd.pattern = arg("pattern");
        auto p = parseLedPattern(cmd.pattern);
        if (!p || *p == LedPattern::off) return no("arguments", "argument 'pattern' must be \"locate\", \"fault\" or \"rebuild\"");
    }
    if (args.count("incident")) {
        cmd.incident = arg("incident");
        if (cmd.incident.empty()) return no("arguments", cmd.verb + " needs 'incident'");
    }
    return cmd;
}

bool CommandRateLimiter::admit(const std::string& key, std::chrono::steady_clock::time_point now) {
    auto& q = seen_[key];
    while (!q.empty() && now - q.front() >= window_) q.pop_front();
    if (static_cast<int>(q.size()) >= max_) return false;
    q.push_back(now);
    return true;
}

CommandInbox::CommandInbox() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

CommandInbox::~CommandInbox() {
    if (fd_ >= 0) ::close(fd_);
}

bool CommandInbox::push(std::string transport, std::string_view text) {
    {
        std::lock_guard lk(m_);
        if (items_.size() >= kMaxQueued) {
            ++overflowed_;
            return false;
        }
        // Past the limit only the size matters (the verifier refuses it as too large).
        items_.push_back({std::move(transport), std::string(text.substr(0, kMaxCommandBytes + 1)), text.size()});
    }
    const std::uint64_t one = 1;
    (void)!::write(fd_, &one, sizeof one);
    return true;
}

std::vector<CommandInbox::Item> CommandInbox::take() {
    std::uint64_t v;
    (void)!::read(fd_, &v, sizeof v);
    std::lock_guard lk(m_);
    std::vector<Item> out(std::make_move_iterator(items_.begin()), std::make_move_iterator(items_.end()));
    items_.clear();
    return out;
}

std::uint64_t CommandInbox::overflowed() const {
    std::lock_guard lk(m_);
    return overflowed_;
}

} // namespace raidmon::agent
