// SPDX-License-Identifier: LGPL-2.1-or-later
// Every SMART capture in tests/data (smartctl JSON and text, nvme-cli smart-log) decoded through the
// public decode() API. Expected values were read from the captures by hand; "--" serials and
// REDACTED fields are the authors' redactions (see tests/data/PROVENANCE.tsv).
#define BOOST_TEST_MODULE smart_captures
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <optional>
#include <ostream>
#include <string>

#include <raidmon/decode.hpp>

#include "testdata.hpp"

using namespace raidmon;
using std::nullopt;

namespace {

struct Expect {
    const char* file;
    const char* format;
    std::optional<std::string> serial;
    std::optional<std::string> model;
    std::optional<int> temperatureC;
    std::optional<std::uint64_t> powerOnHours;
    std::optional<bool> passed;
    std::optional<std::uint64_t> reallocated;  ///< ATA 5
    std::optional<std::uint64_t> pending;      ///< ATA 197
    std::optional<std::uint64_t> offlineUnc;   ///< ATA 198
    std::optional<std::uint64_t> grown;        ///< SCSI grown defects
    std::optional<int> criticalWarning;        ///< NVMe
    std::optional<std::uint64_t> mediaErrors;  ///< NVMe
    Health health;
    bool failurePredicted;
};

std::ostream& operator<<(std::ostream& os, const Expect& e) { return os << e.file; }

const Expect kCaptures[] = {
    // smartctl JSON, ATA
    {"smartctl-json/ata-hdd-hgst-hus724020ale640-errlog12.json", "smartctl-json", "REDACTED", "HGST HUS724020ALE640", 26, 83425, true, 0, 0, 0, nullopt, nullopt, nullopt, Health::OK, false},
    {"smartctl-json/ata-hdd-seagate-st3200820as-errlog98.json", "smartctl-json", "REDACTED", "ST3200820AS", 33, 100161, true, 0, 0, 0, nullopt, nullopt, nullopt, Health::OK, false},
    {"smartctl-json/ata-hdd-wd140edfz-a.json", "smartctl-json", "9RK1XXXX", "WDC WD140EDFZ-11A0VA0", 32, 1730, true, 0, 0, 0, nullopt, nullopt, nullopt, Health::OK, false},
    {"smartctl-json/ata-hdd-wdc-wd181kryz.json", "smartctl-json", "REDACTED", "WDC WD181KRYZ-01AGBB0", 49, 8244, true, 0, 0, 0, nullopt, nullopt, nullopt, Health::OK, false},
    {"smartctl-json/ata-hdd-wdc-wuh721816ale6l4-errlog1.json", "smartctl-json", "REDACTED", "WDC  WUH721816ALE6L4", 26, 20117, true, 0, 0, 0, nullopt, nullopt, nullopt, Health::OK, false},
    {"smartctl-json/ata-hdd-wdc-wuh721816ale6l4-windows-d-ata.json", "smartctl-json", "3WJMHZ6L", "WDC  WUH721816ALE6L4", 26, 593, true, 0, 0, 0, nullopt, nullopt, nullopt, Health::OK, false},
    {"smartctl-json/ata-ssd-kingston-skc400-realloc1.json", "smartctl-json", "REDACTED", "KINGSTON SKC400S371T", 31, 54450, true, 1, 0, nullopt, nullopt, nullopt, nullopt, Health::Warning, false},
    {"smartctl-json/ata-ssd-micron-5300-mtfddak1t9tds.json", "smartctl-json", "REDACTED", "Micron_5300_MTFDDAK1T9TDS", 24, 4175, true, 0, 0, 0, nullopt, nullopt, nullopt, Health::OK, false},
    {"smartctl-json/ata-ssd-samsung-840-x-crc-errors.json", "smartctl-json", "S14LNEACC02756X", "Samsung SSD 840 Series", 33, 19497, true, 0, nullopt, nullopt, nullopt, nullopt, nullopt, Health::OK, false},
    {"smartctl-json/ata-ssd-samsung-860evo-x.json", "smartctl-json", "S3YZNB0KB00864E", "Samsung SSD 860 EVO 500GB", 36, 14551, true, 0, nullopt, nullopt, nullopt, nullopt, nullopt, Health::OK, false},
    {"smartctl-json/ata-ssd-samsung850pro-windows.json", "smartctl-json", "S24ZN902000L", "X SSD 850 PRO 128GB", 32, 846, true, 0, nullopt, nullopt, nullopt, nullopt, nullopt, Health::OK, false},
    {"smartctl-json/ata-ssd-wd-red-sa500-wds400t1r0a.json", "smartctl-json", "REDACTED", "WDC  WDS400T1R0A-68A4W0", 27, 8244, true, 0, nullopt, nullopt, nullopt, nullopt, nullopt, Health::OK, false},
    {"smartctl-json/hitachi-hds721050dle630-usbjmicron-FAILED.json", "smartctl-json", "MSK423Y20S3HBC", "Hitachi HDS721050DLE630", 25, 65592, false, 1975, 8, 0, nullopt, nullopt, nullopt, Health::Critical, true},
    {"smartctl-json/megaraid0-wd4000fyyx-sat.json", "smartctl-json", "XXXXXXXXXXXX", "WD4000FYYX", 36, 37787, true, 0, 0, 0, nullopt, nullopt, nullopt, Health::OK, false},
    {"smartctl-json/usb-sat-sandisk-pssd.json", "smartctl-json", "06c9f4c44", "SanDisk pSSD", nullopt, 11, true, 0, nullopt, nullopt, nullopt, nullopt, nullopt, Health::OK, false},
    // smartctl JSON, NVMe
    {"smartctl-json/info-nvme-kioxia-kcd61lul3t84.json", "smartctl-json", "61Q0A05UT7B8", "KCD61LUL3T84", nullopt, nullopt, nullopt, nullopt, nullopt, nullopt, nullopt, nullopt, nullopt, Health::Unknown, false},
    {"smartctl-json/nvme-corsair-force-mp510.json", "smartctl-json", "yes", "Force MP510", 38, 6487, true, nullopt, nullopt, nullopt, nullopt, 0, 0, Health::OK, false},
    {"smartctl-json/nvme-hgst-husmr7632bhp301.json", "smartctl-json", "REDACTED", "HUSMR7632BHP301", 40, 482, true, nullopt, nullopt, nullopt, nullopt, 0, 0, Health::OK, false},
    {"smartctl-json/nvme-intel-660p-ssdpeknw010t8.json", "smartctl-json", "BTNH93710FS91P0B", "INTEL SSDPEKNW010T8", 36, 2401, true, nullopt, nullopt, nullopt, nullopt, 0, 0, Health::OK, false},
    {"smartctl-json/nvme-intel-p4510-ssdpe2kx080t8.json", "smartctl-json", "REDACTED", "INTEL SSDPE2KX080T8", 29, 12164, true, nullopt, nullopt, nullopt, nullopt, 0, 0, Health::OK, false},
    {"smartctl-json/nvme-micron-7450-mtfdkcc3t2tfs.json", "smartctl-json", "REDACTED", "Micron_7450_MTFDKCC3T2TFS", 33, 2884, true, nullopt, nullopt, nullopt, nullopt, 0, 0, Health::OK, false},
    {"smartctl-json/nvme-samsung-970evoplus.json", "smartctl-json", "REDACTED", "Samsung SSD 970 EVO Plus 250GB", 35, 3149, true, nullopt, nullopt, nullopt, nullopt, 0, 0, Health::OK, false},
    {"smartctl-json/nvme-seagate-firecuda530.json", "smartctl-json", "REDACTED", "Seagate FireCuda 530 ZP4000GM30023", 39, 3113, true, nullopt, nullopt, nullopt, nullopt, 0, 0, Health::OK, false},
    {"smartctl-json/nvme-wd-sn770-windows.json", "smartctl-json", "22050Y803439", "WD_BLACK SN770 500GB", 33, 670, true, nullopt, nullopt, nullopt, nullopt, 0, 0, Health::OK, false},
    // smartctl JSON, SCSI/SAS
    {"smartctl-json/scsi-hitachi-h109060sesun600g-sas.json", "smartctl-json", "REDACTED", "H109060SESUN600G", 26, 22364, true, nullopt, nullopt, nullopt, 0, nullopt, nullopt, Health::OK, false},
    {"smartctl-json/scsi-hp-mas3735nc.json", "smartctl-json", "REDACTED", "MAS3735NC", 28, nullopt, true, nullopt, nullopt, nullopt, 0, nullopt, nullopt, Health::OK, false},
    {"smartctl-json/scsi-intel-rste-raid1-volume-windows.json", "smartctl-json", "Volume1", "Raid 1 Volume", nullopt, nullopt, nullopt, nullopt, nullopt, nullopt, nullopt, nullopt, nullopt, Health::Unknown, false},
    {"smartctl-json/scsi-sas-anon-7.2.json", "smartctl-json", "XXXXXXX", "XXXX000OOOO", 24, 32978, true, nullopt, nullopt, nullopt, 0, nullopt, nullopt, Health::OK, false},
    {"smartctl-json/scsi-sas-redacted-netdata.json", "smartctl-json", "REDACTED", "REDACTED", 34, 1641, true, nullopt, nullopt, nullopt, 0, nullopt, nullopt, Health::OK, false},
    {"smartctl-json/scsi-seagate-st1200mm0088-sas.json", "smartctl-json", "Z4028VRY0000C810BZXB", "ST1200MM0088", 31, 5675, true, nullopt, nullopt, nullopt, 0, nullopt, nullopt, Health::OK, false},
    {"smartctl-json/scsi-seagate-st4000nm0043-grown56-partial.json", "smartctl-json", "Z1Z5DWJK0000XXXXXXXX", "ST4000NM0043", 34, 43549, true, nullopt, nullopt, nullopt, 56, nullopt, nullopt, Health::Warning, false},
    // smartctl text
    {"smartctl-text/ata-hdd-hgst-hdn721010ale604-healthy.txt", "smartctl-text", "--", "HGST HDN721010ALE604", 28, 30733, true, 0, 0, 0, nullopt, nullopt, nullopt, Health::OK, false},
    {"smartctl-text/ata-hdd-hgst-hus724020ala640-FAILED.txt", "smartctl-text", "--", "HGST HUS724020ALA640", 29, 89379, false, 1303, 86, 0, nullopt, nullopt, nullopt, Health::Critical, true},
    {"smartctl-text/ata-hdd-samsung-hd502hi-pending17-selftest-fail21.txt", "smartctl-text", "--", "SAMSUNG HD502HI", 22, 77783, true, 0, 17, 1, nullopt, nullopt, nullopt, Health::Critical, true},
    {"smartctl-text/ata-hdd-seagate-st2000nm0008-FAILED-realloc16284.txt", "smartctl-text", "--", "ST2000NM0008-2F3100", 41, 39384, false, 16284, 0, 0, nullopt, nullopt, nullopt, Health::Critical, true},
    {"smartctl-text/ata-hdd-wdc-wd10ealx-FAILED-realloc730-pending75.txt", "smartctl-text", "--", "WDC WD10EALX-009BA0", 41, 45197, false, 730, 75, 69, nullopt, nullopt, nullopt, Health::Critical, true},
    {"smartctl-text/ata-hgst-hus724040ale640-megaraid16.txt", "smartctl-text", "PKXXXXXXXXXXGB", "HGST HUS724040ALE640", 33, 47396, true, 0, 0, 0, nullopt, nullopt, nullopt, Health::OK, false},
    {"smartctl-text/ata-ssd-crucial-mx100-realloc515-pending31.txt", "smartctl-text", "--", "Crucial_CT128MX100SSD1", 56, 25088, true, 515, 31, 0, nullopt, nullopt, nullopt, Health::Warning, true},
    {"smartctl-text/nvme-dell-pm1725-aic-FAILED-cw0x04-media.txt", "smartctl-text", "--", "Dell Express Flash NVMe PM1725 1.6TB AIC", 55, 25392, false, nullopt, nullopt, nullopt, nullopt, 0x04, 2137, Health::Critical, true},
    {"smartctl-text/nvme-samsung-970evoplus-FAILED-cw0x0d-readonly.txt", "smartctl-text", "--", "Samsung SSD 970 EVO Plus 250GB", 45, 2683, false, nullopt, nullopt, nullopt, nullopt, 0x0d, 0, Health::Critical, true},
    {"smartctl-text/nvme-samsung-pm1725a-mzpll1t6-FAILED-cw0x09-media4.txt", "smartctl-text", "--", "SAMSUNG MZPLL1T6HEHP-00003", 52, 27454, false, nullopt, nullopt, nullopt, nullopt, 0x09, 4, Health::Critical, true},
    {"smartctl-text/nvme-wd-sn770.txt", "smartctl-text", "22050Y803439", "WD_BLACK SN770 500GB", 33, 669, true, nullopt, nullopt, nullopt, nullopt, 0, 0, Health::OK, false},
    {"smartctl-text/sas-hgst-huh721212al4204.txt", "smartctl-text", "8DG3J2ZD", "HUH721212AL4204", 32, nullopt, true, nullopt, nullopt, nullopt, 0, nullopt, nullopt, Health::OK, false},
    {"smartctl-text/sas-ssd-samsung-mzilt7t6hala-x.txt", "smartctl-text", "S5DDNE0R801692", "MZILT7T6HALA/007", 25, 146, true, nullopt, nullopt, nullopt, 0, nullopt, nullopt, Health::OK, false},
    {"smartctl-text/scsi-megaraid-vd-rs3dc080-no-smart.txt", "smartctl-text", "00907d49075932d81f9044090ab00506", "RS3DC080", nullopt, nullopt, nullopt, nullopt, nullopt, nullopt, nullopt, nullopt, nullopt, Health::Unknown, false},
    // nvme-cli smart-log: temperature is Kelvin in the capture (324 K, 310 K)
    {"nvme-cli/nvme-smart-log-v2.11-critwarn-object.json", "nvme-cli-smart-log", nullopt, nullopt, 51, 24424, nullopt, nullopt, nullopt, nullopt, nullopt, 0, 0, Health::OK, false},
    {"nvme-cli/nvme-smart-log-v2.3-float.json", "nvme-cli-smart-log", nullopt, nullopt, 37, 4974, nullopt, nullopt, nullopt, nullopt, nullopt, 0, 0, Health::OK, false},
    {"nvme-cli/nvme-smart-log-v2.3.json", "nvme-cli-smart-log", nullopt, nullopt, 37, 4974, nullopt, nullopt, nullopt, nullopt, nullopt, 0, 0, Health::OK, false},
};

template <typename T>
std::optional<T> field(const Drive& d, std::optional<T> Smart::*m) {
    if (!d.smart) return std::nullopt;
    return (*d.smart).*m;
}

} // namespace

