// SPDX-License-Identifier: LGPL-2.1-or-later
// mdadm --detail (Detail.c) and mdadm --examine (super0.c, super1.c, super-intel.c, super-ddf.c),
// mdadm 2.x to 4.x, mapped with the same md rules as the sysfs reader and the /proc/mdstat decoder
// (md/md_logic). Grammar, state words and what is read: docs/decoders.md, "mdadm --detail and
// mdadm --examine". A capture may hold several arrays or devices (mdadm -D /dev/md0 /dev/md1,
// mdadm -E /dev/sd[ab]1): each "/dev/X:" line at the start of a line opens a block.
#include <algorithm>
#include <map>

#include "core/strutil.hpp"
#include "ctl/common.hpp"
#include "ctl/decoders.hpp"
#include "md/md_logic.hpp"

namespace raidmon::detail {

namespace {

using ctl::KvLine;

// "101376 (99.00 MiB 103.81 MB)" or "101376 KiB (...)": mdadm counts 1 KiB blocks.
std::optional<std::uint64_t> kibBytes(std::string_view v) {
    auto n = parseLeadingInt<std::uint64_t>(v);
    if (!n || *n > (1ULL << 53)) return std::nullopt;
    return *n * 1024;
}

// "20% complete" -> 20; nullopt outside 0..100.
std::optional<double> percentOf(std::string_view v) {
    auto p = v.find('%');
    if (p == std::string_view::npos) return std::nullopt;
    auto d = parseDouble(v.substr(0, p));
    if (!d || *d < 0.0 || *d > 100.0) return std::nullopt;
    return d;
}

std::optional<int> raid10CopiesFromLayout(std::string_view layout) {
    // "near=2", "far=2", "offset=2", "near=2, far=1"
    int copies = 1;
    bool any = false;
    for (auto part : split(layout, ',')) {
        auto eq = part.find('=');
        if (eq == std::string_view::npos) continue;
        if (auto n = parseInt<int>(part.substr(eq + 1)); n && *n > 0 && *n < 64) {
            copies *= *n;
            any = true;
        }
    }
    return any ? std::optional<int>(copies) : std::nullopt;
}

std::string baseName(std::string_view dev) {
    auto s = dev.rfind('/');
    return std::string(s == std::string_view::npos ? dev : dev.substr(s + 1));
}

// "e054553a:fbccdcfe:0ae80bc8:9379377a (local to host x)" -> the UUID alone.
std::optional<std::string> uuidOf(std::string_view v) { return ctl::text(trim(v.substr(0, v.find(' ')))); }

// A block header: "/dev/md0:" (also "/dev/md/name:", "/dev/sda1:") at the start of a line.
bool isBlockHeader(std::string_view raw) {
    if (!startsWith(raw, "/dev/")) return false;
    auto t = trim(raw);
    return endsWith(t, ":") && t.find(' ') == std::string_view::npos && t.size() > 6;
}

struct Block {
    std::string dev;                 // "/dev/md0"
    std::vector<const KvLine*> body;
};

std::vector<Block> blocksOf(const std::vector<KvLine>& ls) {
    std::vector<Block> out;
    for (const auto& l : ls) {
        if (isBlockHeader(l.raw)) {
            auto t = trim(l.raw);
            t.remove_suffix(1);
            out.push_back(Block{std::string(t), {}});
        } else if (!out.empty()) {
            out.back().body.push_back(&l);
        }
    }
    return out;
}

struct Skipper {
    Capture& cap;
    void skip(const KvLine& l) {
        ++cap.skipped;
        if (cap.notes.size() < 8) cap.notes.push_back("line " + std::to_string(l.number) + ": skipped " + quoteForError(trim(l.raw), 60));
    }
    void note(const KvLine& l, const std::string& text) {
        if (cap.notes.size() < 16) cap.notes.push_back("line " + std::to_string(l.number) + ": " + text);
    }
};

// One more finding on an array: the worse health wins, the reason is kept.
void addFinding(Array& a, Health h, std::string why) {
    a.health = worse(a.health, h);
    a.reasons.push_back(std::move(why));
}

// A state word that says the array cannot run, whatever the member count said.
void markFailed(Array& a, std::string why) {
    a.state = "failed";
    a.health = Health::Critical;
    a.redundancyLeft = 0;
    a.reasons.push_back(std::move(why));
}

// The metadata container of an external format (IMSM, DDF), as md shows it: level container.
Array containerOf(const std::string& dev, std::string metadata) {
    Array c;
    c.kind = "md";
    c.level = "container";
    c.metadata = std::move(metadata);
    c.name = baseName(dev);
    return c;
}

bool oneOf(std::string_view k, std::initializer_list<std::string_view> keys) {
    return std::find(keys.begin(), keys.end(), k) != keys.end();
}

// md's array_state words (sysfs) and the two mdadm itself prints: the first word of "State :".
bool knownArrayWord(std::string_view w) {
    return oneOf(w, {"clean", "active", "inactive", "clear", "suspended", "readonly", "read-auto", "write-pending",
                     "active-idle", "broken"});
}

// One member row of the detail table ("Number Major Minor RaidDevice State ... Device") or of the
// 0.90 examine table ("this"/N Number Major Minor RaidDevice State ... Device).
struct Row {
    std::optional<int> number, major, minor, raidDevice;
    std::vector<std::string> words;
    std::optional<std::string> device;
};

std::optional<Row> parseRow(std::string_view t, std::size_t leading) {
    auto w = splitWs(t);
    if (w.size() < 4 + leading) return std::nullopt;
    Row r;
    // A number, or "-" for none (out stays empty); false for anything else.
    auto num = [](std::string_view x, std::optional<int>& out) {
        if (x == "-") return true;
        auto n = parseInt<int>(x);
        if (!n || *n < 0 || *n > 1 << 20) return false;
        out = *n;
        return true;
    };
    if (!num(w[leading], r.number) || !num(w[leading + 1], r.major) || !num(w[leading + 2], r.minor) ||
        !num(w[leading + 3], r.raidDevice))
        return std::nullopt;
    std::size_t end = w.size();
    if (end > leading + 4 && (startsWith(w[end - 1], "/dev/") || w[end - 1] == "missing")) {
        if (w[end - 1] != "missing") r.device = baseName(w[end - 1]);
        --end;
    }
    for (std::size_t k = leading + 4; k < end; ++k) r.words.emplace_back(w[k]);
    return r;
}

bool has(const std::vector<std::string>& v, std::string_view f) { return std::find(v.begin(), v.end(), f) != v.end(); }

// A row's state words (Detail.c / super0.c) to the model's role.
std::string roleOfRow(const Row& r) {
    if (has(r.words, "faulty")) return "faulty";
    if (has(r.words, "removed")) return "missing";
    if (has(r.words, "replacement")) return "replacement";
    if (has(r.words, "rebuilding")) return "rebuilding";
    if (has(r.words, "spare")) return "spare";
    return "active";  // "active sync", "sync" (an array not started), a container's members
}

constexpr std::string_view kRowWords[] = {"faulty", "active", "sync", "removed", "writemostly",
                                                               "write-mostly", "failfast", "journal", "spare",
                                                               "rebuilding", "replacement"};

ArrayMember memberOfRow(const Row& r, Skipper& sk, const KvLine& l) {
    ArrayMember m;
    m.device = r.device;
    m.slot = r.raidDevice;
    m.role = roleOfRow(r);
    for (const auto& w : r.words) {
        if (std::find(std::begin(kRowWords), std::end(kRowWords), w) == std::end(kRowWords) && !startsWith(w, "set-"))
            sk.note(l, "member state word " + quoteForError(w) + " is not known to raidmon");
        m.flags.push_back(w == "writemostly" || w == "write-mostly" ? std::string("write_mostly") : w);
    }
    if (m.role == "spare" || m.role == "faulty") m.slot.reset();
    return m;
}

// ---------------------------------------------------------------------------------------------
// mdadm --detail

Result<Array> decodeDetailBlock(const Block& b, Skipper& sk) {
    Array a;
    a.kind = "md";
    a.devnode = b.dev;
    a.name = baseName(b.dev);
    std::optional<int> totalDevices, copies;
    std::optional<ArrayOperation> op;
    std::vector<std::string> stateWords;
    bool table = false, container = false, unknownState = false;
    std::size_t deviceRows = 0;
    std::optional<std::string> containerOf;
    for (const KvLine* lp : b.body) {
        const auto& l = *lp;
        auto t = trim(l.raw);
        if (t.empty()) continue;
        if (startsWith(t, "Number ") && t.find("RaidDevice") != std::string_view::npos) {
            table = true;
            continue;
        }
        if (table) {
            // "0  254  1  0  active sync writemostly failfast  /dev/vda2", "-  0  0  1  removed",
            // a container's "-  8  32  -  /dev/sdc"
            auto r = parseRow(t, 0);
            if (!r) return fail(errc::parse_error, ctl::lineError("mdadm --detail", l, "member row is not 'Number Major Minor RaidDevice State... Device'"));
            if ((r->major && *r->major != 0) || (r->minor && *r->minor != 0)) ++deviceRows;
            a.members.push_back(memberOfRow(*r, sk, l));
            continue;
        }
        if (startsWith(t, "(")) continue;  // a value continued on its own line: "Container GUID : ..." "(Linux-MD ...)"
        if (!l.hasSeparator) {
            sk.skip(l);
            continue;
        }
        const auto k = l.key;
        const auto v = l.value;
        if (k == "Version") a.metadata = ctl::text(v);
        else if (k == "Container") containerOf = ctl::text(v);  // "/dev/md/imsm0, member 0"
        else if (k == "Raid Level") {
            a.level = normalizeMdLevel(v);
            container = a.level == "container";
        } else if (k == "Array Size") a.sizeBytes = kibBytes(v);
        else if (k == "Raid Devices") a.raidDisks = parseInt<int>(v);
        else if (k == "Active Devices") a.activeDisks = parseInt<int>(v);
        else if (k == "Total Devices") totalDevices = parseInt<int>(v);
        else if (k == "State") {
            // "clean, degraded, recovering", "active, FAILED, Not Started", "clean, resyncing (DELAYED)"
            auto words = split(v, ',');
            a.arrayState = std::string(trim(words.front()));
            if (!knownArrayWord(*a.arrayState)) unknownState = true;
            for (std::size_t i = 1; i < words.size(); ++i) {
                auto w = std::string(trim(words[i]));
                std::string suffix;
                if (auto p = w.find(" ("); p != std::string::npos) {
                    suffix = w.substr(p + 2, w.size() - p - 3);
                    w = w.substr(0, p);
                }
                stateWords.push_back(w);
                if (!suffix.empty()) stateWords.push_back(suffix);
            }
        } else if (k == "UUID") a.uuid = uuidOf(v);
        else if (k == "Layout") {
            if (a.level == "raid10") copies = raid10CopiesFromLayout(v);
        } else if (endsWith(k, " Status") && splitWs(k).size() == 2) {
            // "Rebuild Status", "Resync Status", "Reshape Status", "Check Status": "N% complete"
            ArrayOperation o;
            auto word = toLower(k.substr(0, k.find(' ')));
            o.kind = word == "rebuild" || word == "recovery" ? "recovery" : word;
            o.percent = percentOf(v);
            if (!o.percent) sk.note(l, quoteForError(v) + " is not a percentage: unknown");
            op = o;
        } else if (oneOf(k, {"Creation Time", "Used Dev Size", "Preferred Minor", "Persistence", "Intent Bitmap", "Update Time",
                             "Working Devices", "Failed Devices", "Spare Devices", "Chunk Size", "Rounding",
                             "Consistency Policy", "Delta Devices", "New Level", "New Layout", "New Chunksize", "Name",
                             "Events", "Container GUID", "Seq", "Virtual Disks", "Member Arrays", "Cluster Name",
                             "Journal", "Array Size (KiB)"})) {
            continue;
        } else {
            sk.skip(l);
        }
    }
    if (!table) return fail(errc::parse_error, "mdadm --detail " + b.dev + ": no member table ('Number Major Minor RaidDevice State'): truncated capture?");
    if (totalDevices && deviceRows < static_cast<std::size_t>(std::max(*totalDevices, 0)))
        return fail(errc::parse_error, "mdadm --detail " + b.dev + ": 'Total Devices : " + std::to_string(*totalDevices) + "' but " +
                                           std::to_string(deviceRows) + " device rows: truncated capture?");
    if (containerOf) {
        a.reasons.clear();
        if (!a.metadata) a.metadata = "external:" + *containerOf;
    }
    a.id = a.uuid ? "md-" + *a.uuid : "md-" + a.name;
    // A device rebuilding into a slot that still has an in-sync member is that member's replacement
    // (mdadm --replace / want_replacement): Detail.c prints it as "spare rebuilding" all the same.
    for (auto& m : a.members)
        if (m.role == "rebuilding" && m.slot &&
            std::any_of(a.members.begin(), a.members.end(), [&](const ArrayMember& o) { return &o != &m && o.role == "active" && o.slot == m.slot; }))
            m.role = "replacement";

    // The operation: the Status line gives kind and percent; the State words say which one runs
    // even when no percentage is printed (DELAYED, PENDING).
    const bool delayed = has(stateWords, "DELAYED") || has(stateWords, "PENDING") || has(stateWords, "REMOTE");
    for (auto [word, kind] : {std::pair<std::string_view, std::string_view>{"recovering", "recovery"}, {"resyncing", "resync"},
                              {"reshaping", "reshape"}, {"checking", "check"}}) {
        if (!has(stateWords, word)) continue;
        if (!op) {
            op = ArrayOperation{};
            op->kind = std::string(kind);
        }
    }
    if (op) op->delayed = delayed;
    a.operation = op;

    int missing = 0;
    if (a.raidDisks && !container) {
        const int working = static_cast<int>(
            std::count_if(a.members.begin(), a.members.end(), [&](const ArrayMember& m) { return m.role == "active" && m.slot && *m.slot < *a.raidDisks; }));
        missing = std::max(*a.raidDisks - (a.activeDisks ? std::min(*a.activeDisks, working) : working), 0);
        if (!a.activeDisks) a.activeDisks = *a.raidDisks - missing;
    }
    classifyMdArray(a, missing, copies);
    if (!container) {
        for (const auto& w : stateWords) {
            if (w == "FAILED" && a.state != "failed") {
                markFailed(a, a.name + " has FAILED: too many members are missing for it to run");
            } else if (w == "Not Started") {
                if (a.state != "failed") a.state = "inactive";
                a.health = Health::Critical;
                a.reasons.push_back(a.name + " is not started: its data is not available");
            } else if (!oneOf(w, {"FAILED", "degraded", "recovering", "resyncing", "reshaping", "checking", "DELAYED", "PENDING", "REMOTE"})) {
                unknownState = true;
            }
        }
    }
    if (unknownState) addFinding(a, Health::Unknown, a.name + ": state '" + a.arrayState.value_or("") + "' has a word raidmon does not know");
    return a;
}

// ---------------------------------------------------------------------------------------------
// mdadm --examine

enum class Meta { v1, v090, imsm, ddf, unknown };

Meta metaOf(const Block& b) {
    std::optional<std::string> magic, version;
    for (const KvLine* l : b.body) {
        if (!l->hasSeparator) continue;
        if (l->key == "Magic" && !magic) magic = std::string(l->value);
        if (l->key == "Version" && !version) version = std::string(l->value);
    }
    if (!magic) return Meta::unknown;
    if (startsWith(*magic, "Intel Raid ISM")) return Meta::imsm;
    if (toLower(*magic) == "de11de11") return Meta::ddf;
    if (toLower(*magic) == "a92b4efc") return version && startsWith(*version, "0.") ? Meta::v090 : Meta::v1;
    return Meta::unknown;
}

// 1.x: one device's superblock; the array seen through "Array State" and "Device Role".
Result<Array> examineV1(const Block& b, Skipper& sk) {
    Array a;
    a.kind = "md";
    std::optional<std::string> role, letters, name;
    std::optional<std::uint64_t> recoveryOffset, availSectors, usedSectors;
    bool reshape = false, badBlocks = false, badChecksum = false, truncatedDevice = false;
    std::vector<std::string> devFlags;
    for (const KvLine* lp : b.body) {
        const auto& l = *lp;
        auto t = trim(l.raw);
        if (t.empty()) continue;
        if (!l.hasSeparator) {
            if (startsWith(t, "WARNING Array state is inconsistent") || startsWith(t, "0:") || t.find(":-") != std::string_view::npos) {
                sk.note(l, std::string(t));
                continue;
            }
            sk.skip(l);
            continue;
        }
        const auto k = l.key;
        const auto v = l.value;
        if (k == "Version") a.metadata = ctl::text(v);
        else if (k == "Array UUID") a.uuid = uuidOf(v);
        else if (k == "Name") name = ctl::text(v.substr(0, v.find(' ')));
        else if (k == "Raid Level") a.level = normalizeMdLevel(v);
        else if (k == "Raid Devices") a.raidDisks = parseInt<int>(v);
        else if (k == "Array Size") a.sizeBytes = kibBytes(v);
        else if (k == "State") {
            a.arrayState = ctl::text(v.substr(0, v.find(' ')));
            truncatedDevice = v.find("TRUNCATED") != std::string_view::npos;
        } else if (k == "Device Role") role = std::string(v);
        else if (k == "Array State") letters = std::string(splitWs(v).empty() ? v : splitWs(v)[0]);
        else if (k == "Recovery Offset") recoveryOffset = parseLeadingInt<std::uint64_t>(v);
        else if (k == "Avail Dev Size") availSectors = parseLeadingInt<std::uint64_t>(v);
        else if (k == "Used Dev Size") usedSectors = parseLeadingInt<std::uint64_t>(v);
        else if (k == "Reshape pos'n") reshape = true;
        else if (k == "Bad Block Log") badBlocks = v.find("bad blocks present") != std::string_view::npos;
        else if (k == "Checksum") badChecksum = v.find("expected") != std::string_view::npos;
        else if (k == "Flags") {
            for (auto w : splitWs(v)) devFlags.push_back(w == "write-mostly" ? std::string("write_mostly") : std::string(w));
        } else if (oneOf(k, {"Magic", "Feature Map", "Creation Time", "Data Offset", "New Offset",
                             "Super Offset", "Unused Space", "Device UUID", "Internal Bitmap", "PPL", "Delta Devices", "New Level",
                             "New Layout", "New Chunksize", "Update Time", "Events", "Layout", "Chunk Size", "Rounding",
                             "Cluster Name"})) {
            continue;
        } else {
            sk.skip(l);
        }
    }
    if (!letters)
        return fail(errc::parse_error, "mdadm --examine " + b.dev + ": no 'Array State :' line: truncated capture (the superblock dump stops before the device role)");
    a.name = name.value_or(baseName(b.dev));
    a.id = a.uuid ? "md-" + *a.uuid : "md-" + a.name;
    // Array State: one letter per slot: 'A' active, '.' missing, 'R' active with a replacement, '?' inconsistent.
    int missing = 0;
    for (std::size_t i = 0; i < letters->size() && i < 4096; ++i) {
        char c = (*letters)[i];
        ArrayMember m;
        m.slot = static_cast<int>(i);
        m.role = c == '.' ? "missing" : "active";
        if (c == '.') ++missing;
        if (c != 'A' && c != '.' && c != 'R') sk.cap.notes.push_back(b.dev + ": Array State letter '" + std::string(1, c) + "' is not known to raidmon");
        m.flags.emplace_back(1, c);
        a.members.push_back(std::move(m));
    }
    ArrayMember self;
    self.device = baseName(b.dev);
    self.flags = devFlags;
    auto r = toLower(role.value_or(""));
    if (startsWith(r, "replacement device")) self.role = "replacement";
    else if (startsWith(r, "active device")) self.role = recoveryOffset ? "rebuilding" : "active";
    else if (startsWith(r, "spare")) self.role = "spare";
    else if (startsWith(r, "journal")) {
        self.role = "active";
        self.flags.emplace_back("journal");
    } else self.role = r.empty() ? "active" : r;
    if (auto sp = r.rfind(' '); sp != std::string::npos) self.slot = parseInt<int>(r.substr(sp + 1));
    if (self.role == "spare" || self.flags.end() != std::find(self.flags.begin(), self.flags.end(), "journal")) self.slot.reset();
    bool placed = false;
    if (self.role == "active" || self.role == "rebuilding")
        for (auto& m : a.members)
            if (m.slot && m.slot == self.slot) {
                m.device = self.device;
                m.role = self.role;
                for (const auto& f : self.flags) m.flags.push_back(f);
                placed = true;
            }
    if (!placed) a.members.push_back(self);
    a.activeDisks = a.raidDisks ? std::optional<int>(std::max(*a.raidDisks - missing, 0)) : std::nullopt;
    if (recoveryOffset || reshape) {
        ArrayOperation o;
        o.kind = reshape ? "reshape" : "recovery";
        // The recovery offset counts the sectors of this device already rebuilt, out of the
        // component size ("Used Dev Size", else "Avail Dev Size", both in sectors).
        const auto total = usedSectors ? usedSectors : availSectors;
        if (!reshape && recoveryOffset && total && *total > 0 && *recoveryOffset <= *total) {
            o.done = *recoveryOffset;
            o.total = *total;
            o.percent = 100.0 * static_cast<double>(*recoveryOffset) / static_cast<double>(*total);
        }
        a.operation = o;
    }
    classifyMdArray(a, missing, std::nullopt);
    if (badBlocks) addFinding(a, Health::Warning, b.dev + " records bad blocks in its bad block log: check the drive's SMART");
    if (badChecksum) addFinding(a, Health::Warning, b.dev + ": superblock checksum does not match");
    if (truncatedDevice) addFinding(a, Health::Critical, b.dev + " is smaller than its superblock says (TRUNCATED DEVICE)");
    return a;
}

// 0.90: the superblock holds the whole member table; "this" is the examined device.
Result<Array> examineV090(const Block& b, Skipper& sk) {
    Array a;
    a.kind = "md";
    bool table = false, badChecksum = false, reshape = false;
    std::optional<Row> self;
    std::vector<std::pair<Row, const KvLine*>> rows;
    std::optional<int> minor;
    for (const KvLine* lp : b.body) {
        const auto& l = *lp;
        auto t = trim(l.raw);
        if (t.empty()) continue;
        if (startsWith(t, "Number ") && t.find("RaidDevice") != std::string_view::npos) {
            table = true;
            continue;
        }
        if (table) {
            const bool isThis = startsWith(t, "this ");
            auto r = parseRow(t, 1);
            if (!r) return fail(errc::parse_error, ctl::lineError("mdadm --examine", l, "member row is not 'N Number Major Minor RaidDevice State... Device'"));
            if (isThis) self = *r;
            else rows.emplace_back(std::move(*r), lp);
            continue;
        }
        if (!l.hasSeparator) {
            sk.skip(l);
            continue;
        }
        const auto k = l.key;
        const auto v = l.value;
        if (k == "Version") a.metadata = ctl::text(v);
        else if (k == "UUID") a.uuid = uuidOf(v);
        else if (k == "Raid Level") a.level = normalizeMdLevel(v);
        else if (k == "Raid Devices") a.raidDisks = parseInt<int>(v);
        else if (k == "Array Size") a.sizeBytes = kibBytes(v);
        else if (k == "State") a.arrayState = ctl::text(v);
        else if (k == "Preferred Minor") minor = parseInt<int>(v);
        else if (k == "Checksum") badChecksum = v.find("expected") != std::string_view::npos;
        else if (k == "Reshape pos'n") reshape = true;
        else if (oneOf(k, {"Magic", "Creation Time", "Used Dev Size", "Total Devices", "Update Time", "Internal Bitmap",
                           "Active Devices", "Working Devices", "Failed Devices", "Spare Devices", "Events", "Layout",
                           "Chunk Size", "Rounding", "Delta Devices", "New Level", "New Layout", "New Chunksize", "Eedk"}))
            continue;
        else sk.skip(l);
    }
    if (!table || !self)
        return fail(errc::parse_error, "mdadm --examine " + b.dev + ": no member table with a 'this' row: truncated capture");
    a.name = minor && *minor >= 0 && *minor < 1 << 20 ? "md" + std::to_string(*minor) : baseName(b.dev);
    a.id = a.uuid ? "md-" + *a.uuid : "md-" + a.name;
    int missing = 0;
    const int n = a.raidDisks.value_or(0);
    for (auto& [r, lp] : rows) {
        auto m = memberOfRow(r, sk, *lp);
        m.device.reset();  // a 0.90 table names devices by the numbers they had when it was written
        if (r.raidDevice && *r.raidDevice < n && r.number == self->number) m.device = baseName(b.dev);
        if (m.role == "active" && !has(r.words, "sync") && !has(r.words, "active")) m.role = r.raidDevice && *r.raidDevice < n ? "missing" : "spare";
        if (m.role == "missing" || m.role == "faulty") {
            if (r.raidDevice && *r.raidDevice < n) {
                m.slot = r.raidDevice;
                if (m.role == "faulty") m.role = "missing";  // the slot has no working member
            }
        }
        a.members.push_back(std::move(m));
    }
    for (int s = 0; s < n; ++s)
        if (std::none_of(a.members.begin(), a.members.end(), [&](const ArrayMember& m) { return m.slot == s && m.role == "active"; })) ++missing;
    if (std::none_of(a.members.begin(), a.members.end(), [&](const ArrayMember& m) { return m.device.has_value(); })) {
        ArrayMember me;
        me.device = baseName(b.dev);
        me.role = roleOfRow(*self);
        me.slot = self->raidDevice;
        a.members.push_back(std::move(me));
    }
    a.activeDisks = a.raidDisks ? std::optional<int>(std::max(n - missing, 0)) : std::nullopt;
    if (reshape) {
        ArrayOperation o;
        o.kind = "reshape";
        a.operation = o;
    }
    classifyMdArray(a, missing, std::nullopt);
    if (badChecksum) addFinding(a, Health::Warning, b.dev + ": superblock checksum does not match");
    return a;
}

// IMSM (Intel Matrix / VROC): a container with the disks and one "[name]:" section per volume.
Result<std::vector<Array>> examineImsm(const Block& b, Skipper& sk) {
    Array cont = containerOf(b.dev, "imsm");
    struct Vol {
        Array a;
        std::optional<std::string> slots, migrate, mapState;
        std::optional<int> thisSlot;
        bool outOfSync = false;
        std::optional<std::uint64_t> sectors;
        std::optional<unsigned> sectorSize;
    };
    std::vector<Vol> vols;
    struct Disk {
        std::string serial;
        std::string state;
        bool self = false;
    };
    std::vector<Disk> disks;
    enum { head, disk, vol, other } where = head;
    bool badChecksum = false;
    std::optional<int> raidDevices;
    for (const KvLine* lp : b.body) {
        const auto& l = *lp;
        auto t = trim(l.raw);
        if (t.empty()) continue;
        if (t.front() == '[' && endsWith(t, "]:")) {
            Vol v;
            v.a.kind = "md";
            v.a.metadata = "imsm";
            v.a.name = std::string(t.substr(1, t.size() - 3));
            vols.push_back(std::move(v));
            where = vol;
            continue;
        }
        if (!l.hasSeparator) {
            if (startsWith(t, "Bad Block Management Log") || startsWith(t, "Migration Record Information")) where = other;
            else sk.skip(l);
            continue;
        }
        const auto k = l.key;
        const auto v = l.value;
        if ((startsWith(k, "Disk") && endsWith(k, " Serial")) || k == "Disk Serial") {
            disks.push_back(Disk{std::string(trim(v)), {}, where == head});
            where = disk;
            continue;
        }
        if (where == disk && !disks.empty()) {
            if (k == "State") disks.back().state = std::string(trim(v));
            else if (!oneOf(k, {"Id", "Usable Size"})) sk.skip(l);
            continue;
        }
        if (where == vol && !vols.empty()) {
            auto& x = vols.back();
            if (k == "UUID") x.a.uuid = uuidOf(v);
            else if (k == "RAID Level") x.a.level = normalizeMdLevel(v.substr(0, v.find(' ')));
            else if (k == "Members") x.a.raidDisks = parseLeadingInt<int>(v);
            else if (k == "Slots") x.slots = std::string(trim(v.substr(0, v.find(' '))));
            else if (k == "This Slot") {
                x.thisSlot = parseLeadingInt<int>(v);
                x.outOfSync = v.find("out-of-sync") != std::string_view::npos;
            } else if (k == "Array Size") x.sectors = parseLeadingInt<std::uint64_t>(v);
            else if (k == "Sector Size") x.sectorSize = parseInt<unsigned>(v);
            else if (k == "Migrate State") x.migrate = std::string(trim(v));
            else if (k == "Map State") x.mapState = std::string(trim(v));
            else if (k == "Dirty State") x.a.arrayState = ctl::text(v);
            else if (!oneOf(k, {"Subarray", "Failed disk", "Per Dev Size", "Sector Offset", "Num Stripes", "Chunk Size", "Reserved",
                                "Checkpoint", "RWH Policy", "Volume ID"}))
                sk.skip(l);
            continue;
        }
        if (where == other) continue;  // bad block log and migration record: counters raidmon has no field for
        if (k == "UUID") cont.uuid = uuidOf(v);
        else if (k == "Version") cont.metadata = "imsm " + std::string(trim(v));
        else if (k == "RAID Devices") raidDevices = parseInt<int>(v);
        else if (k == "Checksum") badChecksum = v.find("incorrect") != std::string_view::npos;
        else if (!oneOf(k, {"Magic", "Orig Family", "Family", "Generation", "Creation Time", "Attributes", "MPB Sectors", "Disks"}))
            sk.skip(l);
    }
    if (!cont.uuid) return fail(errc::parse_error, "mdadm --examine " + b.dev + ": IMSM metadata without its container UUID: truncated capture");
    if (raidDevices && static_cast<std::size_t>(std::max(*raidDevices, 0)) > vols.size())
        return fail(errc::parse_error, "mdadm --examine " + b.dev + ": 'RAID Devices : " + std::to_string(*raidDevices) + "' but " +
                                           std::to_string(vols.size()) + " volume sections: truncated capture");
    cont.id = "md-" + *cont.uuid;
    for (const auto& d : disks) {
        ArrayMember m;
        m.role = d.state.find("failed") != std::string::npos ? "faulty" : d.state.find("spare") != std::string::npos ? "spare" : "active";
        if (d.self) m.device = baseName(b.dev);
        m.flags.push_back("serial=" + d.serial);
        for (auto w : splitWs(d.state)) m.flags.emplace_back(w);
        cont.members.push_back(std::move(m));
    }
    classifyMdArray(cont, 0, std::nullopt);
    if (badChecksum) addFinding(cont, Health::Warning, b.dev + ": IMSM metadata checksum is incorrect");
    std::vector<Array> out;
    out.push_back(std::move(cont));
    for (auto& x : vols) {
        auto& a = x.a;
        a.id = a.uuid ? "md-" + *a.uuid : "md-" + a.name;
        if (x.sectors && *x.sectors < (1ULL << 52)) a.sizeBytes = *x.sectors * x.sectorSize.value_or(512);
        int missing = 0;
        const std::string mig = toLower(x.migrate.value_or("idle"));
        const std::string map = toLower(x.mapState ? std::string(trim(std::string_view(*x.mapState).substr(0, x.mapState->find(' ')))) : "");
        if (x.slots && x.slots->size() >= 2 && x.slots->front() == '[' && x.slots->back() == ']') {
            for (std::size_t i = 1; i + 1 < x.slots->size(); ++i) {
                ArrayMember m;
                m.slot = static_cast<int>(i - 1);
                const bool hole = (*x.slots)[i] == '_';
                m.role = hole ? (mig == "rebuild" ? "rebuilding" : "missing") : "active";
                if (hole) ++missing;
                if (x.thisSlot && *x.thisSlot == *m.slot) {
                    m.device = baseName(b.dev);
                    if (x.outOfSync && m.role == "active") m.role = "rebuilding";
                }
                a.members.push_back(std::move(m));
            }
        }
        if (a.raidDisks) a.activeDisks = *a.raidDisks - missing;
        if (mig != "idle") {
            ArrayOperation o;
            o.kind = mig == "rebuild" ? "recovery" : mig == "initialize" ? "resync" : mig == "check" ? "check" : mig == "repair" ? "repair"
                     : mig == "general migration" ? "reshape" : mig;
            a.operation = o;
        }
        classifyMdArray(a, missing, std::nullopt);
        if (map == "failed" && a.state != "failed") markFailed(a, a.name + ": IMSM map state is 'failed'");
        else if (map == "uninitialized" && a.state == "optimal") a.state = "resyncing";
        else if (!map.empty() && !oneOf(map, {"normal", "degraded", "failed", "uninitialized"}))
            addFinding(a, Health::Unknown, a.name + ": IMSM map state '" + map + "' is not known to raidmon");
        a.reasons.push_back("as recorded in the IMSM metadata of " + b.dev + " (a member's view; may be stale)");
        out.push_back(std::move(a));
    }
    return out;
}

// DDF (SNIA Disk Data Format, e.g. LSI/Adaptec firmware RAID or mdadm -e ddf): a container with
// virtual disks "VD GUID[n]" and a physical disk table.
Result<std::vector<Array>> examineDdf(const Block& b, Skipper& sk) {
    Array cont = containerOf(b.dev, "ddf");
    std::map<int, Array> vds;
    bool pdTable = false;
    std::optional<int> vdCount;
    for (const KvLine* lp : b.body) {
        const auto& l = *lp;
        auto t = trim(l.raw);
        if (t.empty()) continue;
        if (startsWith(t, "Number") && t.find("RefNo") != std::string_view::npos) {
            pdTable = true;
            continue;
        }
        if (startsWith(t, "(")) continue;  // "(Linux-MD 08/16/22 16:33:34)": the GUID above, decoded by mdadm
        if (pdTable && !l.hasSeparator) {
            // "  0    1b8a8e3a  1952383K /dev/sda   active/Online", "Global-Spare/Online", "active/Offline, Failed"
            auto w = splitWs(t);
            if (w.size() < 4 || !parseInt<int>(w[0])) {
                if (!startsWith(t, "Physical disks not in metadata")) sk.skip(l);
                continue;
            }
            ArrayMember m;
            for (std::size_t i = 3; i < w.size(); ++i)
                if (startsWith(w[i], "/dev/")) m.device = baseName(w[i]);
            const auto low = toLower(t);
            m.role = low.find("failed") != std::string::npos                                             ? "faulty"
                     : low.find("missing") != std::string::npos || low.find("/offline") != std::string::npos ? "missing"
                     : low.find("rebuilding") != std::string::npos                                          ? "rebuilding"
                     : low.find("spare") != std::string::npos                                               ? "spare"
                                                                                                            : "active";
            m.flags.push_back("refno=" + std::string(w[1]));
            cont.members.push_back(std::move(m));
            continue;
        }
        if (!l.hasSeparator) {
            sk.skip(l);
            continue;
        }
        const auto k = l.key;
        const auto v = l.value;
        auto lb = k.find('['), rb = k.find(']');
        if (lb != std::string_view::npos && rb != std::string_view::npos && rb > lb) {
            auto idx = parseInt<int>(k.substr(lb + 1, rb - lb - 1));
            const auto field = trim(k.substr(0, lb));
            if (!idx || *idx < 0 || *idx > 4096) {
                sk.skip(l);
                continue;
            }
            auto& a = vds[*idx];
            if (field == "VD GUID") a.uuid = ctl::text(v.substr(0, v.find(' ')));
            else if (field == "state") a.arrayState = ctl::text(v);
            else if (field == "Name") a.name = std::string(trim(v));
            else if (field == "Raid Devices") a.raidDisks = parseLeadingInt<int>(v);
            else if (field == "Raid Level") a.level = ctl::normalizeLevel(v.substr(0, v.find(' ')));
            else if (field == "Array Size") a.sizeBytes = kibBytes(v);
            else if (field == "init state") {
                if (toLower(v).find("progress") != std::string::npos) {
                    ArrayOperation o;
                    o.kind = "resync";
                    a.operation = o;
                }
            } else if (!oneOf(field, {"unit", "access", "Chunk Size", "Device Size", "Secondary Position", "Secondary Level"}))
                sk.skip(l);
            continue;
        }
        if (k == "Container GUID") cont.uuid = ctl::text(v.substr(0, v.find(' ')));
        else if (k == "Version") cont.metadata = "ddf " + std::string(trim(v));
        else if (k == "Virtual Disks") vdCount = parseInt<int>(v);
        else if (!oneOf(k, {"Magic", "Controller GUID", "Seq", "Redundant hdr", "Physical Disks"})) sk.skip(l);
    }
    if (!cont.uuid) return fail(errc::parse_error, "mdadm --examine " + b.dev + ": DDF metadata without its container GUID: truncated capture");
    if (!pdTable) return fail(errc::parse_error, "mdadm --examine " + b.dev + ": DDF metadata without its physical disk table: truncated capture");
    if (vdCount && static_cast<std::size_t>(std::max(*vdCount, 0)) > vds.size())
        return fail(errc::parse_error, "mdadm --examine " + b.dev + ": 'Virtual Disks : " + std::to_string(*vdCount) + "' but " +
                                           std::to_string(vds.size()) + " described: truncated capture");
    cont.id = "md-ddf-" + *cont.uuid;
    classifyMdArray(cont, 0, std::nullopt);
    std::vector<Array> out;
    out.push_back(std::move(cont));
    for (auto& [idx, a] : vds) {
        a.kind = "md";
        a.metadata = "ddf";
        if (a.name.empty()) a.name = "vd" + std::to_string(idx);
        a.id = a.uuid ? "md-ddf-" + *a.uuid : "md-ddf-" + a.name;
        // "Optimal, Consistent", "Degraded, Not Consistent", "Failed, Consistent", "Partially Optimal, ..."
        const auto st = toLower(a.arrayState.value_or(""));
        const auto word = std::string(trim(std::string_view(st).substr(0, st.find(','))));
        int missing = 0;
        if (word == "degraded" || word == "partially optimal") missing = 1;
        a.activeDisks = a.raidDisks ? std::optional<int>(*a.raidDisks - missing) : std::nullopt;
        classifyMdArray(a, missing, std::nullopt);
        if (word == "failed" || word == "missing" || word == "deleted") markFailed(a, a.name + ": DDF state '" + a.arrayState.value_or("") + "'");
        else if (!oneOf(word, {"optimal", "degraded", "partially optimal"}))
            addFinding(a, Health::Unknown, a.name + ": DDF state '" + a.arrayState.value_or("") + "' is not known to raidmon");
        if (st.find("not consistent") != std::string::npos && a.health == Health::OK)
            addFinding(a, Health::Warning, a.name + " is not consistent: a resync or check is due");
        a.reasons.push_back("as recorded in the DDF metadata of " + b.dev + " (a member's view; may be stale)");
        out.push_back(std::move(a));
    }
    return out;
}

// Several devices of one array examined in one capture are one array: merge the members each
// device's superblock placed, keep the first view of the rest.
void mergeExamined(std::vector<Array>& arrays, Array a) {
    auto it = std::find_if(arrays.begin(), arrays.end(), [&](const Array& x) { return x.id == a.id && x.level == a.level; });
    if (it == arrays.end() || a.level == "container") {
        if (it != arrays.end() && a.level == "container") {
            for (auto& m : a.members)
                if (m.device)
                    for (auto& x : it->members)
                        if (!x.device && x.flags == m.flags) x.device = m.device;
            return;
        }
        arrays.push_back(std::move(a));
        return;
    }
    for (auto& m : a.members) {
        if (!m.device) continue;
        bool placed = false;
        for (auto& x : it->members)
            if (m.slot && x.slot == m.slot && !x.device && (m.role == "active" || m.role == "rebuilding")) {
                x.device = m.device;
                x.role = m.role;
                x.flags = m.flags;
                placed = true;
                break;
            }
        if (!placed && std::none_of(it->members.begin(), it->members.end(), [&](const ArrayMember& x) { return x.device == m.device; }))
            it->members.push_back(m);
    }
    for (auto& r : a.reasons)
        if (startsWith(r, "as recorded") || std::find(it->reasons.begin(), it->reasons.end(), r) != it->reasons.end()) continue;
        else it->reasons.push_back(r);
    it->health = worse(it->health, a.health);
}

} // namespace

int detectMdadmDetail(std::string_view t) {
    auto head = t.substr(0, 2048);
    bool header = false;
    for (auto l : lines(head))
        if (isBlockHeader(l)) {
            header = true;
            break;
        }
    if (!header || head.find("Magic :") != std::string_view::npos) return 0;
    if ((head.find("Raid Level :") != std::string_view::npos || head.find("Container :") != std::string_view::npos) &&
        (head.find("RaidDevice") != std::string_view::npos || head.find("Total Devices :") != std::string_view::npos))
        return 90;
    return 0;
}

Result<Capture> decodeMdadmDetail(std::string_view input) {
    const auto ls = ctl::kvLines(input);
    const auto blocks = blocksOf(ls);
    if (blocks.empty()) return fail(errc::parse_error, "mdadm --detail: no '/dev/<array>:' line");
    Capture cap;
    Skipper sk{cap};
    for (const auto& b : blocks) {
        auto a = decodeDetailBlock(b, sk);
        if (!a) return tl::unexpected(a.error());
        cap.arrays.push_back(std::move(*a));
    }
    return cap;
}

int detectMdadmExamine(std::string_view t) {
    auto head = t.substr(0, 2048);
    bool header = false;
    for (auto l : lines(head))
        if (isBlockHeader(l)) {
            header = true;
            break;
        }
    if (header && head.find("Magic :") != std::string_view::npos) return 90;
    return 0;
}

Result<Capture> decodeMdadmExamine(std::string_view input) {
    const auto ls = ctl::kvLines(input);
    const auto blocks = blocksOf(ls);
    if (blocks.empty()) return fail(errc::parse_error, "mdadm --examine: no '/dev/<member>:' line");
    Capture cap;
    Skipper sk{cap};
    for (const auto& b : blocks) {
        switch (metaOf(b)) {
        case Meta::v1: {
            auto a = examineV1(b, sk);
            if (!a) return tl::unexpected(a.error());
            a->reasons.push_back("as recorded in the superblock of " + b.dev + " (a member's view; may be stale)");
            mergeExamined(cap.arrays, std::move(*a));
            break;
        }
        case Meta::v090: {
            auto a = examineV090(b, sk);
            if (!a) return tl::unexpected(a.error());
            a->reasons.push_back("as recorded in the superblock of " + b.dev + " (a member's view; may be stale)");
            mergeExamined(cap.arrays, std::move(*a));
            break;
        }
        case Meta::imsm:
        case Meta::ddf: {
            auto v = metaOf(b) == Meta::imsm ? examineImsm(b, sk) : examineDdf(b, sk);
            if (!v) return tl::unexpected(v.error());
            for (auto& a : *v) mergeExamined(cap.arrays, std::move(a));
            break;
        }
        case Meta::unknown:
            // "mdadm: No md superblock detected on /dev/sdb1." or an unknown metadata format: this
            // device tells nothing about an array.
            cap.notes.push_back(b.dev + ": no md superblock raidmon can read (no or unknown 'Magic :')");
            ++cap.skipped;
            break;
        }
    }
    if (cap.arrays.empty()) return fail(errc::parse_error, "mdadm --examine: no 'Magic :' line: not an md superblock dump");
    return cap;
}

} // namespace raidmon::detail
