// SPDX-License-Identifier: LGPL-2.1-or-later
// The rebuild model: the public validation cases V1-V9 of REBUILD-MODEL.md, the closed forms,
// heterogeneous members, the two-stage race, layouts, windows, policies and input errors.
#define BOOST_TEST_MODULE rebuild_model
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <ostream>
#include <string>
#include <vector>

#include <raidmon/rebuild.hpp>

namespace bdata = boost::unit_test::data;
using namespace raidmon;

namespace raidmon {
std::ostream& operator<<(std::ostream& os, Recommendation r) { return os << toString(r); }
} // namespace raidmon

namespace {

/// Equal when rounded to `digits` significant digits (half a unit in the last place).
bool sameTo(double got, double expected, int digits) {
    const double unit = std::pow(10.0, std::floor(std::log10(std::fabs(expected))) - digits + 1);
    return std::fabs(got - expected) <= 0.5 * unit;
}

RebuildInput array(RaidLevel level, int n, double capacityBytes, int failed = 1) {
    RebuildInput in;
    in.layout.level = level;
    in.layout.members = n;
    in.rate.md = MdSpeedLimits{};
    in.members.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        auto& m = in.members[static_cast<std::size_t>(i)];
        m.name = "d" + std::to_string(i);
        m.capacityBytes = capacityBytes;
    }
    for (int i = 0; i < failed; ++i) in.members[static_cast<std::size_t>(n - 1 - i)].failed = true;
    return in;
}

RebuildResult eval(const RebuildInput& in) {
    auto r = evaluateRebuild(in);
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().message));
    return *r;
}

struct UreCase {
    const char* name;
    RaidLevel level;
    int members;
    double tb;
    double rate;
    double expected;
    int digits;
};
std::ostream& operator<<(std::ostream& os, const UreCase& c) { return os << c.name; }

const UreCase kUreCases[] = {
    {"V1 raid5 3x3TB 1e-14", RaidLevel::raid5, 3, 3, 1e-14, 0.3812, 4},
    {"V1 raid5 3x3TB 1e-15", RaidLevel::raid5, 3, 3, 1e-15, 0.0469, 3},  // given to 3 digits
    {"V2 raid10 4x3TB 1e-14", RaidLevel::raid10, 4, 3, 1e-14, 0.2134, 4},
    {"V2 raid10 4x3TB 1e-15", RaidLevel::raid10, 4, 3, 1e-15, 0.0237, 3},
    {"V3 raid5 4x3TB 1e-14", RaidLevel::raid5, 4, 3, 1e-14, 0.5132, 4},
    {"V4 raid5 7x2TB 1e-14", RaidLevel::raid5, 7, 2, 1e-14, 0.6171, 4},
    {"V4 raid5 7x2TB 1e-15", RaidLevel::raid5, 7, 2, 1e-15, 0.0915, 3},
    {"V5 one read of 3TB", RaidLevel::raid1, 2, 3, 1e-14, 0.213, 3},
    {"V6 one read of 2TB", RaidLevel::raid1, 2, 2, 1e-14, 0.148, 3},
};

} // namespace

BOOST_DATA_TEST_CASE(validation_cases_p_ure, bdata::make(kUreCases), c) {
    auto in = array(c.level, c.members, c.tb * 1e12);
    in.ureRate = c.rate;
    auto r = eval(in);
    BOOST_TEST_MESSAGE(c.name << ": p_ure = " << r.pUre);
    BOOST_TEST(sameTo(r.pUre, c.expected, c.digits), c.name << ": got " << r.pUre << ", expected " << c.expected);
}

BOOST_AUTO_TEST_CASE(v6_expected_ures) {
    auto r = eval(array(RaidLevel::raid1, 2, 2e12));
    double mean = 0;
    for (const auto& m : r.members) mean += m.expectedUres;
    BOOST_TEST(sameTo(mean, 0.16, 4));
}

