/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef RAIDMON_RAIDMON_H
#define RAIDMON_RAIDMON_H

/**
 * @file raidmon.h
 * @brief The C API of libraidmon (C99; also compiles as C++).
 *
 * Conventions (those of libudev and libnvme):
 * - Objects are opaque and reference-counted: `*_new()` and the calls that return an object
 *   through an `out` parameter give one reference; `*_ref()` adds one, `*_unref()` drops one and
 *   returns NULL. Unref of NULL does nothing.
 * - Objects reached through another (`raidmon_inventory_drive()`, `raidmon_drive_...`) are
 *   borrowed: they live as long as the object they came from. So do the `const char *` strings
 *   every getter returns. A getter returns NULL for a value the source does not give (never "").
 * - Numbers that can be unknown say how: -1 for counts, sizes and indexes, NAN for fractions.
 *   Nothing unknown is ever reported as 0.
 * - Fallible calls return 0 (or a count) on success and a negative errno-style status (enum
 *   raidmon_status) on failure; raidmon_context_last_error() then holds one line naming the
 *   input and the place, the line `raidmon` itself would print. Nothing is written to `*out`
 *   on failure.
 * - Strings returned as `char *` belong to the caller: free them with raidmon_free().
 * - A context and the objects made with it may be used by one thread at a time; different
 *   contexts are independent.
 *
 * Every symbol is versioned RAIDMON_C_1.0 (libraidmon/raidmon.map); docs/api-c.md has an
 * example for each call.
 */

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define RAIDMON_C_API __attribute__((visibility("default")))
#else
#define RAIDMON_C_API
#endif

/** @brief Status of a fallible call: 0, or a negative errno value. The values never change. */
enum raidmon_status {
    RAIDMON_OK = 0,
    RAIDMON_E_DEVICE_GONE = -ENODEV,            /**< the device vanished (normal during hot-plug) */
    RAIDMON_E_PARSE = -EBADMSG,                 /**< input (sysfs, tool output, a capture) was not understood */
    RAIDMON_E_COMMAND_FAILED = -EREMOTEIO,      /**< an external tool (or the agent) ran but reported failure */
    RAIDMON_E_COMMAND_TIMEOUT = -ETIMEDOUT,     /**< an external tool did not finish in time */
    RAIDMON_E_UNSUPPORTED = -EOPNOTSUPP,        /**< the device, format or operation is not supported */
    RAIDMON_E_PERMISSION = -EACCES,             /**< the caller lacks a privilege */
    RAIDMON_E_INVALID_ARGUMENT = -EINVAL,       /**< a meaningless argument (also a NULL where an object is needed) */
    RAIDMON_E_IO = -EIO,                        /**< another operating-system error */
    RAIDMON_E_NOT_FOUND = -ENOENT,              /**< a named drive, array, slot or file does not exist */
    RAIDMON_E_REFUSED = -EPERM,                 /**< a safety rule refused the operation */
    RAIDMON_E_NO_MEMORY = -ENOMEM,              /**< out of memory */
    RAIDMON_E_AGAIN = -EAGAIN,                  /**< nothing yet (raidmon_watch_next()): poll the fd */
    RAIDMON_E_INTERNAL = -ENOTRECOVERABLE       /**< a bug in libraidmon (please report it) */
};

/** @brief Health verdicts, ordered OK < WARNING < CRITICAL; UNKNOWN maps to exit code 3. */
enum raidmon_health {
    RAIDMON_HEALTH_OK = 0,
    RAIDMON_HEALTH_WARNING = 1,
    RAIDMON_HEALTH_CRITICAL = 2,
    RAIDMON_HEALTH_UNKNOWN = 3
};

/** @brief What the rebuild model recommends (docs/rebuild-model.md). */
enum raidmon_recommendation {
    RAIDMON_RECOMMEND_NOT_DEGRADED = 0,
    RAIDMON_RECOMMEND_REBUILD_NOW = 1,
    RAIDMON_RECOMMEND_BACKUP_FIRST = 2,
    RAIDMON_RECOMMEND_REPLACE_RISKY_MEMBER_FIRST = 3,
    RAIDMON_RECOMMEND_DO_NOT_PULL = 4
};

/** @brief What pulling a drive now would do, from harmless to worst; UNKNOWN when it cannot be told. */
enum raidmon_removal_verdict {
    RAIDMON_REMOVAL_SAFE = 0,
    RAIDMON_REMOVAL_INTERRUPTS_REBUILD = 1,
    RAIDMON_REMOVAL_REDUCES_REDUNDANCY = 2,
    RAIDMON_REMOVAL_LOSES_LAST_REDUNDANCY = 3,
    RAIDMON_REMOVAL_LOSES_DATA = 4,
    RAIDMON_REMOVAL_UNKNOWN = 5
};

/** @brief A slot's lights. */
enum raidmon_led_pattern {
    RAIDMON_LED_OFF = 0,
    RAIDMON_LED_LOCATE = 1,
    RAIDMON_LED_FAULT = 2,
    RAIDMON_LED_REBUILD = 3
};

/** @brief Flags of raidmon_locate(). */
enum raidmon_locate_flags {
    RAIDMON_LOCATE_FORCE = 1 /**< turn off (or take over) a fault/rebuild light raidmon did not set */
};

/** @brief Log levels of the log callback. */
enum raidmon_log_level {
    RAIDMON_LOG_DEBUG = 0,
    RAIDMON_LOG_INFO = 1,
    RAIDMON_LOG_WARNING = 2,
    RAIDMON_LOG_ERROR = 3,
    RAIDMON_LOG_CRITICAL = 4
};

typedef struct raidmon_context raidmon_context;
typedef struct raidmon_inventory raidmon_inventory;
typedef struct raidmon_drive raidmon_drive;
typedef struct raidmon_array raidmon_array;
typedef struct raidmon_controller raidmon_controller;
typedef struct raidmon_enclosure raidmon_enclosure;
typedef struct raidmon_slot raidmon_slot;
typedef struct raidmon_params raidmon_params;
typedef struct raidmon_prediction raidmon_prediction;
typedef struct raidmon_removal raidmon_removal;
typedef struct raidmon_led_change raidmon_led_change;
typedef struct raidmon_events raidmon_events;
typedef struct raidmon_smart_report raidmon_smart_report;
typedef struct raidmon_identify_result raidmon_identify_result;
typedef struct raidmon_incidents raidmon_incidents;
typedef struct raidmon_incident raidmon_incident;
typedef struct raidmon_work_order raidmon_work_order;
typedef struct raidmon_watch raidmon_watch;

