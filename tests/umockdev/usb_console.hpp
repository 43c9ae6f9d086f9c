// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// A USB console device in a umockdev testbed as the kernel shows one: the USB device on a port of
// the first controller's root hub, one interface per HID function, the HID device and the input
// device under the first interface; plugged and pulled with the uevents the kernel sends, in its
// order. Used by test_console_testbeds, bench_agent (attach latency) and the README demonstration
// (demo_console).

#include <cctype>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <umockdev.h>

#include "testbed.hpp"

namespace raidmon::test {

/// What the USB device says of itself.
struct UsbConsoleSpec {
    std::string port;          ///< the port path, the device's kernel name: "1-4"
    std::string vendorId;      ///< "14dd"
    std::string productId;     ///< "1007"
    std::string manufacturer;  ///< "Raritan"
    std::string product;       ///< "D2CIM-VUSB"
    std::string serial;        ///< "HKB7300421"
    /// The HID boot protocol of each interface: "01" keyboard, "02" mouse, "00" other HID.
    std::vector<std::string> protocols{"01", "02"};
    std::string inputName;     ///< the input device's name ("Raritan D2CIM-VUSB")
};

/// A console device in a testbed: its sysfs paths in the order the kernel announced them.
struct UsbConsole {
    std::string device;
    std::vector<std::string> all;
};

namespace usbconsole_detail {
inline std::string add(Testbed& tb, const char* subsystem, const std::string& name, const std::string& parent, std::vector<const char*> attrs,
                       std::vector<const char*> props) {
    attrs.push_back(nullptr);
    props.push_back(nullptr);
    // (umockdev 0.17 declares the NULL-terminated lists non-const; it does not write to them)
    gchar* p = umockdev_testbed_add_devicev(tb.handle(), subsystem, name.c_str(), parent.empty() ? nullptr : parent.c_str(),
                                            const_cast<gchar**>(attrs.data()), const_cast<gchar**>(props.data()));
    std::string path = p ? p : "";
    g_free(p);
    return path;
}
} // namespace usbconsole_detail

/// The first USB controller's root hub (usb1), the parent of the consoles: added once a testbed.
inline std::string addUsbRootHub(Testbed& tb) {
    return usbconsole_detail::add(tb, "usb", "usb1", "", {"idVendor", "1d6b", "idProduct", "0002", "bDeviceClass", "09"}, {"DEVTYPE", "usb_device"});
}

/// Plug the device in. umockdev 0.17 sends the "add" uevent of each device it adds, so the
/// devices come in the kernel's order: the USB device, its first interface with the HID and
/// input devices usbhid makes under it, then the other interfaces (the device is complete with
/// its last interface). `pace` between them keeps umockdev's uevent queue short (0.17 aborts past
/// about ten that its reader has not taken); `before(path of the parent, name)` runs before each.
template <typename Before>
UsbConsole plugUsbConsole(Testbed& tb, const std::string& hub, const UsbConsoleSpec& s, std::chrono::milliseconds pace, Before before) {
    UsbConsole c;
    auto add = [&](const char* subsystem, const std::string& name, const std::string& parent, std::vector<const char*> attrs,
                   std::vector<const char*> props) {
        if (!c.all.empty()) std::this_thread::sleep_for(pace);
        before(parent, name);
        c.all.push_back(usbconsole_detail::add(tb, subsystem, name, parent, std::move(attrs), std::move(props)));
        return c.all.back();
    };
    const std::string interfaces = " " + std::to_string(s.protocols.size());  // sysfs pads bNumInterfaces to 2 columns
    const std::string productProp = s.vendorId + "/" + s.productId + "/100";
    c.device = add("usb", s.port, hub,
                   {"idVendor", s.vendorId.c_str(), "idProduct", s.productId.c_str(), "manufacturer", s.manufacturer.c_str(), "product",
                    s.product.c_str(), "serial", s.serial.c_str(), "bDeviceClass", "00", "bNumInterfaces", interfaces.c_str()},
                   {"DEVTYPE", "usb_device", "PRODUCT", productProp.c_str()});
    // The kernel's HID id: bus 0003 (USB), vendor and product upper-case.
    std::string vid = s.vendorId, pid = s.productId;
    for (auto* x : {&vid, &pid})
        for (auto& ch : *x) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    const std::string hidName = "0003:" + vid + ":" + pid + ".0001", hidId = "0003:0000" + vid + ":0000" + pid;
    for (std::size_t i = 0; i < s.protocols.size(); ++i) {
        const std::string subclass = s.protocols[i] == "00" ? "00" : "01";  // boot interface subclass for keyboard and mouse
        const std::string intf = add("usb", s.port + ":1." + std::to_string(i), c.device,
                                     {"bInterfaceClass", "03", "bInterfaceSubClass", subclass.c_str(), "bInterfaceProtocol", s.protocols[i].c_str()},
                                     {"DEVTYPE", "usb_interface"});
        if (i > 0) continue;
        const std::string hid = add("hid", hidName, intf, {}, {"HID_ID", hidId.c_str()});
        add("input", "input7", hid, {"name", s.inputName.c_str()}, {});
    }
    return c;
}

/// plugUsbConsole() paced at 20 ms, nothing run before each device.
inline UsbConsole plugUsbConsole(Testbed& tb, const std::string& hub, const UsbConsoleSpec& s) {
    using namespace std::chrono_literals;
    return plugUsbConsole(tb, hub, s, 20ms, [](const std::string&, const std::string&) {});
}

/// The order of the remove uevents: the devices under the USB device first (the last added
/// first), the USB device last, as the kernel ends with it.
inline std::vector<std::string> removalOrder(const UsbConsole& c) { return {c.all.rbegin(), c.all.rend()}; }

/// Pull the device out: a "remove" uevent for each path in removalOrder() (umockdev 0.17 sends
/// none itself), `pace` apart, then the devices leave the testbed, so that the same port can be
/// plugged again.
inline void unplugUsbConsole(Testbed& tb, const UsbConsole& c, std::chrono::milliseconds pace = std::chrono::milliseconds(20)) {
    for (const auto& p : removalOrder(c)) {
        tb.uevent(p, "remove");
        std::this_thread::sleep_for(pace);
    }
    for (const auto& p : removalOrder(c)) umockdev_testbed_remove_device(tb.handle(), p.c_str());
}

} // namespace raidmon::test
