// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// A console device as a JSON value: for toJson() and for the identity block of every event.
#include <chrono>
#include <string>

#include <raidmon/console.hpp>

#include "core/json_model.hpp"

namespace raidmon::detail {

Json consoleJson(const ConsoleDevice& d);

/// Every interface the USB device announces (bNumInterfaces; at least one) is in sysfs. The
/// kernel sends the USB device's "add" before it creates the interfaces, so until then its
/// functions are incomplete: the agent reports the attach at the uevent that completes them.
bool consoleInterfacesComplete(const Context& ctx, const std::string& usbSyspath);

/// A time as RFC 3339 UTC to the second ("2026-12-06T03:04:05Z"): the identity card, SEL entries.
std::string utcSeconds(std::chrono::system_clock::time_point t);

} // namespace raidmon::detail
