// SPDX-License-Identifier: LGPL-2.1-or-later
// MegaRAID decoders (storcli/perccli JSON and text, storcli events, MegaCli/CmdTool2): the logic
// beyond the fields of the real captures (tests/data/expected): record headers in unusual orders,
// truncation, one drive across views, unknown words, background operations, banners, event order.
// Inputs are built in code following the tools' grammar (docs/decoders.md).
#define BOOST_TEST_MODULE megaraid
#include <algorithm>
#include <string>

#include <boost/test/unit_test.hpp>

#include <raidmon/decode.hpp>

#include "testdata.hpp"

using namespace raidmon;

namespace {

Capture ok(std::string_view text, std::string_view format) {
    auto c = decode(text, format);
    BOOST_TEST_REQUIRE(c.has_value(), (c ? "" : c.error().message));
    return *c;
}

const Drive* slot(const Capture& c, int s) {
    const Drive* found = nullptr;
    for (const auto& d : c.drives)
        if (d.location.slot == s) {
            BOOST_TEST(!found, "slot " << s << " listed twice");
            found = &d;
        }
    return found;
}

const std::string kPd0 =
    "Enclosure Device ID: 32\nSlot Number: 0\nDrive's position: DiskGroup: 0, Span: 0, Arm: 0\nDevice Id: 0\n"
    "Media Error Count: 0\nPD Type: SAS\nFirmware state: Online, Spun Up\nDrive Temperature :34C (93.20 F)\n\n";
const std::string kPd1 =
    "Enclosure Device ID: 32\nSlot Number: 1\nDrive's position: DiskGroup: 0, Span: 0, Arm: 1\nDevice Id: 1\n"
    "Media Error Count: 2\nPD Type: SAS\nFirmware state: Rebuild\nDrive Temperature :N/A\n\n";

} // namespace

// Issue 9: "PD: 0 Information", then "Virtual Drive: 0", then "Enclosure Device ID:" dereferenced a
// null drive. Every order of headers is a record boundary, never a crash.
BOOST_AUTO_TEST_CASE(megacli_headers_in_any_order) {
    auto c = ok(test::readData("../fuzz/regressions/decode-megacli/pd-then-vd-then-enclosure"), "megacli");
    BOOST_TEST(c.drives.size() == 1u);
    BOOST_TEST(c.drives.at(0).location.slot.value() == 0);
    const std::string orders[] = {
        "Adapter #0\nPD: 0 Information\nPD: 1 Information\nExit Code: 0x00\n",
        "Virtual Drive: 0 (Target Id: 0)\nPD: 0 Information\nVirtual Drive: 1 (Target Id: 1)\nExit Code: 0x00\n",
        "Enclosure Device ID: 1\nAdapter #0\nSlot Number: 3\nExit Code: 0x00\n",
        "Physical Disk: 0\nPhysical Disk: 1\nEnclosure Device ID: 252\nExit Code: 0x00\n",
    };
    for (const auto& in : orders) {
        auto r = decode(in, "megacli");
        if (!r) BOOST_TEST(!r.error().message.empty());
    }
}

BOOST_AUTO_TEST_CASE(megacli_temperature_rebuild_and_unknown_state) {
    auto c = ok("Adapter #0\n\n" + kPd0 + kPd1 +
                    "Enclosure Device ID: 32\nSlot Number: 2\nDevice Id: 2\nPD Type: SATA\nFirmware state: Sanitizing\n\n"
                    "Exit Code: 0x00\n",
                "megacli");
    BOOST_TEST(slot(c, 0)->controllerView->temperatureC.value() == 34);
    BOOST_TEST(!slot(c, 1)->controllerView->temperatureC.has_value());  // "N/A" is no reading
    BOOST_TEST((slot(c, 1)->state.value() == DriveState::rebuilding));
    const Drive* odd = slot(c, 2);
    BOOST_TEST(!odd->state.has_value());
    BOOST_TEST(odd->controllerView->state.value() == "Sanitizing");
    BOOST_TEST((odd->health == Health::Unknown));
}

