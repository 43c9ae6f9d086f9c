// SPDX-License-Identifier: LGPL-2.1-or-later
// /proc/mdstat as md_seq_show() and status_resync() (drivers/md/md.c) print it, Linux 2.4 to 6.x
// (grammar: docs/decoders.md, "/proc/mdstat"):
//   Personalities : [raid1] [raid6] [raid5] [raid4]
//   read_ahead 1024 sectors                                          (2.4 kernels only)
//   md0 : active (auto-read-only) raid1 sdb1[1] sda1[0](F)
//         976630336 blocks super 1.2 [2/1] [U_]
//         [=>...]  recovery =  8.5% (16775552/195310144) finish=17.0min speed=259783K/sec
//         bitmap: 0/8 pages [0KB], 65536KB chunk
//   unused devices: <none>
#include <raidmon/mdstat.hpp>

#include <algorithm>

#include "core/strutil.hpp"
#include "md_logic.hpp"

namespace raidmon {

using namespace detail;

namespace {

// finish= beyond ten years, or a speed beyond 64 GiB/s, is not a reading of any md array: a corrupt
// or hostile line, reported as unknown.
constexpr double kMaxEtaSeconds = 10.0 * 365 * 24 * 3600;
constexpr std::uint64_t kMaxSpeedKiBs = 64ULL << 20;

struct Ctx {
    Mdstat& out;
    std::size_t lineNo = 0;
    void skip(std::string_view what) {
        ++out.skipped;
        if (out.notes.size() < 8)
            out.notes.push_back("line " + std::to_string(lineNo) + ": skipped " + quoteForError(what, 60));
    }
    void note(std::string text) {
        if (out.notes.size() < 16) out.notes.push_back("line " + std::to_string(lineNo) + ": " + std::move(text));
    }
};

bool isArrayHeader(std::string_view line, std::string_view& name, std::string_view& rest) {
    if (line.empty() || isSpace(line.front())) return false;
    auto colon = line.find(" : ");
    if (colon == std::string_view::npos || colon == 0) return false;
    name = trim(line.substr(0, colon));
    rest = trim(line.substr(colon + 3));
    if (name.empty() || name.find(' ') != std::string_view::npos) return false;
    return rest == "active" || rest == "inactive" || startsWith(rest, "active ") || startsWith(rest, "inactive ");
}

// "sdc1[3](W)(F)": name, descriptor number, flags in the order md prints them (W, J, F, S, R).
// A flag letter md may add later is kept verbatim (unknownFlags) rather than refusing the file.
std::optional<MdstatMember> parseMember(std::string_view tok, Ctx& cx) {
    auto lb = tok.find('[');
    if (lb == std::string_view::npos || lb == 0) return std::nullopt;
    auto rb = tok.find(']', lb);
    if (rb == std::string_view::npos) return std::nullopt;
    auto idx = parseInt<int>(tok.substr(lb + 1, rb - lb - 1));
    if (!idx || *idx < 0) return std::nullopt;
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
        default:
            if (flags[1] < 'A' || flags[1] > 'Z') return std::nullopt;
            m.unknownFlags.push_back(flags[1]);
            cx.skip(tok);
        }
        flags.remove_prefix(3);
    }
    return m;
}

// "[8/7]" and "[UUUUUUU_]"
bool parseStatusToken(std::string_view tok, MdstatArray& a) {
    if (tok.size() < 3 || tok.front() != '[' || tok.back() != ']') return false;
    auto inner = tok.substr(1, tok.size() - 2);
    if (auto slash = inner.find('/'); slash != std::string_view::npos) {
        auto n = parseInt<int>(inner.substr(0, slash));
        auto m = parseInt<int>(inner.substr(slash + 1));
        if (!n || !m || *n < 0 || *m < 0 || *n > 4096 || *m > *n) return false;
        a.raidDisks = *n;
        a.workingDisks = *m;
        return true;
    }
    if (!inner.empty() && inner.size() <= 4096 &&
        std::all_of(inner.begin(), inner.end(), [](char c) { return c == 'U' || c == '_'; })) {
        a.statusMap = std::string(inner);
        return true;
    }
    return false;
}

