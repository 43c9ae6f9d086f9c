// SPDX-License-Identifier: LGPL-2.1-or-later
// raidmon._raidmon: the compiled half of the Python module. It wraps only the public C++ API
// (STYLE.md) and stays small: scans, decodes and the model's answers cross into Python as the
// JSON that `raidmon ... --json` prints, and raidmon/__init__.py turns them into Python objects.
// Errors become the exceptions of raidmon/_errors.py; the GIL is released during scans, device
// and socket I/O.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <memory>
#include <optional>
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

#include "../../common/operations.hpp"

namespace py = pybind11;
namespace ops = raidmon::bindings;
namespace rm = raidmon;

namespace {

/// A raidmon error on its way to Python (translated to the raidmon.Error subclass of its code).
struct PyError {
    rm::Error error;
};

[[noreturn]] void raise(const rm::Error& e) { throw PyError{e}; }

[[noreturn]] void raise(const rm::Error& e, const std::string& prefix) { throw PyError{rm::Error(e.code, prefix + e.message)}; }

/// Where a scan reads the host from: what the CLI's global options say.
struct Settings {
    std::optional<std::string> root, proc, etc;
    bool noDeviceIo = false;

    [[nodiscard]] rm::Context context() const {
        rm::Context ctx = root ? rm::makeRootContext(*root) : rm::makeSystemContext();
        if (proc) ctx.paths.proc = *proc;
        if (etc) ctx.paths.etc = *etc;
        if (noDeviceIo) ctx.deviceIo = rm::DeviceIo::none;
        return ctx;
    }
};

/// An inventory (a scan, or a decoded capture) kept in C++ for plan and safe-to-remove.
struct Snapshot {
    rm::Inventory inv;
    std::optional<Settings> live;        ///< set for a scan of a host
    std::optional<rm::Capture> capture;  ///< set for a decoded capture (inv holds its entities)