BOOST_AUTO_TEST_CASE(megacli_truncation_without_exit_code) {
    // Older builds print no "Exit Code": complete records are accepted, a cut one is refused,
    // naming the last complete record.
    auto whole = ok("Adapter #0\n\n" + kPd0 + kPd1, "megacli");
    BOOST_TEST(whole.drives.size() == 2u);
    auto cut = decode("Adapter #0\n\n" + kPd0 + "Enclosure Device ID: 32\nSlot Number: 1\nDevice Id: 1\n", "megacli");
    BOOST_TEST_REQUIRE(!cut.has_value());
    BOOST_TEST((cut.error().is(errc::parse_error)));
    BOOST_TEST(cut.error().message.find("truncated") != std::string::npos, cut.error().message);
    BOOST_TEST(cut.error().message.find("slot 0") != std::string::npos, cut.error().message);
    // A record with its state but fewer keys than the others was cut too.
    auto fewer = decode("Adapter #0\n\n" + kPd0 + "Enclosure Device ID: 32\nSlot Number: 1\nFirmware state: Online\n", "megacli");
    BOOST_TEST(!fewer.has_value());
}

// -LdPdInfo lists a drive under every VD of its disk group: one drive, a member of both VDs.
BOOST_AUTO_TEST_CASE(megacli_one_drive_across_vds) {
    const std::string vd = "Name                :\nRAID Level          : Primary-1, Secondary-0, RAID Level Qualifier-0\n"
                           "Size                : 100.0 GB\nState               : Degraded\nNumber Of Drives    : 2\n"
                           "Span Depth          : 1\n";
    auto c = ok("Adapter #0\n\nNumber of Virtual Disks: 2\nVirtual Drive: 0 (Target Id: 0)\n" + vd + "PD: 0 Information\n" + kPd0 +
                    "PD: 1 Information\n" + kPd1 + "Virtual Drive: 1 (Target Id: 1)\n" + vd + "PD: 0 Information\n" + kPd0 +
                    "PD: 1 Information\n" + kPd1 + "Exit Code: 0x00\n",
                "megacli");
    BOOST_TEST(c.drives.size() == 2u);
    BOOST_TEST_REQUIRE(c.arrays.size() == 2u);
    for (const auto& a : c.arrays) {
        BOOST_TEST(a.members.size() == 2u);
        BOOST_TEST(a.state == "rebuilding");  // Degraded with a member in Rebuild
        BOOST_TEST(a.level.value() == "raid1");
    }
    BOOST_TEST((c.arrays[0].members[1].drive == c.arrays[1].members[1].drive));
}

BOOST_AUTO_TEST_CASE(megacli_ongoing_progress_and_states) {
    auto ld = [](std::string_view state, std::string_view progress) {
        return "Adapter 0 -- Virtual Drive Information:\nVirtual Drive: 0 (Target Id: 0)\n"
               "RAID Level          : Primary-5, Secondary-0, RAID Level Qualifier-3\nSize                : 1.0 TB\n"
               "State               : " +
               std::string(state) + "\nNumber Of Drives    : 3\nSpan Depth          : 1\n" +
               (progress.empty() ? "" : "Ongoing Progresses:\n  " + std::string(progress) + "\n") + "Exit Code: 0x00\n";
    };
    struct Case {
        const char* state;
        const char* progress;
        const char* want;
        const char* kind;
        double pct;
    };
    const Case cases[] = {
        {"Optimal", "Check Consistency        : Completed 36%, Taken 42 min.", "checking", "check", 36},
        {"Optimal", "Background Initialization: Completed 4%, Taken 3 min.", "resyncing", "initialize", 4},
        {"Optimal", "Reconstruction           : Completed 0%, Taken 26 min.", "reshaping", "reshape", 0},
        {"Degraded", "Rebuild                  : Completed 12%, Taken 9 min.", "rebuilding", "rebuild", 12},
        {"Partially Degraded", "", "degraded", "", 0},
        {"Offline", "", "failed", "", 0},
    };
    for (const auto& cs : cases) {
        auto c = ok(ld(cs.state, cs.progress), "megacli");
        const auto& a = c.arrays.at(0);
        BOOST_TEST(a.state == cs.want, cs.state << " / " << cs.progress);
        if (*cs.kind) {
            BOOST_TEST_REQUIRE(a.operation.has_value());
            BOOST_TEST(a.operation->kind == cs.kind);
            BOOST_TEST(a.operation->percent.value() == cs.pct);
        }
    }
    auto odd = ok(ld("Frobnicating", ""), "megacli");
    BOOST_TEST(odd.arrays.at(0).state == "unknown");
    BOOST_TEST(odd.arrays.at(0).arrayState.value() == "Frobnicating");
    BOOST_TEST((odd.arrays.at(0).health == Health::Unknown));
}

