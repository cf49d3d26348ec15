/* pcap_export.c - --pcap-export / --pcapng-export (see the header). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "dpi.h"
#include "kubernetes.h"
#include "owners.h"
#include "pcap_export.h"
#include "strbuf.h"

/* pcapng (draft-ietf-opsawg-pcapng): block types and option codes used. */
#define PCAPNG_SHB 0x0A0D0D0Au
#define PCAPNG_IDB 0x00000001u
#define PCAPNG_EPB 0x00000006u
#define PCAPNG_BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define PCAPNG_OPT_END 0
#define PCAPNG_OPT_COMMENT 1
#define PCAPNG_IF_NAME 2
#define PCAPNG_SHB_USERAPPL 4
#define PCAPNG_COMMENT_MAX 1024	/* longer comments are cut */
#define PCAP_EXPORT_MAX_LINKS 254	/* interfaces a pcapng export describes (as many as
					 * core/pcapng_read.c tells apart); more share the
					 * first block of their link type */

#define UNFLUSHED_MAX 1024	/* packets between two flushes at most */

struct pcap_export {
	enum pcap_export_format fmt;
	FILE *fp;
	pcap_t *dead;			/* pcap: libpcap's writer needs a handle */
	pcap_dumper_t *dumper;
	uint32_t snaplen;
	/* pcapng: the link type of each interface block written (a file read
	 * with interfaces of several link types is exported with as many);
	 * pcap: [0] only, as a pcap file holds one */
	int dlts[PCAP_EXPORT_MAX_LINKS];
	char if_names[PCAP_EXPORT_MAX_LINKS][128];	/* pcapng: each block's if_name */
	unsigned ndlts;
	int cur;			/* the block of the last packet; -1: look again */
	char ifname[256];		/* the interface or file packets now come from */
	uint64_t packets, lost, unflushed, other_link;
	int failed;			/* reported once */
	int oom_told;			/* a block's allocation failure reported */
	int failed_once;		/* the file's offset was read at the first failure */
	/* What stdio holds and may not have written: each unflushed packet's
	 * end in the file (bytes handed to stdio so far), so that a failed
	 * write counts the packets the file lacks, not all since the last
	 * flush (stdio had written many of them when its buffer filled). */
	uint64_t handed;
	uint64_t ends[UNFLUSHED_MAX];
	struct strbuf block;		/* pcapng: the block being built */
	struct strbuf comment;
	char path[4096];
};

static void put32(struct strbuf *b, uint32_t v) { sb_put(b, (const char *)&v, 4); }
static void put16(struct strbuf *b, uint16_t v) { sb_put(b, (const char *)&v, 2); }

static void pad4(struct strbuf *b)
{
	static const char zero[4];
	sb_put(b, zero, (4 - b->len % 4) % 4);
}

/* An option: code, length, value padded to four bytes. */
static void put_option(struct strbuf *b, uint16_t code, const char *v, size_t n)
{
	if (n > 0xffff - 3)
		n = 0xffff - 3;
	put16(b, code);
	put16(b, (uint16_t)n);
	sb_put(b, v, n);
	pad4(b);
}

/* Ends a block begun with its type and a length placeholder: options end,
 * the total length written at both ends. Host byte order throughout: the
 * section header's magic says which. */
static int end_block(struct pcap_export *x, int with_options)
{
	struct strbuf *b = &x->block;
	if (with_options) {
		put16(b, PCAPNG_OPT_END);
		put16(b, 0);
	}
	uint32_t total = (uint32_t)b->len + 4;
	put32(b, total);
	if (b->oom)
		return -1;
	memcpy(b->buf + 4, &total, 4);
	x->handed += b->len;
	return fwrite(b->buf, 1, b->len, x->fp) == b->len ? 0 : -1;
}

static void begin_block(struct pcap_export *x, uint32_t type)
{
	x->block.oom = 0;	/* a failed allocation is tried again */
	sb_reset(&x->block);
	put32(&x->block, type);
	put32(&x->block, 0);	/* total length, filled in by end_block() */
}

/* The LINKTYPE_ a file records for libpcap's DLT_ (the same number but
 * for the raw-IP aliases; libpcap does this for pcap, not for us). */
static uint16_t linktype_of(int dlt)
{
	if (dlt == 12 || dlt == 14)
		return 101;	/* LINKTYPE_RAW */
	return (uint16_t)dlt;
}

