// SPDX-License-Identifier: LGPL-2.1-or-later
#include "strutil.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace raidmon::detail {

std::optional<double> parseDouble(std::string_view s) noexcept {
    s = trim(s);
    if (s.empty()) return std::nullopt;
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::optional<double> parseLocaleDouble(std::string_view s) noexcept {
    s = trim(s);
    const auto comma = s.find(',');
    if (comma == std::string_view::npos) return parseDouble(s);
    if (s.find(',', comma + 1) != std::string_view::npos || s.find('.') != std::string_view::npos) return std::nullopt;
    char buf[64];
    if (s.size() >= sizeof buf) return std::nullopt;
    for (std::size_t i = 0; i < s.size(); ++i) buf[i] = s[i] == ',' ? '.' : s[i];
    return parseDouble(std::string_view(buf, s.size()));
}

std::optional<int> parseTemperatureC(std::string_view s) noexcept {
    s = trim(s);
    // storcli "34C (93.20 F)", smartctl "34 C (Min/Max 20/45)": the first reading is the one.
    if (auto paren = s.find('('); paren != std::string_view::npos && paren > 0) s = trim(s.substr(0, paren));
    std::size_t n = 0;
    if (n < s.size() && (s[n] == '-' || s[n] == '+')) ++n;
    while (n < s.size() && ((s[n] >= '0' && s[n] <= '9') || s[n] == '.' || s[n] == ',')) ++n;
    auto v = parseLocaleDouble(s.substr(0, n));
    if (!v) return std::nullopt;
    std::string_view unit = trim(s.substr(n));
    if (startsWith(unit, "\xC2\xB0")) unit.remove_prefix(2);  // UTF-8 degree sign
    else if (startsWith(unit, "\xB0")) unit.remove_prefix(1);  // Latin-1 degree sign
    else if (startsWith(unit, "deg")) unit = trim(unit.substr(3));
    const std::string u = toLower(trim(unit));
    double c = *v;
    if (u.empty() || u == "c" || u == "celsius" || u == "degrees c" || u == "degrees celsius") {
    } else if (u == "f" || u == "fahrenheit" || u == "degrees f" || u == "degrees fahrenheit") {
        c = (*v - 32.0) * 5.0 / 9.0;
    } else {
        return std::nullopt;
    }
    if (!(c >= -60.0 && c <= 200.0)) return std::nullopt;
    return static_cast<int>(std::lround(c));
}

std::optional<std::uint64_t> parseGroupedUint(std::string_view s) noexcept {
    s = trim(s);
    if (s.empty()) return std::nullopt;
    // Separators: 1 ',' 2 '.' 3 ' ' 4 '\'' 5 U+00A0 6 U+202F 7 U+2009 8 U+2019.
    static constexpr std::string_view kSeps[] = {",", ".", " ", "'", "\xC2\xA0", "\xE2\x80\xAF", "\xE2\x80\x89", "\xE2\x80\x99"};
    constexpr std::size_t kMaxGroups = 16;
    std::string_view groups[kMaxGroups];
    int seps[kMaxGroups] = {};
    std::size_t n = 0, i = 0;
    while (true) {
        std::size_t start = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        if (i == start || n == kMaxGroups) return std::nullopt;
        groups[n] = s.substr(start, i - start);
        if (i == s.size()) {
            ++n;
            break;
        }
        int sep = 0;
        for (std::size_t k = 0; k < std::size(kSeps); ++k)
            if (startsWith(s.substr(i), kSeps[k])) {
                sep = static_cast<int>(k) + 1;
                i += kSeps[k].size();
                break;
            }
        if (sep == 0) return std::nullopt;
        seps[n++] = sep;
    }
    // A trailing fraction of zeros ("4974.0", "1,000.00"): not a grouping of three digits, or a
    // different separator than the grouping before it.
    if (n >= 2) {
        const int last = seps[n - 2];
        const auto frac = groups[n - 1];
        const bool zeros = frac.find_first_not_of('0') == std::string_view::npos;
        const bool differs = n >= 3 && seps[n - 3] != last;
        if ((last == 1 || last == 2) && zeros && (frac.size() != 3 || differs)) --n;
        else if ((last == 1 || last == 2) && !zeros && (frac.size() != 3 || differs)) return std::nullopt;
    }
    std::string digits(groups[0]);
    if (n > 1 && groups[0].size() > 3) return std::nullopt;
    for (std::size_t g = 1; g < n; ++g) {
        if (seps[g - 1] != seps[0] || groups[g].size() != 3) return std::nullopt;
        digits += groups[g];
    }
    return parseInt<std::uint64_t>(digits);
}

std::string normaliseLineEnds(std::string_view s) {
    if (startsWith(s, "\xEF\xBB\xBF")) s.remove_prefix(3);
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r') {
            out += '\n';
            if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::vector<std::string_view> split(std::string_view s, char delim) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (;;) {
        auto pos = s.find(delim, start);
        if (pos == std::string_view::npos) {
            out.push_back(s.substr(start));
            return out;
        }
        out.push_back(s.substr(start, pos - start));
        start = pos + 1;
    }
}

std::vector<std::string_view> splitWs(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && isSpace(s[i])) ++i;
        std::size_t j = i;
        while (j < s.size() && !isSpace(s[j])) ++j;
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

std::vector<std::string_view> lines(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (start < s.size()) {
        auto pos = s.find('\n', start);
        std::string_view l = pos == std::string_view::npos ? s.substr(start) : s.substr(start, pos - start);
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        out.push_back(l);
        if (pos == std::string_view::npos) break;
        start = pos + 1;
    }
    return out;
}

std::string printable(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        out.push_back(u >= 0x20 && u < 0x7f ? c : (c == '\0' ? ' ' : '?'));
    }
    return std::string(trim(out));
}

std::string quoteForError(std::string_view s, std::size_t max) {
    std::string body = printable(s.substr(0, max));
    std::string out = "'" + body + "'";
    if (s.size() > max) out += "...";
    return out;
}

std::string toLower(std::string_view s) {
    std::string o(s);
    for (auto& c : o) if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return o;
}

std::string toUpper(std::string_view s) {
    std::string o(s);
    for (auto& c : o) if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return o;
}

std::string underscoreSpaces(std::string_view s) {
    std::string o;
    bool inSpace = false;
    for (char c : trim(s)) {
        if (isSpace(c)) {
            if (!inSpace) o.push_back('_');
            inSpace = true;
        } else {
            o.push_back(c);
            inSpace = false;
        }
    }
    return o;
}

std::string hex(const unsigned char* p, std::size_t n) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string o;
    o.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        o.push_back(digits[p[i] >> 4]);
        o.push_back(digits[p[i] & 0xf]);
    }
    return o;
}

std::optional<std::vector<unsigned char>> unhex(std::string_view s) {
    s = trim(s);
    if (s.size() % 2) return std::nullopt;
    auto nib = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::vector<unsigned char> out;
    out.reserve(s.size() / 2);
    for (std::size_t i = 0; i < s.size(); i += 2) {
        int hi = nib(s[i]), lo = nib(s[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<unsigned char>(hi << 4 | lo));
    }
    return out;
}

std::string humanBytes(std::uint64_t bytes) {
    static constexpr const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1000.0 && u < 6) {
        v /= 1000.0;
        ++u;
    }
    char buf[32];
    if (u == 0)
        std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));  // exact below 1 kB
    else
        std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return buf;
}

} // namespace raidmon::detail
