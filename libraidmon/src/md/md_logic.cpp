// SPDX-License-Identifier: LGPL-2.1-or-later
#include "md_logic.hpp"

#include <algorithm>
#include <cstdio>

#include "core/strutil.hpp"

namespace raidmon::detail {

std::optional<std::string> normalizeMdLevel(std::string_view word) {
    word = trim(word);
    if (word.empty()) return std::nullopt;
    std::string w = toLower(word);
    if (w == "0" || w == "1" || w == "4" || w == "5" || w == "6" || w == "10") return "raid" + w;
    if (w == "mirror") return std::string("raid1");
    if (w == "stripe") return std::string("raid0");
    return w;  // raid0..raid10, linear, multipath, faulty, container: md's own words are the model's
}

std::optional<int> raid10Copies(unsigned long layout) {
    unsigned long nearCopies = layout & 0xff, farCopies = (layout >> 8) & 0xff;
    if (nearCopies == 0 || farCopies == 0) return std::nullopt;
    return static_cast<int>(nearCopies * farCopies);
}

std::optional<int> mdRedundancy(std::string_view level, int raidDisks, std::optional<int> copies) {
    if (level == "raid1") return std::max(raidDisks - 1, 0);
    if (level == "raid4" || level == "raid5") return 1;
    if (level == "raid6") return 2;
    if (level == "raid10") return std::max(copies.value_or(2) - 1, 0);
    if (level == "raid0" || level == "linear" || level == "faulty") return 0;
    if (level == "multipath") return std::max(raidDisks - 1, 0);
    return std::nullopt;
}

std::optional<std::string> mdOperationKind(std::string_view syncAction) {
    syncAction = trim(syncAction);
    if (syncAction == "recover" || syncAction == "recovery") return std::string("recovery");
    if (syncAction == "resync") return std::string("resync");
    if (syncAction == "check") return std::string("check");
    if (syncAction == "repair") return std::string("repair");
    if (syncAction == "reshape") return std::string("reshape");
    return std::nullopt;  // idle, frozen, none
}

namespace {
// A member md has failed but that is still attached: the array runs without it; it must be
// removed (mdadm --remove) and replaced. Say so even when the array itself is not degraded (a
// spare already took its place).
void noteFaultyMembers(Array& a) {
    for (const auto& m : a.members) {
        if (m.role != "faulty") continue;
        if (a.health == Health::OK) a.health = Health::Warning;
        a.reasons.push_back(a.name + ": member " + m.device.value_or("?") + " has failed and is still attached; replace it");
    }
}
} // namespace

void classifyMdArray(Array& a, int missing, std::optional<int> copies) {
    classifyMdState(a, missing, copies);
    if (a.state != "inactive") noteFaultyMembers(a);
}

void classifyMdState(Array& a, int missing, std::optional<int> copies) {
    a.reasons.clear();
    const std::string level = a.level.value_or("");
    const bool inactive = a.arrayState && (*a.arrayState == "inactive" || *a.arrayState == "clear");
    const bool container = level == "container" ||
                           (a.metadata && startsWith(*a.metadata, "external:") && a.metadata->find('/') == std::string::npos);
    if (container) {
        a.level = "container";
        a.state = "inactive";  // a metadata container never runs; its member volumes do
        a.health = Health::OK;
        a.redundancyLeft.reset();
        return;
    }
    if (inactive) {
        a.state = "inactive";
        a.health = Health::Critical;
        a.reasons.push_back(a.name + " is inactive: it is not running and its data is not available");
        return;
    }
    if (a.arrayState && *a.arrayState == "broken") {
        a.state = "failed";
        a.health = Health::Critical;
        a.reasons.push_back(a.name + " is broken: a member it cannot run without is missing");
        a.redundancyLeft = 0;
        return;
    }
    // raid1 and multipath survive raid_disks-1 failures; the other levels' redundancy does not
    // depend on the count, which /proc/mdstat does not print for raid0 and linear.
    std::optional<int> red;
    if (a.raidDisks) red = mdRedundancy(level, *a.raidDisks, copies);
    else if (level != "raid1" && level != "multipath") red = mdRedundancy(level, 0, copies);
    if (red) a.redundancyLeft = std::max(*red - missing, 0);
    const std::string op = a.operation ? a.operation->kind : std::string();
    const bool running = a.operation && !a.operation->delayed;

    if (red && missing > *red) {
        a.state = "failed";
        a.health = Health::Critical;
        a.reasons.push_back(a.name + " has failed: " + std::to_string(missing) + " of " +
                            std::to_string(a.raidDisks.value_or(0)) + " members missing, " + level + " survives only " +
                            std::to_string(*red));
        return;
    }
    if (missing > 0) {
        if (running && (op == "recovery" || op == "reshape")) {
            a.state = op == "reshape" ? "reshaping" : "rebuilding";
            a.health = Health::Warning;
            std::string pct;
            if (a.operation->percent) {
                char buf[24];
                std::snprintf(buf, sizeof buf, " (%.1f%%)", *a.operation->percent);
                pct = buf;
            }
            a.reasons.push_back(a.name + " is " + (op == "reshape" ? "reshaping" : "rebuilding") + pct + ": " +
                                std::to_string(missing) + " member(s) not in sync yet");
        } else {
            a.state = "degraded";
            bool none = a.redundancyLeft && *a.redundancyLeft == 0;
            a.health = none || !red ? Health::Critical : Health::Warning;
            a.reasons.push_back(a.name + " is degraded: " + std::to_string(missing) + " of " +
                                std::to_string(a.raidDisks.value_or(0)) + " members missing" +
                                (none ? ", no redundancy left" : "") +
                                (a.operation && a.operation->delayed ? " (recovery delayed)" : ""));
        }
        return;
    }
    a.health = Health::OK;
    if (running && op == "resync") a.state = "resyncing";
    else if (running && (op == "check" || op == "repair")) a.state = "checking";
    else if (running && op == "reshape") a.state = "reshaping";
    else if (running && op == "recovery") a.state = "rebuilding";  // e.g. replacing a want_replacement member
    else a.state = "optimal";
    if (a.state == "rebuilding") a.health = Health::Warning;
}

} // namespace raidmon::detail
