// SPDX-License-Identifier: LGPL-2.1-or-later
// Event identity, the CloudEvents 1.0 envelope (https://github.com/cloudevents/spec/blob/v1.0.2/
// cloudevents/spec.md and formats/json-format.md), the host's identity and the rate limiter.
#include <raidmon/events.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <random>

#include <raidmon/inventory.hpp>

#include "console/console_json.hpp"
#include "core/json_model.hpp"
#include "core/strutil.hpp"
#include "core/sysfs.hpp"

namespace raidmon {

using detail::Json;

HostIdentity readHostIdentity(const Context& ctx) {
    HostIdentity id;
    id.host = readHost(ctx);
    if (auto b = readBmc(ctx)) id.host.bmc = std::move(*b);
    else if (b.error().is(errc::not_found) || b.error().is(errc::refused)) ctx.logAt(LogLevel::debug, "bmc unknown: " + b.error().message);
    else ctx.logAt(LogLevel::warning, "bmc address unreadable: " + b.error().message);
    const auto net = ctx.paths.sys / "class" / "net";
    auto names = detail::listDir(net);
    std::sort(names.begin(), names.end());
    for (const auto& n : names) {
        // Physical interfaces have a device link; lo, bridges, bonds, veths and tunnels do not.
        if (!detail::pathExists(net / n / "device")) continue;
        auto mac = detail::attr(net / n, "address");
        if (!mac || *mac == "00:00:00:00:00:00") continue;
        id.interfaces.push_back({n, detail::printable(*mac)});
    }
    return id;
}

std::string newEventId() {
    // std::random_device is getrandom(2) on glibc/libstdc++: a fresh 122-bit random UUID per event.
    thread_local std::random_device rd;
    std::array<unsigned char, 16> b{};
    for (std::size_t i = 0; i < b.size(); i += 4) {
        const unsigned v = rd();
        for (std::size_t k = 0; k < 4; ++k) b[i + k] = static_cast<unsigned char>(v >> (8 * k));
    }
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
    const std::string h = detail::hex(b.data(), b.size());
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

void stampEvent(Event& ev, const Clock& clock) {
    if (ev.id.empty()) ev.id = newEventId();
    if (ev.time == std::chrono::system_clock::time_point{}) ev.time = clock.now();
}

namespace {

std::string rfc3339(std::chrono::system_clock::time_point t) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
    return buf;
}

Json parsedOrNull(const std::string& s) {
    if (s.empty()) return nullptr;
    Json j = Json::parse(s, nullptr, false);
    return j.is_discarded() ? Json(nullptr) : j;
}

} // namespace

std::string toCloudEvent(const Event& ev, const HostIdentity& id, std::optional<std::uint64_t> sequence) {
    const std::string who = id.host.machineId ? *id.host.machineId : id.host.hostname.value_or("unknown-host");
    Json host = detail::toJsonValue(id.host);
    Json macs = Json::array();
    for (const auto& i : id.interfaces) macs.push_back(Json{{"name", i.name}, {"mac", i.mac}});
    host["interfaces"] = std::move(macs);
    Json consoles = Json::array();
    for (const auto& c : id.consoles) consoles.push_back(detail::consoleJson(c));
    host["consoles"] = std::move(consoles);
    const auto slash = ev.subject.find('/');
    Json entity{{"kind", ev.subject.substr(0, slash)},
                {"id", slash == std::string::npos ? Json(nullptr) : Json(ev.subject.substr(slash + 1))},
                {"snapshot", parsedOrNull(ev.entityJson)}};
    Json data{{"severity", toString(ev.severity)}, {"message", ev.message}, {"host", std::move(host)}, {"entity", std::move(entity)}};
    if (!ev.recommendationJson.empty()) data["recommendation"] = parsedOrNull(ev.recommendationJson);
    if (Json extra = parsedOrNull(ev.extraDataJson); extra.is_object())
        for (auto& [k, v] : extra.items())
            if (!data.contains(k)) data[k] = v;
    Json j{{"specversion", "1.0"},
           {"id", ev.id},
           {"source", "raidmond://" + who},
           {"type", ev.type},
           {"time", rfc3339(ev.time)},
           {"subject", ev.subject},
           {"datacontenttype", "application/json"}};
    // CloudEvents "sequence" extension (extensions/sequence.md): a string whose lexical order is the
    // order of the events per source, so the outbox's number is zero-padded to the 20 digits of
    // any 64-bit value ("00000000000000000010" sorts after "00000000000000000009").
    if (sequence) {
        char digits[24];
        std::snprintf(digits, sizeof digits, "%020llu", static_cast<unsigned long long>(*sequence));
        j["sequence"] = digits;
    }
    j["data"] = std::move(data);
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

EventFilter::EventFilter(RateLimitOptions opts) : opts_(opts) {}

std::chrono::steady_clock::duration EventFilter::windowOf(const std::string& type) const {
    using D = std::chrono::steady_clock::duration;
    return type == "io.raidmon.array.rebuild_progress" ? std::chrono::duration_cast<D>(opts_.progressInterval)
                                                       : std::chrono::duration_cast<D>(opts_.window);
}

std::size_t EventFilter::limitOf(const std::string& type) const {
    return type == "io.raidmon.array.rebuild_progress" ? 1u : static_cast<std::size_t>(std::max(1, opts_.maxPerWindow));
}

bool EventFilter::take(const std::string& type, const std::string& subject, TimePoint now) {
    auto& times = recent_[type + '\n' + subject];
    const auto window = windowOf(type);
    std::erase_if(times, [&](auto t) { return now - t >= window; });
    if (times.size() >= limitOf(type)) return false;
    times.push_back(now);
    return true;
}

bool EventFilter::admit(const Event& ev, TimePoint now) {
    // Never hold back what a person must act on.
    const bool always = ev.severity == Severity::critical || ev.type == "io.raidmon.drive.failed" ||
                        ev.type == "io.raidmon.drive.removed" || ev.type == "io.raidmon.array.failed" ||
                        ev.type == "io.raidmon.array.degraded";
    if (!always && !take(ev.type, ev.subject, now)) {
        ++suppressed_;
        auto& p = pending_[ev.subject];
        const std::uint64_t held = p.held + 1;
        p = Pending{ev, held};
        return false;
    }
    // This event is now the entity's latest word: what was held back before it is superseded.
    pending_.erase(ev.subject);
    // Bound the memory of entities that went quiet.
    if (recent_.size() > 4096) std::erase_if(recent_, [](const auto& kv) { return kv.second.empty(); });
    return true;
}

std::optional<EventFilter::TimePoint> EventFilter::nextRelease() const {
    std::optional<TimePoint> next;
    for (const auto& [subject, p] : pending_) {
        auto it = recent_.find(p.event.type + '\n' + subject);
        if (it == recent_.end() || it->second.empty()) return TimePoint{};  // room already
        const auto at = it->second.front() + windowOf(p.event.type);
        if (!next || at < *next) next = at;
    }
    return next;
}

std::vector<Event> EventFilter::release(TimePoint now) {
    std::vector<Event> out;
    for (auto it = pending_.begin(); it != pending_.end();) {
        if (!take(it->second.event.type, it->first, now)) {
            ++it;
            continue;
        }
        Event ev = std::move(it->second.event);
        const std::uint64_t held = it->second.held;
        ev.message += " (" + std::to_string(held) + " similar event" + (held == 1 ? "" : "s") + " held back by the rate limit; this is the latest)";
        out.push_back(std::move(ev));
        it = pending_.erase(it);
    }
    return out;
}

} // namespace raidmon
