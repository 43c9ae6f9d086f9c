// SPDX-License-Identifier: LGPL-2.1-or-later
// `raidmon status` — the real binary — inside umockdev testbeds of realistic servers: real libudev
// enumeration, real sysfs file I/O, the slot mapping, md states, identity and exit codes; then
// the same testbeds broken on purpose (dangling links, missing attributes, garbage values).
#define BOOST_TEST_MODULE status_testbeds
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <set>
#include <fstream>

#include <nlohmann/json.hpp>

#include "testbed.hpp"

using raidmon::test::RunResult;
using raidmon::test::Testbed;
using raidmon::test::testbedDir;
using Json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Device I/O off: identity and signatures must come from sysfs and udev's properties alone, and
// nothing can ever open a node that falls through to the host.
std::vector<std::string> statusArgs(bool json = true) {
    std::vector<std::string> a = {RAIDMON_CLI, "status", "--no-device-io", "--proc", "@TB@/proc", "--etc", "@TB@/etc"};
    if (json) a.push_back("--json");
    return a;
}

struct Scan {
    RunResult run;
    Json j;
};

Scan status(Testbed& tb) {
    Scan s;
    s.run = tb.run(statusArgs());
    BOOST_TEST_INFO("stderr: " << s.run.err);
    s.j = Json::parse(s.run.out, nullptr, false);
    BOOST_REQUIRE_MESSAGE(!s.j.is_discarded(), "status --json printed no JSON: " << s.run.out.substr(0, 300));
    return s;
}

const Json* byKey(const Json& arr, const char* key, const std::string& value) {
    for (const auto& e : arr)
        if (e.contains(key) && e[key].is_string() && e[key] == value) return &e;
    return nullptr;
}

const Json& drive(const Json& j, const std::string& name) {
    const Json* d = byKey(j["drives"], "kernel_name", name);
    BOOST_REQUIRE_MESSAGE(d, "no drive " << name);
    return *d;
}

const Json& array(const Json& j, const std::string& name) {
    const Json* a = byKey(j["arrays"], "name", name);
    BOOST_REQUIRE_MESSAGE(a, "no array " << name);
    return *a;
}

std::string findSyspath(const Testbed& tb, const std::string& name) {
    // the block device's real directory inside the testbed
    auto link = tb.root() / "sys" / "block" / name;
    return "/sys" + fs::canonical(link).string().substr((tb.root() / "sys").string().size());
}

} // namespace

