// SPDX-License-Identifier: LGPL-2.1-or-later
// Each verb of the panel's signed commands (docs/panel.md, "Commands"), end to end, checked by
// its effect: raidmond — the real binary — in the sas12 testbed, the JWTs carried by a real
// mosquitto broker on loopback (and, last, in a webhook's answer), the server identify light
// through an ipmitool stand-in, a hot-swap incident the testbed plays through, the console's
// issue file, the status and identity the agent ships. Locate and the refusals are in
// test_panel_commands.cpp.
#define BOOST_TEST_MODULE panel_command_verbs
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <mutex>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "panel_harness.hpp"
#include "sas12_bay3.hpp"

using namespace raidmon::test::panel;
namespace sas12 = raidmon::test::sas12;

namespace {

/// The n-th event of a type (1-based), waited for.
Json waitNth(const Agent& agent, const std::string& type, std::size_t n = 1) {
    auto evs = waitEvents(agent.events, [&](const auto& e) { return countType(e, type) >= n; });
    std::size_t k = 0;
    for (const auto& e : evs)
        if (e["type"] == "io.raidmon." + type && ++k == n) return e;
    BOOST_FAIL("no io.raidmon." << type << " (#" << n << "); agent log: " << agent.log());
    return {};
}

/// The verification code the console's issue file shows ("Verification code:  XXX-XXX"), or "" when none.
std::string issueCode(const fs::path& issue) {
    static const std::regex code("Verification code: +([A-Z0-9]{3}-[A-Z0-9]{3})\n");
    const std::string text = fs::exists(issue) ? slurp(issue) : std::string();
    std::smatch m;
    return std::regex_search(text, m, code) ? m.str(1) : std::string();
}

} // namespace

BOOST_AUTO_TEST_CASE(identify_turns_the_server_light_on_for_its_duration_and_off) {
    Rig rig(R"(["identify", "ping"])");
    Agent& agent = rig.agent;
    BOOST_TEST(!fs::exists(agent.bin / "ipmitool.log"));  // nothing asked of the BMC yet

    auto on = claimsFor("identify-on", "identify");
    on["state"] = "on";
    on["duration"] = "90s";
    Json done;
    rig.runOk(on, done);
    BOOST_TEST(snapshot(done)["result"]["identify"] == "on");
    // The BMC was told to light it for 90 s, and reports it on (read back: chassis status).
    BOOST_TEST(slurp(agent.bin / "identify") == "Timed On\n");
    BOOST_TEST(slurp(agent.bin / "ipmitool.log") == "chassis identify 90\nchassis status\n");

    auto off = claimsFor("identify-off", "identify");
    off["state"] = "off";
    rig.runOk(off, done);
    BOOST_TEST(snapshot(done)["result"]["identify"] == "off");
    BOOST_TEST(slurp(agent.bin / "identify") == "Off\n");
    BOOST_TEST(slurp(agent.bin / "ipmitool.log") == "chassis identify 90\nchassis status\nchassis identify 0\nchassis status\n");

    // Without a duration: on until turned off, held by a lease of the default 30 minutes.
    auto held = claimsFor("identify-held", "identify");
    rig.runOk(held, done);
    BOOST_TEST(slurp(agent.bin / "identify") == "Indefinite On\n");
    std::vector<Json> identifyLeases;
    const std::string leds = slurp(agent.state / "leds.json");
    const Json parsed = Json::parse(leds);
    for (const auto& l : parsed["leases"])
        if (l["enclosure"] == "server") identifyLeases.push_back(l);
    BOOST_TEST_REQUIRE(identifyLeases.size() == 1u, leds);
    BOOST_TEST(identifyLeases[0]["expires_at"].get<std::int64_t>() - identifyLeases[0]["set_at"].get<std::int64_t>() == 1800);
    BOOST_TEST(agent.stop() == 0);
}

