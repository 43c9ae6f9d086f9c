// SPDX-License-Identifier: LGPL-2.1-or-later
// Incidents as JSON, and STATE_DIR/incidents.json (replaced atomically, like the LED state files).
#include <algorithm>

#include <nlohmann/json.hpp>

#include <raidmon/hotswap.hpp>

#include "core/json_model.hpp"
#include "core/statedir.hpp"
#include "core/strutil.hpp"
#include "core/sysfs.hpp"
#include "led/state.hpp"

namespace raidmon {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using TimePoint = std::chrono::system_clock::time_point;

namespace {

constexpr int kIncidentsVersion = 1;
constexpr std::size_t kKeepClosed = 50;

std::int64_t seconds(TimePoint t) { return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count(); }

template <typename T>
Json strings(const std::vector<T>& v) {
    Json a = Json::array();
    for (const auto& s : v) a.push_back(s);
    return a;
}

Json driveJson(const IncidentDrive& d) {
    return Json{{"id", d.id},
                {"serial", detail::opt(d.serial)},
                {"wwn", detail::opt(d.wwn)},
                {"model", detail::opt(d.model)},
                {"kernel_name", detail::opt(d.kernelName)},
                {"devnode", detail::opt(d.devnode)},
                {"capacity_bytes", detail::opt(d.capacityBytes)},
                {"logical_block_size", detail::opt(d.logicalBlockSize)},
                {"signatures_to_wipe", strings(d.signaturesToWipe)}};
}

Json incidentJson(const Incident& i) {
    Json hist = Json::array();
    for (const auto& t : i.history)
        hist.push_back(Json{{"from", toString(t.from)}, {"to", toString(t.to)}, {"at", seconds(t.at)}, {"reason", t.reason}});
    return Json{{"id", i.id},
                {"cause", toString(i.cause)},
                {"state", toString(i.state)},
                {"drive", driveJson(i.drive)},
                {"array_id", detail::opt(i.arrayId)},
                {"array_name", detail::opt(i.arrayName)},
                {"array_kind", detail::opt(i.arrayKind)},
                {"array_uuid", detail::opt(i.arrayUuid)},
                {"member_slot", detail::opt(i.memberSlot)},
                {"enclosure", detail::opt(i.enclosure)},
                {"slot", detail::opt(i.slot)},
                {"slot_label", detail::opt(i.slotLabel)},
                {"min_capacity_bytes", detail::opt(i.minCapacityBytes)},
                {"max_logical_block_size", detail::opt(i.maxLogicalBlockSize)},
                {"removal_verdict", toString(i.removalVerdict)},
                {"removal_reasons", strings(i.removalReasons)},
                {"risks", strings(i.risks)},
                {"recommendation", detail::opt(i.recommendation)},
                {"replacement", i.replacement ? driveJson(*i.replacement) : Json(nullptr)},
                {"findings", strings(i.findings)},
                {"awaiting_confirmation", i.awaitingConfirmation},
                {"rebuild_percent", detail::opt(i.rebuildPercent)},
                {"eta_seconds", detail::opt(i.etaSeconds)},
                {"light_on", i.lightOn},
                {"identify_on", i.identifyOn},
                {"failure_reason", detail::opt(i.failureReason)},
                {"opened_at", seconds(i.openedAt)},
                {"updated_at", seconds(i.updatedAt)},
                {"last_rejected", detail::opt(i.lastRejected)},
                {"controller_add_requested", i.controllerAddRequested},
                {"readwrite_requested", i.readWriteRequested},
                {"confirmed", i.confirmed},
                {"history", std::move(hist)}};
}

/// Reads one JSON object strictly, naming the place of the first problem ("incidents[2].drive.serial").
class Fields {
public:
    Fields(const Json& obj, std::string where, std::optional<std::string>& firstError)
        : obj_(obj), where_(std::move(where)), err_(firstError) {
        if (!obj_.is_object()) bad("", "is not an object");
    }

