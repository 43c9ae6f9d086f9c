// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Typed, path-tracking access to an untrusted nlohmann::json document. Every getter returns
// nullopt for an absent or null field; a field of the wrong type records the first error, named by
// its path ("ata_smart_attributes.table[3].raw.value: expected an integer, got \"x\""). Decoders
// check error() once at the end, so a bad field is never silently read as absent.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <raidmon/error.hpp>

namespace raidmon::detail {

class JsonWalk {
public:
    using Json = nlohmann::json;

    /// A node and its path from the document root.
    struct Node {
        const Json* json = nullptr;
        std::string path;
    };

    /// Parse `text`; a syntax error (truncation included) becomes "line L, column C: ...", lines
    /// counted from `firstLine` (the line of the capture where `text` starts).
    static Result<Json> parse(std::string_view text, std::size_t firstLine = 1);

    [[nodiscard]] Node root(const Json& j) const { return Node{&j, ""}; }

    /// The member `key` of an object node (nullopt if absent or null; error if `n` is no object).
    std::optional<Node> member(const Node& n, std::string_view key);
    /// The member `key`, required to be an object / an array.
    std::optional<Node> object(const Node& n, std::string_view key);
    std::optional<Node> array(const Node& n, std::string_view key);
    /// Element i of an array node.
    [[nodiscard]] Node element(const Node& n, std::size_t i) const;
    [[nodiscard]] std::size_t size(const Node& n) const;

    /// Unsigned integer: a JSON integer >= 0, a float with no fraction (nvme-cli 2.x emits 128-bit
    /// counters as doubles), or a string holding such a number, grouped in the printing locale or
    /// not ("2,752,848", "4974.0": nvme-cli 2.x). i64/integer accept the same forms with a sign.
    std::optional<std::uint64_t> u64(const Node& n, std::string_view key);
    std::optional<std::int64_t> i64(const Node& n, std::string_view key);
    /// u64 that must fit an int.
    std::optional<int> integer(const Node& n, std::string_view key);
    std::optional<double> number(const Node& n, std::string_view key);
    std::optional<std::string> string(const Node& n, std::string_view key);
    std::optional<bool> boolean(const Node& n, std::string_view key);

    /// The same conversions on a node itself.
    std::optional<std::uint64_t> u64(const Node& n);
    std::optional<std::int64_t> i64(const Node& n);

    /// Record an error at a node (only the first one is kept).
    void fail(const std::string& path, std::string_view message);
    [[nodiscard]] bool failed() const { return error_.has_value(); }
    /// The first error as a parse_error, prefixed with "field ".
    [[nodiscard]] Error error() const;

    static std::string join(const std::string& path, std::string_view key);

private:
    std::optional<std::string> error_;
};

} // namespace raidmon::detail
