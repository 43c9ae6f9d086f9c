// SPDX-License-Identifier: LGPL-2.1-or-later
// The README demonstration's console part (tools/demo-console.sh runs it): the real raidmond in
// the sas12 testbed while this program plays the kernel: a PiKVM (an IP-KVM, USB ID 1209:eda1,
// a keyboard+mouse composite device) is plugged into USB port 1-2 of the demo server and pulled
// out again, with the sysfs devices and uevents a real kernel would show. It prints the host's own
// screen (the agetty issue file the agent keeps) once it shows the code of that attach.
//   umockdev-wrapper demo_console TESTBED_DIR RAIDMOND WORKDIR PANEL_URL TOKEN_FILE HMAC_FILE
// The agent gets a webhook sink to the panel (bearer token and HMAC key from the files), a file
// sink WORKDIR/events.jsonl and its banner in WORKDIR/issue.d (the default, /run/issue.d, is this
// machine's own screen). The banner shown is kept as WORKDIR/banner.txt.
#include <spawn.h>
#include <sys/wait.h>

#include <fcntl.h>

#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <thread>

#include "testbed.hpp"
#include "usb_console.hpp"

extern char** environ;

using namespace raidmon::test;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

/// Wait until `pred(text of file)` holds; false after the deadline (said on stdout).
template <typename Pred>
bool waitUntil(const fs::path& file, const std::string& what, Pred pred, std::chrono::seconds timeout = 20s) {
    for (const auto end = std::chrono::steady_clock::now() + timeout; std::chrono::steady_clock::now() < end;) {
        if (pred(slurp(file))) return true;
        std::this_thread::sleep_for(20ms);
    }
    std::cout << "   (" << file.string() << ": no " << what << " within " << timeout.count() << " s)\n";
    return false;
}

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

/// The verification_code of the last complete console.attached line of the events file ("" if none).
std::string lastAttachCode(const std::string& events) {
    const auto at = events.rfind("\"io.raidmon.console.attached\"");
    if (at == std::string::npos) return {};
    const auto eol = events.find('\n', at);
    const std::string key = "\"verification_code\":";
    auto p = events.find(key, at);
    if (eol == std::string::npos || p == std::string::npos || p > eol) return {};
    p = events.find('"', p + key.size()) + 1;
    return events.substr(p, events.find('"', p) - p);
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 7) {
        std::cerr << "usage: umockdev-wrapper demo_console TESTBED_DIR RAIDMOND WORKDIR PANEL_URL TOKEN_FILE HMAC_FILE\n";
        return 64;
    }
    const fs::path work = argv[3];
    const auto events = work / "events.jsonl", issue = work / "issue.d" / "50-raidmon.issue";
    std::ofstream(work / "raidmond.toml") << "[agent]\nheartbeat = 0\nsmart_interval = 0\ncontroller_interval = 0\n"
                                          << "[console]\nissue_file = \"" << issue.string() << "\"\nagetty_reload = false\n"
                                          << "[[sink]]\ntype = \"webhook\"\nurl = \"" << argv[4] << "\"\ntoken_file = \"" << argv[5]
                                          << "\"\nhmac_secret_file = \"" << argv[6] << "\"\n"
                                          << "[[sink]]\ntype = \"file\"\npath = \"" << events.string() << "\"\n";
    try {
        Testbed tb(argv[1]);
        const std::string r = tb.root().string();
        const std::vector<std::string> args = {argv[2],        "--config", (work / "raidmond.toml").string(), "--state-dir", (work / "state").string(),
                                               "--proc",       r + "/proc", "--etc", r + "/etc", "--no-device-io"};
        std::vector<char*> cargs;
        for (const auto& a : args) cargs.push_back(const_cast<char*>(a.c_str()));
        cargs.push_back(nullptr);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 2, (work / "agent.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        pid_t agent = -1;
        if (int e = posix_spawn(&agent, cargs[0], &fa, nullptr, cargs.data(), environ); e != 0) {
            std::cerr << "demo_console: cannot start " << args[0] << ": " << std::strerror(e) << '\n';
            return 70;
        }
        posix_spawn_file_actions_destroy(&fa);
        bool ok = waitUntil(events, "agent.started", [](const std::string& t) { return has(t, "\"io.raidmon.agent.started\""); });

        const UsbConsoleSpec pikvm{.port = "1-2", .vendorId = "1209", .productId = "eda1", .manufacturer = "PiKVM",
                                   .product = "PiKVM Composite Device", .serial = "PIKVM-FRA1-07", .protocols = {"01", "02"},
                                   .inputName = "PiKVM Composite Device"};
        std::cout << "\n   >>> a PiKVM (USB " << pikvm.vendorId << ":" << pikvm.productId << ", serial " << pikvm.serial
                  << ") is plugged into USB port " << pikvm.port << " of the demo server\n";
        const UsbConsole kvm = plugUsbConsole(tb, addUsbRootHub(tb), pikvm);
        std::string code;
        ok = ok && waitUntil(events, "console.attached", [&](const std::string& t) { return !(code = lastAttachCode(t)).empty(); });
        // The agent writes the banner right after committing the event; the sink delivers on its own thread.
        ok = ok && waitUntil(issue, "code " + code, [&](const std::string& t) { return has(t, code); });
        const std::string banner = slurp(issue);
        std::ofstream(work / "banner.txt") << banner;
        std::cout << "\n   the host's own screen (the agetty issue file " << issue.string() << "):\n\n" << banner;

        std::cout << "\n   >>> the PiKVM is pulled out again\n";
        unplugUsbConsole(tb, kvm);
        ok = ok && waitUntil(events, "console.detached", [](const std::string& t) { return has(t, "\"io.raidmon.console.detached\""); });
        ::kill(agent, SIGTERM);
        int st = 0;
        ::waitpid(agent, &st, 0);
        if (!ok) std::cout << "   (the agent's log: " << (work / "agent.log").string() << ")\n";
        return ok && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "demo_console: " << e.what() << '\n';
        return 70;
    }
}
