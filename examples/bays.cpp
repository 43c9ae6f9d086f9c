// SPDX-License-Identifier: LGPL-2.1-or-later
// Print every bay of this server with the drive in it: what a technician needs to find a drive.
//   example_bays            (reads the real /sys; run as root to see everything)
#include <cstdio>

#include <raidmon/inventory.hpp>

int main() {
    raidmon::Context ctx = raidmon::makeSystemContext();
    auto inv = raidmon::scanInventory(ctx);
    if (!inv) {
        std::fprintf(stderr, "scan failed: %s\n", inv.error().message.c_str());
        return 3;
    }
    std::printf("%s (serial %s)\n", inv->host.hostname.value_or("?").c_str(),
                inv->host.dmi.productSerial.value_or("unknown").c_str());
    for (const auto& e : inv->enclosures) {
        std::printf("enclosure %s\n", e.id.c_str());
        for (const auto& s : e.slots) {
            const raidmon::Drive* drive = nullptr;
            for (const auto& d : inv->drives)
                if (s.drive && d.id == *s.drive) drive = &d;
            std::printf("  bay %3d %-12s %s", s.index, s.label.value_or("").c_str(),
                        drive ? drive->id.c_str() : "(empty)");
            if (drive) std::printf("  %s", std::string(raidmon::toString(drive->health)).c_str());
            std::printf("\n");
        }
    }
    return raidmon::exitCode(inv->health);
}
