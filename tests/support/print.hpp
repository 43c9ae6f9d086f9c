// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Stream operators so Boost.Test can print model enums in failure messages.
#include <ostream>

#include <raidmon/model.hpp>

namespace raidmon {
inline std::ostream& operator<<(std::ostream& os, Health h) { return os << toString(h); }
inline std::ostream& operator<<(std::ostream& os, Protocol p) { return os << toString(p); }
inline std::ostream& operator<<(std::ostream& os, Media m) { return os << toString(m); }
inline std::ostream& operator<<(std::ostream& os, DriveState s) { return os << toString(s); }
} // namespace raidmon
