// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#include <raidmon/export.hpp>

/// @file mdstat.hpp
/// @brief Parser for /proc/mdstat (drivers/md/md.c md_seq_show, Linux 2.6 to 6.x).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <raidmon/error.hpp>
#include <raidmon/model.hpp>

RAIDMON_API_BEGIN
namespace raidmon {

/// @brief One member as /proc/mdstat lists it: "sdc1[3](F)".
struct MdstatMember {
    std::string device;  ///< "sdc1"
    int index = 0;       ///< the descriptor number in brackets (not the slot)
    bool faulty = false;     ///< (F)
    bool spare = false;      ///< (S)
    bool writeMostly = false;  ///< (W)
    bool replacement = false;  ///< (R)
    bool journal = false;      ///< (J)
    bool failfast = false;     ///< (Y)
};

/// @brief One array stanza of /proc/mdstat.
struct MdstatArray {
    std::string name;                  ///< "md0", "md_d0"
    bool active = false;               ///< "active" vs "inactive"
    std::optional<std::string> readOnly;  ///< "read-only" or "auto-read-only"
    std::optional<std::string> level;  ///< "raid1", "linear", ...; nullopt for an inactive array
    std::vector<MdstatMember> members;
    std::optional<std::uint64_t> blocks;  ///< size in 1 KiB blocks
    std::optional<std::string> super;     ///< "1.2", "external:/md127/0"
    std::optional<int> raidDisks;         ///< [n/m] n
    std::optional<int> workingDisks;      ///< [n/m] m
    std::optional<std::string> statusMap; ///< "UU_U"
    std::optional<ArrayOperation> operation;
    std::optional<std::string> bitmap;    ///< the bitmap line, verbatim after "bitmap: "
};

/// @brief The whole file.
struct Mdstat {
    std::vector<std::string> personalities;  ///< "[raid1]" words without brackets
    std::vector<MdstatArray> arrays;
};

/// @brief Parse /proc/mdstat text. Tolerates a leading shell prompt line, a missing trailer and a
/// missing final newline.
/// @return the parsed file; parse_error naming the line when the text is not mdstat at all.
Result<Mdstat> parseMdstat(std::string_view text);

/// @brief Convert a parsed stanza into the model (members by kernel name, no drive join).
Array toArray(const MdstatArray& a);

} // namespace raidmon
RAIDMON_API_END
