// SPDX-License-Identifier: LGPL-2.1-or-later
// The grammar of ssacli, cciss_vol_status and arcconf (docs/decoders.md) beyond what the real
// captures in tests/data show: every state and task word the grammar lists maps to the model, a
// word it does not list is kept and makes health Unknown, vendor RAID level names are normalised.
// Inputs are built here, line by line in each tool's layout.
#define BOOST_TEST_MODULE ctl_smartarray_adaptec
#include <string>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <raidmon/decode.hpp>

#include "ctl/common.hpp"

using namespace raidmon;
namespace bdata = boost::unit_test::data;

namespace {

Capture must(Result<Capture> r) {
    BOOST_TEST_REQUIRE(r.has_value(), (r ? std::string() : r.error().message));
    return *r;
}

std::string ssacliLd(const std::string& status, const std::string& extra = "") {
    return "Smart Array P410i in Slot 0 (Embedded)\n\n   array A\n\n      logicaldrive 1 (838.1 GB, RAID 5, " + status + ")\n" +
           extra;
}

struct LdCase {
    std::string status, state, op;
    double percent;  // < 0: none
    bool delayed;
};
std::ostream& operator<<(std::ostream& os, const LdCase& c) { return os << c.status; }

const LdCase kSsacliLd[] = {
    {"OK", "optimal", "", -1, false},
    {"Interim Recovery Mode", "degraded", "", -1, false},
    {"Ready for Rebuild", "degraded", "", -1, false},
    {"Recovering, 45% complete", "rebuilding", "rebuild", 45, false},
    {"Rebuilding", "rebuilding", "rebuild", -1, false},
    {"Failed", "failed", "", -1, false},
    {"Wrong Drive Replaced", "failed", "", -1, false},
    {"Loose Cable Detected", "failed", "", -1, false},
    {"Transforming, 25.37% complete", "reshaping", "reshape", 25.37, false},
    {"Expanding, 5% complete", "reshaping", "reshape", 5, false},
    {"Queued for Expansion", "reshaping", "reshape", -1, true},
    {"Moving, 10% complete", "reshaping", "reshape", 10, false},
    {"Parity Initializing", "resyncing", "resync", -1, false},
    {"Not Yet Available", "inactive", "", -1, false},
    {"Erase In Progress", "inactive", "", -1, false},
};

} // namespace

BOOST_DATA_TEST_CASE(ssacli_logical_drive_status_words, bdata::make(kSsacliLd), c) {
    auto cap = must(decode(ssacliLd(c.status), "ssacli"));
    BOOST_TEST_REQUIRE(cap.arrays.size() == 1u);
    const auto& a = cap.arrays[0];
    BOOST_TEST(a.state == c.state);
    BOOST_TEST(a.arrayState.value() == c.status);
    if (c.op.empty()) {
        BOOST_TEST(!a.operation.has_value());
    } else {
        BOOST_TEST_REQUIRE(a.operation.has_value());
        BOOST_TEST(a.operation->kind == c.op);
        BOOST_TEST(a.operation->delayed == c.delayed);
        if (c.percent < 0) BOOST_TEST(!a.operation->percent.has_value());
        else BOOST_TEST(a.operation->percent.value() == c.percent, boost::test_tools::tolerance(1e-9));
    }
    BOOST_TEST((a.health != Health::Unknown));
}

BOOST_AUTO_TEST_CASE(ssacli_unknown_words_are_kept_and_unknown) {
    auto cap = must(decode(ssacliLd("Frobnicated"), "ssacli"));
    BOOST_TEST(cap.arrays[0].state == "unknown");
    BOOST_TEST(cap.arrays[0].arrayState.value() == "Frobnicated");
    BOOST_TEST((cap.arrays[0].health == Health::Unknown));
    auto pd = must(decode("Smart Array P410i in Slot 0\n   array A\n      physicaldrive 1I:1:1 (port 1I:box 1:bay 1, SAS, 300 GB, Glowing)\n",
                          "ssacli"));
    BOOST_TEST_REQUIRE(pd.drives.size() == 1u);
    BOOST_TEST(!pd.drives[0].state.has_value());
    BOOST_TEST(pd.drives[0].controllerView->state.value() == "Glowing");
    BOOST_TEST((pd.drives[0].health == Health::Unknown));
}

