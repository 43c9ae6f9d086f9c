// SPDX-License-Identifier: LGPL-2.1-or-later
// The SES page codec against a real enclosure's pages: an Areca ARC-8028 SAS-3 expander captured
// with `sg_ses --page=all -HHHH` (tests/data/ses/, provenance in tests/data/PROVENANCE.tsv). The
// expected values were read from sg_ses's own decode of the same capture (the DERIVED files next
// to the original in the shared fixtures). Then a control page built from it, round-tripped.
#define BOOST_TEST_MODULE ses_pages
#include <boost/test/unit_test.hpp>

#include <map>

#include "led/ses_codec.hpp"
#include "ses_capture.hpp"

namespace ses = raidmon::detail::ses;
using Page = std::vector<std::uint8_t>;

using raidmon::test::sesCapturePages;

BOOST_AUTO_TEST_CASE(configuration_page_of_the_areca_8028) {
    auto p = sesCapturePages();
    BOOST_REQUIRE(p.count(1));
    auto cfg = ses::parseConfiguration(p[1]);
    BOOST_REQUIRE_MESSAGE(cfg, (cfg ? "" : cfg.error().message));
    BOOST_TEST(cfg->generation == 0u);
    BOOST_TEST(cfg->logicalId == "0xd5b401503fc0ec16");
    BOOST_TEST(cfg->vendor == "Areca");
    BOOST_TEST(cfg->product == "ARC-802801.33.63");
    BOOST_TEST(cfg->revision == "0133");
    // sg_ses: 9 type descriptor headers, in this order
    const std::pair<int, int> types[] = {{0x17, 24}, {0x0e, 1}, {0x18, 1}, {0x03, 5}, {0x04, 2},
                                         {0x12, 2},  {0x19, 3}, {0x02, 2}, {0x06, 1}};
    BOOST_REQUIRE(cfg->types.size() == 9u);
    for (std::size_t i = 0; i < 9; ++i) {
        BOOST_TEST(cfg->types[i].type == types[i].first);
        BOOST_TEST(cfg->types[i].possible == types[i].second);
    }
    BOOST_TEST(cfg->types[0].text == "ArrayDevicesInSubEnclsr0");
    BOOST_TEST(cfg->types[8].text == "AudibleAlarmInSubEnclsr0");
}

BOOST_AUTO_TEST_CASE(slots_from_status_descriptor_and_additional_pages) {
    auto p = sesCapturePages();
    auto cfg = ses::parseConfiguration(p[1]);
    BOOST_REQUIRE(cfg);
    auto slots = ses::parseSlots(*cfg, p[2], p[7], p[0x0a]);
    BOOST_REQUIRE_MESSAGE(slots, (slots ? "" : slots.error().message));
    BOOST_REQUIRE(slots->size() == 24u);
    for (int i = 0; i < 24; ++i) {
        const auto& s = (*slots)[static_cast<std::size_t>(i)];
        BOOST_TEST_CONTEXT("element " << i) {
            BOOST_TEST(s.element == i);
            BOOST_TEST(s.index == i);  // the slots' type comes first
            char want[24];
            std::snprintf(want, sizeof want, "SLOT %02d", i + 1);
            BOOST_TEST(s.descriptor.value_or("") == want);
            // sg_ses: element 18 (SLOT 19) OK, every other slot "Not installed"; no light on
            BOOST_TEST(ses::statusCodeName(s.statusCode) == (i == 18 ? "OK" : "Not installed"));
            BOOST_TEST(!s.ident);
            BOOST_TEST(!s.faultRequested);
            BOOST_TEST(!s.faultSensed);
            BOOST_TEST((s.slotNumber == i));  // page 0Ah DEVICE SLOT NUMBER
        }
    }
    // sg_ses --join: SLOT 19 [0,18] holds an end device (the drive), SAS address 0x5000c5003011cb29;
    // slots 13-16 report an expander (0x5001517e85c3efff) on their phy, which is not a drive.
    BOOST_REQUIRE((*slots)[18].sasAddresses.size() == 1u);
    BOOST_TEST((*slots)[18].sasAddresses[0] == "0x5000c5003011cb29");
    for (int i : {0, 12, 13, 14, 15, 23}) BOOST_TEST((*slots)[static_cast<std::size_t>(i)].sasAddresses.empty());
}

