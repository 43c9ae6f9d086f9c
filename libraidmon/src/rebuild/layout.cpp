// SPDX-License-Identifier: LGPL-2.1-or-later
#include "rebuild/layout.hpp"

#include <algorithm>
#include <map>

#include <raidmon/removal.hpp>

#include "core/strutil.hpp"

namespace raidmon {

std::string_view toString(RaidLevel level) noexcept {
    switch (level) {
    case RaidLevel::raid0: return "raid0";
    case RaidLevel::linear: return "linear";
    case RaidLevel::raid1: return "raid1";
    case RaidLevel::raid1e: return "raid1e";
    case RaidLevel::raid4: return "raid4";
    case RaidLevel::raid5: return "raid5";
    case RaidLevel::raid6: return "raid6";
    case RaidLevel::raid10: return "raid10";
    case RaidLevel::raid50: return "raid50";
    case RaidLevel::raid60: return "raid60";
    }
    return "unknown";
}

Result<RaidLevel> parseRaidLevel(std::string_view text) {
    std::string s = detail::toLower(detail::trim(text));
    std::erase_if(s, [](char c) { return c == ' ' || c == '-' || c == '_'; });
    if (s.starts_with("raid")) s.erase(0, 4);
    static constexpr std::pair<std::string_view, RaidLevel> names[] = {
        {"0", RaidLevel::raid0},   {"linear", RaidLevel::linear}, {"1", RaidLevel::raid1},
        {"1e", RaidLevel::raid1e}, {"4", RaidLevel::raid4},       {"5", RaidLevel::raid5},
        {"6", RaidLevel::raid6},   {"10", RaidLevel::raid10},     {"1+0", RaidLevel::raid10},
        {"50", RaidLevel::raid50}, {"60", RaidLevel::raid60},
    };
    for (const auto& [name, level] : names)
        if (s == name) return level;
    if (s == "multipath" || s == "faulty" || s == "container")
        return fail(errc::unsupported, "level " + detail::quoteForError(text) +
                                           " is not a redundancy scheme that rebuilds");
    return fail(errc::invalid_argument, "unknown RAID level " + detail::quoteForError(text) +
                                            " (expected raid0, raid1, raid1e, raid4, raid5, raid6, "
                                            "raid10, raid50, raid60 or linear)");
}

Result<int> redundancyLeft(const RaidLayout& layout, const std::vector<bool>& failed) {
    auto sets = detail::protectionSets(layout);
    if (!sets) return tl::unexpected(sets.error());
    if (failed.size() != static_cast<std::size_t>(layout.members))
        return fail(errc::invalid_argument, "failed: " + std::to_string(failed.size()) +
                                                " flags given but layout.members is " + std::to_string(layout.members));
    int best = layout.members;
    for (const auto& set : *sets) {
        int lost = 0;
        for (int s : set.slots) lost += failed[static_cast<std::size_t>(s)] ? 1 : 0;
        best = std::min(best, set.tolerance - lost);
    }
    return std::max(best, -1);
}

} // namespace raidmon

