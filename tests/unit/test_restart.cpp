// SPDX-License-Identifier: LGPL-2.1-or-later
// Restart forensics decoding against the IPMI 2.0 specification (v2.0 rev. 1.1): Get System
// Restart Cause (table 28-11), SEL records (section 32, table 32-1), sensor types and
// sensor-specific offsets (table 42-3), SEL timestamps (section 37).
#define BOOST_TEST_MODULE restart
#include <boost/test/unit_test.hpp>

#include <vector>

#include <raidmon/restart.hpp>

using namespace raidmon;
using B = std::vector<std::uint8_t>;

BOOST_AUTO_TEST_CASE(restart_cause_codes_of_table_28_11) {
    const std::vector<std::pair<std::uint8_t, std::string_view>> spec = {
        {0x0, "unknown"},          {0x1, "chassis_control"},     {0x2, "reset_button"}, {0x3, "power_button"},
        {0x4, "watchdog"},         {0x5, "oem"},                 {0x6, "ac_always_restore"},
        {0x7, "ac_restore_previous"}, {0x8, "pef_reset"},        {0x9, "pef_power_cycle"}, {0xa, "soft_reset"},
        {0xb, "rtc_wakeup"},       {0xc, "reserved"},            {0xf, "reserved"}};
    for (const auto& [code, name] : spec) {
        auto c = decodeRestartCause(B{0x00, code, 0x01});
        BOOST_REQUIRE(c);
        BOOST_TEST(c->code == code);
        BOOST_TEST(c->name == name);
        BOOST_TEST(c->channel.value_or(0xff) == 1);
    }
    // Bits 7:4 of the cause byte are reserved: ignored. The chassis control command's meaning.
    auto c = decodeRestartCause(B{0x00, 0xf1, 0x0e});
    BOOST_REQUIRE(c);
    BOOST_TEST(c->name == "chassis_control");
    BOOST_TEST(c->meaning == "Chassis Control command");
    BOOST_TEST(toJson(*c) == R"({"code":1,"name":"chassis_control","meaning":"Chassis Control command","channel":14})");
    // No channel byte: channel unknown, not 0.
    BOOST_TEST(!decodeRestartCause(B{0x00, 0x04})->channel);
    // Errors: a completion code, a short answer, nothing.
    auto cc = decodeRestartCause(B{0xc1});
    BOOST_REQUIRE(!cc);
    BOOST_TEST(cc.error().is(errc::command_failed));
    BOOST_TEST(cc.error().message.find("0xc1") != std::string::npos);
    BOOST_TEST(decodeRestartCause(B{0x00}).error().is(errc::parse_error));
    BOOST_TEST(decodeRestartCause(B{}).error().is(errc::parse_error));
}

BOOST_AUTO_TEST_CASE(sel_system_event_records) {
    // Record 0x0102, type 02h, timestamp 0x65a1b2c3 (2024-01-12T21:44:35Z), generator 0x0020 (BMC),
    // EvM rev 04h, sensor type 1Dh (System Boot/Restart Initiated), sensor 0x3a, assertion of a
    // sensor-specific (6Fh) offset 1: initiated by hard reset.
    auto e = decodeSelRecord(B{0x02, 0x01, 0x02, 0xc3, 0xb2, 0xa1, 0x65, 0x20, 0x00, 0x04, 0x1d, 0x3a, 0x6f, 0x01, 0xff, 0xff});
    BOOST_REQUIRE(e);
    BOOST_TEST(e->recordId == 0x0102);
    BOOST_TEST(e->recordType == 0x02);
    BOOST_REQUIRE(e->time);
    BOOST_TEST(std::chrono::duration_cast<std::chrono::seconds>(e->time->time_since_epoch()).count() == 0x65a1b2c3);
    BOOST_TEST(!e->timeIsPreInit);
    BOOST_TEST(e->generatorId == 0x0020);
    BOOST_TEST(e->sensorType == 0x1d);
    BOOST_TEST(e->sensorNumber == 0x3a);
    BOOST_TEST(!e->deassertion);
    BOOST_TEST(e->eventType == 0x6f);
    BOOST_TEST(e->description == "System Boot/Restart Initiated: initiated by hard reset");
    const std::string j = toJson(*e);
    BOOST_TEST(j.find(R"("time":"2024-01-12T21:44:35Z")") != std::string::npos);
    BOOST_TEST(j.find(R"("event_data":"01ffff")") != std::string::npos);

    // Table 42-3 offsets of the other sensor types that tell how a host went down or came up.
    struct Case {
        std::uint8_t type, dir, offset;
        std::string_view text;
    };
    const Case cases[] = {
        {0x14, 0x6f, 0x00, "Button/Switch: power button pressed"},
        {0x14, 0x6f, 0x02, "Button/Switch: reset button pressed"},
        {0x23, 0x6f, 0x01, "Watchdog 2: hard reset"},
        {0x23, 0x6f, 0x03, "Watchdog 2: power cycle"},
        {0x23, 0x6f, 0x08, "Watchdog 2: timer interrupt"},
        {0x09, 0x6f, 0x04, "Power Unit: AC lost / power input lost"},
        {0x20, 0x6f, 0x03, "OS Stop/Shutdown: OS graceful shutdown"},
        {0x20, 0x6f, 0x01, "OS Stop/Shutdown: run-time critical stop"},
        {0x12, 0x6f, 0x05, "System Event: timestamp clock synch"},
        {0x10, 0x6f, 0x02, "Event Logging Disabled: log area reset/cleared"},
        {0x05, 0x6f, 0x00, "Physical Security: general chassis intrusion"},
        {0x08, 0xef, 0x01, "Power Supply: power supply failure detected (deasserted)"},  // bit 7: deassertion
        {0x01, 0x01, 0x09, "Temperature: event type 0x01 offset 9"},  // threshold: not named here
        {0x23, 0x6f, 0x05, "Watchdog 2: event type 0x6f offset 5"},   // reserved offset
        {0xc5, 0x6f, 0x00, "sensor type 0xc5: event type 0x6f offset 0"},  // OEM sensor type
    };
    for (const auto& c : cases) {
        auto r = decodeSelRecord(B{0x10, 0x00, 0x02, 0x00, 0x00, 0x00, 0x66, 0x20, 0x00, 0x04, c.type, 0x01, c.dir, c.offset, 0xff, 0xff});
        BOOST_REQUIRE(r);
        BOOST_TEST(r->description == c.text);
    }
}

