// SPDX-License-Identifier: LGPL-2.1-or-later
#include "daemon/metrics.hpp"

#include <cstdio>

namespace raidmon::agent {

namespace {

/// Health as a number: 0 OK, 1 Warning, 2 Critical, 3 Unknown (the monitoring-plugin codes).
int healthValue(Health h) { return exitCode(h); }

std::string num(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

class Page {
public:
    explicit Page(MetricsFormat f) : om_(f == MetricsFormat::openMetrics) {}
    void family(const char* name, const char* type, const char* help, const char* unit = nullptr) {
        // The text format 0.0.4 names HELP and TYPE after the samples (a counter's _total
        // included) and has no UNIT; OpenMetrics names the family.
        std::string n = name;
        if (!om_ && std::string_view(type) == "counter") n += "_total";
        out_ += "# HELP " + n + ' ' + help + '\n';
        out_ += "# TYPE " + n + ' ' + type + '\n';
        if (unit && om_) out_ += "# UNIT " + n + ' ' + unit + '\n';
    }
    void sample(const std::string& name, const std::vector<std::pair<const char*, std::string>>& labels, double v) {
        out_ += name;
        if (!labels.empty()) {
            out_ += '{';
            bool first = true;
            for (const auto& [k, val] : labels) {
                if (!first) out_ += ',';
                first = false;
                out_ += k;
                out_ += "=\"";
                out_ += escapeLabel(val);
                out_ += '"';
            }
            out_ += '}';
        }
        out_ += ' ';
        out_ += num(v);
        out_ += '\n';
    }
    std::string done() { return om_ ? out_ + "# EOF\n" : out_; }

private:
    bool om_;
    std::string out_;
};

} // namespace

std::string escapeLabel(std::string_view v) {
    std::string s;
    s.reserve(v.size());
    for (char c : v) {
        if (c == '\\') s += "\\\\";
        else if (c == '"') s += "\\\"";
        else if (c == '\n') s += "\\n";
        else s += c;
    }
    return s;
}

std::string renderMetrics(const Inventory& inv, const AgentMetrics& a, const std::vector<SinkMetrics>& sinks, MetricsFormat format) {
    Page p(format);
    p.family("raidmon_host_health", "gauge", "Overall health: 0 OK, 1 warning, 2 critical, 3 unknown.");
    p.sample("raidmon_host_health", {}, healthValue(inv.health));

    // Series are named by what stays: the drive's id (WWN, else model and serial) and its bay, never
    // its kernel name (sdc today, sdf after a reboot); raidmon_drive_info maps one to the other.
    p.family("raidmon_drive_health", "gauge", "Drive health: 0 OK, 1 warning, 2 critical, 3 unknown.");
    for (const auto& d : inv.drives)
        p.sample("raidmon_drive_health", {{"drive", d.id}, {"slot", d.location.label.value_or("")}}, healthValue(d.health));
    p.family("raidmon_drive_info", "gauge", "Always 1: the drive's kernel name, model and serial, to join on drive.");
    for (const auto& d : inv.drives)
        p.sample("raidmon_drive_info",
                 {{"drive", d.id}, {"device", d.kernelName.value_or("")}, {"model", d.model.value_or("")}, {"serial", d.serial.value_or("")}}, 1);
    p.family("raidmon_drive_failure_predicted", "gauge", "1 if the drive predicts its own failure.");
    for (const auto& d : inv.drives)
        if (d.failurePredicted) p.sample("raidmon_drive_failure_predicted", {{"drive", d.id}}, *d.failurePredicted ? 1 : 0);
    p.family("raidmon_drive_temperature_celsius", "gauge", "Drive temperature from SMART.", "celsius");
    for (const auto& d : inv.drives)
        if (d.smart && d.smart->temperatureC) p.sample("raidmon_drive_temperature_celsius", {{"drive", d.id}}, *d.smart->temperatureC);
    p.family("raidmon_drive_power_on_seconds", "gauge", "Drive power-on time from SMART.", "seconds");
    for (const auto& d : inv.drives)
        if (d.smart && d.smart->powerOnHours)
            p.sample("raidmon_drive_power_on_seconds", {{"drive", d.id}}, static_cast<double>(*d.smart->powerOnHours) * 3600);
    p.family("raidmon_drive_reallocated_sectors", "gauge", "Reallocated sectors (ATA 5) or grown defects (SCSI).");
    for (const auto& d : inv.drives)
        if (d.smart && (d.smart->reallocatedSectors || d.smart->grownDefects))
            p.sample("raidmon_drive_reallocated_sectors", {{"drive", d.id}},
                     static_cast<double>(d.smart->reallocatedSectors ? *d.smart->reallocatedSectors : *d.smart->grownDefects));
    p.family("raidmon_drive_pending_sectors", "gauge", "Sectors waiting for reallocation (ATA 197).");
    for (const auto& d : inv.drives)
        if (d.smart && d.smart->pendingSectors)
            p.sample("raidmon_drive_pending_sectors", {{"drive", d.id}}, static_cast<double>(*d.smart->pendingSectors));

    p.family("raidmon_array_health", "gauge", "Array health: 0 OK, 1 warning, 2 critical, 3 unknown.");
    for (const auto& r : inv.arrays)
        p.sample("raidmon_array_health", {{"array", r.id}, {"name", r.name}, {"level", r.level.value_or("")}}, healthValue(r.health));
    // One series per state, 1 for the array's state and 0 for the others: a state change moves a
    // value, it does not end one series and start another. A state outside the list gets its own.
    static constexpr const char* kArrayStates[] = {"optimal",   "degraded", "rebuilding", "failed",
                                                   "inactive", "resyncing", "checking",   "reshaping"};
    p.family("raidmon_array_state", "gauge", "1 for the array's current state, 0 for the others.");
    for (const auto& r : inv.arrays) {
        bool listed = false;
        for (const char* st : kArrayStates) {
            listed = listed || r.state == st;
            p.sample("raidmon_array_state", {{"array", r.id}, {"name", r.name}, {"state", st}}, r.state == st ? 1 : 0);
        }
        if (!listed) p.sample("raidmon_array_state", {{"array", r.id}, {"name", r.name}, {"state", r.state}}, 1);
    }
    p.family("raidmon_array_degraded", "gauge", "1 if the array runs with members missing.");
    for (const auto& r : inv.arrays)
        p.sample("raidmon_array_degraded", {{"array", r.id}, {"name", r.name}},
                 r.state == "degraded" || r.state == "rebuilding" || r.state == "failed" ? 1 : 0);
    p.family("raidmon_array_redundancy_left", "gauge", "Member failures the array survives now.");
    for (const auto& r : inv.arrays)
        if (r.redundancyLeft) p.sample("raidmon_array_redundancy_left", {{"array", r.id}, {"name", r.name}}, *r.redundancyLeft);
    p.family("raidmon_array_operation_ratio", "gauge", "Progress of a rebuild, resync, check or reshape (0..1).", "ratio");
    for (const auto& r : inv.arrays)
        if (r.operation && r.operation->percent)
            p.sample("raidmon_array_operation_ratio", {{"array", r.id}, {"name", r.name}, {"operation", r.operation->kind}},
                     *r.operation->percent / 100);

    p.family("raidmon_controller_health", "gauge", "Controller health: 0 OK, 1 warning, 2 critical, 3 unknown.");
    for (const auto& c : inv.controllers)
        p.sample("raidmon_controller_health", {{"controller", c.id}, {"kind", c.kind}, {"model", c.model.value_or("")}}, healthValue(c.health));

    p.family("raidmon_agent_start_time_seconds", "gauge", "When the agent started (Unix time).", "seconds");
    p.sample("raidmon_agent_start_time_seconds", {}, std::chrono::duration<double>(a.startTime.time_since_epoch()).count());
    p.family("raidmon_agent_events", "counter", "Events committed to the outbox, by type.");
    for (const auto& [t, n] : a.eventsByType) p.sample("raidmon_agent_events_total", {{"type", t}}, static_cast<double>(n));
    p.family("raidmon_agent_events_suppressed", "counter", "Events held back by the per-entity rate limit.");
    p.sample("raidmon_agent_events_suppressed_total", {}, static_cast<double>(a.suppressed));
    p.family("raidmon_agent_events_dropped", "counter",
             "Events dropped before every sink had them: the outbox was full (heartbeats and progress first, then the oldest "
             "informational events; never warnings or failures), or events held in memory while the outbox could not be written.");
    p.sample("raidmon_agent_events_dropped_total", {}, static_cast<double>(a.dropped));
    p.family("raidmon_agent_uevents", "counter", "Device events received.");
    p.sample("raidmon_agent_uevents_total", {}, static_cast<double>(a.uevents));
    p.family("raidmon_agent_uevent_overflows", "counter", "Times device events were dropped by the kernel (ENOBUFS), each followed by a full rescan.");
    p.sample("raidmon_agent_uevent_overflows_total", {}, static_cast<double>(a.ueventOverflows));
    p.family("raidmon_agent_scans", "counter", "Inventory scans.");
    p.sample("raidmon_agent_scans_total", {}, static_cast<double>(a.scans));
    p.family("raidmon_agent_partial_scans", "counter", "Rescans that re-read only what a uevent named: a disk that came or went, an md array that changed.");
    p.sample("raidmon_agent_partial_scans_total", {}, static_cast<double>(a.partialScans));
    p.family("raidmon_agent_last_scan_duration_seconds", "gauge", "How long the last scan took.", "seconds");
    p.sample("raidmon_agent_last_scan_duration_seconds", {}, a.lastScanSeconds);
    p.family("raidmon_agent_outbox_events", "gauge", "Events stored in the outbox (delivered history included).");
    p.sample("raidmon_agent_outbox_events", {}, static_cast<double>(a.outboxEvents));
    p.family("raidmon_agent_metrics_clients_evicted", "counter",
             "Connections to /metrics closed before their request was complete to make room for newer ones (a flood of connections).");
    p.sample("raidmon_agent_metrics_clients_evicted_total", {}, static_cast<double>(a.metricsEvicted));
    p.family("raidmon_agent_metrics_clients_rejected", "counter",
             "Connections to /metrics closed for a request not complete in time, an answer not read, or a request too large.");
    p.sample("raidmon_agent_metrics_clients_rejected_total", {}, static_cast<double>(a.metricsTimedOut));
    p.family("raidmon_agent_sink_delivered", "counter", "Events delivered by a sink since start.");
    for (const auto& s : sinks) p.sample("raidmon_agent_sink_delivered_total", {{"sink", s.name}}, static_cast<double>(s.delivered));
    p.family("raidmon_agent_sink_failures", "counter", "Failed delivery attempts of a sink since start.");
    for (const auto& s : sinks) p.sample("raidmon_agent_sink_failures_total", {{"sink", s.name}}, static_cast<double>(s.failures));
    p.family("raidmon_agent_sink_pending_events", "gauge", "Committed events a sink has not delivered yet.");
    for (const auto& s : sinks) p.sample("raidmon_agent_sink_pending_events", {{"sink", s.name}}, static_cast<double>(s.pending));
    p.family("raidmon_agent_sink_up", "gauge", "1 if the sink's last delivery attempt succeeded.");
    for (const auto& s : sinks) p.sample("raidmon_agent_sink_up", {{"sink", s.name}}, s.up ? 1 : 0);
    return p.done();
}

} // namespace raidmon::agent
