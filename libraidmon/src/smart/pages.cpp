// SPDX-License-Identifier: LGPL-2.1-or-later
#include "pages.hpp"

#include <cstdio>
#include <limits>

#include "core/strutil.hpp"
#include "smart_util.hpp"

namespace raidmon::detail::pages {

namespace {

std::uint64_t le(Bytes b, std::size_t off, std::size_t n) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(b[off + i]) << (8 * i);
    return v;
}

std::uint64_t be(Bytes b, std::size_t off, std::size_t n) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v = (v << 8) | b[off + i];
    return v;
}

/// A 128-bit little-endian NVMe counter; values beyond 2^64-1 (never seen: 2^64 data units is
/// 9.4 ZB) saturate.
std::uint64_t le128(Bytes b, std::size_t off) {
    if (le(b, off + 8, 8) != 0) return std::numeric_limits<std::uint64_t>::max();
    return le(b, off, 8);
}

std::string ascii(Bytes b, std::size_t off, std::size_t n) {
    return printable(std::string_view(reinterpret_cast<const char*>(b.data() + off), n));
}

/// Walk the parameters of a log page, calling fn(code, value bytes, offset) for each.
template <typename Fn>
Result<void> walkLogPage(Bytes page, int expectPage, Fn fn) {
    // SPC-5 7.3.1: byte 0 bits 5-0 page code, bytes 2-3 page length (bytes after the header)
    constexpr std::size_t kHeader = 4, kParamHeader = 4;
    char name[8];
    std::snprintf(name, sizeof name, "%02Xh", static_cast<unsigned>(expectPage));
    if (page.size() < kHeader) return fail(errc::parse_error, std::string("log page ") + name + ": shorter than its header");
    if ((page[0] & 0x3f) != expectPage)
        return fail(errc::parse_error, std::string("log page ") + name + ": the device returned page " + std::to_string(page[0] & 0x3f));
    std::size_t end = kHeader + be(page, 2, 2);
    if (end > page.size()) end = page.size();  // a truncated transfer: read what arrived
    std::size_t off = kHeader;
    while (off + kParamHeader <= end) {
        auto code = static_cast<int>(be(page, off, 2));
        std::size_t len = page[off + 3];
        if (off + kParamHeader + len > end)
            return fail(errc::parse_error, std::string("log page ") + name + ": parameter " + std::to_string(code) +
                                               " at byte " + std::to_string(off) + " overruns the page");
        fn(code, page.subspan(off + kParamHeader, len));
        off += kParamHeader + len;
    }
    return {};
}

} // namespace

Result<Smart> nvmeSmartLog(Bytes p) {
    constexpr std::size_t kSize = 512;
    if (p.size() < kSize) return fail(errc::parse_error, "NVMe SMART log: " + std::to_string(p.size()) + " bytes, expected 512");
    Smart s;
    NvmeHealth n;
    n.criticalWarning = p[0];
    // bytes 1-2: composite temperature in Kelvin; 0 means "not reported"
    if (auto k = le(p, 1, 2); k > 0) s.temperatureC = static_cast<int>(k) - 273;
    n.availableSparePct = p[3];
    n.availableSpareThresholdPct = p[4];
    n.percentageUsed = p[5];
    s.powerOnHours = le128(p, 128);
    n.unsafeShutdowns = le128(p, 144);
    n.mediaErrors = le128(p, 160);
    n.errorLogEntries = le128(p, 176);
    s.nvme = n;
    return s;
}

Result<NvmeIdentity> nvmeIdentifyController(Bytes d) {
    constexpr std::size_t kSize = 4096;
    if (d.size() < kSize)
        return fail(errc::parse_error, "NVMe Identify Controller: " + std::to_string(d.size()) + " bytes, expected 4096");
    NvmeIdentity id;
    id.serial = cleanText(ascii(d, 4, 20));
    id.model = cleanText(ascii(d, 24, 40));
    id.firmware = cleanText(ascii(d, 64, 8));
    if (auto cap = le128(d, 280); cap > 0) id.capacityBytes = cap;
    return id;
}

Result<void> scsiTemperature(Bytes page, Smart& s) {
    return walkLogPage(page, 0x0d, [&](int code, Bytes v) {
        // parameter 0000h: byte 1 of the value is the temperature in C; FFh = not available
        if (code == 0 && v.size() >= 2 && v[1] != 0xff) s.temperatureC = v[1];
    });
}

