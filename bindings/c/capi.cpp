// SPDX-License-Identifier: LGPL-2.1-or-later
// The C API (raidmon/raidmon.h) over the public C++ API. Every entry point catches everything:
// an exception never crosses into C (a bug becomes RAIDMON_E_INTERNAL, out of memory
// RAIDMON_E_NO_MEMORY or NULL). Borrowed handles (raidmon_drive, raidmon_array, ...) are the C++
// model objects themselves, cast: the inventory that owns them keeps them alive.
#include <raidmon/raidmon.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <new>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <raidmon/agent_client.hpp>
#include <raidmon/decode.hpp>
#include <raidmon/inventory.hpp>
#include <raidmon/json.hpp>
#include <raidmon/led.hpp>
#include <raidmon/predict.hpp>
#include <raidmon/removal.hpp>
#include <raidmon/version.hpp>

#include "../common/operations.hpp"

namespace rm = raidmon;
namespace ops = raidmon::bindings;

namespace {

/// Reference counting shared by every handle.
struct Counted {
    std::atomic<int> refs{1};
};

template <typename T>
T* refOf(T* p) noexcept {
    if (p) p->refs.fetch_add(1, std::memory_order_relaxed);
    return p;
}

template <typename T>
T* unrefOf(T* p) noexcept {
    if (p && p->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete p;
    return nullptr;
}

int statusOf(const std::error_code& ec) noexcept {
    if (ec.category() != rm::category()) return RAIDMON_E_IO;
    switch (static_cast<rm::errc>(ec.value())) {
    case rm::errc::ok: return RAIDMON_OK;
    case rm::errc::device_gone: return RAIDMON_E_DEVICE_GONE;
    case rm::errc::parse_error: return RAIDMON_E_PARSE;
    case rm::errc::command_failed: return RAIDMON_E_COMMAND_FAILED;
    case rm::errc::command_timeout: return RAIDMON_E_COMMAND_TIMEOUT;
    case rm::errc::unsupported: return RAIDMON_E_UNSUPPORTED;
    case rm::errc::permission_denied: return RAIDMON_E_PERMISSION;
    case rm::errc::invalid_argument: return RAIDMON_E_INVALID_ARGUMENT;
    case rm::errc::io_error: return RAIDMON_E_IO;
    case rm::errc::not_found: return RAIDMON_E_NOT_FOUND;
    case rm::errc::refused: return RAIDMON_E_REFUSED;
    }
    return RAIDMON_E_IO;
}

const char* cstr(const std::optional<std::string>& s) noexcept { return s ? s->c_str() : nullptr; }

template <typename V>
const char* nth(const V& v, size_t i) noexcept {
    return i < v.size() ? v[i].c_str() : nullptr;
}

char* dupString(const std::string& s) noexcept {
    char* p = static_cast<char*>(std::malloc(s.size() + 1));
    if (p) std::memcpy(p, s.c_str(), s.size() + 1);
    return p;
}

/// A JSON rendering as a malloc'd string; NULL on any failure (out of memory).
template <typename F>
char* jsonOf(F&& render) noexcept {
    try {
        return dupString(render());
    } catch (...) {
        return nullptr;
    }
}

enum raidmon_health healthOf(rm::Health h) noexcept {
    switch (h) {
    case rm::Health::OK: return RAIDMON_HEALTH_OK;
    case rm::Health::Warning: return RAIDMON_HEALTH_WARNING;
    case rm::Health::Critical: return RAIDMON_HEALTH_CRITICAL;
    case rm::Health::Unknown: return RAIDMON_HEALTH_UNKNOWN;
    }
    return RAIDMON_HEALTH_UNKNOWN;
}

} // namespace

struct raidmon_context : Counted {
    std::string root, proc, etc, stateDir;
    bool noDeviceIo = false;
    raidmon_log_fn logFn = nullptr;
    void* logData = nullptr;
    std::string lastError;
    rm::Context ctx;

