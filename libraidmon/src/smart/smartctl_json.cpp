// SPDX-License-Identifier: LGPL-2.1-or-later
// smartctl --json, by its grammar (docs/decoders.md "smartctl (JSON, -j)"): member names are
// smartmontools' (smartctl.cpp, ataprint.cpp, scsiprint.cpp, nvmeprint.cpp; json_format_version 1.0
// since 7.0, the 0.1 preview of 6.7 used the same names for what is read here). Every member that
// carries a fact the model has a field for is read, in every layout smartctl prints it in; members
// the grammar lists but raidmon has no field for are passed over; any other member is counted in
// Capture::skipped and named in the notes.
#include "smartctl_json.hpp"

#include <algorithm>
#include <cstdio>

#include <raidmon/smart.hpp>

#include "core/strutil.hpp"
#include "json_walk.hpp"
#include "smart_util.hpp"

namespace raidmon::detail {

namespace {

using Node = JsonWalk::Node;

/// Major versions of json_format_version this decoder knows: 0 (smartctl 6.7 preview) and 1 (7.x).
constexpr std::uint64_t kMaxJsonMajor = 1;

/// Top-level members of smartctl's JSON (7.0-7.5), read or deliberately passed over.
constexpr std::string_view kKnownMembers[] = {
    // smartctl.cpp
    "json_format_version", "smartctl", "local_time", "device", "devices", "device_type", "power_on_time",
    "power_cycle_count", "temperature", "smart_support", "smart_status", "user_capacity", "logical_block_size",
    "physical_block_size", "rotation_rate", "form_factor", "model_family", "model_name", "serial_number", "wwn",
    "firmware_version", "in_smartctl_database", "trim", "interface_speed", "read_lookahead", "write_cache",
    "temperature_warning", "format_status", "spare_available", "logical_unit_id",
    // ataprint.cpp
    "ata_version", "sata_version", "ata_additional_product_id", "ata_smart_data", "ata_sct_capabilities",
    "ata_smart_attributes", "ata_smart_error_log", "ata_smart_self_test_log", "ata_smart_selective_self_test_log",
    "ata_sct_status", "ata_sct_temperature_history", "ata_sct_erc", "ata_device_statistics", "ata_log_directory",
    "ata_security", "ata_apm", "ata_aam", "ata_dsn", "ata_pending_defects_log", "ata_zoned_device_statistics",
    "sata_phy_event_counters", "ata_smart_data_structure", "ata_identify_device",
    // scsiprint.cpp
    "vendor", "product", "revision", "scsi_vendor", "scsi_product", "scsi_model_name", "scsi_revision",
    "scsi_version", "scsi_protection_type", "scsi_protection_interval_bytes_per_lb", "scsi_lb_provisioning",
    "scsi_transport_protocol", "scsi_start_stop_cycle_counter", "scsi_grown_defect_list", "scsi_error_counter_log",
    "scsi_extended_self_test_seconds", "scsi_background_scan", "scsi_percentage_used_endurance_indicator",
    "scsi_environmental_reports", "scsi_pending_defects", "scsi_nonmedium_error_count", "scsi_format_status",
    "scsi_sas_ports", "scsi_device_statistics", "scsi_zoned_block_device_statistics", "scsi_tape_alert",
    "seagate_farm_log", "scsi_ie", "scsi_smart_status",
    // nvmeprint.cpp
    "nvme_pci_vendor", "nvme_ieee_oui_identifier", "nvme_total_capacity", "nvme_unallocated_capacity",
    "nvme_controller_id", "nvme_version", "nvme_number_of_namespaces", "nvme_namespaces",
    "nvme_smart_health_information_log", "nvme_error_information_log", "nvme_self_test_log",
    "nvme_firmware_update_capabilities", "nvme_optional_admin_commands", "nvme_optional_nvm_commands",
    "nvme_log_page_attributes", "nvme_maximum_data_transfer_pages", "nvme_composite_temperature_threshold",
    "nvme_power_states", "nvme_lba_formats",
};

/// Members numbered per entry: scsi_self_test_N (one per self-test log entry), scsi_sas_port_N.
std::optional<int> numberedMember(std::string_view key, std::string_view prefix) {
    if (!startsWith(key, prefix)) return std::nullopt;
    return parseInt<int>(key.substr(prefix.size()));
}

bool knownMember(std::string_view key) {
    if (std::find(std::begin(kKnownMembers), std::end(kKnownMembers), key) != std::end(kKnownMembers)) return true;
    return numberedMember(key, "scsi_self_test_").has_value() || numberedMember(key, "scsi_sas_port_").has_value();
}

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

/// A SCSI logical unit id as an NAA WWN: "0x" and 16 (NAA 5) or 32 (NAA 6) hex digits.
std::optional<std::string> naaFromLogicalUnitId(std::string_view lu) {
    if (!startsWith(lu, "0x")) return std::nullopt;
    auto digits = lu.substr(2);
    if ((digits.size() != 16 && digits.size() != 32) || !unhex(digits)) return std::nullopt;
    return toLower(lu);
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
    // ATA/NVMe: model_name is the model. SCSI: 7.3+ print scsi_vendor/scsi_product (and model_name =
    // vendor + product), 6.7-7.2 print vendor/product.
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
        if (auto naa = naaFromLogicalUnitId(*lu)) d.wwn = *naa;
        else notes.push_back("logical_unit_id " + quoteForError(*lu) + " is not an NAA identifier (masked?); WWN left unknown");
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

/// One self-test log entry's result {value, string}: a failure when (value >> shift) & 0xf lies in
/// [lo, hi]; without a value, when the string says so.
void tallyResult(JsonWalk& w, const Node& result, int shift, int lo, int hi, SelfTestTally& t) {
    auto text = w.string(result, "string").value_or("");
    auto value = w.integer(result, "value");
    const int code = value ? (*value >> shift) & 0xf : -1;
    t.add(text, value ? (code >= lo && code <= hi) : selfTestStatusFailed(text));
}

/// ATA self-test log: -x reads the extended (GP) log, -a the standard (SMART) one; both list the
/// newest entry first. The status byte's upper nibble is the result (ACS-3 Table 133): 3-8 are
/// failures (fatal error, unknown, electrical, servo/seek, read, handling damage).
void readAtaSelfTests(JsonWalk& w, const Node& root, SelfTestTally& t) {
    auto log = w.object(root, "ata_smart_self_test_log");
    if (!log) return;
    auto part = w.object(*log, "extended");
    if (!part) part = w.object(*log, "standard");
    if (!part) return;
    t.logPresent = true;
    auto rows = w.array(*part, "table");
    for (std::size_t i = 0; rows && i < w.size(*rows); ++i)
        if (auto st = w.object(w.element(*rows, i), "status")) tallyResult(w, *st, 4, 3, 8, t);
}

/// SCSI self-test results log page (SPC-5 10h), one member per entry, scsi_self_test_0 the newest;
/// result codes 3-7 are failures (scsiprint.cpp).
void readScsiSelfTests(JsonWalk& w, const Node& root, SelfTestTally& t) {
    std::vector<std::pair<int, std::string>> entries;
    for (auto it = root.json->begin(); it != root.json->end(); ++it)
        if (auto n = numberedMember(it.key(), "scsi_self_test_")) entries.emplace_back(*n, it.key());
    std::sort(entries.begin(), entries.end());
    for (const auto& entry : entries)
        if (auto e = w.object(root, entry.second))
            if (auto res = w.object(*e, "result")) tallyResult(w, *res, 0, 3, 7, t);
}

/// NVMe Device Self-test log (LID 06h, NVMe Base 2.0 Figure 211), newest first; results 5-7 are
/// failures (fatal error, unknown failed segment, failed segments).
void readNvmeSelfTests(JsonWalk& w, const Node& root, SelfTestTally& t) {
    auto log = w.object(root, "nvme_self_test_log");
    if (!log) return;
    t.logPresent = true;
    auto rows = w.array(*log, "table");
    for (std::size_t i = 0; rows && i < w.size(*rows); ++i)
        if (auto res = w.object(w.element(*rows, i), "self_test_result")) tallyResult(w, *res, 0, 5, 7, t);
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
    // Pending Defects log (SBC-4 log page 15h subpage 01h, smartctl 7.3+): blocks waiting to be
    // reassigned, the SCSI counterpart of ATA attribute 197.
    if (auto pd = w.object(root, "scsi_pending_defects")) s.pendingSectors = w.u64(*pd, "count");
}

/// ATA Device Statistics log (ACS-4 9.5): page 7 "Percentage Used Endurance Indicator", and the
/// page 5 "Current Temperature" when smartctl printed no temperature of its own.
void readAtaDeviceStatistics(JsonWalk& w, const Node& root, Smart& s) {
    auto ds = w.object(root, "ata_device_statistics");
    if (!ds) return;
    auto pages = w.array(*ds, "pages");
    for (std::size_t i = 0; pages && i < w.size(*pages); ++i) {
        auto page = w.element(*pages, i);
        auto number = w.integer(page, "number");
        auto table = w.array(page, "table");
        for (std::size_t j = 0; table && j < w.size(*table); ++j) {
            auto e = w.element(*table, j);
            auto name = w.string(e, "name").value_or("");
            bool valid = true;
            if (auto fl = w.object(e, "flags")) valid = w.boolean(*fl, "valid").value_or(true);
            if (!valid) continue;
            if (number == 7 && name == "Percentage Used Endurance Indicator") s.enduranceUsedPct = w.integer(e, "value");
            else if (number == 5 && name == "Current Temperature" && !s.temperatureC) s.temperatureC = w.integer(e, "value");
        }
    }
}

/// temperature.current; a SCSI device without a sensor (RAID volumes, some SAS drives whose log
/// page 0Dh is empty) prints 0 C with a 0 C trip point: not a reading, and smartctl 7.4+ may then
/// have the drive's reading in the environmental reports (log page 0Dh subpage 01h).
void readTemperature(JsonWalk& w, const Node& root, Smart& s) {
    if (auto t = w.object(root, "temperature")) {
        s.temperatureC = w.integer(*t, "current");
        if (s.temperatureC == 0 && w.integer(*t, "drive_trip") == 0) s.temperatureC.reset();
    }
    if (s.temperatureC) return;
    auto env = w.object(root, "scsi_environmental_reports");
    if (!env) return;
    std::optional<int> bestIndex;
    for (auto it = env->json->begin(); it != env->json->end(); ++it) {
        auto n = numberedMember(it.key(), "temperature_");
        if (!n || (bestIndex && *n >= *bestIndex)) continue;
        auto e = w.object(*env, it.key());
        if (!e) continue;
        if (auto c = w.integer(*e, "current")) {
            s.temperatureC = *c;
            bestIndex = *n;
        }
    }
}

} // namespace

Result<SmartctlReport> parseSmartctlJson(std::string_view text) {
    SmartctlReport rep;
    auto payload = jsonPayload(text, &rep.notes);
    auto doc = JsonWalk::parse(payload, lineOf(text, payload));
    if (!doc) return tl::unexpected(doc.error());
    if (!doc->is_object()) return fail(errc::parse_error, "line 1: not a smartctl JSON object");
    JsonWalk w;
    Node root = w.root(*doc);

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
    std::vector<std::string> unknown;
    for (auto it = doc->begin(); it != doc->end(); ++it)
        if (!knownMember(it.key())) unknown.push_back(it.key());
    rep.skipped = unknown.size();
    if (!unknown.empty()) rep.notes.push_back(skippedNote(unknown, unknown.size(), "member(s)"));

    bool hasDevice = w.member(root, "device").has_value() || w.member(root, "serial_number").has_value() ||
                     w.member(root, "model_name").has_value();
    if (hasDevice) {
        Drive d;
        readIdentity(w, root, d, rep.notes);
        Smart s;
        s.source = "smartctl-json";
        s.smartctlExitStatus = rep.exitStatus;
        if (auto st = w.object(root, "smart_status")) s.passed = w.boolean(*st, "passed");
        if (auto sup = w.object(root, "smart_support"); sup && w.boolean(*sup, "available") == false)
            rep.notes.push_back("the device has no SMART capability (a RAID volume or a bridge that hides it)");
        readTemperature(w, root, s);
        if (auto pot = w.object(root, "power_on_time")) s.powerOnHours = w.u64(*pot, "hours");
        if (auto el = w.object(root, "ata_smart_error_log")) {
            auto part = w.object(*el, "extended");
            if (!part) part = w.object(*el, "summary");
            if (part) s.errorLogCount = w.u64(*part, "count");
        }
        readAtaAttributes(w, root, s);
        SelfTestTally tests;
        readAtaSelfTests(w, root, tests);
        readScsiSelfTests(w, root, tests);
        readNvmeSelfTests(w, root, tests);
        s.selfTest = tests.result();
        readNvmeLog(w, root, s);
        readScsi(w, root, s);
        readAtaDeviceStatistics(w, root, s);
        deriveFromAttributes(s);
        // smartctl's exit status is a reading of its own (bit 2: a SMART command failed, ...).
        if (hasAnyReading(s) || s.smartctlExitStatus) d.smart = std::move(s);
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
    auto payload = jsonPayload(text, nullptr);
    auto head = payload.substr(0, 4096);
    auto t = trim(head);
    if (t.empty() || t.front() != '{') return 0;
    if (head.find("\"smartctl\"") != std::string_view::npos || head.find("\"json_format_version\"") != std::string_view::npos)
        return 95;
    // smartctl output whose header was stripped, or keys in another order: its characteristic members
    for (std::string_view k : {"\"smartctl\"", "\"json_format_version\"", "\"ata_smart_attributes\"", "\"scsi_grown_defect_list\"",
                               "\"nvme_smart_health_information_log\"", "\"smart_status\""})
        if (payload.find(k) != std::string_view::npos) return 60;
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
    c.skipped = rep->skipped;
    if (rep->drive) c.drives.push_back(std::move(*rep->drive));
    return c;
}

} // namespace raidmon::detail
