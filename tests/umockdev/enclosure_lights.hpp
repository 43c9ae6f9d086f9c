// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// What the lights of a testbed's SES enclosures show, read straight from sysfs: the tests that
// light a bay (raidmon locate, a panel's signed locate) check that exactly that bay changed.

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "testbed.hpp"

namespace raidmon::test {

/// Every locate/fault attribute of every enclosure component: "<enclosure>/<component>/<attr>" -> value
/// (its first line).
inline std::map<std::string, std::string> enclosureLights(const Testbed& tb) {
    namespace fs = std::filesystem;
    auto firstLine = [](const fs::path& p) {
        std::ifstream f(p);
        std::string s;
        std::getline(f, s);
        return s;
    };
    std::map<std::string, std::string> out;
    fs::path cls = tb.root() / "sys" / "class" / "enclosure";
    for (const auto& enc : fs::directory_iterator(cls)) {
        std::error_code ec;
        const fs::path dir = fs::canonical(enc.path(), ec);
        if (ec) continue;  // an enclosure that went away (its class link dangles)
        for (const auto& comp : fs::directory_iterator(dir)) {
            if (!comp.is_directory() || comp.is_symlink()) continue;
            for (const char* a : {"locate", "fault"})
                if (fs::exists(comp.path() / a))
                    out[enc.path().filename().string() + "/" + comp.path().filename().string() + "/" + a] = firstLine(comp.path() / a);
        }
    }
    return out;
}

/// What changed between two snapshots of enclosureLights().
inline std::map<std::string, std::string> changedLights(const std::map<std::string, std::string>& before,
                                                        const std::map<std::string, std::string>& after) {
    std::map<std::string, std::string> d;
    for (const auto& [k, v] : after)
        if (!before.count(k) || before.at(k) != v) d[k] = v;
    return d;
}

} // namespace raidmon::test
