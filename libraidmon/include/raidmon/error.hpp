// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#include <raidmon/export.hpp>

/// @file error.hpp
/// @brief raidmon's error category and the Result type every public function returns.

#include <string>
#include <system_error>
#include <utility>

#include <tl/expected.hpp>

RAIDMON_API_BEGIN
namespace raidmon {

/// @brief Error conditions of libraidmon. Values are part of the ABI: never renumber or reuse.
enum class errc {
    ok = 0,
    device_gone = 1,        ///< the device vanished (ENOENT/ENODEV/ENXIO on its files); normal during hot-plug
    parse_error = 2,        ///< untrusted input (sysfs value, tool output, capture) was not understood
    command_failed = 3,     ///< an external tool ran but reported failure
    command_timeout = 4,    ///< an external tool did not finish within its time limit
    unsupported = 5,        ///< the device, format or operation is not supported
    permission_denied = 6,  ///< the caller lacks a privilege (EACCES/EPERM)
    invalid_argument = 7,   ///< the caller passed something meaningless
    io_error = 8,           ///< any other operating-system error; the message carries errno's text
    not_found = 9,          ///< a named entity (drive, array, slot) does not exist
    refused = 10,           ///< a safety rule refused the operation (e.g. a device node outside the Context root)
};

} // namespace raidmon
RAIDMON_API_END

template <>
struct std::is_error_code_enum<raidmon::errc> : std::true_type {};

RAIDMON_API_BEGIN
namespace raidmon {

/// @brief The std::error_category of raidmon::errc ("raidmon").
const std::error_category& category() noexcept;

/// @brief Make a std::error_code from a raidmon::errc.
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), category()}; }

/// @brief An error: a machine-readable code plus a one-line message naming the input and the place.
///
/// Deviation from STYLE.md (which suggests a bare std::error_code): every error raidmon reports must
/// name the input and the place ("/sys/block/sdc/size: not a number: 'x1'"), which an error_code
/// alone cannot carry. `code` is still a std::error_code, so callers can compare with errc values.
struct Error {
    std::error_code code;
    std::string message;

    Error() = default;
    Error(errc e, std::string msg) : code(make_error_code(e)), message(std::move(msg)) {}
    Error(std::error_code c, std::string msg) : code(c), message(std::move(msg)) {}

    /// @brief True if this error is the given raidmon condition.
    [[nodiscard]] bool is(errc e) const noexcept { return code == make_error_code(e); }
};

/// @brief The return type of every fallible public function.
template <typename T>
using Result = tl::expected<T, Error>;

/// @brief Shorthand for returning an error from a function that returns Result<T>.
inline tl::unexpected<Error> fail(errc e, std::string msg) { return tl::unexpected<Error>(Error(e, std::move(msg))); }

/// @brief Map an errno value to the closest raidmon condition (ENOENT/ENODEV/ENXIO -> device_gone, ...).
errc fromErrno(int err) noexcept;

} // namespace raidmon
RAIDMON_API_END

