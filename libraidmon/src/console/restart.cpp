// SPDX-License-Identifier: LGPL-2.1-or-later
// Restart forensics through the local BMC (IPMI 2.0, Second Generation Intelligent Platform
// Management Interface Specification v2.0 rev. 1.1): Get System Restart Cause (section 28.11,
// table 28-11), the System Event Log (section 31: Reserve SEL 42h, Get SEL Entry 43h of NetFn
// Storage 0Ah; section 32: the 16-byte record), sensor types and sensor-specific offsets
// (table 42-3), SEL timestamps (section 37).
#include <raidmon/restart.hpp>

#include <array>
#include <ctime>
#include <deque>

#include "console/console_json.hpp"
#include "core/ipmi.hpp"
#include "core/strutil.hpp"
#include "core/sysfs.hpp"

namespace raidmon {

namespace {

using detail::IpmiNetFn;

constexpr std::uint8_t kGetSystemRestartCause = 0x07;
constexpr std::uint8_t kReserveSel = 0x42, kGetSelEntry = 0x43;
constexpr std::chrono::milliseconds kBmcTimeout{2000};
constexpr std::size_t kMaxSelWalk = 4096;

struct CauseRow {
    std::string_view name, meaning;
};
// Table 28-11, Restart Cause, codes 0h..Bh.
constexpr std::array<CauseRow, 12> kCauses = {{
    {"unknown", "unknown (system start/restart detected, but cause unknown)"},
    {"chassis_control", "Chassis Control command"},
    {"reset_button", "reset via pushbutton"},
    {"power_button", "power-up via power pushbutton"},
    {"watchdog", "watchdog expiration"},
    {"oem", "OEM"},
    {"ac_always_restore", "automatic power-up on AC being applied due to 'always restore' power restore policy"},
    {"ac_restore_previous", "automatic power-up on AC being applied due to 'restore previous power state' power restore policy"},
    {"pef_reset", "reset via PEF"},
    {"pef_power_cycle", "power-cycle via PEF"},
    {"soft_reset", "soft reset (e.g. CTRL-ALT-DEL)"},
    {"rtc_wakeup", "power-up via RTC (system real time clock) wakeup"},
}};

// Table 42-3, sensor types 01h..2Ch.
constexpr std::array<std::string_view, 0x2d> kSensorTypes = {
    "reserved", "Temperature", "Voltage", "Current", "Fan", "Physical Security", "Platform Security Violation Attempt", "Processor",
    "Power Supply", "Power Unit", "Cooling Device", "Other Units-based Sensor", "Memory", "Drive Slot (Bay)", "POST Memory Resize",
    "System Firmware Progress", "Event Logging Disabled", "Watchdog 1", "System Event", "Critical Interrupt", "Button/Switch",
    "Module/Board", "Microcontroller/Coprocessor", "Add-in Card", "Chassis", "Chip Set", "Other FRU", "Cable/Interconnect", "Terminator",
    "System Boot/Restart Initiated", "Boot Error", "Base OS Boot/Installation Status", "OS Stop/Shutdown", "Slot/Connector",
    "System ACPI Power State", "Watchdog 2", "Platform Alert", "Entity Presence", "Monitor ASIC/IC", "LAN", "Management Subsystem Health",
    "Battery", "Session Audit", "Version Change", "FRU State"};

/// Sensor-specific offsets (event/reading type 6Fh) of the sensor types that tell how a system
/// went down or came up (table 42-3).
struct Offsets {
    std::uint8_t sensorType;
    std::array<std::string_view, 9> names;  ///< by offset; empty: not named here
};
constexpr std::array<Offsets, 8> kOffsets = {{
    {0x05, {"general chassis intrusion", "drive bay intrusion", "I/O card area intrusion", "processor area intrusion", "LAN leash lost",
            "unauthorized dock", "FAN area intrusion"}},
    {0x08, {"presence detected", "power supply failure detected", "predictive failure", "power supply input lost (AC/DC)",
            "power supply input lost or out-of-range", "power supply input out-of-range, but present", "configuration error"}},
    {0x09, {"power off / power down", "power cycle", "240VA power down", "interlock power down", "AC lost / power input lost",
            "soft power control failure", "power unit failure detected", "predictive failure"}},
    {0x10, {"correctable memory error logging disabled", "event type logging disabled", "log area reset/cleared", "all event logging disabled",
            "SEL full", "SEL almost full"}},
    {0x12, {"system reconfigured", "OEM system boot event", "undetermined system hardware failure", "entry added to auxiliary log",
            "PEF action", "timestamp clock synch"}},
    {0x14, {"power button pressed", "sleep button pressed", "reset button pressed", "FRU latch open", "FRU service request button"}},
    {0x1d, {"initiated by power up", "initiated by hard reset", "initiated by warm reset", "user requested PXE boot",
            "automatic boot to diagnostic", "OS / run-time software initiated hard reset", "OS / run-time software initiated warm reset",
            "system restart"}},
    {0x20, {"critical stop during OS load / initialization", "run-time critical stop", "OS graceful stop", "OS graceful shutdown",
            "soft shutdown initiated by PEF", "agent not responding"}},
}};
// Watchdog 2 (23h) skips 4..7: its own row.
constexpr std::array<std::string_view, 9> kWatchdog2 = {"timer expired", "hard reset", "power down", "power cycle", "", "", "", "", "timer interrupt"};

std::string hex2(std::uint8_t v) {
    char b[8];
    std::snprintf(b, sizeof b, "0x%02x", v);
    return b;
}

std::string describeEvent(const SelEntry& e) {
    if (e.recordType != 0x02) return "OEM record type " + hex2(e.recordType);
    std::string s = sensorTypeName(e.sensorType);
    const std::uint8_t offset = e.eventData[0] & 0x0f;
    std::string_view what;
    if (e.eventType == 0x6f) {
        if (e.sensorType == 0x23 && offset < kWatchdog2.size()) what = kWatchdog2[offset];
        for (const auto& o : kOffsets)
            if (o.sensorType == e.sensorType && offset < o.names.size()) what = o.names[offset];
    }
    s += ": " + (what.empty() ? "event type " + hex2(e.eventType) + " offset " + std::to_string(offset) : std::string(what));
    if (e.deassertion) s += " (deasserted)";
    return s;
}

detail::Json selJson(const SelEntry& e) {
    const std::array<std::uint8_t, 3>& d = e.eventData;
    return detail::Json{{"record_id", e.recordId},
                        {"record_type", e.recordType},
                        {"time", e.time && !e.timeIsPreInit ? detail::Json(detail::utcSeconds(*e.time)) : detail::Json(nullptr)},
                        {"generator_id", e.generatorId},
                        {"sensor_type", e.sensorType},
                        {"sensor_type_name", sensorTypeName(e.sensorType)},
                        {"sensor_number", e.sensorNumber},
                        {"direction", e.deassertion ? "deassertion" : "assertion"},
                        {"event_type", e.eventType},
                        {"event_data", detail::hex(d.data(), d.size())},
                        {"description", e.description}};
}

/// The OpenIPMI node, opened; the node's name for messages.
Result<std::pair<detail::Fd, std::string>> openBmc(const Context& ctx) {
    const auto node = detail::ipmiNode(ctx);
    if (!detail::pathExists(node.sysDir)) return fail(errc::not_found, node.sysDir.string() + ": no BMC interface (ipmi_si, ipmi_devintf)");
    auto fd = detail::openIpmi(ctx);
    if (!fd) return tl::unexpected(fd.error());
    return std::pair<detail::Fd, std::string>{std::move(*fd), node.devnode};
}

} // namespace

std::string sensorTypeName(std::uint8_t t) {
    if (t >= 1 && t < kSensorTypes.size()) return std::string(kSensorTypes[t]);
    return "sensor type " + hex2(t);
}

Result<RestartCause> decodeRestartCause(std::span<const std::uint8_t> r) {
    if (r.empty()) return fail(errc::parse_error, "Get System Restart Cause: empty response");
    if (r[0] != 0) return fail(errc::command_failed, "Get System Restart Cause: completion code " + hex2(r[0]));
    if (r.size() < 2) return fail(errc::parse_error, "Get System Restart Cause: " + std::to_string(r.size()) + " bytes, expected at least 2");
    RestartCause c;
    c.code = r[1] & 0x0f;
    if (c.code < kCauses.size()) {
        c.name = kCauses[c.code].name;
        c.meaning = kCauses[c.code].meaning;
    } else {
        c.name = "reserved";
        c.meaning = "reserved restart cause code";
    }
    if (r.size() >= 3) c.channel = r[2] & 0x0f;
    return c;
}

Result<SelEntry> decodeSelRecord(std::span<const std::uint8_t> b) {
    if (b.size() != 16) return fail(errc::parse_error, "SEL record: " + std::to_string(b.size()) + " bytes, expected 16");
    SelEntry e;
    e.recordId = static_cast<std::uint16_t>(b[0] | (b[1] << 8));
    e.recordType = b[2];
    if (e.recordType < 0xe0) {  // system event (02h) and OEM timestamped (C0h..DFh) records carry a time
        const std::uint32_t ts = static_cast<std::uint32_t>(b[3]) | (static_cast<std::uint32_t>(b[4]) << 8) |
                                 (static_cast<std::uint32_t>(b[5]) << 16) | (static_cast<std::uint32_t>(b[6]) << 24);
        if (ts != 0xffffffffu) {  // FFFFFFFFh: unspecified
            e.time = std::chrono::system_clock::time_point(std::chrono::seconds(ts));
            e.timeIsPreInit = ts <= 0x20000000u;  // section 37: relative to the BMC's initialisation
        }
    }
    if (e.recordType == 0x02) {
        e.generatorId = static_cast<std::uint16_t>(b[7] | (b[8] << 8));
        e.sensorType = b[10];
        e.sensorNumber = b[11];
        e.deassertion = (b[12] & 0x80) != 0;
        e.eventType = b[12] & 0x7f;
        e.eventData = {b[13], b[14], b[15]};
    }
    e.description = describeEvent(e);
    return e;
}

Result<RestartCause> readRestartCause(const Context& ctx) {
    auto bmc = openBmc(ctx);
    if (!bmc) return tl::unexpected(bmc.error());
    auto r = detail::ipmiRequest(bmc->first.get(), bmc->second + ": Get System Restart Cause", IpmiNetFn::chassis, kGetSystemRestartCause, {},
                                 kBmcTimeout);
    if (!r) return tl::unexpected(r.error());
    auto c = decodeRestartCause(*r);
    if (!c) return tl::unexpected(Error(c.error().code, bmc->second + ": " + c.error().message));
    return c;
}

Result<std::vector<SelEntry>> readSel(const Context& ctx, std::size_t maxEntries) {
    auto bmc = openBmc(ctx);
    if (!bmc) return tl::unexpected(bmc.error());
    const int fd = bmc->first.get();
    const std::string& node = bmc->second;
    // A reservation protects partial reads; whole-record reads work with reservation 0000h too,
    // which is what a BMC without Reserve SEL gets.
    std::uint8_t resLo = 0, resHi = 0;
    if (auto res = detail::ipmiRequest(fd, node + ": Reserve SEL", IpmiNetFn::storage, kReserveSel, {}, kBmcTimeout); res && res->size() >= 3) {
        resLo = (*res)[1];
        resHi = (*res)[2];
    } else if (!res && !res.error().is(errc::command_failed)) {
        return tl::unexpected(res.error());
    }
    std::deque<SelEntry> out;
    std::uint16_t id = 0x0000;  // the first record
    for (std::size_t walked = 0; walked < kMaxSelWalk; ++walked) {
        const std::string what = node + ": Get SEL Entry " + std::to_string(id);
        auto r = detail::ipmiRequest(fd, what, IpmiNetFn::storage, kGetSelEntry,
                                     {resLo, resHi, static_cast<std::uint8_t>(id & 0xff), static_cast<std::uint8_t>(id >> 8), 0x00, 0xff}, kBmcTimeout);
        if (!r) {
            // CBh: requested record not present (an empty SEL answers so for the first record).
            if (walked == 0 && r.error().message.find("0xcb") != std::string::npos) break;
            return tl::unexpected(r.error());
        }
        if (r->size() < 3 + 16) return fail(errc::parse_error, what + ": " + std::to_string(r->size()) + " bytes, expected 19");
        auto e = decodeSelRecord(std::span<const std::uint8_t>(r->data() + 3, 16));
        if (!e) return tl::unexpected(Error(e.error().code, what + ": " + e.error().message));
        out.push_back(std::move(*e));
        if (out.size() > maxEntries) out.pop_front();
        const std::uint16_t next = static_cast<std::uint16_t>((*r)[1] | ((*r)[2] << 8));
        if (next == 0xffff || next == id) break;
        id = next;
    }
    return std::vector<SelEntry>(out.begin(), out.end());
}

std::vector<SelEntry> selAround(const std::vector<SelEntry>& sel, std::chrono::system_clock::time_point t, std::chrono::seconds window,
                                bool keepUntimed) {
    std::vector<SelEntry> out;
    for (const auto& e : sel) {
        if (!e.time || e.timeIsPreInit) {
            if (keepUntimed) out.push_back(e);
            continue;
        }
        const auto d = *e.time > t ? *e.time - t : t - *e.time;
        if (d <= window) out.push_back(e);
    }
    return out;
}

std::string toJson(const SelEntry& e, int indent) { return selJson(e).dump(indent, ' ', false, detail::Json::error_handler_t::replace); }

std::string toJson(const RestartCause& c, int indent) {
    detail::Json j{{"code", c.code}, {"name", c.name}, {"meaning", c.meaning}, {"channel", detail::opt(c.channel)}};
    return j.dump(indent);
}

} // namespace raidmon
