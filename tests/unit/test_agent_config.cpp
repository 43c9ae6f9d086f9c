// SPDX-License-Identifier: LGPL-2.1-or-later
// raidmond's TOML configuration: the names of DESIGN.md, defaults, and every bad input rejected
// with the key and the line.
#define BOOST_TEST_MODULE agent_config
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon/agent.hpp"
#include "daemon/dynlib.hpp"

#include "daemon/metrics.hpp"
#include "daemon/sinks.hpp"

using namespace raidmon;
namespace bdata = boost::unit_test::data;

BOOST_AUTO_TEST_CASE(design_example_parses) {
    const char* text = R"(
[agent]
state_dir = "/var/lib/raidmon"        # outbox, slot memory, LED leases, incidents
heartbeat = "60s"

[[sink]]                              # any number of sinks
type = "file"                         # file | webhook | mqtt
path = "/var/log/raidmon/events.jsonl"   # "-" = stdout

[[sink]]
type = "webhook"
url = "https://panel.example.net/hooks/raidmon"
token_file = "/etc/raidmon/panel.token"
hmac_secret_file = "/etc/raidmon/panel.hmac"

[[sink]]
type = "mqtt"
host = "broker.example.net"
port = 8883
topic = "raidmon/{machine_id}/events"

[metrics]
listen = "127.0.0.1:9598"
)";
    auto c = parseAgentConfig(text, "raidmond.toml");
    BOOST_REQUIRE_MESSAGE(c, (c ? "" : c.error().message));
    BOOST_TEST(c->stateDir == "/var/lib/raidmon");
    BOOST_TEST(c->heartbeat.count() == 60);
    BOOST_REQUIRE(c->sinks.size() == 3u);
    BOOST_TEST(c->sinks[0].name == "file-1");
    BOOST_TEST(c->sinks[0].path == "/var/log/raidmon/events.jsonl");
    BOOST_TEST(c->sinks[1].url == "https://panel.example.net/hooks/raidmon");
    BOOST_TEST(c->sinks[1].line == 10);
    BOOST_TEST(c->sinks[2].port == 8883);
    BOOST_TEST(c->metricsListen == "127.0.0.1:9598");
}

BOOST_AUTO_TEST_CASE(defaults) {
    auto c = parseAgentConfig("", "empty.toml");
    BOOST_REQUIRE(c);
    BOOST_TEST(c->stateDir == "/var/lib/raidmon");
    BOOST_TEST(c->sinks.empty());
    BOOST_TEST(c->metricsListen.empty());
    BOOST_TEST(c->smartWakeStandby == false);
    // The hot-swap assistant runs, but writes nothing to a disk without an operator's confirmation.
    BOOST_TEST(c->hotswap == true);
    BOOST_TEST((c->hotswapPolicy.add == AddPolicy::confirm));
    BOOST_TEST(c->hotswapPolicy.allowForeignSignatures == false);
    // Flushed, but beside the delivery, not before it.
    BOOST_TEST(c->outboxFsync == true);
    BOOST_TEST(c->outboxFlushBeforeDelivery == false);
    auto strict = parseAgentConfig("[outbox]\nflush_before_delivery = true\n", "strict.toml");
    BOOST_REQUIRE(strict);
    BOOST_TEST(strict->outboxFlushBeforeDelivery == true);
}

BOOST_AUTO_TEST_CASE(console_section) {
    auto d = parseAgentConfig("", "d.toml");
    BOOST_REQUIRE(d);
    BOOST_TEST(d->console);
    BOOST_TEST(d->consoleIssueFile == "/run/issue.d/50-raidmon.issue");
    BOOST_TEST(d->consoleCodeInterval.count() == 3600);
    BOOST_TEST(d->consoleAgettyReload);
    auto c = parseAgentConfig("[console]\nenabled = false\nissue_file = \"\"\ncode_interval = \"10m\"\nagetty_reload = false\n", "c.toml");
    BOOST_REQUIRE_MESSAGE(c.has_value(), (c ? std::string() : c.error().message));
    BOOST_TEST(!c->console);
    BOOST_TEST(c->consoleIssueFile.empty());
    BOOST_TEST(c->consoleCodeInterval.count() == 600);
    BOOST_TEST(!c->consoleAgettyReload);
}

