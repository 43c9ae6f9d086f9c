// SPDX-License-Identifier: LGPL-2.1-or-later
// From a live array to the model's input; SMART risk table and its JSON input; md speed limits.
#define BOOST_TEST_MODULE rebuild_plan
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include <raidmon/rebuild.hpp>

using namespace raidmon;
namespace fs = std::filesystem;

namespace {

Drive hdd(const std::string& kname, std::uint64_t hours, std::uint64_t realloc = 0, std::uint64_t pending = 0) {
    Drive d;
    d.id = "WDC_" + kname;
    d.kernelName = kname;
    d.capacityBytes = 4000787030016ULL;
    d.media = Media::HDD;
    Smart s;
    s.powerOnHours = hours;
    s.reallocatedSectors = realloc;
    s.pendingSectors = pending;
    s.offlineUncorrectable = 0;
    s.reportedUncorrect = 0;
    d.smart = s;
    return d;
}

Array md5(int n) {
    Array a;
    a.id = "md-x";
    a.name = "md0";
    a.kind = "md";
    a.level = "raid5";
    a.state = "optimal";
    a.raidDisks = n;
    a.metadata = "1.2";
    a.sizeBytes = static_cast<std::uint64_t>(n - 1) * 4000000000000ULL;
    for (int i = 0; i < n; ++i) {
        ArrayMember m;
        m.drive = "WDC_sd" + std::string(1, static_cast<char>('a' + i));
        m.device = "sd" + std::string(1, static_cast<char>('a' + i)) + "1";
        m.role = "active";
        m.slot = i;
        a.members.push_back(m);
    }
    return a;
}

std::vector<Drive> drives(int n) {
    std::vector<Drive> v;
    for (int i = 0; i < n; ++i) v.push_back(hdd("sd" + std::string(1, static_cast<char>('a' + i)), 10000u + 1000u * static_cast<unsigned>(i)));
    return v;
}

} // namespace

BOOST_AUTO_TEST_CASE(live_md_array_with_assumed_failure) {
    auto a = md5(4);
    auto ds = drives(4);
    ds[2] = hdd("sdc", 30000, 8, 3);
    PlanOptions o;
    o.assumeFailed = "WDC_sdb";
    auto in = rebuildInputFromArray(a, ds, o);
    BOOST_TEST_REQUIRE(in.has_value(), (in ? "" : in.error().message));
    BOOST_TEST(in->hypothetical);
    BOOST_TEST(in->members[1].failed);
    BOOST_TEST(in->members[0].capacityBytes == 4e12);  // array size / data members
    BOOST_TEST(in->members[0].ageHours == 10000.0);
    BOOST_TEST(in->members[2].multiplier == 16.0);  // max(reallocated 14, pending 16)
    BOOST_TEST(in->members[2].knownUnreadableSectors == 3u);
    BOOST_TEST(in->members[2].name == "sdc");
    BOOST_TEST((in->policy == SectorErrorPolicy::bad_block_log));
    BOOST_TEST(in->rate.md.has_value());
    auto r = evaluateRebuild(*in);
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST((r->recommendation == Recommendation::replace_risky_member_first));
    BOOST_TEST(r->pUre == 1.0);  // sdc's pending sectors will be read with no redundancy left
}

