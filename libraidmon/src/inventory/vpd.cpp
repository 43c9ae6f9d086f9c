// SPDX-License-Identifier: LGPL-2.1-or-later
#include "vpd.hpp"

#include "core/strutil.hpp"

namespace raidmon::detail {

namespace {

std::size_t pageEnd(std::span<const unsigned char> page) {
    if (page.size() < 4) return 0;
    std::size_t len = static_cast<std::size_t>(page[2]) << 8 | page[3];
    return std::min(page.size(), len + 4);
}

// ATA strings are 16-bit words with the two bytes of each swapped (ACS-4 3.3.10).
std::optional<std::string> ataString(std::span<const unsigned char> id, std::size_t word, std::size_t words) {
    if ((word + words) * 2 > id.size()) return std::nullopt;
    std::string s;
    for (std::size_t w = word; w < word + words; ++w) {
        s.push_back(static_cast<char>(id[w * 2 + 1]));
        s.push_back(static_cast<char>(id[w * 2]));
    }
    auto p = printable(s);
    if (p.empty()) return std::nullopt;
    return p;
}

} // namespace

std::optional<std::string> vpdSerial(std::span<const unsigned char> page) {
    if (page.size() < 4 || page[1] != 0x80) return std::nullopt;
    auto end = pageEnd(page);
    std::string s(reinterpret_cast<const char*>(page.data()) + 4, end - 4);
    auto p = printable(s);
    if (p.empty()) return std::nullopt;
    return p;
}

std::optional<std::string> vpdWwn(std::span<const unsigned char> page) {
    if (page.size() < 4 || page[1] != 0x83) return std::nullopt;
    auto end = pageEnd(page);
    std::optional<std::string> eui;
    for (std::size_t off = 4; off + 4 <= end;) {
        unsigned assoc = (page[off + 1] >> 4) & 0x3, type = page[off + 1] & 0xf;
        std::size_t len = page[off + 3];
        if (off + 4 + len > end) break;
        const unsigned char* d = page.data() + off + 4;
        if (assoc == 0 && type == 3 && (len == 8 || len == 16)) return "0x" + hex(d, len);
        if (assoc == 0 && type == 2 && (len == 8 || len == 12 || len == 16) && !eui) eui = "eui." + hex(d, len);
        off += 4 + len;
    }
    return eui;
}

std::optional<AtaIdentify> vpdAtaIdentify(std::span<const unsigned char> page) {
    if (page.size() < 60 + 512 || page[1] != 0x89) return std::nullopt;
    auto id = page.subspan(60, 512);
    AtaIdentify a;
    a.serial = ataString(id, 10, 10);
    a.firmware = ataString(id, 23, 4);
    a.model = ataString(id, 27, 20);
    auto word = [&](std::size_t w) { return static_cast<unsigned>(id[w * 2]) | static_cast<unsigned>(id[w * 2 + 1]) << 8; };
    // Word 84 bit 8 / word 87 bit 8: the WWN words are valid (ACS-4 Table 45).
    if ((word(87) & 0xc000) == 0x4000 && (word(87) & 0x100)) {
        unsigned char w[8];
        for (int i = 0; i < 4; ++i) {
            unsigned v = word(108 + static_cast<std::size_t>(i));
            w[i * 2] = static_cast<unsigned char>(v >> 8);
            w[i * 2 + 1] = static_cast<unsigned char>(v & 0xff);
        }
        if (w[0] >> 4 == 5) a.wwn = "0x" + hex(w, 8);
    }
    unsigned rot = word(217);
    if (rot == 1 || (rot >= 0x0401 && rot <= 0xfffe)) a.rotation = static_cast<int>(rot);
    return a;
}

std::optional<int> vpdRotation(std::span<const unsigned char> page) {
    if (page.size() < 6 || page[1] != 0xb1) return std::nullopt;
    unsigned rot = static_cast<unsigned>(page[4]) << 8 | page[5];
    if (rot == 1 || (rot >= 0x0401 && rot <= 0xfffe)) return static_cast<int>(rot);
    return std::nullopt;
}

} // namespace raidmon::detail