BOOST_AUTO_TEST_CASE(hotswap_confirm_adds_the_verified_replacement_of_a_real_incident) {
    Rig rig(R"(["hotswap.confirm", "ping"])", "\n[hotswap]\nadd = \"confirm\"\n");
    Agent& agent = rig.agent;
    Testbed& tb = rig.tb;
    // The failed sdd's incident (opened at start): pulled, md lets go of it, a blank drive comes.
    waitNth(agent, "hotswap.awaiting_removal");
    sas12::pullSdd(tb);
    waitNth(agent, "hotswap.awaiting_insertion");
    sas12::mdDropsGhost(tb);
    sas12::insertSdd(tb, sas12::NewDrive{});
    const Json waiting = waitNth(agent, "hotswap.awaiting_confirmation");
    const std::string incident = snapshot(waiting)["id"].get<std::string>();
    const bool addedEarly = fs::exists(agent.bin / "mdadm.log") && slurp(agent.bin / "mdadm.log").find("--add") != std::string::npos;
    BOOST_TEST(!addedEarly, "added without confirmation");

    auto c = claimsFor("confirm-1", "hotswap.confirm");
    c["incident"] = incident;
    Json done;
    auto evs = rig.runOk(c, done);
    // The replacement was added to md0 (the mdadm stand-in was asked), the incident rebuilds.
    BOOST_TEST(slurp(agent.bin / "mdadm.log").find("--add /dev/sdd") != std::string::npos, slurp(agent.bin / "mdadm.log"));
    const Json& inc = snapshot(done)["result"]["incident"];
    BOOST_TEST(inc["id"] == incident);
    BOOST_TEST(inc["state"] == "rebuilding");
    BOOST_TEST(inc["awaiting_confirmation"] == false);
    BOOST_TEST(findEvent(evs, "hotswap.rebuilding", incident));
    BOOST_TEST(agent.stop() == 0);
}

BOOST_AUTO_TEST_CASE(hotswap_cancel_ends_a_real_incident_and_turns_its_light_off) {
    Rig rig(R"(["hotswap.cancel", "ping"])", "\n[hotswap]\nadd = \"confirm\"\n");
    Agent& agent = rig.agent;
    Testbed& tb = rig.tb;
    const Json waiting = waitNth(agent, "hotswap.awaiting_removal");
    const std::string incident = snapshot(waiting)["id"].get<std::string>();
    // The incident lit bay Slot03 for the technician (its action runs after the event).
    const auto end = std::chrono::steady_clock::now() + 15s;
    while (enclosureLights(tb).at("0:0:12:0/Slot03/locate") != "1" && std::chrono::steady_clock::now() < end)
        std::this_thread::sleep_for(20ms);
    BOOST_TEST_REQUIRE(enclosureLights(tb).at("0:0:12:0/Slot03/locate") == "1");
    const auto before = enclosureLights(tb);

    auto c = claimsFor("cancel-1", "hotswap.cancel");
    c["incident"] = incident;
    Json done;
    auto evs = rig.runOk(c, done);
    const Json& inc = snapshot(done)["result"]["incident"];
    BOOST_TEST(inc["id"] == incident);
    BOOST_TEST(inc["state"] == "cancelled");
    const Json* cancelled = findEvent(evs, "hotswap.cancelled", incident);
    BOOST_REQUIRE(cancelled);
    BOOST_TEST(snapshot(*cancelled)["state"] == "cancelled");
    // Its light went off, and only that light changed.
    auto diff = changedLights(before, enclosureLights(tb));
    BOOST_REQUIRE(diff.size() == 1u);
    BOOST_TEST(diff.begin()->first == "0:0:12:0/Slot03/locate");
    BOOST_TEST(diff.begin()->second == "0");
    // Confirming or cancelling it again is a failure that says why, not a silent no-op.
    auto again = claimsFor("cancel-2", "hotswap.cancel");
    again["incident"] = incident;
    rig.broker.publish(rig.panel.sign(again));
    evs = waitEvents(agent.events, [](const auto& e) { return Agent::doneOrRejected(e, "cancel-2") != nullptr; });
    const Json* failed = Agent::doneOrRejected(evs, "cancel-2");
    BOOST_REQUIRE(failed);
    BOOST_TEST((*failed)["type"] == "io.raidmon.command.failed");
    BOOST_TEST(snapshot(*failed)["reason"].get<std::string>().find("already cancelled") != std::string::npos, failed->dump());
    BOOST_TEST(agent.stop() == 0);
}

