// SPDX-License-Identifier: LGPL-2.1-or-later
// Signed commands (agent/daemon/commands.hpp): the JWT envelope and its claims, each refusal with
// its reason, the replay record in the outbox's database, the rate limit per key, the
// [[commands.key]] configuration. Keys are made by OpenSSL at test time, never committed.
#define BOOST_TEST_MODULE agent_commands
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <memory>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "daemon/agent.hpp"
#include "daemon/commands.hpp"
#include "daemon/outbox.hpp"
#include "daemon/sinks.hpp"
#include "temp_dir.hpp"

using namespace raidmon;
using namespace raidmon::agent;
using raidmon::test::TempDir;

namespace {

constexpr const char* kHost = "8d3f2a6c41b94e0f9c1e5a7b2d4c6e80";
constexpr std::int64_t kNow = 1800000000;

/// A fresh Ed25519 key pair: the private key, and the public one as PEM text.
struct Pair {
    std::shared_ptr<EVP_PKEY> priv;
    std::string pubPem;
    Pair() {
        EVP_PKEY* k = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
        BOOST_REQUIRE(k);
        priv.reset(k, &EVP_PKEY_free);
        std::unique_ptr<BIO, decltype(&BIO_free)> b(BIO_new(BIO_s_mem()), &BIO_free);
        BOOST_REQUIRE(PEM_write_bio_PUBKEY(b.get(), k) == 1);
        char* p = nullptr;
        const long n = BIO_get_mem_data(b.get(), &p);
        pubPem.assign(p, static_cast<std::size_t>(n));
    }
    CommandKey key(std::vector<std::string> allow, const std::string& name = "/etc/raidmon/panel.pem") const {
        auto k = CommandKey::fromPem(pubPem, name, std::move(allow));
        BOOST_REQUIRE(k);
        return *k;
    }
    std::string sign(const JwtJson& claims) const {
        auto t = signJwt(claims, priv.get());
        BOOST_REQUIRE(t);
        return *t;
    }
};

JwtJson claims(const std::string& cmd, const std::string& jti = "c-1") {
    return JwtJson{{"jti", jti}, {"aud", kHost}, {"iat", kNow - 5}, {"exp", kNow + 120}, {"cmd", cmd}};
}

std::string reasonOf(const CommandResult<Command>& r) { return r ? std::string("accepted") : r.error().reason; }

} // namespace

BOOST_AUTO_TEST_CASE(base64url_is_strict_and_round_trips) {
    for (const std::string& s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\0\xff\xfe", 3)}) {
        auto e = base64urlEncode(s);
        BOOST_TEST(e.find('=') == std::string::npos);
        BOOST_TEST(base64urlDecode(e).value_or("<none>") == s);
    }
    BOOST_TEST(!base64urlDecode("Zm9v="));   // padding
    BOOST_TEST(!base64urlDecode("Zm9v+A"));  // "+" is base64, not base64url
    BOOST_TEST(!base64urlDecode("Zg9"));     // non-zero unused bits
    BOOST_TEST(!base64urlDecode("Zm9vY"));   // 4n+1 characters
    BOOST_TEST(base64urlDecode("Zg").value_or("") == "f");
    BOOST_TEST(!base64urlDecode("Zh"));      // "Zh" has a stray bit: not the canonical "Zg"
}

BOOST_AUTO_TEST_CASE(a_good_locate_is_accepted_with_its_arguments) {
    Pair p;
    const std::vector<CommandKey> keys{p.key({"locate", "ping"})};
    auto c = claims("locate");
    c["target"] = "Slot08";
    c["state"] = "on";
    c["pattern"] = "fault";
    c["duration"] = "10m";
    auto r = verifyCommand(p.sign(c), keys, kHost, kNow);
    BOOST_REQUIRE_MESSAGE(r, (r ? "" : r.error().message));
    BOOST_TEST(r->verb == "locate");
    BOOST_TEST(r->jti == "c-1");
    BOOST_TEST(r->target == "Slot08");
    BOOST_TEST(r->pattern == "fault");
    BOOST_TEST(r->duration->count() == 600);
    BOOST_TEST(r->exp == kNow + 120);
    BOOST_TEST(r->key == "/etc/raidmon/panel.pem");
}

