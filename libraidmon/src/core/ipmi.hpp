// SPDX-License-Identifier: LGPL-2.1-or-later
// One request to the local BMC through the OpenIPMI driver (/dev/ipmi0, ipmi_devintf): the
// server identify light (NetFn Chassis) and the BMC's own LAN address (NetFn App, Transport).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <raidmon/context.hpp>
#include <raidmon/error.hpp>

#include "core/devnode.hpp"

namespace raidmon::detail {

/// A busy BMC behind KCS/SSIF answers within seconds; ipmitool waits about as long.
inline constexpr std::chrono::seconds kIpmiTimeout{15};

/// IPMI 2.0 network functions used here (table 5-1).
enum class IpmiNetFn : std::uint8_t { chassis = 0x00, app = 0x06, storage = 0x0a, transport = 0x0c };

/// The OpenIPMI device node and its sysfs directory (/dev/ipmi0, /sys/class/ipmi/ipmi0).
struct IpmiNode {
    std::string devnode;
    std::filesystem::path sysDir;
};
IpmiNode ipmiNode(const Context& ctx);

/// Open the local BMC's device through openDeviceNode() (device I/O policy, node check).
Result<Fd> openIpmi(const Context& ctx);

/// Send one request to the BMC (system interface address, BMC channel) and wait for its answer,
/// at most `timeout`. Returns the response data, the completion code first. A non-zero completion
/// code is `command_failed` naming it; no answer in time is `command_timeout`. `what` names the
/// request in errors ("/dev/ipmi0: Get LAN Configuration Parameters channel 1 parameter 3").
Result<std::vector<std::uint8_t>> ipmiRequest(int fd, const std::string& what, IpmiNetFn netfn, std::uint8_t cmd,
                                              std::vector<std::uint8_t> data,
                                              std::chrono::milliseconds timeout = kIpmiTimeout);

} // namespace raidmon::detail