/** @brief Log callback: level (enum raidmon_log_level) and a "message key=value ..." line. */
typedef void (*raidmon_log_fn)(void *userdata, int level, const char *message);

/* ---- library ---------------------------------------------------------------------------- */

/** @brief The library's version, "MAJOR.MINOR.PATCH". */
RAIDMON_C_API const char *raidmon_version(void);
/** @brief The name of a status ("parse_error", "not_found", ...; "ok" for 0, "unknown" otherwise). */
RAIDMON_C_API const char *raidmon_status_name(int status);
/** @brief Free a string the library returned as `char *` (NULL is fine). */
RAIDMON_C_API void raidmon_free(void *p);
/** @brief "OK", "Warning", "Critical", "Unknown" (NULL for a value outside the enum). */
RAIDMON_C_API const char *raidmon_health_name(enum raidmon_health health);
/** @brief Monitoring-plugin exit code of a verdict: 0 OK, 1 Warning, 2 Critical, 3 Unknown. */
RAIDMON_C_API int raidmon_health_exit_code(enum raidmon_health health);

/* ---- context ---------------------------------------------------------------------------- */

/**
 * @brief A context over this machine: /sys, /proc, /dev, /etc, libudev, device nodes opened
 * read-only for probing, state directory /var/lib/raidmon.
 * @return the context, or NULL when out of memory.
 */
RAIDMON_C_API raidmon_context *raidmon_context_new(void);
/** @brief Take a reference. @return ctx. */
RAIDMON_C_API raidmon_context *raidmon_context_ref(raidmon_context *ctx);
/** @brief Drop a reference; the last one frees the context. @return NULL. */
RAIDMON_C_API raidmon_context *raidmon_context_unref(raidmon_context *ctx);
/**
 * @brief Read a recorded host under `dir` (dir/sys, dir/proc, dir/dev, dir/etc, dir/run) instead
 * of this machine; device I/O is then off. NULL goes back to this machine.
 * @return 0; RAIDMON_E_NOT_FOUND if `dir` is not a directory; RAIDMON_E_INVALID_ARGUMENT for a NULL ctx.
 */
RAIDMON_C_API int raidmon_context_set_root(raidmon_context *ctx, const char *dir);
/** @brief Read /proc from `dir` (NULL: the default). @return 0, or as raidmon_context_set_root(). */
RAIDMON_C_API int raidmon_context_set_proc(raidmon_context *ctx, const char *dir);
/** @brief Read /etc from `dir` (NULL: the default). @return 0, or as raidmon_context_set_root(). */
RAIDMON_C_API int raidmon_context_set_etc(raidmon_context *ctx, const char *dir);
/**
 * @brief The state directory (slot memory, light leases, the agent's control socket
 * raidmond.sock); NULL: /var/lib/raidmon. It is created when something is written to it.
 * @return 0; RAIDMON_E_INVALID_ARGUMENT for a NULL ctx.
 */
RAIDMON_C_API int raidmon_context_set_state_dir(raidmon_context *ctx, const char *dir);
/**
 * @brief Never open device nodes (/dev/sdX) when `no_device_io` is non-zero: read only sysfs,
 * udev and tools (what `raidmon --no-device-io` does).
 * @return 0; RAIDMON_E_INVALID_ARGUMENT for a NULL ctx.
 */
RAIDMON_C_API int raidmon_context_set_no_device_io(raidmon_context *ctx, int no_device_io);
/** @brief Receive the library's log lines (NULL: none, the default). @return 0, or RAIDMON_E_INVALID_ARGUMENT. */
RAIDMON_C_API int raidmon_context_set_log_fn(raidmon_context *ctx, raidmon_log_fn fn, void *userdata);
/** @brief The message of the last failed call made with `ctx` ("" if none), owned by ctx until the next call. */
RAIDMON_C_API const char *raidmon_context_last_error(const raidmon_context *ctx);

/* ---- inventory: a scan, or a decoded capture ---------------------------------------------- */

/**
 * @brief Scan the host (what `raidmon status` reads): host identity, controllers, enclosures and
 * slots, drives, md and hardware arrays, with health.
 * @param[out] out the inventory
 * @return 0; RAIDMON_E_IO if the device source cannot be read; RAIDMON_E_INVALID_ARGUMENT for NULLs;
 *         RAIDMON_E_NO_MEMORY.
 */
RAIDMON_C_API int raidmon_scan(raidmon_context *ctx, raidmon_inventory **out);
/**
 * @brief Decode a captured tool output (smartctl, nvme-cli, storcli, ssacli, arcconf, sas*ircu,
 * mdadm, /proc/mdstat, ...; what `raidmon decode` reads) from a file.
 * @param[in] format a name of raidmon_decode_format(), or NULL / "auto" to detect
 * @param[out] out an inventory with the capture's controllers, enclosures, drives and arrays (no host)
 * @return 0; RAIDMON_E_NOT_FOUND / RAIDMON_E_IO / RAIDMON_E_PERMISSION if the file cannot be read;
 *         RAIDMON_E_PARSE naming the file and the line; RAIDMON_E_INVALID_ARGUMENT for an unknown format.
 */
RAIDMON_C_API int raidmon_decode_file(raidmon_context *ctx, const char *path, const char *format,
                                      raidmon_inventory **out);
/** @brief raidmon_decode_file() over `len` bytes in memory (any bytes: they are untrusted input). */
RAIDMON_C_API int raidmon_decode_buffer(raidmon_context *ctx, const void *data, size_t len, const char *format,
                                        raidmon_inventory **out);
/** @brief How many capture formats raidmon_decode_*() know. */
RAIDMON_C_API size_t raidmon_decode_format_count(void);
/** @brief The i-th format name ("mdstat", "smartctl-json", ...), NULL past the end. Static storage. */
RAIDMON_C_API const char *raidmon_decode_format(size_t i);

