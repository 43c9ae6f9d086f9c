// SPDX-License-Identifier: LGPL-2.1-or-later
// The SMART decoders against forms of smartctl and nvme-cli output that the grammar allows but no
// capture in tests/data shows (docs/decoders.md): each case starts from a real capture and changes
// only what the tool's source says another version or another drive prints (the source is named).
#define BOOST_TEST_MODULE smart_grammar
#include <boost/test/unit_test.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include <raidmon/decode.hpp>

#include "core/strutil.hpp"
#include "testdata.hpp"

using namespace raidmon;
using nlohmann::json;

namespace {

std::string replaceOnce(std::string text, std::string_view from, std::string_view to) {
    auto p = text.find(from);
    BOOST_TEST_REQUIRE(p != std::string::npos, "capture no longer holds " << from);
    text.replace(p, from.size(), to);
    return text;
}

const Smart& smartOf(const Result<Capture>& c) {
    BOOST_TEST_REQUIRE(c.has_value(), (c ? "" : c.error().message));
    BOOST_TEST_REQUIRE(c->drives.size() == 1u);
    BOOST_TEST_REQUIRE(c->drives[0].smart.has_value());
    return *c->drives[0].smart;
}

bool hasReason(const Drive& d, std::string_view word) {
    for (const auto& r : d.reasons)
        if (r.find(word) != std::string::npos) return true;
    return false;
}

} // namespace

BOOST_AUTO_TEST_CASE(counts_in_every_locale_grouping) {
    using detail::parseGroupedUint;
    BOOST_TEST(parseGroupedUint("6433").value_or(0) == 6433u);
    BOOST_TEST(parseGroupedUint("2,683").value_or(0) == 2683u);
    BOOST_TEST(parseGroupedUint("2.597").value_or(0) == 2597u);
    BOOST_TEST(parseGroupedUint("3 387").value_or(0) == 3387u);
    BOOST_TEST(parseGroupedUint("6\xE2\x80\x99" "433").value_or(0) == 6433u);       // U+2019
    BOOST_TEST(parseGroupedUint("1\xC2\xA0" "000\xC2\xA0" "204").value_or(0) == 1000204u);  // U+00A0
    BOOST_TEST(parseGroupedUint("1 000 204 886 016").value_or(0) == 1000204886016u);
    BOOST_TEST(parseGroupedUint("4974.0").value_or(0) == 4974u);
    BOOST_TEST(parseGroupedUint("1,000.00").value_or(0) == 1000u);
    BOOST_TEST(!parseGroupedUint("37.5"));       // a fraction is no count
    BOOST_TEST(!parseGroupedUint("1,00,000"));   // groups of three only
    BOOST_TEST(!parseGroupedUint("1,000.000,0"));
    BOOST_TEST(!parseGroupedUint("-5"));
    BOOST_TEST(!parseGroupedUint("12ab"));
    BOOST_TEST(!parseGroupedUint(""));
    BOOST_TEST(!parseGroupedUint("99999999999999999999999"));  // beyond 64 bits
}

// nvme-cli 2.0-2.10 print the 128-bit counters with obj_add_uint128 / json_object_add_value_uint128
// (nvme-print-json.c): strings, grouped in the printing locale since 2.3 (nvme-cli issue #1827).
BOOST_AUTO_TEST_CASE(nvme_cli_2x_counters_as_strings_decode_like_numbers) {
    const std::string text = test::readData("nvme-cli/nvme-smart-log-v2.3.json");
    auto j = json::parse(text);
    for (const char* k : {"data_units_read", "data_units_written", "host_read_commands", "host_write_commands",
                          "controller_busy_time", "power_cycles", "power_on_hours", "unsafe_shutdowns", "media_errors",
                          "num_err_log_entries"}) {
        std::string digits = std::to_string(j[k].get<std::uint64_t>()), grouped;
        for (std::size_t i = 0; i < digits.size(); ++i) {
            if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
            grouped += digits[i];
        }
        j[k] = grouped;
    }
    auto base = decode(text);
    auto strings = decode(j.dump(2));
    const Smart& a = smartOf(base);
    const Smart& b = smartOf(strings);
    BOOST_TEST(strings->format == "nvme-cli-smart-log");
    BOOST_TEST(b.powerOnHours.value_or(0) == 4974u);
    BOOST_TEST(b.nvme->errorLogEntries.value_or(0) == 110u);
    BOOST_TEST((b.nvme->unsafeShutdowns == a.nvme->unsafeShutdowns));
    BOOST_TEST((b.temperatureC == a.temperatureC));
    // and every number a string, as the numbers-as-strings variant of the property test does
    j["critical_warning"] = "0";
    j["temperature"] = "310";
    j["percent_used"] = "2";
    auto all = decode(j.dump());
    BOOST_TEST(smartOf(all).temperatureC.value_or(-1) == 37);
    BOOST_TEST(smartOf(all).nvme->percentageUsed.value_or(-1) == 2);
}