BOOST_AUTO_TEST_CASE(status_ships_the_full_status_snapshot) {
    Rig rig(R"(["status", "ping"])");
    Agent& agent = rig.agent;
    Testbed& tb = rig.tb;
    Json done;
    rig.runOk(claimsFor("status-1", "status"), done);
    const Json& st = snapshot(done)["result"]["status"];
    // What `raidmon status --json` sees in the same testbed: the same drives, arrays, bays, health.
    const std::string r = tb.root().string();
    auto cli = tb.run({RAIDMON_CLI, "status", "--json", "--no-device-io", "--proc", r + "/proc", "--etc", r + "/etc"});
    const Json want = Json::parse(cli.out, nullptr, false);
    BOOST_REQUIRE_MESSAGE(!want.is_discarded(), cli.err);
    auto ids = [](const Json& list, const char* key) {
        std::set<std::string> s;
        for (const auto& x : list) s.insert(x[key].get<std::string>());
        return s;
    };
    BOOST_TEST(st["health"] == want["health"]);
    BOOST_TEST(st["health"] == "Critical");
    BOOST_TEST(st["drives"].size() == want["drives"].size());
    BOOST_TEST(ids(st["drives"], "id") == ids(want["drives"], "id"));
    BOOST_TEST(ids(st["arrays"], "name") == ids(want["arrays"], "name"));
    BOOST_TEST(st["enclosures"].size() == want["enclosures"].size());
    BOOST_TEST(st["host"]["machine_id"] == kMachineId);
    // The failed drive of bay 3 is in it, as the CLI reports it.
    bool failedSdd = false;
    for (const auto& d : st["drives"]) failedSdd |= d["state"] == "failed" && d["location"]["label"] == "Slot03";
    BOOST_TEST(failedSdd);
    BOOST_TEST(agent.stop() == 0);
}

BOOST_AUTO_TEST_CASE(console_code_shows_a_new_code_in_the_issue_file) {
    Rig rig(R"(["console.code", "ping"])");
    Agent& agent = rig.agent;
    const std::string before = issueCode(agent.issue);
    BOOST_TEST_REQUIRE(!before.empty(), "the issue file shows no code: " << (fs::exists(agent.issue) ? slurp(agent.issue) : "(none)"));
    Json done;
    auto evs = rig.runOk(claimsFor("code-1", "console.code"), done);
    const std::string code = snapshot(done)["result"]["verification_code"].get<std::string>();
    BOOST_TEST(code != before);
    // The screen shows it (the issue file was rewritten before the command was reported done)...
    BOOST_TEST(issueCode(agent.issue) == code);
    // ...and the panel learns it: console.code_changed, naming the command.
    const Json* changed = findEvent(evs, "console.code_changed");
    BOOST_REQUIRE(changed);
    BOOST_TEST((*changed)["data"]["verification_code"] == code);
    BOOST_TEST((*changed)["data"]["reason"].get<std::string>().find("code-1") != std::string::npos);
    BOOST_TEST(agent.stop() == 0);
}

BOOST_AUTO_TEST_CASE(ping_answers_with_the_identity_and_a_heartbeat) {
    Rig rig(R"(["ping"])");
    Agent& agent = rig.agent;
    Json done;
    auto evs = rig.runOk(claimsFor("ping-1", "ping"), done);
    const Json& id = snapshot(done)["result"]["identity"];
    BOOST_TEST(id["machine_id"] == kMachineId);
    BOOST_TEST(id["hostname"] == "stor-fra1-0142");
    BOOST_TEST(id["dmi"]["product_serial"] == "S214879X9A01420");
    BOOST_TEST(snapshot(done)["result"]["interfaces"].is_array());
    // A heartbeat sent by this ping: between its accepted and its done event (the agent runs one
    // command at a time; heartbeat = 0 in the configuration, so no timer sends one).
    std::string acceptedSeq, beatSeq;
    for (const auto& e : evs) {
        if (e["type"] == "io.raidmon.command.accepted" && e["subject"] == "command/ping-1") acceptedSeq = e["sequence"].get<std::string>();
        if (e["type"] == "io.raidmon.host.heartbeat" && !acceptedSeq.empty() && beatSeq.empty()) beatSeq = e["sequence"].get<std::string>();
    }
    BOOST_TEST(!beatSeq.empty());
    BOOST_TEST(beatSeq > acceptedSeq);  // zero-padded: ordered as text
    BOOST_TEST(beatSeq < done["sequence"].get<std::string>());
    BOOST_TEST(agent.stop() == 0);
}