BOOST_AUTO_TEST_CASE(hotswap_section) {
    auto c = parseAgentConfig("[hotswap]\nadd = \"auto\"\nidentify_server = true\nrequire_same_bay = false\n"
                              "allow_foreign_signatures = true\nopen_on_predicted_failure = false\n"
                              "controller_rebuild_wait = \"5m\"\n",
                              "h.toml");
    BOOST_REQUIRE_MESSAGE(c, (c ? "" : c.error().message));
    BOOST_TEST((c->hotswapPolicy.add == AddPolicy::automatic));
    BOOST_TEST(c->hotswapPolicy.identifyServer);
    BOOST_TEST(!c->hotswapPolicy.requireSameBay);
    BOOST_TEST(c->hotswapPolicy.allowForeignSignatures);
    BOOST_TEST(!c->hotswapPolicy.openOnPredictedFailure);
    BOOST_TEST(c->hotswapPolicy.controllerRebuildWait.count() == 300);
    auto off = parseAgentConfig("[hotswap]\nenabled = false\n", "h.toml");
    BOOST_REQUIRE(off);
    BOOST_TEST(!off->hotswap);
}

struct Bad {
    const char* text;
    const char* expect;  // in the message: origin:line and the key
};
std::ostream& operator<<(std::ostream& os, const Bad& b) { return os << b.text; }

