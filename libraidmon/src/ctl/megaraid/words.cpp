// SPDX-License-Identifier: LGPL-2.1-or-later
#include "words.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "core/strutil.hpp"
#include "ctl/common.hpp"

namespace raidmon::detail::megaraid {

std::optional<std::string> operationKind(std::string_view toolName) {
    std::string w;
    for (char c : toLower(trim(toolName)))
        if (c != ' ' && c != '-' && c != '_') w.push_back(c);
    // Long names (MegaCli "Ongoing Progresses", storcli "Active Operations", "show bgi/cc/init/
    // rebuild/copyback/patrolread") and storcli's abbreviations.
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 17> words = {{
        {"checkconsistency", "check"}, {"consistencycheck", "check"}, {"cc", "check"},
        {"backgroundinitialization", "initialize"}, {"backgroundinitialisation", "initialize"}, {"bgi", "initialize"},
        {"initialization", "initialize"}, {"fastinitialization", "initialize"}, {"init", "initialize"},
        {"rebuild", "rebuild"}, {"rbld", "rebuild"},
        {"reconstruction", "reshape"}, {"migration", "reshape"},
        {"copyback", "copyback"}, {"cpybck", "copyback"},
        {"patrolread", "patrol-read"}, {"pr", "patrol-read"},
    }};
    for (const auto& [word, kind] : words)
        if (w == word) return std::string(kind);
    return std::nullopt;
}

std::optional<double> percentIn(std::string_view s) {
    auto pct = s.find('%');
    if (pct == std::string_view::npos) return std::nullopt;
    std::size_t b = pct;
    while (b > 0 && s[b - 1] == ' ') --b;
    std::size_t e = b;
    while (b > 0 && ((s[b - 1] >= '0' && s[b - 1] <= '9') || s[b - 1] == '.' || s[b - 1] == ',')) --b;
    auto v = parseLocaleDouble(s.substr(b, e - b));
    if (!v || *v < 0 || *v > 100) return std::nullopt;
    return v;
}

void applyVdState(Array& a, std::string_view longState, bool anyMemberRebuilding, std::string_view label) {
    const std::string st = toLower(trim(longState));
    const std::string op = a.operation ? a.operation->kind : std::string();
    // -1: the level's redundancy is not known.
    const int red = a.level ? ctl::hwRedundancy(*a.level).value_or(-1) : -1;
    if (st == "optimal") {
        if (op == "check") a.state = "checking";
        else if (op == "initialize") a.state = "resyncing";
        else if (op == "reshape") a.state = "reshaping";
        else if (op == "rebuild") a.state = "rebuilding";
        else a.state = "optimal";
    } else if (st == "degraded" || st == "partially degraded") {
        a.state = anyMemberRebuilding || op == "rebuild" ? "rebuilding" : "degraded";
        // Partially Degraded: a RAID6/60 that lost one drive keeps one parity; Degraded: none left.
        if (red >= 0) a.redundancyLeft = st == "partially degraded" ? std::max(red - 1, 0) : 0;
    } else if (st == "offline") {
        a.state = "failed";
    } else if (st == "recovery") {
        a.state = "rebuilding";
        if (red >= 0) a.redundancyLeft = std::max(red - 1, 0);
    } else {
        a.state = "unknown";
    }
    ctl::classifyArray(a, label);
}

} // namespace raidmon::detail::megaraid
