// SPDX-License-Identifier: LGPL-2.1-or-later
// Slot lights: resolving a drive or bay, choosing a backend, leases and ownership, slot memory,
// and the server's identify light.
#include <raidmon/led.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>

#include "backends.hpp"
#include "core/devnode.hpp"
#include "core/ipmi.hpp"
#include "core/strutil.hpp"
#include "state.hpp"

namespace raidmon {

namespace fs = std::filesystem;
using detail::Indicator;

namespace {

using detail::kIpmiTimeout;
/// IPMI 2.0 "Chassis Identify" (NetFn Chassis, 04h): the interval is one byte of seconds.
constexpr std::chrono::seconds kIpmiMaxTimedIdentify{255};
/// The identify light's pseudo-bay in the lease file.
constexpr std::string_view kServerEnclosure = "server";

std::string bayName(const Bay& b) {
    return b.enclosure + ":" + std::to_string(b.slot) + (b.label ? " (" + *b.label + ")" : "");
}
std::string bayName(const LedLease& l) {
    return l.enclosure + ":" + std::to_string(l.slot) + (l.label ? " (" + *l.label + ")" : "");
}

/// WWNs as users type them: "0x5000C500...", "5000c500...", "wwn-0x5000c500...", "naa.5000c500...".
std::string normWwn(std::string_view s) {
    std::string v = detail::toLower(detail::trim(s));
    for (std::string_view p : {"wwn-", "naa.", "0x"})
        if (detail::startsWith(v, p)) v.erase(0, p.size());
    return v;
}

bool matchesDrive(const Drive& d, std::string_view what, bool includeNames) {
    if (d.id == what) return true;
    if (includeNames && ((d.devnode && *d.devnode == what) || (d.kernelName && *d.kernelName == what))) return true;
    if (d.serial && *d.serial == what) return true;
    if (d.wwn && !normWwn(what).empty() && normWwn(*d.wwn) == normWwn(what)) return true;
    return false;
}

std::chrono::system_clock::time_point now(const Context& ctx) {
    return ctx.clock ? ctx.clock->now() : std::chrono::system_clock::now();
}

const LedLease* findLease(const std::vector<LedLease>& leases, const std::string& enc, int slot, LedPattern p) {
    for (const auto& l : leases)
        if (l.enclosure == enc && l.slot == slot && l.pattern == p) return &l;
    return nullptr;
}

void dropLeases(std::vector<LedLease>& leases, const std::string& enc, int slot, std::optional<LedPattern> p) {
    std::erase_if(leases, [&](const LedLease& l) { return l.enclosure == enc && l.slot == slot && (!p || l.pattern == *p); });
}

LedPattern patternOf(Indicator i) {
    return i == Indicator::locate ? LedPattern::locate : i == Indicator::fault ? LedPattern::fault : LedPattern::rebuild;
}

// ------------------------------------------------------------------------- server identify light

/// "Chassis Identify State" of `ipmitool chassis status`: "Off", "Timed On", "Indefinite On";
/// absent when the BMC does not report it (IPMI 2.0 Get Chassis Status byte 3 bit 6 clear).
Result<std::optional<bool>> identifyState(const Context& ctx) {
    std::vector<std::string> argv = {"ipmitool", "chassis", "status"};
    auto r = ctx.runner->run(argv, kIpmiTimeout);
    if (!r) return tl::unexpected(Error(r.error().code, "ipmitool chassis status: " + r.error().message));
    if (r->exitStatus != 0)
        return fail(errc::command_failed, "ipmitool chassis status: exit status " + std::to_string(r->exitStatus) + ": " +
                                              detail::quoteForError(detail::trim(r->err), 200));
    for (auto line : detail::lines(r->out)) {
        auto colon = line.find(':');
        if (colon == std::string_view::npos || detail::trim(line.substr(0, colon)) != "Chassis Identify State") continue;
        auto v = detail::toLower(detail::trim(line.substr(colon + 1)));
        if (v == "off") return std::optional<bool>(false);
        if (v == "timed on" || v == "indefinite on") return std::optional<bool>(true);
        return fail(errc::parse_error, "ipmitool chassis status: Chassis Identify State: unknown value " + detail::quoteForError(v));
    }
    return std::optional<bool>{};
}

/// The identify light through /dev/ipmi0, for hosts without ipmitool.
Result<std::vector<std::string>> identifyDev(const Context& ctx, bool on, std::optional<std::chrono::seconds> timed) {
    const std::string node = detail::ipmiNode(ctx).devnode;
    auto fd = detail::openIpmi(ctx);
    if (!fd) return tl::unexpected(fd.error());
    // Chassis Identify: byte 1 interval in seconds, byte 2 bit 0 "force identify on" (IPMI 2.0 28.5).
    std::vector<std::uint8_t> req = {static_cast<std::uint8_t>(on && timed ? timed->count() : 0),
                                     static_cast<std::uint8_t>(on && !timed ? 1 : 0)};
    using detail::IpmiNetFn;
    if (auto r = detail::ipmiRequest(fd->get(), node + ": Chassis Identify", IpmiNetFn::chassis, 0x04, req); !r)
        return tl::unexpected(r.error());
    auto st = detail::ipmiRequest(fd->get(), node + ": Get Chassis Status", IpmiNetFn::chassis, 0x01, {});
    if (!st) return tl::unexpected(st.error());
    std::vector<std::string> notes;
    // Get Chassis Status byte 3 (after the completion code): bit 6 identify state supported,
    // bits 5-4 state (0 off, 1 timed on, 2 indefinite on).
    if (st->size() < 4 || !((*st)[3] & 0x40)) {
        notes.push_back("the BMC does not report the identify state (" + node + "): not verified");
        return notes;
    }
    const bool lit = (((*st)[3] >> 4) & 0x03) != 0;
    if (lit != on)
        return fail(errc::command_failed, node + ": Chassis Identify sent, but Get Chassis Status reports the light " + (lit ? "on" : "off"));
    return notes;
}

Result<std::vector<std::string>> identify(const Context& ctx, bool on, std::optional<std::chrono::seconds> timed) {
    if (!ctx.runner) return fail(errc::invalid_argument, "identify: the context has no command runner");
    std::string arg = !on ? "0" : timed ? std::to_string(timed->count()) : "force";
    std::vector<std::string> argv = {"ipmitool", "chassis", "identify", arg};
    const std::string cmd = "ipmitool chassis identify " + arg;
    auto r = ctx.runner->run(argv, kIpmiTimeout);
    if (!r && r.error().is(errc::not_found) && ctx.deviceIo != DeviceIo::none) {
        // No ipmitool: the OpenIPMI device itself.
        auto dev = identifyDev(ctx, on, timed);
        if (dev || !dev.error().is(errc::device_gone)) return dev;
        return fail(errc::not_found, cmd + ": " + r.error().message + "; and no " + (ctx.paths.dev / "ipmi0").string() +
                                         " (load ipmi_devintf)");
    }
    if (!r) return tl::unexpected(Error(r.error().code, cmd + ": " + r.error().message));
    if (r->exitStatus != 0)
        return fail(errc::command_failed, cmd + ": exit status " + std::to_string(r->exitStatus) + ": " +
                                              detail::quoteForError(detail::trim(r->err.empty() ? r->out : r->err), 200));
    std::vector<std::string> notes;
    auto state = identifyState(ctx);
    if (!state) return tl::unexpected(state.error());
    if (!*state)
        notes.push_back("the BMC does not report the identify state (ipmitool chassis status): not verified");
    else if (**state != on)
        return fail(errc::command_failed, cmd + ": ran, but ipmitool chassis status reports the identify light " +
                                              (**state ? "on" : "off"));
    return notes;
}

} // namespace

std::string_view toString(LedPattern p) noexcept {
    switch (p) {
    case LedPattern::off: return "off";
    case LedPattern::locate: return "locate";
    case LedPattern::fault: return "fault";
    case LedPattern::rebuild: return "rebuild";
    }
    return "?";
}

Result<LedPattern> parseLedPattern(std::string_view s) {
    for (auto p : {LedPattern::off, LedPattern::locate, LedPattern::fault, LedPattern::rebuild})
        if (s == toString(p)) return p;
    return fail(errc::invalid_argument, "LED pattern " + detail::quoteForError(s) + ": expected locate, fault, rebuild or off");
}

const SlotMemoryEntry* SlotMemory::find(std::string_view key) const {
    for (const auto& e : entries)
        if (e.drive == key || (e.serial && *e.serial == key) || (e.wwn && !normWwn(key).empty() && normWwn(*e.wwn) == normWwn(key)))
            return &e;
    return nullptr;
}

namespace {

/// The same bay and identity (seen_at aside).
bool sameEntry(const SlotMemoryEntry& a, const SlotMemoryEntry& b) {
    return a.drive == b.drive && a.serial == b.serial && a.wwn == b.wwn && a.model == b.model && a.enclosure == b.enclosure &&
           a.slot == b.slot && a.label == b.label && a.kernelName == b.kernelName;
}

} // namespace

bool updateSlotMemory(SlotMemory& mem, const Inventory& inv, std::chrono::system_clock::time_point t) {
    bool changed = false;
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < mem.entries.size(); ++i) index.emplace(mem.entries[i].drive, i);
    std::set<std::string> present;
    for (const auto& d : inv.drives) {
        if (!d.location.enclosure || !d.location.slot) continue;
        // Drives named only by their kernel name have no identity worth remembering.
        if (detail::startsWith(d.id, "name-")) continue;
        present.insert(d.id);
        SlotMemoryEntry e{d.id, d.serial, d.wwn, d.model, *d.location.enclosure, *d.location.slot, d.location.label, d.kernelName, t};
        auto it = index.find(d.id);
        if (it == index.end()) {
            index.emplace(d.id, mem.entries.size());
            mem.entries.push_back(std::move(e));
            changed = true;
            continue;
        }
        SlotMemoryEntry& old = mem.entries[it->second];
        // seen_at is kept to the day: a drive that stays in its bay rewrites nothing more often.
        if (!sameEntry(old, e) || t - old.seenAt >= kSlotMemoryRefresh || old.seenAt > t) {
            old = std::move(e);
            changed = true;
        }
    }
    // Drives long gone: not seen in any bay for kSlotMemoryRetention.
    const auto before = mem.entries.size();
    std::erase_if(mem.entries, [&](const SlotMemoryEntry& e) { return !present.count(e.drive) && t - e.seenAt > kSlotMemoryRetention; });
    changed = changed || mem.entries.size() != before;
    if (changed)
        std::sort(mem.entries.begin(), mem.entries.end(), [](const SlotMemoryEntry& a, const SlotMemoryEntry& b) { return a.drive < b.drive; });
    return changed;
}

