// SPDX-License-Identifier: LGPL-2.1-or-later
// sas2ircu/sas3ircu and lsscsi, /proc/scsi/scsi by their grammar (docs/decoders.md): the forms the
// real captures in tests/data do not show (STATUS with a running operation, lsscsi without -g, -t,
// -s, unknown state words, truncation), and the fuzzer's regression inputs.
#define BOOST_TEST_MODULE hba_decoders
#include <boost/test/unit_test.hpp>

#include <raidmon/controllers.hpp>
#include <raidmon/decode.hpp>

#include "ctl/mptir/sasircu.hpp"
#include "fake_runner.hpp"
#include "print.hpp"
#include "testdata.hpp"

using namespace raidmon;

namespace {

Capture ok(std::string_view text, std::string_view format) {
    auto c = decode(text, format);
    BOOST_TEST_REQUIRE(c.has_value(), (c ? std::string() : c.error().message));
    return *c;
}

const Drive* bySerial(const Capture& c, std::string_view serial) {
    for (const auto& d : c.drives)
        if (d.serial == serial) return &d;
    return nullptr;
}

constexpr std::string_view kBanner = "LSI Corporation SAS2 IR Configuration Utility.\nVersion 20.00.00.00 (2014.09.18)\n"
                                     "Copyright (c) 2008-2014 LSI Corporation. All rights reserved.\n\n";

std::string displayWith(std::string_view volumeState, std::string_view drive0State, std::string_view drive1State) {
    return std::string(kBanner) +
           "Read configuration has been initiated for controller 2\n"
           "------------------------------------------------------------------------\n"
           "Controller information\n"
           "------------------------------------------------------------------------\n"
           "  Controller type                         : SAS2308_2\n"
           "  Firmware version                        : 20.00.07.00\n"
           "  Segment                                 : 0\n"
           "  Bus                                     : 130\n"
           "  Device                                  : 0\n"
           "  Function                                : 0\n"
           "------------------------------------------------------------------------\n"
           "IR Volume information\n"
           "------------------------------------------------------------------------\n"
           "IR volume 1\n"
           "  Volume ID                               : 323\n"
           "  Status of volume                        : " + std::string(volumeState) + "\n"
           "  RAID level                              : RAID1\n"
           "  Size (in MB)                            : 952720\n"
           "  Physical hard disks                     :\n"
           "  PHY[0] Enclosure#/Slot#                 : 1:0\n"
           "  PHY[1] Enclosure#/Slot#                 : 1:1\n"
           "------------------------------------------------------------------------\n"
           "Physical device information\n"
           "------------------------------------------------------------------------\n"
           "Initiator at ID #0\n\n"
           "Device is a Hard disk\n"
           "  Enclosure #                             : 1\n"
           "  Slot #                                  : 0\n"
           "  State                                   : " + std::string(drive0State) + "\n"
           "  Size (in MB)/(in sectors)               : 953869/1953525167\n"
           "  Serial No                               : AAA0\n"
           "  GUID                                    : 5000c500aaaaaaa0\n"
           "  Protocol                                : SAS\n"
           "  Drive Type                              : SAS_HDD\n\n"
           "Device is a Hard disk\n"
           "  Enclosure #                             : 1\n"
           "  Slot #                                  : 1\n"
           "  State                                   : " + std::string(drive1State) + "\n"
           "  Serial No                               : AAA1\n"
           "  GUID                                    : 5000c500aaaaaaa1\n"
           "  Protocol                                : SAS\n"
           "  Drive Type                              : SAS_SSD\n"
           "------------------------------------------------------------------------\n"
           "Enclosure information\n"
           "------------------------------------------------------------------------\n"
           "  Enclosure#                              : 1\n"
           "  Logical ID                              : 500605b0:04744320\n"
           "  Numslots                                : 8\n"
           "  StartSlot                               : 0\n"
           "------------------------------------------------------------------------\n"
           "SAS2IRCU: Command DISPLAY Completed Successfully.\n"
           "SAS2IRCU: Utility Completed Successfully.\n";
}

} // namespace

BOOST_AUTO_TEST_SUITE(sas_ircu)

