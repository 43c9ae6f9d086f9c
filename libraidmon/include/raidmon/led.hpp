// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#include <raidmon/export.hpp>

/// @file led.hpp
/// @brief Slot and server lights: which bay holds a drive (also one that has vanished), lighting
/// it through the backend that can reach it, leases that turn a locate light off again, and
/// ownership records so raidmon never clears a fault light another component set.
///
/// Backends, tried per slot in this order (the first that can show the pattern wins):
///  1. `ses-sysfs`: the kernel's enclosure class (/sys/class/enclosure/<encl>/<component>/{locate,fault});
///  2. `ses-sg`: SES diagnostic pages through SG_IO, for enclosures the kernel's ses driver does not
///     bind (control page 2, SES-3 array device slot element);
///  3. `led-class`: NPEM/_DSM indications exposed as LED class devices
///     (/sys/class/leds/<pci-function>:enclosure:{locate,fail,rebuild}/brightness);
///  4. `pcie-attention`: the PCIe hot-plug slot's attention indicator (/sys/bus/pci/slots/N/attention,
///     pciehp convention: 0 off, 1 on, 2 blink);
///  5. `controller`: the RAID controller's own tool (runControllerAction, locate only);
///  6. `ledctl`: ledmon's ledctl through Context::runner, when installed.
/// The server's identify light goes through ipmitool, else the OpenIPMI device /dev/ipmi0.
/// Every change is read back; a value that does not stick is an error naming the backend and the
/// file or command.
///
/// State (leases, ownership, slot memory) lives in small JSON files in a state directory, written
/// atomically (temporary file, fsync, rename).

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <raidmon/context.hpp>
#include <raidmon/error.hpp>
#include <raidmon/model.hpp>

RAIDMON_API_BEGIN
namespace raidmon {

/// @brief What a slot's lights should show.
enum class LedPattern {
    /// All lights raidmon controls turned off (a fault light raidmon did not set is left alone
    /// unless forced).
    off,
    /// The locate (identify) light: "this is the bay". Always time-limited by a lease.
    locate,
    /// The fault light: "the drive in this bay has failed; replace it".
    fault,
    /// The rebuild light (SES RQST REBUILD/REMAP, NPEM rebuild): "this bay is being rebuilt; do
    /// not pull it".
    rebuild,
};

/// @brief "off", "locate", "fault", "rebuild".
std::string_view toString(LedPattern p) noexcept;
/// @brief Parse a pattern name.
/// @return the pattern; invalid_argument naming the word for anything else.
Result<LedPattern> parseLedPattern(std::string_view s);

/// @brief A bay as the live inventory and the slot memory know it.
struct Bay {
    std::string enclosure;               ///< Enclosure::id ("0x5003048017b0f07f", "pcie")
    int slot = 0;                        ///< Slot::index
    std::optional<std::string> label;    ///< Slot::label ("Slot03", "PCIe slot 1")
    std::optional<std::string> drive;    ///< Drive::id of the drive the caller asked for (or that is in it)
    std::optional<std::string> device;   ///< kernel name of the drive now in the bay, if any
    bool fromMemory = false;             ///< found through slot memory: the drive is no longer present
    std::vector<std::string> notes;      ///< e.g. "the bay now holds another drive"
};

/// @brief One remembered drive: where it was last seen.
struct SlotMemoryEntry {
    std::string drive;                   ///< Drive::id
    std::optional<std::string> serial;
    std::optional<std::string> wwn;
    std::optional<std::string> model;
    std::string enclosure;               ///< Enclosure::id
    int slot = 0;
    std::optional<std::string> label;
    std::optional<std::string> kernelName;  ///< informational: kernel names are reused
    std::chrono::system_clock::time_point seenAt;
};

/// @brief The last known bay of every drive, indexed by Drive::id (lookups also by serial and WWN).
struct SlotMemory {
    std::vector<SlotMemoryEntry> entries;

