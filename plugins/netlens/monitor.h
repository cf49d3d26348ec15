/*
 * netlens/monitor.h - libnetlens: netlens' flows in a C program.
 *
 * A program that wants what netlens sees (nethogs' libnethogs is the
 * model: a loop and a callback per update) links -lnetlens (pkg-config
 * netlens) and either
 *
 *  - starts netlens and reads its flows: nl_monitor_start() runs the
 *    netlens program with the caller's arguments (-i eth0, --read FILE, -f,
 *    any option of netlens(8)) plus `--headless --format msgpack`, and
 *    nl_monitor_run() (or nl_monitor_poll() from the caller's own event
 *    loop, on nl_monitor_fd()) calls back once per flow record. Capture
 *    privileges stay with netlens (root, or cap_net_raw on its binary): the
 *    caller needs none, and links no libpcap, eBPF or ncurses; or
 *
 *  - decodes a stream it already has (netlens run over ssh on a router,
 *    a file written with --format msgpack): nl_decoder_feed() takes the
 *    bytes in pieces of any size and calls back per whole record.
 *
 * A record is the flow record of doc/flow-record.md, the same keys and
 * values as --format json gives: "protocol", "source_ip", "bytes_sent",
 * "process_name", "tls_sni", ... Live, every open flow is given every
 * --refresh-interval (their "timestamp" is the snapshot's); reading a
 * file, every flow once at the end. Keys a record does not have are
 * absent, as in JSON.
 *
 * Everything a record points to is valid during the callback only. Text
 * is NUL-terminated (bytes as netlens wrote them: already made printable
 * where they came off the wire). The decoder refuses, with a message, a
 * stream that is not netlens' (not a map, keys not text) and a record
 * over 16 MiB; it never reads past what it was given.
 *
 * Versioning: NL_MONITOR_VERSION_MAJOR changes only when a declaration
 * here changes incompatibly (the library's soname follows it);
 * nl_monitor_version() says what the loaded library implements.
 */
#ifndef NETLENS_MONITOR_H
#define NETLENS_MONITOR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NL_MONITOR_VERSION_MAJOR 1
#define NL_MONITOR_VERSION_MINOR 0

enum nl_value_kind {
	NL_VALUE_NIL,		/* null */
	NL_VALUE_BOOL,		/* .integer 0 or 1 */
	NL_VALUE_INT,		/* .integer (counts, ports, pid) */
	NL_VALUE_REAL,		/* .real (duration_secs, rtt_ms) */
	NL_VALUE_TEXT,		/* .text, .len bytes and a NUL */
	NL_VALUE_LIST,		/* .items[.n_items] (tls_alpn, dns_answers) */
	NL_VALUE_OTHER,		/* anything else (a map): not decoded */
};

struct nl_value {
	enum nl_value_kind kind;
	int64_t integer;	/* NL_VALUE_INT, NL_VALUE_BOOL; also .real's integer part */
	double real;		/* NL_VALUE_REAL; also NL_VALUE_INT's value */
	const char *text;	/* NL_VALUE_TEXT, else "" */
	size_t len;
	const struct nl_value *items;	/* NL_VALUE_LIST: no lists in a list */
	unsigned n_items;
};

struct nl_field {
	const char *key;
	struct nl_value value;
};

/* One flow record: its fields in the order netlens wrote them. */
struct nl_record {
	const struct nl_field *fields;
	unsigned n_fields;
};

/* Called per record; return 0 to go on, anything else to stop (the call
 * that delivered it returns NL_STOPPED). */
typedef int (*nl_record_fn)(void *ctx, const struct nl_record *r);

#define NL_STOPPED (-2)

/* The field called key, or NULL. */
const struct nl_value *nl_record_get(const struct nl_record *r, const char *key);
/* Its text, or fallback when absent or not text. */
const char *nl_record_text(const struct nl_record *r, const char *key, const char *fallback);
/* Its integer, or fallback when absent or not a number. */
int64_t nl_record_int(const struct nl_record *r, const char *key, int64_t fallback);

/* ---------------------------------------------------------------- a stream */

struct nl_decoder;

struct nl_decoder *nl_decoder_new(nl_record_fn fn, void *ctx);
/* Takes n more bytes of a --format msgpack stream: the number of records
 * delivered (0: none whole yet), NL_STOPPED when the callback stopped,
 * -1 when the stream is not netlens' (nl_decoder_error says why; the
 * decoder takes nothing more). */
int nl_decoder_feed(struct nl_decoder *d, const void *bytes, size_t n);
/* Bytes held of a record not yet whole (at the end of a stream: cut). */
size_t nl_decoder_pending(const struct nl_decoder *d);
const char *nl_decoder_error(const struct nl_decoder *d);
void nl_decoder_free(struct nl_decoder *d);

/* ---------------------------------------------------------------- netlens run */

struct nl_monitor;

/* Runs program (NULL: "netlens", found on PATH) with args (NULL-terminated,
 * without the program name; NULL: none) and --headless --format msgpack
 * after them. NULL with err set when it cannot be started; netlens' own
 * refusals (a bad option, no permission) come from nl_monitor_finish. */
struct nl_monitor *nl_monitor_start(const char *program, const char *const *args, char *err,
				    size_t errlen);
/* Readable when records (or the end) may be there: for the caller's poll
 * or event loop. */
int nl_monitor_fd(const struct nl_monitor *m);
/* Reads what netlens has written, without blocking: records delivered,
 * NL_STOPPED, or -1 when netlens' output has ended (or was not netlens';
 * call nl_monitor_finish). */
int nl_monitor_poll(struct nl_monitor *m, nl_record_fn fn, void *ctx);
/* Reads until netlens ends (a --read file done, --duration over) or fn
 * stops it: 0 at the end, NL_STOPPED, -1 on an error (nl_monitor_finish
 * says which). */
int nl_monitor_run(struct nl_monitor *m, nl_record_fn fn, void *ctx);
/* Ends netlens if it still runs (SIGTERM: it exits as on Ctrl-C), waits
 * for it and frees m. netlens' exit status (0, 1 an error, 2 a usage
 * error, 128+N killed by signal N), or -1 when it could not be waited
 * for; when not 0, err holds netlens' last message (or what went wrong
 * with its output). */
int nl_monitor_finish(struct nl_monitor *m, char *err, size_t errlen);

/* The library's NL_MONITOR_VERSION_MAJOR * 1000 + MINOR. */
int nl_monitor_version(void);

#ifdef __cplusplus
}
#endif

#endif