// The size line: "N blocks [super V] [level L, Ck chunk, algorithm A] [Ck chunks] [C near-copies]
// [Ck rounding] [n/m] [UU_]". Words raidmon has no field for are passed over; only a line that has
// no "blocks" count at all is not a size line.
void parseSizeLine(std::string_view line, MdstatArray& a, Ctx& cx) {
    auto toks = splitWs(line);
    for (std::size_t i = 0; i < toks.size(); ++i) {
        auto t = toks[i];
        if (t == "blocks" && i > 0) {
            a.blocks = parseInt<std::uint64_t>(toks[i - 1]);
            if (a.blocks && *a.blocks > (1ULL << 53)) {
                cx.note(quoteForError(toks[i - 1]) + " blocks is not a plausible size: unknown");
                a.blocks.reset();
            }
        } else if (t == "super" && i + 1 < toks.size()) {
            a.super = std::string(toks[i + 1]);
        } else if ((t == "near-copies" || t == "far-copies" || t == "offset-copies") && i > 0) {
            if (auto n = parseInt<int>(toks[i - 1]); n && *n > 0 && *n < 64) a.copies = a.copies.value_or(1) * *n;
        } else if (t.front() == '[') {
            if (!parseStatusToken(t, a)) cx.note("not a member count or map: " + quoteForError(t));
        }
    }
}

// status_resync(): "[=>...]  recovery =  8.5% (16775552/195310144) finish=17.0min speed=259783K/sec",
// 2.4 kernels "recovery=12% finish=3.5min"; "resync=DELAYED", "resync=PENDING", "recovery=REMOTE".
std::optional<ArrayOperation> parseProgress(std::string_view line, Ctx& cx) {
    static constexpr std::string_view kinds[] = {"recovery", "resync", "check", "repair", "reshape"};
    for (auto kind : kinds) {
        std::size_t pos = 0;
        while ((pos = line.find(kind, pos)) != std::string_view::npos) {
            const bool wordStart = pos == 0 || isSpace(line[pos - 1]) || line[pos - 1] == ']';
            auto rest = trim(line.substr(pos + kind.size()));
            pos += kind.size();
            if (!wordStart || rest.empty() || rest.front() != '=') continue;
            rest = trim(rest.substr(1));
            ArrayOperation op;
            op.kind = std::string(kind);
            if (startsWith(rest, "DELAYED") || startsWith(rest, "PENDING") || startsWith(rest, "REMOTE")) {
                op.delayed = true;
                return op;
            }
            if (auto pct = rest.find('%'); pct != std::string_view::npos) {
                op.percent = parseDouble(rest.substr(0, pct));
                if (op.percent && (*op.percent < 0.0 || *op.percent > 100.0)) {
                    cx.note(std::string(kind) + " at " + quoteForError(rest.substr(0, pct + 1)) + " is not a percentage: unknown");
                    op.percent.reset();
                }
            }
            auto lp = rest.find('('), rp = rest.find(')');
            auto sl = lp == std::string_view::npos ? lp : rest.find('/', lp);
            if (lp != std::string_view::npos && sl != std::string_view::npos && rp != std::string_view::npos && sl < rp) {
                // md prints 1 KiB blocks here; the model counts 512-byte sectors as sysfs sync_completed does.
                auto done = parseInt<std::uint64_t>(rest.substr(lp + 1, sl - lp - 1));
                auto total = parseInt<std::uint64_t>(rest.substr(sl + 1, rp - sl - 1));
                if (done && total && *done <= *total && *total < (1ULL << 62)) {
                    op.done = *done * 2;
                    op.total = *total * 2;
                } else if (done || total) {
                    cx.note("progress " + quoteForError(rest.substr(lp, rp - lp + 1)) + " is not 'done/total': unknown");
                }
            }
            if (auto f = rest.find("finish="); f != std::string_view::npos) {
                auto v = rest.substr(f + 7);
                auto end = v.find("min");
                auto mins = end == std::string_view::npos ? std::nullopt : parseDouble(v.substr(0, end));
                auto secs = mins && *mins >= 0.0 && *mins * 60.0 <= kMaxEtaSeconds ? roundToIntegral<std::uint64_t>(*mins * 60.0)
                                                                                  : std::nullopt;
                if (secs) op.etaSeconds = *secs;
                else cx.note("finish=" + quoteForError(v.substr(0, v.find(' '))) + " is not a plausible time left: unknown");
            }
            if (auto s = rest.find("speed="); s != std::string_view::npos) {
                auto v = rest.substr(s + 6);
                auto end = v.find("K/sec");
                auto speed = end == std::string_view::npos ? std::nullopt : parseInt<std::uint64_t>(v.substr(0, end));
                if (speed && *speed <= kMaxSpeedKiBs) op.speedKiBs = *speed;
                else cx.note("speed=" + quoteForError(v.substr(0, v.find(' '))) + " is not a plausible speed: unknown");
            }
            return op;
        }
    }
    return std::nullopt;
}