BOOST_AUTO_TEST_CASE(live_degraded_array_and_running_rebuild) {
    auto a = md5(4);
    a.members[3].role = "rebuilding";
    a.operation = ArrayOperation{"recovery", 40.0, std::nullopt, 100000, std::nullopt, std::nullopt, false};
    auto in = rebuildInputFromArray(a, drives(4), PlanOptions{});
    BOOST_TEST_REQUIRE(in.has_value());
    BOOST_TEST(in->members[3].failed);
    BOOST_TEST(!in->hypothetical);
    BOOST_TEST(in->rebuiltFraction == 0.4);
    BOOST_TEST(*in->rate.deviceBytesPerSecond == 100000.0 * 1024);
    auto r = evaluateRebuild(*in);
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->windowHours == 0.6 * 4e12 / (100000.0 * 1024) / 3600, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(plan_errors) {
    auto a = md5(4);
    PlanOptions o;
    o.assumeFailed = "nope";
    auto in = rebuildInputFromArray(a, drives(4), o);
    BOOST_TEST_REQUIRE(!in.has_value());
    BOOST_TEST(in.error().is(errc::not_found));
    a.level.reset();
    BOOST_TEST(rebuildInputFromArray(a, drives(4), PlanOptions{}).error().is(errc::invalid_argument));
    a.level = "container";
    BOOST_TEST(rebuildInputFromArray(a, drives(4), PlanOptions{}).error().is(errc::unsupported));
    a = md5(4);
    a.sizeBytes.reset();
    auto noSize = rebuildInputFromArray(a, {}, PlanOptions{});
    BOOST_TEST_REQUIRE(!noSize.has_value());
    BOOST_TEST(noSize.error().message.find("capacity") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(controller_defaults) {
    auto a = md5(4);
    a.kind = "megaraid";
    a.metadata.reset();
    auto in = rebuildInputFromArray(a, drives(4), PlanOptions{});
    BOOST_TEST_REQUIRE(in.has_value());
    BOOST_TEST((in->policy == SectorErrorPolicy::puncture));
    BOOST_TEST(*in->rate.controllerShare == 0.30);
    a.kind = "smartarray";
    BOOST_TEST((rebuildInputFromArray(a, drives(4), PlanOptions{})->policy == SectorErrorPolicy::abort));
    a.kind = "md";
    a.metadata = "0.90";
    BOOST_TEST((rebuildInputFromArray(a, drives(4), PlanOptions{})->policy == SectorErrorPolicy::fail_member));
}

BOOST_AUTO_TEST_CASE(smart_risk_table_is_data_with_sources) {
    BOOST_TEST(smartRiskTable().size() >= 10u);
    for (const auto& f : smartRiskTable()) {
        BOOST_TEST(!f.source.empty(), f.signal);
        BOOST_TEST(f.multiplier >= 1.0, f.signal);
    }
    auto unknown = smartRisk(std::nullopt);
    BOOST_TEST(unknown.multiplier == 1.0);
    BOOST_TEST(!unknown.known);
    BOOST_TEST(unknown.reasons.front().find("unknown") != std::string::npos);
    Smart s;
    s.offlineUncorrectable = 2;
    s.reallocatedSectors = 1;
    auto r = smartRisk(s);
    BOOST_TEST(r.multiplier == 39.0);
    BOOST_TEST(r.knownUnreadableSectors == 2u);
    Smart nv;
    nv.nvme = NvmeHealth{};
    nv.nvme->criticalWarning = 0;
    nv.nvme->mediaErrors = 0;
    BOOST_TEST(smartRisk(nv).multiplier == 1.0);
    BOOST_TEST(smartRisk(nv).known);
    nv.nvme->availableSparePct = 5;
    nv.nvme->availableSpareThresholdPct = 10;
    BOOST_TEST(smartRisk(nv).multiplier == 39.0);
    Smart timeouts;
    timeouts.commandTimeouts = 5;  // reported, not weighted
    BOOST_TEST(smartRisk(timeouts).multiplier == 1.0);
    BOOST_TEST(smartRisk(timeouts).reasons.size() == 1u);
}

BOOST_AUTO_TEST_CASE(smart_risk_from_json) {
    BOOST_TEST(smartRiskFromJson(R"({"multiplier": 12.5})")->multiplier == 12.5);
    auto d = smartRiskFromJson(R"({"id":"x","smart":{"pending_sectors":4,"power_on_hours":20000,"passed":true}})");
    BOOST_TEST_REQUIRE(d.has_value());
    BOOST_TEST(d->multiplier == 16.0);
    BOOST_TEST(d->knownUnreadableSectors == 4u);
    BOOST_TEST(*d->powerOnHours == 20000.0);
    auto inv = smartRiskFromJson(R"({"drives":[{"id":"x","smart":null}]})");
    BOOST_TEST(!inv->known);
    BOOST_TEST(smartRiskFromJson("not json").error().is(errc::parse_error));
    BOOST_TEST(smartRiskFromJson(R"({"multiplier": -1})").error().message.find("multiplier") != std::string::npos);
    BOOST_TEST(smartRiskFromJson(R"({"smart":{"pending_sectors":"4"}})").error().message.find("pending_sectors") !=
               std::string::npos);
    BOOST_TEST(smartRiskFromJson(R"({"drives":[]})").error().is(errc::parse_error));
    BOOST_TEST(smartRiskFromJson(R"([1,2])").error().is(errc::parse_error));
}

BOOST_AUTO_TEST_CASE(md_speed_limits_from_proc_and_sysfs) {
    const fs::path root = fs::temp_directory_path() / ("raidmon-limits-" + std::to_string(::getpid()));
    fs::create_directories(root / "proc/sys/dev/raid");
    fs::create_directories(root / "sys/block/md0/md");
    auto write = [](const fs::path& p, const std::string& s) { std::ofstream(p) << s; };
    write(root / "proc/sys/dev/raid/speed_limit_min", "5000\n");
    write(root / "proc/sys/dev/raid/speed_limit_max", "300000\n");
    write(root / "sys/block/md0/md/sync_speed_min", "5000 (system)\n");
    write(root / "sys/block/md0/md/sync_speed_max", "50000 (local)\n");
    Context ctx;
    ctx.paths = Paths::underRoot(root);
    auto l = readMdSpeedLimits(ctx, "md0");
    BOOST_TEST_REQUIRE(l.has_value(), (l ? "" : l.error().message));
    BOOST_TEST(l->minKiBs == 5000.0);
    BOOST_TEST(l->maxKiBs == 50000.0);
    write(root / "proc/sys/dev/raid/speed_limit_max", "fast\n");
    auto bad = readMdSpeedLimits(ctx, "");
    BOOST_TEST_REQUIRE(!bad.has_value());
    BOOST_TEST(bad.error().message.find("speed_limit_max") != std::string::npos);
    fs::remove_all(root);
}
