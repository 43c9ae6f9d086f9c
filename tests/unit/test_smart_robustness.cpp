// SPDX-License-Identifier: LGPL-2.1-or-later
// Untrusted input: every prefix of real captures and random bytes through the SMART decoders and
// the binary page decoders. Nothing may crash; a truncated capture must be a parse_error naming the
// place, or (where the cut is invisible, e.g. after a complete section) a smaller valid result.
#define BOOST_TEST_MODULE smart_robustness
#include <boost/test/unit_test.hpp>

#include <random>
#include <string>
#include <vector>

#include <raidmon/decode.hpp>

#include "smart/pages.hpp"
#include "testdata.hpp"

using namespace raidmon;

namespace {

/// One capture of each shape: ATA JSON with self-test and error logs, SCSI JSON, NVMe JSON, nvme-cli object
/// shape, ATA/NVMe/SAS text.
const char* const kCaptures[][2] = {
    {"smartctl-json/ata-hdd-wd140edfz-a.json", "smartctl-json"},
    {"smartctl-json/scsi-seagate-st1200mm0088-sas.json", "smartctl-json"},
    {"smartctl-json/nvme-samsung-970evoplus.json", "smartctl-json"},
    {"nvme-cli/nvme-smart-log-v2.11-critwarn-object.json", "nvme-cli-smart-log"},
    {"smartctl-text/ata-hdd-wdc-wd10ealx-FAILED-realloc730-pending75.txt", "smartctl-text"},
    {"smartctl-text/nvme-samsung-970evoplus-FAILED-cw0x0d-readonly.txt", "smartctl-text"},
    {"smartctl-text/sas-ssd-samsung-mzilt7t6hala-x.txt", "smartctl-text"},
};

} // namespace

BOOST_AUTO_TEST_CASE(every_prefix_of_every_shape_is_an_error_or_a_result) {
    for (const auto& [file, format] : kCaptures) {
        const std::string text = test::readData(file);
        std::size_t errors = 0;
        for (std::size_t n = 0; n < text.size(); ++n) {
            auto r = decode(std::string_view(text).substr(0, n), format);
            if (!r) {
                ++errors;
                BOOST_TEST_REQUIRE(r.error().is(errc::parse_error), file << " prefix " << n << ": " << r.error().message);
                const auto& m = r.error().message;
                // one line, naming a place
                BOOST_TEST_REQUIRE(m.find('\n') == std::string::npos);
                BOOST_TEST_REQUIRE((m.find("line ") != std::string::npos || m.find("field ") != std::string::npos),
                                   file << " prefix " << n << ": " << m);
            }
        }
        // JSON: every prefix that cuts into the document (not just its trailing newline) is broken
        const auto docEnd = text.find_last_not_of(" \t\r\n") + 1;
        if (std::string_view(format) != "smartctl-text") BOOST_TEST(errors == docEnd, file);
        else BOOST_TEST(errors > 0u, file);
    }
}

BOOST_AUTO_TEST_CASE(truncated_json_names_line_and_column) {
    const std::string text = test::readData("smartctl-json/ata-hdd-wd140edfz-a.json");
    auto r = decode(std::string_view(text).substr(0, text.size() / 2));
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().message.find("line ") == 0u, r.error().message);
    BOOST_TEST(r.error().message.find("truncated") != std::string::npos, r.error().message);
}

BOOST_AUTO_TEST_CASE(wrong_field_type_names_the_field) {
    std::string text = test::readData("smartctl-json/ata-hdd-wd140edfz-a.json");
    // the raw value of the 4th attribute row becomes a string
    auto pos = text.find("\"raw\"");
    for (int i = 0; i < 3; ++i) pos = text.find("\"raw\"", pos + 1);
    auto v = text.find("\"value\":", pos);
    auto end = text.find_first_of(",}", v);
    text.replace(v, end - v, "\"value\": \"lots\"");
    auto r = decode(text, "smartctl-json");
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().message.find("field ata_smart_attributes.table[3].raw.value") == 0u, r.error().message);
}

BOOST_AUTO_TEST_CASE(future_json_format_is_refused) {
    auto r = decode(R"({"json_format_version": [2, 0], "smartctl": {"exit_status": 0}, "device": {"name": "/dev/sda"}})",
                    "smartctl-json");
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().message.find("json_format_version") != std::string::npos, r.error().message);
}

BOOST_AUTO_TEST_CASE(malformed_attribute_row_names_the_line) {
    std::string text = test::readData("smartctl-text/ata-hdd-hgst-hdn721010ale604-healthy.txt");
    auto pos = text.find("  5 Reallocated_Sector_Ct");
    BOOST_TEST_REQUIRE(pos != std::string::npos);
    text.insert(text.find('\n', pos), "\n  7 Seek_Error_Rate  PO");
    auto r = decode(text, "smartctl-text");
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().message.find("line ") == 0u, r.error().message);
    BOOST_TEST(r.error().message.find("attribute row") != std::string::npos, r.error().message);
}

BOOST_AUTO_TEST_CASE(random_bytes_never_crash) {
    std::mt19937 rng(20240611);  // fixed seed: failures reproduce
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_int_distribution<std::size_t> len(0, 3000);
    const char* formats[] = {"auto", "smartctl-json", "smartctl-text", "nvme-cli-smart-log"};
    for (int i = 0; i < 400; ++i) {
        std::string junk(len(rng), '\0');
        for (auto& c : junk) c = static_cast<char>(byte(rng));
        // half of them look like the start of a capture, so the decoders get past detection
        if (i % 4 == 1) junk = "{\"json_format_version\":[1,0],\"smartctl\":{" + junk;
        if (i % 4 == 2) junk = "smartctl 7.3 2022-02-28 r5338\n=== START OF INFORMATION SECTION ===\n" + junk;
        for (const char* f : formats) {
            auto r = decode(junk, f);
            if (!r) BOOST_TEST((r.error().is(errc::parse_error) || r.error().is(errc::invalid_argument)));
        }
        std::vector<std::uint8_t> bytes(junk.begin(), junk.end());
        Smart s;
        (void)detail::pages::nvmeSmartLog(bytes);
        (void)detail::pages::nvmeIdentifyController(bytes);
        (void)detail::pages::scsiTemperature(bytes, s);
        (void)detail::pages::scsiErrorCounter(bytes, s);
        (void)detail::pages::scsiSelfTests(bytes, s);
        (void)detail::pages::scsiInformationalExceptions(bytes, s);
        (void)detail::pages::scsiSolidStateMedia(bytes, s);
        (void)detail::pages::scsiBackgroundScan(bytes, s);
        (void)detail::pages::scsiGrownDefects(bytes, s);
        (void)detail::pages::ataSmartData(bytes, std::nullopt, s);
        (void)detail::pages::ataIdentify(bytes);
    }
}

BOOST_AUTO_TEST_CASE(text_lines_of_garbage_values_are_not_read_as_zero) {
    const std::string text =
        "smartctl 7.3 2022-02-28 r5338 [x86_64-linux] (local build)\n"
        "=== START OF INFORMATION SECTION ===\n"
        "Model Number:                       X\n"
        "=== START OF SMART DATA SECTION ===\n"
        "SMART/Health Information (NVMe Log 0x02)\n"
        "Critical Warning:                   0x00\n"
        "Media and Data Integrity Errors:    lots\n";
    auto r = decode(text, "smartctl-text");
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(!r->drives[0].smart->nvme->mediaErrors.has_value());
    BOOST_TEST(!r->drives[0].smart->powerOnHours.has_value());
}
