// SPDX-License-Identifier: LGPL-2.1-or-later
// nvme-cli's smart-log JSON (nvme-print-json.c): 1.x and 2.0-2.10 print critical_warning as a number,
// 2.11+ as an object {"value": N, per-bit fields}; 128-bit counters are numbers, doubles (builds
// that go through long double) or strings. Temperature is in Kelvin. The log names no device, so
// the Drive has no identity beyond "nvme-smart-log".
#include "nvme_cli.hpp"

#include "core/strutil.hpp"
#include "json_walk.hpp"
#include "smart_util.hpp"

namespace raidmon::detail {

namespace {
/// 0 degrees Celsius in Kelvin, rounded as the NVMe spec's integer Kelvin readings are (Figure 207).
constexpr int kZeroCelsiusInKelvin = 273;
} // namespace

int detectNvmeCliSmartLog(std::string_view text) {
    auto head = text.substr(0, 2048);
    auto t = trim(head);
    if (t.empty() || t.front() != '{') return 0;
    if (head.find("\"critical_warning\"") != std::string_view::npos &&
        (head.find("\"avail_spare\"") != std::string_view::npos || head.find("\"spare_thresh\"") != std::string_view::npos))
        return 90;
    return 0;
}

Result<Capture> decodeNvmeCliSmartLog(std::string_view text) {
    auto doc = JsonWalk::parse(text);
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
    if (auto k = w.integer(root, "temperature"); k && *k > 0) s.temperatureC = *k - kZeroCelsiusInKelvin;
    if (w.failed()) return tl::unexpected(w.error());
    s.nvme = n;
    s.source = "nvme-cli";
    Drive d;
    d.protocol = Protocol::NVMe;
    d.media = Media::SSD;
    d.smart = std::move(s);
    finishDrive(d);
    Capture c;
    c.notes.push_back("nvme smart-log output names no device: the drive's identity is unknown");
    c.drives.push_back(std::move(d));
    return c;
}

} // namespace raidmon::detail
