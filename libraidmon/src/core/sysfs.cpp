// SPDX-License-Identifier: LGPL-2.1-or-later
#include "sysfs.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strutil.hpp"

namespace raidmon::detail {

namespace {

Error errnoError(int err, const fs::path& path) {
    errc code = fromErrno(err);
    if (code == errc::device_gone) {
        // Absent attribute of a present device vs. a device that is gone entirely.
        struct stat st{};
        if (::stat(path.parent_path().c_str(), &st) == 0) code = errc::not_found;
    }
    return Error(code, path.string() + ": " + std::strerror(err));
}

/// How a pseudo file is read.
struct ReadHow {
    /// A sysfs attribute: a read that returns less than asked ends it. kernfs returns a text
    /// attribute whole (one seq_file record) and a binary one (VPD pages) a page at a time, so a
    /// short read is the end, and the read(2) that would return 0 is saved: a quarter of the
    /// system calls of a scan, whose every drive and bay is a dozen attributes. Not for /proc,
    /// whose seq_files may stop a read short at a page of records.
    bool attribute = false;
    /// On a failed open, tell "no such attribute" from "the device is gone" (one stat(2) of the
    /// directory). Callers that only want the value skip it.
    bool classify = true;
};

Result<std::string> readPseudo(const char* cpath, ReadHow how) {
    int fd = ::open(cpath, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        const int err = errno;
        if (!how.classify) return fail(fromErrno(err), std::string(cpath) + ": " + std::strerror(err));
        return tl::unexpected(errnoError(err, fs::path(cpath)));
    }
    std::string data;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            ::close(fd);
            return tl::unexpected(errnoError(err, fs::path(cpath)));
        }
        if (n == 0) break;
        data.append(buf, static_cast<std::size_t>(n));
        if (data.size() > kMaxPseudoFile) {
            ::close(fd);
            return fail(errc::parse_error, std::string(cpath) + ": larger than " + std::to_string(kMaxPseudoFile) +
                                               " bytes; not a pseudo file");
        }
        if (how.attribute && static_cast<std::size_t>(n) < sizeof buf) break;
    }
    ::close(fd);
    return data;
}

/// dir/name without path::operator/: this runs for every attribute of every device, and path
/// parsing was a tenth of a large host's scan.
std::string attrPath(const fs::path& dir, std::string_view name) {
    std::string p = dir.native();
    p += '/';
    p += name;
    return p;
}

} // namespace

Result<std::string> readFile(const fs::path& path) { return readFile(path.c_str()); }

Result<std::string> readFile(const char* cpath) { return readPseudo(cpath, {}); }

Result<std::string> readAttr(const fs::path& dir, std::string_view name) {
    auto r = readPseudo(attrPath(dir, name).c_str(), {.attribute = true});
    if (!r) return r;
    return std::string(trim(*r));
}

std::optional<std::string> binaryAttr(const fs::path& dir, std::string_view name) {
    auto r = readPseudo(attrPath(dir, name).c_str(), {.attribute = true, .classify = false});
    if (!r || r->empty()) return std::nullopt;
    return std::move(*r);
}

std::optional<std::string> attr(const fs::path& dir, std::string_view name) {
    auto r = readPseudo(attrPath(dir, name).c_str(), {.attribute = true, .classify = false});
    if (!r) return std::nullopt;
    auto t = trim(*r);
    if (t.empty()) return std::nullopt;
    return std::string(t);
}

std::optional<std::string> textAttr(const fs::path& dir, std::string_view name) {
    auto s = attr(dir, name);
    if (!s) return std::nullopt;
    auto p = printable(*s);
    if (p.empty()) return std::nullopt;
    return p;
}

std::optional<std::uint64_t> u64Value(const fs::path& dir, std::string_view name, std::string_view text, int base,
                                      std::vector<std::string>* garbage) {
    text = trim(text);
    if (text.empty()) return std::nullopt;
    auto v = parseInt<std::uint64_t>(text, base);
    if (!v && garbage) garbage->push_back((dir / name).string() + ": not a number: " + quoteForError(text));
    return v;
}

std::optional<std::uint64_t> attrU64(const fs::path& dir, std::string_view name, int base,
                                     std::vector<std::string>* garbage) {
    auto s = attr(dir, name);
    if (!s) return std::nullopt;
    return u64Value(dir, name, *s, base, garbage);
}

std::optional<std::int64_t> attrI64(const fs::path& dir, std::string_view name, std::vector<std::string>* garbage) {
    auto s = attr(dir, name);
    if (!s) return std::nullopt;
    auto v = parseInt<std::int64_t>(*s);
    if (!v && garbage) garbage->push_back((dir / name).string() + ": not a number: " + quoteForError(*s));
    return v;
}

std::optional<std::string> linkTarget(const fs::path& link) {
    char buf[4096];
    ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
    if (n <= 0) return std::nullopt;
    return std::string(buf, static_cast<std::size_t>(n));
}

std::optional<fs::path> resolveLink(const fs::path& link) {
    auto t = linkTarget(link);
    if (!t) return std::nullopt;
    fs::path target(*t);
    // Lexically, against the link's directory: callers pass links inside real device directories
    // (syspaths), so no component of the base is itself a link. This avoids a realpath() walk of
    // 10-15 components for every link, which dominated the scan's cost on large hosts.
    if (target.is_relative()) target = link.parent_path() / target;
    target = target.lexically_normal();
    // "dir/" (a link written with a trailing slash, as umockdev writes some) names "dir".
    if (!target.has_filename() && target.has_relative_path()) target = target.parent_path();
    return target;
}

std::optional<fs::path> realPath(const fs::path& p) {
    std::error_code ec;
    auto c = fs::canonical(p, ec);
    if (ec) return std::nullopt;
    return c;
}

std::vector<std::string> listDir(const fs::path& dir) {
    std::vector<std::string> out;
    DIR* d = ::opendir(dir.c_str());
    if (!d) return out;
    while (dirent* e = ::readdir(d)) {
        if (e->d_name[0] == '.' && (e->d_name[1] == 0 || (e->d_name[1] == '.' && e->d_name[2] == 0))) continue;
        out.emplace_back(e->d_name);
    }
    ::closedir(d);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> partitionsOf(const fs::path& diskDir) {
    const std::string disk = diskDir.filename().string();
    std::vector<std::string> out;
    for (auto& n : listDir(diskDir))
        if (n.size() > disk.size() && startsWith(n, disk) && pathExists(diskDir / n / "partition")) out.push_back(std::move(n));
    return out;
}

bool pathExists(const fs::path& p) {
    struct stat st{};
    return ::stat(p.c_str(), &st) == 0;
}

} // namespace raidmon::detail