BOOST_AUTO_TEST_CASE(nvme_cli_member_of_another_version_is_counted_not_fatal) {
    auto j = json::parse(test::readData("nvme-cli/nvme-smart-log-v2.11-critwarn-object.json"));
    j["a_member_of_nvme_cli_9"] = 1;
    auto c = decode(j.dump());
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->skipped == 1u);
}

// scsiprint.cpp prints one row per SCSI self-test log entry; results 3-7 fail the test ("Failed in
// segment -->" is followed by the segment number).
BOOST_AUTO_TEST_CASE(scsi_text_self_test_failures_are_read) {
    std::string text = test::readData("smartctl-text/sas-megaraid44-hgst-hus726040al5210-7.1.txt");
    text = replaceOnce(text, "# 1  Background short  Completed                   -     302                 - [-   -    -]",
                       "# 1  Background long   Failed in segment -->       3     302                 - [0x1 0xb 0x97]\n"
                       "# 2  Background long   Completed, segment failed   -     290         764900874 [0x3 0x5d 0x1]\n"
                       "# 3  Background short  Aborted (device reset ?)    -     280                 - [-   -    -]\n"
                       "# 4  Background short  Completed                   -     270                 - [-   -    -]");
    auto c = decode(text);
    const Smart& s = smartOf(c);
    BOOST_TEST_REQUIRE(s.selfTest.has_value());
    BOOST_TEST(s.selfTest->lastResult.value_or("") == "Failed in segment -->");
    BOOST_TEST(s.selfTest->failedCount.value_or(-1) == 2);
    BOOST_TEST(hasReason(c->drives[0], "self-test"));
}

// scsiprint.cpp (7.0+) writes the same log as scsi_self_test_N {code, result {value, string}, ...}.
BOOST_AUTO_TEST_CASE(scsi_json_self_test_failures_are_read) {
    auto j = json::parse(test::readData("smartctl-json/scsi-megaraid0-seagate-st3400755ss-grown9-wunc8-7.5.json"));
    j["scsi_self_test_0"]["result"] = {{"value", 7}, {"string", "Failed in segment -->"}};
    j["scsi_self_test_0"]["failed_segment"] = {{"value", 3}, {"aka", "self_test_number"}};
    j["scsi_self_test_2"]["result"] = {{"value", 3}, {"string", "Unknown error, incomplete"}};
    j["scsi_self_test_3"]["result"] = {{"value", 1}, {"string", "Aborted (by user command)"}};
    j["scsi_pending_defects"] = {{"count", 10}};  // scsiprint.cpp 7.3+: Pending Defects log page
    auto c = decode(j.dump());
    const Smart& s = smartOf(c);
    BOOST_TEST_REQUIRE(s.selfTest.has_value());
    BOOST_TEST(s.selfTest->lastResult.value_or("") == "Failed in segment -->");
    BOOST_TEST(s.selfTest->failedCount.value_or(-1) == 2);
    BOOST_TEST(s.pendingSectors.value_or(0) == 10u);
    BOOST_TEST((c->drives[0].health == Health::Critical));
}

// ataprint.cpp: status 8 "Completed: handling damage??" is a failure like 3-7.
BOOST_AUTO_TEST_CASE(ata_handling_damage_is_a_failed_self_test) {
    std::string text = test::readData("smartctl-text/ata-ssd-liteon-lct512l9s-no-temp-6.6.txt");
    text = replaceOnce(text, "# 1  Short offline       Completed without error       00%      2376         -",
                       "# 1  Short offline       Completed: handling damage??  00%      2376         -");
    auto cs = decode(text);
    const Smart& s = smartOf(cs);
    BOOST_TEST(s.selfTest->lastResult.value_or("") == "Completed: handling damage??");
    BOOST_TEST(s.selfTest->failedCount.value_or(-1) == 1);
}

