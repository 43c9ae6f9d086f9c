// SPDX-License-Identifier: LGPL-2.1-or-later
// From a live array (the inventory's model) to the rebuild model's input.
#include <algorithm>
#include <cmath>
#include <string>

#include <raidmon/rebuild.hpp>
#include <raidmon/removal.hpp>

#include "core/strutil.hpp"
#include "core/sysfs.hpp"

namespace raidmon {

namespace {

// Broadcom MegaRAID's default rebuild rate (StorCLI "rebuildrate", MegaRAID SAS Software User
// Guide): the share of controller throughput a rebuild gets.
constexpr double kMegaraidDefaultRebuildShare = 0.30;
// JEDEC JESD218 client-class SSD requirement: UBER <= 1e-15 per bit read.
constexpr double kSsdUreRate = 1e-15;

bool isRole(const ArrayMember& m, std::string_view role) { return m.role == role; }

int dataShareDivisor(const RaidLayout& l) {
    switch (l.level) {
    case RaidLevel::raid0:
    case RaidLevel::linear: return l.members;
    case RaidLevel::raid1: return 1;
    case RaidLevel::raid4:
    case RaidLevel::raid5: return l.members - 1;
    case RaidLevel::raid6: return l.members - 2;
    case RaidLevel::raid50: return l.members - l.spans;
    case RaidLevel::raid60: return l.members - 2 * l.spans;
    case RaidLevel::raid1e:
    case RaidLevel::raid10: return 0;  // handled by the caller: size * copies / members
    }
    return l.members;
}

SectorErrorPolicy defaultPolicy(const Array& a, std::string& why) {
    if (a.kind == "md") {
        if (a.metadata && detail::startsWith(*a.metadata, "0.9")) {
            why = "md metadata 0.90 has no bad-block log: an unreadable stripe makes md fail the member";
            return SectorErrorPolicy::fail_member;
        }
        why = "md records unreadable stripes in its bad-block log (metadata 1.x)";
        return SectorErrorPolicy::bad_block_log;
    }
    if (a.kind == "megaraid") {
        why = "MegaRAID punctures unreadable stripes and continues";
        return SectorErrorPolicy::puncture;
    }
    if (a.kind == "adaptec") {
        why = "Adaptec records unreadable stripes in its bad stripe table and continues";
        return SectorErrorPolicy::puncture;
    }
    why = "assumed the " + a.kind + " controller stops the rebuild at an unreadable stripe (pass a policy to change)";
    return SectorErrorPolicy::abort;
}

} // namespace

Result<RaidLayout> layoutOf(const Array& a, std::vector<std::string>& assumptions) {
    if (!a.level) return fail(errc::invalid_argument, "array " + a.name + ": RAID level unknown");
    auto level = parseRaidLevel(*a.level);
    if (!level) return tl::unexpected(Error(level.error().code, "array " + a.name + ": " + level.error().message));
    RaidLayout l;
    l.level = *level;
    int n = a.raidDisks.value_or(0);
    if (n <= 0) {
        for (const auto& m : a.members)
            if (m.slot) n = std::max(n, *m.slot + 1);
    }
    if (n <= 0) return fail(errc::invalid_argument, "array " + a.name + ": number of raid disks unknown");
    l.members = n;
    switch (l.level) {
    case RaidLevel::raid10:
        if (a.kind == "md") {
            // Array carries no layout; mdadm's default is near=2 ("n2").
            assumptions.push_back("md raid10 layout not known: assumed mdadm's default near=2");
        } else {
            assumptions.push_back("hardware RAID10: assumed mirror pairs of consecutive members");
        }
        break;
    case RaidLevel::raid50:
    case RaidLevel::raid60:
        // The span layout is not in the inventory: treating all members as one parity set can only
        // over-state the risk (a second failure in another span would really be survivable).
        assumptions.push_back("span layout not known: treated as a single " +
                              std::string(l.level == RaidLevel::raid50 ? "RAID5" : "RAID6") +
                              " over all members, which over-states the risk");
        l.level = l.level == RaidLevel::raid50 ? RaidLevel::raid5 : RaidLevel::raid6;
        break;
    default: break;
    }
    return l;
}

Result<RebuildInput> rebuildInputFromArray(const Array& a, std::span<const Drive> drives, const PlanOptions& o) {
    RebuildInput in;
    std::vector<std::string> notes;
    auto layout = layoutOf(a, notes);
    if (!layout) return tl::unexpected(layout.error());
    in.layout = *layout;
    const auto n = static_cast<std::size_t>(layout->members);
    in.members.resize(n);
    in.ureModel = o.ureModel;
    in.hazard = o.hazard;
    in.thresholds = o.thresholds;
    in.replaceDelayHours = o.replaceDelayHours;
    if (o.ureRate) in.ureRate = *o.ureRate;

    std::string policyWhy;
    in.policy = o.policy ? *o.policy : defaultPolicy(a, policyWhy);
    in.rate = o.rate;
    if (a.kind == "md") {
        if (!in.rate.md) in.rate.md = MdSpeedLimits{};
    } else if (!in.rate.controllerShare && a.kind == "megaraid") {
        in.rate.controllerShare = kMegaraidDefaultRebuildShare;
    }

    auto findDriveById = [&](const std::optional<std::string>& id) -> const Drive* {
        if (!id) return nullptr;
        for (const auto& d : drives)
            if (d.id == *id) return &d;
        return nullptr;
    };

    // Place members by slot; members without a slot fill the free slots in order.
    std::vector<const ArrayMember*> bySlot(n, nullptr);
    std::vector<const ArrayMember*> unplaced;
    for (const auto& m : a.members) {
        if (isRole(m, "spare")) continue;
        if (m.slot && *m.slot >= 0 && static_cast<std::size_t>(*m.slot) < n && !bySlot[static_cast<std::size_t>(*m.slot)])
            bySlot[static_cast<std::size_t>(*m.slot)] = &m;
        else
            unplaced.push_back(&m);
    }
    for (std::size_t s = 0, u = 0; s < n && u < unplaced.size(); ++s)
        if (!bySlot[s]) bySlot[s] = unplaced[u++];

    bool assumedFound = !o.assumeFailed;
    double knownCapacity = 0;
    for (std::size_t s = 0; s < n; ++s) {
        MemberInput& mi = in.members[s];
        const ArrayMember* m = bySlot[s];
        const Drive* d = m ? findDriveById(m->drive) : nullptr;
        mi.name = d && d->kernelName ? *d->kernelName
                  : m && m->device   ? *m->device
                  : d                ? d->id
                                     : "slot " + std::to_string(s);
        const bool gone = !m || isRole(*m, "faulty") || isRole(*m, "missing");
        const bool rebuilding = m && (isRole(*m, "rebuilding") || isRole(*m, "replacement"));
        mi.failed = gone || rebuilding;
        if (o.assumeFailed && m && m->drive && *m->drive == *o.assumeFailed) {
            if (mi.failed)
                return fail(errc::invalid_argument, "drive " + *o.assumeFailed + " is already " +
                                                        (gone ? "failed" : "being rebuilt") + " in " + a.name);
            mi.failed = true;
            in.hypothetical = true;
            assumedFound = true;
        }
        if (d && d->capacityBytes) knownCapacity = std::max(knownCapacity, static_cast<double>(*d->capacityBytes));
        if (mi.failed) continue;
        if (!d) {
            mi.reasons.push_back("no drive details for this member: age and SMART unknown (multiplier 1)");
            continue;
        }
        if (d->smart && d->smart->powerOnHours) {
            mi.ageHours = static_cast<double>(*d->smart->powerOnHours);
        } else {
            mi.reasons.push_back("power-on hours unknown: age taken as 0, which under-states wear-out");
        }
        SmartRisk risk = smartRisk(d->smart);
        mi.multiplier = risk.multiplier;
        mi.knownUnreadableSectors = risk.knownUnreadableSectors;
        mi.reasons.insert(mi.reasons.end(), risk.reasons.begin(), risk.reasons.end());
        if (!o.ureRate && d->media == Media::SSD) mi.ureRate = kSsdUreRate;
    }
    if (!assumedFound)
        return fail(errc::not_found, "drive " + *o.assumeFailed + " is not an active member of " + a.name);

    // Capacity each member contributes.
    double perMember = 0;
    if (a.sizeBytes) {
        const double size = static_cast<double>(*a.sizeBytes);
        if (in.layout.level == RaidLevel::raid10 || in.layout.level == RaidLevel::raid1e)
            perMember = size * in.layout.copies / in.layout.members;
        else
            perMember = size / dataShareDivisor(in.layout);
    }
    for (std::size_t s = 0; s < n; ++s) {
        const ArrayMember* m = bySlot[s];
        const Drive* d = m ? findDriveById(m->drive) : nullptr;
        double c = perMember;
        if (c <= 0 && d && d->capacityBytes) c = static_cast<double>(*d->capacityBytes);
        if (c <= 0) c = knownCapacity;
        if (c <= 0) return fail(errc::invalid_argument, "array " + a.name + ": neither its size nor its members' capacity is known");
        in.members[s].capacityBytes = c;
    }

    // A rebuild already running: only the rest is exposed, at the speed it is going.
    if (a.operation && (a.operation->kind == "recovery" || a.operation->kind == "rebuild") && !in.hypothetical) {
        if (a.operation->percent) in.rebuiltFraction = std::clamp(*a.operation->percent / 100, 0.0, 0.999);
        in.replaceDelayHours = 0;
        if (!in.rate.deviceBytesPerSecond && a.operation->speedKiBs && *a.operation->speedKiBs > 0) {
            in.rate.deviceBytesPerSecond = static_cast<double>(*a.operation->speedKiBs) * 1024;
            in.rate.md.reset();
            in.rate.controllerShare.reset();
        }
    }
    // Assumptions about the array are reported with the failed member(s), where the operator looks.
    if (!policyWhy.empty()) notes.push_back(policyWhy);
    for (auto& mi : in.members)
        if (mi.failed) mi.reasons.insert(mi.reasons.end(), notes.begin(), notes.end());
    return in;
}

Result<MdSpeedLimits> readMdSpeedLimits(const Context& ctx, std::string_view mdName) {
    MdSpeedLimits l;
    auto readNumber = [](const std::filesystem::path& p) -> Result<std::optional<double>> {
        auto text = detail::readFile(p);
        if (!text) return tl::unexpected(text.error());
        // /proc: "1000"; /sys/block/mdX/md/sync_speed_*: "1000 (system)" or "5000 (local)".
        auto words = detail::splitWs(*text);
        if (words.empty()) return fail(errc::parse_error, p.string() + ": empty");
        auto v = detail::parseInt<std::uint64_t>(words[0]);
        if (!v || *v == 0) return fail(errc::parse_error, p.string() + ": not a positive number: " + detail::quoteForError(words[0]));
        if (words.size() > 1 && words[1] == "(system)") return std::optional<double>{};
        return std::optional<double>(static_cast<double>(*v));
    };
    const auto proc = ctx.paths.proc / "sys/dev/raid";
    auto mn = readNumber(proc / "speed_limit_min");
    if (!mn) return tl::unexpected(mn.error());
    auto mx = readNumber(proc / "speed_limit_max");
    if (!mx) return tl::unexpected(mx.error());
    l.minKiBs = mn->value_or(l.minKiBs);
    l.maxKiBs = mx->value_or(l.maxKiBs);
    if (!mdName.empty()) {
        const auto dir = ctx.paths.sys / "block" / std::string(mdName) / "md";
        // A per-array value overrides only when it says "(local)"; missing files are older kernels.
        if (auto v = readNumber(dir / "sync_speed_min"); v && *v) l.minKiBs = **v;
        if (auto v = readNumber(dir / "sync_speed_max"); v && *v) l.maxKiBs = **v;
    }
    if (l.maxKiBs < l.minKiBs) l.maxKiBs = l.minKiBs;  // md never throttles below min, so min wins
    return l;
}

} // namespace raidmon
