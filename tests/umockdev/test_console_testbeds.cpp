// SPDX-License-Identifier: LGPL-2.1-or-later
// raidmond's console watch inside a umockdev testbed: a Raritan IP-KVM's USB keyboard+mouse
// composite device is plugged in and pulled out by real uevents; the agent reports attached and
// detached with the classification, the host's identity and the USB port, and the host's own
// screen (the agetty issue file) shows the identity and the verification code of that attach.
#define BOOST_TEST_MODULE console_testbeds
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "agent_harness.hpp"
#include "temp_dir.hpp"
#include "testbed.hpp"
#include "usb_console.hpp"

using raidmon::test::addUsbRootHub;
using raidmon::test::plugUsbConsole;
using raidmon::test::unplugUsbConsole;
using raidmon::test::Testbed;
using raidmon::test::UsbConsole;
using raidmon::test::testbedDir;
using raidmon::test::TempDir;
using namespace raidmon::test::agent;
using namespace std::chrono_literals;

namespace {

/// The verification code in the issue file's "Verification code:" line ("" if none).
std::string codeOnScreen(const fs::path& issue) {
    const std::string s = slurp(issue);
    const std::string label = "Verification code:";
    const auto p = s.find(label);
    if (p == std::string::npos) return {};
    auto b = s.find_first_not_of(' ', p + label.size());
    auto e = s.find('\n', b);
    return s.substr(b, e - b);
}

/// Wait until the issue file shows `code`, or any code when `code` is empty (the agent writes it
/// right after committing the event, while the file sink delivers on its own thread).
std::string waitCodeOnScreen(const fs::path& issue, const std::string& code) {
    std::string seen;
    for (int i = 0; i < 750; ++i) {
        seen = codeOnScreen(issue);
        if (code.empty() ? !seen.empty() : seen == code) break;
        std::this_thread::sleep_for(20ms);
    }
    return seen;
}

} // namespace

