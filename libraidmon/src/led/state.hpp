// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// The LED state files: leds.json (leases: the lights raidmon set and owns) and slots.json (slot
// memory). Small JSON documents, replaced atomically so a crash never leaves half a file.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <raidmon/error.hpp>
#include <raidmon/led.hpp>

namespace raidmon::detail {

/// Replace `path` by `content`: a temporary file with an unpredictable name in the same directory
/// (O_EXCL|O_NOFOLLOW), fsync, rename over `path`, fsync of the directory. The directory is created
/// if missing and checked as a state directory (core/statedir.hpp: owned by root or this user,
/// writable by nobody else, reached without untrusted links).
/// Errors: refused (the directory failed a check), io_error/permission_denied naming the file.
Result<void> writeFileAtomic(const std::filesystem::path& path, std::string_view content);

/// An exclusive lock on a state directory (flock on STATE_DIR/leds.lock), held for one
/// read-modify-write of its files: the agent's periodic expiry and a CLI locate may run at once.
class StateLock {
public:
    StateLock() = default;
    explicit StateLock(int fd) : fd_(fd) {}
    StateLock(const StateLock&) = delete;
    StateLock& operator=(const StateLock&) = delete;
    StateLock(StateLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    StateLock& operator=(StateLock&&) = delete;
    ~StateLock();
    [[nodiscard]] int fd() const noexcept { return fd_; }

private:
    int fd_ = -1;
};

/// Take the lock (the directory is created if missing, and checked as writeFileAtomic checks it;
/// the lock file is opened with O_NOFOLLOW); waits for another holder.
/// Errors: refused (a check failed), io_error/permission_denied naming the lock file.
Result<StateLock> lockState(const std::filesystem::path& stateDir);

/// The lease file of a state directory.
std::filesystem::path leaseFile(const std::filesystem::path& stateDir);
/// Write the leases (atomically).
Result<void> saveLeases(const std::filesystem::path& stateDir, const std::vector<LedLease>& leases);

/// The slot memory file of a state directory.
std::filesystem::path slotMemoryFile(const std::filesystem::path& stateDir);
/// Write the slot memory (atomically).
Result<void> saveSlotMemory(const std::filesystem::path& stateDir, const SlotMemory& memory);

} // namespace raidmon::detail
