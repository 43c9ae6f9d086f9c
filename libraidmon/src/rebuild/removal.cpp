// SPDX-License-Identifier: LGPL-2.1-or-later
// Safe-to-remove: what pulling a drive does to every array it belongs to.
#include <algorithm>
#include <string>

#include <raidmon/removal.hpp>

#include "core/strutil.hpp"
#include "rebuild/layout.hpp"

namespace raidmon {

namespace {

using detail::toLower;

int severity(RemovalVerdict v) {
    switch (v) {
    case RemovalVerdict::safe: return 0;
    case RemovalVerdict::interrupts_rebuild: return 1;
    case RemovalVerdict::reduces_redundancy: return 2;
    case RemovalVerdict::loses_last_redundancy: return 3;
    case RemovalVerdict::unknown: return 4;  // below loses_data: a certain loss outranks a doubt
    case RemovalVerdict::loses_data: return 5;
    }
    return 4;
}

RemovalVerdict worst(RemovalVerdict a, RemovalVerdict b) { return severity(a) >= severity(b) ? a : b; }

std::string normWwn(std::string_view s) {
    std::string v = toLower(detail::trim(s));
    for (std::string_view p : {"wwn-", "0x", "naa."})
        if (detail::startsWith(v, p)) v.erase(0, p.size());
    return v;
}

std::string normUuid(std::string_view s) {
    std::string v = toLower(detail::trim(s));
    std::erase_if(v, [](char c) { return c == ':' || c == '-'; });
    return v;
}

std::string_view stripDev(std::string_view s) { return detail::startsWith(s, "/dev/") ? s.substr(5) : s; }

/// "sda1" is a partition of "sda"; "nvme0n1p2" of "nvme0n1".
bool isPartitionOf(std::string_view part, std::string_view disk) {
    if (!detail::startsWith(part, disk) || part.size() == disk.size()) return false;
    std::string_view rest = part.substr(disk.size());
    if (!disk.empty() && disk.back() >= '0' && disk.back() <= '9') {
        if (rest.front() != 'p') return false;
        rest.remove_prefix(1);
    }
    return !rest.empty() && std::all_of(rest.begin(), rest.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool memberIsDrive(const ArrayMember& m, const Drive& d) {
    if (m.drive && *m.drive == d.id) return true;
    if (m.device && d.kernelName) return *m.device == *d.kernelName || isPartitionOf(*m.device, *d.kernelName);
    return false;
}

bool isGoneRole(const std::string& role) { return role == "faulty" || role == "missing"; }
bool isRebuildRole(const std::string& role) { return role == "rebuilding" || role == "replacement"; }

std::string describe(const Array& a) {
    std::string s = a.name;
    if (a.level) s += " (" + *a.level + (a.kind != "md" ? ", " + a.kind : "") + ")";
    return s;
}

template <typename T, typename Match>
Result<const T*> findUnique(const std::vector<T>& items, std::string_view spec, std::string_view what, Match match,
                            std::string (*label)(const T&)) {
    std::vector<const T*> hits;
    for (const auto& it : items)
        if (match(it)) hits.push_back(&it);
    if (hits.empty()) return fail(errc::not_found, "no " + std::string(what) + " matches " + detail::quoteForError(spec));
    if (hits.size() > 1) {
        std::string names;
        for (const auto* h : hits) names += (names.empty() ? "" : ", ") + label(*h);
        return fail(errc::invalid_argument,
                    detail::quoteForError(spec) + " matches several " + std::string(what) + "s: " + names);
    }
    return hits.front();
}

std::string driveLabel(const Drive& d) { return d.id; }
std::string arrayLabel(const Array& a) { return a.name + " (" + a.id + ")"; }

/// The per-slot failed flags of an array and the slot of `self` (nullopt if it is not active).
struct SlotMap {
    std::vector<bool> failed;
    std::optional<int> selfSlot;
    bool guessedSlots = false;
};

SlotMap mapSlots(const Array& a, int n, const ArrayMember* self) {
    SlotMap sm;
    sm.failed.assign(static_cast<std::size_t>(n), true);  // a slot nobody holds is missing
    std::vector<const ArrayMember*> unplaced;
    std::vector<const ArrayMember*> bySlot(static_cast<std::size_t>(n), nullptr);
    for (const auto& m : a.members) {
        if (m.role == "spare") continue;
        if (m.slot && *m.slot >= 0 && *m.slot < n && !bySlot[static_cast<std::size_t>(*m.slot)])
            bySlot[static_cast<std::size_t>(*m.slot)] = &m;
        else
            unplaced.push_back(&m);
    }
    for (std::size_t s = 0, u = 0; s < bySlot.size() && u < unplaced.size(); ++s)
        if (!bySlot[s]) {
            bySlot[s] = unplaced[u++];
            sm.guessedSlots = true;
        }
    for (std::size_t s = 0; s < bySlot.size(); ++s) {
        const ArrayMember* m = bySlot[s];
        sm.failed[s] = !m || isGoneRole(m->role) || isRebuildRole(m->role);
        if (m == self) sm.selfSlot = static_cast<int>(s);
    }
    return sm;
}

RemovalImpact assessArray(const Array& a, const ArrayMember& self, const std::string& who) {
    RemovalImpact imp;
    imp.arrayId = a.id;
    imp.arrayName = a.name;
    auto& why = imp.reasons;
    const std::string arr = describe(a);
    if (self.role == "spare") {
        imp.verdict = RemovalVerdict::safe;
        why.push_back(who + " is a spare of " + arr + ": pulling it only leaves the array without that spare.");
        return imp;
    }
    if (isGoneRole(self.role)) {
        imp.verdict = RemovalVerdict::safe;
        why.push_back(who + " has already failed out of " + arr + ": the array no longer relies on it.");
        return imp;
    }
    if (isRebuildRole(self.role)) {
        imp.verdict = RemovalVerdict::interrupts_rebuild;
        why.push_back(who + " is being rebuilt in " + arr +
                      ": pulling it loses no data but throws away the rebuild progress.");
        return imp;
    }
    if (a.state == "failed") {
        imp.verdict = RemovalVerdict::loses_data;
        why.push_back(arr + " has already failed: its remaining members, " + who +
                      " among them, are needed for any recovery. Do not pull it.");
        return imp;
    }
    if (a.state == "inactive") {
        imp.verdict = RemovalVerdict::unknown;
        why.push_back(arr + " is not running: raidmon cannot tell which members it still needs; keep " + who + " in place.");
        return imp;
    }
    std::vector<std::string> assumptions;
    auto layout = layoutOf(a, assumptions);
    if (!layout) {
        imp.verdict = RemovalVerdict::unknown;
        why.push_back(arr + ": " + layout.error().message + "; cannot tell what pulling " + who + " does.");
        return imp;
    }
    SlotMap sm = mapSlots(a, layout->members, &self);
    if (!sm.selfSlot) {
        imp.verdict = RemovalVerdict::unknown;
        why.push_back(who + " is listed in " + arr + " but not in any of its " + std::to_string(layout->members) + " slots.");
        return imp;
    }
    // The layouts that could be true: md raid10 without a known layout may be near (pairs) or
    // far/offset (a ring): judge by the worse.
    std::vector<RaidLayout> candidates{*layout};
    if (layout->level == RaidLevel::raid10 && a.kind == "md" && layout->members > 2) {
        RaidLayout ring = *layout;
        ring.raid10Layout = Raid10Layout::far;
        candidates.push_back(ring);
    }
    const bool slotSensitive = layout->level == RaidLevel::raid10 || layout->level == RaidLevel::raid1e;
    int before = layout->members, after = layout->members;
    for (const auto& l : candidates) {
        auto b = redundancyLeft(l, sm.failed);
        auto after0 = sm.failed;
        after0[static_cast<std::size_t>(*sm.selfSlot)] = true;
        auto f = redundancyLeft(l, after0);
        if (!b || !f) {
            imp.verdict = RemovalVerdict::unknown;
            why.push_back(arr + ": " + (b ? f.error() : b.error()).message);
            return imp;
        }
        before = std::min(before, *b);
        after = std::min(after, *f);
    }
    imp.redundancyBefore = before;
    imp.redundancyAfter = after;
    for (const auto& s : assumptions) why.push_back(arr + ": " + s + ".");
    if (candidates.size() > 1) why.push_back(arr + ": judged by the worse of the near and far/offset layouts.");
    if (slotSensitive && sm.guessedSlots)
        why.push_back(arr + ": some members' positions are unknown; the verdict assumes the listed order.");
    if (after < 0) {
        imp.verdict = RemovalVerdict::loses_data;
        why.push_back(before <= 0 ? arr + " has no redundancy left: pulling " + who + " loses data or takes the array offline."
                                  : "Pulling " + who + " loses data in " + arr + ".");
    } else if (after == 0) {
        imp.verdict = RemovalVerdict::loses_last_redundancy;
        why.push_back("Pulling " + who + " leaves " + arr +
                      " with no redundancy: its data survives, but one more failure or unreadable sector then loses data.");
    } else {
        imp.verdict = RemovalVerdict::reduces_redundancy;
        why.push_back("Pulling " + who + " leaves " + arr + " able to lose " + std::to_string(after) +
                      " more member(s) (now " + std::to_string(before) + ").");
    }
    return imp;
}

} // namespace

std::string_view toString(RemovalVerdict v) noexcept {
    switch (v) {
    case RemovalVerdict::safe: return "safe";
    case RemovalVerdict::interrupts_rebuild: return "interrupts_rebuild";
    case RemovalVerdict::reduces_redundancy: return "reduces_redundancy";
    case RemovalVerdict::loses_last_redundancy: return "loses_last_redundancy";
    case RemovalVerdict::loses_data: return "loses_data";
    case RemovalVerdict::unknown: return "unknown";
    }
    return "unknown";
}

int exitCode(RemovalVerdict v) noexcept {
    switch (v) {
    case RemovalVerdict::safe: return 0;
    case RemovalVerdict::interrupts_rebuild:
    case RemovalVerdict::reduces_redundancy:
    case RemovalVerdict::loses_last_redundancy: return 1;
    case RemovalVerdict::loses_data: return 2;
    case RemovalVerdict::unknown: return 3;
    }
    return 3;
}

Result<const Drive*> findDrive(const Inventory& inv, std::string_view spec) {
    spec = detail::trim(spec);
    if (spec.empty()) return fail(errc::invalid_argument, "empty drive name");
    const std::string wwn = normWwn(spec);
    const std::string_view kname = stripDev(spec);
    return findUnique<Drive>(
        inv.drives, spec, "drive",
        [&](const Drive& d) {
            return d.id == spec || (d.devnode && *d.devnode == spec) || (d.kernelName && *d.kernelName == kname) ||
                   (d.serial && *d.serial == spec) || (d.wwn && normWwn(*d.wwn) == wwn);
        },
        driveLabel);
}

Result<const Array*> findArray(const Inventory& inv, std::string_view spec) {
    spec = detail::trim(spec);
    if (spec.empty()) return fail(errc::invalid_argument, "empty array name");
    const std::string uuid = normUuid(spec);
    const std::string_view name = stripDev(spec);
    return findUnique<Array>(
        inv.arrays, spec, "array",
        [&](const Array& a) {
            return a.name == spec || a.name == name || a.id == spec || (a.devnode && *a.devnode == spec) ||
                   (a.uuid && normUuid(*a.uuid) == uuid);
        },
        arrayLabel);
}

Result<RemovalTarget> resolveRemovalTarget(const Inventory& inv, std::string_view spec) {
    auto d = findDrive(inv, spec);
    if (d) {
        // The bay the drive sits in, as `raidmon status` knows it: the technician pulls a bay.
        const Location& loc = (*d)->location;
        RemovalTarget t{(*d)->id, loc.enclosure, loc.slot, loc.label};
        if (!t.slotLabel && loc.enclosure && loc.slot)
            for (const auto& e : inv.enclosures)
                if (e.id == *loc.enclosure)
                    for (const auto& sl : e.slots)
                        if (sl.index == *loc.slot) t.slotLabel = sl.label;
        return t;
    }
    if (!d.error().is(errc::not_found)) return tl::unexpected(d.error());

    std::vector<std::pair<const Enclosure*, const Slot*>> hits;
    const std::string_view s = detail::trim(spec);
    if (auto colon = s.rfind(':'); colon != std::string_view::npos) {
        auto idx = detail::parseInt<int>(s.substr(colon + 1));
        const std::string_view enc = s.substr(0, colon);
        if (idx)
            for (const auto& e : inv.enclosures)
                if (e.id == enc || (e.scsiAddress && *e.scsiAddress == enc))
                    for (const auto& sl : e.slots)
                        if (sl.index == *idx) hits.emplace_back(&e, &sl);
    }
    if (hits.empty())
        for (const auto& e : inv.enclosures)
            for (const auto& sl : e.slots)
                if (sl.label && toLower(*sl.label) == toLower(s)) hits.emplace_back(&e, &sl);
    if (hits.empty())
        return fail(errc::not_found, "no drive or slot matches " + detail::quoteForError(spec) +
                                         " (drive: id, /dev node, kernel name, serial or WWN; slot: ENCLOSURE:INDEX or label)");
    if (hits.size() > 1)
        return fail(errc::invalid_argument, detail::quoteForError(spec) + " matches " + std::to_string(hits.size()) +
                                                " slots; use ENCLOSURE:INDEX");
    const auto& [e, sl] = hits.front();
    return RemovalTarget{sl->drive, e->id, sl->index, sl->label};
}

RemovalAssessment assessRemoval(const Inventory& inv, const RemovalTarget& target) {
    RemovalAssessment out;
    out.target = target;
    auto& why = out.reasons;
    const std::string slotName = target.enclosureId
                                     ? (target.slotLabel ? "slot " + *target.slotLabel : "slot " + *target.enclosureId + ":" +
                                                                                              std::to_string(target.slotIndex.value_or(-1)))
                                     : std::string();
    if (!target.driveId) {
        const Slot* slot = nullptr;
        for (const auto& e : inv.enclosures)
            if (target.enclosureId && e.id == *target.enclosureId)
                for (const auto& s : e.slots)
                    if (target.slotIndex && s.index == *target.slotIndex) slot = &s;
        if (slot && slot->device) {
            out.verdict = RemovalVerdict::unknown;
            why.push_back(slotName + " holds " + *slot->device + ", which the inventory could not identify as a drive.");
        } else if (slot && slot->status && toLower(*slot->status) != "not installed" && toLower(*slot->status) != "empty") {
            out.verdict = RemovalVerdict::unknown;
            why.push_back(slotName + " reports status '" + *slot->status + "' but no drive is known in it.");
        } else {
            out.verdict = RemovalVerdict::safe;
            why.push_back((slotName.empty() ? std::string("The slot") : slotName) + " is empty: there is nothing to pull.");
        }
        return out;
    }
    const Drive* drive = nullptr;
    for (const auto& d : inv.drives)
        if (d.id == *target.driveId) drive = &d;
    if (!drive) {
        out.verdict = RemovalVerdict::unknown;
        why.push_back("drive " + *target.driveId + " is not in the inventory.");
        return out;
    }
    std::string who = drive->kernelName ? *drive->kernelName : drive->id;
    if (drive->serial) who += " (serial " + *drive->serial + ")";
    if (!slotName.empty()) who += " in " + slotName;

    out.verdict = RemovalVerdict::safe;
    for (const auto& a : inv.arrays)
        for (const auto& m : a.members)
            if (memberIsDrive(m, *drive)) {
                auto imp = assessArray(a, m, who);
                out.verdict = worst(out.verdict, imp.verdict);
                out.arrays.push_back(std::move(imp));
            }
    if (!out.arrays.empty()) {
        for (const auto& imp : out.arrays) why.insert(why.end(), imp.reasons.begin(), imp.reasons.end());
        return out;
    }
    // Not a member of any array raidmon knows.
    const auto state = drive->state;
    if (state && (*state == DriveState::spare)) {
        why.push_back(who + " is a hot spare and in no array: pulling it only removes the spare.");
    } else if (state && (*state == DriveState::failed || *state == DriveState::missing || *state == DriveState::offline)) {
        why.push_back(who + " is " + std::string(toString(*state)) + " and in no array: nothing relies on it.");
    } else if (state && *state == DriveState::unconfigured) {
        why.push_back(who + " is unconfigured and in no array.");
    } else if (!drive->signatures.empty()) {
        out.verdict = RemovalVerdict::unknown;
        const auto& sig = drive->signatures.front();
        std::string what = sig.type == "linux_raid_member"
                               ? "an md superblock" + (sig.uuid ? " of array " + *sig.uuid : std::string()) +
                                     " but is in no running array"
                               : "a " + sig.type + " signature on " + sig.device + " outside any array";
        why.push_back(who + " holds " + what + ": raidmon cannot tell whether it is in use. Check before pulling it.");
    } else if (drive->role && *drive->role == "unused") {
        why.push_back(who + " carries no partition table, filesystem or RAID signature and is in no array.");
    } else if (state && *state == DriveState::jbod) {
        out.verdict = RemovalVerdict::unknown;
        why.push_back(who + " is a pass-through (JBOD) drive of a controller: raidmon cannot tell whether it is in use.");
    } else {
        out.verdict = RemovalVerdict::unknown;
        why.push_back(who + " is in no array, and nothing is known about its contents.");
    }
    return out;
}

} // namespace raidmon
