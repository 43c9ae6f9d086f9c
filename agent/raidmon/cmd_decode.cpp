// SPDX-License-Identifier: LGPL-2.1-or-later
// raidmon decode [--format F] FILE...: captured tool output -> the model.
#include <fstream>
#include <iostream>
#include <sstream>

#include <raidmon/decode.hpp>

#include "common.hpp"
#include "render.hpp"

namespace raidmon::cli {

namespace {

struct DecodeOptions {
    std::string format = "auto";
    std::vector<std::string> files;
    bool listFormats = false;
};

int runDecode(const Globals& g, const DecodeOptions& o) {
    if (o.listFormats) {
        for (const auto& f : decodeFormats()) std::cout << f << '\n';
        return 0;
    }
    if (o.files.empty()) {
        printError("decode: no FILE given (use - for standard input)");
        return kExitUsage;
    }
    int rc = 0;
    bool first = true;
    if (g.json && o.files.size() > 1) std::cout << "[\n";
    for (const auto& file : o.files) {
        std::string text;
        if (file == "-") {
            std::ostringstream ss;
            ss << std::cin.rdbuf();
            text = ss.str();
        } else {
            std::ifstream in(file, std::ios::binary);
            if (!in) {
                printError(file + ": cannot open");
                rc = std::max(rc, kExitNoInput);
                continue;
            }
            std::ostringstream ss;
            ss << in.rdbuf();
            text = ss.str();
        }
        auto c = decode(text, o.format);
        if (!c) {
            printError(file + ": " + c.error().message);
            rc = std::max(rc, c.error().is(errc::invalid_argument) ? kExitUsage : kExitDataErr);
            continue;
        }
        if (g.json) {
            if (!first) std::cout << ",\n";
            std::cout << toJson(*c, 2);
            if (o.files.size() == 1) std::cout << '\n';
        } else {
            std::cout << file << ": " << c->format << '\n';
            renderCapture(std::cout, *c);
        }
        first = false;
    }
    if (g.json && o.files.size() > 1) std::cout << "\n]\n";
    return rc;
}

} // namespace

void registerDecode(CLI::App& app, Globals& g, int& exitCode) {
    auto opts = std::make_shared<DecodeOptions>();
    auto* sub = app.add_subcommand("decode", "Decode captured tool output (smartctl, storcli, mdstat, ...) into the model");
    sub->add_option("--format,-f", opts->format, "Format name, or auto (default)");
    sub->add_flag("--list-formats", opts->listFormats, "List the formats and exit");
    sub->add_option("FILE", opts->files, "Capture files ('-' for standard input)");
    sub->callback([&g, &exitCode, opts] { exitCode = runDecode(g, *opts); });
}

} // namespace raidmon::cli
