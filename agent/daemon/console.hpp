// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// The agent's console watch (docs/agent.md "Console and identity", docs/panel.md): USB, HID,
// input and video4linux uevents become io.raidmon.console.attached / .detached, the attached
// console devices join the identity block of every event, and the host's own screen (the agetty
// issue file) shows who it is with a verification code that changes at every console attach and
// on a timer. The same card goes to STATE_DIR/identity.json for `raidmon identity`.

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <raidmon/console.hpp>
#include <raidmon/context.hpp>
#include <raidmon/events.hpp>
#include <raidmon/hotswap.hpp>
#include <raidmon/model.hpp>

#include "daemon/agent.hpp"

namespace raidmon::agent {

/// The uevent subsystems the console watch listens to.
inline constexpr std::string_view kConsoleSubsystems[] = {"usb", "hid", "input", "video4linux"};

/// Is this a subsystem of the console watch (its uevents never make the agent rescan disks)?
bool isConsoleSubsystem(std::string_view subsystem) noexcept;

class ConsoleWatch {
public:
    ConsoleWatch(const Context& ctx, const AgentConfig& cfg) : ctx_(ctx), cfg_(cfg) {}

    /// At start: a first verification code and the console devices present now (into
    /// `id.consoles`), each reported as attached with that code ("present at agent start"), so a
    /// panel has a code for a KVM that was plugged in before the agent ran.
    std::vector<Event> start(HostIdentity& id);

    /// A uevent of a console subsystem: the attached / detached events it makes (the attached
    /// one carries a fresh verification code), with `id.consoles` brought up to date first.
    std::vector<Event> onEvent(const DeviceEvent& ev, HostIdentity& id);

    /// Give the host a new verification code now: the timer, and a remote command (the
    /// `console.code` verb of issue 16 calls this and emits what it returns). The issue file and
    /// identity.json show it at the next publish().
    /// @param[in] reason why, for the card and the event ("timer", "remote command from ...")
    /// @return io.raidmon.console.code_changed (subject "host", data.verification_code and
    ///         data.reason): the panel learns the code the host's screen shows now
    [[nodiscard]] Event rotateCode(std::string reason);

    /// The current code.
    [[nodiscard]] const std::string& code() const noexcept { return code_; }

    /// When the timer next rotates the code ([console] code_interval; max() when off).
    [[nodiscard]] std::chrono::steady_clock::time_point nextRotation() const noexcept { return nextRotation_; }

    /// Write the issue file and STATE_DIR/identity.json if what they show changed, and reload
    /// agetty after an issue-file change. Failures are logged, never fatal.
    void publish(const HostIdentity& id, const Inventory& inv, const std::vector<Incident>& incidents);

    /// The card as it would be published now.
    [[nodiscard]] IdentityCard card(const HostIdentity& id, const Inventory& inv, const std::vector<Incident>& incidents) const;

private:
    void log(LogLevel l, const std::string& s) const { ctx_.logAt(l, s); }
    void setCode(std::string reason);
    [[nodiscard]] Event attachedEvent(const ConsoleDevice& d, std::string_view when) const;
    void reloadAgetty();

    const Context& ctx_;
    const AgentConfig& cfg_;
    std::map<std::string, ConsoleDevice> attached_;  ///< by USB device syspath
    std::string code_;
    std::chrono::system_clock::time_point codeSince_{};
    std::string codeReason_;
    std::chrono::steady_clock::time_point nextRotation_ = std::chrono::steady_clock::time_point::max();
    std::string lastIssue_, lastCard_;
    bool saidNoAgetty_ = false;
};

} // namespace raidmon::agent
