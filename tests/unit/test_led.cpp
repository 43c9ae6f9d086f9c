// SPDX-License-Identifier: LGPL-2.1-or-later
// Slot lights over sysfs trees built in code: backend choice, read-back, leases with a test clock
// (expiry also by a second "process"), ownership of fault lights, slot memory and bay resolution,
// the SES SG_IO backend over a fake transport serving a real enclosure's pages, ledctl and the
// server's identify light over the FakeCommandRunner.
#define BOOST_TEST_MODULE led
#include <boost/test/unit_test.hpp>

#include <map>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include <raidmon/led.hpp>

#include "ctl/backend.hpp"
#include "fake_runner.hpp"
#include "led/backends.hpp"
#include "led/ses_codec.hpp"
#include "led/ses_scan.hpp"
#include "ses_capture.hpp"
#include "sysfs_builder.hpp"

using namespace raidmon;
using raidmon::test::FakeCommandRunner;
using raidmon::test::SysfsBuilder;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

class TestClock final : public Clock {
public:
    std::chrono::system_clock::time_point t = std::chrono::system_clock::time_point(std::chrono::seconds(1'750'000'000));
    std::chrono::system_clock::time_point now() const override { return t; }
    std::chrono::steady_clock::time_point monotonic() const override {
        return std::chrono::steady_clock::time_point(t.time_since_epoch());
    }
};

constexpr const char* kEnc = "0x500304801234567f";
constexpr const char* kEncDir = "sys/devices/pci0000:00/0000:00:01.0/host0/port-0:0/expander-0:0/port-0:0:12/end_device-0:0:12/target0:0:12/0:0:12:0/enclosure/0:0:12:0";

/// A 4-bay SES enclosure (component dirs Slot00..Slot03 with locate/fault), a PCIe hot-plug slot
/// with an attention indicator, drives in bays 1 and 2, an inventory describing them, and a
/// context over the tree with a test clock and a scripted runner.
struct LedHost {
    SysfsBuilder sb;
    std::shared_ptr<TestClock> clock = std::make_shared<TestClock>();
    std::shared_ptr<FakeCommandRunner> runner = std::make_shared<FakeCommandRunner>();
    Context ctx;
    Inventory inv;
    fs::path state;

    LedHost() {
        Enclosure e;
        e.id = kEnc;
        e.kind = "ses";
        e.sysPath = (sb.root() / kEncDir).string();
        e.scsiAddress = "0:0:12:0";
        sb.file(std::string(kEncDir) + "/components", "4\n");
        for (int i = 0; i < 4; ++i) {
            std::string name = "Slot0" + std::to_string(i);
            sb.file(std::string(kEncDir) + "/" + name + "/locate", "0\n");
            sb.file(std::string(kEncDir) + "/" + name + "/fault", "0\n");
            sb.file(std::string(kEncDir) + "/" + name + "/slot", std::to_string(i) + "\n");
            sb.file(std::string(kEncDir) + "/" + name + "/type", "array device\n");
            Slot s;
            s.index = i;
            s.label = name;
            s.sysPath = (sb.root() / kEncDir / name).string();
            e.slots.push_back(s);
        }
        e.slots[1].drive = "wwn-0x5000c500a1b2c301";
        e.slots[1].device = "sdb";
        e.slots[2].drive = "wwn-0x5000c500a1b2c302";
        e.slots[2].device = "sdc";
        inv.enclosures.push_back(e);
        for (int i = 1; i <= 2; ++i) {
            Drive d;
            d.id = "wwn-0x5000c500a1b2c30" + std::to_string(i);
            d.wwn = "0x5000c500a1b2c30" + std::to_string(i);
            d.serial = "Z1Z3A00" + std::to_string(i) + "K0000";
            d.kernelName = i == 1 ? "sdb" : "sdc";
            d.devnode = (sb.root() / "dev" / *d.kernelName).string();
            d.location.enclosure = kEnc;
            d.location.slot = i;
            d.location.label = "Slot0" + std::to_string(i);
            inv.drives.push_back(d);
        }
        sb.file("sys/bus/pci/slots/7/address", "0000:41:00\n");
        sb.file("sys/bus/pci/slots/7/attention", "0\n");
        Enclosure p;
        p.id = "pcie";
        p.kind = "pcie-slots";
        Slot ps;
        ps.index = 7;
        ps.label = "PCIe slot 7";
        ps.sysPath = (sb.root() / "sys/bus/pci/slots/7").string();
        ps.pciAddress = "0000:41:00.0";
        p.slots.push_back(ps);
        inv.enclosures.push_back(p);
        ctx = makeRootContext(sb.root());
        ctx.clock = clock;
        ctx.runner = runner;
        state = sb.root() / "state";
    }

    std::string read(const std::string& rel) const {
        std::ifstream f(sb.root() / rel);
        std::string s;
        std::getline(f, s);
        return s;
    }
    std::string slotFile(int slot, const char* f) const { return read(std::string(kEncDir) + "/Slot0" + std::to_string(slot) + "/" + f); }
    LedOptions opts() const {
        LedOptions o;
        o.stateDir = state;
        return o;
    }
    Bay bay(const std::string& what) {
        auto b = resolveBay(inv, SlotMemory{}, what);
        BOOST_REQUIRE_MESSAGE(b, (b ? "" : b.error().message));
        return *b;
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(locate_lights_exactly_one_slot_reads_back_and_leases_30_minutes) {
    LedHost h;
    auto c = setSlotLed(h.ctx, h.inv, h.bay("sdc"), LedPattern::locate, h.opts());
    BOOST_REQUIRE_MESSAGE(c, (c ? "" : c.error().message));
    BOOST_TEST(c->backend == "ses-sysfs");
    BOOST_TEST(c->verified);
    BOOST_TEST(c->bay.slot == 2);
    for (int i = 0; i < 4; ++i) BOOST_TEST(h.slotFile(i, "locate") == (i == 2 ? "1" : "0"));
    BOOST_REQUIRE(c->expiresAt);
    BOOST_TEST((*c->expiresAt - h.clock->t == std::chrono::system_clock::duration(kDefaultLocateLease)));
    auto leases = loadLeases(h.state);
    BOOST_REQUIRE(leases);
    BOOST_REQUIRE(leases->size() == 1u);
    BOOST_TEST((*leases)[0].enclosure == kEnc);
    BOOST_TEST((*leases)[0].slot == 2);
    BOOST_TEST((*leases)[0].drive.value_or("") == "wwn-0x5000c500a1b2c302");
    BOOST_TEST((*leases)[0].backend == "ses-sysfs");
}

BOOST_AUTO_TEST_CASE(leases_expire_by_the_clock_also_in_a_later_process) {
    LedHost h;
    auto o = h.opts();
    o.duration = 10min;
    BOOST_REQUIRE(setSlotLed(h.ctx, h.inv, h.bay("Slot01"), LedPattern::locate, o));
    BOOST_REQUIRE(setSlotLed(h.ctx, h.inv, h.bay("Slot03"), LedPattern::locate, h.opts()));  // 30 min
    h.clock->t += 9min;
    auto r = expireLeases(h.ctx, h.state);
    BOOST_REQUIRE(r);
    BOOST_TEST(r->expired.empty());
    BOOST_TEST(r->remaining.size() == 2u);
    BOOST_TEST(h.slotFile(1, "locate") == "1");
    // "restart": a new context over the same tree and state directory, nothing in memory
    Context later = makeRootContext(h.sb.root());
    auto clock2 = std::make_shared<TestClock>();
    clock2->t = h.clock->t + 2min;
    later.clock = clock2;
    r = expireLeases(later, h.state);
    BOOST_REQUIRE(r);
    BOOST_REQUIRE(r->expired.size() == 1u);
    BOOST_TEST(r->expired[0].slot == 1);
    BOOST_TEST(h.slotFile(1, "locate") == "0");
    BOOST_TEST(h.slotFile(3, "locate") == "1");
    BOOST_TEST(loadLeases(h.state)->size() == 1u);
    clock2->t += 30min;
    r = expireLeases(later, h.state);
    BOOST_REQUIRE(r);
    BOOST_TEST(r->expired.size() == 1u);
    BOOST_TEST(h.slotFile(3, "locate") == "0");
    BOOST_TEST(loadLeases(h.state)->empty());
}

BOOST_AUTO_TEST_CASE(fault_lights_of_others_are_never_cleared_without_force) {
    LedHost h;
    // md or ledmon lit bay 2's fault light
    h.sb.file(std::string(kEncDir) + "/Slot02/fault", "1\n");
    auto c = setSlotLed(h.ctx, h.inv, h.bay("sdc"), LedPattern::fault, h.opts());
    BOOST_REQUIRE(c);
    BOOST_TEST(c->notes.size() == 1u);  // not taken over
    BOOST_TEST(loadLeases(h.state)->empty());
    auto off = setSlotLed(h.ctx, h.inv, h.bay("sdc"), LedPattern::off, h.opts());
    BOOST_REQUIRE(off);
    BOOST_REQUIRE(off->conflicts.size() == 1u);
    BOOST_TEST(off->conflicts[0].find("fault light") != std::string::npos);
    BOOST_TEST(off->conflicts[0].find("--force") != std::string::npos);
    BOOST_TEST(h.slotFile(2, "fault") == "1");
    auto o = h.opts();
    o.force = true;
    off = setSlotLed(h.ctx, h.inv, h.bay("sdc"), LedPattern::off, o);
    BOOST_REQUIRE(off);
    BOOST_TEST(off->conflicts.empty());
    BOOST_TEST(h.slotFile(2, "fault") == "0");
    // one raidmon set itself goes off without force, and its lease with it
    BOOST_REQUIRE(setSlotLed(h.ctx, h.inv, h.bay("sdb"), LedPattern::fault, h.opts()));
    BOOST_TEST(h.slotFile(1, "fault") == "1");
    BOOST_TEST(loadLeases(h.state)->size() == 1u);
    BOOST_TEST(!(*loadLeases(h.state))[0].expiresAt);  // a fault light has no time limit
    off = setSlotLed(h.ctx, h.inv, h.bay("sdb"), LedPattern::off, h.opts());
    BOOST_REQUIRE(off);
    BOOST_TEST(off->conflicts.empty());
    BOOST_TEST(h.slotFile(1, "fault") == "0");
    BOOST_TEST(loadLeases(h.state)->empty());
}

BOOST_AUTO_TEST_CASE(a_write_that_fails_names_backend_and_file) {
    LedHost h;
    h.sb.remove(std::string(kEncDir) + "/Slot02/locate");
    h.sb.dir(std::string(kEncDir) + "/Slot02/locate");
    auto c = setSlotLed(h.ctx, h.inv, h.bay("sdc"), LedPattern::locate, h.opts());
    BOOST_REQUIRE(!c);
    BOOST_TEST(c.error().message.find("ses-sysfs") != std::string::npos);
    BOOST_TEST(c.error().message.find("Slot02/locate") != std::string::npos);
    BOOST_TEST(loadLeases(h.state)->empty());
}

BOOST_AUTO_TEST_CASE(rebuild_without_a_backend_for_it_says_what_was_tried) {
    LedHost h;
    h.runner->expectError({"ledctl", "--listed-only", "rebuild=" + h.inv.drives[0].devnode.value()}, errc::not_found,
                          "ledctl: not found in PATH");
    auto c = setSlotLed(h.ctx, h.inv, h.bay("sdb"), LedPattern::rebuild, h.opts());
    BOOST_REQUIRE(!c);
    BOOST_TEST(c.error().is(errc::unsupported));
    BOOST_TEST(c.error().message.find("ses-sysfs: has no rebuild light") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(pcie_attention_blinks_for_locate_and_keeps_a_fault) {
    LedHost h;
    auto c = setSlotLed(h.ctx, h.inv, h.bay("pcie:7"), LedPattern::locate, h.opts());
    BOOST_REQUIRE_MESSAGE(c, (c ? "" : c.error().message));
    BOOST_TEST(c->backend == "pcie-attention");
    BOOST_TEST(h.read("sys/bus/pci/slots/7/attention") == "2");
    BOOST_REQUIRE(setSlotLed(h.ctx, h.inv, h.bay("pcie:7"), LedPattern::off, h.opts()));
    BOOST_TEST(h.read("sys/bus/pci/slots/7/attention") == "0");
    // firmware lit it steadily (fault): an expiring locate lease leaves it alone
    BOOST_REQUIRE(setSlotLed(h.ctx, h.inv, h.bay("PCIe slot 7"), LedPattern::locate, h.opts()));
    h.sb.file("sys/bus/pci/slots/7/attention", "1\n");
    h.clock->t += 31min;
    auto r = expireLeases(h.ctx, h.state);
    BOOST_REQUIRE(r);
    BOOST_TEST(r->expired.size() == 1u);
    BOOST_TEST(h.read("sys/bus/pci/slots/7/attention") == "1");
}

BOOST_AUTO_TEST_CASE(npem_led_class_devices_are_preferred_to_attention) {
    LedHost h;
    for (const char* n : {"locate", "fail", "rebuild"}) {
        h.sb.file(std::string("sys/class/leds/0000:41:00.0:enclosure:") + n + "/brightness", "0\n");
        h.sb.file(std::string("sys/class/leds/0000:41:00.0:enclosure:") + n + "/max_brightness", "1\n");
    }
    auto c = setSlotLed(h.ctx, h.inv, h.bay("pcie:7"), LedPattern::rebuild, h.opts());
    BOOST_REQUIRE_MESSAGE(c, (c ? "" : c.error().message));
    BOOST_TEST(c->backend == "led-class");
    BOOST_TEST(h.read("sys/class/leds/0000:41:00.0:enclosure:rebuild/brightness") == "1");
    BOOST_TEST(h.read("sys/class/leds/0000:41:00.0:enclosure:locate/brightness") == "0");
    BOOST_TEST(h.read("sys/bus/pci/slots/7/attention") == "0");
    BOOST_REQUIRE(setSlotLed(h.ctx, h.inv, h.bay("pcie:7"), LedPattern::off, h.opts()));
    BOOST_TEST(h.read("sys/class/leds/0000:41:00.0:enclosure:rebuild/brightness") == "0");
}

BOOST_AUTO_TEST_CASE(bays_by_drive_name_serial_wwn_enclosure_slot_and_label) {
    LedHost h;
    SlotMemory none;
    for (const char* w : {"sdc", "Z1Z3A002K0000", "0x5000c500a1b2c302", "5000C500A1B2C302", "wwn-0x5000c500a1b2c302",
                          "0x500304801234567f:2", "0:0:12:0:2", "0x500304801234567f:Slot02", "Slot02", "slot02"}) {
        BOOST_TEST_CONTEXT(w) {
            auto b = resolveBay(h.inv, none, w);
            BOOST_REQUIRE_MESSAGE(b, (b ? "" : b.error().message));
            BOOST_TEST(b->enclosure == kEnc);
            BOOST_TEST(b->slot == 2);
        }
    }
    auto d = h.inv.drives[1].devnode.value();
    BOOST_TEST(resolveBay(h.inv, none, d)->slot == 2);
    auto nf = resolveBay(h.inv, none, "sdz");
    BOOST_REQUIRE(!nf);
    BOOST_TEST(nf.error().is(errc::not_found));
    BOOST_TEST(nf.error().message.find("'sdz'") != std::string::npos);
    BOOST_TEST(!resolveBay(h.inv, none, std::string(kEnc) + ":9"));
    // the same label in two enclosures is ambiguous
    Enclosure twin = h.inv.enclosures[0];
    twin.id = "0x5003048099999999";
    h.inv.enclosures.push_back(twin);
    auto amb = resolveBay(h.inv, none, "Slot00");
    BOOST_REQUIRE(!amb);
    BOOST_TEST(amb.error().is(errc::invalid_argument));
    BOOST_TEST(amb.error().message.find("0x5003048099999999:0") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(slot_memory_finds_the_bay_of_a_vanished_drive) {
    LedHost h;
    auto mem = rememberSlots(h.ctx, h.state, h.inv);
    BOOST_REQUIRE_MESSAGE(mem, (mem ? "" : mem.error().message));
    BOOST_TEST(mem->entries.size() == 2u);
    // the drive in bay 2 is pulled: gone from the inventory and from its slot
    h.inv.drives.pop_back();
    h.inv.enclosures[0].slots[2].drive.reset();
    h.inv.enclosures[0].slots[2].device.reset();
    h.clock->t += 1h;
    auto again = rememberSlots(h.ctx, h.state, h.inv);  // a later scan keeps what it no longer sees
    BOOST_REQUIRE(again);
    auto loaded = loadSlotMemory(h.state);
    BOOST_REQUIRE(loaded);
    BOOST_TEST(loaded->entries.size() == 2u);
    for (const char* w : {"Z1Z3A002K0000", "0x5000c500a1b2c302", "wwn-0x5000c500a1b2c302"}) {
        BOOST_TEST_CONTEXT(w) {
            auto b = resolveBay(h.inv, *loaded, w);
            BOOST_REQUIRE_MESSAGE(b, (b ? "" : b.error().message));
            BOOST_TEST(b->slot == 2);
            BOOST_TEST(b->fromMemory);
            BOOST_TEST(b->drive.value_or("") == "wwn-0x5000c500a1b2c302");
        }
    }
    BOOST_TEST(!resolveBay(h.inv, *loaded, "sdc"));  // kernel names are reused: not from memory
    auto c = setSlotLed(h.ctx, h.inv, *resolveBay(h.inv, *loaded, "Z1Z3A002K0000"), LedPattern::locate, h.opts());
    BOOST_REQUIRE(c);
    BOOST_TEST(h.slotFile(2, "locate") == "1");
}

namespace {
/// The identity of the file now at `p` (a rewrite replaces it by rename: a new inode) and its text.
std::pair<ino_t, std::string> fileIdentity(const std::filesystem::path& p) {
    struct stat st {};
    BOOST_REQUIRE(::stat(p.c_str(), &st) == 0);
    std::ifstream f(p);
    return {st.st_ino, std::string(std::istreambuf_iterator<char>(f), {})};
}
} // namespace

BOOST_AUTO_TEST_CASE(slot_memory_is_written_only_when_it_changes_and_forgets_drives_long_gone) {
    LedHost h;
    const auto file = h.state / "slots.json";
    BOOST_REQUIRE(rememberSlots(h.ctx, h.state, h.inv));
    const auto first = fileIdentity(file);
    // the same bays an hour later: nothing to write (seen_at is kept to the day)
    h.clock->t += 1h;
    BOOST_REQUIRE(rememberSlots(h.ctx, h.state, h.inv));
    BOOST_TEST((fileIdentity(file) == first));
    // a day later: seen_at refreshed, one rewrite
    h.clock->t += 24h;
    auto day = rememberSlots(h.ctx, h.state, h.inv);
    BOOST_REQUIRE(day);
    const auto second = fileIdentity(file);
    BOOST_TEST(second.first != first.first);
    BOOST_TEST((day->entries[0].seenAt == h.clock->t));
    // a kernel name changed (a reboot renamed the disk): rewritten at once
    h.inv.drives[0].kernelName = "sdq";
    BOOST_REQUIRE(rememberSlots(h.ctx, h.state, h.inv));
    BOOST_TEST(fileIdentity(file).second.find("\"sdq\"") != std::string::npos);
    // the drive in bay 2 is pulled: remembered for kSlotMemoryRetention after it was last seen
    const auto pulledAt = h.clock->t;
    h.inv.drives.pop_back();
    h.inv.enclosures[0].slots[2].drive.reset();
    const auto beforePull = fileIdentity(file);
    h.clock->t = pulledAt + kSlotMemoryRetention;
    auto kept = rememberSlots(h.ctx, h.state, h.inv);
    BOOST_REQUIRE(kept);
    BOOST_TEST(kept->entries.size() == 2u);
    BOOST_TEST(kept->find("Z1Z3A002K0000") != nullptr);
    // (the drive still present was refreshed: that is the only change written)
    BOOST_TEST(fileIdentity(file).second.find("Z1Z3A002K0000") != std::string::npos);
    BOOST_TEST(fileIdentity(file).first != beforePull.first);
    h.clock->t = pulledAt + kSlotMemoryRetention + 1s;
    auto pruned = rememberSlots(h.ctx, h.state, h.inv);
    BOOST_REQUIRE(pruned);
    BOOST_TEST(pruned->entries.size() == 1u);
    BOOST_TEST(pruned->find("Z1Z3A002K0000") == nullptr);
    auto loaded = loadSlotMemory(h.state);
    BOOST_REQUIRE(loaded);
    BOOST_TEST(loaded->entries.size() == 1u);
    BOOST_TEST(fileIdentity(file).second.find("Z1Z3A002K0000") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(damaged_state_files_are_errors_naming_file_and_place) {
    LedHost h;
    h.sb.file("state/leds.json", "{\"version\":1,\"leases\":[{\"enclosure\":\"x\",\"slot\":\"two\"}]}");
    auto l = loadLeases(h.state);
    BOOST_REQUIRE(!l);
    BOOST_TEST(l.error().is(errc::parse_error));
    BOOST_TEST(l.error().message.find("leds.json: leases[0]: 'slot'") != std::string::npos);
    h.sb.file("state/slots.json", "[1,2]");
    auto m = loadSlotMemory(h.state);
    BOOST_REQUIRE(!m);
    BOOST_TEST(m.error().message.find("slots.json: not a JSON object") != std::string::npos);
    // a lease pointing outside sysfs is refused, reported, and kept
    h.sb.file("state/leds.json",
              "{\"version\":1,\"leases\":[{\"enclosure\":\"e\",\"slot\":1,\"pattern\":\"locate\",\"backend\":\"ses-sysfs\","
              "\"target\":\"/etc\",\"set_at\":1,\"expires_at\":2,\"reason\":\"x\"}]}");
    auto r = expireLeases(h.ctx, h.state);
    BOOST_REQUIRE(r);
    BOOST_REQUIRE(r->failures.size() == 1u);
    BOOST_TEST(r->failures[0].find("not a device element of an enclosure") != std::string::npos);
    BOOST_TEST(r->remaining.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_tampered_lease_cannot_steer_a_backend_to_another_file) {
    // leds.json is state another process wrote: a lease may only name what its backend records
    // itself. Each of these would have written "0" somewhere else under /sys or /dev.
    LedHost h;
    h.sb.file("sys/class/leds/0000:41:00.0:enclosure:locate/brightness", "1\n");
    h.sb.file("sys/kernel/victim:enclosure:locate/brightness", "1\n");
    h.sb.file("sys/kernel/victim/locate", "1\n");
    h.sb.file("sys/kernel/victim/attention", "1\n");
    h.sb.file("sys/kernel/victim/type", "array device\n");
    const std::string sys = (h.sb.root() / "sys").string(), dev = (h.sb.root() / "dev").string();
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"led-class", sys + "/kernel/victim"},                                   // not in class/leds
        {"led-class", sys + "/class/leds/../../kernel/victim"},                  // .. out of class/leds
        {"led-class", sys + "/class/leds/victim"},                               // not a PCI function
        {"pcie-attention", sys + "/kernel/victim"},                              // not a hot-plug slot
        {"pcie-attention", sys + "/bus/pci/slots/../../../kernel/victim"},
        {"ses-sysfs", sys + "/kernel/victim"},                                   // no enclosure around it
        {"ses-sysfs", sys + "/" + std::string(kEncDir).substr(4) + "/Slot01/../../../../kernel/victim"},
        {"ses-sg", dev + "/sda|slot=1"},                                         // not an sg node
        {"ses-sg", dev + "/../etc/sg1|slot=1"},
        {"ledctl", dev + "/../etc/passwd"},
        {"ledctl", dev + "/-sdb"},
        {"controller", "megaraid|c0|/c0/e252/s3\x1b[2J|"},                       // control characters
        {"controller", "shell|c0|x|"},                                           // unknown kind
    };
    std::string leases;
    for (std::size_t i = 0; i < bad.size(); ++i) {
        nlohmann::json j{{"enclosure", "e"}, {"slot", static_cast<int>(i)}, {"pattern", "locate"}, {"backend", bad[i].first},
                                {"target", bad[i].second}, {"set_at", 1}, {"expires_at", 2}, {"reason", "x"}};
        leases += (i ? "," : "") + j.dump();
    }
    h.sb.file("state/leds.json", "{\"version\":1,\"leases\":[" + leases + "]}");
    auto r = expireLeases(h.ctx, h.state);
    BOOST_REQUIRE_MESSAGE(r, (r ? "" : r.error().message));
    BOOST_TEST(r->expired.empty());
    BOOST_REQUIRE(r->failures.size() == bad.size());
    for (std::size_t i = 0; i < bad.size(); ++i) {
        BOOST_TEST_INFO(bad[i].first << " " << bad[i].second);
        BOOST_TEST(r->failures[i].find("lease of e:" + std::to_string(i) + " ") != std::string::npos, r->failures[i]);
    }
    BOOST_TEST(r->remaining.size() == bad.size());  // kept for a person to look at
    BOOST_TEST(h.read("sys/class/leds/0000:41:00.0:enclosure:locate/brightness") == "1");
    BOOST_TEST(h.read("sys/kernel/victim:enclosure:locate/brightness") == "1");
    BOOST_TEST(h.read("sys/kernel/victim/locate") == "1");
    BOOST_TEST(h.read("sys/kernel/victim/attention") == "1");
    BOOST_TEST(h.runner->calls().empty());  // no ledctl, no storcli
}

namespace {

/// An enclosure processor in memory: serves the captured pages and applies control pages to
/// its status page as an enclosure that honours them would (or ignores them).
class FakeEnclosure final : public detail::SesTransport {
public:
    explicit FakeEnclosure(bool honour) : pages_(raidmon::test::sesCapturePages()), honour_(honour) {}
    Result<std::vector<std::uint8_t>> receive(std::uint8_t page) override {
        auto it = pages_.find(page);
        if (it == pages_.end()) return fail(errc::unsupported, "no page");
        return it->second;
    }
    Result<void> send(const std::vector<std::uint8_t>& page) override {
        sent.push_back(page);
        if (!honour_) return {};
        auto& st = pages_[2];
        BOOST_REQUIRE(page.size() == st.size());
        for (std::size_t off = 8; off + 3 < page.size(); off += 4) {
            if (!(page[off] & 0x80)) continue;  // not SELECTed
            st[off + 2] = static_cast<std::uint8_t>((st[off + 2] & ~0x02) | (page[off + 2] & 0x02));
            st[off + 3] = static_cast<std::uint8_t>((st[off + 3] & ~0x20) | (page[off + 3] & 0x20));
            st[off + 1] = static_cast<std::uint8_t>((st[off + 1] & ~0x02) | (page[off + 1] & 0x02));
        }
        return {};
    }
    std::string node() const override { return "/dev/sg7"; }
    std::vector<std::vector<std::uint8_t>> sent;

private:
    std::map<int, std::vector<std::uint8_t>> pages_;
    bool honour_;
};

} // namespace

BOOST_AUTO_TEST_CASE(ses_sg_backend_selects_one_element_and_reads_it_back) {
    auto enc = std::make_unique<FakeEnclosure>(true);
    FakeEnclosure* raw = enc.get();
    auto b = detail::makeSesSgBackend(std::move(enc), {18, std::string("SLOT 19"), std::nullopt});
    BOOST_TEST(b->target() == "/dev/sg7|slot=18");
    BOOST_TEST((b->get(detail::Indicator::locate).value() == std::optional<bool>(false)));
    auto r = b->set(detail::Indicator::locate, true);
    BOOST_REQUIRE_MESSAGE(r, (r ? "" : r.error().message));
    BOOST_TEST((b->get(detail::Indicator::locate).value() == std::optional<bool>(true)));
    BOOST_REQUIRE(raw->sent.size() == 1u);
    int selected = 0;
    for (std::size_t off = 8; off < raw->sent[0].size(); off += 4) selected += (raw->sent[0][off] & 0x80) ? 1 : 0;
    BOOST_TEST(selected == 1);
    BOOST_TEST((raw->sent[0][8 + 4 * 19] & 0x80) != 0);
    BOOST_REQUIRE(b->set(detail::Indicator::rebuild, true));  // an array device slot has rebuild
    BOOST_TEST((b->get(detail::Indicator::locate).value() == std::optional<bool>(true)));  // kept
    // by descriptor when the enclosure gives no slot numbers for the key
    auto byName = detail::makeSesSgBackend(std::make_unique<FakeEnclosure>(true), {std::nullopt, std::string("SLOT 03"), std::nullopt});
    BOOST_REQUIRE(byName->set(detail::Indicator::fault, true));
    auto none = detail::makeSesSgBackend(std::make_unique<FakeEnclosure>(true), {std::nullopt, std::string("SLOT 99"), std::nullopt});
    auto nf = none->get(detail::Indicator::locate);
    BOOST_REQUIRE(!nf);
    BOOST_TEST(nf.error().message.find("/dev/sg7|descriptor=SLOT 99") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(ses_sg_write_the_enclosure_ignores_is_reported) {
    auto b = detail::makeSesSgBackend(std::make_unique<FakeEnclosure>(false), {4, std::nullopt, std::nullopt});
    auto r = b->set(detail::Indicator::locate, true);
    BOOST_REQUIRE(!r);
    BOOST_TEST(r.error().message.find("ses-sg: /dev/sg7|slot=4") != std::string::npos);
    BOOST_TEST(r.error().message.find("reads back off") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(ledctl_is_the_last_resort_and_is_not_verified) {
    LedHost h;
    // bay 1 has no enclosure-class attributes (an enclosure the kernel lists without them)
    h.sb.remove(std::string(kEncDir) + "/Slot01/locate");
    h.sb.remove(std::string(kEncDir) + "/Slot01/fault");
    const std::string node = h.inv.drives[0].devnode.value();
    h.runner->expect({"ledctl", "--listed-only", "locate=" + node}, "");
    auto c = setSlotLed(h.ctx, h.inv, h.bay("sdb"), LedPattern::locate, h.opts());
    BOOST_REQUIRE_MESSAGE(c, (c ? "" : c.error().message));
    BOOST_TEST(c->backend == "ledctl");
    BOOST_TEST(!c->verified);
    h.runner->expect({"ledctl", "--listed-only", "locate_off=" + node}, "");
    h.clock->t += 31min;
    auto r = expireLeases(h.ctx, h.state);
    BOOST_REQUIRE(r);
    BOOST_TEST(r->expired.size() == 1u);
    // not installed: said so, naming what was tried
    h.runner->expectError({"ledctl", "--listed-only", "failure=" + node}, errc::not_found, "ledctl: not found in PATH");
    auto nf = setSlotLed(h.ctx, h.inv, h.bay("sdb"), LedPattern::fault, h.opts());
    BOOST_REQUIRE(!nf);
    BOOST_TEST(nf.error().is(errc::unsupported));
    BOOST_TEST(nf.error().message.find("ledctl: ledctl --listed-only failure=") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(server_identify_through_ipmitool_with_a_lease) {
    LedHost h;
    h.runner->expect({"ipmitool", "chassis", "identify", "force"}, "Chassis identify interval: indefinite\n");
    h.runner->expect({"ipmitool", "chassis", "status"}, "System Power         : on\nChassis Identify State : Indefinite On\n");
    auto r = setServerIdentify(h.ctx, true, h.opts());
    BOOST_REQUIRE_MESSAGE(r, (r ? "" : r.error().message));
    BOOST_TEST(r->empty());
    auto leases = loadLeases(h.state);
    BOOST_REQUIRE(leases->size() == 1u);
    BOOST_TEST((*leases)[0].enclosure == "server");
    BOOST_TEST((*leases)[0].backend == "ipmi");
    h.clock->t += 31min;
    h.runner->expect({"ipmitool", "chassis", "identify", "0"}, "Chassis identify interval: off\n");
    h.runner->expect({"ipmitool", "chassis", "status"}, "Chassis Identify State : Off\n");
    auto e = expireLeases(h.ctx, h.state);
    BOOST_REQUIRE(e);
    BOOST_TEST(e->expired.size() == 1u);
    // a short time: the BMC's own timer, no lease
    auto o = h.opts();
    o.duration = 60s;
    h.runner->expect({"ipmitool", "chassis", "identify", "60"}, "");
    h.runner->expect({"ipmitool", "chassis", "status"}, "System Power : on\n");  // BMC does not say
    r = setServerIdentify(h.ctx, true, o);
    BOOST_REQUIRE(r);
    BOOST_TEST(r->size() == 2u);  // not verified; the BMC's timer
    BOOST_TEST(loadLeases(h.state)->empty());
    // a BMC that says "Off" after "on" is a failure naming the command
    h.runner->expect({"ipmitool", "chassis", "identify", "force"}, "");
    h.runner->expect({"ipmitool", "chassis", "status"}, "Chassis Identify State : Off\n");
    auto bad = setServerIdentify(h.ctx, true, h.opts());
    BOOST_REQUIRE(!bad);
    BOOST_TEST(bad.error().is(errc::command_failed));
    BOOST_TEST(bad.error().message.find("ipmitool chassis identify force") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_enclosure_the_kernel_did_not_bind_is_read_from_its_pages) {
    auto p = raidmon::test::sesCapturePages();
    auto cfg = detail::ses::parseConfiguration(p[1]);
    BOOST_REQUIRE(cfg);
    auto slots = detail::ses::parseSlots(*cfg, p[2], p[7], p[0x0a]);
    BOOST_REQUIRE(slots);
    // the capture's drive, in SLOT 19, has this SAS address (the expander's, on slots 13-16, is no drive)
    std::map<std::string, std::string> bySas{{"0x5000c5003011cb29", "wwn-0x5000c5003011cb28"},
                                             {"0x5001517e85c3efff", "wwn-0x5001517e85c3efff"}};
    Enclosure e = detail::sesEnclosureFromPages(*cfg, *slots, bySas, "0:0:9:0", "/sys/devices/x/0:0:9:0");
    BOOST_TEST(e.kind == "ses-sg");
    BOOST_TEST(e.id == "0xd5b401503fc0ec16");
    BOOST_TEST(e.vendor.value_or("") == "Areca");
    BOOST_REQUIRE(e.slots.size() == 24u);
    BOOST_TEST(e.slots[18].index == 18);
    BOOST_TEST(e.slots[18].label.value_or("") == "SLOT 19");
    BOOST_TEST(e.slots[18].drive.value_or("") == "wwn-0x5000c5003011cb28");
    for (const auto& s : e.slots)
        if (s.index != 18) BOOST_TEST(!s.drive);
    BOOST_TEST(e.slots[18].status.value_or("") == "OK");
    BOOST_TEST(e.slots[0].status.value_or("") == "Not installed");
    BOOST_TEST((e.slots[0].locate == std::optional<bool>(false)));
    BOOST_TEST(toString(e.health) == "OK");

    // its lights go through SG_IO only, and only with device I/O allowed
    LedHost h;
    h.sb.dir("sys/devices/x/0:0:9:0/scsi_generic/sg4");
    e.sysPath = (h.sb.root() / "sys/devices/x/0:0:9:0").string();
    h.inv.enclosures.push_back(e);
    auto backends = detail::backendsFor(h.ctx, h.inv, h.bay("0xd5b401503fc0ec16:18"));
    BOOST_REQUIRE(backends.size() == 1u);
    BOOST_TEST(backends[0]->name() == "ses-sg");
    BOOST_TEST(backends[0]->target() == (h.sb.root() / "dev/sg4").string() + "|slot=18");
    auto c = setSlotLed(h.ctx, h.inv, h.bay("0xd5b401503fc0ec16:SLOT 19"), LedPattern::locate, h.opts());
    BOOST_REQUIRE(!c);
    BOOST_TEST(c.error().is(errc::unsupported));
    BOOST_TEST(c.error().message.find("device I/O is off") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(drives_behind_a_raid_controller_are_lit_through_its_tool) {
    LedHost h;
    // a MegaRAID drive as the ctl merge reports it: no sysfs bay, the tool's address
    Enclosure e;
    e.id = "megaraid:c0/e252";
    e.kind = "megaraid";
    Slot s;
    s.index = 0;
    s.drive = "SEAGATE_ZL2PVFA8";
    s.locate = false;
    e.slots.push_back(s);
    h.inv.enclosures.push_back(e);
    Drive d;
    d.id = "SEAGATE_ZL2PVFA8";
    d.serial = "ZL2PVFA8";
    d.location.controller = "megaraid:c0";
    d.location.enclosure = e.id;
    d.location.slot = 0;
    d.controllerView = ControllerDriveInfo{};
    d.controllerView->address = "/c0/e252/s0";
    h.inv.drives.push_back(d);
    const std::string drives = raidmon::test::readData("storcli/storcli-call-eall-sall-show-all-J-m5015.json");
    const std::string ok = R"({"Controllers":[{"Command Status":{"Controller":0,"Status":"Success","Description":"Start Drive Locate Succeeded."}}]})";
    h.runner->expect({"storcli64", "/c0/e252/s0", "show", "all", "J"}, drives)
        .expect({"storcli64", "/c0/e252/s0", "start", "locate", "J"}, ok)
        .expect({"storcli64", "/c0/e252/s0", "show", "all", "J"}, drives);
    auto c = setSlotLed(h.ctx, h.inv, h.bay("ZL2PVFA8"), LedPattern::locate, h.opts());
    BOOST_REQUIRE_MESSAGE(c, (c ? "" : c.error().message));
    BOOST_TEST(c->backend == "controller");
    BOOST_TEST(c->target == "megaraid|megaraid:c0|/c0/e252/s0|ZL2PVFA8");
    // the lease rebuilds the same backend after a restart; a tool that has gone is a failure kept for later
    h.clock->t += 31min;
    for (auto tool : detail::ctl::kStorcli)
        h.runner->expectError({std::string(tool), "/c0/e252/s0", "show", "all", "J"}, errc::not_found,
                              std::string(tool) + ": not found");
    auto r = expireLeases(h.ctx, h.state);
    BOOST_REQUIRE(r);
    h.runner->verifyDone();
    BOOST_REQUIRE(r->failures.size() == 1u);
    BOOST_TEST(r->failures[0].find("controller (megaraid /c0/e252/s0)") != std::string::npos);
    BOOST_TEST(r->remaining.size() == 1u);
}