    [[nodiscard]] std::string json() const { return capture ? rm::toJson(*capture, 2) : rm::toJson(inv, 2); }
};

std::shared_ptr<Snapshot> scan(const Settings& s, bool probeSignatures) {
    rm::Result<rm::Inventory> inv;
    {
        py::gil_scoped_release nogil;
        rm::ScanOptions so;
        so.probeSignatures = probeSignatures;
        inv = rm::scanInventory(s.context(), so);
    }
    if (!inv) raise(inv.error(), "status: ");
    auto snap = std::make_shared<Snapshot>();
    snap->inv = std::move(*inv);
    snap->live = s;
    return snap;
}

std::shared_ptr<Snapshot> decode(const py::bytes& data, const std::string& format, const std::string& name) {
    const std::string text = data;  // a copy, so the decoder can run without the GIL
    rm::Result<rm::Capture> c;
    {
        py::gil_scoped_release nogil;
        c = rm::decode(text, format);
    }
    if (!c) raise(c.error(), name + ": ");
    auto snap = std::make_shared<Snapshot>();
    snap->inv.controllers = c->controllers;
    snap->inv.enclosures = c->enclosures;
    snap->inv.drives = c->drives;
    snap->inv.arrays = c->arrays;
    snap->inv.notes = c->notes;
    snap->capture = std::move(*c);
    return snap;
}

std::string predict(const std::vector<std::pair<std::string, std::string>>& settings) {
    rm::PredictRequest req;
    for (const auto& [k, v] : settings)
        if (auto ok = req.set(k, v); !ok) raise(ok.error());
    auto r = rm::predictRebuild(req);
    if (!r) raise(r.error(), "predict: ");
    return rm::toJson(*r, 2);
}

std::pair<std::string, std::vector<std::string>> plan(const Snapshot& snap,
                                                      const std::vector<std::pair<std::string, std::string>>& settings) {
    rm::PlanRequest req;
    for (const auto& [k, v] : settings)
        if (auto ok = req.set(k, v); !ok) raise(ok.error());
    std::vector<std::string> warnings;
    rm::Result<rm::RebuildResult> r;
    {
        py::gil_scoped_release nogil;
        // md's speed limits are read from the host a scan came from; a capture has none.
        std::optional<rm::Context> ctx;
        if (snap.live) ctx = snap.live->context();
        r = rm::planRebuild(ctx ? &*ctx : nullptr, snap.inv, req, warnings);
    }
    if (!r) raise(r.error(), "plan: ");
    return {rm::toJson(*r, 2), warnings};
}

std::string safeToRemove(const Snapshot& snap, const std::string& target) {
    auto t = rm::resolveRemovalTarget(snap.inv, target);
    if (!t) raise(t.error(), "safe-to-remove: ");
    return rm::toJson(rm::assessRemoval(snap.inv, *t), 2);
}

std::string locate(const Settings& s, const std::string& stateDir, const std::string& what, const std::string& pattern,
                   std::optional<std::string> duration, bool force, const std::string& reason) {
    auto p = rm::parseLedPattern(pattern);
    if (!p) raise(p.error(), "locate: ");
    rm::LedOptions o;
    o.stateDir = stateDir;
    if (duration) {
        auto d = rm::parseLeaseDuration(*duration);
        if (!d) raise(d.error(), "locate: duration ");
        o.duration = *d;
    }
    o.force = force;
    o.reason = reason;
    std::vector<std::string> warnings;
    rm::Result<rm::LedChange> c;
    {
        py::gil_scoped_release nogil;
        c = rm::locateSlot(s.context(), what, *p, o, warnings);
    }
    if (!c) raise(c.error(), "locate: ");
    for (auto& w : warnings) c->notes.push_back("leds: " + w);
    return rm::toJson(*c, 2);
}

std::vector<std::string> events(const std::string& socket, const std::string& since) {
    auto cursor = rm::parseEventSince(since, std::chrono::system_clock::now());
    if (!cursor) raise(cursor.error(), "events: ");
    rm::Result<std::vector<std::string>> lines;
    {
        py::gil_scoped_release nogil;
        lines = rm::queryEvents(socket, cursor->afterSeq, cursor->since);
    }
    if (!lines) raise(lines.error(), "events: ");
    return std::move(*lines);
}

std::string smart(const Settings& s, const std::string& drive, const std::string& via, const std::string& deviceType,
                  long long timeoutSeconds) {
    ops::SmartRequest req{drive, via, deviceType, timeoutSeconds};
    rm::Result<rm::Drive> d;
    {
        py::gil_scoped_release nogil;
        d = ops::readDriveSmart(s.context(), req);
    }
    if (!d) raise(d.error());
    return ops::smartJson(*d);
}

/// (JSON as `raidmon identify --json`, warnings the CLI prints on stderr)
std::pair<std::string, std::vector<std::string>> identify(const Settings& s, const std::string& stateDir, bool on,
                                                          std::optional<std::string> duration, const std::string& reason) {
    std::optional<std::chrono::seconds> d;
    if (duration) {
        auto parsed = rm::parseLeaseDuration(*duration);
        if (!parsed) raise(parsed.error(), "identify: --for ");
        d = *parsed;
    }
    rm::Result<ops::IdentifyResult> r;
    {
        py::gil_scoped_release nogil;
        r = ops::identify(s.context(), stateDir, on, d, reason);
    }
    if (!r) raise(r.error());
    return {ops::identifyJson(*r), r->warnings};
}

std::string hotswapIncidents(const std::string& socket) {
    rm::Result<std::vector<rm::Incident>> r;
    {
        py::gil_scoped_release nogil;
        r = rm::askAgentIncidents(socket);
    }
    if (!r) raise(r.error(), "hotswap: ");
    return ops::incidentsJson(*r);
}

/// A work order for Python: the JSON `raidmon hotswap --json` prints, the text and the picture.
py::dict workOrderOf(rm::Result<ops::HotswapAnswer>&& r) {
    if (!r) raise(r.error());
    py::dict d;
    d["json"] = ops::hotswapJson(*r);
    d["text"] = r->text;
    d["svg"] = r->svg;
    return d;
}

py::dict hotswapWorkOrder(const Settings& s, const std::string& stateDir, const std::string& socket, const std::string& drive) {
    rm::Result<ops::HotswapAnswer> r;
    {
        py::gil_scoped_release nogil;
        r = ops::hotswapWorkOrder(s.context(), stateDir, socket, drive);
    }
    return workOrderOf(std::move(r));
}

py::dict hotswapConfirm(const std::string& socket, const std::string& what) {
    rm::Result<ops::HotswapAnswer> r;
    {
        py::gil_scoped_release nogil;
        r = ops::hotswapConfirm(socket, what);
    }
    return workOrderOf(std::move(r));
}

py::dict hotswapCancel(const std::string& socket, const std::string& what, const std::string& reason) {
    rm::Result<ops::HotswapAnswer> r;
    {
        py::gil_scoped_release nogil;
        r = ops::hotswapCancel(socket, what, reason);
    }
    return workOrderOf(std::move(r));
}

/// raidmon.Agent(...).watch(): the subscription, pollable by fd.
class Watch {
public:
    explicit Watch(const std::string& socket) {
        rm::Result<std::unique_ptr<rm::EventWatch>> w;
        {
            py::gil_scoped_release nogil;
            w = rm::EventWatch::open(socket);
        }
        if (!w) raise(w.error(), "watch: ");
        watch_ = std::move(*w);
    }
    int fileno() const {
        check();
        return watch_->fd();
    }
    std::optional<std::string> next() {
        check();
        auto l = watch_->next();
        if (!l) raise(l.error(), "watch: ");
        return *l;
    }
    std::optional<std::string> wait(double timeoutSeconds) {
        check();
        rm::Result<std::optional<std::string>> l;
        {
            py::gil_scoped_release nogil;
            l = watch_->wait(std::chrono::milliseconds(timeoutSeconds < 0 ? -1 : static_cast<long long>(timeoutSeconds * 1000)));
        }
        if (!l) raise(l.error(), "watch: ");
        return *l;
    }
    void close() { watch_.reset(); }
    [[nodiscard]] bool closed() const { return !watch_; }

private:
    void check() const {
        if (!watch_) raise(rm::Error(rm::errc::invalid_argument, "watch: the watch is closed"));
    }
    std::unique_ptr<rm::EventWatch> watch_;
};

std::string errcName(const std::error_code& ec) {
    if (ec.category() != rm::category()) return "io_error";
    switch (static_cast<rm::errc>(ec.value())) {
    case rm::errc::ok: return "ok";
    case rm::errc::device_gone: return "device_gone";
    case rm::errc::parse_error: return "parse_error";
    case rm::errc::command_failed: return "command_failed";
    case rm::errc::command_timeout: return "command_timeout";
    case rm::errc::unsupported: return "unsupported";
    case rm::errc::permission_denied: return "permission_denied";
    case rm::errc::invalid_argument: return "invalid_argument";
    case rm::errc::io_error: return "io_error";
    case rm::errc::not_found: return "not_found";
    case rm::errc::refused: return "refused";
    }
    return "io_error";
}

} // namespace

