// SPDX-License-Identifier: LGPL-2.1-or-later
#include "registry.hpp"

#include <vector>

namespace raidmon::fuzz {

namespace {
std::vector<Target>& table() {
    static std::vector<Target> t;
    return t;
}
} // namespace

Registrar::Registrar(const char* name, const char* seeds, void (*run)(std::string_view)) { table().push_back({name, seeds, run}); }

std::span<const Target> targets() { return table(); }

const Target* find(std::string_view name) {
    for (const auto& t : table())
        if (name == t.name) return &t;
    return nullptr;
}

} // namespace raidmon::fuzz
