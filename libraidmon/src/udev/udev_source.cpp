// SPDX-License-Identifier: LGPL-2.1-or-later
// DeviceSource over libudev. Under umockdev's preload the same code reads the testbed.
#include <raidmon/context.hpp>

#include <cerrno>
#include <cstring>
#include <libudev.h>
#include <unistd.h>
#include <utility>

#include "core/sysfs.hpp"

namespace raidmon {
namespace {

constexpr int kMonitorReceiveBuffer = 128 * 1024 * 1024;

struct UdevDeleter {
    void operator()(udev* u) const { udev_unref(u); }
    void operator()(udev_device* d) const { udev_device_unref(d); }
    void operator()(udev_enumerate* e) const { udev_enumerate_unref(e); }
    void operator()(udev_monitor* m) const { udev_monitor_unref(m); }
};
template <typename T>
using UdevPtr = std::unique_ptr<T, UdevDeleter>;

std::string str(const char* s) { return s ? std::string(s) : std::string(); }

DeviceRecord toRecord(udev_device* d) {
    DeviceRecord r;
    r.syspath = str(udev_device_get_syspath(d));
    r.sysname = str(udev_device_get_sysname(d));
    r.subsystem = str(udev_device_get_subsystem(d));
    r.devtype = str(udev_device_get_devtype(d));
    r.devnode = str(udev_device_get_devnode(d));
    r.driver = str(udev_device_get_driver(d));
    for (auto* e = udev_device_get_properties_list_entry(d); e; e = udev_list_entry_get_next(e))
        r.properties.emplace(str(udev_list_entry_get_name(e)), str(udev_list_entry_get_value(e)));
    return r;
}

/// Only where udevd runs does "not initialized" mean "udev is still at work on it"; in a container
/// without udevd nothing is ever initialized, and nothing must wait for it.
bool udevdRuns() { return ::access("/run/udev/control", F_OK) == 0; }

/// A block device read from sysfs (not from a udev event, which comes after udev's rules): is
/// udev done with it? Its rules may still assemble an old array from it (DeviceRecord::initialized).
void markInitialized(DeviceRecord& r, udev_device* d, bool udevd) {
    if (udevd && r.subsystem == "block") r.initialized = udev_device_get_is_initialized(d) > 0;
}

class UdevMonitor final : public DeviceMonitor {
public:
    UdevMonitor(UdevPtr<udev> u, UdevPtr<udev_monitor> m) : udev_(std::move(u)), mon_(std::move(m)) {}
    UdevMonitor(const UdevMonitor&) = delete;
    UdevMonitor& operator=(const UdevMonitor&) = delete;
    int fd() const override { return udev_monitor_get_fd(mon_.get()); }
    std::optional<DeviceEvent> receive() override {
        errno = 0;
        UdevPtr<udev_device> d(udev_monitor_receive_device(mon_.get()));
        if (!d) {
            // libudev returns NULL with errno from recvmsg(): ENOBUFS means the kernel dropped
            // messages for this socket. The socket stays usable; what was lost must be re-read.
            if (errno == ENOBUFS) lost_ = true;
            return std::nullopt;
        }
        DeviceEvent ev;
        ev.action = str(udev_device_get_action(d.get()));
        ev.device = toRecord(d.get());
        if (auto s = udev_device_get_seqnum(d.get())) ev.seqnum = s;
        return ev;
    }

    bool lostEvents() override { return std::exchange(lost_, false); }

private:
    UdevPtr<udev> udev_;
    UdevPtr<udev_monitor> mon_;
    bool lost_ = false;
};

class UdevDeviceSource final : public DeviceSource {
public:
    UdevDeviceSource() : udev_(udev_new()) {}
    UdevDeviceSource(const UdevDeviceSource&) = delete;
    UdevDeviceSource& operator=(const UdevDeviceSource&) = delete;

