// SPDX-License-Identifier: LGPL-2.1-or-later
// raidmon command sign|verify|send: signed commands for raidmond (docs/panel.md, "Commands").
//   sign   builds and signs a JWT with an Ed25519 private key (PEM) and prints it;
//   verify asks the running agent to check one against its configuration (keys, allow lists,
//          this host's machine-id, times) without running or recording it;
//   send   hands one to the agent over the control socket (root or control_group), which verifies
//          it as any transport's and runs it.
// Exit codes: 0 signed / valid / done; 1 refused or failed (the reason is printed); 64 a bad
// command line; 66 the key file cannot be read; 2 the agent cannot be reached.
#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>

#include <nlohmann/json.hpp>

#include <raidmon/agent_client.hpp>
#include <raidmon/events.hpp>
#include <raidmon/led.hpp>

#include "common.hpp"
#include "daemon/jwt.hpp"

namespace raidmon::cli {

namespace {

struct SignOptions {
    std::string key;
    std::string cmd;
    std::string aud;
    std::string jti;
    std::string ttl = "5m";
    std::vector<std::string> claims;  ///< NAME=VALUE
};

struct SendOptions {
    std::string jwt;
    std::string socket;
};

/// A random jti: 128 bits in hex.
std::string randomJti() {
    std::random_device rd;
    std::string s;
    static const char* hexd = "0123456789abcdef";
    for (int i = 0; i < 32; ++i) s += hexd[rd() & 15];
    return s;
}

int runSign(const Globals& g, const SignOptions& o) {
    std::ifstream f(o.key, std::ios::binary);
    if (!f) {
        printError("command sign: --key " + o.key + ": cannot be read");
        return kExitNoInput;
    }
    const std::string pem((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto key = agent::readEd25519Pem(pem, o.key, true);
    if (!key) {
        printError("command sign: --key " + key.error().message);
        return kExitUsage;
    }
    std::string aud = o.aud;
    if (aud.empty()) {
        // This host (or the one --root/--etc describes): a command signed here is for here.
        aud = readHostIdentity(makeContext(g)).host.machineId.value_or("");
        if (aud.empty()) {
            printError("command sign: no --aud and this host has no machine-id (/etc/machine-id)");
            return kExitUsage;
        }
    }
    const auto ttl = parseLeaseDuration(o.ttl);
    if (!ttl || ttl->count() > 600) {
        printError("command sign: --ttl " + o.ttl + ": expected 1s to 10m (\"90s\", \"5m\"); the agent refuses more than 10 minutes");
        return kExitUsage;
    }
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    agent::JwtJson claims{{"jti", o.jti.empty() ? randomJti() : o.jti}, {"aud", aud}, {"iat", now}, {"exp", now + ttl->count()}, {"cmd", o.cmd}};
    for (const auto& c : o.claims) {
        const auto eq = c.find('=');
        if (eq == std::string::npos || eq == 0) {
            printError("command sign: --claim " + c + ": expected NAME=VALUE (target=Slot03, state=on, duration=30m, incident=ID)");
            return kExitUsage;
        }
        claims[c.substr(0, eq)] = c.substr(eq + 1);
    }
    auto jwt = agent::signJwt(claims, key->get());
    if (!jwt) {
        printError("command sign: " + jwt.error().message);
        return kExitUsage;
    }
    std::cout << *jwt << '\n';
    return 0;
}

std::string readJwt(const std::string& arg) {
    if (arg != "-") return arg;
    std::string s;
    std::getline(std::cin, s);
    return s;
}

int runSend(const Globals& g, const SendOptions& o, bool run) {
    const char* what = run ? "command send" : "command verify";
    const std::string jwt = readJwt(o.jwt);
    if (jwt.empty() || jwt.find_first_of(" \t\r\n") != std::string::npos) {
        printError(std::string(what) + ": expected one JWT (HEADER.PAYLOAD.SIGNATURE), or - to read it from standard input");
        return kExitUsage;
    }
    auto r = askAgent(agentSocket(g, o.socket), std::string(run ? "COMMAND RUN " : "COMMAND CHECK ") + jwt);
    if (!r) {
        printError(std::string(what) + ": " + r.error().message);
        return r.error().is(errc::command_failed) ? 1 : 2;
    }
    for (const auto& line : *r) {
        if (g.json) {
            std::cout << line << '\n';
            continue;
        }
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object()) {
            std::cout << line << '\n';
            continue;
        }
        std::cout << (run ? "Done     " : "Valid    ") << j.value("cmd", "") << "  jti " << j.value("jti", "") << "  key " << j.value("key", "")
                  << '\n';
        if (j.contains("result")) std::cout << "Result   " << j["result"].dump() << '\n';
    }
    return 0;
}

} // namespace

void registerCommand(CLI::App& app, Globals& g, int& exitCode) {
    auto* sub = app.add_subcommand("command", "Signed commands for raidmond (docs/panel.md): sign one, verify one, send one");
    sub->require_subcommand(1);
    auto so = std::make_shared<SignOptions>();
    auto* sign = sub->add_subcommand("sign", "Sign a command with an Ed25519 private key (PEM) and print the JWT");
    sign->add_option("--key", so->key, "Ed25519 private key, PEM (openssl genpkey -algorithm ed25519)")->required();
    sign->add_option("--cmd", so->cmd, "The verb: identify, locate, hotswap.confirm, hotswap.cancel, console.code, ping, status")->required();
    sign->add_option("--aud", so->aud, "The target host's machine-id (default: this host's)");
    sign->add_option("--jti", so->jti, "The command's unique id (default: random)");
    sign->add_option("--ttl", so->ttl, "How long it is valid, at most 10m (default 5m)");
    sign->add_option("--claim", so->claims, "An argument NAME=VALUE (target=Slot03, state=on, pattern=locate, duration=30m, incident=ID)");
    sign->callback([&g, &exitCode, so] { exitCode = runSign(g, *so); });
    auto vo = std::make_shared<SendOptions>();
    auto* verify = sub->add_subcommand("verify", "Ask the running agent whether it would accept a JWT (nothing is run or recorded)");
    verify->add_option("jwt", vo->jwt, "The JWT, or - for standard input")->required();
    verify->add_option("--socket", vo->socket, "raidmond's control socket (default STATE_DIR/raidmond.sock)");
    verify->callback([&g, &exitCode, vo] { exitCode = runSend(g, *vo, false); });
    auto sendo = std::make_shared<SendOptions>();
    auto* send = sub->add_subcommand("send", "Hand a JWT to the running agent over the control socket; it verifies and runs it");
    send->add_option("jwt", sendo->jwt, "The JWT, or - for standard input")->required();
    send->add_option("--socket", sendo->socket, "raidmond's control socket (default STATE_DIR/raidmond.sock)");
    send->callback([&g, &exitCode, sendo] { exitCode = runSend(g, *sendo, true); });
}

} // namespace raidmon::cli
