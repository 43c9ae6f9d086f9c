// SPDX-License-Identifier: LGPL-2.1-or-later
// Linux md arrays from sysfs (Documentation/admin-guide/md.rst, "md devices in sysfs").
#include <raidmon/inventory.hpp>
#include <raidmon/mdstat.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "common.hpp"
#include "core/strutil.hpp"
#include "core/sysfs.hpp"
#include "md/md_logic.hpp"

namespace raidmon {

using namespace detail;

namespace {

// md/uuid prints "a1b2c3d4-..." (newer kernels); mdadm and MD_UUID use "a1b2c3d4:e5f6...". Keep
// mdadm's form, which operators grep for.
std::string mdadmUuid(std::string_view u) {
    std::string hexOnly;
    for (char c : u)
        if (c != '-' && c != ':') hexOnly.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (hexOnly.size() != 32) return toLower(u);
    return hexOnly.substr(0, 8) + ":" + hexOnly.substr(8, 8) + ":" + hexOnly.substr(16, 8) + ":" + hexOnly.substr(24, 8);
}

ArrayMember readMember(const fs::path& mdDir, const std::string& devName, const std::vector<Drive>& drives,
                       std::vector<std::string>& garbage, bool& slotless) {
    fs::path mdev = mdDir / devName;
    ArrayMember m;
    m.device = devName.substr(4);  // "dev-sda1" -> "sda1"
    auto state = attr(mdev, "state").value_or("");
    for (auto w : split(state, ',')) {
        auto t = trim(w);
        if (!t.empty()) m.flags.emplace_back(t);
    }
    auto has = [&](std::string_view f) { return std::find(m.flags.begin(), m.flags.end(), f) != m.flags.end(); };
    if (auto slot = attr(mdev, "slot"); slot && *slot != "none") {
        if (auto n = parseInt<int>(*slot)) m.slot = *n;
        else garbage.push_back((mdev / "slot").string() + ": not a slot number: " + quoteForError(*slot));
    } else if (!slot) {
        slotless = true;  // older kernels and some recordings: the caller reads md's rdN links
    }
    m.errors = attrU64(mdev, "errors", 10, &garbage);
    if (has("faulty")) m.role = "faulty";
    else if (has("replacement")) m.role = "replacement";
    else if (has("in_sync")) m.role = "active";
    else if (has("journal")) m.role = "active";
    else if (m.slot) m.role = "rebuilding";  // a slot but not yet in sync: recovery onto it
    else m.role = "spare";
    if (auto blk = resolveLink(mdev / "block")) {
        if (const Drive* d = findDriveByPath(drives, *blk)) m.drive = d->id;
        m.device = blk->filename().string();
    }
    return m;
}

} // namespace

void detail::mdCrossCheck(const Context& ctx, const std::vector<Array>& arrays, std::vector<std::string>& notes) {
    auto text = readFile(ctx.paths.proc / "mdstat");
    if (!text) {
        if (!arrays.empty())
            notes.push_back("cannot cross-check md arrays: " + text.error().message);
        return;
    }
    auto ms = parseMdstat(*text);
    if (!ms) {
        notes.push_back((ctx.paths.proc / "mdstat").string() + ": " + ms.error().message);
        return;
    }
    std::set<std::string> inMdstat;
    for (const auto& s : ms->arrays) {
        inMdstat.insert(s.name);
        auto it = std::find_if(arrays.begin(), arrays.end(), [&](const Array& a) { return a.name == s.name; });
        if (it == arrays.end()) {
            notes.push_back("/proc/mdstat lists " + s.name + " but sysfs has no such array (being stopped or assembled?)");
            continue;
        }
        if (s.raidDisks && it->raidDisks && *s.raidDisks != *it->raidDisks)
            notes.push_back(s.name + ": /proc/mdstat says " + std::to_string(*s.raidDisks) + " raid disks, sysfs " +
                            std::to_string(*it->raidDisks));
        if (s.workingDisks && it->activeDisks && *s.workingDisks != *it->activeDisks)
            notes.push_back(s.name + ": /proc/mdstat says " + std::to_string(*s.workingDisks) + " working disks, sysfs " +
                            std::to_string(*it->activeDisks) + " (a change in progress?)");
    }
    for (const auto& a : arrays)
        if (!inMdstat.count(a.name)) notes.push_back(a.name + " is in sysfs but not in /proc/mdstat");
}

Result<std::vector<Array>> scanMdArrays(const Context& ctx, const std::vector<Drive>& drives, std::vector<std::string>& notes) {
    auto devs = ctx.devices->enumerate("block");
    if (!devs) return tl::unexpected(devs.error());
    return detail::mdArraysFrom(ctx, *devs, drives, notes);
}

std::vector<Array> detail::mdArraysFrom(const Context& /*ctx*/, const std::vector<DeviceRecord>& devs,
                                        const std::vector<Drive>& drives, std::vector<std::string>& notes) {
    std::vector<Array> out;
    for (const auto& rec : devs) {
        if (rec.devtype == "partition") continue;
        fs::path dir = rec.syspath;
        fs::path md = dir / "md";
        if (!pathExists(md)) continue;
        std::vector<std::string> garbage;
        Array a;
        a.kind = "md";
        a.name = rec.sysname;
        a.devnode = rec.devnode.empty() ? "/dev/" + rec.sysname : rec.devnode;
        a.arrayState = attr(md, "array_state");
        if (!a.arrayState && !pathExists(md)) {
            notes.push_back(rec.sysname + " vanished during the scan; skipped");
            continue;
        }
        a.level = normalizeMdLevel(attr(md, "level").value_or(""));
        a.metadata = attr(md, "metadata_version");
        // During a reshape md prints "NEW (OLD)", e.g. "11 (10)": the new count is the one being built.
        if (auto rd = attr(md, "raid_disks")) {
            if (auto n = parseLeadingInt<int>(*rd); n && *n >= 0 && *n <= 4096) a.raidDisks = *n;
            else garbage.push_back((md / "raid_disks").string() + ": not a number: " + quoteForError(*rd));
        }
        if (auto sz = attrU64(dir, "size", 10, &garbage); sz && *sz > 0) a.sizeBytes = *sz * 512ULL;
        if (auto u = attr(md, "uuid")) a.uuid = mdadmUuid(*u);
        else if (auto mu = rec.property("MD_UUID")) a.uuid = mdadmUuid(*mu);
        a.id = a.uuid ? "md-" + *a.uuid : "md-" + a.name;

        std::optional<int> copies;
        if (a.level == "raid10")
            if (auto layout = attrU64(md, "layout", 10, &garbage)) copies = raid10Copies(*layout);

        const auto entries = listDir(md);
        bool slotless = false;  // a member without dev-X/slot (older kernels, some recordings)
        std::vector<std::string> memberDirs;
        for (const auto& n : entries)
            if (startsWith(n, "dev-")) {
                a.members.push_back(readMember(md, n, drives, garbage, slotless));
                memberDirs.push_back(n);
            }
        if (slotless) {
            // md's rdN -> dev-X links say the slots there.
            std::map<std::string, int> rdSlots;  // "dev-sda" -> N
            for (const auto& n : entries)
                if (startsWith(n, "rd"))
                    if (auto idx = parseInt<int>(std::string_view(n).substr(2)))
                        if (auto t = linkTarget(md / n)) rdSlots[fs::path(*t).filename().string()] = *idx;
            for (std::size_t i = 0; i < a.members.size(); ++i) {
                auto& m = a.members[i];
                auto it = rdSlots.find(memberDirs[i]);
                if (m.slot || it == rdSlots.end()) continue;
                m.slot = it->second;
                if (m.role == "spare") m.role = "rebuilding";  // a slot but not yet in sync: recovery onto it
            }
        }
        std::sort(a.members.begin(), a.members.end(), [](const ArrayMember& x, const ArrayMember& y) {
            return std::pair(x.slot.value_or(1 << 30), x.device.value_or("")) < std::pair(y.slot.value_or(1 << 30), y.device.value_or(""));
        });

        // Operation in progress.
        auto action = attr(md, "sync_action");
        if (auto kind = action ? mdOperationKind(*action) : std::nullopt) {
            ArrayOperation op;
            op.kind = *kind;
            if (auto sc = attr(md, "sync_completed"); sc && *sc != "none" && *sc != "delayed") {
                auto parts = split(*sc, '/');
                if (parts.size() == 2) {
                    op.done = parseInt<std::uint64_t>(parts[0]);
                    op.total = parseInt<std::uint64_t>(parts[1]);
                    if (op.done && op.total && *op.total > 0)
                        op.percent = std::min(100.0, 100.0 * static_cast<double>(*op.done) / static_cast<double>(*op.total));
                } else {
                    garbage.push_back((md / "sync_completed").string() + ": not 'DONE / TOTAL': " + quoteForError(*sc));
                }
            } else if (sc && *sc == "delayed") {
                op.delayed = true;
            }
            if (auto sp = attr(md, "sync_speed"); sp && *sp != "none") {
                op.speedKiBs = parseInt<std::uint64_t>(*sp);
                if (op.speedKiBs && *op.speedKiBs > 0 && op.done && op.total && *op.total >= *op.done)
                    op.etaSeconds = (*op.total - *op.done) / 2 / *op.speedKiBs;  // sectors of 512 B, speed in KiB/s
            }
            a.operation = op;
        }

        // Missing members: md's own count is authoritative; the slots without a member say which.
        std::set<int> filled;
        for (const auto& m : a.members)
            if (m.slot && m.role != "faulty" && m.role != "rebuilding") filled.insert(*m.slot);
        int missing = 0;
        if (auto deg = attrU64(md, "degraded", 10, &garbage)) missing = static_cast<int>(std::min<std::uint64_t>(*deg, 4096));
        else if (a.raidDisks) missing = *a.raidDisks - static_cast<int>(filled.size());
        if (a.raidDisks) {
            // Only as many "missing" entries as md counts: members whose slot is unknown (old
            // kernels, recordings) must not turn into phantom holes.
            int toAdd = missing;
            for (int s = 0; s < *a.raidDisks && toAdd > 0; ++s)
                // A faulty or rebuilding member already stands for its hole; only empty slots get a "missing" entry.
                if (!filled.count(s) && std::none_of(a.members.begin(), a.members.end(),
                                                     [&](const ArrayMember& m) { return m.slot == s; })) {
                    ArrayMember m;
                    m.role = "missing";
                    m.slot = s;
                    a.members.push_back(std::move(m));
                    --toAdd;
                }
            a.activeDisks = *a.raidDisks - missing;
        }
        classifyMdArray(a, missing, copies);
        for (auto& g : garbage) notes.push_back(std::move(g));
        out.push_back(std::move(a));
    }
    sortMdArrays(out);
    return out;
}

void detail::sortMdArrays(std::vector<Array>& arrays) {
    // md0, md1, ..., md10: by name length, then name.
    std::sort(arrays.begin(), arrays.end(), [](const Array& x, const Array& y) {
        return x.name.size() != y.name.size() ? x.name.size() < y.name.size() : x.name < y.name;
    });
}

} // namespace raidmon
