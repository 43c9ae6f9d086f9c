// SPDX-License-Identifier: LGPL-2.1-or-later
// Property test: every capture with an expectation file, re-emitted the way other tool versions,
// terminals and support bundles re-emit it, decodes to the same model. Variants: CRLF line ends,
// a banner or warning before the payload, trailing blanks; for JSON also numbers as strings, keys
// in another order and another layout; and, per format, its sections in another order
// (kSectionReorders). Notes and the count of skipped lines may differ, nothing else.
#define BOOST_TEST_MODULE capture_variants
#include <algorithm>
#include <filesystem>
#include <functional>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <raidmon/decode.hpp>

#include "expect.hpp"
#include "testdata.hpp"
#include "variants.hpp"

using namespace raidmon;
namespace bdata = boost::unit_test::data;
namespace fs = std::filesystem;
using test::Json;

namespace {

struct Case {
    std::string capture;
    std::string format;
};
std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.capture; }

std::vector<Case> decodableCaptures() {
    std::vector<Case> out;
    const fs::path root = test::dataDir() / "expected";
    if (!fs::is_directory(root)) return out;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        if (!e.is_regular_file() || e.path().extension() != ".expect") continue;
        test::ExpectFile ex;
        if (test::parseExpect(test::readData(e.path()), ex) || ex.error) continue;
        auto rel = fs::relative(e.path(), root).string();
        out.push_back({rel.substr(0, rel.size() - 7), *ex.format});
    }
    std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.capture < b.capture; });
    return out;
}

/// The decoded model without what may legitimately differ between variants, lists in a fixed order.
Json comparable(const Capture& c) {
    Json j = Json::parse(toJson(c, -1));
    j.erase("notes");
    j.erase("skipped");
    for (const char* list : {"controllers", "enclosures", "drives", "arrays"}) {
        if (!j.contains(list)) continue;
        auto& a = j[list];
        std::stable_sort(a.begin(), a.end(), [](const Json& x, const Json& y) { return x.value("id", Json()).dump() < y.value("id", Json()).dump(); });
    }
    return j;
}

/// First difference between two JSON values, as a path, for a readable failure.
std::string firstDifference(const Json& a, const Json& b, const std::string& at = "") {
    if (a.type() != b.type()) return at + ": " + a.dump() + " vs " + b.dump();
    if (a.is_object()) {
        for (auto it = a.begin(); it != a.end(); ++it) {
            if (!b.contains(it.key())) return at + "." + it.key() + ": missing in the variant";
            if (auto d = firstDifference(it.value(), b[it.key()], at + "." + it.key()); !d.empty()) return d;
        }
        for (auto it = b.begin(); it != b.end(); ++it)
            if (!a.contains(it.key())) return at + "." + it.key() + ": only in the variant";
        return "";
    }
    if (a.is_array()) {
        if (a.size() != b.size()) return at + ": " + std::to_string(a.size()) + " vs " + std::to_string(b.size()) + " elements";
        for (std::size_t i = 0; i < a.size(); ++i)
            if (auto d = firstDifference(a[i], b[i], at + "[" + std::to_string(i) + "]"); !d.empty()) return d;
        return "";
    }
    return a == b ? "" : at + ": " + a.dump() + " vs " + b.dump();
}

} // namespace

BOOST_DATA_TEST_CASE(variants_decode_alike, bdata::make(decodableCaptures()), cs) {
    const std::string text = test::readData(cs.capture);
    auto base = decode(text);
    BOOST_TEST_REQUIRE(base.has_value(), cs.capture << ": " << base.error().message);
    const Json want = comparable(*base);
    for (const auto& v : test::variantsOf(cs.format, text)) {
        auto got = decode(v.text);
        if (!got) {
            BOOST_ERROR(cs.capture << " [" << v.name << "]: " << got.error().message);
            continue;
        }
        BOOST_TEST(got->format == cs.format, cs.capture << " [" << v.name << "]: detected as " << got->format);
        const Json have = comparable(*got);
        if (have != want) BOOST_ERROR(cs.capture << " [" << v.name << "]: " << firstDifference(want, have));
    }
}

