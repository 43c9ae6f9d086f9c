// SPDX-License-Identifier: LGPL-2.1-or-later
// Native SMART readers (readSmartNative) against a umockdev testbed. The testbed's ioctl handlers
// play six real drives: each answers SG_IO (SAT ATA PASS-THROUGH, LOG SENSE, READ DEFECT DATA) or
// NVME_IOCTL_ADMIN_CMD with pages built here from the values in that drive's smartctl capture
// (tests/data), so the expected results are the capture's own numbers.
#define BOOST_TEST_MODULE umockdev_smart
#include <boost/test/unit_test.hpp>

#include <umockdev.h>

#include <array>
#include <cstddef>
#include <cstring>
#include <sys/ioctl.h>
#include <linux/nvme_ioctl.h>
#include <scsi/sg.h>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <raidmon/smart.hpp>

#include "testdata.hpp"

using namespace raidmon;
using Json = nlohmann::json;
using Bytes = std::vector<std::uint8_t>;

namespace {

// ------------------------------------------------------------------------------------- the drives

/// What one emulated drive answers.
struct Emulated {
    // SCSI / SAT
    std::array<Bytes, 64> logPages{};  ///< LOG SENSE page code -> whole page; empty: not supported
    Bytes defectHeader;                ///< READ DEFECT DATA (10) header; empty: not supported
    Bytes ataIdentify, ataSmartData, ataThresholds;
    bool ataPassed = true;
    // NVMe
    Bytes nvmeIdentify, nvmeSmartLog;
    int sgioCalls = 0, nvmeCalls = 0;
};

void putAscii(Bytes& b, std::size_t off, std::size_t n, const std::string& s) {
    for (std::size_t i = 0; i < n; ++i) b[off + i] = i < s.size() ? static_cast<std::uint8_t>(s[i]) : ' ';
}
void putAtaString(Bytes& b, std::size_t word, std::size_t nWords, const std::string& s) {
    for (std::size_t i = 0; i < nWords * 2; ++i) {
        char c = i < s.size() ? s[i] : ' ';
        b[2 * word + (i ^ 1)] = static_cast<std::uint8_t>(c);  // ATA strings: bytes swapped in each word
    }
}
void putLe(Bytes& b, std::size_t off, std::size_t n, std::uint64_t v) {
    for (std::size_t i = 0; i < n; ++i) b[off + i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void putBe(Bytes& b, std::size_t off, std::size_t n, std::uint64_t v) {
    for (std::size_t i = 0; i < n; ++i) b[off + n - 1 - i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void checksum(Bytes& b) {
    unsigned sum = 0;
    for (std::size_t i = 0; i < 511; ++i) sum += b[i];
    b[511] = static_cast<std::uint8_t>(0x100 - (sum & 0xff));
}

/// SATA drive from a smartctl -j capture: IDENTIFY strings, the attribute table and thresholds.
Emulated sataFrom(const Json& c) {
    Emulated e;
    e.ataIdentify.assign(512, 0);
    putAtaString(e.ataIdentify, 10, 10, c["serial_number"].get<std::string>());
    putAtaString(e.ataIdentify, 23, 4, c["firmware_version"].get<std::string>());
    putAtaString(e.ataIdentify, 27, 20, c["model_name"].get<std::string>());
    putLe(e.ataIdentify, 2 * 217, 2, c["rotation_rate"].get<std::uint64_t>());
    e.ataSmartData.assign(512, 0);
    e.ataThresholds.assign(512, 0);
    std::size_t i = 0;
    for (const auto& a : c["ata_smart_attributes"]["table"]) {
        std::size_t off = 2 + 12 * i++;
        e.ataSmartData[off] = a["id"].get<std::uint8_t>();
        putLe(e.ataSmartData, off + 1, 2, a["flags"]["value"].get<std::uint64_t>());
        e.ataSmartData[off + 3] = a["value"].get<std::uint8_t>();
        e.ataSmartData[off + 4] = a["worst"].get<std::uint8_t>();
        putLe(e.ataSmartData, off + 5, 6, a["raw"]["value"].get<std::uint64_t>());
        e.ataThresholds[off] = a["id"].get<std::uint8_t>();
        e.ataThresholds[off + 1] = a["thresh"].get<std::uint8_t>();
    }
    checksum(e.ataSmartData);
    checksum(e.ataThresholds);
    e.ataPassed = c["smart_status"]["passed"].get<bool>();
    return e;
}

/// A log page: header + parameters (code, control 03h, value bytes).
Bytes logPage(int code, const std::vector<std::pair<int, Bytes>>& params) {
    Bytes p(4, 0);
    p[0] = static_cast<std::uint8_t>(code);
    for (const auto& [pc, v] : params) {
        p.push_back(static_cast<std::uint8_t>(pc >> 8));
        p.push_back(static_cast<std::uint8_t>(pc));
        p.push_back(0x03);
        p.push_back(static_cast<std::uint8_t>(v.size()));
        p.insert(p.end(), v.begin(), v.end());
    }
    putBe(p, 2, 2, p.size() - 4);
    return p;
}

Bytes be(std::size_t n, std::uint64_t v) {
    Bytes b(n, 0);
    putBe(b, 0, n, v);
    return b;
}

/// SAS drive from a smartctl -j capture: IE, temperature, error counters, background scan
/// (power-on minutes) and the grown defect list length.
Emulated sasFrom(const Json& c) {
    Emulated e;
    const int temp = c["temperature"]["current"].get<int>();
    e.logPages[0x2f] = logPage(0x2f, {{0, Bytes{0x00, 0x00, static_cast<std::uint8_t>(temp)}}});
    e.logPages[0x0d] = logPage(0x0d, {{0, Bytes{0x00, static_cast<std::uint8_t>(temp)}},
                                      {1, Bytes{0x00, static_cast<std::uint8_t>(c["temperature"]["drive_trip"].get<int>())}}});
    const auto& log = c["scsi_error_counter_log"];
    e.logPages[0x03] = logPage(0x03, {{0, be(4, log["read"]["errors_corrected_by_eccfast"].get<std::uint64_t>())},
                                      {6, be(4, log["read"]["total_uncorrected_errors"].get<std::uint64_t>())}});
    e.logPages[0x02] = logPage(0x02, {{6, be(4, log["write"]["total_uncorrected_errors"].get<std::uint64_t>())}});
    const std::uint64_t minutes =
        c["power_on_time"]["hours"].get<std::uint64_t>() * 60 + c["power_on_time"]["minutes"].get<std::uint64_t>();
    Bytes scan(12, 0);
    putBe(scan, 0, 4, minutes);
    e.logPages[0x15] = logPage(0x15, {{0, scan}});
    // self-test page with twenty unused parameters, as a drive that never ran one returns it
    std::vector<std::pair<int, Bytes>> unused;
    for (int i = 1; i <= 20; ++i) unused.emplace_back(i, Bytes(16, 0));
    e.logPages[0x10] = logPage(0x10, unused);
    // page 11h (solid state media) is left out: an HDD answers ILLEGAL REQUEST
    e.defectHeader = {0x00, 0x08 | 0x04, 0, 0};  // GLISTV, format 4 (bytes from index, 8-byte entries)
    putBe(e.defectHeader, 2, 2, c["scsi_grown_defect_list"].get<std::uint64_t>() * 8);
    return e;
}

struct NvmeValues {
    std::string serial, model, firmware;
    int criticalWarning, kelvin, spare, threshold, used;
    std::uint64_t powerOnHours, unsafeShutdowns, mediaErrors, errorLogEntries;
};

Emulated nvmeFrom(const NvmeValues& v) {
    Emulated e;
    e.nvmeIdentify.assign(4096, 0);
    putAscii(e.nvmeIdentify, 4, 20, v.serial);
    putAscii(e.nvmeIdentify, 24, 40, v.model);
    putAscii(e.nvmeIdentify, 64, 8, v.firmware);
    e.nvmeSmartLog.assign(512, 0);
    e.nvmeSmartLog[0] = static_cast<std::uint8_t>(v.criticalWarning);
    putLe(e.nvmeSmartLog, 1, 2, static_cast<std::uint64_t>(v.kelvin));
    e.nvmeSmartLog[3] = static_cast<std::uint8_t>(v.spare);
    e.nvmeSmartLog[4] = static_cast<std::uint8_t>(v.threshold);
    e.nvmeSmartLog[5] = static_cast<std::uint8_t>(v.used);
    putLe(e.nvmeSmartLog, 128, 8, v.powerOnHours);
    putLe(e.nvmeSmartLog, 144, 8, v.unsafeShutdowns);
    putLe(e.nvmeSmartLog, 160, 8, v.mediaErrors);
    putLe(e.nvmeSmartLog, 176, 8, v.errorLogEntries);
    return e;
}

// ------------------------------------------------------------------------------ ioctl handlers

void senseIllegalRequest(sg_io_hdr_t* h, UMockdevIoctlData* sb, unsigned mx) {
    // fixed-format sense: ILLEGAL REQUEST, ASC 20h INVALID COMMAND OPERATION CODE
    const std::uint8_t s[18] = {0x70, 0, 0x05, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x20, 0x00};
    h->status = 0x02;
    h->masked_status = 0x01;
    h->driver_status = 0x08;
    unsigned n = mx < sizeof s ? mx : sizeof s;
    std::memcpy(sb->data, s, n);
    h->sb_len_wr = static_cast<unsigned char>(n);
}

void reply(sg_io_hdr_t* h, UMockdevIoctlData* buf, unsigned len, const Bytes& data) {
    unsigned n = len < data.size() ? len : static_cast<unsigned>(data.size());
    std::memcpy(buf->data, data.data(), n);
    h->resid = static_cast<int>(len - n);
}

gboolean onScsi(UMockdevIoctlBase*, UMockdevIoctlClient* client, gpointer user) {
    auto* e = static_cast<Emulated*>(user);
    if (umockdev_ioctl_client_get_request(client) != SG_IO) return FALSE;
    GError* err = nullptr;
    UMockdevIoctlData* hd = umockdev_ioctl_data_resolve(umockdev_ioctl_client_get_arg(client), 0, sizeof(sg_io_hdr_t), &err);
    auto* h = reinterpret_cast<sg_io_hdr_t*>(hd->data);
    const unsigned cmdLen = h->cmd_len, len = h->dxfer_len, mx = h->mx_sb_len;
    UMockdevIoctlData* cdbD = umockdev_ioctl_data_resolve(hd, offsetof(sg_io_hdr_t, cmdp), cmdLen, &err);
    UMockdevIoctlData* buf = len ? umockdev_ioctl_data_resolve(hd, offsetof(sg_io_hdr_t, dxferp), len, &err) : nullptr;
    UMockdevIoctlData* sb = mx ? umockdev_ioctl_data_resolve(hd, offsetof(sg_io_hdr_t, sbp), mx, &err) : nullptr;
    const std::uint8_t* cdb = cdbD->data;
    ++e->sgioCalls;
    h->status = 0;
    h->masked_status = 0;
    h->host_status = 0;
    h->driver_status = 0;
    h->resid = 0;
    h->sb_len_wr = 0;
    bool handled = false;
    if (cdb[0] == 0x85 && !e->ataSmartData.empty()) {  // ATA PASS-THROUGH (16)
        const std::uint8_t command = cdb[14], feature = cdb[4];
        if (command == 0xec && buf) reply(h, buf, len, e->ataIdentify), handled = true;
        else if (command == 0xb0 && feature == 0xd0 && buf) reply(h, buf, len, e->ataSmartData), handled = true;
        else if (command == 0xb0 && feature == 0xd1 && buf) reply(h, buf, len, e->ataThresholds), handled = true;
        else if (command == 0xb0 && feature == 0xda && sb) {
            // CK_COND: CHECK CONDITION, RECOVERED ERROR / ATA PASS THROUGH INFORMATION AVAILABLE,
            // descriptor sense with the ATA Status Return descriptor (SAT-4 12.2.2.6)
            std::uint8_t s[22] = {0x72, 0x01, 0x00, 0x1d, 0, 0, 0, 14, 0x09, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x50};
            s[8 + 9] = e->ataPassed ? 0x4f : 0xf4;
            s[8 + 11] = e->ataPassed ? 0xc2 : 0x2c;
            h->status = 0x02;
            h->masked_status = 0x01;
            h->driver_status = 0x08;
            unsigned n = mx < sizeof s ? mx : sizeof s;
            std::memcpy(sb->data, s, n);
            h->sb_len_wr = static_cast<unsigned char>(n);
            handled = true;
        }
    } else if (cdb[0] == 0x4d && buf) {  // LOG SENSE
        const auto& page = e->logPages[cdb[2] & 0x3f];
        if (!page.empty()) reply(h, buf, len, page), handled = true;
    } else if (cdb[0] == 0x37 && buf && !e->defectHeader.empty()) {  // READ DEFECT DATA (10)
        reply(h, buf, len, e->defectHeader), handled = true;
    }
    if (!handled && sb) senseIllegalRequest(h, sb, mx);
    umockdev_ioctl_client_complete(client, 0, 0);
    g_object_unref(hd);
    g_object_unref(cdbD);
    if (buf) g_object_unref(buf);
    if (sb) g_object_unref(sb);
    return TRUE;
}

gboolean onNvme(UMockdevIoctlBase*, UMockdevIoctlClient* client, gpointer user) {
    auto* e = static_cast<Emulated*>(user);
    if (umockdev_ioctl_client_get_request(client) != NVME_IOCTL_ADMIN_CMD) return FALSE;
    GError* err = nullptr;
    UMockdevIoctlData* cd = umockdev_ioctl_data_resolve(umockdev_ioctl_client_get_arg(client), 0, sizeof(nvme_admin_cmd), &err);
    auto* c = reinterpret_cast<nvme_admin_cmd*>(cd->data);
    const unsigned len = c->data_len;
    UMockdevIoctlData* d = umockdev_ioctl_data_resolve(cd, offsetof(nvme_admin_cmd, addr), len, &err);
    ++e->nvmeCalls;
    const Bytes* src = nullptr;
    if (c->opcode == 0x06 && (c->cdw10 & 0xff) == 1) src = &e->nvmeIdentify;
    else if (c->opcode == 0x02 && (c->cdw10 & 0xff) == 2) src = &e->nvmeSmartLog;
    if (src) {
        std::memset(d->data, 0, len);
        std::memcpy(d->data, src->data(), len < src->size() ? len : src->size());
        umockdev_ioctl_client_complete(client, 0, 0);
    } else {
        umockdev_ioctl_client_complete(client, 0x4002, 0);  // Invalid Field in Command
    }
    g_object_unref(cd);
    g_object_unref(d);
    return TRUE;
}

// ----------------------------------------------------------------------------------- the testbed

const char* const kHba = "/devices/pci0000:00/0000:00:1f.2";
const char* const kNvmePci[] = {"/devices/pci0000:00/0000:00:1c.0/0000:3a:00.0", "/devices/pci0000:00/0000:00:1c.1/0000:3b:00.0"};

std::string scsiDisk(int target, const char* name, int minor, const char* vendor) {
    std::string dev = std::string(kHba) + "/host0/target0:0:" + std::to_string(target) + "/0:0:" + std::to_string(target) + ":0";
    return "P: " + dev + "\nE: SUBSYSTEM=scsi\nE: DEVTYPE=scsi_device\nA: vendor=" + vendor + "\\n\nA: type=0\\n\n\n" +
           "P: " + dev + "/block/" + name + "\nN: " + name + "\nE: SUBSYSTEM=block\nE: DEVTYPE=disk\nE: DEVNAME=/dev/" + name +
           "\nA: dev=8:" + std::to_string(minor) + "\\n\nA: size=1000\\n\nL: device=../../../0:0:" + std::to_string(target) +
           ":0\n\n";
}

std::string nvmeController(int i) {
    std::string ctrl = std::string(kNvmePci[i]) + "/nvme/nvme" + std::to_string(i);
    std::string ns = "nvme" + std::to_string(i) + "n1";
    return "P: " + std::string(kNvmePci[i]) + "\nE: SUBSYSTEM=pci\n\n" + "P: " + ctrl + "\nN: nvme" + std::to_string(i) +
           "\nE: SUBSYSTEM=nvme\nE: DEVNAME=/dev/nvme" + std::to_string(i) + "\nA: dev=239:" + std::to_string(i) + "\\n\n\n" +
           "P: " + ctrl + "/" + ns + "\nN: " + ns + "\nE: SUBSYSTEM=block\nE: DEVTYPE=disk\nE: DEVNAME=/dev/" + ns +
           "\nA: dev=259:" + std::to_string(i) + "\\n\nL: device=../../nvme" + std::to_string(i) + "\n\n";
}

Json capture(const char* rel) { return Json::parse(test::readData(rel)); }

struct Testbed {
    UMockdevTestbed* tb = nullptr;
    std::vector<UMockdevIoctlBase*> handlers;
    // sda/sdb: SATA healthy/failing; sdc/sdd: SAS healthy/failing; nvme0/nvme1: NVMe healthy/failing
    Emulated sda, sdb, sdc, sdd, nvme0, nvme1;

    Testbed() {
        tb = umockdev_testbed_new();
        // Only after the testbed exists does umockdev_in_mock_environment() tell the truth; without
        // the preload every /dev path below would be the host's: refuse to run.
        BOOST_TEST_REQUIRE(umockdev_in_mock_environment(), "not running under umockdev-wrapper: refusing to touch /dev");
        std::string desc = "P: " + std::string(kHba) + "\nE: SUBSYSTEM=pci\n\n" + "P: " + std::string(kHba) +
                           "/host0\nE: SUBSYSTEM=scsi\nE: DEVTYPE=scsi_host\n\n" + scsiDisk(0, "sda", 0, "ATA") +
                           scsiDisk(1, "sdb", 16, "ATA") + scsiDisk(2, "sdc", 32, "SEAGATE") +
                           scsiDisk(3, "sdd", 48, "SEAGATE") + nvmeController(0) + nvmeController(1);
        GError* err = nullptr;
        BOOST_TEST_REQUIRE(umockdev_testbed_add_from_string(tb, desc.c_str(), &err), (err ? err->message : ""));

        sda = sataFrom(capture("smartctl-json/ata-hdd-wd140edfz-a.json"));
        sdb = sataFrom(capture("smartctl-json/hitachi-hds721050dle630-usbjmicron-FAILED.json"));
        sdc = sasFrom(capture("smartctl-json/scsi-seagate-st1200mm0088-sas.json"));
        sdd = sasFrom(capture("smartctl-json/scsi-seagate-st4000nm0043-grown56-partial.json"));
        // healthy: smartctl-json/nvme-samsung-970evoplus.json (temperature 35 C = 308 K)
        auto h = capture("smartctl-json/nvme-samsung-970evoplus.json");
        const auto& l = h["nvme_smart_health_information_log"];
        nvme0 = nvmeFrom({h["serial_number"], h["model_name"], h["firmware_version"], l["critical_warning"],
                          l["temperature"].get<int>() + 273, l["available_spare"], l["available_spare_threshold"],
                          l["percentage_used"], l["power_on_hours"], l["unsafe_shutdowns"], l["media_errors"],
                          l["num_err_log_entries"]});
        // failing: smartctl-text/nvme-samsung-970evoplus-FAILED-cw0x0d-readonly.txt, values as printed
        // there (serial masked "--" by the uploader; firmware 1B2QEXM7)
        nvme1 = nvmeFrom({"--", "Samsung SSD 970 EVO Plus 250GB", "1B2QEXM7", 0x0d, 45 + 273, 1, 10, 113, 2683, 18, 0, 22});

        attach("/dev/sda", sda, G_CALLBACK(onScsi));
        attach("/dev/sdb", sdb, G_CALLBACK(onScsi));
        attach("/dev/sdc", sdc, G_CALLBACK(onScsi));
        attach("/dev/sdd", sdd, G_CALLBACK(onScsi));
        attach("/dev/nvme0", nvme0, G_CALLBACK(onNvme));
        attach("/dev/nvme1", nvme1, G_CALLBACK(onNvme));
    }

    void attach(const char* node, Emulated& e, GCallback cb) {
        auto* base = static_cast<UMockdevIoctlBase*>(g_object_new(UMOCKDEV_TYPE_IOCTL_BASE, nullptr));
        g_signal_connect(base, "handle-ioctl", cb, &e);
        GError* err = nullptr;
        BOOST_TEST_REQUIRE(umockdev_testbed_attach_ioctl(tb, node, base, &err), node << ": " << (err ? err->message : ""));
        handlers.push_back(base);
    }

    ~Testbed() {
        for (const char* n : {"/dev/sda", "/dev/sdb", "/dev/sdc", "/dev/sdd", "/dev/nvme0", "/dev/nvme1"})
            umockdev_testbed_detach_ioctl(tb, n, nullptr);
        for (auto* h : handlers) g_object_unref(h);
        g_object_unref(tb);
    }

    static Drive drive(const std::string& name, Protocol p) {
        Drive d;
        d.id = "test-" + name;
        d.kernelName = name;
        d.devnode = "/dev/" + name;
        d.protocol = p;
        if (name.rfind("nvme", 0) == 0) {
            const int i = name[4] - '0';
            d.sysPath = "/sys" + std::string(kNvmePci[i]) + "/nvme/nvme" + std::to_string(i) + "/" + name;
        } else {
            const int t = name[2] - 'a';
            d.sysPath = "/sys" + std::string(kHba) + "/host0/target0:0:" + std::to_string(t) + "/0:0:" + std::to_string(t) +
                        ":0/block/" + name;
        }
        return d;
    }
};

Context ctx() {
    Context c;  // the real paths: under the preload /sys and /dev are the testbed's
    c.deviceIo = DeviceIo::readOnly;
    return c;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(native, Testbed)

BOOST_AUTO_TEST_CASE(sata_healthy_wd140edfz) {
    auto r = readSmartNative(ctx(), drive("sda", Protocol::SATA));
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().message));
    BOOST_TEST(sda.sgioCalls >= 4);
    BOOST_TEST(r->serial.value_or("") == "9RK1XXXX");
    BOOST_TEST(r->model.value_or("") == "WDC WD140EDFZ-11A0VA0");
    BOOST_TEST(r->smart->passed.value_or(false));
    BOOST_TEST(r->smart->powerOnHours.value_or(0) == 1730u);  // attribute 9 raw
    BOOST_TEST(r->smart->temperatureC.value_or(0) == 32);     // attribute 194 raw, low byte
    BOOST_TEST(r->smart->reallocatedSectors.value_or(99) == 0u);
    BOOST_TEST(r->smart->source.value_or("") == "sg_io");
    BOOST_TEST(toString(r->health) == "OK");
}

BOOST_AUTO_TEST_CASE(sata_failing_hitachi) {
    auto r = readSmartNative(ctx(), drive("sdb", Protocol::SATA));
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().message));
    BOOST_TEST(!r->smart->passed.value_or(true));           // RETURN STATUS F4h/2Ch
    BOOST_TEST(r->smart->reallocatedSectors.value_or(0) == 1975u);
    BOOST_TEST(r->smart->pendingSectors.value_or(0) == 8u);
    BOOST_TEST(r->smart->powerOnHours.value_or(0) == 65592u);
    BOOST_TEST(toString(r->health) == "Critical");
    BOOST_TEST(r->failurePredicted.value_or(false));
    bool thresholdTrip = false;
    for (const auto& a : r->smart->attributes) thresholdTrip = thresholdTrip || (a.id == 5 && a.whenFailed == "now");
    BOOST_TEST(thresholdTrip);  // value 1 <= threshold 5, prefailure
}

BOOST_AUTO_TEST_CASE(sas_healthy_st1200mm0088) {
    auto r = readSmartNative(ctx(), drive("sdc", Protocol::SAS));
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().message));
    BOOST_TEST(r->smart->passed.value_or(false));
    BOOST_TEST(r->smart->temperatureC.value_or(0) == 31);
    BOOST_TEST(r->smart->powerOnHours.value_or(0) == 5675u);
    BOOST_TEST(r->smart->grownDefects.value_or(99) == 0u);
    BOOST_TEST(r->smart->uncorrectedReadErrors.value_or(99) == 0u);
    BOOST_TEST(!r->smart->enduranceUsedPct.has_value());  // page 11h not supported by an HDD
    BOOST_TEST(toString(r->health) == "OK");
}

