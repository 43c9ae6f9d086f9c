// SPDX-License-Identifier: LGPL-2.1-or-later
// Scale: the jbod120 testbed scaled up (bench/gen_jbod.py: 118, 472 and 944 SAS disks in 60-bay
// SES JBODs), generated when the benchmark runs, and side by side at every size in one run:
//   - `raidmon status --json` next to `lsblk -J -O` (RUNS each, interleaved, under the same preload);
//   - raidmond: from its start to agent.started in its file sink, its first scan
//     (raidmon_agent_last_scan_duration_seconds), its RSS idle after the start;
//   - raidmond: a disk's "remove" / "add" uevent to the line in the file sink (REMOVALS of them);
//   - raidmond: a burst of 100 removals and their return (BENCH_BURST=N to change, 0 for none): its CPU
//     time next to the first scan's.
//   umockdev-wrapper build/bench/bench_scale [RUNS [REMOVALS [DISKS...]]]   (default 9 20 118 472 944)
// BENCH_FSYNC=0: the agent's outbox without fsync ([outbox] fsync = false), to tell the disk's
// fsync latency from the agent's own. BENCH_FLUSH_BEFORE=1: [outbox] flush_before_delivery = true
// (every event waits for its flush, as before 2026-12-07). The agent's log goes through a pipe to
// a process that appends it to agent.log, as journald takes it under systemd.
// BENCH_SAMPLES=FILE: every removal's and addition's latency appended to FILE, one line each
// ("DISKS remove|add INDEX MS UNIX_TIME"), to see when the slow ones came.
// Everything is written under one temporary directory, removed at the end (BENCH_KEEP=1 keeps it).
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <sys/resource.h>

#include "bench_util.hpp"
#include "testbed.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace raidmon::bench;