BOOST_AUTO_TEST_CASE(degraded_volume_rebuilding_onto_a_drive) {
    auto c = ok(displayWith("Degraded (DGD)", "Optimal (OPT)", "Rebuilding (RBLD)"), "sas-ircu");
    BOOST_TEST(c.controllers.at(0).id == "mpt-ir:c2");  // "initiated for controller 2"
    BOOST_TEST(c.controllers.at(0).pciAddress.value() == "0000:82:00.0");
    const auto& a = c.arrays.at(0);
    BOOST_TEST(a.id == "mpt-ir:c2/vol1");
    BOOST_TEST(a.state == "rebuilding");
    BOOST_TEST(a.health == Health::Warning);
    BOOST_TEST(bySerial(c, "AAA1")->state.value() == DriveState::rebuilding);
    BOOST_TEST((bySerial(c, "AAA1")->media == Media::SSD));
    BOOST_TEST((bySerial(c, "AAA0")->protocol == Protocol::SAS));
    BOOST_TEST(bySerial(c, "AAA0")->capacityBytes.value() == 1953525167ULL * 512);
    BOOST_TEST(!bySerial(c, "AAA1")->capacityBytes.has_value());  // no size line: unknown, not 0
}

BOOST_AUTO_TEST_CASE(failed_and_missing_members) {
    auto c = ok(displayWith("Failed (FLD)", "Failed (FLD)", "Missing (MIS)"), "sas-ircu");
    BOOST_TEST(c.arrays.at(0).state == "failed");
    BOOST_TEST(c.arrays.at(0).health == Health::Critical);
    BOOST_TEST(bySerial(c, "AAA0")->health == Health::Critical);
    BOOST_TEST(bySerial(c, "AAA1")->state.value() == DriveState::missing);
}

BOOST_AUTO_TEST_CASE(unknown_state_words_are_unknown_not_ok) {
    auto c = ok(displayWith("Frozen (FRZ)", "Optimal (OPT)", "Sleepy (SLP)"), "sas-ircu");
    BOOST_TEST(c.arrays.at(0).state == "unknown");
    BOOST_TEST(c.arrays.at(0).arrayState.value() == "Frozen (FRZ)");
    BOOST_TEST(c.arrays.at(0).health == Health::Unknown);
    const auto* d = bySerial(c, "AAA1");
    BOOST_TEST(!d->state.has_value());
    BOOST_TEST(d->controllerView->state.value() == "Sleepy (SLP)");
    BOOST_TEST(d->health == Health::Unknown);
}

BOOST_AUTO_TEST_CASE(truncated_display_names_the_section) {
    auto text = displayWith("Okay (OKY)", "Optimal (OPT)", "Optimal (OPT)");
    auto r = decode(text.substr(0, text.find("Device is a Hard disk\n  Enclosure #                             : 1\n  Slot #                                  : 1")),
                    "sas-ircu");
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().message.find("truncated") != std::string::npos);
    BOOST_TEST(r.error().message.find("Physical device information") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unknown_keys_and_sections_are_skipped_and_counted) {
    auto text = displayWith("Okay (OKY)", "Optimal (OPT)", "Optimal (OPT)");
    text.insert(text.find("  Firmware version"), "  Temperature sensor                      : 41\n");
    text.insert(text.find("------------------------------------------------------------------------\nEnclosure information"),
                "------------------------------------------------------------------------\nFuture information\n"
                "------------------------------------------------------------------------\n  Something : else\n");
    auto c = ok(text, "sas-ircu");
    BOOST_TEST(c.skipped == 3u);  // the key, the section title, the key inside it
    BOOST_TEST(c.arrays.at(0).state == "optimal");
    BOOST_TEST(c.enclosures.at(0).components.value() == 8);
}

