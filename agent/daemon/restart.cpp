// SPDX-License-Identifier: LGPL-2.1-or-later
// io.raidmon.host.booted and io.raidmon.host.shutdown: the agent's record of its own clean stops
// (STATE_DIR/boot.json) and the BMC's word on why the host restarted (raidmon/restart.hpp).
#include "daemon/restart.hpp"

#include <raidmon/restart.hpp>

#include "core/json_model.hpp"
#include "core/statedir.hpp"
#include "core/strutil.hpp"
#include "core/sysfs.hpp"

namespace raidmon::agent {

namespace {

using detail::Json;

/// SEL entries this close to the boot belong to it (a BMC's clock may be off by minutes).
constexpr std::chrono::minutes kSelWindow{15};

std::int64_t nowMs(const Context& ctx) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(ctx.clock->now().time_since_epoch()).count();
}

/// The restart causes that mean someone or something outside the OS restarted the host.
bool outsideRestart(std::string_view cause) {
    return cause == "chassis_control" || cause == "reset_button" || cause == "power_button" || cause == "watchdog" ||
           cause == "pef_reset" || cause == "pef_power_cycle";
}

/// When the system booted: now minus /proc/uptime.
std::optional<std::chrono::system_clock::time_point> bootTime(const Context& ctx) {
    auto up = detail::readFile(ctx.paths.proc / "uptime");
    if (!up) return std::nullopt;
    auto secs = detail::parseDouble(detail::splitWs(*up).empty() ? std::string_view() : detail::splitWs(*up)[0]);
    if (!secs || *secs < 0) return std::nullopt;
    return ctx.clock->now() - std::chrono::milliseconds(static_cast<std::int64_t>(*secs * 1000));
}

Result<detail::StateDir> openState(const std::filesystem::path& dir) { return detail::StateDir::open(dir, false); }

void writeRecord(const Context& ctx, const std::filesystem::path& stateDir, const BootRecord& r) {
    auto d = openState(stateDir);
    auto w = d ? d->write("boot.json", toJson(r) + "\n") : Result<void>(tl::unexpected(d.error()));
    if (!w) ctx.logAt(LogLevel::error, "cannot write boot.json error=\"" + w.error().message + "\"");
}

} // namespace

Result<BootRecord> parseBootRecord(std::string_view text, std::string_view origin) {
    Json j = Json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return fail(errc::parse_error, std::string(origin) + ": not a JSON object");
    BootRecord r;
    auto str = j.find("boot_id");
    if (str == j.end() || !str->is_string()) return fail(errc::parse_error, std::string(origin) + ": \"boot_id\" must be a string");
    r.bootId = str->get<std::string>();
    auto clean = j.find("clean_stop");
    if (clean == j.end() || !clean->is_boolean()) return fail(errc::parse_error, std::string(origin) + ": \"clean_stop\" must be true or false");
    r.cleanStop = clean->get<bool>();
    for (auto [key, field] : {std::pair{"started_ms", &r.startedMs}, std::pair{"stopped_ms", &r.stoppedMs}}) {
        auto it = j.find(key);
        if (it == j.end() || it->is_null()) continue;
        if (!it->is_number_integer()) return fail(errc::parse_error, std::string(origin) + ": \"" + key + "\" must be an integer or null");
        *field = it->get<std::int64_t>();
    }
    if (auto it = j.find("last_seq"); it != j.end() && !it->is_null()) {
        if (!it->is_number_unsigned()) return fail(errc::parse_error, std::string(origin) + ": \"last_seq\" must be a non-negative integer or null");
        r.lastSeq = it->get<std::uint64_t>();
    }
    return r;
}

std::string toJson(const BootRecord& r) {
    return Json{{"boot_id", r.bootId},
                {"clean_stop", r.cleanStop},
                {"started_ms", detail::opt(r.startedMs)},
                {"stopped_ms", detail::opt(r.stoppedMs)},
                {"last_seq", detail::opt(r.lastSeq)}}
        .dump();
}

Result<std::string> readBootId(const Context& ctx) {
    const auto f = ctx.paths.proc / "sys" / "kernel" / "random" / "boot_id";
    auto s = detail::readFile(f);
    if (!s) return tl::unexpected(s.error());
    std::string id(detail::trim(*s));
    if (id.size() != 36) return fail(errc::parse_error, f.string() + ": " + detail::quoteForError(id) + " is not a boot id (a UUID)");
    return id;
}

