// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Human-readable rendering for a technician reading a remote console: short lines, the bay first.
#include <ostream>

#include <raidmon/decode.hpp>
#include <raidmon/model.hpp>

namespace raidmon::cli {

void renderInventory(std::ostream& os, const Inventory& inv);
void renderCapture(std::ostream& os, const Capture& c);
void renderDrive(std::ostream& os, const Drive& d, const std::string& indent);
void renderArray(std::ostream& os, const Array& a, const std::string& indent);

/// "4.0 TB"
std::string human(std::uint64_t bytes);
/// "1h12m", "3m", "45s"
std::string humanDuration(std::uint64_t seconds);
/// "CRITICAL", "WARNING", "OK", "UNKNOWN"
std::string upper(Health h);

} // namespace raidmon::cli
