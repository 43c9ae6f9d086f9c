// SPDX-License-Identifier: LGPL-2.1-or-later
// /proc/mdstat and mdadm --detail/--examine by their grammar (docs/decoders.md): the forms the real
// captures in tests/data do not show, written here from md.c's and mdadm's printf formats, and the
// range checks on every number a float became (issue 9: finish=-1min gave an ETA of 2^64-59 s).
#define BOOST_TEST_MODULE md_decoders
#include <cmath>
#include <limits>

#include <boost/test/unit_test.hpp>

#include <raidmon/decode.hpp>
#include <raidmon/mdstat.hpp>

#include "core/strutil.hpp"
#include "print.hpp"
#include "testdata.hpp"

using namespace raidmon;

namespace {

Capture ok(std::string_view text, std::string_view format) {
    auto c = decode(text, format);
    BOOST_TEST_REQUIRE(c.has_value(), (c ? std::string() : c.error().message));
    return *c;
}

const Array& only(const Capture& c) {
    BOOST_TEST_REQUIRE(c.arrays.size() == 1u);
    return c.arrays.front();
}

const ArrayMember* member(const Array& a, std::string_view dev) {
    for (const auto& m : a.members)
        if (m.device == dev) return &m;
    return nullptr;
}

std::string mdstatWithProgress(std::string_view progress) {
    return "Personalities : [raid1]\n"
           "md0 : active raid1 sdb1[1] sda1[0]\n"
           "      976630464 blocks super 1.2 [2/1] [U_]\n"
           "      [====>...........]  " +
           std::string(progress) + "\n\nunused devices: <none>\n";
}

} // namespace

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(float_to_integer)

BOOST_AUTO_TEST_CASE(round_to_integral_refuses_what_a_cast_would_garble) {
    using detail::roundToIntegral;
    BOOST_TEST(roundToIntegral<std::uint64_t>(1020.4).value() == 1020u);
    BOOST_TEST(roundToIntegral<std::uint64_t>(0.0).value() == 0u);
    BOOST_TEST(!roundToIntegral<std::uint64_t>(-60.0));
    BOOST_TEST(!roundToIntegral<std::uint64_t>(-0.6));
    BOOST_TEST(!roundToIntegral<std::uint64_t>(std::numeric_limits<double>::quiet_NaN()));
    BOOST_TEST(!roundToIntegral<std::uint64_t>(std::numeric_limits<double>::infinity()));
    BOOST_TEST(!roundToIntegral<std::uint64_t>(18446744073709551616.0));  // 2^64
    BOOST_TEST(roundToIntegral<std::uint64_t>(9007199254740992.0).value() == 9007199254740992u);
    BOOST_TEST(roundToIntegral<int>(-2147483648.0).value() == std::numeric_limits<int>::min());
    BOOST_TEST(!roundToIntegral<int>(2147483648.0));
    BOOST_TEST(!roundToIntegral<int>(1e300));
    BOOST_TEST(roundToIntegral<int>(-1.4).value() == -1);
}

