// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// The little HTTP the /metrics endpoint speaks: the head of a request (RFC 9112, section 2-5),
// parsed strictly with bounds, and the choice between the two exposition formats by the Accept
// header (Prometheus' content negotiation: OpenMetrics 1.0.0 when asked for, else the text
// format 0.0.4).

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <raidmon/error.hpp>

namespace raidmon::agent {

/// Bounds of a request head.
struct HttpLimits {
    std::size_t maxHead = 8192;    ///< bytes of the whole head
    std::size_t maxTarget = 2048;  ///< bytes of the request target
    std::size_t maxHeaders = 64;   ///< header fields
};

/// A parsed request head.
struct HttpRequest {
    std::string method;   ///< "GET"
    std::string target;   ///< "/metrics" (the path; a query is split off)
    std::string query;    ///< after '?', without it
    int minorVersion = 1;  ///< HTTP/1.<minorVersion>
    std::vector<std::pair<std::string, std::string>> headers;  ///< names lower-cased, values trimmed

    /// The value of the first header of that (lower-case) name, or nullptr.
    [[nodiscard]] const std::string* header(std::string_view lowerName) const;
};

/// Parse a request head: the request line and the header lines, without the blank line that
/// ends them. Lines end in CRLF or LF (RFC 9112, 2.2); a bare CR, a NUL, obsolete line folding,
/// a header without a colon or with whitespace before it, a non-token method or field name are
/// errors, as is anything beyond `limits`.
/// Errors: parse_error (malformed: answer 400), refused (beyond a limit: 431, or 414 for the
/// target), unsupported (not HTTP/1.x: 505); the message says what and where.
Result<HttpRequest> parseHttpRequest(std::string_view head, const HttpLimits& limits = {});

/// The status line an error of parseHttpRequest() is answered with ("400 Bad Request", ...).
std::string httpStatusFor(const Error& e, std::string_view target);

/// The exposition formats of /metrics.
enum class MetricsFormat {
    prometheusText,  ///< text/plain; version=0.0.4
    openMetrics,     ///< application/openmetrics-text; version=1.0.0
};

/// Pick the format from an Accept header (nullptr: none was sent): OpenMetrics when a range that
/// matches application/openmetrics-text (version 1.0.0, or none given) has a weight above 0 and
/// not below the best range that matches text/plain; else the text format, which is also the
/// answer to no Accept header or one that cannot be parsed.
MetricsFormat negotiateMetricsFormat(const std::string* accept);

/// The Content-Type of a format.
std::string_view contentType(MetricsFormat f) noexcept;

/// A complete response: status line, Content-Type, Content-Length, Connection: close, and the
/// body unless `headOnly` (HEAD: the length of the body it would have had).
std::string httpResponse(std::string_view status, std::string_view contentType, std::string_view body, bool headOnly = false,
                         std::string_view extraHeaders = {});

} // namespace raidmon::agent
