// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Decoders for the SCSI VPD pages and ATA IDENTIFY data the kernel exports in sysfs
// (vpd_pg80, vpd_pg83, vpd_pg89, vpd_pgb1). Input is untrusted: every offset is bounds-checked.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace raidmon::detail {

/// Unit Serial Number page (SPC-5 7.7.19): page length at bytes 2-3, serial from byte 4.
std::optional<std::string> vpdSerial(std::span<const unsigned char> page);

/// Device Identification page (SPC-5 7.7.6): the logical unit's NAA designator (association 0,
/// designator type 3) as "0x" + hex; else its EUI-64 (type 2) as "eui." + hex.
std::optional<std::string> vpdWwn(std::span<const unsigned char> page);

/// Fields of ATA IDENTIFY DEVICE (ACS-4 7.13.7) as found in the ATA Information VPD page (SAT-4
/// 10.4.2: IDENTIFY data at bytes 60..571).
struct AtaIdentify {
    std::optional<std::string> serial;    ///< words 10-19
    std::optional<std::string> firmware;  ///< words 23-26
    std::optional<std::string> model;     ///< words 27-46
    std::optional<std::string> wwn;       ///< words 108-111 (NAA 5), "0x" + hex
    std::optional<int> rotation;          ///< word 217: 1 = non-rotating, 0x0401-0xfffe = rpm
};
std::optional<AtaIdentify> vpdAtaIdentify(std::span<const unsigned char> page);

/// Block Device Characteristics page (SBC-4 6.6.2): medium rotation rate, bytes 4-5.
std::optional<int> vpdRotation(std::span<const unsigned char> page);

} // namespace raidmon::detail
