// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Libraries loaded only when the configuration needs them, the way systemd loads libcryptsetup or
// libfido2: libcurl for a webhook sink (and a webhook URL's check), libmosquitto for an MQTT sink,
// libcrypto for an HMAC signature, the signed commands' Ed25519 keys and `raidmon command sign`.
// An agent with a file sink and /metrics maps none of them: through libcurl alone, Debian's
// libcurl4 brings 27 more shared objects (GnuTLS, Kerberos, LDAP, libssh2, ...), about 4 MiB of
// the agent's resident memory (docs/PERFORMANCE.md, "The agent's memory").
//
// Each table is loaded once, all its functions looked up at once: a library that is missing, or
// older than the one raidmon was built against (a function missing), is an error naming the
// library, the function and the Debian package, returned where the configuration asked for it.
// Loaded libraries stay loaded until the process ends.
//
// The members have the functions' names, but libcurl's lack the prefix (easy_setopt for
// curl_easy_setopt): curl.h defines curl_easy_setopt and curl_easy_getinfo as type-checking macros.

#include <curl/curl.h>
#include <mosquitto.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <functional>
#include <optional>

#include <raidmon/error.hpp>

namespace raidmon::agent::dyn {

#define RAIDMON_CURL_FUNCTIONS(X)                                                                                                   \
    X(global_init) X(share_init) X(share_setopt) X(share_cleanup) X(easy_init) X(easy_cleanup) X(easy_setopt) X(easy_perform)        \
        X(easy_getinfo) X(easy_strerror) X(slist_append) X(slist_free_all) X(url) X(url_set) X(url_get) X(url_cleanup) X(free)

#define RAIDMON_MOSQUITTO_FUNCTIONS(X) \
    X(mosquitto_lib_init) X(mosquitto_new) X(mosquitto_destroy) X(mosquitto_int_option) \
    X(mosquitto_reconnect_delay_set) X(mosquitto_username_pw_set) X(mosquitto_tls_set) X(mosquitto_tls_opts_set) \
    X(mosquitto_will_set) X(mosquitto_connect) X(mosquitto_connect_async) X(mosquitto_disconnect) \
    X(mosquitto_loop) X(mosquitto_loop_start) X(mosquitto_loop_stop) X(mosquitto_publish) X(mosquitto_subscribe) \
    X(mosquitto_connect_callback_set) X(mosquitto_disconnect_callback_set) X(mosquitto_publish_callback_set) \
    X(mosquitto_message_callback_set) X(mosquitto_log_callback_set) X(mosquitto_strerror) \
    X(mosquitto_connack_string)

#define RAIDMON_CRYPTO_FUNCTIONS(X)                                                                                                 \
    X(BIO_new_mem_buf) X(BIO_free) X(PEM_read_bio_PrivateKey) X(PEM_read_bio_PUBKEY) X(EVP_PKEY_get_base_id) X(EVP_PKEY_free)     \
        X(EVP_MD_CTX_new) X(EVP_MD_CTX_free) X(EVP_DigestSignInit) X(EVP_DigestSign) X(EVP_DigestVerifyInit) X(EVP_DigestVerify)  \
            X(EVP_sha256) X(HMAC)

/// libcurl's functions the agent calls.
struct Curl {
#define RAIDMON_MEMBER(f) decltype(&::curl_##f) f = nullptr;
    RAIDMON_CURL_FUNCTIONS(RAIDMON_MEMBER)
#undef RAIDMON_MEMBER
};

/// libmosquitto's functions the agent calls.
struct Mosquitto {
#define RAIDMON_MEMBER(f) decltype(&::f) f = nullptr;
    RAIDMON_MOSQUITTO_FUNCTIONS(RAIDMON_MEMBER)
#undef RAIDMON_MEMBER
};

/// libcrypto's (OpenSSL 3) functions raidmon calls.
struct Crypto {
#define RAIDMON_MEMBER(f) decltype(&::f) f = nullptr;
    RAIDMON_CRYPTO_FUNCTIONS(RAIDMON_MEMBER)
#undef RAIDMON_MEMBER
};

/// libcurl, loaded and initialised (curl_global_init) at the first call. Errors: unsupported
/// naming the library, what is missing and the package.
Result<const Curl*> curl();
/// libmosquitto, loaded and initialised (mosquitto_lib_init) at the first call.
Result<const Mosquitto*> mosquitto();
/// libcrypto, loaded at the first call.
Result<const Crypto*> crypto();

namespace detail {
/// Opens `soname` and looks up each of `functions` with `bind(name)`, which stores what it is
/// given. On success the library stays loaded; otherwise it is closed and the error (unsupported)
/// names `soname`, what failed (not loadable, or the first function missing), `neededFor` and the
/// Debian `package`. curl(), mosquitto() and crypto() use it.
std::optional<Error> openLibrary(const char* soname, const char* neededFor, const char* package,
                                 const std::function<void(const std::function<void*(const char*)>&)>& bind);
} // namespace detail

/// The sonames, as found in the libraries raidmon was built against.
extern const char* const kCurlSoname;
extern const char* const kMosquittoSoname;
extern const char* const kCryptoSoname;

} // namespace raidmon::agent::dyn
