// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
/// @file export.hpp
/// @brief The library is built with hidden visibility; public headers open their declarations with
/// RAIDMON_API_BEGIN and close them with RAIDMON_API_END so exactly the public API is exported
/// (and then filtered again by the linker version script raidmon.map).

#if defined(__GNUC__)
#define RAIDMON_API_BEGIN _Pragma("GCC visibility push(default)")
#define RAIDMON_API_END _Pragma("GCC visibility pop")
#else
#define RAIDMON_API_BEGIN
#define RAIDMON_API_END
#endif
