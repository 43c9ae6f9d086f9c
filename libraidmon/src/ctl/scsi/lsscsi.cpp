// SPDX-License-Identifier: LGPL-2.1-or-later
// lsscsi -g ("[H:C:T:L]  type  vendor  model  rev  /dev/node  /dev/sgN") and /proc/scsi/scsi.
// These list SCSI devices, not health: a RAID controller's own device ("storage", the SCSI
// "RAID" peripheral type 0Ch) becomes a controller, an enclosure ("enclosu", SES) an enclosure,
// a disk a drive, and a Smart Array "LOGICAL VOLUME" a hardware array whose state lsscsi cannot
// tell (state "unknown": ask ssacli or cciss_vol_status).
#include <algorithm>

#include "core/strutil.hpp"
#include "ctl/common.hpp"
#include "ctl/decoders.hpp"

namespace raidmon::detail {

namespace {

struct ScsiDev {
    std::string hctl, type, vendor, model, rev;
    std::optional<std::string> node, sg;
};

bool looksLikeHctl(std::string_view w) {
    if (w.size() < 9 || w.front() != '[' || w.back() != ']') return false;
    auto f = split(w.substr(1, w.size() - 2), ':');
    return f.size() == 4 && std::all_of(f.begin(), f.end(), [](std::string_view x) { return parseInt<unsigned>(x).has_value(); });
}

std::string controllerKindOf(std::string_view vendor) {
    auto v = toLower(vendor);
    if (v == "hp" || v == "hpe" || v == "compaq") return "smartarray";
    if (v == "lsi" || v == "avago" || v == "broadcom" || v == "dell") return "megaraid";
    if (v == "adaptec") return "adaptec";
    return "raid";
}

void addDevices(const std::vector<ScsiDev>& devs, Capture& cap, std::string_view tool) {
    std::vector<Drive> drives;
    for (const auto& d : devs) {
        const std::string host = d.hctl.substr(1, d.hctl.find(':') - 1);
        if (d.type == "storage" || d.type == "RAID") {
            Controller c;
            c.kind = controllerKindOf(d.vendor);
            c.id = c.kind + ":scsi-host" + host;
            c.vendor = ctl::text(d.vendor);
            c.model = ctl::text(d.model);
            c.firmware = ctl::text(d.rev);
            c.health = Health::Unknown;
            c.reasons.push_back(std::string(tool) + " lists the controller, not its state");
            cap.controllers.push_back(std::move(c));
        } else if (startsWith(d.type, "enclosu") || d.type == "Enclosure") {
            Enclosure e;
            e.id = d.hctl.substr(1, d.hctl.size() - 2);
            e.kind = "ses";
            e.scsiAddress = e.id;
            e.vendor = ctl::text(d.vendor);
            e.product = ctl::text(d.model);
            e.revision = ctl::text(d.rev);
            cap.enclosures.push_back(std::move(e));
        } else if (d.type == "disk" || d.type == "Direct-Access") {
            if (d.model == "LOGICAL VOLUME") {
                Array a;
                a.kind = "smartarray";
                a.id = "smartarray:scsi-host" + host + "/" + d.hctl.substr(1, d.hctl.size() - 2);
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
            dr.model = ctl::text(d.model);
            dr.firmware = ctl::text(d.rev);
            dr.devnode = d.node;
            if (d.node) dr.kernelName = d.node->substr(d.node->rfind('/') + 1);
            dr.location.controller = "scsi-host" + host;
            dr.id = "scsi-" + d.hctl.substr(1, d.hctl.size() - 2);  // no serial in this listing
            drives.push_back(std::move(dr));
        } else {
            cap.notes.push_back(d.hctl + " " + d.type + " " + d.vendor + " " + d.model + ": not storage, skipped");
        }
    }
    for (auto& d : drives) cap.drives.push_back(std::move(d));
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
    std::size_t n = 0;
    for (auto l : lines(input)) {
        ++n;
        auto w = splitWs(l);
        if (w.empty() || !looksLikeHctl(w[0])) continue;  // blank lines, a shell prompt
        // Columns: hctl type vendor(8) model(16) rev(4) node sg. The model may hold spaces
        // ("LOGICAL VOLUME", "P2000G3 FC/iSCSI"): take the fixed fields from both ends.
        if (w.size() < 6)
            return fail(errc::parse_error, "lsscsi: line " + std::to_string(n) + ": fewer than 6 columns (" +
                                               quoteForError(l, 60) + "): truncated, or not 'lsscsi -g'");
        ScsiDev d;
        d.hctl = std::string(w[0]);
        d.type = std::string(w[1]);
        d.vendor = std::string(w[2]);
        std::size_t end = w.size();
        const bool hasSg = startsWith(w[end - 1], "/dev/sg");
        if (!hasSg)
            return fail(errc::parse_error, "lsscsi: line " + std::to_string(n) + ": no /dev/sgN column (" +
                                               quoteForError(l, 60) + "): run 'lsscsi -g'");
        d.sg = std::string(w[end - 1]);
        --end;
        if (w[end - 1] != "-") d.node = std::string(w[end - 1]);
        --end;
        if (end < 5) return fail(errc::parse_error, "lsscsi: line " + std::to_string(n) + ": no model/revision columns");
        d.rev = std::string(w[end - 1]);
        --end;
        std::string model;
        for (std::size_t i = 3; i < end; ++i) model += (model.empty() ? "" : " ") + std::string(w[i]);
        d.model = model;
        devs.push_back(std::move(d));
    }
    if (devs.empty()) return fail(errc::parse_error, "lsscsi: no '[H:C:T:L]' line");
    Capture cap;
    addDevices(devs, cap, "lsscsi");
    return cap;
}

int detectProcScsi(std::string_view t) { return startsWith(trim(t.substr(0, 64)), "Attached devices:") ? 95 : 0; }

Result<Capture> decodeProcScsi(std::string_view input) {
    // drivers/scsi/scsi_proc.c proc_print_scsidevice(): "Host: scsiN Channel: CC Id: II Lun: LL",
    // "  Vendor: xxxxxxxx Model: xxxxxxxxxxxxxxxx Rev: xxxx", "  Type:   <scsi_device_type()> ..."
    std::vector<ScsiDev> devs;
    std::size_t n = 0;
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
        }
    }
    if (devs.empty()) return fail(errc::parse_error, "/proc/scsi/scsi: no 'Host: scsiN' entry");
    for (const auto& d : devs)
        if (d.type.empty())
            return fail(errc::parse_error, "/proc/scsi/scsi: device " + d.hctl + " has no 'Type:' line (truncated capture?)");
    Capture cap;
    addDevices(devs, cap, "/proc/scsi/scsi");
    return cap;
}

} // namespace raidmon::detail
