// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Small, allocation-light helpers for untrusted text (sysfs values, tool output).

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

namespace raidmon::detail {

/// Whitespace as sysfs and tools use it (space, tab, CR, LF, NUL padding).
constexpr bool isSpace(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0' || c == '\v' || c == '\f'; }

inline std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
    while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
    return s;
}

inline bool startsWith(std::string_view s, std::string_view p) noexcept { return s.substr(0, p.size()) == p; }
inline bool endsWith(std::string_view s, std::string_view p) noexcept {
    return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

/// Parse a whole string (after trim) as an integer in `base`; nullopt for anything else.
template <typename T>
std::optional<T> parseInt(std::string_view s, int base = 10) noexcept {
    static_assert(std::is_integral_v<T>);
    s = trim(s);
    if (base == 16 && (startsWith(s, "0x") || startsWith(s, "0X"))) s.remove_prefix(2);
    if (s.empty()) return std::nullopt;
    if constexpr (std::is_unsigned_v<T>) {
        if (s.front() == '-') return std::nullopt;  // from_chars would reject it anyway; be explicit
        if (s.front() == '+') s.remove_prefix(1);
    }
    T v{};
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

/// Parse a whole string as a finite double; nullopt otherwise.
std::optional<double> parseDouble(std::string_view s) noexcept;

/// A double rounded to the nearest integer of type T, or nullopt when it is NaN, infinite or outside
/// T's range. Tool output is untrusted: a plain static_cast of such a value is undefined behaviour
/// (and in practice yields garbage such as 18446744073709551557 for -59), never "unknown".
template <typename T>
std::optional<T> roundToIntegral(double v) noexcept {
    static_assert(std::is_integral_v<T>);
    if (!std::isfinite(v)) return std::nullopt;
    const double r = std::round(v);
    // [min, 2^digits): both bounds are exact in a double for every integral type up to 64 bits.
    const double lo = static_cast<double>(std::numeric_limits<T>::min());
    const double hi = std::ldexp(1.0, std::numeric_limits<T>::digits);
    if (r < lo || r >= hi) return std::nullopt;
    return static_cast<T>(r);
}

/// A decimal number whose separator may be '.' or ',' ("37.5", "37,5": tools print in the host's
/// locale), whole string; nullopt otherwise or when it holds both ("1,234.5" is ambiguous).
std::optional<double> parseLocaleDouble(std::string_view s) noexcept;

/// A temperature as tools print it, in whole degrees Celsius: "34", "34C", "34 C", "34°C",
/// "34 Celsius", "34 C (Celsius)", "93F" / "93 F" / "93 Fahrenheit" (converted, rounded),
/// "34C (93.20 F)" (storcli: the first reading wins), "37,5 C". nullopt for anything else
/// ("N/A", "Unknown", an empty value, or a value outside -60..200 °C, which no drive reports).
std::optional<int> parseTemperatureC(std::string_view s) noexcept;

/// A count as tools print it in the host's locale: "6433", "6,433", "6.433", "6 433", "6'433", with
/// U+00A0, U+202F, U+2009 or U+2019 as the thousands separator ("6\u2019433", smartctl under a Swiss
/// locale), and a fraction of zeros ("4974.0", nvme-cli's long-double counters). One separator kind
/// for the grouping, every group after the first exactly three digits; a lone "1.000" is read as
/// grouped (1000). nullopt for anything else (a sign, a non-zero fraction, letters, empty).
std::optional<std::uint64_t> parseGroupedUint(std::string_view s) noexcept;

/// A capture's text with every CR LF or lone CR line end made LF and a leading UTF-8 byte-order
/// mark removed, so decoders see one line grammar whatever system saved the capture.
std::string normaliseLineEnds(std::string_view s);

/// Parse the leading integer of s (e.g. "1024 / 2048" -> 1024); nullopt if s does not start with a digit.
template <typename T>
std::optional<T> parseLeadingInt(std::string_view s) noexcept {
    s = trim(s);
    T v{};
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 10);
    if (ec != std::errc() || p == s.data()) return std::nullopt;
    return v;
}

/// Split on a delimiter character, keeping empty fields.
std::vector<std::string_view> split(std::string_view s, char delim);
/// Split on runs of whitespace, dropping empty fields.
std::vector<std::string_view> splitWs(std::string_view s);
/// Split text into lines (LF or CRLF), keeping a last line without newline.
std::vector<std::string_view> lines(std::string_view s);

// The three above return views into their argument: calling them on a temporary std::string
// (e.g. `split(x.value_or(""), ':')`) would leave every view dangling. Make that a compile error.
template <typename T>
concept TemporaryString = std::is_same_v<std::remove_cvref_t<T>, std::string> && !std::is_lvalue_reference_v<T>;
template <TemporaryString T>
std::vector<std::string_view> split(T&&, char) = delete;
template <TemporaryString T>
std::vector<std::string_view> splitWs(T&&) = delete;
template <TemporaryString T>
std::vector<std::string_view> lines(T&&) = delete;

/// Printable ASCII copy of untrusted bytes: non-printables become '?', then trimmed.
std::string printable(std::string_view s);
/// Escape for a one-line error message: shows at most `max` characters, quoted.
std::string quoteForError(std::string_view s, std::size_t max = 40);

std::string toLower(std::string_view s);
std::string toUpper(std::string_view s);
/// Replace each run of spaces by one '_' (for drive ids).
std::string underscoreSpaces(std::string_view s);

/// Lower-case hex of bytes.
std::string hex(const unsigned char* p, std::size_t n);
/// Decode an even-length hex string; nullopt on any non-hex character.
std::optional<std::vector<unsigned char>> unhex(std::string_view s);

/// Human sizes: SI with one decimal ("4.0 TB"), for people; the JSON keeps bytes.
std::string humanBytes(std::uint64_t bytes);

} // namespace raidmon::detail
