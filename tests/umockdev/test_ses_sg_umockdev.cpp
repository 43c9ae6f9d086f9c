// SPDX-License-Identifier: LGPL-2.1-or-later
// The ses-sg path end to end through real SG_IO ioctls: a umockdev testbed with an SES enclosure
// the kernel's ses driver has not bound (a SCSI device of type 0Dh with an sg node, no enclosure
// class child) and a SAS disk in its slot 19 (the capture's one drive). The ioctl handler on /dev/sg0 plays the Areca
// ARC-8028 whose pages were captured (tests/data/ses/): RECEIVE DIAGNOSTIC RESULTS returns the
// captured pages, SEND DIAGNOSTIC applies the selected element's request bits to the status page as
// an enclosure processor does (or ignores them, to prove a light that does not take is reported).
#define BOOST_TEST_MODULE ses_sg_umockdev
#include <boost/test/unit_test.hpp>

#include <umockdev.h>

#include <cstring>
#include <map>
#include <scsi/sg.h>

#include <raidmon/inventory.hpp>
#include <raidmon/led.hpp>

#include "ses_capture.hpp"
#include "sysfs_builder.hpp"

using namespace raidmon;
using Bytes = std::vector<std::uint8_t>;

namespace {

/// The enclosure processor behind /dev/sg0.
struct Enclosure {
    std::map<int, Bytes> pages = raidmon::test::sesCapturePages();
    bool honour = true;
    int receives = 0, sends = 0;
    Bytes lastControl;
};

void complete(sg_io_hdr_t* h, UMockdevIoctlClient* client) {
    h->status = 0;
    h->masked_status = 0;
    h->host_status = 0;
    h->driver_status = 0;
    h->sb_len_wr = 0;
    umockdev_ioctl_client_complete(client, 0, 0);
}

gboolean onSg(UMockdevIoctlBase*, UMockdevIoctlClient* client, gpointer user) {
    auto* e = static_cast<Enclosure*>(user);
    if (umockdev_ioctl_client_get_request(client) != SG_IO) return FALSE;
    GError* err = nullptr;
    UMockdevIoctlData* hd = umockdev_ioctl_data_resolve(umockdev_ioctl_client_get_arg(client), 0, sizeof(sg_io_hdr_t), &err);
    auto* h = reinterpret_cast<sg_io_hdr_t*>(hd->data);
    const unsigned len = h->dxfer_len;
    UMockdevIoctlData* cdbD = umockdev_ioctl_data_resolve(hd, offsetof(sg_io_hdr_t, cmdp), h->cmd_len, &err);
    UMockdevIoctlData* buf = len ? umockdev_ioctl_data_resolve(hd, offsetof(sg_io_hdr_t, dxferp), len, &err) : nullptr;
    const std::uint8_t* cdb = cdbD->data;
    h->resid = 0;
    if (cdb[0] == 0x1c && buf && (cdb[1] & 1)) {  // RECEIVE DIAGNOSTIC RESULTS, PCV
        ++e->receives;
        const Bytes& p = e->pages[cdb[2]];
        unsigned n = len < p.size() ? len : static_cast<unsigned>(p.size());
        std::memcpy(buf->data, p.data(), n);
        h->resid = static_cast<int>(len - n);
    } else if (cdb[0] == 0x1d && buf && (cdb[1] & 0x10)) {  // SEND DIAGNOSTIC, PF
        ++e->sends;
        e->lastControl.assign(buf->data, buf->data + len);
        Bytes& st = e->pages[2];
        if (e->honour && e->lastControl.size() == st.size() && e->lastControl[0] == 2)
            for (std::size_t off = 8; off + 3 < st.size(); off += 4) {
                if (!(e->lastControl[off] & 0x80)) continue;
                st[off + 1] = static_cast<std::uint8_t>((st[off + 1] & ~0x02) | (e->lastControl[off + 1] & 0x02));
                st[off + 2] = static_cast<std::uint8_t>((st[off + 2] & ~0x02) | (e->lastControl[off + 2] & 0x02));
                st[off + 3] = static_cast<std::uint8_t>((st[off + 3] & ~0x20) | (e->lastControl[off + 3] & 0x20));
            }
    }
    complete(h, client);
    g_object_unref(hd);
    g_object_unref(cdbD);
    if (buf) g_object_unref(buf);
    return TRUE;
}

const char* const kHost = "/devices/pci0000:00/0000:00:03.0/0000:05:00.0/host0";

struct Bed {
    UMockdevTestbed* tb = nullptr;
    UMockdevIoctlBase* handler = nullptr;
    Enclosure enc;
    raidmon::test::SysfsBuilder state;  // only its temporary directory, for leds.json/slots.json

