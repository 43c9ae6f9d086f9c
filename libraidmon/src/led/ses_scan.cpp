// SPDX-License-Identifier: LGPL-2.1-or-later
#include "ses_scan.hpp"

#include <algorithm>
#include <set>

#include "backends.hpp"
#include "core/strutil.hpp"
#include "core/sysfs.hpp"

namespace raidmon::detail {

namespace {

/// SPC-5 peripheral device type 0Dh: enclosure services device.
constexpr std::string_view kScsiTypeEnclosure = "13";

} // namespace

Enclosure sesEnclosureFromPages(const ses::Configuration& cfg, const std::vector<ses::SlotElement>& slots,
                                const std::map<std::string, std::string>& driveBySas, const std::string& scsiAddress,
                                const std::string& sysPath) {
    Enclosure e;
    e.kind = "ses-sg";
    e.id = cfg.logicalId.find_first_not_of("0x") != std::string::npos ? cfg.logicalId : scsiAddress;
    if (!cfg.vendor.empty()) e.vendor = cfg.vendor;
    if (!cfg.product.empty()) e.product = cfg.product;
    if (!cfg.revision.empty()) e.revision = cfg.revision;
    e.scsiAddress = scsiAddress;
    e.sysPath = sysPath;
    e.components = static_cast<int>(slots.size());
    e.health = Health::OK;
    for (const auto& el : slots) {
        Slot s;
        s.index = el.slotNumber.value_or(el.index);
        s.label = el.descriptor;
        s.status = std::string(ses::statusCodeName(el.statusCode));
        s.locate = el.ident;
        s.fault = el.faultRequested || el.faultSensed;
        for (const auto& a : el.sasAddresses)
            if (auto it = driveBySas.find(toLower(a)); it != driveBySas.end()) s.drive = it->second;
        if (el.statusCode == 2 || el.statusCode == 4) {  // Critical, Unrecoverable
            e.health = Health::Critical;
            e.reasons.push_back(e.id + " " + s.label.value_or(std::to_string(s.index)) + ": SES element status '" + *s.status + "'");
        } else if (el.statusCode == 3 && e.health == Health::OK) {
            e.health = Health::Warning;
            e.reasons.push_back(e.id + " " + s.label.value_or(std::to_string(s.index)) + ": SES element status 'Noncritical'");
        }
        e.slots.push_back(std::move(s));
    }
    std::sort(e.slots.begin(), e.slots.end(), [](const Slot& a, const Slot& b) { return a.index < b.index; });
    return e;
}

std::vector<Enclosure> scanUnboundSes(const Context& ctx, const std::vector<Drive>& drives, std::vector<std::string>& notes,
                                      bool* anyUnbound) {
    std::vector<Enclosure> out;
    // The SCSI devices ("H:C:T:L"; not hosts or targets) of type 0Dh that the enclosure class has
    // no child of: found by reading each device's "type", and only those become device records.
    // (A host with 944 disks has about 2,800 SCSI entries: hosts, targets and devices.)
    const fs::path bus = ctx.paths.sys / "bus" / "scsi" / "devices";
    if (anyUnbound) *anyUnbound = false;
    std::vector<DeviceRecord> devs;
    // The drives' own SCSI devices (block/sdX hangs below H:C:T:L) are disks, not enclosures:
    // their type was read by the drive scan. What is left is a host's enclosures and odd devices.
    std::set<std::string, std::less<>> disks;
    for (const auto& d : drives)
        if (d.sysPath) disks.insert(fs::path(*d.sysPath).parent_path().parent_path().filename().string());
    for (const auto& n : listDir(bus)) {
        if (std::count(n.begin(), n.end(), ':') != 3 || startsWith(n, "target") || disks.count(n)) continue;
        auto dir = resolveLink(bus / n);
        if (!dir || attr(*dir, "type") != kScsiTypeEnclosure) continue;
        if (pathExists(*dir / "enclosure")) continue;  // bound by ses: the enclosure class has it
        if (auto rec = ctx.devices->lookup(dir->string()); rec && rec->devtype == "scsi_device") devs.push_back(std::move(*rec));
    }
    if (devs.empty()) return out;
    if (anyUnbound) *anyUnbound = true;
    std::map<std::string, std::string> driveBySas;
    for (const auto& d : drives) {
        if (!d.sysPath) continue;
        // block/sdX -> the SCSI device, whose sas_address the SAS transport class (mpt3sas) shows
        if (auto sas = attr(fs::path(*d.sysPath).parent_path().parent_path(), "sas_address")) driveBySas[toLower(*sas)] = d.id;
    }
    for (const auto& rec : devs) {
        const fs::path dir = rec.syspath;
        auto sgs = listDir(dir / "scsi_generic");
        if (sgs.empty()) {
            notes.push_back(rec.sysname + ": SES device without an sg node (sg module not loaded?): its bays are not shown");
            continue;
        }
        if (ctx.deviceIo == DeviceIo::none) {
            notes.push_back(rec.sysname + ": SES device not bound by the kernel's ses driver; not read (device I/O is off)");
            continue;
        }
        auto t = makeSgTransport(ctx, (ctx.paths.dev / sgs.front()).string(), dir / "scsi_generic" / sgs.front());
        auto p1 = t->receive(ses::kPageConfiguration);
        auto p2 = p1 ? t->receive(ses::kPageStatus) : Result<std::vector<std::uint8_t>>(tl::unexpected(p1.error()));
        if (!p2) {
            notes.push_back(rec.sysname + ": " + p2.error().message);
            continue;
        }
        auto p7 = t->receive(ses::kPageDescriptor);
        auto pa = t->receive(ses::kPageAdditional);
        std::vector<std::uint8_t> none;
        auto cfg = ses::parseConfiguration(*p1);
        if (!cfg) {
            notes.push_back(t->node() + ": " + cfg.error().message);
            continue;
        }
        auto slots = ses::parseSlots(*cfg, *p2, p7 ? *p7 : none, pa ? *pa : none);
        if (!slots) {
            notes.push_back(t->node() + ": " + slots.error().message);
            continue;
        }
        Enclosure e = sesEnclosureFromPages(*cfg, *slots, driveBySas, rec.sysname, dir.string());
        for (auto& s : e.slots)
            for (const auto& d : drives)
                if (s.drive && d.id == *s.drive) s.device = d.kernelName;
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace raidmon::detail