// nvmeprint.cpp: results 5-7 ("Fatal or unknown test error", "Completed: unknown failed segment",
// "Completed: failed segments") fail; the NVMe table rows carry no '#'.
BOOST_AUTO_TEST_CASE(nvme_self_test_failures_text_and_json) {
    std::string text = test::readData("smartctl-text/nvme-toshiba-kbg30zmv256g-selftest-errlog2597-pre7.4.txt");
    text = replaceOnce(text, " 0   Short             Completed without error                8737            -     -   -    -",
                       " 0   Extended          Completed: failed segments             8737         1234     1   -    -\n"
                       " 1   Short             Completed without error                8700            -     -   -    -");
    auto cs = decode(text);
    const Smart& s = smartOf(cs);
    BOOST_TEST(s.selfTest->lastResult.value_or("") == "Completed: failed segments");
    BOOST_TEST(s.selfTest->failedCount.value_or(-1) == 1);

    auto j = json::parse(test::readData("smartctl-json/nvme-skhynix-bc901-7.4-selftest.json"));
    j["nvme_self_test_log"]["table"][0]["self_test_result"] = {{"value", 5}, {"string", "Fatal or unknown test error"}};
    auto csj = decode(j.dump());
    const Smart& sj = smartOf(csj);
    BOOST_TEST(sj.selfTest->lastResult.value_or("") == "Fatal or unknown test error");
    BOOST_TEST(sj.selfTest->failedCount.value_or(-1) == 1);
}

// smartctl 5.x SCSI output: no section headers, "Device supports SMART and is Enabled", the health
// line among the identity lines and the Seagate/Hitachi factory page's "number of hours powered up"
// (scsiprint.cpp of 5.41). The body below keeps that layout line for line.
BOOST_AUTO_TEST_CASE(smartctl_5x_scsi_layout_without_sections) {
    const std::string text =
        "smartctl 5.41 2011-06-09 r3365 [x86_64-linux-4.1.22-server] (local build)\n"
        "Copyright (C) 2002-11 by Bruce Allen, http://smartmontools.sourceforge.net\n"
        "\n"
        "Vendor:               SEAGATE\n"
        "Product:              ST3300657SS\n"
        "Revision:             0008\n"
        "User Capacity:        300,000,000,000 bytes [300 GB]\n"
        "Logical block size:   512 bytes\n"
        "Logical Unit id:      0x5000c500595382d3\n"
        "Serial number:        6SJ5S9N00000N3038WCB\n"
        "Device type:          disk\n"
        "Transport protocol:   SAS\n"
        "Device supports SMART and is Enabled\n"
        "Temperature Warning Enabled\n"
        "SMART Health Status: FAILURE PREDICTION THRESHOLD EXCEEDED [asc=5d, ascq=0]\n"
        "\n"
        "Current Drive Temperature:     32 C\n"
        "Drive Trip Temperature:        68 C\n"
        "Elements in grown defect list: 2066\n"
        "Vendor (Seagate/Hitachi) factory information\n"
        "  number of hours powered up = 8347.20\n"
        "\n"
        "Error counter log:\n"
        "           Errors Corrected by           Total   Correction     Gigabytes    Total\n"
        "               ECC          rereads/    errors   algorithm      processed    uncorrected\n"
        "           fast | delayed   rewrites  corrected  invocations   [10^9 bytes]  errors\n"
        "read:   817967014     7436         0  817974450   817974452       4260.902           2\n"
        "write:         0        0         2         2          3      16814.009           1\n"
        "\n"
        "No self-tests have been logged\n";
    auto c = decode(text);
    const Smart& s = smartOf(c);
    const Drive& d = c->drives[0];
    BOOST_TEST(c->format == "smartctl-text");
    BOOST_TEST(d.serial.value_or("") == "6SJ5S9N00000N3038WCB");
    BOOST_TEST(d.wwn.value_or("") == "0x5000c500595382d3");
    BOOST_TEST((d.protocol == Protocol::SAS));
    BOOST_TEST((s.passed == std::optional<bool>(false)));
    BOOST_TEST(s.temperatureC.value_or(-1) == 32);
    BOOST_TEST(s.grownDefects.value_or(0) == 2066u);
    BOOST_TEST(s.powerOnHours.value_or(0) == 8347u);
    BOOST_TEST(s.uncorrectedReadErrors.value_or(0) == 2u);
    BOOST_TEST(s.uncorrectedWriteErrors.value_or(0) == 1u);
    BOOST_TEST_REQUIRE(s.selfTest.has_value());
    BOOST_TEST(!s.selfTest->lastResult.has_value());
    BOOST_TEST(s.selfTest->failedCount.value_or(-1) == 0);
    BOOST_TEST((d.health == Health::Critical));
}

