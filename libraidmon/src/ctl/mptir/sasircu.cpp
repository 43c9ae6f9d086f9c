// SPDX-License-Identifier: LGPL-2.1-or-later
// LSI/Avago/Broadcom Integrated RAID: sas2ircu / sas3ircu "LIST" (adapter table) and "<n> DISPLAY"
// (controller, IR volumes, physical devices, enclosures). States carry their own abbreviation:
// volumes "Okay (OKY)", "Degraded (DGD)", "Failed (FLD)", "Missing (MIS)", "Initializing (INIT)",
// "Online (ONL)"; drives "Optimal (OPT)", "Ready (RDY)", "Hot Spare (HSP)", "Rebuilding (RBLD)",
// "Failed (FLD)", "Missing (MIS)", "Degraded (DGD)", "Available (AVL)", "Standby (SBY)".
// Every run ends with "SAS2IRCU: Utility Completed Successfully." (or SAS3IRCU).
#include "sasircu.hpp"

#include <algorithm>
#include <cstdio>
#include <deque>

#include "core/strutil.hpp"
#include "ctl/common.hpp"
#include "ctl/decoders.hpp"

namespace raidmon::detail::sasircu {

namespace {

constexpr std::string_view kWhat = "sas*ircu";

std::string abbrev(std::string_view state) {
    auto open = state.rfind('('), close = state.rfind(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) return toUpper(trim(state));
    return toUpper(state.substr(open + 1, close - open - 1));
}

struct Volume {
    Array a;
    std::vector<std::pair<std::string, std::string>> members;  // (enclosure, slot)
};

} // namespace

Result<std::vector<Adapter>> parseList(std::string_view text) {
    std::vector<Adapter> out;
    bool sawTable = false, done = false;
    std::size_t n = 0;
    for (auto l : lines(text)) {
        ++n;
        auto t = trim(l);
        if (startsWith(t, "-----")) {
            sawTable = true;
            continue;
        }
        if (t.find("Utility Completed Successfully") != std::string_view::npos) done = true;
        if (!sawTable || t.empty() || t.find("IRCU:") != std::string_view::npos) continue;
        auto w = splitWs(t);
        auto idx = w.empty() ? std::nullopt : parseInt<int>(w[0]);
        if (!idx || w.size() < 2)
            return fail(errc::parse_error, "sas*ircu LIST: line " + std::to_string(n) + ": expected '<index> <type> ...' (" +
                                               quoteForError(l) + ")");
        out.push_back(Adapter{*idx, std::string(w[1])});
    }
    if (!done) return fail(errc::parse_error, "sas*ircu LIST: no 'Utility Completed Successfully' line (truncated or failed)");
    return out;
}

Result<Capture> decodeDisplay(std::string_view input, int index) {
    const std::string cid = "mpt-ir:c" + std::to_string(index);
    Controller c;
    c.id = cid;
    c.kind = "mpt-ir";
    c.vendor = std::string("Broadcom / LSI");
    std::string section;
    std::deque<Volume> vols;
    struct Pd {
        Drive d;
        bool isDisk = false;
        std::string enclosure, slot;
    };
    std::deque<Pd> pds;
    bool done = false, sawController = false;
    std::string bus, dev, fn, seg;
    for (const auto& l : ctl::kvLines(input)) {
        auto t = trim(l.raw);
        if (t.empty() || startsWith(t, "-----")) continue;
        if (t.find("Utility Completed Successfully") != std::string_view::npos) {
            done = true;
            continue;
        }
        if (t == "Controller information" || t == "IR Volume information" || t == "Physical device information" ||
            t == "Enclosure information") {
            section = std::string(t);
            continue;
        }
        if (startsWith(t, "IR volume ")) {
            Volume v;
            v.a.kind = "mpt-ir";
            v.a.controller = cid;
            std::string num(trim(t.substr(10)));
            v.a.id = cid + "/vol" + num;
            v.a.name = "IR volume " + num;
            vols.push_back(std::move(v));
            continue;
        }
        if (startsWith(t, "Device is a")) {
            Pd p;
            p.isDisk = t.find("Hard disk") != std::string_view::npos || t.find("Solid state") != std::string_view::npos ||
                       t.find("SSD") != std::string_view::npos;
            p.d.location.controller = cid;
            pds.push_back(std::move(p));
            continue;
        }
        if (!l.hasSeparator) continue;
        const auto k = l.key;
        const auto v = l.value;
        if (section == "Controller information") {
            sawController = true;
            if (k == "Controller type") c.model = ctl::text(v);
            else if (k == "Firmware version") c.firmware = ctl::text(v);
            else if (k == "Bus") bus = std::string(v);
            else if (k == "Device") dev = std::string(v);
            else if (k == "Function") fn = std::string(v);
            else if (k == "Segment") seg = std::string(v);
        } else if (section == "IR Volume information" && !vols.empty()) {
            auto& a = vols.back().a;
            if (k == "Status of volume") {
                a.arrayState = ctl::text(v);
                auto ab = abbrev(v);
                a.state = ab == "OKY" || ab == "ONL" ? "optimal"
                          : ab == "DGD"              ? "degraded"
                          : ab == "FLD" || ab == "MIS" ? "failed"
                          : ab == "INIT"             ? "resyncing"
                          : ab == "INA"              ? "inactive"
                                                     : "unknown";
            } else if (k == "RAID level") a.level = ctl::normalizeLevel(v);
            else if (k == "Size (in MB)") a.sizeBytes = ctl::parseSize(std::string(v) + " MB", ctl::SizeBase::binary);
            else if (k == "Volume wwid") a.uuid = ctl::text(v);
            else if (startsWith(k, "PHY[")) {
                auto f = split(v, ':');
                if (f.size() != 2) return fail(errc::parse_error, ctl::lineError(kWhat, l, "expected 'Enclosure#/Slot# : E:S'"));
                vols.back().members.emplace_back(std::string(trim(f[0])), std::string(trim(f[1])));
            }
        } else if (section == "Physical device information" && !pds.empty()) {
            auto& p = pds.back();
            auto& d = p.d;
            if (!d.controllerView) d.controllerView = ControllerDriveInfo{};
            if (k == "Enclosure #") p.enclosure = std::string(v);
            else if (k == "Slot #") p.slot = std::string(v);
            else if (k == "State") d.controllerView->state = ctl::text(v);
            else if (k == "Manufacturer") {
                if (auto m = ctl::text(v); m && *m != "ATA") d.vendor = m;
            } else if (k == "Model Number") d.model = ctl::text(v);
            else if (k == "Firmware Revision") d.firmware = ctl::text(v);
            else if (k == "Serial No") d.serial = ctl::text(v);
            else if (k == "GUID") d.wwn = ctl::normalizeWwn(v);
            else if (k == "Protocol") d.protocol = v == "SATA" ? Protocol::SATA : v == "SAS" ? Protocol::SAS : Protocol::Unknown;
            else if (k == "Drive Type") {
                if (v.find("SSD") != std::string_view::npos) d.media = Media::SSD;
                else if (v.find("HDD") != std::string_view::npos) d.media = Media::HDD;
            } else if (k == "Size (in MB)/(in sectors)") {
                auto f = split(v, '/');
                if (f.size() == 2)
                    if (auto sec = parseInt<std::uint64_t>(f[1]); sec && *sec < (1ULL << 54))
                        d.capacityBytes = *sec * 512;  // sas*ircu counts 512-byte sectors
            }
        }
    }
    if (!done)
        return fail(errc::parse_error, "sas*ircu DISPLAY: no 'Utility Completed Successfully' line at the end (truncated or failed)");
    if (!sawController) return fail(errc::parse_error, "sas*ircu DISPLAY: no 'Controller information' section");
    if (!bus.empty() && !dev.empty() && !fn.empty()) {
        auto b = parseInt<unsigned>(bus), dv = parseInt<unsigned>(dev), f = parseInt<unsigned>(fn);
        auto s = parseInt<unsigned>(seg.empty() ? "0" : seg);
        if (b && dv && f && s && *b < 256 && *dv < 32 && *f < 8 && *s < 65536) {
            char buf[16];
            std::snprintf(buf, sizeof buf, "%04x:%02x:%02x.%x", *s, *b, *dv, *f);
            c.pciAddress = std::string(buf);
        }
    }
    Capture cap;
    std::vector<Drive> drives;
    for (auto& p : pds) {
        if (!p.isDisk) continue;
        auto& d = p.d;
        d.location.enclosure = p.enclosure.empty() ? std::nullopt : std::optional<std::string>(p.enclosure);
        d.location.slot = parseInt<int>(p.slot);
        d.controllerView->address = p.enclosure + ":" + p.slot;
        const bool member = std::any_of(vols.begin(), vols.end(), [&](const Volume& v) {
            return std::find(v.members.begin(), v.members.end(), std::make_pair(p.enclosure, p.slot)) != v.members.end();
        });
        auto ab = abbrev(d.controllerView->state.value_or(""));
        if (ab == "OPT" || ab == "ONL") d.state = DriveState::online;
        else if (ab == "RDY" || ab == "AVL") d.state = member ? DriveState::online : DriveState::unconfigured;
        else if (ab == "HSP") d.state = DriveState::spare;
        else if (ab == "RBLD") d.state = DriveState::rebuilding;
        else if (ab == "FLD" || ab == "DGD") d.state = DriveState::failed;
        else if (ab == "MIS") d.state = DriveState::missing;
        else if (ab == "SBY") d.state = DriveState::offline;
        if (member) d.role = std::string("hw-raid-member");
        ctl::classifyDrive(d, "enclosure " + p.enclosure + ", slot " + p.slot);
        drives.push_back(d);
    }
    ctl::assignDriveIds(drives, cap.notes);
    for (auto& v : vols) {
        int active = 0;
        bool rebuilding = false;
        for (const auto& bay : v.members) {
            // Named copies, not a structured binding: C++20 lambdas may not capture those (clang 14).
            const std::string& e = bay.first;
            const std::string& s = bay.second;
            ArrayMember m;
            auto it = std::find_if(drives.begin(), drives.end(), [&](const Drive& d) {
                return d.location.enclosure.value_or("") == e && d.location.slot == parseInt<int>(s);
            });
            m.role = "missing";
            if (it != drives.end()) {
                m.drive = it->id;
                m.role = it->state == DriveState::online ? "active" : it->state == DriveState::rebuilding ? "rebuilding" : "faulty";
            }
            if (m.role == "active") ++active;
            if (m.role == "rebuilding") rebuilding = true;
            m.flags.push_back("bay=" + e + ":" + s);
            v.a.members.push_back(std::move(m));
        }
        if (!v.members.empty()) {
            v.a.raidDisks = static_cast<int>(v.members.size());
            v.a.activeDisks = active;
        }
        if (v.a.state.empty()) v.a.state = "unknown";
        if (v.a.state == "degraded" && rebuilding) v.a.state = "rebuilding";
        ctl::classifyArray(v.a, v.a.name);
        cap.arrays.push_back(std::move(v.a));
    }
    ctl::classifyController(c);
    cap.controllers.push_back(std::move(c));
    cap.drives = std::move(drives);
    return cap;
}

} // namespace raidmon::detail::sasircu

namespace raidmon::detail {

int detectSasIrcu(std::string_view t) {
    auto head = t.substr(0, 1024);
    return head.find("IR Configuration Utility") != std::string_view::npos ? 95 : 0;
}

Result<Capture> decodeSasIrcu(std::string_view t) {
    if (t.find("Controller information") != std::string_view::npos) return sasircu::decodeDisplay(t, 0);
    auto list = sasircu::parseList(t);
    if (!list) return tl::unexpected(list.error());
    Capture cap;
    for (const auto& a : *list) {
        Controller c;
        c.id = "mpt-ir:c" + std::to_string(a.index);
        c.kind = "mpt-ir";
        c.vendor = std::string("Broadcom / LSI");
        c.model = a.type;
        c.health = Health::Unknown;
        c.reasons.push_back("LIST names the adapter only: run '" + std::to_string(a.index) + " DISPLAY' for its state");
        cap.controllers.push_back(std::move(c));
    }
    return cap;
}

} // namespace raidmon::detail
