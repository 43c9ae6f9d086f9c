// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Capture decoders of the hardware-RAID tools and of mdadm/lsscsi, listed in decode/registry.cpp.
// Each detectX returns a confidence 0..100 and never throws; each decodeX maps one capture into the
// model or returns parse_error naming the line or field it could not understand.

#include <string_view>

#include <raidmon/decode.hpp>

namespace raidmon::detail {

int detectStorcliJson(std::string_view text);
Result<Capture> decodeStorcliJson(std::string_view text);
int detectStorcliText(std::string_view text);
Result<Capture> decodeStorcliText(std::string_view text);
int detectStorcliEvents(std::string_view text);
Result<Capture> decodeStorcliEvents(std::string_view text);

int detectMegacli(std::string_view text);
Result<Capture> decodeMegacli(std::string_view text);

int detectSsacli(std::string_view text);
Result<Capture> decodeSsacli(std::string_view text);
int detectCcissVolStatus(std::string_view text);
Result<Capture> decodeCcissVolStatus(std::string_view text);

int detectArcconf(std::string_view text);
Result<Capture> decodeArcconf(std::string_view text);

int detectSasIrcu(std::string_view text);
Result<Capture> decodeSasIrcu(std::string_view text);

int detectMdadmDetail(std::string_view text);
Result<Capture> decodeMdadmDetail(std::string_view text);
int detectMdadmExamine(std::string_view text);
Result<Capture> decodeMdadmExamine(std::string_view text);

int detectLsscsi(std::string_view text);
Result<Capture> decodeLsscsi(std::string_view text);
int detectProcScsi(std::string_view text);
Result<Capture> decodeProcScsi(std::string_view text);

} // namespace raidmon::detail