Result<SlotMemory> rememberSlots(const Context& ctx, const fs::path& stateDir, const Inventory& inv) {
    auto lock = detail::lockState(stateDir);
    if (!lock) return tl::unexpected(lock.error());
    auto mem = loadSlotMemory(stateDir);
    if (!mem) return tl::unexpected(mem.error());
    if (updateSlotMemory(*mem, inv, now(ctx)))
        if (auto w = detail::saveSlotMemory(stateDir, *mem); !w) return tl::unexpected(w.error());
    return mem;
}

Result<Bay> resolveBay(const Inventory& inv, const SlotMemory& memory, std::string_view what) {
    const std::string w(detail::trim(what));
    if (w.empty()) return fail(errc::invalid_argument, "drive or slot: empty");
    auto bayOf = [&](const std::string& enc, int slot) -> const Slot* {
        for (const auto& e : inv.enclosures)
            if (e.id == enc)
                for (const auto& s : e.slots)
                    if (s.index == slot) return &s;
        return nullptr;
    };
    auto make = [&](const std::string& enc, const Slot& s) {
        Bay b;
        b.enclosure = enc;
        b.slot = s.index;
        b.label = s.label;
        b.drive = s.drive;
        b.device = s.device;
        return b;
    };
    // 1. a present drive
    std::vector<const Drive*> drives;
    for (const auto& d : inv.drives)
        if (matchesDrive(d, w, true)) drives.push_back(&d);
    if (drives.size() > 1) return fail(errc::invalid_argument, "'" + w + "' matches " + std::to_string(drives.size()) + " drives; give its WWN or id");
    if (drives.size() == 1) {
        const Drive& d = *drives.front();
        if (d.location.enclosure && d.location.slot) {
            if (const Slot* s = bayOf(*d.location.enclosure, *d.location.slot)) {
                Bay b = make(*d.location.enclosure, *s);
                b.drive = d.id;
                return b;
            }
        }
        // Present but not in a bay now (its enclosure link is gone): its last known bay, if any.
        if (const auto* m = memory.find(d.id); m) {
            if (const Slot* s = bayOf(m->enclosure, m->slot)) {
                Bay b = make(m->enclosure, *s);
                b.drive = d.id;
                b.notes.push_back(d.id + " is not linked to a bay now; using its last known bay");
                return b;
            }
        }
        return fail(errc::not_found, "drive '" + w + "' (" + d.id + ") is in no enclosure bay raidmon can reach");
    }
    // 2. a vanished drive, through slot memory (never by kernel name: those are reused)
    if (const auto* m = memory.find(w)) {
        const Slot* s = bayOf(m->enclosure, m->slot);
        if (!s) return fail(errc::not_found, "drive '" + w + "' was last seen in " + m->enclosure + ":" + std::to_string(m->slot) +
                                                 ", which is not present now");
        Bay b = make(m->enclosure, *s);
        b.drive = m->drive;
        b.fromMemory = true;
        if (s->drive && *s->drive != m->drive) b.notes.push_back("the bay now holds another drive (" + *s->drive + ")");
        return b;
    }
    // 3. ENCLOSURE:SLOT, SLOT an index or a label; the enclosure by id or SCSI address
    if (auto colon = w.rfind(':'); colon != std::string::npos && colon > 0) {
        std::string encName = w.substr(0, colon), slotName = w.substr(colon + 1);
        for (const auto& e : inv.enclosures) {
            if (e.id != encName && e.scsiAddress != encName) continue;
            auto idx = detail::parseInt<int>(slotName);
            for (const auto& s : e.slots)
                if ((idx && s.index == *idx) || (s.label && *s.label == slotName)) return make(e.id, s);
            return fail(errc::not_found, "enclosure " + e.id + " has no slot " + detail::quoteForError(slotName));
        }
    }
    // 4. a slot label alone
    std::vector<Bay> byLabel;
    for (const auto& e : inv.enclosures)
        for (const auto& s : e.slots)
            if (s.label && detail::toLower(*s.label) == detail::toLower(w)) byLabel.push_back(make(e.id, s));
    if (byLabel.size() == 1) return byLabel.front();
    if (byLabel.size() > 1) {
        std::string c;
        for (const auto& b : byLabel) c += (c.empty() ? "" : ", ") + b.enclosure + ":" + std::to_string(b.slot);
        return fail(errc::invalid_argument, "slot label '" + w + "' is in " + std::to_string(byLabel.size()) +
                                                " enclosures; say which: " + c);
    }
    return fail(errc::not_found, "'" + w + "': no drive (devnode, kernel name, serial, WWN, id), remembered drive, "
                                           "ENCLOSURE:SLOT or slot label by that name");
}

