// SPDX-License-Identifier: LGPL-2.1-or-later
// raidmon smart DRIVE: normalised SMART and failure risk of one drive; exit 0 OK, 1 warning,
// 2 critical, 3 unknown (also when the drive cannot be found or read).
#include <algorithm>
#include <cstdio>
#include <iostream>

#include <raidmon/inventory.hpp>
#include <raidmon/json.hpp>
#include <raidmon/smart.hpp>

#include "common.hpp"
#include "render.hpp"

namespace raidmon::cli {

namespace {

struct SmartCliOptions {
    std::string drive;
    std::string via = "auto";
    std::string deviceType;
    int timeoutSec = 60;
};

bool matches(const Drive& d, const std::string& q) {
    auto eq = [&](const std::optional<std::string>& v) { return v && *v == q; };
    return d.id == q || eq(d.devnode) || eq(d.kernelName) || eq(d.serial) || eq(d.wwn) ||
           (d.wwn && ("wwn-" + *d.wwn) == q) || (d.kernelName && "/dev/" + *d.kernelName == q);
}

template <typename T>
std::string opt(const std::optional<T>& v, const char* unit = "") {
    if (!v) return "-";
    return std::to_string(*v) + unit;
}

void renderSmart(std::ostream& os, const Drive& d) {
    os << d.devnode.value_or(d.id) << "  " << d.model.value_or("?") << "  serial " << d.serial.value_or("?") << "  "
       << upper(d.health) << '\n';
    os << "  id " << d.id << "  protocol " << toString(d.protocol);
    if (d.media) os << "  " << toString(*d.media);
    os << '\n';
    if (d.smart) {
        const auto& s = *d.smart;
        os << "  self-assessment " << (s.passed ? (*s.passed ? "PASSED" : "FAILED") : "-") << "  temperature "
           << opt(s.temperatureC, " C") << "  power-on " << opt(s.powerOnHours, " h") << "  source " << s.source.value_or("?")
           << '\n';
        if (s.reallocatedSectors || s.pendingSectors || s.offlineUncorrectable)
            os << "  reallocated " << opt(s.reallocatedSectors) << "  pending " << opt(s.pendingSectors)
               << "  offline-uncorrectable " << opt(s.offlineUncorrectable) << "  reported-uncorrect "
               << opt(s.reportedUncorrect) << "  crc " << opt(s.crcErrors) << '\n';
        if (s.grownDefects || s.uncorrectedReadErrors)
            os << "  grown defects " << opt(s.grownDefects) << "  uncorrected read " << opt(s.uncorrectedReadErrors)
               << "  write " << opt(s.uncorrectedWriteErrors) << '\n';
        if (s.nvme) {
            const auto& n = *s.nvme;
            char cw[16] = "-";
            if (n.criticalWarning) std::snprintf(cw, sizeof cw, "0x%02x", static_cast<unsigned>(*n.criticalWarning));
            os << "  critical warning " << cw << "  spare " << opt(n.availableSparePct, " %") << " (threshold "
               << opt(n.availableSpareThresholdPct, " %") << ")  used " << opt(n.percentageUsed, " %") << "  media errors "
               << opt(n.mediaErrors) << '\n';
        }
        if (s.selfTest)
            os << "  last self-test " << s.selfTest->lastResult.value_or("-") << "  failed " << opt(s.selfTest->failedCount) << '\n';
    } else {
        os << "  no SMART data\n";
    }
    for (const auto& r : d.reasons) os << "  ! " << r << '\n';
    if (d.risk) {
        if (d.risk->afr) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.2g %% per year (x%.3g)", *d.risk->afr * 100.0, d.risk->multiplier.value_or(1.0));
            os << "  failure risk " << buf << (d.failurePredicted.value_or(false) ? "  FAILURE PREDICTED" : "") << '\n';
        }
        for (const auto& r : d.risk->reasons)
            if (std::find(d.reasons.begin(), d.reasons.end(), r) == d.reasons.end()) os << "  - " << r << '\n';
    }
}

int runSmart(const Globals& g, const SmartCliOptions& o) {
    SmartOptions so;
    if (o.via == "auto") so.via = SmartVia::automatic;
    else if (o.via == "native") so.via = SmartVia::native;
    else if (o.via == "smartctl") so.via = SmartVia::smartctl;
    else {
        printError("smart: --via must be native, smartctl or auto, not '" + o.via + "'");
        return kExitUsage;
    }
    if (o.timeoutSec <= 0) {
        printError("smart: --timeout must be a positive number of seconds");
        return kExitUsage;
    }
    so.deviceType = o.deviceType;
    so.timeout = std::chrono::seconds(o.timeoutSec);

    Context ctx = makeContext(g);
    ScanOptions scan;
    scan.probeSignatures = false;
    scan.crossCheckMdstat = false;
    auto inv = scanInventoryFor(ctx, o.drive, scan);  // that drive, its enclosure and arrays: no full scan
    if (!inv) {
        printError("smart: " + inv.error().message);
        return exitCode(Health::Unknown);
    }
    const Drive* found = nullptr;
    for (const auto& d : inv->drives)
        if (matches(d, o.drive)) {
            found = &d;
            break;
        }
    if (!found) {
        printError("smart: no drive '" + o.drive + "' (give a device node, kernel name, serial, WWN or drive id; see raidmon status)");
        return exitCode(Health::Unknown);
    }
    auto r = readSmart(ctx, *found, so);
    if (!r) {
        printError("smart: " + found->devnode.value_or(found->id) + ": " + r.error().message);
        return exitCode(Health::Unknown);
    }
    if (g.json)
        std::cout << asDocument(toJson(*r, -1), 2) << '\n';
    else
        renderSmart(std::cout, *r);
    return exitCode(r->health);
}

} // namespace

void registerSmart(CLI::App& app, Globals& g, int& exitCode) {
    auto opts = std::make_shared<SmartCliOptions>();
    auto* sub = app.add_subcommand("smart", "Normalised SMART data, health and failure risk of one drive");
    sub->add_option("DRIVE", opts->drive, "Device node, kernel name, serial, WWN or drive id")->required();
    sub->add_option("--via", opts->via, "How to read: native (ioctls), smartctl, or auto (default)");
    sub->add_option("--device-type,-d", opts->deviceType, "smartctl -d type (sat, scsi, nvme, megaraid,N, cciss,N, ...)");
    sub->add_option("--timeout", opts->timeoutSec, "Time limit for smartctl, seconds (default 60)");
    sub->callback([&g, &exitCode, opts] { exitCode = runSmart(g, *opts); });
}

} // namespace raidmon::cli
