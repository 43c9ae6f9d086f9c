// SPDX-License-Identifier: LGPL-2.1-or-later
// DeviceSource that walks a sysfs tree itself: for recorded trees (libudev accepts only the real
// /sys, see sd-device's SYSFS_MAGIC check) and hosts where udev is not running. Properties come
// from each device's uevent file plus udev's database under <run>/udev/data when it exists.
#include <raidmon/context.hpp>

#include <set>

#include "../core/strutil.hpp"
#include "../core/sysfs.hpp"

namespace raidmon {
namespace {

using namespace detail;

void addKeyValues(std::string_view text, DeviceRecord& r, bool udevDb) {
    for (auto line : lines(text)) {
        if (udevDb) {
            if (!startsWith(line, "E:")) continue;  // database: "E:KEY=VALUE"; other records are links, tags...
            line.remove_prefix(2);
        }
        auto eq = line.find('=');
        if (eq == std::string_view::npos || eq == 0) continue;
        r.properties.insert_or_assign(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)));
    }
}

class SysfsDeviceSource final : public DeviceSource {
public:
    explicit SysfsDeviceSource(Paths p) : paths_(std::move(p)) {}

    Result<std::vector<DeviceRecord>> enumerate(std::string_view subsystem) override {
        std::error_code ec;
        if (!fs::is_directory(paths_.sys, ec))
            return fail(errc::io_error, paths_.sys.string() + ": not a sysfs tree (no such directory)");
        std::vector<fs::path> dirs;
        auto collect = [&](const fs::path& d) {
            for (const auto& name : listDir(d)) {
                auto p = d / name;
                if (auto c = detail::realPath(p)) dirs.push_back(*c);
            }
        };
        if (subsystem.empty()) {
            for (const auto& cls : listDir(paths_.sys / "class")) collect(paths_.sys / "class" / cls);
            for (const auto& bus : listDir(paths_.sys / "bus")) collect(paths_.sys / "bus" / bus / "devices");
        } else {
            collect(paths_.sys / "class" / std::string(subsystem));
            collect(paths_.sys / "bus" / std::string(subsystem) / "devices");
        }
        std::set<std::string> seen;
        std::vector<DeviceRecord> out;
        for (const auto& d : dirs) {
            if (!seen.insert(d.string()).second) continue;
            auto r = lookup(d.string());
            if (r) out.push_back(std::move(*r));
        }
        return out;
    }

    Result<DeviceRecord> lookup(const std::string& syspath) override {
        fs::path dir(syspath);
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) return fail(errc::device_gone, syspath + ": no such device");
        DeviceRecord r;
        r.syspath = syspath;
        r.sysname = dir.filename().string();
        if (auto s = resolveLink(dir / "subsystem")) r.subsystem = s->filename().string();
        if (auto d = resolveLink(dir / "driver")) r.driver = d->filename().string();
        if (auto ue = readFile(dir / "uevent")) addKeyValues(*ue, r, false);
        if (auto v = r.property("DEVTYPE")) r.devtype = *v;
        if (auto v = r.property("DEVNAME")) r.devnode = (paths_.dev / *v).string();
        auto maj = r.property("MAJOR"), min = r.property("MINOR");
        std::string dbName;
        if (maj && min)
            dbName = (r.subsystem == "block" ? "b" : "c") + *maj + ":" + *min;
        else if (!r.subsystem.empty())
            dbName = "+" + r.subsystem + ":" + r.sysname;
        if (!dbName.empty())
            if (auto db = readFile(paths_.run / "udev" / "data" / dbName)) addKeyValues(*db, r, true);
        return r;
    }

    Result<std::unique_ptr<DeviceMonitor>> monitor(std::span<const std::string>) override {
        return fail(errc::unsupported, "a recorded sysfs tree delivers no events");
    }

private:
    Paths paths_;
};

} // namespace

std::shared_ptr<DeviceSource> makeSysfsDeviceSource(const Paths& paths) {
    return std::make_shared<SysfsDeviceSource>(paths);
}

} // namespace raidmon