// -AdpAllInfo of two adapters: each adapter's running firmware, never a pending image's.
BOOST_AUTO_TEST_CASE(megacli_firmware_per_adapter) {
    auto adp = [](int n, std::string_view fw, std::string_view pending) {
        return "Adapter #" + std::to_string(n) +
               "\n\n==============================================================================\n"
               "                    Versions\n                ================\nProduct Name    : PERC H710 Mini\n"
               "Serial No       : SN" + std::to_string(n) + "\nFW Package Build: 21.3.0-0009\n\n"
               "                Image Versions in Flash:\n                ================\nBIOS Version       : 5.38\n"
               "FW Version         : " + std::string(fw) + "\n\n                Pending Images in Flash\n                ================\n"
               "FW Version         : " + std::string(pending) + "\n\n";
    };
    auto c = ok(adp(0, "3.131.05-4520", "3.999.00-0000") + adp(1, "2.130.403-4660", "9.9.9") + "Exit Code: 0x00\n", "megacli");
    BOOST_TEST_REQUIRE(c.controllers.size() == 2u);
    BOOST_TEST(c.controllers[0].firmware.value() == "3.131.05-4520");
    BOOST_TEST(c.controllers[0].serial.value() == "SN0");
    BOOST_TEST(c.controllers[1].firmware.value() == "2.130.403-4660");
    BOOST_TEST(c.controllers[1].model.value() == "PERC H710 Mini");
}

BOOST_AUTO_TEST_CASE(storcli_json_banner_prompt_and_unknown_words) {
    const std::string body = R"J({"Controllers":[{"Command Status":{"Controller":0,"Status":"Success","Description":"None"},
"Response Data":{"VD LIST":[{"DG/VD":"0/0","TYPE":"RAID1","State":"Frob","Size":"1.0 TB","Name":"x"},
{"DG/VD":"1/1","TYPE":"RAID6","State":"Pdgd","Size":"2.0 TB","Name":""}],
"PD LIST":[{"EID:Slt":"8:0","DID":4,"State":"Sntze","DG":"-","Size":"1.0 TB","Intf":"SAS","Med":"HDD","Model":"M","Sp":"U"},
{"EID:Slt":"8:1","DID":5,"State":"Onln","DG":1,"Size":"1.0 TB","Intf":"SAS","Med":"HDD","Model":"M","Sp":"F"}],
"JBOD LIST":[{"ID":0,"EID:Slt":"8:0","DID":4,"State":"Sntze","Intf":"SAS","Med":"HDD","Size":"1.0 TB","Model":"M","Vendor":"V"}],
"VD1 Properties":{"Active Operations":"Rebuild (12%)"}}}]})J";
    auto c = ok("Warning: this host runs storcli as a normal user\n" + body + "\nroot@host:~# \n", "auto");
    BOOST_TEST(c.format == "storcli-json");
    BOOST_TEST(c.drives.size() == 2u);  // 8:0 in PD LIST and JBOD LIST is one drive
    const Drive* odd = slot(c, 0);
    BOOST_TEST(odd->controllerView->state.value() == "Sntze");
    BOOST_TEST((odd->health == Health::Unknown));
    BOOST_TEST(slot(c, 1)->controllerView->foreign.value());
    BOOST_TEST_REQUIRE(c.arrays.size() == 2u);
    const auto& a0 = *std::find_if(c.arrays.begin(), c.arrays.end(), [](const Array& a) { return a.id == "megaraid:c0/v0"; });
    BOOST_TEST(a0.state == "unknown");
    BOOST_TEST(a0.arrayState.value() == "Frob");
    BOOST_TEST((a0.health == Health::Unknown));
    const auto& a1 = *std::find_if(c.arrays.begin(), c.arrays.end(), [](const Array& a) { return a.id == "megaraid:c0/v1"; });
    BOOST_TEST(a1.state == "rebuilding");  // Pdgd while a rebuild runs
    BOOST_TEST(a1.operation->kind == "rebuild");
    BOOST_TEST(a1.operation->percent.value() == 12.0);
    BOOST_TEST(a1.redundancyLeft.value() == 1);
    BOOST_TEST(c.skipped > 0u);  // the banner line
}

