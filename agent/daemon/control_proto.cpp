// SPDX-License-Identifier: LGPL-2.1-or-later
#include "daemon/control_proto.hpp"
#include "daemon/commands.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/strutil.hpp"

namespace raidmon::agent {

namespace {

Result<ControlRequest> refuse(const std::string& why) { return fail(errc::invalid_argument, why); }

constexpr const char* kHotswapUsage = "usage: HOTSWAP LIST | OPEN DRIVE | CONFIRM ID | CANCEL ID [REASON] | WORKORDER ID";

} // namespace

Result<ControlRequest> parseControlRequest(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (std::any_of(line.begin(), line.end(), [](char c) { return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f; }))
        return refuse("a control character in the request");
    std::vector<std::string_view> words;
    for (std::size_t i = 0; i < line.size();) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        const std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
        if (i > start) words.push_back(line.substr(start, i - start));
    }
    ControlRequest r;
    if (words.size() == 1 && words[0] == "WATCH") {
        r.kind = ControlRequest::Kind::watch;
        return r;
    }
    if (!words.empty() && words[0] == "EVENTS") {
        if (words.size() != 3 || (words[1] != "AFTER" && words[1] != "SINCE")) return refuse("usage: EVENTS AFTER SEQ | EVENTS SINCE UNIX_MS");
        auto n = detail::parseInt<std::uint64_t>(words[2]);
        if (!n) return refuse("not a number: " + detail::quoteForError(words[2]));
        // A time beyond what the outbox can compare with (ms since the epoch in an int64) is nonsense.
        if (words[1] == "SINCE" && *n > static_cast<std::uint64_t>(INT64_MAX)) return refuse("not a time: " + detail::quoteForError(words[2]));
        r.kind = words[1] == "AFTER" ? ControlRequest::Kind::eventsAfter : ControlRequest::Kind::eventsSince;
        r.number = *n;
        return r;
    }
    if (!words.empty() && words[0] == "HOTSWAP") {
        const std::string_view verb = words.size() > 1 ? words[1] : std::string_view{};
        if (verb == "LIST" && words.size() == 2) {
            r.kind = ControlRequest::Kind::hotswapList;
            return r;
        }
        if (verb.empty() || verb == "LIST") return refuse(kHotswapUsage);
        if (verb != "OPEN" && verb != "CONFIRM" && verb != "CANCEL" && verb != "WORKORDER")
            return refuse("unknown request HOTSWAP " + detail::quoteForError(verb));
        if (words.size() < 3 || (verb != "CANCEL" && words.size() != 3)) return refuse(kHotswapUsage);
        if (words[2].size() > kMaxControlArgument) return refuse("argument longer than " + std::to_string(kMaxControlArgument) + " bytes");
        r.subject = std::string(words[2]);
        for (std::size_t k = 3; k < words.size(); ++k) r.reason += (r.reason.empty() ? "" : " ") + std::string(words[k]);
        if (r.reason.size() > kMaxControlArgument) return refuse("reason longer than " + std::to_string(kMaxControlArgument) + " bytes");
        r.kind = verb == "OPEN"      ? ControlRequest::Kind::hotswapOpen
                 : verb == "CONFIRM" ? ControlRequest::Kind::hotswapConfirm
                 : verb == "CANCEL"  ? ControlRequest::Kind::hotswapCancel
                                     : ControlRequest::Kind::hotswapWorkorder;
        return r;
    }
    if (!words.empty() && words[0] == "COMMAND") {
        // The JWT is checked by the verifier (daemon/commands.hpp), which names what is wrong.
        if (words.size() != 3 || (words[1] != "RUN" && words[1] != "CHECK")) return refuse("usage: COMMAND RUN JWT | COMMAND CHECK JWT");
        if (words[2].size() > kMaxCommandBytes) return refuse("command longer than " + std::to_string(kMaxCommandBytes) + " bytes");
        r.kind = words[1] == "RUN" ? ControlRequest::Kind::commandRun : ControlRequest::Kind::commandCheck;
        r.subject = std::string(words[2]);
        return r;
    }
    return refuse("unknown request " + detail::quoteForError(line));
}

bool changesState(ControlRequest::Kind k) noexcept {
    switch (k) {
    case ControlRequest::Kind::hotswapOpen:
    case ControlRequest::Kind::hotswapConfirm:
    case ControlRequest::Kind::hotswapCancel:
    case ControlRequest::Kind::commandRun: return true;
    case ControlRequest::Kind::commandCheck:
    case ControlRequest::Kind::eventsAfter:
    case ControlRequest::Kind::eventsSince:
    case ControlRequest::Kind::watch:
    case ControlRequest::Kind::hotswapList:
    case ControlRequest::Kind::hotswapWorkorder: return false;
    }
    return true;  // a kind added later is guarded until it is listed here
}

} // namespace raidmon::agent
