// SPDX-License-Identifier: LGPL-2.1-or-later
// Adaptec / Microsemi / Microchip arcconf: "GETCONFIG n AL|LD|PD" and "GETSTATUS n". Sections are
// titled between rules of dashes ("Controller information", "Logical device information",
// "Physical Device information"); fields are "Key : Value" with the colon aligned. Every arcconf
// run ends with "Command completed successfully." (or "Command aborted."), which also tells a
// complete capture from a truncated one. Field spellings differ between arcconf 1.x and 3.x
// ("Logical device number" / "Logical Device number"); both are accepted.
#include "arcconf.hpp"

#include <algorithm>
#include <deque>

#include "core/strutil.hpp"
#include "ctl/common.hpp"
#include "ctl/decoders.hpp"
#include "ctl/skipped.hpp"

namespace raidmon::detail::arcconf {

namespace {

constexpr std::string_view kWhat = "arcconf";

bool isRule(std::string_view t) { return t.size() >= 10 && t.find_first_not_of('-') == std::string_view::npos; }

// Physical device states: "Online", "Online (JBOD)", "Raw (Pass Through)", "Ready", "Rebuilding",
// "Failed", "Defunct" (arcconf 1.x for failed), "Hot Spare", "Dedicated Hot-Spare", "Global
// Hot-Spare", "Missing", "Offline", "Unconfigured".
std::optional<DriveState> pdState(std::string_view v) {
    auto w = toLower(v);
    if (w == "online") return DriveState::online;
    if (startsWith(w, "online (jbod)") || startsWith(w, "raw") || w == "jbod") return DriveState::jbod;
    if (w == "ready" || w == "unconfigured") return DriveState::unconfigured;
    if (w == "rebuilding") return DriveState::rebuilding;
    if (w == "failed" || w == "defunct") return DriveState::failed;
    if (w.find("hot-spare") != std::string::npos || w.find("hot spare") != std::string::npos) return DriveState::spare;
    if (w == "missing") return DriveState::missing;
    if (w == "offline") return DriveState::offline;
    return std::nullopt;
}

// "Temperature : 35 C/ 95 F", "57 C/ 134 F (Normal)", "33 deg C", "Not Supported".
std::optional<int> arcTemperature(std::string_view v) { return parseTemperatureC(v.substr(0, v.find('/'))); }

// "Current operation" words of GETSTATUS (logical device tasks) -> ArrayOperation::kind.
std::string taskKind(std::string_view v) {
    auto w = toLower(v);
    auto has = [&](std::string_view p) { return w.find(p) != std::string::npos; };
    if (has("rebuild")) return "rebuild";
    if (has("build/verify") || has("build")) return "build-verify";
    if (has("verify with fix") || has("verify_fix") || has("consistency check with fix")) return "repair";
    if (has("verify") || has("consistency") || has("scrub")) return "check";
    if (has("clear") || has("initiali") || has("zero")) return "resync";
    if (has("expand") || has("migrat") || has("transform") || has("reconfig") || has("shrink") || has("extend")) return "reshape";
    if (has("copyback") || has("copy back")) return "copyback";
    return printable(v);  // kept verbatim: a task word raidmon does not know
}

// Location keys that link a segment line to a physical device: "enc E slot S", "conn C dev D",
// "chan C dev D".
std::vector<std::string> segmentKeys(std::string_view paren) {
    std::vector<std::string> keys;
    std::optional<std::string> enc, slot, conn, dev;
    auto fields = split(paren, ',');
    if (fields.size() == 2 && parseInt<int>(fields[0]) && parseInt<int>(fields[1]))
        keys.push_back("chan " + std::string(trim(fields[0])) + " dev " + std::string(trim(fields[1])));
    for (auto f : fields) {
        auto c = f.find(':');
        if (c == std::string_view::npos) continue;
        auto k = toLower(trim(f.substr(0, c)));
        std::string v(trim(f.substr(c + 1)));
        if (k == "enclosure") enc = v;
        else if (k == "slot") slot = v;
        else if (k == "connector") conn = v;
        else if (k == "device") dev = v;
    }
    if (enc && slot) keys.push_back("enc " + *enc + " slot " + *slot);
    if (conn && dev) keys.push_back("conn " + *conn + " dev " + *dev);
    return keys;
}

struct Pd {
    Drive d;
    std::vector<std::string> keys;
    bool isDrive = false;
    std::optional<std::string> channel, device;
    std::string vendorRaw;          ///< "Vendor" as printed, padding included
    std::optional<bool> pfa;        ///< arcconf 1.x "PFA : Yes" (predictive failure analysis)
};

struct Segment {
    std::string state;
    std::vector<std::string> keys;
    std::optional<std::string> serial;
    std::optional<int> group, index;
};

struct Ld {
    Array a;
    std::string number;
    std::vector<Segment> segments;
};

} // namespace

namespace {
// "Controllers found: 1" (arcconf 1.x-3.x) / "Controllers Found: 1" (newer): the first line of
// every answer, possibly after a banner or a pasted command line.
bool controllersFoundLine(std::string_view l) { return startsWith(toLower(trim(l)), "controllers found:"); }
} // namespace

int detectArcconfText(std::string_view t) {
    auto head = t.substr(0, 2048);
    for (auto l : lines(head))
        if (controllersFoundLine(l)) return 90;
    const auto lower = toLower(head);
    if (lower.find("logical device information") != std::string::npos || lower.find("logical drive information") != std::string::npos ||
        lower.find("physical device information") != std::string::npos)
        return 75;
    return 0;
}

Result<Capture> decode(std::string_view input, int controller) {
    const std::string cid = "adaptec:c" + std::to_string(controller);
    Controller c;
    c.id = cid;
    c.kind = "adaptec";
    c.vendor = std::string("Microchip / Adaptec");
    bool haveController = false;
    std::string section, subsection;
    std::deque<Ld> lds;
    std::deque<Pd> pds;
    std::vector<std::pair<std::string, ArrayOperation>> tasks;  // (LD number, operation)
    Ld* ld = nullptr;
    Pd* pd = nullptr;
    std::optional<std::string> trailer;
    std::optional<std::string> taskLd;
    std::optional<ArrayOperation> task;
    ctl::SkipLog skipped;
    bool sawControllersFound = false;
    std::string lastPart;  // the title of the last section, logical device or device begun (for a truncation error)
    auto flushTask = [&]() {
        if (taskLd && task) tasks.emplace_back(*taskLd, *task);
        taskLd.reset();
        task.reset();
    };
    auto ls = ctl::kvLines(input);
    for (std::size_t i = 0; i < ls.size(); ++i) {
        const auto& l = ls[i];
        auto tl = trim(l.raw);
        if (tl.empty()) continue;
        if (isRule(tl)) {
            // "----" / title / "----": a section (column 0) or subsection (indented) title.
            if (i + 2 < ls.size() && isRule(trim(ls[i + 2].raw)) && !trim(ls[i + 1].raw).empty()) {
                std::string title = toLower(trim(ls[i + 1].raw));
                // arcconf 1.x says "logical drive" where later versions say "logical device".
                if (auto p = title.find("logical drive"); p != std::string::npos) title.replace(p, 13, "logical device");
                if (ls[i + 1].indent == 0) {
                    section = title;
                    subsection.clear();
                    ld = nullptr;
                    pd = nullptr;
                } else {
                    subsection = title;
                }
                lastPart = printable(trim(ls[i + 1].raw));
                i += 2;
            }
            continue;
        }
        if (startsWith(tl, "Command completed") || startsWith(tl, "Command aborted") || startsWith(tl, "Command failed")) {
            trailer = std::string(tl);
            continue;
        }
        const auto k = l.key;
        const auto v = l.value;
        if (controllersFoundLine(tl)) {
            sawControllersFound = true;
            continue;
        }
        if (startsWith(toLower(k), "logical device number") || startsWith(toLower(k), "logical drive number")) {
            Ld n;
            n.number = std::string(trim(k.substr(startsWith(toLower(k), "logical device number") ? 21 : 20)));
            n.a.kind = "adaptec";
            n.a.controller = cid;
            n.a.id = cid + "/ld" + n.number;
            n.a.name = "logical device " + n.number;
            lastPart = printable(tl);
            lds.push_back(std::move(n));
            ld = &lds.back();
            section = "logical device information";
            subsection.clear();
            continue;
        }
        if (startsWith(tl, "Device #")) {
            lastPart = printable(tl);
            Pd p;
            p.d.location.controller = cid;
            pds.push_back(std::move(p));
            pd = &pds.back();
            continue;
        }
        if (toLower(k) == "logical device task" || toLower(k) == "logical device" || toLower(k) == "current operation" ||
            toLower(k) == "percentage complete" || (toLower(k) == "status" && task)) {
            const auto lk = toLower(k);
            if (lk == "logical device task") {
                flushTask();
                task = ArrayOperation{};
            } else if (lk == "logical device" && task) taskLd = std::string(v);
            else if (lk == "current operation" && task) task->kind = taskKind(v);
            else if (lk == "percentage complete" && task) {
                task->percent = parseLocaleDouble(trim(v.substr(0, v.find('%'))));
                if (!task->percent)
                    return fail(errc::parse_error, ctl::lineError(kWhat, l, "percentage complete is not a number"));
            }
            if (lk != "status") continue;
        }
        if (!l.hasSeparator) {
            if (pd && startsWith(tl, "Device is a")) pd->isDrive = tl.find("Hard drive") != std::string_view::npos ||
                                                              tl.find("Solid State") != std::string_view::npos;
            else if (!startsWith(tl, "Device #") && !startsWith(tl, "Logical device Task") && !startsWith(tl, "Logical Device Task"))
                skipped.add(tl);
            continue;
        }
        if (section == "controller information") {
            haveController = true;
            if (k == "Controller Status") c.status = ctl::text(v);
            else if (k == "Controller Model") c.model = ctl::text(v);
            else if (k == "Controller Serial Number") c.serial = ctl::text(v);
            else if (k == "Firmware" && subsection.find("version") != std::string::npos) c.firmware = ctl::text(v);
            else if (k == "Driver Name") c.driver = ctl::text(v);
            else if (k == "Temperature" && subsection.empty()) c.temperatureC = arcTemperature(v);
            else if (k == "Cache Status") c.cacheStatus = ctl::text(v);
            else if ((k == "Status" && subsection.find("battery") != std::string::npos) ||
                     k == "Backup Power Status" || k == "Overall Backup Unit Status") {
                auto s = ctl::text(v);
                auto w = toLower(s.value_or(""));
                if (s && w.find("not installed") == std::string::npos && w.find("not present") == std::string::npos) c.batteryStatus = s;
            } else if (k == "Status" && subsection.find("zmm") != std::string::npos) {
                if (toLower(v).find("not installed") == std::string::npos) c.batteryStatus = ctl::text(v);
            } else skipped.add(k);
            continue;
        }
        if (ld && section == "logical device information") {
            auto lk = toLower(k);
            if (lk == "logical device name" || lk == "logical drive name") {
                if (auto n = ctl::text(v)) ld->a.name += " (" + *n + ")";
            } else if (lk == "raid level") ld->a.level = ctl::normalizeLevel(v);
            else if (lk == "status of logical device" || lk == "status of logical drive") ld->a.arrayState = ctl::text(v);
            else if (lk == "size") ld->a.sizeBytes = ctl::parseSize(v, ctl::SizeBase::binary);
            else if (lk == "disk name") ld->a.devnode = ctl::text(v);
            else if (lk == "volume unique identifier" || lk == "unique identifier") ld->a.uuid = ctl::text(v);
            else if (startsWith(lk, "segment ") || startsWith(lk, "group ") ||
                     (startsWith(lk, "device ") && parseInt<int>(lk.substr(7)))) {
                // "Group 1, Segment 1 : Rebuilding (Controller:1,Enclosure:0,Slot:3)   WD-WCAW36405341"
                Segment s;
                auto open = v.find('('), close = v.find(')');
                s.state = std::string(trim(v.substr(0, std::min(open, v.size()))));
                if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
                    s.keys = segmentKeys(v.substr(open + 1, close - open - 1));
                    s.serial = ctl::text(v.substr(close + 1));
                } else if (auto w = splitWs(v); w.size() >= 2) {
                    s.state = std::string(w[0]);
                }
                if (auto g = lk.find("group "); g != std::string::npos) s.group = parseLeadingInt<int>(lk.substr(g + 6));
                if (auto sg = lk.find("segment "); sg != std::string::npos) s.index = parseLeadingInt<int>(lk.substr(sg + 8));
                ld->segments.push_back(std::move(s));
            } else skipped.add(k);
            continue;
        }
        if (pd) {
            auto& d = pd->d;
            if (!d.controllerView) d.controllerView = ControllerDriveInfo{};
            auto& cv = *d.controllerView;
            if (k == "State") {
                cv.state = ctl::text(v);
                d.state = pdState(v);
            } else if (k == "Reported Channel,Device(T:L)" || k == "Reported Channel,Device") {
                auto f = split(v.substr(0, v.find('(')), ',');
                if (f.size() == 2) {
                    pd->channel = std::string(trim(f[0]));
                    pd->device = std::string(trim(f[1]));
                    pd->keys.push_back("chan " + *pd->channel + " dev " + *pd->device);
                    cv.address = *pd->channel + " " + *pd->device;
                }
            } else if (k == "Reported Location") {
                // "Enclosure 0, Slot 3", "Connector 0, Device 1", "Enclosure Direct Attached, Slot 0(Connector 0:CN0)"
                d.location.label = printable(v);
                auto f = split(v, ',');
                if (f.size() >= 2) {
                    auto a = splitWs(f[0]), b = splitWs(f[1]);
                    if (a.size() >= 2 && b.size() >= 2) {
                        std::string av(a.back()), bv(b[1].substr(0, b[1].find('(')));
                        if (toLower(a[0]) == "enclosure") {
                            d.location.enclosure = a.size() == 2 ? av : std::string("direct");
                            d.location.slot = parseInt<int>(bv);
                            pd->keys.push_back("enc " + av + " slot " + bv);
                        } else if (toLower(a[0]) == "connector") {
                            d.location.enclosure = "conn" + av;
                            d.location.slot = parseInt<int>(bv);
                            pd->keys.push_back("conn " + av + " dev " + bv);
                        }
                    }
                }
            } else if (k == "Vendor") {
                pd->vendorRaw = std::string(v);
                if (auto s = ctl::text(v); s && *s != "ATA") d.vendor = s;
            } else if (k == "Model") d.model = ctl::text(v);
            else if (k == "Firmware") d.firmware = ctl::text(v);
            else if (k == "Serial number" || k == "Serial Number") d.serial = ctl::text(v);
            else if (k == "World-wide name") d.wwn = ctl::normalizeWwn(v);
            else if (k == "Total Size" || (k == "Size" && !d.capacityBytes)) {
                d.capacityBytes = ctl::parseSize(v, ctl::SizeBase::binary);
                if (d.capacityBytes == 0u) d.capacityBytes.reset();
            } else if (k == "Block Size") {
                if (auto b = parseLeadingInt<std::uint64_t>(v); b && *b > 0 && *b <= 65536)  // "512 Bytes"
                    d.logicalBlockSize = static_cast<std::uint32_t>(*b);
            } else if (k == "SSD") d.media = toLower(v) == "yes" ? Media::SSD : Media::HDD;
            else if (k == "Transfer Speed") {
                if (startsWith(v, "SATA")) d.protocol = Protocol::SATA;
                else if (startsWith(v, "SAS")) d.protocol = Protocol::SAS;
                else if (startsWith(v, "Ultra")) d.protocol = Protocol::SCSI;
            } else if (k == "S.M.A.R.T. warnings") {
                if (auto n = parseInt<std::uint64_t>(v)) cv.smartAlert = *n > 0;
            } else if (k == "Media Failures" || k == "Medium Error Count") cv.mediaErrors = parseInt<std::uint64_t>(v);
            else if (k == "Predictive Failures") cv.predictiveFailures = parseInt<std::uint64_t>(v);
            else if (k == "Current Temperature" || k == "Temperature" || k == "Temperature Current") cv.temperatureC = arcTemperature(v);
            else if (k == "PFA") pd->pfa = toLower(v) == "yes"; else if (k == "Failed logical device segments" && toLower(v) == "true") {
                if (!d.state) d.state = DriveState::failed;
            } else skipped.add(k);
            continue;
        }
    }
    flushTask();
    if (!trailer && sawControllersFound)
        return fail(errc::parse_error, "arcconf: truncated: no closing 'Command completed' line after " + std::to_string(ls.size()) +
                                           " lines; the last part begun is " +
                                           (lastPart.empty() ? std::string("the 'Controllers found' line") : "'" + lastPart + "'") +
                                           ", which may be incomplete");
    Capture cap;
    if (trailer && !startsWith(*trailer, "Command completed successfully")) cap.notes.push_back("arcconf: " + *trailer);
    if (!trailer) cap.notes.push_back("arcconf: no closing 'Command completed' line: the capture is an excerpt");

