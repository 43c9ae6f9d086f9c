// SPDX-License-Identifier: LGPL-2.1-or-later
// Every hardware-RAID capture in tests/data decodes, detected automatically,
// with the counts and states read from the captures by hand (see tests/data/PROVENANCE.tsv).
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
    {"storcli/perccli-not-controller.json", "storcli-json", 0, 0, 0, ""},
    {"storcli/storcli-c0-e252-s7-set-good-J-failure.json", "storcli-json", 0, 0, 0, ""},
    {"storcli/storcli-c0-eall-show-J-enclosures.json", "storcli-json", 1, 0, 0, ""},
    {"storcli/storcli-c0-fall-show-J-foreign.json", "storcli-json", 1, 1, 0, "inactive"},
    {"storcli/storcli-c0-show-J-controller-status-failed.json", "storcli-json", 1, 1, 12, "optimal"},
    {"storcli/storcli-c0-show-J-intel-rs3dc080.json", "storcli-json", 1, 1, 12, "optimal"},
    {"storcli/storcli-c0-show-events-text-DEGRADED-OFFLINE.txt", "storcli-events", 0, 1, 0, "degraded"},
    {"storcli/storcli-call-eall-sall-show-all-J-m5015.json", "storcli-json", 1, 0, 6, ""},
    {"storcli/storcli-call-show-all-J-hba9500-8i-mpt3sas.json", "storcli-json", 1, 0, 29, ""},
    {"storcli/storcli-call-show-all-J-servraid-m5015-megaraid.json", "storcli-json", 1, 1, 6, "optimal"},
    {"storcli/storcli-call-show-all-text-hba9400-16i.txt", "storcli-text", 1, 0, 16, ""},
    {"storcli/storcli-call-show-all-text-multi-ctrl-OK.txt", "storcli-text", 3, 2, 20, "optimal"},
    {"storcli/storcli-call-show-all-text-servraid-m5110e.txt", "storcli-text", 1, 2, 16, "optimal"},
    {"storcli/storcli-show-J-hba9400-16i.json", "storcli-json", 1, 0, 0, ""},
    {"megacli/megacli-adpbbucmd-NON-OPERATIONAL-issue39.txt", "megacli", 1, 0, 0, ""},
    {"megacli/megacli-adpbbucmd-REPLACEMENT-REQUIRED-issue39.txt", "megacli", 1, 0, 0, ""},
    {"megacli/megacli-adpbbucmd-aall-old.txt", "megacli", 1, 0, 0, ""},
    {"megacli/megacli-adpbbucmd-aall-recent.txt", "megacli", 1, 0, 0, ""},
    {"megacli/megacli-ldinfo-lall-aall-7vds-issue45.txt", "megacli", 1, 7, 0, "optimal"},
    {"megacli/megacli-ldpdinfo-aall-raid10-8drives.txt", "megacli", 1, 1, 8, "optimal"},
    {"megacli/megacli-pdlist-aall-jbod.txt", "megacli", 1, 0, 4, ""},
    {"megacli/megacli-pdlist-aall-media-errors-pfc4-issue49.txt", "megacli", 1, 0, 6, ""},
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

BOOST_AUTO_TEST_CASE(storcli_m5015_controller_vd_and_drive_detail) {
    Capture c = load("storcli/storcli-call-show-all-J-servraid-m5015-megaraid.json");
    const auto& ctl = c.controllers.at(0);
    BOOST_TEST(ctl.model.value() == "ServeRAID M5015 SAS/SATA Controller");
    BOOST_TEST(ctl.firmware.value() == "2.130.403-4660");
    BOOST_TEST(ctl.pciAddress.value() == "0000:0a:00.0");
    BOOST_TEST(ctl.batteryStatus.value() == "Optimal");
    BOOST_TEST(ctl.health == Health::OK);
    const auto& vd = c.arrays.at(0);
    BOOST_TEST(vd.level.value() == "raid6");
    BOOST_TEST(vd.members.size() == 6u);
    BOOST_TEST(vd.redundancyLeft.value() == 2);
    const Drive* d = driveAt(c, "252", 0);
    BOOST_TEST_REQUIRE(d);
    BOOST_TEST(d->location.megaraidDid.value() == 34);
    BOOST_TEST(d->state.value() == DriveState::online);
    BOOST_TEST(!d->serial);  // "show all" has no serial; the /eall/sall answer has

    Capture s = load("storcli/storcli-call-eall-sall-show-all-J-m5015.json");
    const Drive* ds = driveAt(s, "252", 0);
    BOOST_TEST_REQUIRE(ds);
    BOOST_TEST(ds->serial.value() == "ZL2PVFA8");
    BOOST_TEST(ds->wwn.value() == "0x5000c500e54f4ebb");
    BOOST_TEST(ds->firmware.value() == "SN03");
    BOOST_TEST(ds->capacityBytes.value() == 0x746c00000ULL * 512);  // "Raw size ... [0x746c00000 Sectors]"
    BOOST_TEST(ds->controllerView->mediaErrors.value() == 0u);
    BOOST_TEST(ds->controllerView->smartAlert.value() == false);
    BOOST_TEST(ds->controllerView->temperatureC.value() == 28);
    BOOST_TEST(ds->controllerView->address.value() == "/c0/e252/s0");
}

