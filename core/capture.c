/* capture.c - libpcap glue for the reactor. */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "flow.h"
#include "ifnames.h"
#include "log.h"
#include "pcapng_read.h"
#include "pipe_source.h"

#ifdef __linux__
#include <sys/ioctl.h>
#endif

#define BUFFER_TIMEOUT_MS 100	/* never 0: a partly filled TPACKET_V3 block would never be handed over */
#define NG_FILTERS 16		/* link types one --bpf-filter is compiled for */
#define PCAPNG_MAGIC 0x0A0D0D0Au
#define FILE_BUFFER (256 * 1024)	/* stdio's buffer for --read */

/* A pcapng file read by core/pcapng_read.c, with --bpf-filter compiled
 * once per link type met (libpcap compiled it for the first one only). */
struct capture_ng {
	struct pcapng_reader *r;
	struct {
		int dlt;
		int usable;
		struct bpf_program prog;
	} f[NG_FILTERS];
	unsigned nf;
	unsigned named;		/* interfaces 1..named given to ifnames */
	/* cooked v2: the index each interface's packets carry (0: none
	 * yet, UINT32_MAX: several, so the block's name is not theirs) */
	uint32_t cooked_index[PCAPNG_DISTINCT_MAX];
};

/* -i any: Linux's cooked header v2 where libpcap offers it, for the index
 * of the interface each packet crossed (app.c keys flows by it). Without
 * it, v1: one flow for the copies a router's interfaces see. */
static void prefer_sll2(pcap_t *p)
{
#ifdef DLT_LINUX_SLL2
	int *dlts = NULL;
	int n = pcap_list_datalinks(p, &dlts);
	for (int i = 0; i < n; i++)
		if (dlts[i] == DLT_LINUX_SLL2) {
			pcap_set_datalink(p, DLT_LINUX_SLL2);
			break;
		}
	if (n >= 0)
		pcap_free_datalinks(dlts);
#else
	(void)p;
#endif
}

int capture_open_live(struct capture *c, const char *ifname, uint32_t snaplen,
		      uint32_t buffer_mib, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", ifname);
	snprintf(c->label, sizeof(c->label), "%s", ifname);
	c->p = pcap_create(ifname, ebuf);
	if (!c->p) {
		snprintf(err, errlen, "cannot capture on %s: %s", ifname, ebuf);
		return -1;
	}
	pcap_set_snaplen(c->p, (int)snaplen);
	pcap_set_promisc(c->p, 0);
	pcap_set_timeout(c->p, BUFFER_TIMEOUT_MS);
	pcap_set_immediate_mode(c->p, 0);
	pcap_set_buffer_size(c->p, (int)(buffer_mib * 1024 * 1024));
	int rc = pcap_activate(c->p);
	if (rc < 0) {
		const char *why = pcap_geterr(c->p);
		if (rc == PCAP_ERROR_PERM_DENIED)
			snprintf(err, errlen, "no permission to capture on %s (%s): run as root, or grant "
				 "the program cap_net_raw: sudo setcap cap_net_raw+eip $(command -v netlens)",
				 ifname, why);
		else if (rc == PCAP_ERROR_NO_SUCH_DEVICE)
			snprintf(err, errlen, "no interface %s", ifname);
		else if (rc == PCAP_ERROR_IFACE_NOT_UP)
			snprintf(err, errlen, "interface %s is not up", ifname);
		else
			snprintf(err, errlen, "cannot capture on %s: %s", ifname,
				 why && *why ? why : pcap_statustostr(rc));
		pcap_close(c->p);
		c->p = NULL;
		return -1;
	}
	if (pcap_setnonblock(c->p, 1, ebuf) < 0) {
		snprintf(err, errlen, "cannot make capture on %s non-blocking: %s", ifname, ebuf);
		pcap_close(c->p);
		c->p = NULL;
		return -1;
	}
	if (!strcmp(ifname, "any"))
		prefer_sll2(c->p);
	c->dlt = pcap_datalink(c->p);
	c->ifindex = if_nametoindex(ifname);	/* 0 for "any" and non-netdev sources */
	return 0;
}