// finish=-1min, NaN or absurd finish/speed are unknown (null), never a huge number.
BOOST_AUTO_TEST_CASE(negative_finish_and_speed_are_unknown) {
    auto c = ok(mdstatWithProgress("recovery = 22.4% (218830208/976630464) finish=-1min speed=-5K/sec"), "mdstat");
    const auto& op = only(c).operation.value();
    BOOST_TEST(op.kind == "recovery");
    BOOST_TEST(op.percent.value() == 22.4, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(!op.etaSeconds.has_value());
    BOOST_TEST(!op.speedKiBs.has_value());
    BOOST_TEST(op.done.value() == 2u * 218830208u);
    bool noted = false;
    for (const auto& n : c.notes) noted = noted || n.find("finish=") != std::string::npos;
    BOOST_TEST(noted, "a note names the finish= value read as unknown");
    // The JSON says null, not 18446744073709551557.
    auto j = toJson(c, -1);
    BOOST_TEST(j.find("\"eta_seconds\":null") != std::string::npos);
    BOOST_TEST(j.find("18446744073709551557") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(nan_infinite_and_absurd_finish_are_unknown) {
    for (std::string_view finish : {"finish=nanmin", "finish=infmin", "finish=1e300min", "finish=99999999999min", "finish=-0.5min",
                                    "finish=min", "finish=12.5"}) {
        auto c = ok(mdstatWithProgress("recovery =  8.5% (1/2) " + std::string(finish) + " speed=1000K/sec"), "mdstat");
        BOOST_TEST(!only(c).operation->etaSeconds.has_value(), finish);
        BOOST_TEST(only(c).operation->speedKiBs.value() == 1000u, finish);
    }
    auto fine = ok(mdstatWithProgress("recovery =  8.5% (1/2) finish=1420.1min speed=13810K/sec"), "mdstat");
    BOOST_TEST(only(fine).operation->etaSeconds.value() == 85206u);  // 1420.1 min
}

BOOST_AUTO_TEST_CASE(absurd_speed_percent_and_progress_are_unknown) {
    auto c = ok(mdstatWithProgress("resync = 150.0% (9/2) finish=1.0min speed=99999999999999999999K/sec"), "mdstat");
    const auto& op = only(c).operation.value();
    BOOST_TEST(!op.percent.has_value());  // above 100
    BOOST_TEST(!op.done.has_value());     // done > total
    BOOST_TEST(!op.total.has_value());
    BOOST_TEST(!op.speedKiBs.has_value());  // does not fit, and beyond any md array
    BOOST_TEST(op.etaSeconds.value() == 60u);
    auto c2 = ok(mdstatWithProgress("resync = -3.0% (1/2) finish=1.0min speed=70000000K/sec"), "mdstat");
    BOOST_TEST(!only(c2).operation->percent.has_value());
    BOOST_TEST(!only(c2).operation->speedKiBs.has_value());  // 70 GB/s: not an md resync
}

BOOST_AUTO_TEST_CASE(the_fuzzer_regression_input_decodes_with_unknowns) {
    auto c = ok(test::readData(std::string(RAIDMON_TEST_DATA) + "/../fuzz/regressions/decode-mdstat/negative-finish"), "mdstat");
    BOOST_TEST(!only(c).operation->etaSeconds.has_value());
    BOOST_TEST(!only(c).operation->speedKiBs.has_value());
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(mdstat_grammar)

BOOST_AUTO_TEST_CASE(kernel_2_4_layout) {
    // 2.4 kernels: a read_ahead line, "recovery=12% finish=..." without spaces.
    auto c = ok("Personalities : [raid1]\nread_ahead 1024 sectors\n"
                "md0 : active raid1 hdc1[1] hda1[0]\n      104320 blocks [2/1] [U_]\n"
                "      [==>..................]  recovery=12% finish=3.5min\n"
                "unused devices: <none>\n",
                "mdstat");
    const auto& a = only(c);
    BOOST_TEST(a.state == "rebuilding");
    BOOST_TEST(a.operation->percent.value() == 12.0);
    BOOST_TEST(a.operation->etaSeconds.value() == 210u);
    BOOST_TEST(c.skipped == 0u);
}

BOOST_AUTO_TEST_CASE(raid10_copies_decide_the_redundancy) {
    auto c = ok("Personalities : [raid10]\n"
                "md0 : active raid10 sdd1[3] sdc1[2] sdb1[1] sda1[0]\n"
                "      1953262592 blocks super 1.2 512K chunks 2 near-copies [4/3] [UU_U]\n\n"
                "md1 : active raid10 sdh1[3] sdg1[2] sdf1[1] sde1[0]\n"
                "      1953262592 blocks super 1.2 512K chunks 3 far-copies [4/4] [UUUU]\n",
                "mdstat");
    BOOST_TEST(c.arrays[0].state == "degraded");
    BOOST_TEST(c.arrays[0].redundancyLeft.value() == 0);
    BOOST_TEST(c.arrays[0].health == Health::Critical);
    BOOST_TEST(c.arrays[1].redundancyLeft.value() == 2);
}

BOOST_AUTO_TEST_CASE(flags_journal_write_mostly_replacement_and_unknown) {
    auto c = ok("Personalities : [raid1] [raid5]\n"
                "md0 : active raid5 nvme0n1[3](J) sdc1[2](W) sdb1[1] sda1[0] sdd1[4](R) sde1[5](X)\n"
                "      2000000 blocks super 1.2 level 5, 512k chunk, algorithm 2 [3/3] [UUU]\n"
                "      some line a later kernel prints\n",
                "mdstat");
    const auto& a = only(c);
    BOOST_TEST(member(a, "nvme0n1")->role == "active");
    BOOST_TEST(member(a, "nvme0n1")->flags.front() == "journal");
    BOOST_TEST(member(a, "sdc1")->flags.front() == "write_mostly");
    BOOST_TEST(member(a, "sdd1")->role == "replacement");
    BOOST_TEST(member(a, "sde1")->flags.front() == "(X)");
    BOOST_TEST(c.skipped == 2u);  // the unknown flag and the unknown line
    BOOST_TEST(a.state == "optimal");
}

BOOST_AUTO_TEST_CASE(read_only_words_follow_sysfs) {
    auto c = ok("Personalities : [raid1]\nmd0 : active (read-only) raid1 sdb1[1] sda1[0]\n      100 blocks [2/2] [UU]\n"
                "md1 : active (auto-read-only) raid1 sdd1[1] sdc1[0]\n      100 blocks [2/2] [UU]\n",
                "mdstat");
    BOOST_TEST(c.arrays[0].arrayState.value() == "readonly");
    BOOST_TEST(c.arrays[1].arrayState.value() == "read-auto");
    BOOST_TEST(c.arrays[1].health == Health::OK);
}

BOOST_AUTO_TEST_CASE(banner_and_crlf_and_missing_trailer) {
    auto c = ok("Warning: something\r\n\r\nPersonalities : [raid1]\r\nmd0 : active raid1 sdb1[1] sda1[0]\r\n      100 blocks [2/2] [UU]\r\n",
                "mdstat");
    BOOST_TEST(only(c).state == "optimal");
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(mdadm_detail_grammar)

// An IMSM member volume that did not start (Detail.c: no Raid Level without a running array,
// "Container : ..., member N", "removed" rows for the slots, then the devices with "-" numbers).
constexpr std::string_view kNotStarted = R"(/dev/md125:
         Container : /dev/md/imsm0, member 0
      Raid Devices : 4
     Total Devices : 3

             State : active, FAILED, Not Started 
    Active Devices : 3
   Working Devices : 3
    Failed Devices : 0
     Spare Devices : 0

Consistency Policy : unknown


              UUID : 11111111:22222222:33333333:44444444
    Number   Major   Minor   RaidDevice State
       -       0        0        0      removed
       -       0        0        1      removed
       -       0        0        2      removed
       -       0        0        3      removed

       -       8       32        0      sync   /dev/sdc
       -       8        0        1      sync   /dev/sda
       -       8       48        3      sync   /dev/sdd
)";

BOOST_AUTO_TEST_CASE(failed_not_started_imsm_member) {
    auto c = ok(kNotStarted, "mdadm-detail");
    const auto& a = only(c);
    BOOST_TEST(a.state == "failed");
    BOOST_TEST(a.health == Health::Critical);
    BOOST_TEST(a.metadata.value() == "external:/dev/md/imsm0, member 0");
    BOOST_TEST(a.uuid.value() == "11111111:22222222:33333333:44444444");
    BOOST_TEST(member(a, "sdc")->slot.value() == 0);
    BOOST_TEST(member(a, "sdd")->role == "active");
    auto detected = detectFormat(kNotStarted);
    BOOST_TEST(detected.value() == "mdadm-detail");
}

BOOST_AUTO_TEST_CASE(delayed_resync_and_two_arrays_in_one_capture) {
    const std::string one = "/dev/md0:\n           Version : 1.2\n        Raid Level : raid1\n        Array Size : 1024 (1.00 MiB 1.05 MB)\n"
                            "      Raid Devices : 2\n     Total Devices : 2\n             State : clean, resyncing (DELAYED) \n"
                            "    Active Devices : 2\n              UUID : aaaaaaaa:bbbbbbbb:cccccccc:dddddddd\n"
                            "    Number   Major   Minor   RaidDevice State\n       0       8        1        0      active sync   /dev/sda1\n"
                            "       1       8       17        1      active sync   /dev/sdb1\n";
    const std::string two = "/dev/md1:\n           Version : 1.2\n        Raid Level : raid6\n      Raid Devices : 4\n     Total Devices : 4\n"
                            "             State : clean, frobnicating \n    Active Devices : 4\n"
                            "    Number   Major   Minor   RaidDevice State\n"
                            "       0       8        2        0      active sync set-A   /dev/sda2\n"
                            "       1       8       18        1      active sync set-B   /dev/sdb2\n"
                            "       2       8       34        2      active sync   /dev/sdc2\n"
                            "       3       8       50        3      active sync   missing\n";
    auto c = ok("mdadm: a warning printed first\n" + one + "\n" + two, "mdadm-detail");
    BOOST_TEST_REQUIRE(c.arrays.size() == 2u);
    BOOST_TEST(c.arrays[0].operation->kind == "resync");
    BOOST_TEST(c.arrays[0].operation->delayed);
    BOOST_TEST(!c.arrays[0].operation->percent.has_value());
    BOOST_TEST(c.arrays[0].state == "optimal");
    // An unknown state word is reported, never OK.
    BOOST_TEST(c.arrays[1].health == Health::Unknown);
    BOOST_TEST(c.arrays[1].arrayState.value() == "clean");
}

BOOST_AUTO_TEST_CASE(truncated_member_table_is_refused) {
    auto text = test::readData("mdadm/mdadm-detail-raid5-homehost.txt");
    auto r = decode(text.substr(0, text.rfind("       3     254")), "mdadm-detail");
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().message.find("truncated") != std::string::npos);
    auto r2 = decode(text.substr(0, text.find("    Number")), "mdadm-detail");
    BOOST_REQUIRE(!r2.has_value());
    BOOST_TEST(r2.error().message.find("no member table") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(mdadm_examine_grammar)

BOOST_AUTO_TEST_CASE(v090_with_a_failed_member) {
    // super0.c examine_super0: "this" row, then one row per disk; a failed slot "faulty removed".
    auto c = ok("/dev/sdb1:\n          Magic : a92b4efc\n        Version : 0.90.00\n           UUID : 01234567:89abcdef:01234567:89abcdef\n"
                "     Raid Level : raid5\n     Array Size : 2000 (1.95 MiB 2.05 MB)\n   Raid Devices : 3\n  Total Devices : 2\n"
                "Preferred Minor : 3\n          State : clean\n       Checksum : 1234 - expected 5678\n\n"
                "      Number   Major   Minor   RaidDevice State\nthis     1       8       17        1      active sync   /dev/sdb1\n\n"
                "   0     0       8        1        0      active sync   /dev/sda1\n"
                "   1     1       8       17        1      active sync   /dev/sdb1\n"
                "   2     2       0        0        2      faulty removed\n",
                "mdadm-examine");
    const auto& a = only(c);
    BOOST_TEST(a.name == "md3");
    BOOST_TEST(a.state == "degraded");
    BOOST_TEST(a.activeDisks.value() == 2);
    BOOST_TEST(member(a, "sdb1")->slot.value() == 1);
    BOOST_TEST(a.health == Health::Critical);  // raid5 with a slot gone: no redundancy left
    bool checksum = false;
    for (const auto& r : a.reasons) checksum = checksum || r.find("checksum") != std::string::npos;
    BOOST_TEST(checksum);
}

BOOST_AUTO_TEST_CASE(several_members_of_one_array_are_one_array) {
    auto one = test::readData("mdadm/mdadm-examine-raid1-faulty.txt");             // vda1, slot 0, "A."
    auto two = test::readData("mdadm/mdadm-examine-raid1-active-device-1-clean.txt");  // vda2, slot 1, "AA"
    auto c = ok(one + two, "mdadm-examine");
    const auto& a = only(c);
    BOOST_TEST(member(a, "vda1")->slot.value() == 0);
    BOOST_TEST(member(a, "vda2")->slot.value() == 1);
}

// super-intel.c examine_super_imsm / print_imsm_dev / print_imsm_disk.
constexpr std::string_view kImsm = R"(/dev/sdb:
          Magic : Intel Raid ISM Cfg Sig.
        Version : 1.3.00
    Orig Family : 0a0b0c0d
         Family : 0a0b0c0d
     Generation : 00000042
     Attributes : All supported
           UUID : aaaaaaaa:bbbbbbbb:cccccccc:dddddddd
       Checksum : 01020304 correct
    MPB Sectors : 2
          Disks : 3
   RAID Devices : 2

  Disk01 Serial : SERIAL-B
          State : active
             Id : 00000001
    Usable Size : 1953518848 (931.51 GiB 1000.20 GB)

[Volume0]:
       Subarray : 0
           UUID : 11111111:22222222:33333333:44444444
     RAID Level : 5
        Members : 3
          Slots : [UU_]
    Failed disk : 2
      This Slot : 1
    Sector Size : 512
     Array Size : 2000000 (976.56 MiB 1024.00 MB)
   Per Dev Size : 1000000 (488.28 MiB 512.00 MB)
  Sector Offset : 0
    Num Stripes : 3906
     Chunk Size : 128 KiB
       Reserved : 0
  Migrate State : rebuild
      Map State : degraded <-- degraded
     Checkpoint : 12 (768)
    Dirty State : clean
     RWH Policy : off
      Volume ID : 1

[Volume1]:
       Subarray : 1
           UUID : 55555555:66666666:77777777:88888888
     RAID Level : 1
        Members : 2
          Slots : [UU]
    Failed disk : none
      This Slot : ?
    Sector Size : 512
     Array Size : 4000 (1.95 MiB 2.05 MB)
  Migrate State : idle
      Map State : failed
    Dirty State : dirty

  Disk00 Serial : SERIAL-A
          State : active
             Id : 00000000
    Usable Size : 1953518848 (931.51 GiB 1000.20 GB)

  Disk02 Serial : SERIAL-C:0
          State : active failed
             Id : ffffffff
    Usable Size : 1953518848 (931.51 GiB 1000.20 GB)
)";

BOOST_AUTO_TEST_CASE(imsm_container_and_volumes) {
    auto c = ok(kImsm, "mdadm-examine");
    BOOST_TEST_REQUIRE(c.arrays.size() == 3u);
    const auto& cont = c.arrays[0];
    BOOST_TEST(cont.level.value() == "container");
    BOOST_TEST(cont.state == "inactive");
    BOOST_TEST(cont.members.size() == 3u);
    BOOST_TEST(member(cont, "sdb") != nullptr);
    const auto& v0 = c.arrays[1];
    BOOST_TEST(v0.name == "Volume0");
    BOOST_TEST(v0.level.value() == "raid5");
    BOOST_TEST(v0.uuid.value() == "11111111:22222222:33333333:44444444");
    BOOST_TEST(v0.sizeBytes.value() == 2000000u * 512u);
    BOOST_TEST(v0.state == "rebuilding");
    BOOST_TEST(v0.operation->kind == "recovery");
    BOOST_TEST(member(v0, "sdb")->slot.value() == 1);
    const auto& v1 = c.arrays[2];
    BOOST_TEST(v1.state == "failed");
    BOOST_TEST(v1.health == Health::Critical);
    BOOST_TEST(detectFormat(kImsm).value() == "mdadm-examine");
}

BOOST_AUTO_TEST_CASE(imsm_truncated_before_its_volumes_is_refused) {
    auto r = decode(kImsm.substr(0, kImsm.find("[Volume0]")), "mdadm-examine");
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().message.find("truncated") != std::string::npos);
}

// super-ddf.c examine_super_ddf / examine_vds / examine_pds.
constexpr std::string_view kDdf = R"(/dev/sda:
          Magic : de11de11
        Version : 01.02.00
Controller GUID : 4C696E75:782D4D44:20202020:2020206D:61636869:6E653031
                  (Linux-MD machine01)
 Container GUID : 4C696E75:782D4D44:DEADBEEF:00000000:502D04BE:255CF1BB
                  (Linux-MD 08/16/22 16:33:34)
            Seq : 0000000e
  Redundant hdr : yes
  Virtual Disks : 2

      VD GUID[0] : 4C696E75:782D4D44:DEADBEEF:00000000:502D04C9:4B1E7E44
                  (Linux-MD 08/16/22 16:33:45)
         unit[0] : 0
        state[0] : Degraded, Consistent
   init state[0] : Fully Initialised
       access[0] : Read/Write
         Name[0] : vol0
 Raid Devices[0] : 2 (0 1)
   Chunk Size[0] : 128 sectors
   Raid Level[0] : RAID1
  Device Size[0] : 102400
   Array Size[0] : 102400

      VD GUID[1] : 4C696E75:782D4D44:DEADBEEF:00000000:502D04D0:1E0E4F3C
                  (Linux-MD 08/16/22 16:33:52)
         unit[1] : 1
        state[1] : Optimal, Consistent
   init state[1] : Fully Initialised
       access[1] : Read/Write
         Name[1] : vol1
 Raid Devices[1] : 2 (0 1)
   Raid Level[1] : RAID0
  Device Size[1] : 51200
   Array Size[1] : 102400

 Physical Disks : 2
      Number    RefNo      Size       Device      Type/State
         0    1b8a8e3a    1952383K /dev/sda        active/Online
         1    2c9b9f4b    1952383K                 active/Offline, Failed
)";

BOOST_AUTO_TEST_CASE(ddf_container_and_virtual_disks) {
    auto c = ok(kDdf, "mdadm-examine");
    BOOST_TEST_REQUIRE(c.arrays.size() == 3u);
    BOOST_TEST(c.arrays[0].level.value() == "container");
    BOOST_TEST(member(c.arrays[0], "sda")->role == "active");
    BOOST_TEST(c.arrays[0].members[1].role == "faulty");
    BOOST_TEST(c.arrays[1].name == "vol0");
    BOOST_TEST(c.arrays[1].level.value() == "raid1");
    BOOST_TEST(c.arrays[1].state == "degraded");
    BOOST_TEST(c.arrays[1].sizeBytes.value() == 102400u * 1024u);
    BOOST_TEST(c.arrays[2].level.value() == "raid0");
    BOOST_TEST(c.arrays[2].state == "optimal");
}

BOOST_AUTO_TEST_CASE(unknown_magic_is_skipped_not_guessed) {
    auto c = ok(test::readData("mdadm/mdadm-examine-raid1-spare-role.txt") + "/dev/sdz1:\n          Magic : 12345678\n", "mdadm-examine");
    BOOST_TEST(c.arrays.size() == 1u);
    BOOST_TEST(c.skipped == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
