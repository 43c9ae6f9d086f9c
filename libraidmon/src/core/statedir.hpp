// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// The state directory (leds.json, slots.json, incidents.json, the outbox, lock files) as a
// hostile local user may have prepared it. raidmon runs as root: a state directory another user
// can write, or a symbolic link planted in it, would let that user make raidmon overwrite any file
// of the system (docs/security.md). So the directory is reached by a walk from "/" that trusts
// only directories owned by root or by raidmon's own user that nobody else can write (a sticky
// directory such as /tmp is crossed only through entries owned by those users), the state
// directory itself must be writable by nobody else, and every file in it is opened relative to
// the directory's descriptor with O_NOFOLLOW: a symbolic link is never followed, temporary files
// get unpredictable names and are created with O_EXCL.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <raidmon/error.hpp>

#include "core/devnode.hpp"

namespace raidmon::detail {

/// The largest state file read back (leds.json, slots.json, incidents.json are a few KiB).
inline constexpr std::size_t kMaxStateFile = 16u << 20;

/// An open, checked state directory.
class StateDir {
public:
    StateDir(StateDir&&) noexcept = default;
    StateDir& operator=(StateDir&&) noexcept = default;
    StateDir(const StateDir&) = delete;
    StateDir& operator=(const StateDir&) = delete;

    /// Open `dir` (absolute, no ".." component) after checking the whole path as described above;
    /// `create` makes the missing directories (mode 0755).
    /// Errors: not_found (absent and `create` false), refused (a check failed: the message names
    /// the directory, its owner and mode, and what to do), invalid_argument (a relative path or
    /// one with ".."), permission_denied / io_error naming the path.
    static Result<StateDir> open(const std::filesystem::path& dir, bool create);

    /// Read a file of the directory (at most kMaxStateFile bytes); nullopt if it does not exist.
    /// Errors: refused (a symbolic link, not a regular file, or owned by another user),
    /// io_error / permission_denied naming the file.
    [[nodiscard]] Result<std::optional<std::string>> read(std::string_view name) const;

    /// Replace a file atomically: a temporary file with an unpredictable name created with
    /// O_EXCL|O_NOFOLLOW, written, fsync'ed, renamed over `name` (a symbolic link planted under
    /// that name is replaced, never followed), then the directory fsync'ed.
    /// Errors: io_error / permission_denied naming the file (nothing is left behind).
    [[nodiscard]] Result<void> write(std::string_view name, std::string_view content) const;

    /// Open (creating, mode 0600) a lock file of the directory with O_NOFOLLOW; it must be a
    /// regular file owned by raidmon's user or root. Errors: refused, io_error, permission_denied.
    [[nodiscard]] Result<Fd> openLockFile(std::string_view name) const;

    /// Rename a file of the directory (renameat: links are moved, not followed).
    /// Errors: io_error / permission_denied naming both names.
    [[nodiscard]] Result<void> rename(std::string_view from, std::string_view to) const;

    /// Does `name` exist in the directory (as anything: a link counts)?
    [[nodiscard]] bool exists(std::string_view name) const;

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
    /// An O_PATH descriptor of the directory, for *at() calls.
    [[nodiscard]] int fd() const noexcept { return fd_.get(); }

private:
    StateDir(Fd fd, std::filesystem::path path) : fd_(std::move(fd)), path_(std::move(path)) {}
    std::filesystem::path file(std::string_view name) const { return path_ / std::string(name); }

    Fd fd_;
    std::filesystem::path path_;
};

/// Read a file of a state directory (the directory checked as StateDir::open does, not created):
/// nullopt when the directory or the file does not exist. Errors as StateDir::open and read.
Result<std::optional<std::string>> readStateFile(const std::filesystem::path& file);

/// A hex string of `bytes` random bytes (getrandom), for names nobody can predict.
std::string randomHex(std::size_t bytes);

} // namespace raidmon::detail
