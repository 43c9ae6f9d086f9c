// SPDX-License-Identifier: LGPL-2.1-or-later
// Console devices: the sourced ID table, classification by ID and by interface, and the USB
// device read from a fake sysfs tree (an IP-KVM's keyboard+mouse composite device, a BMC's virtual
// keyboard, a plain keyboard, a hub that is no console).
#define BOOST_TEST_MODULE console
#include <boost/test/unit_test.hpp>

#include <set>

#include <raidmon/console.hpp>

#include "console/console_json.hpp"
#include "sysfs_builder.hpp"

using namespace raidmon;
using raidmon::test::SysfsBuilder;

namespace {

const std::string kHc = "sys/devices/pci0000:00/0000:00:14.0/usb1";

/// A USB device at `port` with `ifaces` (class, protocol) interfaces, linked into bus/usb.
void usbDevice(SysfsBuilder& b, const std::string& port, const std::string& vid, const std::string& pid, const std::string& product,
               const std::vector<std::pair<std::string, std::string>>& ifaces, const std::string& serial = "") {
    const std::string d = kHc + "/" + port;
    b.file(d + "/idVendor", vid + "\n");
    b.file(d + "/idProduct", pid + "\n");
    b.file(d + "/product", product + "\n");
    b.file(d + "/manufacturer", "Maker\n");
    if (!serial.empty()) b.file(d + "/serial", serial + "\n");
    b.relLink(d + "/subsystem", "sys/bus/usb");
    b.relLink("sys/bus/usb/devices/" + port, d);
    for (std::size_t i = 0; i < ifaces.size(); ++i) {
        const std::string n = d + "/" + port + ":1." + std::to_string(i);
        b.file(n + "/bInterfaceClass", ifaces[i].first + "\n");
        b.file(n + "/bInterfaceProtocol", ifaces[i].second + "\n");
        b.relLink(n + "/subsystem", "sys/bus/usb");
    }
}

} // namespace

BOOST_AUTO_TEST_CASE(every_row_names_its_source_and_ids_are_unique) {
    std::set<std::pair<unsigned, int>> seen;
    for (const auto& r : consoleIdTable()) {
        BOOST_TEST_INFO(r.name);
        BOOST_TEST(!r.name.empty());
        // A source is one of the listed ones (console_ids.hpp) and quotes the ID it is about.
        BOOST_TEST((r.source.starts_with("[usbids] ") || r.source.starts_with("[pidcodes] ")));
        char id[8];
        std::snprintf(id, sizeof id, "%04x", r.vendor);
        BOOST_TEST(r.source.find(id) != std::string_view::npos);
        BOOST_TEST(seen.insert({r.vendor, r.product ? *r.product : -1}).second);
    }
    BOOST_TEST(consoleIdTable().size() >= 40u);
}

BOOST_AUTO_TEST_CASE(classification_by_id_then_by_interface) {
    const std::vector<std::string> kbdMouse = {"keyboard", "mouse"};
    auto raritan = classifyConsole(0x14dd, 0x1007, kbdMouse);
    BOOST_REQUIRE(raritan);
    BOOST_TEST(toString(raritan->classification) == "ip_kvm");
    BOOST_TEST(raritan->source.find("D2CIM-VUSB") != std::string::npos);
    BOOST_TEST(toString(classifyConsole(0x046b, 0xff10, kbdMouse)->classification) == "bmc_console");  // AMI
    BOOST_TEST(toString(classifyConsole(0x03f0, 0x1027, kbdMouse)->classification) == "bmc_console");  // HP iLO
    BOOST_TEST(toString(classifyConsole(0x0557, 0x2419, kbdMouse)->classification) == "remote_console");  // ATEN: BMC or KVM
    BOOST_TEST(toString(classifyConsole(0x0557, 0x2213, kbdMouse)->classification) == "kvm_switch");
    BOOST_TEST(toString(classifyConsole(0x1209, 0xeda1, kbdMouse)->classification) == "ip_kvm");  // PiKVM
    BOOST_TEST(toString(classifyConsole(0x1d6b, 0x0104, kbdMouse)->classification) == "usb_gadget");
    BOOST_TEST(toString(classifyConsole(0x0627, 0x0001, kbdMouse)->classification) == "virtual_machine");  // QEMU
    // Not in the table: the interfaces decide, and the source says so.
    auto plain = classifyConsole(0x046d, 0xc31c, std::vector<std::string>{"keyboard", "hid"});
    BOOST_REQUIRE(plain);
    BOOST_TEST(toString(plain->classification) == "keyboard");
    BOOST_TEST(plain->source.find("046d:c31c is not in the console ID table") != std::string::npos);
    BOOST_TEST(toString(classifyConsole(0x046d, 0xc077, std::vector<std::string>{"mouse"})->classification) == "pointer");
    BOOST_TEST(toString(classifyConsole(0x0bda, 0x5411, std::vector<std::string>{"video_capture"})->classification) == "video_capture");
    BOOST_TEST(toString(classifyConsole(0x0781, 0x5567, std::vector<std::string>{"mass_storage"})->classification) == "mass_storage");
    BOOST_TEST(!classifyConsole(0x0bda, 0x8153, std::vector<std::string>{}));  // a network adapter: no console
}

