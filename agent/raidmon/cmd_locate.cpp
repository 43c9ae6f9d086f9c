// SPDX-License-Identifier: LGPL-2.1-or-later
// raidmon locate DRIVE|SLOT on|off, raidmon identify on|off, raidmon leds [--expire].
// Exit codes: 0 done and read back; 1 done with a conflict or not verifiable; 2 the light could
// not be set; 64 a bad command line or a drive/slot that does not exist.
#include <ctime>
#include <iostream>

#include <nlohmann/json.hpp>

#include <raidmon/json.hpp>

#include <raidmon/inventory.hpp>
#include <raidmon/led.hpp>

#include "common.hpp"

namespace raidmon::cli {

namespace {

using Json = nlohmann::ordered_json;

Result<std::optional<std::chrono::seconds>> parseFor(const std::string& text) {
    if (text.empty()) return std::optional<std::chrono::seconds>{};
    auto d = parseLeaseDuration(text);
    if (!d) return fail(errc::invalid_argument, "--for " + d.error().message);
    return std::optional<std::chrono::seconds>(*d);
}

std::string isoTime(std::chrono::system_clock::time_point t) {
    std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    ::gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

int errorExit(const Error& e) {
    if (e.is(errc::not_found)) return kExitNotFound;
    return e.is(errc::invalid_argument) ? kExitUsage : 2;
}

Json leaseJson(const LedLease& l) {
    Json j;
    j["enclosure"] = l.enclosure;
    j["slot"] = l.slot;
    j["label"] = l.label ? Json(*l.label) : Json(nullptr);
    j["drive"] = l.drive ? Json(*l.drive) : Json(nullptr);
    j["pattern"] = std::string(toString(l.pattern));
    j["backend"] = l.backend;
    j["target"] = l.target;
    j["set_at"] = isoTime(l.setAt);
    j["expires_at"] = l.expiresAt ? Json(isoTime(*l.expiresAt)) : Json(nullptr);
    j["reason"] = l.reason;
    return j;
}

void printLease(const LedLease& l) {
    std::cout << "  " << l.enclosure << ":" << l.slot << (l.label ? " (" + *l.label + ")" : "") << "  "
              << toString(l.pattern) << "  " << l.backend << "  " << l.target << "  set " << isoTime(l.setAt)
              << "  " << (l.expiresAt ? "until " + isoTime(*l.expiresAt) : std::string("until turned off"))
              << (l.drive ? "  drive " + *l.drive : "") << "  (" << l.reason << ")\n";
}

/// Expire old leases before anything else: after a restart, a reboot or a crash, lights whose time
/// is up go off at the next invocation.
void expireQuietly(const Context& ctx, const std::filesystem::path& dir) {
    auto r = expireLeases(ctx, dir);
    if (!r) printError("leds: " + r.error().message);
    else
        for (const auto& f : r->failures) printError("leds: lease not expired: " + f);
}

struct LocateOptions {
    std::string what;
    std::string onOff;
    std::string pattern = "locate";
    std::string duration;
    bool force = false;
};

int runLocate(const Globals& g, const LocateOptions& o) {
    if (o.onOff != "on" && o.onOff != "off") {
        printError("locate: '" + o.onOff + "': expected on or off");
        return kExitUsage;
    }
    auto pattern = parseLedPattern(o.pattern);
    if (!pattern || *pattern == LedPattern::off) {
        printError("locate: --pattern " + o.pattern + ": expected locate, fault or rebuild");
        return kExitUsage;
    }
    auto dur = parseFor(o.duration);
    if (!dur) {
        printError("locate: " + dur.error().message);
        return kExitUsage;
    }
    Context ctx = makeContext(g);
    LedOptions lo;
    lo.stateDir = stateDirOf(g);
    lo.duration = *dur;
    lo.force = o.force;
    lo.reason = "raidmon locate " + o.what + " " + o.onOff + (o.onOff == "on" ? " --pattern " + o.pattern : "");
    std::vector<std::string> warnings;
    auto change = locateSlot(ctx, o.what, o.onOff == "on" ? *pattern : LedPattern::off, lo, warnings);
    for (const auto& w : warnings) printError("leds: " + w);
    if (!change) {
        printError("locate: " + change.error().message);
        return errorExit(change.error());
    }
    const auto& c = *change;
    if (g.json) {
        std::cout << toJson(c) << '\n';
    } else {
        std::cout << "Bay      " << c.bay.enclosure << ":" << c.bay.slot << (c.bay.label ? "  " + *c.bay.label : "") << '\n';
        if (c.bay.drive)
            std::cout << "Drive    " << *c.bay.drive << (c.bay.fromMemory ? "  (no longer present; bay from slot memory)" : "") << '\n';
        std::cout << "Light    " << toString(c.pattern) << " via " << c.backend << "  " << c.target
                  << (c.verified ? "  (read back)" : "  (NOT verified)") << '\n';
        if (c.expiresAt) std::cout << "Until    " << isoTime(*c.expiresAt) << '\n';
        for (const auto& n : c.bay.notes) std::cout << "Note     " << n << '\n';
        for (const auto& n : c.notes) std::cout << "Note     " << n << '\n';
        for (const auto& n : c.conflicts) std::cout << "CONFLICT " << n << '\n';
    }
    return c.conflicts.empty() && c.verified ? 0 : 1;
}

struct IdentifyOptions {
    std::string onOff;
    std::string duration;
};

int runIdentify(const Globals& g, const IdentifyOptions& o) {
    if (o.onOff != "on" && o.onOff != "off") {
        printError("identify: '" + o.onOff + "': expected on or off");
        return kExitUsage;
    }
    auto dur = parseFor(o.duration);
    if (!dur) {
        printError("identify: " + dur.error().message);
        return kExitUsage;
    }
    Context ctx = makeContext(g);
    const auto dir = stateDirOf(g);
    expireQuietly(ctx, dir);
    LedOptions lo;
    lo.stateDir = dir;
    lo.duration = *dur;
    lo.reason = "raidmon identify " + o.onOff;
    auto r = setServerIdentify(ctx, o.onOff == "on", lo);
    if (!r) {
        printError("identify: " + r.error().message);
        return r.error().is(errc::invalid_argument) ? kExitUsage : 2;
    }
    if (g.json) {
        Json j{{"identify", o.onOff}, {"notes", *r}};
        std::cout << asDocument(j.dump(), 2) << '\n';
    } else {
        std::cout << "Server identify light " << o.onOff << '\n';
        for (const auto& n : *r) std::cout << "Note     " << n << '\n';
    }
    return 0;
}

int runLeds(const Globals& g, bool expire) {
    Context ctx = makeContext(g);
    const auto dir = stateDirOf(g);
    std::vector<LedLease> expired, leases;
    std::vector<std::string> failures;
    if (expire) {
        auto r = expireLeases(ctx, dir);
        if (!r) {
            printError("leds: " + r.error().message);
            return 2;
        }
        expired = std::move(r->expired);
        leases = std::move(r->remaining);
        failures = std::move(r->failures);
    } else {
        auto r = loadLeases(dir);
        if (!r) {
            printError("leds: " + r.error().message);
            return 2;
        }
        leases = std::move(*r);
    }
    if (g.json) {
        Json j;
        j["leases"] = Json::array();
        for (const auto& l : leases) j["leases"].push_back(leaseJson(l));
        j["expired"] = Json::array();
        for (const auto& l : expired) j["expired"].push_back(leaseJson(l));
        j["failures"] = failures;
        std::cout << asDocument(j.dump(-1, ' ', false, Json::error_handler_t::replace), 2) << '\n';
    } else {
        std::cout << "Lights set by raidmon (" << (dir / "leds.json").string() << "): " << leases.size() << '\n';
        for (const auto& l : leases) printLease(l);
        if (!expired.empty()) std::cout << "Expired and turned off: " << expired.size() << '\n';
        for (const auto& l : expired) printLease(l);
        for (const auto& f : failures) std::cout << "FAILED   " << f << '\n';
    }
    return failures.empty() ? 0 : 2;
}

} // namespace

void registerLocate(CLI::App& app, Globals& g, int& exitCode) {
    auto o = std::make_shared<LocateOptions>();
    auto* sub = app.add_subcommand("locate", "Light (or turn off) the slot LED of a drive or bay; also for drives that have vanished");
    sub->add_option("what", o->what, "Drive (devnode, kernel name, serial, WWN, id) or bay (ENCLOSURE:SLOT, slot label)")->required();
    sub->add_option("state", o->onOff, "on or off")->required();
    sub->add_option("--pattern", o->pattern, "locate (default), fault or rebuild");
    sub->add_option("--for", o->duration, "How long the light stays on (e.g. 90s, 30m, 2h); locate defaults to 30m");
    sub->add_flag("--force", o->force, "Turn off (or take over) a fault or rebuild light raidmon did not set");
    sub->callback([&g, &exitCode, o] { exitCode = runLocate(g, *o); });
}

void registerIdentify(CLI::App& app, Globals& g, int& exitCode) {
    auto o = std::make_shared<IdentifyOptions>();
    auto* sub = app.add_subcommand("identify", "The server's own identify light (ipmitool chassis identify)");
    sub->add_option("state", o->onOff, "on or off")->required();
    sub->add_option("--for", o->duration, "How long (e.g. 4m, 30m); defaults to 30m");
    sub->callback([&g, &exitCode, o] { exitCode = runIdentify(g, *o); });
}

void registerLeds(CLI::App& app, Globals& g, int& exitCode) {
    auto expire = std::make_shared<bool>(false);
    auto* sub = app.add_subcommand("leds", "The lights raidmon has set, why and until when");
    sub->add_flag("--expire", *expire, "Turn off the lights whose time is up (what the agent does periodically)");
    sub->callback([&g, &exitCode, expire] { exitCode = runLeds(g, *expire); });
}

} // namespace raidmon::cli
