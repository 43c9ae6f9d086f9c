// SPDX-License-Identifier: LGPL-2.1-or-later
// Field names: smartmontools' JSON output (smartctl.cpp / ataprint.cpp / scsiprint.cpp /
// nvmeprint.cpp, json_format_version 1.0 since 7.0; 6.7 printed a 0.1 preview with the same names
// for the fields read here).
#include "smartctl_json.hpp"

#include <raidmon/smart.hpp>

#include "core/strutil.hpp"
#include "json_walk.hpp"
#include "smart_util.hpp"

namespace raidmon::detail {

namespace {

using Node = JsonWalk::Node;

/// Major versions of json_format_version this decoder knows: 0 (smartctl 6.7 preview) and 1 (7.x).
constexpr std::uint64_t kMaxJsonMajor = 1;

Protocol protocolOf(const std::string& proto, const std::string& type, const std::optional<std::string>& transport) {
    if (startsWith(type, "usb")) return Protocol::USB;
    if (proto == "ATA") return Protocol::SATA;
    if (proto == "NVMe") return Protocol::NVMe;
    if (proto == "SCSI") {
        if (transport && transport->find("SAS") != std::string::npos) return Protocol::SAS;
        return Protocol::SCSI;
    }
    return Protocol::Unknown;
}

/// "sat+megaraid,5" / "megaraid,5" -> 5
std::optional<int> megaraidDid(std::string_view type) {
    auto p = type.find("megaraid,");
    if (p == std::string_view::npos) return std::nullopt;
    return parseInt<int>(type.substr(p + 9));
}

void readIdentity(JsonWalk& w, const Node& root, Drive& d, std::vector<std::string>& notes) {
    if (auto dev = w.object(root, "device")) {
        auto name = w.string(*dev, "name");
        auto type = w.string(*dev, "type").value_or("");
        auto proto = w.string(*dev, "protocol").value_or("");
        std::optional<std::string> transport;
        if (auto tp = w.object(root, "scsi_transport_protocol")) transport = w.string(*tp, "name");
        d.protocol = protocolOf(proto, type, transport);
        if (name) d.devnode = *name;
        if (auto did = megaraidDid(type)) d.location.megaraidDid = *did;
    }
    // ATA/NVMe: model_name is the model. SCSI: 7.3 prints scsi_vendor/scsi_product (and
    // model_name = vendor + product), 6.7-7.2 print vendor/product.
    auto vendor = w.string(root, "scsi_vendor");
    if (!vendor) vendor = w.string(root, "vendor");
    auto product = w.string(root, "scsi_product");
    if (!product) product = w.string(root, "product");
    if (vendor) d.vendor = cleanText(*vendor);
    if (product) d.model = cleanText(*product);
    else if (auto m = w.string(root, "model_name")) d.model = cleanText(*m);
    if (auto s = w.string(root, "serial_number")) d.serial = cleanText(*s);
    auto fw = w.string(root, "firmware_version");
    if (!fw) fw = w.string(root, "scsi_revision");
    if (!fw) fw = w.string(root, "revision");
    if (fw) d.firmware = cleanText(*fw);
    if (auto wwn = w.object(root, "wwn")) {
        auto naa = w.u64(*wwn, "naa"), oui = w.u64(*wwn, "oui"), id = w.u64(*wwn, "id");
        if (naa && oui && id) d.wwn = naaWwn(*naa, *oui, *id);
    }
    if (auto lu = w.string(root, "logical_unit_id")) {
        if (startsWith(*lu, "0x") && lu->size() > 2 && unhex(lu->size() % 2 ? "0" + lu->substr(2) : lu->substr(2)))
            d.wwn = toLower(*lu);
        else
            notes.push_back("logical_unit_id " + quoteForError(*lu) + " is not a hex identifier; WWN left unknown");
    }
    if (auto ns = w.array(root, "nvme_namespaces"); ns && w.size(*ns) > 0) {
        auto first = w.element(*ns, 0);
        if (auto eui = w.object(first, "eui64")) {
            auto oui = w.u64(*eui, "oui"), ext = w.u64(*eui, "ext_id");
            if (oui && ext) {
                char buf[32];
                std::snprintf(buf, sizeof buf, "eui.%06llx%010llx", static_cast<unsigned long long>(*oui & 0xffffff),
                              static_cast<unsigned long long>(*ext & 0xffffffffffULL));
                d.wwn = buf;
            }
        }
    }
    if (auto cap = w.object(root, "user_capacity")) d.capacityBytes = w.u64(*cap, "bytes");
    if (!d.capacityBytes) d.capacityBytes = w.u64(root, "nvme_total_capacity");
    if (auto lbs = w.u64(root, "logical_block_size"); lbs && *lbs > 0 && *lbs <= 65536)
        d.logicalBlockSize = static_cast<std::uint32_t>(*lbs);
    if (auto pbs = w.u64(root, "physical_block_size"); pbs && *pbs > 0 && *pbs <= (1u << 24))
        d.physicalBlockSize = static_cast<std::uint32_t>(*pbs);
    if (auto rr = w.integer(root, "rotation_rate")) {
        // ATA IDENTIFY word 217 / SCSI VPD B1h: 1 = non-rotating; smartctl prints 0 for SSDs.
        if (*rr == 0 || *rr == 1) d.media = Media::SSD;
        else if (*rr > 1) {
            d.media = Media::HDD;
            d.rotationRpm = *rr;
        }
    }
    if (d.protocol == Protocol::NVMe) d.media = Media::SSD;
}

void readAtaAttributes(JsonWalk& w, const Node& root, Smart& s) {
    auto tab = w.object(root, "ata_smart_attributes");
    if (!tab) return;
    auto rows = w.array(*tab, "table");
    if (!rows) return;
    for (std::size_t i = 0; i < w.size(*rows); ++i) {
        auto row = w.element(*rows, i);
        SmartAttribute a;
        auto id = w.integer(row, "id");
        if (!id) {
            if (!w.failed()) w.fail(row.path + ".id", "missing");
            return;
        }
        a.id = *id;
        a.name = w.string(row, "name").value_or("");
        a.value = w.integer(row, "value");
        a.worst = w.integer(row, "worst");
        a.threshold = w.integer(row, "thresh");
        if (auto wf = w.string(row, "when_failed"); wf && !wf->empty()) a.whenFailed = *wf;
        if (auto fl = w.object(row, "flags")) a.prefailure = w.boolean(*fl, "prefailure");
        if (auto raw = w.object(row, "raw")) {
            a.raw = w.i64(*raw, "value");
            a.rawString = w.string(*raw, "string");
        }
        s.attributes.push_back(std::move(a));
    }
}

void readSelfTests(JsonWalk& w, const Node& root, Smart& s) {
    auto log = w.object(root, "ata_smart_self_test_log");
    if (!log) return;
    // -x reads the extended (GP) log, -a the standard (SMART) log; prefer the extended one.
    auto part = w.object(*log, "extended");
    if (!part) part = w.object(*log, "standard");
    if (!part) return;
    SelfTest t;
    if (auto rows = w.array(*part, "table"); rows && w.size(*rows) > 0) {
        auto first = w.element(*rows, 0);
        if (auto st = w.object(first, "status")) t.lastResult = w.string(*st, "string");
    }
    auto total = w.integer(*part, "error_count_total");
    auto outdated = w.integer(*part, "error_count_outdated");
    if (total) t.failedCount = *total - (outdated && *outdated <= *total ? *outdated : 0);
    else if (w.integer(*part, "count").value_or(-1) == 0) t.failedCount = 0;
    if (t.lastResult || t.failedCount) s.selfTest = t;
}

void readNvmeLog(JsonWalk& w, const Node& root, Smart& s) {
    auto log = w.object(root, "nvme_smart_health_information_log");
    if (!log) return;
    NvmeHealth n;
    n.criticalWarning = w.integer(*log, "critical_warning");
    n.availableSparePct = w.integer(*log, "available_spare");
    n.availableSpareThresholdPct = w.integer(*log, "available_spare_threshold");
    n.percentageUsed = w.integer(*log, "percentage_used");
    n.mediaErrors = w.u64(*log, "media_errors");
    n.errorLogEntries = w.u64(*log, "num_err_log_entries");
    n.unsafeShutdowns = w.u64(*log, "unsafe_shutdowns");
    s.nvme = n;
    if (!s.powerOnHours) s.powerOnHours = w.u64(*log, "power_on_hours");
    if (!s.temperatureC) s.temperatureC = w.integer(*log, "temperature");
}

void readScsi(JsonWalk& w, const Node& root, Smart& s) {
    s.grownDefects = w.u64(root, "scsi_grown_defect_list");
    if (auto log = w.object(root, "scsi_error_counter_log")) {
        if (auto r = w.object(*log, "read")) s.uncorrectedReadErrors = w.u64(*r, "total_uncorrected_errors");
        if (auto wr = w.object(*log, "write")) s.uncorrectedWriteErrors = w.u64(*wr, "total_uncorrected_errors");
    }
    if (auto pu = w.integer(root, "scsi_percentage_used_endurance_indicator")) s.enduranceUsedPct = *pu;
}

} // namespace

Result<SmartctlReport> parseSmartctlJson(std::string_view text) {
    auto doc = JsonWalk::parse(text);
    if (!doc) return tl::unexpected(doc.error());
    if (!doc->is_object()) return fail(errc::parse_error, "line 1: not a smartctl JSON object");
    JsonWalk w;
    Node root = w.root(*doc);
    SmartctlReport rep;

    if (auto ver = w.array(root, "json_format_version")) {
        auto major = w.size(*ver) > 0 ? w.u64(w.element(*ver, 0)) : std::nullopt;
        if (!major) return fail(errc::parse_error, "field json_format_version: expected [major, minor]");
        if (*major > kMaxJsonMajor)
            return fail(errc::parse_error, "field json_format_version: version " + std::to_string(*major) +
                                               ".x is newer than this decoder understands (up to " +
                                               std::to_string(kMaxJsonMajor) + ".x)");
    } else {
        rep.notes.push_back("no json_format_version (the smartctl header is missing); fields read as 1.0");
    }
    if (auto sc = w.object(root, "smartctl")) {
        rep.exitStatus = w.integer(*sc, "exit_status");
        if (auto msgs = w.array(*sc, "messages")) {
            for (std::size_t i = 0; i < w.size(*msgs); ++i) {
                auto m = w.element(*msgs, i);
                auto str = w.string(m, "string").value_or("");
                auto sev = w.string(m, "severity").value_or("");
                if (sev == "error") rep.errors.push_back(printable(str));
                else rep.notes.push_back("smartctl: " + printable(str));
            }
        }
    }
    if (auto devs = w.array(root, "devices")) {  // smartctl --scan / --scan-open
        for (std::size_t i = 0; i < w.size(*devs); ++i) {
            auto dv = w.element(*devs, i);
            rep.scanned.push_back(printable(w.string(dv, "name").value_or("?")) + " -d " +
                                  printable(w.string(dv, "type").value_or("?")));
        }
    }

    bool hasDevice = w.member(root, "device").has_value() || w.member(root, "serial_number").has_value() ||
                     w.member(root, "model_name").has_value();
    if (hasDevice) {
        Drive d;
        readIdentity(w, root, d, rep.notes);
        Smart s;
        s.source = "smartctl-json";
        s.smartctlExitStatus = rep.exitStatus;
        if (auto st = w.object(root, "smart_status")) s.passed = w.boolean(*st, "passed");
        if (auto t = w.object(root, "temperature")) {
            s.temperatureC = w.integer(*t, "current");
            // SCSI devices without a temperature sensor (RAID volumes) report 0 C with a 0 C trip
            // point; that is "not available", not a reading.
            if (s.temperatureC == 0 && w.integer(*t, "drive_trip") == 0) s.temperatureC.reset();
        }
        if (auto pot = w.object(root, "power_on_time")) s.powerOnHours = w.u64(*pot, "hours");
        if (auto el = w.object(root, "ata_smart_error_log")) {
            auto part = w.object(*el, "extended");
            if (!part) part = w.object(*el, "summary");
            if (part) s.errorLogCount = w.u64(*part, "count");
        }
        readAtaAttributes(w, root, s);
        readSelfTests(w, root, s);
        readNvmeLog(w, root, s);
        readScsi(w, root, s);
        deriveFromAttributes(s);
        if (hasAnyReading(s)) d.smart = std::move(s);
        if (!w.failed()) {
            finishDrive(d);
            rep.drive = std::move(d);
        }
    }
    if (w.failed()) return tl::unexpected(w.error());
    if (!hasDevice && rep.scanned.empty() && rep.errors.empty() && !rep.exitStatus)
        return fail(errc::parse_error, "line 1: JSON without smartctl's 'smartctl' or 'device' members");
    return rep;
}

int detectSmartctlJson(std::string_view text) {
    auto head = text.substr(0, 4096);
    auto t = trim(head);
    if (t.empty() || t.front() != '{') return 0;
    if (head.find("\"smartctl\"") != std::string_view::npos || head.find("\"json_format_version\"") != std::string_view::npos)
        return 95;
    // smartctl output whose header was stripped: its characteristic members
    for (std::string_view k : {"\"ata_smart_attributes\"", "\"scsi_grown_defect_list\"", "\"nvme_smart_health_information_log\"",
                               "\"smart_status\""})
        if (text.find(k) != std::string_view::npos) return 60;
    return 0;
}

Result<Capture> decodeSmartctlJson(std::string_view text) {
    auto rep = parseSmartctlJson(text);
    if (!rep) return tl::unexpected(rep.error());
    Capture c;
    for (const auto& e : rep->errors) c.notes.push_back("smartctl error: " + e);
    if (rep->exitStatus && *rep->exitStatus != 0)
        for (const auto& s : describeSmartctlExit(*rep->exitStatus)) c.notes.push_back("smartctl exit status: " + s);
    for (const auto& s : rep->scanned) c.notes.push_back("smartctl --scan lists " + s);
    for (auto& n : rep->notes) c.notes.push_back(std::move(n));
    if (rep->drive) c.drives.push_back(std::move(*rep->drive));
    return c;
}

} // namespace raidmon::detail
