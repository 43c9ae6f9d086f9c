// SPDX-License-Identifier: LGPL-2.1-or-later
// nvme-cli's `smart-log -o json` (nvme-print-json.c json_smart_log), by its grammar
// (docs/decoders.md "nvme-cli smart-log (JSON)"): one flat object, NVMe Base 2.0 Figure 207 in
// nvme-cli's names. Value forms across versions: 1.x prints integers and, for the 128-bit counters,
// long doubles ("4974.0", 1.2e+07); 2.0-2.10 print the 128-bit counters as strings, grouped in the
// printing locale under 2.3+ ("2,752,848"); 2.11+ print critical_warning as an object {"value": N,
// one member per bit}. Temperature is in Kelvin. The log names no device, so the Drive has no
// identity beyond "nvme-smart-log".
#include "nvme_cli.hpp"

#include <algorithm>

#include "core/strutil.hpp"
#include "json_walk.hpp"
#include "smart_util.hpp"

namespace raidmon::detail {

namespace {

/// 0 degrees Celsius in Kelvin, rounded as the NVMe spec's integer Kelvin readings are (Figure 207).
constexpr int kZeroCelsiusInKelvin = 273;

/// Members of nvme-cli's smart-log JSON (1.x-2.x), read or deliberately passed over.
constexpr std::string_view kKnownMembers[] = {
    "critical_warning", "temperature", "avail_spare", "spare_thresh", "percent_used",
    "endurance_grp_critical_warning_summary", "data_units_read", "data_units_written", "host_read_commands",
    "host_write_commands", "controller_busy_time", "power_cycles", "power_on_hours", "unsafe_shutdowns",
    "media_errors", "num_err_log_entries", "warning_temp_time", "critical_comp_time", "thm_temp1_trans_count",
    "thm_temp2_trans_count", "thm_temp1_total_time", "thm_temp2_total_time",
};

bool knownMember(std::string_view key) {
    if (std::find(std::begin(kKnownMembers), std::end(kKnownMembers), key) != std::end(kKnownMembers)) return true;
    return startsWith(key, "temperature_sensor_");  // one per implemented sensor, 1-8
}

/// "temperature": Kelvin as a number or a string ("310", "310 K"); a string in Celsius ("37 C",
/// "37°C") is what some builds print with --human-readable.
std::optional<int> temperatureC(JsonWalk& w, const JsonWalk::Node& root) {
    auto m = w.member(root, "temperature");
    if (!m) return std::nullopt;
    if (m->json->is_string()) {
        std::string_view t = trim(m->json->get_ref<const std::string&>());
        std::string_view kelvin = t;
        for (std::string_view unit : {"Kelvin", "K"})
            if (endsWith(t, unit)) kelvin = trim(t.substr(0, t.size() - unit.size()));
        if (auto k = parseGroupedUint(kelvin)) {
            if (*k > 0 && *k < 1000) return static_cast<int>(*k) - kZeroCelsiusInKelvin;
            if (*k == 0) return std::nullopt;
        } else if (auto c = parseTemperatureC(t)) {
            return c;
        }
        w.fail(m->path, "expected a temperature in Kelvin, got " + quoteForError(t));
        return std::nullopt;
    }
    auto k = w.integer(root, "temperature");
    if (k && *k > 0) return *k - kZeroCelsiusInKelvin;
    return std::nullopt;  // 0 K: the controller reports no temperature
}

} // namespace

int detectNvmeCliSmartLog(std::string_view text) {
    auto payload = jsonPayload(text, nullptr);
    auto head = payload.substr(0, 2048);
    auto t = trim(head);
    if (t.empty() || t.front() != '{') return 0;
    if (payload.find("\"critical_warning\"") != std::string_view::npos &&
        (payload.find("\"avail_spare\"") != std::string_view::npos || payload.find("\"spare_thresh\"") != std::string_view::npos))
        return 90;
    return 0;
}

Result<Capture> decodeNvmeCliSmartLog(std::string_view text) {
    Capture c;
    auto payload = jsonPayload(text, &c.notes);
    auto doc = JsonWalk::parse(payload, lineOf(text, payload));
    if (!doc) return tl::unexpected(doc.error());
    if (!doc->is_object()) return fail(errc::parse_error, "line 1: not an nvme smart-log JSON object");
    JsonWalk w;
    auto root = w.root(*doc);
    NvmeHealth n;
    Smart s;
    if (auto cw = w.member(root, "critical_warning")) {
        if (cw->json->is_object()) n.criticalWarning = w.integer(*cw, "value");
        else n.criticalWarning = w.integer(root, "critical_warning");
    }
    if (!w.failed() && !n.criticalWarning)
        return fail(errc::parse_error, "field critical_warning: missing (not an nvme smart-log)");
    n.availableSparePct = w.integer(root, "avail_spare");
    n.availableSpareThresholdPct = w.integer(root, "spare_thresh");
    n.percentageUsed = w.integer(root, "percent_used");
    n.mediaErrors = w.u64(root, "media_errors");
    n.errorLogEntries = w.u64(root, "num_err_log_entries");
    n.unsafeShutdowns = w.u64(root, "unsafe_shutdowns");
    s.powerOnHours = w.u64(root, "power_on_hours");
    s.temperatureC = temperatureC(w, root);
    if (w.failed()) return tl::unexpected(w.error());
    std::vector<std::string> unknown;
    for (auto it = doc->begin(); it != doc->end(); ++it)
        if (!knownMember(it.key())) unknown.push_back(it.key());
    c.skipped = unknown.size();
    if (!unknown.empty()) c.notes.push_back(skippedNote(unknown, unknown.size(), "member(s)"));
    s.nvme = n;
    s.source = "nvme-cli";
    Drive d;
    d.protocol = Protocol::NVMe;
    d.media = Media::SSD;
    d.smart = std::move(s);
    finishDrive(d);
    c.notes.push_back("nvme smart-log output names no device: the drive's identity is unknown");
    c.drives.push_back(std::move(d));
    return c;
}

} // namespace raidmon::detail
