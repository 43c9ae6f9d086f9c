// SPDX-License-Identifier: LGPL-2.1-or-later
// Every hardware-RAID, mdadm and lsscsi capture in tests/data decodes, detected automatically,
// with the counts and states read from the captures by hand (see tests/data/PROVENANCE.tsv).
// MegaRAID (storcli, perccli, MegaCli) captures are checked field by field by their expectation
// files instead (tests/data/expected/storcli, expected/megacli).
#define BOOST_TEST_MODULE ctl_captures
#include <algorithm>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <raidmon/decode.hpp>

#include "model_print.hpp"
#include "testdata.hpp"

using namespace raidmon;
namespace bdata = boost::unit_test::data;

namespace {

struct Expect {
    const char* path;
    const char* format;
    std::size_t controllers, arrays, drives;
    const char* firstArrayState;  // "" when the capture has no array
};

std::ostream& operator<<(std::ostream& os, const Expect& e) { return os << e.path; }

const Expect kAll[] = {
    {"ssacli/cciss_vol_status-V-p420i-issue205.txt", "cciss_vol_status", 1, 1, 8, "optimal"},
    {"ssacli/cciss_vol_status-replacement-drives-p400.txt", "cciss_vol_status", 1, 2, 1, "degraded"},
    {"ssacli/hpacucli-ctrl-all-show-status-p420i-cache-disabled-recharging-pr193.txt", "ssacli", 1, 0, 0, ""},
    {"ssacli/hpacucli-ld-all-show-p410-array-FAILED-issue98.txt", "ssacli", 1, 3, 0, "optimal"},
    {"ssacli/hpssacli-ctrl-all-show-status-p840-hba-mode-h244br-145.txt", "ssacli", 2, 0, 0, ""},
    {"ssacli/hpssacli-ld-all-show-b140i-tab-indent-issue139.txt", "ssacli", 1, 1, 0, "optimal"},
    // The provenance line says 34 drives; the capture lists 68 (ports 1I and 2I).
    {"ssacli/hpssacli-pd-all-show-p840-hba-34drives-145.txt", "ssacli", 1, 0, 68, ""},
    {"ssacli/ssacli-ctrl-all-show-config-detail-P400ar.txt", "ssacli", 1, 2, 8, "optimal"},
    {"ssacli/ssacli-ctrl-all-show-config-detail-P400i-battery-failed-unassigned.txt", "ssacli", 1, 1, 4, "optimal"},
    {"ssacli/ssacli-ctrl-all-show-config-detail-P408i-a.txt", "ssacli", 1, 1, 4, "optimal"},
    {"arcconf/arcconf-getconfig-al-2025s-DEGRADED-segment-missing-issue86.txt", "arcconf", 1, 1, 2, "degraded"},
    {"arcconf/arcconf-getconfig-al-5405-BATTERY-FAILED-issue105.txt", "arcconf", 1, 1, 4, "optimal"},
    {"arcconf/arcconf-getconfig-al-5405-jbod-issue55.txt", "arcconf", 1, 1, 4, "optimal"},
    {"arcconf/arcconf-getconfig-al-6405-DEGRADED-REBUILDING-issue47.txt", "arcconf", 1, 1, 4, "rebuilding"},
    {"arcconf/arcconf-getconfig-al-6405-optimal-issue47.txt", "arcconf", 1, 1, 4, "optimal"},
    {"arcconf/arcconf-getconfig-al-asr7805q-dedicated-spares-pr66.txt", "arcconf", 1, 3, 14, "optimal"},
    {"arcconf/arcconf-getconfig-al-serveraid-8k.txt", "arcconf", 1, 1, 2, "optimal"},
    {"arcconf/arcconf-getconfig-al-smartraid-3154-16i.txt", "arcconf", 1, 2, 14, "optimal"},
    {"arcconf/arcconf-getconfig-ld-current-raid10.txt", "arcconf", 1, 1, 0, "optimal"},
    {"arcconf/arcconf-getconfig-ld-old.txt", "arcconf", 1, 1, 0, "optimal"},
    {"arcconf/arcconf-getconfig-pd-current-netapp-sas.txt", "arcconf", 1, 0, 6, ""},
    {"arcconf/arcconf-getconfig-pd-old.txt", "arcconf", 1, 0, 4, ""},
    {"arcconf/arcconf-getstatus-buildverify-90pct-issue190.txt", "arcconf", 0, 1, 0, "checking"},
    {"arcconf/arcconf-getstatus-rebuild-1pct-issue47.txt", "arcconf", 0, 1, 0, "rebuilding"},
    {"sas-ircu/sas2ircu-display-sas2008-raid-volume.txt", "sas-ircu", 1, 1, 2, "optimal"},
    {"sas-ircu/sas3ircu-list.txt", "sas-ircu", 2, 0, 0, ""},
    {"mdadm/mdadm-detail-ddf-container-2vols.txt", "mdadm-detail", 0, 1, 0, "inactive"},
    {"mdadm/mdadm-detail-md125-raid1-v090-clean.txt", "mdadm-detail", 0, 1, 0, "optimal"},
    {"mdadm/mdadm-detail-md127-raid1-v090-clean.txt", "mdadm-detail", 0, 1, 0, "optimal"},
    {"mdadm/mdadm-detail-raid0.txt", "mdadm-detail", 0, 1, 0, "optimal"},
    {"mdadm/mdadm-detail-raid1-DEGRADED-removed.txt", "mdadm-detail", 0, 1, 0, "degraded"},
    {"mdadm/mdadm-detail-raid1-FAULTY-member-writemostly-failfast.txt", "mdadm-detail", 0, 1, 0, "optimal"},
    {"mdadm/mdadm-detail-raid1-FAULTY-with-spare.txt", "mdadm-detail", 0, 1, 0, "rebuilding"},
    {"mdadm/mdadm-detail-raid1-FAULTY.txt", "mdadm-detail", 0, 1, 0, "degraded"},
    {"mdadm/mdadm-detail-raid1-REBUILD-failfast.txt", "mdadm-detail", 0, 1, 0, "rebuilding"},
    {"mdadm/mdadm-detail-raid1-RESYNC.txt", "mdadm-detail", 0, 1, 0, "resyncing"},
    {"mdadm/mdadm-detail-raid1-spare.txt", "mdadm-detail", 0, 1, 0, "optimal"},
    {"mdadm/mdadm-detail-raid1-v11-6TB-bitmap-real-host.txt", "mdadm-detail", 0, 1, 0, "optimal"},
    {"mdadm/mdadm-detail-raid5-homehost.txt", "mdadm-detail", 0, 1, 0, "optimal"},
    {"mdadm/mdadm-examine-raid1-faulty.txt", "mdadm-examine", 0, 1, 0, "degraded"},
    {"mdadm/mdadm-examine-raid1-replacing.txt", "mdadm-examine", 0, 1, 0, "rebuilding"},
    {"lsscsi/lsscsi-g-hp-p2000g3-enclosures.txt", "lsscsi", 0, 0, 4, ""},
    {"lsscsi/lsscsi-g-p410i-dvd-issue149.txt", "lsscsi", 1, 2, 0, "unknown"},
    {"lsscsi/lsscsi-g-p410i-with-prompt.txt", "lsscsi", 1, 1, 0, "unknown"},
    {"lsscsi/lsscsi-g-p420i-issue205.txt", "lsscsi", 1, 1, 0, "unknown"},
    {"lsscsi/proc-scsi-scsi-ibm-pioneer.txt", "proc-scsi", 0, 0, 1, ""},
};

Capture load(const char* path) {
    auto c = decode(test::readData(path));
    BOOST_TEST_REQUIRE(c.has_value(), path << ": " << (c ? "" : c.error().message));
    return *c;
}

const Drive* driveAt(const Capture& c, std::string_view enclosure, int slot) {
    for (const auto& d : c.drives)
        if (d.location.enclosure == enclosure && d.location.slot == slot) return &d;
    return nullptr;
}

} // namespace

