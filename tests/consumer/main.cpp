// SPDX-License-Identifier: LGPL-2.1-or-later
// Builds against the installed headers only and uses the public API end to end.
#include <cstdio>

#include <raidmon/decode.hpp>
#include <raidmon/inventory.hpp>
#include <raidmon/json.hpp>
#include <raidmon/version.hpp>

int main() {
    auto c = raidmon::decode("Personalities : [raid1]\nmd0 : active raid1 sdb1[1] sda1[0]\n"
                             "      976630336 blocks super 1.2 [2/1] [U_]\n\nunused devices: <none>\n");
    if (!c || c->arrays.size() != 1 || c->arrays[0].state != "degraded") {
        std::puts(c ? "wrong decode" : c.error().message.c_str());
        return 1;
    }
    raidmon::Drive d;
    d.model = "ST4000NM0023";
    d.serial = "Z1Z3A003";
    std::printf("raidmon %s: %s %s\n", raidmon::kVersion, c->arrays[0].name.c_str(), raidmon::makeDriveId(d).c_str());
    return raidmon::makeDriveId(d) == "ST4000NM0023_Z1Z3A003" ? 0 : 1;
}
