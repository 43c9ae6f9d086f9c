// SPDX-License-Identifier: LGPL-2.1-or-later
// cciss_vol_status (1.x, package cciss-vol-status). The grammar (docs/decoders.md):
//   one line per logical volume, "<dev>: (<controller>) <RAID level> Volume <n> status: <words>."
//     optionally followed by spare notes ("  At least one spare drive designated.  ...");
//   one line per enclosure, "<dev>: (<controller>) Enclosure <name> (S/N: <sn>) on Bus <b>,
//     Physical Port <p> status: <words>.";
//   with -V, per controller: "Controller: <model>" and indented "Board ID:", "Logical drives:",
//     "Running firmware:", "ROM firmware:"; per volume the drive lists "Physical drives: N",
//     "Failed drives:", "'Replacement' drives:" with one line per drive ("[bXtY ]connector 1I box 1
//     bay 1  <vendor> <model> <serial> <firmware> [<status>]"); "<node>(<controller>:<n>):
//     Non-Volatile Cache status:" and its "Key: Value" lines and notes.
// One report may hold several controllers, and one controller twice (asked through two nodes):
// controllers are told apart by the cciss controller number (/dev/cciss/cN) or the volume's node.
#include <algorithm>
#include <deque>
#include <map>

#include "core/strutil.hpp"
#include "ctl/common.hpp"
#include "ctl/decoders.hpp"
#include "ctl/skipped.hpp"

namespace raidmon::detail {

namespace {
constexpr std::string_view kWhat = "cciss_vol_status";

bool isWord(std::string_view w) {
    return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_' || c == '.';
    });
}

struct Block {
    Controller c;
    std::string key;       ///< "cciss1" or the first volume's node ("sda"): the same key is the same controller
    std::optional<std::string> sg;  ///< the generic SCSI node the report was taken through ("sg0")
    std::vector<Array> arrays;
    std::vector<Drive> drives;
    std::vector<Enclosure> enclosures;
    std::optional<bool> writeCacheEnabled;
    std::optional<std::string> writeCacheNote;  ///< "Write cache temporarily disabled"
};

// "/dev/cciss/c1d0" -> "cciss1"; "/dev/sda" -> "sda"; "/dev/sg0" -> "sg0".
std::string nodeKey(std::string_view dev) {
    if (startsWith(dev, "/dev/cciss/c")) {
        auto rest = dev.substr(12);
        auto d = rest.find('d');
        return "cciss" + std::string(rest.substr(0, d));
    }
    auto slash = dev.rfind('/');
    return std::string(slash == std::string_view::npos ? dev : dev.substr(slash + 1));
}

// Volume status words (the controller firmware's, as cciss_vol_status spells them): "OK",
// "FAILED", "Using interim recovery mode", "Ready for recovery operation", "Currently recovering",
// "Wrong physical drive was replaced", "A physical drive is not properly connected", "Hardware is
// overheating", "Hardware has overheated", "Currently expanding", "Not yet available", "Queued for
// expansion", "Disabled due to SCSI ID conflict", "Ejected", "Erase in progress", "Unused",
// "Ready to perform predictive spare activation", "Predictive spare activation in progress",
// "Currently transforming", "Queued for transformation", "Encrypted volume ...".
void volumeState(Array& a, std::string_view status) {
    const auto w = toLower(status);
    auto has = [&](std::string_view p) { return w.find(p) != std::string::npos; };
    auto op = [&](std::string kind) {
        ArrayOperation o;
        o.kind = std::move(kind);
        o.delayed = has("queued");
        if (auto pct = w.find('%'); pct != std::string::npos) {
            auto start = w.find_last_of(" ,(", pct);
            start = start == std::string::npos ? 0 : start + 1;
            o.percent = parseLocaleDouble(std::string_view(w).substr(start, pct - start));
        }
        a.operation = o;
    };
    if (w == "ok") a.state = "optimal";
    else if (has("recovering") || has("rebuilding")) {
        a.state = "rebuilding";
        op("rebuild");
    } else if (has("interim recovery") || has("ready for recovery") || has("is overheating")) a.state = "degraded";
    else if (has("predictive spare")) {
        a.state = "optimal";
        op("copyback");
    } else if (has("fail") || has("wrong") || has("not properly connected") || has("has overheated") || has("disabled") ||
               has("ejected"))
        a.state = "failed";
    else if (has("expan") || has("transform")) {
        a.state = "reshaping";
        op("reshape");
    } else if (has("not yet available") || has("erase") || has("unused") || has("encrypted")) a.state = "inactive";
    else a.state = "unknown";
}

} // namespace

