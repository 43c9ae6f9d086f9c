// SPDX-License-Identifier: LGPL-2.1-or-later
// Console devices from sysfs: the USB device's IDs and strings, its interfaces' classes, and the
// sourced ID table of console_ids.hpp.
#include <raidmon/console.hpp>

#include <algorithm>
#include <ctime>
#include <random>

#include "console/console_ids.hpp"
#include "console/console_json.hpp"
#include "core/strutil.hpp"
#include "core/sysfs.hpp"

namespace raidmon {

namespace {

/// Verification code alphabet: digits and capitals without the look-alikes 0/O, 1/I/L, 2/Z,
/// 5/S, 8/B (and U/V), so a code read off a remote console's video is read right.
constexpr std::string_view kCodeAlphabet = "3469ACDEFGHJKMNPQRTWXY";

std::optional<std::uint16_t> hex16(std::string_view s) {
    if (s.size() != 4) return std::nullopt;
    return detail::parseInt<std::uint16_t>(s, 16);
}

std::string hex4(std::uint16_t v) {
    static constexpr char d[] = "0123456789abcdef";
    return {d[(v >> 12) & 15], d[(v >> 8) & 15], d[(v >> 4) & 15], d[v & 15]};
}

bool has(std::span<const std::string> fs, std::string_view f) { return std::find(fs.begin(), fs.end(), f) != fs.end(); }

/// A device path split into the sysfs root it is under (Paths::sys, or "/sys" as libudev names
/// it) and the part below it ("devices/..."), so the walk up works the same in a testbed, an
/// unpacked recording (whose device source gives paths under Paths::sys) and on a host.
struct SysPath {
    std::filesystem::path root;
    std::string rel;
    [[nodiscard]] std::filesystem::path dir(const Context& ctx) const { return ctx.paths.sys / rel; }
    [[nodiscard]] std::string full() const { return (root / rel).string(); }
};

SysPath splitSysPath(const Context& ctx, std::string_view syspath) {
    const std::string sys = ctx.paths.sys.string();
    for (const std::string& root : {sys, std::string("/sys")})
        if (syspath.size() > root.size() && detail::startsWith(syspath, root) && syspath[root.size()] == '/')
            return {root, std::string(syspath.substr(root.size() + 1))};
    return {ctx.paths.sys, std::string(syspath.starts_with('/') ? syspath.substr(1) : syspath)};
}

std::filesystem::path sysDir(const Context& ctx, const std::string& syspath) { return splitSysPath(ctx, syspath).dir(ctx); }
} // namespace

std::string_view toString(ConsoleClass c) noexcept {
    switch (c) {
    case ConsoleClass::ipKvm: return "ip_kvm";
    case ConsoleClass::kvmSwitch: return "kvm_switch";
    case ConsoleClass::bmcConsole: return "bmc_console";
    case ConsoleClass::remoteConsole: return "remote_console";
    case ConsoleClass::usbGadget: return "usb_gadget";
    case ConsoleClass::virtualMachine: return "virtual_machine";
    case ConsoleClass::keyboard: return "keyboard";
    case ConsoleClass::pointer: return "pointer";
    case ConsoleClass::massStorage: return "mass_storage";
    case ConsoleClass::videoCapture: return "video_capture";
    }
    return "pointer";
}

std::span<const ConsoleIdRow> consoleIdTable() noexcept { return detail::console::kConsoleIds; }

std::optional<ConsoleMatch> classifyConsole(std::uint16_t vendor, std::uint16_t product, std::span<const std::string> functions) {
    const auto table = consoleIdTable();
    auto row = std::find_if(table.begin(), table.end(), [&](const ConsoleIdRow& r) { return r.vendor == vendor && r.product == product; });
    if (row == table.end())
        row = std::find_if(table.begin(), table.end(), [&](const ConsoleIdRow& r) { return r.vendor == vendor && !r.product; });
    if (row != table.end()) return ConsoleMatch{row->classification, std::string(row->name), std::string(row->source)};
    const std::string src = "USB interface class (" + hex4(vendor) + ":" + hex4(product) + " is not in the console ID table)";
    if (has(functions, "keyboard")) return ConsoleMatch{ConsoleClass::keyboard, "HID keyboard", src};
    if (has(functions, "mouse") || has(functions, "hid")) return ConsoleMatch{ConsoleClass::pointer, has(functions, "mouse") ? "HID mouse" : "HID device", src};
    if (has(functions, "video_capture")) return ConsoleMatch{ConsoleClass::videoCapture, "USB video device", src};
    if (has(functions, "mass_storage")) return ConsoleMatch{ConsoleClass::massStorage, "USB mass storage", src};
    return std::nullopt;
}

std::vector<std::string> consoleFunctions(const Context& ctx, const std::string& usbSyspath) {
    const auto dir = sysDir(ctx, usbSyspath);
    const std::string port = dir.filename().string();
    bool kbd = false, mouse = false, hid = false, storage = false, video = false;
    for (const auto& n : detail::listDir(dir)) {
        // Interfaces are "<port>:<configuration>.<interface>"; child devices ("1-4.2") are not ours.
        if (!detail::startsWith(n, port + ":")) continue;
        const auto cls = detail::attr(dir / n, "bInterfaceClass");
        if (!cls) continue;
        const auto c = detail::parseInt<unsigned>(*cls, 16);
        const auto proto = detail::attr(dir / n, "bInterfaceProtocol");
        const auto p = proto ? detail::parseInt<unsigned>(*proto, 16) : std::nullopt;
        if (c == 0x03u) {
            if (p == 1u) kbd = true;
            else if (p == 2u) mouse = true;
            else hid = true;
        } else if (c == 0x08u) {
            storage = true;
        } else if (c == 0x0eu) {
            video = true;
        }
    }
    std::vector<std::string> out;
    if (kbd) out.emplace_back("keyboard");
    if (mouse) out.emplace_back("mouse");
    if (hid) out.emplace_back("hid");
    if (storage) out.emplace_back("mass_storage");
    if (video) out.emplace_back("video_capture");
    return out;
}

std::optional<std::string> usbDeviceOf(const Context& ctx, const DeviceRecord& rec) {
    if (rec.syspath.empty()) return std::nullopt;
    SysPath p = splitSysPath(ctx, rec.syspath);
    // Up the device path: the input device, the HID device, the interface (1-4:1.0), then the USB
    // device (1-4), the first with idVendor. Root hubs (usbN) have one too but are no consoles.
    while (detail::startsWith(p.rel, "devices/")) {
        const auto dir = p.dir(ctx);
        if (detail::pathExists(dir / "idVendor") && detail::pathExists(dir / "idProduct")) {
            if (detail::startsWith(dir.filename().string(), "usb")) return std::nullopt;
            return p.full();
        }
        const auto slash = p.rel.rfind('/');
        if (slash == std::string::npos) break;
        p.rel.resize(slash);
    }
    return std::nullopt;
}

bool detail::consoleInterfacesComplete(const Context& ctx, const std::string& usbSyspath) {
    const auto dir = sysDir(ctx, usbSyspath);
    const std::string port = dir.filename().string();
    std::size_t interfaces = 0;
    // An interface counts once its class and protocol can be read (a directory being filled in,
    // as a testbed does it, is not there yet).
    for (const auto& n : detail::listDir(dir))
        if (detail::startsWith(n, port + ":") && detail::attr(dir / n, "bInterfaceClass") && detail::attr(dir / n, "bInterfaceProtocol")) ++interfaces;
    const auto announced = detail::attr(dir, "bNumInterfaces");
    const auto want = announced ? detail::parseInt<std::size_t>(*announced) : std::nullopt;
    return interfaces > 0 && (!want || interfaces >= *want);
}

Result<ConsoleDevice> describeConsole(const Context& ctx, const std::string& usbSyspath) {
    const auto dir = sysDir(ctx, usbSyspath);
    const auto v = detail::attr(dir, "idVendor");
    const auto p = detail::attr(dir, "idProduct");
    if (!v || !p) return fail(errc::not_found, usbSyspath + ": no idVendor/idProduct (not a USB device, or gone)");
    const auto vid = hex16(*v), pid = hex16(*p);
    if (!vid || !pid)
        return fail(errc::invalid_argument, usbSyspath + ": idVendor " + detail::quoteForError(*v) + " / idProduct " + detail::quoteForError(*p) +
                                                " are not 4 hex digits");
    ConsoleDevice d;
    d.syspath = usbSyspath;
    d.port = dir.filename().string();
    d.vendorId = hex4(*vid);
    d.productId = hex4(*pid);
    d.manufacturer = detail::textAttr(dir, "manufacturer");
    d.product = detail::textAttr(dir, "product");
    d.serial = detail::textAttr(dir, "serial");
    d.functions = consoleFunctions(ctx, usbSyspath);
    auto m = classifyConsole(*vid, *pid, d.functions);
    if (!m) return fail(errc::unsupported, usbSyspath + " (" + d.vendorId + ":" + d.productId + "): no keyboard, mouse, storage or video interface");
    d.match = std::move(*m);
    return d;
}

Result<std::vector<ConsoleDevice>> scanConsoles(const Context& ctx) {
    if (!ctx.devices) return fail(errc::unsupported, "scanConsoles: the context has no device source");
    auto recs = ctx.devices->enumerate("usb");
    if (!recs) return tl::unexpected(recs.error());
    std::vector<ConsoleDevice> out;
    for (const auto& r : *recs) {
        if (r.devtype != "usb_device" && !detail::pathExists(sysDir(ctx, r.syspath) / "idVendor")) continue;
        if (detail::startsWith(r.sysname, "usb")) continue;  // root hubs
        auto d = describeConsole(ctx, r.syspath);
        if (d) out.push_back(std::move(*d));
        else if (!d.error().is(errc::unsupported) && !d.error().is(errc::not_found)) ctx.logAt(LogLevel::warning, "console device: " + d.error().message);
    }
    std::sort(out.begin(), out.end(), [](const ConsoleDevice& a, const ConsoleDevice& b) { return a.port < b.port; });
    return out;
}

std::string newVerificationCode() {
    thread_local std::random_device rd;
    std::uniform_int_distribution<std::size_t> pick(0, kCodeAlphabet.size() - 1);
    std::string c;
    for (int i = 0; i < 6; ++i) {
        if (i == 3) c += '-';
        c += kCodeAlphabet[pick(rd)];
    }
    return c;
}

bool isVerificationCode(std::string_view code) noexcept {
    if (code.size() != 7 || code[3] != '-') return false;
    for (std::size_t i = 0; i < code.size(); ++i)
        if (i != 3 && kCodeAlphabet.find(code[i]) == std::string_view::npos) return false;
    return true;
}

detail::Json detail::consoleJson(const ConsoleDevice& d) {
    return detail::Json{{"vendor_id", d.vendorId},
                        {"product_id", d.productId},
                        {"manufacturer", detail::opt(d.manufacturer)},
                        {"product", detail::opt(d.product)},
                        {"serial", detail::opt(d.serial)},
                        {"port", d.port},
                        {"syspath", d.syspath},
                        {"functions", d.functions},
                        {"classification", toString(d.match.classification)},
                        {"classification_name", d.match.name},
                        {"classification_source", d.match.source}};
}

std::string detail::utcSeconds(std::chrono::system_clock::time_point t) {
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

namespace {

/// A value for the card's text: printable, "unknown" when absent; for agetty, backslashes doubled.
std::string issueValue(const std::optional<std::string>& v, bool agetty) {
    if (!v || v->empty()) return "unknown";
    std::string out;
    for (char c : detail::printable(*v)) {
        out += c;
        if (agetty && c == '\\') out += '\\';
    }
    return out;
}

/// Strict readers of identity.json's fields: a missing or mistyped field names itself.
struct CardReader {
    const detail::Json& j;
    std::string origin;
    Error bad(std::string_view field, std::string_view want) const {
        return Error(errc::parse_error, origin + ": field \"" + std::string(field) + "\" must be " + std::string(want));
    }
    Result<std::optional<std::string>> optStr(const detail::Json& o, std::string_view f) const {
        auto it = o.find(f);
        if (it == o.end() || it->is_null()) return std::optional<std::string>();
        if (!it->is_string()) return tl::unexpected(bad(f, "a string or null"));
        return std::optional<std::string>(it->get<std::string>());
    }
    Result<std::string> str(const detail::Json& o, std::string_view f) const {
        auto it = o.find(f);
        if (it == o.end() || !it->is_string()) return tl::unexpected(bad(f, "a string"));
        return it->get<std::string>();
    }
    Result<std::vector<std::string>> strs(const detail::Json& o, std::string_view f) const {
        auto it = o.find(f);
        if (it == o.end() || !it->is_array()) return tl::unexpected(bad(f, "an array of strings"));
        std::vector<std::string> out;
        for (const auto& v : *it) {
            if (!v.is_string()) return tl::unexpected(bad(f, "an array of strings"));
            out.push_back(v.get<std::string>());
        }
        return out;
    }
};

#define RAIDMON_CARD_TRY(dst, expr)                  \
    do {                                             \
        auto r_ = (expr);                            \
        if (!r_) return tl::unexpected(r_.error());  \
        dst = std::move(*r_);                        \
    } while (0)

} // namespace

std::string toJson(const ConsoleDevice& d, int indent) { return detail::consoleJson(d).dump(indent, ' ', false, detail::Json::error_handler_t::replace); }

std::string renderIssue(const IdentityCard& c, bool agettyEscapes) {
    std::string s;
    auto line = [&](std::string_view label, const std::optional<std::string>& v) {
        s += std::string(label);
        s.append(label.size() < 20 ? 20 - label.size() : 1, ' ');
        s += issueValue(v, agettyEscapes) + "\n";
    };
    s += "raidmon: this is\n";
    line("Host:", c.hostname);
    line("Product serial:", c.productSerial);
    line("Asset tag:", c.assetTag);
    line("Machine id:", c.machineId);
    line("BMC:", c.bmcIp ? std::optional<std::string>(*c.bmcIp + (c.bmcMac ? " (" + *c.bmcMac + ")" : "")) : c.bmcMac);
    line("Health:", c.health);
    if (c.openIncidents.empty()) line("Hot-swap:", std::string("no open incident"));
    for (const auto& i : c.openIncidents) line("Hot-swap:", i);
    for (const auto& d : c.consoles)
        line("Console:", std::string(toString(d.match.classification)) + " " + d.vendorId + ":" + d.productId + " " +
                             d.product.value_or(d.match.name) + " at USB port " + d.port);
    line("Verification code:", c.code.empty() ? std::nullopt : std::optional<std::string>(c.code));
    line("Code since:", detail::utcSeconds(c.codeSince) + " (" + c.codeReason + ")");
    s += "Compare the code with the one your panel shows for this host: the same code, the right server.\n\n";
    return s;
}

std::string toJson(const IdentityCard& c, int indent) {
    detail::Json consoles = detail::Json::array();
    for (const auto& d : c.consoles) consoles.push_back(detail::consoleJson(d));
    detail::Json j{{"machine_id", detail::opt(c.machineId)},
                   {"hostname", detail::opt(c.hostname)},
                   {"product_serial", detail::opt(c.productSerial)},
                   {"asset_tag", detail::opt(c.assetTag)},
                   {"bmc", detail::Json{{"ip", detail::opt(c.bmcIp)}, {"mac", detail::opt(c.bmcMac)}}},
                   {"health", c.health},
                   {"open_incidents", c.openIncidents},
                   {"consoles", std::move(consoles)},
                   {"verification_code", c.code.empty() ? detail::Json(nullptr) : detail::Json(c.code)},
                   {"code_since", detail::utcSeconds(c.codeSince)},
                   {"code_reason", c.codeReason}};
    return j.dump(indent, ' ', false, detail::Json::error_handler_t::replace);
}

Result<IdentityCard> parseIdentityCard(std::string_view json, std::string_view origin) {
    const detail::Json j = detail::Json::parse(json, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return fail(errc::parse_error, std::string(origin) + ": not a JSON object");
    const CardReader rd{j, std::string(origin)};
    IdentityCard c;
    RAIDMON_CARD_TRY(c.machineId, rd.optStr(j, "machine_id"));
    RAIDMON_CARD_TRY(c.hostname, rd.optStr(j, "hostname"));
    RAIDMON_CARD_TRY(c.productSerial, rd.optStr(j, "product_serial"));
    RAIDMON_CARD_TRY(c.assetTag, rd.optStr(j, "asset_tag"));
    auto bmc = j.find("bmc");
    if (bmc == j.end() || !bmc->is_object()) return tl::unexpected(rd.bad("bmc", "an object"));
    RAIDMON_CARD_TRY(c.bmcIp, rd.optStr(*bmc, "ip"));
    RAIDMON_CARD_TRY(c.bmcMac, rd.optStr(*bmc, "mac"));
    RAIDMON_CARD_TRY(c.health, rd.str(j, "health"));
    RAIDMON_CARD_TRY(c.openIncidents, rd.strs(j, "open_incidents"));
    std::optional<std::string> code;
    RAIDMON_CARD_TRY(code, rd.optStr(j, "verification_code"));
    c.code = code.value_or("");
    RAIDMON_CARD_TRY(c.codeReason, rd.str(j, "code_reason"));
    std::string since;
    RAIDMON_CARD_TRY(since, rd.str(j, "code_since"));
    std::tm tm{};
    if (since.size() != 20 || !strptime(since.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm)) return tl::unexpected(rd.bad("code_since", "a UTC time (2026-12-06T03:04:05Z)"));
    c.codeSince = std::chrono::system_clock::from_time_t(timegm(&tm));
    auto consoles = j.find("consoles");
    if (consoles == j.end() || !consoles->is_array()) return tl::unexpected(rd.bad("consoles", "an array"));
    for (const auto& o : *consoles) {
        if (!o.is_object()) return tl::unexpected(rd.bad("consoles", "an array of objects"));
        ConsoleDevice d;
        RAIDMON_CARD_TRY(d.vendorId, rd.str(o, "vendor_id"));
        RAIDMON_CARD_TRY(d.productId, rd.str(o, "product_id"));
        RAIDMON_CARD_TRY(d.manufacturer, rd.optStr(o, "manufacturer"));
        RAIDMON_CARD_TRY(d.product, rd.optStr(o, "product"));
        RAIDMON_CARD_TRY(d.serial, rd.optStr(o, "serial"));
        RAIDMON_CARD_TRY(d.port, rd.str(o, "port"));
        RAIDMON_CARD_TRY(d.syspath, rd.str(o, "syspath"));
        RAIDMON_CARD_TRY(d.functions, rd.strs(o, "functions"));
        RAIDMON_CARD_TRY(d.match.name, rd.str(o, "classification_name"));
        RAIDMON_CARD_TRY(d.match.source, rd.str(o, "classification_source"));
        std::string cls;
        RAIDMON_CARD_TRY(cls, rd.str(o, "classification"));
        bool known = false;
        for (int k = 0; k <= static_cast<int>(ConsoleClass::videoCapture); ++k)
            if (toString(static_cast<ConsoleClass>(k)) == cls) {
                d.match.classification = static_cast<ConsoleClass>(k);
                known = true;
            }
        if (!known) return tl::unexpected(rd.bad("consoles[].classification", "a console class (ip_kvm, bmc_console, ...), not " + detail::quoteForError(cls)));
        c.consoles.push_back(std::move(d));
    }
    return c;
}

} // namespace raidmon