RAIDMON_C_API raidmon_inventory *raidmon_inventory_ref(raidmon_inventory *inv);
RAIDMON_C_API raidmon_inventory *raidmon_inventory_unref(raidmon_inventory *inv);
/**
 * @brief The whole inventory as JSON: exactly what `raidmon status --json` prints for a scan
 * (without the final newline), what `raidmon decode --json` prints for a decoded capture.
 * @return a string to free with raidmon_free(), or NULL when out of memory.
 */
RAIDMON_C_API char *raidmon_inventory_to_json(const raidmon_inventory *inv);
/** @brief The decoder that was used ("mdstat", ...), NULL for a scan. */
RAIDMON_C_API const char *raidmon_inventory_format(const raidmon_inventory *inv);
/** @brief The worst verdict over everything (RAIDMON_HEALTH_UNKNOWN for a decoded capture). */
RAIDMON_C_API enum raidmon_health raidmon_inventory_health(const raidmon_inventory *inv);
/** @brief Why the overall health is what it is: count and the i-th sentence (NULL past the end). */
RAIDMON_C_API size_t raidmon_inventory_reason_count(const raidmon_inventory *inv);
RAIDMON_C_API const char *raidmon_inventory_reason(const raidmon_inventory *inv, size_t i);
/** @brief Things skipped or inconsistent during the scan or decode, for a person. */
RAIDMON_C_API size_t raidmon_inventory_note_count(const raidmon_inventory *inv);
RAIDMON_C_API const char *raidmon_inventory_note(const raidmon_inventory *inv, size_t i);

/* host identity (NULL when unknown: placeholders like "To Be Filled By O.E.M." are unknown) */
RAIDMON_C_API const char *raidmon_inventory_hostname(const raidmon_inventory *inv);
RAIDMON_C_API const char *raidmon_inventory_machine_id(const raidmon_inventory *inv);
/**
 * @brief A DMI field by its JSON name: "sys_vendor", "product_name", "product_serial",
 * "board_serial", "chassis_asset_tag", "uuid"; NULL when unknown or for another name.
 */
RAIDMON_C_API const char *raidmon_inventory_dmi(const raidmon_inventory *inv, const char *field);

RAIDMON_C_API size_t raidmon_inventory_drive_count(const raidmon_inventory *inv);
/** @brief The i-th drive, NULL past the end. Borrowed from inv. */
RAIDMON_C_API const raidmon_drive *raidmon_inventory_drive(const raidmon_inventory *inv, size_t i);
/**
 * @brief Find a drive by id, devnode, kernel name, serial or WWN.
 * @return 0; RAIDMON_E_NOT_FOUND if nothing matches, RAIDMON_E_INVALID_ARGUMENT if several do
 *         (message in ctx, which may be NULL).
 */
RAIDMON_C_API int raidmon_inventory_find_drive(raidmon_context *ctx, const raidmon_inventory *inv, const char *spec,
                                               const raidmon_drive **out);
RAIDMON_C_API size_t raidmon_inventory_array_count(const raidmon_inventory *inv);
RAIDMON_C_API const raidmon_array *raidmon_inventory_array(const raidmon_inventory *inv, size_t i);
/** @brief Find an array by name ("md0", "/dev/md0", "VD 1"), id or UUID. Errors as raidmon_inventory_find_drive(). */
RAIDMON_C_API int raidmon_inventory_find_array(raidmon_context *ctx, const raidmon_inventory *inv, const char *spec,
                                               const raidmon_array **out);
RAIDMON_C_API size_t raidmon_inventory_controller_count(const raidmon_inventory *inv);
RAIDMON_C_API const raidmon_controller *raidmon_inventory_controller(const raidmon_inventory *inv, size_t i);
RAIDMON_C_API size_t raidmon_inventory_enclosure_count(const raidmon_inventory *inv);
RAIDMON_C_API const raidmon_enclosure *raidmon_inventory_enclosure(const raidmon_inventory *inv, size_t i);

/* ---- drives ------------------------------------------------------------------------------ */

/** @brief Stable identity: "wwn-0x..." else "MODEL_SERIAL" (never NULL). */
RAIDMON_C_API const char *raidmon_drive_id(const raidmon_drive *drive);
RAIDMON_C_API const char *raidmon_drive_serial(const raidmon_drive *drive);
RAIDMON_C_API const char *raidmon_drive_model(const raidmon_drive *drive);
RAIDMON_C_API const char *raidmon_drive_vendor(const raidmon_drive *drive);
RAIDMON_C_API const char *raidmon_drive_firmware(const raidmon_drive *drive);
RAIDMON_C_API const char *raidmon_drive_wwn(const raidmon_drive *drive);
/** @brief "/dev/sdc" (NULL for a drive seen only through a controller's tool). */
RAIDMON_C_API const char *raidmon_drive_devnode(const raidmon_drive *drive);
/** @brief "sdc", "nvme0n1": informational, replacements reuse kernel names. */
RAIDMON_C_API const char *raidmon_drive_kernel_name(const raidmon_drive *drive);
/** @brief "SATA", "SAS", "NVMe", "SCSI", "USB", "virtio" or "unknown". */
RAIDMON_C_API const char *raidmon_drive_protocol(const raidmon_drive *drive);
/** @brief "HDD" or "SSD"; NULL when unknown. */
RAIDMON_C_API const char *raidmon_drive_media(const raidmon_drive *drive);
/** @brief Bytes, -1 when unknown. */
RAIDMON_C_API int64_t raidmon_drive_capacity_bytes(const raidmon_drive *drive);
/** @brief online, failed, missing, rebuilding, spare, unconfigured, offline, jbod; NULL when unknown. */
RAIDMON_C_API const char *raidmon_drive_state(const raidmon_drive *drive);
RAIDMON_C_API enum raidmon_health raidmon_drive_health(const raidmon_drive *drive);
/** @brief 1 the drive predicts its failure, 0 it does not, -1 unknown. */
RAIDMON_C_API int raidmon_drive_failure_predicted(const raidmon_drive *drive);
/** @brief The bay's slot index within its enclosure, -1 when unknown. */
RAIDMON_C_API int raidmon_drive_slot(const raidmon_drive *drive);
/** @brief The bay's label as printed on the chassis ("Slot03"), NULL when unknown. */
RAIDMON_C_API const char *raidmon_drive_slot_label(const raidmon_drive *drive);
/** @brief The enclosure's id ("0x5003048017b0f07f", "pcie"), NULL when the drive is in no known bay. */
RAIDMON_C_API const char *raidmon_drive_enclosure(const raidmon_drive *drive);
/** @brief The controller's id (PCI address or "megaraid:c0"), NULL when unknown. */
RAIDMON_C_API const char *raidmon_drive_controller(const raidmon_drive *drive);
/** @brief "md-member", "lvm-pv", "filesystem", "partitioned", "unused", "hw-raid-member"; NULL when unknown. */
RAIDMON_C_API const char *raidmon_drive_role(const raidmon_drive *drive);
/** @brief SMART temperature in °C into `*celsius`. @return 0, or RAIDMON_E_NOT_FOUND when unknown. */
RAIDMON_C_API int raidmon_drive_temperature(const raidmon_drive *drive, int *celsius);
/** @brief SMART power-on hours, -1 when unknown. */
RAIDMON_C_API int64_t raidmon_drive_power_on_hours(const raidmon_drive *drive);
/** @brief Why the health is what it is. */
RAIDMON_C_API size_t raidmon_drive_reason_count(const raidmon_drive *drive);
RAIDMON_C_API const char *raidmon_drive_reason(const raidmon_drive *drive, size_t i);
/** @brief The drive as JSON (as in `raidmon status --json`). Free with raidmon_free(); NULL on no memory. */
RAIDMON_C_API char *raidmon_drive_to_json(const raidmon_drive *drive);

