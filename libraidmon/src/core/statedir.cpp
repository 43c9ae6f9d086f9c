// SPDX-License-Identifier: LGPL-2.1-or-later
// The trusted walk to a state directory and O_NOFOLLOW file access inside it. The rules are those
// OpenSSH applies to authorized_keys (every directory on the way owned by root or the user and not
// writable by others) with the sticky-bit allowance of /tmp, done with *at() calls on descriptors
// so that nothing can be swapped between a check and the use (openat(2), "Rationale").
#include "core/statedir.hpp"

#include <cerrno>
#include <cstring>
#include <deque>
#include <random>

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/strutil.hpp"

namespace raidmon::detail {

namespace fs = std::filesystem;

namespace {

/// Symbolic links followed on the way, at most (the kernel's MAXSYMLINKS).
constexpr int kMaxLinks = 40;

bool trustedOwner(uid_t uid) noexcept { return uid == 0 || uid == ::geteuid(); }

std::string modeText(mode_t m) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
    return buf;
}

std::string ownerText(const struct stat& st) { return "owner uid " + std::to_string(st.st_uid) + ", mode " + modeText(st.st_mode); }

Error sysError(const std::string& what, int err) { return Error(fromErrno(err), what + ": " + std::strerror(err)); }

/// "/a/b" + "c", "/" + "c".
std::string join(const std::string& a, const std::string& b) { return a == "/" ? "/" + b : a + "/" + b; }

/// An open state file must be a regular file of root or raidmon's user.
Result<struct stat> trustedFile(int fd, const fs::path& shown) {
    struct stat st{};
    if (::fstat(fd, &st) != 0) return tl::unexpected(sysError(shown.string(), errno));
    if (!S_ISREG(st.st_mode)) return fail(errc::refused, shown.string() + ": not a regular file");
    if (!trustedOwner(st.st_uid)) return fail(errc::refused, shown.string() + ": belongs to another user (" + ownerText(st) + ")");
    return st;
}

std::string parentOf(const std::string& p) {
    const auto slash = p.rfind('/');
    return slash == 0 || slash == std::string::npos ? "/" : p.substr(0, slash);
}

} // namespace