Result<void> scsiErrorCounter(Bytes page, Smart& s) {
    if (page.empty()) return fail(errc::parse_error, "error counter log page: empty");
    const int pc = page[0] & 0x3f;
    if (pc != 0x02 && pc != 0x03) return fail(errc::parse_error, "error counter log page: got page " + std::to_string(pc));
    return walkLogPage(page, pc, [&](int code, Bytes v) {
        // parameter 0006h: total uncorrected errors (counter of 1-8 bytes)
        constexpr int kTotalUncorrected = 6;
        if (code == kTotalUncorrected && !v.empty() && v.size() <= 8) {
            auto n = be(v, 0, v.size());
            (pc == 0x03 ? s.uncorrectedReadErrors : s.uncorrectedWriteErrors) = n;
        }
    });
}

Result<void> scsiSelfTests(Bytes page, Smart& s) {
    SelfTest t;
    t.failedCount = 0;
    bool first = true;
    auto r = walkLogPage(page, 0x10, [&](int code, Bytes v) {
        // parameters 0001h-0014h, newest first; value byte 0 bits 3-0 = result, bytes 2-3 = hours
        if (code < 1 || code > 20 || v.size() < 4) return;
        bool empty = true;
        for (auto b : v) empty = empty && b == 0;
        if (empty) return;  // unused slot
        const int result = v[0] & 0x0f;
        // SPC-5 Table 366: 3 = unknown error, 4-7 = a segment failed; the names are smartctl's
        // (scsiprint.cpp) so that a drive reads the same natively and through smartctl.
        constexpr int kFirstFailure = 3, kLastFailure = 7, kInProgress = 15;
        static constexpr const char* names[] = {"Completed",
                                                "Aborted (by user command)",
                                                "Aborted (device reset ?)",
                                                "Unknown error, incomplete",
                                                "Completed, segment failed",
                                                "Failed in first segment",
                                                "Failed in second segment",
                                                "Failed in segment -->"};
        bool failed = result >= kFirstFailure && result <= kLastFailure;
        if (failed) ++*t.failedCount;
        if (first) {
            t.lastResult = result <= kLastFailure ? std::string(names[result])
                           : result == kInProgress ? std::string("Self test in progress ...")
                                                   : "Reserved(" + std::to_string(result) + ")";
            first = false;
        }
    });
    if (!r) return r;
    s.selfTest = t;
    return {};
}

Result<void> scsiInformationalExceptions(Bytes page, Smart& s) {
    return walkLogPage(page, 0x2f, [&](int code, Bytes v) {
        // parameter 0000h: byte 0 IE ASC, byte 1 IE ASCQ, byte 2 most recent temperature
        if (code != 0 || v.size() < 2) return;
        // ASC 5Dh = FAILURE PREDICTION THRESHOLD EXCEEDED (SPC-5 Annex F); 00h = no exception
        s.passed = v[0] == 0;
        if (v.size() >= 3 && !s.temperatureC && v[2] != 0xff && v[2] != 0) s.temperatureC = v[2];
    });
}

Result<void> scsiSolidStateMedia(Bytes page, Smart& s) {
    return walkLogPage(page, 0x11, [&](int code, Bytes v) {
        // parameter 0001h: byte 3 = percentage used endurance indicator
        if (code == 1 && v.size() >= 4) s.enduranceUsedPct = v[3];
    });
}

Result<void> scsiBackgroundScan(Bytes page, Smart& s) {
    return walkLogPage(page, 0x15, [&](int code, Bytes v) {
        // parameter 0000h (background scan status): bytes 0-3 accumulated power-on minutes
        constexpr std::uint64_t kMinutesPerHour = 60;
        if (code == 0 && v.size() >= 4) s.powerOnHours = be(v, 0, 4) / kMinutesPerHour;
    });
}

