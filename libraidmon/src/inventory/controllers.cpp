// SPDX-License-Identifier: LGPL-2.1-or-later
// Storage controllers: PCI functions of class 01xx (PCI Code and ID Assignment Spec, base class 01h).
#include <raidmon/inventory.hpp>

#include <algorithm>
#include <array>

#include "common.hpp"
#include "core/strutil.hpp"
#include "core/sysfs.hpp"

namespace raidmon {

using namespace detail;

namespace {

struct DriverKind {
    std::string_view driver;
    std::string_view kind;
};

// Linux driver -> the model's controller kind. smartpqi serves both HPE Smart Array (vendor 103c)
// and Microchip/Adaptec SmartRAID (9005); the vendor decides, see controllerKind().
constexpr std::array kDriverKinds = {
    DriverKind{"megaraid_sas", "megaraid"}, DriverKind{"mpt3sas", "sas-hba"},  DriverKind{"mpt2sas", "sas-hba"},
    DriverKind{"mptsas", "sas-hba"},        DriverKind{"mptspi", "scsi"},      DriverKind{"hpsa", "smartarray"},
    DriverKind{"cciss", "smartarray"},      DriverKind{"aacraid", "adaptec"},  DriverKind{"ahci", "ahci"},
    DriverKind{"nvme", "nvme"},             DriverKind{"virtio-pci", "virtio"}, DriverKind{"isci", "sas-hba"},
    DriverKind{"pm80xx", "sas-hba"},        DriverKind{"mvsas", "sas-hba"},    DriverKind{"hisi_sas_v3_hw", "sas-hba"},
    DriverKind{"ata_piix", "ide"},          DriverKind{"pata_acpi", "ide"},    DriverKind{"3w-9xxx", "raid"},
    DriverKind{"3w-sas", "raid"},           DriverKind{"arcmsr", "raid"},      DriverKind{"vmw_pvscsi", "scsi"},
};

// PCI SIG vendor ids of storage-controller makers (public PCI ID registry).
struct VendorName {
    std::string_view id;
    std::string_view name;
};
constexpr std::array kVendors = {
    VendorName{"1000", "Broadcom / LSI"}, VendorName{"9005", "Microchip / Adaptec"}, VendorName{"103c", "Hewlett-Packard"},
    VendorName{"1590", "Hewlett Packard Enterprise"}, VendorName{"8086", "Intel"}, VendorName{"1022", "AMD"},
    VendorName{"144d", "Samsung"}, VendorName{"1af4", "Red Hat (virtio)"}, VendorName{"15b7", "SanDisk / Western Digital"},
    VendorName{"1b4b", "Marvell"}, VendorName{"1344", "Micron"}, VendorName{"1c5c", "SK hynix"},
    VendorName{"1e0f", "KIOXIA"}, VendorName{"1179", "Toshiba"}, VendorName{"1028", "Dell"},
    VendorName{"1b36", "Red Hat (QEMU)"}, VendorName{"8088", "Beijing Wangxun"}, VendorName{"1d79", "Transcend"},
    VendorName{"126f", "Silicon Motion"}, VendorName{"1987", "Phison"}, VendorName{"c0a9", "Micron / Crucial"},
    VendorName{"1bb1", "Seagate"}, VendorName{"1dbe", "INNOGRIT"}, VendorName{"1cc1", "ADATA"},
};

std::string_view classKind(std::string_view cls) {
    // 0xCCSSPP: base 01, subclass SS
    if (cls.size() < 6) return "other";
    auto sub = cls.substr(4, 2);
    if (sub == "00") return "scsi";
    if (sub == "01") return "ide";
    if (sub == "04") return "raid";
    if (sub == "06") return "ahci";
    if (sub == "07") return "sas-hba";
    if (sub == "08") return "nvme";
    return "other";
}

std::string controllerKind(std::string_view driver, std::string_view vendor, std::string_view cls) {
    if (driver == "smartpqi") return vendor == "9005" ? "adaptec" : "smartarray";
    for (const auto& dk : kDriverKinds)
        if (dk.driver == driver) return std::string(dk.kind);
    return std::string(classKind(cls));
}

std::string hex4(std::string_view v) {
    auto s = toLower(trim(v));
    if (startsWith(s, "0x")) s = s.substr(2);
    return s;
}

} // namespace

Result<std::vector<Controller>> scanControllers(const Context& ctx) {
    auto devs = ctx.devices->enumerate("pci");
    if (!devs) return tl::unexpected(devs.error());
    std::vector<Controller> out;
    for (const auto& d : *devs) {
        fs::path dir(d.syspath);
        auto cls = attr(dir, "class");
        if (!cls)
            if (auto pc = d.property("PCI_CLASS")) cls = "0x" + toLower(*pc);
        if (!cls || !startsWith(toLower(*cls), "0x01")) continue;
        Controller c;
        c.id = d.sysname;
        c.pciAddress = d.sysname;
        c.pciClass = toLower(*cls);
        auto vendor = attr(dir, "vendor"), device = attr(dir, "device");
        if (vendor && device) c.pciId = hex4(*vendor) + ":" + hex4(*device);
        else if (auto pid = d.property("PCI_ID")) c.pciId = toLower(*pid);
        std::string vid = c.pciId ? c.pciId->substr(0, 4) : std::string();
        if (!d.driver.empty()) c.driver = d.driver;
        else if (auto drv = resolveLink(dir / "driver")) c.driver = drv->filename().string();
        c.kind = controllerKind(c.driver.value_or(""), vid, *c.pciClass);
        if (auto v = d.property("ID_VENDOR_FROM_DATABASE")) c.vendor = *v;
        else
            for (const auto& vn : kVendors)
                if (vn.id == vid) c.vendor = std::string(vn.name);
        if (auto m = d.property("ID_MODEL_FROM_DATABASE")) c.model = *m;
        if (auto fw = attr(dir, "fw_version")) c.firmware = *fw;  // not generic; some drivers export it
        // A storage controller PCI function without a driver cannot reach its drives.
        if (!c.driver) {
            c.health = Health::Warning;
            c.reasons.push_back(c.id + " (" + c.kind + ") has no driver bound: its drives are invisible");
        } else {
            c.health = Health::OK;
        }
        out.push_back(std::move(c));
    }
    std::sort(out.begin(), out.end(), [](const Controller& a, const Controller& b) { return a.id < b.id; });
    return out;
}

} // namespace raidmon