namespace {

/// A panel's webhook receiver on loopback: takes each POST (the event body), answers the first
/// one with `answer` (200, application/jwt) and every other with 204.
class WebhookPanel {
public:
    explicit WebhookPanel(std::string answer) : answer_(std::move(answer)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        BOOST_REQUIRE(fd_ >= 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        BOOST_REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        BOOST_REQUIRE(::listen(fd_, 16) == 0);
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    WebhookPanel(const WebhookPanel&) = delete;
    WebhookPanel& operator=(const WebhookPanel&) = delete;
    ~WebhookPanel() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    [[nodiscard]] int port() const { return port_; }
    /// The event bodies received so far.
    std::vector<Json> received() {
        std::lock_guard lk(m_);
        return posts_;
    }
    [[nodiscard]] bool answered() const { return answered_; }

private:
    void serve() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0) continue;
            handle(c);
            ::close(c);
        }
    }
    void handle(int c) {
        std::string req;
        char buf[4096];
        std::size_t need = std::string::npos;
        while (true) {
            const auto head = req.find("\r\n\r\n");
            if (head != std::string::npos && need == std::string::npos) {
                std::smatch m;
                const std::string h = req.substr(0, head);
                static const std::regex cl("[Cc]ontent-[Ll]ength: *([0-9]+)");
                need = head + 4 + (std::regex_search(h, m, cl) ? std::stoul(m[1]) : 0);
            }
            if (need != std::string::npos && req.size() >= need) break;
            pollfd p{c, POLLIN, 0};
            if (::poll(&p, 1, 5000) <= 0) return;
            const ssize_t n = ::read(c, buf, sizeof buf);
            if (n <= 0) return;
            req.append(buf, static_cast<std::size_t>(n));
        }
        Json body = Json::parse(req.substr(req.find("\r\n\r\n") + 4), nullptr, false);
        {
            std::lock_guard lk(m_);
            posts_.push_back(std::move(body));
        }
        std::string reply;
        if (!answered_.exchange(true))
            reply = "HTTP/1.1 200 OK\r\nContent-Type: application/jwt\r\nContent-Length: " + std::to_string(answer_.size()) +
                    "\r\nConnection: close\r\n\r\n" + answer_;
        else
            reply = "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n";
        (void)!::write(c, reply.data(), reply.size());
    }

    std::string answer_;
    int fd_ = -1, port_ = 0;
    std::thread thread_;
    std::atomic<bool> stop_{false}, answered_{false};
    std::mutex m_;
    std::vector<Json> posts_;
};

} // namespace

BOOST_AUTO_TEST_CASE(a_webhook_answer_carries_a_signed_locate_that_the_agent_runs) {
    Testbed tb(testbedDir("sas12"));
    TempDir t;
    KeyPair panel(t.path, "panel");
    auto c = claimsFor("webhook-locate-1", "locate");
    c["target"] = "Slot05";
    c["duration"] = "10m";
    WebhookPanel receiver(panel.sign(c) + "\n");
    const auto before = enclosureLights(tb);
    const std::string sink = "\n[[sink]]\ntype = \"webhook\"\nname = \"panel\"\nurl = \"http://127.0.0.1:" + std::to_string(receiver.port()) +
                             "/raidmon\"\nretry_initial = \"100ms\"\nretry_max = \"400ms\"\n";
    // No hot-swap assistant: its incident would light bay Slot03 at start, beside the command's bay.
    Agent agent(t, tb, sink, panel, R"(["locate"])", "\n[hotswap]\nenabled = false\n");
    agent.start();
    // The agent's first POST (agent.started) gets the command as its answer; the panel then
    // receives the command's own events by the same webhook.
    const auto end = std::chrono::steady_clock::now() + 20s;
    auto panelHas = [&](const std::string& type) {
        for (const auto& e : receiver.received())
            if (e.is_object() && e["type"] == "io.raidmon." + type && e["subject"] == "command/webhook-locate-1") return true;
        return false;
    };
    while (std::chrono::steady_clock::now() < end && !(panelHas("command.accepted") && panelHas("command.done")))
        std::this_thread::sleep_for(20ms);
    BOOST_TEST_INFO("agent log: " << agent.log());
    BOOST_TEST_REQUIRE(receiver.answered());
    BOOST_TEST_REQUIRE(panelHas("command.accepted"));
    BOOST_TEST_REQUIRE(panelHas("command.done"));
    const auto evs = readEvents(agent.events);
    const Json* done = findEvent(evs, "command.done", "command/webhook-locate-1");
    BOOST_REQUIRE(done);
    BOOST_TEST(snapshot(*done)["transport"] == "webhook:panel");
    BOOST_TEST(snapshot(*done)["result"]["verified"] == true);
    BOOST_TEST(snapshot(*done)["result"]["label"] == "Slot05");
    // Exactly bay Slot05 lit, read back from the enclosure.
    auto diff = changedLights(before, enclosureLights(tb));
    BOOST_REQUIRE(diff.size() == 1u);
    BOOST_TEST(diff.begin()->first == "0:0:12:0/Slot05/locate");
    BOOST_TEST(diff.begin()->second == "1");
    BOOST_TEST(countVerb(evs, "command.accepted", "locate") == 1u);
    BOOST_TEST(agent.stop() == 0);
}