BOOST_AUTO_TEST_CASE(control_page_round_trip) {
    auto p = sesCapturePages();
    auto cfg = ses::parseConfiguration(p[1]);
    auto slots = ses::parseSlots(*cfg, p[2], p[7], p[0x0a]);
    BOOST_REQUIRE(cfg && slots);
    const auto& slot19 = (*slots)[18];
    auto ctl = ses::buildSlotControl(*cfg, p[2], slot19, {true, false, false});
    BOOST_REQUIRE_MESSAGE(ctl, (ctl ? "" : ctl.error().message));
    const Page& c = *ctl;
    BOOST_TEST(c.size() == p[2].size());
    BOOST_TEST(c[0] == 0x02);
    BOOST_TEST(c[1] == 0x00);  // no INFO/NON-CRIT/CRIT/UNRECOV requested
    BOOST_TEST(((c[2] << 8) | c[3]) == ((p[2][2] << 8) | p[2][3]));
    // exactly one element selected: element 18 of the first type, after the overall element
    const std::size_t at = 8 + 4 * (1 + 18);
    for (std::size_t off = 8; off < c.size(); off += 4) {
        BOOST_TEST_CONTEXT("byte " << off) {
            if (off == at) {
                BOOST_TEST(c[off] == 0x80);      // SELECT
                BOOST_TEST(c[off + 2] == 0x02);  // RQST IDENT
                BOOST_TEST(c[off + 3] == 0x00);  // no RQST FAULT
            } else {
                BOOST_TEST((c[off] | c[off + 1] | c[off + 2] | c[off + 3]) == 0);
            }
        }
    }
    // An enclosure that honours it reports IDENT: the status page with that bit decodes as lit,
    // and a fault request keeps the ident bit the enclosure already shows.
    Page lit = p[2];
    lit[at + 2] |= 0x02;
    auto after = ses::parseSlots(*cfg, lit, {}, {});
    BOOST_REQUIRE(after);
    BOOST_TEST((*after)[18].ident);
    BOOST_TEST(!(*after)[17].ident);
    auto both = ses::buildSlotControl(*cfg, lit, (*after)[18], {true, true, false});
    BOOST_REQUIRE(both);
    BOOST_TEST((*both)[at + 2] == 0x02);
    BOOST_TEST((*both)[at + 3] == 0x20);  // RQST FAULT
    auto rebuild = ses::buildSlotControl(*cfg, lit, (*after)[18], {false, false, true});
    BOOST_REQUIRE(rebuild);
    BOOST_TEST((*rebuild)[at + 1] == 0x02);  // RQST REBUILD/REMAP
    BOOST_TEST((*rebuild)[at + 2] == 0x00);  // ident cleared as asked
}

BOOST_AUTO_TEST_CASE(truncated_and_garbage_pages_are_errors_naming_the_place) {
    auto p = sesCapturePages();
    auto cfg = ses::parseConfiguration(p[1]);
    BOOST_REQUIRE(cfg);
    for (std::size_t n = 0; n < p[1].size(); n += 7) {
        Page cut(p[1].begin(), p[1].begin() + static_cast<std::ptrdiff_t>(n));
        auto r = ses::parseConfiguration(cut);
        BOOST_TEST(!r);
        if (!r) BOOST_TEST(r.error().message.find("SES page 01h, byte") != std::string::npos);
    }
    for (std::size_t n = 0; n < p[2].size(); n += 5) {
        Page cut(p[2].begin(), p[2].begin() + static_cast<std::ptrdiff_t>(n));
        BOOST_TEST(!ses::parseSlots(*cfg, cut, {}, {}));
        BOOST_TEST(!ses::buildSlotControl(*cfg, cut, ses::SlotElement{}, {}));
    }
    Page changed = p[2];
    changed[7] = 1;  // generation code moved on
    auto r = ses::parseSlots(*cfg, changed, {}, {});
    BOOST_REQUIRE(!r);
    BOOST_TEST(r.error().message.find("generation code") != std::string::npos);
    // every byte sequence of a page decodes or fails; none crashes
    for (int b = 0; b < 256; ++b) {
        Page a = p[0x0a];
        for (std::size_t i = 8; i < a.size(); i += 3) a[i] = static_cast<std::uint8_t>(b);
        (void)ses::parseSlots(*cfg, p[2], p[7], a);
        Page d = p[7];
        for (std::size_t i = 8; i < d.size(); i += 5) d[i] = static_cast<std::uint8_t>(b);
        (void)ses::parseSlots(*cfg, p[2], d, {});
    }
    ses::SlotElement notASlot;
    notASlot.typeIndex = 1;  // the Enclosure element type
    BOOST_TEST(!ses::buildSlotControl(*cfg, p[2], notASlot, {}));
}
