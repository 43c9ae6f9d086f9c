// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Many drives gone at once for one reason: an enclosure (its SES device), an expander or SAS
// port, a cable, an HBA's PCI function. The agent reports such a loss as one
// io.raidmon.enclosure.lost / io.raidmon.path.lost naming the drives and arrays, not as a
// drive.removed and a wrong-drive alarm per drive, and the return as enclosure.restored /
// path.restored (docs/agent.md, "Many drives at once").

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include <raidmon/events.hpp>
#include <raidmon/model.hpp>

namespace raidmon::agent {

/// @brief Drives lost together for one cause, from their loss until every one is back.
struct LostGroup {
    std::string kind;                     ///< "enclosure" (an enclosure went with them) or "path" (the enclosure stayed)
    std::string id;                       ///< the event subject's id: the first enclosure's id, else the cause device's name
    std::vector<std::string> enclosures;  ///< ids of the enclosures that went (kind "enclosure"), else those the drives sat in
    std::string where;                    ///< those enclosures for a person: "enclosure 0x5000... (HGST H4060-J)"
    std::string cause;                    ///< sysfs path of the highest device that vanished with them ("" when none did)
    std::string causeKind;                ///< pci_function, scsi_host, sas_port, sas_expander, enclosure, blocked_path, device
    std::vector<Drive> drives;            ///< the drives as they were before the loss
    std::vector<std::string> missing;     ///< Drive::id of those not back yet
    std::vector<std::string> arrays;      ///< names of the arrays with members among the drives
    std::chrono::system_clock::time_point lostAt{};
};

/// @brief What the grouping needs besides the two inventories.
struct CauseEvidence {
    /// Does this sysfs path exist now? (the agent: the real file system under Paths::sys)
    std::function<bool(const std::string&)> exists;
    /// Drive::id of drives whose SCSI device was seen blocked or offline before it went (the
    /// transport blocks every device behind a port that dropped).
    std::set<std::string> blocked;
};

/// @brief The drives of `before` missing from `after`, grouped by common cause:
/// - the highest ancestor device (below /sys/devices) that vanished, shared by two or more of
///   them (a PCI function, a SCSI host, a SAS port or expander);
/// - an enclosure of `before` that `after` lacks, with the drives that sat in it;
/// - two or more drives of one enclosure that were seen blocked before they went.
/// Type "enclosure" when an enclosure of the group's drives is gone, "path" when they all remain.
/// Drives pulled one by one (their own port or device vanished, the enclosure stayed, nothing
/// blocked) are in no group: they are reported drive by drive as before.
std::vector<LostGroup> findCommonCauses(const Inventory& before, const Inventory& after, const CauseEvidence& ev);

/// @brief The arrays of `inv` with a member among `driveIds`.
std::vector<std::string> arraysWith(const Inventory& inv, const std::set<std::string>& driveIds);

/// @brief io.raidmon.enclosure.lost / io.raidmon.path.lost for a group (critical when an array
/// lost its last redundancy or failed in `after`, else warning).
Event lostEvent(const LostGroup& g, const Inventory& after);

/// @brief io.raidmon.enclosure.restored / io.raidmon.path.restored: `back` (Drive::id) returned,
/// g.missing still missing.
Event restoredEvent(const LostGroup& g, const std::vector<std::string>& back, const Inventory& after);

} // namespace raidmon::agent
