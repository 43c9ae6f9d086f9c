// SPDX-License-Identifier: LGPL-2.1-or-later
// Loading libcurl, libmosquitto and libcrypto when they are first needed (daemon/dynlib.hpp).
#include "daemon/dynlib.hpp"

#include <dlfcn.h>

#include <mutex>
#include <optional>
#include <string>

namespace raidmon::agent::dyn {

// The build (agent/daemon/CMakeLists.txt) reads each soname from the library it compiled against.
const char* const kCurlSoname = RAIDMON_CURL_SONAME;
const char* const kMosquittoSoname = RAIDMON_MOSQUITTO_SONAME;
const char* const kCryptoSoname = RAIDMON_CRYPTO_SONAME;

namespace {

/// One library's table, loaded at most once. A failed load is kept too: its error is the answer
/// of every later call (a library does not appear while the agent runs).
template <class Table>
struct Loaded {
    std::once_flag once;
    Table table;
    std::optional<Error> error;
};

template <class Table>
Result<const Table*> answer(const Loaded<Table>& l) {
    if (l.error) return tl::unexpected(*l.error);
    return &l.table;
}

} // namespace

std::optional<Error> detail::openLibrary(const char* soname, const char* neededFor, const char* package,
                                         const std::function<void(const std::function<void*(const char*)>&)>& bind) {
    const auto fail = [&](const std::string& what) {
        return Error(errc::unsupported, std::string(neededFor) + " needs " + soname + ", which " + what + " (Debian package " + package + ")");
    };
    ::dlerror();
    void* h = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char* why = ::dlerror();
        return fail(std::string("could not be loaded: ") + (why ? why : "unknown error"));
    }
    const char* missing = nullptr;
    bind([&](const char* name) -> void* {
        void* p = ::dlsym(h, name);
        if (!p && !missing) missing = name;
        return p;
    });
    if (missing) {
        ::dlclose(h);
        return fail(std::string("has no function ") + missing + ": older than the one raidmon was built against");
    }
    return std::nullopt;
}

Result<const Curl*> curl() {
    static Loaded<Curl> l;
    std::call_once(l.once, [] {
        l.error = detail::openLibrary(kCurlSoname, "a webhook sink", "libcurl4", [](const auto& sym) {
#define RAIDMON_BIND(f) l.table.f = reinterpret_cast<decltype(l.table.f)>(sym("curl_" #f));
            RAIDMON_CURL_FUNCTIONS(RAIDMON_BIND)
#undef RAIDMON_BIND
        });
        if (!l.error && l.table.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            l.error = Error(errc::io_error, std::string(kCurlSoname) + ": curl_global_init failed");
    });
    return answer(l);
}

Result<const Mosquitto*> mosquitto() {
    static Loaded<Mosquitto> l;
    std::call_once(l.once, [] {
        l.error = detail::openLibrary(kMosquittoSoname, "an MQTT sink", "libmosquitto1", [](const auto& sym) {
#define RAIDMON_BIND(f) l.table.f = reinterpret_cast<decltype(l.table.f)>(sym(#f));
            RAIDMON_MOSQUITTO_FUNCTIONS(RAIDMON_BIND)
#undef RAIDMON_BIND
        });
        if (!l.error && l.table.mosquitto_lib_init() != MOSQ_ERR_SUCCESS)
            l.error = Error(errc::io_error, std::string(kMosquittoSoname) + ": mosquitto_lib_init failed");
    });
    return answer(l);
}

Result<const Crypto*> crypto() {
    static Loaded<Crypto> l;
    std::call_once(l.once, [] {
        l.error = detail::openLibrary(kCryptoSoname, "signing (HMAC, Ed25519)", "libssl3", [](const auto& sym) {
#define RAIDMON_BIND(f) l.table.f = reinterpret_cast<decltype(l.table.f)>(sym(#f));
            RAIDMON_CRYPTO_FUNCTIONS(RAIDMON_BIND)
#undef RAIDMON_BIND
        });
    });
    return answer(l);
}

} // namespace raidmon::agent::dyn