PYBIND11_MODULE(_raidmon, m) {
    m.doc() = "The compiled part of the raidmon module (use `import raidmon`).";

    // The exception classes live in Python (raidmon/_errors.py) so that they are ordinary classes
    // with docstrings; look them up by code when translating.
    py::object errors = py::module_::import("raidmon._errors");
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const PyError& e) {
            py::object mod = py::module_::import("raidmon._errors");
            const std::string code = errcName(e.error.code);
            py::object cls = mod.attr("error_class")(code);
            py::object exc = cls(e.error.message, code);
            PyErr_SetObject(cls.ptr(), exc.ptr());
        }
    });

    py::class_<Settings>(m, "Settings", "Where a scan reads the host from (root, proc, etc, no_device_io).")
        .def(py::init([](std::optional<std::string> root, std::optional<std::string> proc, std::optional<std::string> etc,
                         bool noDeviceIo) {
                 return Settings{std::move(root), std::move(proc), std::move(etc), noDeviceIo};
             }),
             py::arg("root") = py::none(), py::arg("proc") = py::none(), py::arg("etc") = py::none(),
             py::arg("no_device_io") = false);

    py::class_<Snapshot, std::shared_ptr<Snapshot>>(m, "Snapshot", "An inventory held by the library (a scan or a decoded capture).")
        .def("json", &Snapshot::json, "The JSON `raidmon status --json` (or `raidmon decode --json`) prints, without the final newline.")
        .def_property_readonly("format", [](const Snapshot& s) -> std::optional<std::string> {
            return s.capture ? std::optional<std::string>(s.capture->format) : std::nullopt;
        }, "The decoder used, None for a scan.");

    m.def("scan", &scan, py::arg("settings"), py::arg("probe_signatures") = true, "Scan the host (raidmon status).");
    m.def("decode", &decode, py::arg("data"), py::arg("format"), py::arg("name"), "Decode a capture (raidmon decode).");
    m.def("formats", &rm::decodeFormats, "The capture formats decode() knows, in detection order.");
    m.def("predict", &predict, py::arg("settings"), "The rebuild model offline (raidmon predict --json).");
    m.def("plan", &plan, py::arg("snapshot"), py::arg("settings"), "Rebuild feasibility of an array (raidmon plan --json).");
    m.def("safe_to_remove", &safeToRemove, py::arg("snapshot"), py::arg("target"),
          "Would pulling the target lose data (raidmon safe-to-remove --json).");
    m.def("locate", &locate, py::arg("settings"), py::arg("state_dir"), py::arg("what"), py::arg("pattern"),
          py::arg("duration") = py::none(), py::arg("force") = false, py::arg("reason") = "raidmon (Python)",
          "Set a bay's light (raidmon locate --json).");
    m.def("smart", &smart, py::arg("settings"), py::arg("drive"), py::arg("via") = "auto", py::arg("device_type") = "",
          py::arg("timeout") = 60, "One drive's SMART read now (raidmon smart DRIVE --json).");
    m.def("identify", &identify, py::arg("settings"), py::arg("state_dir"), py::arg("on"), py::arg("duration") = py::none(),
          py::arg("reason") = "raidmon.identify (Python)",
          "The server's identify light (raidmon identify on|off --json) and the warnings of expiring old leases.");
    m.def("hotswap_incidents", &hotswapIncidents, py::arg("socket"), "The agent's incidents (raidmon hotswap --list --json).");
    m.def("hotswap_work_order", &hotswapWorkOrder, py::arg("settings"), py::arg("state_dir"), py::arg("socket"), py::arg("drive"),
          "The work order of a drive (raidmon hotswap DRIVE --json --no-follow): dict of json, text, svg.");
    m.def("hotswap_confirm", &hotswapConfirm, py::arg("socket"), py::arg("what"), "raidmon hotswap WHAT --confirm.");
    m.def("hotswap_cancel", &hotswapCancel, py::arg("socket"), py::arg("what"), py::arg("reason") = "",
          "raidmon hotswap WHAT --cancel --reason REASON.");
    m.def("events", &events, py::arg("socket"), py::arg("since") = "", "The agent's stored events (raidmon events).");
    m.def("default_socket", [](const std::string& stateDir) { return rm::defaultControlSocket(stateDir).string(); },
          py::arg("state_dir"), "The control socket of a state directory.");
    m.def("version", [] { return std::string(rm::kVersion); }, "libraidmon's version.");

    py::class_<Watch>(m, "Watch", "A subscription to the agent's new events (raidmon watch).")
        .def(py::init<const std::string&>(), py::arg("socket"))
        .def("fileno", &Watch::fileno, "The socket's file descriptor, to poll for reading.")
        .def("next", &Watch::next, "The next event line if one has arrived, else None (never blocks).")
        .def("wait", &Watch::wait, py::arg("timeout"), "The next event line, waiting up to timeout seconds (< 0: for ever); None on time-out.")
        .def("close", &Watch::close, "Close the connection.")
        .def_property_readonly("closed", &Watch::closed, "True once closed.");
    (void)errors;
}