BOOST_AUTO_TEST_CASE(v7_v8_mttdl) {
    BOOST_TEST(sameTo(*mttdlRaid5(8, 1e6, 24), 7.44315e8, 6));
    BOOST_TEST(sameTo(*mttdlRaid6(8, 1e6, 24), 5.16873e12, 6));
}

BOOST_AUTO_TEST_CASE(v9_mttdl_with_rebuild_failure) {
    BOOST_TEST(sameTo(*mttdlRaid5(8, 1000, 10), 2053.57, 6));
    BOOST_TEST(sameTo(*mttdlRaid6(8, 1000, 10), 34363.1, 6));
    BOOST_TEST(sameTo(*mttdlRaid5(8, 1000, 10, 0.3), 388.51, 5));
    BOOST_TEST(sameTo(*mttdlRaid6(8, 1000, 10, 0.3), 5831.35, 6));
}

BOOST_DATA_TEST_CASE(mttdl_chain_matches_closed_forms,
                     bdata::make({3, 5, 8, 12}) * bdata::make({0.0, 0.05, 0.3, 1.0}), n, h) {
    const double mttf = 5e5, mttr = 30;
    BOOST_TEST(*mttdlChain(n, 1, mttf, mttr, h) == *mttdlRaid5(n, mttf, mttr, h), boost::test_tools::tolerance(1e-10));
    BOOST_TEST(*mttdlChain(n, 2, mttf, mttr, h) == *mttdlRaid6(n, mttf, mttr, h), boost::test_tools::tolerance(1e-10));
}

BOOST_AUTO_TEST_CASE(mttdl_rejects_bad_parameters) {
    BOOST_TEST(mttdlRaid5(1, 1e6, 24).error().message.find("n:") == 0);
    BOOST_TEST(mttdlRaid6(8, -1, 24).error().message.find("mttfHours") == 0);
    BOOST_TEST(mttdlRaid5(8, 1e6, 0).error().message.find("mttrHours") == 0);
    BOOST_TEST(mttdlRaid5(8, 1e6, 24, 1.5).error().message.find("h:") == 0);
    BOOST_TEST(mttdlChain(3, 3, 1e6, 24).error().is(errc::invalid_argument));
}

BOOST_AUTO_TEST_CASE(mttdl_reported_with_mttf_and_mttr) {
    auto in = array(RaidLevel::raid5, 8, 1e12);
    in.mttfHours = 1e6;
    in.mttrHours = 24;
    auto r = eval(in);
    BOOST_TEST(sameTo(*r.mttdlHours, 7.44315e8, 6));
    BOOST_TEST(*r.rebuildFailureH > 0);
    BOOST_TEST(*r.mttdlWithUreHours < *r.mttdlHours);
    // h is P(URE) while reading the 7 survivors of 1 TB each at 1e-14.
    BOOST_TEST(*r.rebuildFailureH == -std::expm1(7e12 * 8 * std::log1p(-1e-14)), boost::test_tools::tolerance(1e-12));
}