BOOST_AUTO_TEST_CASE(every_refusal_names_its_reason) {
    Pair p, stranger;
    const std::vector<CommandKey> keys{p.key({"locate", "ping"})};
    auto locate = [] {
        auto c = claims("locate");
        c["target"] = "sdc";
        return c;
    };
    auto with = [&](const char* k, JwtJson v) {
        auto c = locate();
        c[k] = std::move(v);
        return p.sign(c);
    };
    auto without = [&](const char* k) {
        auto c = locate();
        c.erase(k);
        return p.sign(c);
    };
    BOOST_TEST(reasonOf(verifyCommand(p.sign(locate()), keys, kHost, kNow)) == "accepted");
    BOOST_TEST(reasonOf(verifyCommand(std::string(kMaxCommandBytes + 1, 'a'), keys, kHost, kNow)) == "too_large");
    BOOST_TEST(reasonOf(verifyCommand("garbage", keys, kHost, kNow)) == "malformed");
    BOOST_TEST(reasonOf(verifyCommand("a.b.c.d", keys, kHost, kNow)) == "malformed");
    BOOST_TEST(reasonOf(verifyCommand(with("aud", "00000000000000000000000000000001"), keys, kHost, kNow)) == "audience");
    BOOST_TEST(reasonOf(verifyCommand(with("exp", kNow), keys, kHost, kNow)) == "expired");
    BOOST_TEST(reasonOf(verifyCommand(with("exp", kNow + 601), keys, kHost, kNow)) == "lifetime");
    BOOST_TEST(reasonOf(verifyCommand(with("exp", kNow + 600), keys, kHost, kNow)) == "accepted");
    BOOST_TEST(reasonOf(verifyCommand(with("iat", kNow + 61), keys, kHost, kNow)) == "not_yet_valid");
    BOOST_TEST(reasonOf(verifyCommand(with("nbf", kNow + 120), keys, kHost, kNow)) == "not_yet_valid");
    BOOST_TEST(reasonOf(verifyCommand(with("exp", "soon"), keys, kHost, kNow)) == "malformed");
    BOOST_TEST(reasonOf(verifyCommand(without("jti"), keys, kHost, kNow)) == "malformed");
    BOOST_TEST(reasonOf(verifyCommand(without("exp"), keys, kHost, kNow)) == "malformed");
    BOOST_TEST(reasonOf(verifyCommand(without("target"), keys, kHost, kNow)) == "arguments");
    BOOST_TEST(reasonOf(verifyCommand(with("targte", "sdc"), keys, kHost, kNow)) == "arguments");  // a misspelt argument
    BOOST_TEST(reasonOf(verifyCommand(with("state", "blink"), keys, kHost, kNow)) == "arguments");
    BOOST_TEST(reasonOf(verifyCommand(with("pattern", "off"), keys, kHost, kNow)) == "arguments");
    BOOST_TEST(reasonOf(verifyCommand(with("duration", "forever"), keys, kHost, kNow)) == "arguments");
    BOOST_TEST(reasonOf(verifyCommand(with("cmd", "reboot"), keys, kHost, kNow)) == "unknown_verb");
    BOOST_TEST(reasonOf(verifyCommand(p.sign(claims("identify")), keys, kHost, kNow)) == "not_allowed");
    BOOST_TEST(reasonOf(verifyCommand(stranger.sign(locate()), keys, kHost, kNow)) == "signature");
    BOOST_TEST(reasonOf(verifyCommand(p.sign(locate()), {}, kHost, kNow)) == "disabled");
    BOOST_TEST(reasonOf(verifyCommand(p.sign(locate()), keys, "", kNow)) == "audience");
    // The machine-id is compared without regard to case (it is hex).
    BOOST_TEST(reasonOf(verifyCommand(with("aud", "8D3F2A6C41B94E0F9C1E5A7B2D4C6E80"), keys, kHost, kNow)) == "accepted");
}