BOOST_DATA_TEST_CASE(every_capture_decodes_with_its_counts, bdata::make(kAll), e) {
    Capture c = load(e.path);
    BOOST_TEST(c.format == e.format);
    BOOST_TEST(c.controllers.size() == e.controllers);
    BOOST_TEST(c.arrays.size() == e.arrays);
    BOOST_TEST(c.drives.size() == e.drives);
    if (!c.arrays.empty()) BOOST_TEST(c.arrays.front().state == e.firstArrayState);
    for (const auto& d : c.drives) BOOST_TEST(!d.id.empty());
    std::vector<std::string> ids;
    for (const auto& d : c.drives) ids.push_back(d.id);
    std::sort(ids.begin(), ids.end());
    BOOST_TEST((std::adjacent_find(ids.begin(), ids.end()) == ids.end()), "drive ids are unique");
}

BOOST_AUTO_TEST_CASE(smartarray_battery_cache_failed_array_replacement) {
    Capture c = load("ssacli/ssacli-ctrl-all-show-config-detail-P400i-battery-failed-unassigned.txt");
    const auto& ctl = c.controllers.at(0);
    BOOST_TEST(ctl.batteryStatus.value() == "Failed (Replace Batteries)");
    BOOST_TEST(ctl.cacheStatus.value() == "Temporarily Disabled");
    BOOST_TEST(ctl.health == Health::Warning);
    BOOST_TEST(driveAt(c, "1I:1", 1)->state.value() == DriveState::unconfigured);
    BOOST_TEST(driveAt(c, "1I:1", 3)->state.value() == DriveState::online);
    Capture f = load("ssacli/hpacucli-ld-all-show-p410-array-FAILED-issue98.txt");
    BOOST_TEST(f.arrays.at(1).health == Health::Critical);
    Capture r = load("ssacli/cciss_vol_status-replacement-drives-p400.txt");
    BOOST_TEST(r.drives.at(0).state.value() == DriveState::rebuilding);
    BOOST_TEST(r.drives.at(0).serial.value() == "9QK24NBZ");
    Capture g10 = load("ssacli/ssacli-ctrl-all-show-config-detail-P408i-a.txt");
    BOOST_TEST(g10.arrays.at(0).level.value() == "raid6");
    BOOST_TEST(g10.arrays.at(0).members.size() == 4u);
}