BOOST_AUTO_TEST_CASE(storcli_json_truncated_is_refused) {
    auto r = decode(R"({"Controllers":[{"Command Status":{"Controller":0,"Status":"Success"},"Response Data":{"VD LIST":[)",
                    "storcli-json");
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST((r.error().is(errc::parse_error)));
}

BOOST_AUTO_TEST_CASE(storcli_events_by_sequence_and_progress) {
    auto rec = [](std::string_view seq, std::string_view desc) {
        return "seqNum: " + std::string(seq) + "\nTime: Tue Jun  2 18:02:08 2015\n\nCode: 0x000000fb\nClass: 0\nLocale: 0x01\n"
               "Event Description: " + std::string(desc) + "\n\n";
    };
    // Saved newest first: the state is the one of the highest sequence number.
    auto c = ok(rec("0x00000030", "VD 00/1 is now OPTIMAL") + rec("0x00000010", "VD 00/1 is now DEGRADED") +
                    rec("0x00000020", "State change on VD 00/2 from OPTIMAL(3) to PARTIALLY DEGRADED(1)") +
                    rec("0x00000031", "Consistency Check progress on VD 00/3 is 5.55%(1m)"),
                "storcli-events");
    BOOST_TEST_REQUIRE(c.arrays.size() == 3u);
    BOOST_TEST(c.arrays[0].id == "megaraid:event-log/v1");
    BOOST_TEST(c.arrays[0].state == "optimal");
    BOOST_TEST(c.arrays[1].state == "degraded");
    BOOST_TEST(c.arrays[2].state == "checking");
    BOOST_TEST(c.arrays[2].operation->percent.value() == 5.55);
    BOOST_TEST(c.notes.front().find("0x00000010") != std::string::npos);
}

// -EncInfo: "Number of enclosures on adapter N -- M", then one "Enclosure K:" record each, keyed by
// "Device ID" (the EID of -PDList); a capture may carry the drives too.
BOOST_AUTO_TEST_CASE(megacli_encinfo) {
    auto c = ok("\n    Number of enclosures on adapter 0 -- 2\n\n    Enclosure 0:\n    Device ID                     : 32\n"
                "    Number of Slots               : 8\n    Number of Physical Drives     : 2\n    Status                        : Normal\n"
                "    Position                      : 1\n    Enclosure type                : SGPIO\n"
                "Failed in first Inquiry commnad\n    Vendor Identification         : LSI\n\n"
                "    Enclosure 1:\n    Device ID                     : 64\n    Number of Slots               : 24\n"
                "    Status                        : Critical\n    Product Identification        : SAS2X36\n\n"
                "Adapter #0\n\n" + kPd0 + "Exit Code: 0x00\n",
                "auto");
    BOOST_TEST(c.format == "megacli");
    BOOST_TEST_REQUIRE(c.enclosures.size() == 2u);
    BOOST_TEST(c.enclosures[0].id == "megaraid:c0/e32");
    BOOST_TEST(c.enclosures[0].components.value() == 8);
    BOOST_TEST(c.enclosures[0].product.value() == "SGPIO");
    BOOST_TEST(c.enclosures[0].vendor.value() == "LSI");
    BOOST_TEST((c.enclosures[0].health == Health::OK));
    BOOST_TEST(c.enclosures[0].slots.size() == 1u);  // the drive at 32:0
    BOOST_TEST(c.enclosures[1].product.value() == "SAS2X36");
    BOOST_TEST((c.enclosures[1].health == Health::Critical));
    BOOST_TEST(c.skipped >= 1u);  // the stray "Failed in first Inquiry commnad" line
}