BOOST_AUTO_TEST_CASE(storcli_failures_and_foreign_config) {
    Capture none = load("storcli/perccli-not-controller.json");
    BOOST_TEST(none.notes.at(0).find("No Controller found") != std::string::npos);
    Capture fgn = load("storcli/storcli-c0-fall-show-J-foreign.json");
    BOOST_TEST(fgn.arrays.at(0).level.value() == "raid60");
    BOOST_TEST(fgn.controllers.at(0).health == Health::Warning);
    Capture failed = load("storcli/storcli-c0-show-J-controller-status-failed.json");
    BOOST_TEST(failed.controllers.at(0).health == Health::Warning);
    BOOST_TEST(failed.notes.at(0).find("Incomplete foreign configuration") != std::string::npos);
    Capture hba = load("storcli/storcli-call-show-all-J-hba9500-8i-mpt3sas.json");
    BOOST_TEST(hba.controllers.at(0).kind == "sas-hba");
    for (const auto& d : hba.drives) BOOST_TEST(d.state.value() == DriveState::jbod);
}

BOOST_AUTO_TEST_CASE(storcli_text_spans_and_cachevault) {
    // No public capture shows storcli JSON of a degraded VD; the text layout maps into the same tree.
    Capture c = load("storcli/storcli-call-show-all-text-servraid-m5110e.txt");
    const auto& r10 = c.arrays.at(1);
    BOOST_TEST(r10.level.value() == "raid10");
    BOOST_TEST(r10.members.size() == 14u);
    BOOST_TEST(c.controllers.at(0).batteryStatus.value() == "Optimal");  // Cachevault_Info CVPM02
    BOOST_TEST(c.notes.at(0).find("command invalid") != std::string::npos);
    Capture ev = load("storcli/storcli-c0-show-events-text-DEGRADED-OFFLINE.txt");
    BOOST_TEST(ev.notes.size() == 3u);
    BOOST_TEST(ev.arrays.at(0).health == Health::Critical);
}

BOOST_AUTO_TEST_CASE(megacli_errors_predictive_failure_and_battery) {
    Capture c = load("megacli/megacli-pdlist-aall-media-errors-pfc4-issue49.txt");
    const Drive* d5 = driveAt(c, "252", 5);
    BOOST_TEST_REQUIRE(d5);
    BOOST_TEST(d5->controllerView->mediaErrors.value() == 94u);
    BOOST_TEST(d5->controllerView->predictiveFailures.value() == 4u);
    BOOST_TEST(d5->failurePredicted.value());
    BOOST_TEST(d5->health == Health::Warning);
    BOOST_TEST(driveAt(c, "252", 2)->controllerView->mediaErrors.value() == 8u);
    Capture bbu = load("megacli/megacli-adpbbucmd-NON-OPERATIONAL-issue39.txt");
    BOOST_TEST(bbu.controllers.at(0).batteryStatus.value() == "Non Operational");
    BOOST_TEST(bbu.controllers.at(0).health == Health::Warning);
    Capture rep = load("megacli/megacli-adpbbucmd-REPLACEMENT-REQUIRED-issue39.txt");
    BOOST_TEST(rep.controllers.at(0).batteryStatus.value() == "Replacement required");
    Capture jb = load("megacli/megacli-pdlist-aall-jbod.txt");
    BOOST_TEST(jb.drives.at(0).serial.value() == "9XF1922X");
    BOOST_TEST(jb.drives.at(0).model.value() == "ST9500620NS");
    Capture r10 = load("megacli/megacli-ldpdinfo-aall-raid10-8drives.txt");
    BOOST_TEST(r10.arrays.at(0).level.value() == "raid10");
    BOOST_TEST(r10.arrays.at(0).members.size() == 8u);
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
