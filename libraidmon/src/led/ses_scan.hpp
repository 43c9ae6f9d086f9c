// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// SES enclosures that the kernel's ses driver has not bound (no enclosure class device): read
// through SG_IO on their SCSI generic node, so their bays can be shown and lit (backend ses-sg).

#include <map>
#include <string>
#include <vector>

#include <raidmon/context.hpp>
#include <raidmon/model.hpp>

#include "ses_codec.hpp"

namespace raidmon::detail {

/// The enclosure the pages describe (kind "ses-sg"): one slot per slot element, index = DEVICE
/// SLOT NUMBER (page 0Ah) else the element's index, label = element descriptor, locate = IDENT,
/// fault = FAULT REQSTD or FAULT SENSED; drives joined by the SAS address of the slot's phys
/// (`driveBySas`: lower-case "0x..." -> Drive::id). Pure.
Enclosure sesEnclosureFromPages(const ses::Configuration& cfg, const std::vector<ses::SlotElement>& slots,
                                const std::map<std::string, std::string>& driveBySas, const std::string& scsiAddress,
                                const std::string& sysPath);

/// Every SCSI device of type 0Dh (enclosure services) without an enclosure class child, read
/// through its sg node when device I/O is allowed; notes say why one was not read.
/// `anyUnbound` (when given): set to whether any SES device without the ses driver was found,
/// read or not (a caller that re-reads often skips the search while there is none).
std::vector<Enclosure> scanUnboundSes(const Context& ctx, const std::vector<Drive>& drives, std::vector<std::string>& notes,
                                      bool* anyUnbound = nullptr);

} // namespace raidmon::detail
