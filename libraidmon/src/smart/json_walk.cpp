// SPDX-License-Identifier: LGPL-2.1-or-later
#include "json_walk.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/strutil.hpp"

namespace raidmon::detail {

namespace {

std::string describe(const nlohmann::json& j) {
    std::string s = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return quoteForError(s, 30);
}

// 2^64 as a double; every double below it converts to uint64_t exactly.
constexpr double kTwo64 = 18446744073709551616.0;

/// A count printed as text: "4974", "2,752,848" (nvme-cli 2.3 under a grouping locale), "4974.0",
/// "1.2e+07" (a long double printed by a build without integer 128-bit support).
std::optional<std::uint64_t> countText(std::string_view s) {
    if (auto v = parseGroupedUint(s)) return v;
    if (auto d = parseDouble(trim(s)); d && *d >= 0 && *d < kTwo64 && std::floor(*d) == *d)
        return static_cast<std::uint64_t>(*d);
    return std::nullopt;
}

} // namespace

Result<JsonWalk::Json> JsonWalk::parse(std::string_view text, std::size_t firstLine) {
    auto place = [&](std::size_t pos) {
        if (pos > text.size()) pos = text.size();
        std::size_t line = firstLine, col = 1;
        for (std::size_t i = 0; i < pos; ++i) {
            if (text[i] == '\n') {
                ++line;
                col = 1;
            } else {
                ++col;
            }
        }
        return "line " + std::to_string(line) + ", column " + std::to_string(col) + ": ";
    };
    try {
        return Json::parse(text.begin(), text.end());
    } catch (const Json::parse_error& e) {
        // e.byte is 1-based and points just past the offending character.
        std::size_t pos = e.byte == 0 ? 0 : e.byte - 1;
        std::string what = pos >= text.size() ? "unexpected end of input (truncated?)" : "invalid JSON";
        return raidmon::fail(errc::parse_error, place(pos) + what);
    } catch (const Json::out_of_range& e) {
        // A number beyond a double ("10e310"): the message quotes the token, which places it.
        std::string_view msg = e.what();
        std::size_t pos = text.size();
        if (auto q = msg.find('\''); q != std::string_view::npos) {
            auto token = msg.substr(q + 1, msg.find('\'', q + 1) - q - 1);
            if (auto at = text.find(token); !token.empty() && at != std::string_view::npos) pos = at;
        }
        return raidmon::fail(errc::parse_error, place(pos) + "a number out of range");
    }
}

std::string JsonWalk::join(const std::string& path, std::string_view key) {
    if (path.empty()) return std::string(key);
    return path + "." + std::string(key);
}

void JsonWalk::fail(const std::string& path, std::string_view message) {
    if (!error_) error_ = (path.empty() ? std::string("(document)") : path) + ": " + std::string(message);
}

Error JsonWalk::error() const { return Error(errc::parse_error, "field " + error_.value_or("?")); }

std::optional<JsonWalk::Node> JsonWalk::member(const Node& n, std::string_view key) {
    if (!n.json) return std::nullopt;
    if (!n.json->is_object()) {
        fail(n.path, "expected an object, got " + describe(*n.json));
        return std::nullopt;
    }
    auto it = n.json->find(key);
    if (it == n.json->end() || it->is_null()) return std::nullopt;
    return Node{&*it, join(n.path, key)};
}

std::optional<JsonWalk::Node> JsonWalk::object(const Node& n, std::string_view key) {
    auto m = member(n, key);
    if (!m) return std::nullopt;
    if (!m->json->is_object()) {
        fail(m->path, "expected an object, got " + describe(*m->json));
        return std::nullopt;
    }
    return m;
}

std::optional<JsonWalk::Node> JsonWalk::array(const Node& n, std::string_view key) {
    auto m = member(n, key);
    if (!m) return std::nullopt;
    if (!m->json->is_array()) {
        fail(m->path, "expected an array, got " + describe(*m->json));
        return std::nullopt;
    }
    return m;
}

JsonWalk::Node JsonWalk::element(const Node& n, std::size_t i) const {
    return Node{&(*n.json)[i], n.path + "[" + std::to_string(i) + "]"};
}

std::size_t JsonWalk::size(const Node& n) const { return n.json && n.json->is_array() ? n.json->size() : 0; }

std::optional<std::uint64_t> JsonWalk::u64(const Node& n) {
    const Json& j = *n.json;
    if (j.is_number_unsigned()) return j.get<std::uint64_t>();
    if (j.is_number_integer()) {
        auto v = j.get<std::int64_t>();
        if (v >= 0) return static_cast<std::uint64_t>(v);
    } else if (j.is_number_float()) {
        double d = j.get<double>();
        if (std::isfinite(d) && d >= 0 && d < kTwo64 && std::floor(d) == d) return static_cast<std::uint64_t>(d);
    } else if (j.is_string()) {
        if (auto v = countText(j.get_ref<const std::string&>())) return v;
    }
    fail(n.path, "expected a non-negative integer, got " + describe(j));
    return std::nullopt;
}

std::optional<std::int64_t> JsonWalk::i64(const Node& n) {
    const Json& j = *n.json;
    if (j.is_number_integer() && !j.is_number_unsigned()) return j.get<std::int64_t>();
    if (j.is_number_unsigned()) {
        auto v = j.get<std::uint64_t>();
        if (v <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return static_cast<std::int64_t>(v);
    } else if (j.is_number_float()) {
        double d = j.get<double>();
        if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.2e18) return static_cast<std::int64_t>(d);
    } else if (j.is_string()) {
        // nvme-cli 2.x prints its counters as strings; numbers may come that way in any field.
        std::string_view t = trim(j.get_ref<const std::string&>());
        const bool negative = startsWith(t, "-");
        if (negative) t.remove_prefix(1);
        if (auto v = countText(t); v && *v <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            return negative ? -static_cast<std::int64_t>(*v) : static_cast<std::int64_t>(*v);
    }
    fail(n.path, "expected an integer, got " + describe(j));
    return std::nullopt;
}

std::optional<std::uint64_t> JsonWalk::u64(const Node& n, std::string_view key) {
    auto m = member(n, key);
    return m ? u64(*m) : std::nullopt;
}

std::optional<std::int64_t> JsonWalk::i64(const Node& n, std::string_view key) {
    auto m = member(n, key);
    return m ? i64(*m) : std::nullopt;
}

std::optional<int> JsonWalk::integer(const Node& n, std::string_view key) {
    auto m = member(n, key);
    if (!m) return std::nullopt;
    auto v = i64(*m);
    if (!v) return std::nullopt;
    if (*v < std::numeric_limits<int>::min() || *v > std::numeric_limits<int>::max()) {
        fail(m->path, "out of range: " + std::to_string(*v));
        return std::nullopt;
    }
    return static_cast<int>(*v);
}

std::optional<double> JsonWalk::number(const Node& n, std::string_view key) {
    auto m = member(n, key);
    if (!m) return std::nullopt;
    if (m->json->is_number()) {
        double d = m->json->get<double>();
        if (std::isfinite(d)) return d;
    } else if (m->json->is_string()) {
        // smartctl prints "gigabytes_processed" as a string ("386.568")
        if (auto d = parseDouble(m->json->get_ref<const std::string&>())) return d;
    }
    fail(m->path, "expected a number, got " + describe(*m->json));
    return std::nullopt;
}

std::optional<std::string> JsonWalk::string(const Node& n, std::string_view key) {
    auto m = member(n, key);
    if (!m) return std::nullopt;
    if (!m->json->is_string()) {
        fail(m->path, "expected a string, got " + describe(*m->json));
        return std::nullopt;
    }
    return m->json->get<std::string>();
}

std::optional<bool> JsonWalk::boolean(const Node& n, std::string_view key) {
    auto m = member(n, key);
    if (!m) return std::nullopt;
    if (!m->json->is_boolean()) {
        fail(m->path, "expected true or false, got " + describe(*m->json));
        return std::nullopt;
    }
    return m->json->get<bool>();
}

} // namespace raidmon::detail