BOOST_AUTO_TEST_CASE(ip_kvm_plugged_and_pulled) {
    Testbed tb(testbedDir("sas12"));
    TempDir t;
    const auto events = t.path / "events.jsonl";
    const auto cfg = t.path / "raidmond.toml";
    const auto issue = t.path / "issue.d" / "50-raidmon.issue";
    std::ofstream(cfg) << kQuiet << "\n[console]\nissue_file = \"" << issue.string()
                       << "\"\nagetty_reload = false\n\n[[sink]]\ntype = \"file\"\npath = \"" << events.string() << "\"\n";
    Child agent(agentArgs(cfg, t.path / "state", tb), t.path / "agent.log");
    auto evs = waitEvents(events, [](const auto& e) { return countType(e, "agent.started") >= 1; });
    BOOST_TEST_INFO("agent log: " << slurp(t.path / "agent.log"));
    BOOST_REQUIRE(countType(evs, "agent.started") == 1u);
    BOOST_TEST(evs[0]["data"]["host"]["consoles"].empty());  // nothing plugged in yet
    waitControl(t.path / "state");

    // The start code is on screen and in identity.json before any console comes.
    const std::string startCode = waitCodeOnScreen(issue, "");
    BOOST_TEST(startCode.size() == 7u);
    BOOST_TEST(slurp(issue).find("S214879X9A01420") != std::string::npos);  // the product serial
    BOOST_TEST(slurp(t.path / "state" / "identity.json").find(startCode) != std::string::npos);

    // The KVM's CIM: a USB device on port 1-4 of the first controller with a keyboard and a mouse
    // interface, the HID and input devices under them; the kernel announces each (umockdev sends
    // the "add" uevent of each device it adds).
    const UsbConsole kvm = plugUsbConsole(tb, addUsbRootHub(tb),
                                          {.port = "1-4", .vendorId = "14dd", .productId = "1007", .manufacturer = "Raritan",
                                           .product = "D2CIM-VUSB", .serial = "HKB7300421", .protocols = {"01", "02"},
                                           .inputName = "Raritan D2CIM-VUSB"});
    evs = waitEvents(events, [](const auto& e) { return countType(e, "console.attached") >= 1; });
    const Json* att = findEvent(evs, "console.attached");
    BOOST_REQUIRE_MESSAGE(att, "no console.attached; log: " << slurp(t.path / "agent.log"));
    const Json& snap = (*att)["data"]["entity"]["snapshot"];
    BOOST_TEST((*att)["subject"] == "console/1-4");
    BOOST_TEST(snap["classification"] == "ip_kvm");
    BOOST_TEST(snap["vendor_id"] == "14dd");
    BOOST_TEST(snap["product_id"] == "1007");
    BOOST_TEST(snap["manufacturer"] == "Raritan");
    BOOST_TEST(snap["serial"] == "HKB7300421");
    BOOST_TEST(snap["port"] == "1-4");
    BOOST_TEST(snap["functions"] == Json::array({"keyboard", "mouse"}));
    BOOST_TEST(snap["classification_source"].get<std::string>().find("[usbids]") == 0u);
    BOOST_TEST((*att)["data"]["severity"] == "warning");  // someone elsewhere may type on this host
    // The identity: this host, and the KVM in its console list.
    BOOST_TEST((*att)["source"] == "raidmond://8d3f2a6c41b94e0f9c1e5a7b2d4c6e80");
    BOOST_TEST((*att)["data"]["host"]["dmi"]["product_serial"] == "S214879X9A01420");
    BOOST_REQUIRE((*att)["data"]["host"]["consoles"].size() == 1u);
    BOOST_TEST((*att)["data"]["host"]["consoles"][0]["port"] == "1-4");
    // The code: new at the attach, the same in the event and on the host's screen.
    const std::string code = (*att)["data"]["verification_code"].get<std::string>();
    BOOST_TEST(code.size() == 7u);
    BOOST_TEST(code != startCode);
    BOOST_TEST(waitCodeOnScreen(issue, code) == code);
    const std::string screen = slurp(issue);
    BOOST_TEST(screen.find("Console:") != std::string::npos);
    BOOST_TEST(screen.find("ip_kvm 14dd:1007 D2CIM-VUSB at USB port 1-4") != std::string::npos);
    BOOST_TEST(screen.find("8d3f2a6c41b9") != std::string::npos);  // the short machine-id
    const Json card = Json::parse(slurp(t.path / "state" / "identity.json"));
    BOOST_TEST(card["verification_code"] == code);
    BOOST_TEST(card["consoles"].size() == 1u);

    // Pulled out: the "remove" uevents, then the devices go.
    unplugUsbConsole(tb, kvm);
    evs = waitEvents(events, [](const auto& e) { return countType(e, "console.detached") >= 1; });
    const Json* det = findEvent(evs, "console.detached");
    BOOST_REQUIRE_MESSAGE(det, "no console.detached; log: " << slurp(t.path / "agent.log"));
    BOOST_TEST((*det)["subject"] == "console/1-4");
    BOOST_TEST((*det)["data"]["entity"]["snapshot"]["classification"] == "ip_kvm");
    BOOST_TEST((*det)["data"]["entity"]["snapshot"]["serial"] == "HKB7300421");
    BOOST_TEST((*det)["data"]["host"]["consoles"].empty());  // no longer attached
    BOOST_TEST(!(*det)["data"].contains("verification_code"));
    // One attach and one detach for the five devices, and no disk rescan event in between.
    BOOST_TEST(countType(evs, "console.attached") == 1u);
    BOOST_TEST(countType(evs, "console.detached") == 1u);
    BOOST_TEST(agent.stop(SIGTERM) == 0);
}

