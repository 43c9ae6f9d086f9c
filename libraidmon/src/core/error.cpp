// SPDX-License-Identifier: LGPL-2.1-or-later
#include <raidmon/error.hpp>

#include <cerrno>

namespace raidmon {
namespace {

class Category final : public std::error_category {
public:
    const char* name() const noexcept override { return "raidmon"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::ok: return "success";
        case errc::device_gone: return "device gone";
        case errc::parse_error: return "parse error";
        case errc::command_failed: return "command failed";
        case errc::command_timeout: return "command timed out";
        case errc::unsupported: return "unsupported";
        case errc::permission_denied: return "permission denied";
        case errc::invalid_argument: return "invalid argument";
        case errc::io_error: return "I/O error";
        case errc::not_found: return "not found";
        case errc::refused: return "refused by a safety rule";
        }
        return "unknown raidmon error";
    }
};

} // namespace

const std::error_category& category() noexcept {
    static const Category cat;  // function-local constant: the one allowed kind of static
    return cat;
}

errc fromErrno(int err) noexcept {
    switch (err) {
    case ENOENT:
    case ENODEV:
    case ENXIO:
        return errc::device_gone;
    case EACCES:
    case EPERM:
        return errc::permission_denied;
    case EINVAL:
        return errc::invalid_argument;
    case ENOTTY:
    case EOPNOTSUPP:
        return errc::unsupported;
    default:
        return errc::io_error;
    }
}

} // namespace raidmon
