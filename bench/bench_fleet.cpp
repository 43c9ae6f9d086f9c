// SPDX-License-Identifier: LGPL-2.1-or-later
// A fleet on one machine: AGENTS real raidmond processes, each over its own small umockdev
// testbed (ahci4 with its own hostname, machine-id, DMI serials and disk identities:
// bench/gen_fleet.py), all shipping over MQTT to one mosquitto on loopback (its own configuration,
// port and persistence in a temporary directory), and what the broker delivers to one subscriber:
//   - steady state: events per second, end-to-end latency (the event's `time` to the subscriber's
//     receipt, both on this machine's clock), the broker's CPU and RSS;
//   - a broker restart: events the agents made while it was down are redelivered from their outboxes
//     when it is back (how long that takes, at what rate);
//   - nothing lost: every event in every agent's file sink reached the subscriber (duplicates counted).
// Each agent sends a heartbeat every HEARTBEAT seconds, and the benchmark makes md1 of every
// testbed degrade and recover (a "change" uevent each) every TOGGLE seconds, staggered.
//   umockdev-wrapper build/bench/bench_fleet [AGENTS [SECONDS [DOWN [HEARTBEAT [TOGGLE]]]]]
//   (default 100 agents, 60 s steady, broker down 20 s, heartbeat 1 s, md toggle every 5 s)
#include <atomic>
#include <cstdlib>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include <mosquitto.h>
#include <pwd.h>
#include <nlohmann/json.hpp>

#include "bench_util.hpp"
#include "testbed.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace raidmon::bench;
using Json = nlohmann::json;

namespace {

double nowMs() {
    return std::chrono::duration<double, std::milli>(std::chrono::system_clock::now().time_since_epoch()).count();
}

/// "2026-12-06T06:31:12.123Z" -> ms since the epoch (UTC); -1 if it does not parse.
double parseTime(const std::string& t) {
    std::tm tm{};
    int ms = 0;
    if (std::sscanf(t.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) < 6)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return static_cast<double>(timegm(&tm)) * 1e3 + ms;
}

struct Received {
    std::string id;
    std::string host;  // machine-id from the topic
    double timeMs = 0, recvMs = 0;
};

struct Subscriber {
    std::mutex m;
    std::vector<Received> events;
    std::size_t statuses = 0;
    std::size_t eventBytes = 0, statusBytes = 0;
    std::atomic<bool> connected{false};
    mosquitto* mosq = nullptr;
};

void onMessage(mosquitto*, void* u, const mosquitto_message* msg) {
    auto* s = static_cast<Subscriber*>(u);
    const double recv = nowMs();
    const std::string topic(msg->topic);
    const auto a = topic.find('/'), b = topic.rfind('/');
    if (topic.substr(b + 1) != "events") {
        std::lock_guard lk(s->m);
        ++s->statuses;
        s->statusBytes += static_cast<std::size_t>(msg->payloadlen);
        return;
    }
    Json j = Json::parse(static_cast<const char*>(msg->payload), static_cast<const char*>(msg->payload) + msg->payloadlen, nullptr, false);
    if (j.is_discarded() || !j.contains("id") || !j.contains("time")) return;
    std::lock_guard lk(s->m);
    s->eventBytes += static_cast<std::size_t>(msg->payloadlen);
    s->events.push_back({j["id"].get<std::string>(), topic.substr(a + 1, b - a - 1), parseTime(j["time"].get<std::string>()), recv});
}

struct Host {
    std::unique_ptr<raidmon::test::Testbed> tb;
    fs::path dir;
    std::string machineId;
    pid_t pid = -1;
    bool degraded = false;
};

/// md1 (RAID1 over sda2/sdb2) of a host degraded or back in sync, and its uevent.
void toggle(Host& h) {
    const std::string md = "/sys/devices/virtual/block/md1";
    h.degraded = !h.degraded;
    h.tb->setAttribute(md, "md/degraded", h.degraded ? "1" : "0");
    h.tb->setAttribute(md, "md/dev-sdb2/state", h.degraded ? "faulty" : "in_sync");
    h.tb->uevent(md, "change");
}

pid_t startBroker(const fs::path& dir, int port) {
    // mosquitto started as root runs as the user "mosquitto": its persistence file must be
    // writable by that user, or it keeps no session across the restart (and says so in its log).
    if (const passwd* pw = ::getpwnam("mosquitto")) (void)!::chown(dir.c_str(), pw->pw_uid, pw->pw_gid);
    std::ofstream(dir / "mosquitto.conf") << "listener " << port << " 127.0.0.1\nallow_anonymous true\n"
                                          << "persistence true\npersistence_location " << dir.string() << "/\n"
                                          << "max_queued_messages 0\nmax_inflight_messages 0\n"
                                          << "log_dest file " << (dir / "broker.log").string() << "\n";
    return spawn({"/usr/sbin/mosquitto", "-c", (dir / "mosquitto.conf").string()}, dir / "broker.out");
}

/// The ids of the events of a file sink whose time is before `cutoffMs`.
std::vector<std::string> fileIds(const fs::path& p, double cutoffMs) {
    std::vector<std::string> out;
    std::ifstream f(p);
    for (std::string line; std::getline(f, line);) {
        Json j = Json::parse(line, nullptr, false);
        if (!j.is_discarded() && j.contains("id") && j.contains("time") && parseTime(j["time"].get<std::string>()) < cutoffMs)
            out.push_back(j["id"].get<std::string>());
    }
    return out;
}

void latencyLine(const char* what, const std::vector<double>& lat) {
    std::printf("  %-44s %6zu events  p50 %7.1f ms  p90 %7.1f ms  p99 %7.1f ms  max %7.1f ms\n", what, lat.size(), pct(lat, .5), pct(lat, .9),
                pct(lat, .99), lat.empty() ? 0.0 : *std::max_element(lat.begin(), lat.end()));
}

} // namespace

