// SPDX-License-Identifier: LGPL-2.1-or-later
// Physical drives from the block subsystem: what they are (identity), where they hang (controller,
// transport) and what the kernel thinks of them (device state). Identity is read from sysfs VPD
// first (works before udev ran and under umockdev), then from udev's database.
#include <raidmon/inventory.hpp>

#include <algorithm>
#include <map>
#include <regex>

#include "common.hpp"
#include "core/strutil.hpp"
#include "core/sysfs.hpp"
#include "vpd.hpp"

namespace raidmon {

using namespace detail;

namespace {

bool skipByName(std::string_view n) {
    static constexpr std::string_view prefixes[] = {"loop", "ram", "zram", "md", "dm-", "sr", "nbd", "fd", "rbd", "drbd", "zd", "bcache", "nullb"};
    for (auto p : prefixes)
        if (startsWith(n, p)) return true;
    // nvme<ctrl>c<path>n<ns>: a hidden path of a multipath namespace; the nvme<subsys>n<ns> head is the drive.
    if (startsWith(n, "nvme")) {
        auto rest = n.substr(4);
        auto c = rest.find('c');
        auto nn = rest.find('n');
        if (c != std::string_view::npos && nn != std::string_view::npos && c < nn) return true;
    }
    return false;
}

std::optional<std::vector<unsigned char>> binAttr(const fs::path& dir, std::string_view name) {
    auto r = binaryAttr(dir, name);
    if (!r) return std::nullopt;
    return std::vector<unsigned char>(r->begin(), r->end());
}

std::string cleanWwid(std::string_view w) {
    // sysfs wwid: "naa.5000c500a1b2c3d4", "eui.0025388b91b2a2a1", "t10.ATA     ...", "nvme.8086-..."
    if (startsWith(w, "naa.")) return "0x" + toLower(w.substr(4));
    return toLower(w);
}

// udev's *_ENC properties escape bytes as \xNN (udev_util_encode_string); spaces are \x20.
std::string unescapeUdev(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] == 'x') {
            if (auto b = unhex(s.substr(i + 2, 2))) {
                out.push_back(static_cast<char>((*b)[0]));
                i += 3;
                continue;
            }
        }
        out.push_back(s[i]);
    }
    return printable(out);
}

void fromUdev(Drive& d, const DeviceRecord& rec) {
    if (!d.serial) {
        if (auto v = rec.property("ID_SERIAL_SHORT")) d.serial = *v;
    }
    if (!d.wwn) {
        if (auto v = rec.property("ID_WWN_WITH_EXTENSION")) d.wwn = toLower(*v);
        else if (auto w = rec.property("ID_WWN")) d.wwn = toLower(*w);
    }
    if (!d.model) {
        if (auto v = rec.property("ID_MODEL_ENC")) d.model = unescapeUdev(*v);
        else if (auto m = rec.property("ID_MODEL")) d.model = *m;
    }
    if (!d.firmware)
        if (auto v = rec.property("ID_REVISION")) d.firmware = *v;
}

