// SPDX-License-Identifier: LGPL-2.1-or-later
// For every array of this host: if one member failed now, what would the rebuild risk be?
//   example_rebuild_risk
#include <cstdio>

#include <raidmon/inventory.hpp>
#include <raidmon/rebuild.hpp>

int main() {
    raidmon::Context ctx = raidmon::makeSystemContext();
    auto inv = raidmon::scanInventory(ctx);
    if (!inv) {
        std::fprintf(stderr, "scan failed: %s\n", inv.error().message.c_str());
        return 3;
    }
    for (const auto& a : inv->arrays) {
        raidmon::PlanOptions opts;
        if (a.state == "optimal")  // ask "what if": assume the first active member failed
            for (const auto& m : a.members)
                if (m.role == "active" && m.drive) {
                    opts.assumeFailed = m.drive;
                    break;
                }
        auto in = raidmon::rebuildInputFromArray(a, inv->drives, opts);
        if (!in) {
            std::printf("%s: %s\n", a.name.c_str(), in.error().message.c_str());
            continue;
        }
        auto r = raidmon::evaluateRebuild(*in);
        if (!r) {
            std::printf("%s: %s\n", a.name.c_str(), r.error().message.c_str());
            continue;
        }
        std::printf("%s: window %.1f h, P(array loss) %.2e, P(unreadable stripes) %.2e\n", a.name.c_str(),
                    r->windowHours, r->pArrayLoss, r->pSectorLoss);
        for (const auto& reason : r->reasons) std::printf("  - %s\n", reason.c_str());
    }
    return 0;
}