BOOST_AUTO_TEST_CASE(sel_timestamps_and_oem_records) {
    // Section 37: 00000000h..20000000h count from the BMC's initialisation; FFFFFFFFh is unspecified.
    auto pre = decodeSelRecord(B{0x01, 0x00, 0x02, 0x10, 0x00, 0x00, 0x00, 0x20, 0x00, 0x04, 0x1d, 0x01, 0x6f, 0x00, 0xff, 0xff});
    BOOST_REQUIRE(pre);
    BOOST_TEST(pre->timeIsPreInit);
    BOOST_TEST(toJson(*pre).find(R"("time":null)") != std::string::npos);
    auto unspecified = decodeSelRecord(B{0x01, 0x00, 0x02, 0xff, 0xff, 0xff, 0xff, 0x20, 0x00, 0x04, 0x1d, 0x01, 0x6f, 0x00, 0xff, 0xff});
    BOOST_REQUIRE(unspecified);
    BOOST_TEST(!unspecified->time);
    // OEM timestamped (C0h..DFh) keep their time; OEM non-timestamped (E0h..FFh) have none.
    auto oemT = decodeSelRecord(B{0x02, 0x00, 0xc1, 0x00, 0x00, 0x00, 0x66, 0x57, 0x01, 0x00, 1, 2, 3, 4, 5, 6});
    BOOST_REQUIRE(oemT);
    BOOST_TEST(oemT->time.has_value());
    BOOST_TEST(oemT->description == "OEM record type 0xc1");
    auto oem = decodeSelRecord(B{0x03, 0x00, 0xe0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13});
    BOOST_REQUIRE(oem);
    BOOST_TEST(!oem->time);
    BOOST_TEST(decodeSelRecord(B{0x01, 0x00, 0x02}).error().is(errc::parse_error));
}

BOOST_AUTO_TEST_CASE(sel_entries_around_a_boot) {
    using namespace std::chrono;
    const auto boot = system_clock::time_point(seconds(0x66000000));
    std::vector<SelEntry> sel(4);
    sel[0].time = boot - hours(3);
    sel[1].time = boot - minutes(2);
    sel[2].time = boot + minutes(1);
    sel[3].time = system_clock::time_point(seconds(0x100));
    sel[3].timeIsPreInit = true;
    auto near = selAround(sel, boot, minutes(15));
    BOOST_TEST(near.size() == 2u);
    BOOST_TEST(selAround(sel, boot, minutes(15), true).size() == 3u);
    BOOST_TEST(sensorTypeName(0x1d) == "System Boot/Restart Initiated");
    BOOST_TEST(sensorTypeName(0x2c) == "FRU State");
    BOOST_TEST(sensorTypeName(0x00) == "sensor type 0x00");
}
