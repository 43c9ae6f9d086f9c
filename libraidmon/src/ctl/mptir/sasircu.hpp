// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// sas2ircu / sas3ircu text mapped into the model (grammar: docs/decoders.md, "sas2ircu / sas3ircu").

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <raidmon/decode.hpp>

namespace raidmon::detail::sasircu {

/// One row of "sas2ircu LIST" / "sas3ircu LIST":
///   Index  Adapter Type  Vendor ID  Device ID  Pci Address      SubSys Ven ID  SubSys Dev ID
///     0     SAS3008       1000h      97h       00h:85h:00h:00h    15d9h          0808h
/// Every column after the type is optional (nullopt when missing or not hex as the tool prints it).
struct Adapter {
    int index = 0;
    std::string type;                         ///< "SAS3008"
    std::optional<std::string> pciId;         ///< vendor:device, "1000:0097"
    std::optional<std::string> pciSubsystem;  ///< subsystem vendor:device, "15d9:0808"
    std::optional<std::string> pciAddress;    ///< segment:bus:device.function, "0000:85:00.0"
};

/// Parse "LIST": the adapters. parse_error naming the line for a row that is not '<index> <type> ...',
/// or if the closing "Utility Completed Successfully" line is missing (truncated or failed run).
Result<std::vector<Adapter>> parseList(std::string_view text);

/// Decode "<index> DISPLAY". `index` is the adapter the caller asked for; without it, the text's own
/// "initiated for controller N" (else 0). parse_error when the controller section is missing or the
/// run is truncated (naming the last section).
Result<Capture> decodeDisplay(std::string_view text, std::optional<int> index = std::nullopt);

/// Decode "<index> STATUS": the background operation of each IR volume (synchronize, rebuild,
/// consistency check, background init) with its percentage. `index` as for decodeDisplay().
/// parse_error when truncated or when the tool reports an error other than "no IR volumes".
Result<Capture> decodeStatus(std::string_view text, std::optional<int> index = std::nullopt);

} // namespace raidmon::detail::sasircu
