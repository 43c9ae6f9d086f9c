// SPDX-License-Identifier: LGPL-2.1-or-later
// LED backends. Sysfs attributes are opened with O_TRUNC (harmless on sysfs, and needed on the
// regular files of recordings and testbeds, where a shorter value would leave old bytes behind)
// and read back after every write: the kernel's ses driver, pciehp and LED class devices can all
// accept a write that the hardware then ignores.
#include "backends.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <scsi/sg_cmds_extra.h>
#include <scsi/sg_lib.h>

#include "core/devnode.hpp"
#include "core/strutil.hpp"
#include "core/sysfs.hpp"

namespace raidmon::detail {

namespace {

/// ledctl and ipmitool answer within a second; a BMC under load or a large SES enclosure takes
/// longer, but never this long.
constexpr std::chrono::seconds kToolTimeout{30};
/// RECEIVE DIAGNOSTIC RESULTS allocation length: the largest page SES allows (16-bit length).
constexpr int kMaxSesPage = 65535;
/// SG_IO time limit for a diagnostic page (enclosure processors answer in milliseconds).
constexpr int kSesTimeoutSec = 20;

Result<void> writeAndVerify(const std::string& backend, const fs::path& file, const std::string& value,
                            bool (*sticks)(std::string_view readBack, std::string_view written)) {
    Fd fd(::open(file.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
    if (fd.get() < 0) {
        int e = errno;
        return fail(fromErrno(e), backend + ": " + file.string() + ": cannot open for writing: " + std::strerror(e));
    }
    ssize_t n = ::write(fd.get(), value.data(), value.size());
    if (n != static_cast<ssize_t>(value.size())) {
        int e = n < 0 ? errno : EIO;
        return fail(fromErrno(e), backend + ": " + file.string() + ": write of '" + value + "': " + std::strerror(e));
    }
    fd = Fd();
    auto back = readFile(file);
    if (!back) return tl::unexpected(Error(back.error().code, backend + ": read-back failed: " + back.error().message));
    if (!sticks(trim(*back), value))
        return fail(errc::io_error, backend + ": " + file.string() + ": wrote '" + value + "' but it reads back " +
                                        quoteForError(trim(*back)) + ": the light did not change");
    return {};
}

bool sameNumber(std::string_view back, std::string_view written) {
    auto a = parseInt<unsigned>(back), b = parseInt<unsigned>(written);
    return a && b && *a == *b;
}
bool sameOnOff(std::string_view back, std::string_view written) {
    auto a = parseInt<unsigned>(back), b = parseInt<unsigned>(written);
    return a && b && ((*a != 0) == (*b != 0));
}

Result<std::optional<bool>> readBool(const std::string& backend, const fs::path& file) {
    auto v = readFile(file);
    if (!v) return tl::unexpected(Error(v.error().code, backend + ": " + v.error().message));
    auto n = parseInt<unsigned>(*v);
    if (!n) return fail(errc::parse_error, backend + ": " + file.string() + ": not a number: " + quoteForError(trim(*v)));
    return std::optional<bool>(*n != 0);
}

// ------------------------------------------------------------------------------------ ses-sysfs

class SesSysfs final : public LedBackend {
public:
    explicit SesSysfs(fs::path dir) : dir_(std::move(dir)) {}
    std::string name() const override { return "ses-sysfs"; }
    std::string target() const override { return dir_.string(); }
    bool supports(Indicator i) const override {
        // drivers/misc/enclosure.c has locate and fault; nothing for rebuild.
        if (i == Indicator::rebuild) return false;
        return pathExists(dir_ / file(i));
    }
    Result<std::optional<bool>> get(Indicator i) override { return readBool(name(), dir_ / file(i)); }
    Result<void> set(Indicator i, bool on) override { return writeAndVerify(name(), dir_ / file(i), on ? "1" : "0", sameOnOff); }

private:
    static const char* file(Indicator i) { return i == Indicator::locate ? "locate" : "fault"; }
    fs::path dir_;
};

// ------------------------------------------------------------------------------- pcie-attention

/// drivers/pci/hotplug/pciehp_hpc.c pciehp_set_raw_indicator_status / pciehp_get_raw_indicator_status:
/// attention 0 off, 1 on, 2 blink. Locate blinks, fault is steady on (what ledmon and
/// Dell/HPE tooling use); the two share one light, so clearing one never clears the other's value.
class PcieAttention final : public LedBackend {
public:
    explicit PcieAttention(fs::path dir) : dir_(std::move(dir)) {}
    std::string name() const override { return "pcie-attention"; }
    std::string target() const override { return dir_.string(); }
    bool supports(Indicator i) const override { return i != Indicator::rebuild && pathExists(dir_ / "attention"); }
    Result<std::optional<bool>> get(Indicator i) override {
        auto v = value();
        if (!v) return tl::unexpected(v.error());
        return std::optional<bool>(*v == want(i));
    }
    Result<void> set(Indicator i, bool on) override {
        auto v = value();
        if (!v) return tl::unexpected(v.error());
        if (!on && *v != want(i)) return {};  // showing something else (or nothing): leave it
        return writeAndVerify(name(), dir_ / "attention", std::to_string(on ? want(i) : 0), sameNumber);
    }

private:
    static unsigned want(Indicator i) { return i == Indicator::locate ? 2 : 1; }
    Result<unsigned> value() const {
        auto v = readFile(dir_ / "attention");
        if (!v) return tl::unexpected(Error(v.error().code, name() + ": " + v.error().message));
        auto n = parseInt<unsigned>(*v);
        if (!n) return fail(errc::parse_error, name() + ": " + (dir_ / "attention").string() + ": not a number: " + quoteForError(trim(*v)));
        return *n;
    }
    fs::path dir_;
};

// ------------------------------------------------------------------------------------ led-class

/// drivers/pci/npem.c (Linux 6.12+) registers "<function>:enclosure:<indication>" LED class
/// devices for NPEM and the _DSM method; brightness 0/1.
class LedClass final : public LedBackend {
public:
    LedClass(fs::path ledsDir, std::string function) : dir_(std::move(ledsDir)), fn_(std::move(function)) {}
    std::string name() const override { return "led-class"; }
    std::string target() const override { return (dir_ / fn_).string(); }
    bool supports(Indicator i) const override { return pathExists(path(i)); }
    Result<std::optional<bool>> get(Indicator i) override { return readBool(name(), path(i)); }
    Result<void> set(Indicator i, bool on) override { return writeAndVerify(name(), path(i), on ? "1" : "0", sameOnOff); }

private:
    fs::path path(Indicator i) const {
        const char* n = i == Indicator::locate ? "locate" : i == Indicator::fault ? "fail" : "rebuild";
        return dir_ / (fn_ + ":enclosure:" + n) / "brightness";
    }
    fs::path dir_;
    std::string fn_;
};

// ----------------------------------------------------------------------------------- controller

class ControllerLed final : public LedBackend {
public:
    ControllerLed(const Context& ctx, DriveAddress a, std::optional<bool> known)
        : ctx_(ctx), addr_(std::move(a)), known_(known) {}
    std::string name() const override { return "controller"; }
    std::string target() const override {
        return addr_.kind + "|" + addr_.controller + "|" + addr_.address + "|" + addr_.expectedSerial.value_or("");
    }
    bool supports(Indicator i) const override { return i == Indicator::locate; }
    Result<std::optional<bool>> get(Indicator) override { return known_; }
    Result<void> set(Indicator, bool on) override {
        // runControllerAction reads the drive back through the tool and fails if it did not change.
        // Lighting checks the serial (the wrong drive must not blink); turning off does not: the
        // light is the bay's, and the drive in the bay may be the replacement by now.
        DriveAddress a = addr_;
        if (!on) a.expectedSerial.reset();
        auto r = runControllerAction(ctx_, a, on ? ControllerAction::locateOn : ControllerAction::locateOff);
        if (!r) return tl::unexpected(Error(r.error().code, name() + " (" + addr_.kind + " " + addr_.address + "): " + r.error().message));
        known_ = on;
        return {};
    }

private:
    const Context& ctx_;
    DriveAddress addr_;
    std::optional<bool> known_;
};

// --------------------------------------------------------------------------------------- ledctl

class Ledctl final : public LedBackend {
public:
    Ledctl(const Context& ctx, std::string devnode) : ctx_(ctx), node_(std::move(devnode)) {}
    std::string name() const override { return "ledctl"; }
    std::string target() const override { return node_; }
    bool supports(Indicator) const override { return ctx_.runner != nullptr; }
    // ledctl(8) sets patterns but has no way to read a SAS/SATA slot's state back.
    Result<std::optional<bool>> get(Indicator) override { return std::optional<bool>{}; }
    Result<void> set(Indicator i, bool on) override {
        // IBPI pattern names of ledctl(8); "normal" clears every pattern of the device.
        const char* pattern = on ? (i == Indicator::locate ? "locate" : i == Indicator::fault ? "failure" : "rebuild")
                                 : (i == Indicator::locate ? "locate_off" : "normal");
        // --listed-only: without it ledctl turns off the lights of every device not named.
        std::vector<std::string> argv = {"ledctl", "--listed-only", std::string(pattern) + "=" + node_};
        auto r = ctx_.runner->run(argv, kToolTimeout);
        const std::string cmd = "ledctl --listed-only " + argv[2];
        if (!r) return tl::unexpected(Error(r.error().code, name() + ": " + cmd + ": " + r.error().message));
        if (r->exitStatus != 0)
            return fail(errc::command_failed, name() + ": " + cmd + ": exit status " + std::to_string(r->exitStatus) + ": " +
                                                  quoteForError(trim(r->err.empty() ? r->out : r->err), 200));
        return {};
    }

private:
    const Context& ctx_;
    std::string node_;
};

// --------------------------------------------------------------------------------------- ses-sg

class SgTransport final : public SesTransport {
public:
    SgTransport(const Context& ctx, std::string node, fs::path sysDir) : ctx_(ctx), node_(std::move(node)), sys_(std::move(sysDir)) {}
    std::string node() const override { return node_; }
    Result<std::vector<std::uint8_t>> receive(std::uint8_t page) override {
        auto fd = open();
        if (!fd) return tl::unexpected(fd.error());
        std::vector<std::uint8_t> buf(kMaxSesPage, 0);
        int resid = 0;
        int r = sg_ll_receive_diag_v2(fd->get(), true, page, buf.data(), kMaxSesPage, kSesTimeoutSec, &resid, false, 0);
        if (r != 0) return tl::unexpected(sgError("RECEIVE DIAGNOSTIC RESULTS page " + std::to_string(page), r));
        buf.resize(static_cast<std::size_t>(kMaxSesPage - std::clamp(resid, 0, kMaxSesPage)));
        return buf;
    }
    Result<void> send(const std::vector<std::uint8_t>& page) override {
        auto fd = open();
        if (!fd) return tl::unexpected(fd.error());
        std::vector<std::uint8_t> copy = page;  // sg_ll_send_diag takes a non-const pointer
        int r = sg_ll_send_diag(fd->get(), 0, true, false, false, false, 0, copy.data(), static_cast<int>(copy.size()), false, 0);
        if (r != 0) return tl::unexpected(sgError("SEND DIAGNOSTIC (Enclosure Control)", r));
        return {};
    }

private:
    // O_RDONLY (openDeviceNode's only mode): the sg driver then allows SEND DIAGNOSTIC only with
    // CAP_SYS_RAWIO (sg_allow_access -> scsi_cmd_allowed), which LED control needs anyway.
    Result<Fd> open() const { return openDeviceNode(ctx_, node_, sys_, NodeKind::character); }
    Error sgError(const std::string& what, int r) const {
        if (r == -1 && errno != 0) return Error(fromErrno(errno), "ses-sg: " + node_ + ": " + what + ": " + std::strerror(errno));
        char text[128];
        sg_get_category_sense_str(r, sizeof text, text, 0);
        errc e = (r == SG_LIB_CAT_INVALID_OP || r == SG_LIB_CAT_ILLEGAL_REQ) ? errc::unsupported : errc::command_failed;
        return Error(e, "ses-sg: " + node_ + ": " + what + ": " + printable(text));
    }
    const Context& ctx_;
    std::string node_;
    fs::path sys_;
};

class SesSg final : public LedBackend {
public:
    SesSg(std::unique_ptr<SesTransport> t, SesElementKey key) : t_(std::move(t)), key_(std::move(key)) {}
    std::string name() const override { return "ses-sg"; }
    std::string target() const override {
        if (key_.slotNumber) return t_->node() + "|slot=" + std::to_string(*key_.slotNumber);
        if (key_.descriptor) return t_->node() + "|descriptor=" + *key_.descriptor;
        return t_->node() + "|element=" + std::to_string(key_.element.value_or(-1));
    }
    bool supports(Indicator) const override { return true; }
    Result<std::optional<bool>> get(Indicator i) override {
        auto s = load();
        if (!s) return tl::unexpected(s.error());
        return std::optional<bool>(value(s->element, i));
    }
    Result<void> set(Indicator i, bool on) override {
        auto s = load();
        if (!s) return tl::unexpected(s.error());
        if (i == Indicator::rebuild && s->cfg.types[static_cast<std::size_t>(s->element.typeIndex)].type != ses::kTypeArrayDeviceSlot)
            return fail(errc::unsupported, name() + ": " + target() + ": a device slot element has no rebuild indication");
        ses::SlotRequest req{s->element.ident, s->element.faultRequested, s->element.rebuildRemap};
        (i == Indicator::locate ? req.ident : i == Indicator::fault ? req.fault : req.rebuild) = on;
        auto page = ses::buildSlotControl(s->cfg, s->status, s->element, req);
        if (!page) return tl::unexpected(Error(page.error().code, name() + ": " + t_->node() + ": " + page.error().message));
        if (auto r = t_->send(*page); !r) return tl::unexpected(r.error());
        auto after = load();
        if (!after) return tl::unexpected(after.error());
        if (value(after->element, i) != on)
            return fail(errc::io_error, name() + ": " + target() + ": the enclosure accepted the control page but the element's " +
                                            std::string(toString(i)) + " bit reads back " + (on ? "off" : "on"));
        return {};
    }

private:
    struct State {
        ses::Configuration cfg;
        std::vector<std::uint8_t> status;
        ses::SlotElement element;
    };
    static bool value(const ses::SlotElement& e, Indicator i) {
        return i == Indicator::locate ? e.ident : i == Indicator::fault ? e.faultRequested : e.rebuildRemap;
    }
    Result<State> load() {
        auto p1 = t_->receive(ses::kPageConfiguration);
        if (!p1) return tl::unexpected(p1.error());
        auto cfg = ses::parseConfiguration(*p1);
        if (!cfg) return tl::unexpected(Error(cfg.error().code, name() + ": " + t_->node() + ": " + cfg.error().message));
        auto p2 = t_->receive(ses::kPageStatus);
        if (!p2) return tl::unexpected(p2.error());
        // Pages 07h and 0Ah are optional in SES; an enclosure without them is addressed by order.
        auto p7 = t_->receive(ses::kPageDescriptor);
        auto pa = t_->receive(ses::kPageAdditional);
        std::vector<std::uint8_t> none;
        auto slots = ses::parseSlots(*cfg, *p2, p7 ? *p7 : none, pa ? *pa : none);
        if (!slots) return tl::unexpected(Error(slots.error().code, name() + ": " + t_->node() + ": " + slots.error().message));
        auto it = std::find_if(slots->begin(), slots->end(), [&](const ses::SlotElement& e) {
            if (key_.slotNumber && e.slotNumber) return *e.slotNumber == *key_.slotNumber;
            if (key_.descriptor && e.descriptor) return *e.descriptor == *key_.descriptor;
            return key_.element && e.index == *key_.element;
        });
        if (it == slots->end()) return fail(errc::not_found, name() + ": " + target() + ": no such slot element in the enclosure");
        return State{std::move(*cfg), std::move(*p2), *it};
    }
    std::unique_ptr<SesTransport> t_;
    SesElementKey key_;
};

bool under(const fs::path& p, const fs::path& root) {
    auto rel = p.lexically_normal().lexically_relative(root.lexically_normal());
    return !rel.empty() && !rel.native().starts_with("..");
}

/// An absolute path as raidmon writes it into a lease: no ".", "..", empty component or trailing
/// slash, so what it names is what it says.
bool cleanPath(const fs::path& p) {
    if (!p.is_absolute() || p.native().find("//") != std::string::npos || p.native().size() < 2 || p.native().back() == '/') return false;
    for (const auto& c : p.relative_path())
        if (c == "." || c == "..") return false;
    return true;
}

/// `p` is exactly `dir`/NAME (one component below `dir`).
bool directlyIn(const fs::path& p, const fs::path& dir) { return cleanPath(p) && p.parent_path() == dir.lexically_normal(); }

/// A PCI function address as the kernel names LED class devices after it ("0000:5e:00.0"; VMD
/// domains have five or more hex digits).
bool pciFunction(std::string_view s) {
    const auto parts = split(s, ':');
    if (parts.size() != 3 || parts[0].size() < 4 || parts[0].size() > 8 || parts[1].size() != 2) return false;
    auto hexOnly = [](std::string_view h) { return !h.empty() && h.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos; };
    const auto dev = parts[2];
    return hexOnly(parts[0]) && hexOnly(parts[1]) && dev.size() == 4 && hexOnly(dev.substr(0, 2)) && dev[2] == '.' && dev[3] >= '0' &&
           dev[3] <= '7';
}

/// Printable ASCII without spaces at the ends and without the lease separator '|'.
bool plainField(std::string_view s) {
    if (s.empty() || s.size() > 128 || isSpace(s.front()) || isSpace(s.back())) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f && c != '|'; });
}

/// A device node name as the kernel makes them ("sdc", "nvme0n1", "sg3", "cciss!c0d0").
bool nodeName(std::string_view s) {
    return !s.empty() && s.size() <= 64 && s.front() != '-' && s != "." && s != ".." &&
           std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == '!' || c == ':'; });
}