void readScsiDisk(Drive& d, const fs::path& dev, std::vector<std::string>& notes) {
    // dev: the scsi_device directory (e.g. .../target0:0:3/0:0:3:0)
    d.vendor = textAttr(dev, "vendor");
    d.model = textAttr(dev, "model");
    d.firmware = textAttr(dev, "rev");
    if (auto p80 = binAttr(dev, "vpd_pg80")) d.serial = vpdSerial(*p80);
    if (auto p83 = binAttr(dev, "vpd_pg83")) d.wwn = vpdWwn(*p83);
    if (!d.wwn)
        if (auto w = attr(dev, "wwid"); w && startsWith(*w, "naa.")) d.wwn = cleanWwid(*w);
    bool ata = d.vendor && *d.vendor == "ATA";
    if (auto p89 = binAttr(dev, "vpd_pg89")) {
        if (auto id = vpdAtaIdentify(*p89)) {
            ata = true;
            // INQUIRY truncates the ATA model to 16 bytes and says "ATA": prefer IDENTIFY's words.
            if (id->model) d.model = id->model;
            if (id->serial) d.serial = id->serial;
            if (id->firmware) d.firmware = id->firmware;
            if (id->wwn && !d.wwn) d.wwn = id->wwn;
            if (id->rotation) d.rotationRpm = *id->rotation;
        }
    }
    if (auto pb1 = binAttr(dev, "vpd_pgb1"))
        if (auto r = vpdRotation(*pb1)) d.rotationRpm = *r;

    std::string path = dev.string();
    if (path.find("/usb") != std::string::npos) d.protocol = Protocol::USB;
    else if (ata) d.protocol = Protocol::SATA;
    else if (path.find("/end_device-") != std::string::npos || pathExists(dev / "sas_address")) d.protocol = Protocol::SAS;
    else d.protocol = Protocol::SCSI;

    if (auto st = attr(dev, "state")) {
        if (*st == "running") d.state = DriveState::online;
        else if (*st == "offline" || *st == "transport-offline") {
            d.state = DriveState::offline;
            d.health = Health::Critical;
            d.reasons.push_back("the kernel has taken " + d.kernelName.value_or("the drive") + " offline (SCSI state '" + *st + "'): I/O to it fails");
        } else if (*st == "blocked" || *st == "quiesce") {
            d.state = DriveState::online;
            d.reasons.push_back("SCSI state '" + *st + "': I/O is paused (error recovery or a controller reset)");
        } else if (*st == "cancel" || *st == "deleted" || *st == "del") {
            d.state = DriveState::missing;
            notes.push_back(d.kernelName.value_or("?") + " is being removed by the kernel (SCSI state '" + *st + "')");
        }
    }
}

/// What a scan reads once for all its drives: the PCI functions' classes and the SCSI hosts' drivers.
struct ScanMemo {
    std::map<std::string, bool, std::less<>> storageClass;
    std::map<std::string, std::optional<std::string>, std::less<>> procName;
};

void readNvmeNamespace(Drive& d, const fs::path& blockDir, const fs::path& parent, ScanMemo& memo) {
    d.protocol = Protocol::NVMe;
    d.media = Media::SSD;
    // parent: the controller (nvme0) or, with native multipath, the subsystem (nvme-subsys0)
    fs::path ctrl = parent;
    if (startsWith(parent.filename().string(), "nvme-subsys")) {
        for (const auto& n : listDir(parent))
            if (startsWith(n, "nvme") && !startsWith(n, "nvme-") && pathExists(parent / n / "serial")) {
                if (auto c = resolveLink(parent / n)) ctrl = *c;
                break;
            }
    }
    if (auto nsid = attrU64(blockDir, "nsid"); nsid && *nsid > 0 && *nsid <= 0xffffffffULL)
        d.nvmeNamespace = static_cast<std::uint32_t>(*nsid);
    d.model = textAttr(ctrl, "model");
    d.serial = textAttr(ctrl, "serial");
    d.firmware = textAttr(ctrl, "firmware_rev");
    if (auto w = attr(blockDir, "wwid"); w && (startsWith(*w, "eui.") || startsWith(*w, "naa.")))
        d.wwn = cleanWwid(*w);
    else if (auto eui = attr(blockDir, "eui"); eui && eui->find_first_not_of("0 ") != std::string::npos)
        d.wwn = "eui." + toLower(*eui);
    else if (auto ng = attr(blockDir, "nguid"); ng && ng->find_first_not_of("0- ") != std::string::npos)
        d.wwn = "eui." + toLower(*ng);
    if (d.wwn) d.wwn->erase(std::remove(d.wwn->begin(), d.wwn->end(), ' '), d.wwn->end());
    if (auto st = attr(ctrl, "state")) {
        if (*st == "live") d.state = DriveState::online;
        else if (*st == "dead") {
            d.state = DriveState::failed;
            d.health = Health::Critical;
            d.reasons.push_back("the NVMe controller " + ctrl.filename().string() + " is dead: the drive does not answer");
        } else if (*st == "deleting" || *st == "deleting (no IO)") {
            d.state = DriveState::missing;
        } else {
            d.state = DriveState::online;
            d.reasons.push_back("NVMe controller state '" + *st + "'");
        }
    }
    d.location.controller = owningPciFunction(ctrl, memo.storageClass);
}

