/*
 * ui.h - the terminal UI's shared state (internal to ui/).
 *
 * The model is rebuilt from the tracker at most once per refresh (or after
 * a key changed what is shown): a flat array of rows, each naming a flow by
 * its slab index (open) or history index (closed) plus its creation serial,
 * which is what the selection follows across refreshes, sorts and filters.
 * Drawing reads flows directly: the loop is single-threaded, so nothing
 * moves between the rebuild and the draw.
 */
#ifndef NETLENS_UI_H
#define NETLENS_UI_H

#include <curses.h>
#include <ev.h>
#include <stddef.h>
#include <stdint.h>

#include "core/flow.h"
#include "platform/platform.h"
#include "ui/filter.h"

struct app;

/* In RustNet's order (1 Overview, 2 Details, 3 Activity, 4 Graph); the
 * interfaces table, a sub-view of Activity there (i), is a fifth. */
enum ui_screen { SCR_OVERVIEW, SCR_DETAILS, SCR_PROCESSES, SCR_GRAPH, SCR_INTERFACES, SCR_COUNT };

/* Sortable columns, in the order `s` cycles them (left to right). */
enum ui_sort {
	SORT_CREATED = 0,	/* default: order of first packet, no marker */
	SORT_PROTO, SORT_IFACE, SORT_LOCAL, SORT_REMOTE, SORT_LOC, SORT_STATE, SORT_SERVICE, SORT_APP,
	SORT_RTT, SORT_BANDWIDTH, SORT_PROCESS,
	SORT_COUNT
};

#define UI_KEY_LEN 40	/* holds any IPv6 address text (39) */
#define UI_FOLD_MAX 64	/* groups folded at once */

/* The Processes view's order (s, S there): by bandwidth by default. */
enum ui_proc_sort {
	PSORT_BANDWIDTH, PSORT_FLOWS, PSORT_DOWN, PSORT_UP, PSORT_RECEIVED, PSORT_SENT, PSORT_PEAK,
	PSORT_NAME, PSORT_COUNT
};
const char *ui_proc_sort_name(enum ui_proc_sort by);

/* What the bottom line is editing. */
enum ui_edit {
	EDIT_NONE,
	EDIT_FILTER,	/* /: the connection filter, applied at each key */
	EDIT_CAPTURE,	/* f: the capture filter (pcap-filter(7)), applied at Enter */
};

/* What the grouped view gathers rows by. */
enum ui_group {
	GROUP_NONE,
	GROUP_PROCESS,	/* a (RustNet's): per process */
	GROUP_REMOTE,	/* A: per remote address (bandwhich's and iftop's per-host view) */
};

struct ui_row {
	uint32_t id;		/* flow creation serial: what the selection follows */
	uint32_t index;		/* slab index (open) or history index (closed) */
	uint8_t closed;
	uint8_t header;		/* a group's title row (grouped view): id, index and
				 * closed then name its first flow */
	uint8_t folded;		/* header rows: its flows are hidden (Space, Left) */
	uint8_t proto;		/* the flow's enum l4_proto (flow rows) */
	uint32_t group_count;	/* header rows: flows in the group */
	uint32_t group_tcp, group_udp;	/* header rows: ... of them TCP, UDP (RustNet's) */
	double bw;		/* down + up, bytes/s */
	double share;		/* its part of a group's rate (flow_rate_share) */
	double gbw;		/* grouped, sorted on bandwidth: the group's bw, which orders the groups */
	uint32_t rtt_us;	/* record_rtt_us(), 0 = none */
	char key[UI_KEY_LEN];	/* sort key for the active text/address column */
	char gkey[UI_KEY_LEN];	/* grouped view: the process name, lower-cased, or the remote
				 * address as the Remote column's sort key (binary) */
};

struct ui_rows {
	struct ui_row *v;	/* owned */
	uint32_t n, cap;
	uint32_t total;		/* flows before filtering */
	uint32_t headers;	/* group title rows among n */
	uint32_t flows;		/* flows the filter leaves (in folded groups too) */
};

/* Text of a flow, as filters and views see it (sanitised). */
struct flow_text {
	char proto[16];
	char local_addr[48], remote_addr[48];
	char local[64], remote[64];	/* endpoints with ports */
	unsigned local_port, remote_port;
	const char *state;
	const char *service;		/* "" when none */
	char loc[3];			/* the remote end's country code (GeoIP), "" when unknown */
	char app[160];			/* "TLS github.com" */
	char host[128];			/* SNI / Host / query, else remote_name */
	char remote_name[128];		/* from DNS answers seen, "" if none */
	uint64_t ssh_extra;		/* bit i: extra[i] is an SSH field (ssh:) */
	char process[64];		/* "" until attribution (platform) lands */
	unsigned pid;			/* the owning process' pid, 0 when unknown */
	char pod[128], pod_namespace[128], container[128];	/* --kubernetes, "" when none */
	char alert[320];		/* --alert-list: "198.51.100.0/24 (label)", "" when not listed */
	int alert_local;		/* ... the listed end is the local (source) one */
	const char *extra[48];		/* every DPI value */
	unsigned n_extra;
	char pool[2048];		/* backing store for extra */
	size_t pool_used;
};

