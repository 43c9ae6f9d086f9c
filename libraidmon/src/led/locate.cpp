// SPDX-License-Identifier: LGPL-2.1-or-later
// `raidmon locate` as one library call (raidmon/led.hpp locateSlot), shared by the CLI and the
// bindings, and its JSON.
#include <raidmon/inventory.hpp>
#include <raidmon/json.hpp>
#include <raidmon/led.hpp>
#include <raidmon/units.hpp>

#include <cmath>
#include <ctime>

#include <nlohmann/json.hpp>

namespace raidmon {

namespace {

using Json = nlohmann::ordered_json;

std::string isoTime(std::chrono::system_clock::time_point t) {
    std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    ::gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

} // namespace

Result<std::chrono::seconds> parseLeaseDuration(std::string_view text) {
    auto h = parseDurationHours(text);
    if (!h) return fail(errc::invalid_argument, std::string(text) + ": " + h.error().message);
    if (*h <= 0 || *h > static_cast<double>(kMaxLease.count()))
        return fail(errc::invalid_argument, std::string(text) + ": must be more than 0 s and at most 31 d");
    return std::chrono::seconds(std::llround(*h * 3600.0));
}

Result<LedChange> locateSlot(const Context& ctx, std::string_view what, LedPattern pattern, const LedOptions& opts,
                             std::vector<std::string>& warnings) {
    // Lights whose time is up go off first: after a restart, a reboot or a crash they would
    // otherwise stay on until the agent's next expiry.
    if (auto expired = expireLeases(ctx, opts.stateDir); !expired)
        warnings.push_back(expired.error().message);
    else
        for (const auto& f : expired->failures) warnings.push_back("lease not expired: " + f);
    ScanOptions so;
    so.probeSignatures = false;
    auto inv = scanInventory(ctx, so);
    if (!inv) return tl::unexpected(inv.error());
    auto mem = rememberSlots(ctx, opts.stateDir, *inv);
    if (!mem) return tl::unexpected(Error(mem.error().code, "slot memory: " + mem.error().message));
    auto bay = resolveBay(*inv, *mem, what);
    if (!bay) return tl::unexpected(bay.error());
    return setSlotLed(ctx, *inv, *bay, pattern, opts);
}

std::string toJson(const LedChange& c, int indent) {
    Json j;
    j["format_version"] = kJsonFormatVersion;
    j["enclosure"] = c.bay.enclosure;
    j["slot"] = c.bay.slot;
    j["label"] = c.bay.label ? Json(*c.bay.label) : Json(nullptr);
    j["drive"] = c.bay.drive ? Json(*c.bay.drive) : Json(nullptr);
    j["from_slot_memory"] = c.bay.fromMemory;
    j["pattern"] = std::string(toString(c.pattern));
    j["backend"] = c.backend;
    j["target"] = c.target;
    j["verified"] = c.verified;
    j["expires_at"] = c.expiresAt ? Json(isoTime(*c.expiresAt)) : Json(nullptr);
    j["conflicts"] = c.conflicts;
    Json notes = Json::array();
    for (const auto& n : c.bay.notes) notes.push_back(n);
    for (const auto& n : c.notes) notes.push_back(n);
    j["notes"] = notes;
    return j.dump(indent < 0 ? -1 : indent, ' ', false, Json::error_handler_t::replace);
}

} // namespace raidmon