/* ---- arrays ------------------------------------------------------------------------------ */

/** @brief "md-<uuid>" for md, a controller-scoped id for hardware arrays (never NULL). */
RAIDMON_C_API const char *raidmon_array_id(const raidmon_array *array);
/** @brief "md0", "VD 1" (never NULL). */
RAIDMON_C_API const char *raidmon_array_name(const raidmon_array *array);
/** @brief md, megaraid, smartarray, adaptec, mpt-ir (never NULL). */
RAIDMON_C_API const char *raidmon_array_kind(const raidmon_array *array);
/** @brief raid0 ... raid60, linear, container; NULL when unknown. */
RAIDMON_C_API const char *raidmon_array_level(const raidmon_array *array);
/** @brief optimal, degraded, rebuilding, failed, inactive, resyncing, checking, reshaping (never NULL). */
RAIDMON_C_API const char *raidmon_array_state(const raidmon_array *array);
RAIDMON_C_API enum raidmon_health raidmon_array_health(const raidmon_array *array);
/** @brief Bytes, -1 when unknown. */
RAIDMON_C_API int64_t raidmon_array_size_bytes(const raidmon_array *array);
/** @brief Member slots of the array (failed ones included), -1 when unknown. */
RAIDMON_C_API int raidmon_array_raid_disks(const raidmon_array *array);
/** @brief Members in sync, -1 when unknown. */
RAIDMON_C_API int raidmon_array_active_disks(const raidmon_array *array);
/** @brief Further failures the array can take into `*left` (-1: data already lost). @return 0, or RAIDMON_E_NOT_FOUND when unknown. */
RAIDMON_C_API int raidmon_array_redundancy_left(const raidmon_array *array, int *left);
/** @brief The running operation: recovery, resync, check, repair, reshape, rebuild, build-verify; NULL if none. */
RAIDMON_C_API const char *raidmon_array_operation(const raidmon_array *array);
/** @brief Its progress in percent, NAN when there is none or it is unknown. */
RAIDMON_C_API double raidmon_array_operation_percent(const raidmon_array *array);
/** @brief Seconds until it finishes, -1 when unknown. */
RAIDMON_C_API int64_t raidmon_array_operation_eta_seconds(const raidmon_array *array);
RAIDMON_C_API size_t raidmon_array_member_count(const raidmon_array *array);
/** @brief The i-th member's drive id (NULL for a missing member, or past the end). */
RAIDMON_C_API const char *raidmon_array_member_drive(const raidmon_array *array, size_t i);
/** @brief The i-th member's kernel device ("sda1"), NULL when unknown. */
RAIDMON_C_API const char *raidmon_array_member_device(const raidmon_array *array, size_t i);
/** @brief active, spare, faulty, missing, rebuilding, replacement; NULL past the end. */
RAIDMON_C_API const char *raidmon_array_member_role(const raidmon_array *array, size_t i);
/** @brief The i-th member's position in the array, -1 for spares and when unknown. */
RAIDMON_C_API int raidmon_array_member_slot(const raidmon_array *array, size_t i);
RAIDMON_C_API size_t raidmon_array_reason_count(const raidmon_array *array);
RAIDMON_C_API const char *raidmon_array_reason(const raidmon_array *array, size_t i);
/** @brief The array as JSON. Free with raidmon_free(); NULL on no memory. */
RAIDMON_C_API char *raidmon_array_to_json(const raidmon_array *array);

/* ---- controllers ------------------------------------------------------------------------- */

RAIDMON_C_API const char *raidmon_controller_id(const raidmon_controller *controller);
/** @brief ahci, sas-hba, megaraid, smartarray, adaptec, mpt-ir, nvme, virtio, scsi, ide, raid, other. */
RAIDMON_C_API const char *raidmon_controller_kind(const raidmon_controller *controller);
RAIDMON_C_API const char *raidmon_controller_model(const raidmon_controller *controller);
RAIDMON_C_API const char *raidmon_controller_vendor(const raidmon_controller *controller);
RAIDMON_C_API const char *raidmon_controller_firmware(const raidmon_controller *controller);
RAIDMON_C_API const char *raidmon_controller_driver(const raidmon_controller *controller);
RAIDMON_C_API const char *raidmon_controller_pci_address(const raidmon_controller *controller);
/** @brief The controller's own status word, NULL when not reported. */
RAIDMON_C_API const char *raidmon_controller_status(const raidmon_controller *controller);
RAIDMON_C_API enum raidmon_health raidmon_controller_health(const raidmon_controller *controller);

/* ---- enclosures and slots ---------------------------------------------------------------- */