// r = 0: the spec's closed forms, recomputed here from the Weibull hazard by hand.
BOOST_AUTO_TEST_CASE(closed_form_no_redundancy_weibull) {
    auto in = array(RaidLevel::raid5, 4, 4e12);
    in.windowHours = 30;
    in.hazard = Hazard{1.13, 302016};
    const double ages[] = {26280, 10000, 40000};
    const double mult[] = {1, 14, 2};
    double sumL = 0, sumM = 0;
    for (int i = 0; i < 3; ++i) {
        in.members[static_cast<std::size_t>(i)].ageHours = ages[i];
        in.members[static_cast<std::size_t>(i)].multiplier = mult[i];
        sumL += mult[i] * (std::pow((ages[i] + 30) / 302016, 1.13) - std::pow(ages[i] / 302016, 1.13));
        sumM += 4e12 * 8 * 1e-14;
    }
    auto r = eval(in);
    const auto tol = boost::test_tools::tolerance(1e-6);
    BOOST_TEST(r.pArrayLoss == 1 - std::exp(-sumL), tol);
    BOOST_TEST(r.pSectorLoss == std::exp(-sumL) * (1 - std::exp(-sumM)), tol);
    BOOST_TEST(r.pClean == std::exp(-sumL - sumM), tol);
    BOOST_TEST(r.pSecondFailure == 1 - std::exp(-sumL), tol);
    BOOST_TEST(r.pArrayLoss + r.pSectorLoss + r.pClean == 1.0, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(r.remainingRedundancy == 0);
}

BOOST_AUTO_TEST_CASE(afr_and_exponential) {
    auto h = hazardFromAfr(0.015);
    BOOST_TEST_REQUIRE(h.has_value());
    BOOST_TEST(h->shape == 1.0);
    // By definition the probability of failing within a year is the AFR.
    BOOST_TEST(1 - std::exp(-8760 / h->scaleHours) == 0.015, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(!hazardFromAfr(0));
    BOOST_TEST(!hazardFromAfr(1));
    BOOST_TEST(exponentialHazard(1e6)->scaleHours == 1e6);
    BOOST_TEST(!exponentialHazard(-5));
}

// Heterogeneous RAID6 (r = 1): the Poisson-binomial tail against enumeration of all subsets.
BOOST_AUTO_TEST_CASE(poisson_binomial_tail_matches_enumeration) {
    auto in = array(RaidLevel::raid6, 8, 8e12);
    in.windowHours = 48;
    std::vector<double> p;
    for (int i = 0; i < 7; ++i) {
        auto& m = in.members[static_cast<std::size_t>(i)];
        m.ageHours = 5000.0 * i;
        m.multiplier = 1 + 10.0 * i;
        m.hazard = Hazard{0.7 + 0.2 * i, 2e5};
        const double L = m.multiplier * (std::pow((m.ageHours + 48) / 2e5, m.hazard->shape) -
                                         std::pow(m.ageHours / 2e5, m.hazard->shape));
        p.push_back(1 - std::exp(-L));
    }
    double atLeast2 = 0;
    for (unsigned mask = 0; mask < (1u << 7); ++mask) {
        if (__builtin_popcount(mask) < 2) continue;
        double q = 1;
        for (unsigned i = 0; i < 7; ++i) q *= (mask >> i & 1u) ? p[i] : 1 - p[i];
        atLeast2 += q;
    }
    auto r = eval(in);
    BOOST_TEST(r.pArrayLoss == atLeast2, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(r.remainingRedundancy == 1);
}

// The two-stage race (r = 1), against a brute-force midpoint integration written independently.
BOOST_AUTO_TEST_CASE(race_matches_direct_integration) {
    auto in = array(RaidLevel::raid6, 5, 2e12);
    in.replaceDelayHours = 5;
    in.windowHours = 45;
    in.ureRate = 3e-14;
    struct M { double age, mult, beta; std::uint64_t k; };
    const M ms[] = {{1000, 300, 1.13, 0}, {20000, 50, 0.8, 3}, {0, 800, 1.5, 0}, {9000, 100, 1.0, 1}};
    for (int i = 0; i < 4; ++i) {
        auto& m = in.members[static_cast<std::size_t>(i)];
        m.ageHours = ms[i].age;
        m.multiplier = ms[i].mult;
        m.hazard = Hazard{ms[i].beta, 302016};
        m.knownUnreadableSectors = ms[i].k;
    }
    auto r = eval(in);

    auto Lam = [&](int i, double t) {
        return ms[i].mult * (std::pow((ms[i].age + t) / 302016, ms[i].beta) - std::pow(ms[i].age / 302016, ms[i].beta));
    };
    const double D = 5, T = 45, mu = 2e12 * 8 * -std::log1p(-3e-14);
    auto g = [&](int j, double x) { return std::exp(-mu * (1 - x)) * std::pow(x, static_cast<double>(ms[j].k)); };
    double sector = 0;
    const int steps = 200000;
    for (int i = 0; i < 4; ++i) {
        for (int s = 0; s < steps; ++s) {
            const double a = T * s / steps, b = T * (s + 1) / steps, tau = 0.5 * (a + b);
            const double dF = std::exp(-Lam(i, a)) - std::exp(-Lam(i, b));
            const double x = tau < D ? 0 : (tau - D) / (T - D);
            double others = 1, othersNoUre = 1;
            for (int j = 0; j < 4; ++j) {
                if (j == i) continue;
                others *= std::exp(-Lam(j, T));
                othersNoUre *= std::exp(-Lam(j, T)) * g(j, x);
            }
            sector += dF * (others - othersNoUre);
        }
    }
    double atLeast2 = 0;
    for (unsigned mask = 0; mask < 16; ++mask) {
        if (__builtin_popcount(mask) < 2) continue;
        double q = 1;
        for (int j = 0; j < 4; ++j) q *= (mask >> j & 1u) ? -std::expm1(-Lam(j, T)) : std::exp(-Lam(j, T));
        atLeast2 += q;
    }
    BOOST_TEST_MESSAGE("race: model " << r.pSectorLoss << " direct " << sector);
    BOOST_TEST(r.pArrayLoss == atLeast2, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(r.pSectorLoss == sector, boost::test_tools::tolerance(1e-5));
}

BOOST_AUTO_TEST_CASE(fail_member_policy_turns_sector_loss_into_array_loss) {
    auto in = array(RaidLevel::raid5, 4, 3e12);
    in.windowHours = 20;
    auto a = eval(in);
    in.policy = SectorErrorPolicy::fail_member;
    auto b = eval(in);
    BOOST_TEST(b.pSectorLoss == 0.0);
    BOOST_TEST(b.pArrayLoss == a.pArrayLoss + a.pSectorLoss, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(b.pClean == a.pClean, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(window_from_rate_md_clamp_and_controller_share) {
    auto in = array(RaidLevel::raid5, 4, 3e12);
    in.rate.deviceBytesPerSecond = 150e6;
    in.replaceDelayHours = 4;
    BOOST_TEST(eval(in).windowHours == 4 + 3e12 / 150e6 / 3600, boost::test_tools::tolerance(1e-12));
    in.rate.deviceBytesPerSecond = 500e6;  // above md's default ceiling of 200000 KiB/s
    BOOST_TEST(eval(in).windowHours == 4 + 3e12 / (200000.0 * 1024) / 3600, boost::test_tools::tolerance(1e-12));
    in.rate.md.reset();
    in.rate.controllerShare = 0.3;
    in.rate.deviceBytesPerSecond = 200e6;
    BOOST_TEST(eval(in).windowHours == 4 + 3e12 / 60e6 / 3600, boost::test_tools::tolerance(1e-12));
    in.windowHours = 24;
    BOOST_TEST(eval(in).windowHours == 24.0);
    in.rebuiltFraction = 0.5;  // a running rebuild: half the read remains
    in.windowHours.reset();
    BOOST_TEST(eval(in).windowHours == 4 + 1.5e12 / 60e6 / 3600, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(critical_sets_by_layout) {
    // RAID10 near, 6 members: only the partner of member 5 (member 4) is critical.
    auto r = eval(array(RaidLevel::raid10, 6, 1e12));
    BOOST_TEST(r.members[4].role == "critical");
    BOOST_TEST(r.members[3].role == "other");
    BOOST_TEST(r.members[4].readBytes == 1e12);
    // RAID1E over 5: both neighbours of member 4 (3 and 0), half of each.
    auto in = array(RaidLevel::raid1e, 5, 1e12);
    r = eval(in);
    BOOST_TEST(r.members[3].role == "critical");
    BOOST_TEST(r.members[0].role == "critical");
    BOOST_TEST(r.members[1].role == "other");
    BOOST_TEST(r.members[0].readBytes == 0.5e12);
    // md raid10 far over 4: neighbours too.
    in = array(RaidLevel::raid10, 4, 1e12);
    in.layout.raid10Layout = Raid10Layout::far;
    r = eval(in);
    BOOST_TEST((r.members[0].role == "critical" && r.members[2].role == "critical" && r.members[1].role == "other"));
    // 3-way mirror with one failed: both survivors critical, one read, redundancy 1.
    r = eval(array(RaidLevel::raid1, 3, 1e12));
    BOOST_TEST(r.remainingRedundancy == 1);
    BOOST_TEST(r.members[0].readBytes == 1e12);
    BOOST_TEST(r.members[1].readBytes == 0.0);
    // RAID50 with 2 spans of 4: only the degraded span is critical.
    in = array(RaidLevel::raid50, 8, 1e12);
    in.layout.spans = 2;
    r = eval(in);
    BOOST_TEST(r.members[0].role == "other");
    BOOST_TEST(r.members[4].role == "critical");
    // RAID60, one failure in each span: two independent groups with r = 1.
    in = array(RaidLevel::raid60, 8, 1e12, 0);
    in.layout.spans = 2;
    in.members[0].failed = in.members[7].failed = true;
    r = eval(in);
    BOOST_TEST(r.remainingRedundancy == 1);
    BOOST_TEST(r.recommendation != Recommendation::do_not_pull);
    // Three copies in a ring cannot be modelled: a clear error, not a wrong answer.
    in = array(RaidLevel::raid10, 5, 1e12);
    in.layout.copies = 3;
    auto bad = evaluateRebuild(in);
    BOOST_TEST_REQUIRE(!bad.has_value());
    BOOST_TEST(bad.error().is(errc::unsupported));
}

BOOST_AUTO_TEST_CASE(recommendations) {
    // Nothing missing.
    auto r = eval(array(RaidLevel::raid5, 4, 1e12, 0));
    BOOST_TEST(r.recommendation == Recommendation::not_degraded);
    BOOST_TEST(r.pClean == 1.0);
    // RAID5 with two gone: data lost.
    r = eval(array(RaidLevel::raid5, 4, 1e12, 2));
    BOOST_TEST(r.recommendation == Recommendation::do_not_pull);
    BOOST_TEST(r.pArrayLoss == 1.0);
    BOOST_TEST(exitCode(r.recommendation) == 2);
    // Small enterprise mirror: rebuild now.
    auto in = array(RaidLevel::raid1, 2, 1e12);
    in.ureRate = 1e-15;
    in.members[0].ageHours = 10000;
    r = eval(in);
    BOOST_TEST(r.recommendation == Recommendation::rebuild_now, r.pSectorLoss);
    BOOST_TEST(exitCode(r.recommendation) == 0);
    // Big RAID5 of consumer drives with the datasheet rate: back up first.
    r = eval(array(RaidLevel::raid5, 7, 2e12));
    BOOST_TEST(r.recommendation == Recommendation::backup_first);
    // Degraded RAID6 with a member that has pending sectors: replace it while parity covers it.
    in = array(RaidLevel::raid6, 6, 4e12);
    in.ureRate = 1e-15;
    in.members[2].multiplier = 16;
    in.members[2].knownUnreadableSectors = 8;
    in.members[2].reasons = {"8 sectors pending reallocation"};
    r = eval(in);
    BOOST_TEST(r.recommendation == Recommendation::replace_risky_member_first);
    bool named = false;
    for (const auto& s : r.reasons) named |= s.find("d2 is the riskiest member") != std::string::npos;
    BOOST_TEST(named);
    // The same risky member in a degraded RAID5 cannot be replaced first: back up.
    in.layout.level = RaidLevel::raid5;
    BOOST_TEST(eval(in).recommendation == Recommendation::backup_first);
    // A member with known unreadable sectors and no redundancy left makes p_ure certain.
    BOOST_TEST(eval(in).pUre == 1.0);
}

BOOST_AUTO_TEST_CASE(errors_name_the_field) {
    struct Case {
        const char* field;
        void (*mutate)(RebuildInput&);
    };
    const Case cases[] = {
        {"members[1].capacityBytes", [](RebuildInput& in) { in.members[1].capacityBytes = -1; }},
        {"members[0].ageHours", [](RebuildInput& in) { in.members[0].ageHours = NAN; }},
        {"members[2].multiplier", [](RebuildInput& in) { in.members[2].multiplier = 0; }},
        {"members[0].hazard.shape", [](RebuildInput& in) { in.members[0].hazard = Hazard{-1, 1}; }},
        {"members[0].ureRate", [](RebuildInput& in) { in.members[0].ureRate = 2; }},
        {"ureRate", [](RebuildInput& in) { in.ureRate = 0; }},
        {"windowHours", [](RebuildInput& in) { in.windowHours = -3; }},
        {"replaceDelayHours", [](RebuildInput& in) { in.replaceDelayHours = -1; }},
        {"rebuiltFraction", [](RebuildInput& in) { in.rebuiltFraction = 1; }},
        {"rate.deviceBytesPerSecond", [](RebuildInput& in) { in.rate.deviceBytesPerSecond = 0; }},
        {"rate.controllerShare", [](RebuildInput& in) { in.rate.md.reset(); in.rate.controllerShare = 1.5; }},
        {"hazard.scaleHours", [](RebuildInput& in) { in.hazard.scaleHours = 0; }},
        {"members:", [](RebuildInput& in) { in.members.pop_back(); }},
        {"layout.members", [](RebuildInput& in) { in.layout.level = RaidLevel::raid6; in.layout.members = 2; in.members.resize(2); }},
        {"layout.spans", [](RebuildInput& in) { in.layout.level = RaidLevel::raid50; in.layout.spans = 3; }},
        {"mttrHours", [](RebuildInput& in) { in.mttrHours = 0; }},
    };
    for (const auto& c : cases) {
        auto in = array(RaidLevel::raid5, 4, 1e12);
        c.mutate(in);
        auto r = evaluateRebuild(in);
        BOOST_TEST_REQUIRE(!r.has_value(), c.field);
        BOOST_TEST(r.error().is(errc::invalid_argument), c.field);
        BOOST_TEST(r.error().message.find(c.field) == 0, c.field << " vs " << r.error().message);
    }
}

BOOST_AUTO_TEST_CASE(level_and_policy_names) {
    BOOST_TEST((*parseRaidLevel("RAID5") == RaidLevel::raid5));
    BOOST_TEST((*parseRaidLevel("raid1e") == RaidLevel::raid1e));
    BOOST_TEST((*parseRaidLevel("10") == RaidLevel::raid10));
    BOOST_TEST((*parseRaidLevel("linear") == RaidLevel::linear));
    BOOST_TEST(parseRaidLevel("raid7").error().is(errc::invalid_argument));
    BOOST_TEST(parseRaidLevel("multipath").error().is(errc::unsupported));
    BOOST_TEST((*parseSectorErrorPolicy("bad-block-log") == SectorErrorPolicy::bad_block_log));
    BOOST_TEST(!parseSectorErrorPolicy("ignore"));
    for (auto l : {RaidLevel::raid0, RaidLevel::raid6, RaidLevel::raid60}) BOOST_TEST((*parseRaidLevel(toString(l)) == l));
}

BOOST_AUTO_TEST_CASE(json_keys_are_the_fixed_ones) {
    auto in = array(RaidLevel::raid5, 4, 3e12);
    in.mttfHours = 1e6;
    in.mttrHours = 24;
    const std::string j = toJson(eval(in), -1);
    for (const char* key : {"\"p_ure\"", "\"p_array_loss\"", "\"p_sector_loss\"", "\"p_clean\"", "\"p_second_failure\"",
                            "\"window_hours\"", "\"mttdl_hours\"", "\"recommendation\":\"backup_first\"", "\"reasons\"",
                            "\"members\""})
        BOOST_TEST(j.find(key) != std::string::npos, key);
}
