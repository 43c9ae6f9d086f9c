// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Boost.Test prints values of failed checks: teach it the model's enums.
#include <ostream>

#include <raidmon/error.hpp>
#include <raidmon/model.hpp>

namespace raidmon {
inline std::ostream& operator<<(std::ostream& os, Health h) { return os << toString(h); }
inline std::ostream& operator<<(std::ostream& os, DriveState s) { return os << toString(s); }
inline std::ostream& operator<<(std::ostream& os, errc e) { return os << make_error_code(e).message(); }
} // namespace raidmon
