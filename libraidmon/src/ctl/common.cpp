// SPDX-License-Identifier: LGPL-2.1-or-later
#include "common.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <tuple>

#include <raidmon/inventory.hpp>

#include "core/strutil.hpp"

namespace raidmon::detail::ctl {

KvLine splitKv(std::string_view line, std::size_t number) {
    KvLine l;
    l.number = number;
    l.raw = line;
    for (char c : line) {
        if (c == ' ') l.indent += 1;
        else if (c == '\t') l.indent += 8;
        else break;
    }
    std::size_t sep = line.find(" : ");
    std::size_t after = 0;
    if (sep != std::string_view::npos) {
        after = sep + 3;
    } else {
        sep = line.find(": ");
        if (sep == std::string_view::npos && !trim(line).empty() && trim(line).back() == ':') sep = line.rfind(':');
        if (sep == std::string_view::npos) sep = line.find(':');
        if (sep != std::string_view::npos) after = sep + 1;
    }
    if (sep == std::string_view::npos) {
        l.key = trim(line);
        return l;
    }
    l.hasSeparator = true;
    l.key = trim(line.substr(0, sep));
    l.value = trim(line.substr(std::min(after, line.size())));
    return l;
}

std::vector<KvLine> kvLines(std::string_view text) {
    std::vector<KvLine> out;
    std::size_t n = 0;
    for (auto l : lines(text)) out.push_back(splitKv(l, ++n));
    return out;
}

std::optional<std::uint64_t> parseSize(std::string_view s, SizeBase base) {
    s = trim(s);
    std::size_t i = 0;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
    if (i == 0) return std::nullopt;
    auto num = parseDouble(s.substr(0, i));
    if (!num || *num < 0) return std::nullopt;
    std::string unit = toUpper(trim(s.substr(i)));
    // Drop a trailing bracket or note: "14.551 TB [0x... Sectors]", "0  MB (0.0%)".
    if (auto cut = unit.find_first_of("[("); cut != std::string::npos) unit = std::string(trim(unit.substr(0, cut)));
    const double k = base == SizeBase::binary ? 1024.0 : 1000.0;
    double mult = 0;
    if (unit == "B" || unit == "BYTES") mult = 1;
    else if (unit == "KB" || unit == "K") mult = k;
    else if (unit == "MB" || unit == "M") mult = k * k;
    else if (unit == "GB" || unit == "G") mult = k * k * k;
    else if (unit == "TB" || unit == "T") mult = k * k * k * k;
    else if (unit == "PB") mult = k * k * k * k * k;
    else if (unit == "KIB") mult = 1024.0;
    else if (unit == "MIB") mult = 1024.0 * 1024;
    else if (unit == "GIB") mult = 1024.0 * 1024 * 1024;
    else if (unit == "TIB") mult = 1024.0 * 1024 * 1024 * 1024;
    else return std::nullopt;
    double bytes = *num * mult;
    // 2^63 bytes is far beyond any drive; anything larger is garbage, not a size.
    if (!std::isfinite(bytes) || bytes > 9.2e18) return std::nullopt;
    return static_cast<std::uint64_t>(std::llround(bytes));
}

std::optional<std::uint64_t> bracketSectors(std::string_view s) {
    auto open = s.find('[');
    if (open == std::string_view::npos) return std::nullopt;
    auto close = s.find(']', open);
    if (close == std::string_view::npos) return std::nullopt;
    auto words = splitWs(s.substr(open + 1, close - open - 1));
    if (words.size() != 2 || toLower(words[1]) != "sectors") return std::nullopt;
    return parseInt<std::uint64_t>(words[0], 16);
}

std::optional<std::string> normalizeLevel(std::string_view vendorLevel) {
    std::string w;
    for (char c : toLower(trim(vendorLevel)))
        if (c != ' ' && c != '-' && c != '_') w.push_back(c);
    if (w.empty()) return std::nullopt;
    // "raid6(adg)", "raid1(1+0)": keep what is outside the parentheses unless it is ambiguous.
    std::string inner;
    if (auto p = w.find('('); p != std::string::npos) {
        auto q = w.find(')', p);
        inner = w.substr(p + 1, q == std::string::npos ? std::string::npos : q - p - 1);
        w = w.substr(0, p);
    }
    if (startsWith(w, "raid")) w = w.substr(4);
    // Vendor qualifiers after the level: Adaptec "6 Reed-Solomon" (its RAID 6 coding), HPE "1 (ADM)" /
    // Adaptec "1 Triple" (three-way mirrors), HPE "6 (ADG)" (its name for RAID 6).
    for (std::string_view q : {"reedsolomon", "triple", "adm", "adg"})
        if (w.size() > q.size() && endsWith(w, q)) w = w.substr(0, w.size() - q.size());
    if (inner == "adm" || inner == "adg" || inner == "triple") inner.clear();
    // HPE prints mirrors of more than two drives as "RAID 1(1+0)" / "1+0"; Adaptec/HPE "1+0" is raid10.
    if (w == "1+0" || w == "10" || inner == "1+0") return std::string("raid10");
    if (w == "5+0" || w == "50") return std::string("raid50");
    if (w == "6+0" || w == "60") return std::string("raid60");
    static constexpr std::array simple = {"0", "1", "1e", "00", "4", "5", "6", "5ee", "10"};
    for (std::string_view s : simple)
        if (w == s) return "raid" + w;
    if (w == "adg") return std::string("raid6");  // HPE "Advanced Data Guarding"
    if (w == "simplevolume" || w == "jbod" || w == "volume") return std::string("jbod");
    if (w == "spannedvolume" || w == "span" || w == "spanned") return std::string("linear");  // concatenation, no redundancy
    return w.empty() ? std::nullopt : std::optional<std::string>("raid" + w);
}

std::optional<int> hwRedundancy(std::string_view level) {
    if (level == "raid0" || level == "raid00" || level == "jbod" || level == "linear") return 0;
    if (level == "raid1" || level == "raid1e" || level == "raid10" || level == "raid4" || level == "raid5" ||
        level == "raid50" || level == "raid5ee")
        return 1;
    if (level == "raid6" || level == "raid60") return 2;
    return std::nullopt;
}

void addFinding(Health& h, std::vector<std::string>& reasons, Health level, std::string reason) {
    h = worse(h, level);
    reasons.push_back(std::move(reason));
}

void classifyArray(Array& a, std::string_view label) {
    a.reasons.clear();
    a.health = Health::OK;
    const std::string name(label);
    // -1: the level's redundancy is not known.
    const int red = a.level ? hwRedundancy(*a.level).value_or(-1) : -1;
    if (a.state == "optimal") {
        if (red >= 0) a.redundancyLeft = red;
    } else if (a.state == "degraded") {
        if (red >= 0 && !a.redundancyLeft) a.redundancyLeft = std::max(red - 1, 0);
        const bool none = !a.redundancyLeft || *a.redundancyLeft == 0;
        addFinding(a.health, a.reasons, none ? Health::Critical : Health::Warning,
                   name + " is degraded: a member drive is missing or failed" +
                       (none ? ", no redundancy left: one more failure loses data" : "") + "; replace the drive");
    } else if (a.state == "rebuilding") {
        if (red >= 0 && !a.redundancyLeft) a.redundancyLeft = std::max(red - 1, 0);
        std::string pct;
        // A decoder's percentage is untrusted: only 0..100 is printed (a cast of NaN or 1e300 is UB).
        if (a.operation && a.operation->percent && *a.operation->percent >= 0.0 && *a.operation->percent <= 100.0)
            pct = " (" + std::to_string(static_cast<int>(*a.operation->percent)) + "% done)";
        addFinding(a.health, a.reasons, Health::Warning,
                   name + " is rebuilding" + pct + ": redundancy is reduced until it finishes; do not pull another drive");
    } else if (a.state == "failed") {
        a.redundancyLeft = 0;
        addFinding(a.health, a.reasons, Health::Critical,
                   name + " has failed (offline): its data is not accessible; do not pull any drive, call support");
    } else if (a.state == "inactive") {
        addFinding(a.health, a.reasons, Health::Warning, name + " is not active (foreign or not imported)");
    } else if (a.state == "resyncing" || a.state == "checking" || a.state == "reshaping") {
        if (red >= 0) a.redundancyLeft = red;
    } else {
        addFinding(a.health, a.reasons, Health::Unknown, name + ": state not known to raidmon");
    }
}

void classifyDrive(Drive& d, std::string_view where) {
    d.reasons.clear();
    d.health = Health::OK;
    const std::string at = where.empty() ? std::string() : " (" + std::string(where) + ")";
    const auto* cv = d.controllerView ? &*d.controllerView : nullptr;
    const std::string raw = cv && cv->state ? " ('" + *cv->state + "')" : std::string();
    if (d.state) {
        switch (*d.state) {
        case DriveState::failed:
            addFinding(d.health, d.reasons, Health::Critical,
                       "the controller reports this drive as failed" + raw + at + ": replace it");
            break;
        case DriveState::offline:
            addFinding(d.health, d.reasons, Health::Critical,
                       "the controller has taken this drive offline" + raw + at + ": it no longer serves data");
            break;
        case DriveState::missing:
            addFinding(d.health, d.reasons, Health::Critical, "this drive is missing" + raw + at);
            break;
        case DriveState::rebuilding:
            addFinding(d.health, d.reasons, Health::Warning, "this drive is being rebuilt" + at + ": do not pull it");
            break;
        default: break;
        }
    } else {
        addFinding(d.health, d.reasons, Health::Unknown, "the controller's state word" + raw + " is not known to raidmon");
    }
    if (d.failurePredicted && *d.failurePredicted)
        addFinding(d.health, d.reasons, Health::Warning,
                   "predictive failure" +
                       (cv && cv->predictiveFailures ? " (count " + std::to_string(*cv->predictiveFailures) + ")"
                                                     : std::string()) +
                       at + ": plan to replace this drive");
    if (cv) {
        if (cv->smartAlert && *cv->smartAlert)
            addFinding(d.health, d.reasons, Health::Warning, "the drive has raised a SMART alert" + at);
        if (cv->mediaErrors && *cv->mediaErrors > 0)
            addFinding(d.health, d.reasons, Health::Warning,
                       std::to_string(*cv->mediaErrors) + " media error(s) reported by the controller" + at +
                           ": unreadable sectors; a rebuild that needs them will fail");
        if (cv->otherErrors && *cv->otherErrors > 0)
            d.reasons.push_back(std::to_string(*cv->otherErrors) +
                                " other error(s) (link, timeout or reset) reported by the controller" + at);
        if (cv->foreign && *cv->foreign)
            addFinding(d.health, d.reasons, Health::Warning,
                       "this drive carries a foreign configuration" + at + ": import or clear it before use");
    }
}

void classifyController(Controller& c) {
    c.reasons.clear();
    c.health = Health::OK;
    const std::string name = c.model.value_or(c.id);
    if (c.status) {
        auto s = toLower(*c.status);
        if (s != "optimal" && s != "ok" && s != "okay")
            addFinding(c.health, c.reasons, s.find("fail") != std::string::npos ? Health::Critical : Health::Warning,
                       name + ": controller status is '" + *c.status + "'");
    }
    if (c.batteryStatus) {
        auto s = toLower(*c.batteryStatus);
        const bool bad = s.find("fail") != std::string::npos || s.find("replace") != std::string::npos ||
                         s.find("non operational") != std::string::npos || s.find("missing") != std::string::npos ||
                         s.find("degraded") != std::string::npos;
        const bool transient = s.find("charg") != std::string::npos || s.find("learn") != std::string::npos;
        if (bad)
            addFinding(c.health, c.reasons, Health::Warning,
                       name + ": cache battery/capacitor '" + *c.batteryStatus +
                           "': write cache is unprotected or disabled; replace the battery");
        else if (transient)
            addFinding(c.health, c.reasons, Health::Warning,
                       name + ": cache battery/capacitor is '" + *c.batteryStatus + "' (write-back cache may be off meanwhile)");
    }
    if (c.cacheStatus) {
        auto s = toLower(*c.cacheStatus);
        if (s.find("disabled") != std::string::npos || s.find("fail") != std::string::npos ||
            s.find("error") != std::string::npos)
            addFinding(c.health, c.reasons, Health::Warning,
                       name + ": cache is '" + *c.cacheStatus + "': writes are slower and unprotected by cache");
    }
}

std::optional<std::string> normalizeWwn(std::string_view s) {
    s = trim(s);
    if (startsWith(s, "0x") || startsWith(s, "0X")) s.remove_prefix(2);
    if (s.size() != 16 && s.size() != 32) return std::nullopt;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return std::nullopt;
    if (s.find_first_not_of('0') == std::string_view::npos) return std::nullopt;  // all zero: no WWN
    return "0x" + toLower(s);
}

std::optional<std::string> text(std::string_view s) {
    auto p = printable(s);
    if (p.empty()) return std::nullopt;
    static constexpr std::array placeholders = {"n/a", "na", "-", "unknown", "not applicable", "none", "not available"};
    auto l = toLower(p);
    for (std::string_view ph : placeholders)
        if (l == ph) return std::nullopt;
    return p;
}

void sortBySlot(std::vector<Drive>& drives) {
    auto key = [](const Drive& d) {
        const std::string e = d.location.enclosure.value_or("");
        return std::make_tuple(parseInt<long>(e).value_or(-1), e, d.location.slot.value_or(-1));
    };
    std::stable_sort(drives.begin(), drives.end(), [&](const Drive& a, const Drive& b) { return key(a) < key(b); });
}

std::string locationId(const Drive& d) {
    std::string id = d.location.controller.value_or("ctl");
    if (d.location.enclosure) id += "/e" + *d.location.enclosure;
    if (d.location.slot) id += "/s" + std::to_string(*d.location.slot);
    if (!d.location.enclosure && !d.location.slot && d.location.megaraidDid)
        id += "/did" + std::to_string(*d.location.megaraidDid);
    return id;
}

void assignDriveIds(std::vector<Drive>& drives, std::vector<std::string>& notes) {
    std::map<std::string, int> seen;
    for (auto& d : drives) {
        d.id = (d.wwn || d.serial) ? makeDriveId(d) : locationId(d);
        ++seen[d.id];
    }
    for (const auto& [id, count] : seen)
        if (count > 1)
            notes.push_back(std::to_string(count) + " drives share the identity '" + id +
                            "' (redacted or blank serial/WWN): their ids are taken from their location");
    for (auto& d : drives)
        if (seen[d.id] > 1) d.id = locationId(d);
}

std::string lineError(std::string_view what, const KvLine& l, std::string_view message) {
    return std::string(what) + ": line " + std::to_string(l.number) + ": " + std::string(message) + " (" +
           quoteForError(l.raw, 60) + ")";
}

bool endsWithLine(std::string_view t, std::string_view trailerPrefix) {
    auto ls = lines(t);
    for (auto it = ls.rbegin(); it != ls.rend(); ++it) {
        auto l = trim(*it);
        if (l.empty()) continue;
        return startsWith(l, trailerPrefix);
    }
    return false;
}

} // namespace raidmon::detail::ctl