int main(int argc, char** argv) {
    const int agents = argc > 1 ? std::max(1, std::atoi(argv[1])) : 100;
    const int seconds = argc > 2 ? std::max(5, std::atoi(argv[2])) : 60;
    const int down = argc > 3 ? std::max(1, std::atoi(argv[3])) : 20;
    const int heartbeat = argc > 4 ? std::max(1, std::atoi(argv[4])) : 1;
    const int toggleEvery = argc > 5 ? std::max(1, std::atoi(argv[5])) : 5;
    const auto work = makeTemp("bench-fleet");
    std::printf("bench_fleet: %d agents, %d s steady, broker down %d s, heartbeat %d s, md1 toggled every %d s; load average %s\n", agents,
                seconds, down, heartbeat, toggleEvery, loadAverage().c_str());

    // Testbeds, each with its own identity.
    std::string gen = std::string("/usr/bin/python3 '") + GEN_FLEET + "' " + std::to_string(agents) + " '" + RAIDMON_TEST_DATA +
                      "/testbeds/ahci4.json' '" + (work / "testbeds").string() + "'";
    if (std::system(gen.c_str()) != 0) {
        std::fprintf(stderr, "bench_fleet: cannot generate the testbeds\n");
        return 1;
    }
    auto t0 = Clk::now();
    std::vector<Host> hosts(static_cast<std::size_t>(agents));
    for (int i = 0; i < agents; ++i) {
        char name[16];
        std::snprintf(name, sizeof name, "host%03d", i);
        Host& h = hosts[static_cast<std::size_t>(i)];
        h.tb = std::make_unique<raidmon::test::Testbed>(work / "testbeds" / name);
        h.dir = work / "agents" / name;
        fs::create_directories(h.dir);
        std::ifstream(h.tb->root() / "etc" / "machine-id") >> h.machineId;
    }
    std::printf("  %d testbeds loaded in %.1f s\n", agents, std::chrono::duration<double>(Clk::now() - t0).count());

    // The broker and the subscriber (a persistent session: what the broker holds for it while it
    // is away is delivered when it is back).
    fs::create_directories(work / "broker");
    const int port = freePort();
    pid_t broker = startBroker(work / "broker", port);
    mosquitto_lib_init();
    Subscriber sub;
    sub.mosq = mosquitto_new("raidmon-bench-fleet-subscriber", false, &sub);
    mosquitto_message_callback_set(sub.mosq, onMessage);
    mosquitto_connect_callback_set(sub.mosq, [](mosquitto* m, void* u, int rc) {
        if (rc != 0) return;
        static_cast<Subscriber*>(u)->connected = true;
        mosquitto_subscribe(m, nullptr, "raidmon/#", 1);
    });
    mosquitto_disconnect_callback_set(sub.mosq, [](mosquitto*, void* u, int) { static_cast<Subscriber*>(u)->connected = false; });
    mosquitto_reconnect_delay_set(sub.mosq, 1, 1, false);
    int rc = MOSQ_ERR_UNKNOWN;
    for (int i = 0; i < 100 && rc != MOSQ_ERR_SUCCESS; ++i) {
        rc = mosquitto_connect(sub.mosq, "127.0.0.1", port, 30);
        if (rc != MOSQ_ERR_SUCCESS) std::this_thread::sleep_for(100ms);
    }
    if (rc != MOSQ_ERR_SUCCESS) {
        std::fprintf(stderr, "bench_fleet: the broker did not come up: %s\n", raidmon::test::slurp(work / "broker" / "broker.log").c_str());
        return 1;
    }
    mosquitto_loop_start(sub.mosq);
    for (int i = 0; i < 100 && !sub.connected; ++i) std::this_thread::sleep_for(50ms);

    const Usage brokerAlone = usage(broker);  // the broker with one subscriber, before the agents
    // The agents.
    t0 = Clk::now();
    for (auto& h : hosts) {
        std::ofstream(h.dir / "raidmond.toml") << "[agent]\nheartbeat = \"" << heartbeat << "s\"\nsmart_interval = 0\ncontroller_interval = 0\n"
                                               << "md_poll = \"1h\"\nrate_limit_max = 1000000\n[console]\nissue_file = \"\"\nagetty_reload = false\n"
                                               << "[[sink]]\ntype = \"file\"\npath = \"" << (h.dir / "events.jsonl").string() << "\"\n"
                                               << "[[sink]]\ntype = \"mqtt\"\nhost = \"127.0.0.1\"\nport = " << port
                                               << "\nretry_initial = \"500ms\"\nretry_max = \"2s\"\ntimeout = \"5s\"\n";
        const std::string r = h.tb->root().string();
        h.pid = spawn({RAIDMOND, "--config", (h.dir / "raidmond.toml").string(), "--state-dir", (h.dir / "state").string(), "--proc", r + "/proc",
                       "--etc", r + "/etc", "--no-device-io"},
                      h.dir / "agent.log", {"UMOCKDEV_DIR=" + r});
    }
    int started = 0;
    for (auto& h : hosts) started += waitGrowth(h.dir / "events.jsonl", 0, 120s) ? 1 : 0;
    std::printf("  %d of %d agents started in %.1f s\n", started, agents, std::chrono::duration<double>(Clk::now() - t0).count());
    std::this_thread::sleep_for(3s);

    // Steady state.
    const double steadyFrom = nowMs();
    std::size_t statuses0 = 0;
    {
        std::lock_guard lk(sub.m);
        statuses0 = sub.statuses;
    }
    const Usage b0 = usage(broker);
    const auto tick = std::chrono::milliseconds(1000 * toggleEvery) / agents;
    auto next = Clk::now();
    std::size_t k = 0;
    const auto steadyEnd = Clk::now() + std::chrono::seconds(seconds);
    while (Clk::now() < steadyEnd) {
        toggle(hosts[k++ % hosts.size()]);
        next += tick;
        std::this_thread::sleep_until(next);
    }
    const double steadyTo = nowMs();
    const Usage b1 = usage(broker);
    long agentRss = 0;
    for (auto& h : hosts) agentRss += usage(h.pid).rssKiB;
    std::size_t statuses1 = 0;
    {
        std::lock_guard lk(sub.m);
        statuses1 = sub.statuses;
    }
    std::this_thread::sleep_for(2s);  // in flight at the end of the window

    // The broker goes away and comes back; the toggles go on.
    const int brokerExit = stop(broker);
    const double downFrom = nowMs();
    const auto downEnd = Clk::now() + std::chrono::seconds(down);
    next = Clk::now();
    while (Clk::now() < downEnd) {
        toggle(hosts[k++ % hosts.size()]);
        next += tick;
        std::this_thread::sleep_until(next);
    }
    const double downTo = nowMs();
    broker = startBroker(work / "broker", port);
    // Quiet now: no toggles; heartbeats go on. Wait until every event of every file sink made
    // before the broker was back plus 2 s (the heartbeats go on after that) is in.
    std::this_thread::sleep_for(2s);
    const double cutoff = nowMs();
    std::map<std::string, std::vector<std::string>> expected;  // machine-id -> ids
    std::size_t missing = 0, duplicates = 0, total = 0;
    const auto deadline = Clk::now() + 120s;
    for (;;) {
        expected.clear();
        for (auto& h : hosts) expected[h.machineId] = fileIds(h.dir / "events.jsonl", cutoff);
        std::set<std::string> got;
        duplicates = 0;
        {
            std::lock_guard lk(sub.m);
            for (const auto& e : sub.events)
                if (!got.insert(e.id).second) ++duplicates;
        }
        missing = total = 0;
        for (const auto& [mid, ids] : expected)
            for (const auto& id : ids) {
                ++total;
                missing += got.count(id) ? 0 : 1;
            }
        if (missing == 0 || Clk::now() > deadline) break;
        std::this_thread::sleep_for(200ms);
    }
    const double caughtUp = nowMs();

    // Figures.
    std::vector<double> steadyLat, backlogLat;
    std::size_t steadyCount = 0, backlog = 0;
    double lastBacklogRecv = downTo;
    {
        std::lock_guard lk(sub.m);
        std::set<std::string> seen;
        for (const auto& e : sub.events) {
            if (!seen.insert(e.id).second) continue;
            if (e.timeMs >= steadyFrom && e.timeMs < steadyTo) {
                ++steadyCount;
                steadyLat.push_back(e.recvMs - e.timeMs);
            } else if (e.timeMs >= downFrom && e.timeMs < downTo) {
                ++backlog;
                backlogLat.push_back(e.recvMs - e.timeMs);
                lastBacklogRecv = std::max(lastBacklogRecv, e.recvMs);
            }
        }
    }
    const double steadyS = (steadyTo - steadyFrom) / 1e3;
    std::printf("\nsteady state, %.0f s:\n", steadyS);
    std::printf("  events delivered by the broker            %.1f /s (%zu events of %d agents), retained status messages %.1f /s\n",
                static_cast<double>(steadyCount) / steadyS, steadyCount, agents, static_cast<double>(statuses1 - statuses0) / steadyS);
    latencyLine("event time -> subscriber", steadyLat);
    const double msgs = static_cast<double>(steadyCount + statuses1 - statuses0);
    std::printf("  mosquitto: CPU %.1f %% of a core (%.1f us per message in and out), RSS %.1f MiB, %.1f MiB before the agents "
                "(%.1f KiB per agent)\n",
                100 * (b1.cpuSeconds - b0.cpuSeconds) / steadyS, 1e6 * (b1.cpuSeconds - b0.cpuSeconds) / std::max(1.0, msgs),
                static_cast<double>(b1.rssKiB) / 1024.0, static_cast<double>(brokerAlone.rssKiB) / 1024.0,
                static_cast<double>(b1.rssKiB - brokerAlone.rssKiB) / agents);
    std::printf("  raidmond: mean RSS %.1f MiB\n", static_cast<double>(agentRss) / agents / 1024.0);
    std::printf("\nbroker restart (SIGTERM, exit %d), down %.1f s:\n", brokerExit, (downTo - downFrom) / 1e3);
    std::printf("  events made while it was down             %zu; all delivered %.1f s after it was back (%.0f events/s catch-up)\n", backlog,
                (lastBacklogRecv - downTo) / 1e3, static_cast<double>(backlog) / std::max(0.001, (lastBacklogRecv - downTo) / 1e3));
    latencyLine("event time -> subscriber (held back)", backlogLat);
    std::printf("\nnothing lost: %zu events in the agents' file sinks (all made until 2 s after the broker was back), %zu of them not "
                "received by the subscriber, %zu duplicates (QoS 1); all in %.1f s after the broker was back\n",
                total, missing, duplicates, (caughtUp - downTo) / 1e3);
    if (missing) {
        std::set<std::string> got;
        {
            std::lock_guard lk(sub.m);
            for (const auto& e : sub.events) got.insert(e.id);
        }
        for (const auto& h : hosts) {
            std::ifstream f(h.dir / "events.jsonl");
            for (std::string line; std::getline(f, line);) {
                Json j = Json::parse(line, nullptr, false);
                if (!j.is_discarded() && j.contains("id") && parseTime(j.value("time", "")) < cutoff && !got.count(j["id"].get<std::string>()))
                    std::printf("  missing: %s %s %s\n", h.machineId.c_str(), j.value("type", "?").c_str(), j.value("time", "?").c_str());
            }
        }
    }
    {
        std::lock_guard lk(sub.m);
        std::printf("message sizes: events %.0f bytes on average, retained status %.0f bytes\n",
                    static_cast<double>(sub.eventBytes) / static_cast<double>(std::max<std::size_t>(1, sub.events.size())),
                    static_cast<double>(sub.statusBytes) / static_cast<double>(std::max<std::size_t>(1, sub.statuses)));
    }
    std::printf("load average at the end %s\n", loadAverage().c_str());

    for (auto& h : hosts) stop(h.pid);
    mosquitto_disconnect(sub.mosq);
    mosquitto_loop_stop(sub.mosq, true);
    mosquitto_destroy(sub.mosq);
    mosquitto_lib_cleanup();
    stop(broker);
    hosts.clear();
    if (std::getenv("BENCH_KEEP")) std::printf("kept %s\n", work.c_str());
    else fs::remove_all(work);
    return missing == 0 && started == agents ? 0 : 1;
}
