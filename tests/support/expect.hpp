// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Expectation files for captures: the fields a person reads in a capture, written down by hand, one
// line each, checked against what decode() makes of it (tests/data/expected/README.md).
//
//   # comment
//   format = "storcli-json"                       the format detected automatically
//   error = "truncated"                           decode() must fail, its message containing this
//   count drives = 6                              the number of elements at a path
//   drives[serial=Z1Z3A003].state = "failed"      the value at a path (JSON: string, number, null, bool)
//   drives[0].reasons contains "SMART"            a string containing, or an array holding, a value
//
// A path is segments separated by '.', each a key optionally followed by selectors: [N] (an index)
// or [key=value] (the one element whose `key`, itself a dotted path, renders as `value`: strings as
// they are, numbers and booleans as JSON). A selector that matches no element, or more than one,
// fails: `drives[serial=X]` also checks that drive X is listed once.
#include <cmath>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace raidmon::test {

using Json = nlohmann::json;

struct ExpectLine {
    int line = 0;
    enum class Kind { format, error, count, value, contains } kind = Kind::value;
    std::string path;
    Json value;
};

struct ExpectFile {
    std::vector<ExpectLine> lines;
    std::optional<std::string> format;
    std::optional<std::string> error;
};

inline std::string_view trimView(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

/// Parse an expectation file; a malformed line is a test error naming the line (returned as text).
inline std::optional<std::string> parseExpect(std::string_view text, ExpectFile& out) {
    int no = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        std::string_view raw = trimView(text.substr(pos, nl - pos));
        pos = nl + 1;
        ++no;
        if (raw.empty() || raw.front() == '#') continue;
        ExpectLine l;
        l.line = no;
        std::string_view lhs, rhs;
        if (auto eq = raw.find(" = "); eq != std::string_view::npos) {
            lhs = trimView(raw.substr(0, eq));
            rhs = trimView(raw.substr(eq + 3));
        } else if (auto c = raw.find(" contains "); c != std::string_view::npos) {
            lhs = trimView(raw.substr(0, c));
            rhs = trimView(raw.substr(c + 10));
            l.kind = ExpectLine::Kind::contains;
        } else {
            return "line " + std::to_string(no) + ": expected 'PATH = VALUE' or 'PATH contains VALUE'";
        }
        try {
            l.value = Json::parse(rhs);
        } catch (const std::exception& e) {
            return "line " + std::to_string(no) + ": value is not JSON: " + std::string(rhs);
        }
        if (l.kind == ExpectLine::Kind::value) {
            if (lhs == "format") {
                l.kind = ExpectLine::Kind::format;
                if (!l.value.is_string()) return "line " + std::to_string(no) + ": format takes a string";
                out.format = l.value.get<std::string>();
            } else if (lhs == "error") {
                l.kind = ExpectLine::Kind::error;
                if (!l.value.is_string()) return "line " + std::to_string(no) + ": error takes a string";
                out.error = l.value.get<std::string>();
            } else if (lhs.starts_with("count ")) {
                l.kind = ExpectLine::Kind::count;
                lhs = trimView(lhs.substr(6));
                if (!l.value.is_number_unsigned()) return "line " + std::to_string(no) + ": count takes a number";
            }
        }
        l.path = std::string(lhs);
        out.lines.push_back(std::move(l));
    }
    if (!out.format) return "no 'format = ...' line";
    return std::nullopt;
}

/// How a selector compares: strings as they are, everything else as compact JSON.
inline std::string renderForSelector(const Json& v) {
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
}

struct PathResult {
    const Json* value = nullptr;
    std::string error;
};

inline PathResult resolve(const Json& root, std::string_view path);