#define UI_IFACES_MAX 64
#define UI_SPARK 60

struct ui_proc {		/* Processes screen: one aggregate */
	char name[64];
	uint32_t flows;
	double down, up;
	uint64_t bytes_down, bytes_up;
	/* ui_procs_peers(): RustNet's activity columns */
	uint32_t remotes;	/* distinct remote addresses, at most UI_PROC_REMOTES */
	char top_peer[48];	/* the remote address with the most bytes, "" none */
	uint64_t top_bytes;
	double peak;		/* the highest rate it showed in the view's direction
				 * (RustNet's peak rate): down + up, up or down */
};

/* The Processes view's direction (its d key, RustNet's Egress/Ingress):
 * both at once (netlens' own, at start), or what processes send or receive;
 * share, peak and top peer follow it, as does the bandwidth order. */
enum ui_proc_dir { PDIR_BOTH, PDIR_EGRESS, PDIR_INGRESS, PDIR_COUNT };
#define UI_PROC_REMOTES 256	/* counted per process; more show as "256+" */

/* A process' peak rate outlives its rows' rebuilds (and its connections):
 * kept by name, the least recently seen given up when the table is full. */
struct ui_proc_peak {
	char name[64];
	double peak[PDIR_COUNT];	/* down + up, up, down */
	uint64_t seen_us;
};
#define UI_PROC_PEAKS 256

/* The Graph view's series (graph.c): one sample a second, the last minute. */
enum ui_series_id {
	SER_DOWN, SER_UP,		/* bytes/s */
	SER_OPENED, SER_CLOSED,		/* connections a second */
	SER_RTT,			/* mean TCP round trip of the open rows, ms; -1 none */
	SER_RETX, SER_TCP_PKTS,		/* in the sample's span: for the loss rate */
	SER_COUNT
};

struct ui_graph {
	double s[SER_COUNT][UI_SPARK];
	unsigned n;			/* samples taken; the latest at (n - 1) % UI_SPARK */
	uint64_t cur_s;			/* the latest sample's second (tracker clock) */
	uint64_t span;			/* seconds it spans (0: the first) */
	/* The tracker's flows created, closed (and evicted), TCP
	 * retransmissions and TCP packets: at the latest sample's start, and
	 * at the last reading. */
	uint64_t base[4], last[4];
};

struct ui {
	struct app *app;
	ev_io input_w;
	ev_signal winch_w;
	ev_child child_w;	/* a clipboard helper being reaped */
	int child_active;

	enum ui_screen screen;
	int help;
	enum ui_sort sort;
	int sort_desc;
	int show_ports;		/* p: numbers instead of service names */
	int show_names;		/* d: hostnames (from DNS answers seen) instead of addresses */
	int show_history;	/* t */
	int group;		/* enum ui_group: a by process, A by remote address */
	int paused;		/* Space (not grouped), P */
	int side_hidden;	/* i in the overview: the side panel off (RustNet's) */
	enum ui_proc_sort proc_sort;	/* s in the Processes view */
	int proc_sort_rev;		/* S there */
	enum ui_proc_dir proc_dir;	/* d there */
	/* Groups folded to their title row (Space, Left; Right or l unfolds),
	 * by group key; the oldest fold is forgotten past UI_FOLD_MAX. */
	char folded[UI_FOLD_MAX][UI_KEY_LEN];
	unsigned n_folded;
	int app_width_adj;	/* < and >: extra cells for the application column */
	int iface_col;		/* a flow named its interface (several read): the If column */
	uint64_t quit_armed_us, clear_armed_us;

	/* Filter bar: the connection filter (/), or the capture filter (f). */
	int editing;		/* enum ui_edit */
	char ftext[1025];
	int flen, fcur;
	char fkept[1025];	/* the filter in force when / began: it stays when
				 * the line is left invalid */
	struct filter *filter;	/* owned; NULL = none */
	char ferr[200];
	char btext[1025];	/* f: the capture filter being typed */
	int blen, bcur;

	struct ui_rows rows;
	uint32_t sel_id;	/* selected flow's serial, 0 = none */
	int sel_closed;
	int sel;		/* index into rows */
	int top;		/* first row shown */
	int table_y, table_h;	/* where the table was drawn (mouse) */
	int details_scroll;
	int list_scroll;	/* processes / interfaces */

	char status[256];
	uint64_t status_until_us;
	uint8_t status_of_filter;	/* the status says a filter was refused: a filter
					 * that compiles then takes it away */
	uint8_t cleared_all;		/* x x cleared the table: an empty one says so */