// smartctl.cpp under a locale that groups with blanks (Windows, Russian): "Power On Hours: 3 387".
BOOST_AUTO_TEST_CASE(blank_grouped_counts_are_whole_numbers) {
    std::string text = test::readData("smartctl-text/nvme-wd-sn850-wds200t1x0e-swiss-grouping-7.4.txt");
    text = replaceOnce(text, "Power On Hours:                     6\xE2\x80\x99" "433", "Power On Hours:                     6 433");
    text = replaceOnce(text, "Unsafe Shutdowns:                   35", "Unsafe Shutdowns:                   1 035");
    auto cs = decode(text);
    const Smart& s = smartOf(cs);
    BOOST_TEST(s.powerOnHours.value_or(0) == 6433u);
    BOOST_TEST(s.nvme->unsafeShutdowns.value_or(0) == 1035u);
}

// ataprint.cpp prints "PASSED" or "FAILED!"; any other word (a future "UNKNOWN!") is not read as
// either.
BOOST_AUTO_TEST_CASE(overall_health_other_than_passed_or_failed_is_unknown) {
    std::string text = test::readData("smartctl-text/ata-ssd-liteon-lct512l9s-no-temp-6.6.txt");
    text = replaceOnce(text, "test result: PASSED", "test result: UNKNOWN!");
    auto c = decode(text);
    const Smart& s = smartOf(c);
    BOOST_TEST(!s.passed.has_value());
    bool noted = false;
    for (const auto& n : c->notes) noted = noted || n.find("UNKNOWN!") != std::string::npos;
    BOOST_TEST(noted);
}

BOOST_AUTO_TEST_CASE(unknown_json_member_and_info_key_are_counted_not_fatal) {
    auto j = json::parse(test::readData("smartctl-json/nvme-kingston-snv3s-7.3-null-sensor.json"));
    j["nvme_something_of_smartctl_8"] = {{"value", 1}};
    auto c = decode(j.dump());
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->skipped == 1u);
    bool named = false;
    for (const auto& n : c->notes) named = named || n.find("nvme_something_of_smartctl_8") != std::string::npos;
    BOOST_TEST(named);

    std::string text = test::readData("smartctl-text/nvme-twsc-tsc3an1t0-7.5.txt");
    text = replaceOnce(text, "Controller ID:                      0\n", "Controller ID:                      0\nQuantum State:                      entangled\n");
    auto t = decode(text);
    BOOST_TEST_REQUIRE(t.has_value());
    BOOST_TEST(t->skipped == 1u);
}

BOOST_AUTO_TEST_CASE(json_with_a_prompt_before_and_text_after_decodes) {
    const std::string text = test::readData("smartctl-json/nvme-kingston-snv3s-7.3-null-sensor.json");
    auto base = decode(text);
    auto wrapped = decode("root@host:~# smartctl -a --json=c /dev/nvme0\n" + text + "root@host:~# \n");
    BOOST_TEST_REQUIRE(base.has_value());
    BOOST_TEST_REQUIRE(wrapped.has_value(), (wrapped ? "" : wrapped.error().message));
    BOOST_TEST(wrapped->format == "smartctl-json");
    BOOST_TEST(toJson(*wrapped).find("\"serial\": \"50026B768716CACC\"") != std::string::npos);
    BOOST_TEST((wrapped->drives[0].smart->temperatureC == base->drives[0].smart->temperatureC));
}

BOOST_AUTO_TEST_CASE(a_masked_logical_unit_id_is_no_wwn) {
    auto c = decode(test::readData("smartctl-json/scsi-sas-seagate-masked-selftests-7.4.json"));
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(!c->drives[0].wwn.has_value());
}

// nlohmann::json refuses a number beyond a double with out_of_range, not parse_error (found by
// fuzzing decode-nvme-cli-smart-log): still a parse_error naming the place.
BOOST_AUTO_TEST_CASE(a_number_beyond_a_double_is_a_parse_error_with_its_place) {
    for (const char* f : {"smartctl-json", "nvme-cli-smart-log"}) {
        auto r = decode("{\n  \"critical_warning\": 0,\n  \"avail_spare\": 10e310,\n  \"smartctl\": {}\n}\n", f);
        BOOST_TEST_REQUIRE(!r.has_value(), f);
        BOOST_TEST(r.error().is(errc::parse_error), f);
        BOOST_TEST(r.error().message.find("line 3, column 18") == 0u, f << ": " << r.error().message);
    }
}