int capture_add_live(struct capture *first, const char *ifname, uint32_t snaplen,
		     uint32_t buffer_mib, char *err, size_t errlen)
{
	struct capture *c = calloc(1, sizeof(*c)), **tail = &first->next;
	unsigned member = 1;
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (capture_open_live(c, ifname, snaplen, buffer_mib, err, errlen) < 0) {
		free(c);
		return -1;
	}
	for (; *tail; tail = &(*tail)->next)
		member++;
	c->member = member;
	*tail = c;
	size_t n = strlen(first->label);
	snprintf(first->label + n, sizeof(first->label) - n, ",%s", ifname);
	return 0;
}

int capture_move_handles(struct capture *from, struct capture *to, char *err, size_t errlen)
{
	struct capture *copies = NULL, **tail = &copies;
	for (const struct capture *m = from->next; m; m = m->next) {
		if (!(*tail = malloc(sizeof(**tail)))) {
			while (copies) {
				struct capture *next = copies->next;
				free(copies);
				copies = next;
			}
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		tail = &(*tail)->next;
	}
	*tail = NULL;
	*to = *from;
	to->next = copies;
	from->p = NULL;
	for (struct capture *m = from->next, *c = copies; m; m = m->next, c = c->next) {
		struct capture *keep = c->next;
		*c = *m;
		c->next = keep;
		m->p = NULL;
	}
	return 0;
}

const char *capture_label(const struct capture *c)
{
	return c->label[0] ? c->label : c->name;
}

const char *capture_short_name(const struct capture *c)
{
	const char *name = capture_label(c);
	if (!c->offline)
		return name;
	if (!strcmp(name, "-"))
		return "stdin";
	/* a shell's <(tcpdump -w -): its name says nothing but a number */
	if (c->pipe && (!strncmp(name, "/dev/fd/", 8) || !strncmp(name, "/proc/self/fd/", 14)))
		return "pipe";
	const char *slash = strrchr(name, '/');
	return slash && slash[1] ? slash + 1 : name;
}

int capture_has_interface(const struct capture *c, const char *name)
{
	for (; c; c = c->next)
		if (!c->offline && !strcmp(c->name, name))
			return 1;
	return 0;
}

int capture_mixed_links(const struct capture *c)
{
	if (c->ng) {	/* the link types of the file's interfaces so far */
		unsigned n = pcapng_interfaces(c->ng->r);
		for (unsigned k = 1; k < n && k < PCAPNG_DISTINCT_MAX; k++)
			if (pcapng_interface_dlt(c->ng->r, k) != pcapng_interface_dlt(c->ng->r, 0))
				return 1;
		return 0;
	}
	for (const struct capture *m = c->next; m; m = m->next)
		if (m->dlt != c->dlt)
			return 1;
	return 0;
}

/* Asks the kernel, through the capture's own socket (so in its namespace),
 * for the name of index ifindex (SIOCGIFNAME) or the index of name
 * (SIOCGIFINDEX). Returns 1 found, 0 not there (ENODEV), -1 cannot tell. */
static int ask_kernel(struct capture *c, unsigned long request, struct ifreq *ifr)
{
#ifdef __linux__
	int fd = pcap_fileno(c->p);
	if (fd < 0)
		return -1;
	if (ioctl(fd, request, ifr) == 0)
		return 1;
	return errno == ENODEV ? 0 : -1;
#else
	(void)c; (void)request; (void)ifr;
	return -1;
#endif
}

static int member_gone(struct capture *c, char *err, size_t errlen)
{
#if defined(__linux__) && defined(SIOCGIFNAME) && defined(SIOCGIFINDEX)
	struct ifreq ifr;
	if (c->offline || !c->p || !c->ifindex)
		return 0;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_ifindex = (int)c->ifindex;
	int alive = ask_kernel(c, SIOCGIFNAME, &ifr);
	if (alive != 0) {
		/* Still there (perhaps renamed, which the socket survives), or no answer. */
		if (alive > 0 && strncmp(ifr.ifr_name, c->name, sizeof(ifr.ifr_name)))
			snprintf(c->name, sizeof(c->name), "%.*s", (int)sizeof(ifr.ifr_name), ifr.ifr_name);
		return 0;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%.*s", (int)sizeof(ifr.ifr_name) - 1, c->name);
	if (ask_kernel(c, SIOCGIFINDEX, &ifr) > 0)
		snprintf(err, errlen, "capture on %s stopped: the interface was deleted and made again "
			 "(index %u, now %d); start netlens again to capture on the new one",
			 c->name, c->ifindex, ifr.ifr_ifindex);
	else
		snprintf(err, errlen, "capture on %s stopped: the interface was deleted", c->name);
	c->ifindex = 0;	/* said once */
	return 1;
#else
	(void)c; (void)err; (void)errlen;
	return 0;
#endif
}

int capture_interface_gone(struct capture *c, char *err, size_t errlen)
{
	for (; c; c = c->next)
		if (member_gone(c, err, errlen))
			return 1;
	return 0;
}

/* A pcapng file's interface, as flow_key.ifc will keep it (see
 * ng_interface), named before the first packet where it can be (an
 * export's first interface block takes the name). Not a Linux cooked v2
 * one: its packets carry the index of the interface they crossed, and
 * flows are kept (and named) by that. */
static void name_interface(void *ctx, unsigned id, const char *name, int dlt)
{
	(void)ctx;
#ifdef DLT_LINUX_SLL2
	if (dlt == DLT_LINUX_SLL2)
		return;
#else
	(void)dlt;
#endif
	if (id + 1 < FLOW_IFC_INDEXED)
		ifnames_set_file(id + 1, name, id);
}

static void ng_free(struct capture *c);

static int is_pcapng_magic(const uint8_t *head, size_t n)
{
	uint32_t magic;
	if (n < 4)
		return 0;
	memcpy(&magic, head, 4);
	return magic == PCAPNG_MAGIC;
}

/* src, its first bytes looked at: a regular file is put back where it
 * was; anything else is wrapped in a pipe source (src then the wrapper's,
 * *pipe its handle). Either reads through buf (when not NULL; the
 * caller's until the stream is closed). NULL, src closed unless
 * stdin, when that cannot be done. */
static FILE *sniff_stream(FILE *src, char *buf, size_t size, int *pcapng, struct pipe_source **pipe)
{
	struct stat st;
	off_t at;
	if (src != stdin && fstat(fileno(src), &st) == 0 && S_ISREG(st.st_mode) &&
	    (at = ftello(src)) >= 0) {
		if (buf)	/* before the first read, as setvbuf must be */
			setvbuf(src, buf, _IOFBF, size);
		uint8_t head[4];
		size_t n = fread(head, 1, sizeof(head), src);
		*pcapng = is_pcapng_magic(head, n);
		if (fseeko(src, at, SEEK_SET) == 0)
			return src;
		fclose(src);
		errno = ESPIPE;
		return NULL;
	}
	/* standard input, a named pipe: framed as it arrives (pipe_source.h) */
	return pipe_source_open(src, buf, size, pcapng, pipe);
}

struct ng_opening {
	struct pipe_source *ps;
	struct pcapng_reader *r;
};

/* Whether the pcapng block at offset has come: waits for it while no
 * interface names the capture yet (its link type is needed to start),
 * not after. */
static int pipe_arrived(void *ctx, uint64_t offset)
{
	struct ng_opening *o = ctx;
	while (!pipe_source_whole_at(o->ps, offset)) {
		if (pcapng_interfaces(o->r))
			return 0;
		pipe_source_wait(o->ps);
	}
	return 1;
}

/* A pcapng stream read by our reader from its first byte: the interfaces
 * before the first packet give the capture's first link type and names,
 * and a handle that reads nothing (pcap_open_dead) compiles filters and
 * names link types as libpcap's would. From a pipe, only those that have
 * come: a live capture may be quiet for long before its first packet,
 * and the UI starts meanwhile. fp is the reader's. */
static int open_pcapng_stream(struct capture *c, FILE *fp, char *err, size_t errlen)
{
	char why[200] = "";
	if (!(c->ng = calloc(1, sizeof(*c->ng)))) {
		fclose(fp);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	struct pcapng_reader *r = c->ng->r = pcapng_open(fp, why, sizeof(why));
	struct ng_opening o = { c->pipe, r };
	if (!r || (c->pipe ? pcapng_peek_arrived(r, pipe_arrived, &o, why, sizeof(why))
			   : pcapng_peek(r, why, sizeof(why))) < 0) {
		snprintf(err, errlen, "cannot read %s: %s", c->name, why);
		ng_free(c);
		return -1;
	}
	unsigned n = pcapng_interfaces(r);
	for (unsigned k = 0; k < n && k < PCAPNG_DISTINCT_MAX; k++)
		name_interface(NULL, k, pcapng_interface_name(r, k), pcapng_interface_dlt(r, k));
	c->ng->named = n < FLOW_IFC_INDEXED ? n : FLOW_IFC_INDEXED;
	c->dlt = n ? pcapng_interface_dlt(r, 0) : DLT_EN10MB;
	/* from a pipe, interfaces still to come may keep more (an export's
	 * header takes this) */
	uint32_t snaplen = c->pipe ? 262144 : pcapng_snaplen(r);
	if (!(c->p = pcap_open_dead(c->dlt, snaplen ? (int)snaplen : 262144))) {
		snprintf(err, errlen, "out of memory");
		ng_free(c);
		return -1;
	}
	return 0;
}

/* Standard input's capture when the UI moved it off descriptor 0. */
static int stdin_fd = -1;

void capture_stdin_from(int fd) { stdin_fd = fd; }

/* Standard input. The descriptor the UI moved it to, or a duplicate of 0
 * when that is a regular file (`--read - < file`: read as fast as by name,
 * not framed as from a pipe), gets a stream of its own, closed with the
 * capture; libpcap and our reader never close stdin, and a buffer given to
 * stdin itself would outlive its free. Else stdin. */
static FILE *open_stdin(void)
{
	struct stat st;
	int moved = stdin_fd >= 0;
	int fd = moved ? stdin_fd
		: fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode) ? dup(STDIN_FILENO) : -1;
	if (fd < 0)
		return stdin;
	FILE *f = fdopen(fd, "rb");
	if (f && moved)
		stdin_fd = -1;		/* the stream's now */
	else if (!f && !moved)
		close(fd);
	return f;
}

int capture_open_file(struct capture *c, const char *path, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", path);
	c->offline = 1;
	int from_stdin = !strcmp(path, "-"), pcapng = 0;
	FILE *fp = from_stdin ? open_stdin() : fopen(path, "rb");
	/* A buffer of our own: libpcap reads a record at a time, and stdio's
	 * default (4 KiB for a file, 8 for a pipe; setvbuf with no buffer
	 * keeps it, whatever size it is asked for) costs a read() call per 8
	 * packets of 500 bytes. Without memory for it, the default. */
	c->iobuf = fp ? malloc(FILE_BUFFER) : NULL;
	if (fp)
		fp = sniff_stream(fp, c->iobuf, FILE_BUFFER, &pcapng, &c->pipe);
	if (!fp) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		free(c->iobuf);
		c->iobuf = NULL;
		return -1;
	}
	/* One thread reads this stream: skip stdio's lock around each of
	 * libpcap's two fread() calls per packet. */
	__fsetlocking(fp, FSETLOCKING_BYCALLER);
	/* pcapng goes to our reader, which tells a file's interfaces apart
	 * (Wireshark on two, an export of -i a,b, a macOS capture that
	 * declares each interface as it meets it); libpcap merges them and
	 * may stop at the second link type. */
	if (pcapng) {
		if (open_pcapng_stream(c, fp, err, errlen) == 0)
			return 0;
		free(c->iobuf);	/* fp is closed */
		c->iobuf = NULL;
		c->pipe = NULL;	/* ...and the pipe source with it */
		return -1;
	}
	c->p = pcap_fopen_offline(fp, ebuf);
	if (!c->p) {
		snprintf(err, errlen, "cannot read %s: %s", path, ebuf);
		fclose(fp);
		free(c->iobuf);
		c->iobuf = NULL;
		c->pipe = NULL;
		return -1;
	}
	c->dlt = pcap_datalink(c->p);
	return 0;
}

/* Compiles expr for a link type on no handle; on failure, libpcap's
 * reason in why. */
static int compile_dead(int dlt, const char *expr, uint32_t snaplen, char *why, size_t whylen)
{
	pcap_t *d = pcap_open_dead(dlt, (int)snaplen);
	struct bpf_program prog;
	if (!d) {
		snprintf(why, whylen, "cannot check the filter");
		return -1;
	}
	if (pcap_compile(d, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(why, whylen, "%s", pcap_geterr(d));
		pcap_close(d);
		return -1;
	}
	pcap_freecode(&prog);
	pcap_close(d);
	return 0;
}

int capture_check_filter(const char *expr, uint32_t snaplen, char *err, size_t errlen)
{
	char why[PCAP_ERRBUF_SIZE];
	if (compile_dead(DLT_EN10MB, expr, snaplen, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "invalid --bpf-filter '%s': %s", expr, why);
		return -1;
	}
	return 0;
}

int capture_check_filter_for(const struct capture *c, const char *expr, uint32_t snaplen,
			     char *err, size_t errlen)
{
	char why[PCAP_ERRBUF_SIZE];
	for (; c; c = c->next)
		if (compile_dead(c->dlt, expr, snaplen, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "invalid capture filter '%s' for %s: %s", expr, c->name, why);
			return -1;
		}
	return 0;
}

/* Compiles expr for c's handle; with set, also puts it in force there. */
static int filter_one(struct capture *c, const char *expr, int set, char *err, size_t errlen)
{
	struct bpf_program prog;
	if (pcap_compile(c->p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "invalid capture filter '%s' for %s: %s", expr, c->name,
			 pcap_geterr(c->p));
		return -1;
	}
	int rc = 0;
	if (set && c->pipe && !c->ng) {	/* applied by capture_dispatch */
		if (c->pipe_filtered)
			pcap_freecode(&c->pipe_prog);
		c->pipe_prog = prog;
		c->pipe_filtered = 1;
		return 0;
	}
	if (set && !c->ng)	/* our pcapng reader filters itself */
		rc = pcap_setfilter(c->p, &prog);
	pcap_freecode(&prog);
	if (rc < 0) {
		snprintf(err, errlen, "cannot apply the capture filter on %s: %s", c->name, pcap_geterr(c->p));
		return -1;
	}
	return 0;
}

int capture_set_filter(struct capture *c, const char *expr, char *err, size_t errlen)
{
	free(c->filter);
	c->filter = c->offline ? strdup(expr) : NULL;
	if (c->next)	/* all or none: each interface's link type may read it otherwise */
		for (struct capture *m = c; m; m = m->next)
			if (filter_one(m, expr, 0, err, errlen) < 0)
				return -1;
	for (struct capture *m = c; m; m = m->next)
		if (filter_one(m, expr, 1, err, errlen) < 0)
			return -1;
	return 0;
}

void capture_interface_list(char *buf, size_t len)
{
	pcap_if_t *all = NULL, *i;
	char ebuf[PCAP_ERRBUF_SIZE];
	size_t off = 0;
	buf[0] = '\0';
	if (pcap_findalldevs(&all, ebuf) < 0)
		return;
	for (i = all; i; i = i->next) {
		int n = snprintf(buf + off, len - off, "%s%s", off ? ", " : "", i->name);
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
	pcap_freealldevs(all);
}

int capture_interface_exists(const char *name)
{
	pcap_if_t *all = NULL, *i;
	char ebuf[PCAP_ERRBUF_SIZE];
	int found = 0;
	if (pcap_findalldevs(&all, ebuf) < 0)
		return 1;	/* cannot tell: let pcap_activate decide */
	for (i = all; i; i = i->next) {
		size_t n = strlen(i->name);
		/* "nflog:5" is the listed "nflog" with its group: libpcap's
		 * pseudo-devices take an argument after a colon. */
		if (!strcmp(i->name, name) || (!strncmp(i->name, name, n) && name[n] == ':'))
			found = 1;
	}
	pcap_freealldevs(all);
	return found;
}

int capture_fd(const struct capture *c) { return pcap_get_selectable_fd(c->p); }

/* Whether --bpf-filter (if any) keeps a packet of link type dlt. An
 * expression that means nothing for a link type ("ether host" on raw IP)
 * keeps none of its packets, said once. */
static int ng_keeps(struct capture *c, int dlt, const struct pcap_pkthdr *h, const uint8_t *data)
{
	struct capture_ng *ng = c->ng;
	if (!c->filter)
		return 1;
	unsigned i;
	for (i = 0; i < ng->nf && ng->f[i].dlt != dlt; i++)
		;
	if (i == ng->nf) {
		if (ng->nf == NG_FILTERS)
			return 0;	/* a 17th link type in one file: not worth a program */
		ng->nf++;
		ng->f[i].dlt = dlt;
		pcap_t *d = pcap_open_dead(dlt, 262144);
		ng->f[i].usable = d && pcap_compile(d, &ng->f[i].prog, c->filter, 1,
						    PCAP_NETMASK_UNKNOWN) == 0;
		if (!ng->f[i].usable) {
			const char *n = pcap_datalink_val_to_name(dlt);
			fprintf(stderr, "netlens: %s: --bpf-filter '%s' cannot apply to link type %s (%d)%s%s; "
				"its packets are left out\n", c->name, c->filter, n ? n : "unknown", dlt,
				d ? ": " : "", d ? pcap_geterr(d) : "");
		}
		if (d)
			pcap_close(d);
	}
	return ng->f[i].usable && pcap_offline_filter(&ng->f[i].prog, h, data) != 0;
}

static void ng_free(struct capture *c)
{
	if (!c->ng)
		return;
	for (unsigned i = 0; i < c->ng->nf; i++)
		if (c->ng->f[i].usable)
			pcap_freecode(&c->ng->f[i].prog);
	pcapng_close(c->ng->r);
	free(c->ng);
	c->ng = NULL;
}

int capture_cooked(const struct capture *c)
{
#ifdef DLT_LINUX_SLL2
	return c->dlt == DLT_LINUX_SLL2;
#else
	(void)c;
	return 0;
#endif
}

const char *capture_cooked_interface_name(const struct capture *c, uint32_t ifindex)
{
	if (!c->ng || !ifindex || ifindex == UINT32_MAX)
		return NULL;
	const unsigned id = pcapng_packet_interface(c->ng->r);
	if (id >= PCAPNG_DISTINCT_MAX)
		return NULL;
	uint32_t *seen = &c->ng->cooked_index[id];
	if (!*seen) {
		*seen = ifindex;
	} else if (*seen != ifindex && *seen != UINT32_MAX) {
		/* tcpdump's "any" by another name: the index named from it
		 * first is not that interface after all */
		ifnames_forget_cooked(*seen < FLOW_IFC_INDEXED ? *seen : FLOW_IFC_INDEXED);
		*seen = UINT32_MAX;
	}
	const char *name = pcapng_interface_name(c->ng->r, id);
	return *seen == ifindex && name[0] && strcmp(name, "any") ? name : NULL;
}

/* The current packet's interface as flow_key.ifc keeps it, its name
 * handed to ifnames when first met. */
static unsigned ng_interface(struct capture *c)
{
	const unsigned id = pcapng_packet_interface(c->ng->r);
	const unsigned ifc = id + 1 < FLOW_IFC_INDEXED ? id + 1 : FLOW_IFC_INDEXED;
	if (ifc > c->ng->named) {
		for (unsigned k = c->ng->named; k < ifc; k++)
			name_interface(NULL, k, pcapng_interface_name(c->ng->r, k),
				       pcapng_interface_dlt(c->ng->r, k));
		c->ng->named = ifc;
	}
	return ifc;
}

static int ng_dispatch(struct capture *c, int max, pcap_handler cb, u_char *user, char *err,
		       size_t errlen)
{
	int n = 0;
	uint64_t whole = c->pipe ? pipe_source_ready(c->pipe) : UINT64_MAX;
	for (; n < max && whole; whole -= whole != UINT64_MAX) {
		struct pcap_pkthdr h;
		const uint8_t *data;
		int dlt;
		char why[200];
		int rc = pcapng_next(c->ng->r, &h, &data, &dlt, why, sizeof(why));
		if (rc < 0) {
			snprintf(err, errlen, "%s: packet %llu: %s", c->name,
				 (unsigned long long)c->packets + 1, why);
			return -1;
		}
		if (rc == 0) {
			if (n == 0)
				c->eof = 1;
			break;
		}
		if (c->pipe)
			pipe_source_taken(c->pipe, 1);
		if (!ng_keeps(c, dlt, &h, data))
			continue;
		c->dlt = dlt;
		c->pkt_interface = ng_interface(c);
		cb(user, &h, data);
		n++;
	}
	return n;
}

int capture_pipe_fd(const struct capture *c)
{
	return c->pipe ? pipe_source_fd(c->pipe) : -1;
}

int capture_pipe_ready(struct capture *c)
{
	if (!c->pipe)
		return 1;
	pipe_source_poll(c->pipe);
	return pipe_source_ready(c->pipe) > 0;
}

/* A pipe's packets through --bpf-filter on their way to the callback. */
struct pipe_filter {
	struct capture *c;
	pcap_handler cb;
	u_char *user;
};

static void pipe_filtered(u_char *u, const struct pcap_pkthdr *h, const u_char *bytes)
{
	const struct pipe_filter *f = (const struct pipe_filter *)u;
	if (pcap_offline_filter(&f->c->pipe_prog, h, bytes))
		f->cb(f->user, h, bytes);
}

int capture_dispatch(struct capture *c, int max, pcap_handler cb, u_char *user,
		     char *err, size_t errlen)
{
	if (c->pipe && !capture_pipe_ready(c))
		return 0;	/* nothing whole yet: capture_pipe_fd says when */
	if (c->ng)
		return ng_dispatch(c, max > 0 ? max : 1024, cb, user, err, errlen);
	struct pipe_filter pf = { c, cb, user };
	if (c->pipe) {	/* whole records only: a read past them would wait */
		uint64_t whole = pipe_source_ready(c->pipe);
		if (whole != UINT64_MAX && (max <= 0 || whole < (uint64_t)max))
			max = (int)whole;
		if (c->pipe_filtered) {
			cb = pipe_filtered;
			user = (u_char *)&pf;
		}
	}
	int n = pcap_dispatch(c->p, max, cb, user);
	if (c->pipe && n > 0)
		pipe_source_taken(c->pipe, (uint64_t)n);
	if (n == PCAP_ERROR) {
		if (c->offline)
			snprintf(err, errlen, "%s: packet %llu: %s", c->name,
				 (unsigned long long)c->packets + 1, pcap_geterr(c->p));
		else
			snprintf(err, errlen, "capture on %s failed: %s", c->name, pcap_geterr(c->p));
		return -1;
	}
	if (n == PCAP_ERROR_BREAK)
		return 0;
	if (n == 0 && c->offline)
		c->eof = 1;
	return n;
}

int capture_stats(struct capture *c, struct pcap_stat *st)
{
	if (c->merged) {
		*st = c->merged_stats;
		return 0;
	}
	memset(st, 0, sizeof(*st));
	for (; c; c = c->next) {
		struct pcap_stat one;
		if (c->offline || !c->p || pcap_stats(c->p, &one) < 0)
			return -1;
		st->ps_recv += one.ps_recv;
		st->ps_drop += one.ps_drop;
		st->ps_ifdrop += one.ps_ifdrop;
	}
	return 0;
}

const char *capture_link_name(const struct capture *c)
{
	const char *n = pcap_datalink_val_to_name(c->dlt);
	return n ? n : "unknown";
}

void capture_close(struct capture *c)
{
	struct capture *next = c->next;
	c->next = NULL;
	while (next) {
		struct capture *after = next->next;
		next->next = NULL;
		capture_close(next);
		free(next);
		next = after;
	}
	if (c->p)
		pcap_close(c->p);
	c->p = NULL;
	ng_free(c);
	free(c->iobuf);		/* after the stream reading through it is closed */
	c->iobuf = NULL;
	c->pipe = NULL;		/* freed with its stream */
	if (c->pipe_filtered)
		pcap_freecode(&c->pipe_prog);
	c->pipe_filtered = 0;
	free(c->filter);
	c->filter = NULL;
}
