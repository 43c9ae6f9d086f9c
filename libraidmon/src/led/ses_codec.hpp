// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// SES diagnostic pages as pure functions over bytes (SES-3, T10/BSR INCITS 518): Configuration
// (01h), Enclosure Status/Control (02h), Element Descriptor (07h), Additional Element Status (0Ah).
// The pages come from an enclosure over SG_IO: untrusted input, every offset is bounds-checked.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <raidmon/error.hpp>

namespace raidmon::detail::ses {

/// SES-3 Table 71 element type codes used here.
inline constexpr std::uint8_t kTypeDeviceSlot = 0x01, kTypeArrayDeviceSlot = 0x17;
/// Diagnostic page codes.
inline constexpr std::uint8_t kPageConfiguration = 0x01, kPageStatus = 0x02, kPageDescriptor = 0x07,
                              kPageAdditional = 0x0a;

/// One type descriptor header of the Configuration page (SES-3 6.1.2.3).
struct TypeHeader {
    std::uint8_t type = 0;     ///< element type code
    int possible = 0;          ///< NUMBER OF POSSIBLE ELEMENTS
    int subenclosure = 0;      ///< SUBENCLOSURE IDENTIFIER
    std::string text;          ///< type descriptor text (printable)
};

/// The Configuration page (01h): the primary subenclosure's identity and every type header.
struct Configuration {
    std::uint32_t generation = 0;  ///< GENERATION CODE: must be echoed in the control page
    std::string logicalId;         ///< ENCLOSURE LOGICAL IDENTIFIER, "0x" + 16 hex digits
    std::string vendor, product, revision;
    std::vector<TypeHeader> types; ///< in page order, over all subenclosures
};

/// Decode page 01h. Errors: parse_error naming the byte offset.
Result<Configuration> parseConfiguration(std::span<const std::uint8_t> page);

/// SES-3 Table 74 ELEMENT STATUS CODE names ("Unsupported", "OK", "Critical", ...).
std::string_view statusCodeName(int code) noexcept;

/// One array device slot or device slot element, from pages 02h, 07h and 0Ah together.
struct SlotElement {
    int typeIndex = 0;                  ///< index of its type header
    int element = 0;                    ///< index within its type (0-based, overall element excluded)
    int index = 0;                      ///< index over all elements of the page, overall elements excluded
    std::array<std::uint8_t, 4> status{};  ///< the raw status element (SES-3 7.3.2/7.3.3)
    int statusCode = 0;                 ///< byte 0 bits 3-0
    bool predictedFailure = false;      ///< PRDFAIL, byte 0 bit 7
    bool ident = false;                 ///< IDENT, byte 2 bit 1
    bool faultSensed = false;           ///< FAULT SENSED, byte 3 bit 6
    bool faultRequested = false;        ///< FAULT REQSTD, byte 3 bit 5
    bool rebuildRemap = false;          ///< REBUILD/REMAP, byte 1 bit 1 (array device slots only)
    std::optional<std::string> descriptor;  ///< page 07h text ("SLOT 01")
    std::optional<int> slotNumber;      ///< page 0Ah DEVICE SLOT NUMBER (SAS, descriptor type 0)
    std::vector<std::string> sasAddresses;  ///< page 0Ah SAS ADDRESS of each phy attached to an end device, "0x..."
};

/// Decode the slot elements of page 02h (in order), with descriptors from page 07h and SAS data
/// from page 0Ah when those are given (empty spans: not available).
/// Errors: parse_error naming the page and byte offset; invalid_argument if the status page's
/// generation code differs from the configuration's (the enclosure changed between reads).
Result<std::vector<SlotElement>> parseSlots(const Configuration& cfg, std::span<const std::uint8_t> status,
                                            std::span<const std::uint8_t> descriptors,
                                            std::span<const std::uint8_t> additional);

/// What the control page asks of one slot.
struct SlotRequest {
    bool ident = false;    ///< RQST IDENT
    bool fault = false;    ///< RQST FAULT
    bool rebuild = false;  ///< RQST REBUILD/REMAP (array device slots)
};

/// The Enclosure Control page (02h) that changes exactly one slot: SELECT set on that element
/// only, its other request bits carried over from its status (so a change of IDENT keeps a
/// requested fault), every other element and the header flags zero, the generation code echoed.
/// Errors: parse_error if `status` is not a status page of `cfg`'s layout; invalid_argument if
/// `slot` is not an element of it.
Result<std::vector<std::uint8_t>> buildSlotControl(const Configuration& cfg, std::span<const std::uint8_t> status,
                                                   const SlotElement& slot, const SlotRequest& req);

} // namespace raidmon::detail::ses
