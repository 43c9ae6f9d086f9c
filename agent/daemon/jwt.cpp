// SPDX-License-Identifier: LGPL-2.1-or-later
#include "daemon/jwt.hpp"

#include <array>

#include "daemon/dynlib.hpp"

namespace raidmon::agent {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<signed char, 256> decodeTable() {
    std::array<signed char, 256> t{};
    for (auto& v : t) v = -1;
    for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<signed char>(i);
    return t;
}

using MdCtx = std::unique_ptr<EVP_MD_CTX, decltype(dyn::Crypto::EVP_MD_CTX_free)>;

} // namespace

std::string base64urlEncode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() * 4 + 2) / 3);
    std::size_t i = 0;
    auto at = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(bytes[k])); };
    for (; i + 3 <= bytes.size(); i += 3) {
        const unsigned v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
        for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
    }
    const std::size_t rest = bytes.size() - i;
    if (rest == 1) {
        const unsigned v = at(i) << 16;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
    } else if (rest == 2) {
        const unsigned v = at(i) << 16 | at(i + 1) << 8;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
    }
    return out;
}

std::optional<std::string> base64urlDecode(std::string_view text) {
    static constexpr auto table = decodeTable();
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(text.size() * 3 / 4);
    unsigned acc = 0;
    int bits = 0;
    for (char c : text) {
        const int v = table[static_cast<unsigned char>(c)];
        if (v < 0) return std::nullopt;
        acc = (acc << 6 | static_cast<unsigned>(v)) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    // The bits left over must be zero: otherwise two texts would decode to the same bytes.
    if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
    return out;
}

Result<std::shared_ptr<EVP_PKEY>> readEd25519Pem(std::string_view pem, const std::string& name, bool privateKey) {
    if (pem.size() > 64 * 1024) return fail(errc::invalid_argument, name + ": too large for a PEM key");
    auto api = dyn::crypto();
    if (!api) return tl::unexpected(Error(api.error().code, name + ": " + api.error().message));
    const dyn::Crypto& c = **api;
    std::unique_ptr<BIO, decltype(c.BIO_free)> bio(c.BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), c.BIO_free);
    if (!bio) return fail(errc::io_error, name + ": out of memory");
    EVP_PKEY* k = privateKey ? c.PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                             : c.PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
    if (!k)
        return fail(errc::invalid_argument, name + ": not a PEM " + (privateKey ? std::string("private key (PKCS#8, \"BEGIN PRIVATE KEY\")")
                                                                              : std::string("public key (\"BEGIN PUBLIC KEY\")")));
    std::shared_ptr<EVP_PKEY> key(k, c.EVP_PKEY_free);
    if (c.EVP_PKEY_get_base_id(k) != EVP_PKEY_ED25519)
        return fail(errc::invalid_argument, name + ": not an Ed25519 key (make one with: openssl genpkey -algorithm ed25519)");
    return key;
}

// A key exists only once readEd25519Pem loaded libcrypto: the two below find it loaded.

bool ed25519Verify(EVP_PKEY* key, std::string_view input, std::string_view signature) {
    auto api = dyn::crypto();
    if (!key || !api || signature.size() != 64) return false;
    const dyn::Crypto& c = **api;
    MdCtx ctx(c.EVP_MD_CTX_new(), c.EVP_MD_CTX_free);
    if (!ctx || c.EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key) != 1) return false;
    return c.EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                              reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
}

Result<std::string> ed25519Sign(EVP_PKEY* key, std::string_view input) {
    auto api = dyn::crypto();
    if (!api) return tl::unexpected(api.error());
    const dyn::Crypto& c = **api;
    MdCtx ctx(c.EVP_MD_CTX_new(), c.EVP_MD_CTX_free);
    unsigned char sig[64];
    std::size_t len = sizeof sig;
    if (!ctx || !key || c.EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key) != 1 ||
        c.EVP_DigestSign(ctx.get(), sig, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
        return fail(errc::invalid_argument, "OpenSSL cannot sign with this key (an Ed25519 private key is needed)");
    return std::string(reinterpret_cast<const char*>(sig), len);
}

Result<std::string> signJwt(const JwtJson& claims, EVP_PKEY* key) {
    const std::string input = base64urlEncode(R"({"alg":"EdDSA","typ":"JWT"})") + "." + base64urlEncode(claims.dump());
    auto sig = ed25519Sign(key, input);
    if (!sig) return tl::unexpected(sig.error());
    return input + "." + base64urlEncode(*sig);
}

} // namespace raidmon::agent
