// SPDX-License-Identifier: LGPL-2.1-or-later
// The BMC's LAN address, read in-band from the local BMC (OpenIPMI /dev/ipmi0): the panel reaches
// a server's remote console by it, so it belongs to the host's identity. IPMI 2.0: Get Channel
// Info (NetFn App 06h, cmd 42h; medium type 04h is 802.3 LAN), Get LAN Configuration Parameters
// (NetFn Transport 0Ch, cmd 02h; parameter 3 IP address, 4 its source, 5 MAC address).
#include <raidmon/inventory.hpp>

#include <cstdio>

#include "core/ipmi.hpp"
#include "core/sysfs.hpp"

namespace raidmon {

namespace {

using detail::IpmiNetFn;

constexpr std::uint8_t kGetChannelInfo = 0x42;
constexpr std::uint8_t kGetLanConfig = 0x02;
constexpr std::uint8_t kMedium8023Lan = 0x04;
constexpr std::uint8_t kLanParamIp = 3, kLanParamMac = 5;
/// Channel numbers 1..0Bh can be LAN channels (0 is the primary IPMB, 0Eh "this channel").
constexpr std::uint8_t kLastChannel = 0x0b;
/// One BMC command answers in milliseconds over KCS; a BMC that does not answer one in 2 s is
/// not waited for 12 more times.
constexpr std::chrono::milliseconds kBmcQueryTimeout{2000};

/// Parameter `param` of LAN channel `ch`; the data after completion code and revision.
Result<std::vector<std::uint8_t>> lanParam(int fd, const std::string& node, std::uint8_t ch, std::uint8_t param,
                                           std::size_t need) {
    const std::string what = node + ": Get LAN Configuration Parameters channel " + std::to_string(ch) + " parameter " +
                             std::to_string(param);
    auto r = detail::ipmiRequest(fd, what, IpmiNetFn::transport, kGetLanConfig, {ch, param, 0x00, 0x00}, kBmcQueryTimeout);
    if (!r) return r;
    if (r->size() < 2 + need)
        return fail(errc::parse_error, what + ": " + std::to_string(r->size()) + " bytes, expected " + std::to_string(2 + need));
    return std::vector<std::uint8_t>(r->begin() + 2, r->begin() + 2 + static_cast<std::ptrdiff_t>(need));
}

} // namespace

Result<Bmc> readBmc(const Context& ctx) {
    const auto node = detail::ipmiNode(ctx);
    if (!detail::pathExists(node.sysDir)) return fail(errc::not_found, node.sysDir.string() + ": no BMC interface (ipmi_si, ipmi_devintf)");
    auto fd = detail::openIpmi(ctx);
    if (!fd) return tl::unexpected(fd.error());
    Bmc found;
    std::optional<Error> firstError;
    for (std::uint8_t ch = 1; ch <= kLastChannel; ++ch) {
        auto info = detail::ipmiRequest(fd->get(), node.devnode + ": Get Channel Info channel " + std::to_string(ch), IpmiNetFn::app,
                                        kGetChannelInfo, {ch}, kBmcQueryTimeout);
        if (!info) {
            // Channels that do not exist answer with a completion code (CCh, invalid data field).
            if (info.error().is(errc::command_failed)) continue;
            return tl::unexpected(info.error());  // no answer, or the driver refused: stop asking
        }
        if (info->size() < 3 || ((*info)[2] & 0x7f) != kMedium8023Lan) continue;
        auto ip = lanParam(fd->get(), node.devnode, ch, kLanParamIp, 4);
        auto mac = lanParam(fd->get(), node.devnode, ch, kLanParamMac, 6);
        if (!ip && !firstError) firstError = ip.error();
        if (!mac && !firstError) firstError = mac.error();
        Bmc b;
        if (ip && ((*ip)[0] | (*ip)[1] | (*ip)[2] | (*ip)[3]) != 0) {
            char buf[16];
            std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", (*ip)[0], (*ip)[1], (*ip)[2], (*ip)[3]);
            b.ip = buf;
        }
        if (mac && ((*mac)[0] | (*mac)[1] | (*mac)[2] | (*mac)[3] | (*mac)[4] | (*mac)[5]) != 0) {
            char buf[18];
            std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", (*mac)[0], (*mac)[1], (*mac)[2], (*mac)[3], (*mac)[4],
                          (*mac)[5]);
            b.mac = buf;
        }
        b.channel = ch;
        // The first LAN channel with an address wins (ipmitool's "lan print" takes the first LAN
        // channel); a channel with only a MAC is kept until one with an address is found.
        if (b.ip) return b;
        if (!found.channel && b.mac) found = b;
    }
    if (found.channel) return found;
    if (firstError) return tl::unexpected(*firstError);
    return fail(errc::not_found, node.devnode + ": the BMC reports no LAN channel with an IPv4 address");
}

} // namespace raidmon