    Result<std::vector<DeviceRecord>> enumerate(std::string_view subsystem) override {
        if (!udev_) return fail(errc::io_error, "libudev: udev_new failed");
        std::vector<DeviceRecord> out;
        if (!subsystem.empty()) {
            // The subsystem's directory lists exactly its devices (what lsblk reads for "block").
            // Listing it ourselves and asking libudev for each device halves libudev's cost:
            // its enumerator builds every device once to match it, and we would build it again.
            std::string sub(subsystem);
            for (const std::string& base : {"/sys/class/" + sub, "/sys/bus/" + sub + "/devices"}) {
                auto names = detail::listDir(base);
                for (const auto& n : names) {
                    auto target = detail::resolveLink(std::filesystem::path(base) / n);
                    if (!target) continue;
                    // A device listed a moment ago may be gone by now: skip it (sd-device does the same).
                    UdevPtr<udev_device> d(udev_device_new_from_syspath(udev_.get(), target->c_str()));
                    if (d) out.push_back(toRecord(d.get()));
                }
            }
            return out;  // an absent subsystem (no enclosures on this host) lists nothing
        }
        UdevPtr<udev_enumerate> en(udev_enumerate_new(udev_.get()));
        if (!en) return fail(errc::io_error, "libudev: udev_enumerate_new failed");
        if (int rc = udev_enumerate_scan_devices(en.get()); rc < 0)
            return fail(errc::io_error, std::string("libudev: enumerating devices: ") + std::strerror(-rc));
        const bool udevd = udevdRuns();
        for (auto* e = udev_enumerate_get_list_entry(en.get()); e; e = udev_list_entry_get_next(e)) {
            UdevPtr<udev_device> d(udev_device_new_from_syspath(udev_.get(), udev_list_entry_get_name(e)));
            if (!d) continue;
            out.push_back(toRecord(d.get()));
            markInitialized(out.back(), d.get(), udevd);
        }
        return out;
    }

    Result<DeviceRecord> lookup(const std::string& syspath) override {
        if (!udev_) return fail(errc::io_error, "libudev: udev_new failed");
        UdevPtr<udev_device> d(udev_device_new_from_syspath(udev_.get(), syspath.c_str()));
        if (!d) return fail(errc::device_gone, syspath + ": no such device");
        DeviceRecord r = toRecord(d.get());
        if (r.subsystem == "block") markInitialized(r, d.get(), udevdRuns());  // one access(2), and only for disks
        return r;
    }

    Result<std::unique_ptr<DeviceMonitor>> monitor(std::span<const std::string> subsystems) override {
        UdevPtr<udev> u(udev_new());
        if (!u) return fail(errc::io_error, "libudev: udev_new failed");
        UdevPtr<udev_monitor> m(udev_monitor_new_from_netlink(u.get(), "udev"));
        if (!m) return fail(errc::io_error, "libudev: cannot open the udev netlink monitor");
        for (const auto& s : subsystems) udev_monitor_filter_add_match_subsystem_devtype(m.get(), s.c_str(), nullptr);
        // A shelf of 100 disks dropping sends hundreds of uevents within milliseconds; the
        // default buffer (rmem_default, ~200 KiB) overflows. libudev asks with SO_RCVBUFFORCE
        // (root) and falls back to SO_RCVBUF (capped at rmem_max); a refusal is not fatal (the
        // overflow is detected and answered by a full rescan).
        (void)udev_monitor_set_receive_buffer_size(m.get(), kMonitorReceiveBuffer);
        if (int rc = udev_monitor_enable_receiving(m.get()); rc < 0)
            return fail(errc::io_error, std::string("libudev: enable receiving: ") + std::strerror(-rc));
        return std::unique_ptr<DeviceMonitor>(new UdevMonitor(std::move(u), std::move(m)));
    }

private:
    UdevPtr<udev> udev_;
};

} // namespace

std::shared_ptr<DeviceSource> makeUdevDeviceSource() { return std::make_shared<UdevDeviceSource>(); }

} // namespace raidmon