BOOST_AUTO_TEST_CASE(ssacli_parity_initialisation_in_detail) {
    const std::string text =
        "Smart Array P822 in Slot 2\n   Controller Status: OK\n   Firmware Version: 4.68\n\n   Array: A\n      Status: OK\n\n"
        "      Logical Drive: 1\n         Size: 100.0 GB\n         Fault Tolerance: 5\n         Status: OK\n"
        "         Parity Initialization Status: Queued\n";
    auto cap = must(decode(text, "ssacli"));
    BOOST_TEST(cap.arrays[0].state == "resyncing");
    BOOST_TEST(cap.arrays[0].operation->kind == "resync");
    BOOST_TEST(cap.arrays[0].operation->delayed);
    BOOST_TEST(cap.controllers[0].firmware.value() == "4.68");
}

// `ctrl all show config`: a spare shared by two arrays is listed under each; one drive, a spare
// member of both logical drives, never a data member.
BOOST_AUTO_TEST_CASE(ssacli_shared_spare_is_one_drive) {
    const std::string text =
        "Smart Array P410i in Slot 0 (Embedded)    (sn: 5001438011FC7E30)\n\n"
        "   array A (SAS, Unused Space: 0  MB)\n\n"
        "      logicaldrive 1 (136.7 GB, RAID 1, OK)\n\n"
        "      physicaldrive 1I:1:1 (port 1I:box 1:bay 1, SAS, 146 GB, OK)\n"
        "      physicaldrive 1I:1:2 (port 1I:box 1:bay 2, SAS, 146 GB, OK)\n"
        "      physicaldrive 1I:1:4 (port 1I:box 1:bay 4, SAS, 146 GB, OK, spare)\n\n"
        "   array B (SAS, Unused Space: 0  MB)\n\n"
        "      logicaldrive 2 (136.7 GB, RAID 1, OK)\n\n"
        "      physicaldrive 1I:1:3 (port 1I:box 1:bay 3, SAS, 146 GB, Failed)\n"
        "      physicaldrive 2I:1:5 (port 2I:box 1:bay 5, SAS, 146 GB, Rebuilding)\n"
        "      physicaldrive 1I:1:4 (port 1I:box 1:bay 4, SAS, 146 GB, OK, spare)\n\n"
        "   SEP (Vendor ID PMCSIERA, Model  SRC 8x6G) 250 (WWID: 5001438011FC7E3F)\n";
    auto cap = must(decode(text, "ssacli"));
    BOOST_TEST(cap.controllers[0].serial.value() == "5001438011FC7E30");
    BOOST_TEST(cap.drives.size() == 5u);
    for (const auto& a : cap.arrays) {
        BOOST_TEST(a.raidDisks.value() == 2);
        BOOST_TEST(a.members.size() == 3u);
        BOOST_TEST(a.members.back().role == "spare");
    }
    BOOST_TEST(cap.arrays[1].members[0].role == "faulty");
    BOOST_TEST(cap.arrays[1].members[1].role == "rebuilding");
    int spares = 0;
    for (const auto& d : cap.drives) spares += d.state == DriveState::spare;
    BOOST_TEST(spares == 1);
}

BOOST_AUTO_TEST_CASE(ssacli_sections_it_does_not_read_keep_their_firmware) {
    const std::string text =
        "Smart Array P440ar in Slot 0 (Embedded)\n   Firmware Version: 3.56-0\n   Controller Temperature (C): 47\n\n"
        "   Expander 250\n      Device Number: 250\n      Firmware Version: 1.12\n\n"
        "   SEP (Vendor ID PMCSIERA, Model SRCv24x6G) 380\n      Firmware Version: RevB\n";
    auto cap = must(decode(text, "ssacli"));
    BOOST_TEST(cap.controllers[0].firmware.value() == "3.56-0");
    BOOST_TEST(cap.controllers[0].temperatureC.value() == 47);
    BOOST_TEST(cap.skipped == 2u);  // the two sections, each counted once
}

struct TaskCase {
    std::string op, kind, state;
};
std::ostream& operator<<(std::ostream& os, const TaskCase& c) { return os << c.op; }

