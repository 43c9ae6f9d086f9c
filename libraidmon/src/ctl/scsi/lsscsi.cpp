// SPDX-License-Identifier: LGPL-2.1-or-later
// lsscsi (plain, -g, -s, -t and their combinations) and /proc/scsi/scsi (grammar: docs/decoders.md,
// "lsscsi, /proc/scsi/scsi"). These list SCSI devices, not health: a RAID controller's own device
// ("storage", the SCSI "RAID" peripheral type 0Ch) becomes a controller, an enclosure ("enclosu",
// SES) an enclosure, a disk a drive, and a Smart Array "LOGICAL VOLUME" a hardware array whose state
// lsscsi cannot tell (state "unknown": ask ssacli or cciss_vol_status).
#include <algorithm>

#include "core/strutil.hpp"
#include "ctl/common.hpp"
#include "ctl/decoders.hpp"

namespace raidmon::detail {

namespace {

struct ScsiDev {
    std::string hctl, type, vendor, model, rev;
    std::optional<std::string> node, sg, transport;
};

bool looksLikeHctl(std::string_view w) {
    if (w.size() < 9 || w.front() != '[' || w.back() != ']') return false;
    auto f = split(w.substr(1, w.size() - 2), ':');
    return f.size() == 4 && std::all_of(f.begin(), f.end(), [](std::string_view x) { return parseInt<unsigned>(x).has_value(); });
}

// lsscsi's short peripheral device type names (SPC "peripheral device type", lsscsi.c
// scsi_short_device_types); four of them hold a space.
constexpr std::string_view kTwoWordTypes[] = {"sim dsk", "opti rd", "sec man", "no dev"};

// "sas:0x5000c500a1b2c3d4", "sata:5000c500a1b2c3d4", "fc:0x...,0x...", "iqn.2001-...", "usb: 1-1:1.0",
// "spi:", "sbp:", "ata:", "pcie:": lsscsi -t puts this transport identifier where vendor, model and
// revision stand otherwise.
bool looksLikeTransport(std::string_view w) {
    for (std::string_view p : {"sas:", "sata:", "fc:", "iqn.", "usb:", "spi:", "sbp:", "ata:", "pcie:", "srp:", "fcoe:", "nvme:"})
        if (startsWith(w, p)) return true;
    return false;
}

// "1.00TB", "500GB", "8.59GB", "-": lsscsi -s's size column.
bool looksLikeSize(std::string_view w) {
    if (w.size() < 2 || !(w[0] >= '0' && w[0] <= '9')) return false;
    const auto u = w.find_first_not_of("0123456789.");
    if (u == std::string_view::npos) return false;  // a bare number ("5.14" is a revision)
    auto unit = w.substr(u);
    return unit == "KB" || unit == "MB" || unit == "GB" || unit == "TB" || unit == "PB" || unit == "KiB" ||
           unit == "MiB" || unit == "GiB" || unit == "TiB" || unit == "PiB";
}

bool isDeviceColumn(std::string_view w) { return w == "-" || startsWith(w, "/dev/"); }

std::string controllerKindOf(std::string_view vendor) {
    auto v = toLower(vendor);
    if (v == "hp" || v == "hpe" || v == "compaq") return "smartarray";
    if (v == "lsi" || v == "avago" || v == "broadcom" || v == "dell") return "megaraid";
    if (v == "adaptec") return "adaptec";
    return "raid";
}

bool isDiskType(std::string_view t) {
    return t == "disk" || t == "zbc" || t == "sim dsk" || t == "Direct-Access" || t == "Direct-Access-RBC" || t == "Direct-Access-ZBC";
}

void addDevices(const std::vector<ScsiDev>& devs, Capture& cap, std::string_view tool) {
    std::vector<Drive> drives;
    for (const auto& d : devs) {
        const std::string host = d.hctl.substr(1, d.hctl.find(':') - 1);
        const std::string addr = d.hctl.substr(1, d.hctl.size() - 2);
        if (d.type == "storage" || d.type == "RAID") {
            Controller c;
            c.kind = controllerKindOf(d.vendor);
            c.id = c.kind + ":scsi-host" + host;
            if (std::any_of(cap.controllers.begin(), cap.controllers.end(), [&](const Controller& x) { return x.id == c.id; })) continue;
            c.vendor = ctl::text(d.vendor);
            c.model = ctl::text(d.model);
            c.firmware = ctl::text(d.rev);
            c.health = Health::Unknown;
            c.reasons.push_back(std::string(tool) + " lists the controller, not its state");
            cap.controllers.push_back(std::move(c));
        } else if (startsWith(d.type, "enclosu") || d.type == "Enclosure") {
            Enclosure e;
            e.id = addr;
            e.kind = "ses";
            e.scsiAddress = addr;
            e.vendor = ctl::text(d.vendor);
            e.product = ctl::text(d.model);
            e.revision = ctl::text(d.rev);
            cap.enclosures.push_back(std::move(e));
        } else if (isDiskType(d.type)) {
            if (d.model == "LOGICAL VOLUME") {
                Array a;
                a.kind = "smartarray";
                a.id = "smartarray:scsi-host" + host + "/" + addr;
                a.name = d.node.value_or(d.hctl);
                a.devnode = d.node;
                a.state = "unknown";
                a.health = Health::Unknown;
                a.reasons.push_back(std::string(tool) + " shows the logical volume but not its state: run ssacli or cciss_vol_status");
                cap.arrays.push_back(std::move(a));
                continue;
            }
            Drive dr;
            dr.vendor = ctl::text(d.vendor);
            if (dr.vendor == "ATA") dr.vendor.reset();  // the SAT layer's placeholder, not the maker
            dr.model = ctl::text(d.model);
            dr.firmware = ctl::text(d.rev);
            dr.devnode = d.node;
            if (d.node) dr.kernelName = d.node->substr(d.node->rfind('/') + 1);
            if (d.transport) {
                auto colon = d.transport->find(':');
                const auto kind = d.transport->substr(0, colon);
                if (kind == "sata" || kind == "ata") dr.protocol = Protocol::SATA;
                else if (kind == "sas") dr.protocol = Protocol::SAS;
                else if (kind == "usb") dr.protocol = Protocol::USB;
                // lsscsi -t prints a SATA disk's own WWN; for SAS it is the target port's address, not the disk's.
                if (kind == "sata" && colon != std::string::npos) dr.wwn = ctl::normalizeWwn(d.transport->substr(colon + 1));
            }
            dr.location.controller = "scsi-host" + host;
            dr.id = "scsi-" + addr;  // no serial in this listing
            dr.health = Health::Unknown;
            dr.reasons.push_back(std::string(tool) + " lists the drive, not its state");
            drives.push_back(std::move(dr));
        } else {
            cap.notes.push_back(d.hctl + " " + d.type + " " + d.vendor + " " + d.model + ": not storage, skipped");
        }
    }
    for (auto& d : drives) cap.drives.push_back(std::move(d));
}

void skipLine(Capture& cap, std::size_t n, std::string_view l) {
    ++cap.skipped;
    if (cap.notes.size() < 8) cap.notes.push_back("line " + std::to_string(n) + ": skipped " + quoteForError(trim(l), 60));
}

} // namespace

int detectLsscsi(std::string_view t) {
    for (auto l : lines(t.substr(0, 512))) {
        auto w = splitWs(l);
        if (!w.empty() && looksLikeHctl(w[0])) return 85;
    }
    return 0;
}

Result<Capture> decodeLsscsi(std::string_view input) {
    std::vector<ScsiDev> devs;
    Capture cap;
    std::size_t n = 0;
    for (auto l : lines(input)) {
        ++n;
        auto w = splitWs(l);
        if (w.empty()) continue;
        if (!looksLikeHctl(w[0])) {
            skipLine(cap, n, l);  // a shell prompt, a banner
            continue;
        }
        ScsiDev d;
        d.hctl = std::string(w[0]);
        std::size_t i = 1;
        if (w.size() > 2)
            for (auto two : kTwoWordTypes)
                if (std::string(w[1]) + " " + std::string(w[2]) == two) {
                    d.type = std::string(two);
                    i = 3;
                }
        if (i == 1 && w.size() > 1) d.type = std::string(w[i++]);
        // The device columns at the end: node, then sg (-g), with a size (-s) after either.
        std::size_t end = w.size();
        std::vector<std::string_view> tail;
        while (end > i && (isDeviceColumn(w[end - 1]) || looksLikeSize(w[end - 1]))) {
            if (!looksLikeSize(w[end - 1])) tail.insert(tail.begin(), w[end - 1]);
            --end;
        }
        if (tail.empty())
            return fail(errc::parse_error, "lsscsi: line " + std::to_string(n) + ": no device node column ('/dev/...' or '-') (" +
                                               quoteForError(l, 60) + "): truncated?");
        if (tail[0] != "-") d.node = std::string(tail[0]);
        if (tail.size() > 1 && startsWith(tail[1], "/dev/sg")) d.sg = std::string(tail[1]);
        if (end > i && looksLikeTransport(w[i])) {
            // lsscsi -t: "[0:0:0:0]  disk  sata:5000c500a1b2c3d4  /dev/sda"
            std::string tr;
            for (std::size_t k = i; k < end; ++k) tr += (tr.empty() ? "" : " ") + std::string(w[k]);
            d.transport = tr;
        } else {
            // hctl type vendor(8) model(16) rev(4): the model may hold spaces ("LOGICAL VOLUME",
            // "P2000G3 FC/iSCSI"), so vendor comes from the front and revision from the back.
            if (end < i + 3)
                return fail(errc::parse_error, "lsscsi: line " + std::to_string(n) + ": no vendor/model/revision columns (" +
                                                   quoteForError(l, 60) + "): truncated?");
            d.vendor = std::string(w[i]);
            d.rev = std::string(w[end - 1]);
            std::string model;
            for (std::size_t k = i + 1; k + 1 < end; ++k) model += (model.empty() ? "" : " ") + std::string(w[k]);
            d.model = model;
        }
        devs.push_back(std::move(d));
    }
    if (devs.empty()) return fail(errc::parse_error, "lsscsi: no '[H:C:T:L]' line");
    addDevices(devs, cap, "lsscsi");
    return cap;
}

int detectProcScsi(std::string_view t) {
    for (auto l : lines(t.substr(0, 1024)))
        if (startsWith(trim(l), "Attached devices:")) return 95;
    return 0;
}

Result<Capture> decodeProcScsi(std::string_view input) {
    // drivers/scsi/scsi_proc.c proc_print_scsidevice(): "Host: scsiN Channel: CC Id: II Lun: LL",
    // "  Vendor: xxxxxxxx Model: xxxxxxxxxxxxxxxx Rev: xxxx", "  Type:   <scsi_device_type()> ..."
    std::vector<ScsiDev> devs;
    Capture cap;
    std::size_t n = 0;
    bool sawHeader = false;
    auto fieldAfter = [](std::string_view l, std::string_view key, std::string_view next) -> std::string {
        auto p = l.find(key);
        if (p == std::string_view::npos) return {};
        auto s = trim(l.substr(p + key.size()));
        auto e = next.empty() ? std::string_view::npos : s.find(next);
        return std::string(trim(s.substr(0, e)));
    };
    for (auto l : lines(input)) {
        ++n;
        auto t = trim(l);
        if (t.empty()) continue;
        if (startsWith(t, "Attached devices:")) {
            sawHeader = true;
            continue;
        }
        if (!sawHeader) continue;  // a prompt or banner before the file
        if (startsWith(t, "Host: scsi")) {
            auto host = fieldAfter(t, "Host: scsi", " "), ch = fieldAfter(t, "Channel:", " "), id = fieldAfter(t, "Id:", " "),
                 lun = fieldAfter(t, "Lun:", "");
            auto num = [](const std::string& s) { return parseInt<unsigned>(s); };
            if (!num(host) || !num(ch) || !num(id) || !num(lun))
                return fail(errc::parse_error, "/proc/scsi/scsi: line " + std::to_string(n) + ": bad Host/Channel/Id/Lun (" +
                                                   quoteForError(l, 60) + ")");
            ScsiDev d;
            d.hctl = "[" + std::to_string(*num(host)) + ":" + std::to_string(*num(ch)) + ":" + std::to_string(*num(id)) +
                     ":" + std::to_string(*num(lun)) + "]";
            devs.push_back(std::move(d));
        } else if (startsWith(t, "Vendor:") && !devs.empty()) {
            devs.back().vendor = fieldAfter(t, "Vendor:", "Model:");
            devs.back().model = fieldAfter(t, "Model:", "Rev:");
            devs.back().rev = fieldAfter(t, "Rev:", "");
        } else if (startsWith(t, "Type:") && !devs.empty()) {
            devs.back().type = fieldAfter(t, "Type:", "ANSI");
        } else {
            skipLine(cap, n, l);
        }
    }
    if (!sawHeader) return fail(errc::parse_error, "/proc/scsi/scsi: no 'Attached devices:' line");
    for (const auto& d : devs)
        if (d.type.empty())
            return fail(errc::parse_error, "/proc/scsi/scsi: device " + d.hctl + " has no 'Type:' line (truncated capture?)");
    if (devs.empty()) cap.notes.push_back("no SCSI device attached");
    addDevices(devs, cap, "/proc/scsi/scsi");
    return cap;
}

} // namespace raidmon::detail
