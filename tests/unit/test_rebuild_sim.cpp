// SPDX-License-Identifier: LGPL-2.1-or-later
// A Monte Carlo simulator of a rebuild, written independently of the model's code (it shares only
// the public input type), checking the closed forms over a grid of configurations.
//
// One sample: every surviving member gets a whole-drive failure time by inverse-transform sampling
// of its Weibull from its current age (Lambda(t) = E, E ~ Exp(1)); unreadable events are a Poisson
// number placed uniformly over the member's surface, plus its known-unreadable sectors at uniform
// places; the rebuild reads the remaining part of each degraded copy set linearly from the
// replacement delay D to the end of the window T, so an event at position x is read at
// D + x (T - D). An event is harmless if, when it is read, its copy set still has redundancy (for
// a mirror, only the current source copy is read). Controller policies: bad-block log and puncture
// continue past an unreadable stripe, abort stops the rebuild at the first one (the array stays
// degraded and exposed to the end of the window), fail-member turns it into array loss.
//
// Semantics shared with the model (REBUILD-MODEL.md, docs/rebuild-model.md): only copy sets that
// are degraded at the start count; two failures inside a healthy set within hours are left out.
//
// Check: every estimate within 3 standard errors of the model, allowing for chance: with 256
// comparisons, about 0.7 are expected beyond 3 sigma under a correct model, so at most 3 may lie
// between 3 and 4 sigma and none beyond 4 (probability of a false alarm about 2 %); the seed is
// fixed, so the run is reproducible.
#define BOOST_TEST_MODULE rebuild_sim
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <raidmon/rebuild.hpp>

using namespace raidmon;

