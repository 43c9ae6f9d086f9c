// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// The JWT codec both raidmond (verifying, daemon/commands.hpp) and `raidmon command sign` use:
// base64url without padding (RFC 4648 section 5, RFC 7515 section 2) and Ed25519 signing and
// verification through OpenSSL (RFC 8037), which is loaded at the first key (daemon/dynlib.hpp).
// Only OpenSSL, nlohmann::json and the public error type: the CLI compiles this file and
// daemon/dynlib.cpp too, without the agent's other code.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <raidmon/error.hpp>

using EVP_PKEY = struct evp_pkey_st;

namespace raidmon::agent {

using JwtJson = nlohmann::ordered_json;

/// base64url without padding.
std::string base64urlEncode(std::string_view bytes);
/// The bytes of a base64url text without padding; nullopt for any other character, "=", a
/// length that cannot be base64 (4n+1) or non-zero unused bits (a text that is not canonical).
std::optional<std::string> base64urlDecode(std::string_view text);

/// An Ed25519 key read from PEM: a public key (SubjectPublicKeyInfo) or, with `privateKey`, a
/// private key (PKCS#8). Errors: invalid_argument naming `name` and what is wrong (not PEM, not
/// Ed25519); the key's bytes never appear in a message. unsupported when libcrypto cannot be loaded.
Result<std::shared_ptr<EVP_PKEY>> readEd25519Pem(std::string_view pem, const std::string& name, bool privateKey);

/// Does `signature` sign `input` under `key` (Ed25519, RFC 8032)?
bool ed25519Verify(EVP_PKEY* key, std::string_view input, std::string_view signature);

/// The Ed25519 signature of `input` (64 bytes) under a private key. Errors: invalid_argument if
/// OpenSSL refuses to sign with it.
Result<std::string> ed25519Sign(EVP_PKEY* key, std::string_view input);

/// A JWT of `claims` with header {"alg":"EdDSA","typ":"JWT"}, signed with `key` (a private key).
/// Errors: invalid_argument if OpenSSL refuses to sign with it.
Result<std::string> signJwt(const JwtJson& claims, EVP_PKEY* key);

} // namespace raidmon::agent
