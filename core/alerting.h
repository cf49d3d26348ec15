/*
 * alerting.h - raising the alerts of alerts.h: one line on standard error
 * (headless) or in the UI's status bar, a warning in the log, and an
 * "alert" event in --json-log. At most ALERT_LINES_PER_SECOND lines a
 * second are shown (a scan from a listed network makes thousands of
 * flows); the rest are counted, said in one line, and all are in the
 * event log.
 */
#ifndef NETLENS_ALERTING_H
#define NETLENS_ALERTING_H

#include <stdint.h>

#include "flow.h"

#define ALERT_LINES_PER_SECOND 10

struct app;

/* --alert-list and --alert-rate into alerts_current; 0, or 2 with one
 * line printed (a bad list). */
int alerting_open(struct app *a);
/* Each refresh: says what the line limit held back in a second now over. */
void alerting_say_held(struct app *a);
/* At exit: says what the line limit held back. */
void alerting_finish(struct app *a);
void alerting_close(struct app *a);

/* A new flow: an alert when an endpoint is on the list. */
void alerting_flow(struct app *a, const struct flow *f, uint64_t now_us);
/* The traffic rate against --alert-rate, once a second of the capture's
 * clock (now_us; a file's packets call it, live the lifecycle timer);
 * also says how many lines were held back. */
void alerting_tick(struct app *a, uint64_t now_us);

#endif