std::optional<Event> bootedEvent(const Context& ctx, const std::filesystem::path& stateDir, Outbox& outbox, BootRecord& current) {
    auto id = readBootId(ctx);
    if (!id) ctx.logAt(LogLevel::warning, "boot id unknown error=\"" + id.error().message + "\"");
    current = BootRecord{};
    current.bootId = id ? *id : "";
    current.startedMs = nowMs(ctx);

    std::optional<BootRecord> prev;
    std::string prevError;
    if (auto d = openState(stateDir); !d) {
        prevError = d.error().message;
    } else if (auto text = d->read("boot.json"); !text) {
        prevError = text.error().message;
    } else if (*text) {
        auto r = parseBootRecord(**text, (stateDir / "boot.json").string());
        if (r) prev = std::move(*r);
        else prevError = r.error().message;
    }
    if (!prevError.empty()) ctx.logAt(LogLevel::warning, "previous boot record unreadable error=\"" + prevError + "\"");
    writeRecord(ctx, stateDir, current);
    // The same boot (the agent restarted, or crashed and came back): no host.booted. Without a
    // boot id (a container, a recording) a new boot cannot be told from a restart: none either.
    if (!id || (prev && prev->bootId == *id)) return std::nullopt;

    Json data;
    data["boot_id"] = id ? Json(*id) : Json(nullptr);
    if (auto t = bootTime(ctx)) data["booted_at_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch()).count();
    Json previous{{"boot_id", prev ? Json(prev->bootId) : Json(nullptr)},
                  {"end", prev ? Json(prev->cleanStop ? "clean" : "unclean") : Json("unknown")},
                  {"agent_stopped_ms", prev ? detail::opt(prev->stoppedMs) : Json(nullptr)}};
    if (!prev) previous["why_unknown"] = prevError.empty() ? "no earlier record: the agent has not run on this host before" : prevError;
    // The last event committed before this start: the last word of the previous boot.
    if (auto last = outbox.lastSeq(); last && *last > 0) {
        if (auto evs = outbox.after(*last - 1, 1); evs && !evs->empty())
            previous["last_event"] = Json{{"sequence", (*evs)[0].seq}, {"id", (*evs)[0].id}, {"type", (*evs)[0].type}, {"time_ms", (*evs)[0].timeMs}};
    }
    data["previous_boot"] = std::move(previous);

    std::string causeName;
    if (auto c = readRestartCause(ctx)) {
        data["restart_cause"] = Json::parse(toJson(*c));
        causeName = std::string(c->name);
    } else {
        data["restart_cause"] = nullptr;
        data["restart_cause_error"] = c.error().message;
    }
    if (!causeName.empty()) {
        if (auto sel = readSel(ctx, 64)) {
            Json arr = Json::array();
            const auto around = bootTime(ctx);
            for (const auto& e : around ? selAround(*sel, *around, kSelWindow) : *sel) arr.push_back(Json::parse(toJson(e)));
            data["sel"] = std::move(arr);
        } else {
            data["sel"] = nullptr;
            data["sel_error"] = sel.error().message;
        }
    }

    Event e;
    e.type = "io.raidmon.host.booted";
    e.subject = "host";
    const bool unclean = prev && !prev->cleanStop;
    e.severity = unclean || outsideRestart(causeName) ? Severity::warning : Severity::info;
    e.message = "the host booted (boot id " + (id ? *id : std::string("unknown")) + "); the previous boot " +
                (prev ? (prev->cleanStop ? std::string("ended with a clean stop of the agent") : std::string("did not end cleanly")) : std::string("is unknown")) +
                (causeName.empty() ? std::string() : "; the BMC gives restart cause " + causeName);
    e.extraDataJson = data.dump();
    return e;
}

Event shutdownEvent(const Context& ctx, const BootRecord& current) {
    Event e;
    e.type = "io.raidmon.host.shutdown";
    e.subject = "host";
    e.severity = Severity::info;
    e.message = "the agent is stopping in order (boot id " + (current.bootId.empty() ? std::string("unknown") : current.bootId) +
                "): the host is shutting down or the agent was stopped";
    Json data{{"boot_id", current.bootId.empty() ? Json(nullptr) : Json(current.bootId)}, {"stopping_ms", nowMs(ctx)}};
    e.extraDataJson = data.dump();
    return e;
}

void recordCleanStop(const Context& ctx, const std::filesystem::path& stateDir, BootRecord current, Outbox& outbox) {
    current.cleanStop = true;
    current.stoppedMs = nowMs(ctx);
    if (auto last = outbox.lastSeq(); last && *last > 0) current.lastSeq = *last;
    writeRecord(ctx, stateDir, current);
}

} // namespace raidmon::agent