BOOST_AUTO_TEST_CASE(adaptec_rebuild_missing_segment_spares_battery) {
    Capture c = load("arcconf/arcconf-getconfig-al-6405-DEGRADED-REBUILDING-issue47.txt");
    BOOST_TEST(c.arrays.at(0).health == Health::Warning);
    BOOST_TEST(driveAt(c, "0", 3)->state.value() == DriveState::rebuilding);
    Capture pct = load("arcconf/arcconf-getstatus-rebuild-1pct-issue47.txt");
    BOOST_TEST(pct.arrays.at(0).operation->percent.value() == 1.0);
    Capture bv = load("arcconf/arcconf-getstatus-buildverify-90pct-issue190.txt");
    BOOST_TEST(bv.arrays.at(0).operation->kind == "build-verify");
    BOOST_TEST(bv.arrays.at(0).operation->percent.value() == 90.0);
    Capture m = load("arcconf/arcconf-getconfig-al-2025s-DEGRADED-segment-missing-issue86.txt");
    BOOST_TEST(m.arrays.at(0).members.at(1).role == "missing");
    BOOST_TEST(m.arrays.at(0).health == Health::Critical);
    Capture b = load("arcconf/arcconf-getconfig-al-5405-BATTERY-FAILED-issue105.txt");
    BOOST_TEST(b.controllers.at(0).health == Health::Warning);
    BOOST_TEST(b.arrays.at(0).health == Health::OK);
    Capture s = load("arcconf/arcconf-getconfig-al-asr7805q-dedicated-spares-pr66.txt");
    BOOST_TEST(std::count_if(s.drives.begin(), s.drives.end(), [](const Drive& d) { return d.state == DriveState::spare; }) == 2);
    Capture j = load("arcconf/arcconf-getconfig-al-5405-jbod-issue55.txt");
    BOOST_TEST(std::count_if(j.drives.begin(), j.drives.end(), [](const Drive& d) { return d.state == DriveState::jbod; }) == 1);
}

BOOST_AUTO_TEST_CASE(sas_ircu_mdadm_lsscsi) {
    Capture ir = load("sas-ircu/sas2ircu-display-sas2008-raid-volume.txt");
    BOOST_TEST(ir.arrays.at(0).level.value() == "raid1");
    BOOST_TEST(ir.drives.at(0).serial.value() == "9XF3RK3W");
    BOOST_TEST(ir.controllers.at(0).pciAddress.value() == "0000:05:00.0");
    Capture rb = load("mdadm/mdadm-detail-raid1-REBUILD-failfast.txt");
    BOOST_TEST(rb.arrays.at(0).operation->percent.value() == 20.0);
    Capture rp = load("mdadm/mdadm-examine-raid1-replacing.txt");
    BOOST_TEST(rp.arrays.at(0).members.back().role == "replacement");
    Capture ls = load("lsscsi/lsscsi-g-p410i-dvd-issue149.txt");
    BOOST_TEST(ls.arrays.at(0).devnode.value() == "/dev/sda");
    BOOST_TEST(ls.controllers.at(0).kind == "smartarray");
}
