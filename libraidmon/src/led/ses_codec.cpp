// SPDX-License-Identifier: LGPL-2.1-or-later
// SES-3 page layouts. Section numbers refer to SES-3 (INCITS 518-2017); the bit positions are
// those of the standard's tables, cross-checked against sg_ses's decode of a real Areca capture
// (tests/data/ses/).
#include "ses_codec.hpp"

#include <algorithm>

#include "core/strutil.hpp"

namespace raidmon::detail::ses {

namespace {

using Bytes = std::span<const std::uint8_t>;

unsigned be16(Bytes p, std::size_t off) { return (unsigned{p[off]} << 8) | p[off + 1]; }
std::uint32_t be32(Bytes p, std::size_t off) {
    return (std::uint32_t{p[off]} << 24) | (std::uint32_t{p[off + 1]} << 16) | (std::uint32_t{p[off + 2]} << 8) | p[off + 3];
}

tl::unexpected<Error> bad(const char* page, std::size_t off, const std::string& what) {
    return fail(errc::parse_error, std::string("SES page ") + page + ", byte " + std::to_string(off) + ": " + what);
}

std::string text(Bytes p, std::size_t off, std::size_t n) {
    return printable(std::string_view(reinterpret_cast<const char*>(p.data() + off), n));
}

/// The page's length as its header says, checked against what was received (SES-3 6.1.1: a
/// 4-byte header whose PAGE LENGTH counts the bytes after it).
Result<std::size_t> pageEnd(Bytes p, std::uint8_t code, const char* name) {
    if (p.size() < 8) return bad(name, 0, "shorter than its 8-byte header (" + std::to_string(p.size()) + " bytes)");
    if (p[0] != code) return bad(name, 0, "page code " + std::to_string(p[0]) + ", expected " + std::to_string(code));
    std::size_t end = 4 + be16(p, 2);
    if (end > p.size())
        return bad(name, 2, "page length " + std::to_string(end - 4) + " exceeds the " + std::to_string(p.size()) + " bytes received");
    return end;
}

bool isSlotType(std::uint8_t t) { return t == kTypeArrayDeviceSlot || t == kTypeDeviceSlot; }

std::size_t totalElements(const Configuration& cfg) {
    std::size_t n = 0;
    for (const auto& t : cfg.types) n += 1 + static_cast<std::size_t>(t.possible);
    return n;
}

} // namespace

Result<Configuration> parseConfiguration(Bytes p) {
    auto end = pageEnd(p, kPageConfiguration, "01h");
    if (!end) return tl::unexpected(end.error());
    Configuration c;
    c.generation = be32(p, 4);
    const int enclosures = 1 + p[1];  // NUMBER OF SECONDARY SUBENCLOSURES + the primary
    std::size_t off = 8;
    int headers = 0;
    for (int i = 0; i < enclosures; ++i) {
        if (off + 4 > *end) return bad("01h", off, "enclosure descriptor beyond the page");
        const std::size_t len = std::size_t{p[off + 3]} + 4;  // ENCLOSURE DESCRIPTOR LENGTH (n - 3)
        if (len < 40 || off + len > *end) return bad("01h", off + 3, "enclosure descriptor length " + std::to_string(len));
        headers += p[off + 2];
        if (i == 0) {
            c.logicalId = "0x" + hex(p.data() + off + 4, 8);
            c.vendor = text(p, off + 12, 8);
            c.product = text(p, off + 20, 16);
            c.revision = text(p, off + 36, 4);
        }
        off += len;
    }
    if (off + std::size_t(headers) * 4 > *end) return bad("01h", off, std::to_string(headers) + " type descriptor headers beyond the page");
    std::size_t textOff = off + std::size_t(headers) * 4;
    for (int i = 0; i < headers; ++i, off += 4) {
        TypeHeader t;
        t.type = p[off];
        t.possible = p[off + 1];
        t.subenclosure = p[off + 2];
        const std::size_t tl = p[off + 3];
        if (textOff + tl > *end) return bad("01h", off + 3, "type descriptor text beyond the page");
        t.text = text(p, textOff, tl);
        textOff += tl;
        c.types.push_back(std::move(t));
    }
    return c;
}

std::string_view statusCodeName(int code) noexcept {
    static constexpr std::string_view names[] = {"Unsupported", "OK",          "Critical",    "Noncritical",
                                                 "Unrecoverable", "Not installed", "Unknown", "Not available",
                                                 "No access allowed"};
    if (code >= 0 && code < static_cast<int>(std::size(names))) return names[code];
    return "Reserved";
}

Result<std::vector<SlotElement>> parseSlots(const Configuration& cfg, Bytes status, Bytes descriptors, Bytes additional) {
    auto end = pageEnd(status, kPageStatus, "02h");
    if (!end) return tl::unexpected(end.error());
    if (be32(status, 4) != cfg.generation)
        return fail(errc::invalid_argument, "SES page 02h: generation code " + std::to_string(be32(status, 4)) +
                                                " differs from the configuration's " + std::to_string(cfg.generation) +
                                                " (the enclosure changed; read again)");
    if (8 + totalElements(cfg) * 4 > *end)
        return bad("02h", 8, "holds fewer status elements than the configuration's " + std::to_string(totalElements(cfg)));
    std::vector<SlotElement> out;
    std::size_t off = 8;
    int index = 0;
    for (std::size_t ti = 0; ti < cfg.types.size(); ++ti) {
        const auto& t = cfg.types[ti];
        off += 4;  // overall status element
        for (int e = 0; e < t.possible; ++e, off += 4, ++index) {
            if (!isSlotType(t.type)) continue;
            SlotElement s;
            s.typeIndex = static_cast<int>(ti);
            s.element = e;
            s.index = index;
            std::copy_n(status.begin() + static_cast<std::ptrdiff_t>(off), 4, s.status.begin());
            s.statusCode = s.status[0] & 0x0f;
            s.predictedFailure = s.status[0] & 0x80;
            s.ident = s.status[2] & 0x02;
            s.faultSensed = s.status[3] & 0x40;
            s.faultRequested = s.status[3] & 0x20;
            s.rebuildRemap = t.type == kTypeArrayDeviceSlot && (s.status[1] & 0x02);
            out.push_back(std::move(s));
        }
    }
    if (!descriptors.empty()) {
        auto dend = pageEnd(descriptors, kPageDescriptor, "07h");
        if (!dend) return tl::unexpected(dend.error());
        std::size_t d = 8;
        auto next = [&](std::size_t& at) -> Result<std::string> {
            if (at + 4 > *dend) return bad("07h", at, "element descriptor beyond the page");
            std::size_t len = be16(descriptors, at + 2);
            if (at + 4 + len > *dend) return bad("07h", at + 2, "descriptor length " + std::to_string(len) + " beyond the page");
            auto s = text(descriptors, at + 4, len);
            at += 4 + len;
            return s;
        };
        auto slot = out.begin();
        for (std::size_t ti = 0; ti < cfg.types.size(); ++ti) {
            if (auto overall = next(d); !overall) return tl::unexpected(overall.error());
            for (int e = 0; e < cfg.types[ti].possible; ++e) {
                auto s = next(d);
                if (!s) return tl::unexpected(s.error());
                if (slot != out.end() && slot->typeIndex == static_cast<int>(ti) && slot->element == e) {
                    if (!s->empty()) slot->descriptor = std::move(*s);
                    ++slot;
                }
            }
        }
    }
    if (!additional.empty()) {
        auto aend = pageEnd(additional, kPageAdditional, "0Ah");
        if (!aend) return tl::unexpected(aend.error());
        for (std::size_t a = 8; a < *aend;) {
            if (a + 2 > *aend) return bad("0Ah", a, "descriptor header beyond the page");
            const std::size_t len = std::size_t{additional[a + 1]} + 2;
            if (a + len > *aend) return bad("0Ah", a + 1, "descriptor length " + std::to_string(len) + " beyond the page");
            const bool invalid = additional[a] & 0x80;
            const bool eip = additional[a] & 0x10;
            const int protocol = additional[a] & 0x0f;
            // Without EIP the descriptor cannot be tied to an element reliably (SES-2 devices
            // that omit it order descriptors by slot elements, but not all do): skip it.
            if (!invalid && eip && protocol == 6 /* SAS */ && len >= 8) {
                const bool includesOverall = (additional[a + 2] & 0x03) == 1;  // EIIOE
                int idx = additional[a + 3];
                if (includesOverall) {
                    // Convert to an index without overall elements.
                    int seen = 0, plain = 0;
                    for (const auto& t : cfg.types) {
                        if (idx == seen) { idx = -1; break; }  // an overall element: not a slot
                        ++seen;
                        if (idx < seen + t.possible) { idx = plain + (idx - seen); break; }
                        seen += t.possible;
                        plain += t.possible;
                    }
                }
                auto it = std::find_if(out.begin(), out.end(), [&](const SlotElement& s) { return s.index == idx; });
                const int descType = additional[a + 5] >> 6;
                if (it != out.end() && descType == 0) {
                    it->slotNumber = additional[a + 7];
                    const int phys = additional[a + 4];
                    for (int ph = 0; ph < phys; ++ph) {
                        std::size_t po = a + 8 + std::size_t(ph) * 28;
                        if (po + 28 > a + len) return bad("0Ah", po, "phy descriptor beyond its element descriptor");
                        // DEVICE TYPE (byte 0 bits 6-4) 1 = end device: a drive. Enclosures
                        // also report expanders here (the Areca capture does on slots 13-16).
                        if (((additional[po] >> 4) & 0x07) == 1)
                            it->sasAddresses.push_back("0x" + hex(additional.data() + po + 12, 8));
                    }
                }
            }
            a += len;
        }
    }
    return out;
}

Result<std::vector<std::uint8_t>> buildSlotControl(const Configuration& cfg, Bytes status, const SlotElement& slot,
                                                   const SlotRequest& req) {
    auto end = pageEnd(status, kPageStatus, "02h");
    if (!end) return tl::unexpected(end.error());
    const std::size_t n = totalElements(cfg);
    if (8 + n * 4 > *end) return bad("02h", 8, "holds fewer status elements than the configuration's " + std::to_string(n));
    if (slot.typeIndex < 0 || static_cast<std::size_t>(slot.typeIndex) >= cfg.types.size() ||
        !isSlotType(cfg.types[static_cast<std::size_t>(slot.typeIndex)].type) || slot.element < 0 ||
        slot.element >= cfg.types[static_cast<std::size_t>(slot.typeIndex)].possible)
        return fail(errc::invalid_argument, "SES control: element " + std::to_string(slot.element) + " of type header " +
                                                std::to_string(slot.typeIndex) + " is not a slot of this enclosure");
    std::vector<std::uint8_t> page(8 + n * 4, 0);
    page[0] = kPageStatus;
    page[2] = static_cast<std::uint8_t>((n * 4 + 4) >> 8);
    page[3] = static_cast<std::uint8_t>((n * 4 + 4) & 0xff);
    for (int i = 0; i < 4; ++i) page[4 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(cfg.generation >> (24 - 8 * i));
    std::size_t off = 8;
    for (int ti = 0; ti < slot.typeIndex; ++ti) off += 4 * (1 + static_cast<std::size_t>(cfg.types[static_cast<std::size_t>(ti)].possible));
    off += 4 * (1 + static_cast<std::size_t>(slot.element));
    const std::uint8_t* st = status.data() + off;
    const bool array = cfg.types[static_cast<std::size_t>(slot.typeIndex)].type == kTypeArrayDeviceSlot;
    // SES-3 7.3.2/7.3.3 control element: byte 0 SELECT(7) RQST PRDFAIL(6); byte 1 the RQST
    // array-state bits, at the positions of the status bits (array slots only); byte 2 DO NOT
    // REMOVE(6) RQST INSERT(3) RQST REMOVE(2) RQST IDENT(1); byte 3 RQST FAULT(5) DEVICE OFF(4)
    // ENABLE BYP A(3) ENABLE BYP B(2). Carrying the status bits over keeps what others requested.
    std::uint8_t* ct = page.data() + off;
    ct[0] = static_cast<std::uint8_t>(0x80 | ((st[0] & 0x80) ? 0x40 : 0));
    ct[1] = array ? st[1] : 0;
    ct[2] = static_cast<std::uint8_t>(st[2] & 0x4e);
    ct[3] = static_cast<std::uint8_t>(st[3] & 0x3c);
    ct[2] = static_cast<std::uint8_t>(req.ident ? (ct[2] | 0x02) : (ct[2] & ~0x02));
    ct[3] = static_cast<std::uint8_t>(req.fault ? (ct[3] | 0x20) : (ct[3] & ~0x20));
    if (array) ct[1] = static_cast<std::uint8_t>(req.rebuild ? (ct[1] | 0x02) : (ct[1] & ~0x02));
    return page;
}

} // namespace raidmon::detail::ses