/// The element directory of an enclosure class device, as scanEnclosures finds them: its parent
/// has the enclosure's `components` attribute and it is an "array device" or "device" element
/// (its `type`), which is what raidmon lights (drivers/misc/enclosure.c).
bool sesSlotDir(const fs::path& p) {
    if (!cleanPath(p) || !pathExists(p.parent_path() / "components")) return false;
    auto type = attr(p, "type");
    return type && (*type == "array device" || *type == "device");
}

} // namespace

std::string_view toString(Indicator i) noexcept {
    switch (i) {
    case Indicator::locate: return "locate";
    case Indicator::fault: return "fault";
    case Indicator::rebuild: return "rebuild";
    }
    return "?";
}

std::optional<Indicator> indicatorOf(LedPattern p) noexcept {
    switch (p) {
    case LedPattern::locate: return Indicator::locate;
    case LedPattern::fault: return Indicator::fault;
    case LedPattern::rebuild: return Indicator::rebuild;
    case LedPattern::off: break;
    }
    return std::nullopt;
}

std::unique_ptr<SesTransport> makeSgTransport(const Context& ctx, const std::string& sgNode, const fs::path& sgSysDir) {
    return std::make_unique<SgTransport>(ctx, sgNode, sgSysDir);
}
std::unique_ptr<LedBackend> makeSesSgBackend(std::unique_ptr<SesTransport> t, SesElementKey key) {
    return std::make_unique<SesSg>(std::move(t), std::move(key));
}
std::unique_ptr<LedBackend> makeSesSysfsBackend(const fs::path& dir) { return std::make_unique<SesSysfs>(dir); }
std::unique_ptr<LedBackend> makePcieAttentionBackend(const fs::path& dir) { return std::make_unique<PcieAttention>(dir); }
std::unique_ptr<LedBackend> makeLedClassBackend(const fs::path& leds, const std::string& fn) { return std::make_unique<LedClass>(leds, fn); }
std::unique_ptr<LedBackend> makeControllerBackend(const Context& ctx, DriveAddress a, std::optional<bool> known) {
    return std::make_unique<ControllerLed>(ctx, std::move(a), known);
}
std::unique_ptr<LedBackend> makeLedctlBackend(const Context& ctx, const std::string& devnode) {
    return std::make_unique<Ledctl>(ctx, devnode);
}

