/* SPDX-License-Identifier: LGPL-2.1-or-later
 * A C program over the installed <raidmon/raidmon.h> (also compiled as C++, see run.sh): decode,
 * predict, errors, JSON, reference counting; the errors of smart, identify and hotswap. It reads no
 * host (no scan) and reaches no agent: it runs anywhere. tests/python/c_commands.c drives the same
 * calls against a testbed and a running raidmond. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <raidmon/raidmon.h>

static int failures = 0;

#define CHECK(cond)                                                                 \
    do {                                                                            \
        if (!(cond)) {                                                              \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                             \
        }                                                                           \
    } while (0)

static const char mdstat[] =
    "Personalities : [raid1]\n"
    "md0 : active raid1 sdb1[1] sda1[0](F)\n"
    "      976630336 blocks super 1.2 [2/1] [_U]\n"
    "\n"
    "unused devices: <none>\n";

int main(void) {
    raidmon_context *ctx = raidmon_context_new();
    raidmon_inventory *inv = NULL;
    raidmon_params *params = NULL;
    raidmon_prediction *p = NULL;
    const raidmon_array *md0 = NULL;
    char *json = NULL;
    int r;

    CHECK(ctx != NULL);
    CHECK(strcmp(raidmon_version(), "0") > 0);

    /* decode a capture from memory */
    r = raidmon_decode_buffer(ctx, mdstat, sizeof mdstat - 1, NULL, &inv);
    CHECK(r == RAIDMON_OK);
    if (r != RAIDMON_OK) {
        fprintf(stderr, "%s\n", raidmon_context_last_error(ctx));
        return 1;
    }
    CHECK(strcmp(raidmon_inventory_format(inv), "mdstat") == 0);
    CHECK(raidmon_inventory_array_count(inv) == 1);
    CHECK(raidmon_inventory_array(inv, 1) == NULL);
    CHECK(raidmon_inventory_find_array(ctx, inv, "md0", &md0) == RAIDMON_OK);
    CHECK(md0 == raidmon_inventory_array(inv, 0));
    CHECK(strcmp(raidmon_array_name(md0), "md0") == 0);
    CHECK(strcmp(raidmon_array_level(md0), "raid1") == 0);
    CHECK(strcmp(raidmon_array_state(md0), "degraded") == 0);
    /* sdb1 in sync, sda1 failed, and slot 0 without an in-sync member ("[_U]") */
    CHECK(raidmon_array_member_count(md0) == 3);
    CHECK(strcmp(raidmon_array_member_device(md0, 1), "sda1") == 0);
    CHECK(strcmp(raidmon_array_member_role(md0, 1), "faulty") == 0);
    CHECK(strcmp(raidmon_array_member_role(md0, 2), "missing") == 0);
    CHECK(raidmon_array_member_device(md0, 2) == NULL && raidmon_array_member_slot(md0, 2) == 0);
    CHECK(raidmon_array_member_drive(md0, 5) == NULL);
    CHECK(isnan(raidmon_array_operation_percent(md0)));
    CHECK(raidmon_inventory_hostname(inv) == NULL); /* a capture has no host: unknown, not "" */
    CHECK(raidmon_inventory_find_array(ctx, inv, "md7", &md0) == RAIDMON_E_NOT_FOUND);
    CHECK(strstr(raidmon_context_last_error(ctx), "md7") != NULL);
    json = raidmon_inventory_to_json(inv);
    CHECK(json != NULL && strstr(json, "\"format\": \"mdstat\"") != NULL);
    raidmon_free(json);
    CHECK(raidmon_inventory_ref(inv) == inv);
    CHECK(raidmon_inventory_unref(inv) == NULL);

    /* garbage is a parse error with a message, never a crash */
    {
        raidmon_inventory *bad = NULL;
        static const unsigned char junk[] = {0xff, 0x00, 0x13, 0x37, '{', '{'};
        r = raidmon_decode_buffer(ctx, junk, sizeof junk, NULL, &bad);
        CHECK(r == RAIDMON_E_PARSE && bad == NULL);
        CHECK(strncmp(raidmon_context_last_error(ctx), "buffer: ", 8) == 0);
        CHECK(strcmp(raidmon_status_name(r), "parse_error") == 0);
        CHECK(raidmon_decode_file(ctx, "/nonexistent/capture.txt", NULL, &bad) == RAIDMON_E_NOT_FOUND);
        CHECK(raidmon_decode_buffer(ctx, mdstat, 10, "no-such-format", &bad) == RAIDMON_E_INVALID_ARGUMENT);
        CHECK(raidmon_decode_format_count() > 10 && raidmon_decode_format(0) != NULL);
    }

    /* predict: V1 of docs/rebuild-model.md, RAID5 3 x 3 TB at 1e-14: p_ure 0.3812 */
    params = raidmon_params_new();
    CHECK(raidmon_params_set(params, "level", "raid5") == 0);
    CHECK(raidmon_params_set(params, "drives", "3") == 0);
    CHECK(raidmon_params_set(params, "capacity", "3TB") == 0);
    CHECK(raidmon_params_set(params, "ure", "1e-14") == 0);
    r = raidmon_predict(ctx, params, &p);
    CHECK(r == RAIDMON_OK);
    if (r == RAIDMON_OK) {
        CHECK(fabs(raidmon_prediction_p_ure(p) - 0.3812) < 0.00005);
        CHECK(raidmon_prediction_recommendation(p) >= RAIDMON_RECOMMEND_REBUILD_NOW);
        CHECK(raidmon_prediction_reason_count(p) > 0);
        json = raidmon_prediction_to_json(p);
        CHECK(json != NULL && strstr(json, "\"p_ure\"") != NULL);
        raidmon_free(json);
        raidmon_prediction_unref(p);
    }
    CHECK(raidmon_params_set(params, "capacity", "3XB") == 0);
    p = NULL;
    CHECK(raidmon_predict(ctx, params, &p) == RAIDMON_E_INVALID_ARGUMENT && p == NULL);
    CHECK(strncmp(raidmon_context_last_error(ctx), "predict: --capacity: ", 21) == 0);
    raidmon_params_unref(params);

    /* smart, identify, hotswap without a host or an agent: errors with the CLI's messages */
    {
        raidmon_context *empty = raidmon_context_new();
        raidmon_smart_report *report = NULL;
        raidmon_identify_result *ident = NULL;
        raidmon_incidents *list = NULL;
        raidmon_work_order *wo = NULL;
        CHECK(raidmon_smart(empty, "sdzz", "telepathy", NULL, 0, &report) == RAIDMON_E_INVALID_ARGUMENT && report == NULL);
        CHECK(strcmp(raidmon_context_last_error(empty), "smart: --via must be native, smartctl or auto, not 'telepathy'") == 0);
        CHECK(raidmon_smart(empty, "sdzz", NULL, NULL, 86401, &report) == RAIDMON_E_INVALID_ARGUMENT);
        CHECK(raidmon_smart(empty, NULL, NULL, NULL, 0, &report) == RAIDMON_E_INVALID_ARGUMENT);
        CHECK(raidmon_identify(empty, 1, 32u * 24u * 3600u, &ident) == RAIDMON_E_INVALID_ARGUMENT && ident == NULL);
        CHECK(strncmp(raidmon_context_last_error(empty), "identify: --for ", 16) == 0);
        CHECK(raidmon_hotswap_list(empty, "/nonexistent/raidmond.sock", &list) == RAIDMON_E_IO && list == NULL);
        CHECK(strstr(raidmon_context_last_error(empty), "/nonexistent/raidmond.sock") != NULL);
        CHECK(strncmp(raidmon_context_last_error(empty), "hotswap: ", 9) == 0);
        CHECK(raidmon_hotswap_confirm(empty, "/nonexistent/raidmond.sock", "sdd", &wo) == RAIDMON_E_IO && wo == NULL);
        CHECK(raidmon_hotswap_cancel(empty, "/nonexistent/raidmond.sock", "sdd", "two\nlines", &wo) == RAIDMON_E_INVALID_ARGUMENT);
        CHECK(strstr(raidmon_context_last_error(empty), "--reason") != NULL);
        CHECK(raidmon_hotswap_work_order(empty, "/nonexistent/raidmond.sock", "", &wo) == RAIDMON_E_INVALID_ARGUMENT);
        CHECK(raidmon_incidents_count(NULL) == 0 && raidmon_incidents_get(NULL, 0) == NULL);
        CHECK(raidmon_incident_slot(NULL) == -1 && raidmon_work_order_incident(NULL) == NULL);
        CHECK(raidmon_smart_report_drive(NULL) == NULL && raidmon_identify_result_to_json(NULL) == NULL);
        CHECK(raidmon_work_order_unref(NULL) == NULL && raidmon_smart_report_unref(NULL) == NULL);
        raidmon_context_unref(empty);
    }

    CHECK(raidmon_health_exit_code(RAIDMON_HEALTH_UNKNOWN) == 3);
    CHECK(strcmp(raidmon_health_name(RAIDMON_HEALTH_WARNING), "Warning") == 0);
    CHECK(raidmon_scan(NULL, &inv) == RAIDMON_E_INVALID_ARGUMENT);
    CHECK(raidmon_context_set_root(ctx, "/nonexistent/root") == RAIDMON_E_NOT_FOUND);
    raidmon_context_unref(ctx);
    raidmon_context_unref(NULL);

    printf("C consumer: %s\n", failures ? "FAILED" : "OK");
    return failures ? 1 : 0;
}