BOOST_AUTO_TEST_CASE(devices_from_sysfs) {
    SysfsBuilder b;
    usbDevice(b, "1-4", "14dd", "1007", "D2CIM-VUSB", {{"03", "01"}, {"03", "02"}}, "HKB7300421");
    usbDevice(b, "1-5", "046d", "c31c", "USB Keyboard", {{"03", "01"}, {"03", "00"}});
    usbDevice(b, "1-6", "0bda", "5411", "4-Port USB 2.0 Hub", {{"09", "00"}});
    usbDevice(b, "1-7", "14DD", "10x7", "Broken", {{"03", "01"}});
    // An input device under the KVM's first interface, as the kernel nests it.
    b.file(kHc + "/1-4/1-4:1.0/0003:14DD:1007.0001/input/input7/name", "Raritan D2CIM\n");
    const Context ctx = makeRootContext(b.root());

    auto kvm = describeConsole(ctx, "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-4");
    BOOST_REQUIRE_MESSAGE(kvm.has_value(), (kvm ? std::string() : kvm.error().message));
    BOOST_TEST(kvm->port == "1-4");
    BOOST_TEST(kvm->vendorId == "14dd");
    BOOST_TEST(kvm->productId == "1007");
    BOOST_TEST(kvm->serial.value_or("") == "HKB7300421");
    BOOST_TEST(kvm->product.value_or("") == "D2CIM-VUSB");
    BOOST_TEST((kvm->functions == std::vector<std::string>{"keyboard", "mouse"}));
    BOOST_TEST(toString(kvm->match.classification) == "ip_kvm");
    BOOST_TEST(detail::consoleInterfacesComplete(ctx, kvm->syspath));
    // The kernel announces the device before its interfaces: incomplete until all are there.
    b.file(kHc + "/1-4/bNumInterfaces", " 3\n");
    BOOST_TEST(!detail::consoleInterfacesComplete(ctx, kvm->syspath));

    DeviceRecord input;
    input.syspath = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-4/1-4:1.0/0003:14DD:1007.0001/input/input7";
    BOOST_TEST(usbDeviceOf(ctx, input).value_or("") == "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-4");
    DeviceRecord ps2;
    ps2.syspath = "/sys/devices/platform/i8042/serio0/input/input3";
    BOOST_TEST(!usbDeviceOf(ctx, ps2));

    auto hub = describeConsole(ctx, "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-6");
    BOOST_REQUIRE(!hub);
    BOOST_TEST(hub.error().is(errc::unsupported));
    auto broken = describeConsole(ctx, "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-7");
    BOOST_REQUIRE(!broken);
    BOOST_TEST(broken.error().is(errc::invalid_argument));
    BOOST_TEST(broken.error().message.find("10x7") != std::string::npos);
    auto gone = describeConsole(ctx, "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-9");
    BOOST_REQUIRE(!gone);
    BOOST_TEST(gone.error().is(errc::not_found));

    auto all = scanConsoles(ctx);
    BOOST_REQUIRE(all);
    BOOST_REQUIRE(all->size() == 2u);  // the hub is no console, the broken one is logged
    BOOST_TEST((*all)[0].port == "1-4");
    BOOST_TEST((*all)[1].port == "1-5");
    BOOST_TEST(toString((*all)[1].match.classification) == "keyboard");
}

BOOST_AUTO_TEST_CASE(verification_codes) {
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        const auto c = newVerificationCode();
        BOOST_TEST(isVerificationCode(c), c);
        seen.insert(c);
    }
    BOOST_TEST(seen.size() > 190u);  // 22^6 = 113 million codes: repeats among 200 are rare
    BOOST_TEST(!isVerificationCode("ABC-DE0"));  // 0 is a look-alike
    BOOST_TEST(!isVerificationCode("ACD4EF"));
    BOOST_TEST(!isVerificationCode(""));
}
