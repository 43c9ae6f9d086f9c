// SPDX-License-Identifier: LGPL-2.1-or-later
// The local BMC through the OpenIPMI device: a umockdev testbed with /dev/ipmi0 whose ioctl
// handler plays a BMC per IPMI 2.0 (Chassis Identify, Get Chassis Status, Get Channel Info, Get
// LAN Configuration Parameters, Get System Restart Cause, Reserve SEL, Get SEL Entry), real
// IPMICTL_SEND_COMMAND / IPMICTL_RECEIVE_MSG_TRUNC ioctls: the server identify light when ipmitool
// is not installed, the BMC's LAN address, and why the host last restarted.
#define BOOST_TEST_MODULE ipmi_umockdev
#include <boost/test/unit_test.hpp>

#include <umockdev.h>

#include <cstring>
#include <deque>
#include <map>
#include <sys/ioctl.h>

#include <linux/ipmi.h>

#include <raidmon/events.hpp>
#include <raidmon/inventory.hpp>
#include <raidmon/led.hpp>
#include <raidmon/restart.hpp>

#include "sysfs_builder.hpp"

using namespace raidmon;

namespace {

struct LanChannel {
    std::uint8_t medium = 0x04;  ///< 802.3 LAN
    std::vector<std::uint8_t> ip = {0, 0, 0, 0}, mac = {0, 0, 0, 0, 0, 0};
};

struct Bmc {
    int identifyState = 0;  ///< 0 off, 1 timed on, 2 indefinite on
    bool reportsState = true;
    std::map<int, LanChannel> channels;  ///< what Get Channel Info / Get LAN Configuration answer
    bool shortLanAnswer = false;         ///< answer LAN parameters without their data
    std::optional<std::uint8_t> restartCause;         ///< Get System Restart Cause answers it (else C1h)
    std::vector<std::vector<std::uint8_t>> sel;       ///< 16-byte SEL records, in order (ids as in the records)
    std::vector<std::vector<std::uint8_t>> requests;  ///< netfn, cmd, data...
    std::deque<std::pair<long, std::vector<std::uint8_t>>> answers;
};

gboolean onIpmi(UMockdevIoctlBase*, UMockdevIoctlClient* client, gpointer user) {
    auto* b = static_cast<Bmc*>(user);
    const gulong req = umockdev_ioctl_client_get_request(client);
    GError* err = nullptr;
    if (req == IPMICTL_SEND_COMMAND) {
        UMockdevIoctlData* d = umockdev_ioctl_data_resolve(umockdev_ioctl_client_get_arg(client), 0, sizeof(ipmi_req), &err);
        auto* r = reinterpret_cast<ipmi_req*>(d->data);
        std::vector<std::uint8_t> rq = {r->msg.netfn, r->msg.cmd};
        if (r->msg.data_len) {
            UMockdevIoctlData* data = umockdev_ioctl_data_resolve(d, offsetof(ipmi_req, msg) + offsetof(ipmi_msg, data), r->msg.data_len, &err);
            rq.insert(rq.end(), data->data, data->data + r->msg.data_len);
            g_object_unref(data);
        }
        b->requests.push_back(rq);
        if (rq[0] == 0x00 && rq[1] == 0x04 && rq.size() >= 3) {
            b->identifyState = rq.size() >= 4 && (rq[3] & 1) ? 2 : rq[2] ? 1 : 0;
            b->answers.push_back({r->msgid, {0x00}});
        } else if (rq[0] == 0x00 && rq[1] == 0x01) {
            std::uint8_t misc = static_cast<std::uint8_t>((b->reportsState ? 0x40 : 0) | (b->identifyState << 4));
            b->answers.push_back({r->msgid, {0x00, 0x01, 0x00, misc}});
        } else if (rq[0] == 0x06 && rq[1] == 0x42 && rq.size() == 3) {  // Get Channel Info
            auto it = b->channels.find(rq[2]);
            if (it == b->channels.end()) b->answers.push_back({r->msgid, {0xcc}});  // invalid data field
            else b->answers.push_back({r->msgid, {0x00, rq[2], it->second.medium, 0x01, 0x80, 0xf2, 0x1b, 0x00, 0x00, 0x00}});
        } else if (rq[0] == 0x0c && rq[1] == 0x02 && rq.size() == 6) {  // Get LAN Configuration Parameters
            auto it = b->channels.find(rq[2] & 0x0f);
            std::vector<std::uint8_t> a = {0x00, 0x11};
            if (it == b->channels.end()) a = {0xcc};
            else if (b->shortLanAnswer) {
            } else if (rq[3] == 3) a.insert(a.end(), it->second.ip.begin(), it->second.ip.end());
            else if (rq[3] == 5) a.insert(a.end(), it->second.mac.begin(), it->second.mac.end());
            else a = {0x80};  // parameter not supported
            b->answers.push_back({r->msgid, a});
        } else if (rq[0] == 0x00 && rq[1] == 0x07 && b->restartCause) {  // Get System Restart Cause
            b->answers.push_back({r->msgid, {0x00, *b->restartCause, 0x01}});
        } else if (rq[0] == 0x0a && rq[1] == 0x42) {  // Reserve SEL
            b->answers.push_back({r->msgid, {0x00, 0x34, 0x12}});
        } else if (rq[0] == 0x0a && rq[1] == 0x43 && rq.size() == 8) {  // Get SEL Entry (whole record)
            const unsigned want = rq[4] | (rq[5] << 8);
            std::size_t i = 0;
            while (i < b->sel.size() && want != 0x0000 && want != 0xffffu && unsigned(b->sel[i][0] | (b->sel[i][1] << 8)) != want) ++i;
            if (want == 0xffffu && !b->sel.empty()) i = b->sel.size() - 1;
            const bool reserved = rq[2] == 0x34 && rq[3] == 0x12;
            if (!reserved) b->answers.push_back({r->msgid, {0xc5}});  // reservation cancelled or invalid
            else if (i >= b->sel.size()) b->answers.push_back({r->msgid, {0xcb}});  // requested record not present
            else {
                const unsigned next = i + 1 < b->sel.size() ? unsigned(b->sel[i + 1][0] | (b->sel[i + 1][1] << 8)) : 0xffffu;
                std::vector<std::uint8_t> a = {0x00, std::uint8_t(next & 0xff), std::uint8_t(next >> 8)};
                a.insert(a.end(), b->sel[i].begin(), b->sel[i].end());
                b->answers.push_back({r->msgid, a});
            }
        } else {
            b->answers.push_back({r->msgid, {0xc1}});  // invalid command
        }
        umockdev_ioctl_client_complete(client, 0, 0);
        g_object_unref(d);
        return TRUE;
    }
    if (req == IPMICTL_RECEIVE_MSG_TRUNC) {
        if (b->answers.empty()) {
            umockdev_ioctl_client_complete(client, -1, EAGAIN);
            return TRUE;
        }
        UMockdevIoctlData* d = umockdev_ioctl_data_resolve(umockdev_ioctl_client_get_arg(client), 0, sizeof(ipmi_recv), &err);
        auto* rv = reinterpret_cast<ipmi_recv*>(d->data);
        auto [id, bytes] = b->answers.front();
        b->answers.pop_front();
        UMockdevIoctlData* data = umockdev_ioctl_data_resolve(d, offsetof(ipmi_recv, msg) + offsetof(ipmi_msg, data), rv->msg.data_len, &err);
        std::memcpy(data->data, bytes.data(), std::min<std::size_t>(bytes.size(), rv->msg.data_len));
        rv->recv_type = IPMI_RESPONSE_RECV_TYPE;
        rv->msgid = id;
        rv->msg.data_len = static_cast<unsigned short>(bytes.size());
        umockdev_ioctl_client_complete(client, 0, 0);
        g_object_unref(data);
        g_object_unref(d);
        return TRUE;
    }
    return FALSE;
}

/// ipmitool is not installed.
class NoTools final : public CommandRunner {
public:
    Result<CommandOutput> run(std::span<const std::string> argv, std::chrono::milliseconds) override {
        return fail(errc::not_found, (argv.empty() ? std::string("?") : argv[0]) + ": not found in PATH");
    }
};

struct Bed {
    UMockdevTestbed* tb = nullptr;
    UMockdevIoctlBase* handler = nullptr;
    Bmc bmc;
    raidmon::test::SysfsBuilder state;

