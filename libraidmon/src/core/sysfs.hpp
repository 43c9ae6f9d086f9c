// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Reading sysfs (and other pseudo files) as untrusted input: bounded, errno mapped, paths in messages.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <raidmon/error.hpp>

namespace raidmon::detail {

namespace fs = std::filesystem;

/// The largest pseudo file we read. sysfs text attributes are at most a page; binary VPD pages and
/// /proc/mdstat on hosts with hundreds of arrays are larger, but never this large.
inline constexpr std::size_t kMaxPseudoFile = 1 << 20;

/// Read a whole file (at most kMaxPseudoFile bytes).
/// Errors: not_found (file absent but its directory exists), device_gone (directory gone too),
/// permission_denied, io_error; the message names the path.
Result<std::string> readFile(const fs::path& path);
Result<std::string> readFile(const char* path);

/// Read a text attribute, trimmed of whitespace and NUL padding.
Result<std::string> readAttr(const fs::path& dir, std::string_view name);

/// A text attribute or nullopt (absent, unreadable, or empty after trimming).
std::optional<std::string> attr(const fs::path& dir, std::string_view name);

/// A binary attribute (a VPD page), as read; nullopt if absent, unreadable or empty.
std::optional<std::string> binaryAttr(const fs::path& dir, std::string_view name);

/// A text attribute made printable (non-ASCII bytes replaced), trimmed; nullopt if absent or empty.
std::optional<std::string> textAttr(const fs::path& dir, std::string_view name);

/// An attribute parsed as an integer (base 10, or 16 with optional 0x); nullopt if absent or garbage.
/// `garbage` (if given) receives a note naming the path and the bad value.
std::optional<std::uint64_t> attrU64(const fs::path& dir, std::string_view name, int base = 10,
                                     std::vector<std::string>* garbage = nullptr);
/// The text of attribute dir/name, already read, parsed as attrU64() parses it (empty after
/// trimming: nullopt, no note).
std::optional<std::uint64_t> u64Value(const fs::path& dir, std::string_view name, std::string_view text, int base = 10,
                                      std::vector<std::string>* garbage = nullptr);
std::optional<std::int64_t> attrI64(const fs::path& dir, std::string_view name,
                                    std::vector<std::string>* garbage = nullptr);

/// Target of a symlink, as written (not resolved); nullopt if not a link or unreadable.
std::optional<std::string> linkTarget(const fs::path& link);

/// Resolve a symlink to an absolute, lexically normal path WITHOUT requiring the target to exist
/// (sysfs links may dangle during hot-unplug). The link's directory must be a real path (no
/// symlinked components), as every syspath is. nullopt if `link` is not a symlink.
std::optional<fs::path> resolveLink(const fs::path& link);

/// Resolve all symlinks in an existing path (realpath); nullopt if it does not exist.
std::optional<fs::path> realPath(const fs::path& p);

/// Entry names of a directory (not "." or ".."); empty if unreadable.
std::vector<std::string> listDir(const fs::path& dir);

/// The partitions of the disk whose block directory is `diskDir` (their entry names, sorted). The
/// kernel names a partition after its disk ("sda1", "nvme0n1p1"), so only such subdirectories
/// are asked for their "partition" attribute, not every attribute and link of the disk.
std::vector<std::string> partitionsOf(const fs::path& diskDir);

/// Does the path exist (following links)?
bool pathExists(const fs::path& p);

} // namespace raidmon::detail