    /// @brief The entry whose Drive::id, serial or WWN equals `key` (WWN with or without "0x" and
    /// case-insensitively). nullptr if none.
    [[nodiscard]] const SlotMemoryEntry* find(std::string_view key) const;
};

/// @brief Read `stateDir`/slots.json.
/// @return the memory (empty if the file does not exist); parse_error naming the file and the
///         place if it is not a slot memory file; io_error/permission_denied if it cannot be read;
///         refused if the state directory is writable by another user or reached through another
///         user's link, or the file is a symbolic link or owned by another user (docs/security.md).
Result<SlotMemory> loadSlotMemory(const std::filesystem::path& stateDir);

/// @brief How long the slot memory keeps a drive that is in no bay any more (pulled, dead,
/// replaced): 30 days after it was last seen in one. Then its entry is dropped.
inline constexpr std::chrono::hours kSlotMemoryRetention{24 * 30};
/// @brief The resolution of SlotMemoryEntry::seenAt for a drive that stays in its bay: refreshed
/// when it is a day old (so an unchanged host rewrites slots.json at most once a day).
inline constexpr std::chrono::hours kSlotMemoryRefresh{24};

/// @brief Bring `memory` up to date with `inv` at time `now` (pure): a new entry for every drive
/// with a bay and a stable id that has none; an entry whose bay, label, kernel name or identity
/// changed is replaced; seen_at is refreshed when it is kSlotMemoryRefresh old (or in the future);
/// entries of drives absent from `inv` and not seen for more than kSlotMemoryRetention are dropped
/// (pruned). Entries stay sorted by drive id.
/// @return whether anything changed (what rememberSlots() writes).
bool updateSlotMemory(SlotMemory& memory, const Inventory& inv, std::chrono::system_clock::time_point now);

/// @brief Record the bay of every drive of `inv` that has one (time from ctx.clock) as
/// updateSlotMemory() does, and write `stateDir`/slots.json atomically only when that changed
/// something (the directory is created if missing; its lock file is taken either way).
/// @return the updated memory; io_error/permission_denied naming the file if it cannot be written;
///         the errors of loadSlotMemory().
Result<SlotMemory> rememberSlots(const Context& ctx, const std::filesystem::path& stateDir, const Inventory& inv);

/// @brief Which bay `what` means. Tried in order: a present drive by devnode ("/dev/sdc"), kernel
/// name ("sdc"), serial, WWN or Drive::id; a vanished drive by serial, WWN or Drive::id through
/// `memory`; a bay as "ENCLOSURE:SLOT" (ENCLOSURE an Enclosure::id or SCSI address, SLOT an
/// index or a label) or a slot label alone ("Slot03").
/// @return the bay; not_found naming `what` if nothing matches; invalid_argument if `what` is
///         ambiguous (a label present in two enclosures), listing the candidates; not_found if a
///         remembered bay is no longer in the inventory.
Result<Bay> resolveBay(const Inventory& inv, const SlotMemory& memory, std::string_view what);

/// @brief A light raidmon has set and owns: kept until it is turned off or its lease expires.
struct LedLease {
    std::string enclosure;
    int slot = 0;
    std::optional<std::string> label;
    std::optional<std::string> drive;
    LedPattern pattern = LedPattern::locate;
    std::string backend;                 ///< "ses-sysfs", "pcie-attention", ...
    std::string target;                  ///< the file or command that set it
    std::chrono::system_clock::time_point setAt;
    std::optional<std::chrono::system_clock::time_point> expiresAt;  ///< none: until turned off
    std::string reason;                  ///< why it was set ("raidmon locate", ...)
};

/// @brief Read `stateDir`/leds.json.
/// @return the leases (empty if the file does not exist); parse_error naming the file and the place;
///         refused as loadSlotMemory(); io_error/permission_denied if it cannot be read.
Result<std::vector<LedLease>> loadLeases(const std::filesystem::path& stateDir);

/// @brief Options of setSlotLed().
struct LedOptions {
    std::filesystem::path stateDir = "/var/lib/raidmon";
    /// How long a light stays on. Locate always has a limit (default 30 min when unset); fault and
    /// rebuild have none unless given.
    std::optional<std::chrono::seconds> duration;
    /// Turn off a fault light raidmon did not set (and take over a light another tool set).
    bool force = false;
    std::string reason = "raidmon";
};

/// @brief The locate lease when LedOptions::duration is not given.
inline constexpr std::chrono::seconds kDefaultLocateLease{30 * 60};

/// @brief What setSlotLed() did.
struct LedChange {
    Bay bay;
    LedPattern pattern = LedPattern::off;
    std::string backend;
    std::string target;                  ///< file or command
    bool verified = false;               ///< read back and found as written (false only for ledctl,
                                         ///< which cannot report a slot's state)
    std::optional<std::chrono::system_clock::time_point> expiresAt;
    std::vector<std::string> conflicts;  ///< lights left on because raidmon does not own them
    std::vector<std::string> notes;
};

/// @brief Show `pattern` on a bay's lights through the first backend that can, read it back,
/// and record (or drop) the lease in `opts.stateDir`/leds.json.
/// Pattern off turns off the lights raidmon owns (through the backend that set them) and any
/// locate light; a fault or rebuild light another component set stays on unless `opts.force`,
/// and is listed in LedChange::conflicts. Lighting a fault or rebuild light that is already on does
/// not take it over (a note says so) unless `opts.force`.
/// @return the change; unsupported if no backend reaches the bay with that pattern (the message
///         lists what each backend said); io_error/permission_denied/device_gone/parse_error
///         naming the backend and the file, or command_failed naming the command, when a write
///         fails or does not read back; refused if a lease's target is outside ctx.paths; the
///         errors of loadLeases() and of writing the lease file.
Result<LedChange> setSlotLed(const Context& ctx, const Inventory& inv, const Bay& bay, LedPattern pattern,
                             const LedOptions& opts = {});

/// @brief The longest lease a person may ask for: a light left on for a month is a forgotten light.
inline constexpr std::chrono::hours kMaxLease{31 * 24};

/// @brief A lease's length as typed ("90s", "30m", "2h", "1d"; units.hpp parseDurationHours()).
/// @return the duration, rounded to seconds; invalid_argument naming the text if it does not parse,
///         is 0 or is longer than kMaxLease.
Result<std::chrono::seconds> parseLeaseDuration(std::string_view text);

/// @brief `raidmon locate WHAT on|off` as one call: expire old leases, scan the host (without
/// signature probing), remember every drive's bay in `opts.stateDir`, resolve `what`
/// (resolveBay()) and set the light (setSlotLed()).
/// @param[in] ctx the host
/// @param[in] what a drive (devnode, kernel name, serial, WWN, id; also one that has vanished) or
///            a bay ("ENCLOSURE:SLOT", a slot label)
/// @param[in] pattern the light to show; LedPattern::off turns the bay's lights off
/// @param[in] opts state directory, duration, force, reason
/// @param[out] warnings leases that could not be expired, and why (the light is set all the same)
/// @return the change; the errors of scanInventory(), rememberSlots(), resolveBay() (not_found,
///         invalid_argument) and setSlotLed().
Result<LedChange> locateSlot(const Context& ctx, std::string_view what, LedPattern pattern, const LedOptions& opts,
                             std::vector<std::string>& warnings);

/// @brief Render a change as `raidmon locate --json` prints it (enclosure, slot, label, drive,
/// from_slot_memory, pattern, backend, target, verified, expires_at, conflicts, notes).
/// indent < 0: one line.
std::string toJson(const LedChange& c, int indent = 2);

/// @brief What expireLeases() did.
struct ExpiryReport {
    std::vector<LedLease> expired;           ///< turned off and dropped
    std::vector<std::string> failures;       ///< leases whose light could not be turned off (kept, retried later)
    std::vector<LedLease> remaining;         ///< still running
};

/// @brief Turn off every light whose lease has expired (time from ctx.clock), also those set by
/// an earlier process. Works from the recorded backend and target, without scanning.
/// @return the report; the errors of the lease file (parse_error, io_error, permission_denied).
Result<ExpiryReport> expireLeases(const Context& ctx, const std::filesystem::path& stateDir);

/// @brief The server's own identify light (chassis identify through `ipmitool` and the BMC).
/// `on` with a duration of at most 255 s asks the BMC for a timed identify; longer or no duration
/// turns it on indefinitely ("force") and records a lease so expireLeases() turns it off.
/// The state is read back from "ipmitool chassis status" when the BMC reports it. Without ipmitool,
/// and when ctx.deviceIo allows, the same IPMI commands go through the OpenIPMI device
/// (ctx.paths.dev/ipmi0, checked by the library's device-node rules).
/// @return notes on what was done (e.g. "not verified"); not_found if neither ipmitool nor
///         /dev/ipmi0 is there; command_failed naming the command or node if it fails or the state
///         reads back wrong; command_timeout; refused if the device node fails the safety checks.
Result<std::vector<std::string>> setServerIdentify(const Context& ctx, bool on, const LedOptions& opts = {});

} // namespace raidmon
RAIDMON_API_END
