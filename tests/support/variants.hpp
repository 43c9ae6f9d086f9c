// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Re-emissions of a capture that must decode to the same model (test_capture_variants.cpp).
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace raidmon::test {

struct Variant {
    std::string name;
    std::string text;
};

inline bool looksLikeJson(std::string_view t) {
    auto p = t.find_first_not_of(" \t\r\n");
    return p != std::string_view::npos && (t[p] == '{' || t[p] == '[');
}

inline std::string withCrlf(std::string_view t) {
    std::string out;
    out.reserve(t.size() + t.size() / 16);
    for (char c : t) {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

inline std::string withTrailingBlanks(std::string_view t) {
    std::string out;
    for (char c : t) {
        if (c == '\n') out += "  ";
        out += c;
    }
    return out;
}

/// Every number (but in arrays of numbers that are byte dumps) turned into its text, as nvme-cli 2.x does.
inline nlohmann::json numbersAsStrings(const nlohmann::json& j) {
    if (j.is_object()) {
        nlohmann::json o = nlohmann::json::object();
        for (auto it = j.begin(); it != j.end(); ++it) o[it.key()] = numbersAsStrings(it.value());
        return o;
    }
    if (j.is_array()) {
        nlohmann::json a = nlohmann::json::array();
        for (const auto& e : j) a.push_back(numbersAsStrings(e));
        return a;
    }
    if (j.is_number()) return j.dump();
    return j;
}

/// The same document with every object's keys in reverse order.
inline std::string reversedKeys(const nlohmann::ordered_json& j, int indent) {
    std::function<nlohmann::ordered_json(const nlohmann::ordered_json&)> rev = [&](const nlohmann::ordered_json& x) {
        if (x.is_object()) {
            nlohmann::ordered_json o = nlohmann::ordered_json::object();
            std::vector<std::string> keys;
            for (auto it = x.begin(); it != x.end(); ++it) keys.push_back(it.key());
            for (auto k = keys.rbegin(); k != keys.rend(); ++k) o[*k] = rev(x[*k]);
            return o;
        }
        if (x.is_array()) {
            nlohmann::ordered_json a = nlohmann::ordered_json::array();
            for (const auto& e : x) a.push_back(rev(e));
            return a;
        }
        return x;
    };
    return rev(j).dump(indent);
}

/// Per format: the capture with its sections in another order (a decoder's own knowledge of where
/// one section ends). Returns "" when the capture has nothing to reorder.
struct SectionReorder {
    std::string_view format;
    std::string (*reorder)(std::string_view text);
};
const std::vector<SectionReorder>& sectionReorders();

inline std::vector<Variant> variantsOf(std::string_view format, std::string_view text) {
    std::vector<Variant> out;
    out.push_back({"crlf", withCrlf(text)});
    out.push_back({"trailing-blanks", withTrailingBlanks(text)});
    out.push_back({"banner", "Warning: this line stands for a banner or warning printed before the payload\n\n" + std::string(text)});
    if (looksLikeJson(text)) {
        try {
            auto j = nlohmann::ordered_json::parse(text.begin(), text.end());
            out.push_back({"numbers-as-strings", numbersAsStrings(nlohmann::json::parse(text.begin(), text.end())).dump(2)});
            out.push_back({"reversed-keys", reversedKeys(j, 2)});
            out.push_back({"one-line", j.dump()});
        } catch (const std::exception&) {
            // Not one JSON document (a banner or a stream): the generic variants only.
        }
    }
    for (const auto& r : sectionReorders()) {
        if (r.format != format) continue;
        if (auto t = r.reorder(text); !t.empty()) out.push_back({"sections-reordered", std::move(t)});
    }
    return out;
}

} // namespace raidmon::test
