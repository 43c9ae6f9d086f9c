// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#include <raidmon/export.hpp>

/// @file context.hpp
/// @brief The seams through which libraidmon touches the machine: file roots, devices, commands,
/// time and logging. Everything the library reads or runs goes through a Context passed explicitly.

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <raidmon/error.hpp>

RAIDMON_API_BEGIN
namespace raidmon {

/// @brief Where the machine's pseudo file systems live. Production: the real ones. Tests point them
/// into a testbed or an unpacked recording.
struct Paths {
    std::filesystem::path sys = "/sys";
    std::filesystem::path proc = "/proc";
    std::filesystem::path dev = "/dev";
    std::filesystem::path etc = "/etc";
    std::filesystem::path run = "/run";

    /// @brief All five under one root directory (root/sys, root/proc, ...).
    static Paths underRoot(const std::filesystem::path& root);
};

/// @brief One device as the device source sees it (a libudev device, or a sysfs directory).
struct DeviceRecord {
    std::string syspath;    ///< absolute path of the device directory, e.g. /sys/devices/.../block/sda
    std::string sysname;    ///< last path component, e.g. "sda"
    std::string subsystem;  ///< "block", "scsi", "nvme", "pci", "enclosure", ...
    std::string devtype;    ///< "disk", "partition", "scsi_device", ... (may be empty)
    std::string devnode;    ///< "/dev/sda" or empty
    std::string driver;     ///< bound driver or empty
    std::map<std::string, std::string, std::less<>> properties;  ///< uevent and udev-database properties
    /// udev has processed the device: its rules ran (mdadm's incremental assembly among them) and
    /// its database entry exists. False only when the source knows otherwise (libudev's
    /// udev_device_get_is_initialized() on a host where udevd runs); a recorded tree says true.
    bool initialized = true;

    /// @brief A property's value, or nullopt.
    [[nodiscard]] std::optional<std::string> property(std::string_view key) const;
};

/// @brief A kernel or udev event on a device.
struct DeviceEvent {
    std::string action;  ///< "add", "remove", "change", "bind", "unbind", "move", "online", "offline"
    DeviceRecord device;
    std::optional<unsigned long long> seqnum;
};

/// @brief A stream of device events. Poll fd() for readability, then call receive().
class DeviceMonitor {
public:
    virtual ~DeviceMonitor() = default;
    /// @brief The file descriptor to poll for POLLIN.
    [[nodiscard]] virtual int fd() const = 0;
    /// @brief Take one pending event; nullopt when none is pending.
    virtual std::optional<DeviceEvent> receive() = 0;
    /// @brief Were events dropped since the last call (the kernel could not queue them: the
    /// socket's receive buffer overflowed, ENOBUFS)? Reports each overflow once; the caller must
    /// then read everything again. Sources that cannot lose events always say false.
    virtual bool lostEvents() { return false; }
};

/// @brief The device database: enumeration and event monitoring (libudev in production).
class DeviceSource {
public:
    virtual ~DeviceSource() = default;
    /// @brief Every device of a subsystem (all subsystems if empty).
    /// @return the devices, or io_error/unsupported if the source cannot be read.
    virtual Result<std::vector<DeviceRecord>> enumerate(std::string_view subsystem) = 0;
    /// @brief One device by its syspath; device_gone if it does not exist (any more).
    virtual Result<DeviceRecord> lookup(const std::string& syspath) = 0;
    /// @brief Start monitoring the given subsystems (all if empty).
    /// @return a monitor, or unsupported if this source cannot deliver events.
    virtual Result<std::unique_ptr<DeviceMonitor>> monitor(std::span<const std::string> subsystems) = 0;
};

/// @brief What a finished command produced.
struct CommandOutput {
    int exitStatus = 0;      ///< exit code (0..255), or 128+signal if it was killed by a signal
    std::string out;         ///< standard output
    std::string err;         ///< standard error
};

/// @brief Runs external tools (storcli, smartctl, mdadm, ...). The one way the library starts a process.
class CommandRunner {
public:
    virtual ~CommandRunner() = default;
    /// @brief Run argv[0] (searched in PATH) with a time limit. A non-zero exit is NOT an error here:
    /// many tools (smartctl) encode findings in their exit status; callers interpret it.
    /// @return the output; not_found if the program does not exist, command_timeout if it ran past
    ///         the limit (it is killed), io_error if it could not be started, invalid_argument for an
    ///         empty argv.
    virtual Result<CommandOutput> run(std::span<const std::string> argv, std::chrono::milliseconds timeout) = 0;
};

/// @brief Time, so tests can control it.
class Clock {
public:
    virtual ~Clock() = default;
    [[nodiscard]] virtual std::chrono::system_clock::time_point now() const = 0;
    [[nodiscard]] virtual std::chrono::steady_clock::time_point monotonic() const = 0;
};

/// @brief Log levels, with bmcweb's meanings: critical (the process cannot go on), error (an
/// operation failed that should not have), warning (unexpected but handled), info (a state change
/// a person cares about), debug (expected failures and details for developers).
enum class LogLevel { debug, info, warning, error, critical };

/// @brief The log callback: level and a structured "message key=value ..." line.
using LogFn = std::function<void(LogLevel, std::string_view)>;

/// @brief Whether the library may open device nodes (/dev/sdX) to probe them (blkid, SG_IO, NVMe).
enum class DeviceIo {
    none,      ///< never open a device node: only sysfs, udev and tools
    readOnly,  ///< open nodes O_RDONLY for probing; nothing ever writes to a disk
};

/// @brief Everything the library touches. No globals: pass it explicitly.
struct Context {
    Paths paths;
    std::shared_ptr<DeviceSource> devices;
    std::shared_ptr<CommandRunner> runner;
    std::shared_ptr<Clock> clock;
    LogFn log;
    DeviceIo deviceIo = DeviceIo::readOnly;

    /// @brief Log through the callback if one is set.
    void logAt(LogLevel level, std::string_view msg) const {
        if (log) log(level, msg);
    }
};

/// @brief The production context: the real /sys, /proc, /dev, libudev, posix_spawn and system clocks.
Context makeSystemContext();

/// @brief A context over a directory holding sys/, proc/, dev/, etc/ (an unpacked recording). The
/// device source walks sysfs itself (libudev only accepts the real /sys), and device I/O is off.
Context makeRootContext(const std::filesystem::path& root);

/// @brief libudev-backed device source (also what runs under umockdev).
std::shared_ptr<DeviceSource> makeUdevDeviceSource();

/// @brief Device source that walks a sysfs tree under `paths.sys` and reads udev's database under
/// `paths.run` when present. It cannot monitor.
std::shared_ptr<DeviceSource> makeSysfsDeviceSource(const Paths& paths);

/// @brief CommandRunner over posix_spawn with pipes, a time limit and process-group kill.
std::shared_ptr<CommandRunner> makeProcessRunner();

/// @brief The system's clocks.
std::shared_ptr<Clock> makeSystemClock();

} // namespace raidmon
RAIDMON_API_END