/** @brief SES logical id or SCSI address, "pcie" for the PCIe hot-plug slots. */
RAIDMON_C_API const char *raidmon_enclosure_id(const raidmon_enclosure *enclosure);
/** @brief ses, ses-sg, pcie-slots. */
RAIDMON_C_API const char *raidmon_enclosure_kind(const raidmon_enclosure *enclosure);
RAIDMON_C_API const char *raidmon_enclosure_vendor(const raidmon_enclosure *enclosure);
RAIDMON_C_API const char *raidmon_enclosure_product(const raidmon_enclosure *enclosure);
RAIDMON_C_API enum raidmon_health raidmon_enclosure_health(const raidmon_enclosure *enclosure);
RAIDMON_C_API size_t raidmon_enclosure_slot_count(const raidmon_enclosure *enclosure);
RAIDMON_C_API const raidmon_slot *raidmon_enclosure_slot(const raidmon_enclosure *enclosure, size_t i);
/** @brief The slot's index within its enclosure. */
RAIDMON_C_API int raidmon_slot_index(const raidmon_slot *slot);
RAIDMON_C_API const char *raidmon_slot_label(const raidmon_slot *slot);
/** @brief SES element status ("OK", "not installed", "Critical", ...) or "occupied"/"empty". */
RAIDMON_C_API const char *raidmon_slot_status(const raidmon_slot *slot);
/** @brief The id of the drive in the bay, NULL when empty or unknown. */
RAIDMON_C_API const char *raidmon_slot_drive(const raidmon_slot *slot);
/** @brief The kernel name of the drive in the bay ("sdc"). */
RAIDMON_C_API const char *raidmon_slot_device(const raidmon_slot *slot);
/** @brief 1 on, 0 off, -1 unknown. */
RAIDMON_C_API int raidmon_slot_locate(const raidmon_slot *slot);
/** @brief 1 on, 0 off, -1 unknown. */
RAIDMON_C_API int raidmon_slot_fault(const raidmon_slot *slot);

/* ---- settings of predict and plan -------------------------------------------------------- */

/** @brief An empty set of settings. @return NULL when out of memory. */
RAIDMON_C_API raidmon_params *raidmon_params_new(void);
RAIDMON_C_API raidmon_params *raidmon_params_ref(raidmon_params *params);
RAIDMON_C_API raidmon_params *raidmon_params_unref(raidmon_params *params);
/**
 * @brief Set a setting by the name of `raidmon predict`'s / `raidmon plan`'s flag without the
 * dashes ("level", "drives", "capacity", "ure", "assume-failed", ...; '_' may stand for '-'), its
 * value as typed there ("raid6", "12", "16TB", "1e-14"). "multiplier" and "smart" may be given
 * several times. Values are checked by the call that uses them, with messages naming the flag.
 * @return 0; RAIDMON_E_INVALID_ARGUMENT for NULLs; RAIDMON_E_NO_MEMORY.
 */
RAIDMON_C_API int raidmon_params_set(raidmon_params *params, const char *key, const char *value);

/* ---- rebuild model: predict (offline) and plan (a live array) ---------------------------- */

/**
 * @brief The rebuild model offline (`raidmon predict`): needs "level", "drives", "capacity".
 * @return 0; RAIDMON_E_INVALID_ARGUMENT naming the flag for a missing, unknown or bad setting;
 *         RAIDMON_E_NOT_FOUND for a "smart" FILE that cannot be opened; RAIDMON_E_UNSUPPORTED.
 */
RAIDMON_C_API int raidmon_predict(raidmon_context *ctx, const raidmon_params *params, raidmon_prediction **out);
/**
 * @brief Rebuild feasibility of a live array (`raidmon plan ARRAY`).
 * @param[in] inv a scan (or a decoded capture); NULL: scan the host now
 * @param[in] array its name, id or UUID
 * @param[in] params "assume-failed" and the model settings; NULL for none
 * @return 0; RAIDMON_E_NOT_FOUND for an unknown array or drive; RAIDMON_E_INVALID_ARGUMENT for a bad
 *         setting or an ambiguous name; the errors of raidmon_scan().
 */
RAIDMON_C_API int raidmon_plan(raidmon_context *ctx, raidmon_inventory *inv, const char *array,
                               const raidmon_params *params, raidmon_prediction **out);
RAIDMON_C_API raidmon_prediction *raidmon_prediction_ref(raidmon_prediction *p);
RAIDMON_C_API raidmon_prediction *raidmon_prediction_unref(raidmon_prediction *p);
/** @brief P(at least one unreadable sector while the surviving members are read), in [0, 1]. */
RAIDMON_C_API double raidmon_prediction_p_ure(const raidmon_prediction *p);
/** @brief P(more whole-drive failures than the redundancy left, within the window). */
RAIDMON_C_API double raidmon_prediction_p_array_loss(const raidmon_prediction *p);
/** @brief P(the array survives but some stripes are unreadable, or the rebuild aborts). */
RAIDMON_C_API double raidmon_prediction_p_sector_loss(const raidmon_prediction *p);
/** @brief 1 - p_array_loss - p_sector_loss. */
RAIDMON_C_API double raidmon_prediction_p_clean(const raidmon_prediction *p);
/** @brief Replacement delay plus rebuild time, hours. */
RAIDMON_C_API double raidmon_prediction_window_hours(const raidmon_prediction *p);
RAIDMON_C_API enum raidmon_recommendation raidmon_prediction_recommendation(const raidmon_prediction *p);
/** @brief "not_degraded", "rebuild_now", "backup_first", "replace_risky_member_first", "do_not_pull". */
RAIDMON_C_API const char *raidmon_prediction_recommendation_name(const raidmon_prediction *p);
RAIDMON_C_API size_t raidmon_prediction_reason_count(const raidmon_prediction *p);
RAIDMON_C_API const char *raidmon_prediction_reason(const raidmon_prediction *p, size_t i);
/** @brief Warnings about what was assumed instead of read (plan), e.g. md's default speed limits. */
RAIDMON_C_API size_t raidmon_prediction_warning_count(const raidmon_prediction *p);
RAIDMON_C_API const char *raidmon_prediction_warning(const raidmon_prediction *p, size_t i);
/** @brief What `raidmon predict --json` / `raidmon plan --json` print. Free with raidmon_free(). */
RAIDMON_C_API char *raidmon_prediction_to_json(const raidmon_prediction *p);

