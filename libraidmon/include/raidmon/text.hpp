// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#include <raidmon/export.hpp>

/// @file text.hpp
/// @brief Untrusted text made safe to show. Drive serials and models come from the drives
/// themselves (sysfs, VPD pages, tool output), tool messages from vendor tools: a drive or a tool
/// can put terminal escape sequences in them that recolour a screen, hide a line, retitle a
/// window or fake a work order (docs/security.md). raidmon keeps such text as it is in JSON and
/// filters it wherever a person reads it: on a terminal, in a work order, in a log line.

#include <cstddef>
#include <string>
#include <string_view>

RAIDMON_API_BEGIN
namespace raidmon {

/// @brief A filter over a stream of text bound for a terminal, fed in chunks of any size (an
/// escape sequence or a UTF-8 character split between two chunks is handled). It removes:
/// ANSI/ECMA-48 escape sequences whole (ESC [ ... CSI, ESC ] ... OSC, DCS/SOS/PM/APC strings up
/// to BEL or ST, two- and three-byte ESC sequences) and their C1 forms (U+0080..U+009F), carriage
/// returns, and the Unicode bidirectional overrides and isolates (U+202A..U+202E, U+2066..U+2069)
/// that reorder what is displayed; it replaces other control characters (C0 and DEL), bytes that
/// are not UTF-8, and U+FFFE/U+FFFF by '?'. Line feeds and tabs stay when `keepNewlines`, else
/// they become spaces (one-line output such as a log line). Valid UTF-8 text passes unchanged.
class TerminalFilter {
public:
    explicit TerminalFilter(bool keepNewlines = true) noexcept : keepNewlines_(keepNewlines) {}
    /// @brief Filter the next chunk. @return the text to show (possibly shorter). Never fails.
    std::string feed(std::string_view chunk);
    /// @brief The end of the text: an unfinished UTF-8 character becomes '?', an unfinished
    /// escape sequence is dropped. @return what is left to show. Never fails.
    std::string finish();

private:
    enum class State : unsigned char { text, esc, csi, string, stringEsc };
    void byte(unsigned char b, std::string& out);
    void codepoint(char32_t cp, std::string_view bytes, std::string& out);
    bool keepNewlines_;
    State state_ = State::text;
    std::string utf8_;          ///< bytes of a UTF-8 character not complete yet
    std::size_t need_ = 0;      ///< its length
    std::size_t stringLen_ = 0;  ///< bytes swallowed by the current control string
};

/// @brief Filter a whole text as TerminalFilter does. @return the safe text. Never fails.
std::string terminalSafe(std::string_view text, bool keepNewlines = false);

} // namespace raidmon
RAIDMON_API_END
