/* app.h - the application: one libev loop wiring capture, tracking,
 * timers, signals and output. No threads. */
#ifndef NETLENS_APP_H
#define NETLENS_APP_H

#include <ev.h>
#include <stdint.h>

#include "capture.h"
#include "dpi.h"
#include "options.h"
#include "platform/platform.h"
#include "platform/privileges.h"
#include "tracker.h"

struct ebpf_owners;
struct eventlog;
struct pcap_export;
struct local_addrs;

struct app {
	struct options opt;
	struct ev_loop *loop;
	struct capture cap;
	struct tracker tracker;
	struct local_addrs *local;	/* owned; NULL for files */
	struct eventlog *events;	/* owned; NULL without --json-log */
	struct eventlog *sidecar;	/* owned: --pcap-export's FILE.connections.jsonl */
	char sidecar_path[4200];
	char kube_pods_dir[4200], kube_containers_dir[4200];	/* --kubernetes: read in the sandbox */
	struct pcap_export *pcap_x;	/* owned; NULL without --pcap-export */
	struct pcap_export *pcapng_x;	/* owned; NULL without --pcapng-export */
	struct dpi dpi;			/* the dissector plugins and their results */
	int dpi_on;

	struct capture_watch {		/* live: each interface's pcap fd */
		ev_io io;		/* first: the callback gets this */
		struct app *a;
		struct capture *c;
	} capture_w[OPTIONS_MAX_INTERFACES];
	struct capture *cur;		/* the handle being read (app_on_packet's link type) */
	ev_idle feed_w;			/* offline: next batch */
	ev_io pipe_w;			/* a file from a pipe with nothing whole yet: wait for it */
	ev_io netlink_w;		/* live: address changes */
	ev_timer refresh_w;		/* live output every --refresh-interval */
	ev_timer lifecycle_w;		/* expiry each second when refresh is slower */
	ev_timer duration_w;		/* --duration */
	struct ebpf_owners *ebpf;	/* owned; NULL: procfs attribution only */
	ev_io ebpf_w;			/* its ring buffer */
	ev_signal sigint_w, sigterm_w, sighup_w;

	int link_warned;		/* unsupported link type reported once */
	int damaged;			/* the capture file ended in an error */
	int exit_code;
	uint64_t started_us;		/* wall clock at start */
	uint64_t snapshots;		/* live outputs printed */
	uint64_t alerts_raised;		/* --alert-list matches, --alert-rate crossings */
	struct sandbox_report sandbox;	/* what app_sandbox() applied */
	struct workers *workers;	/* owned; NULL: this process captures */
	struct sock_owner last_capture_owner;	/* note_capture_owner()'s last report */
	char capture_filter[1025];	/* the BPF filter in force ("" none): -f, or the UI's f */
};

/* For a worker (workers.c): the packet handler, and a tracker of its own
 * (locality from its own netlink socket) with max_flows and fn for events. */
void app_on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes);
int app_worker_tracker(struct app *a, uint32_t max_flows, flow_event_fn fn, void *ctx);

/* Sets everything up from app->opt. Returns 0, or an exit code with one
 * line already printed. */
int app_init(struct app *a);
/* Gives up privileges once everything is open (after tui_open: terminfo).
 * Returns 0, or 1 under --sandbox-strict when something could not be
 * applied: a->sandbox.missing says what (nothing printed yet). */
int app_sandbox(struct app *a);
/* Runs the loop until the file ends, --duration passes or a signal. */
void app_run(struct app *a);
/* Flushes, reports and frees; returns the process exit code. */
int app_finish(struct app *a);
/* Frees whatever app_init set up, reporting nothing (after a failed start). */
void app_cleanup(struct app *a);

uint64_t app_wall_us(void);

/* The UI's f (iftop's): a new capture filter (pcap-filter(7)) on the live
 * handle, "" for none. 0, or -1 with one line in err (a file, --workers,
 * or an expression libpcap refuses: the filter in force stays). */
int app_set_capture_filter(struct app *a, const char *expr, char *err, size_t errlen);

#endif