    void read(const char* key, std::string& out) {
        const Json* v = find(key, false);
        if (v && v->is_string()) out = v->get<std::string>();
        else if (v) bad(key, "is not a string");
    }
    void read(const char* key, bool& out) {
        const Json* v = find(key, false);
        if (v && v->is_boolean()) out = v->get<bool>();
        else if (v) bad(key, "is not true or false");
    }
    void read(const char* key, TimePoint& out) {
        std::optional<std::int64_t> s;
        read(key, s, true);
        if (s) out = TimePoint(std::chrono::seconds(*s));
    }
    template <typename T>
    void read(const char* key, std::optional<T>& out, bool required = false) {
        const Json* v = find(key, !required);
        if (!v) return;
        if constexpr (std::is_same_v<T, std::string>) {
            if (v->is_string()) return void(out = v->get<std::string>());
        } else if constexpr (std::is_floating_point_v<T>) {
            if (v->is_number()) return void(out = v->get<T>());
        } else {
            // Through the text, so a value out of T's range is an error and never wraps.
            if (v->is_number_integer())
                if (auto n = detail::parseInt<T>(v->dump())) return void(out = *n);
        }
        bad(key, "has the wrong type or is out of range");
    }
    void read(const char* key, std::vector<std::string>& out) {
        const Json* v = find(key, false);
        if (!v) return;
        if (!v->is_array()) return bad(key, "is not an array");
        for (const auto& e : *v) {
            if (!e.is_string()) return bad(key, "holds something that is not a string");
            out.push_back(e.get<std::string>());
        }
    }
    template <typename E, typename Parse>
    void read(const char* key, E& out, Parse parse) {
        std::string word;
        read(key, word);
        if (!find(key, false)) return;
        auto e = parse(word);
        if (e) out = *e;
        else bad(key, e.error().message);
    }
    const Json* child(const char* key) { return find(key, true); }
    std::string at(const char* key) const { return where_ + (where_.empty() ? "" : ".") + key; }

private:
    /// nullptr when absent (or null where that is allowed); records the error otherwise.
    const Json* find(const char* key, bool nullable) {
        if (!obj_.is_object()) return nullptr;
        auto it = obj_.find(key);
        if (it == obj_.end() || (nullable && it->is_null())) {
            if (!nullable) bad(key, "is missing");
            return nullptr;
        }
        return &*it;
    }
    void bad(const char* key, const std::string& what) {
        if (!err_) err_ = (*key ? at(key) : (where_.empty() ? std::string("the document") : where_)) + " " + what;
    }