Result<LedChange> setSlotLed(const Context& ctx, const Inventory& inv, const Bay& bay, LedPattern pattern, const LedOptions& opts) {
    auto lock = detail::lockState(opts.stateDir);
    if (!lock) return tl::unexpected(lock.error());
    auto leases = loadLeases(opts.stateDir);
    if (!leases) return tl::unexpected(leases.error());
    auto backends = detail::backendsFor(ctx, inv, bay);
    if (backends.empty()) return fail(errc::unsupported, bayName(bay) + ": no LED backend reaches this bay");
    const auto t = now(ctx);
    LedChange change;
    change.bay = bay;
    change.pattern = pattern;
    change.verified = true;

    if (auto ind = detail::indicatorOf(pattern)) {
        std::string tried;
        for (auto& b : backends) {
            if (!b->supports(*ind)) {
                tried += "; " + b->name() + ": has no " + std::string(toString(pattern)) + " light";
                continue;
            }
            // A backend that cannot be used here (tool missing, device I/O off, not supported, its
            // files gone) lets the next one try; one that fails or does not stick is the answer.
            auto unusable = [](const Error& e) {
                return e.is(errc::not_found) || e.is(errc::refused) || e.is(errc::unsupported) || e.is(errc::device_gone);
            };
            auto before = b->get(*ind);
            if (!before) {
                if (!unusable(before.error())) return tl::unexpected(before.error());
                tried += "; " + before.error().message;
                continue;
            }
            if (auto r = b->set(*ind, true); !r) {
                if (!unusable(r.error())) return tl::unexpected(r.error());
                tried += "; " + r.error().message;
                continue;
            }
            change.backend = b->name();
            change.target = b->target();
            change.verified = b->name() != "ledctl";
            if (!change.verified) change.notes.push_back(b->name() + " cannot read the light back: not verified");
            const LedLease* mine = findLease(*leases, bay.enclosure, bay.slot, pattern);
            const bool foreign = *ind != Indicator::locate && before->value_or(false) && !mine;
            if (foreign && !opts.force) {
                change.notes.push_back("the " + std::string(toString(*ind)) +
                                       " light was already on, set by another component; raidmon does not take it over");
                return change;
            }
            std::optional<std::chrono::system_clock::time_point> expires;
            if (opts.duration) expires = t + *opts.duration;
            else if (pattern == LedPattern::locate) expires = t + kDefaultLocateLease;
            dropLeases(*leases, bay.enclosure, bay.slot, pattern);
            leases->push_back({bay.enclosure, bay.slot, bay.label, bay.drive, pattern, b->name(), b->target(), t, expires, opts.reason});
            if (auto w = detail::saveLeases(opts.stateDir, *leases); !w) return tl::unexpected(w.error());
            change.expiresAt = expires;
            return change;
        }
        return fail(errc::unsupported, bayName(bay) + ": no backend can show " + std::string(toString(pattern)) + tried);
    }

    // Pattern off: every light of the bay. Lights raidmon owns go off through the backend that set
    // them; others are looked at through the first backend that has them.
    std::vector<std::string> used;
    for (Indicator ind : {Indicator::locate, Indicator::fault, Indicator::rebuild}) {
        const LedPattern p = patternOf(ind);
        const LedLease* mine = findLease(*leases, bay.enclosure, bay.slot, p);
        std::unique_ptr<detail::LedBackend> owned;
        detail::LedBackend* b = nullptr;
        if (mine) {
            auto fromLease = detail::backendFromLease(ctx, *mine);
            if (!fromLease) return tl::unexpected(fromLease.error());
            owned = std::move(*fromLease);
            b = owned.get();
        } else {
            for (auto& c : backends)
                if (c->supports(ind)) {
                    b = c.get();
                    break;
                }
        }
        if (!b) continue;
        auto state = b->get(ind);
        if (!state) {
            if (mine) return tl::unexpected(state.error());
            change.notes.push_back(state.error().message);
            continue;
        }
        if (!mine && *state && !**state) continue;  // known off, not ours: nothing to do
        if (!mine && !*state) continue;             // unknown and not ours (ledctl): leave it
        if (!mine && ind != Indicator::locate && !opts.force) {
            change.conflicts.push_back(std::string(toString(ind)) + " light of " + bayName(bay) +
                                       " is on but was not set by raidmon (" + b->name() + " " + b->target() +
                                       "); left on (use --force to turn it off)");
            continue;
        }
        if (auto r = b->set(ind, false); !r) return tl::unexpected(r.error());
        if (b->name() == "ledctl") change.verified = false;
        if (change.target.empty()) change.target = b->target();
        if (std::find(used.begin(), used.end(), b->name()) == used.end()) {
            used.push_back(b->name());
            change.backend += (change.backend.empty() ? "" : ",") + b->name();
        }
        dropLeases(*leases, bay.enclosure, bay.slot, p);
    }
    if (change.backend.empty()) {
        change.backend = backends.front()->name();
        change.target = backends.front()->target();
        change.notes.push_back("no light of " + bayName(bay) + " was on");
    }
    if (auto w = detail::saveLeases(opts.stateDir, *leases); !w) return tl::unexpected(w.error());
    return change;
}