BOOST_AUTO_TEST_CASE(host_booted_says_how_the_previous_boot_ended) {
    Testbed tb(testbedDir("sas12"));
    TempDir t;
    const auto events = t.path / "events.jsonl";
    const auto cfg = t.path / "raidmond.toml";
    std::ofstream(cfg) << kQuiet << "\n[console]\nissue_file = \"\"\n\n[[sink]]\ntype = \"file\"\npath = \"" << events.string() << "\"\n";
    auto boot = [&](const std::string& id) { setBootId(tb, id); };
    auto booted = [&](std::size_t n) {
        auto evs = waitEvents(events, [n](const auto& e) { return countType(e, "host.booted") >= n; });
        BOOST_REQUIRE_MESSAGE(countType(evs, "host.booted") >= n, "no host.booted #" << n << "; log: " << slurp(t.path / "agent.log"));
        const Json* last = nullptr;
        for (const auto& e : evs)
            if (e["type"] == "io.raidmon.host.booted") last = &e;
        return *last;
    };

    // The first run on this host: nothing recorded before.
    boot("6e1f0c2a-1111-4c3e-9d2b-000000000001");
    {
        Child agent(agentArgs(cfg, t.path / "state", tb), t.path / "agent.log");
        const Json b = booted(1);
        BOOST_TEST(b["data"]["boot_id"] == "6e1f0c2a-1111-4c3e-9d2b-000000000001");
        BOOST_TEST(b["data"]["previous_boot"]["end"] == "unknown");
        BOOST_TEST(b["data"]["restart_cause"].is_null());  // --no-device-io: the BMC is not asked
        BOOST_TEST(b["data"]["restart_cause_error"].is_string());
        BOOST_TEST(agent.stop(SIGTERM) == 0);
    }
    // An orderly stop ships host.shutdown first (the file sink has it before the agent exits).
    auto evs = readEvents(events);
    BOOST_REQUIRE(!evs.empty());
    BOOST_TEST(evs.back()["type"] == "io.raidmon.host.shutdown");
    const std::string shutdownId = evs.back()["id"];

    // A clean reboot: the agent's stop was recorded.
    boot("6e1f0c2a-2222-4c3e-9d2b-000000000002");
    {
        Child agent(agentArgs(cfg, t.path / "state", tb), t.path / "agent.log");
        const Json b = booted(2);
        BOOST_TEST(b["data"]["previous_boot"]["boot_id"] == "6e1f0c2a-1111-4c3e-9d2b-000000000001");
        BOOST_TEST(b["data"]["previous_boot"]["end"] == "clean");
        BOOST_TEST(b["data"]["previous_boot"]["last_event"]["id"] == shutdownId);
        BOOST_TEST(b["data"]["severity"] == "info");
        // The agent restarted within the same boot: no second host.booted.
        waitControl(t.path / "state");
        BOOST_TEST(agent.stop(SIGKILL) == 128 + SIGKILL);  // a hard reset: no clean stop recorded
    }
    {
        Child agent(agentArgs(cfg, t.path / "state", tb), t.path / "agent.log");
        evs = waitEvents(events, [](const auto& e) { return countType(e, "agent.started") >= 3; });
        BOOST_TEST(countType(evs, "agent.started") == 3u);
        BOOST_TEST(countType(evs, "host.booted") == 2u);
        agent.stop(SIGKILL);
    }
    // A hard reset: the next boot says the previous one did not end cleanly.
    boot("6e1f0c2a-3333-4c3e-9d2b-000000000003");
    Child agent(agentArgs(cfg, t.path / "state", tb), t.path / "agent.log");
    const Json b = booted(3);
    BOOST_TEST(b["data"]["previous_boot"]["boot_id"] == "6e1f0c2a-2222-4c3e-9d2b-000000000002");
    BOOST_TEST(b["data"]["previous_boot"]["end"] == "unclean");
    BOOST_TEST(b["data"]["severity"] == "warning");
    // Events a power cut may have taken from the outbox after a sink had them (the outbox is
    // flushed beside the delivery): their sequence numbers are never given out again. The
    // restart within the same boot above skipped nothing (the page cache outlived the process).
    const auto lastOfBefore = b["data"]["previous_boot"]["last_event"]["sequence"].get<std::uint64_t>();
    BOOST_TEST(std::stoull(b["sequence"].get<std::string>()) > lastOfBefore + 1000);
    const std::string log = slurp(t.path / "agent.log");
    std::size_t skips = 0;
    for (auto at = log.find("skipped; events a sink received"); at != std::string::npos; at = log.find("skipped; events a sink received", at + 1)) ++skips;
    BOOST_TEST(skips == 1u, log);
    BOOST_TEST(agent.stop(SIGTERM) == 0);
}