namespace {

struct Row {
    int disks = 0;
    double loadSeconds = 0;
    double statusP50 = 0, statusP90 = 0, statusCpu = 0, lsblkP50 = 0, lsblkP90 = 0, lsblkCpu = 0;
    std::size_t statusBytes = 0, lsblkBytes = 0;
    double startMs = 0, firstScanMs = -1;
    long rssKiB = 0, hwmKiB = 0;
    std::size_t metricSamples = 0, metricBytes = 0;
    std::vector<double> removeMs, addMs;
    int lost = 0;
    // A burst of `burst` disk removals, then their return: the agent's CPU for each (utime+stime),
    // the wall time from the first uevent to the sink quiet, uevents the agent did not count.
    int burst = 0;
    double burstRemoveCpuMs = -1, burstAddCpuMs = -1, burstRemoveWallMs = -1, burstAddWallMs = -1;
    long burstUnseen = -1;
};

double childCpuMs() {
    rusage ru{};
    getrusage(RUSAGE_CHILDREN, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

bool run(const std::vector<std::string>& argv) {
    std::string cmd;
    for (const auto& a : argv) cmd += "'" + a + "' ";
    return std::system(cmd.c_str()) == 0;
}

/// status vs lsblk, interleaved.
void compare(raidmon::test::Testbed& tb, const fs::path& work, int runs, Row& row) {
    const std::vector<std::string> status = {RAIDMON_CLI, "status", "--json", "--no-device-io", "--proc", "@TB@/proc",
                                             "--etc", "@TB@/etc", "--state-dir", (work / "cli-state").string()};
    const std::vector<std::string> lsblk = {LSBLK, "-J", "-O"};
    std::vector<double> rw, rc, lw, lc;
    auto once = [&](const std::vector<std::string>& argv, std::vector<double>* wall, std::vector<double>* cpu, std::size_t& bytes) {
        const double c0 = childCpuMs();
        const auto t0 = Clk::now();
        auto r = tb.run(argv, 10min);
        const double w = ms(Clk::now() - t0);
        bytes = r.out.size();
        if (r.exitStatus != 0 && argv[0] == LSBLK) std::fprintf(stderr, "lsblk exit %d: %s\n", r.exitStatus, r.err.substr(0, 300).c_str());
        if (wall) wall->push_back(w);
        if (cpu) cpu->push_back(childCpuMs() - c0);
    };
    once(status, nullptr, nullptr, row.statusBytes);  // page cache, and the first slots.json
    once(lsblk, nullptr, nullptr, row.lsblkBytes);
    for (int i = 0; i < runs; ++i) {
        once(status, &rw, &rc, row.statusBytes);
        once(lsblk, &lw, &lc, row.lsblkBytes);
    }
    row.statusP50 = pct(rw, .5), row.statusP90 = pct(rw, .9), row.statusCpu = pct(rc, .5);
    row.lsblkP50 = pct(lw, .5), row.lsblkP90 = pct(lw, .9), row.lsblkCpu = pct(lc, .5);
}

/// A burst of row.burst disk removals (an expander or a shelf dropping, as the kernel sends it: one
/// "remove" after another), then the same disks' "add". umockdev's emulated netlink socket holds
/// only net.unix.max_dgram_qlen datagrams (10; a real one: 128 MiB) and umockdev aborts the sender
/// when it is full, so the uevents go 2 at a time, 15 ms apart (the agent may stall 75 ms, an fsync
/// on a busy disk, before a datagram is refused; 4 at a time failed once at 944 disks), and the
/// agent's uevent counter is read once at the end to tell whether it saw them all. What is
/// compared with a full scan is the agent's CPU time for the burst, which the pacing does not
/// inflate; the wall time includes the pacing (50 x 15 ms for 100 disks). A wall time of -1: not
/// every disk's event came within 30 s.
void burst(raidmon::test::Testbed& tb, const fs::path& events, const std::vector<std::string>& names, pid_t pid, int port, Row& row) {
    const std::string sys = (tb.root() / "sys").string();
    const std::string real = fs::canonical(sys).string();
    std::vector<std::string> paths;
    const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(row.burst), names.size());
    const std::size_t first = (names.size() - n) / 2;
    for (std::size_t i = first; i < first + n; ++i) paths.push_back("/sys" + fs::canonical(tb.root() / "sys" / "block" / names[i]).string().substr(real.size()));
    const auto before = scrapeMetric(port, "raidmon_agent_uevents_total");
    // How many events of `type` the sink has.
    auto count = [&](const std::string& type) {
        std::ifstream f(events);
        std::size_t k = 0;
        const std::string needle = "\"type\":\"" + type + "\"";
        for (std::string l; std::getline(f, l);) k += l.find(needle) != std::string::npos;
        return k;
    };
    // Each disk of the burst gives one event of `type`: the wall time runs until the last of them
    // is in the sink (the agent gathers a burst until uevents stop for 100 ms, agent.md), the CPU
    // time until the agent is done (the sink quiet for 300 ms after it).
    auto one = [&](const char* action, const std::string& type, double& cpuMs, double& wallMs) {
        waitQuiet(events, 300ms);
        const std::size_t want = count(type) + paths.size();
        const double c0 = usage(pid).cpuSeconds;
        const auto t0 = Clk::now();
        for (std::size_t i = 0; i < paths.size(); ++i) {
            tb.uevent(paths[i], action);
            if (i % 2 == 1) std::this_thread::sleep_for(15ms);
        }
        const auto end = Clk::now() + 30s;
        while (count(type) < want && Clk::now() < end) std::this_thread::sleep_for(2ms);
        if (count(type) >= want) wallMs = ms(Clk::now() - t0);
        waitQuiet(events, 300ms);
        cpuMs = (usage(pid).cpuSeconds - c0) * 1e3;
    };
    one("remove", "io.raidmon.drive.removed", row.burstRemoveCpuMs, row.burstRemoveWallMs);
    one("add", "io.raidmon.drive.added", row.burstAddCpuMs, row.burstAddWallMs);
    const auto after = scrapeMetric(port, "raidmon_agent_uevents_total");
    if (before && after) row.burstUnseen = static_cast<long>(2 * paths.size()) - static_cast<long>(*after - *before);
}

/// The agent's start, first scan and idle RSS; then disk removals and additions.
void agent(raidmon::test::Testbed& tb, const fs::path& work, int removals, Row& row) {
    const auto dir = work / "agent";
    fs::create_directories(dir);
    const auto events = dir / "events.jsonl";
    const int port = freePort();
    std::ofstream(dir / "raidmond.toml") << "[agent]\nheartbeat = 0\nsmart_interval = 0\ncontroller_interval = 0\nmd_poll = \"1h\"\n"
                                         << "rate_limit_max = 1000000\n[console]\nissue_file = \"\"\nagetty_reload = false\n[metrics]\nlisten = \"127.0.0.1:" << port << "\"\n"
                                         << "[[sink]]\ntype = \"file\"\npath = \"" << events.string() << "\"\n"
                                         << "[outbox]\nfsync = " << (std::getenv("BENCH_FSYNC") && std::string(std::getenv("BENCH_FSYNC")) == "0" ? "false" : "true") << "\n"
                                         << "flush_before_delivery = " << (std::getenv("BENCH_FLUSH_BEFORE") && std::string(std::getenv("BENCH_FLUSH_BEFORE")) == "1" ? "true" : "false") << "\n";
    const std::string r = tb.root().string();
    const auto t0 = Clk::now();
    pid_t pid = spawn({RAIDMOND, "--config", (dir / "raidmond.toml").string(), "--state-dir", (dir / "state").string(), "--proc", r + "/proc",
                       "--etc", r + "/etc", "--no-device-io"},
                      dir / "agent.log", {}, LogVia::pipe);
    if (!waitGrowth(events, 0, 10min)) {
        std::fprintf(stderr, "raidmond did not start at %d disks: %s\n", row.disks, raidmon::test::slurp(dir / "agent.log").c_str());
        stop(pid, SIGKILL);
        return;
    }
    row.startMs = ms(Clk::now() - t0);
    for (int i = 0; i < 200 && row.firstScanMs < 0; ++i) {
        if (auto v = scrapeMetric(port, "raidmon_agent_last_scan_duration_seconds")) row.firstScanMs = *v * 1e3;
        else std::this_thread::sleep_for(50ms);
    }
    waitQuiet(events, 500ms);  // the start events, the hot-swap assistant's first look
    std::this_thread::sleep_for(2s);
    const Usage u = usage(pid);
    row.rssKiB = u.rssKiB;
    row.hwmKiB = u.hwmKiB;
    // What one scrape costs a Prometheus: samples and bytes of /metrics.
    const std::string body = scrape(port);
    row.metricBytes = body.size() - std::min(body.size(), body.find("\r\n\r\n") + 4);
    std::istringstream lines(body.substr(body.size() - row.metricBytes));
    for (std::string l; std::getline(lines, l);) row.metricSamples += !l.empty() && l[0] != '#';
    // A disk in the middle of the host leaves and comes back, `removals` uevents in all.
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(tb.root() / "sys" / "block")) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) { return a.size() != b.size() ? a.size() < b.size() : a < b; });
    const std::string name = names.at(names.size() / 2);
    const std::string sys = (tb.root() / "sys").string();
    const std::string syspath = "/sys" + fs::canonical(tb.root() / "sys" / "block" / name).string().substr(fs::canonical(sys).string().size());
    const char* samplesFile = std::getenv("BENCH_SAMPLES");
    const std::unique_ptr<std::FILE, int (*)(std::FILE*)> samples(samplesFile ? std::fopen(samplesFile, "a") : nullptr, &std::fclose);
    if (samplesFile && !samples) std::fprintf(stderr, "bench_scale: cannot open BENCH_SAMPLES=%s: %s\n", samplesFile, std::strerror(errno));
    for (int i = 0; i < removals; ++i) {
        waitQuiet(events, 30ms);
        const off_t before = fileSize(events);
        const auto t = Clk::now();
        tb.uevent(syspath, i % 2 ? "add" : "remove");
        if (!waitGrowth(events, before, 10s)) {
            ++row.lost;
            continue;
        }
        const double took = ms(Clk::now() - t);
        (i % 2 ? row.addMs : row.removeMs).push_back(took);
        if (samples)
            std::fprintf(samples.get(), "%d %s %d %.3f %.3f\n", row.disks, i % 2 ? "add" : "remove", i, took,
                         std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
    }
    if (row.burst > 0) burst(tb, events, names, pid, port, row);
    stop(pid);
}

} // namespace