BOOST_AUTO_TEST_CASE(the_envelope_itself_is_strict) {
    Pair p;
    const std::vector<CommandKey> keys{p.key({"ping"})};
    const std::string good = p.sign(claims("ping"));
    const auto d1 = good.find('.'), d2 = good.rfind('.');
    const std::string payload = good.substr(d1 + 1, d2 - d1 - 1), sig = good.substr(d2 + 1);
    auto withHeader = [&](const std::string& h) { return base64urlEncode(h) + "." + payload + "." + sig; };
    BOOST_TEST(reasonOf(verifyCommand(good, keys, kHost, kNow)) == "accepted");
    BOOST_TEST(reasonOf(verifyCommand(good + "\n", keys, kHost, kNow)) == "accepted");  // a transport's line end
    BOOST_TEST(reasonOf(verifyCommand(withHeader(R"({"alg":"none","typ":"JWT"})"), keys, kHost, kNow)) == "algorithm");
    BOOST_TEST(reasonOf(verifyCommand(withHeader(R"({"alg":"HS256","typ":"JWT"})"), keys, kHost, kNow)) == "algorithm");
    BOOST_TEST(reasonOf(verifyCommand(withHeader(R"({"typ":"JWT"})"), keys, kHost, kNow)) == "algorithm");
    BOOST_TEST(reasonOf(verifyCommand(withHeader(R"({"alg":"EdDSA","crit":["exp"]})"), keys, kHost, kNow)) == "malformed");
    BOOST_TEST(reasonOf(verifyCommand(withHeader(R"({"alg":"EdDSA","alg":"none"})"), keys, kHost, kNow)) == "malformed");
    // The same header in other bytes: the signature covers the text as sent, so it fails.
    BOOST_TEST(reasonOf(verifyCommand(withHeader(R"({"typ":"JWT","alg":"EdDSA"})"), keys, kHost, kNow)) == "signature");
    BOOST_TEST(reasonOf(verifyCommand(good.substr(0, d2) + ".", keys, kHost, kNow)) == "signature");  // no signature
    BOOST_TEST(reasonOf(verifyCommand(good + "=", keys, kHost, kNow)) == "malformed");                  // padding
    // A payload altered after signing.
    auto c = claims("ping");
    c["jti"] = "c-2";
    const std::string other = base64urlEncode(c.dump());
    BOOST_TEST(reasonOf(verifyCommand(good.substr(0, d1) + "." + other + "." + sig, keys, kHost, kNow)) == "signature");
    // Duplicate claims: two readers could see two commands.
    const std::string dup = base64urlEncode(R"({"jti":"a","jti":"b","aud":"x","iat":1,"exp":2,"cmd":"ping"})");
    BOOST_TEST(reasonOf(verifyCommand(good.substr(0, d1) + "." + dup + "." + sig, keys, kHost, kNow)) == "malformed");
}