static int pcapng_interface(struct pcap_export *x, int dlt)
{
	begin_block(x, PCAPNG_IDB);
	put16(&x->block, linktype_of(dlt));
	put16(&x->block, 0);
	put32(&x->block, x->snaplen);
	if (x->ifname[0])
		put_option(&x->block, PCAPNG_IF_NAME, x->ifname, strlen(x->ifname));
	if (end_block(x, 1) < 0)	/* no if_tsresol: microseconds, the default */
		return -1;
	snprintf(x->if_names[x->ndlts], sizeof(x->if_names[0]), "%.*s",
		 (int)sizeof(x->if_names[0]) - 1, x->ifname);
	x->dlts[x->ndlts++] = dlt;
	return 0;
}

static int pcapng_header(struct pcap_export *x, int dlt)
{
	begin_block(x, PCAPNG_SHB);
	put32(&x->block, PCAPNG_BYTE_ORDER_MAGIC);
	put16(&x->block, 1);	/* version 1.0 */
	put16(&x->block, 0);
	put32(&x->block, 0xffffffffu);	/* section length: not given */
	put32(&x->block, 0xffffffffu);
	put_option(&x->block, PCAPNG_SHB_USERAPPL, PACKAGE_STRING, strlen(PACKAGE_STRING));
	if (end_block(x, 1) < 0)
		return -1;
	return pcapng_interface(x, dlt);
}

struct pcap_export *pcap_export_open(const char *path, enum pcap_export_format fmt, int dlt,
				     uint32_t snaplen, const char *ifname, char *err, size_t errlen)
{
	const char *opt = fmt == PCAP_EXPORT_PCAP ? "--pcap-export" : "--pcapng-export";
	struct pcap_export *x = calloc(1, sizeof(*x));
	if (!x) {
		snprintf(err, errlen, "%s: out of memory", opt);
		return NULL;
	}
	x->fmt = fmt;
	x->cur = -1;
	x->snaplen = snaplen;
	x->dlts[0] = dlt;
	x->ndlts = fmt == PCAP_EXPORT_PCAP;
	snprintf(x->path, sizeof(x->path), "%s", path);
	snprintf(x->ifname, sizeof(x->ifname), "%s", ifname ? ifname : "");
	sb_init(&x->block);
	sb_init(&x->comment);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s %s: %s", opt, path,
			 errno == ELOOP ? "is a symbolic link (refused)" : strerror(errno));
		goto fail;
	}
	x->fp = fdopen(fd, "wb");
	if (!x->fp) {
		snprintf(err, errlen, "%s %s: %s", opt, path, strerror(errno));
		close(fd);
		goto fail;
	}
	if (fmt == PCAP_EXPORT_PCAP) {
		x->dead = pcap_open_dead(dlt, (int)snaplen);
		x->dumper = x->dead ? pcap_dump_fopen(x->dead, x->fp) : NULL;
		if (!x->dumper) {
			snprintf(err, errlen, "%s %s: %s", opt, path,
				 x->dead ? pcap_geterr(x->dead) : "out of memory");
			goto fail;
		}
		if (pcap_dump_flush(x->dumper) < 0) {	/* the file header, now: a full disk shows at start */
			snprintf(err, errlen, "%s %s: cannot write: %s", opt, path, strerror(errno));
			goto fail;
		}
	} else if (pcapng_header(x, dlt) < 0 || fflush(x->fp) != 0) {
		snprintf(err, errlen, "%s %s: cannot write: %s", opt, path, strerror(errno));
		goto fail;
	}
	off_t at = lseek(fd, 0, SEEK_CUR);	/* the header's end (a pipe: no matter) */
	x->handed = at > 0 ? (uint64_t)at : 0;
	return x;
fail:
	if (x->dumper)
		pcap_dump_close(x->dumper);	/* closes fp too */
	else if (x->fp)
		fclose(x->fp);
	if (x->dead)
		pcap_close(x->dead);
	sb_free(&x->block);
	sb_free(&x->comment);
	free(x);
	return NULL;
}

/* key=value, the value printable and without spaces. */
static void put_pair(struct strbuf *b, const char *key, const char *v, size_t n)
{
	sb_putc(b, ' ');
	sb_puts(b, key);
	sb_putc(b, '=');
	for (size_t i = 0; i < n;) {
		size_t l = sb_shown_len(v + i, n - i);
		if (l && v[i] != ' ') {
			sb_put(b, v + i, l);
			i += l;
		} else {
			sb_printf(b, "\\x%02x", (unsigned char)v[i]);
			i++;
		}
	}
}