/* ---- safe to remove ---------------------------------------------------------------------- */

/**
 * @brief Would pulling this drive (or the drive in this slot) now lose data or redundancy?
 * @param[in] inv a scan; NULL: scan the host now
 * @param[in] target a drive (devnode, kernel name, serial, WWN, id) or a slot ("ENCLOSURE:INDEX", a label)
 * @return 0; RAIDMON_E_NOT_FOUND if nothing matches; RAIDMON_E_INVALID_ARGUMENT if several do; the
 *         errors of raidmon_scan().
 */
RAIDMON_C_API int raidmon_safe_to_remove(raidmon_context *ctx, raidmon_inventory *inv, const char *target,
                                         raidmon_removal **out);
RAIDMON_C_API raidmon_removal *raidmon_removal_ref(raidmon_removal *r);
RAIDMON_C_API raidmon_removal *raidmon_removal_unref(raidmon_removal *r);
RAIDMON_C_API enum raidmon_removal_verdict raidmon_removal_get_verdict(const raidmon_removal *r);
/** @brief "safe", "interrupts_rebuild", "reduces_redundancy", "loses_last_redundancy", "loses_data", "unknown". */
RAIDMON_C_API const char *raidmon_removal_verdict_name(const raidmon_removal *r);
/** @brief 0 safe; 1 redundancy reduced or lost, rebuild interrupted; 2 loses data; 3 unknown. */
RAIDMON_C_API int raidmon_removal_exit_code(const raidmon_removal *r);
RAIDMON_C_API size_t raidmon_removal_reason_count(const raidmon_removal *r);
RAIDMON_C_API const char *raidmon_removal_reason(const raidmon_removal *r, size_t i);
/** @brief What `raidmon safe-to-remove --json` prints. Free with raidmon_free(). */
RAIDMON_C_API char *raidmon_removal_to_json(const raidmon_removal *r);

/* ---- slot lights ------------------------------------------------------------------------- */

/**
 * @brief Light a bay (`raidmon locate WHAT on|off`): expires old leases, scans, remembers every
 * drive's bay in the state directory, finds the bay of `what` (also of a drive that has vanished),
 * sets the light, reads it back and records a lease.
 * @param[in] what a drive (devnode, kernel name, serial, WWN, id) or a bay ("ENCLOSURE:SLOT", a label)
 * @param[in] pattern RAIDMON_LED_OFF turns the bay's lights off
 * @param[in] duration_seconds how long it stays on; 0: locate 30 minutes, fault/rebuild until turned off
 * @param[in] flags RAIDMON_LOCATE_FORCE or 0
 * @param[out] out what was done (may be NULL)
 * @return 0; RAIDMON_E_NOT_FOUND / RAIDMON_E_INVALID_ARGUMENT (ambiguous) for `what`;
 *         RAIDMON_E_UNSUPPORTED if no backend reaches the bay; RAIDMON_E_IO, RAIDMON_E_PERMISSION,
 *         RAIDMON_E_COMMAND_FAILED naming the file or command when the light does not stick.
 */
RAIDMON_C_API int raidmon_locate(raidmon_context *ctx, const char *what, enum raidmon_led_pattern pattern,
                                 uint32_t duration_seconds, unsigned flags, raidmon_led_change **out);
RAIDMON_C_API raidmon_led_change *raidmon_led_change_ref(raidmon_led_change *c);
RAIDMON_C_API raidmon_led_change *raidmon_led_change_unref(raidmon_led_change *c);
RAIDMON_C_API const char *raidmon_led_change_enclosure(const raidmon_led_change *c);
RAIDMON_C_API int raidmon_led_change_slot(const raidmon_led_change *c);
RAIDMON_C_API const char *raidmon_led_change_label(const raidmon_led_change *c);
/** @brief "ses-sysfs", "ses-sg", "led-class", "pcie-attention", "controller", "ledctl". */
RAIDMON_C_API const char *raidmon_led_change_backend(const raidmon_led_change *c);
/** @brief 1 read back as written, 0 not verifiable (ledctl). */
RAIDMON_C_API int raidmon_led_change_verified(const raidmon_led_change *c);
/** @brief When the lease ends, (time_t)-1 when it does not. */
RAIDMON_C_API time_t raidmon_led_change_expires_at(const raidmon_led_change *c);
/** @brief Lights left on because raidmon does not own them. */
RAIDMON_C_API size_t raidmon_led_change_conflict_count(const raidmon_led_change *c);
RAIDMON_C_API const char *raidmon_led_change_conflict(const raidmon_led_change *c, size_t i);
/** @brief What `raidmon locate --json` prints. Free with raidmon_free(). */
RAIDMON_C_API char *raidmon_led_change_to_json(const raidmon_led_change *c);

/* ---- SMART of one drive ----------------------------------------------------------------- */

/**
 * @brief Read one drive's SMART now (`raidmon smart DRIVE`): scans the host, finds the drive,
 * reads its SMART (native ioctls or smartctl) and assesses it: health, failure risk, reasons.
 * With raidmon_context_set_no_device_io() only smartctl is used.
 * @param[in] drive a device node, kernel name, serial, WWN or drive id
 * @param[in] via "native", "smartctl" or "auto"; NULL: "auto"
 * @param[in] device_type smartctl's -d TYPE ("sat", "megaraid,N", ...); NULL: chosen from the drive
 * @param[in] timeout_seconds time limit for smartctl; 0: 60 s; at most a day
 * @param[out] out the report
 * @return 0; RAIDMON_E_NOT_FOUND for a drive that matches nothing; RAIDMON_E_INVALID_ARGUMENT for a
 *         bad `via`, an ambiguous drive or a timeout over a day; RAIDMON_E_UNSUPPORTED,
 *         RAIDMON_E_PERMISSION, RAIDMON_E_COMMAND_FAILED, RAIDMON_E_COMMAND_TIMEOUT, RAIDMON_E_PARSE
 *         when the drive's SMART cannot be read; RAIDMON_E_REFUSED by the device-node checks.
 */
RAIDMON_C_API int raidmon_smart(raidmon_context *ctx, const char *drive, const char *via, const char *device_type,
                                uint32_t timeout_seconds, raidmon_smart_report **out);