namespace detail_expect {

/// Split at '.' outside brackets.
inline std::vector<std::string> segments(std::string_view path) {
    std::vector<std::string> out;
    std::string cur;
    int depth = 0;
    for (char c : path) {
        if (c == '[') ++depth;
        if (c == ']') --depth;
        if (c == '.' && depth == 0) {
            out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    out.push_back(cur);
    return out;
}

} // namespace detail_expect

inline PathResult resolve(const Json& root, std::string_view path) {
    const Json* cur = &root;
    for (const auto& seg : detail_expect::segments(path)) {
        std::string_view s = seg;
        auto br = s.find('[');
        std::string key(s.substr(0, br));
        if (!key.empty()) {
            if (!cur->is_object() || !cur->contains(key)) return {nullptr, "no key '" + key + "' at '" + std::string(path) + "'"};
            cur = &(*cur)[key];
        }
        while (br != std::string_view::npos) {
            auto close = s.find(']', br);
            if (close == std::string_view::npos) return {nullptr, "unclosed '[' in '" + std::string(path) + "'"};
            std::string sel(s.substr(br + 1, close - br - 1));
            if (!cur->is_array()) return {nullptr, "'" + key + "' is not an array in '" + std::string(path) + "'"};
            if (auto eq = sel.find('='); eq != std::string::npos) {
                std::string k = sel.substr(0, eq), want = sel.substr(eq + 1);
                const Json* found = nullptr;
                int matches = 0;
                for (const auto& el : *cur) {
                    auto r = resolve(el, k);
                    if (r.value && renderForSelector(*r.value) == want) {
                        found = &el;
                        ++matches;
                    }
                }
                if (matches != 1)
                    return {nullptr, std::to_string(matches) + " elements match [" + sel + "] in '" + std::string(path) + "'"};
                cur = found;
            } else {
                std::size_t idx = 0;
                for (char c : sel) {
                    if (c < '0' || c > '9') return {nullptr, "bad index [" + sel + "] in '" + std::string(path) + "'"};
                    idx = idx * 10 + static_cast<std::size_t>(c - '0');
                }
                if (idx >= cur->size()) return {nullptr, "index [" + sel + "] out of range in '" + std::string(path) + "'"};
                cur = &(*cur)[idx];
            }
            br = s.find('[', close);
        }
    }
    return {cur, {}};
}

/// Numbers compare by value (integers exactly, floats to 1e-9 relative); the rest as JSON.
inline bool jsonEqual(const Json& a, const Json& b) {
    if (a.is_number() && b.is_number()) {
        if (a.is_number_float() || b.is_number_float()) {
            double x = a.get<double>(), y = b.get<double>();
            return std::fabs(x - y) <= 1e-9 * std::max(1.0, std::fabs(y));
        }
        if (a.is_number_unsigned() && b.is_number_unsigned()) return a.get<std::uint64_t>() == b.get<std::uint64_t>();
        return a.get<std::int64_t>() == b.get<std::int64_t>();
    }
    return a == b;
}

/// Check every line against the decoded capture (toJson(Capture) parsed). Returns the failures.
inline std::vector<std::string> checkExpect(const ExpectFile& f, const Json& decoded) {
    std::vector<std::string> bad;
    for (const auto& l : f.lines) {
        const std::string where = "line " + std::to_string(l.line) + " (" + l.path + "): ";
        switch (l.kind) {
        case ExpectLine::Kind::format:
            if (!decoded.contains("format") || decoded["format"] != l.value)
                bad.push_back(where + "format is " + decoded.value("format", Json()).dump() + ", expected " + l.value.dump());
            break;
        case ExpectLine::Kind::error:
            break;
        case ExpectLine::Kind::count: {
            auto r = resolve(decoded, l.path);
            if (!r.value) bad.push_back(where + r.error);
            else if (!r.value->is_array()) bad.push_back(where + "not an array");
            else if (r.value->size() != l.value.get<std::size_t>())
                bad.push_back(where + "has " + std::to_string(r.value->size()) + " elements, expected " + l.value.dump());
            break;
        }
        case ExpectLine::Kind::value: {
            auto r = resolve(decoded, l.path);
            if (!r.value) bad.push_back(where + r.error);
            else if (!jsonEqual(*r.value, l.value)) bad.push_back(where + "is " + r.value->dump() + ", expected " + l.value.dump());
            break;
        }
        case ExpectLine::Kind::contains: {
            auto r = resolve(decoded, l.path);
            if (!r.value) {
                bad.push_back(where + r.error);
            } else if (r.value->is_string() && l.value.is_string()) {
                if (r.value->get<std::string>().find(l.value.get<std::string>()) == std::string::npos)
                    bad.push_back(where + r.value->dump() + " does not contain " + l.value.dump());
            } else if (r.value->is_array()) {
                bool any = false;
                for (const auto& el : *r.value) {
                    if (jsonEqual(el, l.value) ||
                        (el.is_string() && l.value.is_string() && el.get<std::string>().find(l.value.get<std::string>()) != std::string::npos))
                        any = true;
                }
                if (!any) bad.push_back(where + r.value->dump() + " holds nothing like " + l.value.dump());
            } else {
                bad.push_back(where + "'contains' needs a string or an array, found " + r.value->dump());
            }
            break;
        }
        }
    }
    return bad;
}

} // namespace raidmon::test