BOOST_AUTO_TEST_CASE(messages_never_carry_key_material) {
    Pair p, stranger;
    const std::vector<CommandKey> keys{p.key({"ping"})};
    auto r = verifyCommand(stranger.sign(claims("ping")), keys, kHost, kNow);
    BOOST_REQUIRE(!r);
    BOOST_TEST(r.error().message.find("BEGIN") == std::string::npos);
    BOOST_TEST(r.error().jti == "c-1");
    // PEM armour around bytes that are no key: the message names the file, not the bytes.
    auto bad = CommandKey::fromPem("-----BEGIN PUBLIC KEY-----\nc2VjcmV0Ynl0ZXMgb2YgYSBrZXk=\n-----END PUBLIC KEY-----\n", "/k.pem", {"ping"});
    BOOST_REQUIRE(!bad);
    BOOST_TEST(bad.error().message.find("c2VjcmV0") == std::string::npos);
    BOOST_TEST(bad.error().message.find("/k.pem") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_accepted_jti_is_kept_with_its_event_until_its_exp_also_after_reopening) {
    TempDir t;
    const auto db = t.path / "outbox.db";
    HostIdentity host;
    host.host.machineId = "0123456789abcdef0123456789abcdef";
    auto accepted = [](const std::string& jti) {
        Event e;
        e.id = newEventId();
        e.type = "io.raidmon.command.accepted";
        e.subject = "command/" + jti;
        e.message = "command ping accepted";
        e.time = std::chrono::system_clock::now();
        return std::vector<Event>{e};
    };
    // What appendAccepted() answers: 1 = stored (the record and the event), 0 = a replay, -1 = an error.
    auto accept = [&](Outbox& ob, const std::string& jti, std::int64_t exp, std::int64_t now) {
        auto r = ob.appendAccepted(CommandRecord{jti, exp, "k", now}, accepted(jti), host);
        if (!r) return -1;
        if (!*r) return 0;
        BOOST_TEST((*r)->size() == 1u);
        BOOST_TEST((**r)[0].seq > 0u);
        return 1;
    };
    auto storedEvents = [](Outbox& ob) { return ob.after(0, 100).value().size(); };
    {
        auto ob = Outbox::open(db);
        BOOST_REQUIRE(ob);
        BOOST_TEST(accept(**ob, "j-1", kNow + 60, kNow) == 1);
        BOOST_TEST(storedEvents(**ob) == 1u);
        // A replay stores nothing: no second record, no second accepted event.
        BOOST_TEST(accept(**ob, "j-1", kNow + 60, kNow) == 0);
        BOOST_TEST(storedEvents(**ob) == 1u);
    }
    auto ob = Outbox::open(db);
    BOOST_REQUIRE(ob);
    BOOST_TEST(accept(**ob, "j-1", kNow + 60, kNow + 30) == 0);  // a replay after a restart
    BOOST_TEST(storedEvents(**ob) == 1u);
    // After its exp the id is forgotten (the command itself is refused as expired by then).
    BOOST_TEST(accept(**ob, "j-1", kNow + 200, kNow + 61) == 1);
    BOOST_TEST(storedEvents(**ob) == 2u);
}

BOOST_AUTO_TEST_CASE(the_rate_limit_is_per_key) {
    CommandRateLimiter rl(2, std::chrono::seconds(60));
    const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
    BOOST_TEST(rl.admit("a", t0));
    BOOST_TEST(rl.admit("a", t0));
    BOOST_TEST(!rl.admit("a", t0 + std::chrono::seconds(1)));
    BOOST_TEST(rl.admit("b", t0 + std::chrono::seconds(1)));
    BOOST_TEST(rl.admit("a", t0 + std::chrono::seconds(60)));
}

BOOST_AUTO_TEST_CASE(commands_configuration) {
    auto c = parseAgentConfig(R"(
[commands]
rate_limit_max = 5
rate_limit_window = "30s"

[[commands.key]]
file = "/etc/raidmon/panel-ed25519.pem"
allow = ["locate", "identify", "ping"]

[[sink]]
type = "mqtt"
host = "127.0.0.1"
)",
                              "t.toml");
    BOOST_REQUIRE_MESSAGE(c, (c ? "" : c.error().message));
    BOOST_REQUIRE(c->commandKeys.size() == 1u);
    BOOST_TEST(c->commandKeys[0].file == "/etc/raidmon/panel-ed25519.pem");
    BOOST_TEST(c->commandKeys[0].allow.size() == 3u);
    BOOST_TEST(c->commandRateMax == 5);
    BOOST_TEST(c->commandRateWindow.count() == 30);
    BOOST_TEST(c->sinks[0].commandTopic == "raidmon/{machine_id}/cmd");
    BOOST_TEST(parseAgentConfig("", "t.toml")->commandKeys.empty());  // no key: no remote commands

    auto bad = [](const char* text, const char* expect) {
        auto r = parseAgentConfig(text, "t.toml");
        BOOST_TEST_CONTEXT(text) {
            BOOST_REQUIRE(!r);
            BOOST_TEST(r.error().message.find(expect) != std::string::npos, r.error().message);
        }
    };
    bad("[[commands.key]]\nfile = \"/k.pem\"\nallow = [\"reboot\"]\n", "t.toml:3: key 'commands.key[1].allow': no verb 'reboot'");
    bad("[[commands.key]]\nallow = [\"ping\"]\n", "key 'commands.key[1].file': missing");
    bad("[[commands.key]]\nfile = \"/k.pem\"\n", "key 'commands.key[1].allow': missing or empty");
    bad("[[commands.key]]\nfile = \"k.pem\"\nallow = [\"ping\"]\n", "commands.key[1].file");
    bad("[[commands.key]]\nfile = \"/k.pem\"\nallow = [\"ping\"]\nalow = 1\n", "key 'commands.key[1].alow': unknown key");
    bad("[commands]\nrate = 1\n", "key 'commands.rate': unknown key");
    bad("[[sink]]\ntype = \"mqtt\"\nhost = \"h\"\ncommand_topic = \"raidmon/+/cmd\"\n", "command_topic': no MQTT wildcards");
}

BOOST_AUTO_TEST_CASE(a_webhook_answer_carries_commands_only_as_application_jwt) {
    const std::string body = "eyJ.a.b\r\n\n  eyJ.c.d  \n";
    const auto two = webhookCommands(200, "application/jwt; charset=utf-8", body);
    BOOST_REQUIRE(two.size() == 2u);
    BOOST_TEST(two[0] == "eyJ.a.b");
    BOOST_TEST(two[1] == "eyJ.c.d");
    BOOST_TEST(webhookCommands(204, "Application/JWT", "x.y.z").size() == 1u);
    BOOST_TEST(webhookCommands(200, "text/plain", body).empty());  // an ordinary "ok" answer
    BOOST_TEST(webhookCommands(500, "application/jwt", body).empty());
    BOOST_TEST(webhookCommands(409, "application/jwt", body).empty());
}