    Bed() {
        tb = umockdev_testbed_new();
        BOOST_TEST_REQUIRE(umockdev_in_mock_environment(), "not running under umockdev-wrapper: refusing to touch /dev");
        const std::string h = kHost;
        const std::string ses = h + "/target0:0:9/0:0:9:0", disk = h + "/target0:0:3/0:0:3:0";
        const std::string desc =
            "P: /devices/pci0000:00/0000:00:03.0/0000:05:00.0\nE: SUBSYSTEM=pci\nE: DRIVER=mpt3sas\nA: class=0x010700\\n\n\n"
            "P: " + h + "\nE: SUBSYSTEM=scsi\nE: DEVTYPE=scsi_host\n\n"
            "P: " + ses + "\nE: SUBSYSTEM=scsi\nE: DEVTYPE=scsi_device\nA: type=13\\n\nA: vendor=Areca   \\n\nA: model=ARC-8028\\n\n\n"
            "P: " + ses + "/scsi_generic/sg0\nN: sg0\nE: SUBSYSTEM=scsi_generic\nE: DEVNAME=/dev/sg0\nA: dev=21:0\\n\n\n"
            "P: " + disk + "\nE: SUBSYSTEM=scsi\nE: DEVTYPE=scsi_device\nA: type=0\\n\nA: vendor=SEAGATE \\n\n"
            "A: model=ST4000NM0023\\n\nA: sas_address=0x5000c5003011cb29\\n\n\n"
            "P: " + disk + "/block/sda\nN: sda\nE: SUBSYSTEM=block\nE: DEVTYPE=disk\nE: DEVNAME=/dev/sda\n"
            "A: dev=8:0\\n\nA: size=7814037168\\n\nL: device=../../../0:0:3:0\n\n";
        GError* err = nullptr;
        BOOST_TEST_REQUIRE(umockdev_testbed_add_from_string(tb, desc.c_str(), &err), (err ? err->message : ""));
        handler = static_cast<UMockdevIoctlBase*>(g_object_new(UMOCKDEV_TYPE_IOCTL_BASE, nullptr));
        g_signal_connect(handler, "handle-ioctl", G_CALLBACK(onSg), &enc);
        BOOST_TEST_REQUIRE(umockdev_testbed_attach_ioctl(tb, "/dev/sg0", handler, &err), (err ? err->message : ""));
    }
    ~Bed() {
        umockdev_testbed_detach_ioctl(tb, "/dev/sg0", nullptr);
        g_object_unref(handler);
        g_object_unref(tb);
    }

