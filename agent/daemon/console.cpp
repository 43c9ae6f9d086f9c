// SPDX-License-Identifier: LGPL-2.1-or-later
// The agent's console watch: console attach/detach events, the identity card on the host's own
// screen (agetty issue file) and in STATE_DIR/identity.json, the verification code.
#include "daemon/console.hpp"

#include <algorithm>

#include "console/console_json.hpp"
#include "core/json_model.hpp"
#include "core/statedir.hpp"
#include "core/strutil.hpp"

namespace raidmon::agent {

namespace {

using Clk = std::chrono::steady_clock;

/// Someone elsewhere may be typing on this host through it: a panel must know at once.
bool remoteReach(ConsoleClass c) {
    return c == ConsoleClass::ipKvm || c == ConsoleClass::remoteConsole || c == ConsoleClass::usbGadget;
}

std::string describe(const ConsoleDevice& d) {
    return std::string(toString(d.match.classification)) + " " + d.vendorId + ":" + d.productId + " (" +
           detail::printable(d.product.value_or(d.match.name)) + (d.serial ? ", serial " + detail::printable(*d.serial) : std::string()) +
           ") at USB port " + d.port;
}

Event consoleEvent(const ConsoleDevice& d, bool attached) {
    Event e;
    e.type = attached ? "io.raidmon.console.attached" : "io.raidmon.console.detached";
    e.subject = "console/" + d.port;
    e.severity = attached && remoteReach(d.match.classification) ? Severity::warning : Severity::info;
    e.message = (attached ? "console device attached: " : "console device detached: ") + describe(d);
    e.entityJson = toJson(d);
    return e;
}

void sortConsoles(std::vector<ConsoleDevice>& v) {
    std::sort(v.begin(), v.end(), [](const ConsoleDevice& a, const ConsoleDevice& b) { return a.port < b.port; });
}

} // namespace

bool isConsoleSubsystem(std::string_view subsystem) noexcept {
    return std::find(std::begin(kConsoleSubsystems), std::end(kConsoleSubsystems), subsystem) != std::end(kConsoleSubsystems);
}

void ConsoleWatch::setCode(std::string reason) {
    code_ = newVerificationCode();
    codeSince_ = ctx_.clock->now();
    codeReason_ = std::move(reason);
    nextRotation_ = cfg_.consoleCodeInterval.count() > 0 ? Clk::now() + cfg_.consoleCodeInterval : Clk::time_point::max();
}

Event ConsoleWatch::rotateCode(std::string reason) {
    setCode(std::move(reason));
    Event e;
    e.type = "io.raidmon.console.code_changed";
    e.subject = "host";
    e.severity = Severity::info;
    e.message = "the console verification code changed (" + detail::printable(codeReason_) + "); the host's screen shows " + code_;
    e.extraDataJson = detail::Json{{"verification_code", code_}, {"reason", codeReason_}}.dump();
    return e;
}

Event ConsoleWatch::attachedEvent(const ConsoleDevice& d, std::string_view when) const {
    Event e = consoleEvent(d, true);
    e.extraDataJson = detail::Json{{"verification_code", code_}}.dump();
    e.message += std::string(when) + "; verification code " + code_;
    return e;
}

std::vector<Event> ConsoleWatch::start(HostIdentity& id) {
    setCode("agent start");
    std::vector<Event> out;
    if (!ctx_.devices) return out;
    auto all = scanConsoles(ctx_);
    if (!all) {
        log(LogLevel::warning, "console devices unreadable error=\"" + all.error().message + "\"");
        return out;
    }
    for (auto& d : *all) attached_.emplace(d.syspath, std::move(d));
    id.consoles.clear();
    for (const auto& [p, d] : attached_) id.consoles.push_back(d);
    sortConsoles(id.consoles);
    for (const auto& d : id.consoles) out.push_back(attachedEvent(d, " (present at agent start)"));
    return out;
}

std::vector<Event> ConsoleWatch::onEvent(const DeviceEvent& ev, HostIdentity& id) {
    std::vector<Event> out;
    const auto& rec = ev.device;
    const bool usbDevice = rec.subsystem == "usb" && rec.devtype == "usb_device";
    if (usbDevice && ev.action == "remove") {
        auto it = attached_.find(rec.syspath);
        if (it == attached_.end()) return out;
        out.push_back(consoleEvent(it->second, false));
        attached_.erase(it);
    } else if (ev.action == "add" || ev.action == "bind" || ev.action == "change") {
        // The USB device first, its interfaces, HID and input devices after it: each may be the
        // first that shows a keyboard, mouse, storage or video function.
        const auto usb = usbDevice ? std::optional<std::string>(rec.syspath) : usbDeviceOf(ctx_, rec);
        if (!usb) return out;
        auto d = describeConsole(ctx_, *usb);
        if (!d) {
            if (!d.error().is(errc::unsupported) && !d.error().is(errc::not_found))
                log(LogLevel::warning, "console device: " + d.error().message);
            return out;
        }
        auto it = attached_.find(*usb);
        if (it == attached_.end() && !detail::consoleInterfacesComplete(ctx_, *usb)) return out;  // its interfaces' uevents follow
        if (it != attached_.end()) {
            it->second = std::move(*d);  // more functions known now; not a new attach
        } else {
            setCode("console attached at USB port " + d->port);
            out.push_back(attachedEvent(*d, ""));
            attached_.emplace(*usb, std::move(*d));
        }
    } else {
        return out;
    }
    id.consoles.clear();
    for (const auto& [p, d] : attached_) id.consoles.push_back(d);
    sortConsoles(id.consoles);
    return out;
}

IdentityCard ConsoleWatch::card(const HostIdentity& id, const Inventory& inv, const std::vector<Incident>& incidents) const {
    IdentityCard c;
    c.hostname = id.host.hostname;
    c.productSerial = id.host.dmi.productSerial;
    c.assetTag = id.host.dmi.chassisAssetTag;
    if (id.host.machineId) c.machineId = id.host.machineId->substr(0, 12);
    c.bmcIp = id.host.bmc.ip;
    c.bmcMac = id.host.bmc.mac;
    c.health = std::string(toString(inv.health));
    for (const auto& i : incidents) {
        if (isTerminal(i.state)) continue;
        c.openIncidents.push_back("bay " + i.slotLabel.value_or(i.slot ? std::to_string(*i.slot) : "unknown") + ", drive serial " +
                                  i.drive.serial.value_or("unknown") + " (" + std::string(toString(i.state)) + ")");
    }
    c.consoles = id.consoles;
    c.code = code_;
    c.codeSince = codeSince_;
    c.codeReason = codeReason_;
    return c;
}

void ConsoleWatch::publish(const HostIdentity& id, const Inventory& inv, const std::vector<Incident>& incidents) {
    const IdentityCard c = card(id, inv, incidents);
    const std::string json = toJson(c, 2) + "\n";
    if (json != lastCard_) {
        auto dir = detail::StateDir::open(cfg_.stateDir, false);
        auto r = dir ? dir->write("identity.json", json) : Result<void>(tl::unexpected(dir.error()));
        if (r) lastCard_ = json;
        else log(LogLevel::error, "cannot write identity.json error=\"" + r.error().message + "\"");
    }
    if (cfg_.consoleIssueFile.empty()) return;
    const std::string issue = renderIssue(c);
    if (issue == lastIssue_) return;
    // The issue directory gets the state directory's checks: root's, writable by nobody else,
    // reached without another user's links; the file is replaced atomically.
    auto dir = detail::StateDir::open(cfg_.consoleIssueFile.parent_path(), true);
    auto r = dir ? dir->write(cfg_.consoleIssueFile.filename().string(), issue) : Result<void>(tl::unexpected(dir.error()));
    if (!r) {
        log(LogLevel::error, "cannot write console.issue_file error=\"" + r.error().message + "\"");
        return;
    }
    lastIssue_ = issue;
    reloadAgetty();
}

void ConsoleWatch::reloadAgetty() {
    if (!cfg_.consoleAgettyReload || !ctx_.runner) return;
    // agetty --reload asks every running agetty to show the issue file again (util-linux 2.35+).
    const std::vector<std::string> argv = {"agetty", "--reload"};
    auto r = ctx_.runner->run(argv, std::chrono::seconds(5));
    if (!r) {
        if (!saidNoAgetty_)
            log(r.error().is(errc::not_found) ? LogLevel::info : LogLevel::warning,
                "console: agetty --reload not run (the banner shows at the next login prompt) error=\"" + r.error().message + "\"");
        saidNoAgetty_ = true;
    } else if (r->exitStatus != 0) {
        log(LogLevel::warning, "console: agetty --reload exit=" + std::to_string(r->exitStatus) + " stderr=\"" +
                                   detail::printable(std::string(detail::trim(r->err))) + "\"");
    }
}

} // namespace raidmon::agent
