// SPDX-License-Identifier: LGPL-2.1-or-later
#include "smart_util.hpp"

#include <cstdio>

#include <raidmon/inventory.hpp>
#include <raidmon/smart.hpp>

#include "core/strutil.hpp"

namespace raidmon::detail {

std::optional<std::uint64_t> attributeCount(const SmartAttribute& a) {
    if (a.rawString) {
        auto t = trim(*a.rawString);
        if (!t.empty() && t.front() >= '0' && t.front() <= '9') return parseLeadingInt<std::uint64_t>(t);
    }
    if (a.raw && *a.raw >= 0) return static_cast<std::uint64_t>(*a.raw);
    return std::nullopt;
}

void deriveFromAttributes(Smart& s) {
    auto take = [&](int id, std::optional<std::uint64_t>& field) {
        if (field) return;
        for (const auto& a : s.attributes)
            if (a.id == id) {
                field = attributeCount(a);
                return;
            }
    };
    take(ataattr::reallocatedSectors, s.reallocatedSectors);
    take(ataattr::pendingSectors, s.pendingSectors);
    take(ataattr::offlineUncorrectable, s.offlineUncorrectable);
    take(ataattr::reportedUncorrect, s.reportedUncorrect);
    take(ataattr::commandTimeout, s.commandTimeouts);
    take(ataattr::crcErrors, s.crcErrors);
    take(ataattr::powerOnHours, s.powerOnHours);
    if (!s.temperatureC) {
        std::optional<std::uint64_t> t;
        take(ataattr::temperature, t);
        if (!t) take(ataattr::airflowTemperature, t);
        // ATA temperatures are one byte (ACS-4 device statistics: -128..127 C); anything else is
        // a vendor encoding this attribute does not use.
        if (t && *t <= 127) s.temperatureC = static_cast<int>(*t);
    }
}

bool hasAnyReading(const Smart& s) {
    return s.passed || s.temperatureC || s.powerOnHours || s.reallocatedSectors || s.pendingSectors ||
           s.offlineUncorrectable || s.reportedUncorrect || s.commandTimeouts || s.crcErrors || s.grownDefects ||
           s.uncorrectedReadErrors || s.uncorrectedWriteErrors || s.errorLogCount || s.nvme || s.selfTest ||
           !s.attributes.empty() || s.enduranceUsedPct;
}

void finishDrive(Drive& d) {
    d.id = makeDriveId(d);
    applySmartAssessment(d);
}

std::string naaWwn(std::uint64_t naa, std::uint64_t oui, std::uint64_t id) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "0x%01llx%06llx%09llx", static_cast<unsigned long long>(naa & 0xf),
                  static_cast<unsigned long long>(oui & 0xffffff), static_cast<unsigned long long>(id & 0xfffffffffULL));
    return buf;
}

std::optional<std::string> cleanText(std::string_view s) {
    auto p = printable(s);
    if (p.empty()) return std::nullopt;
    return p;
}

} // namespace raidmon::detail