    std::vector<Drive> drives;
    std::vector<const Pd*> drivePds;
    for (auto& p : pds) {
        if (!p.isDrive) continue;
        auto& d = p.d;
        if (!d.location.slot && p.channel && p.device) {  // parallel SCSI: the channel and target id are the place
            d.location.enclosure = "ch" + *p.channel;
            d.location.slot = parseInt<int>(*p.device);
        }
        // arcconf 1.x prints a SATA drive's 40-character ATA model as SCSI INQUIRY data: its first
        // 8 characters as "Vendor" ("ST310003"), the rest as "Model" ("40NS").
        if (d.protocol != Protocol::SAS && d.protocol != Protocol::SCSI && d.vendor && d.vendor->size() == 8 &&
            p.vendorRaw.size() == 8 && d.model) {
            d.model = *d.vendor + *d.model;
            d.vendor.reset();
        }
        auto& cv = d.controllerView;
        if (cv && (cv->predictiveFailures || cv->smartAlert || p.pfa))
            d.failurePredicted = cv->predictiveFailures.value_or(0) > 0 || cv->smartAlert.value_or(false) || p.pfa.value_or(false);
        ctl::classifyDrive(d, d.location.label.value_or("channel " + p.channel.value_or("?") + " device " + p.device.value_or("?")));
        drives.push_back(d);
        drivePds.push_back(&p);
    }
    ctl::assignDriveIds(drives, cap.notes);
    auto findDrive = [&](const Segment& s) -> std::optional<std::size_t> {
        for (std::size_t i = 0; i < drives.size(); ++i)
            for (const auto& key : s.keys)
                if (std::find(drivePds[i]->keys.begin(), drivePds[i]->keys.end(), key) != drivePds[i]->keys.end()) return i;
        if (s.serial)
            for (std::size_t i = 0; i < drives.size(); ++i)
                if (drives[i].serial == s.serial) return i;
        return std::nullopt;
    };
    for (auto& n : lds) {
        auto& a = n.a;
        int active = 0;
        bool rebuilding = false;
        for (const auto& s : n.segments) {
            ArrayMember m;
            auto w = toLower(s.state);
            m.role = w == "present" ? "active" : w == "rebuilding" ? "rebuilding" : w == "missing" ? "missing" : "faulty";
            if (m.role == "active") ++active;
            if (m.role == "rebuilding") rebuilding = true;
            if (m.role != "missing")
                if (auto i = findDrive(s)) {
                    m.drive = drives[*i].id;
                    drives[*i].role = std::string("hw-raid-member");
                }
            m.slot = s.index;
            if (s.group) m.flags.push_back("group=" + std::to_string(*s.group));
            m.flags.push_back("segment=" + s.state);
            a.members.push_back(std::move(m));
        }
        if (!n.segments.empty()) {
            a.raidDisks = static_cast<int>(n.segments.size());
            a.activeDisks = active;
        }
        for (const auto& [num, op] : tasks)
            if (num == n.number) a.operation = op;
        // "Status of Logical Device" words: Optimal, Okay, Degraded, Suboptimal, Impacted, Interim
        // Recovery Mode, Ready for Rebuild, Rebuilding, Failed, Offline, Expanding, Transforming,
        // Building, Initializing, Clearing, Verifying.
        auto w = toLower(a.arrayState.value_or(""));
        auto red = a.level ? ctl::hwRedundancy(*a.level) : std::nullopt;
        const std::string opKind = a.operation ? a.operation->kind : std::string();
        auto has = [&](std::string_view p) { return w.find(p) != std::string::npos; };
        if (w == "optimal" || w == "okay" || w == "ok") a.state = "optimal";
        else if (w == "impacted" && (opKind == "build-verify" || opKind == "resync")) a.state = "resyncing";
        else if (w == "degraded" || w == "suboptimal" || w == "impacted" || has("interim recovery") || has("ready for rebuild")) {
            a.state = rebuilding || opKind == "rebuild" ? "rebuilding" : "degraded";
            // Adaptec: "Suboptimal" is a RAID6/60 that lost one drive and keeps one parity.
            if (red && w == "suboptimal") a.redundancyLeft = std::max(*red - 1, 0);
        } else if (has("rebuilding")) a.state = "rebuilding";
        else if (w == "failed" || w == "offline" || has("failed")) a.state = "failed";
        else if (has("expand") || has("transform") || has("migrat") || has("reconfigur")) a.state = "reshaping";
        else if (has("building") || has("initializ") || has("clearing")) a.state = "resyncing";
        else if (has("verifying")) a.state = "checking";
        else a.state = "unknown";
        if (a.state == "optimal") {
            if (opKind == "build-verify" || opKind == "check" || opKind == "repair") a.state = "checking";
            else if (opKind == "resync") a.state = "resyncing";
            else if (opKind == "reshape") a.state = "reshaping";
        }
        ctl::classifyArray(a, a.name);
        cap.arrays.push_back(std::move(a));
    }
    // GETSTATUS alone: the tasks without their logical devices.
    if (lds.empty())
        for (const auto& [num, op] : tasks) {
            Array a;
            a.kind = "adaptec";
            a.controller = cid;
            a.id = cid + "/ld" + num;
            a.name = "logical device " + num;
            a.operation = op;
            a.state = op.kind == "rebuild"                                                        ? "rebuilding"
                      : op.kind == "reshape"                                                      ? "reshaping"
                      : op.kind == "resync"                                                       ? "resyncing"
                      : op.kind == "copyback"                                                     ? "optimal"
                      : op.kind == "check" || op.kind == "repair" || op.kind == "build-verify" ? "checking"
                                                                                                  : "unknown";
            ctl::classifyArray(a, a.name);
            cap.arrays.push_back(std::move(a));
        }
    if (haveController || !drives.empty() || !lds.empty()) {
        ctl::classifyController(c);
        cap.controllers.push_back(std::move(c));
    }
    ctl::sortBySlot(drives);
    cap.drives = std::move(drives);
    skipped.finish(cap, kWhat);
    return cap;
}

} // namespace raidmon::detail::arcconf

namespace raidmon::detail {

int detectArcconf(std::string_view t) { return arcconf::detectArcconfText(t); }

Result<Capture> decodeArcconf(std::string_view t) {
    // A capture does not say which controller number it was taken with; arcconf counts from 1.
    return arcconf::decode(t, 1);
}

} // namespace raidmon::detail
