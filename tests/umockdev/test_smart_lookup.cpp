// SPDX-License-Identifier: LGPL-2.1-or-later
// `raidmon smart DRIVE` finds its drive without a full scan (scanInventoryFor) and prints what it
// printed when it scanned everything: for every drive of sas12 (md members, a failed one in a bay
// the enclosure reports Critical, SATA SSDs with partitions in md) and every way of naming it, the
// real binary's output is compared with a full scanInventory() + readSmart() in this process.
// smartctl is a stand-in that prints a real capture (no device I/O in a testbed).
#define BOOST_TEST_MODULE smart_lookup
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <unistd.h>
#include <filesystem>
#include <fstream>

#include <raidmon/inventory.hpp>
#include <raidmon/json.hpp>
#include <raidmon/smart.hpp>

#include "testbed.hpp"

using raidmon::test::Testbed;
using raidmon::test::testbedDir;
namespace fs = std::filesystem;

namespace {

/// A directory first in PATH whose smartctl prints one capture and exits 0.
struct FakeSmartctl {
    fs::path dir;
    FakeSmartctl() {
        dir = fs::temp_directory_path() / ("raidmon-smart-lookup-" + std::to_string(::getpid()));
        fs::create_directories(dir);
        std::ofstream(dir / "smartctl") << "#!/bin/sh\nexec cat '" << RAIDMON_TEST_DATA << "/smartctl-json/ata-hdd-wd140edfz-a.json'\n";
        fs::permissions(dir / "smartctl", fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
        ::setenv("PATH", (dir.string() + ":" + std::getenv("PATH")).c_str(), 1);
    }
    ~FakeSmartctl() { fs::remove_all(dir); }
};

raidmon::Context testbedContext(const Testbed& tb) {
    raidmon::Context ctx = raidmon::makeSystemContext();
    ctx.paths.proc = tb.root() / "proc";
    ctx.paths.etc = tb.root() / "etc";
    ctx.deviceIo = raidmon::DeviceIo::none;
    return ctx;
}

/// What `raidmon smart` scans: no signatures, no mdstat cross-check.
raidmon::ScanOptions smartScan() {
    raidmon::ScanOptions scan;
    scan.probeSignatures = false;
    scan.crossCheckMdstat = false;
    return scan;
}

/// What `raidmon smart` printed before it had a targeted lookup: a full scan, the first drive that
/// matches, its SMART reading, as a document of its own (format_version first, as the CLI prints it).
std::string fullScanSmart(const raidmon::Context& ctx, const raidmon::Drive& d) {
    raidmon::SmartOptions so;
    so.via = raidmon::SmartVia::smartctl;
    auto r = raidmon::readSmart(ctx, d, so);
    BOOST_REQUIRE_MESSAGE(r, (r ? "" : r.error().message));
    return raidmon::asDocument(raidmon::toJson(*r), 2) + "\n";
}

} // namespace

BOOST_AUTO_TEST_CASE(smart_by_every_name_prints_what_a_full_scan_gives) {
    FakeSmartctl fake;
    Testbed tb(testbedDir("sas12"));
    const auto ctx = testbedContext(tb);
    const raidmon::ScanOptions scan = smartScan();
    auto full = raidmon::scanInventory(ctx, scan);
    BOOST_REQUIRE(full);
    BOOST_REQUIRE(full->drives.size() >= 10u);
    int compared = 0;
    for (const auto& d : full->drives) {
        const std::string expected = fullScanSmart(ctx, d);
        std::vector<std::string> names = {d.id};
        if (d.kernelName) names.push_back(*d.kernelName);
        if (d.devnode) names.push_back(*d.devnode);
        if (d.serial) names.push_back(*d.serial);
        if (d.wwn) names.push_back(*d.wwn);
        for (const auto& name : names) {
            BOOST_TEST_CONTEXT(d.id << " as " << name) {
                auto r = tb.run({RAIDMON_CLI, "smart", name, "--json", "--no-device-io", "--via", "smartctl", "--proc", "@TB@/proc", "--etc",
                                 "@TB@/etc"});
                BOOST_TEST(r.out == expected, r.err);
                ++compared;
            }
        }
    }
    BOOST_TEST(compared >= 40);
    // sas12's failed drive (bay 3: md0 marked it faulty, the enclosure reports it Critical, its
    // fault light is on) keeps every reason in the targeted lookup
    auto bay3 = std::find_if(full->drives.begin(), full->drives.end(), [](const raidmon::Drive& d) { return d.location.label == "Slot03"; });
    BOOST_REQUIRE(bay3 != full->drives.end());
    auto one = raidmon::scanInventoryFor(ctx, *bay3->serial, scan);
    BOOST_REQUIRE(one);
    BOOST_TEST(raidmon::toJson(one->drives.at(0), 2) == raidmon::toJson(*bay3, 2));
    BOOST_TEST((one->drives.at(0).health == raidmon::Health::Critical));
    auto missing = tb.run({RAIDMON_CLI, "smart", "sdzz", "--json", "--no-device-io", "--proc", "@TB@/proc", "--etc", "@TB@/etc"});
    BOOST_TEST(missing.exitStatus == 3);
    BOOST_TEST(missing.out.find("no drive 'sdzz'") != std::string::npos, missing.out);
}

BOOST_AUTO_TEST_CASE(the_lookup_reads_one_drive_and_its_own_enclosure_not_the_host) {
    Testbed tb(testbedDir("jbod120"));
    const auto ctx = testbedContext(tb);
    const raidmon::ScanOptions scan = smartScan();
    auto full = raidmon::scanInventory(ctx, scan);
    BOOST_REQUIRE(full);
    BOOST_REQUIRE(full->drives.size() == 116u);
    BOOST_REQUIRE(full->enclosures.size() == 2u);
    // a drive of the second JBOD, by serial, by WWN and by kernel name
    const raidmon::Drive& d = full->drives.back();
    for (const std::string& name : {*d.serial, *d.wwn, *d.kernelName, d.id}) {
        BOOST_TEST_CONTEXT(name) {
            auto one = raidmon::scanInventoryFor(ctx, name, scan);
            BOOST_REQUIRE(one);
            BOOST_TEST(one->drives.size() == 1u);
            BOOST_TEST(one->enclosures.size() == 1u);
            BOOST_TEST(one->enclosures.at(0).id == *d.location.enclosure);
            BOOST_TEST(raidmon::toJson(one->drives.at(0), 2) == raidmon::toJson(d, 2));
        }
    }
    // nothing by that name: the full scan's answer (no such drive in it either)
    auto none = raidmon::scanInventoryFor(ctx, "8DH9999K", scan);
    BOOST_REQUIRE(none);
    BOOST_TEST(none->drives.size() == 116u);
}