const Bad bad[] = {
    {"[agent]\nheartbeat = \"sixty\"\n", "x.toml:2: key 'agent.heartbeat': not a duration"},
    {"[agent]\nheartbeat = -5\n", "x.toml:2: key 'agent.heartbeat'"},
    {"[agent]\nstate_dir = \"relative/dir\"\n", "x.toml:2: key 'agent.state_dir': must be an absolute path"},
    {"[agent]\nhartbeat = \"60s\"\n", "x.toml:2: key 'agent.hartbeat': unknown key"},
    {"[agnet]\n", "x.toml:1: key 'agnet': unknown key"},
    {"[agent]\nsmart_interval = \"500ms\"\n", "x.toml:2: key 'agent.smart_interval': must be at least 1s"},
    {"[hotswap]\ncontroller_rebuild_wait = \"soon\"\n", "x.toml:2: key 'hotswap.controller_rebuild_wait': not a duration"},
    {"[[sink]]\npath = \"/x\"\n", "x.toml:1: key 'sink[1].type': missing"},
    {"[[sink]]\ntype = \"ftp\"\n", "x.toml:2: key 'sink[1].type': must be file, webhook or mqtt"},
    {"[[sink]]\ntype = \"file\"\n", "x.toml:1: key 'sink[1].path': missing"},
    {"[[sink]]\ntype = \"file\"\npath = \"/a\"\n\n[[sink]]\ntype = \"webhook\"\nurl = \"http://panel.example.net/\"\n",
     "x.toml:7: key 'sink[2].url': must be an https:// URL"},
    {"[[sink]]\ntype = \"webhook\"\nurl = \"https://p/\"\nport = 3\n", "x.toml:4: key 'sink[1].port': unknown key for a webhook sink"},
    {"[[sink]]\ntype = \"mqtt\"\nhost = \"b\"\nport = 70000\n", "x.toml:4: key 'sink[1].port': must be between 1 and 65535"},
    {"[[sink]]\ntype = \"mqtt\"\nhost = \"b\"\ntopic = \"raidmon/#\"\n", "key 'sink[1].topic': MQTT wildcards"},
    {"[[sink]]\ntype = \"file\"\npath = \"/a\"\nname = \"x\"\n[[sink]]\ntype = \"file\"\npath = \"/b\"\nname = \"x\"\n",
     "x.toml:5: key 'sink[2].name': another sink"},
    {"[metrics]\nlisten = \"9598\"\n", "x.toml:2: key 'metrics.listen': must be ADDRESS:PORT"},
    {"[metrics]\nlisten = 9598\n", "x.toml:2: key 'metrics.listen': must be a string"},
    {"[outbox]\nmax_events = 1\n", "x.toml:2: key 'outbox.max_events': must be between 10"},
    {"[outbox]\nflush_before_delivery = \"no\"\n", "x.toml:2: key 'outbox.flush_before_delivery': must be true or false"},
    {"[agent\nheartbeat = 1\n", "x.toml:1:"},
    {"[hotswap]\nadd = \"yes\"\n", "x.toml:2: key 'hotswap.add': must be \"auto\", \"confirm\" or \"never\""},
    {"[hotswap]\nidentify_server = 1\n", "x.toml:2: key 'hotswap.identify_server': must be true or false"},
    {"[hotswap]\nadd_policy = \"auto\"\n", "x.toml:2: key 'hotswap.add_policy': unknown key"},
    {"sink = 3\n", "x.toml:1: key 'sink': must be an array of tables"},
    {"[console]\nissue_file = \"issue\"\n", "x.toml:2: key 'console.issue_file': must be an absolute file path in a directory"},
    {"[console]\nissue_file = \"/50-raidmon.issue\"\n", "x.toml:2: key 'console.issue_file': must be an absolute file path in a directory"},
    {"[console]\ncode_interval = \"often\"\n", "x.toml:2: key 'console.code_interval': not a duration"},
    {"[console]\nagetty = true\n", "x.toml:2: key 'console.agetty': unknown key"},
    {"console = 1\n", "x.toml:1: key 'console': must be a table ([console])"},
    {"\xff\xfe garbage = = =\n", "x.toml:1:"},
    // "plain http only to loopback" is decided on the host libcurl would connect to, not on how
    // the URL's text begins (docs/security.md).
    {"[[sink]]\ntype = \"webhook\"\nurl = \"http://127.0.0.1@evil.example/\"\n",
     "x.toml:3: key 'sink[1].url': a user name or password in the URL"},
    {"[[sink]]\ntype = \"webhook\"\nurl = \"http://localhost.evil.example/\"\n",
     "x.toml:3: key 'sink[1].url': must be an https:// URL (plain http only to a loopback address, not 'localhost.evil.example')"},
    {"[[sink]]\ntype = \"webhook\"\nurl = \"http://127.0.0.1.evil.example:8080/\"\n", "key 'sink[1].url': must be an https:// URL"},
    {"[[sink]]\ntype = \"webhook\"\nurl = \"http://[::1].evil.example/\"\n", "key 'sink[1].url'"},
    {"[[sink]]\ntype = \"webhook\"\nurl = \"http://0.0.0.0:8080/\"\n", "key 'sink[1].url': must be an https:// URL"},
    {"[[sink]]\ntype = \"webhook\"\nurl = \"https://user:pw@panel.example.net/\"\n", "key 'sink[1].url': a user name or password"},
    {"[[sink]]\ntype = \"webhook\"\nurl = \"ftp://panel.example.net/\"\n", "key 'sink[1].url': must be an https:// URL"},
    {"[[sink]]\ntype = \"webhook\"\nurl = \"panel.example.net/hook\"\n", "key 'sink[1].url': not a URL"},
    {"[[sink]]\ntype = \"webhook\"\nurl = \"https://p.example/\"\ntimeout = \"2h\"\n", "x.toml:4: key 'sink[1].timeout': must be between"},
    // A broker password never crosses the network in clear.
    {"[[sink]]\ntype = \"mqtt\"\nhost = \"broker.example.net\"\nusername = \"u\"\npassword_file = \"/etc/raidmon/mqtt.pw\"\n",
     "x.toml:1: key 'sink[1].password_file': the password would cross the network to 'broker.example.net' in clear"},
    // /metrics has no authentication: beyond loopback only when asked for by name.
    {"[metrics]\nlisten = \"0.0.0.0:9598\"\n", "x.toml:2: key 'metrics.listen': '0.0.0.0:9598' is not a loopback address"},
    {"[metrics]\nlisten = \"[::]:9598\"\n", "key 'metrics.listen': '[::]:9598' is not a loopback address"},
    {"[metrics]\nlisten = \"10.0.0.5:9598\"\nallow_remote = false\n", "key 'metrics.listen'"},
    {"[metrics]\nallow_remote = \"yes\"\n", "x.toml:2: key 'metrics.allow_remote': must be true or false"},
    {"[agent]\ncontrol_socket_mode = \"0777\"\n", "x.toml:2: key 'agent.control_socket_mode': must be \"0600\", \"0660\" or \"0666\""},
    // a float where an integer belongs, also one beyond int64's range (fuzz_agent_config found it undefined in toml++)
    {"[[sink]]\ntype = \"mqtt\"\nhost = \"b\"\nport = 5.5e37\n", "x.toml:4: key 'sink[1].port': must be an integer"},
    {"[agent]\nheartbeat = 5.5e37\n", "x.toml:2: key 'agent.heartbeat': must be a duration"},
    {"[agent]\ncontrol_socket_mode = 1e30\n", "x.toml:2: key 'agent.control_socket_mode': must be \"0600\""},
    {"[agent]\nrate_limit_max = 5.5e37\n", "x.toml:2: key 'agent.rate_limit_max': must be an integer"},
    {"[agent]\nprogress_step = nan\n", "x.toml:2: key 'agent.progress_step': must be a number of percent in (0, 100]"},
    {"[agent]\ncontrol_socket_mode = \"0660\"\n", "key 'agent.control_socket_mode': 0660 opens the socket to a group"},
    {"[agent]\ncontrol_group = \"a b\"\n", "x.toml:2: key 'agent.control_group': not a group name"},
};