// A logical volume of a hardware RAID controller, as the SCSI host driver exposes it (the physical
// drives behind it are seen through the controller's tool). Conventions of the Linux drivers:
// megaraid_sas puts virtual disks on channel 2 (MEGASAS_MAX_PD_CHANNELS) and system/JBOD drives on
// 0-1; hpsa and smartpqi report logical drives with the INQUIRY product "LOGICAL VOLUME"; aacraid
// exposes containers on channel 0 and hides physical drives on channel 1+.
bool isRaidVolume(const fs::path& scsiDev, const Drive& d, ScanMemo& memo) {
    const std::string name = scsiDev.filename().string();  // split() returns views into it
    auto hctl = split(name, ':');
    if (hctl.size() != 4) return false;
    // The SCSI host: hostN/targetH:C:T/H:C:T:L when the drive is attached directly, with the SAS
    // transport's port-, expander- and end_device- directories in between behind an expander.
    fs::path host = scsiDev.parent_path();
    while (host.has_relative_path() && host != host.parent_path()) {
        const std::string n = host.filename().string();
        if (n.size() > 4 && startsWith(n, "host") && n.find_first_not_of("0123456789", 4) == std::string::npos) break;
        host = host.parent_path();
    }
    if (!host.has_relative_path() || host == host.parent_path()) return false;
    auto known = memo.procName.find(host.native());
    if (known == memo.procName.end())
        known = memo.procName.emplace(host.native(), attr(host / "scsi_host" / host.filename(), "proc_name")).first;
    const auto& proc = known->second;
    if (!proc) return false;
    if (*proc == "megaraid_sas" || *proc == "megaraid") return hctl[1] == "2";
    if (*proc == "hpsa" || *proc == "smartpqi" || *proc == "cciss") return d.model && *d.model == "LOGICAL VOLUME";
    if (*proc == "aacraid") return hctl[1] == "0";
    return false;
}

} // namespace

std::string makeDriveId(const Drive& d) {
    if (d.wwn && !d.wwn->empty()) {
        if (startsWith(*d.wwn, "0x")) return "wwn-" + *d.wwn;
        return *d.wwn;  // "eui.0025..." is already a namespaced id
    }
    // Namespaces of one NVMe controller share its model and serial: the namespace id tells them
    // apart (the first keeps the plain form, as udev's nvme-<model>_<serial> link does).
    std::string ns = d.nvmeNamespace && *d.nvmeNamespace > 1 ? "_ns" + std::to_string(*d.nvmeNamespace) : "";
    if (d.model && d.serial) return underscoreSpaces(*d.model) + "_" + underscoreSpaces(*d.serial) + ns;
    if (d.serial) return "serial-" + underscoreSpaces(*d.serial) + ns;
    return "name-" + d.kernelName.value_or("unknown");
}

Result<std::vector<Drive>> scanDrives(const Context& ctx, std::vector<std::string>& notes) {
    auto devs = ctx.devices->enumerate("block");
    if (!devs) return tl::unexpected(devs.error());
    return detail::drivesFrom(ctx, *devs, notes);
}