const TaskCase kArcconfTasks[] = {
    {"Rebuild", "rebuild", "rebuilding"},
    {"Build/Verify", "build-verify", "checking"},
    {"Build/Verify with fix", "build-verify", "checking"},
    {"Verify", "check", "checking"},
    {"Verify with fix", "repair", "checking"},
    {"Clear", "resync", "resyncing"},
    {"Initialize", "resync", "resyncing"},
    {"Expand", "reshape", "reshaping"},
    {"Migrate", "reshape", "reshaping"},
    {"Copyback", "copyback", "optimal"},
};

BOOST_DATA_TEST_CASE(arcconf_tasks, bdata::make(kArcconfTasks), c) {
    const std::string text = "Controllers found: 1\nLogical device Task:\n   Logical device                 : 2\n"
                             "   Task ID                        : 101\n   Current operation              : " +
                             c.op + "\n   Status                         : In Progress\n"
                                    "   Percentage complete            : 37\n\nCommand completed successfully.\n";
    auto cap = must(decode(text, "arcconf"));
    BOOST_TEST_REQUIRE(cap.arrays.size() == 1u);
    BOOST_TEST(cap.arrays[0].id == "adaptec:c1/ld2");
    BOOST_TEST(cap.arrays[0].operation->kind == c.kind);
    BOOST_TEST(cap.arrays[0].operation->percent.value() == 37.0);
    BOOST_TEST(cap.arrays[0].state == c.state);
}

BOOST_AUTO_TEST_CASE(arcconf_unknown_task_and_state_words) {
    auto t = must(decode("Controllers found: 1\nLogical Device Task:\n   Logical Device : 0\n   Current operation : Defragment\n"
                         "   Percentage complete : 3\n\nCommand completed successfully.\n",
                         "arcconf"));
    BOOST_TEST(t.arrays[0].operation->kind == "Defragment");
    BOOST_TEST(t.arrays[0].state == "unknown");
    BOOST_TEST((t.arrays[0].health == Health::Unknown));
}

BOOST_AUTO_TEST_CASE(arcconf_truncated_names_the_last_part) {
    auto r = decode("Controllers found: 1\n----------------------------------------------------------------------\n"
                    "Physical Device information\n----------------------------------------------------------------------\n"
                    "      Device #0\n         Device is a Hard drive\n         State : Online\n",
                    "arcconf");
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().message.find("'Device #0'") != std::string::npos, r.error().message);
}

BOOST_AUTO_TEST_CASE(cciss_volume_states) {
    const std::pair<const char*, const char*> cases[] = {
        {"Currently recovering", "rebuilding"},      {"Using interim recovery mode", "degraded"},
        {"FAILED", "failed"},                        {"Wrong physical drive was replaced", "failed"},
        {"Currently expanding", "reshaping"},        {"Queued for expansion", "reshaping"},
        {"Not yet available", "inactive"},           {"Hardware is overheating", "degraded"},
        {"Predictive spare activation in progress", "optimal"},
    };
    for (const auto& [word, state] : cases) {
        auto cap = must(decode("/dev/cciss/c0d0: (Smart Array P400) RAID 5 Volume 0 status: " + std::string(word) + ". \n",
                               "cciss_vol_status"));
        BOOST_TEST(cap.arrays[0].state == state, word);
        BOOST_TEST(cap.arrays[0].arrayState.value() == word);
    }
}

BOOST_AUTO_TEST_CASE(vendor_level_names) {
    using detail::ctl::normalizeLevel;
    const std::pair<const char*, const char*> cases[] = {
        {"6 Reed-Solomon", "raid6"}, {"RAID 6 (ADG)", "raid6"}, {"ADG", "raid6"},       {"RAID 1 (ADM)", "raid1"},
        {"1 Triple", "raid1"},       {"10 Triple", "raid10"},   {"RAID 1(1+0)", "raid10"}, {"RAID 1+0 (ADM)", "raid10"},
        {"Simple_volume", "jbod"},   {"Spanned_volume", "linear"}, {"RAID 50", "raid50"}, {"60", "raid60"},
        {"1E", "raid1e"},            {"RAID 5EE", "raid5ee"},   {"1+0", "raid10"},        {"5+0", "raid50"},
    };
    for (const auto& [vendor, level] : cases) BOOST_TEST(normalizeLevel(vendor).value() == level, vendor);
}
