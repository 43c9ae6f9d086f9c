// SPDX-License-Identifier: LGPL-2.1-or-later
// SMART captures beyond their fields (the fields of every capture are in tests/data/expected, checked
// by test_capture_fields): the health verdict explains itself, one drive seen through two formats is
// one drive with the same readings, and the risk of a failing drive is raised.
#define BOOST_TEST_MODULE smart_captures
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

#include <raidmon/decode.hpp>

#include "testdata.hpp"

using namespace raidmon;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> smartCaptures() {
    std::vector<std::string> out;
    for (const char* dir : {"smartctl-json", "smartctl-text", "nvme-cli"})
        for (const auto& e : fs::directory_iterator(test::dataDir() / dir))
            if (e.is_regular_file()) out.push_back(std::string(dir) + "/" + e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

BOOST_DATA_TEST_CASE(health_verdicts_explain_themselves, boost::unit_test::data::make(smartCaptures()), file) {
    auto c = decode(test::readData(file));
    BOOST_TEST_REQUIRE(c.has_value(), file << ": " << (c ? "" : c.error().message));
    for (const Drive& d : c->drives) {
        if (d.health == Health::Warning || d.health == Health::Critical) {
            BOOST_TEST(!d.reasons.empty(), file);
            BOOST_TEST_REQUIRE(d.risk.has_value(), file);
            BOOST_TEST(d.risk->afr.has_value(), file);
        }
        if (d.health == Health::OK) BOOST_TEST(d.reasons.empty(), file);
        // a drive whose SMART data holds no evidence is not declared OK
        if (!d.smart) BOOST_TEST((d.health == Health::Unknown), file);
    }
}

BOOST_AUTO_TEST_CASE(a_failing_drive_raises_its_risk) {
    auto c = decode(test::readData("smartctl-json/hitachi-hds721050dle630-usbjmicron-FAILED.json"));
    BOOST_TEST_REQUIRE(c.has_value());
    const Drive& d = c->drives[0];
    BOOST_TEST_REQUIRE(d.risk.has_value());
    BOOST_TEST(d.risk->multiplier.value_or(0) >= 39.0);
    bool attribute5 = false;
    for (const auto& r : d.reasons) attribute5 = attribute5 || r.find("attribute 5") != std::string::npos;
    BOOST_TEST(attribute5);
}

// The WD SN770 was captured both ways on one Windows host (py-SMART issue 46): the two formats must
// give one drive identity and the same readings.
BOOST_AUTO_TEST_CASE(json_and_text_of_one_nvme_drive_agree) {
    auto j = decode(test::readData("smartctl-json/nvme-wd-sn770-windows.json"));
    auto t = decode(test::readData("smartctl-text/nvme-wd-sn770.txt"));
    BOOST_TEST_REQUIRE(j.has_value());
    BOOST_TEST_REQUIRE(t.has_value());
    const Drive& a = j->drives[0];
    const Drive& b = t->drives[0];
    BOOST_TEST(a.id == b.id);
    BOOST_TEST(a.wwn.value_or("") == "eui.001b448b45a3700d");
    BOOST_TEST((a.serial == b.serial));
    BOOST_TEST((a.capacityBytes == b.capacityBytes));
    const Smart& x = *a.smart;
    const Smart& y = *b.smart;
    BOOST_TEST((x.passed == y.passed));
    BOOST_TEST((x.temperatureC == y.temperatureC));
    BOOST_TEST((x.nvme->criticalWarning == y.nvme->criticalWarning));
    BOOST_TEST((x.nvme->availableSparePct == y.nvme->availableSparePct));
    BOOST_TEST((x.nvme->percentageUsed == y.nvme->percentageUsed));
    BOOST_TEST((x.nvme->mediaErrors == y.nvme->mediaErrors));
    BOOST_TEST((x.nvme->unsafeShutdowns == y.nvme->unsafeShutdowns));
    // one hour apart: the text was taken an hour before the JSON
    BOOST_TEST(x.powerOnHours.value_or(0) == y.powerOnHours.value_or(0) + 1);
}

// The same log page read through a SAS HBA and behind MegaRAID: a drive's SCSI self-test log and
// error counters are read from the JSON of smartctl 7.4 (pretty) and 7.5 (compact) alike.
BOOST_AUTO_TEST_CASE(scsi_self_test_logs_of_json_versions) {
    for (const char* f : {"smartctl-json/scsi-megaraid0-seagate-st3400755ss-grown9-wunc8-7.5.json",
                          "smartctl-json/scsi-sas-seagate-masked-selftests-7.4.json"}) {
        auto c = decode(test::readData(f));
        BOOST_TEST_REQUIRE(c.has_value(), f);
        const Smart& s = *c->drives[0].smart;
        BOOST_TEST_REQUIRE(s.selfTest.has_value(), f);
        BOOST_TEST(s.selfTest->lastResult.value_or("") == "Completed", f);
        BOOST_TEST(s.selfTest->failedCount.value_or(-1) == 0, f);
    }
}
