/* SPDX-License-Identifier: LGPL-2.1-or-later
 * Print every bay of this server with the drive in it, through the C API (<raidmon/raidmon.h>).
 *   example_bays_c [--root DIR] [--proc DIR] [--etc DIR] [--no-device-io]
 * Exit status: the monitoring-plugin code of the host's health (0 OK ... 3 unknown). */
#include <stdio.h>
#include <string.h>

#include <raidmon/raidmon.h>

static const char *or_dash(const char *s) { return s ? s : "-"; }

int main(int argc, char **argv) {
    raidmon_context *ctx = raidmon_context_new();
    raidmon_inventory *inv = NULL;
    size_t e, s;
    int i, r = 0;

    if (!ctx) {
        fputs("out of memory\n", stderr);
        return 3;
    }
    for (i = 1; i < argc && r == 0; i++) {
        if (strcmp(argv[i], "--no-device-io") == 0)
            r = raidmon_context_set_no_device_io(ctx, 1);
        else if (i + 1 < argc && strcmp(argv[i], "--root") == 0)
            r = raidmon_context_set_root(ctx, argv[++i]);
        else if (i + 1 < argc && strcmp(argv[i], "--proc") == 0)
            r = raidmon_context_set_proc(ctx, argv[++i]);
        else if (i + 1 < argc && strcmp(argv[i], "--etc") == 0)
            r = raidmon_context_set_etc(ctx, argv[++i]);
        else {
            fprintf(stderr, "usage: %s [--root DIR] [--proc DIR] [--etc DIR] [--no-device-io]\n", argv[0]);
            raidmon_context_unref(ctx);
            return 64;
        }
    }
    if (r == 0) r = raidmon_scan(ctx, &inv);
    if (r < 0) {
        fprintf(stderr, "raidmon: %s (%s)\n", raidmon_context_last_error(ctx), raidmon_status_name(r));
        raidmon_context_unref(ctx);
        return 3;
    }

    printf("%s  serial %s  health %s\n", or_dash(raidmon_inventory_hostname(inv)),
           or_dash(raidmon_inventory_dmi(inv, "product_serial")), raidmon_health_name(raidmon_inventory_health(inv)));
    for (e = 0; e < raidmon_inventory_enclosure_count(inv); e++) {
        const raidmon_enclosure *encl = raidmon_inventory_enclosure(inv, e);
        printf("enclosure %s  %s %s\n", raidmon_enclosure_id(encl), or_dash(raidmon_enclosure_vendor(encl)),
               or_dash(raidmon_enclosure_product(encl)));
        for (s = 0; s < raidmon_enclosure_slot_count(encl); s++) {
            const raidmon_slot *slot = raidmon_enclosure_slot(encl, s);
            const raidmon_drive *drive = NULL;
            const char *id = raidmon_slot_drive(slot);
            if (id) raidmon_inventory_find_drive(NULL, inv, id, &drive);
            printf("  bay %3d  %-10s %-8s", raidmon_slot_index(slot), or_dash(raidmon_slot_label(slot)),
                   raidmon_slot_fault(slot) == 1 ? "FAULT" : raidmon_slot_locate(slot) == 1 ? "LOCATE" : "");
            if (drive)
                printf("  %-8s %-24s %-20s %s\n", or_dash(raidmon_drive_kernel_name(drive)), or_dash(raidmon_drive_model(drive)),
                       or_dash(raidmon_drive_serial(drive)), raidmon_health_name(raidmon_drive_health(drive)));
            else
                printf("  (empty)\n");
        }
    }
    r = raidmon_health_exit_code(raidmon_inventory_health(inv));
    raidmon_inventory_unref(inv);
    raidmon_context_unref(ctx);
    return r;
}