// ---- Section reorders, one block per format (a decoder's grammar says what a section is). ----
namespace raidmon::test {

// -- MegaRAID (storcli text, storcli events, MegaCli): dec-megaraid --
namespace megaraid_reorder {

std::vector<std::string> splitLines(std::string_view t) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < t.size()) {
        auto nl = t.find('\n', pos);
        if (nl == std::string_view::npos) nl = t.size();
        out.emplace_back(t.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return out;
}

std::string trimmed(const std::string& s) {
    auto b = s.find_first_not_of(" \t");
    auto e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

/// The lines [from, to) with their records (each starting at a line where isStart holds, up to the
/// next start or a line where isEnd holds) in reverse order; lines before the first record and from
/// the end line on stay where they are. "" when there are fewer than two records.
std::string reverseRecords(std::string_view text, const std::function<bool(const std::vector<std::string>&, std::size_t)>& isStart,
                           const std::function<bool(const std::string&)>& isEnd) {
    const auto ls = splitLines(text);
    std::vector<std::size_t> starts;
    std::size_t end = ls.size();
    for (std::size_t i = 0; i < ls.size(); ++i) {
        if (!starts.empty() && isEnd(ls[i])) {
            end = i;
            break;
        }
        if (isStart(ls, i)) starts.push_back(i);
    }
    if (starts.size() < 2) return {};
    std::string out;
    auto put = [&](std::size_t a, std::size_t b) {
        for (std::size_t i = a; i < b; ++i) out += ls[i] + "\n";
    };
    put(0, starts.front());
    for (std::size_t r = starts.size(); r-- > 0;) put(starts[r], r + 1 < starts.size() ? starts[r + 1] : end);
    put(end, ls.size());
    return out;
}

/// MegaCli -PDList: the drive records ("Enclosure Device ID:") in reverse order; -LDInfo: the VD
/// records. A drive record after a VD belongs to it (LdPdInfo), so mixed captures are left alone.
std::string megacli(std::string_view text) {
    const bool hasVd = text.find("Virtual Drive:") != std::string_view::npos || text.find("Virtual Disk:") != std::string_view::npos;
    const bool hasPd = text.find("Enclosure Device ID:") != std::string_view::npos;
    if (hasVd == hasPd) return {};
    if (auto a = text.find("Adapter #"); a != std::string_view::npos && text.find("Adapter #", a + 1) != std::string_view::npos)
        return {};  // records of several adapters: reversing would move drives across them
    const std::string key = hasVd ? (text.find("Virtual Drive:") != std::string_view::npos ? "Virtual Drive:" : "Virtual Disk:")
                                  : "Enclosure Device ID:";
    return reverseRecords(
        text, [&](const std::vector<std::string>& ls, std::size_t i) { return ls[i].rfind(key, 0) == 0; },
        [](const std::string& l) { return l.rfind("Exit Code:", 0) == 0; });
}

/// storcli events: the records ("seqNum:") in reverse order (the decoder orders them by number).
std::string storcliEvents(std::string_view text) {
    return reverseRecords(
        text, [](const std::vector<std::string>& ls, std::size_t i) { return ls[i].rfind("seqNum:", 0) == 0; },
        [](const std::string&) { return false; });
}

/// storcli text: within each controller's block, its sections ("Name :" over a rule of '=') in
/// reverse order.
std::string storcliText(std::string_view text) {
    const auto ls = splitLines(text);
    auto isHeader = [&](std::size_t i) {
        const std::string t = trimmed(ls[i]);
        if (t.size() < 2 || t.back() != ':' || i + 1 >= ls.size()) return false;
        const std::string rule = trimmed(ls[i + 1]);
        return rule.size() >= 3 && rule.find_first_not_of('=') == std::string::npos;
    };
    std::string out;
    bool changed = false;
    std::size_t i = 0;
    while (i < ls.size()) {
        // One block: up to the next "Generating detailed summary" line.
        std::size_t b = i + 1;
        while (b < ls.size() && ls[b].rfind("Generating detailed summary", 0) != 0) ++b;
        std::vector<std::size_t> heads;
        for (std::size_t k = i; k < b; ++k)
            if (isHeader(k)) heads.push_back(k);
        std::size_t first = heads.empty() ? b : heads.front();
        for (std::size_t k = i; k < first; ++k) out += ls[k] + "\n";
        for (std::size_t r = heads.size(); r-- > 0;)
            for (std::size_t k = heads[r]; k < (r + 1 < heads.size() ? heads[r + 1] : b); ++k) out += ls[k] + "\n";
        changed = changed || heads.size() >= 2;
        i = b;
    }
    return changed ? out : std::string();
}

} // namespace megaraid_reorder

// -- smartctl text (dec-smart): the blocks of the SMART data section, which smartctl separates by
// blank lines (health, attributes, error log, self-test log, SCT status, device statistics, NVMe
// health and error logs...), in reverse order. Which block comes first depends on the options and
// the smartctl version, so the decoder must not rely on it.
std::string smartctlTextBlocksReversed(std::string_view text) {
    const auto header = text.find("SMART DATA SECTION ===");
    if (header == std::string_view::npos) return "";
    const auto bodyStart = text.find('\n', header);
    if (bodyStart == std::string_view::npos) return "";
    std::vector<std::string> blocks;
    std::string cur;
    std::size_t pos = bodyStart + 1;
    while (pos < text.size()) {
        auto eol = text.find('\n', pos);
        auto line = text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
        pos = eol == std::string_view::npos ? text.size() : eol + 1;
        if (line.find_first_not_of(" \t") == std::string_view::npos) {
            if (!cur.empty()) blocks.push_back(std::move(cur));
            cur.clear();
        } else {
            cur += std::string(line) + "\n";
        }
    }
    if (!cur.empty()) blocks.push_back(std::move(cur));
    if (blocks.size() < 2) return "";
    std::string out(text.substr(0, bodyStart + 1));
    for (auto b = blocks.rbegin(); b != blocks.rend(); ++b) out += "\n" + *b;
    return out;
}


// -- HPE Smart Array and Adaptec (ssacli, cciss_vol_status, arcconf) --
namespace {

std::vector<std::string> splitLines(std::string_view t) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < t.size()) {
        auto nl = t.find('\n', pos);
        if (nl == std::string_view::npos) nl = t.size();
        out.emplace_back(t.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return out;
}

/// Lines [0, first start) stay first, the blocks (each from one start to the next) are reversed,
/// lines from `tailFrom` on stay last. "" when there are fewer than two blocks.
std::string reverseBlocks(const std::vector<std::string>& ls, const std::vector<std::size_t>& starts, std::size_t tailFrom) {
    if (starts.size() < 2) return "";
    std::string out;
    for (std::size_t i = 0; i < starts.front(); ++i) out += ls[i] + "\n";
    for (std::size_t b = starts.size(); b-- > 0;) {
        const std::size_t end = b + 1 < starts.size() ? starts[b + 1] : tailFrom;
        for (std::size_t i = starts[b]; i < end; ++i) out += ls[i] + "\n";
    }
    for (std::size_t i = tailFrom; i < ls.size(); ++i) out += ls[i] + "\n";
    return out;
}

// ssacli: controllers (a heading at column 0 followed by indented lines) in reverse order.
std::string ssacliControllersReversed(std::string_view text) {
    const auto ls = splitLines(text);
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i < ls.size(); ++i)
        if (!ls[i].empty() && ls[i][0] != ' ' && ls[i][0] != '\t' && ls[i].find(" in ") != std::string::npos &&
            ls[i].find(':') == std::string::npos && ls[i].find('#') == std::string::npos)
            starts.push_back(i);
    return reverseBlocks(ls, starts, ls.size());
}

// cciss_vol_status -V: "Controller:" blocks in reverse order.
std::string ccissControllersReversed(std::string_view text) {
    const auto ls = splitLines(text);
    std::vector<std::size_t> starts;
    std::size_t tail = ls.size();
    for (std::size_t i = 0; i < ls.size(); ++i) {
        if (ls[i].rfind("Controller:", 0) == 0) starts.push_back(i);
        if (ls[i].find("cciss_vol_status:") != std::string::npos && tail == ls.size()) tail = i;
    }
    return reverseBlocks(ls, starts, tail);
}

// arcconf GETCONFIG: the top-level sections (a title at column 0 between rules) in reverse order,
// "Controllers found" first and "Command completed" last.
std::string arcconfSectionsReversed(std::string_view text) {
    const auto ls = splitLines(text);
    auto isRule = [](const std::string& l) { return l.size() >= 10 && l.find_first_not_of('-') == std::string::npos; };
    std::vector<std::size_t> starts;
    std::size_t tail = ls.size();
    for (std::size_t i = 0; i + 2 < ls.size(); ++i)
        if (isRule(ls[i]) && !ls[i + 1].empty() && ls[i + 1][0] != ' ' && isRule(ls[i + 2])) starts.push_back(i);
    for (std::size_t i = 0; i < ls.size(); ++i)
        if (ls[i].rfind("Command completed", 0) == 0) tail = i;
    if (!starts.empty() && tail < starts.back()) return "";
    return reverseBlocks(ls, starts, tail);
}

} // namespace

// -- /proc/mdstat, mdadm --examine, sas*ircu, lsscsi, /proc/scsi/scsi (docs/decoders.md) --
namespace md_misc {

std::vector<std::string> splitLines(std::string_view t) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < t.size()) {
        auto nl = t.find('\n', pos);
        if (nl == std::string_view::npos) nl = t.size();
        out.emplace_back(t.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return out;
}

std::string joinLines(const std::vector<std::string>& ls) {
    std::string out;
    for (const auto& l : ls) out += l + "\n";
    return out;
}

/// Lines [0, first) stay, the blocks that start where `starts` says are emitted in reverse order,
/// the lines after the last block (from `tailFrom`) stay. "" when there are fewer than two blocks.
std::string reverseBlocks(const std::vector<std::string>& ls, const std::function<bool(const std::string&)>& starts,
                          const std::function<bool(const std::string&)>& ends) {
    std::vector<std::pair<std::size_t, std::size_t>> blocks;
    std::size_t i = 0;
    while (i < ls.size()) {
        if (!starts(ls[i])) {
            ++i;
            continue;
        }
        std::size_t j = i + 1;
        while (j < ls.size() && !starts(ls[j]) && !ends(ls[j])) ++j;
        blocks.emplace_back(i, j);
        i = j;
    }
    if (blocks.size() < 2) return "";
    std::vector<std::string> out(ls.begin(), ls.begin() + static_cast<std::ptrdiff_t>(blocks.front().first));
    for (auto b = blocks.rbegin(); b != blocks.rend(); ++b)
        for (std::size_t k = b->first; k < b->second; ++k) out.push_back(ls[k]);
    for (std::size_t k = blocks.back().second; k < ls.size(); ++k) out.push_back(ls[k]);
    return joinLines(out);
}

bool startsWithView(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

/// mdstat: the array stanzas in reverse order (md lists arrays in the order they were created).
std::string mdstatStanzas(std::string_view t) {
    auto isHeader = [](const std::string& l) {
        return !l.empty() && l[0] != ' ' && (l.find(" : active") != std::string::npos || l.find(" : inactive") != std::string::npos);
    };
    auto isEnd = [](const std::string& l) { return l.find("unused devices:") != std::string::npos; };
    auto ls = splitLines(t);
    // A stanza ends with its blank line; keep one after each so that stanzas stay apart.
    std::vector<std::string> norm;
    for (const auto& l : ls) {
        if (isHeader(l) && !norm.empty() && !norm.back().empty() && !isEnd(norm.back())) norm.emplace_back();
        norm.push_back(l);
    }
    return reverseBlocks(norm, isHeader, isEnd);
}

/// mdadm --examine of several devices: the device blocks in reverse order.
std::string mdadmDevices(std::string_view t) {
    return reverseBlocks(splitLines(t), [](const std::string& l) { return startsWithView(l, "/dev/") && !l.empty() && l.back() == ':'; },
                         [](const std::string&) { return false; });
}

/// sas*ircu DISPLAY: the physical devices in reverse order (the tool lists them by its device handle).
std::string sasIrcuDevices(std::string_view t) {
    return reverseBlocks(splitLines(t), [](const std::string& l) { return startsWithView(l, "Device is a"); },
                         [](const std::string& l) { return startsWithView(l, "-----"); });
}

/// lsscsi: the device lines in reverse order.
std::string lsscsiLines(std::string_view t) {
    return reverseBlocks(splitLines(t), [](const std::string& l) { return startsWithView(l, "["); },
                         [](const std::string&) { return false; });
}

/// /proc/scsi/scsi: the "Host:" entries in reverse order.
std::string procScsiHosts(std::string_view t) {
    return reverseBlocks(splitLines(t), [](const std::string& l) { return startsWithView(l, "Host: scsi"); },
                         [](const std::string&) { return false; });
}

} // namespace md_misc

const std::vector<SectionReorder>& sectionReorders() {
    static const std::vector<SectionReorder> table = {
        // {"format", &function}: add a line per format whose sections may come in any order.
        {"megacli", &megaraid_reorder::megacli},
        {"storcli-events", &megaraid_reorder::storcliEvents},
        {"storcli-text", &megaraid_reorder::storcliText},
        {"smartctl-text", &smartctlTextBlocksReversed},
        {"ssacli", &ssacliControllersReversed},
        {"cciss_vol_status", &ccissControllersReversed},
        {"arcconf", &arcconfSectionsReversed},
        {"mdstat", &md_misc::mdstatStanzas},
        {"mdadm-examine", &md_misc::mdadmDevices},
        {"sas-ircu", &md_misc::sasIrcuDevices},
        {"lsscsi", &md_misc::lsscsiLines},
        {"proc-scsi", &md_misc::procScsiHosts},
    };
    return table;
}

} // namespace raidmon::test
