// SPDX-License-Identifier: LGPL-2.1-or-later
#include <raidmon/model.hpp>

namespace raidmon {

std::string_view toString(Health h) noexcept {
    switch (h) {
    case Health::OK: return "OK";
    case Health::Warning: return "Warning";
    case Health::Critical: return "Critical";
    case Health::Unknown: return "Unknown";
    }
    return "Unknown";
}

std::string_view toString(Protocol p) noexcept {
    switch (p) {
    case Protocol::SATA: return "SATA";
    case Protocol::SAS: return "SAS";
    case Protocol::NVMe: return "NVMe";
    case Protocol::SCSI: return "SCSI";
    case Protocol::USB: return "USB";
    case Protocol::Virtio: return "virtio";
    case Protocol::Unknown: return "unknown";
    }
    return "unknown";
}

std::string_view toString(Media m) noexcept { return m == Media::HDD ? "HDD" : "SSD"; }

std::string_view toString(DriveState s) noexcept {
    switch (s) {
    case DriveState::online: return "online";
    case DriveState::failed: return "failed";
    case DriveState::missing: return "missing";
    case DriveState::rebuilding: return "rebuilding";
    case DriveState::spare: return "spare";
    case DriveState::unconfigured: return "unconfigured";
    case DriveState::offline: return "offline";
    case DriveState::jbod: return "jbod";
    }
    return "unknown";
}

namespace {
int rank(Health h) noexcept {
    switch (h) {
    case Health::OK: return 0;
    case Health::Warning: return 1;
    case Health::Unknown: return 2;
    case Health::Critical: return 3;
    }
    return 2;
}
} // namespace

Health worse(Health a, Health b) noexcept { return rank(a) >= rank(b) ? a : b; }

int exitCode(Health h) noexcept {
    switch (h) {
    case Health::OK: return 0;
    case Health::Warning: return 1;
    case Health::Critical: return 2;
    case Health::Unknown: return 3;
    }
    return 3;
}

} // namespace raidmon
