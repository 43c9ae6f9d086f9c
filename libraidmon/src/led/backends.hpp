// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// The LED backends behind setSlotLed(). Each reaches one bay's indicators through one mechanism
// and reads every change back.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <raidmon/controllers.hpp>
#include <raidmon/led.hpp>

#include "ses_codec.hpp"

namespace raidmon::detail {

/// One light of a bay.
enum class Indicator { locate, fault, rebuild };

std::string_view toString(Indicator i) noexcept;

/// The indicator a pattern lights (pattern off has none).
std::optional<Indicator> indicatorOf(LedPattern p) noexcept;

class LedBackend {
public:
    virtual ~LedBackend() = default;
    /// "ses-sysfs", "ses-sg", "led-class", "pcie-attention", "controller", "ledctl".
    [[nodiscard]] virtual std::string name() const = 0;
    /// The file, directory or command the backend drives (recorded in leases; rebuilds the backend).
    [[nodiscard]] virtual std::string target() const = 0;
    [[nodiscard]] virtual bool supports(Indicator i) const = 0;
    /// The indicator's state; nullopt when the backend cannot tell (ledctl).
    virtual Result<std::optional<bool>> get(Indicator i) = 0;
    /// Change the indicator and read it back. Errors name the backend and the file or command.
    virtual Result<void> set(Indicator i, bool on) = 0;
};

/// SG_IO to an SES device, behind an interface so the backend runs against captured pages.
class SesTransport {
public:
    virtual ~SesTransport() = default;
    /// RECEIVE DIAGNOSTIC RESULTS with PCV=1 for `page`.
    virtual Result<std::vector<std::uint8_t>> receive(std::uint8_t page) = 0;
    /// SEND DIAGNOSTIC with PF=1 carrying `page`.
    virtual Result<void> send(const std::vector<std::uint8_t>& page) = 0;
    /// "/dev/sg3", for messages and leases.
    [[nodiscard]] virtual std::string node() const = 0;
};

/// SG_IO through libsgutils2 on `sgNode` (checked against `sgSysDir`/dev by openDeviceNode).
std::unique_ptr<SesTransport> makeSgTransport(const Context& ctx, const std::string& sgNode, const std::filesystem::path& sgSysDir);

/// Which element of an SES enclosure is the bay: by DEVICE SLOT NUMBER (page 0Ah) when the
/// enclosure gives one, else by element descriptor text (what the kernel names components by).
/// Failing both, by the element's index over the status page (enclosures with neither page).
struct SesElementKey {
    std::optional<int> slotNumber;
    std::optional<std::string> descriptor;
    std::optional<int> element;
};

/// SES through SG_IO: reads pages 01h, 02h, 07h, 0Ah, writes control page 02h, reads 02h back.
std::unique_ptr<LedBackend> makeSesSgBackend(std::unique_ptr<SesTransport> transport, SesElementKey key);

/// The kernel's enclosure class: `componentDir`/{locate,fault}.
std::unique_ptr<LedBackend> makeSesSysfsBackend(const std::filesystem::path& componentDir);
/// A PCIe hot-plug slot's attention indicator: `slotDir`/attention.
std::unique_ptr<LedBackend> makePcieAttentionBackend(const std::filesystem::path& slotDir);
/// NPEM/_DSM LED class devices `ledsDir`/<function>:enclosure:{locate,fail,rebuild}.
std::unique_ptr<LedBackend> makeLedClassBackend(const std::filesystem::path& ledsDir, const std::string& function);
/// A RAID controller's tool (locate only). `knownLocate` is what the last scan read.
std::unique_ptr<LedBackend> makeControllerBackend(const Context& ctx, DriveAddress address, std::optional<bool> knownLocate);
/// ledmon's ledctl on a device node (cannot read the state back).
std::unique_ptr<LedBackend> makeLedctlBackend(const Context& ctx, const std::string& devnode);

/// Rebuild the backend a lease recorded, refusing targets a damaged or hostile lease file could
/// point elsewhere: each backend accepts only what it records itself (ses-sysfs: an element
/// directory of an enclosure class device; pcie-attention: SYS/bus/pci/slots/NAME; led-class:
/// SYS/class/leds/<PCI function>; ses-sg: DEV/sgN; ledctl: a node name under DEV; controller: a
/// known kind and printable fields), with no "." or ".." component; an unknown backend.
/// Errors: refused, invalid_argument, naming the lease target.
Result<std::unique_ptr<LedBackend>> backendFromLease(const Context& ctx, const LedLease& lease);

/// Every backend that reaches `bay` in the inventory, in preference order.
std::vector<std::unique_ptr<LedBackend>> backendsFor(const Context& ctx, const Inventory& inv, const Bay& bay);

} // namespace raidmon::detail