namespace raidmon::detail {

namespace {

Result<void> validate(const RaidLayout& l) {
    auto bad = [](const std::string& msg) { return fail(errc::invalid_argument, msg); };
    const int n = l.members;
    auto minMembers = [&](int m) -> Result<void> {
        if (n < m)
            return bad("layout.members: " + std::string(toString(l.level)) + " needs at least " +
                       std::to_string(m) + " members (got " + std::to_string(n) + ")");
        return {};
    };
    switch (l.level) {
    case RaidLevel::raid0:
    case RaidLevel::linear:
    case RaidLevel::raid1: return minMembers(1);
    case RaidLevel::raid4:
    case RaidLevel::raid5: return minMembers(2);
    case RaidLevel::raid6: return minMembers(3);
    case RaidLevel::raid1e:
    case RaidLevel::raid10:
        if (l.copies < 2) return bad("layout.copies: must be at least 2 (got " + std::to_string(l.copies) + ")");
        return minMembers(l.copies);
    case RaidLevel::raid50:
    case RaidLevel::raid60: {
        const int parity = l.level == RaidLevel::raid50 ? 1 : 2;
        if (l.spans < 2) return bad("layout.spans: " + std::string(toString(l.level)) + " needs at least 2 spans");
        if (n % l.spans != 0)
            return bad("layout.spans: " + std::to_string(n) + " members do not split into " +
                       std::to_string(l.spans) + " equal spans");
        if (n / l.spans < parity + 1)
            return bad("layout.spans: each span needs at least " + std::to_string(parity + 1) + " members");
        return {};
    }
    }
    return bad("layout.level: unknown value");
}

std::vector<int> range(int from, int count) {
    std::vector<int> v(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) v[static_cast<std::size_t>(i)] = from + i;
    return v;
}

} // namespace

Result<std::vector<ProtectionSet>> protectionSets(const RaidLayout& l) {
    if (auto ok = validate(l); !ok) return tl::unexpected(ok.error());
    const int n = l.members;
    std::vector<ProtectionSet> sets;
    switch (l.level) {
    case RaidLevel::raid0:
    case RaidLevel::linear: sets.push_back({range(0, n), 0, 1.0, false}); break;
    case RaidLevel::raid1: sets.push_back({range(0, n), n - 1, 1.0, true}); break;
    case RaidLevel::raid4:
    case RaidLevel::raid5: sets.push_back({range(0, n), 1, 1.0, false}); break;
    case RaidLevel::raid6: sets.push_back({range(0, n), 2, 1.0, false}); break;
    case RaidLevel::raid50:
    case RaidLevel::raid60: {
        const int size = n / l.spans;
        const int parity = l.level == RaidLevel::raid50 ? 1 : 2;
        for (int s = 0; s < l.spans; ++s) sets.push_back({range(s * size, size), parity, 1.0, false});
        break;
    }
    case RaidLevel::raid1e:
    case RaidLevel::raid10: {
        const int c = l.copies;
        const bool fixedSets = l.level == RaidLevel::raid10 && l.raid10Layout == Raid10Layout::near && n % c == 0;
        if (fixedSets || n == c) {
            for (int s = 0; s < n; s += c) sets.push_back({range(s, c), c - 1, 1.0, true});
        } else if (c == 2) {
            // Each chunk's copy is on the next member (md(4) far/offset; near with an odd count;
            // RAID1E): member i shares half its capacity with i-1 and half with i+1.
            for (int i = 0; i < n; ++i) sets.push_back({{i, (i + 1) % n}, 1, 0.5, true});
        } else {
            return fail(errc::unsupported,
                        "layout: " + std::string(toString(l.level)) + " with " + std::to_string(c) +
                            " copies over " + std::to_string(n) +
                            " members has overlapping copy sets the model does not handle");
        }
        break;
    }
    }
    return sets;
}

Result<CriticalPlan> criticalPlan(const RaidLayout& layout, const std::vector<bool>& failed) {
    auto sets = protectionSets(layout);
    if (!sets) return tl::unexpected(sets.error());
    if (failed.size() != static_cast<std::size_t>(layout.members))
        return fail(errc::invalid_argument, "members: " + std::to_string(failed.size()) +
                                                " given but layout.members is " + std::to_string(layout.members));
    CriticalPlan plan;
    plan.minRedundancy = layout.members;  // lowered below
    // slot -> (read, exposed) fractions of the merged redundancy-0 group
    std::map<int, CriticalMember> zeroGroup;
    for (const auto& set : *sets) {
        int lost = 0;
        for (int s : set.slots) lost += failed[static_cast<std::size_t>(s)] ? 1 : 0;
        if (lost == 0) continue;
        plan.degraded = true;
        const int r = set.tolerance - lost;
        plan.minRedundancy = std::min(plan.minRedundancy, r);
        if (r < 0) {
            plan.dataLost = true;
            continue;
        }
        CriticalGroup group;
        group.redundancy = r;
        bool sourceChosen = false;
        for (int s : set.slots) {
            if (failed[static_cast<std::size_t>(s)]) continue;
            CriticalMember m{s, 0.0, set.fraction};
            // md raid1 recovery reads the first in-sync mirror (raid1.c sync_request); parity
            // rebuilds read every survivor.
            if (!set.singleSource || !sourceChosen) m.readFraction = set.fraction;
            sourceChosen = true;
            group.members.push_back(m);
        }
        if (r > 0) {
            plan.groups.push_back(std::move(group));
            continue;
        }
        for (const auto& m : group.members) {
            auto& z = zeroGroup[m.slot];
            z.slot = m.slot;
            z.readFraction += m.readFraction;
            z.exposedFraction += m.exposedFraction;
        }
    }
    if (plan.dataLost) plan.minRedundancy = -1;
    if (!plan.degraded) plan.minRedundancy = 0;
    if (!zeroGroup.empty()) {
        CriticalGroup g;
        g.redundancy = 0;
        for (auto& [slot, m] : zeroGroup) {
            m.readFraction = std::min(m.readFraction, 1.0);
            m.exposedFraction = std::min(m.exposedFraction, 1.0);
            g.members.push_back(m);
        }
        plan.groups.insert(plan.groups.begin(), std::move(g));
    }
    // The probability algebra multiplies groups as independent: they must not share members.
    std::vector<int> seen(static_cast<std::size_t>(layout.members), 0);
    for (const auto& g : plan.groups)
        for (const auto& m : g.members)
            if (seen[static_cast<std::size_t>(m.slot)]++)
                return fail(errc::unsupported, "layout: member " + std::to_string(m.slot) +
                                                   " belongs to two degraded groups with redundancy left");
    return plan;
}

} // namespace raidmon::detail
