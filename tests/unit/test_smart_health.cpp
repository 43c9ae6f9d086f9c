// SPDX-License-Identifier: LGPL-2.1-or-later
// assessSmart(): the verdict and risk tables, signal by signal.
#define BOOST_TEST_MODULE smart_health
#include <boost/test/unit_test.hpp>

#include <raidmon/smart.hpp>

#include "smart/risk_tables.hpp"

using namespace raidmon;
namespace risk = raidmon::detail::risk;

namespace {
Smart healthyAta() {
    Smart s;
    s.passed = true;
    s.reallocatedSectors = 0;
    s.pendingSectors = 0;
    s.offlineUncorrectable = 0;
    return s;
}
} // namespace

BOOST_AUTO_TEST_CASE(every_signal_has_exactly_one_table_row) {
    for (int i = 0; i <= static_cast<int>(risk::Signal::wornOut); ++i) {
        int rows = 0;
        for (const auto& f : risk::kFactors) rows += static_cast<int>(f.signal) == i;
        BOOST_TEST(rows == 1, "signal " << i);
    }
    for (const auto& f : risk::kFactors) {
        BOOST_TEST(f.multiplier >= 1.0);
        BOOST_TEST(!f.source.empty());
    }
}

BOOST_AUTO_TEST_CASE(healthy_is_ok_with_the_baseline) {
    auto a = assessSmart(healthyAta(), Media::HDD);
    BOOST_TEST(toString(a.health) == "OK");
    BOOST_TEST(!a.failurePredicted);
    BOOST_TEST(a.risk.multiplier.value_or(0) == 1.0);
    BOOST_TEST(a.risk.afr.value_or(0) == risk::kBaselines[0].afr);
    BOOST_TEST(a.reasons.empty());
}

BOOST_AUTO_TEST_CASE(no_evidence_is_unknown) {
    Smart s;
    s.temperatureC = 30;
    auto a = assessSmart(s, std::nullopt);
    BOOST_TEST(toString(a.health) == "Unknown");
    BOOST_TEST(!a.risk.afr.has_value());
}

BOOST_AUTO_TEST_CASE(pending_sectors_warn_with_the_rebuild_sentence) {
    auto s = healthyAta();
    s.pendingSectors = 12;
    auto a = assessSmart(s, Media::HDD);
    BOOST_TEST(toString(a.health) == "Warning");
    BOOST_TEST(a.failurePredicted);
    BOOST_TEST_REQUIRE(a.reasons.size() == 1u);
    BOOST_TEST(a.reasons[0] == "12 sectors are waiting to be remapped (pending); a rebuild that reads them will fail on them");
    BOOST_TEST(a.risk.multiplier.value_or(0) == risk::factor(risk::Signal::pending).multiplier);
}

BOOST_AUTO_TEST_CASE(strongest_signal_sets_the_multiplier_and_afr_is_capped) {
    auto s = healthyAta();
    s.reallocatedSectors = 3;
    s.offlineUncorrectable = 1;
    auto a = assessSmart(s, Media::HDD);
    BOOST_TEST(a.risk.multiplier.value_or(0) == risk::factor(risk::Signal::offlineUncorrectable).multiplier);
    BOOST_TEST(a.risk.afr.value_or(2) <= 1.0);
    BOOST_TEST(a.reasons.size() == 2u);
}

BOOST_AUTO_TEST_CASE(self_assessment_failed_is_critical) {
    auto s = healthyAta();
    s.passed = false;
    auto a = assessSmart(s, Media::HDD);
    BOOST_TEST(toString(a.health) == "Critical");
    BOOST_TEST(a.failurePredicted);
}

BOOST_AUTO_TEST_CASE(nvme_critical_warning_bits) {
    Smart s;
    s.nvme = NvmeHealth{};
    s.nvme->criticalWarning = 0x02;  // temperature only
    BOOST_TEST(toString(assessSmart(s, Media::SSD).health) == "Warning");
    s.nvme->criticalWarning = 0x08;  // read-only
    auto a = assessSmart(s, Media::SSD);
    BOOST_TEST(toString(a.health) == "Critical");
    BOOST_TEST(a.failurePredicted);
    s.nvme->criticalWarning = 0;
    s.nvme->availableSparePct = 3;
    s.nvme->availableSpareThresholdPct = 10;
    BOOST_TEST(toString(assessSmart(s, Media::SSD).health) == "Critical");
    s.nvme->availableSparePct = 100;
    s.nvme->mediaErrors = 4;
    auto m = assessSmart(s, Media::SSD);
    BOOST_TEST(toString(m.health) == "Warning");
    BOOST_TEST(m.risk.afr.value_or(0) == risk::kBaselines[1].afr * risk::factor(risk::Signal::mediaErrors).multiplier);
}

BOOST_AUTO_TEST_CASE(crc_and_error_log_are_reported_but_not_scored) {
    auto s = healthyAta();
    s.crcErrors = 108;
    s.errorLogCount = 98;
    auto a = assessSmart(s, Media::SSD);
    BOOST_TEST(toString(a.health) == "OK");
    BOOST_TEST(a.risk.reasons.size() == 2u);
    BOOST_TEST(a.risk.multiplier.value_or(0) == 1.0);
}

BOOST_AUTO_TEST_CASE(smartctl_exit_bits_without_data) {
    Smart s;
    s.smartctlExitStatus = smartctlSelfTestErrors | smartctlErrorLog;
    s.passed = true;
    auto a = assessSmart(s, Media::HDD);
    BOOST_TEST(toString(a.health) == "Warning");
    BOOST_TEST(describeSmartctlExit(216).size() == 4u);
}

BOOST_AUTO_TEST_CASE(apply_keeps_inventory_verdicts) {
    Drive d;
    d.health = Health::Critical;
    d.reasons.push_back("the kernel has taken sda offline");
    d.smart = healthyAta();
    applySmartAssessment(d);
    BOOST_TEST(toString(d.health) == "Critical");
    BOOST_TEST(d.reasons.size() == 1u);
    Drive u;
    u.smart = Smart{};
    applySmartAssessment(u);
    BOOST_TEST(toString(u.health) == "Unknown");
}
