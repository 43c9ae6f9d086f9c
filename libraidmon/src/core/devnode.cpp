// SPDX-License-Identifier: LGPL-2.1-or-later
#include "devnode.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "strutil.hpp"
#include "sysfs.hpp"

namespace raidmon::detail {

Fd& Fd::operator=(Fd&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = o.release();
    }
    return *this;
}

Fd::~Fd() {
    if (fd_ >= 0) ::close(fd_);
}

Result<Fd> openDeviceNode(const Context& ctx, const std::string& devnode, const std::filesystem::path& sysDir,
                          NodeKind kind) {
    if (ctx.deviceIo == DeviceIo::none) return fail(errc::refused, devnode + ": device I/O is off");
    auto rel = std::filesystem::path(devnode).lexically_normal().lexically_relative(ctx.paths.dev.lexically_normal());
    if (rel.empty() || rel.native().starts_with(".."))
        return fail(errc::refused, devnode + ": not under " + ctx.paths.dev.string());
    auto devno = attr(sysDir, "dev");
    if (!devno) return fail(errc::device_gone, (sysDir / "dev").string() + ": unreadable");
    auto parts = split(*devno, ':');
    auto maj = parts.size() == 2 ? parseInt<unsigned>(parts[0]) : std::nullopt;
    auto min = parts.size() == 2 ? parseInt<unsigned>(parts[1]) : std::nullopt;
    if (!maj || !min)
        return fail(errc::parse_error, (sysDir / "dev").string() + ": not MAJOR:MINOR: " + quoteForError(*devno));
    Fd fd(::open(devnode.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (fd.get() < 0) return fail(fromErrno(errno), devnode + ": " + std::strerror(errno));
    struct stat st{}, byPath{};
    if (::fstat(fd.get(), &st) != 0) return fail(errc::io_error, devnode + ": fstat: " + std::strerror(errno));
    // The type and number come from stat() of the path, checked to be the very file that was
    // opened (same st_dev/st_ino, so no swap between the two calls). On a real /dev both agree;
    // umockdev's preload emulates device nodes in stat() but not in fstat().
    if (::stat(devnode.c_str(), &byPath) != 0) return fail(fromErrno(errno), devnode + ": stat: " + std::strerror(errno));
    if (byPath.st_dev != st.st_dev || byPath.st_ino != st.st_ino)
        return fail(errc::refused, devnode + ": changed while it was opened; not used");
    st.st_mode = byPath.st_mode;
    st.st_rdev = byPath.st_rdev;
    bool typeOk = kind == NodeKind::block ? S_ISBLK(st.st_mode) : S_ISCHR(st.st_mode);
    if (!typeOk || major(st.st_rdev) != *maj || minor(st.st_rdev) != *min)
        return fail(errc::refused, devnode + ": is not " + (kind == NodeKind::block ? "block" : "character") +
                                       " device " + *devno + "; not opened");
    return fd;
}

} // namespace raidmon::detail
