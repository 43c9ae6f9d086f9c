// SPDX-License-Identifier: LGPL-2.1-or-later
// Native SMART readers: NVMe admin commands on the controller's character device, SCSI log pages and
// SAT ATA PASS-THROUGH through SG_IO (libsgutils2). Every node is opened read-only through
// openDeviceNode(); nothing here sends a command that changes the drive's state or data.
#include <raidmon/smart.hpp>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/ioctl.h>

#include <linux/nvme_ioctl.h>
#include <scsi/sg_cmds_basic.h>
#include <scsi/sg_cmds_extra.h>
#include <scsi/sg_lib.h>

#include "core/devnode.hpp"
#include "core/strutil.hpp"
#include "core/sysfs.hpp"
#include "pages.hpp"
#include "smart_util.hpp"

namespace raidmon {

namespace {

using detail::Fd;
namespace fs = std::filesystem;

/// Time limit per command. SMART commands are answered from the drive's memory within
/// milliseconds; a drive that has to spin up first takes up to ~30 s (ATA ACS-4 7.1: standby ->
/// active), which SG_IO/NVMe absorb well within this.
constexpr unsigned kCommandTimeoutSec = 60;

// ---------------------------------------------------------------------------------------------- NVMe

// NVMe Base Spec 2.0: admin opcodes 02h Get Log Page, 06h Identify; CNS 01h = controller;
// LID 02h = SMART / Health Information; NSID FFFFFFFFh = controller-wide.
constexpr std::uint8_t kNvmeGetLogPage = 0x02, kNvmeIdentify = 0x06;
constexpr std::uint32_t kNvmeCnsController = 0x01, kNvmeLidSmart = 0x02, kNvmeNsidAll = 0xffffffffu;
constexpr std::size_t kNvmeSmartLogSize = 512, kNvmeIdentifySize = 4096;
/// NVMe status "Invalid Field in Command" (SCT 0, SC 02h) and "Invalid Log Page" (SCT 1, SC 09h).
constexpr int kNvmeInvalidField = 0x2, kNvmeInvalidLogPage = 0x109;

Result<void> nvmeAdmin(int fd, const std::string& node, std::uint8_t opcode, std::uint32_t nsid, std::uint32_t cdw10,
                       std::span<std::uint8_t> buf, const char* what) {
    nvme_admin_cmd c{};
    c.opcode = opcode;
    c.nsid = nsid;
    c.cdw10 = cdw10;
    c.addr = reinterpret_cast<std::uintptr_t>(buf.data());
    c.data_len = static_cast<std::uint32_t>(buf.size());
    c.timeout_ms = kCommandTimeoutSec * 1000;
    int r = ::ioctl(fd, NVME_IOCTL_ADMIN_CMD, &c);
    if (r < 0) {
        int e = errno;
        if (e == ENOTTY || e == EINVAL) return fail(errc::unsupported, node + ": " + what + ": the device does not take NVMe admin commands");
        return fail(fromErrno(e), node + ": " + what + ": " + std::strerror(e));
    }
    if (r > 0) {
        const int sc = r & 0x7ff;  // status code type + status code, without the DNR/More bits
        char status[16];
        std::snprintf(status, sizeof status, "0x%x", static_cast<unsigned>(r));
        if (sc == kNvmeInvalidField || sc == kNvmeInvalidLogPage)
            return fail(errc::unsupported, node + ": " + what + ": not supported by the drive (NVMe status " + status + ")");
        return fail(errc::command_failed, node + ": " + what + ": NVMe status " + status);
    }
    return {};
}

Result<Drive> readNvme(const Context& ctx, Drive d) {
    if (!d.sysPath) return fail(errc::invalid_argument, d.id + ": no sysfs path: cannot find the NVMe controller");
    auto parent = detail::resolveLink(fs::path(*d.sysPath) / "device");
    if (!parent) return fail(errc::device_gone, *d.sysPath + "/device: not a link (the namespace is gone?)");
    fs::path ctrl = detail::realPath(*parent).value_or(*parent);
    if (detail::startsWith(ctrl.filename().string(), "nvme-subsys")) {
        // native multipath: any live controller of the subsystem serves the controller-wide log
        for (const auto& n : detail::listDir(ctrl))
            if (detail::startsWith(n, "nvme") && !detail::startsWith(n, "nvme-") && detail::pathExists(ctrl / n / "dev")) {
                ctrl = detail::realPath(ctrl / n).value_or(ctrl / n);
                break;
            }
    }
    const std::string node = (ctx.paths.dev / ctrl.filename()).string();
    auto fd = detail::openDeviceNode(ctx, node, ctrl, detail::NodeKind::character);
    if (!fd) return tl::unexpected(fd.error());

    std::array<std::uint8_t, kNvmeIdentifySize> id{};
    if (auto r = nvmeAdmin(fd->get(), node, kNvmeIdentify, 0, kNvmeCnsController, id, "Identify Controller"); !r)
        return tl::unexpected(r.error());
    std::array<std::uint8_t, kNvmeSmartLogSize> log{};
    // CDW10: bits 31-16 NUMDL (dwords - 1), bits 7-0 LID
    const std::uint32_t numdl = static_cast<std::uint32_t>(kNvmeSmartLogSize / 4 - 1);
    if (auto r = nvmeAdmin(fd->get(), node, kNvmeGetLogPage, kNvmeNsidAll, (numdl << 16) | kNvmeLidSmart, log,
                           "Get Log Page (SMART / Health)");
        !r)
        return tl::unexpected(r.error());

    auto ident = detail::pages::nvmeIdentifyController(id);
    auto smart = detail::pages::nvmeSmartLog(log);
    if (!ident) return tl::unexpected(Error(ident.error().code, node + ": " + ident.error().message));
    if (!smart) return tl::unexpected(Error(smart.error().code, node + ": " + smart.error().message));
    if (!d.serial) d.serial = ident->serial;
    if (!d.model) d.model = ident->model;
    if (!d.firmware) d.firmware = ident->firmware;
    d.protocol = Protocol::NVMe;
    d.media = Media::SSD;
    smart->source = "nvme-ioctl";
    // NVMe has no separate pass/fail: the critical warning byte is the drive's verdict.
    smart->passed = smart->nvme->criticalWarning == 0;
    d.smart = std::move(*smart);
    return d;
}

// ---------------------------------------------------------------------------------------------- SCSI

/// LOG SENSE allocation length: the pages read here are far below 1 KiB.
constexpr int kLogPageBuf = 1024;
/// READ DEFECT DATA (10): the header only (4 bytes) is asked for; the length field counts the list.
constexpr int kDefectHeader = 4;
/// Defect list format 4 ("bytes from index"), what smartmontools asks for (8-byte descriptors).
constexpr int kDefectFormatBytesFromIndex = 4;
/// LOG SENSE page control 1: cumulative values.
constexpr int kPcCumulative = 1;

/// sg_ll_* results that mean "this device does not have that page/command".
bool notSupported(int r) {
    return r == SG_LIB_CAT_INVALID_OP || r == SG_LIB_CAT_ILLEGAL_REQ || r == SG_LIB_CAT_ILLEGAL_REQ_WITH_INFO;
}

Error sgError(const std::string& node, const char* what, int r) {
    if (r == SG_LIB_CAT_NOT_READY) return Error(errc::command_failed, node + ": " + what + ": the device is not ready");
    if (r == -1) {
        int e = errno;
        if (e == ENOTTY || e == EINVAL) return Error(errc::unsupported, node + ": " + what + ": the device does not take SG_IO");
        if (e != 0) return Error(fromErrno(e), node + ": " + what + ": " + std::strerror(e));
    }
    return Error(errc::command_failed, node + ": " + what + ": SCSI error category " + std::to_string(r));
}

Result<void> scsiPages(int fd, const std::string& node, Smart& s, std::vector<std::string>& skipped) {
    struct Page {
        int code;
        const char* name;
        Result<void> (*decode)(std::span<const std::uint8_t>, Smart&);
    };
    static constexpr std::array pages = {
        Page{0x2f, "Informational Exceptions (2Fh)", &detail::pages::scsiInformationalExceptions},
        Page{0x0d, "Temperature (0Dh)", &detail::pages::scsiTemperature},
        Page{0x03, "Read Error Counters (03h)", &detail::pages::scsiErrorCounter},
        Page{0x02, "Write Error Counters (02h)", &detail::pages::scsiErrorCounter},
        Page{0x10, "Self-Test Results (10h)", &detail::pages::scsiSelfTests},
        Page{0x11, "Solid State Media (11h)", &detail::pages::scsiSolidStateMedia},
        Page{0x15, "Background Scan Results (15h)", &detail::pages::scsiBackgroundScan},
    };
    int read = 0;
    std::array<std::uint8_t, kLogPageBuf> buf{};
    for (const auto& p : pages) {
        buf.fill(0);
        int resid = 0;
        errno = 0;
        int r = sg_ll_log_sense_v2(fd, false, false, kPcCumulative, p.code, 0, 0, buf.data(), kLogPageBuf,
                                   static_cast<int>(kCommandTimeoutSec), &resid, false, 0);
        if (notSupported(r)) {
            skipped.push_back(std::string(p.name) + " not supported");
            continue;
        }
        if (r != 0) return tl::unexpected(sgError(node, p.name, r));
        const auto got = static_cast<std::size_t>(kLogPageBuf - std::max(0, resid));
        auto dec = p.decode(std::span<const std::uint8_t>(buf.data(), got), s);
        if (!dec) return tl::unexpected(Error(dec.error().code, node + ": " + dec.error().message));
        ++read;
    }
    std::array<std::uint8_t, kDefectHeader> hdr{};
    errno = 0;
    int r = sg_ll_read_defect10(fd, false, true, kDefectFormatBytesFromIndex, hdr.data(), kDefectHeader, false, 0);
    if (r == 0) {
        if (auto g = detail::pages::scsiGrownDefects(hdr, s); !g) skipped.push_back(g.error().message);
        else ++read;
    } else if (notSupported(r)) {
        skipped.push_back("READ DEFECT DATA not supported");
    } else {
        return tl::unexpected(sgError(node, "READ DEFECT DATA", r));
    }
    if (read == 0) return fail(errc::unsupported, node + ": the device answered none of the SMART log pages");
    return {};
}

// ----------------------------------------------------------------------------------------- SAT / ATA

// SAT-4 ATA PASS-THROUGH (16), opcode 85h. Byte 1: PROTOCOL << 1; byte 2: CK_COND (bit 5),
// T_DIR (bit 3, 1 = from device), BYTE_BLOCK (bit 2), T_LENGTH (bits 1-0, 2 = in COUNT).
constexpr std::uint8_t kAtaPt16 = 0x85, kProtoNonData = 3, kProtoPioIn = 4;
constexpr std::uint8_t kPioInFlags = 0x0e, kCheckCondition = 0x20;
// ACS-3: SMART (B0h) with the 4Fh/C2h signature; features D0h READ DATA, D1h READ THRESHOLDS,
// DAh RETURN STATUS; IDENTIFY DEVICE ECh.
constexpr std::uint8_t kAtaSmart = 0xb0, kAtaIdentify = 0xec;
constexpr std::uint8_t kSmartReadData = 0xd0, kSmartReadThresholds = 0xd1, kSmartReturnStatus = 0xda;
constexpr std::uint8_t kSmartLbaMid = 0x4f, kSmartLbaHigh = 0xc2, kSmartFailMid = 0xf4, kSmartFailHigh = 0x2c;
constexpr std::size_t kSector = 512;
/// SAT-4 12.2.2.6: ATA Status Return sense data descriptor, code 09h; LBA(15:8) at byte 9,
/// LBA(23:16) at byte 11.
constexpr std::uint8_t kAtaReturnDescriptor = 0x09;
constexpr int kAtaReturnLen = 14;

std::array<std::uint8_t, 16> ataCdb(std::uint8_t protocol, std::uint8_t flags, std::uint8_t feature, std::uint8_t mid,
                                    std::uint8_t high, std::uint8_t command) {
    std::array<std::uint8_t, 16> c{};
    c[0] = kAtaPt16;
    c[1] = static_cast<std::uint8_t>(protocol << 1);
    c[2] = flags;
    c[4] = feature;
    c[6] = protocol == kProtoPioIn ? 1 : 0;  // one sector
    c[10] = mid;
    c[12] = high;
    c[14] = command;
    return c;
}

Result<void> ataIn(int fd, const std::string& node, const std::array<std::uint8_t, 16>& cdb, std::span<std::uint8_t> buf,
                   const char* what) {
    std::array<std::uint8_t, 32> sense{};
    int resid = 0;
    errno = 0;
    int r = sg_ll_ata_pt(fd, cdb.data(), 16, static_cast<int>(kCommandTimeoutSec), buf.data(), nullptr,
                         static_cast<int>(buf.size()), sense.data(), static_cast<int>(sense.size()), nullptr, 0, &resid, 0);
    if (r < 0) {
        int e = errno;
        if (e == ENOTTY || e == EINVAL || e == 0) return fail(errc::unsupported, node + ": " + what + ": the device does not take SG_IO");
        return fail(fromErrno(e), node + ": " + what + ": " + std::strerror(e));
    }
    if (r != 0) {
        // CHECK CONDITION: ILLEGAL REQUEST means the SAT layer or the drive rejects it
        const int key = sg_get_sense_key(sense.data(), static_cast<int>(sense.size()));
        if (key == SPC_SK_ILLEGAL_REQUEST || key == SPC_SK_ABORTED_COMMAND)
            return fail(errc::unsupported, node + ": " + what + ": rejected (no SAT, or SMART disabled)");
        return fail(errc::command_failed, node + ": " + what + ": SCSI status " + std::to_string(r) + ", sense key " + std::to_string(key));
    }
    if (resid > 0) return fail(errc::command_failed, node + ": " + what + ": short transfer (" + std::to_string(resid) + " bytes missing)");
    return {};
}

Result<std::optional<bool>> ataReturnStatus(int fd, const std::string& node) {
    auto cdb = ataCdb(kProtoNonData, kCheckCondition, kSmartReturnStatus, kSmartLbaMid, kSmartLbaHigh, kAtaSmart);
    std::array<std::uint8_t, 32> sense{};
    std::array<std::uint8_t, kAtaReturnLen> ret{};
    errno = 0;
    int r = sg_ll_ata_pt(fd, cdb.data(), 16, static_cast<int>(kCommandTimeoutSec), nullptr, nullptr, 0, sense.data(),
                         static_cast<int>(sense.size()), ret.data(), kAtaReturnLen, nullptr, 0);
    if (r < 0) return fail(fromErrno(errno), node + ": SMART RETURN STATUS: " + std::strerror(errno));
    if (ret[0] != kAtaReturnDescriptor) return std::optional<bool>();  // no ATA registers returned
    if (ret[9] == kSmartLbaMid && ret[11] == kSmartLbaHigh) return std::optional<bool>(true);
    if (ret[9] == kSmartFailMid && ret[11] == kSmartFailHigh) return std::optional<bool>(false);
    return std::optional<bool>();
}

Result<Drive> readSat(const Context& ctx, Drive d, int fd, const std::string& node) {
    std::array<std::uint8_t, kSector> ident{}, data{}, thresholds{};
    if (auto r = ataIn(fd, node, ataCdb(kProtoPioIn, kPioInFlags, 0, 0, 0, kAtaIdentify), ident, "IDENTIFY DEVICE"); !r)
        return tl::unexpected(r.error());
    if (auto r = ataIn(fd, node, ataCdb(kProtoPioIn, kPioInFlags, kSmartReadData, kSmartLbaMid, kSmartLbaHigh, kAtaSmart), data,
                       "SMART READ DATA");
        !r)
        return tl::unexpected(r.error());
    bool haveThresholds = true;
    if (auto r = ataIn(fd, node,
                       ataCdb(kProtoPioIn, kPioInFlags, kSmartReadThresholds, kSmartLbaMid, kSmartLbaHigh, kAtaSmart),
                       thresholds, "SMART READ THRESHOLDS");
        !r) {
        // READ THRESHOLDS is obsolete since ACS-2; many drives still answer it
        if (!r.error().is(errc::unsupported)) return tl::unexpected(r.error());
        haveThresholds = false;
    }
    Smart s;
    auto st = detail::pages::ataSmartData(data, haveThresholds ? std::optional<std::span<const std::uint8_t>>(thresholds)
                                                               : std::nullopt,
                                          s);
    if (!st) return tl::unexpected(Error(st.error().code, node + ": " + st.error().message));
    auto passed = ataReturnStatus(fd, node);
    if (!passed) return tl::unexpected(passed.error());
    s.passed = *passed;
    s.source = "sg_io";
    if (auto id = detail::pages::ataIdentify(ident)) {
        if (!d.serial) d.serial = id->serial;
        if (!d.model) d.model = id->model;
        if (!d.firmware) d.firmware = id->firmware;
        if (!d.wwn) d.wwn = id->wwn;
        if (id->rotation && !d.media) d.media = *id->rotation == 1 ? Media::SSD : Media::HDD;
    }
    (void)ctx;
    d.smart = std::move(s);
    return d;
}

Result<Drive> readScsi(const Context& ctx, Drive d) {
    if (!d.devnode || !d.sysPath) return fail(errc::invalid_argument, d.id + ": no device node or sysfs path");
    auto fd = detail::openDeviceNode(ctx, *d.devnode, *d.sysPath, detail::NodeKind::block);
    if (!fd) return tl::unexpected(fd.error());
    if (d.protocol == Protocol::SATA) return readSat(ctx, std::move(d), fd->get(), *d.devnode);
    Smart s;
    std::vector<std::string> skipped;
    if (auto r = scsiPages(fd->get(), *d.devnode, s, skipped); !r) return tl::unexpected(r.error());
    for (const auto& sk : skipped) ctx.logAt(LogLevel::debug, "smart native: " + *d.devnode + ": " + sk);
    s.source = "sg_io";
    d.smart = std::move(s);
    return d;
}

} // namespace

Result<Drive> readSmartNative(const Context& ctx, const Drive& drive) {
    if (ctx.deviceIo == DeviceIo::none)
        return fail(errc::refused, drive.devnode.value_or(drive.id) + ": device I/O is off; native SMART needs the device node");
    Result<Drive> r = fail(errc::unsupported, drive.id + ": no native SMART reader for protocol " + std::string(toString(drive.protocol)) +
                                                  " (use smartctl: --via smartctl)");
    switch (drive.protocol) {
    case Protocol::NVMe: r = readNvme(ctx, drive); break;
    case Protocol::SATA:
    case Protocol::SAS:
    case Protocol::SCSI: r = readScsi(ctx, drive); break;
    case Protocol::USB:
    case Protocol::Virtio:
    case Protocol::Unknown: break;
    }
    if (!r) return r;
    applySmartAssessment(*r);
    return r;
}

} // namespace raidmon
