/* SPDX-License-Identifier: LGPL-2.1-or-later
 * The C API's smart, identify and hotswap calls as a small C99 program, so that the pytest suite
 * can compare what it prints with `raidmon ... --json` inside a testbed and against a running
 * raidmond (test_testbed.py, test_agent.py, test_commands.py).
 *
 *   c_commands smart PROC ETC DRIVE          raidmon_smart_report_to_json; exit = health's exit code
 *   c_commands identify STATE_DIR on|off     raidmon_identify_result_to_json
 *   c_commands hotswap-list SOCKET           raidmon_incidents_to_json, then "id state cause" lines on stderr
 *   c_commands hotswap-work-order SOCKET DRIVE   raidmon_work_order_to_json
 *   c_commands hotswap-cancel SOCKET WHAT REASON raidmon_work_order_to_json
 * On failure: "c_commands: STATUS: MESSAGE" on stderr, exit 3 (device I/O is always off).
 */
#include <stdio.h>
#include <string.h>

#include <raidmon/raidmon.h>

static int failed(raidmon_context *ctx, int r) {
    fprintf(stderr, "c_commands: %s: %s\n", raidmon_status_name(r), raidmon_context_last_error(ctx));
    raidmon_context_unref(ctx);
    return 3;
}

static int print_json(char *json) {
    if (!json) return 3;
    printf("%s\n", json);
    raidmon_free(json);
    return 0;
}

static int smart(raidmon_context *ctx, char **argv) {
    raidmon_smart_report *report = NULL;
    const raidmon_drive *d;
    int r, code, celsius = -1;
    if ((r = raidmon_context_set_proc(ctx, argv[0])) != 0 || (r = raidmon_context_set_etc(ctx, argv[1])) != 0 ||
        (r = raidmon_smart(ctx, argv[2], NULL, NULL, 0, &report)) != 0)
        return failed(ctx, r);
    d = raidmon_smart_report_drive(report);
    if (raidmon_drive_temperature(d, &celsius) != 0) celsius = -1;
    fprintf(stderr, "%s temperature %d power-on %lld h\n", raidmon_drive_id(d), celsius, (long long)raidmon_drive_power_on_hours(d));
    code = raidmon_health_exit_code(raidmon_drive_health(d));
    if (print_json(raidmon_smart_report_to_json(report))) code = 3;
    raidmon_smart_report_unref(report);
    raidmon_context_unref(ctx);
    return code;
}

static int identify(raidmon_context *ctx, char **argv) {
    raidmon_identify_result *res = NULL;
    int r;
    if ((r = raidmon_context_set_state_dir(ctx, argv[0])) != 0 ||
        (r = raidmon_identify(ctx, strcmp(argv[1], "on") == 0, 0, &res)) != 0)
        return failed(ctx, r);
    r = print_json(raidmon_identify_result_to_json(res));
    raidmon_identify_result_unref(res);
    raidmon_context_unref(ctx);
    return r;
}

static int hotswap_list(raidmon_context *ctx, char **argv) {
    raidmon_incidents *list = NULL;
    size_t i;
    int r;
    if ((r = raidmon_hotswap_list(ctx, argv[0], &list)) != 0) return failed(ctx, r);
    for (i = 0; i < raidmon_incidents_count(list); i++) {
        const raidmon_incident *inc = raidmon_incidents_get(list, i);
        fprintf(stderr, "%s %s %s %s %d\n", raidmon_incident_id(inc), raidmon_incident_state(inc), raidmon_incident_cause(inc),
                raidmon_incident_drive_id(inc), raidmon_incident_closed(inc));
    }
    r = print_json(raidmon_incidents_to_json(list));
    raidmon_incidents_unref(list);
    raidmon_context_unref(ctx);
    return r;
}

static int work_order(raidmon_context *ctx, int cancel, char **argv) {
    raidmon_work_order *wo = NULL;
    const raidmon_incident *inc;
    int r = cancel ? raidmon_hotswap_cancel(ctx, argv[0], argv[1], argv[2], &wo) : raidmon_hotswap_work_order(ctx, argv[0], argv[1], &wo);
    if (r != 0) return failed(ctx, r);
    inc = raidmon_work_order_incident(wo);
    fprintf(stderr, "%s %s agent=%d text=%zu svg=%zu\n", raidmon_incident_id(inc), raidmon_incident_state(inc),
            raidmon_work_order_from_agent(wo), strlen(raidmon_work_order_text(wo)), strlen(raidmon_work_order_svg(wo)));
    r = print_json(raidmon_work_order_to_json(wo));
    raidmon_work_order_unref(wo);
    raidmon_context_unref(ctx);
    return r;
}

int main(int argc, char **argv) {
    raidmon_context *ctx = raidmon_context_new();
    if (!ctx) return 3;
    raidmon_context_set_no_device_io(ctx, 1);
    if (argc == 5 && strcmp(argv[1], "smart") == 0) return smart(ctx, argv + 2);
    if (argc == 4 && strcmp(argv[1], "identify") == 0) return identify(ctx, argv + 2);
    if (argc == 3 && strcmp(argv[1], "hotswap-list") == 0) return hotswap_list(ctx, argv + 2);
    if (argc == 4 && strcmp(argv[1], "hotswap-work-order") == 0) return work_order(ctx, 0, argv + 2);
    if (argc == 5 && strcmp(argv[1], "hotswap-cancel") == 0) return work_order(ctx, 1, argv + 2);
    fprintf(stderr, "usage: c_commands smart PROC ETC DRIVE | identify STATE_DIR on|off | hotswap-list SOCKET |\n"
                    "       hotswap-work-order SOCKET DRIVE | hotswap-cancel SOCKET WHAT REASON\n");
    raidmon_context_unref(ctx);
    return 64;
}