    /// The C++ context from the settings (built again after each change).
    void rebuild() {
        ctx = root.empty() ? rm::makeSystemContext() : rm::makeRootContext(root);
        if (!proc.empty()) ctx.paths.proc = proc;
        if (!etc.empty()) ctx.paths.etc = etc;
        if (noDeviceIo) ctx.deviceIo = rm::DeviceIo::none;
        if (logFn) {
            auto fn = logFn;
            void* data = logData;
            ctx.log = [fn, data](rm::LogLevel level, std::string_view msg) {
                const std::string line(msg);
                fn(data, static_cast<int>(level), line.c_str());
            };
        }
    }
    [[nodiscard]] std::filesystem::path stateDirectory() const { return stateDir.empty() ? "/var/lib/raidmon" : stateDir; }
};

struct raidmon_inventory : Counted {
    rm::Inventory inv;
    std::optional<std::string> format;  ///< set for a decoded capture
    std::size_t skipped = 0;
};

struct raidmon_params : Counted {
    std::vector<std::pair<std::string, std::string>> values;
};

struct raidmon_prediction : Counted {
    rm::RebuildResult result;
    std::vector<std::string> warnings;
};

struct raidmon_removal : Counted {
    rm::RemovalAssessment assessment;
};

struct raidmon_led_change : Counted {
    rm::LedChange change;
};

struct raidmon_events : Counted {
    std::vector<std::string> lines;
};

struct raidmon_smart_report : Counted {
    rm::Drive drive;
};

struct raidmon_identify_result : Counted {
    ops::IdentifyResult result;
};

struct raidmon_incidents : Counted {
    std::vector<rm::Incident> incidents;
};

struct raidmon_work_order : Counted {
    ops::HotswapAnswer answer;
};

struct raidmon_watch : Counted {
    raidmon_context* ctx = nullptr;
    std::unique_ptr<rm::EventWatch> watch;
    ~raidmon_watch() { unrefOf(ctx); }
};

namespace {

int setError(raidmon_context* ctx, int status, const std::string& message) noexcept {
    if (ctx) {
        try {
            ctx->lastError = message;
        } catch (...) {
            ctx->lastError.clear();
        }
    }
    return status;
}

int failWith(raidmon_context* ctx, const rm::Error& e) noexcept { return setError(ctx, statusOf(e.code), e.message); }

int nullArgument(raidmon_context* ctx, const char* function) noexcept {
    return setError(ctx, RAIDMON_E_INVALID_ARGUMENT, std::string(function) + ": a required argument is NULL");
}

/// Run `body` (returning a status) with every exception turned into a status.
template <typename F>
int guarded(raidmon_context* ctx, F&& body) noexcept {
    try {
        if (ctx) ctx->lastError.clear();
        return body();
    } catch (const std::bad_alloc&) {
        return setError(ctx, RAIDMON_E_NO_MEMORY, "out of memory");
    } catch (const std::exception& e) {
        return setError(ctx, RAIDMON_E_INTERNAL, std::string("internal error: ") + e.what());
    } catch (...) {
        return setError(ctx, RAIDMON_E_INTERNAL, "internal error");
    }
}

/// Set a directory setting of the context; `dir` must exist (NULL resets it).
int setDirectory(raidmon_context* ctx, const char* dir, std::string& field, const char* what) noexcept {
    return guarded(ctx, [&]() -> int {
        if (dir) {
            std::error_code ec;
            if (!std::filesystem::is_directory(dir, ec))
                return setError(ctx, RAIDMON_E_NOT_FOUND, std::string(what) + " " + dir + ": not a directory");
        }
        field = dir ? dir : "";
        ctx->rebuild();
        return RAIDMON_OK;
    });
}

/// The inventory to work on: the caller's, or a scan made now (owned by `holder`).
rm::Result<const raidmon_inventory*> inventoryFor(raidmon_context* ctx, const raidmon_inventory* given,
                                                  std::unique_ptr<raidmon_inventory>& holder) {
    if (given) return given;
    auto inv = rm::scanInventory(ctx->ctx);
    if (!inv) return tl::unexpected(inv.error());
    holder = std::make_unique<raidmon_inventory>();
    holder->inv = std::move(*inv);
    return holder.get();
}

rm::Result<std::string> readFile(const char* path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const int e = errno;
        return rm::fail(e == ENOENT ? rm::errc::not_found : rm::fromErrno(e), std::string(path) + ": cannot open: " + std::strerror(e));
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return rm::fail(rm::errc::io_error, std::string(path) + ": cannot read");
    return ss.str();
}

int decodeInto(raidmon_context* ctx, std::string_view text, const char* format, const std::string& name,
               raidmon_inventory** out) {
    auto c = rm::decode(text, format ? format : "auto");
    if (!c) return failWith(ctx, rm::Error(c.error().code, name + ": " + c.error().message));
    auto h = std::make_unique<raidmon_inventory>();
    h->format = c->format;
    h->skipped = c->skipped;
    h->inv.controllers = std::move(c->controllers);
    h->inv.enclosures = std::move(c->enclosures);
    h->inv.drives = std::move(c->drives);
    h->inv.arrays = std::move(c->arrays);
    h->inv.notes = std::move(c->notes);
    *out = h.release();
    return RAIDMON_OK;
}

const rm::Drive* D(const raidmon_drive* d) noexcept { return reinterpret_cast<const rm::Drive*>(d); }
const rm::Array* A(const raidmon_array* a) noexcept { return reinterpret_cast<const rm::Array*>(a); }
const rm::Controller* C(const raidmon_controller* c) noexcept { return reinterpret_cast<const rm::Controller*>(c); }
const rm::Enclosure* E(const raidmon_enclosure* e) noexcept { return reinterpret_cast<const rm::Enclosure*>(e); }
const rm::Slot* S(const raidmon_slot* s) noexcept { return reinterpret_cast<const rm::Slot*>(s); }
const rm::Incident* I(const raidmon_incident* i) noexcept { return reinterpret_cast<const rm::Incident*>(i); }
const raidmon_incident* handleOf(const rm::Incident& i) noexcept { return reinterpret_cast<const raidmon_incident*>(&i); }

/// The control socket a call names, else the context's state directory's.
std::filesystem::path socketOf(const raidmon_context* ctx, const char* socket) {
    return socket ? std::filesystem::path(socket) : rm::defaultControlSocket(ctx->stateDirectory());
}

/// Store a work order (or drop it when the caller passed no `out`).
int workOrderInto(raidmon_context* ctx, rm::Result<ops::HotswapAnswer>&& r, raidmon_work_order** out) {
    if (!r) return failWith(ctx, r.error());
    if (out) {
        auto h = std::make_unique<raidmon_work_order>();
        h->answer = std::move(*r);
        *out = h.release();
    }
    return RAIDMON_OK;
}

int triState(const std::optional<bool>& b) noexcept { return b ? (*b ? 1 : 0) : -1; }

template <typename T>
int64_t orMinusOne(const std::optional<T>& v) noexcept {
    if (!v || static_cast<unsigned long long>(*v) > static_cast<unsigned long long>(INT64_MAX)) return -1;
    return static_cast<int64_t>(*v);
}

const rm::ArrayMember* member(const raidmon_array* a, size_t i) noexcept {
    return a && i < A(a)->members.size() ? &A(a)->members[i] : nullptr;
}

} // namespace

extern "C" {

/* ---- library ---- */

const char* raidmon_version(void) { return rm::kVersion; }

const char* raidmon_status_name(int status) {
    switch (status) {
    case RAIDMON_OK: return "ok";
    case RAIDMON_E_DEVICE_GONE: return "device_gone";
    case RAIDMON_E_PARSE: return "parse_error";
    case RAIDMON_E_COMMAND_FAILED: return "command_failed";
    case RAIDMON_E_COMMAND_TIMEOUT: return "command_timeout";
    case RAIDMON_E_UNSUPPORTED: return "unsupported";
    case RAIDMON_E_PERMISSION: return "permission_denied";
    case RAIDMON_E_INVALID_ARGUMENT: return "invalid_argument";
    case RAIDMON_E_IO: return "io_error";
    case RAIDMON_E_NOT_FOUND: return "not_found";
    case RAIDMON_E_REFUSED: return "refused";
    case RAIDMON_E_NO_MEMORY: return "no_memory";
    case RAIDMON_E_AGAIN: return "again";
    case RAIDMON_E_INTERNAL: return "internal_error";
    default: return "unknown";
    }
}

void raidmon_free(void* p) { std::free(p); }

const char* raidmon_health_name(enum raidmon_health health) {
    switch (health) {
    case RAIDMON_HEALTH_OK: return "OK";
    case RAIDMON_HEALTH_WARNING: return "Warning";
    case RAIDMON_HEALTH_CRITICAL: return "Critical";
    case RAIDMON_HEALTH_UNKNOWN: return "Unknown";
    }
    return nullptr;
}

int raidmon_health_exit_code(enum raidmon_health health) {
    switch (health) {
    case RAIDMON_HEALTH_OK: return 0;
    case RAIDMON_HEALTH_WARNING: return 1;
    case RAIDMON_HEALTH_CRITICAL: return 2;
    case RAIDMON_HEALTH_UNKNOWN: return 3;
    }
    return 3;
}

/* ---- context ---- */

raidmon_context* raidmon_context_new(void) {
    try {
        auto c = std::make_unique<raidmon_context>();
        c->rebuild();
        return c.release();
    } catch (...) {
        return nullptr;
    }
}

raidmon_context* raidmon_context_ref(raidmon_context* ctx) { return refOf(ctx); }
raidmon_context* raidmon_context_unref(raidmon_context* ctx) { return unrefOf(ctx); }

int raidmon_context_set_root(raidmon_context* ctx, const char* dir) {
    if (!ctx) return RAIDMON_E_INVALID_ARGUMENT;
    return setDirectory(ctx, dir, ctx->root, "root");
}

int raidmon_context_set_proc(raidmon_context* ctx, const char* dir) {
    if (!ctx) return RAIDMON_E_INVALID_ARGUMENT;
    return setDirectory(ctx, dir, ctx->proc, "proc");
}

int raidmon_context_set_etc(raidmon_context* ctx, const char* dir) {
    if (!ctx) return RAIDMON_E_INVALID_ARGUMENT;
    return setDirectory(ctx, dir, ctx->etc, "etc");
}

int raidmon_context_set_state_dir(raidmon_context* ctx, const char* dir) {
    if (!ctx) return RAIDMON_E_INVALID_ARGUMENT;
    return guarded(ctx, [&]() -> int {
        ctx->stateDir = dir ? dir : "";
        return RAIDMON_OK;
    });
}

int raidmon_context_set_no_device_io(raidmon_context* ctx, int noDeviceIo) {
    if (!ctx) return RAIDMON_E_INVALID_ARGUMENT;
    return guarded(ctx, [&]() -> int {
        ctx->noDeviceIo = noDeviceIo != 0;
        ctx->rebuild();
        return RAIDMON_OK;
    });
}

int raidmon_context_set_log_fn(raidmon_context* ctx, raidmon_log_fn fn, void* userdata) {
    if (!ctx) return RAIDMON_E_INVALID_ARGUMENT;
    return guarded(ctx, [&]() -> int {
        ctx->logFn = fn;
        ctx->logData = userdata;
        ctx->rebuild();
        return RAIDMON_OK;
    });
}

const char* raidmon_context_last_error(const raidmon_context* ctx) { return ctx ? ctx->lastError.c_str() : ""; }

/* ---- inventory ---- */

int raidmon_scan(raidmon_context* ctx, raidmon_inventory** out) {
    if (!ctx || !out) return nullArgument(ctx, "raidmon_scan");
    return guarded(ctx, [&]() -> int {
        auto inv = rm::scanInventory(ctx->ctx);
        if (!inv) return failWith(ctx, inv.error());
        auto h = std::make_unique<raidmon_inventory>();
        h->inv = std::move(*inv);
        *out = h.release();
        return RAIDMON_OK;
    });
}

int raidmon_decode_file(raidmon_context* ctx, const char* path, const char* format, raidmon_inventory** out) {
    if (!ctx || !path || !out) return nullArgument(ctx, "raidmon_decode_file");
    return guarded(ctx, [&]() -> int {
        auto text = readFile(path);
        if (!text) return failWith(ctx, text.error());
        return decodeInto(ctx, *text, format, path, out);
    });
}

int raidmon_decode_buffer(raidmon_context* ctx, const void* data, size_t len, const char* format, raidmon_inventory** out) {
    if (!ctx || (!data && len) || !out) return nullArgument(ctx, "raidmon_decode_buffer");
    return guarded(ctx, [&]() -> int {
        return decodeInto(ctx, std::string_view(static_cast<const char*>(data), data ? len : 0), format, "buffer", out);
    });
}

size_t raidmon_decode_format_count(void) {
    try {
        return rm::decodeFormats().size();
    } catch (...) {
        return 0;
    }
}

const char* raidmon_decode_format(size_t i) {
    // The registry's names are fixed for the life of the process: keep one copy for C callers.
    try {
        static const std::vector<std::string> formats = rm::decodeFormats();
        return nth(formats, i);
    } catch (...) {
        return nullptr;
    }
}

raidmon_inventory* raidmon_inventory_ref(raidmon_inventory* inv) { return refOf(inv); }
raidmon_inventory* raidmon_inventory_unref(raidmon_inventory* inv) { return unrefOf(inv); }

char* raidmon_inventory_to_json(const raidmon_inventory* inv) {
    if (!inv) return nullptr;
    return jsonOf([&] {
        if (!inv->format) return rm::toJson(inv->inv, 2);
        rm::Capture c;
        c.format = *inv->format;
        c.controllers = inv->inv.controllers;
        c.enclosures = inv->inv.enclosures;
        c.drives = inv->inv.drives;
        c.arrays = inv->inv.arrays;
        c.notes = inv->inv.notes;
        c.skipped = inv->skipped;
        return rm::toJson(c, 2);
    });
}

const char* raidmon_inventory_format(const raidmon_inventory* inv) { return inv ? cstr(inv->format) : nullptr; }
enum raidmon_health raidmon_inventory_health(const raidmon_inventory* inv) {
    return inv ? healthOf(inv->inv.health) : RAIDMON_HEALTH_UNKNOWN;
}
size_t raidmon_inventory_reason_count(const raidmon_inventory* inv) { return inv ? inv->inv.reasons.size() : 0; }
const char* raidmon_inventory_reason(const raidmon_inventory* inv, size_t i) { return inv ? nth(inv->inv.reasons, i) : nullptr; }
size_t raidmon_inventory_note_count(const raidmon_inventory* inv) { return inv ? inv->inv.notes.size() : 0; }
const char* raidmon_inventory_note(const raidmon_inventory* inv, size_t i) { return inv ? nth(inv->inv.notes, i) : nullptr; }
const char* raidmon_inventory_hostname(const raidmon_inventory* inv) { return inv ? cstr(inv->inv.host.hostname) : nullptr; }
const char* raidmon_inventory_machine_id(const raidmon_inventory* inv) { return inv ? cstr(inv->inv.host.machineId) : nullptr; }

const char* raidmon_inventory_dmi(const raidmon_inventory* inv, const char* field) {
    if (!inv || !field) return nullptr;
    const rm::Dmi& d = inv->inv.host.dmi;
    const std::string_view f(field);
    if (f == "sys_vendor") return cstr(d.sysVendor);
    if (f == "product_name") return cstr(d.productName);
    if (f == "product_serial") return cstr(d.productSerial);
    if (f == "board_serial") return cstr(d.boardSerial);
    if (f == "chassis_asset_tag") return cstr(d.chassisAssetTag);
    if (f == "uuid") return cstr(d.uuid);
    return nullptr;
}

size_t raidmon_inventory_drive_count(const raidmon_inventory* inv) { return inv ? inv->inv.drives.size() : 0; }
const raidmon_drive* raidmon_inventory_drive(const raidmon_inventory* inv, size_t i) {
    return inv && i < inv->inv.drives.size() ? reinterpret_cast<const raidmon_drive*>(&inv->inv.drives[i]) : nullptr;
}

int raidmon_inventory_find_drive(raidmon_context* ctx, const raidmon_inventory* inv, const char* spec, const raidmon_drive** out) {
    if (!inv || !spec || !out) return nullArgument(ctx, "raidmon_inventory_find_drive");
    return guarded(ctx, [&]() -> int {
        auto d = rm::findDrive(inv->inv, spec);
        if (!d) return failWith(ctx, d.error());
        *out = reinterpret_cast<const raidmon_drive*>(*d);
        return RAIDMON_OK;
    });
}

size_t raidmon_inventory_array_count(const raidmon_inventory* inv) { return inv ? inv->inv.arrays.size() : 0; }
const raidmon_array* raidmon_inventory_array(const raidmon_inventory* inv, size_t i) {
    return inv && i < inv->inv.arrays.size() ? reinterpret_cast<const raidmon_array*>(&inv->inv.arrays[i]) : nullptr;
}

int raidmon_inventory_find_array(raidmon_context* ctx, const raidmon_inventory* inv, const char* spec, const raidmon_array** out) {
    if (!inv || !spec || !out) return nullArgument(ctx, "raidmon_inventory_find_array");
    return guarded(ctx, [&]() -> int {
        auto a = rm::findArray(inv->inv, spec);
        if (!a) return failWith(ctx, a.error());
        *out = reinterpret_cast<const raidmon_array*>(*a);
        return RAIDMON_OK;
    });
}

size_t raidmon_inventory_controller_count(const raidmon_inventory* inv) { return inv ? inv->inv.controllers.size() : 0; }
const raidmon_controller* raidmon_inventory_controller(const raidmon_inventory* inv, size_t i) {
    return inv && i < inv->inv.controllers.size() ? reinterpret_cast<const raidmon_controller*>(&inv->inv.controllers[i]) : nullptr;
}
size_t raidmon_inventory_enclosure_count(const raidmon_inventory* inv) { return inv ? inv->inv.enclosures.size() : 0; }
const raidmon_enclosure* raidmon_inventory_enclosure(const raidmon_inventory* inv, size_t i) {
    return inv && i < inv->inv.enclosures.size() ? reinterpret_cast<const raidmon_enclosure*>(&inv->inv.enclosures[i]) : nullptr;
}

/* ---- drives ---- */

const char* raidmon_drive_id(const raidmon_drive* d) { return d ? D(d)->id.c_str() : nullptr; }
const char* raidmon_drive_serial(const raidmon_drive* d) { return d ? cstr(D(d)->serial) : nullptr; }
const char* raidmon_drive_model(const raidmon_drive* d) { return d ? cstr(D(d)->model) : nullptr; }
const char* raidmon_drive_vendor(const raidmon_drive* d) { return d ? cstr(D(d)->vendor) : nullptr; }
const char* raidmon_drive_firmware(const raidmon_drive* d) { return d ? cstr(D(d)->firmware) : nullptr; }
const char* raidmon_drive_wwn(const raidmon_drive* d) { return d ? cstr(D(d)->wwn) : nullptr; }
const char* raidmon_drive_devnode(const raidmon_drive* d) { return d ? cstr(D(d)->devnode) : nullptr; }
const char* raidmon_drive_kernel_name(const raidmon_drive* d) { return d ? cstr(D(d)->kernelName) : nullptr; }
const char* raidmon_drive_protocol(const raidmon_drive* d) { return d ? rm::toString(D(d)->protocol).data() : nullptr; }
const char* raidmon_drive_media(const raidmon_drive* d) {
    return d && D(d)->media ? rm::toString(*D(d)->media).data() : nullptr;
}
int64_t raidmon_drive_capacity_bytes(const raidmon_drive* d) { return d ? orMinusOne(D(d)->capacityBytes) : -1; }
const char* raidmon_drive_state(const raidmon_drive* d) {
    return d && D(d)->state ? rm::toString(*D(d)->state).data() : nullptr;
}
enum raidmon_health raidmon_drive_health(const raidmon_drive* d) { return d ? healthOf(D(d)->health) : RAIDMON_HEALTH_UNKNOWN; }
int raidmon_drive_failure_predicted(const raidmon_drive* d) { return d ? triState(D(d)->failurePredicted) : -1; }
int raidmon_drive_slot(const raidmon_drive* d) { return d && D(d)->location.slot ? *D(d)->location.slot : -1; }
const char* raidmon_drive_slot_label(const raidmon_drive* d) { return d ? cstr(D(d)->location.label) : nullptr; }
const char* raidmon_drive_enclosure(const raidmon_drive* d) { return d ? cstr(D(d)->location.enclosure) : nullptr; }
const char* raidmon_drive_controller(const raidmon_drive* d) { return d ? cstr(D(d)->location.controller) : nullptr; }
const char* raidmon_drive_role(const raidmon_drive* d) { return d ? cstr(D(d)->role) : nullptr; }

int raidmon_drive_temperature(const raidmon_drive* d, int* celsius) {
    if (!d || !celsius) return RAIDMON_E_INVALID_ARGUMENT;
    if (!D(d)->smart || !D(d)->smart->temperatureC) return RAIDMON_E_NOT_FOUND;
    *celsius = *D(d)->smart->temperatureC;
    return RAIDMON_OK;
}

int64_t raidmon_drive_power_on_hours(const raidmon_drive* d) {
    return d && D(d)->smart ? orMinusOne(D(d)->smart->powerOnHours) : -1;
}
size_t raidmon_drive_reason_count(const raidmon_drive* d) { return d ? D(d)->reasons.size() : 0; }
const char* raidmon_drive_reason(const raidmon_drive* d, size_t i) { return d ? nth(D(d)->reasons, i) : nullptr; }
char* raidmon_drive_to_json(const raidmon_drive* d) {
    return d ? jsonOf([&] { return rm::toJson(*D(d), 2); }) : nullptr;
}

/* ---- arrays ---- */

const char* raidmon_array_id(const raidmon_array* a) { return a ? A(a)->id.c_str() : nullptr; }
const char* raidmon_array_name(const raidmon_array* a) { return a ? A(a)->name.c_str() : nullptr; }
const char* raidmon_array_kind(const raidmon_array* a) { return a ? A(a)->kind.c_str() : nullptr; }
const char* raidmon_array_level(const raidmon_array* a) { return a ? cstr(A(a)->level) : nullptr; }
const char* raidmon_array_state(const raidmon_array* a) { return a ? A(a)->state.c_str() : nullptr; }
enum raidmon_health raidmon_array_health(const raidmon_array* a) { return a ? healthOf(A(a)->health) : RAIDMON_HEALTH_UNKNOWN; }
int64_t raidmon_array_size_bytes(const raidmon_array* a) { return a ? orMinusOne(A(a)->sizeBytes) : -1; }
int raidmon_array_raid_disks(const raidmon_array* a) { return a && A(a)->raidDisks ? *A(a)->raidDisks : -1; }
int raidmon_array_active_disks(const raidmon_array* a) { return a && A(a)->activeDisks ? *A(a)->activeDisks : -1; }

int raidmon_array_redundancy_left(const raidmon_array* a, int* left) {
    if (!a || !left) return RAIDMON_E_INVALID_ARGUMENT;
    if (!A(a)->redundancyLeft) return RAIDMON_E_NOT_FOUND;
    *left = *A(a)->redundancyLeft;
    return RAIDMON_OK;
}

const char* raidmon_array_operation(const raidmon_array* a) {
    return a && A(a)->operation ? A(a)->operation->kind.c_str() : nullptr;
}
double raidmon_array_operation_percent(const raidmon_array* a) {
    return a && A(a)->operation && A(a)->operation->percent ? *A(a)->operation->percent : NAN;
}
int64_t raidmon_array_operation_eta_seconds(const raidmon_array* a) {
    return a && A(a)->operation ? orMinusOne(A(a)->operation->etaSeconds) : -1;
}
size_t raidmon_array_member_count(const raidmon_array* a) { return a ? A(a)->members.size() : 0; }
const char* raidmon_array_member_drive(const raidmon_array* a, size_t i) {
    const auto* m = member(a, i);
    return m ? cstr(m->drive) : nullptr;
}
const char* raidmon_array_member_device(const raidmon_array* a, size_t i) {
    const auto* m = member(a, i);
    return m ? cstr(m->device) : nullptr;
}
const char* raidmon_array_member_role(const raidmon_array* a, size_t i) {
    const auto* m = member(a, i);
    return m ? m->role.c_str() : nullptr;
}
int raidmon_array_member_slot(const raidmon_array* a, size_t i) {
    const auto* m = member(a, i);
    return m && m->slot ? *m->slot : -1;
}
size_t raidmon_array_reason_count(const raidmon_array* a) { return a ? A(a)->reasons.size() : 0; }
const char* raidmon_array_reason(const raidmon_array* a, size_t i) { return a ? nth(A(a)->reasons, i) : nullptr; }
char* raidmon_array_to_json(const raidmon_array* a) {
    return a ? jsonOf([&] { return rm::toJson(*A(a), 2); }) : nullptr;
}

/* ---- controllers ---- */

const char* raidmon_controller_id(const raidmon_controller* c) { return c ? C(c)->id.c_str() : nullptr; }
const char* raidmon_controller_kind(const raidmon_controller* c) { return c ? C(c)->kind.c_str() : nullptr; }
const char* raidmon_controller_model(const raidmon_controller* c) { return c ? cstr(C(c)->model) : nullptr; }
const char* raidmon_controller_vendor(const raidmon_controller* c) { return c ? cstr(C(c)->vendor) : nullptr; }
const char* raidmon_controller_firmware(const raidmon_controller* c) { return c ? cstr(C(c)->firmware) : nullptr; }
const char* raidmon_controller_driver(const raidmon_controller* c) { return c ? cstr(C(c)->driver) : nullptr; }
const char* raidmon_controller_pci_address(const raidmon_controller* c) { return c ? cstr(C(c)->pciAddress) : nullptr; }
const char* raidmon_controller_status(const raidmon_controller* c) { return c ? cstr(C(c)->status) : nullptr; }
enum raidmon_health raidmon_controller_health(const raidmon_controller* c) {
    return c ? healthOf(C(c)->health) : RAIDMON_HEALTH_UNKNOWN;
}

/* ---- enclosures and slots ---- */

const char* raidmon_enclosure_id(const raidmon_enclosure* e) { return e ? E(e)->id.c_str() : nullptr; }
const char* raidmon_enclosure_kind(const raidmon_enclosure* e) { return e ? E(e)->kind.c_str() : nullptr; }
const char* raidmon_enclosure_vendor(const raidmon_enclosure* e) { return e ? cstr(E(e)->vendor) : nullptr; }
const char* raidmon_enclosure_product(const raidmon_enclosure* e) { return e ? cstr(E(e)->product) : nullptr; }
enum raidmon_health raidmon_enclosure_health(const raidmon_enclosure* e) {
    return e ? healthOf(E(e)->health) : RAIDMON_HEALTH_UNKNOWN;
}
size_t raidmon_enclosure_slot_count(const raidmon_enclosure* e) { return e ? E(e)->slots.size() : 0; }
const raidmon_slot* raidmon_enclosure_slot(const raidmon_enclosure* e, size_t i) {
    return e && i < E(e)->slots.size() ? reinterpret_cast<const raidmon_slot*>(&E(e)->slots[i]) : nullptr;
}
int raidmon_slot_index(const raidmon_slot* s) { return s ? S(s)->index : -1; }
const char* raidmon_slot_label(const raidmon_slot* s) { return s ? cstr(S(s)->label) : nullptr; }
const char* raidmon_slot_status(const raidmon_slot* s) { return s ? cstr(S(s)->status) : nullptr; }
const char* raidmon_slot_drive(const raidmon_slot* s) { return s ? cstr(S(s)->drive) : nullptr; }
const char* raidmon_slot_device(const raidmon_slot* s) { return s ? cstr(S(s)->device) : nullptr; }
int raidmon_slot_locate(const raidmon_slot* s) { return s ? triState(S(s)->locate) : -1; }
int raidmon_slot_fault(const raidmon_slot* s) { return s ? triState(S(s)->fault) : -1; }

/* ---- params ---- */

raidmon_params* raidmon_params_new(void) {
    try {
        return new raidmon_params();
    } catch (...) {
        return nullptr;
    }
}
raidmon_params* raidmon_params_ref(raidmon_params* p) { return refOf(p); }
raidmon_params* raidmon_params_unref(raidmon_params* p) { return unrefOf(p); }

int raidmon_params_set(raidmon_params* p, const char* key, const char* value) {
    if (!p || !key || !value) return RAIDMON_E_INVALID_ARGUMENT;
    return guarded(nullptr, [&]() -> int {
        p->values.emplace_back(key, value);
        return RAIDMON_OK;
    });
}

/* ---- rebuild model ---- */

int raidmon_predict(raidmon_context* ctx, const raidmon_params* params, raidmon_prediction** out) {
    if (!ctx || !params || !out) return nullArgument(ctx, "raidmon_predict");
    return guarded(ctx, [&]() -> int {
        rm::PredictRequest req;
        for (const auto& [k, v] : params->values)
            if (auto ok = req.set(k, v); !ok) return failWith(ctx, ok.error());
        auto r = rm::predictRebuild(req);
        if (!r) return failWith(ctx, rm::Error(r.error().code, "predict: " + r.error().message));
        auto h = std::make_unique<raidmon_prediction>();
        h->result = std::move(*r);
        *out = h.release();
        return RAIDMON_OK;
    });
}

int raidmon_plan(raidmon_context* ctx, raidmon_inventory* inv, const char* array, const raidmon_params* params,
                 raidmon_prediction** out) {
    if (!ctx || !array || !out) return nullArgument(ctx, "raidmon_plan");
    return guarded(ctx, [&]() -> int {
        rm::PlanRequest req;
        req.array = array;
        if (params)
            for (const auto& [k, v] : params->values)
                if (auto ok = req.set(k, v); !ok) return failWith(ctx, ok.error());
        std::unique_ptr<raidmon_inventory> scanned;
        auto target = inventoryFor(ctx, inv, scanned);
        if (!target) return failWith(ctx, rm::Error(target.error().code, "plan: cannot read the host's storage: " + target.error().message));
        auto h = std::make_unique<raidmon_prediction>();
        // A decoded capture is no live host: md's speed limits are not read from this machine.
        auto r = rm::planRebuild((*target)->format ? nullptr : &ctx->ctx, (*target)->inv, req, h->warnings);
        if (!r) return failWith(ctx, rm::Error(r.error().code, "plan: " + r.error().message));
        h->result = std::move(*r);
        *out = h.release();
        return RAIDMON_OK;
    });
}

raidmon_prediction* raidmon_prediction_ref(raidmon_prediction* p) { return refOf(p); }
raidmon_prediction* raidmon_prediction_unref(raidmon_prediction* p) { return unrefOf(p); }
double raidmon_prediction_p_ure(const raidmon_prediction* p) { return p ? p->result.pUre : NAN; }
double raidmon_prediction_p_array_loss(const raidmon_prediction* p) { return p ? p->result.pArrayLoss : NAN; }
double raidmon_prediction_p_sector_loss(const raidmon_prediction* p) { return p ? p->result.pSectorLoss : NAN; }
double raidmon_prediction_p_clean(const raidmon_prediction* p) { return p ? p->result.pClean : NAN; }
double raidmon_prediction_window_hours(const raidmon_prediction* p) { return p ? p->result.windowHours : NAN; }

enum raidmon_recommendation raidmon_prediction_recommendation(const raidmon_prediction* p) {
    switch (p ? p->result.recommendation : rm::Recommendation::not_degraded) {
    case rm::Recommendation::not_degraded: return RAIDMON_RECOMMEND_NOT_DEGRADED;
    case rm::Recommendation::rebuild_now: return RAIDMON_RECOMMEND_REBUILD_NOW;
    case rm::Recommendation::backup_first: return RAIDMON_RECOMMEND_BACKUP_FIRST;
    case rm::Recommendation::replace_risky_member_first: return RAIDMON_RECOMMEND_REPLACE_RISKY_MEMBER_FIRST;
    case rm::Recommendation::do_not_pull: return RAIDMON_RECOMMEND_DO_NOT_PULL;
    }
    return RAIDMON_RECOMMEND_NOT_DEGRADED;
}

const char* raidmon_prediction_recommendation_name(const raidmon_prediction* p) {
    return p ? rm::toString(p->result.recommendation).data() : nullptr;
}
size_t raidmon_prediction_reason_count(const raidmon_prediction* p) { return p ? p->result.reasons.size() : 0; }
const char* raidmon_prediction_reason(const raidmon_prediction* p, size_t i) { return p ? nth(p->result.reasons, i) : nullptr; }
size_t raidmon_prediction_warning_count(const raidmon_prediction* p) { return p ? p->warnings.size() : 0; }
const char* raidmon_prediction_warning(const raidmon_prediction* p, size_t i) { return p ? nth(p->warnings, i) : nullptr; }
char* raidmon_prediction_to_json(const raidmon_prediction* p) {
    return p ? jsonOf([&] { return rm::toJson(p->result, 2); }) : nullptr;
}

/* ---- safe to remove ---- */

int raidmon_safe_to_remove(raidmon_context* ctx, raidmon_inventory* inv, const char* target, raidmon_removal** out) {
    if (!ctx || !target || !out) return nullArgument(ctx, "raidmon_safe_to_remove");
    return guarded(ctx, [&]() -> int {
        std::unique_ptr<raidmon_inventory> scanned;
        auto source = inventoryFor(ctx, inv, scanned);
        if (!source) {
            return failWith(ctx, rm::Error(source.error().code,
                                           "safe-to-remove: cannot read the host's storage: " + source.error().message));
        }
        auto t = rm::resolveRemovalTarget((*source)->inv, target);
        if (!t) return failWith(ctx, rm::Error(t.error().code, "safe-to-remove: " + t.error().message));
        auto h = std::make_unique<raidmon_removal>();
        h->assessment = rm::assessRemoval((*source)->inv, *t);
        *out = h.release();
        return RAIDMON_OK;
    });
}

raidmon_removal* raidmon_removal_ref(raidmon_removal* r) { return refOf(r); }
raidmon_removal* raidmon_removal_unref(raidmon_removal* r) { return unrefOf(r); }

enum raidmon_removal_verdict raidmon_removal_get_verdict(const raidmon_removal* r) {
    switch (r ? r->assessment.verdict : rm::RemovalVerdict::unknown) {
    case rm::RemovalVerdict::safe: return RAIDMON_REMOVAL_SAFE;
    case rm::RemovalVerdict::interrupts_rebuild: return RAIDMON_REMOVAL_INTERRUPTS_REBUILD;
    case rm::RemovalVerdict::reduces_redundancy: return RAIDMON_REMOVAL_REDUCES_REDUNDANCY;
    case rm::RemovalVerdict::loses_last_redundancy: return RAIDMON_REMOVAL_LOSES_LAST_REDUNDANCY;
    case rm::RemovalVerdict::loses_data: return RAIDMON_REMOVAL_LOSES_DATA;
    case rm::RemovalVerdict::unknown: return RAIDMON_REMOVAL_UNKNOWN;
    }
    return RAIDMON_REMOVAL_UNKNOWN;
}

const char* raidmon_removal_verdict_name(const raidmon_removal* r) { return r ? rm::toString(r->assessment.verdict).data() : nullptr; }
int raidmon_removal_exit_code(const raidmon_removal* r) { return r ? rm::exitCode(r->assessment.verdict) : 3; }
size_t raidmon_removal_reason_count(const raidmon_removal* r) { return r ? r->assessment.reasons.size() : 0; }
const char* raidmon_removal_reason(const raidmon_removal* r, size_t i) { return r ? nth(r->assessment.reasons, i) : nullptr; }
char* raidmon_removal_to_json(const raidmon_removal* r) {
    return r ? jsonOf([&] { return rm::toJson(r->assessment, 2); }) : nullptr;
}

/* ---- slot lights ---- */

int raidmon_locate(raidmon_context* ctx, const char* what, enum raidmon_led_pattern pattern, uint32_t durationSeconds,
                   unsigned flags, raidmon_led_change** out) {
    if (!ctx || !what) return nullArgument(ctx, "raidmon_locate");
    return guarded(ctx, [&]() -> int {
        rm::LedPattern p;
        switch (pattern) {
        case RAIDMON_LED_OFF: p = rm::LedPattern::off; break;
        case RAIDMON_LED_LOCATE: p = rm::LedPattern::locate; break;
        case RAIDMON_LED_FAULT: p = rm::LedPattern::fault; break;
        case RAIDMON_LED_REBUILD: p = rm::LedPattern::rebuild; break;
        default: return setError(ctx, RAIDMON_E_INVALID_ARGUMENT, "locate: pattern " + std::to_string(static_cast<int>(pattern)) + ": not a raidmon_led_pattern");
        }
        if (flags & ~static_cast<unsigned>(RAIDMON_LOCATE_FORCE))
            return setError(ctx, RAIDMON_E_INVALID_ARGUMENT, "locate: unknown flags " + std::to_string(flags));
        if (durationSeconds > static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(rm::kMaxLease).count()))
            return setError(ctx, RAIDMON_E_INVALID_ARGUMENT, "locate: duration " + std::to_string(durationSeconds) + " s: at most 31 d");
        rm::LedOptions o;
        o.stateDir = ctx->stateDirectory();
        if (durationSeconds) o.duration = std::chrono::seconds(durationSeconds);
        o.force = (flags & RAIDMON_LOCATE_FORCE) != 0;
        o.reason = std::string("raidmon_locate ") + what + " " + std::string(rm::toString(p));
        std::vector<std::string> warnings;
        auto c = rm::locateSlot(ctx->ctx, what, p, o, warnings);
        if (!c) return failWith(ctx, rm::Error(c.error().code, "locate: " + c.error().message));
        if (out) {
            auto h = std::make_unique<raidmon_led_change>();
            h->change = std::move(*c);
            for (auto& w : warnings) h->change.notes.push_back("leds: " + w);
            *out = h.release();
        }
        return RAIDMON_OK;
    });
}

raidmon_led_change* raidmon_led_change_ref(raidmon_led_change* c) { return refOf(c); }
raidmon_led_change* raidmon_led_change_unref(raidmon_led_change* c) { return unrefOf(c); }
const char* raidmon_led_change_enclosure(const raidmon_led_change* c) { return c ? c->change.bay.enclosure.c_str() : nullptr; }
int raidmon_led_change_slot(const raidmon_led_change* c) { return c ? c->change.bay.slot : -1; }
const char* raidmon_led_change_label(const raidmon_led_change* c) { return c ? cstr(c->change.bay.label) : nullptr; }
const char* raidmon_led_change_backend(const raidmon_led_change* c) { return c ? c->change.backend.c_str() : nullptr; }
int raidmon_led_change_verified(const raidmon_led_change* c) { return c && c->change.verified ? 1 : 0; }
time_t raidmon_led_change_expires_at(const raidmon_led_change* c) {
    return c && c->change.expiresAt ? std::chrono::system_clock::to_time_t(*c->change.expiresAt) : static_cast<time_t>(-1);
}
size_t raidmon_led_change_conflict_count(const raidmon_led_change* c) { return c ? c->change.conflicts.size() : 0; }
const char* raidmon_led_change_conflict(const raidmon_led_change* c, size_t i) { return c ? nth(c->change.conflicts, i) : nullptr; }
char* raidmon_led_change_to_json(const raidmon_led_change* c) {
    return c ? jsonOf([&] { return rm::toJson(c->change, 2); }) : nullptr;
}

/* ---- SMART of one drive ---- */

int raidmon_smart(raidmon_context* ctx, const char* drive, const char* via, const char* deviceType, uint32_t timeoutSeconds,
                  raidmon_smart_report** out) {
    if (!ctx || !drive || !out) return nullArgument(ctx, "raidmon_smart");
    return guarded(ctx, [&]() -> int {
        ops::SmartRequest req;
        req.drive = drive;
        if (via) req.via = via;
        if (deviceType) req.deviceType = deviceType;
        if (timeoutSeconds) req.timeoutSeconds = timeoutSeconds;
        auto d = ops::readDriveSmart(ctx->ctx, req);
        if (!d) return failWith(ctx, d.error());
        auto h = std::make_unique<raidmon_smart_report>();
        h->drive = std::move(*d);
        *out = h.release();
        return RAIDMON_OK;
    });
}

raidmon_smart_report* raidmon_smart_report_ref(raidmon_smart_report* r) { return refOf(r); }
raidmon_smart_report* raidmon_smart_report_unref(raidmon_smart_report* r) { return unrefOf(r); }
const raidmon_drive* raidmon_smart_report_drive(const raidmon_smart_report* r) {
    return r ? reinterpret_cast<const raidmon_drive*>(&r->drive) : nullptr;
}
char* raidmon_smart_report_to_json(const raidmon_smart_report* r) {
    return r ? jsonOf([&] { return ops::smartJson(r->drive); }) : nullptr;
}

/* ---- the server's identify light ---- */

int raidmon_identify(raidmon_context* ctx, int on, uint32_t durationSeconds, raidmon_identify_result** out) {
    if (!ctx) return nullArgument(ctx, "raidmon_identify");
    return guarded(ctx, [&]() -> int {
        std::optional<std::chrono::seconds> duration;
        if (durationSeconds) duration = std::chrono::seconds(durationSeconds);
        auto r = ops::identify(ctx->ctx, ctx->stateDirectory(), on != 0, duration,
                               std::string("raidmon_identify ") + (on ? "on" : "off"));
        if (!r) return failWith(ctx, r.error());
        if (out) {
            auto h = std::make_unique<raidmon_identify_result>();
            h->result = std::move(*r);
            *out = h.release();
        }
        return RAIDMON_OK;
    });
}

raidmon_identify_result* raidmon_identify_result_ref(raidmon_identify_result* r) { return refOf(r); }
raidmon_identify_result* raidmon_identify_result_unref(raidmon_identify_result* r) { return unrefOf(r); }
int raidmon_identify_result_on(const raidmon_identify_result* r) { return r && r->result.on ? 1 : 0; }
size_t raidmon_identify_result_note_count(const raidmon_identify_result* r) { return r ? r->result.notes.size() : 0; }
const char* raidmon_identify_result_note(const raidmon_identify_result* r, size_t i) { return r ? nth(r->result.notes, i) : nullptr; }
size_t raidmon_identify_result_warning_count(const raidmon_identify_result* r) { return r ? r->result.warnings.size() : 0; }
const char* raidmon_identify_result_warning(const raidmon_identify_result* r, size_t i) {
    return r ? nth(r->result.warnings, i) : nullptr;
}
char* raidmon_identify_result_to_json(const raidmon_identify_result* r) {
    return r ? jsonOf([&] { return ops::identifyJson(r->result); }) : nullptr;
}

/* ---- hot-swap incidents ---- */

int raidmon_hotswap_list(raidmon_context* ctx, const char* socket, raidmon_incidents** out) {
    if (!ctx || !out) return nullArgument(ctx, "raidmon_hotswap_list");
    return guarded(ctx, [&]() -> int {
        auto r = rm::askAgentIncidents(socketOf(ctx, socket));
        if (!r) return failWith(ctx, rm::Error(r.error().code, "hotswap: " + r.error().message));
        auto h = std::make_unique<raidmon_incidents>();
        h->incidents = std::move(*r);
        *out = h.release();
        return RAIDMON_OK;
    });
}

raidmon_incidents* raidmon_incidents_ref(raidmon_incidents* l) { return refOf(l); }
raidmon_incidents* raidmon_incidents_unref(raidmon_incidents* l) { return unrefOf(l); }
size_t raidmon_incidents_count(const raidmon_incidents* l) { return l ? l->incidents.size() : 0; }
const raidmon_incident* raidmon_incidents_get(const raidmon_incidents* l, size_t i) {
    return l && i < l->incidents.size() ? handleOf(l->incidents[i]) : nullptr;
}
char* raidmon_incidents_to_json(const raidmon_incidents* l) {
    return l ? jsonOf([&] { return ops::incidentsJson(l->incidents); }) : nullptr;
}

const char* raidmon_incident_id(const raidmon_incident* i) { return i ? I(i)->id.c_str() : nullptr; }
const char* raidmon_incident_state(const raidmon_incident* i) { return i ? rm::toString(I(i)->state).data() : nullptr; }
int raidmon_incident_closed(const raidmon_incident* i) { return i && rm::isTerminal(I(i)->state) ? 1 : 0; }
const char* raidmon_incident_cause(const raidmon_incident* i) { return i ? rm::toString(I(i)->cause).data() : nullptr; }
const char* raidmon_incident_drive_id(const raidmon_incident* i) { return i ? I(i)->drive.id.c_str() : nullptr; }
const char* raidmon_incident_drive_serial(const raidmon_incident* i) { return i ? cstr(I(i)->drive.serial) : nullptr; }
const char* raidmon_incident_array_name(const raidmon_incident* i) { return i ? cstr(I(i)->arrayName) : nullptr; }
const char* raidmon_incident_enclosure(const raidmon_incident* i) { return i ? cstr(I(i)->enclosure) : nullptr; }
int raidmon_incident_slot(const raidmon_incident* i) { return i && I(i)->slot ? *I(i)->slot : -1; }
const char* raidmon_incident_slot_label(const raidmon_incident* i) { return i ? cstr(I(i)->slotLabel) : nullptr; }
int raidmon_incident_awaiting_confirmation(const raidmon_incident* i) { return i && I(i)->awaitingConfirmation ? 1 : 0; }
const char* raidmon_incident_failure_reason(const raidmon_incident* i) { return i ? cstr(I(i)->failureReason) : nullptr; }
size_t raidmon_incident_finding_count(const raidmon_incident* i) { return i ? I(i)->findings.size() : 0; }
const char* raidmon_incident_finding(const raidmon_incident* i, size_t n) { return i ? nth(I(i)->findings, n) : nullptr; }
char* raidmon_incident_to_json(const raidmon_incident* i) {
    return i ? jsonOf([&] { return rm::toJson(*I(i), 2); }) : nullptr;
}

int raidmon_hotswap_work_order(raidmon_context* ctx, const char* socket, const char* drive, raidmon_work_order** out) {
    if (!ctx || !drive || !out) return nullArgument(ctx, "raidmon_hotswap_work_order");
    return guarded(ctx, [&]() -> int {
        return workOrderInto(ctx, ops::hotswapWorkOrder(ctx->ctx, ctx->stateDirectory(), socketOf(ctx, socket), drive), out);
    });
}

int raidmon_hotswap_confirm(raidmon_context* ctx, const char* socket, const char* what, raidmon_work_order** out) {
    if (!ctx || !what) return nullArgument(ctx, "raidmon_hotswap_confirm");
    return guarded(ctx, [&]() -> int { return workOrderInto(ctx, ops::hotswapConfirm(socketOf(ctx, socket), what), out); });
}

int raidmon_hotswap_cancel(raidmon_context* ctx, const char* socket, const char* what, const char* reason, raidmon_work_order** out) {
    if (!ctx || !what) return nullArgument(ctx, "raidmon_hotswap_cancel");
    return guarded(ctx, [&]() -> int {
        return workOrderInto(ctx, ops::hotswapCancel(socketOf(ctx, socket), what, reason ? reason : ""), out);
    });
}

raidmon_work_order* raidmon_work_order_ref(raidmon_work_order* wo) { return refOf(wo); }
raidmon_work_order* raidmon_work_order_unref(raidmon_work_order* wo) { return unrefOf(wo); }
const raidmon_incident* raidmon_work_order_incident(const raidmon_work_order* wo) {
    return wo && wo->answer.recorded ? handleOf(wo->answer.incident) : nullptr;
}
int raidmon_work_order_from_agent(const raidmon_work_order* wo) { return wo && wo->answer.agent ? 1 : 0; }
const char* raidmon_work_order_text(const raidmon_work_order* wo) { return wo ? wo->answer.text.c_str() : nullptr; }
const char* raidmon_work_order_svg(const raidmon_work_order* wo) { return wo ? wo->answer.svg.c_str() : nullptr; }
char* raidmon_work_order_to_json(const raidmon_work_order* wo) {
    return wo ? jsonOf([&] { return ops::hotswapJson(wo->answer); }) : nullptr;
}

/* ---- events ---- */

int raidmon_events_query(raidmon_context* ctx, const char* socket, const char* since, raidmon_events** out) {
    if (!ctx || !out) return nullArgument(ctx, "raidmon_events_query");
    return guarded(ctx, [&]() -> int {
        auto cursor = rm::parseEventSince(since ? since : "", std::chrono::system_clock::now());
        if (!cursor) return failWith(ctx, rm::Error(cursor.error().code, "events: " + cursor.error().message));
        const std::filesystem::path path = socket ? std::filesystem::path(socket) : rm::defaultControlSocket(ctx->stateDirectory());
        auto lines = rm::queryEvents(path, cursor->afterSeq, cursor->since);
        if (!lines) return failWith(ctx, rm::Error(lines.error().code, "events: " + lines.error().message));
        auto h = std::make_unique<raidmon_events>();
        h->lines = std::move(*lines);
        *out = h.release();
        return RAIDMON_OK;
    });
}

raidmon_events* raidmon_events_ref(raidmon_events* ev) { return refOf(ev); }
raidmon_events* raidmon_events_unref(raidmon_events* ev) { return unrefOf(ev); }
size_t raidmon_events_count(const raidmon_events* ev) { return ev ? ev->lines.size() : 0; }
const char* raidmon_events_get(const raidmon_events* ev, size_t i) { return ev ? nth(ev->lines, i) : nullptr; }

int raidmon_watch_open(raidmon_context* ctx, const char* socket, raidmon_watch** out) {
    if (!ctx || !out) return nullArgument(ctx, "raidmon_watch_open");
    return guarded(ctx, [&]() -> int {
        const std::filesystem::path path = socket ? std::filesystem::path(socket) : rm::defaultControlSocket(ctx->stateDirectory());
        auto w = rm::EventWatch::open(path);
        if (!w) return failWith(ctx, rm::Error(w.error().code, "watch: " + w.error().message));
        auto h = std::make_unique<raidmon_watch>();
        h->watch = std::move(*w);
        h->ctx = refOf(ctx);
        *out = h.release();
        return RAIDMON_OK;
    });
}

raidmon_watch* raidmon_watch_ref(raidmon_watch* w) { return refOf(w); }
raidmon_watch* raidmon_watch_unref(raidmon_watch* w) { return unrefOf(w); }
int raidmon_watch_get_fd(const raidmon_watch* w) { return w ? w->watch->fd() : RAIDMON_E_INVALID_ARGUMENT; }

int raidmon_watch_next(raidmon_watch* w, char** line) {
    if (!w || !line) return RAIDMON_E_INVALID_ARGUMENT;
    return guarded(w->ctx, [&]() -> int {
        auto l = w->watch->next();
        if (!l) return failWith(w->ctx, rm::Error(l.error().code, "watch: " + l.error().message));
        if (!*l) return static_cast<int>(RAIDMON_E_AGAIN);
        char* copy = dupString(**l);
        if (!copy) return setError(w->ctx, RAIDMON_E_NO_MEMORY, "out of memory");
        *line = copy;
        return RAIDMON_OK;
    });
}

} // extern "C"