int detectCcissVolStatus(std::string_view t) {
    auto head = t.substr(0, 2048);
    if (head.find(": (Smart Array") != std::string_view::npos && head.find(" status: ") != std::string_view::npos) return 90;
    for (auto l : lines(head))
        if (startsWith(trim(l), "Controller: Smart Array") || startsWith(trim(l), "cciss_vol_status version ")) return 80;
    return 0;
}

Result<Capture> decodeCcissVolStatus(std::string_view input) {
    Capture cap;
    ctl::SkipLog skipped;
    std::deque<Block> blocks;
    Block* cur = nullptr;       // the block fields and drive lines go to
    bool curFromHeading = false;  // cur was opened by a "Controller:" line (-V)
    enum class List { none, physical, failed, replacement } list = List::none;
    Array* vol = nullptr;        // the volume whose drive lists follow
    bool inCache = false;
    bool any = false;
    std::optional<std::string> version;
    auto blockFor = [&](std::string_view model, const std::string& key) -> Block& {
        // With -V the volume belongs to the controller just named; without, to the one its node names.
        if (cur && curFromHeading && (cur->key.empty() || cur->key == key)) {
            if (cur->key.empty()) cur->key = key;
            return *cur;
        }
        for (auto& b : blocks)
            if (b.key == key) return b;
        Block b;
        b.c.model = ctl::text(model);
        b.key = key;
        blocks.push_back(std::move(b));
        curFromHeading = false;
        return blocks.back();
    };
    for (const auto& l : ctl::kvLines(input)) {
        auto tl = trim(l.raw);
        if (tl.empty()) continue;
        if (startsWith(tl, "Controller:")) {
            Block b;
            b.c.model = ctl::text(tl.substr(11));
            blocks.push_back(std::move(b));
            cur = &blocks.back();
            curFromHeading = true;
            vol = nullptr;
            list = List::none;
            inCache = false;
            any = true;
            continue;
        }
        if (startsWith(tl, "cciss_vol_status version ")) {
            version = printable(tl.substr(25));
            any = true;
            continue;
        }
        if (startsWith(tl, "/dev/")) {
            list = List::none;
            inCache = false;
            auto open = tl.find('(');
            auto close = tl.find(')');
            if (open == std::string_view::npos || close == std::string_view::npos || close < open)
                return fail(errc::parse_error, ctl::lineError(kWhat, l, "expected '<device>: (<controller>) ...'"));
            const std::string dev(trim(tl.substr(0, std::min(open, tl.find(':')))));
            // "/dev/sg0(Smart Array P420i:0): Non-Volatile Cache status:"
            if (tl.find("Non-Volatile Cache status") != std::string_view::npos) {
                auto inner = tl.substr(open + 1, close - open - 1);
                auto model = inner.substr(0, inner.rfind(':'));
                Block& b = cur && curFromHeading ? *cur : blockFor(model, nodeKey(dev));
                if (startsWith(nodeKey(dev), "sg") && !b.sg) b.sg = nodeKey(dev);
                cur = &b;
                inCache = true;
                continue;
            }
            auto statusAt = tl.rfind(" status: ");
            if (statusAt == std::string_view::npos || statusAt < close)
                return fail(errc::parse_error, ctl::lineError(kWhat, l, "expected '... status: <words>.'"));
            const auto model = tl.substr(open + 1, close - open - 1);
            auto mid = trim(tl.substr(close + 1, statusAt - close - 1));  // "RAID 1(1+0) Volume 0" or "Enclosure MSA70 (...) on Bus 2, ..."
            // "OK.   At least one spare drive designated.  At least one spare drive has failed."
            std::vector<std::string> sentences;
            for (auto s : split(tl.substr(statusAt + 9), '.'))
                if (auto st = trim(s); !st.empty()) sentences.emplace_back(st);
            const std::string status = sentences.empty() ? std::string() : sentences.front();
            Block& b = blockFor(model, nodeKey(dev));
            cur = &b;
            any = true;
            if (startsWith(mid, "Enclosure")) {
                // "Enclosure MSA70 (S/N: SGA651004J) on Bus 2, Physical Port 1E"
                Enclosure e;
                e.kind = "smartarray";
                auto sn = mid.find("(S/N:");
                e.product = ctl::text(mid.substr(9, sn == std::string_view::npos ? std::string_view::npos : sn - 9));
                std::string serial, bus, port;
                if (sn != std::string_view::npos) {
                    auto end = mid.find(')', sn);
                    serial = std::string(trim(mid.substr(sn + 5, end == std::string_view::npos ? std::string_view::npos : end - sn - 5)));
                }
                if (auto p = mid.find(" on Bus "); p != std::string_view::npos) bus = std::string(trim(mid.substr(p + 8, mid.find(',', p) - p - 8)));
                if (auto p = mid.find("Physical Port "); p != std::string_view::npos) port = std::string(trim(mid.substr(p + 14)));
                e.id = "bus" + bus + "/port" + port + (serial.empty() ? std::string() : "/" + serial);
                e.health = Health::OK;
                if (toLower(status) != "ok")
                    ctl::addFinding(e.health, e.reasons, Health::Warning,
                                    "enclosure " + e.product.value_or("?") + (serial.empty() ? "" : " (S/N " + serial + ")") +
                                        " on bus " + bus + ", port " + port + " reports '" + status + "'");
                auto same = std::find_if(b.enclosures.begin(), b.enclosures.end(), [&](const Enclosure& x) { return x.id == e.id; });
                if (same == b.enclosures.end()) b.enclosures.push_back(std::move(e));
                vol = nullptr;
                continue;
            }
            auto volAt = mid.rfind("Volume ");
            Array a;
            a.kind = "smartarray";
            a.devnode = dev;
            a.level = ctl::normalizeLevel(volAt == std::string_view::npos ? mid : trim(mid.substr(0, volAt)));
            const std::string volNo = volAt == std::string_view::npos ? "?" : std::string(trim(mid.substr(volAt + 7)));
            a.id = "/ld" + volNo;  // the controller's id is prefixed once it is known
            a.name = "volume " + volNo + " (" + dev + ")";
            a.arrayState = status;
            volumeState(a, status);
            std::vector<std::string> spareNotes(sentences.size() > 1 ? sentences.begin() + 1 : sentences.end(), sentences.end());
            auto same = std::find_if(b.arrays.begin(), b.arrays.end(), [&](const Array& x) { return x.id == a.id && x.devnode == a.devnode; });
            if (same != b.arrays.end()) {
                vol = &*same;  // the same volume reported again through another node
            } else {
                for (const auto& n : spareNotes) a.reasons.push_back(n);  // kept until classification
                b.arrays.push_back(std::move(a));
                vol = &b.arrays.back();
            }
            continue;
        }
        if (startsWith(tl, "cciss_vol_status:") || startsWith(tl, "#cciss_vol_status:")) {
            // the tool's own complaint about one node ("open /dev/sg2: No such file or directory")
            cap.notes.push_back("cciss_vol_status: the tool reported '" + printable(tl.substr(tl.find(':') + 1)) + "'");
            inCache = false;
            continue;
        }
        if (!cur) {
            skipped.add(tl);  // a prompt or a note before the report
            continue;
        }
        if (startsWith(tl, "Physical drives")) {
            list = List::physical;
            continue;
        }
        if (startsWith(tl, "Failed drives")) {
            list = List::failed;
            continue;
        }
        if (startsWith(tl, "'Replacement' drives")) {
            list = List::replacement;
            continue;
        }
        if (startsWith(tl, "Total of ")) continue;  // "Total of 1 failed physical drives detected on this logical drive."
        auto w = splitWs(tl);
        // "b0t0 connector J1 box 0 bay 0 ..." (parallel SCSI controllers print bus and target first)
        std::size_t at = (!w.empty() && w[0].size() >= 4 && w[0][0] == 'b' && w[0].find('t') != std::string_view::npos &&
                          w.size() > 1 && w[1] == "connector")
                             ? 1
                             : 0;
        if (w.size() > at && w[at] == "connector") {
            if (w.size() < at + 6 || w[at + 2] != "box" || w[at + 4] != "bay")
                return fail(errc::parse_error, ctl::lineError(kWhat, l, "expected 'connector <port> box <n> bay <n> ...'"));
            const std::string port(w[at + 1]), box(w[at + 3]), bay(w[at + 5]);
            Drive d;
            d.location.enclosure = port + ":" + box;
            d.location.slot = parseInt<int>(bay);
            d.location.label = "bay " + bay;
            std::vector<std::string_view> rest;
            for (std::size_t i = at + 6; i < w.size(); ++i)
                if (isWord(w[i])) rest.push_back(w[i]);
            if (rest.size() >= 1 && rest[0] != "ATA") d.vendor = std::string(rest[0]);
            if (rest.size() >= 2) d.model = std::string(rest[1]);
            if (rest.size() >= 3) d.serial = std::string(rest[2]);
            if (rest.size() >= 4) d.firmware = std::string(rest[3]);
            ControllerDriveInfo cv;
            cv.address = port + ":" + box + ":" + bay;
            if (list == List::replacement) {
                cv.state = std::string("Replacement");
                d.state = DriveState::rebuilding;
            } else if (list == List::failed) {
                cv.state = std::string("Failed");
                d.state = DriveState::failed;
            } else if (rest.size() >= 5) {
                std::string st(rest[4]);
                for (std::size_t i = 5; i < rest.size(); ++i) st += " " + std::string(rest[i]);
                cv.state = st;
                const auto s = toLower(st);
                if (s == "ok") d.state = DriveState::online;
                else if (s.find("predictive") != std::string::npos) {
                    d.state = DriveState::online;
                    d.failurePredicted = true;
                } else if (s.find("fail") != std::string::npos) d.state = DriveState::failed;
            }
            if (!d.failurePredicted && cv.state) d.failurePredicted = false;
            d.controllerView = cv;
            if (vol) vol->members.push_back(ArrayMember{std::nullopt, std::nullopt,
                                                       list == List::failed ? "faulty" : list == List::replacement ? "replacement" : "active",
                                                       std::nullopt, {"bay=" + *cv.address}, std::nullopt});
            auto same = std::find_if(cur->drives.begin(), cur->drives.end(),
                                     [&](const Drive& x) { return x.controllerView->address == cv.address; });
            if (same == cur->drives.end()) cur->drives.push_back(std::move(d));
            else if (list != List::physical) *same = std::move(d);  // a failed or replacement listing says more
            continue;
        }
        if (inCache) {
            if (l.key == "Write cache enabled") cur->writeCacheEnabled = toLower(l.value) == "yes";
            else if (toLower(tl) == "write cache temporarily disabled" || toLower(tl) == "write cache permanently disabled")
                cur->writeCacheNote = std::string(tl);
            else if (!l.hasSeparator || l.key == "Cache configured" || l.key == "Read cache memory" ||
                     l.key == "Write cache memory" || l.key == "Total cache memory" || l.key == "Cache Ratio")
                skipped.add(tl);  // sizes, "Flash backed cache present", the disable condition's prose
            else skipped.add(l.key);
            continue;
        }
        if (l.key == "Running firmware") cur->c.firmware = ctl::text(l.value);
        else if (l.hasSeparator) skipped.add(l.key);  // "Board ID", "Logical drives", "ROM firmware"
        else skipped.add(tl);
    }
    if (!any) return fail(errc::parse_error, "cciss_vol_status: no volume status line and no 'Controller:' line");
    if (version) cap.notes.push_back("cciss_vol_status version " + *version);

    // One controller reported twice (through /dev/sg0 and /dev/sg1, say) is one controller.
    std::vector<Block*> merged;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        auto& b = blocks[i];
        if (b.key.empty()) b.key = "ctl" + std::to_string(i);  // a "Controller:" block without volume lines
        auto same = std::find_if(merged.begin(), merged.end(), [&](const Block* m) { return !b.key.empty() && m->key == b.key; });
        if (same == merged.end()) {
            merged.push_back(&b);
            continue;
        }
        Block& m = **same;
        for (auto& a : b.arrays)
            if (std::none_of(m.arrays.begin(), m.arrays.end(), [&](const Array& x) { return x.id == a.id && x.devnode == a.devnode; }))
                m.arrays.push_back(std::move(a));
        for (auto& d : b.drives)
            if (std::none_of(m.drives.begin(), m.drives.end(), [&](const Drive& x) { return x.controllerView->address == d.controllerView->address; }))
                m.drives.push_back(std::move(d));
        for (auto& e : b.enclosures)
            if (std::none_of(m.enclosures.begin(), m.enclosures.end(), [&](const Enclosure& x) { return x.id == e.id; }))
                m.enclosures.push_back(std::move(e));
        if (!m.c.firmware) m.c.firmware = b.c.firmware;
        if (!m.writeCacheEnabled) m.writeCacheEnabled = b.writeCacheEnabled;
        if (!m.writeCacheNote) m.writeCacheNote = b.writeCacheNote;
        // The controller's id must not depend on the order the nodes were asked in: the lowest node.
        auto sgNo = [](const std::optional<std::string>& sg) { return sg ? parseInt<int>(sg->substr(2)).value_or(1 << 30) : 1 << 30; };
        if (sgNo(b.sg) < sgNo(m.sg)) m.sg = b.sg;
        cap.notes.push_back("cciss_vol_status: controller " + m.c.model.value_or("?") + " is reported twice (" + m.key +
                            "): listed once");
    }
    for (Block* b : merged) {
        auto& c = b->c;
        c.kind = "smartarray";
        c.vendor = std::string("Hewlett Packard Enterprise");
        c.id = "smartarray:" + (startsWith(b->key, "cciss") || !b->sg ? b->key : *b->sg);
        if (b->writeCacheNote) c.cacheStatus = b->writeCacheNote;
        else if (b->writeCacheEnabled) c.cacheStatus = *b->writeCacheEnabled ? "write cache enabled" : "write cache not enabled";
        ctl::classifyController(c);
        for (auto& d : b->drives) {
            d.location.controller = c.id;
            ctl::classifyDrive(d, "controller " + c.model.value_or(c.id) + ", bay " + d.controllerView->address.value_or("?"));
        }
        ctl::assignDriveIds(b->drives, cap.notes);
        for (auto& a : b->arrays) {
            a.id = c.id + a.id;
            a.controller = c.id;
            std::vector<std::string> notes = std::move(a.reasons);
            int active = 0, slots = 0;
            for (auto& m : a.members) {
                for (const auto& d : b->drives)
                    if (m.flags.front() == "bay=" + d.controllerView->address.value_or("")) m.drive = d.id;
                if (m.role == "replacement") m.role = "rebuilding";
                if (m.role == "active") ++active;
                // A drive of the "Failed drives:" list may be a failed spare: it holds no slot.
                if (m.role != "faulty") ++slots;
            }
            if (slots > 0) {
                a.raidDisks = slots;
                a.activeDisks = active;
            }
            ctl::classifyArray(a, a.name);
            for (const auto& n : notes) {
                const auto w = toLower(n);
                // "At least one spare drive designated", "... remains available": facts, not findings.
                if (w.find("has failed") != std::string::npos || w.find("activated") != std::string::npos ||
                    w.find("rebuilding") != std::string::npos)
                    ctl::addFinding(a.health, a.reasons, Health::Warning, a.name + ": " + n);
                else if (w.find("spare") == std::string::npos) {
                    ctl::addFinding(a.health, a.reasons, Health::Unknown, a.name + ": '" + n + "' is not known to raidmon");
                }
            }
            cap.arrays.push_back(std::move(a));
        }
        for (auto& e : b->enclosures) {
            e.id = c.id + "/" + e.id;
            cap.enclosures.push_back(std::move(e));
        }
        cap.controllers.push_back(std::move(c));
        for (auto& d : b->drives) cap.drives.push_back(std::move(d));
    }
    skipped.finish(cap, kWhat);
    return cap;
}

} // namespace raidmon::detail