BOOST_AUTO_TEST_CASE(status_with_a_synchronize_running) {
    // The STATUS layout ("Background command progress status for controller N...").
    const std::string text = std::string(kBanner) +
                             "Background command progress status for controller 0...\n"
                             "IR Volume 1\n"
                             "  Volume ID                               : 286\n"
                             "  Current operation                       : Synchronize\n"
                             "  Volume status                           : Enabled\n"
                             "  Volume state                            : Degraded\n"
                             "  Volume wwid                             : 0123456789abcdef\n"
                             "  Physical disk I/Os                      : Not quiesced\n"
                             "  Volume size (in sectors)                : 2000000000\n"
                             "  Number of remaining sectors             : 1500000000\n"
                             "  Percentage complete                     : 25.00%\n"
                             "IR Volume 2\n"
                             "  Volume ID                               : 287\n"
                             "  Current operation                       : None\n"
                             "  Volume status                           : Enabled\n"
                             "  Volume state                            : Optimal\n"
                             "  Volume wwid                             : 0123456789abcdf0\n"
                             "  Physical disk I/Os                      : Not quiesced\n"
                             "SAS2IRCU: Command STATUS Completed Successfully.\n"
                             "SAS2IRCU: Utility Completed Successfully.\n";
    auto c = ok(text, "sas-ircu");
    BOOST_TEST_REQUIRE(c.arrays.size() == 2u);
    const auto& v1 = c.arrays[0];
    BOOST_TEST(v1.id == "mpt-ir:c0/vol1");
    BOOST_TEST(v1.state == "rebuilding");
    BOOST_TEST(v1.operation->kind == "rebuild");
    BOOST_TEST(v1.operation->percent.value() == 25.0);
    BOOST_TEST(v1.operation->done.value() == 500000000u);
    BOOST_TEST(v1.operation->total.value() == 2000000000u);
    BOOST_TEST(v1.sizeBytes.value() == 2000000000ULL * 512);
    BOOST_TEST(c.arrays[1].state == "optimal");
    BOOST_TEST(!c.arrays[1].operation.has_value());
    auto cut = decode(text.substr(0, text.find("IR Volume 2")), "sas-ircu");
    BOOST_REQUIRE(!cut.has_value());
    BOOST_TEST(cut.error().message.find("IR volume 1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(list_columns_and_the_backend_parser) {
    auto list = detail::sasircu::parseList(test::readData("sas-ircu/sas3ircu-list.txt"));
    BOOST_TEST_REQUIRE(list.has_value());
    BOOST_TEST(list->at(1).pciAddress.value() == "0000:01:00.1");
    BOOST_TEST(list->at(1).pciId.value() == "1001:0098");
    // A row with only index and type (an older tool): the rest unknown, not zero.
    auto shortRow = detail::sasircu::parseList(std::string(kBanner) + " -----  ------------\n   0     SAS2008\nSAS2IRCU: Utility Completed Successfully.\n");
    BOOST_TEST_REQUIRE(shortRow.has_value());
    BOOST_TEST(!shortRow->at(0).pciAddress.has_value());
    BOOST_TEST(!shortRow->at(0).pciId.has_value());
}

BOOST_AUTO_TEST_CASE(fuzz_regression_device_outside_its_section) {
    // "Device is a ..." in the IR volume section wrote through an empty optional (issue 9).
    auto text = test::readData(std::string(RAIDMON_TEST_DATA) + "/../fuzz/regressions/decode-sas-ircu/device-outside-pd-section");
    auto r = decode(text, "sas-ircu");
    if (r) BOOST_TEST(r->drives.empty());
    else BOOST_TEST(r.error().is(errc::parse_error));
    // The same line inside a complete report is skipped and counted.
    auto full = displayWith("Okay (OKY)", "Optimal (OPT)", "Optimal (OPT)");
    full.insert(full.find("IR volume 1"), "Device is a Hard disk\n  Enclosure # : 1\n");
    auto c = ok(full, "sas-ircu");
    BOOST_TEST(c.drives.size() == 2u);
    BOOST_TEST(c.skipped >= 1u);
}

// The agent's controller poll: LIST, then DISPLAY for each adapter; LIST's PCI ids join DISPLAY's.
BOOST_AUTO_TEST_CASE(poll_joins_list_and_display) {
    auto fake = std::make_shared<test::FakeCommandRunner>();
    fake->expect({"sas3ircu", "LIST"}, test::readData("sas-ircu/sas3ircu-list.txt"))
        .expect({"sas3ircu", "0", "DISPLAY"}, test::readData("sas-ircu/sas3ircu-display-sas3008-no-volume.txt"))
        .expect({"sas3ircu", "1", "DISPLAY"}, test::readData("sas-ircu/sas3ircu-display-sas3008-raid1-volume.txt"));
    Context ctx;
    ctx.runner = fake;
    auto r = scanMptIr(ctx);
    BOOST_TEST_REQUIRE(r.has_value(), (r ? std::string() : r.error().message));
    BOOST_TEST_REQUIRE(r->controllers.size() == 2u);
    BOOST_TEST(r->controllers[0].pciId.value() == "1000:0097");
    BOOST_TEST(r->controllers[0].pciSubsystem.value() == "1028:1f53");
    BOOST_TEST(r->controllers[0].pciAddress.value() == "0000:01:00.0");  // DISPLAY's own Bus/Device/Function
    BOOST_TEST(r->controllers[1].id == "mpt-ir:c1");  // the adapter asked for, whatever the (reused) text says
    BOOST_TEST(r->arrays.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(lsscsi)

BOOST_AUTO_TEST_CASE(plain_lsscsi_without_sg_column) {
    auto c = ok("[0:0:0:0]    disk    ATA      ST4000NM0035-1V4 TN04  /dev/sda \n"
                "[0:0:1:0]    disk    SEAGATE  ST4000NM0025     N003  /dev/sdb \n"
                "[0:0:2:0]    enclosu LSI      SAS2X28          0e12  -        \n"
                "[2:0:0:0]    storage LSI      MR9361-8i        4.68  -        \n",
                "lsscsi");
    BOOST_TEST_REQUIRE(c.drives.size() == 2u);
    BOOST_TEST(!c.drives[0].vendor.has_value());  // "ATA" is the SAT layer's placeholder
    BOOST_TEST(c.drives[0].model.value() == "ST4000NM0035-1V4");
    BOOST_TEST(c.drives[1].vendor.value() == "SEAGATE");
    BOOST_TEST(c.drives[1].firmware.value() == "N003");
    BOOST_TEST(c.enclosures.at(0).product.value() == "SAS2X28");
    BOOST_TEST(c.controllers.at(0).kind == "megaraid");
}

BOOST_AUTO_TEST_CASE(transport_and_size_columns) {
    // lsscsi -t -s: the transport id replaces vendor/model/revision; the size follows the node.
    auto c = ok("[0:0:0:0]    disk    sata:5000c500a1b2c3d4          /dev/sda   4.00TB\n"
                "[1:0:0:0]    disk    sas:0x5000c500deadbeef         /dev/sdb   600GB\n"
                "[3:0:0:0]    disk    usb: 1-1:1.0                   /dev/sdc   32.0GB\n",
                "lsscsi");
    BOOST_TEST_REQUIRE(c.drives.size() == 3u);
    BOOST_TEST((c.drives[0].protocol == Protocol::SATA));
    BOOST_TEST(c.drives[0].wwn.value() == "0x5000c500a1b2c3d4");
    BOOST_TEST((c.drives[1].protocol == Protocol::SAS));
    BOOST_TEST(!c.drives[1].wwn.has_value());  // a SAS target port address, not the disk's WWN
    BOOST_TEST((c.drives[2].protocol == Protocol::USB));
    BOOST_TEST(!c.drives[0].capacityBytes.has_value());  // lsscsi -s rounds: not read as a size
}

BOOST_AUTO_TEST_CASE(two_word_types_and_truncation) {
    auto c = ok("[0:0:0:0]    disk    HP       LOGICAL VOLUME   5.14  /dev/sda   /dev/sg0\n"
                "[0:0:0:1]    sim dsk ACME     SIMDISK          0001  /dev/sdb   /dev/sg1\n"
                "[0:0:0:2]    no dev  ACME     NOTHING          0001  -          /dev/sg2\n",
                "lsscsi");
    BOOST_TEST(c.arrays.size() == 1u);
    BOOST_TEST(c.drives.size() == 1u);
    BOOST_TEST(c.drives[0].model.value() == "SIMDISK");
    auto r = decode("[0:0:0:0]    disk    HP       LOGIC", "lsscsi");
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().message.find("line 1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(proc_scsi_scsi_empty_and_raid) {
    auto none = ok("Attached devices:\n", "proc-scsi");
    BOOST_TEST(none.drives.empty());
    BOOST_TEST(none.notes.at(0).find("no SCSI device") != std::string::npos);
    auto c = ok("banner\nAttached devices:\nHost: scsi2 Channel: 02 Id: 00 Lun: 00\n"
                "  Vendor: DELL     Model: PERC H730P Mini  Rev: 4.30\n"
                "  Type:   RAID                             ANSI  SCSI revision: 05\n"
                "Host: scsi2 Channel: 00 Id: 00 Lun: 00\n"
                "  Vendor: SEAGATE  Model: ST600MM0088      Rev: N004\n"
                "  Type:   Direct-Access-ZBC                ANSI  SCSI revision: 06\n",
                "proc-scsi");
    BOOST_TEST(c.controllers.at(0).model.value() == "PERC H730P Mini");
    BOOST_TEST(c.drives.at(0).model.value() == "ST600MM0088");
    auto cut = decode("Attached devices:\nHost: scsi2 Channel: 02 Id: 00 Lun: 00\n  Vendor: DELL", "proc-scsi");
    BOOST_REQUIRE(!cut.has_value());
    BOOST_TEST(cut.error().message.find("truncated") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
