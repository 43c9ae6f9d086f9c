// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Opening device nodes safely. Tests run as root and umockdev lets nodes that are not in the
// testbed fall through to the host: a wrong path must never reach a real disk. Every node the
// library opens goes through openDeviceNode().

#include <filesystem>
#include <string>

#include <raidmon/context.hpp>
#include <raidmon/error.hpp>

namespace raidmon::detail {

enum class NodeKind { block, character };

/// An open file descriptor that closes itself.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    Fd(Fd&& o) noexcept : fd_(o.release()) {}
    Fd& operator=(Fd&& o) noexcept;
    ~Fd();
    [[nodiscard]] int get() const { return fd_; }
    int release() {
        int f = fd_;
        fd_ = -1;
        return f;
    }

private:
    int fd_ = -1;
};

/// Open `devnode` read-only (O_RDONLY|O_NONBLOCK|O_CLOEXEC) after checking that: device I/O is
/// allowed by the Context; the path lies under ctx.paths.dev; and, after opening, the node is a
/// block/character device whose number equals the `dev` attribute ("MAJOR:MINOR") in `sysDir`.
/// Errors: refused (any check failed), device_gone, permission_denied, parse_error (bad `dev`).
Result<Fd> openDeviceNode(const Context& ctx, const std::string& devnode, const std::filesystem::path& sysDir,
                          NodeKind kind);

} // namespace raidmon::detail