Result<void> scsiGrownDefects(Bytes h, Smart& s) {
    // SBC-4 READ DEFECT DATA (10) parameter data: byte 1 bit 3 GLISTV, bits 2-0 list format,
    // bytes 2-3 defect list length in bytes.
    if (h.size() < 4) return fail(errc::parse_error, "READ DEFECT DATA: header shorter than 4 bytes");
    if (!(h[1] & 0x08)) return fail(errc::unsupported, "READ DEFECT DATA: the device returned no grown list");
    const int format = h[1] & 0x07;
    // descriptor sizes by format (SBC-4 Table 20): 0 short block 4, 3 long block 8, 4 bytes from
    // index 8, 5 physical sector 8, 6 vendor specific: unknown
    std::size_t size = format == 0 ? 4 : (format == 3 || format == 4 || format == 5) ? 8 : 0;
    if (size == 0) return fail(errc::unsupported, "READ DEFECT DATA: list format " + std::to_string(format) + " has no fixed size");
    s.grownDefects = be(h, 2, 2) / size;
    return {};
}

Result<void> ataSmartData(Bytes d, std::optional<Bytes> th, Smart& s) {
    constexpr std::size_t kSize = 512, kFirst = 2, kEntry = 12, kEntries = 30;
    if (d.size() < kSize) return fail(errc::parse_error, "SMART READ DATA: " + std::to_string(d.size()) + " bytes, expected 512");
    auto checksumOk = [](Bytes b) {
        unsigned sum = 0;
        for (std::size_t i = 0; i < kSize; ++i) sum += b[i];
        return (sum & 0xff) == 0;
    };
    if (!checksumOk(d)) return fail(errc::parse_error, "SMART READ DATA: checksum error (byte 511)");
    if (th && th->size() >= kSize && !checksumOk(*th))
        return fail(errc::parse_error, "SMART READ THRESHOLDS: checksum error (byte 511)");
    for (std::size_t i = 0; i < kEntries; ++i) {
        std::size_t off = kFirst + i * kEntry;
        int id = d[off];
        if (id == 0) continue;
        SmartAttribute a;
        a.id = id;
        const auto flags = static_cast<unsigned>(le(d, off + 1, 2));
        a.prefailure = flags & 1u;  // bit 0: pre-failure / advisory
        a.value = d[off + 3];
        a.worst = d[off + 4];
        a.raw = static_cast<std::int64_t>(le(d, off + 5, 6));
        if (th && th->size() >= kSize && (*th)[off] == id) {
            a.threshold = (*th)[off + 1];
            if (a.prefailure == true && *a.threshold > 0 && *a.value <= *a.threshold) a.whenFailed = "now";
            else if (*a.threshold > 0 && *a.worst <= *a.threshold) a.whenFailed = "past";
        }
        // Raw formats that differ from a plain 48-bit counter (smartmontools drivedb defaults):
        // 190/194 keep the current temperature in the low byte, 9 the hours in the low 32 bits.
        if (id == ataattr::temperature || id == ataattr::airflowTemperature) {
            if (!s.temperatureC && (*a.raw & 0xff) <= 127) s.temperatureC = static_cast<int>(*a.raw & 0xff);
        } else if (id == ataattr::powerOnHours) {
            s.powerOnHours = static_cast<std::uint64_t>(*a.raw) & 0xffffffffULL;
        }
        s.attributes.push_back(std::move(a));
    }
    deriveFromAttributes(s);
    return {};
}

Result<AtaIdentity> ataIdentify(Bytes d) {
    if (d.size() < 512) return fail(errc::parse_error, "IDENTIFY DEVICE: " + std::to_string(d.size()) + " bytes, expected 512");
    auto words = [&](std::size_t w0, std::size_t nWords) {
        std::string s;
        for (std::size_t w = w0; w < w0 + nWords; ++w) {
            s.push_back(static_cast<char>(d[2 * w + 1]));
            s.push_back(static_cast<char>(d[2 * w]));
        }
        return cleanText(s);
    };
    AtaIdentity id;
    id.serial = words(10, 10);
    id.firmware = words(23, 4);
    id.model = words(27, 20);
    auto word = [&](std::size_t w) { return static_cast<std::uint64_t>(le(d, 2 * w, 2)); };
    // words 108-111: NAA (4 bits), OUI (24), unique id (36), most significant word first
    std::uint64_t wwn = (word(108) << 48) | (word(109) << 32) | (word(110) << 16) | word(111);
    if (wwn != 0) {
        char buf[24];
        std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(wwn));
        id.wwn = buf;
    }
    if (auto r = word(217); r == 1 || (r >= 0x401 && r <= 0xfffe)) id.rotation = static_cast<int>(r);
    return id;
}

} // namespace raidmon::detail::pages
