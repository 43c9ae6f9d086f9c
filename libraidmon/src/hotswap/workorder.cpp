// SPDX-License-Identifier: LGPL-2.1-or-later
// The technician's work order: text, JSON and an SVG drawing of the enclosure's front.
#include <algorithm>
#include <cmath>
#include <sstream>

#include <nlohmann/json.hpp>

#include <raidmon/hotswap.hpp>
#include <raidmon/text.hpp>
#include <raidmon/units.hpp>

#include "core/json_model.hpp"
#include "hotswap/common.hpp"

namespace raidmon {

using Json = nlohmann::ordered_json;

namespace {

constexpr std::size_t kColumns = 80;

std::vector<std::string> stepsFor(const WorkOrder& wo) {
    std::vector<std::string> s;
    const std::string bay = wo.slotLabel ? *wo.slotLabel
                            : (wo.enclosure && wo.slot) ? *wo.enclosure + ":" + std::to_string(*wo.slot)
                                                        : std::string();
    const std::string where = bay.empty() ? std::string("(bay unknown: find the drive by its serial)") : "in bay " + bay;
    const std::string server = "Check the server: serial " + wo.productSerial.value_or("unknown") + ", hostname " +
                               wo.hostname.value_or("unknown") + ". Do not power it off or reset it.";
    const std::string need = "Bring a drive of at least " +
                             (wo.minCapacityBytes ? formatSize(*wo.minCapacityBytes) : std::string("the same capacity")) +
                             (wo.maxLogicalBlockSize ? " with " + std::to_string(*wo.maxLogicalBlockSize) + "-byte logical blocks"
                                                     : std::string()) +
                             ", new or wiped.";
    const bool putBack = wo.cause == IncidentCause::wrong_drive_removed || wo.cause == IncidentCause::unexpected_removal;
    switch (wo.state) {
    case IncidentState::detected:
    case IncidentState::assessed:
    case IncidentState::locating:
    case IncidentState::awaiting_removal:
        s.push_back(server);
        s.push_back(need);
        if (wo.guided)
            s.push_back("Find the bay with the blinking locate light (" + (bay.empty() ? std::string("bay unknown: find the drive by its serial") : "bay " + bay) + ").");
        else
            s.push_back("Find " + (bay.empty() ? std::string("the drive by its serial (bay unknown)") : "bay " + bay) +
                        ". No light is lit for this work order: `raidmon locate " + wo.drive.serial.value_or(wo.drive.id) +
                        " on` lights the bay, where the enclosure supports it.");
        s.push_back("Check the drive's serial is " + wo.drive.serial.value_or("unknown") + " before pulling it.");
        s.push_back(wo.guided ? "Pull that drive only, and wait for the light to change or for raidmon to confirm."
                              : "Pull that drive only.");
        s.push_back("Insert the replacement into the same bay.");
        if (!wo.guided)
            s.push_back("Nothing verifies the replacement or adds it to " + wo.arrayName.value_or("the array") +
                        ": check it with `raidmon status` and add it yourself, or start raidmond for the guided flow.");
        break;
    case IncidentState::removed:
    case IncidentState::awaiting_insertion:
    case IncidentState::inserted:
        s.push_back(server);
        if (putBack) {
            s.push_back("Put the drive with serial " + wo.drive.serial.value_or("unknown") + " back " + where + " now.");
            s.push_back("Do not pull any other drive.");
        } else {
            s.push_back(need);
            s.push_back("Insert the replacement " + where + ".");
        }
        s.push_back(wo.guided ? "Wait for raidmon to verify the drive."
                              : "Check the drive with `raidmon status`: nothing verifies it while raidmond is not running.");
        break;
    case IncidentState::verified:
        if (wo.guided)
            s.push_back("The replacement is verified; it is to be added to " + wo.arrayName.value_or("the array") +
                        " (automatically or after confirmation).");
        else
            s.push_back("The replacement was verified, but raidmond is not running: nothing adds it to " +
                        wo.arrayName.value_or("the array") + ". Add it yourself, or start raidmond for the guided flow.");
        s.push_back("Leave the drives in place until the rebuild has finished.");
        break;
    case IncidentState::rebuilding:
        s.push_back("The array is rebuilding: do not pull any drive until it has finished.");
        break;
    case IncidentState::completed: s.push_back("Nothing left to do: the replacement is complete."); break;
    case IncidentState::failed: s.push_back("The replacement failed: escalate to the storage team."); break;
    case IncidentState::cancelled: s.push_back("The incident was cancelled: do not pull anything."); break;
    }
    return s;
}

/// Word-wrap `text` to `width` columns, `first` before the first line and `rest` before the others.
void wrap(std::ostringstream& out, const std::string& text, const std::string& first, const std::string& rest) {
    std::string line = first;
    std::size_t lineStart = 0;
    std::istringstream words(text);
    std::string w;
    bool empty = true;
    while (words >> w) {
        if (!empty && line.size() - lineStart + 1 + w.size() > kColumns) {
            out << line << '\n';
            line = rest;
            lineStart = 0;
            empty = true;
        }
        while (w.size() > kColumns - line.size()) {  // a word longer than a line: cut it
            const std::size_t room = kColumns - line.size();
            out << line << w.substr(0, room) << '\n';
            w.erase(0, room);
            line = rest;
        }
        if (!empty) line += ' ';
        line += w;
        empty = false;
    }
    out << line << '\n';
}

void field(std::ostringstream& out, const char* name, const std::optional<std::string>& v) {
    if (v) wrap(out, *v, std::string(name) + std::string(std::max<std::size_t>(1, 18 - std::string(name).size()), ' '),
                std::string(18, ' '));
}

std::string xmlEscape(std::string_view raw) {
    // Serials, models and labels come from the drives and tools: escape sequences, C1 controls
    // and bytes that are not UTF-8 go first (an SVG with invalid UTF-8 is not XML at all).
    const std::string s = terminalSafe(raw, false);
    std::string out;
    for (char c : s) {
        switch (c) {
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default:
            // XML 1.0 allows no control characters besides tab/newline/CR.
            if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') out += '?';
            else out += c;
        }
    }
    return out;
}

Json driveJson(const IncidentDrive& d) {
    return Json{{"id", d.id},          {"serial", detail::opt(d.serial)},   {"wwn", detail::opt(d.wwn)},
                {"model", detail::opt(d.model)}, {"kernel_name", detail::opt(d.kernelName)},
                {"capacity_bytes", detail::opt(d.capacityBytes)}};
}

} // namespace

WorkOrder makeWorkOrder(const Incident& inc, const Inventory& inv, bool guided) {
    WorkOrder wo;
    wo.hostname = inv.host.hostname;
    wo.machineId = inv.host.machineId;
    wo.productName = inv.host.dmi.productName;
    wo.productSerial = inv.host.dmi.productSerial;
    wo.assetTag = inv.host.dmi.chassisAssetTag;
    wo.bmcIp = inv.host.bmc.ip;
    wo.incidentId = inc.id;
    wo.state = inc.state;
    wo.cause = inc.cause;
    wo.arrayName = inc.arrayName;
    wo.enclosure = inc.enclosure;
    wo.slot = inc.slot;
    wo.slotLabel = inc.slotLabel;
    wo.drive = inc.drive;
    wo.minCapacityBytes = inc.minCapacityBytes;
    wo.maxLogicalBlockSize = inc.maxLogicalBlockSize;
    wo.removalVerdict = inc.removalVerdict;
    wo.removalReasons = inc.removalReasons;
    // The verdict of the live inventory beats the one recorded when the incident opened.
    if (detail::driveById(inv, inc.drive.id)) {
        auto a = detail::assessIncidentDrive(inv, inc);
        wo.removalVerdict = a.verdict;
        wo.removalReasons = a.reasons;
    }
    wo.risks = inc.risks;
    wo.findings = inc.findings;
    wo.replacement = inc.replacement;
    wo.guided = guided;
    // Nobody lights the bay without the agent: the drive simply awaits its removal.
    if (!guided && (wo.state == IncidentState::detected || wo.state == IncidentState::assessed || wo.state == IncidentState::locating))
        wo.state = IncidentState::awaiting_removal;
    // Without the agent the incident is recorded nowhere, unless the caller found it in the agent's
    // state (it then sets the id back): no id to quote.
    if (!guided) wo.incidentId.clear();
    wo.steps = stepsFor(wo);
    const bool pulling = static_cast<int>(inc.state) <= static_cast<int>(IncidentState::awaiting_removal);
    if (pulling && (wo.removalVerdict == RemovalVerdict::loses_data || wo.removalVerdict == RemovalVerdict::loses_last_redundancy)) {
        wo.warning.push_back(wo.removalVerdict == RemovalVerdict::loses_data
                                 ? "PULLING THIS DRIVE NOW LOSES DATA. Do not pull it until the storage team says so."
                                 : "Pulling this drive leaves the array with NO redundancy: pull exactly this drive, "
                                   "nothing else, and do not touch other drives until the rebuild has finished.");
        for (const auto& r : wo.removalReasons) wo.warning.push_back(r);
    }
    return wo;
}

std::string toText(const WorkOrder& wo) {
    std::ostringstream out;
    out << "RAIDMON WORK ORDER - drive replacement\n" << std::string(kColumns, '=') << '\n';
    field(out, "Incident",
          wo.guided ? wo.incidentId + " (" + std::string(toString(wo.cause)) + ", " + std::string(toString(wo.state)) + ")"
          : wo.incidentId.empty()
              ? "none: computed without raidmond, not recorded (" + std::string(toString(wo.cause)) + ")"
              : wo.incidentId + " (" + std::string(toString(wo.cause)) + "; recorded by raidmond, which is not running)");
    out << "\nSERVER\n";
    field(out, "Hostname", wo.hostname);
    field(out, "Product", wo.productName);
    field(out, "Product serial", wo.productSerial);
    field(out, "Asset tag", wo.assetTag);
    field(out, "BMC IP", wo.bmcIp);
    field(out, "Machine id", wo.machineId);
    out << "\nBAY\n";
    field(out, "Bay label", wo.slotLabel ? wo.slotLabel : std::optional<std::string>("unknown: find the drive by serial"));
    field(out, "Enclosure", wo.enclosure);
    if (wo.slot) field(out, "Slot index", std::to_string(*wo.slot));
    const bool putBack = wo.cause == IncidentCause::wrong_drive_removed || wo.cause == IncidentCause::unexpected_removal;
    out << (putBack ? "\nDRIVE TO PUT BACK\n" : "\nDRIVE TO PULL\n");
    field(out, "Model", wo.drive.model);
    field(out, "Serial", wo.drive.serial.value_or("unknown"));
    field(out, "WWN", wo.drive.wwn);
    field(out, "Kernel name", wo.drive.kernelName);
    if (wo.drive.capacityBytes) field(out, "Capacity", formatSize(*wo.drive.capacityBytes));
    field(out, "Array", wo.arrayName);
    out << "\nREPLACEMENT\n";
    field(out, "Min capacity", wo.minCapacityBytes ? formatSize(*wo.minCapacityBytes) + " (" +
                                                         std::to_string(*wo.minCapacityBytes) + " bytes)"
                                                   : std::string("unknown"));
    if (wo.maxLogicalBlockSize) field(out, "Max logical block", std::to_string(*wo.maxLogicalBlockSize) + " bytes");
    if (wo.replacement) field(out, "Inserted", "serial " + wo.replacement->serial.value_or(wo.replacement->id));
    out << "\nSAFE TO REMOVE NOW: " << toString(wo.removalVerdict) << '\n';
    for (const auto& r : wo.removalReasons) wrap(out, r, "  - ", "    ");
    if (!wo.warning.empty()) {
        out << '\n' << std::string(kColumns, '!') << "\nWARNING\n";
        for (const auto& w : wo.warning) wrap(out, w, "  ", "  ");
        out << std::string(kColumns, '!') << '\n';
    }
    if (!wo.risks.empty()) {
        out << "\nRISKS\n";
        for (const auto& r : wo.risks) wrap(out, r, "  - ", "    ");
    }
    if (!wo.findings.empty()) {
        out << "\nFINDINGS\n";
        for (const auto& r : wo.findings) wrap(out, r, "  - ", "    ");
    }
    out << "\nSTEPS\n";
    for (std::size_t i = 0; i < wo.steps.size(); ++i) {
        const std::string n = std::to_string(i + 1) + ". ";
        wrap(out, wo.steps[i], "  " + n, std::string(2 + n.size(), ' '));
    }
    // The technician reads this on a terminal or paper: nothing a drive or a tool wrote into a
    // serial, model or message may act as a terminal command (raidmon/text.hpp).
    return terminalSafe(out.str(), true);
}

std::string toJson(const WorkOrder& wo, int indent) {
    Json steps = Json::array();
    for (const auto& s : wo.steps) steps.push_back(s);
    Json j{{"server",
            {{"hostname", detail::opt(wo.hostname)},
             {"machine_id", detail::opt(wo.machineId)},
             {"product_name", detail::opt(wo.productName)},
             {"product_serial", detail::opt(wo.productSerial)},
             {"asset_tag", detail::opt(wo.assetTag)},
             {"bmc_ip", detail::opt(wo.bmcIp)}}},
           {"incident", {{"id", wo.incidentId.empty() ? Json(nullptr) : Json(wo.incidentId)},
                         {"state", std::string(toString(wo.state))},
                         {"cause", std::string(toString(wo.cause))}}},
           {"guided", wo.guided},
           {"array", detail::opt(wo.arrayName)},
           {"bay", {{"enclosure", detail::opt(wo.enclosure)}, {"slot", detail::opt(wo.slot)}, {"label", detail::opt(wo.slotLabel)}}},
           {"drive", driveJson(wo.drive)},
           {"replacement_requirements",
            {{"min_capacity_bytes", detail::opt(wo.minCapacityBytes)}, {"max_logical_block_size", detail::opt(wo.maxLogicalBlockSize)}}},
           {"replacement", wo.replacement ? driveJson(*wo.replacement) : Json(nullptr)},
           {"safe_to_remove", {{"verdict", std::string(toString(wo.removalVerdict))}, {"reasons", wo.removalReasons}}},
           {"risks", wo.risks},
           {"findings", wo.findings},
           {"steps", std::move(steps)},
           {"warning", wo.warning}};
    return j.dump(indent);
}

std::string toSvg(const WorkOrder& wo, const Inventory& inv) {
    // The bays of the incident's enclosure (or just the target bay when the enclosure is unknown).
    struct BayBox {
        int index;
        std::string label;
        bool occupied;
    };
    std::vector<BayBox> bays;
    for (const auto& e : inv.enclosures)
        if (wo.enclosure && e.id == *wo.enclosure)
            for (const auto& s : e.slots)
                bays.push_back({s.index, s.label.value_or("Slot " + std::to_string(s.index)), s.drive.has_value() || s.device.has_value()});
    if (wo.slot && std::none_of(bays.begin(), bays.end(), [&](const BayBox& b) { return b.index == *wo.slot; }))
        bays.push_back({*wo.slot, wo.slotLabel.value_or("Slot " + std::to_string(*wo.slot)), true});
    std::sort(bays.begin(), bays.end(), [](const BayBox& a, const BayBox& b) { return a.index < b.index; });

    // Front view: up to 12 bays in a row (a 2U 12-bay chassis), more rows as needed.
    const int perRow = std::clamp(static_cast<int>(bays.size()), 1, 12);
    const int rows = std::max(1, static_cast<int>((bays.size() + static_cast<std::size_t>(perRow) - 1) / static_cast<std::size_t>(perRow)));
    const int bw = 90, bh = 60, gap = 8, margin = 20, captionH = 70;
    const int width = margin * 2 + perRow * bw + (perRow - 1) * gap;
    const int height = margin * 2 + rows * bh + (rows - 1) * gap + captionH;
    std::ostringstream o;
    o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height << "\" viewBox=\"0 0 " << width
      << ' ' << height << "\" font-family=\"sans-serif\">\n";
    const std::string incident = wo.incidentId.empty() ? std::string("not recorded (computed without raidmond)") : wo.incidentId;
    o << "<title>" << xmlEscape("raidmon work order, incident " + incident) << "</title>\n";
    o << "<rect x=\"0\" y=\"0\" width=\"" << width << "\" height=\"" << height << "\" fill=\"#f4f4f4\" stroke=\"#333\"/>\n";
    for (std::size_t i = 0; i < bays.size(); ++i) {
        const auto& b = bays[i];
        const int x = margin + static_cast<int>(i % static_cast<std::size_t>(perRow)) * (bw + gap);
        const int y = margin + static_cast<int>(i / static_cast<std::size_t>(perRow)) * (bh + gap);
        const bool target = wo.slot && b.index == *wo.slot;
        o << "<g class=\"bay" << (target ? " target" : "") << "\" data-slot=\"" << b.index << "\">";
        o << "<rect x=\"" << x << "\" y=\"" << y << "\" width=\"" << bw << "\" height=\"" << bh << "\" rx=\"4\" fill=\""
          << (target ? "#d62728" : b.occupied ? "#9e9e9e" : "#ffffff") << "\" stroke=\"#222\" stroke-width=\""
          << (target ? 4 : 1) << "\"/>";
        o << "<text x=\"" << x + bw / 2 << "\" y=\"" << y + bh / 2 << "\" text-anchor=\"middle\" font-size=\"12\" fill=\""
          << (target ? "#fff" : "#000") << "\">" << xmlEscape(b.label) << "</text>";
        if (target)
            o << "<text x=\"" << x + bw / 2 << "\" y=\"" << y + bh - 8 << "\" text-anchor=\"middle\" font-size=\"11\" "
              << "font-weight=\"bold\" fill=\"#fff\">" << (wo.cause == IncidentCause::wrong_drive_removed ||
                                                                  wo.cause == IncidentCause::unexpected_removal
                                                              ? "PUT BACK"
                                                              : "PULL")
              << "</text>";
        o << "</g>\n";
    }
    const int cy = height - captionH + 20;
    o << "<text x=\"" << margin << "\" y=\"" << cy << "\" font-size=\"14\">"
      << xmlEscape("Host " + wo.hostname.value_or("unknown") + ", server serial " + wo.productSerial.value_or("unknown"))
      << "</text>\n";
    o << "<text x=\"" << margin << "\" y=\"" << cy + 20 << "\" font-size=\"14\">"
      << xmlEscape("Bay " + wo.slotLabel.value_or("unknown") + ": drive serial " + wo.drive.serial.value_or("unknown") +
                   (wo.drive.model ? " (" + *wo.drive.model + ")" : std::string()))
      << "</text>\n";
    o << "<text x=\"" << margin << "\" y=\"" << cy + 40 << "\" font-size=\"12\">"
      << xmlEscape("Enclosure " + wo.enclosure.value_or("unknown") + ", incident " + incident) << "</text>\n";
    o << "</svg>\n";
    return o.str();
}

} // namespace raidmon