RAIDMON_C_API raidmon_smart_report *raidmon_smart_report_ref(raidmon_smart_report *r);
RAIDMON_C_API raidmon_smart_report *raidmon_smart_report_unref(raidmon_smart_report *r);
/**
 * @brief The drive with its SMART read and assessed: every raidmon_drive_...() getter applies
 * (raidmon_drive_health(), _temperature(), _power_on_hours(), _failure_predicted(), _reason()).
 * Borrowed from the report.
 */
RAIDMON_C_API const raidmon_drive *raidmon_smart_report_drive(const raidmon_smart_report *r);
/** @brief What `raidmon smart DRIVE --json` prints (without the final newline). Free with raidmon_free(). */
RAIDMON_C_API char *raidmon_smart_report_to_json(const raidmon_smart_report *r);

/* ---- the server's identify light --------------------------------------------------------- */

/**
 * @brief The server's own identify light (`raidmon identify on|off`): expires old leases, then
 * asks the BMC (ipmitool chassis identify, or /dev/ipmi0) and reads the state back.
 * @param[in] on non-zero: on; 0: off
 * @param[in] duration_seconds how long it stays on; 0: 30 minutes; at most 31 days
 * @param[out] out what was done (may be NULL)
 * @return 0; RAIDMON_E_NOT_FOUND if neither ipmitool nor /dev/ipmi0 is there;
 *         RAIDMON_E_COMMAND_FAILED naming the command when it fails or reads back wrong;
 *         RAIDMON_E_COMMAND_TIMEOUT; RAIDMON_E_REFUSED by the device-node checks;
 *         RAIDMON_E_INVALID_ARGUMENT for a duration over 31 days.
 */
RAIDMON_C_API int raidmon_identify(raidmon_context *ctx, int on, uint32_t duration_seconds, raidmon_identify_result **out);
RAIDMON_C_API raidmon_identify_result *raidmon_identify_result_ref(raidmon_identify_result *r);
RAIDMON_C_API raidmon_identify_result *raidmon_identify_result_unref(raidmon_identify_result *r);
/** @brief 1 if the light was turned on, 0 off. */
RAIDMON_C_API int raidmon_identify_result_on(const raidmon_identify_result *r);
/** @brief Notes on what was done ("not verified", ...): the JSON's "notes". */
RAIDMON_C_API size_t raidmon_identify_result_note_count(const raidmon_identify_result *r);
RAIDMON_C_API const char *raidmon_identify_result_note(const raidmon_identify_result *r, size_t i);
/** @brief Old light leases that could not be expired first (`raidmon` prints them on stderr). */
RAIDMON_C_API size_t raidmon_identify_result_warning_count(const raidmon_identify_result *r);
RAIDMON_C_API const char *raidmon_identify_result_warning(const raidmon_identify_result *r, size_t i);
/** @brief What `raidmon identify on|off --json` prints. Free with raidmon_free(). */
RAIDMON_C_API char *raidmon_identify_result_to_json(const raidmon_identify_result *r);

/* ---- hot-swap incidents (raidmond's guided replacement, docs/hotswap.md) ------------------ */

/**
 * @brief The agent's hot-swap incidents (`raidmon hotswap --list`), open and recently closed.
 * @param[in] socket the control socket; NULL: STATE_DIR/raidmond.sock of the context
 * @return 0; RAIDMON_E_IO if the agent does not answer; RAIDMON_E_PERMISSION if it refuses this
 *         user; RAIDMON_E_COMMAND_FAILED with the agent's message (the assistant is off).
 */
RAIDMON_C_API int raidmon_hotswap_list(raidmon_context *ctx, const char *socket, raidmon_incidents **out);
RAIDMON_C_API raidmon_incidents *raidmon_incidents_ref(raidmon_incidents *list);
RAIDMON_C_API raidmon_incidents *raidmon_incidents_unref(raidmon_incidents *list);
RAIDMON_C_API size_t raidmon_incidents_count(const raidmon_incidents *list);
/** @brief The i-th incident, NULL past the end. Borrowed from the list. */
RAIDMON_C_API const raidmon_incident *raidmon_incidents_get(const raidmon_incidents *list, size_t i);
/** @brief What `raidmon hotswap --list --json` prints. Free with raidmon_free(). */
RAIDMON_C_API char *raidmon_incidents_to_json(const raidmon_incidents *list);

/** @brief The incident's UUID (never NULL). */
RAIDMON_C_API const char *raidmon_incident_id(const raidmon_incident *i);
/** @brief "locating", "awaiting_removal", "awaiting_insertion", "verified", "rebuilding", "completed", "failed", "cancelled", ... */
RAIDMON_C_API const char *raidmon_incident_state(const raidmon_incident *i);
/** @brief 1 for completed, failed and cancelled; 0 while open. */
RAIDMON_C_API int raidmon_incident_closed(const raidmon_incident *i);
/** @brief "drive_failed", "failure_predicted", "wrong_drive_removed", "unexpected_removal", "operator_request". */
RAIDMON_C_API const char *raidmon_incident_cause(const raidmon_incident *i);
/** @brief The drive to take out (or to put back): its Drive id (never NULL) and serial. */
RAIDMON_C_API const char *raidmon_incident_drive_id(const raidmon_incident *i);
RAIDMON_C_API const char *raidmon_incident_drive_serial(const raidmon_incident *i);
RAIDMON_C_API const char *raidmon_incident_array_name(const raidmon_incident *i);
/** @brief The bay: enclosure id, slot index (-1 when unknown) and printed label. */
RAIDMON_C_API const char *raidmon_incident_enclosure(const raidmon_incident *i);
RAIDMON_C_API int raidmon_incident_slot(const raidmon_incident *i);
RAIDMON_C_API const char *raidmon_incident_slot_label(const raidmon_incident *i);
/** @brief 1 when a verified replacement waits for raidmon_hotswap_confirm(). */
RAIDMON_C_API int raidmon_incident_awaiting_confirmation(const raidmon_incident *i);
/** @brief Why it failed, NULL unless failed. */
RAIDMON_C_API const char *raidmon_incident_failure_reason(const raidmon_incident *i);
/** @brief Verification results and observations, one sentence each. */
RAIDMON_C_API size_t raidmon_incident_finding_count(const raidmon_incident *i);
RAIDMON_C_API const char *raidmon_incident_finding(const raidmon_incident *i, size_t n);
/** @brief The incident as JSON (as in the agent's state file). Free with raidmon_free(). */
RAIDMON_C_API char *raidmon_incident_to_json(const raidmon_incident *i);

