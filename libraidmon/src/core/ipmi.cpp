// SPDX-License-Identifier: LGPL-2.1-or-later
#include "core/ipmi.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/ioctl.h>

#include <linux/ipmi.h>

#include "core/strutil.hpp"

namespace raidmon::detail {

IpmiNode ipmiNode(const Context& ctx) {
    return {(ctx.paths.dev / "ipmi0").string(), ctx.paths.sys / "class" / "ipmi" / "ipmi0"};
}

Result<Fd> openIpmi(const Context& ctx) {
    const IpmiNode n = ipmiNode(ctx);
    return openDeviceNode(ctx, n.devnode, n.sysDir, NodeKind::character);
}

Result<std::vector<std::uint8_t>> ipmiRequest(int fd, const std::string& what, IpmiNetFn netfn, std::uint8_t cmd,
                                              std::vector<std::uint8_t> data, std::chrono::milliseconds timeout) {
    // Message ids only have to tell our answers apart from late ones of an earlier request.
    static std::atomic<long> nextId{1};
    const long msgid = nextId++;
    ipmi_system_interface_addr si{};
    si.addr_type = IPMI_SYSTEM_INTERFACE_ADDR_TYPE;
    si.channel = IPMI_BMC_CHANNEL;
    ipmi_req req{};
    req.addr = reinterpret_cast<unsigned char*>(&si);
    req.addr_len = sizeof si;
    req.msgid = msgid;
    req.msg.netfn = static_cast<unsigned char>(netfn);
    req.msg.cmd = cmd;
    req.msg.data_len = static_cast<unsigned short>(data.size());
    req.msg.data = data.empty() ? nullptr : data.data();
    if (::ioctl(fd, IPMICTL_SEND_COMMAND, &req) != 0) return fail(fromErrno(errno), what + ": send: " + std::strerror(errno));
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        // IPMI_MAX_MSG_LENGTH (272) is the largest message the driver passes on.
        std::array<std::uint8_t, IPMI_MAX_MSG_LENGTH> buf{};
        ipmi_addr from{};
        ipmi_recv rv{};
        rv.addr = reinterpret_cast<unsigned char*>(&from);
        rv.addr_len = sizeof from;
        rv.msg.data = buf.data();
        rv.msg.data_len = buf.size();
        if (::ioctl(fd, IPMICTL_RECEIVE_MSG_TRUNC, &rv) == 0) {
            if (rv.recv_type != IPMI_RESPONSE_RECV_TYPE || rv.msgid != msgid) continue;  // not our answer
            if (rv.msg.data_len < 1) return fail(errc::parse_error, what + ": empty response");
            if (buf[0] != 0) return fail(errc::command_failed, what + ": completion code 0x" + hex(buf.data(), 1));
            return std::vector<std::uint8_t>(buf.begin(), buf.begin() + std::min<std::size_t>(rv.msg.data_len, buf.size()));
        }
        if (errno != EAGAIN && errno != EINTR)
            return fail(fromErrno(errno), what + ": receive: " + std::strerror(errno));
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return fail(errc::command_timeout, what + ": no answer from the BMC");
        pollfd p{fd, POLLIN, 0};
        ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 100)));
    }
}

} // namespace raidmon::detail
