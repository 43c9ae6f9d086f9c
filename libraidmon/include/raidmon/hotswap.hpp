// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#include <raidmon/export.hpp>

/// @file hotswap.hpp
/// @brief The hot-swap incident: one drive replacement followed from the first sign of trouble to
/// the end of the rebuild, as a pure state machine over inventories (docs/hotswap.md has the
/// diagram), its persistence in STATE_DIR/incidents.json and the technician's work order.
///
/// The engine does no I/O: it returns the events to publish and the actions (lights, mdadm) for
/// the caller to run; the caller reports each action's outcome back with actionDone().

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <raidmon/error.hpp>
#include <raidmon/events.hpp>
#include <raidmon/led.hpp>
#include <raidmon/model.hpp>
#include <raidmon/removal.hpp>

RAIDMON_API_BEGIN
namespace raidmon {

/// @brief Where an incident stands (docs/hotswap.md, "State machine").
enum class IncidentState {
    /// A failed or failing drive (or an operator's request) was noticed; nothing assessed yet.
    /// Transient: the engine moves on in the same step.
    detected,
    /// Safe-to-remove verdict, surviving-member risks and the rebuild model are recorded.
    /// Transient.
    assessed,
    /// The bay's locate light was asked for; waiting for the executor to report it lit.
    locating,
    /// The technician may pull the drive now; the incident waits for it to disappear.
    awaiting_removal,
    /// The drive is gone from the inventory. Transient: the engine moves to awaiting_insertion.
    removed,
    /// Waiting for a new drive (or, for a wrongly pulled drive, the same one) in the bay.
    awaiting_insertion,
    /// A new drive appeared; it is being verified. Transient.
    inserted,
    /// The replacement passed verification; waiting for it to be added (policy, confirmation)
    /// or for the rebuild to show up.
    verified,
    /// The array is rebuilding onto the replacement; rebuildPercent/etaSeconds follow it.
    rebuilding,
    /// Terminal: the array is optimal with the replacement in sync; lights are off.
    completed,
    /// Terminal: adding the replacement or the rebuild failed; failureReason says why.
    failed,
    /// Terminal: an operator cancelled, or the drive recovered before it was pulled.
    cancelled,
};

/// @brief "detected", "assessed", "locating", "awaiting_removal", ... (the enumerator's name).
std::string_view toString(IncidentState s) noexcept;
/// @brief Parse an incident state name.
/// @return the state; invalid_argument naming the word for anything else.
Result<IncidentState> parseIncidentState(std::string_view s);
/// @brief True for completed, failed and cancelled.
bool isTerminal(IncidentState s) noexcept;

/// @brief Why the incident was opened.
enum class IncidentCause {
    drive_failed,         ///< the drive failed (md faulty, controller "failed")
    failure_predicted,    ///< the drive predicts its own failure (SMART)
    wrong_drive_removed,  ///< a healthy member was pulled while another incident was open
    unexpected_removal,   ///< a member was pulled with no incident open, costing redundancy
    operator_request,     ///< proactive replacement asked for by an operator
};

/// @brief "drive_failed", "failure_predicted", "wrong_drive_removed", "unexpected_removal",
/// "operator_request".
std::string_view toString(IncidentCause c) noexcept;
/// @brief Parse a cause name.
/// @return the cause; invalid_argument naming the word for anything else.
Result<IncidentCause> parseIncidentCause(std::string_view s);

/// @brief Enough of a drive to recognise it again after it left the inventory.
struct IncidentDrive {
    std::string id;  ///< Drive::id
    std::optional<std::string> serial, wwn, model, kernelName, devnode;
    std::optional<std::uint64_t> capacityBytes;
    std::optional<std::uint32_t> logicalBlockSize;
    /// A replacement's foreign signatures ("gpt", "ext4") that `allow_foreign_signatures` lets be
    /// overwritten: the md_add action wipes them first (wipefs --all).
    std::vector<std::string> signaturesToWipe;
};

/// @brief The identifying fields of a drive.
IncidentDrive snapshotOf(const Drive& d);

/// @brief What to do with a verified replacement.
enum class AddPolicy {
    automatic,  ///< "auto": add it to the md array at once (md_add action)
    confirm,    ///< "confirm": wait for confirmIncident()
    never,      ///< "never": tell the operator the command to run
};

/// @brief "auto", "confirm", "never".
std::string_view toString(AddPolicy p) noexcept;
/// @brief Parse "auto", "confirm" or "never".
/// @return the policy; invalid_argument naming the word for anything else.
Result<AddPolicy> parseAddPolicy(std::string_view s);

/// @brief The `[hotswap]` section of the agent configuration.
struct HotswapPolicy {
    AddPolicy add = AddPolicy::confirm;     ///< `add`
    bool allowForeignSignatures = false;    ///< `allow_foreign_signatures`: a replacement carrying RAID/filesystem signatures may be used (they will be overwritten)
    bool identifyServer = false;            ///< `identify_server`: server identify light while locating, off at the end
    bool requireSameBay = true;             ///< `require_same_bay`: the replacement must go into the failed drive's bay when that bay is known
    bool openOnPredictedFailure = true;     ///< `open_on_predicted_failure`: Drive::failurePredicted == true opens an incident
    /// `controller_rebuild_wait`: how long a RAID controller is given to start its own automatic
    /// rebuild onto a verified replacement before raidmon acts (MegaRAID with add = "auto": the
    /// drive is made a hot spare) or says it has not (the other controllers).
    std::chrono::seconds controllerRebuildWait{120};
};

/// @brief One state change.
struct IncidentTransition {
    IncidentState from = IncidentState::detected;
    IncidentState to = IncidentState::detected;
    std::chrono::system_clock::time_point at;
    std::string reason;
};

/// @brief One drive replacement.
struct Incident {
    std::string id;  ///< UUID v4 (newEventId())
    IncidentCause cause = IncidentCause::drive_failed;
    IncidentState state = IncidentState::detected;
    /// The drive to take out (or, for wrong_drive_removed/unexpected_removal, the drive that must come back).
    IncidentDrive drive;
    std::optional<std::string> arrayId, arrayName;  ///< the array it belongs(ed) to (Array::id, Array::name)
    std::optional<std::string> arrayKind;           ///< "md", "megaraid", ...
    std::optional<int> memberSlot;                  ///< its slot in the array
    std::optional<std::string> enclosure;           ///< the bay: Enclosure::id
    std::optional<int> slot;                        ///< the bay: Slot::index
    std::optional<std::string> slotLabel;           ///< the bay: its printed label
    std::optional<std::uint64_t> minCapacityBytes;     ///< a replacement must have at least this
    std::optional<std::uint32_t> maxLogicalBlockSize;  ///< and a logical block no larger than this
    RemovalVerdict removalVerdict = RemovalVerdict::unknown;
    std::vector<std::string> removalReasons;
    /// Surviving members with SMART risk, the rebuild model's verdict: known before anyone touches the server.
    std::vector<std::string> risks;
    std::optional<std::string> recommendation;  ///< toString(Recommendation) of evaluateRebuild, when evaluated
    std::optional<IncidentDrive> replacement;
    std::vector<std::string> findings;  ///< verification results and other observations, one sentence each
    bool awaitingConfirmation = false;
    std::optional<double> rebuildPercent;
    std::optional<std::uint64_t> etaSeconds;
    bool lightOn = false, identifyOn = false;
    std::optional<std::string> failureReason;
    std::chrono::system_clock::time_point openedAt, updatedAt;
    std::vector<IncidentTransition> history;
    /// Addition: the md array's UUID (Array::uuid), to tell a returning member's superblock from a foreign one.
    std::optional<std::string> arrayUuid;
    /// The Drive::id of the last replacement rejected: checked again while it stays in the server
    /// and what it was rejected for changes (wiped, its old array stopped).
    std::optional<std::string> lastRejected;
    /// A hardware array's replacement: raidmon made it a hot spare, or said the controller has not
    /// started rebuilding onto it (once).
    bool controllerAddRequested = false;
    /// An md array left auto-read-only (`read-auto`, as md assembles arrays after a reboot) holds
    /// the replacement without recovering onto it: raidmon switched it to read-write (md_readwrite)
    /// or said how to (once).
    bool readWriteRequested = false;
    /// An operator confirmed adding the replacement (`raidmon hotswap confirm`, the panel's
    /// `hotswap.confirm`): later steps that change the array (switching it to read-write) need no
    /// second confirmation.
    bool confirmed = false;
};

/// @brief What the executor is asked to do.
enum class HotswapActionKind { light_on, light_off, identify_on, identify_off, md_add, md_remove_detached, ctl_hot_spare, md_readwrite };

/// @brief "light_on", "light_off", "identify_on", "identify_off", "md_add", "md_remove_detached",
/// "ctl_hot_spare" (a MegaRAID replacement made a hot spare: the controller rebuilds onto it),
/// "md_readwrite" (`mdadm --readwrite`: an auto-read-only md array does not recover until written).
std::string_view toString(HotswapActionKind k) noexcept;

/// @brief One action for the executor (lights, mdadm). Report its outcome with actionDone().
struct HotswapAction {
    HotswapActionKind kind = HotswapActionKind::light_on;
    std::string incidentId;
    std::optional<std::string> enclosure;  ///< lights: the bay
    std::optional<int> slot;
    std::optional<std::string> slotLabel;
    /// light_on: locate for the bay to pull/fill, fault for a wrongly pulled drive's bay or a failed rebuild.
    LedPattern pattern = LedPattern::locate;
    std::optional<std::string> array;   ///< md name ("md0") for md_add / md_remove_detached / md_readwrite
    std::optional<std::string> device;  ///< devnode of the replacement ("/dev/sdf") for md_add
    /// md_add: wipe the replacement's signatures first (`wipefs --all DEVICE`), because the
    /// policy allowed a drive that carries some; a failed wipe fails the add.
    bool wipeFirst = false;
    /// ctl_hot_spare: the replacement (Drive::id) and its serial, checked by the controller's tool
    /// before it acts (runControllerAction, DriveAddress::expectedSerial).
    std::optional<std::string> driveId, serial;
};

/// @brief What one engine step produced.
struct HotswapStep {
    std::vector<Event> events;
    std::vector<HotswapAction> actions;
};

/// @brief The engine: compare two consecutive inventories and move every open incident on; open
/// new incidents for failed/predicted drives and for members pulled by mistake. Pure (no I/O).
/// @param[in,out] incidents updated in place, new ones appended
/// @param[in] before the previous inventory (empty on the first call)
/// @param[in] after the current inventory
/// @param[in] policy the `[hotswap]` configuration
/// @param[in] now the time stamped on transitions and events
/// @return the events to publish and the actions to run; never fails.
HotswapStep advanceIncidents(std::vector<Incident>& incidents, const Inventory& before, const Inventory& after,
                             const HotswapPolicy& policy, std::chrono::system_clock::time_point now);

/// @brief The executor reports an action's outcome.
/// @param[in] ok false if it failed; `message` then says why
/// @return the events it causes (none for an unknown incident).
std::vector<Event> actionDone(std::vector<Incident>& incidents, const HotswapAction& action, bool ok,
                              const std::string& message, std::chrono::system_clock::time_point now);

/// @brief Open an operator_request incident (proactive replacement) for a drive.
/// @param[in] driveSpec as findDrive()
/// @return the step; not_found / invalid_argument from findDrive(); invalid_argument if an
///         incident is already open for that drive.
Result<HotswapStep> openIncident(std::vector<Incident>& incidents, const Inventory& inv, std::string_view driveSpec,
                                 const HotswapPolicy& policy, std::chrono::system_clock::time_point now);

/// @brief Confirm adding a verified replacement (policy `confirm`): an md_add action for md arrays,
/// ctl_hot_spare for MegaRAID, nothing for the other controllers (they rebuild by themselves).
/// @return the step; not_found for an unknown incident; invalid_argument if it is not verified and
///         awaiting confirmation.
Result<HotswapStep> confirmIncident(std::vector<Incident>& incidents, std::string_view incidentId,
                                    std::chrono::system_clock::time_point now);

/// @brief Cancel an open incident: cancelled, lights off.
/// @return the step; not_found for an unknown incident; invalid_argument if it is already closed.
Result<HotswapStep> cancelIncident(std::vector<Incident>& incidents, std::string_view incidentId, const std::string& reason,
                                   std::chrono::system_clock::time_point now);

/// @brief Find an incident by id, id prefix (8 characters or more), or its drive's id, serial or
/// kernel name (an open incident first, else the most recent).
/// @return the incident, or nullptr.
const Incident* findIncident(const std::vector<Incident>& incidents, std::string_view idOrDrive);

/// @brief The verdict on a candidate replacement.
struct Verification {
    bool ok = false;
    std::vector<std::string> findings;  ///< one sentence each (also the accepted observations)
    std::vector<std::string> signaturesToWipe;  ///< foreign signatures the policy lets be overwritten
};

/// @brief Check a candidate replacement against the incident (docs/hotswap.md, "Verification"). Pure.
Verification verifyReplacement(const Incident& incident, const Drive& candidate, const HotswapPolicy& policy);

/// @brief Read STATE_DIR/incidents.json.
/// @return the incidents, empty if the file is absent; parse_error naming the file and the place;
///         io_error/permission_denied if it cannot be read; refused if the state directory is
///         writable by another user or reached through another user's link, or the file is a
///         symbolic link or not owned by root or this user (docs/security.md).
Result<std::vector<Incident>> loadIncidents(const std::filesystem::path& stateDir);

/// @brief Replace STATE_DIR/incidents.json atomically with the open incidents and the 50 most
/// recently updated closed ones (the directory is created if missing; a temporary file with an
/// unpredictable name, created with O_EXCL|O_NOFOLLOW, is renamed over it).
/// @return nothing; io_error/permission_denied naming the file; refused as loadIncidents().
Result<void> saveIncidents(const std::filesystem::path& stateDir, const std::vector<Incident>& incidents);

/// @brief The incidents a running agent holds, open and recently closed ("HOTSWAP LIST" on its
/// control socket, agent_client.hpp).
/// @return them; the errors of askAgent() (io_error naming the socket when the agent does not
///         answer); parse_error naming the socket if an incident cannot be read.
Result<std::vector<Incident>> askAgentIncidents(const std::filesystem::path& socket);

/// @brief An incident as JSON (snake_case keys, times in seconds since the epoch). indent < 0: one line.
std::string toJson(const Incident& incident, int indent = 2);

/// @brief Parse what toJson(Incident) wrote.
/// @return the incident; parse_error naming the place.
Result<Incident> incidentFromJson(std::string_view json);

/// @brief The technician's work order.
struct WorkOrder {
    // Which server.
    std::optional<std::string> hostname, machineId, productName, productSerial, assetTag, bmcIp;
    // Which incident.
    std::string incidentId;
    IncidentState state = IncidentState::detected;
    IncidentCause cause = IncidentCause::drive_failed;
    std::optional<std::string> arrayName;
    // Which bay.
    std::optional<std::string> enclosure;
    std::optional<int> slot;
    std::optional<std::string> slotLabel;
    /// The drive to pull (for wrong_drive_removed/unexpected_removal: the drive to put back).
    IncidentDrive drive;
    std::optional<std::uint64_t> minCapacityBytes;
    std::optional<std::uint32_t> maxLogicalBlockSize;
    RemovalVerdict removalVerdict = RemovalVerdict::unknown;  ///< re-assessed on the inventory given
    std::vector<std::string> removalReasons;
    std::vector<std::string> risks;
    std::vector<std::string> steps;    ///< numbered in the renderings, adapted to state and cause
    std::vector<std::string> warning;  ///< set when the verdict is loses_data / loses_last_redundancy
    std::vector<std::string> findings;
    std::optional<IncidentDrive> replacement;
    /// true: raidmond holds the incident (its id exists), lights the bay and follows the steps;
    /// false: computed from a scan without the agent (`raidmon hotswap` when raidmond is not
    /// running): no incident id, no light, nobody verifies the replacement, and the steps say so.
    bool guided = true;
};

/// @brief Build the work order of an incident against the current inventory; `guided` as in
/// WorkOrder::guided.
WorkOrder makeWorkOrder(const Incident& incident, const Inventory& inv, bool guided = true);
/// @brief Plain text, lines of at most 80 columns, safe for a terminal: escape sequences and
/// control characters a drive or a tool put into a serial, model or message are removed
/// (raidmon/text.hpp).
std::string toText(const WorkOrder& wo);
/// @brief JSON. indent < 0: one line.
std::string toJson(const WorkOrder& wo, int indent = 2);
/// @brief A standalone SVG: the bays of the incident's enclosure as a grid (front view), the target
/// bay marked, and a caption with host and serial. All text is filtered as toText() does (which
/// also replaces bytes that are not UTF-8) and XML-escaped: the document is well-formed XML
/// whatever the drives report.
std::string toSvg(const WorkOrder& wo, const Inventory& inv);

} // namespace raidmon
RAIDMON_API_END
