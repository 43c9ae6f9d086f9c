// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Decoders of the binary pages drives return: pure functions over bytes, used by the native
// readers (native.cpp), the umockdev tests and the benchmark. Every offset cites its spec.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include <raidmon/error.hpp>
#include <raidmon/model.hpp>

namespace raidmon::detail::pages {

using Bytes = std::span<const std::uint8_t>;

/// NVMe SMART / Health Information log page (LID 02h, 512 bytes; NVMe Base Spec 2.0 Figure 207).
/// Errors: parse_error if shorter than 512 bytes.
Result<Smart> nvmeSmartLog(Bytes page);

/// NVMe Identify Controller data structure (CNS 01h, 4096 bytes; NVMe Base Spec 2.0 Figure 275):
/// serial (bytes 4-23), model (24-63), firmware (64-71), total NVM capacity (280-295).
struct NvmeIdentity {
    std::optional<std::string> serial, model, firmware;
    std::optional<std::uint64_t> capacityBytes;
};
Result<NvmeIdentity> nvmeIdentifyController(Bytes data);

/// SCSI LOG SENSE pages (SPC-5 7.3; SBC-4 6.4 for 11h/15h). Each function takes the whole page
/// as returned (4-byte header + parameters) and fills the fields it covers.
/// Errors: parse_error naming the page and the byte offset of a parameter that overruns the page,
/// or a page code that is not the one asked for.
Result<void> scsiTemperature(Bytes page, Smart& s);            ///< 0Dh: parameter 0000h byte 5
Result<void> scsiErrorCounter(Bytes page, Smart& s);           ///< 02h write / 03h read: parameter 0006h
Result<void> scsiSelfTests(Bytes page, Smart& s);              ///< 10h: 20 result parameters
Result<void> scsiInformationalExceptions(Bytes page, Smart& s);  ///< 2Fh: parameter 0000h ASC/ASCQ
Result<void> scsiSolidStateMedia(Bytes page, Smart& s);        ///< 11h: parameter 0001h percentage used
Result<void> scsiBackgroundScan(Bytes page, Smart& s);         ///< 15h: parameter 0000h power-on minutes
/// READ DEFECT DATA (10) response header (SBC-4 5.7): grown list length / descriptor size.
Result<void> scsiGrownDefects(Bytes header, Smart& s);

/// ATA SMART READ DATA and READ THRESHOLDS (512 bytes each; ATA/ATAPI-8 ACS and smartmontools'
/// atacmds.h: 30 twelve-byte attribute entries from byte 2; thresholds at the same offsets).
/// Errors: parse_error for a short page or a bad checksum (the 512 bytes sum to 0 mod 256).
Result<void> ataSmartData(Bytes data, std::optional<Bytes> thresholds, Smart& s);

/// ATA IDENTIFY DEVICE (512 bytes; ACS-3 7.12.7): serial words 10-19, firmware 23-26, model 27-46
/// (byte-swapped ASCII), WWN words 108-111, nominal media rotation rate word 217.
struct AtaIdentity {
    std::optional<std::string> serial, model, firmware, wwn;
    std::optional<int> rotation;  ///< 1 = non-rotating
};
Result<AtaIdentity> ataIdentify(Bytes data);

} // namespace raidmon::detail::pages
