// SPDX-License-Identifier: LGPL-2.1-or-later
// The controller backends: run the vendor tools through ctx.runner, check their exit status and
// their own status fields, and map their output with the same decoders `raidmon decode` uses.
#include "backend.hpp"

#include <algorithm>
#include <map>

#include <raidmon/controllers.hpp>

#include "adaptec/arcconf.hpp"
#include "common.hpp"
#include "core/json_model.hpp"
#include "core/strutil.hpp"
#include "decoders.hpp"
#include "mptir/sasircu.hpp"

namespace raidmon::detail::ctl {

namespace {

std::string joinArgs(std::string_view tool, const std::vector<std::string>& args) {
    std::string s(tool);
    for (const auto& a : args) s += " " + a;
    return s;
}

} // namespace

Result<ToolRun> runTool(const Context& ctx, const std::string& tool, const std::vector<std::string>& args,
                        std::chrono::milliseconds timeout) {
    if (!ctx.runner) return fail(errc::invalid_argument, "the Context has no command runner");
    std::vector<std::string> argv;
    argv.reserve(args.size() + 1);
    argv.push_back(tool);
    argv.insert(argv.end(), args.begin(), args.end());
    ToolRun run;
    run.tool = tool;
    run.commandLine = joinArgs(tool, args);
    ctx.logAt(LogLevel::debug, "run command=\"" + run.commandLine + "\"");
    auto r = ctx.runner->run(argv, timeout);
    if (!r) return tl::unexpected(Error(r.error().code, run.commandLine + ": " + r.error().message));
    run.out = std::move(*r);
    return run;
}

Result<ToolRun> runFirst(const Context& ctx, std::span<const std::string_view> candidates,
                         const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
    std::string tried;
    for (auto c : candidates) {
        auto r = runTool(ctx, std::string(c), args, timeout);
        if (r || !r.error().is(errc::not_found)) return r;
        tried += (tried.empty() ? "" : ", ") + std::string(c);
    }
    return fail(errc::not_found, "none of " + tried + " is installed");
}

Result<std::vector<storcli::ControllerTree>> storcliAnswer(const ToolRun& run, bool failureIsError) {
    auto trees = storcli::parseJson(run.out.out);
    if (!trees) {
        if (run.out.exitStatus != 0)
            return fail(errc::command_failed, run.commandLine + ": exit status " + std::to_string(run.out.exitStatus) +
                                                  ": " + printable(run.out.err.substr(0, 200)));
        return fail(errc::parse_error, run.commandLine + ": " + trees.error().message);
    }
    if (failureIsError)
        for (const auto& t : *trees)
            if (auto f = storcli::failureOf(t)) {
                std::string msg = run.commandLine + ": storcli reports Failure: " + f->description;
                for (const auto& d : f->details) msg += "; " + d;
                return fail(errc::command_failed, msg);
            }
    return trees;
}

void addCapture(ControllerReport& r, Capture&& c) {
    for (auto& x : c.controllers) r.controllers.push_back(std::move(x));
    for (auto& x : c.enclosures) r.enclosures.push_back(std::move(x));
    for (auto& x : c.drives) r.drives.push_back(std::move(x));
    for (auto& x : c.arrays) r.arrays.push_back(std::move(x));
    for (auto& x : c.notes) r.notes.push_back(std::move(x));
}

} // namespace raidmon::detail::ctl