BOOST_DATA_TEST_CASE(capture_decodes_to_the_values_it_shows, boost::unit_test::data::make(kCaptures), e) {
    auto text = test::readData(e.file);
    auto c = decode(text);
    BOOST_TEST_REQUIRE(c.has_value(), (c ? "" : c.error().message));
    BOOST_TEST(c->format == e.format);
    BOOST_TEST_REQUIRE(c->drives.size() == 1u);
    const Drive& d = c->drives[0];
    BOOST_TEST((d.serial == e.serial));
    BOOST_TEST((d.model == e.model), (d.model ? *d.model : "(none)"));
    BOOST_TEST((field(d, &Smart::temperatureC) == e.temperatureC));
    BOOST_TEST((field(d, &Smart::powerOnHours) == e.powerOnHours));
    BOOST_TEST((field(d, &Smart::passed) == e.passed));
    BOOST_TEST((field(d, &Smart::reallocatedSectors) == e.reallocated));
    BOOST_TEST((field(d, &Smart::pendingSectors) == e.pending));
    BOOST_TEST((field(d, &Smart::offlineUncorrectable) == e.offlineUnc));
    BOOST_TEST((field(d, &Smart::grownDefects) == e.grown));
    std::optional<int> cw;
    std::optional<std::uint64_t> media;
    if (d.smart && d.smart->nvme) {
        cw = d.smart->nvme->criticalWarning;
        media = d.smart->nvme->mediaErrors;
    }
    BOOST_TEST((cw == e.criticalWarning));
    BOOST_TEST((media == e.mediaErrors));
    BOOST_TEST(toString(d.health) == toString(e.health));
    BOOST_TEST(d.failurePredicted.value_or(false) == e.failurePredicted);
    if (d.health == Health::Warning || d.health == Health::Critical) {
        BOOST_TEST(!d.reasons.empty());
        BOOST_TEST_REQUIRE(d.risk.has_value());
        BOOST_TEST(d.risk->afr.has_value());
    }
    if (d.health == Health::OK) BOOST_TEST(d.reasons.empty());
}

