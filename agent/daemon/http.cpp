// SPDX-License-Identifier: LGPL-2.1-or-later
#include "daemon/http.hpp"

#include <algorithm>

#include "core/strutil.hpp"

namespace raidmon::agent {

namespace {

/// tchar of RFC 9110, 5.6.2.
bool tchar(char c) noexcept {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool token(std::string_view s) noexcept { return !s.empty() && std::all_of(s.begin(), s.end(), tchar); }

/// A field value's characters (RFC 9110, 5.5): visible ASCII, space, tab and obs-text (>= 0x80).
bool fieldChar(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return u == '\t' || u == ' ' || (u > 0x20 && u != 0x7f);
}

std::string_view trimOws(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

Result<HttpRequest> bad(const std::string& why) { return fail(errc::parse_error, why); }

/// The weight of a media range's parameters ("q=0.5"); 1 when absent; nullopt when malformed.
std::optional<double> weight(const std::vector<std::string_view>& params) {
    for (auto p : params) {
        p = trimOws(p);
        if (p.size() < 2 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=') continue;
        auto q = detail::parseDouble(p.substr(2));
        if (!q || *q < 0 || *q > 1) return std::nullopt;
        return *q;
    }
    return 1.0;
}

std::optional<std::string_view> param(const std::vector<std::string_view>& params, std::string_view name) {
    for (auto p : params) {
        p = trimOws(p);
        const auto eq = p.find('=');
        if (eq == std::string_view::npos) continue;
        if (detail::toLower(trimOws(p.substr(0, eq))) != name) continue;
        auto v = trimOws(p.substr(eq + 1));
        if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
        return v;
    }
    return std::nullopt;
}

} // namespace

const std::string* HttpRequest::header(std::string_view lowerName) const {
    for (const auto& [k, v] : headers)
        if (k == lowerName) return &v;
    return nullptr;
}

Result<HttpRequest> parseHttpRequest(std::string_view head, const HttpLimits& limits) {
    if (head.size() > limits.maxHead)
        return fail(errc::refused, "request head of " + std::to_string(head.size()) + " bytes (at most " + std::to_string(limits.maxHead) + ")");
    if (head.find('\0') != std::string_view::npos) return bad("a NUL byte in the request head");
    // RFC 9112, 2.2: a server SHOULD ignore at least one empty line before the request line.
    while (detail::startsWith(head, "\r\n") || detail::startsWith(head, "\n")) head.remove_prefix(head[0] == '\r' ? 2 : 1);
    std::vector<std::string_view> lines;
    for (std::size_t start = 0; start <= head.size();) {
        auto nl = head.find('\n', start);
        if (nl == std::string_view::npos) nl = head.size();
        auto line = head.substr(start, nl - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.find('\r') != std::string_view::npos) return bad("a bare CR in line " + std::to_string(lines.size() + 1));
        lines.push_back(line);
        start = nl + 1;
    }
    while (lines.size() > 1 && lines.back().empty()) lines.pop_back();  // the end of the head itself
    if (lines.empty() || lines[0].empty()) return bad("no request line");
    // request-line = method SP request-target SP HTTP-version (exactly one space each).
    const auto rl = lines[0];
    const auto sp1 = rl.find(' ');
    const auto sp2 = sp1 == std::string_view::npos ? sp1 : rl.find(' ', sp1 + 1);
    if (sp1 == std::string_view::npos || sp2 == std::string_view::npos || rl.find(' ', sp2 + 1) != std::string_view::npos)
        return bad("request line is not 'METHOD TARGET HTTP/1.x': " + detail::quoteForError(rl, 80));
    HttpRequest r;
    const auto method = rl.substr(0, sp1);
    const auto target = rl.substr(sp1 + 1, sp2 - sp1 - 1);
    const auto version = rl.substr(sp2 + 1);
    if (!token(method)) return bad("method is not a token: " + detail::quoteForError(method));
    r.method = std::string(method);
    if (target.size() > limits.maxTarget)
        return fail(errc::refused, "request target of " + std::to_string(target.size()) + " bytes (at most " + std::to_string(limits.maxTarget) + ")");
    if (target.empty() || !std::all_of(target.begin(), target.end(), [](char c) { return c > 0x20 && c < 0x7f; }))
        return bad("request target is empty or holds spaces or control characters");
    // origin-form only ("/metrics"; absolute-form is for proxies, asterisk-form for OPTIONS).
    if (target.front() != '/') return bad("request target is not a path: " + detail::quoteForError(target));
    const auto q = target.find('?');
    r.target = std::string(target.substr(0, q));
    if (q != std::string_view::npos) r.query = std::string(target.substr(q + 1));
    if (version.size() != 8 || !detail::startsWith(version, "HTTP/") || version[6] != '.' || version[5] < '0' || version[5] > '9' ||
        version[7] < '0' || version[7] > '9')
        return bad("not an HTTP version: " + detail::quoteForError(version));
    if (version[5] != '1') return fail(errc::unsupported, "HTTP major version " + std::string(1, version[5]) + " (only 1.x)");
    r.minorVersion = version[7] - '0';
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const auto line = lines[i];
        if (line.empty()) return bad("an empty line inside the head (line " + std::to_string(i + 1) + ")");
        if (line.front() == ' ' || line.front() == '\t') return bad("obsolete line folding (line " + std::to_string(i + 1) + ")");
        if (r.headers.size() >= limits.maxHeaders)
            return fail(errc::refused, "more than " + std::to_string(limits.maxHeaders) + " header fields");
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) return bad("a header line without ':' (line " + std::to_string(i + 1) + ")");
        const auto name = line.substr(0, colon);
        // RFC 9112, 5.1: no whitespace between the field name and the colon.
        if (!token(name)) return bad("a header name that is not a token (line " + std::to_string(i + 1) + ")");
        const auto value = trimOws(line.substr(colon + 1));
        if (!std::all_of(value.begin(), value.end(), fieldChar)) return bad("a control character in header " + detail::quoteForError(name));
        r.headers.emplace_back(detail::toLower(name), std::string(value));
    }
    if (r.minorVersion >= 1 && !r.header("host")) return bad("HTTP/1.1 request without Host");
    return r;
}

std::string httpStatusFor(const Error& e, std::string_view target) {
    if (e.is(errc::unsupported)) return "505 HTTP Version Not Supported";
    if (e.is(errc::refused)) return e.message.rfind("request target", 0) == 0 || target.size() > 2048 ? "414 URI Too Long"
                                                                                                     : "431 Request Header Fields Too Large";
    return "400 Bad Request";
}

MetricsFormat negotiateMetricsFormat(const std::string* accept) {
    if (!accept) return MetricsFormat::prometheusText;
    double om = -1, text = -1;
    const std::string_view all(*accept);
    for (auto range : detail::split(all, ',')) {
        auto parts = detail::split(range, ';');
        if (parts.empty()) continue;
        const std::string type = detail::toLower(trimOws(parts[0]));
        std::vector<std::string_view> params(parts.begin() + 1, parts.end());
        auto q = weight(params);
        if (!q) return MetricsFormat::prometheusText;  // malformed: the safe default
        if (type == "application/openmetrics-text") {
            auto v = param(params, "version");
            if (!v || *v == "1.0.0") om = std::max(om, *q);
        } else if (type == "text/plain" || type == "text/*" || type == "*/*") {
            text = std::max(text, *q);
        }
    }
    return om > 0 && om >= text ? MetricsFormat::openMetrics : MetricsFormat::prometheusText;
}

std::string_view contentType(MetricsFormat f) noexcept {
    return f == MetricsFormat::openMetrics ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                                           : "text/plain; version=0.0.4; charset=utf-8";
}

std::string httpResponse(std::string_view status, std::string_view type, std::string_view body, bool headOnly, std::string_view extraHeaders) {
    std::string out = "HTTP/1.1 ";
    out += status;
    out += "\r\nContent-Type: ";
    out += type;
    out += "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    out += extraHeaders;
    out += "Connection: close\r\n\r\n";
    if (!headOnly) out += body;
    return out;
}

} // namespace raidmon::agent
