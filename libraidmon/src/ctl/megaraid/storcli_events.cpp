// SPDX-License-Identifier: LGPL-2.1-or-later
// storcli /cX show events (plain text): records of "seqNum:", "Time:", "Code:", "Class:", "Locale:",
// "Event Description:". The event log is history, so the arrays it yields carry the state of their
// latest event, and every event becomes a note a person can read.
#include <algorithm>
#include <map>

#include "core/strutil.hpp"
#include "ctl/common.hpp"
#include "ctl/decoders.hpp"
#include "words.hpp"

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

/// The VD state words of the firmware's events ("VD 00/0 is now DEGRADED", "State change on VD 00/0
/// from OPTIMAL(3) to DEGRADED(2)"), in the long form words.hpp maps; "" for other words.
std::string vdStateWord(std::string_view upper) {
    if (auto p = upper.find('('); p != std::string_view::npos) upper = trim(upper.substr(0, p));
    if (upper == "OPTIMAL") return "optimal";
    if (upper == "DEGRADED") return "degraded";
    if (upper == "PARTIALLY DEGRADED") return "partially degraded";
    if (upper == "OFFLINE") return "offline";
    return {};
}

/// "00/0" of "VD 00/0 ..." or "... on VD 00/0 ...": the VD number ("0"), "" if absent.
std::string vdOf(std::string_view d) {
    auto p = d.find("VD ");
    if (p == std::string_view::npos) return {};
    auto rest = d.substr(p + 3);
    auto end = rest.find_first_of(" ,");
    auto target = rest.substr(0, end);
    auto slash = target.find('/');
    std::string vd(slash == std::string_view::npos ? target : target.substr(slash + 1));
    return parseInt<int>(vd) ? vd : std::string();
}

struct VdHistory {
    std::string state;  ///< long form, "" if no state event
    std::string seq;
    std::optional<ArrayOperation> op;
};

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
    // The log is a history: its records in the order of their sequence numbers (hex), whatever the
    // order they were printed or saved in.
    std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
        auto x = parseInt<std::uint64_t>(a.seq, 16), y = parseInt<std::uint64_t>(b.seq, 16);
        return x && y ? *x < *y : false;
    });
    Capture cap;
    std::map<std::string, VdHistory> vdLast;
    for (const auto& e : events) {
        cap.notes.push_back("event " + e.seq + " " + e.time + " [" +
                            std::string(e.cls ? className(*e.cls) : "class?") + "]: " + e.description);
        const std::string vd = vdOf(e.description);
        if (vd.empty()) continue;
        const std::string upper = toUpper(e.description);
        // "VD 00/0 is now DEGRADED"; "State change on VD 00/0 from OPTIMAL(3) to DEGRADED(2)".
        std::string state;
        if (auto now = upper.find(" IS NOW "); now != std::string::npos && startsWith(upper, "VD "))
            state = vdStateWord(trim(std::string_view(upper).substr(now + 8)));
        else if (auto to = upper.find(" TO "); to != std::string::npos && startsWith(upper, "STATE CHANGE ON VD "))
            state = vdStateWord(trim(std::string_view(upper).substr(to + 4)));
        if (!state.empty()) {
            vdLast[vd].state = state;
            vdLast[vd].seq = e.seq;
            continue;
        }
        // "<Operation> progress on VD 00/1 is 5.55%(1m)"; "<Operation> done/complete(d) on VD 00/1".
        const std::string_view d = e.description;
        if (auto prog = upper.find(" PROGRESS ON VD "); prog != std::string::npos) {
            if (auto kind = megaraid::operationKind(d.substr(0, prog))) {
                ArrayOperation op;
                op.kind = *kind;
                op.percent = megaraid::percentIn(d.substr(prog));
                vdLast[vd].op = op;
            }
        } else if (upper.find(" DONE ON VD ") != std::string::npos || upper.find(" COMPLETE ON VD ") != std::string::npos ||
                   upper.find(" COMPLETED ON VD ") != std::string::npos) {
            vdLast[vd].op.reset();
        }
    }
    for (const auto& [vd, h] : vdLast) {
        if (h.state.empty() && !h.op) continue;
        Array a;
        a.kind = "megaraid";
        a.id = "megaraid:event-log/v" + vd;
        a.name = "VD " + vd;
        a.operation = h.op;
        megaraid::applyVdState(a, h.state.empty() ? "optimal" : h.state, false, a.name);
        a.reasons.push_back(h.state.empty() ? "state not in the log; the operation is taken from its latest progress event"
                                            : "state taken from the latest event about it (" + h.seq + "), not from a live query");
        cap.arrays.push_back(std::move(a));
    }
    return cap;
}

} // namespace raidmon::detail