BOOST_AUTO_TEST_CASE(ata_attributes_and_identity_of_a_failing_drive) {
    auto c = decode(test::readData("smartctl-json/hitachi-hds721050dle630-usbjmicron-FAILED.json"));
    BOOST_TEST_REQUIRE(c.has_value());
    const Drive& d = c->drives[0];
    BOOST_TEST(toString(d.protocol) == toString(Protocol::USB));  // behind a USB JMicron bridge (-d usbjmicron)
    BOOST_TEST(d.wwn.value_or("") == "0x5000cca37fca81a8");
    BOOST_TEST(d.id == "wwn-0x5000cca37fca81a8");
    BOOST_TEST(d.capacityBytes.value_or(0) == 500107862016ULL);
    BOOST_TEST(d.rotationRpm.value_or(0) == 7200);
    const Smart& s = *d.smart;
    BOOST_TEST(s.smartctlExitStatus.value_or(0) == 216);  // bits 3, 4, 6, 7
    BOOST_TEST(s.errorLogCount.value_or(0) == 56u);
    BOOST_TEST_REQUIRE(s.selfTest.has_value());
    BOOST_TEST(s.selfTest->failedCount.value_or(-1) == 3);
    BOOST_TEST(s.selfTest->lastResult.value_or("") == "Completed without error");
    bool found = false;
    for (const auto& a : s.attributes)
        if (a.id == 5) {
            found = true;
            BOOST_TEST(a.value.value_or(-1) == 1);
            BOOST_TEST(a.threshold.value_or(-1) == 5);
            BOOST_TEST(a.whenFailed.value_or("") == "now");
            BOOST_TEST(a.prefailure.value_or(false));
        }
    BOOST_TEST(found);
    BOOST_TEST_REQUIRE(d.risk.has_value());
    BOOST_TEST(d.risk->multiplier.value_or(0) >= 39.0);
}

