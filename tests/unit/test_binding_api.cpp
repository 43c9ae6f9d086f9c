// SPDX-License-Identifier: LGPL-2.1-or-later
// The library calls the CLI and the bindings share: predict/plan settings as text (predict.hpp),
// lease durations and the locate JSON (led.hpp), --since and the pollable event watch
// (agent_client.hpp).
#define BOOST_TEST_MODULE binding_api
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <raidmon/agent_client.hpp>
#include <raidmon/led.hpp>
#include <raidmon/predict.hpp>
#include <raidmon/removal.hpp>

#include "temp_dir.hpp"

using namespace raidmon;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(predict_request_by_name) {
    PredictRequest r;
    BOOST_TEST(r.set("level", "raid10").has_value());
    BOOST_TEST(r.set("drives", "4").has_value());
    BOOST_TEST(r.set("capacity", "3TB").has_value());
    BOOST_TEST(r.set("failed", "2").has_value());
    BOOST_TEST(r.set("ure_model", "calibrated").has_value());  // '_' for '-'
    BOOST_TEST(r.model.ureModel == "calibrated");
    BOOST_TEST(r.set("multiplier", "1=3").has_value());
    BOOST_TEST(r.set("multiplier", "2=4").has_value());
    BOOST_TEST(r.multipliers.size() == 2u);
    auto bad = r.set("colour", "blue");
    BOOST_TEST(bad.error().is(errc::invalid_argument));
    BOOST_TEST(bad.error().message == "predict: 'colour': no such setting");
    // Two failures of a 4-member RAID10 fall in different mirrors: the array survives.
    auto in = buildPredictInput(r);
    BOOST_TEST_REQUIRE(in.has_value(), in.error().message);
    BOOST_TEST((in->ureModel == UreModel::calibrated));
    std::vector<bool> failed;
    for (const auto& m : in->members) failed.push_back(m.failed);
    BOOST_TEST(*redundancyLeft(in->layout, failed) == 0);
    BOOST_TEST(in->members[2].multiplier == 4.0);
}

BOOST_AUTO_TEST_CASE(predict_errors_name_the_flag) {
    PredictRequest r;
    BOOST_TEST(buildPredictInput(r).error().message.rfind("--level: required", 0) == 0);
    r.level = "raid5";
    r.drives = "four";
    r.capacity = "1TB";
    BOOST_TEST(buildPredictInput(r).error().message == "--drives: 'four': not a whole number");
    r.drives = "4";
    r.model.ure = "2";
    BOOST_TEST(buildPredictInput(r).error().message == "--ure: a rate per bit must be below 1");
    r.model.ure.clear();
    r.smartFiles = {"1=/nonexistent/smart.json"};
    BOOST_TEST(buildPredictInput(r).error().is(errc::not_found));
}

BOOST_AUTO_TEST_CASE(plan_request_and_settings) {
    PlanRequest p;
    BOOST_TEST(p.set("assume-failed", "sdc").has_value());
    BOOST_TEST(p.set("speed_limit_min", "1000KiB/s").has_value());
    BOOST_TEST(p.set("level", "raid5").error().is(errc::invalid_argument));
    auto v = parseModelSettings(p.model);
    BOOST_TEST_REQUIRE(v.has_value());
    BOOST_TEST(*v->speedMinKiBs == 1000.0);
    p.model.controllerShare = "30%";
    BOOST_TEST(parseModelSettings(p.model).error().message.rfind("--controller-share:", 0) == 0);
}

BOOST_AUTO_TEST_CASE(plan_of_a_capture_without_a_host) {
    Inventory inv;
    Array a;
    a.id = "md-1";
    a.name = "md0";
    a.kind = "md";
    a.level = "raid1";
    a.state = "optimal";
    a.raidDisks = 2;
    a.sizeBytes = 1000000000000ull;
    for (int i = 0; i < 2; ++i) a.members.push_back(ArrayMember{std::nullopt, "sd" + std::string(1, char('a' + i)), "active", i, {}, {}});
    inv.arrays.push_back(a);
    PlanRequest req;
    req.array = "md0";
    std::vector<std::string> warnings;
    auto r = planRebuild(nullptr, inv, req, warnings);
    BOOST_TEST_REQUIRE(r.has_value(), r.error().message);
    BOOST_TEST((r->recommendation == Recommendation::not_degraded));
    BOOST_TEST(warnings.size() == 1u);
    req.array = "md9";
    BOOST_TEST(planRebuild(nullptr, inv, req, warnings).error().is(errc::not_found));
}