    Bed() {
        tb = umockdev_testbed_new();
        BOOST_TEST_REQUIRE(umockdev_in_mock_environment(), "not running under umockdev-wrapper: refusing to touch /dev");
        const char* desc = "P: /devices/virtual/ipmi/ipmi0\nN: ipmi0\nE: SUBSYSTEM=ipmi\nE: DEVNAME=/dev/ipmi0\nA: dev=239:0\\n\n";
        GError* err = nullptr;
        BOOST_TEST_REQUIRE(umockdev_testbed_add_from_string(tb, desc, &err), (err ? err->message : ""));
        handler = static_cast<UMockdevIoctlBase*>(g_object_new(UMOCKDEV_TYPE_IOCTL_BASE, nullptr));
        g_signal_connect(handler, "handle-ioctl", G_CALLBACK(onIpmi), &bmc);
        BOOST_TEST_REQUIRE(umockdev_testbed_attach_ioctl(tb, "/dev/ipmi0", handler, &err), (err ? err->message : ""));
    }
    ~Bed() {
        umockdev_testbed_detach_ioctl(tb, "/dev/ipmi0", nullptr);
        g_object_unref(handler);
        g_object_unref(tb);
    }
    Context ctx() const {
        Context c;  // the real paths: under the preload /sys and /dev are the testbed's
        c.deviceIo = DeviceIo::readOnly;
        c.runner = std::make_shared<NoTools>();
        c.clock = makeSystemClock();
        return c;
    }
    LedOptions opts() const {
        LedOptions o;
        o.stateDir = state.root() / "state";
        return o;
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(ipmi, Bed)

BOOST_AUTO_TEST_CASE(identify_on_off_and_timed_through_dev_ipmi0) {
    auto on = setServerIdentify(ctx(), true, opts());
    BOOST_TEST_REQUIRE(on.has_value(), (on ? "" : on.error().message));
    BOOST_TEST(on->empty());
    BOOST_TEST(bmc.identifyState == 2);
    BOOST_REQUIRE(bmc.requests.size() == 2u);
    BOOST_TEST((bmc.requests[0] == std::vector<std::uint8_t>{0x00, 0x04, 0x00, 0x01}));  // force on
    BOOST_TEST((bmc.requests[1] == std::vector<std::uint8_t>{0x00, 0x01}));
    BOOST_TEST(loadLeases(opts().stateDir)->size() == 1u);
    auto off = setServerIdentify(ctx(), false, opts());
    BOOST_TEST_REQUIRE(off.has_value(), (off ? "" : off.error().message));
    BOOST_TEST(bmc.identifyState == 0);
    BOOST_TEST(loadLeases(opts().stateDir)->empty());
    auto o = opts();
    o.duration = std::chrono::seconds(90);
    auto timed = setServerIdentify(ctx(), true, o);
    BOOST_TEST_REQUIRE(timed.has_value(), (timed ? "" : timed.error().message));
    BOOST_TEST((bmc.requests[4] == std::vector<std::uint8_t>{0x00, 0x04, 90, 0x00}));
    BOOST_TEST(bmc.identifyState == 1);
}

BOOST_AUTO_TEST_CASE(a_bmc_that_does_not_report_the_state_is_not_verified) {
    bmc.reportsState = false;
    auto on = setServerIdentify(ctx(), true, opts());
    BOOST_TEST_REQUIRE(on.has_value(), (on ? "" : on.error().message));
    BOOST_REQUIRE(on->size() == 1u);
    BOOST_TEST((*on)[0].find("not verified") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(no_tool_and_device_io_off_is_not_found) {
    Context c = ctx();
    c.deviceIo = DeviceIo::none;
    auto on = setServerIdentify(c, true, opts());
    BOOST_TEST_REQUIRE(!on.has_value());
    BOOST_TEST(on.error().is(errc::not_found));
    BOOST_TEST(bmc.requests.empty());
}

BOOST_AUTO_TEST_CASE(bmc_address_from_the_first_lan_channel) {
    bmc.channels[1] = {0x04, {10, 20, 1, 142}, {0x0c, 0xc4, 0x7a, 0x3e, 0x91, 0x10}};
    bmc.channels[6] = {0x0c, {}, {}};  // system interface, not LAN
    auto b = readBmc(ctx());
    BOOST_TEST_REQUIRE(b.has_value(), (b ? "" : b.error().message));
    BOOST_TEST(b->ip.value_or("") == "10.20.1.142");
    BOOST_TEST(b->mac.value_or("") == "0c:c4:7a:3e:91:10");
    BOOST_TEST(b->channel.value_or(0) == 1);
    // Channel info asked for channel 1 first, then the LAN parameters of channel 1.
    BOOST_REQUIRE(bmc.requests.size() == 3u);
    BOOST_TEST((bmc.requests[0] == std::vector<std::uint8_t>{0x06, 0x42, 0x01}));
    BOOST_TEST((bmc.requests[1] == std::vector<std::uint8_t>{0x0c, 0x02, 0x01, 0x03, 0x00, 0x00}));
    BOOST_TEST((bmc.requests[2] == std::vector<std::uint8_t>{0x0c, 0x02, 0x01, 0x05, 0x00, 0x00}));
}

BOOST_AUTO_TEST_CASE(a_lan_channel_without_an_address_gives_way_to_one_with) {
    // HPE iLO answers on channel 2; here channel 1 is a LAN channel left unconfigured.
    bmc.channels[1] = {0x04, {0, 0, 0, 0}, {0x0c, 0xc4, 0x7a, 0x3e, 0x91, 0x11}};
    bmc.channels[2] = {0x04, {192, 168, 7, 9}, {0x94, 0x40, 0xc9, 0x01, 0x02, 0x03}};
    auto b = readBmc(ctx());
    BOOST_TEST_REQUIRE(b.has_value(), (b ? "" : b.error().message));
    BOOST_TEST(b->ip.value_or("") == "192.168.7.9");
    BOOST_TEST(b->mac.value_or("") == "94:40:c9:01:02:03");
    BOOST_TEST(b->channel.value_or(0) == 2);
}

BOOST_AUTO_TEST_CASE(only_a_mac_is_kept_when_no_channel_has_an_address) {
    bmc.channels[1] = {0x04, {0, 0, 0, 0}, {0x0c, 0xc4, 0x7a, 0x3e, 0x91, 0x12}};
    auto b = readBmc(ctx());
    BOOST_TEST_REQUIRE(b.has_value(), (b ? "" : b.error().message));
    BOOST_TEST(!b->ip.has_value());
    BOOST_TEST(b->mac.value_or("") == "0c:c4:7a:3e:91:12");
    BOOST_TEST(bmc.requests.size() == 1u + 2u + 10u);  // every channel 1..11 asked, LAN parameters of 1
}

BOOST_AUTO_TEST_CASE(no_lan_channel_is_not_found_and_garbage_names_the_parameter) {
    auto none = readBmc(ctx());
    BOOST_TEST_REQUIRE(!none.has_value());
    BOOST_TEST(none.error().is(errc::not_found));
    BOOST_TEST(none.error().message.find("no LAN channel") != std::string::npos, none.error().message);

    bmc.channels[1] = {};
    bmc.shortLanAnswer = true;
    auto bad = readBmc(ctx());
    BOOST_TEST_REQUIRE(!bad.has_value());
    BOOST_TEST(bad.error().is(errc::parse_error));
    BOOST_TEST(bad.error().message.find("/dev/ipmi0: Get LAN Configuration Parameters channel 1 parameter 3") != std::string::npos,
               bad.error().message);
}

BOOST_AUTO_TEST_CASE(device_io_off_asks_nothing) {
    bmc.channels[1] = {0x04, {10, 20, 1, 142}, {0x0c, 0xc4, 0x7a, 0x3e, 0x91, 0x10}};
    Context c = ctx();
    c.deviceIo = DeviceIo::none;
    auto b = readBmc(c);
    BOOST_TEST_REQUIRE(!b.has_value());
    BOOST_TEST(b.error().is(errc::refused));
    BOOST_TEST(bmc.requests.empty());
}

BOOST_AUTO_TEST_CASE(the_bmc_address_travels_in_every_event) {
    bmc.channels[1] = {0x04, {10, 20, 1, 142}, {0x0c, 0xc4, 0x7a, 0x3e, 0x91, 0x10}};
    const HostIdentity id = readHostIdentity(ctx());
    BOOST_TEST(id.host.bmc.ip.value_or("") == "10.20.1.142");
    Event ev;
    ev.type = "io.raidmon.agent.heartbeat";
    ev.subject = "host";
    ev.id = "0f1e2d3c-0000-4000-8000-000000000001";
    const std::string ce = toCloudEvent(ev, id, 1);
    BOOST_TEST(ce.find("\"ip\":\"10.20.1.142\"") != std::string::npos, ce);
    BOOST_TEST(ce.find("\"mac\":\"0c:c4:7a:3e:91:10\"") != std::string::npos, ce);
}

BOOST_AUTO_TEST_CASE(restart_cause_and_the_sel_around_it) {
    // The host came back from a chassis control command (a remote hard reset): table 28-11 code 1.
    bmc.restartCause = 0x01;
    auto c = readRestartCause(ctx());
    BOOST_TEST_REQUIRE(c.has_value(), (c ? "" : c.error().message));
    BOOST_TEST(c->name == "chassis_control");
    BOOST_TEST(c->channel.value_or(0) == 1);
    BOOST_TEST((bmc.requests.back() == std::vector<std::uint8_t>{0x00, 0x07}));
    // The SEL: an OS graceful shutdown long before, then a reset button and the boot it caused.
    bmc.sel = {{0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x60, 0x20, 0x00, 0x04, 0x20, 0x01, 0x6f, 0x03, 0xff, 0xff},
               {0x05, 0x00, 0x02, 0x00, 0x10, 0x00, 0x66, 0x20, 0x00, 0x04, 0x14, 0x02, 0x6f, 0x02, 0xff, 0xff},
               {0x09, 0x00, 0x02, 0x10, 0x10, 0x00, 0x66, 0x20, 0x00, 0x04, 0x1d, 0x03, 0x6f, 0x01, 0xff, 0xff}};
    auto sel = readSel(ctx(), 2);
    BOOST_TEST_REQUIRE(sel.has_value(), (sel ? "" : sel.error().message));
    BOOST_REQUIRE(sel->size() == 2u);  // the newest two
    BOOST_TEST((*sel)[0].recordId == 5);
    BOOST_TEST((*sel)[0].description == "Button/Switch: reset button pressed");
    BOOST_TEST((*sel)[1].description == "System Boot/Restart Initiated: initiated by hard reset");
    // Reserve SEL first, then the records by the reservation, from the first, by "next record ID".
    BOOST_TEST((bmc.requests[bmc.requests.size() - 4] == std::vector<std::uint8_t>{0x0a, 0x42}));
    BOOST_TEST((bmc.requests[bmc.requests.size() - 3] == std::vector<std::uint8_t>{0x0a, 0x43, 0x34, 0x12, 0x00, 0x00, 0x00, 0xff}));
    BOOST_TEST((bmc.requests.back() == std::vector<std::uint8_t>{0x0a, 0x43, 0x34, 0x12, 0x09, 0x00, 0x00, 0xff}));
    const auto boot = std::chrono::system_clock::time_point(std::chrono::seconds(0x66001010));
    BOOST_TEST(selAround(*sel, boot, std::chrono::minutes(15)).size() == 2u);
}

BOOST_AUTO_TEST_CASE(an_empty_sel_and_a_bmc_without_restart_cause) {
    auto sel = readSel(ctx());
    BOOST_TEST_REQUIRE(sel.has_value(), (sel ? "" : sel.error().message));
    BOOST_TEST(sel->empty());
    auto c = readRestartCause(ctx());  // the handler answers C1h, invalid command
    BOOST_TEST_REQUIRE(!c.has_value());
    BOOST_TEST(c.error().is(errc::command_failed));
    BOOST_TEST(c.error().message.find("Get System Restart Cause") != std::string::npos, c.error().message);
    Context off = ctx();
    off.deviceIo = DeviceIo::none;
    const auto before = bmc.requests.size();
    BOOST_TEST(readRestartCause(off).error().is(errc::refused));
    BOOST_TEST(bmc.requests.size() == before);
}

BOOST_AUTO_TEST_SUITE_END()
