// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// The data behind classifyConsole(): USB vendor:product IDs of KVMs, BMC virtual consoles, USB
// gadgets and hypervisors' emulated devices, each row with its source. Only IDs with a written
// source are here; a device not in the table is classified by its interfaces (a plain keyboard,
// mouse, storage or video device). docs/panel.md explains the classes for a panel; change both
// together.
//
// Sources
//  [usbids]   The USB ID repository as Debian ships it: package usb.ids 2025.07.26-0+deb12u1,
//             /var/lib/usbutils/usb.ids ("# Version: 2025.07.26"); the quoted text is the vendor
//             and product name lines of that file.
//  [pidcodes] pid.codes, the open registry of USB product IDs under vendor 1209: entries
//             1209/EDA1, EDA2, EDA3, owner PiKVM, "Open and inexpensive DIY IP-KVM based on
//             Raspberry Pi" (repository pidcodes/pidcodes.github.com).
//
// How a row's class follows from its source: a name saying "KVM Switch", "KVM Extender", "KVM
// dongle" or "KVM connector" is a KVM switch, unless the source says the unit reaches over a
// network ("IP-KVM", "PC-over-LAN"): then it is an IP-KVM. A name naming a server vendor's
// management controller ("iLO", "DRAC") or a server maker's "Virtual Keyboard and Mouse" / "Virtual
// CDROM" (AMI, HP, Dell, Lenovo, Cisco) is the BMC's console. A "Virtual" device of a maker of both
// BMC firmware and IP-KVM appliances (ATEN 0557:2419, Avocent 0624:0248..0252) is a remote console
// of unknown kind: the ID alone does not tell, and the table does not guess.

#include <array>

#include <raidmon/console.hpp>