BOOST_AUTO_TEST_CASE(sas_failing_st4000nm0043_grown_defects) {
    auto r = readSmartNative(ctx(), drive("sdd", Protocol::SAS));
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().message));
    BOOST_TEST(r->smart->grownDefects.value_or(0) == 56u);
    BOOST_TEST(r->smart->powerOnHours.value_or(0) == 43549u);
    BOOST_TEST(r->smart->temperatureC.value_or(0) == 34);
    BOOST_TEST(toString(r->health) == "Warning");
    BOOST_TEST(!r->reasons.empty());
}

BOOST_AUTO_TEST_CASE(nvme_healthy_970evoplus) {
    auto r = readSmartNative(ctx(), drive("nvme0n1", Protocol::NVMe));
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().message));
    BOOST_TEST(nvme0.nvmeCalls == 2);
    BOOST_TEST(r->model.value_or("") == "Samsung SSD 970 EVO Plus 250GB");
    BOOST_TEST(r->smart->temperatureC.value_or(0) == 35);
    BOOST_TEST(r->smart->powerOnHours.value_or(0) == 3149u);
    BOOST_TEST(r->smart->nvme->unsafeShutdowns.value_or(0) == 12u);
    BOOST_TEST(r->smart->nvme->errorLogEntries.value_or(0) == 22u);
    BOOST_TEST(toString(r->health) == "OK");
}

BOOST_AUTO_TEST_CASE(nvme_failing_970evoplus_read_only) {
    auto r = readSmartNative(ctx(), drive("nvme1n1", Protocol::NVMe));
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().message));
    BOOST_TEST(r->smart->nvme->criticalWarning.value_or(0) == 0x0d);
    BOOST_TEST(r->smart->nvme->availableSparePct.value_or(0) == 1);
    BOOST_TEST(r->smart->nvme->percentageUsed.value_or(0) == 113);
    BOOST_TEST(r->smart->temperatureC.value_or(0) == 45);
    BOOST_TEST(toString(r->health) == "Critical");
    BOOST_TEST(r->failurePredicted.value_or(false));
}

BOOST_AUTO_TEST_CASE(nodes_outside_the_context_root_are_refused) {
    Context c = ctx();
    c.paths.dev = "/nonexistent-dev-root";
    auto r = readSmartNative(c, drive("sda", Protocol::SATA));
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().is(errc::refused));
    Drive v = drive("sda", Protocol::Virtio);
    auto u = readSmartNative(ctx(), v);
    BOOST_TEST_REQUIRE(!u.has_value());
    BOOST_TEST(u.error().is(errc::unsupported));
}

BOOST_AUTO_TEST_SUITE_END()
