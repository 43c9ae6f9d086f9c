// SPDX-License-Identifier: LGPL-2.1-or-later
// JSON of the rebuild model (keys fixed by REBUILD-MODEL.md) and of safe-to-remove.
#include <raidmon/json.hpp>
#include <raidmon/rebuild.hpp>
#include <raidmon/removal.hpp>

#include "core/json_model.hpp"

namespace raidmon {

namespace {
using detail::Json;
using detail::opt;

Json strings(const std::vector<std::string>& v) {
    Json a = Json::array();
    for (const auto& s : v) a.push_back(s);
    return a;
}

std::string dump(const Json& j, int indent) { return indent < 0 ? j.dump() : j.dump(indent); }
} // namespace

std::string toJson(const RebuildResult& r, int indent) {
    Json members = Json::array();
    for (const auto& m : r.members)
        members.push_back(Json{{"name", m.name},
                               {"role", m.role},
                               {"read_bytes", m.readBytes},
                               {"age_hours", m.ageHours},
                               {"multiplier", m.multiplier},
                               {"p_fail", m.pFail},
                               {"expected_ures", m.expectedUres},
                               {"p_ure", m.pUre},
                               {"risk_share", m.riskShare},
                               {"reasons", strings(m.reasons)}});
    Json j{{"format_version", kJsonFormatVersion},
           {"p_ure", r.pUre},
           {"p_array_loss", r.pArrayLoss},
           {"p_sector_loss", r.pSectorLoss},
           {"p_clean", r.pClean},
           {"p_second_failure", r.pSecondFailure},
           {"window_hours", r.windowHours},
           {"read_hours", r.readHours},
           {"degraded", r.degraded},
           {"remaining_redundancy", r.remainingRedundancy}};
    if (r.mttdlHours) j["mttdl_hours"] = *r.mttdlHours;
    if (r.mttdlWithUreHours) {
        j["mttdl_with_ure_hours"] = *r.mttdlWithUreHours;
        j["rebuild_failure_h"] = opt(r.rebuildFailureH);
    }
    j["recommendation"] = std::string(toString(r.recommendation));
    j["reasons"] = strings(r.reasons);
    j["members"] = members;
    return dump(j, indent);
}

std::string toJson(const RemovalAssessment& a, int indent) {
    Json arrays = Json::array();
    for (const auto& i : a.arrays)
        arrays.push_back(Json{{"id", i.arrayId},
                              {"name", i.arrayName},
                              {"verdict", std::string(toString(i.verdict))},
                              {"redundancy_before", opt(i.redundancyBefore)},
                              {"redundancy_after", opt(i.redundancyAfter)},
                              {"reasons", strings(i.reasons)}});
    Json j{{"format_version", kJsonFormatVersion},
           {"target", Json{{"drive", opt(a.target.driveId)},
                           {"enclosure", opt(a.target.enclosureId)},
                           {"slot", opt(a.target.slotIndex)},
                           {"label", opt(a.target.slotLabel)}}},
           {"verdict", std::string(toString(a.verdict))},
           {"exit_code", exitCode(a.verdict)},
           {"reasons", strings(a.reasons)},
           {"arrays", arrays}};
    return dump(j, indent);
}

} // namespace raidmon