    static Context ctx() {
        Context c = makeSystemContext();  // the real paths: under the preload /sys and /dev are the testbed's
        c.deviceIo = DeviceIo::readOnly;
        return c;
    }
    LedOptions opts() const {
        LedOptions o;
        o.stateDir = state.root() / "state";
        return o;
    }
};

ScanOptions quick() {
    ScanOptions so;
    so.probeSignatures = false;  // no libblkid on the testbed's disk node
    so.crossCheckMdstat = false;
    so.hardwareRaid = false;
    return so;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(ses_sg, Bed)

BOOST_AUTO_TEST_CASE(unbound_enclosure_is_scanned_and_its_slot_lit_through_sg_io) {
    Context c = ctx();
    auto inv = scanInventory(c, quick());
    BOOST_TEST_REQUIRE(inv.has_value(), (inv ? "" : inv.error().message));
    const raidmon::Enclosure* e = nullptr;
    for (const auto& x : inv->enclosures)
        if (x.kind == "ses-sg") e = &x;
    BOOST_TEST_REQUIRE(e != nullptr, "no ses-sg enclosure; notes: " << inv->notes.size());
    BOOST_TEST(e->id == "0xd5b401503fc0ec16");
    BOOST_TEST(e->scsiAddress.value_or("") == "0:0:9:0");
    BOOST_TEST(e->slots.size() == 24u);
    BOOST_TEST(enc.receives >= 4);
    BOOST_TEST_REQUIRE(inv->drives.size() == 1u);
    const Drive& sda = inv->drives[0];
    BOOST_TEST(sda.location.enclosure.value_or("") == "0xd5b401503fc0ec16");
    BOOST_TEST(sda.location.slot.value_or(-1) == 18);
    BOOST_TEST(sda.location.label.value_or("") == "SLOT 19");

    auto bay = resolveBay(*inv, SlotMemory{}, "/dev/sda");
    BOOST_TEST_REQUIRE(bay.has_value(), (bay ? "" : bay.error().message));
    auto on = setSlotLed(c, *inv, *bay, LedPattern::locate, opts());
    BOOST_TEST_REQUIRE(on.has_value(), (on ? "" : on.error().message));
    BOOST_TEST(on->backend == "ses-sg");
    BOOST_TEST(on->target == "/dev/sg0|slot=18");
    BOOST_TEST(on->verified);
    BOOST_TEST(enc.sends == 1);
    // the control page selected exactly element 18 of the slot type, with RQST IDENT
    const std::size_t at = 8 + 4 * (1 + 18);
    int selected = 0;
    for (std::size_t off = 8; off < enc.lastControl.size(); off += 4) selected += (enc.lastControl[off] & 0x80) ? 1 : 0;
    BOOST_TEST(selected == 1);
    BOOST_TEST((enc.lastControl[at] & 0x80) != 0);
    BOOST_TEST((enc.lastControl[at + 2] & 0x02) != 0);
    BOOST_TEST((enc.pages[2][at + 2] & 0x02) != 0);  // the enclosure now reports IDENT
    // rebuild, which the kernel's enclosure class cannot show, on the same element
    auto rebuild = setSlotLed(c, *inv, *bay, LedPattern::rebuild, opts());
    BOOST_TEST_REQUIRE(rebuild.has_value(), (rebuild ? "" : rebuild.error().message));
    BOOST_TEST((enc.pages[2][at + 1] & 0x02) != 0);
    BOOST_TEST((enc.pages[2][at + 2] & 0x02) != 0);  // ident kept
    auto off = setSlotLed(c, *inv, *bay, LedPattern::off, opts());
    BOOST_TEST_REQUIRE(off.has_value(), (off ? "" : off.error().message));
    BOOST_TEST(off->conflicts.empty());
    BOOST_TEST((enc.pages[2][at + 1] & 0x02) == 0);
    BOOST_TEST((enc.pages[2][at + 2] & 0x02) == 0);
}

BOOST_AUTO_TEST_CASE(an_enclosure_that_ignores_the_control_page_is_reported) {
    enc.honour = false;
    Context c = ctx();
    auto inv = scanInventory(c, quick());
    BOOST_TEST_REQUIRE(inv.has_value());
    auto bay = resolveBay(*inv, SlotMemory{}, "0xd5b401503fc0ec16:SLOT 03");
    BOOST_TEST_REQUIRE(bay.has_value(), (bay ? "" : bay.error().message));
    auto on = setSlotLed(c, *inv, *bay, LedPattern::fault, opts());
    BOOST_TEST_REQUIRE(!on.has_value());
    BOOST_TEST(on.error().message.find("ses-sg: /dev/sg0|slot=2") != std::string::npos);
    BOOST_TEST(on.error().message.find("reads back off") != std::string::npos);
    BOOST_TEST(loadLeases(opts().stateDir)->empty());
}

BOOST_AUTO_TEST_CASE(device_io_off_means_the_enclosure_is_noted_not_read) {
    Context c = ctx();
    c.deviceIo = DeviceIo::none;
    auto inv = scanInventory(c, quick());
    BOOST_TEST_REQUIRE(inv.has_value());
    BOOST_TEST(enc.receives == 0);
    bool noted = false;
    for (const auto& n : inv->notes) noted |= n.find("0:0:9:0: SES device not bound") != std::string::npos;
    BOOST_TEST(noted);
}

BOOST_AUTO_TEST_SUITE_END()
