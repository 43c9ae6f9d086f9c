// SPDX-License-Identifier: LGPL-2.1-or-later
// One target per decoder of `raidmon decode`, calling the decoder itself (not decode(), which turns a
// decoder's exception into a parse_error: here an exception must be a finding), then format
// detection and the JSON rendering of whatever was decoded.
#include <string>

#include <raidmon/decode.hpp>

#include "decode/registry.hpp"
#include "registry.hpp"

namespace {

void decodeAs(std::string_view format, std::string_view in) {
    for (const auto& d : raidmon::detail::decoders()) {
        if (d.format != format) continue;
        (void)d.detect(in);
        auto r = d.decode(in);
        if (r) (void)raidmon::toJson(*r, -1);
        else if (r.error().message.empty()) __builtin_trap();  // every refusal names what it refused
    }
    (void)raidmon::detectFormat(in);
}

#define DECODE_TARGET(fmt, seeds) \
    RAIDMON_FUZZ_TARGET("decode-" fmt, seeds, [](std::string_view in) { decodeAs(fmt, in); })

DECODE_TARGET("mdstat", "mdstat");
DECODE_TARGET("smartctl-json", "smartctl-json");
DECODE_TARGET("smartctl-text", "smartctl-text");
DECODE_TARGET("nvme-cli-smart-log", "nvme-cli");
DECODE_TARGET("storcli-json", "storcli");
DECODE_TARGET("storcli-text", "storcli");
DECODE_TARGET("storcli-events", "storcli");
DECODE_TARGET("megacli", "megacli");
DECODE_TARGET("ssacli", "ssacli");
DECODE_TARGET("cciss_vol_status", "ssacli");
DECODE_TARGET("arcconf", "arcconf");
DECODE_TARGET("sas-ircu", "sas-ircu");
DECODE_TARGET("mdadm-detail", "mdadm");
DECODE_TARGET("mdadm-examine", "mdadm");
DECODE_TARGET("lsscsi", "lsscsi");
DECODE_TARGET("proc-scsi", "lsscsi");

} // namespace