static void put_num(struct strbuf *b, const char *key, uint64_t v)
{
	char d[24];
	snprintf(d, sizeof(d), "%llu", (unsigned long long)v);
	put_pair(b, key, d, strlen(d));
}

void pcap_export_comment(struct strbuf *b, const struct flow *f)
{
	sb_puts(b, "netlens");
	if (!f)
		return;
	uint32_t owner = owners_of(owners_current, f);
	const struct owner_proc *proc = owner ? owners_proc(owners_current, owner) : NULL;
	if (proc) {
		put_pair(b, "process", proc->info.name, strlen(proc->info.name));
		put_num(b, "pid", proc->info.pid);
		if (proc->info.ppid)
			put_num(b, "ppid", proc->info.ppid);
		if (proc->info.uid != OWNER_UID_UNKNOWN)
			put_num(b, "uid", proc->info.uid);
		const char *attr = owners_match_token(owner);
		put_pair(b, "attr", attr, strlen(attr));
		struct kube_view kv;	/* RustNet's pod fields, each when known */
		if (kube_current && kube_lookup(kube_current, proc->info.cgroup, clock_wall_us(), &kv)) {
			if (kv.pod_name[0])
				put_pair(b, "pod", kv.pod_name, strlen(kv.pod_name));
			if (kv.pod_namespace[0])
				put_pair(b, "ns", kv.pod_namespace, strlen(kv.pod_namespace));
			put_pair(b, "pod_uid", kv.pod_uid, strlen(kv.pod_uid));
			if (kv.container_name[0])
				put_pair(b, "container", kv.container_name, strlen(kv.container_name));
			if (kv.container_id[0])
				put_pair(b, "container_id", kv.container_id, strlen(kv.container_id));
		}
	}
	int la = (f->flags & FLOW_LOCAL_A) != 0, lb = (f->flags & FLOW_LOCAL_B) != 0;
	if (la != lb) {
		const char *d = (f->flags & FLOW_DST_INITIATED) ? "incoming" : "outgoing";
		put_pair(b, "direction", d, strlen(d));
	}
	const char *app = dpi_owner_display(dpi_current, f->dpi);
	if (app)
		put_pair(b, "app", app, strlen(app));
	size_t n = 0;
	const char *dom = dpi_domain(dpi_current, f->dpi, &n);
	if (dom && n)
		put_pair(b, "sni", dom, n);
}

static void write_failed(struct pcap_export *x)
{
	int e = errno ? errno : EIO;
	if (!x->failed)
		fprintf(stderr, "netlens: %s %s: write failed: %s; packets are no longer all written\n",
			x->fmt == PCAP_EXPORT_PCAP ? "--pcap-export" : "--pcapng-export", x->path,
			strerror(e));
	x->failed = 1;
	/* A regular file's offset says how much really went: the packets that
	 * end past it are the lost ones (a pipe's cannot say: all of them).
	 * After the first failure stdio's error sticks: nothing more goes. */
	off_t on_disk = x->failed_once ? -1 : lseek(fileno(x->fp), 0, SEEK_CUR);
	uint64_t gone = x->unflushed;
	if (on_disk >= 0 && x->unflushed <= UNFLUSHED_MAX) {
		gone = 0;
		for (uint64_t i = 0; i < x->unflushed; i++)
			gone += x->ends[i] > (uint64_t)on_disk;
	}
	x->failed_once = 1;
	x->lost += gone;
	x->unflushed = 0;
}

/* A packet handed to stdio (pcap: n bytes; pcapng: end_block() counted
 * its block): its end noted, and stdio flushed when as many wait as a
 * failure can account for. */
static void note_unflushed(struct pcap_export *x, uint64_t n)
{
	x->handed += n;
	if (x->unflushed < UNFLUSHED_MAX)
		x->ends[x->unflushed] = x->handed;
	if (++x->unflushed >= UNFLUSHED_MAX)
		pcap_export_flush(x);
}

/* The interface of a packet of link type dlt, written first when new;
 * -1 when the file cannot describe it, -2 when writing the interface
 * failed. The last packet's is kept: packets come in runs. */