BOOST_DATA_TEST_CASE(bad_configs_name_key_and_line, bdata::make(bad), b) {
    auto c = parseAgentConfig(b.text, "x.toml");
    BOOST_REQUIRE(!c);
    BOOST_TEST(c.error().message.find(b.expect) != std::string::npos, c.error().message);
}

BOOST_AUTO_TEST_CASE(loopback_is_what_the_address_is_not_how_it_looks) {
    for (const char* url : {"http://127.0.0.1:8080/hook", "http://127.0.0.2/", "http://[::1]:8080/", "http://localhost:9/x",
                            "http://LOCALHOST/", "http://[::ffff:127.0.0.1]/", "https://panel.example.net/hooks/raidmon",
                            "https://127.0.0.1@panel.example.net/"}) {
        const bool userinfo = std::string_view(url).find('@') != std::string_view::npos;
        auto c = parseAgentConfig(std::string("[[sink]]\ntype = \"webhook\"\nurl = \"") + url + "\"\n", "x.toml");
        BOOST_TEST_INFO(url);
        BOOST_TEST(c.has_value() == !userinfo, (c ? "" : c.error().message));
    }
    BOOST_TEST(isLoopbackHost("127.255.0.1"));
    BOOST_TEST(isLoopbackHost("[::1]"));
    BOOST_TEST(!isLoopbackHost("127.0.0.1.nip.io"));
    BOOST_TEST(!isLoopbackHost("localhost.evil.example"));
    BOOST_TEST(!isLoopbackHost("0.0.0.0"));
    BOOST_TEST(!isLoopbackHost("::"));
    BOOST_TEST(!isLoopbackHost("[::ffff:10.0.0.1]"));
    BOOST_TEST(!isLoopbackHost(""));
    // A remote listen address when asked for by name; a broker password with TLS, or on loopback.
    auto m = parseAgentConfig("[metrics]\nlisten = \"0.0.0.0:9598\"\nallow_remote = true\n", "x.toml");
    BOOST_REQUIRE_MESSAGE(m, (m ? "" : m.error().message));
    BOOST_TEST(m->metricsAllowRemote);
    const char* goodMqtt[] = {
        "host = \"broker.example.net\"\ntls = true\nusername = \"u\"\npassword_file = \"/etc/raidmon/mqtt.pw\"\n",  // TLS
        "host = \"127.0.0.1\"\nusername = \"u\"\npassword_file = \"/etc/raidmon/mqtt.pw\"\n",                      // this host
        "host = \"broker.example.net\"\nusername = \"u\"\n",                                                        // no secret
    };
    for (const char* mqtt : goodMqtt) {
        auto c = parseAgentConfig(std::string("[[sink]]\ntype = \"mqtt\"\n") + mqtt, "x.toml");
        BOOST_TEST(c.has_value(), (c ? "" : c.error().message));
    }
}

