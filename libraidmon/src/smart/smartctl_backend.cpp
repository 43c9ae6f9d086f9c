// SPDX-License-Identifier: LGPL-2.1-or-later
// SMART through smartctl: `smartctl -x -j [-d TYPE] DEVNODE` run by the Context's CommandRunner.
#include <raidmon/smart.hpp>

#include "core/strutil.hpp"
#include "smart_util.hpp"
#include "smartctl_json.hpp"

namespace raidmon {

namespace {

/// smartctl's device types are lower-case words with digits, ',' and '+' ("sat+megaraid,5").
bool validType(std::string_view t) {
    for (char c : t)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ',' || c == '+' || c == '_' || c == '-')) return false;
    return !t.empty() && t.size() <= 64;
}

std::string firstLine(std::string_view s) {
    auto l = detail::lines(s);
    for (auto x : l)
        if (!detail::trim(x).empty()) return detail::printable(x);
    return {};
}

} // namespace

std::string smartctlDeviceType(const Drive& d) {
    if (d.location.megaraidDid) return "megaraid," + std::to_string(*d.location.megaraidDid);
    switch (d.protocol) {
    case Protocol::NVMe: return "nvme";
    case Protocol::SATA: return "sat";
    case Protocol::SAS:
    case Protocol::SCSI: return "scsi";
    case Protocol::USB:  // smartctl knows the USB bridges by their USB ids; let it choose
    case Protocol::Virtio:
    case Protocol::Unknown: break;
    }
    return {};
}

Result<std::vector<std::string>> smartctlCommand(const Drive& d, std::string_view deviceType) {
    if (!d.devnode || d.devnode->empty()) return fail(errc::invalid_argument, d.id + ": no device node to give smartctl");
    if (!detail::startsWith(*d.devnode, "/")) return fail(errc::invalid_argument, *d.devnode + ": not an absolute device path");
    std::vector<std::string> argv{"smartctl", "-x", "-j"};
    if (!deviceType.empty()) {
        if (!validType(deviceType))
            return fail(errc::invalid_argument, "device type " + detail::quoteForError(deviceType) + " is not a smartctl -d type");
        argv.emplace_back("-d");
        argv.emplace_back(deviceType);
    }
    argv.push_back(*d.devnode);
    return argv;
}

Result<Drive> readSmartWithSmartctl(const Context& ctx, const Drive& drive, const SmartOptions& opts) {
    if (!ctx.runner) return fail(errc::unsupported, "this context cannot run commands (no CommandRunner)");
    const std::string type = opts.deviceType.empty() ? smartctlDeviceType(drive) : opts.deviceType;
    auto argv = smartctlCommand(drive, type);
    if (!argv) return tl::unexpected(argv.error());
    if (opts.skipIfStandby) argv->insert(argv->begin() + 3, {"-n", "standby," + std::to_string(kSmartctlStandbyExit)});
    auto out = ctx.runner->run(*argv, opts.timeout);
    if (!out) {
        if (out.error().is(errc::not_found))
            return fail(errc::not_found, "smartctl is not installed (Debian: apt-get install smartmontools)");
        if (out.error().is(errc::command_timeout))
            return fail(errc::command_timeout, "smartctl " + *drive.devnode + " did not finish within " +
                                                   std::to_string(opts.timeout.count()) + " ms");
        return tl::unexpected(out.error());
    }
    const int st = out->exitStatus;
    if (opts.skipIfStandby && st == kSmartctlStandbyExit)
        return fail(errc::refused, *drive.devnode + " is in standby: not woken up for SMART (smart_wake_standby = false)");
    // A signal or an exit status above 255 is not smartctl's bit field.
    if (st > 0xff) return fail(errc::command_failed, "smartctl was killed (status " + std::to_string(st) + ")");
    auto rep = detail::parseSmartctlJson(out->out);
    std::string why;
    if (rep && !rep->errors.empty()) why = rep->errors.front();
    if (why.empty()) why = firstLine(out->err);
    if (st & smartctlBadCommandLine)
        return fail(errc::command_failed, "smartctl rejected its command line" + (why.empty() ? "" : ": " + why));
    if (st & smartctlOpenFailed)
        return fail(errc::command_failed, "smartctl could not open " + *drive.devnode + (type.empty() ? "" : " as -d " + type) +
                                              (why.empty() ? "" : ": " + why));
    if (!rep) return fail(errc::parse_error, "smartctl output: " + rep.error().message);
    if (!rep->drive) return fail(errc::command_failed, "smartctl reported no device" + (why.empty() ? "" : ": " + why));

    Drive d = drive;
    const Drive& got = *rep->drive;
    if (!d.serial) d.serial = got.serial;
    if (!d.model) d.model = got.model;
    if (!d.vendor) d.vendor = got.vendor;
    if (!d.firmware) d.firmware = got.firmware;
    if (!d.wwn) d.wwn = got.wwn;
    if (!d.capacityBytes) d.capacityBytes = got.capacityBytes;
    if (!d.media) d.media = got.media;
    if (!d.rotationRpm) d.rotationRpm = got.rotationRpm;
    if (d.protocol == Protocol::Unknown) d.protocol = got.protocol;
    if (d.id.empty()) d.id = got.id;
    // The decoder keeps a SMART object holding only the exit status (a capture is read for what it
    // shows); a poll wants readings, so an answer without any is no SMART data.
    d.smart = got.smart && detail::hasAnyReading(*got.smart) ? got.smart : std::nullopt;
    if (!d.smart && (st & smartctlCommandFailed))
        return fail(errc::unsupported, "smartctl found no SMART data on " + *drive.devnode + (why.empty() ? "" : ": " + why));
    if (d.smart) d.smart->smartctlExitStatus = st;
    applySmartAssessment(d);
    if (st & smartctlCommandFailed)
        ctx.logAt(LogLevel::info, "smartctl " + *drive.devnode + ": a SMART command failed (exit bit 2); data may be incomplete");
    return d;
}

Result<Drive> readSmart(const Context& ctx, const Drive& drive, const SmartOptions& opts) {
    switch (opts.via) {
    case SmartVia::smartctl: return readSmartWithSmartctl(ctx, drive, opts);
    case SmartVia::native: return readSmartNative(ctx, drive);
    case SmartVia::automatic: break;
    }
    // A drive behind a RAID controller (or an explicit -d type) is only reachable through smartctl.
    if (!opts.deviceType.empty() || drive.location.megaraidDid) return readSmartWithSmartctl(ctx, drive, opts);
    // Only smartctl checks the power mode before reading: a possibly spinning-down drive goes there.
    const bool mayBeAsleep = drive.protocol != Protocol::NVMe && !(drive.media && *drive.media == Media::SSD);
    if (opts.skipIfStandby && mayBeAsleep) return readSmartWithSmartctl(ctx, drive, opts);
    auto native = readSmartNative(ctx, drive);
    if (native || !(native.error().is(errc::unsupported) || native.error().is(errc::refused))) return native;
    ctx.logAt(LogLevel::debug, "smart: native read not possible (" + native.error().message + "); trying smartctl");
    auto viaTool = readSmartWithSmartctl(ctx, drive, opts);
    if (!viaTool && viaTool.error().is(errc::not_found))
        return fail(errc::unsupported, native.error().message + "; and " + viaTool.error().message);
    return viaTool;
}

} // namespace raidmon
