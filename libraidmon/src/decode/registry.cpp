// SPDX-License-Identifier: LGPL-2.1-or-later
#include "registry.hpp"

#include <array>

#include <raidmon/json.hpp>

#include "core/json_model.hpp"
#include "core/strutil.hpp"
#include "ctl/decoders.hpp"
#include "md/mdstat_decoder.hpp"
#include "smart/decoders.hpp"

namespace raidmon::detail {

std::span<const DecoderEntry> decoders() {
    // One line per decoder. Keep the more specific formats before the more general ones.
    static constexpr std::array table = {
        DecoderEntry{"mdstat", &detectMdstat, &decodeMdstat},
        DecoderEntry{"smartctl-json", &detectSmartctlJson, &decodeSmartctlJson},
        DecoderEntry{"smartctl-text", &detectSmartctlText, &decodeSmartctlText},
        DecoderEntry{"nvme-cli-smart-log", &detectNvmeCliSmartLog, &decodeNvmeCliSmartLog},
        DecoderEntry{"storcli-json", &detectStorcliJson, &decodeStorcliJson},
        DecoderEntry{"storcli-text", &detectStorcliText, &decodeStorcliText},
        DecoderEntry{"storcli-events", &detectStorcliEvents, &decodeStorcliEvents},
        DecoderEntry{"megacli", &detectMegacli, &decodeMegacli},
        DecoderEntry{"ssacli", &detectSsacli, &decodeSsacli},
        DecoderEntry{"cciss_vol_status", &detectCcissVolStatus, &decodeCcissVolStatus},
        DecoderEntry{"arcconf", &detectArcconf, &decodeArcconf},
        DecoderEntry{"sas-ircu", &detectSasIrcu, &decodeSasIrcu},
        DecoderEntry{"mdadm-detail", &detectMdadmDetail, &decodeMdadmDetail},
        DecoderEntry{"mdadm-examine", &detectMdadmExamine, &decodeMdadmExamine},
        DecoderEntry{"lsscsi", &detectLsscsi, &decodeLsscsi},
        DecoderEntry{"proc-scsi", &detectProcScsi, &decodeProcScsi},
    };
    return table;
}

} // namespace raidmon::detail

namespace raidmon {

std::vector<std::string> decodeFormats() {
    std::vector<std::string> out;
    for (const auto& d : detail::decoders()) out.emplace_back(d.format);
    return out;
}

Result<std::string> detectFormat(std::string_view raw) {
    const std::string normalised = detail::normaliseLineEnds(raw);
    const std::string_view text = normalised;
    int best = 0;
    std::string_view name;
    for (const auto& d : detail::decoders()) {
        int score = d.detect(text);
        if (score > best) {
            best = score;
            name = d.format;
        }
    }
    if (best == 0) {
        auto first = detail::lines(text.substr(0, 200));
        return fail(errc::parse_error, "not a capture raidmon knows (starts with " +
                                           detail::quoteForError(first.empty() ? std::string_view{} : first[0]) + ")");
    }
    return std::string(name);
}

Result<Capture> decode(std::string_view raw, std::string_view format) {
    // One line grammar for every decoder: captures saved on Windows or by a terminal logger end
    // their lines with CR LF.
    const std::string normalised = detail::normaliseLineEnds(raw);
    const std::string_view text = normalised;
    std::string fmt(format);
    if (fmt.empty() || fmt == "auto") {
        auto d = detectFormat(text);
        if (!d) return tl::unexpected(d.error());
        fmt = *d;
    }
    for (const auto& d : detail::decoders()) {
        if (d.format != fmt) continue;
        try {
            auto r = d.decode(text);
            if (r) r->format = fmt;
            return r;
        } catch (const std::exception& e) {
            // Decoders must not throw on bad input; if one does, it is a bug, but the caller still
            // gets a clean error instead of a crash.
            return fail(errc::parse_error, fmt + ": " + e.what());
        }
    }
    return fail(errc::invalid_argument, "unknown format '" + fmt + "'");
}

std::string toJson(const Capture& c, int indent) {
    using detail::Json;
    Json j{{"format_version", kJsonFormatVersion}, {"format", c.format}};
    auto add = [&](const char* key, const auto& v) {
        Json a = Json::array();
        for (const auto& x : v) a.push_back(detail::toJsonValue(x));
        j[key] = a;
    };
    add("controllers", c.controllers);
    add("enclosures", c.enclosures);
    add("drives", c.drives);
    add("arrays", c.arrays);
    j["notes"] = c.notes;
    j["skipped"] = c.skipped;
    return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

} // namespace raidmon
