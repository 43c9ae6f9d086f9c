// SPDX-License-Identifier: LGPL-2.1-or-later
#include <raidmon/units.hpp>

#include <cmath>
#include <span>
#include <string>
#include <utility>

#include "core/strutil.hpp"

namespace raidmon {

namespace {

using detail::quoteForError;

/// Split "12.5TB" into the number and the unit text (leading/trailing blanks and one blank between
/// number and unit allowed). nullopt if there is no leading number.
std::optional<std::pair<double, std::string_view>> splitNumber(std::string_view text) {
    text = detail::trim(text);
    std::size_t i = 0;
    auto isNum = [](char c) { return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'; };
    // Exponent letters only count when followed by a digit or sign ("1e-14"), not in "1EB".
    while (i < text.size() && isNum(text[i])) {
        if ((text[i] == 'e' || text[i] == 'E') &&
            (i + 1 >= text.size() || !((text[i + 1] >= '0' && text[i + 1] <= '9') || text[i + 1] == '-' || text[i + 1] == '+')))
            break;
        ++i;
    }
    auto value = detail::parseDouble(text.substr(0, i));
    if (!value) return std::nullopt;
    return std::pair{*value, detail::trim(text.substr(i))};
}

tl::unexpected<Error> bad(std::string_view text, std::string_view what) {
    return fail(errc::invalid_argument, quoteForError(text) + ": " + std::string(what));
}

using UnitTable = std::span<const std::pair<std::string_view, double>>;

/// A non-negative number and a unit from `units`; `what` names the quantity in messages.
Result<double> numberWithUnit(std::string_view text, UnitTable units, std::string_view what, std::string_view example,
                              std::string_view unitHelp) {
    auto parts = splitNumber(text);
    if (!parts) return bad(text, "not a " + std::string(what) + " (expected a number and a unit, e.g. " + std::string(example) + ")");
    auto [value, unit] = *parts;
    if (value < 0) return bad(text, "a " + std::string(what) + " cannot be negative");
    if (unit.empty()) return bad(text, "missing unit (" + std::string(unitHelp) + ")");
    for (const auto& [name, factor] : units)
        if (unit == name) return value * factor;
    return bad(text, "unknown " + std::string(what) + " unit " + quoteForError(unit) + " (" + std::string(unitHelp) + ")");
}

constexpr std::pair<std::string_view, double> kSizeUnits[] = {
    {"B", 1.0},         {"kB", 1e3},           {"KB", 1e3},                 {"MB", 1e6},
    {"GB", 1e9},        {"TB", 1e12},          {"PB", 1e15},                {"KiB", 1024.0},
    {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"TiB", 1099511627776.0}, {"PiB", 1125899906842624.0},
};
constexpr std::pair<std::string_view, double> kDurationUnits[] = {
    {"s", 1.0 / 3600}, {"m", 1.0 / 60}, {"h", 1.0}, {"d", 24.0}, {"y", 8760.0},
};

} // namespace

Result<double> parseSize(std::string_view text) {
    return numberWithUnit(text, kSizeUnits, "size", "3TB or 2.5TiB",
                          "B, kB, MB, GB, TB, PB are powers of 1000; KiB, MiB, GiB, TiB, PiB of 1024");
}

Result<double> parseRate(std::string_view text) {
    std::string_view t = detail::trim(text);
    std::string_view size;
    for (std::string_view suffix : {"/sec", "/s"}) {
        if (detail::endsWith(t, suffix)) {
            size = t.substr(0, t.size() - suffix.size());
            break;
        }
    }
    if (size.empty()) return bad(text, "not a rate (expected a size per second, e.g. 150MB/s)");
    auto bytes = parseSize(size);
    if (!bytes) return bad(text, bytes.error().message);
    if (*bytes <= 0) return bad(text, "a rate must be greater than zero");
    return *bytes;
}

Result<double> parseDurationHours(std::string_view text) {
    return numberWithUnit(text, kDurationUnits, "duration", "4h", "s, m, h, d or y; y = 8760 h");
}

Result<double> parseProbability(std::string_view text) {
    auto parts = splitNumber(text);
    if (!parts) return bad(text, "not a probability (expected e.g. 1.5% or 0.015)");
    auto [value, unit] = *parts;
    if (unit == "%") value /= 100;
    else if (!unit.empty()) return bad(text, "unexpected " + quoteForError(unit) + " (expected a percentage or a fraction)");
    if (value < 0 || value > 1) return bad(text, "a probability must be between 0 and 1 (0% and 100%)");
    return value;
}

Result<double> parsePositive(std::string_view text) {
    auto v = detail::parseDouble(text);
    if (!v) return bad(text, "not a number");
    if (!(*v > 0)) return bad(text, "must be greater than zero");
    return *v;
}

std::string formatSize(std::uint64_t bytes) { return detail::humanBytes(bytes); }

} // namespace raidmon