namespace {

constexpr int kSamples = 400000;

struct CopySet {
    std::vector<int> slots;
    int tolerance;
    double from, to;  // the part of each member's surface holding this set's data
    bool mirror;      // rebuild reads one copy
};

/// The simulator's own description of where data lives (not the library's).
std::vector<CopySet> copySets(const RaidLayout& l) {
    std::vector<CopySet> sets;
    const int n = l.members;
    auto all = [](int from, int count) {
        std::vector<int> v;
        for (int i = 0; i < count; ++i) v.push_back(from + i);
        return v;
    };
    switch (l.level) {
    case RaidLevel::raid1: sets.push_back({all(0, n), n - 1, 0, 1, true}); break;
    case RaidLevel::raid5: sets.push_back({all(0, n), 1, 0, 1, false}); break;
    case RaidLevel::raid6: sets.push_back({all(0, n), 2, 0, 1, false}); break;
    case RaidLevel::raid50:
    case RaidLevel::raid60:
        for (int s = 0; s < l.spans; ++s)
            sets.push_back({all(s * n / l.spans, n / l.spans), l.level == RaidLevel::raid50 ? 1 : 2, 0, 1, false});
        break;
    case RaidLevel::raid10:
        if (l.raid10Layout == Raid10Layout::near && n % 2 == 0) {
            for (int s = 0; s < n; s += 2) sets.push_back({{s, s + 1}, 1, 0, 1, true});
            break;
        }
        [[fallthrough]];
    case RaidLevel::raid1e:
        // Pair (i, i+1): the upper half of member i and the lower half of member i+1. Which half is
        // which does not matter for the probabilities, only that each member is split in two.
        for (int i = 0; i < n; ++i) sets.push_back({{i, (i + 1) % n}, 1, 0, 1, true});
        break;
    default: BOOST_FAIL("simulator has no layout for this level");
    }
    return sets;
}

/// For ring pairs, the half of member `slot` that set `s` occupies.
std::pair<double, double> segment(const CopySet& s, int slot, bool ring) {
    if (!ring) return {s.from, s.to};
    return slot == s.slots[0] ? std::pair{0.5, 1.0} : std::pair{0.0, 0.5};
}

struct Estimate {
    double pArrayLoss = 0, pSectorLoss = 0, pUre = 0, pSecond = 0;
    int maxBadStripesAbort = 0;
};

Estimate simulate(const RebuildInput& in, double T, std::mt19937_64& rng) {
    const auto& l = in.layout;
    const int n = l.members;
    const auto sets = copySets(l);
    const bool ring = (l.level == RaidLevel::raid1e) ||
                      (l.level == RaidLevel::raid10 && !(l.raid10Layout == Raid10Layout::near && n % 2 == 0));
    const double D = in.replaceDelayHours, rho = in.rebuiltFraction;
    std::vector<int> degradedSets;
    std::vector<bool> critical(static_cast<std::size_t>(n), false);
    for (std::size_t s = 0; s < sets.size(); ++s) {
        bool degraded = false;
        for (int m : sets[s].slots) degraded |= in.members[static_cast<std::size_t>(m)].failed;
        if (!degraded) continue;
        degradedSets.push_back(static_cast<int>(s));
        for (int m : sets[s].slots)
            if (!in.members[static_cast<std::size_t>(m)].failed) critical[static_cast<std::size_t>(m)] = true;
    }
    // Expected unreadable events over a member's whole surface.
    auto fullMean = [&](const MemberInput& m) {
        const double rate = m.ureRate.value_or(in.ureRate);
        if (in.ureModel == UreModel::spec) return -m.capacityBytes * 8 * std::log1p(-rate);
        const double firstYear = rate <= 1e-15 ? 0.0146 : 0.0315;  // Bairavasundaram et al. 2007
        return -std::log1p(-firstYear) * in.sinceScrubHours / 8760;
    };

    std::exponential_distribution<double> expo(1.0);
    std::uniform_real_distribution<double> unif(0.0, 1.0);
    std::vector<double> failAt(static_cast<std::size_t>(n));
    struct Event {
        int slot;
        double where;  // position on the member's surface, [0, 1)
    };
    std::vector<Event> events;
    long loss = 0, sector = 0, ure = 0, second = 0;
    Estimate est;
    for (int it = 0; it < kSamples; ++it) {
        bool anySecond = false;
        for (int j = 0; j < n; ++j) {
            const auto& m = in.members[static_cast<std::size_t>(j)];
            double& t = failAt[static_cast<std::size_t>(j)];
            if (m.failed) {
                t = -1;  // gone before the window
                continue;
            }
            const Hazard h = m.hazard.value_or(in.hazard);
            const double E = expo(rng);
            // Solve M [((a+t)/eta)^beta - (a/eta)^beta] = E for t.
            t = h.scaleHours * std::pow(std::pow(m.ageHours / h.scaleHours, h.shape) + E / m.multiplier, 1 / h.shape) -
                m.ageHours;
            if (critical[static_cast<std::size_t>(j)] && t <= T) anySecond = true;
        }
        auto deadBy = [&](int j, double time) { return failAt[static_cast<std::size_t>(j)] <= time; };

        // Array loss: a degraded set loses more than it tolerates within the window.
        bool lost = false;
        for (int s : degradedSets) {
            int down = 0;
            for (int m : sets[static_cast<std::size_t>(s)].slots) down += deadBy(m, T) ? 1 : 0;
            lost |= down > sets[static_cast<std::size_t>(s)].tolerance;
        }

        // Unreadable events on critical members.
        events.clear();
        for (int j = 0; j < n; ++j) {
            if (!critical[static_cast<std::size_t>(j)]) continue;
            const auto& m = in.members[static_cast<std::size_t>(j)];
            std::poisson_distribution<long> pois(fullMean(m));
            const long count = pois(rng) + static_cast<long>(m.knownUnreadableSectors);
            for (long e = 0; e < count; ++e) events.push_back({j, unif(rng)});
        }
        // Read time of each event and whether it is read by the rebuild at all.
        struct Read {
            double time;
            bool exposed, normallyRead;
        };
        std::vector<Read> reads;
        for (const auto& ev : events) {
            for (int s : degradedSets) {
                const auto& set = sets[static_cast<std::size_t>(s)];
                if (std::find(set.slots.begin(), set.slots.end(), ev.slot) == set.slots.end()) continue;
                auto [from, to] = segment(set, ev.slot, ring);
                if (ev.where < from || ev.where >= to) continue;
                const double y = (ev.where - from) / (to - from);  // position within the segment
                if (y < rho) continue;                            // already rebuilt
                const double x = (y - rho) / (1 - rho);
                const double t = D + x * (T - D);
                // Mirrors read the first copy alive at that time; parity reads every survivor.
                bool isSource = true, isNormalSource = true;
                if (set.mirror) {
                    int source = -1, normalSource = -1;
                    for (int m : set.slots) {
                        if (in.members[static_cast<std::size_t>(m)].failed) continue;
                        if (normalSource < 0) normalSource = m;
                        if (source < 0 && !deadBy(m, t)) source = m;
                    }
                    isSource = source == ev.slot;
                    isNormalSource = normalSource == ev.slot;
                }
                bool exposed = false;
                if (isSource && !deadBy(ev.slot, t)) {
                    int down = 0;
                    for (int m : set.slots) down += deadBy(m, t) ? 1 : 0;
                    exposed = down >= set.tolerance;
                }
                reads.push_back({t, exposed, isNormalSource});
            }
        }
        bool anyUre = false, anyExposed = false;
        int badStripes = 0;
        std::sort(reads.begin(), reads.end(), [](const Read& a, const Read& b) { return a.time < b.time; });
        for (const auto& r : reads) {
            anyUre |= r.normallyRead;
            if (!r.exposed) continue;
            anyExposed = true;
            ++badStripes;
            if (in.policy == SectorErrorPolicy::abort) break;  // the rebuild stops here
        }
        if (in.policy == SectorErrorPolicy::abort) est.maxBadStripesAbort = std::max(est.maxBadStripesAbort, badStripes);
        if (in.policy == SectorErrorPolicy::fail_member && anyExposed) lost = true;
        loss += lost;
        sector += !lost && anyExposed;
        ure += anyUre;
        second += anySecond;
    }
    est.pArrayLoss = static_cast<double>(loss) / kSamples;
    est.pSectorLoss = static_cast<double>(sector) / kSamples;
    est.pUre = static_cast<double>(ure) / kSamples;
    est.pSecond = static_cast<double>(second) / kSamples;
    return est;
}

struct LayoutCase {
    const char* name;
    RaidLevel level;
    int members;
    int spans;
    Raid10Layout layout;
    std::vector<int> failed;
};

RebuildInput makeInput(const LayoutCase& c, int variant) {
    RebuildInput in;
    in.layout.level = c.level;
    in.layout.members = c.members;
    in.layout.spans = c.spans;
    in.layout.raid10Layout = c.layout;
    in.members.resize(static_cast<std::size_t>(c.members));
    static const SectorErrorPolicy policies[] = {SectorErrorPolicy::bad_block_log, SectorErrorPolicy::puncture,
                                                 SectorErrorPolicy::abort, SectorErrorPolicy::fail_member};
    in.policy = policies[variant % 4];
    in.ureModel = variant == 3 ? UreModel::calibrated : UreModel::spec;
    in.ureRate = variant == 1 ? 1e-15 : 1e-14;
    in.sinceScrubHours = 8760 * 4;  // the calibrated model's exposure: four years since a full read
    in.replaceDelayHours = variant % 2 == 0 ? 0 : 6;
    in.rebuiltFraction = variant == 2 ? 0.3 : 0;
    static const double shapes[] = {1.13, 0.8, 2.0, 1.0};
    in.hazard = Hazard{shapes[variant % 4], 302016};
    // Heterogeneous members with boosted hazards, so that the window probabilities are large
    // enough to measure with a few tens of thousands of samples.
    for (int i = 0; i < c.members; ++i) {
        auto& m = in.members[static_cast<std::size_t>(i)];
        m.name = "m" + std::to_string(i);
        m.capacityBytes = (1.0 + (i + variant) % 3) * 1e12;
        m.ageHours = variant == 2 && i == 0 ? 0 : 2000.0 * ((i * 7 + variant) % 11);
        m.multiplier = 100.0 + 150.0 * ((i * 3 + variant) % 5);
        if (i % 4 == 1) m.hazard = Hazard{1.4, 2e5};
        if ((i + variant) % 6 == 2) m.knownUnreadableSectors = static_cast<std::uint64_t>(1 + variant);
    }
    for (int f : c.failed) in.members[static_cast<std::size_t>(f)].failed = true;
    if (variant % 2 == 1) {
        in.windowHours = 40;
    } else {
        in.rate.md = MdSpeedLimits{};
        in.rate.deviceBytesPerSecond = 60e6;  // derived window: capacity / rate
    }
    return in;
}

} // namespace

