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
    std::string unknownFlags;  ///< flag letters this parser does not know, kept verbatim ("X" for "(X)")
};

/// @brief One array stanza of /proc/mdstat.
struct MdstatArray {
    std::string name;                  ///< "md0", "md_d0"
    bool active = false;               ///< "active" vs "inactive"
    std::optional<std::string> readOnly;  ///< "read-only" or "auto-read-only" (the word in parentheses)
    std::optional<std::string> level;  ///< "raid1", "linear", ...; nullopt for an inactive array
    std::vector<MdstatMember> members;
    std::optional<std::uint64_t> blocks;  ///< size in 1 KiB blocks
    std::optional<std::string> super;     ///< "1.2", "external:/md127/0"
    std::optional<int> raidDisks;         ///< [n/m] n
    std::optional<int> workingDisks;      ///< [n/m] m
    std::optional<std::string> statusMap; ///< "UU_U"
    std::optional<int> copies;            ///< raid10: near-copies x far-copies (or offset-copies)
    /// The progress line. done/total are converted to 512-byte sectors (md prints 1 KiB blocks);
    /// a negative, NaN or absurd finish= or speed= is nullopt (unknown), with a note in Mdstat::notes.
    std::optional<ArrayOperation> operation;
    std::optional<std::string> bitmap;    ///< the bitmap line, verbatim after "bitmap: "
};

/// @brief The whole file.
struct Mdstat {
    std::vector<std::string> personalities;  ///< "[raid1]" words without brackets
    std::vector<MdstatArray> arrays;
    std::size_t skipped = 0;         ///< lines (or member flags) not in the grammar, passed over
    std::vector<std::string> notes;  ///< the first skipped lines and the values read as unknown, by line
};

/// @brief Parse /proc/mdstat text. Tolerates a leading shell prompt or banner, a missing trailer, a
/// missing final newline, unindented continuation lines and lines it does not know (counted in
/// Mdstat::skipped).
/// @return the parsed file; parse_error naming the line when the text is not mdstat at all or a
///         member is not NAME[N](FLAGS), or naming the last complete array when it is truncated.
Result<Mdstat> parseMdstat(std::string_view text);

/// @brief Convert a parsed stanza into the model (members by kernel name, no drive join).
Array toArray(const MdstatArray& a);

} // namespace raidmon
RAIDMON_API_END