BOOST_AUTO_TEST_CASE(megaraid_device_type_gives_the_device_id) {
    auto c = decode(test::readData("smartctl-json/megaraid0-wd4000fyyx-sat.json"));
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->drives[0].location.megaraidDid.value_or(-1) == 0);
    BOOST_TEST(toString(c->drives[0].protocol) == "SATA");
}

BOOST_AUTO_TEST_CASE(nvme_identity_from_namespace_eui64) {
    auto c = decode(test::readData("smartctl-json/nvme-wd-sn770-windows.json"));
    BOOST_TEST_REQUIRE(c.has_value());
    // the text twin prints the same EUI-64 as "001b44 8b45a3700d"
    auto t = decode(test::readData("smartctl-text/nvme-wd-sn770.txt"));
    BOOST_TEST_REQUIRE(t.has_value());
    BOOST_TEST(c->drives[0].wwn.value_or("") == "eui.001b448b45a3700d");
    BOOST_TEST(t->drives[0].wwn.value_or("") == "eui.001b448b45a3700d");
    BOOST_TEST(c->drives[0].id == t->drives[0].id);
}

BOOST_AUTO_TEST_CASE(open_failure_and_scan_output_decode_to_notes) {
    auto c = decode(test::readData("smartctl-json/error-open-failed-windows.json"));
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->drives.empty());
    bool mentionsOpen = false;
    for (const auto& n : c->notes) mentionsOpen = mentionsOpen || n.find("Open failed") != std::string::npos;
    BOOST_TEST(mentionsOpen);
    auto s = decode(test::readData("smartctl-json/scan-open-megaraid-telegraf.json"));
    BOOST_TEST_REQUIRE(s.has_value());
    BOOST_TEST(s->drives.empty());
    BOOST_TEST(s->notes.size() >= 3u);
}

BOOST_AUTO_TEST_CASE(scsi_text_counters) {
    auto c = decode(test::readData("smartctl-text/sas-hgst-huh721212al4204.txt"));
    BOOST_TEST_REQUIRE(c.has_value());
    const Drive& d = c->drives[0];
    BOOST_TEST(toString(d.protocol) == "SAS");
    BOOST_TEST(d.vendor.value_or("") == "HGST");
    BOOST_TEST(d.capacityBytes.value_or(0) == 12000138625024ULL);
    BOOST_TEST(d.smart->uncorrectedReadErrors.value_or(99) == 0u);
    BOOST_TEST(d.smart->uncorrectedWriteErrors.value_or(99) == 0u);
    auto ssd = decode(test::readData("smartctl-text/sas-ssd-samsung-mzilt7t6hala-x.txt"));
    BOOST_TEST_REQUIRE(ssd.has_value());
    BOOST_TEST((ssd->drives[0].media == Media::SSD));
    BOOST_TEST(ssd->drives[0].smart->enduranceUsedPct.value_or(-1) == 0);
}