/**
 * @brief The work order for replacing a drive (`raidmon hotswap DRIVE --no-follow`): the agent's
 * open incident for it, opened now if there is none. Without a reachable agent, the work order
 * computed from a scan of the context's host (raidmon_work_order_from_agent() is then 0: nothing
 * will follow the replacement).
 * @param[in] socket as raidmon_hotswap_list()
 * @param[in] drive a device node, kernel name, serial, WWN or drive id
 * @return 0; RAIDMON_E_NOT_FOUND for a drive that matches nothing; RAIDMON_E_INVALID_ARGUMENT when
 *         it is ambiguous or an incident cannot be opened for it; RAIDMON_E_PERMISSION,
 *         RAIDMON_E_COMMAND_FAILED from the agent; the errors of raidmon_scan() without one.
 */
RAIDMON_C_API int raidmon_hotswap_work_order(raidmon_context *ctx, const char *socket, const char *drive,
                                             raidmon_work_order **out);
/**
 * @brief Add the verified replacement now (`raidmon hotswap WHAT --confirm`, policy add = "confirm").
 * @param[in] what the incident's id (or its first 8 characters), or its drive's id, serial or kernel name
 * @param[out] out the work order afterwards (may be NULL)
 * @return 0; RAIDMON_E_NOT_FOUND when no open incident matches; RAIDMON_E_IO if the agent does not
 *         answer; RAIDMON_E_COMMAND_FAILED with the agent's message (e.g. nothing awaits confirmation).
 */
RAIDMON_C_API int raidmon_hotswap_confirm(raidmon_context *ctx, const char *socket, const char *what,
                                          raidmon_work_order **out);
/**
 * @brief Cancel an open incident (`raidmon hotswap WHAT --cancel --reason REASON`): the bay light goes off.
 * @param[in] reason recorded in the incident; NULL: "cancelled by an operator"
 * @return as raidmon_hotswap_confirm(); RAIDMON_E_INVALID_ARGUMENT for a reason with control characters.
 */
RAIDMON_C_API int raidmon_hotswap_cancel(raidmon_context *ctx, const char *socket, const char *what, const char *reason,
                                         raidmon_work_order **out);
RAIDMON_C_API raidmon_work_order *raidmon_work_order_ref(raidmon_work_order *wo);
RAIDMON_C_API raidmon_work_order *raidmon_work_order_unref(raidmon_work_order *wo);
/** @brief Its incident. Borrowed from the work order. NULL for a work order computed from a scan
 *  (raidmon_work_order_from_agent() 0) of an incident raidmond never recorded: it has no id. */
RAIDMON_C_API const raidmon_incident *raidmon_work_order_incident(const raidmon_work_order *wo);
/** @brief 1 from raidmond; 0 computed from a scan (no agent). */
RAIDMON_C_API int raidmon_work_order_from_agent(const raidmon_work_order *wo);
/** @brief For the technician: plain text, lines of at most 80 columns, terminal-safe. */
RAIDMON_C_API const char *raidmon_work_order_text(const raidmon_work_order *wo);
/** @brief The bays with the target marked, a standalone SVG document (what `--svg FILE` writes). */
RAIDMON_C_API const char *raidmon_work_order_svg(const raidmon_work_order *wo);
/** @brief What `raidmon hotswap DRIVE --json --no-follow` prints. Free with raidmon_free(). */
RAIDMON_C_API char *raidmon_work_order_to_json(const raidmon_work_order *wo);

/* ---- the agent's events (raidmond's control socket) ------------------------------------- */

/**
 * @brief Events the agent has stored (`raidmon events --since`).
 * @param[in] socket the control socket; NULL: STATE_DIR/raidmond.sock of the context
 * @param[in] since a sequence number ("42"), a time ("2026-11-25T02:20:00Z"), an age ("10m"); NULL: all
 * @return 0; RAIDMON_E_INVALID_ARGUMENT for a bad `since`; RAIDMON_E_IO if the agent does not answer.
 */
RAIDMON_C_API int raidmon_events_query(raidmon_context *ctx, const char *socket, const char *since,
                                       raidmon_events **out);
RAIDMON_C_API raidmon_events *raidmon_events_ref(raidmon_events *ev);
RAIDMON_C_API raidmon_events *raidmon_events_unref(raidmon_events *ev);
RAIDMON_C_API size_t raidmon_events_count(const raidmon_events *ev);
/** @brief The i-th event: one CloudEvents 1.0 JSON line; NULL past the end. */
RAIDMON_C_API const char *raidmon_events_get(const raidmon_events *ev, size_t i);

/**
 * @brief Follow the agent's new events (`raidmon watch`) from an event loop: poll
 * raidmon_watch_get_fd() for POLLIN, then call raidmon_watch_next() until it says RAIDMON_E_AGAIN.
 * @param[in] socket as raidmon_events_query()
 * @return 0; RAIDMON_E_IO if the agent does not answer; RAIDMON_E_PERMISSION.
 */
RAIDMON_C_API int raidmon_watch_open(raidmon_context *ctx, const char *socket, raidmon_watch **out);
RAIDMON_C_API raidmon_watch *raidmon_watch_ref(raidmon_watch *w);
RAIDMON_C_API raidmon_watch *raidmon_watch_unref(raidmon_watch *w);
/** @brief The file descriptor to poll (owned by the watch). */
RAIDMON_C_API int raidmon_watch_get_fd(const raidmon_watch *w);
/**
 * @brief The next event without blocking.
 * @param[out] line one CloudEvents JSON line, to free with raidmon_free()
 * @return 0; RAIDMON_E_AGAIN when none has arrived yet; RAIDMON_E_IO when the agent closed the
 *         connection; RAIDMON_E_COMMAND_FAILED when it refused. The message is in the watch's context.
 */
RAIDMON_C_API int raidmon_watch_next(raidmon_watch *w, char **line);

#ifdef __cplusplus
}
#endif

#endif /* RAIDMON_RAIDMON_H */
