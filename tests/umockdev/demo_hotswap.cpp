// SPDX-License-Identifier: LGPL-2.1-or-later
// The README demonstration's hot-swap part: the real raidmond and the real `raidmon hotswap` in the
// sas12 testbed, while this program plays the technician and the kernel: it pulls the failed drive
// of bay Slot03, slides a new one in, and makes md recover onto it, as the sysfs and uevents of a
// real server would show. mdadm is a stand-in on PATH (the testbed's md is not a real one), which
// prints what the agent asked of it.
//   umockdev-wrapper demo_hotswap TESTBED_DIR RAIDMOND RAIDMON WORKDIR
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sas12_bay3.hpp"
#include "testbed.hpp"

using namespace raidmon::test;
using namespace raidmon::test::sas12;

namespace {

pid_t spawn(const std::vector<std::string>& argv, const fs::path& out) {
    std::cout.flush();
    pid_t pid = ::fork();
    if (pid == 0) {
        if (!out.empty()) {
            int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0) {
                ::dup2(fd, 1);
                ::dup2(fd, 2);
            }
        }
        std::vector<char*> a;
        for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
        a.push_back(nullptr);
        ::execv(a[0], a.data());
        ::_exit(127);
    }
    return pid;
}

int wait(pid_t pid) {
    int st = 0;
    ::waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void say(const std::string& s) { std::cout << "\n\033[1m== " << s << "\033[0m\n" << std::flush; }

std::string light(const Testbed& tb, const char* which) {
    auto v = slurp(tb.root() / kSlot03.substr(1) / which);
    return v.substr(0, 1) == "1" ? "ON" : "off";
}

void showLights(const Testbed& tb) {
    std::cout << "   bay Slot03 LEDs as the SES enclosure reports them: locate " << light(tb, "locate") << ", fault " << light(tb, "fault")
              << '\n';
}

/// Wait until the file holds `what` (the agent's events, the follower's output).
bool waitFor(const fs::path& file, const std::string& what, std::chrono::seconds timeout = 20s) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        if (slurp(file).find(what) != std::string::npos) return true;
        std::this_thread::sleep_for(50ms);
    }
    std::cout << "   (nothing said '" << what << "' within " << timeout.count() << " s)\n";
    return false;
}

void step(const std::string& s) { std::cout << "\n   >>> " << s << "\n" << std::flush; }

} // namespace

int main(int argc, char** argv) {
    if (argc != 5) {
        std::cerr << "usage: umockdev-wrapper demo_hotswap TESTBED_DIR RAIDMOND RAIDMON WORKDIR\n";
        return 64;
    }
    const std::string raidmond = argv[2], raidmon = argv[3];
    const fs::path work = argv[4];
    try {
        Testbed tb(argv[1]);
        const auto bin = work / "bin";
        const auto state = work / "state";
        const auto events = work / "events.jsonl";
        fs::create_directories(bin);
        std::ofstream(bin / "mdadm") << "#!/bin/sh\necho \"   [mdadm stand-in] mdadm $*\" >> " << (work / "mdadm.log").string() << "\nexit 0\n";
        fs::permissions(bin / "mdadm", fs::perms::owner_all);
        ::setenv("PATH", (bin.string() + ":" + std::getenv("PATH")).c_str(), 1);
        const std::string r = tb.root().string();
        std::ofstream(work / "raidmond.toml") << "[agent]\nheartbeat = 0\nsmart_interval = 0\ncontroller_interval = 0\nmd_poll = \"500ms\"\n"
                                              << "[console]\nissue_file = \"\"\nagetty_reload = false\n"  // not this machine's screen
                                              << "[hotswap]\nadd = \"auto\"\n[[sink]]\ntype = \"file\"\npath = \"" << events.string()
                                              << "\"\n";
        say("raidmond with the hot-swap assistant (policy add = \"auto\"): the failed drive of bay Slot03 gets an incident at once");
        pid_t agent = spawn({raidmond, "--config", (work / "raidmond.toml").string(), "--state-dir", state.string(), "--proc", r + "/proc",
                             "--etc", r + "/etc", "--no-device-io"},
                            work / "agent.log");
        waitFor(events, "hotswap.awaiting_removal");
        showLights(tb);

        say("raidmon hotswap sdd: the technician's work order (and a picture of the bays: " + (work / "bays.svg").string() + ")");
        pid_t wo = spawn({raidmon, "hotswap", "sdd", "--state-dir", state.string(), "--no-follow", "--svg", (work / "bays.svg").string()},
                         work / "workorder.txt");
        wait(wo);
        std::cout << slurp(work / "workorder.txt");

        say("raidmon hotswap sdd, following the agent step by step while the technician works");
        pid_t follow = spawn({raidmon, "hotswap", "sdd", "--state-dir", state.string()}, work / "follow.txt");
        waitFor(work / "follow.txt", "Following incident");

        step("the technician pulls the drive with the blinking light (bay Slot03)");
        pullSdd(tb);
        waitFor(events, "hotswap.awaiting_insertion");
        mdDropsGhost(tb);
        step("a new 4 TB drive (serial Z1Z3A9NEW0000) goes into bay Slot03");
        insertSdd(tb, NewDrive{});
        waitFor(events, "hotswap.rebuilding");
        step("md recovers onto it: 50 %, then done");
        mdRecovers(tb, true);
        waitFor(events, "hotswap.completed");
        const int rc = wait(follow);
        const std::string followed = slurp(work / "follow.txt");  // after the work order shown above
        const auto from = followed.find("Following incident");
        std::cout << (from == std::string::npos ? followed : followed.substr(from)) << "   (raidmon hotswap exit status " << rc << ": 0 completed)\n"
                  << slurp(work / "mdadm.log");
        showLights(tb);

        say("what the panel received (raidmon events), each a CloudEvent with the server's identity");
        pid_t ev = spawn({raidmon, "events", "--state-dir", state.string(), "--since", "0"}, work / "events.txt");
        wait(ev);
        std::cout << slurp(work / "events.txt");
        ::kill(agent, SIGTERM);
        wait(agent);
        return rc;
    } catch (const std::exception& e) {
        std::cerr << "demo_hotswap: " << e.what() << '\n';
        return 70;
    }
}
