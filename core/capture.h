/* capture.h - libpcap, live or from a file, non-blocking, in batches. */
#ifndef NETLENS_CAPTURE_H
#define NETLENS_CAPTURE_H

#include <pcap/pcap.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct capture {
	pcap_t *p;		/* owned */
	int dlt;
	int offline;
	char name[256];		/* interface or file name, for messages */
	uint64_t packets;	/* frames handed to the callback so far */
	int eof;
	unsigned ifindex;	/* live on a network device: its index at open, else 0 */
	int merged;		/* --workers parent: no handle; merged_stats are the
				 * workers' counters summed */
	struct pcap_stat merged_stats;
	char *filter;		/* --bpf-filter, for the pcapng reader's own filtering */
	char *iobuf;		/* a file's stdio buffer, freed after its stream */
	struct pipe_source *pipe;	/* standard input or a pipe: its stream's (core/pipe_source.h) */
	struct bpf_program pipe_prog;	/* ...and --bpf-filter, applied here: libpcap's own would
					 * read on past the whole records for the packets it drops */
	int pipe_filtered;
	struct capture_ng *ng;	/* a pcapng file (by name, from a pipe or standard
				 * input), read by core/pcapng_read.c, not libpcap;
				 * dlt is then the current packet's link type, and
				 * the reader says... */
	unsigned pkt_interface;	/* ...the current packet's interface, 1 the file's
				 * first (ifnames.h has the names); else 0 */
	struct capture *next;	/* live on several interfaces (-i eth0,wlan0): the
				 * next one's handle, owned by this one */
	unsigned member;	/* this handle's place in that list, 0 the first */
	char label[1040];	/* every interface's name, "eth0,wlan0" (the first's) */
};

/* Live capture on ifname: immediate mode off with a 100 ms buffer timeout
 * (packets wait at most ~90 ms and a busy link costs few wakeups). */
int capture_open_live(struct capture *c, const char *ifname, uint32_t snaplen,
		      uint32_t buffer_mib, char *err, size_t errlen);
/* Several interfaces: opens ifname like capture_open_live and appends it
 * to first's list (first->label grows). Filters, statistics, the deleted
 * interface check and capture_close then apply to every one; each is
 * read through its own descriptor (capture_fd, capture_dispatch). */
int capture_add_live(struct capture *first, const char *ifname, uint32_t snaplen,
		     uint32_t buffer_mib, char *err, size_t errlen);
/* Moves every live handle of from's list into to (a list of the same
 * interfaces, to be closed with capture_close); from keeps their names
 * and link types without handles (the --workers parent, whose workers
 * capture). -1 when out of memory, nothing moved. */
int capture_move_handles(struct capture *from, struct capture *to, char *err, size_t errlen);
/* "eth0,wlan0" for headers and messages; a file's name when reading one. */
const char *capture_label(const struct capture *c);
/* The same, short, for the UI: a file without its directories, "stdin",
 * "pipe" for a shell's <(...) (/dev/fd/63). */
const char *capture_short_name(const struct capture *c);
/* Whether live capture reads the interface called name. */
int capture_has_interface(const struct capture *c, const char *name);
/* Whether the interfaces read differ in link type. */
int capture_mixed_links(const struct capture *c);
int capture_open_file(struct capture *c, const char *path, char *err, size_t errlen);
/* "-" reads descriptor fd, not 0 (which the UI took for its keys: tui.h). */
void capture_stdin_from(int fd);
/* A file read from a pipe or standard input: the descriptor to wait on
 * when capture_dispatch returned 0 without reaching the end (nothing whole
 * has arrived; the loop waits instead of blocking in a read); else -1. */
int capture_pipe_fd(const struct capture *c);
/* Takes what the pipe has, without waiting; whether a record is whole. */
int capture_pipe_ready(struct capture *c);
/* Whether the current packet is in Linux cooked v2 (each packet says the
 * index of its interface). */
int capture_cooked(const struct capture *c);
/* A pcapng file's cooked v2 packet of interface index ifindex: the name
 * its interface block gives, when that block names one interface (not
 * "any", and no packet of another index under it so far: the first
 * index's name is withdrawn (ifnames_forget_cooked) when one comes);
 * else NULL. A netlens export of -i any writes a block per interface so.
 * Keeps what it has seen in the file's reader state (c->ng). */
const char *capture_cooked_interface_name(const struct capture *c, uint32_t ifindex);

/* Checks a filter's syntax without any capture handle (Ethernet assumed). */
int capture_check_filter(const char *expr, uint32_t snaplen, char *err, size_t errlen);
/* ... and for c's link types (each interface's), with the message
 * capture_set_filter gives (the --workers parent, which holds no handle,
 * checks the UI's f so). */
int capture_check_filter_for(const struct capture *c, const char *expr, uint32_t snaplen,
			     char *err, size_t errlen);
/* Sets expr on every handle, or on none when it compiles for one but not
 * for another (each interface's link type). */
int capture_set_filter(struct capture *c, const char *expr, char *err, size_t errlen);

/* "eth0, lo, any" - the interfaces libpcap can open. */
void capture_interface_list(char *buf, size_t len);
int capture_interface_exists(const char *name);

int capture_fd(const struct capture *c);

/* Feeds at most max frames to cb. Returns the count, 0 at end of file, or
 * -1 on an error (message in err, naming the file and packet number).
 * A pcapng file whose interfaces differ in link type, which libpcap stops
 * reading at the second interface, is read on from the packet it stopped
 * at by netlens' own reader: c->dlt then follows each packet. A pcapng
 * file opened by name is read by that reader throughout (libpcap does not
 * say which interface a packet came from), c->pkt_interface telling each
 * packet's (its name given to ifnames_set_file as it is met). */
int capture_dispatch(struct capture *c, int max, pcap_handler cb, u_char *user,
		     char *err, size_t errlen);

/* Live capture: 1 (message in err) when the interface has been deleted, or
 * deleted and made again under its name (the socket stays bound to the old
 * one and would go silent). Some kernels report neither to libpcap, so the
 * reactor asks once a second; one ioctl on the capture's own socket. */
int capture_interface_gone(struct capture *c, char *err, size_t errlen);

/* Kernel counters for live capture (summed over the interfaces); -1 when
 * unavailable. */
int capture_stats(struct capture *c, struct pcap_stat *st);

/* libpcap's name for the link type ("EN10MB") and its description. */
const char *capture_link_name(const struct capture *c);

void capture_close(struct capture *c);

#endif