std::vector<Drive> detail::drivesFrom(const Context& ctx, const std::vector<DeviceRecord>& devs,
                                      std::vector<std::string>& notes) {
    std::vector<Drive> out;
    ScanMemo memo;
    for (const auto& rec : devs) {
        if (rec.devtype == "partition") continue;
        if (skipByName(rec.sysname)) continue;
        fs::path dir(rec.syspath);
        auto size = readAttr(dir, "size");
        if (!size && (size.error().is(errc::not_found) || size.error().is(errc::device_gone))) {
            notes.push_back(rec.sysname + " vanished during the scan (no " + (dir / "size").string() + "); skipped");
            continue;
        }
        auto parentLink = resolveLink(dir / "device");
        if (!parentLink) continue;  // virtual block device (no hardware behind it)
        if (!pathExists(*parentLink)) {
            notes.push_back(rec.sysname + ": its device link " + (dir / "device").string() + " dangles (hot-unplug in progress?); skipped");
            continue;
        }
        fs::path parent = *parentLink;
        Drive d;
        d.kernelName = rec.sysname;
        d.sysPath = dir.string();
        d.udevPending = !rec.initialized;
        d.devnode = rec.devnode.empty() ? std::optional<std::string>() : std::optional<std::string>(rec.devnode);
        if (!d.devnode) d.devnode = (ctx.paths.dev / rec.sysname).string();

        std::vector<std::string> garbage;
        if (size)
            if (auto sectors = u64Value(dir, "size", *size, 10, &garbage)) d.capacityBytes = *sectors * 512ULL;
        auto lbs = attrU64(dir / "queue", "logical_block_size", 10, &garbage);
        auto pbs = attrU64(dir / "queue", "physical_block_size", 10, &garbage);
        if (lbs && *lbs > 0 && *lbs <= 65536) d.logicalBlockSize = static_cast<std::uint32_t>(*lbs);
        if (pbs && *pbs > 0 && *pbs <= (1u << 24)) d.physicalBlockSize = static_cast<std::uint32_t>(*pbs);
        auto rotational = attrU64(dir / "queue", "rotational", 10, &garbage);

        // What the block device hangs off decides how to read its identity.
        auto parentSubsystem = resolveLink(parent / "subsystem");
        const std::string psub = parentSubsystem ? parentSubsystem->filename().string() : std::string();
        if (startsWith(rec.sysname, "nvme")) {
            readNvmeNamespace(d, dir, parent, memo);
        } else if (psub == "scsi" || (psub.empty() && pathExists(parent / "scsi_level"))) {
            // SCSI device: skip optical and other non-disk peripheral types (SPC-5 Table 140)
            if (auto type = attrU64(parent, "type"); type && *type != 0 && *type != 14) continue;
            readScsiDisk(d, parent, notes);
            d.location.controller = owningPciFunction(parent, memo.storageClass);
            if (isRaidVolume(parent, d, memo)) {
                // Not a drive: a RAID controller's virtual disk. No media of its own.
                d.role = "hw-raid-volume";
                d.media.reset();
                rotational.reset();
                d.rotationRpm.reset();
            }
        } else if (psub == "virtio") {
            d.protocol = Protocol::Virtio;
            d.serial = textAttr(dir, "serial");
            d.location.controller = owningPciFunction(parent, memo.storageClass);
            d.state = DriveState::online;
        } else {
            d.location.controller = owningPciFunction(parent, memo.storageClass);
            d.serial = textAttr(dir, "serial");
            if (!d.serial) d.serial = textAttr(parent, "serial");
            d.model = textAttr(parent, "name");
        }
        fromUdev(d, rec);
        if (d.serial && d.serial->empty()) d.serial.reset();

        // Media: NVMe is solid-state; a reported rotation rate decides; queue/rotational otherwise,
        // except for virtio, which says "rotational" without knowing what is behind it.
        if (!d.media) {
            if (d.rotationRpm) d.media = *d.rotationRpm == 1 ? Media::SSD : Media::HDD;
            else if (rotational && d.protocol != Protocol::Virtio) d.media = *rotational ? Media::HDD : Media::SSD;
        }
        if (d.rotationRpm && *d.rotationRpm == 1) d.rotationRpm.reset();  // "non-rotating" is not an rpm

        for (auto& g : garbage) notes.push_back(std::move(g));
        if (d.health == Health::Unknown && d.state == DriveState::online) d.health = Health::OK;
        d.id = makeDriveId(d);
        out.push_back(std::move(d));
    }
    std::sort(out.begin(), out.end(), [](const Drive& a, const Drive& b) {
        // Kernel order: sda < sdb < ... < sdz < sdaa; nvme0n1 < nvme1n1
        const auto& x = *a.kernelName;
        const auto& y = *b.kernelName;
        return x.size() != y.size() && x.substr(0, 2) == y.substr(0, 2) ? x.size() < y.size() : x < y;
    });
    return out;
}

} // namespace raidmon