Result<ExpiryReport> expireLeases(const Context& ctx, const fs::path& stateDir) {
    auto lock = detail::lockState(stateDir);
    if (!lock) return tl::unexpected(lock.error());
    auto leases = loadLeases(stateDir);
    if (!leases) return tl::unexpected(leases.error());
    const auto t = now(ctx);
    ExpiryReport rep;
    bool changed = false;
    for (auto& l : *leases) {
        if (!l.expiresAt || *l.expiresAt > t) {
            rep.remaining.push_back(std::move(l));
            continue;
        }
        Result<void> off;
        if (l.backend == "ipmi" && l.enclosure == kServerEnclosure) {
            auto r = identify(ctx, false, std::nullopt);
            if (!r) off = tl::unexpected(r.error());
        } else if (auto b = detail::backendFromLease(ctx, l); !b) {
            off = tl::unexpected(b.error());
        } else if (auto ind = detail::indicatorOf(l.pattern)) {
            off = (*b)->set(*ind, false);
        }
        if (!off) {
            rep.failures.push_back(bayName(l) + " " + std::string(toString(l.pattern)) + ": " + off.error().message);
            rep.remaining.push_back(std::move(l));
            continue;
        }
        changed = true;
        rep.expired.push_back(std::move(l));
    }
    if (changed)
        if (auto w = detail::saveLeases(stateDir, rep.remaining); !w) return tl::unexpected(w.error());
    return rep;
}

