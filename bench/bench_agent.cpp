// SPDX-License-Identifier: LGPL-2.1-or-later
// raidmond benchmarks, one run side by side (figures in docs/PERFORMANCE.md, "Agent"):
//   latency TESTBED N     uevent -> line in the file sink, N events, median/p90/p99/max
//   outbox N              events/s committed to the SQLite outbox (fsync on/off, batch 1/100)
//   delivery N            events/s from the outbox to a file sink: the delivery thread as it is
//                         (each event acknowledged, cursor commits without fsync) next to the
//                         acknowledgement once per batch of 256 it replaced, and per event with fsync
//   idle TESTBED SECONDS  raidmond's RSS and CPU while idle, next to smartd's measured the same way
//   console TESTBED N     a KVM's USB device plugged and pulled N times: its "add" uevent ->
//                         console.attached in the file sink, its "remove" -> console.detached
//   all                   the five above side by side (sas12 1000, 3000, 3000, jbod120 30, sas12 300)
// Run under umockdev's preload: umockdev-wrapper build/bench/bench_agent latency sas12 1000
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.hpp"
#include "daemon/delivery.hpp"
#include "daemon/outbox.hpp"
#include "daemon/sinks.hpp"
#include "testbed.hpp"
#include "usb_console.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using raidmon::bench::pct;
using Clk = std::chrono::steady_clock;

