// SPDX-License-Identifier: LGPL-2.1-or-later
// SES enclosures through the kernel's enclosure class (drivers/misc/enclosure.c, drivers/scsi/ses.c)
// and PCIe hot-plug slots (/sys/bus/pci/slots, drivers/pci/slot.c).
#include <raidmon/inventory.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "common.hpp"
#include "core/strutil.hpp"
#include "core/sysfs.hpp"

namespace raidmon {

using namespace detail;

namespace {

std::optional<bool> boolAttr(const fs::path& dir, std::string_view name) {
    auto v = attrU64(dir, name);
    if (!v) return std::nullopt;
    return *v != 0;
}

} // namespace

namespace detail {

DriveIndex::DriveIndex(const std::vector<Drive>& drives) {
    for (const auto& drv : drives) {
        if (!drv.sysPath) continue;
        const std::string& s = *drv.sysPath;
        bySysPath_.emplace(s, &drv);  // the first drive of a path wins, as findDriveByPath's scan
        // ".../0:0:3:0/block/sdc": the SCSI device (or NVMe controller) the block directory hangs below
        auto pos = s.rfind("/block/");
        if (pos != std::string::npos && s.find('/', pos + 7) == std::string::npos) byParent_.emplace(s.substr(0, pos), &drv);
    }
}

const Drive* DriveIndex::find(const fs::path& dir) const {
    std::string d = dir.lexically_normal().string();
    if (auto it = byParent_.find(d); it != byParent_.end()) {
        if (auto own = bySysPath_.find(d); own == bySysPath_.end()) return it->second;
    }
    // the drive itself, or a directory inside it (a partition: .../block/sda/sda1)
    for (;;) {
        if (auto it = bySysPath_.find(d); it != bySysPath_.end()) return it->second;
        auto slash = d.rfind('/');
        if (slash == std::string::npos || slash == 0) return nullptr;
        d.resize(slash);
    }
}

std::optional<Slot> readSesSlot(const fs::path& comp, const std::string& enclosureId, int fallbackIndex,
                                const std::function<const Drive*(const fs::path&)>& driveAt, std::vector<std::string>& notes) {
    auto type = attr(comp, "type");
    if (!type) return std::nullopt;  // not a component directory (power, subsystem, ...)
    if (*type != "array device" && *type != "device") return std::nullopt;
    const std::string name = comp.filename().string();
    Slot s;
    s.label = name;
    s.sysPath = comp.string();
    if (auto idx = attrU64(comp, "slot", 10, &notes)) s.index = static_cast<int>(std::min<std::uint64_t>(*idx, 1u << 20));
    else if (auto n = parseInt<int>(name)) s.index = *n;
    else s.index = fallbackIndex;
    s.status = attr(comp, "status");
    s.locate = boolAttr(comp, "locate");
    s.fault = boolAttr(comp, "fault");
    s.active = boolAttr(comp, "active");
    if (auto ps = attr(comp, "power_status")) s.power = *ps == "on";
    if (auto link = resolveLink(comp / "device")) {
        if (const Drive* d = driveAt(*link)) {
            s.drive = d->id;
            s.device = d->kernelName;
        } else if (!pathExists(*link)) {
            notes.push_back(enclosureId + " " + name + ": the slot's device link dangles (drive removed?)");
        } else {
            // Occupied by something we do not list as a drive (e.g. a disk of an unsupported type).
            s.device = link->filename().string();
        }
    }
    return s;
}

void sesEnclosureHealth(Enclosure& e) {
    e.health = Health::OK;
    e.reasons.clear();
    for (const auto& s : e.slots) {
        if (!s.status) continue;
        Health h = sesSlotHealth(*s.status);
        if (h != Health::OK) {
            e.health = worse(e.health, h);
            e.reasons.push_back(e.id + " " + s.label.value_or("?") + ": SES element status '" + *s.status + "'");
        }
    }
}

std::vector<std::string> enclosureComponentsOf(const Drive& d) {
    std::vector<std::string> out;
    if (!d.sysPath || d.protocol == Protocol::NVMe) return out;
    fs::path scsiDev = fs::path(*d.sysPath).parent_path().parent_path();
    for (const auto& n : listDir(scsiDev)) {
        if (!startsWith(n, "enclosure_device:")) continue;
        if (auto target = resolveLink(scsiDev / n)) out.push_back(target->lexically_normal().string());
    }
    return out;
}

} // namespace detail

namespace detail {

std::optional<Enclosure> readSesEnclosure(const DeviceRecord& rec, const DriveIndex& drives, std::vector<std::string>& notes) {
    fs::path dir = rec.syspath;
    if (!pathExists(dir / "components")) {
        notes.push_back(rec.sysname + ": enclosure vanished during the scan; skipped");
        return std::nullopt;
    }
    Enclosure e;
    e.kind = "ses";
    e.sysPath = dir.string();
    e.scsiAddress = rec.sysname;
    std::vector<std::string> garbage;
    if (auto n = attrU64(dir, "components", 10, &garbage)) e.components = static_cast<int>(std::min<std::uint64_t>(*n, 100000));
    auto logicalId = attr(dir, "id");
    e.id = logicalId && logicalId->find_first_not_of("0x") != std::string::npos ? toLower(*logicalId) : rec.sysname;
    // The SES device is the enclosure device's parent (…/0:0:12:0/enclosure/0:0:12:0).
    fs::path sesDev = dir.parent_path().parent_path();
    e.vendor = textAttr(sesDev, "vendor");
    e.product = textAttr(sesDev, "model");
    e.revision = textAttr(sesDev, "rev");

    const auto driveAt = [&](const fs::path& p) { return drives.find(p); };
    std::vector<std::string> slotNotes;
    for (const auto& name : listDir(dir))
        if (auto s = readSesSlot(dir / name, e.id, static_cast<int>(e.slots.size()), driveAt, slotNotes)) e.slots.push_back(std::move(*s));
    std::sort(e.slots.begin(), e.slots.end(), [](const Slot& a, const Slot& b) { return a.index < b.index; });
    sesEnclosureHealth(e);
    for (auto& n : slotNotes) notes.push_back(std::move(n));
    for (auto& g : garbage) notes.push_back(std::move(g));
    return e;
}

void placeByDiskLinks(std::vector<Enclosure>& enclosures, const std::vector<Drive>& drives) {
    std::map<std::string, Slot*> bySysPath;
    std::set<std::string> placed;
    for (auto& e : enclosures)
        for (auto& s : e.slots) {
            if (s.sysPath) bySysPath[*s.sysPath] = &s;
            if (s.drive) placed.insert(*s.drive);
        }
    if (bySysPath.empty()) return;
    for (const auto& d : drives) {
        if (placed.count(d.id)) continue;
        for (const auto& target : enclosureComponentsOf(d))
            if (auto it = bySysPath.find(target); it != bySysPath.end() && !it->second->drive) {
                it->second->drive = d.id;
                it->second->device = d.kernelName;
            }
    }
}

void sortSesEnclosures(std::vector<Enclosure>& enclosures) {
    // By SCSI address H:C:T:L, numerically ("1:0:60:0" before "1:0:160:0"); the kernel-bound SES
    // enclosures lead the list, whatever follows them (SG_IO-read ones, PCIe slots) keeps its place.
    auto hctl = [](const Enclosure& e) {
        std::array<unsigned long, 4> v{};
        const std::string addr = e.scsiAddress.value_or("");
        auto parts = split(addr, ':');
        for (std::size_t i = 0; i < parts.size() && i < 4; ++i) v[i] = parseInt<unsigned long>(parts[i]).value_or(0);
        return v;
    };
    auto end = std::stable_partition(enclosures.begin(), enclosures.end(), [](const Enclosure& e) { return e.kind == "ses"; });
    std::stable_sort(enclosures.begin(), end, [&](const Enclosure& a, const Enclosure& b) { return hctl(a) < hctl(b); });
}

} // namespace detail

Result<std::vector<Enclosure>> scanEnclosures(const Context& ctx, const std::vector<Drive>& drives,
                                              std::vector<std::string>& notes) {
    auto devs = ctx.devices->enumerate("enclosure");
    if (!devs) return tl::unexpected(devs.error());
    const DriveIndex index(drives);
    std::vector<Enclosure> out;
    for (const auto& rec : *devs)
        if (auto e = readSesEnclosure(rec, index, notes)) out.push_back(std::move(*e));
    // The disk side: /sys/block/sdX/device/enclosure_device:<component> (ses.c links both ways),
    // for drives whose slot has no device link. One pass over the drives for all enclosures.
    placeByDiskLinks(out, drives);
    sortSesEnclosures(out);
    return out;
}

std::optional<Enclosure> scanPciSlots(const Context& ctx, const std::vector<Drive>& drives, std::vector<std::string>& notes) {
    fs::path slotsDir = ctx.paths.sys / "bus" / "pci" / "slots";
    auto names = listDir(slotsDir);
    if (names.empty()) return std::nullopt;
    Enclosure e;
    e.id = "pcie";
    e.kind = "pcie-slots";
    e.sysPath = slotsDir.string();
    std::vector<std::string> garbage;
    for (const auto& name : names) {
        fs::path dir = slotsDir / name;
        auto address = attr(dir, "address");  // "0000:5e:00" (no function) or "0000:5e:00.0" on some platforms
        if (!address) continue;
        Slot s;
        s.label = "PCIe slot " + name;
        s.sysPath = dir.string();
        if (auto n = parseInt<int>(name)) s.index = *n;
        else s.index = static_cast<int>(e.slots.size());
        if (auto att = attrU64(dir, "attention", 10, &garbage)) s.attention = static_cast<int>(std::min<std::uint64_t>(*att, 255));
        if (auto pw = attrU64(dir, "power", 10, &garbage)) s.power = *pw != 0;
        std::string prefix = address->size() == 10 ? *address + "." : address->substr(0, 10) + ".";
        for (const auto& d : drives) {
            if (d.location.controller && startsWith(*d.location.controller, prefix)) {
                s.drive = d.id;
                s.device = d.kernelName;
                s.pciAddress = d.location.controller;
                break;
            }
        }
        auto adapter = attrU64(dir, "adapter");
        if (s.drive) s.status = "occupied";
        else if (adapter && *adapter == 0) s.status = "empty";
        else if (pathExists(ctx.paths.sys / "bus" / "pci" / "devices" / (prefix + "0"))) {
            s.status = "occupied";
            s.pciAddress = prefix + "0";
            s.device = "pci " + prefix + "0";
        } else {
            s.status = "empty";
        }
        e.slots.push_back(std::move(s));
    }
    if (e.slots.empty()) return std::nullopt;
    std::sort(e.slots.begin(), e.slots.end(), [](const Slot& a, const Slot& b) { return a.index < b.index; });
    e.health = Health::OK;
    for (auto& g : garbage) notes.push_back(std::move(g));
    return e;
}

} // namespace raidmon