std::string randomHex(std::size_t bytes) {
    std::string raw(bytes, '\0');
    std::size_t got = 0;
    while (got < bytes) {
        const ssize_t n = ::getrandom(raw.data() + got, bytes - got, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    if (got < bytes) {  // no getrandom(2): the C++ library's source of randomness
        std::random_device rd;
        for (std::size_t i = got; i < bytes; ++i) raw[i] = static_cast<char>(rd());
    }
    return hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

Result<StateDir> StateDir::open(const fs::path& dir, bool create) {
    const std::string shown = dir.string();
    if (!dir.is_absolute()) return fail(errc::invalid_argument, "state directory " + detail::quoteForError(shown, 200) + ": not an absolute path");
    auto refuse = [&](const std::string& why) { return fail(errc::refused, "state directory " + shown + ": " + why); };

    std::deque<std::string> todo;
    for (const auto& c : dir.relative_path()) todo.push_back(c.string());
    Fd cur(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (cur.get() < 0) return tl::unexpected(sysError("/", errno));
    std::string where = "/";
    struct stat st{};
    if (::fstat(cur.get(), &st) != 0) return tl::unexpected(sysError("/", errno));
    int links = 0;
    // Invariant: `cur` is a directory whose owner and mode were checked (nobody else can change
    // its entries, or it is sticky and only entries of trusted owners are used).
    for (;;) {
        const bool last = todo.empty();
        const bool othersWrite = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
        if (!trustedOwner(st.st_uid))
            return refuse(where + " belongs to another user (" + ownerText(st) + "): that user could replace what raidmon keeps there");
        if (last && othersWrite)
            return refuse(where + " is writable by group or others (" + ownerText(st) +
                          "): refusing to keep raidmon's state where another user can plant files or links (chmod go-w it, or choose "
                          "another state directory)");
        if (!last && othersWrite && !(st.st_mode & S_ISVTX))
            return refuse(where + " is writable by group or others without the sticky bit (" + ownerText(st) +
                          "): anyone could replace the state directory below it");
        if (last) break;
        const std::string c = todo.front();
        todo.pop_front();
        if (c.empty() || c == ".") continue;
        const std::string next = c == ".." ? parentOf(where) : join(where, c);
        Fd fd(::openat(cur.get(), c.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
        if (fd.get() < 0 && errno == ENOENT) {
            if (!create) return fail(errc::not_found, "state directory " + shown + ": " + next + " does not exist");
            if (::mkdirat(cur.get(), c.c_str(), 0755) != 0 && errno != EEXIST)
                return tl::unexpected(sysError("state directory " + shown + ": cannot create " + next, errno));
            fd = Fd(::openat(cur.get(), c.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
        }
        if (fd.get() < 0) return tl::unexpected(sysError("state directory " + shown + ": " + next, errno));
        if (::fstat(fd.get(), &st) != 0) return tl::unexpected(sysError("state directory " + shown + ": " + next, errno));
        if (S_ISLNK(st.st_mode)) {
            // Followed only when its owner is trusted: in a sticky directory (/tmp) anyone can
            // make a link, but it then belongs to them.
            if (!trustedOwner(st.st_uid))
                return refuse(next + " is a symbolic link made by another user (uid " + std::to_string(st.st_uid) + "): not followed");
            if (++links > kMaxLinks) return refuse("too many symbolic links on the way");
            char target[4096];
            const ssize_t n = ::readlinkat(cur.get(), c.c_str(), target, sizeof target - 1);
            if (n < 0) return tl::unexpected(sysError("state directory " + shown + ": readlink " + next, errno));
            const fs::path t(std::string(target, static_cast<std::size_t>(n)));
            std::deque<std::string> parts;
            for (const auto& p : t.relative_path()) parts.push_back(p.string());
            todo.insert(todo.begin(), parts.begin(), parts.end());
            if (t.is_absolute()) {
                cur = Fd(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
                where = "/";
                if (cur.get() < 0 || ::fstat(cur.get(), &st) != 0) return tl::unexpected(sysError("/", errno));
            } else if (::fstat(cur.get(), &st) != 0) {
                return tl::unexpected(sysError(where, errno));
            }
            continue;
        }
        if (!S_ISDIR(st.st_mode)) return refuse(next + " is not a directory");
        cur = std::move(fd);
        where = next;
    }
    return StateDir(std::move(cur), dir);
}

Result<std::optional<std::string>> StateDir::read(std::string_view name) const {
    const std::string n(name);
    const fs::path shown = file(name);
    Fd f(::openat(fd_.get(), n.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    if (f.get() < 0) {
        const int e = errno;
        if (e == ENOENT) return std::optional<std::string>{};
        if (e == ELOOP) return fail(errc::refused, shown.string() + ": is a symbolic link: not followed (someone planted it?)");
        return tl::unexpected(sysError(shown.string(), e));
    }
    auto st = trustedFile(f.get(), shown);
    if (!st) return tl::unexpected(st.error());
    if (static_cast<std::uint64_t>(st->st_size) > kMaxStateFile)
        return fail(errc::refused, shown.string() + ": larger than " + std::to_string(kMaxStateFile) + " bytes");
    std::string out;
    char buf[8192];
    for (;;) {
        const ssize_t r = ::read(f.get(), buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return tl::unexpected(sysError(shown.string() + ": read", errno));
        if (r == 0) break;
        out.append(buf, static_cast<std::size_t>(r));
        if (out.size() > kMaxStateFile) return fail(errc::refused, shown.string() + ": larger than " + std::to_string(kMaxStateFile) + " bytes");
    }
    return std::optional<std::string>(std::move(out));
}

Result<void> StateDir::write(std::string_view name, std::string_view content) const {
    const std::string n(name);
    const std::string tmp = "." + n + ".tmp-" + randomHex(8);
    const fs::path shown = file(name);
    Fd f(::openat(fd_.get(), tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (f.get() < 0) return tl::unexpected(sysError(file(tmp).string(), errno));
    auto undo = [&](const std::string& what, int e) {
        ::unlinkat(fd_.get(), tmp.c_str(), 0);
        return tl::unexpected(sysError(shown.string() + ": " + what, e));
    };
    for (std::size_t done = 0; done < content.size();) {
        const ssize_t w = ::write(f.get(), content.data() + done, content.size() - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return undo("write", w < 0 ? errno : EIO);
        done += static_cast<std::size_t>(w);
    }
    if (::fsync(f.get()) != 0) return undo("fsync", errno);
    if (::close(f.release()) != 0) return undo("close", errno);
    if (::renameat(fd_.get(), tmp.c_str(), fd_.get(), n.c_str()) != 0) return undo("rename", errno);
    // The rename is durable only once the directory entry is (rename(2), "durability").
    Fd d(::openat(fd_.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (d.get() >= 0) ::fsync(d.get());
    return {};
}

Result<Fd> StateDir::openLockFile(std::string_view name) const {
    const std::string n(name);
    const fs::path shown = file(name);
    Fd f(::openat(fd_.get(), n.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0600));
    if (f.get() < 0) {
        const int e = errno;
        if (e == ELOOP) return fail(errc::refused, shown.string() + ": is a symbolic link: not followed (someone planted it?)");
        return tl::unexpected(sysError(shown.string(), e));
    }
    if (auto st = trustedFile(f.get(), shown); !st) return tl::unexpected(st.error());
    return f;
}

Result<void> StateDir::rename(std::string_view from, std::string_view to) const {
    const std::string a(from), b(to);
    if (::renameat(fd_.get(), a.c_str(), fd_.get(), b.c_str()) != 0)
        return tl::unexpected(sysError(file(from).string() + " -> " + b, errno));
    return {};
}

bool StateDir::exists(std::string_view name) const {
    struct stat st{};
    return ::fstatat(fd_.get(), std::string(name).c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

Result<std::optional<std::string>> readStateFile(const fs::path& file) {
    auto dir = StateDir::open(file.parent_path(), false);
    if (!dir) {
        if (dir.error().is(errc::not_found)) return std::optional<std::string>{};
        return tl::unexpected(dir.error());
    }
    return dir->read(file.filename().string());
}

} // namespace raidmon::detail
