// SPDX-License-Identifier: LGPL-2.1-or-later
// The escape-sequence grammar is ECMA-48 (5th edition, 5.3 and 5.4: CSI parameter bytes 0x30-0x3F,
// intermediate bytes 0x20-0x2F, final bytes 0x40-0x7E; control strings ended by ST) as xterm reads
// it (ctlseqs: OSC also ends at BEL). UTF-8 per RFC 3629 (no overlong forms, no surrogates, at
// most U+10FFFF).
#include <raidmon/text.hpp>

namespace raidmon {

namespace {

constexpr unsigned char kEsc = 0x1b;
/// A control string that never ends would swallow the rest of the output: it ends here.
constexpr std::size_t kMaxControlString = 4096;

} // namespace

void TerminalFilter::codepoint(char32_t cp, std::string_view bytes, std::string& out) {
    if (cp >= 0x80 && cp <= 0x9f) {  // C1 controls, as the terminal may read them
        if (cp == 0x9b) state_ = State::csi;
        else if (cp == 0x90 || cp == 0x98 || cp == 0x9d || cp == 0x9e || cp == 0x9f) {
            state_ = State::string;
            stringLen_ = 0;
        }
        return;
    }
    if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) return;  // bidi overrides, isolates
    if (cp == 0xfffe || cp == 0xffff) {
        out += '?';
        return;
    }
    out += bytes;
}

void TerminalFilter::byte(unsigned char b, std::string& out) {
    // Inside a UTF-8 character.
    if (need_) {
        if ((b & 0xc0) == 0x80) {
            utf8_ += static_cast<char>(b);
            if (utf8_.size() < need_) return;
            const auto* u = reinterpret_cast<const unsigned char*>(utf8_.data());
            char32_t cp = need_ == 2 ? (u[0] & 0x1f) : need_ == 3 ? (u[0] & 0x0f) : (u[0] & 0x07);
            for (std::size_t i = 1; i < need_; ++i) cp = (cp << 6) | (u[i] & 0x3f);
            const char32_t min = need_ == 2 ? 0x80 : need_ == 3 ? 0x800 : 0x10000;
            const bool ok = cp >= min && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
            const std::string bytes = std::move(utf8_);
            utf8_.clear();
            need_ = 0;
            if (state_ == State::string) return;  // swallowed with its control string
            if (!ok) out += '?';
            else if (state_ == State::text) codepoint(cp, bytes, out);
            else state_ = State::text;  // a character inside an escape sequence ends it, unshown
            return;
        }
        // Not a continuation byte: the character was cut short; this byte starts afresh.
        utf8_.clear();
        need_ = 0;
        if (state_ == State::text) out += '?';
    }
    if (b >= 0x80) {
        need_ = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
        if (need_) utf8_ = static_cast<char>(b);
        else if (state_ == State::text) out += '?';
        return;
    }
    switch (state_) {
    case State::text:
        if (b == kEsc) state_ = State::esc;
        else if (b == '\n') out += keepNewlines_ ? '\n' : ' ';
        else if (b == '\t') out += keepNewlines_ ? '\t' : ' ';
        else if (b == '\r') {
        } else if (b < 0x20 || b == 0x7f) out += '?';
        else out += static_cast<char>(b);
        return;
    case State::esc:
        if (b == '[') state_ = State::csi;
        else if (b == ']' || b == 'P' || b == 'X' || b == '^' || b == '_') {
            state_ = State::string;
            stringLen_ = 0;
        } else if (b >= 0x20 && b <= 0x2f) {  // intermediate bytes: ESC ( B and the like go on
        } else if (b >= 0x30 && b <= 0x7e) state_ = State::text;
        else {
            state_ = State::text;
            byte(b, out);
        }
        return;
    case State::csi:
        if (b >= 0x20 && b <= 0x3f) return;
        state_ = State::text;
        if (b < 0x40 || b > 0x7e) byte(b, out);  // not a final byte: the sequence was broken
        return;
    case State::string:
        if (b == 0x07) state_ = State::text;
        else if (b == kEsc) state_ = State::stringEsc;
        else if (b == '\n' || ++stringLen_ > kMaxControlString) {
            state_ = State::text;
            if (b == '\n') byte(b, out);
        }
        return;
    case State::stringEsc:
        state_ = State::esc;
        if (b == '\\') state_ = State::text;
        else byte(b, out);
        return;
    }
}

std::string TerminalFilter::feed(std::string_view chunk) {
    std::string out;
    out.reserve(chunk.size());
    for (char c : chunk) byte(static_cast<unsigned char>(c), out);
    return out;
}

std::string TerminalFilter::finish() {
    std::string out;
    if (need_ && state_ == State::text) out += '?';
    utf8_.clear();
    need_ = 0;
    state_ = State::text;
    return out;
}

std::string terminalSafe(std::string_view text, bool keepNewlines) {
    TerminalFilter f(keepNewlines);
    std::string out = f.feed(text);
    out += f.finish();
    return out;
}

} // namespace raidmon