Result<std::unique_ptr<LedBackend>> backendFromLease(const Context& ctx, const LedLease& l) {
    auto refuse = [&](const std::string& why) {
        return fail(errc::refused, "lease of " + l.enclosure + ":" + std::to_string(l.slot) + " (" + l.backend + " " + l.target + "): " + why);
    };
    // The lease file is state another process wrote: each target must be one that backend could
    // have recorded, never just any file below /sys or /dev (docs/security.md).
    const fs::path t = l.target;
    if (l.backend == "ses-sysfs") {
        if (!under(t, ctx.paths.sys) || !sesSlotDir(t)) return refuse("not a device element of an enclosure");
        return makeSesSysfsBackend(t);
    }
    if (l.backend == "pcie-attention") {
        if (!directlyIn(t, ctx.paths.sys / "bus" / "pci" / "slots")) return refuse("not a slot directory in " + (ctx.paths.sys / "bus/pci/slots").string());
        return makePcieAttentionBackend(t);
    }
    if (l.backend == "led-class") {
        if (!directlyIn(t, ctx.paths.sys / "class" / "leds") || !pciFunction(t.filename().native()))
            return refuse("not " + (ctx.paths.sys / "class/leds").string() + "/<PCI function>");
        return makeLedClassBackend(t.parent_path(), t.filename().string());
    }
    if (l.backend == "ses-sg") {
        auto parts = split(l.target, '|');
        if (parts.size() != 2) return refuse("not '<sg node>|slot=N'");
        const fs::path node{std::string(parts[0])};
        if (!directlyIn(node, ctx.paths.dev) || !startsWith(node.filename().native(), "sg") ||
            !parseInt<unsigned>(node.filename().native().substr(2)))
            return refuse("not an sg node in " + ctx.paths.dev.string());
        SesElementKey key;
        if (startsWith(parts[1], "slot=")) {
            key.slotNumber = parseInt<int>(parts[1].substr(5));
            if (!key.slotNumber) return refuse("bad slot number");
        } else if (startsWith(parts[1], "descriptor=")) {
            key.descriptor = std::string(parts[1].substr(11));
        } else if (startsWith(parts[1], "element=")) {
            key.element = parseInt<int>(parts[1].substr(8));
            if (!key.element) return refuse("bad element index");
        } else {
            return refuse("no slot=N, descriptor=TEXT or element=N");
        }
        auto sgName = node.filename();
        return makeSesSgBackend(makeSgTransport(ctx, node.string(), ctx.paths.sys / "class" / "scsi_generic" / sgName), std::move(key));
    }
    if (l.backend == "controller") {
        auto parts = split(l.target, '|');
        if (parts.size() != 4) return refuse("not 'kind|controller|address|serial'");
        if (parts[0] != "megaraid" && parts[0] != "smartarray" && parts[0] != "adaptec") return refuse("unknown controller kind");
        if (!plainField(parts[1]) || !plainField(parts[2]) || (!parts[3].empty() && !plainField(parts[3])))
            return refuse("a field is empty or holds control characters");
        DriveAddress a{std::string(parts[0]), std::string(parts[1]), std::string(parts[2]), std::nullopt};
        if (!parts[3].empty()) a.expectedSerial = std::string(parts[3]);
        return makeControllerBackend(ctx, std::move(a), std::nullopt);
    }
    if (l.backend == "ledctl") {
        if (!under(t, ctx.paths.dev) || !cleanPath(t) || !nodeName(t.filename().native())) return refuse("not a device node under " + ctx.paths.dev.string());
        return makeLedctlBackend(ctx, l.target);
    }
    return fail(errc::invalid_argument, "lease of " + l.enclosure + ":" + std::to_string(l.slot) + ": unknown backend " +
                                            quoteForError(l.backend));
}