BOOST_AUTO_TEST_CASE(sas12_bay_mapping_md_states_identity_exit_code) {
    Testbed tb(testbedDir("sas12"));
    auto s = status(tb);
    const Json& j = s.j;
    BOOST_TEST(s.run.exitStatus == 2);  // a failed drive: critical
    BOOST_TEST(j["health"] == "Critical");
    // identity
    BOOST_TEST(j["host"]["hostname"] == "stor-fra1-0142");
    BOOST_TEST(j["host"]["machine_id"] == "8d3f2a6c41b94e0f9c1e5a7b2d4c6e80");
    BOOST_TEST(j["host"]["dmi"]["product_serial"] == "S214879X9A01420");
    BOOST_TEST(j["host"]["dmi"]["chassis_asset_tag"] == "HC-FRA1-0142");
    BOOST_TEST(j["host"]["dmi"]["uuid"] == "00000000-0000-0000-0000-ac1f6b4c0142");
    // controller
    BOOST_REQUIRE(j["controllers"].size() == 1u);
    BOOST_TEST(j["controllers"][0]["id"] == "0000:3b:00.0");
    BOOST_TEST(j["controllers"][0]["kind"] == "sas-hba");
    // enclosure: 12 slots, drive in every bay but 11, fault on bay 3
    BOOST_REQUIRE(j["enclosures"].size() == 1u);
    const Json& e = j["enclosures"][0];
    BOOST_TEST(e["id"] == "0x5003048017b0f07f");
    BOOST_TEST(e["vendor"] == "LSI");
    BOOST_TEST(e["product"] == "SAS3x28");
    BOOST_REQUIRE(e["slots"].size() == 12u);
    const char* names[] = {"sda", "sdb", "sdc", "sdd", "sde", "sdf", "sdg", "sdh", "sdi", "sdj", "sdk"};
    for (int i = 0; i < 11; ++i) {
        BOOST_TEST_CONTEXT("slot " << i) {
            BOOST_TEST(e["slots"][i]["index"] == i);
            BOOST_TEST(e["slots"][i]["device"] == names[i]);
            const Json& d = drive(j, names[i]);
            BOOST_TEST(d["location"]["enclosure"] == "0x5003048017b0f07f");
            BOOST_TEST(d["location"]["slot"] == i);
            BOOST_TEST(d["location"]["controller"] == "0000:3b:00.0");
            BOOST_TEST(e["slots"][i]["drive"] == d["id"]);
        }
    }
    BOOST_TEST(e["slots"][11]["drive"].is_null());
    BOOST_TEST(e["slots"][11]["status"] == "not installed");
    BOOST_TEST(e["slots"][3]["fault"] == true);
    // drives: SAS identity from VPD, SATA identity from the ATA information page
    const Json& sdd = drive(j, "sdd");
    BOOST_TEST(sdd["id"] == "wwn-0x5000c500a1b2c30c");
    BOOST_TEST(sdd["serial"] == "Z1Z3A003K0000");
    BOOST_TEST(sdd["protocol"] == "SAS");
    BOOST_TEST(sdd["rotation_rpm"] == 7200);
    BOOST_TEST(sdd["state"] == "failed");
    BOOST_TEST(sdd["health"] == "Critical");
    BOOST_TEST(sdd["location"]["label"] == "Slot03");
    const Json& sdi = drive(j, "sdi");
    BOOST_TEST(sdi["protocol"] == "SATA");
    BOOST_TEST(sdi["model"] == "INTEL SSDSC2KG480G8");
    BOOST_TEST(sdi["serial"] == "PHYG9263012B480BGN");
    BOOST_TEST(sdi["media"] == "SSD");
    BOOST_TEST(sdi["role"] == "md-member");  // through its second partition
    BOOST_TEST(sdi["signatures"][0]["type"] == "gpt");
    BOOST_TEST(drive(j, "sdk")["role"] == "unused");
    BOOST_TEST(drive(j, "sda")["role"] == "md-member");
    // arrays
    const Json& md0 = array(j, "md0");
    BOOST_TEST(md0["level"] == "raid6");
    BOOST_TEST(md0["state"] == "degraded");
    BOOST_TEST(md0["redundancy_left"] == 1);
    BOOST_TEST(md0["active_disks"] == 7);
    BOOST_TEST(md0["members"][3]["role"] == "faulty");
    BOOST_TEST(md0["members"][3]["drive"] == sdd["id"]);
    BOOST_TEST(md0["uuid"] == "3f1c8a52:7b0e4d19:a6c29e5d:30b8f417");
    const Json& md1 = array(j, "md1");
    BOOST_TEST(md1["state"] == "optimal");
    BOOST_TEST(md1["members"][0]["device"] == "sdi2");
    BOOST_TEST(md1["members"][0]["drive"] == sdi["id"]);
    BOOST_TEST(j["notes"].empty());  // sysfs and /proc/mdstat agree

    // the human view names the bay of the failed drive
    auto human = tb.run(statusArgs(false));
    BOOST_TEST(human.exitStatus == 2);
    BOOST_TEST(human.out.find("Slot03      Critical       FAULT    sdd") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(nvme2_pcie_bays_and_raid1) {
    Testbed tb(testbedDir("nvme2"));
    auto s = status(tb);
    BOOST_TEST(s.run.exitStatus == 0);
    BOOST_TEST(s.j["health"] == "OK");
    BOOST_TEST(s.j["host"]["dmi"]["sys_vendor"] == "Dell Inc.");
    BOOST_TEST(s.j["host"]["dmi"]["product_serial"] == "7XK2Q13");
    const Json* pcie = byKey(s.j["enclosures"], "kind", "pcie-slots");
    BOOST_REQUIRE(pcie);
    BOOST_REQUIRE((*pcie)["slots"].size() == 3u);
    BOOST_TEST((*pcie)["slots"][0]["device"] == "nvme0n1");
    BOOST_TEST((*pcie)["slots"][1]["device"] == "nvme1n1");
    BOOST_TEST((*pcie)["slots"][2]["status"] == "empty");
    const Json& n0 = drive(s.j, "nvme0n1");
    BOOST_TEST(n0["protocol"] == "NVMe");
    BOOST_TEST(n0["serial"] == "S437NA0M912345");
    BOOST_TEST(n0["model"] == "SAMSUNG MZQLB960HAJR-00007");
    BOOST_TEST(n0["firmware"] == "EDA5402Q");
    BOOST_TEST(n0["id"] == "eui.33343730524123450025384500000001");
    BOOST_TEST(n0["location"]["label"] == "PCIe slot 0");
    BOOST_TEST(n0["location"]["controller"] == "0000:41:00.0");
    const Json& md0 = array(s.j, "md0");
    BOOST_TEST(md0["state"] == "optimal");
    BOOST_TEST(md0["members"][1]["device"] == "nvme1n1p2");
    BOOST_TEST(md0["members"][1]["drive"] == drive(s.j, "nvme1n1")["id"]);
}

BOOST_AUTO_TEST_CASE(ahci4_raid5_recovering) {
    Testbed tb(testbedDir("ahci4"));
    auto s = status(tb);
    BOOST_TEST(s.run.exitStatus == 1);
    BOOST_TEST(s.j["health"] == "Warning");
    BOOST_TEST(s.j["enclosures"].empty());
    BOOST_TEST(s.j["host"]["dmi"]["chassis_asset_tag"].is_null());  // empty in SMBIOS: unknown, not ""
    const Json& md0 = array(s.j, "md0");
    BOOST_TEST(md0["state"] == "rebuilding");
    BOOST_TEST(md0["operation"]["kind"] == "recovery");
    BOOST_TEST(md0["operation"]["percent"].get<double>() == 100.0 * 2924979766.0 / 7809841888.0,
               boost::test_tools::tolerance(1e-9));
    BOOST_TEST(md0["operation"]["speed_kib_s"] == 148325);
    BOOST_TEST(md0["members"][2]["role"] == "rebuilding");
    BOOST_TEST(drive(s.j, "sdc")["state"] == "rebuilding");
    BOOST_TEST(drive(s.j, "sdc")["serial"] == "WD-WX12D91A7PEN");
    BOOST_TEST(drive(s.j, "sdc")["wwn"] == "0x50014ee2b9a07c33");
    BOOST_TEST(drive(s.j, "sda")["location"]["controller"] == "0000:00:17.0");
    BOOST_TEST(array(s.j, "md1")["state"] == "optimal");
}

BOOST_AUTO_TEST_CASE(jbod120_two_enclosures_at_scale) {
    Testbed tb(testbedDir("jbod120"));
    auto s = status(tb);
    BOOST_TEST(s.run.exitStatus == 0);
    BOOST_REQUIRE(s.j["enclosures"].size() == 2u);
    BOOST_TEST(s.j["drives"].size() == 116u);
    int occupied = 0;
    for (const auto& e : s.j["enclosures"]) {
        BOOST_TEST(e["slots"].size() == 60u);
        for (const auto& sl : e["slots"]) occupied += sl["drive"].is_null() ? 0 : 1;
    }
    BOOST_TEST(occupied == 116);
    const Json& e1 = s.j["enclosures"][1];
    BOOST_TEST(e1["id"] == "0x5000ccab0405f23f");
    BOOST_TEST(e1["slots"][5]["drive"].is_null());
    BOOST_TEST(e1["slots"][6]["label"] == "SLOT 006");
    // every drive knows its bay, and no two drives claim the same one
    std::set<std::string> bays;
    for (const auto& d : s.j["drives"]) {
        BOOST_REQUIRE(!d["location"]["slot"].is_null());
        bays.insert(d["location"]["enclosure"].get<std::string>() + "/" + std::to_string(d["location"]["slot"].get<int>()));
    }
    BOOST_TEST(bays.size() == 116u);
}

BOOST_AUTO_TEST_CASE(broken_tree_is_reported_not_crashed_on) {
    Testbed tb(testbedDir("sas12"));
    auto sys = tb.root() / "sys";
    auto sdk = findSyspath(tb, "sdk");
    auto sdb = findSyspath(tb, "sdb");
    auto sdc = findSyspath(tb, "sdc");
    auto sdj = findSyspath(tb, "sdj");
    // garbage values
    tb.setAttribute(sdk, "size", "12x\n");
    tb.setAttribute(sdk, "queue/logical_block_size", "\xff\xfe\n");
    tb.setAttribute("/sys/devices/virtual/block/md1", "md/raid_disks", "two\n");
    // a missing attribute (serial page) and a dangling link (the disk's parent is gone)
    fs::remove(tb.root() / sdb.substr(1) / "device" / "vpd_pg80");
    fs::remove(tb.root() / sdc.substr(1) / "device");
    fs::create_symlink("../../../../../../../../../../../nonexistent/0:0:2:0", tb.root() / sdc.substr(1) / "device");
    // a drive pulled mid-scan: the enclosure slot still links to its SCSI device, which is gone
    fs::remove_all(fs::path(tb.root() / sdj.substr(1)).parent_path().parent_path());
    auto s = status(tb);
    const Json& j = s.j;
    BOOST_TEST(s.run.exitStatus == 2);
    const Json& k = drive(j, "sdk");
    BOOST_TEST(k["capacity_bytes"].is_null());  // unknown, never 0
    BOOST_TEST(k["logical_block_size"].is_null());
    BOOST_TEST(drive(j, "sdb")["serial"].is_null());
    BOOST_TEST(!byKey(j["drives"], "kernel_name", "sdc"));  // skipped, with a note
    BOOST_TEST(!byKey(j["drives"], "kernel_name", "sdj"));
    std::string notes = j["notes"].dump();
    BOOST_TEST(notes.find("sdc") != std::string::npos);
    BOOST_TEST(notes.find("size: not a number: '12x'") != std::string::npos);
    BOOST_TEST(notes.find("raid_disks: not a number: 'two'") != std::string::npos);
    BOOST_TEST(array(j, "md1")["raid_disks"].is_null());
}
