// SPDX-License-Identifier: LGPL-2.1-or-later
// What each drive carries: RAID superblocks, LVM, filesystems, partition tables. From udev's
// database when it has probed the device (its blkid builtin), else libblkid on the device node,
// read-only, and only for a node under the Context's /dev that really is this block device.
#include <raidmon/inventory.hpp>

#include <algorithm>
#include <blkid/blkid.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common.hpp"
#include "core/devnode.hpp"
#include "core/strutil.hpp"
#include "core/sysfs.hpp"

namespace raidmon {

using namespace detail;

namespace {

std::optional<Signature> fromUdev(const DeviceRecord& rec) {
    Signature s;
    s.device = rec.sysname;
    if (auto t = rec.property("ID_FS_TYPE"); t && !t->empty()) {
        s.type = *t;
        s.usage = rec.property("ID_FS_USAGE");
        s.uuid = rec.property("ID_FS_UUID");
        s.label = rec.property("ID_FS_LABEL");
        return s;
    }
    if (auto pt = rec.property("ID_PART_TABLE_TYPE"); pt && !pt->empty()) {
        s.type = *pt;
        s.usage = "partition_table";
        s.uuid = rec.property("ID_PART_TABLE_UUID");
        return s;
    }
    return std::nullopt;
}

std::optional<Signature> probeNode(const Context& ctx, const std::string& name, const std::string& devnode,
                                   const fs::path& sysDir, std::vector<std::string>& notes, bool& probed) {
    probed = false;
    auto fd = openDeviceNode(ctx, devnode, sysDir, NodeKind::block);
    if (!fd) {
        if (!fd.error().is(errc::refused) || ctx.deviceIo != DeviceIo::none)
            ctx.logAt(LogLevel::debug, "blkid probe skipped device=" + name + " reason=" + fd.error().message);
        if (fd.error().is(errc::permission_denied))
            notes.push_back("cannot look for RAID or filesystem signatures on " + name + ": " + fd.error().message);
        return std::nullopt;
    }
    std::optional<Signature> sig;
    blkid_probe pr = blkid_new_probe();
    if (pr && blkid_probe_set_device(pr, fd->get(), 0, 0) == 0) {
        blkid_probe_enable_superblocks(pr, 1);
        blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_USAGE | BLKID_SUBLKS_UUID | BLKID_SUBLKS_LABEL);
        blkid_probe_enable_partitions(pr, 1);
        blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
        int rc = blkid_do_safeprobe(pr);
        probed = rc >= 0 || rc == -2;
        if (rc == 0) {
            auto get = [&](const char* key) -> std::optional<std::string> {
                const char* v = nullptr;
                if (blkid_probe_lookup_value(pr, key, &v, nullptr) == 0 && v) return printable(v);
                return std::nullopt;
            };
            Signature s;
            s.device = name;
            if (auto t = get("TYPE")) {
                s.type = *t;
                s.usage = get("USAGE");
                s.uuid = get("UUID");
                s.label = get("LABEL");
                sig = s;
            } else if (auto pt = get("PTTYPE")) {
                s.type = *pt;
                s.usage = "partition_table";
                s.uuid = get("PTUUID");
                sig = s;
            }
        } else if (rc == -2) {
            notes.push_back(name + ": ambivalent signatures (more than one superblock type): check before reuse");
        }
    }
    if (pr) blkid_free_probe(pr);
    return sig;
}

std::string roleOf(const Drive& d, const std::vector<Signature>& sigs, bool mdHolder) {
    if (mdHolder) return "md-member";
    for (const auto& s : sigs) {
        if (s.type == "linux_raid_member") return "md-member";
        if (s.type == "isw_raid_member" || s.type == "ddf_raid_member" || s.type == "lsi_mega_raid_member" ||
            s.type == "adaptec_raid_member" || s.type == "hpt45x_raid_member" || s.type == "promise_fasttrack_raid_member")
            return "hw-raid-member";
        if (s.type == "LVM2_member") return "lvm-pv";
        if (s.type == "zfs_member") return "zfs-member";
        if (s.type == "ceph_bluestore") return "ceph-osd";
    }
    for (const auto& s : sigs)
        if (s.usage && *s.usage == "filesystem") return "filesystem";
    for (const auto& s : sigs)
        if (s.usage && *s.usage == "partition_table") return "partitioned";
    (void)d;
    return sigs.empty() ? "unused" : "other";
}

} // namespace

void probeSignatures(const Context& ctx, std::vector<Drive>& drives, std::vector<std::string>& notes) {
    auto all = ctx.devices->enumerate("block");
    if (!all) {
        notes.push_back("signatures: " + all.error().message);
        return;
    }
    detail::signaturesFrom(ctx, *all, drives, notes);
}

void detail::signaturesFrom(const Context& ctx, const std::vector<DeviceRecord>& all, std::vector<Drive>& drives,
                            std::vector<std::string>& notes) {
    std::map<std::string, const DeviceRecord*> bySys;
    for (const auto& r : all) bySys.emplace(r.syspath, &r);
    for (auto& d : drives) {
        if (!d.sysPath) continue;
        fs::path dir(*d.sysPath);
        std::vector<std::pair<std::string, fs::path>> devices = {{d.kernelName.value_or(""), dir}};
        for (const auto& n : partitionsOf(dir)) devices.emplace_back(n, dir / n);
        bool mdHolder = false;
        bool unknown = false;
        d.holders.clear();
        std::vector<Signature> sigs;
        for (const auto& [name, sys] : devices) {
            for (const auto& h : listDir(sys / "holders")) {
                if (startsWith(h, "md")) mdHolder = true;
                if (std::find(d.holders.begin(), d.holders.end(), h) == d.holders.end()) d.holders.push_back(h);
            }
            auto it = bySys.find(sys.string());
            std::optional<Signature> sig;
            bool udevProbed = false;
            if (it != bySys.end()) {
                sig = fromUdev(*it->second);
                // udev's blkid builtin sets ID_FS_TYPE="" when it probed and found nothing.
                // Absence means "nothing found" only if udev processed the device: its rules run the
                // blkid builtin for every disk and partition and always set ID_PATH or DEVLINKS.
                const auto& r = *it->second;
                udevProbed = sig.has_value() || r.property("ID_FS_TYPE").has_value() ||
                             r.property("ID_PART_TABLE_TYPE").has_value() || r.property("ID_PATH").has_value() ||
                             r.property("DEVLINKS").has_value();
            }
            if (!udevProbed && !sig) {
                std::string node = it != bySys.end() && !it->second->devnode.empty() ? it->second->devnode
                                                                                      : (ctx.paths.dev / name).string();
                bool probed = false;
                if (ctx.deviceIo != DeviceIo::none) sig = probeNode(ctx, name, node, sys, notes, probed);
                if (!probed) unknown = true;
            }
            if (sig) sigs.push_back(std::move(*sig));
        }
        d.signatures = std::move(sigs);
        if (d.role == "hw-raid-volume") continue;  // what it is decides its role, not what it holds
        if (!unknown || mdHolder || !d.signatures.empty()) d.role = roleOf(d, d.signatures, mdHolder);
    }
}

} // namespace raidmon