BOOST_AUTO_TEST_CASE(lease_durations) {
    BOOST_TEST(parseLeaseDuration("90s")->count() == 90);
    BOOST_TEST(parseLeaseDuration("2h")->count() == 7200);
    BOOST_TEST(parseLeaseDuration("0s").error().is(errc::invalid_argument));
    BOOST_TEST(parseLeaseDuration("40d").error().message == "40d: must be more than 0 s and at most 31 d");
    BOOST_TEST(parseLeaseDuration("30").error().is(errc::invalid_argument));  // no unit
}

BOOST_AUTO_TEST_CASE(led_change_json) {
    LedChange c;
    c.bay.enclosure = "0x5003048017b0f07f";
    c.bay.slot = 3;
    c.bay.label = "Slot03";
    c.bay.notes = {"bay note"};
    c.pattern = LedPattern::locate;
    c.backend = "ses-sysfs";
    c.verified = true;
    c.notes = {"change note"};
    auto j = nlohmann::json::parse(toJson(c, -1));
    BOOST_TEST(j["slot"] == 3);
    BOOST_TEST(j["drive"].is_null());
    BOOST_TEST(j["expires_at"].is_null());
    BOOST_TEST(j["pattern"] == "locate");
    BOOST_TEST(j["notes"].size() == 2u);
}

BOOST_AUTO_TEST_CASE(since_forms) {
    const auto now = std::chrono::system_clock::from_time_t(1'800'000'000);
    BOOST_TEST(*parseEventSince("42", now)->afterSeq == 42u);
    BOOST_TEST(!parseEventSince("", now)->afterSeq);
    BOOST_TEST((*parseEventSince("10m", now)->since == now - 600s));
    BOOST_TEST((*parseEventSince("2026-11-25T02:20:00Z", now)->since == std::chrono::system_clock::from_time_t(1795573200)));
    BOOST_TEST(parseEventSince("yesterday", now).error().is(errc::invalid_argument));
    BOOST_TEST(parseEventSince("99999999999999999999", now).error().is(errc::invalid_argument));
    BOOST_TEST(parseEventSince("5w", now).error().is(errc::invalid_argument));
}

BOOST_AUTO_TEST_CASE(event_watch_is_pollable) {
    raidmon::test::TempDir t;
    const auto path = t.path / "raidmond.sock";
    int srv = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path.c_str());
    BOOST_TEST_REQUIRE(::bind(srv, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0);
    BOOST_TEST_REQUIRE(::listen(srv, 1) == 0);
    std::string request;
    std::thread agent([&] {  // a stand-in agent: answers WATCH, sends two events in pieces, closes
        int c = ::accept(srv, nullptr, nullptr);
        char buf[64];
        const ssize_t n = ::read(c, buf, sizeof buf);
        request.assign(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
        const std::string part1 = "OK\n{\"type\":\"a\"}\n{\"ty", part2 = "pe\":\"b\"}\n";
        (void)!::write(c, part1.data(), part1.size());
        std::this_thread::sleep_for(50ms);
        (void)!::write(c, part2.data(), part2.size());
        std::this_thread::sleep_for(50ms);
        ::close(c);
    });
    auto w = EventWatch::open(path);
    BOOST_TEST_REQUIRE(w.has_value(), w.error().message);
    BOOST_TEST((*w)->fd() >= 0);
    auto first = (*w)->wait(5s);
    BOOST_TEST_REQUIRE(first.has_value(), first.error().message);
    BOOST_TEST(**first == "{\"type\":\"a\"}");
    auto second = (*w)->wait(5s);
    BOOST_TEST_REQUIRE(second.has_value());
    BOOST_TEST(**second == "{\"type\":\"b\"}");
    auto closed = (*w)->wait(5s);
    BOOST_TEST(closed.error().is(errc::io_error));
    BOOST_TEST(closed.error().message.find("closed the connection") != std::string::npos);
    agent.join();
    ::close(srv);
    BOOST_TEST(request == "WATCH\n");
    BOOST_TEST(EventWatch::open(t.path / "none.sock").error().is(errc::io_error));
}
