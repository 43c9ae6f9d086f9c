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
        {"mdstat", &md_misc::mdstatStanzas},
        {"mdadm-examine", &md_misc::mdadmDevices},
        {"sas-ircu", &md_misc::sasIrcuDevices},
        {"lsscsi", &md_misc::lsscsiLines},
        {"proc-scsi", &md_misc::procScsiHosts},
    };
    return table;
}

} // namespace raidmon::test
