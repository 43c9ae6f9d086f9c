// SPDX-License-Identifier: LGPL-2.1-or-later
#include "smart_util.hpp"

#include <algorithm>
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

namespace raidmon::detail {

bool selfTestStatusFailed(std::string_view status) {
    const std::string st = toLower(status);
    for (std::string_view w : {"fail", "fatal", "unknown error", "handling damage"})
        if (st.find(w) != std::string::npos) return true;
    return false;
}

void SelfTestTally::add(std::string_view status, bool failure) {
    logPresent = true;
    if (entries++ == 0 && !trim(status).empty()) newest = std::string(trim(status));
    if (failure) ++failed;
}

std::optional<SelfTest> SelfTestTally::result() const {
    if (!logPresent) return std::nullopt;
    return SelfTest{newest, failed};
}

std::string_view jsonPayload(std::string_view text, std::vector<std::string>* notes) {
    std::size_t start = std::string_view::npos;
    std::size_t lineStart = 0, skippedLines = 0;
    while (lineStart < text.size()) {
        auto eol = text.find('\n', lineStart);
        auto line = text.substr(lineStart, eol == std::string_view::npos ? std::string_view::npos : eol - lineStart);
        auto t = trim(line);
        if (!t.empty() && (t.front() == '{' || t.front() == '[')) {
            start = lineStart + static_cast<std::size_t>(t.data() - line.data());
            break;
        }
        if (!t.empty()) ++skippedLines;
        if (eol == std::string_view::npos) break;
        lineStart = eol + 1;
    }
    if (start == std::string_view::npos) return text;
    if (skippedLines > 0 && notes)
        notes->push_back(std::to_string(skippedLines) + " line(s) before the JSON document skipped (a banner or warning)");
    // The closing brace: count braces outside strings.
    int depth = 0;
    bool inString = false, escaped = false;
    for (std::size_t i = start; i < text.size(); ++i) {
        char c = text[i];
        if (inString) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') inString = false;
            continue;
        }
        if (c == '"') inString = true;
        else if (c == '{' || c == '[') ++depth;
        else if ((c == '}' || c == ']') && --depth == 0) {
            auto rest = trim(text.substr(i + 1));
            if (!rest.empty() && notes) notes->push_back("text after the JSON document ignored: " + quoteForError(rest));
            return text.substr(start, i + 1 - start);
        }
    }
    return text.substr(start);  // unbalanced: the parser reports the truncation
}

std::string skippedNote(const std::vector<std::string>& names, std::size_t total, std::string_view what) {
    constexpr std::size_t kNamed = 5;
    std::string list;
    for (std::size_t i = 0; i < names.size() && i < kNamed; ++i) list += (i ? ", " : "") + quoteForError(names[i]);
    if (names.size() > kNamed) list += ", ...";
    return std::to_string(total) + " " + std::string(what) + " this decoder does not know were skipped: " + list;
}

std::size_t lineOf(std::string_view text, std::string_view part) {
    if (part.data() < text.data() || part.data() > text.data() + text.size()) return 1;
    auto before = text.substr(0, static_cast<std::size_t>(part.data() - text.data()));
    return 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
}

} // namespace raidmon::detail
