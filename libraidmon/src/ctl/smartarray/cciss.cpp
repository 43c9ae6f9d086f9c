// SPDX-License-Identifier: LGPL-2.1-or-later
// cciss_vol_status (cciss_vol_status 1.x, package cciss-vol-status): one line per logical volume
// ("/dev/sda: (Smart Array P420i) RAID 1(1+0) Volume 0 status: OK."), with -V the controller
// ("Controller: Smart Array P420i", "Running firmware: 8.32") and a table of physical drives
// ("connector 1I box 1 bay 1  HP  EG0900FCVBL  S0N2BEHX0000K50648RD  HPD9 OK"), and a list of
// "'Replacement' drives" while a volume waits for recovery.
#include <algorithm>

#include "core/strutil.hpp"
#include "ctl/common.hpp"
#include "ctl/decoders.hpp"

namespace raidmon::detail {

namespace {
constexpr std::string_view kWhat = "cciss_vol_status";

bool isWord(std::string_view w) {
    return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_' || c == '.';
    });
}
} // namespace

int detectCcissVolStatus(std::string_view t) {
    auto head = t.substr(0, 2048);
    if (head.find(": (Smart Array") != std::string_view::npos && head.find(" status: ") != std::string_view::npos) return 90;
    if (startsWith(head, "Controller: Smart Array")) return 80;
    return 0;
}

Result<Capture> decodeCcissVolStatus(std::string_view input) {
    Capture cap;
    Controller c;
    c.kind = "smartarray";
    c.vendor = std::string("Hewlett Packard Enterprise");
    c.id = "smartarray:cciss0";
    bool any = false, replacement = false;
    std::vector<Drive> drives;
    for (const auto& l : ctl::kvLines(input)) {
        auto tl = trim(l.raw);
        if (tl.empty()) continue;
        if (startsWith(tl, "Controller:")) {
            c.model = ctl::text(tl.substr(11));
            any = true;
            continue;
        }
        if (l.key == "Running firmware") {
            c.firmware = ctl::text(l.value);
            continue;
        }
        if (startsWith(tl, "/dev/") && tl.find(" status: ") != std::string_view::npos && tl.find("Volume") != std::string_view::npos) {
            any = true;
            replacement = false;
            auto open = tl.find('('), close = tl.find(')');
            if (open == std::string_view::npos || close == std::string_view::npos || close < open)
                return fail(errc::parse_error, ctl::lineError(kWhat, l, "volume line without '(controller)'"));
            if (!c.model) c.model = ctl::text(tl.substr(open + 1, close - open - 1));
            auto statusAt = tl.find(" status: ");
            auto mid = trim(tl.substr(close + 1, statusAt - close - 1));  // "RAID 1(1+0) Volume 0"
            auto vol = mid.rfind("Volume ");
            Array a;
            a.kind = "smartarray";
            a.controller = c.id;
            a.devnode = std::string(trim(tl.substr(0, tl.find(':'))));
            a.level = ctl::normalizeLevel(vol == std::string_view::npos ? mid : trim(mid.substr(0, vol)));
            std::string volNo = vol == std::string_view::npos ? "?" : std::string(trim(mid.substr(vol + 7)));
            a.id = c.id + "/ld" + volNo;
            a.name = "volume " + volNo + " (" + *a.devnode + ")";
            std::string status(trim(tl.substr(statusAt + 9)));
            if (!status.empty() && status.back() == '.') status.pop_back();
            a.arrayState = status;
            // cciss_vol_status prints the firmware's volume states in words: "OK", "FAILED",
            // "Interim recovery mode", "Ready for recovery operation", "Currently recovering", ...
            auto w = toLower(status);
            if (w == "ok") a.state = "optimal";
            else if (w.find("recovering") != std::string::npos || w.find("rebuilding") != std::string::npos) a.state = "rebuilding";
            else if (w.find("interim recovery") != std::string::npos || w.find("ready for recovery") != std::string::npos) a.state = "degraded";
            else if (w.find("fail") != std::string::npos || w.find("wrong") != std::string::npos) a.state = "failed";
            else if (w.find("expand") != std::string::npos) a.state = "reshaping";
            else a.state = "unknown";
            ctl::classifyArray(a, a.name);
            cap.arrays.push_back(std::move(a));
            continue;
        }
        if (startsWith(tl, "'Replacement' drives")) {
            replacement = true;
            continue;
        }
        if (startsWith(tl, "Physical drives")) {
            replacement = false;
            continue;
        }
        if (startsWith(tl, "connector ")) {
            auto w = splitWs(tl);
            if (w.size() < 6 || w[2] != "box" || w[4] != "bay")
                return fail(errc::parse_error, ctl::lineError(kWhat, l, "expected 'connector <port> box <n> bay <n> ...'"));
            Drive d;
            d.location.controller = c.id;
            d.location.enclosure = std::string(w[1]) + ":" + std::string(w[3]);
            d.location.slot = parseInt<int>(w[5]);
            d.location.label = "bay " + std::string(w[5]);
            std::vector<std::string_view> rest;
            for (std::size_t i = 6; i < w.size(); ++i)
                if (isWord(w[i])) rest.push_back(w[i]);
            if (rest.size() >= 1 && rest[0] != "ATA") d.vendor = std::string(rest[0]);
            if (rest.size() >= 2) d.model = std::string(rest[1]);
            if (rest.size() >= 3) d.serial = std::string(rest[2]);
            if (rest.size() >= 4) d.firmware = std::string(rest[3]);
            ControllerDriveInfo cv;
            if (replacement) {
                cv.state = std::string("Replacement");
                d.state = DriveState::rebuilding;
            } else if (rest.size() >= 5) {
                cv.state = std::string(rest[4]);
                d.state = rest[4] == "OK" ? std::optional(DriveState::online)
                          : toLower(rest[4]).find("fail") != std::string::npos ? std::optional(DriveState::failed)
                                                                                : std::nullopt;
            }
            d.controllerView = cv;
            ctl::classifyDrive(d, "bay " + std::string(w[1]) + ":" + std::string(w[3]) + ":" + std::string(w[5]));
            drives.push_back(std::move(d));
        }
    }
    if (!any) return fail(errc::parse_error, "cciss_vol_status: no volume status line and no 'Controller:' line");
    ctl::assignDriveIds(drives, cap.notes);
    ctl::classifyController(c);
    cap.controllers.push_back(std::move(c));
    cap.drives = std::move(drives);
    return cap;
}

} // namespace raidmon::detail