namespace raidmon::detail::console {

using C = ConsoleClass;

inline constexpr std::array kConsoleIds = {
    // External IP-KVMs.
    ConsoleIdRow{0x14dd, 0x1007, C::ipKvm, "Raritan D2CIM-VUSB KVM connector",
                 "[usbids] 14dd \"Raritan Computer, Inc.\" 1007 \"D2CIM-VUSB KVM connector\" (Raritan's Dominion KX IP-KVM interface module)"},
    ConsoleIdRow{0x2245, 0x1500, C::ipKvm, "Aspeed AST1500/1510 PC-over-LAN virtual hub",
                 "[usbids] 2245 \"Aspeed Technology, Inc.\" 1500 \"AST1500/1510 PC-over-LAN Virtual Hub\""},
    ConsoleIdRow{0x1209, 0xeda1, C::ipKvm, "PiKVM composite device", "[pidcodes] 1209/EDA1 \"PiKVM Composite Device\", owner PiKVM (DIY IP-KVM)"},
    ConsoleIdRow{0x1209, 0xeda2, C::ipKvm, "PiKVM HID", "[pidcodes] 1209/EDA2 \"PiKVM HID\", owner PiKVM (DIY IP-KVM)"},
    ConsoleIdRow{0x1209, 0xeda3, C::ipKvm, "PiKVM HID bridge", "[pidcodes] 1209/EDA3 \"PiKVM HID Bridge\", owner PiKVM (DIY IP-KVM)"},
    // KVM switches, extenders and adapters.
    ConsoleIdRow{0x0557, 0x2202, C::kvmSwitch, "ATEN CS124U Miniview II KVM switch", "[usbids] 0557 \"ATEN International Co., Ltd\" 2202 \"CS124U Miniview II KVM Switch\""},
    ConsoleIdRow{0x0557, 0x2213, C::kvmSwitch, "ATEN CS682 KVM switch", "[usbids] 0557 \"ATEN International Co., Ltd\" 2213 \"CS682 2-Port USB 2.0 DVI KVM Switch\""},
    ConsoleIdRow{0x0557, 0x2701, C::kvmSwitch, "ATEN CE700A KVM extender", "[usbids] 0557 \"ATEN International Co., Ltd\" 2701 \"CE700A KVM Extender\""},
    ConsoleIdRow{0x0624, 0x0013, C::kvmSwitch, "Avocent SC secure KVM", "[usbids] 0624 \"Avocent Corp.\" 0013 \"SC Secure KVM\""},
    ConsoleIdRow{0x0624, 0x0294, C::kvmSwitch, "Avocent (Dell 03R874) KVM dongle", "[usbids] 0624 \"Avocent Corp.\" 0294 \"Dell 03R874 KVM dongle\""},
    ConsoleIdRow{0x0624, 0x1774, C::kvmSwitch, "Avocent Cybex SC985", "[usbids] 0624 \"Avocent Corp.\" 1774 \"Cybex SC985\""},
    ConsoleIdRow{0x04cc, 0x1520, C::kvmSwitch, "Avocent KVM hub", "[usbids] 04cc \"ST-Ericsson\" 1520 \"USB 2.0 Hub (Avocent KVM)\""},
    ConsoleIdRow{0x0430, 0x0406, C::kvmSwitch, "Fujitsu KVM switch", "[usbids] 0430 \"Fujitsu Component Limited\" 0406 \"KVM Switch\""},
    ConsoleIdRow{0x0430, 0xcdab, C::kvmSwitch, "Raritan KVM dongle (Fujitsu)", "[usbids] 0430 \"Fujitsu Component Limited\" cdab \"Raritan KVM dongle\""},
    ConsoleIdRow{0x050d, 0x0102, C::kvmSwitch, "Belkin Flip KVM", "[usbids] 050d \"Belkin Components\" 0102 \"Flip KVM\""},
    ConsoleIdRow{0x050d, 0x0108, C::kvmSwitch, "Belkin F1DE108B KVM", "[usbids] 050d \"Belkin Components\" 0108 \"F1DE108B KVM\""},
    ConsoleIdRow{0x050d, 0x3201, C::kvmSwitch, "Belkin Flip KVM", "[usbids] 050d \"Belkin Components\" 3201 \"F1DF102U/F1DG102U Flip KVM\""},
    ConsoleIdRow{0x06f2, 0x0011, C::kvmSwitch, "Emine KVM switch keyboard", "[usbids] 06f2 \"Emine Technology Co.\" 0011 \"KVM Switch Keyboard\""},
    ConsoleIdRow{0x0b95, 0x6802, C::kvmSwitch, "ASIX AX68002 KVM switch", "[usbids] 0b95 \"ASIX Electronics Corp.\" 6802 \"AX68002 KVM Switch SoC\""},
    ConsoleIdRow{0x10d5, 0x5552, C::kvmSwitch, "Uni Class KVM HID composite device",
                 "[usbids] 10d5 \"Uni Class Technology Co., Ltd\" 5552 \"KVM Human Interface Composite Device (Keyboard/Mouse ports)\""},
    ConsoleIdRow{0x10d5, 0x55a2, C::kvmSwitch, "Uni Class 2-port KVM switch", "[usbids] 10d5 \"Uni Class Technology Co., Ltd\" 55a2 \"2Port KVMSwitcher\""},
    ConsoleIdRow{0x3333, 0x3333, C::kvmSwitch, "InLine 2-port KVM switch", "[usbids] 3333 \"InLine\" 3333 \"2 port KVM switch model 60652K\""},
    ConsoleIdRow{0x5555, 0x1120, C::kvmSwitch, "Epiphan KVM2USB", "[usbids] 5555 \"Epiphan Systems Inc.\" 1120 \"KVM2USB\""},
    ConsoleIdRow{0x5555, 0x3337, C::kvmSwitch, "Epiphan KVM2USB Pro", "[usbids] 5555 \"Epiphan Systems Inc.\" 3337 \"KVM2USB Pro\""},
    ConsoleIdRow{0x5555, 0x3344, C::kvmSwitch, "Epiphan KVM2USB LR", "[usbids] 5555 \"Epiphan Systems Inc.\" 3344 \"KVM2USB LR\""},
    // BMC virtual consoles and virtual media.
    ConsoleIdRow{0x046b, 0xff10, C::bmcConsole, "AMI virtual keyboard and mouse", "[usbids] 046b \"American Megatrends, Inc.\" ff10 \"Virtual Keyboard and Mouse\""},
    ConsoleIdRow{0x046b, 0xff20, C::bmcConsole, "AMI virtual CD-ROM", "[usbids] 046b \"American Megatrends, Inc.\" ff20 \"Virtual CDROM\""},
    ConsoleIdRow{0x03f0, 0x1027, C::bmcConsole, "HP (iLO) virtual keyboard and mouse", "[usbids] 03f0 \"HP, Inc\" 1027 \"Virtual keyboard and mouse\""},
    ConsoleIdRow{0x03f0, 0x1227, C::bmcConsole, "HP (iLO) virtual CD-ROM", "[usbids] 03f0 \"HP, Inc\" 1227 \"Virtual CD-ROM\""},
    ConsoleIdRow{0x03f0, 0x1327, C::bmcConsole, "HP iLO virtual hub", "[usbids] 03f0 \"HP, Inc\" 1327 \"iLO Virtual Hub\""},
    ConsoleIdRow{0x413c, 0x0000, C::bmcConsole, "Dell DRAC 5 virtual keyboard and mouse", "[usbids] 413c \"Dell Computer Corp.\" 0000 \"DRAC 5 Virtual Keyboard and Mouse\""},
    ConsoleIdRow{0x413c, 0x0001, C::bmcConsole, "Dell DRAC 5 virtual media", "[usbids] 413c \"Dell Computer Corp.\" 0001 \"DRAC 5 Virtual Media\""},
    ConsoleIdRow{0x17ef, 0xb000, C::bmcConsole, "Lenovo virtual keyboard and mouse", "[usbids] 17ef \"Lenovo\" b000 \"Virtual Keyboard and Mouse\""},
    ConsoleIdRow{0x17ef, 0xb003, C::bmcConsole, "Lenovo virtual keyboard, mouse and mass storage",
                 "[usbids] 17ef \"Lenovo\" b003 \"Virtual Keyboard and Mouse / Mass Storage\""},
    ConsoleIdRow{0x05a6, 0x0a01, C::bmcConsole, "Cisco virtual keyboard and mouse", "[usbids] 05a6 \"Cisco Systems, Inc.\" 0a01 \"Virtual Keyboard/Mouse\""},
    ConsoleIdRow{0x05a6, 0x0a02, C::bmcConsole, "Cisco virtual mass storage", "[usbids] 05a6 \"Cisco Systems, Inc.\" 0a02 \"Virtual Mass Storage\""},
    ConsoleIdRow{0x0624, 0x0402, C::bmcConsole, "Cisco virtual keyboard and mouse (Avocent)", "[usbids] 0624 \"Avocent Corp.\" 0402 \"Cisco Virtual Keyboard and Mouse\""},
    ConsoleIdRow{0x0624, 0x0403, C::bmcConsole, "Cisco virtual mass storage (Avocent)", "[usbids] 0624 \"Avocent Corp.\" 0403 \"Cisco Virtual Mass Storage\""},
    // Virtual consoles of makers of both BMC firmware and IP-KVMs: which, the ID does not tell.
    ConsoleIdRow{0x0557, 0x2419, C::remoteConsole, "ATEN virtual mouse/keyboard device", "[usbids] 0557 \"ATEN International Co., Ltd\" 2419 \"Virtual mouse/keyboard device\""},
    ConsoleIdRow{0x0624, 0x0248, C::remoteConsole, "Avocent virtual hub", "[usbids] 0624 \"Avocent Corp.\" 0248 \"Virtual Hub\""},
    ConsoleIdRow{0x0624, 0x0249, C::remoteConsole, "Avocent virtual keyboard/mouse", "[usbids] 0624 \"Avocent Corp.\" 0249 \"Virtual Keyboard/Mouse\""},
    ConsoleIdRow{0x0624, 0x0251, C::remoteConsole, "Avocent virtual mass storage", "[usbids] 0624 \"Avocent Corp.\" 0251 \"Virtual Mass Storage\""},
    ConsoleIdRow{0x0624, 0x0252, C::remoteConsole, "Avocent virtual SD card reader", "[usbids] 0624 \"Avocent Corp.\" 0252 \"Virtual SD card reader\""},
    // Linux USB gadgets: a board running Linux that plays keyboard and mouse (DIY IP-KVMs that
    // keep the default IDs).
    ConsoleIdRow{0x1d6b, 0x0104, C::usbGadget, "Linux multifunction composite gadget", "[usbids] 1d6b \"Linux Foundation\" 0104 \"Multifunction Composite Gadget\""},
    ConsoleIdRow{0x0525, 0xa4ab, C::usbGadget, "Linux-USB multifunction composite gadget",
                 "[usbids] 0525 \"Netchip Technology, Inc.\" a4ab \"Linux-USB Multifunction Composite Gadget\""},
    // Hypervisors' emulated devices (QEMU's usb-kbd, usb-mouse and usb-tablet share one ID).
    ConsoleIdRow{0x0627, 0x0001, C::virtualMachine, "QEMU USB HID device", "[usbids] 0627 \"Adomax Technology Co., Ltd\" 0001 \"QEMU Tablet\""},
    ConsoleIdRow{0x0e0f, 0x0003, C::virtualMachine, "VMware virtual mouse", "[usbids] 0e0f \"VMware, Inc.\" 0003 \"Virtual Mouse\""},
    ConsoleIdRow{0x0e0f, 0x0005, C::virtualMachine, "VMware virtual mass storage", "[usbids] 0e0f \"VMware, Inc.\" 0005 \"Virtual Mass Storage\""},
    ConsoleIdRow{0x0e0f, 0x0006, C::virtualMachine, "VMware virtual keyboard", "[usbids] 0e0f \"VMware, Inc.\" 0006 \"Virtual Keyboard\""},
};

} // namespace raidmon::detail::console