static int interface_for(struct pcap_export *x, int dlt)
{
	if (x->cur >= 0 && x->dlts[x->cur] == dlt)
		return x->cur;
	int same_link = -1;
	for (unsigned i = 0; i < x->ndlts; i++) {
		if (x->dlts[i] != dlt)
			continue;
		if (same_link < 0)
			same_link = (int)i;
		if (x->fmt == PCAP_EXPORT_PCAP || !strncmp(x->if_names[i], x->ifname, sizeof(x->if_names[0]) - 1))
			return x->cur = (int)i;
	}
	if (x->fmt == PCAP_EXPORT_PCAP)
		return -1;
	if (x->ndlts == PCAP_EXPORT_MAX_LINKS)	/* -i any on a host of many veths */
		return same_link >= 0 ? (x->cur = same_link) : -1;
	if (pcapng_interface(x, dlt) < 0) {
		write_failed(x);
		return -2;
	}
	return x->cur = (int)x->ndlts - 1;
}

void pcap_export_from(struct pcap_export *x, const char *ifname)
{
	if (x && strcmp(x->ifname, ifname)) {
		snprintf(x->ifname, sizeof(x->ifname), "%s", ifname);
		x->cur = -1;
	}
}

void pcap_export_packet(struct pcap_export *x, int dlt, const struct pcap_pkthdr *h,
			const u_char *bytes, const struct flow *f)
{
	if (!x)
		return;
	int ifc = interface_for(x, dlt);
	if (ifc == -1) {
		x->other_link++;
		return;
	}
	if (ifc < 0) {		/* its interface could not be written: a lost packet */
		x->packets++;
		x->lost++;
		return;
	}
	x->packets++;
	if (x->fmt == PCAP_EXPORT_PCAP) {
		pcap_dump((u_char *)x->dumper, h, bytes);
		note_unflushed(x, 16 + (uint64_t)h->caplen);	/* record header and bytes */
		return;
	}
	struct strbuf *b = &x->block;
	uint64_t us = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
	begin_block(x, PCAPNG_EPB);
	put32(b, (uint32_t)ifc);
	put32(b, (uint32_t)(us >> 32));
	put32(b, (uint32_t)us);
	put32(b, h->caplen);
	put32(b, h->len);
	sb_put(b, (const char *)bytes, h->caplen);
	pad4(b);
	sb_reset(&x->comment);
	pcap_export_comment(&x->comment, f);
	put_option(b, PCAPNG_OPT_COMMENT, x->comment.buf,
		   x->comment.len < PCAPNG_COMMENT_MAX ? x->comment.len : PCAPNG_COMMENT_MAX);
	int rc = end_block(x, 1);	/* counted in x->handed */
	if (rc < 0 && b->oom) {
		/* The block could not be built: nothing went to the file, so
		 * this packet is lost and the file is still whole (no end to
		 * note, no write to blame); the next one is tried afresh. */
		if (!x->oom_told)
			fprintf(stderr, "netlens: --pcapng-export %s: out of memory; a packet was not "
				"written\n", x->path);
		x->oom_told = 1;
		x->lost++;
		return;
	}
	note_unflushed(x, 0);
	if (rc < 0)
		write_failed(x);
}

void pcap_export_flush(struct pcap_export *x)
{
	if (!x)
		return;
	if (fflush(x->fp) != 0 || ferror(x->fp))
		write_failed(x);
	else
		x->unflushed = 0;
}

uint64_t pcap_export_close(struct pcap_export *x)
{
	if (!x)
		return 0;
	pcap_export_flush(x);
	int rc;
	if (x->dumper) {
		pcap_dump_flush(x->dumper);
		rc = ferror(x->fp) ? -1 : 0;
		pcap_dump_close(x->dumper);	/* fclose()s */
	} else {
		rc = fclose(x->fp);
	}
	if (rc != 0)
		write_failed(x);
	if (x->dead)
		pcap_close(x->dead);
	uint64_t lost = x->lost;
	sb_free(&x->block);
	sb_free(&x->comment);
	free(x);
	return lost;
}

uint64_t pcap_export_packets(const struct pcap_export *x) { return x ? x->packets : 0; }
uint64_t pcap_export_other_link(const struct pcap_export *x) { return x ? x->other_link : 0; }
const char *pcap_export_path(const struct pcap_export *x) { return x ? x->path : ""; }
