/* eventlog.h - --json-log: new_connection / connection_closed events as
 * JSON Lines (RustNet's schema). Opened once, append-only, 0600, never
 * through a symlink; write errors are reported, never silently dropped. */
#ifndef NETLENS_EVENTLOG_H
#define NETLENS_EVENTLOG_H

#include <stddef.h>
#include <stdint.h>

#include "flow.h"

struct eventlog;

struct eventlog *eventlog_open(const char *path, char *err, size_t errlen);
void eventlog_write(struct eventlog *l, const struct flow *f, const char *event,
		    const char *close_reason, uint64_t now_us);
/* An event that is not a flow's (an alert on the traffic rate): the
 * caller appends one JSON object to the buffer returned, then ends it. */
struct strbuf;
struct strbuf *eventlog_begin_line(struct eventlog *l);
void eventlog_end_line(struct eventlog *l);
/* Writes out what is buffered. Returns 0 or -1 (reported once). */
int eventlog_flush(struct eventlog *l);
/* Flushes and closes; returns the number of events that could not be written. */
uint64_t eventlog_close(struct eventlog *l);
uint64_t eventlog_written(const struct eventlog *l);

#endif
