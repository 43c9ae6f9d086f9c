// SPDX-License-Identifier: LGPL-2.1-or-later
// Host identity: hostname, machine-id, DMI. The panel tells servers apart by these, so a vendor
// placeholder must never pass for a serial number.
#include <raidmon/inventory.hpp>

#include <algorithm>
#include <array>

#include "core/strutil.hpp"
#include "core/sysfs.hpp"

namespace raidmon {

using namespace detail;

namespace {

// Strings firmware vendors leave in unprogrammed SMBIOS fields (seen in dmidecode's and fwupd's
// quirk lists, and on real boards). Compared case-insensitively after trimming.
constexpr std::array kDmiPlaceholders = {
    "to be filled by o.e.m.", "to be filled by oem", "default string", "not specified", "not applicable",
    "system serial number", "system product name", "system manufacturer", "chassis serial number",
    "base board serial number", "0123456789", "1234567890", "none", "n/a", "na", "unknown", "invalid",
    "oem", "o.e.m.", "empty", "serial", "xxxxxxxxxx", "asset-1234567890", "no asset tag", "no asset information",
    "asset tag", "type1productconfigid", "0", "00000000", "ffffffff",
};

bool isPlaceholder(std::string_view v) {
    auto l = toLower(trim(v));
    if (l.empty()) return true;
    if (std::find(kDmiPlaceholders.begin(), kDmiPlaceholders.end(), l) != kDmiPlaceholders.end()) return true;
    // All the same character ("00000000", "FFFFFFFF", "........", "        ").
    return std::all_of(l.begin(), l.end(), [&](char c) { return c == l.front() || c == '-' || c == ' '; });
}

std::optional<std::string> dmiField(const Context& ctx, std::string_view name, std::vector<std::string>& rejected) {
    auto v = attr(ctx.paths.sys / "class" / "dmi" / "id", name);
    if (!v) return std::nullopt;
    auto s = printable(*v);
    if (isPlaceholder(s)) {
        rejected.push_back(std::string(name) + "=" + quoteForError(s));
        return std::nullopt;
    }
    return s;
}

bool isMachineId(std::string_view s) {
    return s.size() == 32 && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

} // namespace

Host readHost(const Context& ctx) {
    Host h;
    if (auto hn = attr(ctx.paths.proc / "sys" / "kernel", "hostname")) h.hostname = printable(*hn);
    else if (auto hn2 = attr(ctx.paths.etc, "hostname")) h.hostname = printable(*hn2);
    if (auto id = attr(ctx.paths.etc, "machine-id")) {
        if (isMachineId(*id)) h.machineId = *id;
        else ctx.logAt(LogLevel::warning, "machine-id rejected path=" + (ctx.paths.etc / "machine-id").string() +
                                              " value=" + quoteForError(*id));
    }
    std::vector<std::string> rejected;
    h.dmi.sysVendor = dmiField(ctx, "sys_vendor", rejected);
    h.dmi.productName = dmiField(ctx, "product_name", rejected);
    h.dmi.productSerial = dmiField(ctx, "product_serial", rejected);
    h.dmi.boardSerial = dmiField(ctx, "board_serial", rejected);
    h.dmi.chassisAssetTag = dmiField(ctx, "chassis_asset_tag", rejected);
    if (auto u = dmiField(ctx, "product_uuid", rejected)) {
        // 03000200-0400-0500-0006-000700080009 is a well-known placeholder UUID of AMI firmware.
        if (toLower(*u) == "03000200-0400-0500-0006-000700080009") rejected.push_back("product_uuid=" + *u);
        else h.dmi.uuid = toLower(*u);
    }
    for (const auto& r : rejected) ctx.logAt(LogLevel::debug, "dmi placeholder ignored field=" + r);
    return h;
}

} // namespace raidmon
