// SPDX-License-Identifier: LGPL-2.1-or-later
// mdadm --detail and mdadm --examine (mdadm 3.x/4.x, Detail.c and super1.c/super0.c layouts),
// mapped with the same md rules as the sysfs reader and the /proc/mdstat decoder (md/md_logic).
#include <algorithm>

#include "core/strutil.hpp"
#include "ctl/common.hpp"
#include "ctl/decoders.hpp"
#include "md/md_logic.hpp"

namespace raidmon::detail {

namespace {

// "101376 (99.00 MiB 103.81 MB)" or "101376 KiB (...)": mdadm counts 1 KiB blocks.
std::optional<std::uint64_t> kibBytes(std::string_view v) {
    auto n = parseLeadingInt<std::uint64_t>(v);
    if (!n || *n > (1ULL << 53)) return std::nullopt;
    return *n * 1024;
}

// "20% complete" -> 20
std::optional<double> percentOf(std::string_view v) {
    auto p = v.find('%');
    if (p == std::string_view::npos) return std::nullopt;
    return parseDouble(v.substr(0, p));
}

std::optional<int> raid10CopiesFromLayout(std::string_view layout) {
    // "near=2", "far=2", "offset=2", "near=2, far=1"
    int copies = 1;
    bool any = false;
    for (auto part : split(layout, ',')) {
        auto eq = part.find('=');
        if (eq == std::string_view::npos) continue;
        if (auto n = parseInt<int>(part.substr(eq + 1)); n && *n > 0 && *n < 64) {
            copies *= *n;
            any = true;
        }
    }
    return any ? std::optional<int>(copies) : std::nullopt;
}

std::string baseName(std::string_view dev) {
    auto s = dev.rfind('/');
    return std::string(s == std::string_view::npos ? dev : dev.substr(s + 1));
}

} // namespace

int detectMdadmDetail(std::string_view t) {
    auto head = t.substr(0, 2048);
    if (!startsWith(head, "/dev/")) return 0;
    if (head.find("Raid Level :") != std::string_view::npos &&
        (head.find("Number   Major   Minor   RaidDevice") != std::string_view::npos ||
         head.find("Total Devices :") != std::string_view::npos) &&
        head.find("Magic :") == std::string_view::npos)
        return 90;
    return 0;
}

Result<Capture> decodeMdadmDetail(std::string_view input) {
    auto ls = ctl::kvLines(input);
    std::size_t first = 0;
    while (first < ls.size() && trim(ls[first].raw).empty()) ++first;
    if (first == ls.size() || !startsWith(trim(ls[first].raw), "/dev/") || !endsWith(trim(ls[first].raw), ":"))
        return fail(errc::parse_error, "mdadm --detail: the first line is not '/dev/<array>:'");
    auto dev = trim(ls[first].raw);
    dev.remove_suffix(1);
    Array a;
    a.kind = "md";
    a.devnode = std::string(dev);
    a.name = baseName(dev);
    std::optional<int> totalDevices, copies;
    std::optional<ArrayOperation> op;
    bool table = false;
    std::size_t rows = 0;
    for (std::size_t i = first + 1; i < ls.size(); ++i) {
        const auto& l = ls[i];
        auto t = trim(l.raw);
        if (t.empty()) continue;
        if (startsWith(t, "Number ") && t.find("RaidDevice") != std::string_view::npos) {
            table = true;
            continue;
        }
        if (table) {
            // "0  254  1  0  active sync writemostly failfast  /dev/vda2", "-  0  0  1  removed"
            auto w = splitWs(t);
            if (w.size() < 5)
                return fail(errc::parse_error, ctl::lineError("mdadm --detail", l, "member row has fewer than 5 columns"));
            ++rows;
            ArrayMember m;
            m.slot = parseInt<int>(w[3]);
            std::size_t end = w.size();
            if (startsWith(w.back(), "/dev/")) {
                m.device = baseName(w.back());
                --end;
            }
            for (std::size_t k = 4; k < end; ++k) m.flags.emplace_back(w[k]);
            auto has = [&](std::string_view f) { return std::find(m.flags.begin(), m.flags.end(), f) != m.flags.end(); };
            if (has("faulty")) m.role = "faulty";
            else if (has("removed")) m.role = "missing";
            else if (has("replacement")) m.role = "replacement";
            else if (has("rebuilding")) m.role = "rebuilding";
            else if (has("spare")) m.role = "spare";
            else m.role = "active";
            if (m.role == "spare" || m.role == "faulty") m.slot.reset();
            a.members.push_back(std::move(m));
            continue;
        }
        if (!l.hasSeparator) continue;
        const auto k = l.key;
        const auto v = l.value;
        if (k == "Version") a.metadata = ctl::text(v);
        else if (k == "Raid Level") a.level = normalizeMdLevel(v);
        else if (k == "Array Size") a.sizeBytes = kibBytes(v);
        else if (k == "Raid Devices") a.raidDisks = parseInt<int>(v);
        else if (k == "Active Devices") a.activeDisks = parseInt<int>(v);
        else if (k == "Total Devices") totalDevices = parseInt<int>(v);
        else if (k == "State") {
            auto words = split(v, ',');
            a.arrayState = std::string(trim(words.front()));
        } else if (k == "UUID") a.uuid = ctl::text(v);
        else if (k == "Layout" && a.level == "raid10") copies = raid10CopiesFromLayout(v);
        else if (endsWith(k, "Status") && v.find('%') != std::string_view::npos) {
            // "Rebuild Status", "Resync Status", "Reshape Status", "Check Status"
            ArrayOperation o;
            auto word = toLower(k.substr(0, k.find(' ')));
            o.kind = word == "rebuild" || word == "recovery" ? "recovery" : word == "resync" ? "resync"
                     : word == "reshape"                     ? "reshape"
                     : word == "check"                       ? "check"
                                                             : word;
            o.percent = percentOf(v);
            op = o;
        }
    }
    if (!table) return fail(errc::parse_error, "mdadm --detail: no member table ('Number Major Minor RaidDevice State'): truncated capture?");
    if (totalDevices && rows < static_cast<std::size_t>(*totalDevices))
        return fail(errc::parse_error, "mdadm --detail: 'Total Devices : " + std::to_string(*totalDevices) + "' but " +
                                           std::to_string(rows) + " member rows: truncated capture?");
    a.id = a.uuid ? "md-" + *a.uuid : "md-" + a.name;
    a.operation = op;
    int missing = 0;
    if (a.raidDisks) {
        int working = static_cast<int>(std::count_if(a.members.begin(), a.members.end(), [](const ArrayMember& m) {
            return m.role == "active";
        }));
        missing = std::max(*a.raidDisks - working, 0);
    }
    classifyMdArray(a, missing, copies);
    for (const auto& m : a.members)
        if (m.role == "faulty" && a.health == Health::OK) {
            a.health = Health::Warning;
            a.reasons.push_back(a.name + " still lists " + m.device.value_or("a member") +
                                " as faulty: remove it (mdadm --remove) and replace the drive");
        }
    Capture cap;
    cap.arrays.push_back(std::move(a));
    return cap;
}

int detectMdadmExamine(std::string_view t) {
    auto head = t.substr(0, 2048);
    if (startsWith(head, "/dev/") && head.find("Magic :") != std::string_view::npos) return 90;
    return 0;
}

Result<Capture> decodeMdadmExamine(std::string_view input) {
    auto ls = ctl::kvLines(input);
    if (ls.empty() || !startsWith(trim(ls[0].raw), "/dev/"))
        return fail(errc::parse_error, "mdadm --examine: the first line is not '/dev/<member>:'");
    auto dev = trim(ls[0].raw);
    if (endsWith(dev, ":")) dev.remove_suffix(1);
    Array a;
    a.kind = "md";
    std::optional<std::string> role, arrayStateLetters, magic, name;
    std::optional<std::uint64_t> recoveryOffset;
    for (const auto& l : ls) {
        if (!l.hasSeparator) continue;
        const auto k = l.key;
        const auto v = l.value;
        if (k == "Magic") magic = std::string(v);
        else if (k == "Version") a.metadata = ctl::text(v);
        else if (k == "Array UUID" || k == "UUID") a.uuid = ctl::text(v);
        else if (k == "Name") name = ctl::text(v.substr(0, v.find(' ')));
        else if (k == "Raid Level") a.level = normalizeMdLevel(v);
        else if (k == "Raid Devices") a.raidDisks = parseInt<int>(v);
        else if (k == "Array Size") a.sizeBytes = kibBytes(v);
        else if (k == "State") a.arrayState = ctl::text(v);
        else if (k == "Device Role") role = std::string(v);
        else if (k == "Array State") arrayStateLetters = std::string(splitWs(v).empty() ? v : splitWs(v)[0]);
        else if (k == "Recovery Offset") recoveryOffset = parseLeadingInt<std::uint64_t>(v);
    }
    if (!magic) return fail(errc::parse_error, "mdadm --examine: no 'Magic :' line: not an md superblock dump");
    if (!arrayStateLetters)
        return fail(errc::parse_error, "mdadm --examine: no 'Array State :' line (truncated capture, or 0.90 metadata which raidmon does not decode)");
    a.name = name.value_or(baseName(dev));
    a.id = a.uuid ? "md-" + *a.uuid : "md-" + a.name;
    // Array State: one letter per slot: 'A' active, '.' missing, 'R' active with a replacement.
    int missing = 0;
    for (std::size_t i = 0; i < arrayStateLetters->size(); ++i) {
        char c = (*arrayStateLetters)[i];
        ArrayMember m;
        m.slot = static_cast<int>(i);
        m.role = c == '.' ? "missing" : "active";
        if (c == '.') ++missing;
        m.flags.emplace_back(1, c);
        a.members.push_back(std::move(m));
    }
    ArrayMember self;
    self.device = baseName(dev);
    auto r = toLower(role.value_or(""));
    if (startsWith(r, "replacement device")) self.role = "replacement";
    else if (startsWith(r, "active device")) self.role = recoveryOffset ? "rebuilding" : "active";
    else if (startsWith(r, "spare")) self.role = "spare";
    else self.role = r.empty() ? "active" : r;
    if (auto sp = r.rfind(' '); sp != std::string::npos) self.slot = parseInt<int>(r.substr(sp + 1));
    if (self.role == "spare") self.slot.reset();
    // Put the examined device on its slot (or add it, for a replacement or spare).
    bool placed = false;
    if (self.role == "active" || self.role == "rebuilding")
        for (auto& m : a.members)
            if (m.slot == self.slot) {
                m.device = self.device;
                m.role = self.role;
                placed = true;
            }
    if (!placed) a.members.push_back(self);
    a.activeDisks = a.raidDisks ? std::optional<int>(*a.raidDisks - missing) : std::nullopt;
    if (recoveryOffset) {
        ArrayOperation o;
        o.kind = "recovery";
        a.operation = o;
    }
    classifyMdArray(a, missing, std::nullopt);
    a.reasons.push_back("as recorded in the superblock of " + std::string(dev) + " (a member's view; may be stale)");
    Capture cap;
    cap.arrays.push_back(std::move(a));
    return cap;
}

} // namespace raidmon::detail