	int color, utf8;
	unsigned char theme_set[32];	/* colour pairs a --theme-color paints (theme.c) */
	int dirty;		/* something the user did needs a redraw */
	int model_dirty;	/* ... and a new set or order of rows (sort, filter,
				 * grouping, closed rows): moving the selection
				 * needs none */
	unsigned filter_gen;	/* bumped when a new filter takes effect */
	uint64_t last_packets;	/* tracker packets at the last rebuild */
	uint64_t last_rebuild_us;
	uint64_t last_draw_us;	/* wall clock */
	int eof_drawn;		/* a file's final state is on screen */
	uint64_t redraws;	/* for doc/performance.md */

	/* Traffic sparkline: bytes/s down+up, one sample per second. */
	double spark[UI_SPARK];
	unsigned spark_n;
	uint64_t spark_last_s;

	/* The selected open flow's byte counts once a second (live only):
	 * its 2/10/40 s averages and peak in the details. */
	struct rate_history sel_hist;
	uint32_t sel_hist_id;		/* the flow's id + 1; 0 = none */
	uint64_t sel_hist_since_us;	/* when it was selected (tracker clock) */

	/* Interface counters: the previous read, for rates. */
	struct iface_stat ifs[UI_IFACES_MAX], ifs_prev[UI_IFACES_MAX];
	int n_ifs, n_ifs_prev;
	uint64_t ifs_us, ifs_prev_us;

	struct ui_proc *procs;	/* owned */
	uint32_t n_procs, procs_cap;
	struct ui_proc_peak peaks[UI_PROC_PEAKS];
	uint32_t n_peaks;
	uint64_t peaks_last_s;	/* the second peaks were last sampled in */

	struct ui_graph graph;
};

extern struct ui *ui_current;

/* rows.c */
uint64_t ui_now(const struct ui *u);
const struct flow *ui_row_flow(struct ui *u, const struct ui_row *r);
void ui_flow_text(struct ui *u, const struct flow *f, struct flow_text *t);
void ui_rebuild(struct ui *u);
void ui_select_index(struct ui *u, int i);
/* Folded groups (grouped view): whether gkey's is, and fold or unfold it. */
int ui_group_folded(const struct ui *u, const char *gkey);
void ui_group_fold(struct ui *u, const char *gkey, int fold);
/* A group title row's first flow (its title and Enter name it). */
const struct flow *ui_header_flow(struct ui *u, const struct ui_row *h);
void ui_rows_free(struct ui_rows *r);
const char *ui_sort_name(enum ui_sort s);
int ui_sort_default_desc(enum ui_sort s);
/* The Processes view's aggregates of the open rows; with peers, also each
 * one's distinct remote addresses and top peer (a sort of the rows). */
void ui_procs_build(struct ui *u, int peers);

/* text.c: cells on the screen */
void ui_put(int y, int x, int w, const char *s, int right);
int ui_text_width(const char *s);
void ui_cut(char *out, size_t n, const char *s, int w);
char *ui_human_rate(char *buf, size_t n, double bytes_per_s);
void ui_set_rate_bits(int on);	/* b: ui_human_rate in bits/s (SI) instead of bytes/s */
int ui_rate_bits(void);
char *ui_human_bytes(char *buf, size_t n, double bytes);
char *ui_duration(char *buf, size_t n, uint64_t us);
void ui_sanitize(char *out, size_t n, const char *s, size_t len);

/* draw.c */
void ui_draw(struct ui *u);
int ui_table_rows(void);

/* details.c */
void ui_draw_details(struct ui *u, int y0, int h);
void ui_sample_selected(struct ui *u);

/* screens.c */
void ui_draw_processes(struct ui *u, int y0, int h);
void ui_draw_interfaces(struct ui *u, int y0, int h);
void ui_draw_help(struct ui *u);
void ui_ifaces_sample(struct ui *u);
void ui_iface_rates(const struct ui *u, int i, double *rx, double *tx);

/* graph.c */
void ui_graph_sample(struct ui *u);	/* at each redraw, after the rows' rebuild */
void ui_draw_graph(struct ui *u, int y0, int h);

/* keys.c */
void ui_key(struct ui *u, int ch);
void ui_set_status(struct ui *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int ui_apply_filter(struct ui *u);

/* clipboard.c */
int ui_copy(struct ui *u, const char *text);

/* colour pairs: the presets colour CP_TITLE..CP_ERR; the rest are drawn
 * only when a --theme-color gives them a colour (ui_theme). */
enum { CP_TITLE = 1, CP_HEADER, CP_WARN, CP_ALERT, CP_RX, CP_TX, CP_KEY, CP_DIM, CP_ERR,
       CP_FAINT, CP_MUTED, CP_LABEL, CP_INFO, CP_SELECT, CP_SELECT_WARN, CP_SELECT_ALERT, CP_TEXT, CP_COUNT };

/* theme.c */
void ui_theme_start(struct ui *u);
/* COLOR_PAIR(pair) when a --theme-color paints it, else otherwise. */
attr_t ui_theme(const struct ui *u, int pair, attr_t otherwise);
/* attr as the selected row: reversed, or the selection_bg band. */
attr_t ui_theme_selected(const struct ui *u, attr_t attr);

#endif
