// SPDX-License-Identifier: LGPL-2.1-or-later
#include "common.hpp"

#include "core/strutil.hpp"
#include "core/sysfs.hpp"

namespace raidmon::detail {

bool isPciAddress(std::string_view s) {
    // dddd:bb:dd.f
    if (s.size() != 12 || s[4] != ':' || s[7] != ':' || s[10] != '.') return false;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u, 11u}) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

std::optional<std::string> owningPciFunction(const std::filesystem::path& devDir,
                                             std::map<std::string, bool, std::less<>>& storageClass) {
    std::optional<std::string> nearest;
    for (auto p = devDir; p.has_relative_path() && p != p.parent_path(); p = p.parent_path()) {
        auto name = p.filename().string();
        if (!isPciAddress(name)) continue;
        if (!nearest) nearest = name;
        auto known = storageClass.find(p.native());
        if (known == storageClass.end()) {
            auto cls = attr(p, "class");
            known = storageClass.emplace(p.native(), cls && startsWith(*cls, "0x01")).first;
        }
        if (known->second) return name;
    }
    return nearest;
}

Health sesSlotHealth(std::string_view status) {
    const auto s = toLower(trim(status));
    if (s == "critical" || s == "unrecoverable") return Health::Critical;
    if (s == "noncritical") return Health::Warning;
    return Health::OK;
}

const Drive* findDriveByPath(const std::vector<Drive>& drives, const std::filesystem::path& dir) {
    const std::string d = dir.lexically_normal().string();
    for (const auto& drv : drives) {
        if (!drv.sysPath) continue;
        const std::string& s = *drv.sysPath;
        // dir is the drive or inside it (a partition: .../block/sda/sda1)
        if (d == s || (startsWith(d, s) && d.size() > s.size() && d[s.size()] == '/')) return &drv;
        // dir is the SCSI device (or NVMe controller) the drive's block directory hangs below
        if (startsWith(s, d) && s.size() > d.size() && s[d.size()] == '/' &&
            s.find("/block/", d.size()) != std::string::npos) {
            auto rest = std::string_view(s).substr(d.size());
            // only direct ownership: ".../0:0:3:0" + "/block/sdc"
            if (startsWith(rest, "/block/") && rest.find('/', 7) == std::string_view::npos) return &drv;
        }
    }
    return nullptr;
}

} // namespace raidmon::detail
