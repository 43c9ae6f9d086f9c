// SPDX-License-Identifier: LGPL-2.1-or-later
#include "json_model.hpp"

#include <stdexcept>

#include <raidmon/json.hpp>
#include <raidmon/version.hpp>

namespace raidmon::detail {

namespace {
Json strings(const std::vector<std::string>& v) {
    Json a = Json::array();
    for (const auto& s : v) a.push_back(s);
    return a;
}
template <typename T>
Json list(const std::vector<T>& v) {
    Json a = Json::array();
    for (const auto& x : v) a.push_back(toJsonValue(x));
    return a;
}
} // namespace

Json toJsonValue(const Location& l) {
    return Json{{"controller", opt(l.controller)}, {"enclosure", opt(l.enclosure)}, {"slot", opt(l.slot)},
                {"label", opt(l.label)}, {"megaraid_did", opt(l.megaraidDid)}};
}

Json toJsonValue(const Smart& s) {
    Json j{{"passed", opt(s.passed)},
           {"temperature_c", opt(s.temperatureC)},
           {"power_on_hours", opt(s.powerOnHours)},
           {"reallocated_sectors", opt(s.reallocatedSectors)},
           {"pending_sectors", opt(s.pendingSectors)},
           {"offline_uncorrectable", opt(s.offlineUncorrectable)},
           {"reported_uncorrect", opt(s.reportedUncorrect)},
           {"command_timeouts", opt(s.commandTimeouts)},
           {"crc_errors", opt(s.crcErrors)},
           {"grown_defects", opt(s.grownDefects)},
           {"uncorrected_read_errors", opt(s.uncorrectedReadErrors)},
           {"uncorrected_write_errors", opt(s.uncorrectedWriteErrors)},
           {"error_log_count", opt(s.errorLogCount)}};
    if (s.nvme) {
        const auto& n = *s.nvme;
        j["nvme"] = Json{{"critical_warning", opt(n.criticalWarning)},
                         {"available_spare_pct", opt(n.availableSparePct)},
                         {"available_spare_threshold_pct", opt(n.availableSpareThresholdPct)},
                         {"percentage_used", opt(n.percentageUsed)},
                         {"media_errors", opt(n.mediaErrors)},
                         {"error_log_entries", opt(n.errorLogEntries)},
                         {"unsafe_shutdowns", opt(n.unsafeShutdowns)}};
    } else {
        j["nvme"] = nullptr;
    }
    if (s.selfTest)
        j["self_test"] = Json{{"last_result", opt(s.selfTest->lastResult)}, {"failed_count", opt(s.selfTest->failedCount)}};
    else
        j["self_test"] = nullptr;
    Json attrs = Json::array();
    for (const auto& a : s.attributes)
        attrs.push_back(Json{{"id", a.id}, {"name", a.name}, {"value", opt(a.value)}, {"worst", opt(a.worst)},
                             {"threshold", opt(a.threshold)}, {"raw", opt(a.raw)}, {"raw_string", opt(a.rawString)},
                             {"when_failed", opt(a.whenFailed)}, {"prefailure", opt(a.prefailure)}});
    j["attributes"] = attrs;
    j["source"] = opt(s.source);
    j["smartctl_exit_status"] = opt(s.smartctlExitStatus);
    j["endurance_used_pct"] = opt(s.enduranceUsedPct);
    return j;
}

Json toJsonValue(const Risk& r) {
    return Json{{"afr", opt(r.afr)}, {"multiplier", opt(r.multiplier)}, {"reasons", strings(r.reasons)}};
}

Json toJsonValue(const Drive& d) {
    Json sigs = Json::array();
    for (const auto& s : d.signatures)
        sigs.push_back(Json{{"device", s.device}, {"type", s.type}, {"usage", opt(s.usage)}, {"uuid", opt(s.uuid)},
                            {"label", opt(s.label)}});
    Json j{{"id", d.id},
           {"serial", opt(d.serial)},
           {"wwn", opt(d.wwn)},
           {"vendor", opt(d.vendor)},
           {"model", opt(d.model)},
           {"firmware", opt(d.firmware)},
           {"capacity_bytes", opt(d.capacityBytes)},
           {"logical_block_size", opt(d.logicalBlockSize)},
           {"physical_block_size", opt(d.physicalBlockSize)},
           {"protocol", toString(d.protocol)},
           {"media", d.media ? Json(toString(*d.media)) : Json(nullptr)},
           {"rotation_rpm", opt(d.rotationRpm)},
           {"devnode", opt(d.devnode)},
           {"kernel_name", opt(d.kernelName)},
           {"location", toJsonValue(d.location)},
           {"state", d.state ? Json(toString(*d.state)) : Json(nullptr)},
           {"health", toString(d.health)},
           {"failure_predicted", opt(d.failurePredicted)},
           {"smart", d.smart ? toJsonValue(*d.smart) : Json(nullptr)},
           {"risk", d.risk ? toJsonValue(*d.risk) : Json(nullptr)},
           {"role", opt(d.role)},
           {"holders", d.holders},
           {"signatures", sigs},
           {"reasons", strings(d.reasons)},
           {"syspath", opt(d.sysPath)}};
    if (d.controllerView) {
        const auto& v = *d.controllerView;
        j["controller_view"] = Json{{"state", opt(v.state)},
                                    {"media_errors", opt(v.mediaErrors)},
                                    {"other_errors", opt(v.otherErrors)},
                                    {"predictive_failures", opt(v.predictiveFailures)},
                                    {"smart_alert", opt(v.smartAlert)},
                                    {"temperature_c", opt(v.temperatureC)},
                                    {"foreign", opt(v.foreign)},
                                    {"address", opt(v.address)},
                                    {"controller", opt(v.controller)}};
    } else {
        j["controller_view"] = nullptr;
    }
    j["nvme_namespace"] = opt(d.nvmeNamespace);
    return j;
}

Json toJsonValue(const ArrayOperation& o) {
    return Json{{"kind", o.kind}, {"percent", opt(o.percent)}, {"eta_seconds", opt(o.etaSeconds)},
                {"speed_kib_s", opt(o.speedKiBs)}, {"done_sectors", opt(o.done)}, {"total_sectors", opt(o.total)},
                {"delayed", o.delayed}};
}

Json toJsonValue(const Array& a) {
    Json members = Json::array();
    for (const auto& m : a.members)
        members.push_back(Json{{"drive", opt(m.drive)}, {"device", opt(m.device)}, {"role", m.role}, {"slot", opt(m.slot)},
                               {"flags", strings(m.flags)}, {"errors", opt(m.errors)}});
    return Json{{"id", a.id},
                {"name", a.name},
                {"kind", a.kind},
                {"level", opt(a.level)},
                {"size_bytes", opt(a.sizeBytes)},
                {"state", a.state},
                {"raid_disks", opt(a.raidDisks)},
                {"active_disks", opt(a.activeDisks)},
                {"redundancy_left", opt(a.redundancyLeft)},
                {"members", members},
                {"operation", a.operation ? toJsonValue(*a.operation) : Json(nullptr)},
                {"uuid", opt(a.uuid)},
                {"metadata", opt(a.metadata)},
                {"array_state", opt(a.arrayState)},
                {"devnode", opt(a.devnode)},
                {"controller", opt(a.controller)},
                {"health", toString(a.health)},
                {"reasons", strings(a.reasons)}};
}

Json toJsonValue(const Controller& c) {
    return Json{{"id", c.id},
                {"kind", c.kind},
                {"model", opt(c.model)},
                {"vendor", opt(c.vendor)},
                {"firmware", opt(c.firmware)},
                {"driver", opt(c.driver)},
                {"pci_address", opt(c.pciAddress)},
                {"pci_id", opt(c.pciId)},
                {"pci_class", opt(c.pciClass)},
                {"pci_subsystem", opt(c.pciSubsystem)},
                {"serial", opt(c.serial)},
                {"status", opt(c.status)},
                {"battery", Json{{"status", opt(c.batteryStatus)}}},
                {"cache", Json{{"status", opt(c.cacheStatus)}}},
                {"temperature_c", opt(c.temperatureC)},
                {"health", toString(c.health)},
                {"reasons", strings(c.reasons)}};
}

Json toJsonValue(const Slot& s) {
    return Json{{"index", s.index},          {"label", opt(s.label)},   {"status", opt(s.status)},
                {"locate", opt(s.locate)},   {"fault", opt(s.fault)},   {"active", opt(s.active)},
                {"power", opt(s.power)},     {"drive", opt(s.drive)},   {"device", opt(s.device)},
                {"pci_address", opt(s.pciAddress)}, {"attention", opt(s.attention)}, {"syspath", opt(s.sysPath)}};
}

Json toJsonValue(const Enclosure& e) {
    return Json{{"id", e.id},
                {"kind", e.kind},
                {"vendor", opt(e.vendor)},
                {"product", opt(e.product)},
                {"revision", opt(e.revision)},
                {"scsi_address", opt(e.scsiAddress)},
                {"components", opt(e.components)},
                {"slots", list(e.slots)},
                {"health", toString(e.health)},
                {"reasons", strings(e.reasons)},
                {"syspath", opt(e.sysPath)}};
}

Json toJsonValue(const Host& h) {
    return Json{{"hostname", opt(h.hostname)},
                {"machine_id", opt(h.machineId)},
                {"dmi", Json{{"sys_vendor", opt(h.dmi.sysVendor)},
                             {"product_name", opt(h.dmi.productName)},
                             {"product_serial", opt(h.dmi.productSerial)},
                             {"board_serial", opt(h.dmi.boardSerial)},
                             {"chassis_asset_tag", opt(h.dmi.chassisAssetTag)},
                             {"uuid", opt(h.dmi.uuid)}}},
                {"bmc", Json{{"ip", opt(h.bmc.ip)}, {"mac", opt(h.bmc.mac)}, {"channel", opt(h.bmc.channel)}}}};
}

Json toJsonValue(const Inventory& inv) {
    return Json{{"format_version", kJsonFormatVersion},
                {"raidmon_version", kVersion},
                {"health", toString(inv.health)},
                {"reasons", strings(inv.reasons)},
                {"host", toJsonValue(inv.host)},
                {"controllers", list(inv.controllers)},
                {"enclosures", list(inv.enclosures)},
                {"drives", list(inv.drives)},
                {"arrays", list(inv.arrays)},
                {"notes", strings(inv.notes)}};
}

} // namespace raidmon::detail

namespace raidmon {

namespace {
std::string dump(const detail::Json& j, int indent) {
    // Replace invalid UTF-8 instead of throwing: sysfs strings are untrusted bytes.
    return j.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}
} // namespace

std::string toJson(const Inventory& inv, int indent) { return dump(detail::toJsonValue(inv), indent); }
std::string toJson(const Drive& d, int indent) { return dump(detail::toJsonValue(d), indent); }
std::string toJson(const Array& a, int indent) { return dump(detail::toJsonValue(a), indent); }
std::string toJson(const Host& h, int indent) { return dump(detail::toJsonValue(h), indent); }

std::string asDocument(const std::string& objectJson, int indent) {
    const auto members = detail::Json::parse(objectJson, nullptr, false);
    if (members.is_discarded() || !members.is_object()) throw std::invalid_argument("asDocument: not a JSON object");
    detail::Json doc{{"format_version", kJsonFormatVersion}};
    for (const auto& [k, v] : members.items())
        if (k != "format_version") doc[k] = v;
    return dump(doc, indent);
}

} // namespace raidmon
