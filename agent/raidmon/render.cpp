// SPDX-License-Identifier: LGPL-2.1-or-later
#include "render.hpp"

#include <raidmon/units.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

namespace raidmon::cli {

namespace {

std::string val(const std::optional<std::string>& s, const char* dash = "-") { return s ? *s : dash; }

// Left-justify in a column of width w, always leaving at least one space before the next column.
std::string pad(std::string s, std::size_t w) {
    s.append(s.size() < w ? w - s.size() : 1, ' ');
    return s;
}

std::string driveSummary(const Drive& d) {
    std::string s = val(d.kernelName, "-");  // "-": behind a RAID controller, no kernel device
    s = pad(s, 8);
    s += pad(std::string(toString(d.protocol)), 7);
    std::string vm = d.vendor && d.vendor != "ATA" && d.model && d.model->find(*d.vendor) == std::string::npos
                         ? *d.vendor + " " + val(d.model)
                         : val(d.model, "?");
    s += pad(vm, 26) + " ";
    s += pad(val(d.serial, "serial ?"), 20) + " ";
    s += d.capacityBytes ? human(*d.capacityBytes) : std::string("size ?");
    if (d.media) s += std::string(" ") + std::string(toString(*d.media));
    return s;
}

std::string memberOf(const Inventory& inv, const Drive& d) {
    std::string out;
    for (const auto& a : inv.arrays)
        for (const auto& m : a.members)
            if (m.drive && *m.drive == d.id) {
                if (!out.empty()) out += ", ";
                out += a.name + " " + m.role;
            }
    if (out.empty() && d.role) out = *d.role;
    return out;
}

std::string leds(const Slot& s) {
    std::string out;
    if (s.locate && *s.locate) out += "locate ";
    if (s.fault && *s.fault) out += "FAULT ";
    if (s.attention && *s.attention) out += "attention=" + std::to_string(*s.attention) + " ";
    if (out.empty()) out = (s.locate || s.fault || s.attention) ? "off" : "?";
    else out.pop_back();
    return out;
}

} // namespace

std::string human(std::uint64_t bytes) { return formatSize(bytes); }

std::string humanDuration(std::uint64_t s) {
    char buf[32];
    if (s >= 86400) std::snprintf(buf, sizeof buf, "%llud%lluh", (unsigned long long)(s / 86400), (unsigned long long)(s % 86400 / 3600));
    else if (s >= 3600) std::snprintf(buf, sizeof buf, "%lluh%02llum", (unsigned long long)(s / 3600), (unsigned long long)(s % 3600 / 60));
    else if (s >= 60) std::snprintf(buf, sizeof buf, "%llum", (unsigned long long)(s / 60));
    else std::snprintf(buf, sizeof buf, "%llus", (unsigned long long)s);
    return buf;
}

std::string upper(Health h) {
    switch (h) {
    case Health::OK: return "OK";
    case Health::Warning: return "WARNING";
    case Health::Critical: return "CRITICAL";
    case Health::Unknown: return "UNKNOWN";
    }
    return "UNKNOWN";
}

void renderDrive(std::ostream& os, const Drive& d, const std::string& indent) {
    os << indent << driveSummary(d);
    if (d.health != Health::OK && d.health != Health::Unknown) os << "  " << upper(d.health);
    os << '\n';
    for (const auto& r : d.reasons) os << indent << "  ! " << r << '\n';
}

void renderArray(std::ostream& os, const Array& a, const std::string& indent) {
    os << indent << pad(a.name, 7) << pad(val(a.level, "?"), 8) << pad(a.state, 11);
    std::vector<std::string> parts;
    if (a.raidDisks) parts.push_back(std::to_string(a.activeDisks.value_or(0)) + "/" + std::to_string(*a.raidDisks) + " in sync");
    if (a.redundancyLeft) parts.push_back("redundancy left " + std::to_string(*a.redundancyLeft));
    if (a.sizeBytes) parts.push_back(human(*a.sizeBytes));
    for (std::size_t i = 0; i < parts.size(); ++i) os << (i ? ", " : "") << parts[i];
    if (a.health != Health::OK) os << "  " << upper(a.health);
    os << '\n';
    if (a.operation) {
        const auto& op = *a.operation;
        os << indent << "       " << op.kind;
        if (op.delayed) os << " delayed (waiting for another array)";
        if (op.percent) {
            char buf[16];
            std::snprintf(buf, sizeof buf, " %.1f%%", *op.percent);
            os << buf;
        }
        if (op.etaSeconds) os << ", about " << humanDuration(*op.etaSeconds) << " left";
        if (op.speedKiBs) os << ", " << human(*op.speedKiBs * 1024) << "/s";
        os << '\n';
    }
    if (!a.members.empty()) {
        os << indent << "       members:";
        for (const auto& m : a.members) {
            os << ' ' << (m.device ? *m.device : m.drive ? *m.drive : std::string("(missing)"));
            if (m.slot) os << '[' << *m.slot << ']';
            if (m.role != "active" && m.role != "missing") os << '(' << m.role << ')';
        }
        os << '\n';
    }
    for (const auto& r : a.reasons) os << indent << "  ! " << r << '\n';
}

void renderInventory(std::ostream& os, const Inventory& inv) {
    const auto& h = inv.host;
    os << "Host     " << val(h.hostname, "(unknown hostname)") << "   machine-id " << val(h.machineId, "unknown") << '\n';
    if (!h.dmi.sysVendor && !h.dmi.productName && !h.dmi.productSerial)
        os << "Server   (no DMI data: a virtual machine or firmware without SMBIOS)\n";
    else
        os << "Server   " << val(h.dmi.sysVendor, "?") << ' ' << val(h.dmi.productName, "?") << "   serial "
       << val(h.dmi.productSerial, "unknown") << "   asset tag " << val(h.dmi.chassisAssetTag, "none") << '\n';
    if (h.bmc.ip || h.bmc.mac)
        os << "BMC      " << val(h.bmc.ip, "(no IPv4 address)") << "   MAC " << val(h.bmc.mac, "unknown") << "   channel "
           << (h.bmc.channel ? std::to_string(*h.bmc.channel) : "?") << '\n';
    os << "Health   " << upper(inv.health);
    if (inv.reasons.empty()) os << '\n';
    for (std::size_t i = 0; i < inv.reasons.size(); ++i) os << (i ? "         " : ": ") << inv.reasons[i] << '\n';

    if (!inv.controllers.empty()) {
        os << "\nControllers\n";
        for (const auto& c : inv.controllers) {
            os << "  " << pad(c.id, 14) << pad(c.kind, 10) << pad(val(c.driver), 10) << val(c.model, "");
            if (c.pciId) os << " [" << *c.pciId << "]";
            os << '\n';
            for (const auto& r : c.reasons) os << "    ! " << r << '\n';
        }
    }

    std::map<std::string, const Drive*> byId;
    for (const auto& d : inv.drives) byId[d.id] = &d;
    std::set<std::string> shown;

    for (const auto& e : inv.enclosures) {
        os << '\n' << (e.kind == "pcie-slots" ? "PCIe slots" : "Enclosure " + e.id);
        if (e.vendor || e.product) os << "  " << val(e.vendor, "") << ' ' << val(e.product, "");
        if (e.scsiAddress) os << "  (" << *e.scsiAddress << ")";
        os << "  " << e.slots.size() << " slots\n";
        os << "  Bay  " << pad("Label", 12) << pad("Status", 15) << pad("LEDs", 9) << "Drive\n";
        for (const auto& s : e.slots) {
            char idx[8];
            std::snprintf(idx, sizeof idx, "%3d", s.index);
            os << "  " << idx << "  " << pad(val(s.label), 12) << pad(val(s.status, "?"), 15) << pad(leds(s), 9);
            const Drive* d = s.drive ? (byId.count(*s.drive) ? byId[*s.drive] : nullptr) : nullptr;
            if (d) {
                os << driveSummary(*d);
                auto m = memberOf(inv, *d);
                if (!m.empty()) os << "  " << m;
                if (d->health == Health::Warning || d->health == Health::Critical) os << "  " << upper(d->health);
                shown.insert(d->id);
            } else if (s.device) {
                os << *s.device;
            } else {
                os << "(empty)";
            }
            os << '\n';
            if (d)
                for (const auto& r : d->reasons) os << "       ! " << r << '\n';
        }
        for (const auto& r : e.reasons) os << "  ! " << r << '\n';
    }

    bool header = false;
    for (const auto& d : inv.drives) {
        if (shown.count(d.id)) continue;
        if (!header) {
            os << "\nDrives" << (inv.enclosures.empty() ? "" : " not in an enclosure slot") << '\n';
            header = true;
        }
        os << "  ";
        os << driveSummary(d);
        auto m = memberOf(inv, d);
        if (!m.empty()) os << "  " << m;
        if (d.health == Health::Warning || d.health == Health::Critical) os << "  " << upper(d.health);
        os << '\n';
        for (const auto& r : d.reasons) os << "    ! " << r << '\n';
    }
    if (inv.drives.empty()) os << "\nDrives\n  (none found)\n";

    os << "\nArrays\n";
    if (inv.arrays.empty()) os << "  (none)\n";
    for (const auto& a : inv.arrays) renderArray(os, a, "  ");

    if (!inv.notes.empty()) {
        os << "\nNotes\n";
        for (const auto& n : inv.notes) os << "  - " << n << '\n';
    }
}

void renderCapture(std::ostream& os, const Capture& c) {
    for (const auto& ctl : c.controllers) {
        os << "  controller " << ctl.id << "  " << val(ctl.model, "") << "  status " << val(ctl.status, "?");
        if (ctl.batteryStatus) os << "  battery " << *ctl.batteryStatus;
        if (ctl.cacheStatus) os << "  cache " << *ctl.cacheStatus;
        os << "  " << upper(ctl.health) << '\n';
        for (const auto& r : ctl.reasons) os << "    ! " << r << '\n';
    }
    for (const auto& e : c.enclosures) os << "  enclosure " << e.id << "  " << e.slots.size() << " slots\n";
    for (const auto& a : c.arrays) renderArray(os, a, "  ");
    for (const auto& d : c.drives) {
        os << "  drive " << d.id;
        if (d.location.enclosure || d.location.slot)
            os << "  at " << val(d.location.enclosure, "?") << ":" << (d.location.slot ? std::to_string(*d.location.slot) : "?");
        if (d.state) os << "  " << toString(*d.state);
        os << "  " << upper(d.health) << '\n';
        for (const auto& r : d.reasons) os << "    ! " << r << '\n';
        if (d.risk)
            for (const auto& r : d.risk->reasons) os << "    risk: " << r << '\n';
    }
    for (const auto& n : c.notes) os << "  note: " << n << '\n';
}

} // namespace raidmon::cli
