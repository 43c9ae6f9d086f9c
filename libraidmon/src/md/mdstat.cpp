// SPDX-License-Identifier: LGPL-2.1-or-later
// /proc/mdstat as md_seq_show() (drivers/md/md.c) prints it:
//   md0 : active (auto-read-only) raid1 sdb1[1] sda1[0](F)
//         976630336 blocks super 1.2 [2/1] [U_]
//         [=>...]  recovery =  8.5% (16775552/195310144) finish=17.0min speed=259783K/sec
//         bitmap: 0/8 pages [0KB], 65536KB chunk
#include <raidmon/mdstat.hpp>

#include <algorithm>

#include "core/strutil.hpp"
#include "md_logic.hpp"

namespace raidmon {

using namespace detail;

namespace {

bool isArrayHeader(std::string_view line, std::string_view& name, std::string_view& rest) {
    if (line.empty() || isSpace(line.front())) return false;
    auto colon = line.find(" : ");
    if (colon == std::string_view::npos || colon == 0) return false;
    name = trim(line.substr(0, colon));
    rest = trim(line.substr(colon + 3));
    if (name.find(' ') != std::string_view::npos) return false;
    return startsWith(rest, "active") || startsWith(rest, "inactive");
}

std::optional<MdstatMember> parseMember(std::string_view tok) {
    auto lb = tok.find('[');
    auto rb = tok.find(']', lb == std::string_view::npos ? 0 : lb);
    if (lb == std::string_view::npos || rb == std::string_view::npos || lb == 0) return std::nullopt;
    auto idx = parseInt<int>(tok.substr(lb + 1, rb - lb - 1));
    if (!idx) return std::nullopt;
    MdstatMember m;
    m.device = std::string(tok.substr(0, lb));
    m.index = *idx;
    std::string_view flags = tok.substr(rb + 1);
    while (!flags.empty()) {
        if (flags.size() < 3 || flags[0] != '(' || flags[2] != ')') return std::nullopt;
        switch (flags[1]) {
        case 'F': m.faulty = true; break;
        case 'S': m.spare = true; break;
        case 'W': m.writeMostly = true; break;
        case 'R': m.replacement = true; break;
        case 'J': m.journal = true; break;
        case 'Y': m.failfast = true; break;
        default: return std::nullopt;
        }
        flags.remove_prefix(3);
    }
    return m;
}

// "[8/7]" and "[UUUUUUU_]"
void parseStatusTokens(std::string_view tok, MdstatArray& a) {
    if (tok.size() < 3 || tok.front() != '[' || tok.back() != ']') return;
    auto inner = tok.substr(1, tok.size() - 2);
    auto slash = inner.find('/');
    if (slash != std::string_view::npos) {
        auto n = parseInt<int>(inner.substr(0, slash));
        auto m = parseInt<int>(inner.substr(slash + 1));
        if (n && m) {
            a.raidDisks = *n;
            a.workingDisks = *m;
        }
    } else if (!inner.empty() && std::all_of(inner.begin(), inner.end(), [](char c) { return c == 'U' || c == '_'; })) {
        a.statusMap = std::string(inner);
    }
}

// "recovery =  8.5% (16775552/195310144) finish=17.0min speed=259783K/sec"; "resync=DELAYED"
std::optional<ArrayOperation> parseProgress(std::string_view line) {
    static constexpr std::string_view kinds[] = {"recovery", "resync", "check", "repair", "reshape"};
    for (auto kind : kinds) {
        auto pos = line.find(kind);
        if (pos == std::string_view::npos) continue;
        auto rest = trim(line.substr(pos + kind.size()));
        if (rest.empty() || rest.front() != '=') continue;
        rest = trim(rest.substr(1));
        ArrayOperation op;
        op.kind = kind == "recovery" ? "recovery" : std::string(kind);
        if (startsWith(rest, "DELAYED") || startsWith(rest, "PENDING") || startsWith(rest, "REMOTE")) {
            op.delayed = true;
            return op;
        }
        auto pct = rest.find('%');
        if (pct != std::string_view::npos) op.percent = parseDouble(rest.substr(0, pct));
        auto lp = rest.find('('), sl = rest.find('/'), rp = rest.find(')');
        if (lp != std::string_view::npos && sl != std::string_view::npos && rp != std::string_view::npos && lp < sl && sl < rp) {
            op.done = parseInt<std::uint64_t>(rest.substr(lp + 1, sl - lp - 1));
            op.total = parseInt<std::uint64_t>(rest.substr(sl + 1, rp - sl - 1));
        }
        if (auto f = rest.find("finish="); f != std::string_view::npos) {
            auto v = rest.substr(f + 7);
            auto end = v.find("min");
            if (end != std::string_view::npos)
                if (auto mins = parseDouble(v.substr(0, end))) op.etaSeconds = static_cast<std::uint64_t>(*mins * 60.0 + 0.5);
        }
        if (auto s = rest.find("speed="); s != std::string_view::npos) {
            auto v = rest.substr(s + 6);
            auto end = v.find("K/sec");
            if (end != std::string_view::npos) op.speedKiBs = parseInt<std::uint64_t>(v.substr(0, end));
        }
        return op;
    }
    return std::nullopt;
}

void parseSizeLine(std::string_view line, MdstatArray& a) {
    auto toks = splitWs(line);
    for (std::size_t i = 0; i < toks.size(); ++i) {
        auto t = toks[i];
        if (t == "blocks" && i > 0) a.blocks = parseInt<std::uint64_t>(toks[i - 1]);
        else if (t == "super" && i + 1 < toks.size()) a.super = std::string(toks[i + 1]);
        else if (t.front() == '[') parseStatusTokens(t, a);
    }
}

} // namespace

Result<Mdstat> parseMdstat(std::string_view text) {
    Mdstat out;
    auto ls = lines(text);
    bool sawPersonalities = false, sawTrailer = false;
    MdstatArray* cur = nullptr;
    std::size_t lineNo = 0;
    for (auto raw : ls) {
        ++lineNo;
        auto line = std::string_view(raw);
        auto t = trim(line);
        if (startsWith(t, "Personalities :") || startsWith(t, "Personalities:")) {
            sawPersonalities = true;
            for (auto w : splitWs(t.substr(t.find(':') + 1)))
                if (w.size() > 2 && w.front() == '[' && w.back() == ']') out.personalities.emplace_back(w.substr(1, w.size() - 2));
            cur = nullptr;
            continue;
        }
        if (startsWith(t, "unused devices:")) {
            sawTrailer = true;
            cur = nullptr;
            continue;
        }
        if (t.empty()) {
            cur = nullptr;
            continue;
        }
        std::string_view name, rest;
        if (isArrayHeader(line, name, rest)) {
            MdstatArray a;
            a.name = std::string(name);
            auto toks = splitWs(rest);
            std::size_t i = 0;
            a.active = toks[i++] == "active";
            if (i < toks.size() && toks[i].front() == '(') {
                auto w = toks[i++];
                a.readOnly = std::string(w.substr(1, w.size() - (w.back() == ')' ? 2 : 1)));
            }
            for (; i < toks.size(); ++i) {
                if (auto m = parseMember(toks[i])) {
                    a.members.push_back(std::move(*m));
                } else if (a.members.empty() && !a.level) {
                    a.level = normalizeMdLevel(toks[i]);
                } else {
                    return fail(errc::parse_error, "line " + std::to_string(lineNo) + ": member " +
                                                       quoteForError(toks[i]) + " is not NAME[N](FLAGS)");
                }
            }
            out.arrays.push_back(std::move(a));
            cur = &out.arrays.back();
            continue;
        }
        if (!cur) {
            // Text before "Personalities" (a shell prompt in pasted captures) is tolerated; anything
            // else outside a stanza means this is not mdstat.
            if (!sawPersonalities) continue;
            return fail(errc::parse_error, "line " + std::to_string(lineNo) + ": unexpected " + quoteForError(t));
        }
        if (startsWith(t, "bitmap:")) {
            cur->bitmap = std::string(trim(t.substr(7)));
        } else if (auto op = parseProgress(t)) {
            cur->operation = std::move(*op);
        } else if (t.find("blocks") != std::string_view::npos) {
            parseSizeLine(t, *cur);
            if (cur->level == "raid10") {
                // "2 near-copies" / "2 far-copies" / "2 offset-copies": kept as a note-free detail
            }
        }
        // Other continuation lines (e.g. "4 near-copies" alone, "chunk" details) carry nothing we use.
    }
    if (!sawPersonalities && out.arrays.empty())
        return fail(errc::parse_error, "line 1: no 'Personalities :' line and no array: not /proc/mdstat");
    (void)sawTrailer;
    return out;
}

Array toArray(const MdstatArray& s) {
    Array a;
    a.kind = "md";
    a.name = s.name;
    a.id = "md-" + s.name;
    a.devnode = "/dev/" + s.name;
    a.level = s.level;
    a.metadata = s.super;
    if (s.blocks) a.sizeBytes = *s.blocks * 1024ULL;
    a.arrayState = s.active ? (s.readOnly ? *s.readOnly : std::string("active")) : std::string("inactive");
    a.raidDisks = s.raidDisks;
    a.activeDisks = s.workingDisks;
    a.operation = s.operation;
    for (const auto& m : s.members) {
        ArrayMember am;
        am.device = m.device;
        am.role = m.faulty ? "faulty" : m.spare ? "spare" : m.replacement ? "replacement" : "active";
        if (m.writeMostly) am.flags.push_back("write_mostly");
        if (m.failfast) am.flags.push_back("failfast");
        if (m.journal) am.flags.push_back("journal");
        a.members.push_back(std::move(am));
    }
    // [n/m] is md's own count (raid_disks, raid_disks - degraded); the map only says which slots
    // are not in sync. During a reshape that adds disks the two differ: the new slots show '_'
    // without being "missing" from the array's point of view, so the count comes from [n/m].
    int missing = 0;
    if (s.raidDisks && s.workingDisks) missing = std::max(*s.raidDisks - *s.workingDisks, 0);
    if (s.statusMap) {
        int holes = 0;
        for (std::size_t i = 0; i < s.statusMap->size(); ++i)
            if ((*s.statusMap)[i] == '_') {
                ArrayMember am;
                am.role = "missing";
                am.slot = static_cast<int>(i);
                a.members.push_back(std::move(am));
                ++holes;
            }
        if (!s.raidDisks || !s.workingDisks) missing = holes;
    }
    classifyMdArray(a, missing, std::nullopt);
    return a;
}

} // namespace raidmon