BOOST_AUTO_TEST_CASE(control_socket_access_keys) {
    auto d = parseAgentConfig("", "x.toml");
    BOOST_REQUIRE(d);
    BOOST_TEST(controlSocketMode(*d) == 0600u);
    BOOST_TEST(d->controlGroup.empty());
    auto g = parseAgentConfig("[agent]\ncontrol_group = \"raidmon\"\n", "x.toml");
    BOOST_REQUIRE(g);
    BOOST_TEST(g->controlGroup == "raidmon");
    BOOST_TEST(controlSocketMode(*g) == 0660u);
    auto all = parseAgentConfig("[agent]\ncontrol_socket_mode = 0o666\n", "x.toml");
    BOOST_REQUIRE_MESSAGE(all, (all ? "" : all.error().message));
    BOOST_TEST(controlSocketMode(*all) == 0666u);
    auto str = parseAgentConfig("[agent]\ncontrol_group = \"65534\"\ncontrol_socket_mode = \"0666\"\n", "x.toml");
    BOOST_REQUIRE(str);
    BOOST_TEST(controlSocketMode(*str) == 0666u);
}

BOOST_AUTO_TEST_CASE(missing_file_is_not_found) {
    auto c = loadAgentConfig("/nonexistent/raidmond.toml");
    BOOST_REQUIRE(!c);
    BOOST_TEST(c.error().is(errc::not_found));
    BOOST_TEST(c.error().message.find("/nonexistent/raidmond.toml") != std::string::npos);
}

// toml++ 3.3 reaches undefined behaviour when it asks whether one of many non-ASCII characters is
// whitespace (fuzz_agent_config): such text is an ordinary parse error naming its place, never a
// crash, and inside strings it is read exactly as written.
BOOST_AUTO_TEST_CASE(non_ascii_text_is_parsed_safely_and_kept_as_written) {
    auto refused = [](const std::string& text) {
        auto c = parseAgentConfig(text, "u.toml");
        BOOST_REQUIRE(!c);
        BOOST_TEST(c.error().is(errc::parse_error));
        return c.error().message;
    };
    // Outside strings and comments (invalid TOML): toml++'s error, with the character as written.
    const std::string atStart = refused("[agent]\nheartbeat = \"60s\"\n\xC3\xA9 = 1\n");
    BOOST_TEST(atStart.find("u.toml:3:1: ") == 0u, atStart);
    BOOST_TEST(atStart.find("\xC3\xA9") != std::string::npos, atStart);
    BOOST_TEST(refused("[agent]\nheartbeat = \xEF\xBB\xBE\n").find("u.toml:2:") == 0u);
    // A quote inside a bare value, and the fuzzer's own inputs (tests/fuzz/regressions/agent-config).
    BOOST_TEST(refused("[[sink]]\ntype = \"webhook\"\nurl =1\"h::\xD0\xAB:8080/\"\n").find("u.toml:3:") == 0u);
    BOOST_TEST(refused("[[sink]]\ntype = \"webhook\"\nurl = 0h'tt://1{{\"http:/\xD1\xAC::1]:8080/\"\n").find("u.toml:3:") == 0u);
    BOOST_TEST(refused("[agent]\nstate_dir = \"\"\"/a\\\xEF\xBB\xBE\"\"\"\n").find("u.toml:2:") == 0u);
    BOOST_TEST(refused("[agent]\nstate_dir = \"/a\\\xC3\xA9\"\n").find("u.toml:2:") == 0u);
    // The private-use characters the reader borrows are refused, with their place.
    BOOST_TEST(refused("[agent]\nstate_dir = \"/a\xF3\xB0\x82\xA9\"\n").find("u.toml:2:16: the private-use character U+F00A9") == 0u);

    // In strings of every kind, in keys and in comments, as written; a byte order mark may start
    // the file. Latin-1, Cyrillic, kana and the small form variants are all in the ranges moved.
    const std::string good = "\xEF\xBB\xBF# \xC3\x9C" "berwachung der Platten\n[[sink]]\ntype = \"file\"\n"
                             "path = \"/var/log/\xC3\xA9v\xC3\xA9nements-\xD0\xAB-\xE3\x81\x82-\xEF\xB8\xB0.jsonl\"  # \xE2\x80\x83\n"
                             "name = '''caf\xC3\xA9'''\n[[sink]]\ntype = 'file'\npath = '/tmp/\xC3\xA9'\nname = \"\"\"x\xC3\xA9\"\"\"\"\"\n"
                             "[smart_intervals]\n\"model:\xC3\x9C*\" = \"1h\"\n";
    auto c = parseAgentConfig(good, "good.toml");
    BOOST_REQUIRE_MESSAGE(c, c.error().message);
    BOOST_REQUIRE_EQUAL(c->sinks.size(), 2u);
    BOOST_TEST(c->sinks[0].path == "/var/log/\xC3\xA9v\xC3\xA9nements-\xD0\xAB-\xE3\x81\x82-\xEF\xB8\xB0.jsonl");
    BOOST_TEST(c->sinks[0].name == "caf\xC3\xA9");
    BOOST_TEST(c->sinks[1].path == "/tmp/\xC3\xA9");
    BOOST_TEST(c->sinks[1].name == "x\xC3\xA9\"\"");
    BOOST_REQUIRE_EQUAL(c->smartIntervals.size(), 1u);
    BOOST_TEST(c->smartIntervals[0].match == "model:\xC3\x9C*");
    // A key error names the key as written.
    auto k = parseAgentConfig("[agent]\n\"h\xC3\xA9\" = 1\n", "k.toml");
    BOOST_REQUIRE(!k);
    BOOST_TEST(k.error().message.find("'agent.h\xC3\xA9'") != std::string::npos, k.error().message);
}

