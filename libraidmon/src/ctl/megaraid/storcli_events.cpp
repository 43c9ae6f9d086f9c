// SPDX-License-Identifier: LGPL-2.1-or-later
// storcli /cX show events (plain text): records of "seqNum:", "Time:", "Code:", "Class:", "Locale:",
// "Event Description:". The event log is history, so the arrays it yields carry the state of their
// latest event, and every event becomes a note a person can read.
#include <map>

#include "core/strutil.hpp"
#include "ctl/common.hpp"
#include "ctl/decoders.hpp"

namespace raidmon::detail {

namespace {

// MegaRAID event classes (MR_EVT_CLASS in the megaraid_sas driver's megaraid_sas.h):
// -2 debug, -1 progress, 0 info, 1 warning, 2 critical, 3 fatal, 4 dead.
std::string_view className(int c) {
    switch (c) {
    case -2: return "debug";
    case -1: return "progress";
    case 0: return "info";
    case 1: return "warning";
    case 2: return "critical";
    case 3: return "fatal";
    case 4: return "dead";
    default: return "class?";
    }
}

struct Event {
    std::size_t line = 0;
    std::string seq, time, description;
    std::optional<int> cls;
};

std::optional<std::string> vdStateWord(std::string_view upper) {
    if (upper == "OPTIMAL") return std::string("optimal");
    if (upper == "DEGRADED" || upper == "PARTIALLY DEGRADED") return std::string("degraded");
    if (upper == "OFFLINE") return std::string("failed");
    return std::nullopt;
}

} // namespace

int detectStorcliEvents(std::string_view t) {
    auto head = t.substr(0, 2048);
    return head.find("seqNum:") != std::string_view::npos && head.find("Event Description:") != std::string_view::npos
               ? 90
               : 0;
}

Result<Capture> decodeStorcliEvents(std::string_view input) {
    std::vector<Event> events;
    for (const auto& l : ctl::kvLines(input)) {
        if (!l.hasSeparator) continue;
        if (l.key == "seqNum") {
            events.push_back(Event{});
            events.back().line = l.number;
            events.back().seq = printable(l.value);
            continue;
        }
        if (events.empty()) continue;
        auto& e = events.back();
        if (l.key == "Time") e.time = printable(l.value);
        else if (l.key == "Class") {
            e.cls = parseInt<int>(l.value);
            if (!e.cls) return fail(errc::parse_error, ctl::lineError("storcli events", l, "Class is not a number"));
        } else if (l.key == "Event Description") e.description = printable(l.value);
    }
    if (events.empty()) return fail(errc::parse_error, "storcli events: no 'seqNum:' record: not an event log");
    if (events.back().description.empty())
        return fail(errc::parse_error, "storcli events: line " + std::to_string(events.back().line) +
                                           ": record has no Event Description (truncated capture?)");
    Capture cap;
    std::map<std::string, std::pair<std::string, std::string>> vdLast;  // vd -> (state, seq)
    for (const auto& e : events) {
        cap.notes.push_back("event " + e.seq + " " + e.time + " [" +
                            std::string(e.cls ? className(*e.cls) : "class?") + "]: " + e.description);
        // "VD 00/0 is now DEGRADED": target id "00", VD "0".
        if (!startsWith(e.description, "VD ")) continue;
        auto now = e.description.find(" is now ");
        if (now == std::string::npos) continue;
        auto target = trim(std::string_view(e.description).substr(3, now - 3));
        auto state = vdStateWord(toUpper(trim(std::string_view(e.description).substr(now + 8))));
        if (!state) continue;
        auto slash = target.find('/');
        std::string vd(slash == std::string_view::npos ? target : target.substr(slash + 1));
        vdLast[vd] = {*state, e.seq};
    }
    for (const auto& [vd, st] : vdLast) {
        Array a;
        a.kind = "megaraid";
        a.id = "megaraid:event-log/v" + vd;
        a.name = "VD " + vd;
        a.state = st.first;
        ctl::classifyArray(a, a.name);
        a.reasons.push_back("state taken from the latest event about it (" + st.second + "), not from a live query");
        cap.arrays.push_back(std::move(a));
    }
    return cap;
}

} // namespace raidmon::detail