    const Json& obj_;
    std::string where_;
    std::optional<std::string>& err_;
};

IncidentDrive readDrive(const Json& j, const std::string& where, std::optional<std::string>& err) {
    IncidentDrive d;
    Fields f(j, where, err);
    f.read("id", d.id);
    f.read("serial", d.serial);
    f.read("wwn", d.wwn);
    f.read("model", d.model);
    f.read("kernel_name", d.kernelName);
    f.read("devnode", d.devnode);
    f.read("capacity_bytes", d.capacityBytes);
    f.read("logical_block_size", d.logicalBlockSize);
    if (j.is_object() && j.contains("signatures_to_wipe")) f.read("signatures_to_wipe", d.signaturesToWipe);  // absent in files of earlier builds
    return d;
}

Result<RemovalVerdict> parseVerdict(std::string_view s) {
    for (auto v : {RemovalVerdict::safe, RemovalVerdict::interrupts_rebuild, RemovalVerdict::reduces_redundancy,
                   RemovalVerdict::loses_last_redundancy, RemovalVerdict::loses_data, RemovalVerdict::unknown})
        if (toString(v) == s) return v;
    return fail(errc::invalid_argument, "is not a removal verdict: " + detail::quoteForError(s));
}

Incident readIncident(const Json& j, const std::string& where, std::optional<std::string>& err) {
    Incident i;
    Fields f(j, where, err);
    f.read("id", i.id);
    f.read("cause", i.cause, parseIncidentCause);
    f.read("state", i.state, parseIncidentState);
    if (const Json* d = f.child("drive")) i.drive = readDrive(*d, f.at("drive"), err);
    f.read("array_id", i.arrayId);
    f.read("array_name", i.arrayName);
    f.read("array_kind", i.arrayKind);
    f.read("array_uuid", i.arrayUuid);
    f.read("member_slot", i.memberSlot);
    f.read("enclosure", i.enclosure);
    f.read("slot", i.slot);
    f.read("slot_label", i.slotLabel);
    f.read("min_capacity_bytes", i.minCapacityBytes);
    f.read("max_logical_block_size", i.maxLogicalBlockSize);
    f.read("removal_verdict", i.removalVerdict, parseVerdict);
    f.read("removal_reasons", i.removalReasons);
    f.read("risks", i.risks);
    f.read("recommendation", i.recommendation);
    if (const Json* r = f.child("replacement")) i.replacement = readDrive(*r, f.at("replacement"), err);
    f.read("findings", i.findings);
    f.read("awaiting_confirmation", i.awaitingConfirmation);
    f.read("rebuild_percent", i.rebuildPercent);
    f.read("eta_seconds", i.etaSeconds);
    f.read("light_on", i.lightOn);
    f.read("identify_on", i.identifyOn);
    f.read("failure_reason", i.failureReason);
    f.read("opened_at", i.openedAt);
    f.read("updated_at", i.updatedAt);
    f.read("last_rejected", i.lastRejected);
    if (j.is_object() && j.contains("controller_add_requested")) f.read("controller_add_requested", i.controllerAddRequested);  // absent in files of earlier builds
    if (j.is_object() && j.contains("readwrite_requested")) f.read("readwrite_requested", i.readWriteRequested);  // ditto
    if (j.is_object() && j.contains("confirmed")) f.read("confirmed", i.confirmed);
    else  // files of earlier builds recorded a confirmation only as this finding
        i.confirmed = std::find(i.findings.begin(), i.findings.end(), "adding the replacement was confirmed") != i.findings.end();
    if (const Json* h = f.child("history")) {
        if (!h->is_array()) {
            if (!err) err = f.at("history") + " is not an array";
        } else {
            std::size_t n = 0;
            for (const auto& e : *h) {
                IncidentTransition t;
                Fields ft(e, f.at("history") + "[" + std::to_string(n++) + "]", err);
                ft.read("from", t.from, parseIncidentState);
                ft.read("to", t.to, parseIncidentState);
                ft.read("at", t.at);
                ft.read("reason", t.reason);
                i.history.push_back(std::move(t));
            }
        }
    }
    if (i.id.empty() && !err) err = f.at("id") + " is empty";
    return i;
}

fs::path incidentsFile(const fs::path& stateDir) { return stateDir / "incidents.json"; }

} // namespace

std::string toJson(const Incident& incident, int indent) { return incidentJson(incident).dump(indent); }

Result<Incident> incidentFromJson(std::string_view json) {
    Json j = Json::parse(json, nullptr, false);
    if (j.is_discarded()) return fail(errc::parse_error, "incident: not valid JSON");
    std::optional<std::string> err;
    Incident i = readIncident(j, "incident", err);
    if (err) return fail(errc::parse_error, *err);
    return i;
}

Result<std::vector<Incident>> loadIncidents(const fs::path& stateDir) {
    const fs::path file = incidentsFile(stateDir);
    // Through the checked state directory: a link planted in place of the file is not followed.
    auto text = detail::readStateFile(file);
    if (!text) return tl::unexpected(text.error());
    if (!*text) return std::vector<Incident>{};
    Json doc = Json::parse(**text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return fail(errc::parse_error, file.string() + ": not a JSON object");
    auto v = doc.find("version");
    if (v == doc.end() || !v->is_number_integer() || v->get<std::int64_t>() != kIncidentsVersion)
        return fail(errc::parse_error, file.string() + ": 'version' is not " + std::to_string(kIncidentsVersion));
    auto list = doc.find("incidents");
    if (list == doc.end() || !list->is_array()) return fail(errc::parse_error, file.string() + ": 'incidents' is not an array");
    std::vector<Incident> out;
    std::optional<std::string> err;
    for (std::size_t n = 0; n < list->size() && !err; ++n)
        out.push_back(readIncident((*list)[n], "incidents[" + std::to_string(n) + "]", err));
    if (err) return fail(errc::parse_error, file.string() + ": " + *err);
    return out;
}

Result<void> saveIncidents(const fs::path& stateDir, const std::vector<Incident>& incidents) {
    // The most recently updated closed incidents are kept; open ones always.
    std::vector<const Incident*> closed;
    for (const auto& i : incidents)
        if (isTerminal(i.state)) closed.push_back(&i);
    std::sort(closed.begin(), closed.end(), [](const Incident* a, const Incident* b) { return a->updatedAt > b->updatedAt; });
    if (closed.size() > kKeepClosed) closed.resize(kKeepClosed);
    Json list = Json::array();
    for (const auto& i : incidents)
        if (!isTerminal(i.state) || std::find(closed.begin(), closed.end(), &i) != closed.end()) list.push_back(incidentJson(i));
    Json doc{{"version", kIncidentsVersion}, {"incidents", std::move(list)}};
    return detail::writeFileAtomic(incidentsFile(stateDir), doc.dump(2) + "\n");
}

} // namespace raidmon