// Every character of the Basic Multilingual Plane after ASCII, in a string (kept as written) and
// in a bare value (an error, never undefined behaviour: the sanitized tier runs this too).
BOOST_AUTO_TEST_CASE(every_bmp_character_in_a_string_and_in_a_bare_value) {
    int kept = 0;
    for (char32_t cp = 0x80; cp <= 0xFFFD; ++cp) {
        if (cp >= 0xD800 && cp <= 0xDFFF) continue;
        std::string ch;
        if (cp < 0x800) ch = {static_cast<char>(0xC0 | cp >> 6), static_cast<char>(0x80 | (cp & 0x3F))};
        else ch = {static_cast<char>(0xE0 | cp >> 12), static_cast<char>(0x80 | (cp >> 6 & 0x3F)), static_cast<char>(0x80 | (cp & 0x3F))};
        auto inString = parseAgentConfig("[[sink]]\ntype = \"file\"\npath = \"/a" + ch + "\"\n", "s.toml");
        if (inString && inString->sinks.size() == 1 && inString->sinks[0].path == "/a" + ch) ++kept;
        else if (cp >= 0xA0) BOOST_ERROR("U+" << std::hex << static_cast<unsigned>(cp) << " in a string: "
                                              << (inString ? inString->sinks.at(0).path : inString.error().message));
        auto bare = parseAgentConfig("[agent]\nheartbeat = 6" + ch + "0s\n", "b.toml");
        BOOST_TEST(!bare, "U+" << std::hex << static_cast<unsigned>(cp) << " in a bare value was accepted");
    }
    BOOST_TEST(kept >= 0xFFFD - 0xA0 - 0x800 + 1);
}

// A library loaded on demand that is not there, or lacks a function: an error naming it, what is
// missing and the package, never a crash at the first call.
BOOST_AUTO_TEST_CASE(a_missing_library_or_function_is_named) {
    // The three the agent uses load, with every function they need (first: the failed lookup
    // below then only drops its own reference to libcrypto).
    BOOST_TEST(agent::dyn::curl().has_value());
    BOOST_TEST(agent::dyn::mosquitto().has_value());
    BOOST_TEST(agent::dyn::crypto().has_value());
    auto none = agent::dyn::detail::openLibrary("libraidmon-no-such-library.so.9", "a test sink", "no-such-package",
                                                [](const auto&) { BOOST_FAIL("looked up a function of a library not loaded"); });
    BOOST_REQUIRE(none);
    BOOST_TEST(none->is(errc::unsupported));
    BOOST_TEST(none->message.find("a test sink needs libraidmon-no-such-library.so.9, which could not be loaded: ") == 0u, none->message);
    BOOST_TEST(none->message.find("(Debian package no-such-package)") != std::string::npos, none->message);

    void* found = nullptr;
    auto old = agent::dyn::detail::openLibrary(agent::dyn::kCryptoSoname, "signing", "libssl3", [&](const auto& sym) {
        found = sym("EVP_sha256");
        (void)sym("EVP_no_such_function");
        (void)sym("EVP_no_other_function");
    });
    BOOST_TEST(found != nullptr);
    BOOST_REQUIRE(old);
    BOOST_TEST(old->message == std::string("signing needs ") + agent::dyn::kCryptoSoname +
                                   ", which has no function EVP_no_such_function: older than the one raidmon was built against"
                                   " (Debian package libssl3)");
}