int main(int argc, char** argv) {
    const int runs = argc > 1 ? std::max(3, std::atoi(argv[1])) : 9;
    const int removals = argc > 2 ? std::max(0, std::atoi(argv[2])) : 20;
    // BENCH_BURST=N: after the single removals, a burst of N removals and their return (default 100, 0: none).
    const int burstSize = std::getenv("BENCH_BURST") ? std::max(0, std::atoi(std::getenv("BENCH_BURST"))) : 100;
    std::vector<int> sizes;
    for (int i = 3; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
    if (sizes.empty()) sizes = {118, 472, 944};
    const auto work = makeTemp("bench-scale");
    std::printf("bench_scale: %d runs of status/lsblk, %d disk uevents, load average at start %s\n", runs, removals, loadAverage().c_str());
    std::vector<Row> rows;
    for (int disks : sizes) {
        Row row;
        row.disks = disks;
        row.burst = burstSize;
        const auto spec = work / ("jbod" + std::to_string(disks) + ".json");
        const auto tbdir = work / ("jbod" + std::to_string(disks));
        if (!run({"/usr/bin/python3", GEN_JBOD, std::to_string(disks), spec.string()}) ||
            !run({"/usr/bin/python3", GEN_TESTBED, spec.string(), tbdir.string()})) {
            std::fprintf(stderr, "bench_scale: cannot generate the %d-disk testbed\n", disks);
            return 1;
        }
        const auto t0 = Clk::now();
        raidmon::test::Testbed tb(tbdir);
        row.loadSeconds = std::chrono::duration<double>(Clk::now() - t0).count();
        compare(tb, work / ("w" + std::to_string(disks)), runs, row);
        agent(tb, work / ("w" + std::to_string(disks)), removals, row);
        std::printf("  %d disks done (testbed loaded in %.0f s), load average %s\n", disks, row.loadSeconds, loadAverage().c_str());
        std::fflush(stdout);
        rows.push_back(std::move(row));
    }
    std::printf("\n%-34s", "disks");
    for (const auto& r : rows) std::printf(" %14d", r.disks);
    auto line = [&](const char* what, auto f) {
        std::printf("\n%-34s", what);
        for (const auto& r : rows) std::printf(" %14s", f(r).c_str());
    };
    auto num = [](double v, const char* unit) {
        char b[32];
        std::snprintf(b, sizeof b, "%.1f%s", v, unit);
        return std::string(b);
    };
    line("status --json wall p50 / p90", [&](const Row& r) { return num(r.statusP50, "") + "/" + num(r.statusP90, "ms"); });
    line("lsblk -J -O wall p50 / p90", [&](const Row& r) { return num(r.lsblkP50, "") + "/" + num(r.lsblkP90, "ms"); });
    line("ratio status/lsblk (wall p50)", [&](const Row& r) { return num(r.statusP50 / r.lsblkP50, ""); });
    line("status / lsblk CPU p50", [&](const Row& r) { return num(r.statusCpu, "") + "/" + num(r.lsblkCpu, "ms"); });
    line("status / lsblk output kB", [&](const Row& r) { return num(static_cast<double>(r.statusBytes) / 1e3, "") + "/" + num(static_cast<double>(r.lsblkBytes) / 1e3, ""); });
    line("raidmond start -> agent.started", [&](const Row& r) { return num(r.startMs, "ms"); });
    line("raidmond first scan", [&](const Row& r) { return num(r.firstScanMs, "ms"); });
    line("raidmond RSS idle (peak)", [&](const Row& r) { return num(static_cast<double>(r.rssKiB) / 1024.0, "") + " (" + num(static_cast<double>(r.hwmKiB) / 1024.0, ")MiB"); });
    line("/metrics samples / kB", [&](const Row& r) { return std::to_string(r.metricSamples) + "/" + num(static_cast<double>(r.metricBytes) / 1e3, ""); });
    line("remove -> sink p50 / p99", [&](const Row& r) { return num(pct(r.removeMs, .5), "") + "/" + num(pct(r.removeMs, .99), "ms"); });
    line("add -> sink p50 / p99", [&](const Row& r) { return num(pct(r.addMs, .5), "") + "/" + num(pct(r.addMs, .99), "ms"); });
    line("remove, add: samples over 10 ms", [&](const Row& r) {
        auto over = [](const std::vector<double>& v) { return std::to_string(std::count_if(v.begin(), v.end(), [](double x) { return x > 10; })); };
        return over(r.removeMs) + "/" + std::to_string(r.removeMs.size()) + ", " + over(r.addMs) + "/" + std::to_string(r.addMs.size());
    });
    line("remove, add: max", [&](const Row& r) {
        auto mx = [](const std::vector<double>& v) { return v.empty() ? 0.0 : *std::max_element(v.begin(), v.end()); };
        return num(mx(r.removeMs), "") + ", " + num(mx(r.addMs), "ms");
    });
    line("disk uevents without an event", [&](const Row& r) { return std::to_string(r.lost); });
    if (!rows.empty() && rows.front().burst > 0) {
        line("burst of N removals: N", [&](const Row& r) { return std::to_string(std::min(r.burst, r.disks)); });
        line("  agent CPU / first scan", [&](const Row& r) { return num(r.burstRemoveCpuMs, "") + "/" + num(r.firstScanMs, "ms"); });
        line("  wall, first uevent to sink", [&](const Row& r) { return num(r.burstRemoveWallMs, "ms"); });
        line("their return: agent CPU", [&](const Row& r) { return num(r.burstAddCpuMs, "ms"); });
        line("  wall, first uevent to sink", [&](const Row& r) { return num(r.burstAddWallMs, "ms"); });
        line("  uevents the agent missed", [&](const Row& r) { return std::to_string(r.burstUnseen); });
    }
    std::printf("\n");
    if (rows.size() >= 2) {
        const Row &a = rows.front(), &b = rows.back();
        std::printf("raidmond RSS growth per disk (%d -> %d disks): %.2f KiB\n", a.disks, b.disks,
                    static_cast<double>(b.rssKiB - a.rssKiB) / (b.disks - a.disks));
    }
    std::printf("load average at the end %s\n", loadAverage().c_str());
    if (std::getenv("BENCH_KEEP")) std::printf("kept %s\n", work.c_str());
    else fs::remove_all(work);
    return 0;
}
