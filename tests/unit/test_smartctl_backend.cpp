// SPDX-License-Identifier: LGPL-2.1-or-later
// The smartctl backend against a scripted FakeCommandRunner: command line per drive type, exit-status
// bits, timeout, missing smartctl, garbage output. Outputs are real captures from tests/data.
#define BOOST_TEST_MODULE smartctl_backend
#include <boost/test/unit_test.hpp>

#include <raidmon/smart.hpp>

#include "fake_runner.hpp"
#include "testdata.hpp"

using namespace raidmon;
using namespace std::chrono_literals;

namespace {

struct Fixture {
    std::shared_ptr<test::FakeCommandRunner> runner = std::make_shared<test::FakeCommandRunner>();
    Context ctx;
    Fixture() {
        ctx.runner = runner;
        ctx.deviceIo = DeviceIo::none;  // the native path must never touch a node here
    }
    ~Fixture() { BOOST_TEST(runner->done(), "scripted commands were not run"); }
};

Drive sataDrive() {
    Drive d;
    d.id = "sda-test";
    d.devnode = "/dev/sda";
    d.protocol = Protocol::SATA;
    return d;
}

CommandOutput out(int status, std::string stdoutText, std::string stderrText = {}) {
    return CommandOutput{status, std::move(stdoutText), std::move(stderrText)};
}

} // namespace

BOOST_FIXTURE_TEST_CASE(failing_drive_exit_bits_are_honoured, Fixture) {
    runner->expect({"smartctl", "-x", "-j", "-d", "sat", "/dev/sda"},
                   out(216, test::readData("smartctl-json/hitachi-hds721050dle630-usbjmicron-FAILED.json")), 60s);
    auto r = readSmartWithSmartctl(ctx, sataDrive());
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().message));
    BOOST_TEST(toString(r->health) == "Critical");
    BOOST_TEST(r->failurePredicted.value_or(false));
    BOOST_TEST(r->smart->smartctlExitStatus.value_or(0) == 216);
    BOOST_TEST(r->id == "sda-test");  // the inventory's identity is kept
    BOOST_TEST(r->serial.value_or("") == "MSK423Y20S3HBC");  // filled from smartctl
}

BOOST_FIXTURE_TEST_CASE(exit_bit_3_alone_means_failing, Fixture) {
    // smartctl -H only: no smart_status member survives in some outputs; bit 3 still says FAILING
    const std::string json = R"({"json_format_version":[1,0],"smartctl":{"exit_status":8},
        "device":{"name":"/dev/sda","type":"sat","protocol":"ATA"},"model_name":"M","serial_number":"S",
        "power_on_time":{"hours":5}})";
    runner->expect({"smartctl", "-x", "-j", "-d", "sat", "/dev/sda"}, out(8, json));
    auto r = readSmartWithSmartctl(ctx, sataDrive());
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(toString(r->health) == "Critical");
}

BOOST_FIXTURE_TEST_CASE(error_log_bit_is_informational, Fixture) {
    runner->expect({"smartctl", "-x", "-j", "-d", "sat", "/dev/sda"},
                   out(64, test::readData("smartctl-json/ata-hdd-seagate-st3200820as-errlog98.json")));
    auto r = readSmartWithSmartctl(ctx, sataDrive());
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(toString(r->health) == "OK");
    BOOST_TEST_REQUIRE(r->risk.has_value());
    BOOST_TEST(!r->risk->reasons.empty());
}

BOOST_FIXTURE_TEST_CASE(open_failure_is_command_failed_with_smartctls_message, Fixture) {
    runner->expect({"smartctl", "-x", "-j", "-d", "sat", "/dev/sda"},
                   out(2, test::readData("smartctl-json/error-open-failed-windows.json")));
    auto r = readSmartWithSmartctl(ctx, sataDrive());
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().is(errc::command_failed));
    BOOST_TEST(r.error().message.find("Open failed") != std::string::npos, r.error().message);
}

BOOST_FIXTURE_TEST_CASE(timeout_and_missing_tool, Fixture) {
    runner->expect({"smartctl", "-x", "-j", "-d", "sat", "/dev/sda"}, fail(errc::command_timeout, "killed"), 5s);
    runner->expect({"smartctl", "-x", "-j", "-d", "sat", "/dev/sda"}, fail(errc::not_found, "smartctl: not found"));
    SmartOptions o;
    o.timeout = 5s;
    auto r = readSmartWithSmartctl(ctx, sataDrive(), o);
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().is(errc::command_timeout));
    auto m = readSmartWithSmartctl(ctx, sataDrive());
    BOOST_TEST_REQUIRE(!m.has_value());
    BOOST_TEST(m.error().is(errc::not_found));
    BOOST_TEST(m.error().message.find("smartmontools") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(garbage_output_is_a_parse_error, Fixture) {
    runner->expect({"smartctl", "-x", "-j", "-d", "sat", "/dev/sda"}, out(0, "Segmentation fault\n\x01\x02"));
    runner->expect({"smartctl", "-x", "-j", "-d", "sat", "/dev/sda"},
                   out(0, test::readData("smartctl-json/ata-hdd-wd140edfz-a.json").substr(0, 5000)));
    auto r = readSmartWithSmartctl(ctx, sataDrive());
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().is(errc::parse_error));
    auto t = readSmartWithSmartctl(ctx, sataDrive());
    BOOST_TEST_REQUIRE(!t.has_value());
    BOOST_TEST(t.error().is(errc::parse_error));
    BOOST_TEST(t.error().message.find("line ") != std::string::npos, t.error().message);
}

BOOST_FIXTURE_TEST_CASE(device_types_follow_the_drive, Fixture) {
    Drive mr = sataDrive();
    mr.location.megaraidDid = 0;
    Drive nv;
    nv.id = "nvme-test";
    nv.devnode = "/dev/nvme0";
    nv.protocol = Protocol::NVMe;
    Drive sas = sataDrive();
    sas.protocol = Protocol::SAS;
    BOOST_TEST(smartctlDeviceType(mr) == "megaraid,0");
    BOOST_TEST(smartctlDeviceType(nv) == "nvme");
    BOOST_TEST(smartctlDeviceType(sas) == "scsi");
    // automatic: a MegaRAID drive goes straight to smartctl (no native path reaches it)
    runner->expect({"smartctl", "-x", "-j", "-d", "megaraid,0", "/dev/sda"},
                   out(4, test::readData("smartctl-json/megaraid0-wd4000fyyx-sat.json")));
    auto r = readSmart(ctx, mr);
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().message));
    BOOST_TEST(toString(r->health) == "OK");
    // automatic on NVMe with device I/O off: native is refused, smartctl is used
    runner->expect({"smartctl", "-x", "-j", "-d", "nvme", "/dev/nvme0"},
                   out(0, test::readData("smartctl-json/nvme-samsung-970evoplus.json")));
    auto n = readSmart(ctx, nv);
    BOOST_TEST_REQUIRE(n.has_value(), (n ? "" : n.error().message));
    BOOST_TEST(n->smart->nvme.has_value());
    // explicit type, validated
    SmartOptions bad;
    bad.deviceType = "sat; rm -rf /";
    auto b = readSmartWithSmartctl(ctx, sataDrive(), bad);
    BOOST_TEST_REQUIRE(!b.has_value());
    BOOST_TEST(b.error().is(errc::invalid_argument));
}
