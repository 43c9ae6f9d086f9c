// SPDX-License-Identifier: LGPL-2.1-or-later
// Fuzz targets for the binary page decoders: the ATA/SCSI/NVMe pages drives return to the native
// SMART readers (smart/pages.*) and the SES diagnostic page codec (led/ses_codec.*). The input is
// the bytes a device would return; where a decoder takes several pages, the input is the pages one
// after the other, each delimited by its own length field, as they come off the wire. Byte-exact
// seeds are in tests/fuzz/seeds/<target>/ (README.md there says where each comes from).
#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "led/ses_codec.hpp"
#include "registry.hpp"
#include "smart/pages.hpp"

namespace {

namespace pages = raidmon::detail::pages;
namespace ses = raidmon::detail::ses;
using Bytes = std::span<const std::uint8_t>;

Bytes bytesOf(std::string_view in) { return {reinterpret_cast<const std::uint8_t*>(in.data()), in.size()}; }

/// Split `in` into pages whose bytes 2-3 (big-endian) give the length after a 4-byte header (SPC-5
/// log pages, SES-3 diagnostic pages); the last page may be cut short.
std::vector<Bytes> splitPages(Bytes in) {
    std::vector<Bytes> out;
    std::size_t off = 0;
    while (off < in.size() && out.size() < 16) {
        std::size_t len = in.size() - off;
        if (len >= 4) len = std::min(len, 4 + ((static_cast<std::size_t>(in[off + 2]) << 8) | in[off + 3]));
        out.push_back(in.subspan(off, len));
        off += len;
    }
    return out;
}

/// An NVMe SMART / Health log (512 bytes) or an Identify Controller structure (4096 bytes).
void nvmePages(std::string_view in) {
    auto b = bytesOf(in);
    (void)pages::nvmeSmartLog(b);
    (void)pages::nvmeIdentifyController(b);
}

/// ATA SMART READ DATA, then READ THRESHOLDS (512 bytes each); the same bytes as IDENTIFY DEVICE.
void ataPages(std::string_view in) {
    auto b = bytesOf(in);
    raidmon::Smart s;
    constexpr std::size_t kSector = 512;
    std::optional<Bytes> thresholds;
    if (b.size() > kSector) thresholds = b.subspan(kSector);
    (void)pages::ataSmartData(b.first(std::min(b.size(), kSector)), thresholds, s);
    (void)pages::ataIdentify(b);
}

/// SCSI LOG SENSE pages one after the other, each given to the decoder of its page code; the
/// first four bytes also as a READ DEFECT DATA header.
void scsiLogPages(std::string_view in) {
    auto b = bytesOf(in);
    raidmon::Smart s;
    (void)pages::scsiGrownDefects(b, s);
    for (auto page : splitPages(b)) {
        if (page.empty()) continue;
        switch (page[0] & 0x3f) {
        case 0x02:
        case 0x03: (void)pages::scsiErrorCounter(page, s); break;
        case 0x0d: (void)pages::scsiTemperature(page, s); break;
        case 0x10: (void)pages::scsiSelfTests(page, s); break;
        case 0x11: (void)pages::scsiSolidStateMedia(page, s); break;
        case 0x15: (void)pages::scsiBackgroundScan(page, s); break;
        case 0x2f: (void)pages::scsiInformationalExceptions(page, s); break;
        default:
            // every decoder must refuse a page that is not its own
            (void)pages::scsiTemperature(page, s);
            (void)pages::scsiSelfTests(page, s);
            break;
        }
    }
}

/// SES pages: Configuration (01h), then Enclosure Status (02h), Element Descriptor (07h) and
/// Additional Element Status (0Ah) in any order; every slot found is then given a control page.
void sesPages(std::string_view in) {
    auto all = splitPages(bytesOf(in));
    if (all.empty()) return;
    auto cfg = ses::parseConfiguration(all[0]);
    if (!cfg) return;
    Bytes status, descriptors, additional;
    for (std::size_t i = 1; i < all.size(); ++i) {
        if (all[i].empty()) continue;
        switch (all[i][0]) {
        case ses::kPageStatus: status = all[i]; break;
        case ses::kPageDescriptor: descriptors = all[i]; break;
        case ses::kPageAdditional: additional = all[i]; break;
        default: break;
        }
    }
    auto slots = ses::parseSlots(*cfg, status, descriptors, additional);
    if (!slots) return;
    constexpr std::array<ses::SlotRequest, 3> requests{{{true, false, false}, {false, true, false}, {false, false, true}}};
    for (const auto& slot : *slots)
        for (const auto& req : requests) (void)ses::buildSlotControl(*cfg, status, slot, req);
    for (int code = 0; code < 16; ++code) (void)ses::statusCodeName(code);
}

RAIDMON_FUZZ_TARGET("pages-nvme", "", nvmePages);
RAIDMON_FUZZ_TARGET("pages-ata", "", ataPages);
RAIDMON_FUZZ_TARGET("pages-scsi-log", "", scsiLogPages);
RAIDMON_FUZZ_TARGET("ses-pages", "ses", sesPages);

} // namespace