namespace {

fs::path makeTemp() {
    std::random_device rd;
    auto p = fs::temp_directory_path() / ("raidmon-bench-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    fs::create_directories(p);
    return p;
}

pid_t spawn(std::vector<std::string> argv, const fs::path& log, bool outsideTestbed = false) {
    pid_t pid = ::fork();
    if (pid == 0) {
        if (outsideTestbed) {
            // smartd exits (status 3) under umockdev's preload; it monitors nothing, so it
            // needs no testbed: run it without the preload.
            ::unsetenv("LD_PRELOAD");
            ::unsetenv("UMOCKDEV_DIR");
        }
        int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
        }
        std::vector<char*> a;
        for (auto& s : argv) a.push_back(s.data());
        a.push_back(nullptr);
        ::execv(a[0], a.data());
        ::_exit(127);
    }
    return pid;
}

void stop(pid_t pid) {
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
}

/// Waits for a child to end by itself: its exit status, or -1.
int finish(pid_t pid) {
    int st = 0;
    return ::waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

off_t fileSize(const fs::path& p) {
    struct stat st{};
    return ::stat(p.c_str(), &st) == 0 ? st.st_size : 0;
}

bool waitGrowth(const fs::path& p, off_t from, std::chrono::milliseconds timeout) {
    const auto end = Clk::now() + timeout;
    while (Clk::now() < end) {
        if (fileSize(p) > from) return true;
        std::this_thread::sleep_for(50us);
    }
    return false;
}

// The agent with a file sink. `uventsOnly`: no timer-driven md reads (md_poll 1h), so only the
// uevents under test cause events; otherwise the defaults (md_poll 2 s).
/// `extra`: more configuration after the file sink (other sinks, [commands]).
pid_t startAgent(raidmon::test::Testbed& tb, const fs::path& dir, const fs::path& events, bool fsync = true, bool ueventsOnly = false,
                 const std::string& extra = "") {
    // The console banner goes to the work directory: the default (/run/issue.d) is this machine's.
    std::ofstream(dir / "raidmond.toml") << "[agent]\nheartbeat = 0\nsmart_interval = 0\ncontroller_interval = 0\n"
                                         << (ueventsOnly ? "md_poll = \"1h\"\n" : "")
                                         << "rate_limit_max = 1000000\n[outbox]\nfsync = " << (fsync ? "true" : "false")
                                         << "\n[console]\nissue_file = \"" << (dir / "issue.d" / "50-raidmon.issue").string()
                                         << "\"\nagetty_reload = false\n[[sink]]\ntype = \"file\"\npath = \"" << events.string() << "\"\n"
                                         << extra;
    const std::string r = tb.root().string();
    pid_t pid = spawn({RAIDMOND, "--config", (dir / "raidmond.toml").string(), "--state-dir", (dir / "state").string(), "--proc",
                       r + "/proc", "--etc", r + "/etc", "--no-device-io"},
                      dir / "agent.log");
    for (int i = 0; i < 6000 && !fs::exists(dir / "state" / "raidmond.sock"); ++i) std::this_thread::sleep_for(10ms);
    waitGrowth(events, 0, 30s);
    std::this_thread::sleep_for(300ms);
    return pid;
}

void report(const char* what, const std::vector<double>& ms, int lost) {
    std::printf("  %-34s %4zu events (%d lost)", what, ms.size(), lost);
    if (!ms.empty())
        std::printf("  median %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  max %6.2f ms", pct(ms, 0.5), pct(ms, 0.9), pct(ms, 0.99),
                    *std::max_element(ms.begin(), ms.end()));
    std::printf("\n");
}

/// Wait until the file has not grown for 30 ms: the agent is done with what came before.
void settle(const fs::path& events) {
    for (off_t last = -1; fileSize(events) != last;) {
        last = fileSize(events);
        std::this_thread::sleep_for(30ms);
    }
}

// One uevent, then the time until the file sink grows; false if it did not within 5 s.
template <typename Prepare>
bool timeOne(raidmon::test::Testbed& tb, const fs::path& events, const std::string& dev, const std::string& action, Prepare prepare,
             std::vector<double>& ms) {
    // The previous uevent's work (its events, the hot-swap assistant's lights and events) must be
    // over before the testbed changes again: a scan that reads a half-rewritten attribute of the
    // next step would see no change, and that step's uevent then finds nothing new.
    settle(events);
    prepare();
    std::this_thread::sleep_for(2ms);
    const off_t before = fileSize(events);
    const auto t0 = Clk::now();
    tb.uevent(dev, action);
    if (!waitGrowth(events, before, 5s)) return false;
    ms.push_back(std::chrono::duration<double, std::milli>(Clk::now() - t0).count());
    return true;
}

int latency(const std::string& testbed, int n) {
    std::printf("uevent -> file sink, %s\n", testbed.c_str());
    for (bool fsync : {true, false}) {
        raidmon::test::Testbed tb(raidmon::test::testbedDir(testbed));
        const auto dir = makeTemp();
        const auto events = dir / "events.jsonl";
        pid_t pid = startAgent(tb, dir, events, fsync, true);
        // md: the testbed's second array, a RAID1 (sas12: md1 over sdi2/sdj2), degraded and back.
        const std::string md = "/sys/devices/virtual/block/md1";
        std::vector<double> mdMs, driveMs;
        int mdLost = 0, driveLost = 0;
        for (int i = 1; i <= n; ++i) {
            const bool fault = i % 2;
            if (!timeOne(tb, events, md, "change", [&] {
                    tb.setAttribute(md, "md/degraded", fault ? "1" : "0");
                    tb.setAttribute(md, "md/dev-sdj2/state", fault ? "faulty" : "in_sync");
                }, mdMs))
                ++mdLost;
        }
        // A drive leaves and comes back (drive.removed, drive.added): a full rescan each time.
        // (sas12's sdk, bay Slot10; other testbeds skip this part)
        const std::string sdk = "/sys/devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0/host0/port-0:0/expander-0:0/port-0:0:10/"
                                "end_device-0:0:10/target0:0:10/0:0:10:0/block/sdk";
        const bool haveSdk = testbed == "sas12";
        for (int i = 1; haveSdk && i <= std::max(20, n / 10); ++i)
            if (!timeOne(tb, events, sdk, i % 2 ? "remove" : "add", [] {}, driveMs)) ++driveLost;
        stop(pid);
        std::printf(" outbox fsync %s:\n", fsync ? "on (default)" : "off");
        report("md change -> array.degraded/optimal", mdMs, mdLost);
        if (haveSdk) report("drive remove/add -> drive.removed/added", driveMs, driveLost);
        if (std::getenv("BENCH_KEEP")) std::printf("  kept %s\n", dir.c_str()); else fs::remove_all(dir);
    }
    return 0;
}

/// How many lines of the file name this event type.
int countLines(const fs::path& file, const std::string& type) {
    std::ifstream in(file);
    int n = 0;
    for (std::string line; std::getline(in, line);) n += line.find("\"" + type + "\"") != std::string::npos;
    return n;
}

/// A KVM's keyboard+mouse composite device (Raritan D2CIM-VUSB, classified ip_kvm) plugged into
/// port 1-4 and pulled, `n` times, its devices announced one after the other without a pause, as
/// the kernel does. The agent reports the device once its last interface is there, so two clocks
/// run to console.attached in the file sink: from the USB device's "add" uevent (the first of the
/// device; includes the testbed making the interfaces, HID and input devices), and from the last
/// interface's "add" (the uevent that completes the device). Unplugged: the "remove" uevents of
/// the devices under it, then the USB device's, timed until console.detached.
int consoleLatency(const std::string& testbed, int n) {
    using namespace raidmon::test;
    std::printf("console device uevent -> file sink, %s\n", testbed.c_str());
    Testbed tb(testbedDir(testbed));
    const auto dir = makeTemp();
    const auto events = dir / "events.jsonl";
    pid_t pid = startAgent(tb, dir, events, true, true);
    const std::string hub = addUsbRootHub(tb);
    const UsbConsoleSpec kvm{.port = "1-4", .vendorId = "14dd", .productId = "1007", .manufacturer = "Raritan", .product = "D2CIM-VUSB",
                             .serial = "HKB7300421", .protocols = {"01", "02"}, .inputName = "Raritan D2CIM-VUSB"};
    const std::string lastInterface = kvm.port + ":1." + std::to_string(kvm.protocols.size() - 1);
    std::vector<double> fromFirstMs, fromLastMs, detachMs, testbedMs;
    int attachLost = 0, detachLost = 0;
    for (int i = 0; i < n; ++i) {
        settle(events);
        const off_t before = fileSize(events);
        Clk::time_point first, last;
        const UsbConsole c = plugUsbConsole(tb, hub, kvm, 0ms, [&](const std::string&, const std::string& name) {
            if (name == kvm.port) first = Clk::now();
            if (name == lastInterface) last = Clk::now();
        });
        if (waitGrowth(events, before, 5s)) {
            const auto t = Clk::now();
            fromFirstMs.push_back(std::chrono::duration<double, std::milli>(t - first).count());
            fromLastMs.push_back(std::chrono::duration<double, std::milli>(t - last).count());
            testbedMs.push_back(std::chrono::duration<double, std::milli>(last - first).count());
        } else {
            ++attachLost;
        }
        const auto order = removalOrder(c);
        for (std::size_t k = 0; k + 1 < order.size(); ++k) {
            tb.uevent(order[k], "remove");
            std::this_thread::sleep_for(20ms);
        }
        if (!timeOne(tb, events, c.device, "remove", [] {}, detachMs)) ++detachLost;
        for (const auto& p : order) umockdev_testbed_remove_device(tb.handle(), p.c_str());
    }
    stop(pid);
    // Every growth timed must have been the console event: one of each per plug, nothing else.
    const int attached = countLines(events, "io.raidmon.console.attached"), detached = countLines(events, "io.raidmon.console.detached");
    std::printf(" outbox fsync on (default), %d plugs: %d console.attached, %d console.detached in the sink\n", n, attached, detached);
    report("USB device add -> console.attached", fromFirstMs, attachLost);
    report("last interface add -> attached", fromLastMs, attachLost);
    report("USB device remove -> detached", detachMs, detachLost);
    if (!testbedMs.empty())
        std::printf("  (of the first figure, the testbed making the devices before the last interface: median %.2f ms)\n", pct(testbedMs, 0.5));
    const bool ok = attached == n && detached == n && attachLost == 0 && detachLost == 0;
    if (!ok) std::printf("  MISMATCH: the sink does not hold exactly one attach and one detach per plug (agent log: %s)\n", (dir / "agent.log").c_str());
    if (std::getenv("BENCH_KEEP") || !ok) std::printf("  kept %s\n", dir.c_str()); else fs::remove_all(dir);
    return ok ? 0 : 1;
}

/// A rebuild_progress event of md0, new id, now: what the outbox benchmarks commit.
raidmon::Event progressEvent() {
    raidmon::Event e;
    e.id = raidmon::newEventId();
    e.type = "io.raidmon.array.rebuild_progress";
    e.subject = "array/md-3f1c8a52:7b0e4d19:a6c29e5d:30b8f417";
    e.message = "md0: rebuild 42.0 %";
    e.entityJson = R"({"id":"md-3f1c8a52:7b0e4d19:a6c29e5d:30b8f417","name":"md0","state":"rebuilding"})";
    e.time = std::chrono::system_clock::now();
    return e;
}

int outbox(int n) {
    using namespace raidmon;
    HostIdentity host;
    host.host.machineId = "8d3f2a6c41b94e0f9c1e5a7b2d4c6e80";
    host.host.hostname = "stor-fra1-0142";
    for (bool fsync : {true, false}) {
        for (std::size_t batch : {std::size_t{1}, std::size_t{100}}) {
            const auto dir = makeTemp();
            agent::OutboxOptions o;
            o.durability = fsync ? agent::Durability::full : agent::Durability::normal;
            auto ob = agent::Outbox::open(dir / "outbox.db", o);
            if (!ob) {
                std::fprintf(stderr, "%s\n", ob.error().message.c_str());
                return 1;
            }
            (void)(*ob)->registerSink("file");
            std::vector<Event> evs(batch);
            const auto t0 = Clk::now();
            int done = 0;
            while (done < n) {
                for (auto& e : evs) e = progressEvent();
                if (auto r = (*ob)->append(evs, host); !r) {
                    std::fprintf(stderr, "%s\n", r.error().message.c_str());
                    return 1;
                }
                done += static_cast<int>(batch);
            }
            const double s = std::chrono::duration<double>(Clk::now() - t0).count();
            std::printf("outbox append: fsync %-3s batch %3zu: %8.0f events/s (%d events in %.2f s) on %s\n", fsync ? "on" : "off", batch,
                        done / s, done, s, fs::temp_directory_path().c_str());
            fs::remove_all(dir);
        }
    }
    return 0;
}

/// `n` rebuild_progress events committed (100 per transaction) to a new outbox in `dir`.
bool fillOutbox(const fs::path& db, int n, raidmon::agent::OutboxOptions o) {
    using namespace raidmon;
    HostIdentity host;
    host.host.machineId = "8d3f2a6c41b94e0f9c1e5a7b2d4c6e80";
    host.host.hostname = "stor-fra1-0142";
    auto ob = agent::Outbox::open(db, o);
    if (!ob || !(*ob)->registerSink("file")) return false;
    std::vector<Event> evs(100);
    for (int done = 0; done < n; done += 100) {
        for (auto& e : evs) e = progressEvent();
        if (!(*ob)->append(evs, host)) return false;
    }
    return true;
}

/// Delivery from the outbox to a file sink, three ways, each on a fresh outbox of `n` events:
/// - "per batch": the loop of the delivery thread before per-event acknowledgement (up to 256
///   events delivered, then one cursor commit, on a connection with the agent's durability);
/// - "per event, fsync": one cursor commit per event with the agent's durability (FULL when
///   [outbox] fsync is on), what a plain per-event acknowledgement would cost;
/// - "per event (agent)": the DeliveryWorker itself (its connection commits cursor moves with
///   synchronous=NORMAL: kill -9 safe; a power cut may repeat events delivered since the last
///   event commit).
int delivery(int n) {
    using namespace raidmon;
    for (bool fsync : {true, false}) {
        agent::OutboxOptions o;
        o.durability = fsync ? agent::Durability::full : agent::Durability::normal;
        SinkConfig sc;
        sc.type = "file";
        sc.name = "file";
        double perBatch = 0, perEventSync = 0, worker = 0;
        for (int mode = 0; mode < 3; ++mode) {
            const auto dir = makeTemp();
            const auto db = dir / "outbox.db";
            sc.path = (dir / "events.jsonl").string();
            if (!fillOutbox(db, n, o)) {
                std::fprintf(stderr, "delivery: cannot fill the outbox in %s\n", dir.c_str());
                return 1;
            }
            auto sink = agent::makeSink(sc, HostIdentity{});
            if (!sink) return 1;
            const auto t0 = Clk::now();
            if (mode < 2) {
                auto ob = agent::Outbox::open(db, o);
                if (!ob) return 1;
                for (;;) {
                    auto batch = (*ob)->pending("file", 256);
                    if (!batch || batch->empty()) break;
                    if (mode == 0) {
                        auto d = (*sink)->deliver(*batch);
                        if (d.delivered) (void)(*ob)->ack("file", (*batch)[d.delivered - 1].seq);
                        if (d.error) return 1;
                    } else {
                        for (const auto& e : *batch) {
                            auto d = (*sink)->deliver(std::span<const agent::StoredEvent>(&e, 1));
                            if (d.error) return 1;
                            (void)(*ob)->ack("file", e.seq);
                        }
                    }
                }
            } else {
                agent::DeliveryWorker w(db, o, sc, std::move(*sink), {}, 1);
                while (w.stats().cursor.load() < static_cast<std::uint64_t>(n)) std::this_thread::sleep_for(1ms);
            }
            const double s = std::chrono::duration<double>(Clk::now() - t0).count();
            (mode == 0 ? perBatch : mode == 1 ? perEventSync : worker) = n / s;
            fs::remove_all(dir);
        }
        std::printf("delivery to a file sink, outbox fsync %-3s: ack per batch of 256 %8.0f events/s | per event, fsync %8.0f events/s | "
                    "per event (agent, cursor without fsync) %8.0f events/s  (%d events, %s)\n",
                    fsync ? "on" : "off", perBatch, perEventSync, worker, n, fs::temp_directory_path().c_str());
    }
    return 0;
}

using raidmon::bench::Usage;
using raidmon::bench::usage;

int idle(const std::string& testbed, int seconds) {
    raidmon::test::Testbed tb(raidmon::test::testbedDir(testbed));
    const auto dir = makeTemp();
    pid_t agent = startAgent(tb, dir, dir / "events.jsonl");
    // smartd with a configuration that monitors nothing (no DEVICESCAN), kept running (-q never).
    std::ofstream(dir / "smartd.conf") << "# monitors nothing\n";
    pid_t smartd = spawn({"/usr/sbin/smartd", "-n", "-q", "never", "-c", (dir / "smartd.conf").string(), "-s", (dir / "smartd-state.").string(),
                          "-A", (dir / "smartd-attr.").string()},
                         dir / "smartd.log", true);
    std::this_thread::sleep_for(2s);
    const Usage a0 = usage(agent), s0 = usage(smartd);
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    const Usage a1 = usage(agent), s1 = usage(smartd);
    std::printf("idle %d s, %s testbed:\n", seconds, testbed.c_str());
    std::printf("  raidmond: RSS %.1f MiB, CPU %.4f %% of a core\n", static_cast<double>(a1.rssKiB) / 1024,
                100 * (a1.cpuSeconds - a0.cpuSeconds) / seconds);
    std::printf("  smartd (no devices): RSS %.1f MiB, CPU %.4f %% of a core\n", static_cast<double>(s1.rssKiB) / 1024,
                100 * (s1.cpuSeconds - s0.cpuSeconds) / seconds);
    stop(agent);
    stop(smartd);

    // The same agent with everything that loads a library on demand (agent/daemon/dynlib.hpp): a
    // webhook with an HMAC secret (libcurl, libcrypto) to a receiver that answers 204, an MQTT
    // sink (libmosquitto) to a mosquitto of its own, and a command key (libcrypto).
    const auto full = dir / "full";
    fs::create_directories(full);
    const int hookPort = raidmon::test::freePort(), mqttPort = raidmon::test::freePort();
    std::ofstream(full / "hook.py") << "import http.server, sys\n"
                                       "class H(http.server.BaseHTTPRequestHandler):\n"
                                       "    def do_POST(self):\n"
                                       "        self.rfile.read(int(self.headers['Content-Length'])); self.send_response(204); self.end_headers()\n"
                                       "    def log_message(self, *a): pass\n"
                                       "http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()\n";
    pid_t hook = spawn({"/usr/bin/python3", (full / "hook.py").string(), std::to_string(hookPort)}, full / "hook.log", true);
    std::ofstream(full / "mosquitto.conf") << "listener " << mqttPort << " 127.0.0.1\nallow_anonymous true\n";
    pid_t broker = spawn({"/usr/sbin/mosquitto", "-c", (full / "mosquitto.conf").string()}, full / "broker.log", true);
    std::ofstream(full / "hmac") << "bench-hmac-secret\n";
    if (finish(spawn({"/usr/bin/openssl", "genpkey", "-algorithm", "ed25519", "-out", (full / "key.pem").string()}, full / "openssl.log",
                     true)) != 0 ||
        finish(spawn({"/usr/bin/openssl", "pkey", "-in", (full / "key.pem").string(), "-pubout", "-out", (full / "pub.pem").string()},
                     full / "openssl.log", true)) != 0) {
        std::fprintf(stderr, "openssl could not make a key: %s\n", raidmon::test::slurp(full / "openssl.log").c_str());
        return 1;
    }
    const std::string extra = "[[sink]]\ntype = \"webhook\"\nurl = \"http://127.0.0.1:" + std::to_string(hookPort) + "/hook\"\nhmac_secret_file = \"" +
                              (full / "hmac").string() + "\"\n[[sink]]\ntype = \"mqtt\"\nhost = \"127.0.0.1\"\nport = " + std::to_string(mqttPort) +
                              "\n[[commands.key]]\nfile = \"" + (full / "pub.pem").string() + "\"\nallow = [\"locate\"]\n";
    std::this_thread::sleep_for(500ms);  // the receivers listening
    agent = startAgent(tb, full, full / "events.jsonl", true, false, extra);
    std::this_thread::sleep_for(std::chrono::seconds(2 + seconds));
    const Usage f = usage(agent);
    stop(agent);
    const std::string log = raidmon::test::slurp(full / "agent.log");
    std::size_t failed = 0;
    for (auto at = log.find("delivery failed"); at != std::string::npos; at = log.find("delivery failed", at + 1)) ++failed;
    std::printf("  raidmond with a webhook (HMAC), an MQTT sink and a command key: RSS %.1f MiB (%zu failed deliveries)\n",
                static_cast<double>(f.rssKiB) / 1024, failed);
    stop(broker);
    stop(hook);
    fs::remove_all(dir);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "latency" && argc == 4) return latency(argv[2], std::atoi(argv[3]));
    if (mode == "outbox" && argc == 3) return outbox(std::atoi(argv[2]));
    if (mode == "delivery" && argc == 3) return delivery(std::atoi(argv[2]));
    if (mode == "idle" && argc == 4) return idle(argv[2], std::atoi(argv[3]));
    if (mode == "console" && argc == 4) return consoleLatency(argv[2], std::atoi(argv[3]));
    if (mode == "all" && argc == 2) {
        // The issue's figures side by side in one run: latency over 1000 uevents, the outbox,
        // the agent idle with 116 drives next to smartd, and 300 console attaches.
        int rc = latency("sas12", 1000);
        rc |= outbox(3000);
        rc |= delivery(3000);
        rc |= idle("jbod120", 30);
        rc |= consoleLatency("sas12", 300);
        return rc;
    }
    std::fprintf(stderr, "usage: bench_agent latency TESTBED N | outbox N | delivery N | idle TESTBED SECONDS | console TESTBED N | all\n");
    return 64;
}
