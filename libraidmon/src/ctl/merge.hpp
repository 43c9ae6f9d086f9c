// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Hardware RAID in the inventory: what scanInventory adds when a RAID controller is present.

#include <raidmon/context.hpp>
#include <raidmon/controllers.hpp>
#include <raidmon/model.hpp>

namespace raidmon::detail {

/// Run the backend of every RAID controller kind present in inv.controllers (megaraid,
/// smartarray, adaptec; sas-hba for LSI IR) and merge what it reports into `inv`.
/// A missing tool is a note; nothing here fails.
void mergeHardwareRaid(const Context& ctx, Inventory& inv);

/// The merge itself (pure): tool controllers onto PCI controllers (PCI address, else the only one of
/// its kind), tool drives onto kernel drives (WWN, else serial), arrays and enclosures appended.
void mergeReport(Inventory& inv, ControllerReport report);

} // namespace raidmon::detail
