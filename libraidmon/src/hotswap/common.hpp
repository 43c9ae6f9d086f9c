// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Helpers shared by the hot-swap engine, its persistence and the work order.

#include <string>
#include <string_view>

#include <raidmon/hotswap.hpp>

namespace raidmon::detail {

/// The bay as a person reads it: the label, else "enclosure:slot", else "an unknown bay".
std::string bayName(const Incident& inc);
/// "serial X" or the drive id when the serial is unknown.
std::string driveName(const IncidentDrive& d);
/// The drive of `inv` with this id, or nullptr.
const Drive* driveById(const Inventory& inv, const std::string& id);
/// assessRemoval() of the incident's drive in its bay.
RemovalAssessment assessIncidentDrive(const Inventory& inv, const Incident& inc);
/// The array of `inv` with this id, or nullptr.
const Array* arrayById(const Inventory& inv, const std::optional<std::string>& id);

} // namespace raidmon::detail
