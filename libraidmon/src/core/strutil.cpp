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