namespace raidmon {

using namespace detail::ctl;
namespace storcli = detail::storcli;

Result<ControllerReport> scanMegaraid(const Context& ctx, const HwRaidOptions& opts) {
    auto all = runFirst(ctx, kStorcli, {"/call", "show", "all", "J"}, opts.timeout);
    if (!all) return tl::unexpected(all.error());
    auto trees = storcliAnswer(*all, false);
    if (!trees) return tl::unexpected(trees.error());
    ControllerReport report;
    // "No Controller found" is a Failure with no data: no controller, not an error.
    bool any = false;
    for (const auto& t : *trees) any = any || !t.sections.empty();
    if (!any) {
        if (auto f = trees->empty() ? std::nullopt : storcli::failureOf(trees->front()))
            report.notes.push_back(all->commandLine + ": " + f->description);
        return report;
    }
    const std::string& tool = all->tool;
    if (auto drives = runTool(ctx, tool, {"/call/eall/sall", "show", "all", "J"}, opts.timeout)) {
        if (auto t2 = storcliAnswer(*drives, false)) storcli::mergeTrees(*trees, std::move(*t2));
        else report.notes.push_back(t2.error().message);
    } else {
        return tl::unexpected(drives.error());
    }
    if (auto foreign = runTool(ctx, tool, {"/call/fall", "show", "all", "J"}, opts.timeout)) {
        // Without a foreign configuration storcli answers Failure; only a Success carries one.
        if (auto t3 = storcliAnswer(*foreign, true)) storcli::mergeTrees(*trees, std::move(*t3));
    } else {
        return tl::unexpected(foreign.error());
    }
    Capture cap = storcli::toCapture(*trees);
    // Rebuild progress is not in "show all": ask each rebuilding drive.
    for (const auto& d : cap.drives) {
        if (d.state != DriveState::rebuilding || !d.controllerView || !d.controllerView->address) continue;
        auto rb = runTool(ctx, tool, {*d.controllerView->address, "show", "rebuild", "J"}, opts.timeout);
        if (!rb) return tl::unexpected(rb.error());
        auto t = storcliAnswer(*rb, true);
        if (!t) {
            cap.notes.push_back(t.error().message);
            continue;
        }
        // Response Data: [{"Drive-ID": "/c0/e252/s3", "Progress%": 45, "Status": "In progress", ...}]
        // (storcli 007.x "show rebuild J"; no public capture of this answer, see docs/controllers.md).
        for (const auto& tree : *t) {
            auto it = tree.sections.find("Response Data");
            if (it == tree.sections.end() || !it->second.is_array()) continue;
            for (const auto& row : it->second) {
                auto pct = row.find("Progress%");
                if (pct == row.end()) continue;
                std::optional<double> percent;
                if (pct->is_number()) percent = pct->get<double>();
                else if (pct->is_string()) percent = detail::parseDouble(pct->get<std::string>());
                if (!percent || *percent < 0 || *percent > 100) continue;
                for (auto& a : cap.arrays)
                    for (const auto& m : a.members)
                        if (m.drive == d.id) {
                            ArrayOperation op;
                            op.kind = "rebuild";
                            op.percent = percent;
                            a.operation = op;
                            detail::ctl::classifyArray(a, a.name);
                        }
            }
        }
    }
    addCapture(report, std::move(cap));
    return report;
}

Result<ControllerReport> scanSmartArray(const Context& ctx, const HwRaidOptions& opts) {
    auto run = runFirst(ctx, kSsacli, {"ctrl", "all", "show", "config", "detail"}, opts.timeout);
    if (!run) return tl::unexpected(run.error());
    ControllerReport report;
    const auto& out = run->out.out;
    // ssacli prints "Error: No controllers detected." and exits non-zero on a host without one.
    if (detail::trim(out).find("No controllers detected") != std::string::npos) {
        report.notes.push_back(run->commandLine + ": no controllers detected");
        return report;
    }
    if (run->out.exitStatus != 0)
        return fail(errc::command_failed, run->commandLine + ": exit status " + std::to_string(run->out.exitStatus) + ": " +
                                              detail::printable(out.substr(0, 200) + run->out.err.substr(0, 200)));
    auto cap = detail::decodeSsacli(out);
    if (!cap) return tl::unexpected(Error(cap.error().code, run->commandLine + ": " + cap.error().message));
    addCapture(report, std::move(*cap));
    return report;
}

Result<ControllerReport> scanAdaptec(const Context& ctx, const HwRaidOptions& opts) {
    ControllerReport report;
    std::string tool;
    int count = 1;
    for (int n = 1; n <= count; ++n) {
        auto cfg = tool.empty() ? runFirst(ctx, kArcconf, {"GETCONFIG", "1", "AL"}, opts.timeout)
                                : runTool(ctx, tool, {"GETCONFIG", std::to_string(n), "AL"}, opts.timeout);
        if (!cfg) return tl::unexpected(cfg.error());
        tool = cfg->tool;
        const auto& out = cfg->out.out;
        if (n == 1) {
            // "Controllers found: N" heads every GETCONFIG answer.
            // ("Controllers Found:" in newer arcconf releases.)
            const auto lower = detail::toLower(out.substr(0, 4096));
            auto p = lower.find("controllers found:");
            auto found = p == std::string::npos ? std::nullopt : detail::parseLeadingInt<int>(std::string_view(out).substr(p + 18));
            if (found && *found == 0) {
                report.notes.push_back(cfg->commandLine + ": no controllers found");
                return report;
            }
            // arcconf numbers controllers from 1; 32 bounds a garbage count (no server has more).
            if (found && *found > 0) count = std::min(*found, 32);
        }
        if (cfg->out.exitStatus != 0)
            return fail(errc::command_failed, cfg->commandLine + ": exit status " + std::to_string(cfg->out.exitStatus) +
                                                  ": " + detail::printable(out.substr(0, 200)));
        std::string text = out;
        auto st = runTool(ctx, tool, {"GETSTATUS", std::to_string(n)}, opts.timeout);
        if (!st) return tl::unexpected(st.error());
        if (st->out.exitStatus == 0) text += "\n" + st->out.out;
        else report.notes.push_back(st->commandLine + ": exit status " + std::to_string(st->out.exitStatus));
        auto cap = detail::arcconf::decode(text, n);
        if (!cap) return tl::unexpected(Error(cap.error().code, cfg->commandLine + ": " + cap.error().message));
        addCapture(report, std::move(*cap));
    }
    return report;
}

Result<ControllerReport> scanMptIr(const Context& ctx, const HwRaidOptions& opts) {
    auto list = runFirst(ctx, kSasIrcu, {"LIST"}, opts.timeout);
    if (!list) return tl::unexpected(list.error());
    ControllerReport report;
    if (list->out.exitStatus != 0) {
        // sas*ircu exits non-zero when it finds no adapter it can manage (an IT-mode HBA).
        report.notes.push_back(list->commandLine + ": exit status " + std::to_string(list->out.exitStatus) +
                               ": no IR adapter");
        return report;
    }
    auto adapters = detail::sasircu::parseList(list->out.out);
    if (!adapters) return tl::unexpected(Error(adapters.error().code, list->commandLine + ": " + adapters.error().message));
    for (const auto& a : *adapters) {
        auto disp = runTool(ctx, list->tool, {std::to_string(a.index), "DISPLAY"}, opts.timeout);
        if (!disp) return tl::unexpected(disp.error());
        if (disp->out.exitStatus != 0)
            return fail(errc::command_failed, disp->commandLine + ": exit status " + std::to_string(disp->out.exitStatus));
        auto cap = detail::sasircu::decodeDisplay(disp->out.out, a.index);
        if (!cap) return tl::unexpected(Error(cap.error().code, disp->commandLine + ": " + cap.error().message));
        // LIST knows the PCI ids DISPLAY does not print.
        for (auto& c : cap->controllers) {
            if (!c.pciAddress) c.pciAddress = a.pciAddress;
            if (!c.pciId) c.pciId = a.pciId;
            if (!c.pciSubsystem) c.pciSubsystem = a.pciSubsystem;
        }
        addCapture(report, std::move(*cap));
    }
    return report;
}

Result<ControllerReport> scanHardwareRaid(const Context& ctx, const HwRaidOptions& opts) {
    if (!ctx.runner) return fail(errc::invalid_argument, "scanHardwareRaid: the Context has no command runner");
    ControllerReport all;
    using Scan = Result<ControllerReport> (*)(const Context&, const HwRaidOptions&);
    const std::pair<std::string_view, Scan> scans[] = {
        {"megaraid", &scanMegaraid}, {"smartarray", &scanSmartArray}, {"adaptec", &scanAdaptec}, {"mpt-ir", &scanMptIr}};
    for (const auto& [name, scan] : scans) {
        auto r = scan(ctx, opts);
        if (!r) {
            all.notes.push_back(std::string(name) + ": " + r.error().message);
            continue;
        }
        for (auto& x : r->controllers) all.controllers.push_back(std::move(x));
        for (auto& x : r->enclosures) all.enclosures.push_back(std::move(x));
        for (auto& x : r->drives) all.drives.push_back(std::move(x));
        for (auto& x : r->arrays) all.arrays.push_back(std::move(x));
        for (auto& x : r->notes) all.notes.push_back(std::string(name) + ": " + x);
    }
    return all;
}

std::vector<SmartctlTarget> smartctlTargets(const ControllerReport& report) {
    std::vector<SmartctlTarget> out;
    std::map<std::string, int> ccissIndex;  // controller -> next index
    for (const auto& d : report.drives) {
        const std::string ctl = d.location.controller.value_or("");
        SmartctlTarget t;
        t.driveId = d.id;
        t.enclosure = d.location.enclosure;
        t.slot = d.location.slot;
        t.serial = d.serial;
        if (detail::startsWith(ctl, "megaraid:") && d.location.megaraidDid) {
            t.type = "megaraid," + std::to_string(*d.location.megaraidDid);
        } else if (detail::startsWith(ctl, "smartarray:")) {
            // smartctl's cciss,N counts the controller's physical drives in the order the
            // controller reports them, which is the order ssacli lists them.
            t.type = "cciss," + std::to_string(ccissIndex[ctl]++);
        } else {
            continue;
        }
        out.push_back(std::move(t));
    }
    return out;
}

Result<std::vector<SmartctlTarget>> joinSmartctlScan(std::string_view scanJson, const ControllerReport& report) {
    using detail::Json;
    Json doc;
    try {
        doc = Json::parse(scanJson.begin(), scanJson.end());
    } catch (const Json::parse_error& e) {
        return fail(errc::parse_error, "smartctl --scan JSON: byte " + std::to_string(e.byte) + ": not valid JSON");
    }
    auto devs = doc.find("devices");
    if (devs == doc.end() || !devs->is_array()) return fail(errc::parse_error, "smartctl --scan JSON: no \"devices\" array");
    auto targets = smartctlTargets(report);
    std::vector<SmartctlTarget> out;
    std::size_t i = 0;
    for (const auto& e : *devs) {
        const std::string where = "smartctl --scan JSON: devices[" + std::to_string(i++) + "]";
        auto type = e.find("type");
        auto name = e.find("name");
        if (type == e.end() || !type->is_string() || name == e.end() || !name->is_string())
            return fail(errc::parse_error, where + ": no \"name\"/\"type\" string");
        const auto& ty = type->get_ref<const std::string&>();
        if (!detail::startsWith(ty, "megaraid,")) continue;
        for (const auto& t : targets)
            if (t.type == ty) {
                SmartctlTarget j = t;
                j.device = name->get<std::string>();
                out.push_back(std::move(j));
            }
    }
    return out;
}

} // namespace raidmon
