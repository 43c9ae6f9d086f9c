// SPDX-License-Identifier: LGPL-2.1-or-later
// Untrusted input: every prefix of every controller capture and random bytes decode without a
// crash or an exception, and a truncated capture of a format with a closing line is a parse_error
// that names the place.
#define BOOST_TEST_MODULE ctl_robustness
#include <filesystem>
#include <random>

#include <boost/test/unit_test.hpp>

#include <raidmon/decode.hpp>

#include "testdata.hpp"

using namespace raidmon;

namespace {

const char* const kDirs[] = {"storcli", "megacli", "ssacli", "arcconf", "sas-ircu", "mdadm", "lsscsi"};

std::vector<std::filesystem::path> captures() {
    std::vector<std::filesystem::path> out;
    for (auto d : kDirs)
        for (const auto& e : std::filesystem::directory_iterator(test::dataDir() / d)) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(every_prefix_decodes_or_fails_cleanly) {
    std::size_t decoded = 0, failed = 0;
    for (const auto& p : captures()) {
        const std::string text = test::readData(p);
        // Detected, not decoded: a capture of a tool's refusal (an ssacli usage error) is refused whole.
        auto format = detectFormat(text);
        BOOST_TEST_REQUIRE(format.has_value(), p);
        // Every byte prefix of small captures; every line prefix plus every 61st byte of large ones
        // (a quadratic walk over 94 KB of JSON would take minutes for no new path).
        const bool small = text.size() <= 16384;
        for (std::size_t n = 0; n < text.size(); ++n) {
            if (!small && text[n] != '\n' && n % 61 != 0) continue;
            auto r = decode(std::string_view(text).substr(0, n), *format);
            if (r) ++decoded;
            else {
                ++failed;
                BOOST_TEST(!r.error().message.empty());
                BOOST_TEST((r.error().is(errc::parse_error)), p << " prefix " << n << ": " << r.error().message);
            }
        }
    }
    BOOST_TEST_MESSAGE("prefixes decoded " << decoded << ", rejected " << failed);
    BOOST_TEST(failed > 0u);
}

BOOST_AUTO_TEST_CASE(truncated_captures_with_a_closing_line_are_parse_errors) {
    struct Case {
        const char* path;
        const char* format;
    };
    const Case cases[] = {{"arcconf/arcconf-getconfig-al-6405-DEGRADED-REBUILDING-issue47.txt", "arcconf"},
                          {"megacli/megacli-pdlist-aall-media-errors-pfc4-issue49.txt", "megacli"},
                          {"sas-ircu/sas2ircu-display-sas2008-raid-volume.txt", "sas-ircu"},
                          {"storcli/storcli-call-show-all-J-servraid-m5015-megaraid.json", "storcli-json"},
                          {"mdadm/mdadm-detail-raid1-FAULTY.txt", "mdadm-detail"}};
    for (const auto& c : cases) {
        std::string text = test::readData(c.path);
        auto cut = text.substr(0, text.size() * 2 / 3);
        auto r = decode(cut, c.format);
        BOOST_TEST_REQUIRE(!r.has_value(), c.path);
        BOOST_TEST((r.error().is(errc::parse_error)));
        BOOST_TEST_MESSAGE(c.path << ": " << r.error().message);
    }
    // The message names the line for line-oriented formats.
    auto bad = decode("Controllers found: 1\nLogical Device Task:\n   Percentage complete : lots\nCommand completed successfully.\n",
                      "arcconf");
    BOOST_TEST_REQUIRE(!bad.has_value());
    BOOST_TEST(bad.error().message.find("line 3") != std::string::npos, bad.error().message);
}

BOOST_AUTO_TEST_CASE(random_bytes_never_crash) {
    std::mt19937 rng(20240611);  // fixed seed: a failure must be reproducible
    const auto formats = decodeFormats();
    for (int i = 0; i < 300; ++i) {
        std::string junk(static_cast<std::size_t>(rng() % 4096), '\0');
        for (auto& ch : junk) ch = static_cast<char>(rng() & 0xff);
        for (const auto& f : formats) {
            auto r = decode(junk, f);
            if (!r) BOOST_TEST(!r.error().message.empty());
        }
        (void)decode(junk);
    }
    // Garbage spliced into real captures (one byte flipped every 97 bytes).
    for (const auto& p : captures()) {
        std::string text = test::readData(p);
        for (std::size_t n = 0; n < text.size(); n += 97) text[n] = static_cast<char>(rng() & 0xff);
        (void)decode(text);
    }
}
