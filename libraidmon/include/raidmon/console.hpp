// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#include <raidmon/export.hpp>

/// @file console.hpp
/// @brief Which console is wired to this host: USB keyboards, mice, tablets, virtual media and
/// video-capture devices described from udev and sysfs, and classified as an external IP-KVM, a
/// KVM switch, the BMC's own virtual console or a plain local device. The vendor:product table
/// behind the classification is data with a source per row (libraidmon/src/console/console_ids.hpp,
/// docs/panel.md). Used by raidmond for io.raidmon.console.attached / .detached and the identity
/// block of every event, and by `raidmon identity`.

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <raidmon/context.hpp>
#include <raidmon/error.hpp>

RAIDMON_API_BEGIN
namespace raidmon {

/// @brief What a console device is, as far as its IDs and interfaces tell.
enum class ConsoleClass {
    ipKvm,          ///< "ip_kvm": an external KVM-over-IP unit (someone elsewhere types on this host)
    kvmSwitch,      ///< "kvm_switch": an external KVM switch, extender or adapter (remote reach unknown)
    bmcConsole,     ///< "bmc_console": this server's (or a blade chassis') BMC virtual console or media
    remoteConsole,  ///< "remote_console": a virtual console whose ID does not tell BMC from IP-KVM
    usbGadget,      ///< "usb_gadget": a Linux USB gadget (what DIY IP-KVMs are built from)
    virtualMachine, ///< "virtual_machine": a hypervisor's emulated device (QEMU, VMware)
    keyboard,       ///< "keyboard": a plain keyboard (HID boot protocol 1), vendor not in the table
    pointer,        ///< "pointer": a plain mouse (HID boot protocol 2) or other HID, not in the table
    massStorage,    ///< "mass_storage": a USB storage device, not in the table
    videoCapture,   ///< "video_capture": a USB video device (UVC), not in the table
};

/// @brief "ip_kvm", "kvm_switch", "bmc_console", "remote_console", "usb_gadget",
/// "virtual_machine", "keyboard", "pointer", "mass_storage", "video_capture".
std::string_view toString(ConsoleClass c) noexcept;

/// @brief One row of the console ID table: a USB vendor (and product, or every product of the
/// vendor) with what it is and where that is written.
struct ConsoleIdRow {
    std::uint16_t vendor;
    std::optional<std::uint16_t> product;  ///< nullopt: every product of the vendor
    ConsoleClass classification;
    std::string_view name;    ///< "Raritan D2CIM-VUSB KVM connector"
    std::string_view source;  ///< "[usbids] 14dd:1007 ..." (console_ids.hpp lists the sources)
};

/// @brief The table, in match order (exact vendor:product rows before vendor-wide rows).
std::span<const ConsoleIdRow> consoleIdTable() noexcept;

/// @brief The classification of a USB device.
struct ConsoleMatch {
    ConsoleClass classification = ConsoleClass::pointer;
    std::string name;    ///< the table row's name, or what the interfaces say ("HID keyboard")
    std::string source;  ///< the table row's source, or "USB interface class" (no row matched)
};

/// @brief Classify by vendor:product (the table), else by function (the interfaces).
/// @param[in] vendor, product the USB IDs
/// @param[in] functions what the interfaces are (consoleFunctions())
/// @return nullopt when the device is no console device (no HID, storage or video interface and
///         no table row), e.g. a hub or a network adapter.
std::optional<ConsoleMatch> classifyConsole(std::uint16_t vendor, std::uint16_t product, std::span<const std::string> functions);

/// @brief One USB device that is (part of) a console.
struct ConsoleDevice {
    std::string syspath;   ///< the USB device, "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-4"
    std::string port;      ///< the USB port path (the device's kernel name): "1-4", "3-1.2"
    std::string vendorId;  ///< four lower-case hex digits, "14dd"
    std::string productId; ///< "1007"
    std::optional<std::string> manufacturer;
    std::optional<std::string> product;
    std::optional<std::string> serial;
    std::vector<std::string> functions;  ///< "keyboard", "mouse", "hid", "mass_storage", "video_capture"
    ConsoleMatch match;
};

/// @brief The functions of a USB device's interfaces (sysfs bInterfaceClass/Protocol of its
/// "<port>:<config>.<n>" children): HID boot protocol 1 "keyboard", 2 "mouse", other HID "hid",
/// class 08 "mass_storage", class 0e "video_capture". Each once, in this order.
std::vector<std::string> consoleFunctions(const Context& ctx, const std::string& usbSyspath);

/// @brief The USB device (devtype usb_device) a usb/hid/input/video4linux device belongs to: the
/// record's syspath or its nearest ancestor with an idVendor attribute.
/// @return its syspath; nullopt for a device not on USB (a PS/2 keyboard, a virtual input).
std::optional<std::string> usbDeviceOf(const Context& ctx, const DeviceRecord& rec);

/// @brief Describe a USB device from sysfs (idVendor, idProduct, manufacturer, product, serial)
/// and classify it.
/// @return the device; not_found if it has no idVendor/idProduct (gone, or not a USB device),
///         invalid_argument if they are not 4 hex digits; unsupported if it is no console device
///         (classifyConsole() gave nullopt).
Result<ConsoleDevice> describeConsole(const Context& ctx, const std::string& usbSyspath);

/// @brief Every console device on the host now (enumerates the "usb" subsystem).
/// @return the devices in port order; the source's error if it cannot enumerate.
Result<std::vector<ConsoleDevice>> scanConsoles(const Context& ctx);

/// @brief A verification code: 6 characters of an alphabet without look-alikes (no 0/O, 1/I/L,
/// 5/S, 2/Z, 8/B), shown as "XXX-XXX", from the system's random source.
std::string newVerificationCode();

/// @brief Is `code` a well-formed verification code ("XXX-XXX" of that alphabet)?
bool isVerificationCode(std::string_view code) noexcept;

/// @brief A console device as JSON (one line; `indent` >= 0 pretty-prints): vendor_id,
/// product_id, manufacturer, product, serial, port, syspath, functions, classification,
/// classification_name, classification_source.
std::string toJson(const ConsoleDevice& d, int indent = -1);

/// @brief What the host shows about itself on its own screen (the agetty issue file) and what
/// `raidmon identity` prints: who it is, how it is, and the current verification code.
struct IdentityCard {
    std::optional<std::string> hostname;
    std::optional<std::string> productSerial;  ///< DMI product serial
    std::optional<std::string> assetTag;       ///< DMI chassis asset tag
    std::optional<std::string> machineId;      ///< the first 12 hex digits of /etc/machine-id
    std::optional<std::string> bmcIp, bmcMac;
    std::string health = "Unknown";            ///< toString(Health) of the last scan
    std::vector<std::string> openIncidents;    ///< "bay Slot03, drive serial ZC1A2B3C (awaiting_replacement)"
    std::vector<ConsoleDevice> consoles;
    std::string code;                          ///< the verification code (newVerificationCode())
    std::chrono::system_clock::time_point codeSince{};
    std::string codeReason;                    ///< "agent start", "console attached at port 1-4", "timer", ...
};

/// @brief The card as text: one fact a line, values made printable. For an agetty issue file
/// (`agettyEscapes`) backslashes are doubled, because agetty expands backslash escapes there.
std::string renderIssue(const IdentityCard& card, bool agettyEscapes = true);

/// @brief The card as JSON (machine_id, hostname, product_serial, asset_tag, bmc {ip, mac},
/// health, open_incidents, consoles, verification_code, code_since (RFC 3339), code_reason).
std::string toJson(const IdentityCard& card, int indent = -1);

/// @brief Read a card back from toJson(IdentityCard) (raidmond's STATE_DIR/identity.json).
/// @param[in] origin the file, for messages
/// @return the card; parse_error naming `origin` and the field that is missing or of a wrong type.
Result<IdentityCard> parseIdentityCard(std::string_view json, std::string_view origin);

} // namespace raidmon
RAIDMON_API_END
