// SPDX-License-Identifier: LGPL-2.1-or-later
// raidmon identity [--json] [--qr]: who this host is and its current verification code, as the
// host's own screen shows it (the agetty issue file). The card comes from raidmond's
// STATE_DIR/identity.json, which the agent rewrites at each change (docs/agent.md "Console and
// identity"): the code is the agent's, so the CLI shows the same one the events carry.
#include <fstream>
#include <iostream>
#include <sstream>

#include <raidmon/console.hpp>

#ifdef RAIDMON_HAVE_QRENCODE
#include <qrencode.h>
#endif

#include "common.hpp"

namespace raidmon::cli {

namespace {

struct IdentityOptions {
    bool qr = false;
};

/// What the QR code carries: the facts a technician's phone compares with the panel, one line.
std::string qrText(const IdentityCard& c) {
    auto v = [](const std::optional<std::string>& s) { return s.value_or("unknown"); };
    return "raidmon host=" + v(c.hostname) + " serial=" + v(c.productSerial) + " machine=" + v(c.machineId) + " bmc=" + v(c.bmcIp) +
           " code=" + (c.code.empty() ? std::string("unknown") : c.code);
}

#ifdef RAIDMON_HAVE_QRENCODE
/// The QR code in a terminal: two modules a character cell (upper and lower half blocks), with
/// the quiet zone of 4 modules the standard asks for; dark modules drawn as spaces on a light
/// frame so that it scans on dark and light terminals alike.
int printQr(const std::string& text) {
    QRcode* q = QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q) {
        printError("identity --qr: cannot encode the identity as a QR code (" + text.substr(0, 40) + "...)");
        return kExitSoftware;
    }
    const int quiet = 4, n = q->width + 2 * quiet;
    auto dark = [&](int x, int y) {
        x -= quiet;
        y -= quiet;
        return x >= 0 && y >= 0 && x < q->width && y < q->width && (q->data[y * q->width + x] & 1);
    };
    for (int y = 0; y < n; y += 2) {
        for (int x = 0; x < n; ++x) {
            const bool top = dark(x, y), bottom = y + 1 < n && dark(x, y + 1);
            std::cout << (top && bottom ? " " : top ? "\u2584" : bottom ? "\u2580" : "\u2588");
        }
        std::cout << '\n';
    }
    QRcode_free(q);
    std::cout << text << '\n';
    return 0;
}
#endif

int runIdentity(const Globals& g, const IdentityOptions& o) {
    const auto file = stateDirOf(g) / "identity.json";
    std::ifstream in(file);
    if (!in) {
        printError("identity: cannot read " + file.string() +
                   ": raidmond writes it (with [console] enabled = true); is it running on this state directory?");
        return kExitNoInput;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    auto card = parseIdentityCard(ss.str(), file.string());
    if (!card) {
        printError("identity: " + card.error().message);
        return kExitDataErr;
    }
    if (g.json) {
        std::cout << toJson(*card, 2) << '\n';
        return 0;
    }
    if (o.qr) {
#ifdef RAIDMON_HAVE_QRENCODE
        return printQr(qrText(*card));
#else
        printError("identity --qr: this raidmon was built without libqrencode (tools/deps.sh installs libqrencode-dev)");
        return kExitUsage;
#endif
    }
    std::cout << renderIssue(*card, false);
    return 0;
}

} // namespace

void registerIdentity(CLI::App& app, Globals& g, int& exitCode) {
    auto opts = std::make_shared<IdentityOptions>();
    auto* sub = app.add_subcommand("identity", "Who this host is and its console verification code, as its own screen shows them (from raidmond)");
    sub->add_flag("--qr", opts->qr, "Print the identity and code as a QR code for a phone");
    sub->callback([&g, &exitCode, opts] { exitCode = runIdentity(g, *opts); });
}

} // namespace raidmon::cli