BOOST_AUTO_TEST_CASE(hmac_sha256_rfc4231_case_2) {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
    BOOST_TEST(agent::hmacSha256Header("Jefe", "what do ya want for nothing?").value() ==
               "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

BOOST_AUTO_TEST_CASE(topic_template) {
    HostIdentity h;
    h.host.machineId = "abc";
    h.host.hostname = "stor1";
    BOOST_TEST(agent::expandTopic("raidmon/{machine_id}/events", h) == "raidmon/abc/events");
    BOOST_TEST(agent::expandTopic("dc1/{hostname}/{machine_id}", h) == "dc1/stor1/abc");
}

BOOST_AUTO_TEST_CASE(metrics_are_openmetrics) {
    Inventory inv;
    inv.health = Health::Critical;
    Drive d;
    d.id = "wwn-0x5000c500a1b2c30c";
    d.kernelName = "sdd";
    d.health = Health::Critical;
    d.location.label = "Slot \"03\"";
    inv.drives.push_back(d);
    Array a;
    a.id = "md-1";
    a.name = "md0";
    a.state = "rebuilding";
    a.redundancyLeft = 0;
    a.operation = ArrayOperation{"recovery", 37.5, {}, {}, {}, {}, false};
    inv.arrays.push_back(a);
    agent::AgentMetrics m;
    m.eventsByType["io.raidmon.drive.failed"] = 2;
    auto page = agent::renderMetrics(inv, m, {{"webhook-1", 5, 1, 3, false}});
    BOOST_TEST(page.find("raidmon_host_health 2\n") != std::string::npos);
    // labelled by the stable id and the bay, never the kernel name; the info series maps them
    BOOST_TEST(page.find("raidmon_drive_health{drive=\"wwn-0x5000c500a1b2c30c\",slot=\"Slot \\\"03\\\"\"} 2\n") != std::string::npos);
    BOOST_TEST(page.find("raidmon_drive_info{drive=\"wwn-0x5000c500a1b2c30c\",device=\"sdd\",model=\"\",serial=\"\"} 1\n") !=
               std::string::npos);
    BOOST_TEST(page.find("device=\"sdd\"") == page.find("raidmon_drive_info{") + std::string("raidmon_drive_info{drive=\"wwn-0x5000c500a1b2c30c\",").size());
    // the state: one series per state, 1 for the current one; no state label on the health
    BOOST_TEST(page.find("raidmon_array_health{array=\"md-1\",name=\"md0\",level=\"\"} ") != std::string::npos);
    BOOST_TEST(page.find("raidmon_array_state{array=\"md-1\",name=\"md0\",state=\"rebuilding\"} 1\n") != std::string::npos);
    BOOST_TEST(page.find("raidmon_array_state{array=\"md-1\",name=\"md0\",state=\"optimal\"} 0\n") != std::string::npos);
    BOOST_TEST(page.find("raidmon_array_operation_ratio{array=\"md-1\",name=\"md0\",operation=\"recovery\"} 0.375\n") != std::string::npos);
    BOOST_TEST(page.find("# TYPE raidmon_agent_events counter\n") != std::string::npos);
    BOOST_TEST(page.find("raidmon_agent_events_total{type=\"io.raidmon.drive.failed\"} 2\n") != std::string::npos);
    BOOST_TEST(page.find("raidmon_agent_sink_up{sink=\"webhook-1\"} 0\n") != std::string::npos);
    BOOST_TEST(page.substr(page.size() - 6) == "# EOF\n");
    BOOST_TEST(page.find("# UNIT raidmon_drive_temperature_celsius celsius\n") != std::string::npos);
    // The text format 0.0.4: HELP and TYPE named as the samples, no UNIT, no EOF.
    auto text = agent::renderMetrics(inv, m, {{"webhook-1", 5, 1, 3, false}}, agent::MetricsFormat::prometheusText);
    BOOST_TEST(text.find("# TYPE raidmon_agent_events_total counter\n") != std::string::npos);
    BOOST_TEST(text.find("# TYPE raidmon_agent_events counter\n") == std::string::npos);
    BOOST_TEST(text.find("raidmon_agent_events_total{type=\"io.raidmon.drive.failed\"} 2\n") != std::string::npos);
    BOOST_TEST(text.find("# TYPE raidmon_host_health gauge\n") != std::string::npos);
    BOOST_TEST(text.find("# UNIT") == std::string::npos);
    BOOST_TEST(text.find("# EOF") == std::string::npos);
    // Prometheus' own linter passes the text format: `promtool check metrics < page`.
    BOOST_TEST_REQUIRE(std::filesystem::exists("/usr/bin/promtool"), "promtool is not installed (bash tools/deps.sh installs prometheus)");
    const auto dir = std::filesystem::temp_directory_path() / ("raidmon-metrics-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "page.prom") << text;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, (dir / "page.prom").c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, (dir / "promtool.out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    char* argv[] = {const_cast<char*>("/usr/bin/promtool"), const_cast<char*>("check"), const_cast<char*>("metrics"), nullptr};
    pid_t pid = -1;
    BOOST_TEST_REQUIRE(posix_spawn(&pid, argv[0], &fa, nullptr, argv, environ) == 0);
    posix_spawn_file_actions_destroy(&fa);
    int st = 0;
    ::waitpid(pid, &st, 0);
    std::ifstream out(dir / "promtool.out");
    const std::string said((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
    BOOST_TEST((WIFEXITED(st) && WEXITSTATUS(st) == 0), "promtool check metrics: " << said);
    BOOST_TEST(said.empty(), "promtool check metrics: " << said);
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(smart_intervals_per_drive_and_for_drives_at_risk) {
    auto c = parseAgentConfig("[agent]\nsmart_interval = \"1h\"\nsmart_interval_at_risk = \"10m\"\n"
                              "[smart_intervals]\n\"Z1Z3A003K0000\" = \"5m\"\n\"ST4000NM*\" = \"30m\"\n\"INTEL SSDSC2KG*\" = 0\n",
                              "s.toml");
    BOOST_REQUIRE_MESSAGE(c, (c ? "" : c.error().message));
    BOOST_REQUIRE(c->smartIntervals.size() == 3u);
    BOOST_TEST(c->smartIntervals[1].line == 6);
    Drive d;
    d.id = "wwn-0x5000c500a1b2c30c";
    d.serial = "Z1Z3A003K0000";
    d.model = "ST4000NM0023";
    d.health = Health::OK;
    BOOST_TEST(smartIntervalFor(*c, d).count() == 300);  // by serial, before the model glob
    d.serial = "Z1Z3A004K0000";
    BOOST_TEST(smartIntervalFor(*c, d).count() == 1800);  // the model glob
    d.model = "INTEL SSDSC2KG480G8";
    BOOST_TEST(smartIntervalFor(*c, d).count() == 0);  // never
    d.model = "WDC WUH721816ALE6L4";
    BOOST_TEST(smartIntervalFor(*c, d).count() == 3600);  // the default
    d.health = Health::Warning;
    BOOST_TEST(smartIntervalFor(*c, d).count() == 600);  // at risk: more often
    d.health = Health::OK;
    d.risk = Risk{};
    d.risk->multiplier = 3.5;
    BOOST_TEST(smartIntervalFor(*c, d).count() == 600);
    auto off = parseAgentConfig("[agent]\nsmart_interval = 0\n", "s.toml");
    BOOST_REQUIRE(off);
    BOOST_TEST(smartIntervalFor(*off, d).count() == 0);  // off stays off, even at risk

    auto tooOften = parseAgentConfig("[smart_intervals]\n\"ST*\" = \"500ms\"\n", "s.toml");
    BOOST_REQUIRE(!tooOften);
    BOOST_TEST(tooOften.error().message.find("s.toml:2: key 'smart_intervals.\"ST*\"': must be at least 1s") != std::string::npos,
               tooOften.error().message);
    auto notTable = parseAgentConfig("smart_intervals = 5\n", "s.toml");
    BOOST_REQUIRE(!notTable);
    BOOST_TEST(notTable.error().message.find("s.toml:1: key 'smart_intervals': must be a table") != std::string::npos,
               notTable.error().message);
}