std::vector<std::unique_ptr<LedBackend>> backendsFor(const Context& ctx, const Inventory& inv, const Bay& bay) {
    std::vector<std::unique_ptr<LedBackend>> out;
    const Enclosure* enc = nullptr;
    for (const auto& e : inv.enclosures)
        if (e.id == bay.enclosure) enc = &e;
    if (!enc) return out;
    const Slot* slot = nullptr;
    for (const auto& s : enc->slots)
        if (s.index == bay.slot) slot = &s;
    if (!slot) return out;
    if (enc->kind == "ses") {
        if (slot->sysPath) out.push_back(makeSesSysfsBackend(*slot->sysPath));
        // The same enclosure through its SCSI generic node, for what the enclosure class lacks
        // (rebuild) or a component without locate/fault attributes.
        if (enc->sysPath) {
            fs::path sesDev = fs::path(*enc->sysPath).parent_path().parent_path();
            for (const auto& sg : listDir(sesDev / "scsi_generic")) {
                SesElementKey key;
                if (pathExists(fs::path(slot->sysPath.value_or("")) / "slot")) key.slotNumber = slot->index;
                key.descriptor = slot->label;
                out.push_back(makeSesSgBackend(makeSgTransport(ctx, (ctx.paths.dev / sg).string(), sesDev / "scsi_generic" / sg),
                                               std::move(key)));
            }
        }
    } else if (enc->kind == "ses-sg" && enc->sysPath) {
        // Not bound by the kernel: SG_IO is the only way to its lights.
        const fs::path dev = *enc->sysPath;
        for (const auto& sg : listDir(dev / "scsi_generic")) {
            SesElementKey key{slot->index, slot->label, slot->index};
            out.push_back(makeSesSgBackend(makeSgTransport(ctx, (ctx.paths.dev / sg).string(), dev / "scsi_generic" / sg), std::move(key)));
            break;
        }
    } else if (enc->kind == "pcie-slots" && slot->sysPath) {
        auto address = attr(*slot->sysPath, "address");
        std::string fn = slot->pciAddress.value_or(address ? (address->size() == 10 ? *address + ".0" : *address) : "");
        if (!fn.empty()) {
            auto led = makeLedClassBackend(ctx.paths.sys / "class" / "leds", fn);
            if (led->supports(Indicator::locate) || led->supports(Indicator::fault)) out.push_back(std::move(led));
        }
        out.push_back(makePcieAttentionBackend(*slot->sysPath));
    }
    const Drive* drive = nullptr;
    for (const auto& d : inv.drives)
        if (slot->drive && d.id == *slot->drive) drive = &d;
    if (drive) {
        if (auto a = addressOf(*drive)) out.push_back(makeControllerBackend(ctx, *a, slot->locate));
        if (drive->devnode && ctx.runner) out.push_back(makeLedctlBackend(ctx, *drive->devnode));
    }
    return out;
}

} // namespace raidmon::detail