BOOST_AUTO_TEST_CASE(monte_carlo_agrees_with_closed_forms) {
    const LayoutCase layouts[] = {
        {"raid5x3", RaidLevel::raid5, 3, 1, Raid10Layout::near, {2}},
        {"raid5x5", RaidLevel::raid5, 5, 1, Raid10Layout::near, {0}},
        {"raid5x8", RaidLevel::raid5, 8, 1, Raid10Layout::near, {7}},
        {"raid6x5-1", RaidLevel::raid6, 5, 1, Raid10Layout::near, {4}},
        {"raid6x8-1", RaidLevel::raid6, 8, 1, Raid10Layout::near, {3}},
        {"raid6x12-1", RaidLevel::raid6, 12, 1, Raid10Layout::near, {0}},
        {"raid6x6-2", RaidLevel::raid6, 6, 1, Raid10Layout::near, {1, 4}},
        {"raid1x2", RaidLevel::raid1, 2, 1, Raid10Layout::near, {1}},
        {"raid1x3-1", RaidLevel::raid1, 3, 1, Raid10Layout::near, {0}},
        {"raid1x4-1", RaidLevel::raid1, 4, 1, Raid10Layout::near, {2}},
        {"raid10near6", RaidLevel::raid10, 6, 1, Raid10Layout::near, {3}},
        {"raid10far4", RaidLevel::raid10, 4, 1, Raid10Layout::far, {1}},
        {"raid1e5", RaidLevel::raid1e, 5, 1, Raid10Layout::near, {2}},
        {"raid50x8", RaidLevel::raid50, 8, 2, Raid10Layout::near, {5}},
        {"raid60x8", RaidLevel::raid60, 8, 2, Raid10Layout::near, {1}},
        {"raid60x12-2spans", RaidLevel::raid60, 12, 2, Raid10Layout::near, {0, 11}},
    };
    std::mt19937_64 rng(20260101);
    int comparisons = 0, beyond3 = 0, beyond4 = 0, configs = 0;
    double maxZ = 0;
    const auto start = std::chrono::steady_clock::now();
    for (const auto& lc : layouts) {
        for (int variant = 0; variant < 4; ++variant) {
            const auto in = makeInput(lc, variant);
            auto model = evaluateRebuild(in);
            BOOST_TEST_REQUIRE(model.has_value(), lc.name << ": " << (model ? "" : model.error().message));
            const auto est = simulate(in, model->windowHours, rng);
            ++configs;
            const std::string tag = std::string(lc.name) + "/v" + std::to_string(variant) + " (" +
                                    std::string(toString(in.policy)) + ")";
            auto check = [&](const char* what, double p, double phat) {
                ++comparisons;
                if (p <= 0 || p >= 1) {
                    BOOST_TEST(std::fabs(phat - p) < 1e-12, tag << " " << what << ": model " << p << " sim " << phat);
                    return;
                }
                const double z = (phat - p) / std::sqrt(p * (1 - p) / kSamples);
                maxZ = std::max(maxZ, std::fabs(z));
                beyond3 += std::fabs(z) > 3;
                beyond4 += std::fabs(z) > 4;
                if (std::fabs(z) > 3)
                    BOOST_TEST_MESSAGE(tag << " " << what << ": model " << p << " sim " << phat << " z " << z);
            };
            check("p_array_loss", model->pArrayLoss, est.pArrayLoss);
            check("p_sector_loss", model->pSectorLoss, est.pSectorLoss);
            check("p_ure", model->pUre, est.pUre);
            check("p_second_failure", model->pSecondFailure, est.pSecond);
            if (in.policy == SectorErrorPolicy::abort) BOOST_TEST(est.maxBadStripesAbort <= 1);
            BOOST_TEST_MESSAGE(tag << ": loss " << model->pArrayLoss << "/" << est.pArrayLoss << " sector "
                                   << model->pSectorLoss << "/" << est.pSectorLoss << " ure " << model->pUre << "/"
                                   << est.pUre << " second " << model->pSecondFailure << "/" << est.pSecond);
        }
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    BOOST_TEST_MESSAGE("Monte Carlo: " << configs << " configurations x " << kSamples << " samples, " << comparisons
                                       << " comparisons, max |z| " << maxZ << ", beyond 3 sigma " << beyond3
                                       << ", beyond 4 sigma " << beyond4 << ", " << secs << " s");
    BOOST_TEST(configs >= 50);
    BOOST_TEST(beyond4 == 0);
    BOOST_TEST(beyond3 <= 3);
}