bool parseHeader(std::string_view name, std::string_view rest, MdstatArray& a, Ctx& cx, std::string& error) {
    a.name = std::string(name);
    auto toks = splitWs(rest);
    std::size_t i = 0;
    a.active = toks[i++] == "active";
    while (i < toks.size() && toks[i].front() == '(' && toks[i].back() == ')') {
        auto w = toks[i++];
        a.readOnly = std::string(w.substr(1, w.size() - 2));
    }
    for (; i < toks.size(); ++i) {
        if (auto m = parseMember(toks[i], cx)) {
            a.members.push_back(std::move(*m));
        } else if (a.members.empty() && !a.level && toks[i].find('[') == std::string_view::npos) {
            a.level = normalizeMdLevel(toks[i]);
        } else {
            error = "line " + std::to_string(cx.lineNo) + ": member " + quoteForError(toks[i]) + " is not NAME[N](FLAGS)";
            return false;
        }
    }
    return true;
}

} // namespace

Result<Mdstat> parseMdstat(std::string_view text) {
    Mdstat out;
    Ctx cx{out};
    bool sawPersonalities = false, sawTrailer = false;
    MdstatArray* cur = nullptr;
    for (auto raw : lines(text)) {
        ++cx.lineNo;
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
            std::string error;
            if (!parseHeader(name, rest, a, cx, error)) return fail(errc::parse_error, std::move(error));
            out.arrays.push_back(std::move(a));
            cur = &out.arrays.back();
            continue;
        }
        if (startsWith(t, "read_ahead ")) continue;  // 2.4 kernels: the global read-ahead, nothing per array
        if (!cur) {
            // Text before "Personalities" (a shell prompt, a banner) is tolerated; after it, a line
            // outside any stanza is skipped and counted.
            if (sawPersonalities || !out.arrays.empty()) cx.skip(t);
            continue;
        }
        if (startsWith(t, "bitmap:")) {
            cur->bitmap = std::string(trim(t.substr(7)));
        } else if (auto op = parseProgress(t, cx)) {
            cur->operation = std::move(*op);
        } else if (t.find(" blocks") != std::string_view::npos) {
            parseSizeLine(t, *cur, cx);
        } else {
            cx.skip(t);
        }
    }
    if (!sawPersonalities && out.arrays.empty())
        return fail(errc::parse_error, "line 1: no 'Personalities :' line and no array: not /proc/mdstat");
    // md prints a size line for every array it lists: a last stanza without one, and no trailer,
    // is a capture cut short.
    if (!sawTrailer && !out.arrays.empty() && !out.arrays.back().blocks) {
        const std::string last = out.arrays.size() > 1 ? out.arrays[out.arrays.size() - 2].name : std::string("none");
        return fail(errc::parse_error, "truncated: " + out.arrays.back().name +
                                           "'s stanza ends before its size line (last complete array: " + last + ")");
    }
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
    // The words of sysfs md/array_state, so that one array reads the same from either source.
    if (!s.active) a.arrayState = "inactive";
    else if (!s.readOnly) a.arrayState = "active";
    else if (*s.readOnly == "auto-read-only") a.arrayState = "read-auto";
    else if (*s.readOnly == "read-only") a.arrayState = "readonly";
    else a.arrayState = *s.readOnly;
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
        for (char f : m.unknownFlags) am.flags.push_back(std::string("(") + f + ")");
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
    classifyMdArray(a, missing, s.copies);
    return a;
}

} // namespace raidmon