Result<std::vector<std::string>> setServerIdentify(const Context& ctx, bool on, const LedOptions& opts) {
    auto lock = detail::lockState(opts.stateDir);
    if (!lock) return tl::unexpected(lock.error());
    auto leases = loadLeases(opts.stateDir);
    if (!leases) return tl::unexpected(leases.error());
    const bool timed = on && opts.duration && *opts.duration <= kIpmiMaxTimedIdentify && opts.duration->count() > 0;
    auto notes = identify(ctx, on, timed ? opts.duration : std::nullopt);
    if (!notes) return tl::unexpected(notes.error());
    dropLeases(*leases, std::string(kServerEnclosure), 0, std::nullopt);
    if (on && !timed) {
        // "force" stays on until told otherwise: the lease turns it off.
        const auto t = now(ctx);
        leases->push_back({std::string(kServerEnclosure), 0, std::string("identify"), std::nullopt, LedPattern::locate, "ipmi",
                           "ipmitool chassis identify", t, t + opts.duration.value_or(kDefaultLocateLease), opts.reason});
    } else if (timed) {
        notes->push_back("the BMC turns the light off by itself after " + std::to_string(opts.duration->count()) + " s");
    }
    if (auto w = detail::saveLeases(opts.stateDir, *leases); !w) return tl::unexpected(w.error());
    return notes;
}

} // namespace raidmon
