// SPDX-License-Identifier: LGPL-2.1-or-later
// The inventory around one drive a caller names (raidmon smart DRIVE): that drive found with a
// targeted lookup, its own enclosure and arrays, instead of every drive, enclosure and array of
// the host (a full scan of a 944-disk host costs more than the SMART read it precedes).
#include <raidmon/inventory.hpp>
#include <raidmon/removal.hpp>

#include <algorithm>
#include <set>

#include "common.hpp"
#include "parts.hpp"
#include "core/strutil.hpp"
#include "core/sysfs.hpp"
#include "ctl/merge.hpp"
#include "led/ses_scan.hpp"

namespace raidmon {

namespace {

using detail::fs::path;

/// The host's device source, except that the "enclosure" subsystem lists only the given devices:
/// scanEnclosures() then reads the drive's own enclosure, not all of them.
class OnlyTheseEnclosures final : public DeviceSource {
public:
    OnlyTheseEnclosures(std::shared_ptr<DeviceSource> inner, std::vector<std::string> syspaths)
        : inner_(std::move(inner)), syspaths_(std::move(syspaths)) {}
    Result<std::vector<DeviceRecord>> enumerate(std::string_view subsystem) override {
        if (subsystem != "enclosure") return inner_->enumerate(subsystem);
        std::vector<DeviceRecord> out;
        for (const auto& s : syspaths_)
            if (auto r = inner_->lookup(s)) out.push_back(std::move(*r));  // gone meanwhile: not listed, as enumerate does
        return out;
    }
    Result<DeviceRecord> lookup(const std::string& syspath) override { return inner_->lookup(syspath); }
    Result<std::unique_ptr<DeviceMonitor>> monitor(std::span<const std::string> subsystems) override {
        return inner_->monitor(subsystems);
    }

private:
    std::shared_ptr<DeviceSource> inner_;
    std::vector<std::string> syspaths_;
};

std::string lowered(std::string_view s) { return detail::toLower(std::string(detail::trim(s))); }

/// What identifies the disk of block directory `dir`, lower case, as sysfs shows it without
/// decoding: the SCSI VPD 80h serial, the wwid (its part after "naa.", "eui." ...), an NVMe
/// controller's or a virtio disk's serial. A drive's serial, WWN and id contain one of these.
std::vector<std::string> identityHints(const path& dir) {
    std::vector<std::string> out;
    auto add = [&](std::optional<std::string> v) {
        if (!v) return;
        std::string s = lowered(*v);
        if (auto dot = s.find('.'); dot != std::string::npos && dot < 5) s.erase(0, dot + 1);
        if (s.size() >= 4) out.push_back(std::move(s));
    };
    const path dev = dir / "device";
    if (auto vpd = detail::binaryAttr(dev, "vpd_pg80"); vpd && vpd->size() > 4) add(vpd->substr(4));
    add(detail::textAttr(dev, "wwid"));
    add(detail::textAttr(dir, "wwid"));
    add(detail::textAttr(dev, "serial"));
    add(detail::textAttr(dir, "serial"));
    return out;
}

/// The whole disks (not partitions) of the block class that `spec` may name: by kernel name or
/// device node directly, else those one of whose identity hints `spec` contains.
std::vector<path> candidateDisks(const Context& ctx, std::string_view spec) {
    const path cls = ctx.paths.sys / "class" / "block";
    std::string name(detail::trim(spec));
    if (detail::startsWith(name, "/dev/")) name.erase(0, 5);
    if (!name.empty() && name.find('/') == std::string::npos && name != "." && name != "..")
        if (auto direct = detail::resolveLink(cls / name); direct && detail::pathExists(*direct / "size")) return {*direct};
    const std::string want = lowered(spec);
    std::vector<path> out;
    for (const auto& n : detail::listDir(cls)) {
        auto dir = detail::resolveLink(cls / n);
        if (!dir || detail::pathExists(*dir / "partition")) continue;
        for (const auto& h : identityHints(*dir))
            if (want.find(h) != std::string::npos) {
                out.push_back(*dir);
                break;
            }
    }
    return out;
}

/// The SES enclosure devices the SCSI device above block directory `dir` sits in
/// (ses.c's "enclosure_device:<component>" links: component -> enclosure device).
std::vector<std::string> enclosuresOf(const path& dir) {
    std::vector<std::string> out;
    const path scsiDev = dir.parent_path().parent_path();
    for (const auto& n : detail::listDir(scsiDev)) {
        if (!detail::startsWith(n, "enclosure_device:")) continue;
        if (auto comp = detail::resolveLink(scsiDev / n)) out.push_back(comp->parent_path().string());
    }
    return out;
}

/// The md arrays holding the disk of `dir` or one of its partitions ("holders" links).
std::set<std::string> holdersOf(const path& dir) {
    std::set<std::string> out;
    auto take = [&](const path& d) {
        for (const auto& h : detail::listDir(d / "holders"))
            if (detail::startsWith(h, "md")) out.insert(h);
    };
    take(dir);
    for (const auto& n : detail::partitionsOf(dir)) take(dir / n);
    return out;
}

} // namespace

Result<Inventory> scanInventoryFor(const Context& ctx, std::string_view spec, const ScanOptions& opts) {
    if (!ctx.devices) return fail(errc::invalid_argument, "scanInventoryFor: the Context has no device source");
    std::vector<DeviceRecord> disks;
    for (const auto& dir : candidateDisks(ctx, spec))
        if (auto rec = ctx.devices->lookup(dir.string()); rec && rec->devtype != "partition") disks.push_back(std::move(*rec));
    Inventory inv;
    if (!disks.empty()) inv.drives = detail::drivesFrom(ctx, disks, inv.notes);
    // Not the drive asked for (or no candidate at all: a drive only a RAID controller's tool sees,
    // an identity sysfs does not show as such): what a full scan finds.
    if (inv.drives.empty() || !findDrive(inv, spec)) return scanInventory(ctx, opts);

    inv.host = readHost(ctx);
    bool partial = false;
    if (opts.hardwareRaid) {
        if (auto c = scanControllers(ctx)) inv.controllers = std::move(*c);
        else {
            inv.notes.push_back("controllers: " + c.error().message);
            partial = true;
        }
    }
    // Enclosures: the ones the drives' SCSI devices are linked to, the PCIe hot-plug slots, and the
    // SES enclosures no driver bound when a SCSI drive is in no bound enclosure.
    std::vector<std::string> encs;
    std::set<std::string> arrays;
    bool unplaced = false;
    for (const auto& d : inv.drives) {
        if (!d.sysPath) continue;
        auto e = enclosuresOf(*d.sysPath);
        unplaced = unplaced || (e.empty() && d.protocol != Protocol::NVMe);
        encs.insert(encs.end(), e.begin(), e.end());
        arrays.merge(holdersOf(*d.sysPath));
    }
    std::sort(encs.begin(), encs.end());
    encs.erase(std::unique(encs.begin(), encs.end()), encs.end());
    if (!encs.empty()) {
        Context only = ctx;
        only.devices = std::make_shared<OnlyTheseEnclosures>(ctx.devices, encs);
        if (auto e = scanEnclosures(only, inv.drives, inv.notes)) inv.enclosures = std::move(*e);
        else {
            inv.notes.push_back("enclosures: " + e.error().message);
            partial = true;
        }
    }
    if (unplaced)
        for (auto& e : detail::scanUnboundSes(ctx, inv.drives, inv.notes)) inv.enclosures.push_back(std::move(e));
    if (auto s = scanPciSlots(ctx, inv.drives, inv.notes)) inv.enclosures.push_back(std::move(*s));
    // md: the arrays that hold the drive or its partitions.
    std::vector<DeviceRecord> md;
    for (const auto& name : arrays)
        if (auto dir = detail::resolveLink(ctx.paths.sys / "class" / "block" / name))
            if (auto rec = ctx.devices->lookup(dir->string())) md.push_back(std::move(*rec));
    inv.arrays = detail::mdArraysFrom(ctx, md, inv.drives, inv.notes);
    detail::sortMdArrays(inv.arrays);
    if (opts.crossCheckMdstat && !inv.arrays.empty()) detail::mdCrossCheck(ctx, inv.arrays, inv.notes);
    if (opts.probeSignatures) detail::signaturesFrom(ctx, disks, inv.drives, inv.notes);
    if (opts.hardwareRaid) detail::mergeHardwareRaid(ctx, inv);
    detail::finishInventory(inv, partial);
    return inv;
}

} // namespace raidmon
