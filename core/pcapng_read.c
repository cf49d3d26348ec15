/* pcapng_read.c - pcapng with interfaces of different link types (see the header). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pcapng_read.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 1u
#define BT_OPB 2u	/* obsolete packet block, still written by old tools */
#define BT_SPB 3u
#define BT_EPB 6u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define OPT_END 0
#define OPT_IF_NAME 2
#define OPT_IF_DESCRIPTION 3
#define OPT_IF_TSRESOL 9
#define OPT_IF_TSOFFSET 14
#define NPF_PREFIX "\\Device\\NPF_"	/* WinPcap/Npcap's device paths */

struct iface {
	int dlt;
	uint32_t snaplen;
	int pow2;		/* the resolution is 2^-exp, else 10^-exp */
	unsigned exp;
	int64_t tsoffset;	/* seconds */
	unsigned id;		/* among the file's distinct interfaces */
};

/* An interface of the file, whichever sections declared it. */
struct distinct {
	int dlt;
	uint32_t place;		/* its number in the section that declared it first */
	uint32_t section;	/* the last section that declared it */
	char name[PCAPNG_NAME_MAX];
};

struct pcapng_reader {
	FILE *fp;
	uint64_t offset;	/* of the next block in the file */
	int swap;		/* this section's byte order is not ours */
	struct iface *ifs;
	uint32_t nifs, ifs_cap;
	uint32_t max_snaplen;
	uint8_t *buf;		/* the current block, whole */
	uint32_t buf_cap;
	uint32_t section;	/* sections begun, the current one's number */
	int pending;		/* buf holds a packet block pcapng_peek read ahead */
	uint32_t pending_type, pending_len;
	uint64_t pending_at;
	struct distinct *known;	/* PCAPNG_DISTINCT_MAX of them, allocated on the first */
	unsigned nknown;	/* up to PCAPNG_DISTINCT_MAX + 1: the last is "the rest" */
	unsigned last_id;	/* the interface of the packet returned last */
};

static uint32_t rd32(const struct pcapng_reader *r, const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return r->swap ? __builtin_bswap32(v) : v;
}

static uint16_t rd16(const struct pcapng_reader *r, const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return r->swap ? __builtin_bswap16(v) : v;
}

static int fail(struct pcapng_reader *r, uint64_t at, char *err, size_t errlen, const char *why)
{
	(void)r;
	snprintf(err, errlen, "pcapng block at byte %llu: %s", (unsigned long long)at, why);
	return -1;
}

/* Reads n bytes; 1 done, 0 nothing at all (end of file), -1 fewer. */
static int read_exact(struct pcapng_reader *r, void *dst, size_t n)
{
	size_t got = fread(dst, 1, n, r->fp);
	r->offset += got;
	if (got == n)
		return 1;
	return got == 0 && feof(r->fp) ? 0 : -1;
}

static int grow(struct pcapng_reader *r, uint32_t need)
{
	if (need <= r->buf_cap)
		return 0;
	uint32_t cap = r->buf_cap ? r->buf_cap : 4096;
	while (cap < need)
		cap *= 2;	/* need <= PCAPNG_MAX_BLOCK: no overflow */
	uint8_t *b = realloc(r->buf, cap);
	if (!b)
		return -1;
	r->buf = b;
	r->buf_cap = cap;
	return 0;
}

/* One whole block into r->buf: 1, 0 at a clean end of file, -1. *len is
 * its total length; a section header sets the byte order first. */
static int read_block(struct pcapng_reader *r, uint32_t *type, uint32_t *len, uint64_t *at,
		      char *err, size_t errlen)
{
	uint8_t hdr[12];
	*at = r->offset;
	int rc = read_exact(r, hdr, 8);
	if (rc == 0)
		return 0;
	if (rc < 0)
		return fail(r, *at, err, errlen, "the file ends inside a block header");
	uint32_t raw_type;
	memcpy(&raw_type, hdr, 4);
	if (raw_type == BT_SHB) {	/* the same in both byte orders */
		if (read_exact(r, hdr + 8, 4) != 1)
			return fail(r, *at, err, errlen, "the file ends inside a section header");
		uint32_t magic;
		memcpy(&magic, hdr + 8, 4);
		if (magic == BYTE_ORDER_MAGIC)
			r->swap = 0;
		else if (magic == __builtin_bswap32(BYTE_ORDER_MAGIC))
			r->swap = 1;
		else
			return fail(r, *at, err, errlen, "a section header with no byte-order magic");
	}
	*type = rd32(r, hdr);
	*len = rd32(r, hdr + 4);
	uint32_t have = raw_type == BT_SHB ? 12 : 8;
	if (*len < 12 || *len % 4 || *len < have)
		return fail(r, *at, err, errlen, "a block length that is not a multiple of 4 of at least 12");
	if (*len > PCAPNG_MAX_BLOCK)
		return fail(r, *at, err, errlen, "a block longer than 16 MiB");
	if (grow(r, *len) < 0)
		return fail(r, *at, err, errlen, "out of memory");
	memcpy(r->buf, hdr, have);
	if (read_exact(r, r->buf + have, *len - have) != 1)
		return fail(r, *at, err, errlen, "the file ends inside the block");
	if (rd32(r, r->buf + *len - 4) != *len)
		return fail(r, *at, err, errlen, "the block's two lengths differ");
	return 1;
}

static int section_header(struct pcapng_reader *r, uint32_t len, uint64_t at, char *err,
			  size_t errlen)
{
	if (len < 28)
		return fail(r, at, err, errlen, "a section header shorter than 28 bytes");
	if (rd16(r, r->buf + 12) != 1)
		return fail(r, at, err, errlen, "a section of a pcapng version other than 1.x");
	r->nifs = 0;	/* a section's interfaces are its own */
	r->section++;
	return 0;
}

/* An option's text up to its first NUL, cut to fit out. */
static void copy_text(char *out, const uint8_t *p, uint16_t n)
{
	size_t k = 0;
	while (k < n && k < PCAPNG_NAME_MAX - 1 && p[k])
		k++;
	memcpy(out, p, k);
	out[k] = '\0';
}

/* The id of the interface just declared (see pcapng_packet_interface). */
static int distinct_id(struct pcapng_reader *r, int dlt, const char *name, unsigned *id)
{
	const uint32_t place = r->nifs;
	for (unsigned k = 0; k < r->nknown && k < PCAPNG_DISTINCT_MAX; k++) {
		struct distinct *d = &r->known[k];
		if (d->dlt != dlt || d->section == r->section)
			continue;	/* another link type, or already one of this section's */
		if (name[0] ? !strcmp(d->name, name) : (!d->name[0] && d->place == place)) {
			d->section = r->section;
			*id = k;
			return 0;
		}
	}
	if (r->nknown >= PCAPNG_DISTINCT_MAX) {
		r->nknown = PCAPNG_DISTINCT_MAX + 1;
		*id = PCAPNG_DISTINCT_MAX;	/* one id for all the rest */
		return 0;
	}
	if (!r->known && !(r->known = calloc(PCAPNG_DISTINCT_MAX, sizeof(*r->known))))
		return -1;
	struct distinct *d = &r->known[r->nknown];
	d->dlt = dlt;
	d->place = place;
	d->section = r->section;
	snprintf(d->name, sizeof(d->name), "%s", name);
	*id = r->nknown++;
	return 0;
}

static int interface_block(struct pcapng_reader *r, uint32_t len, uint64_t at, char *err,
			   size_t errlen)
{
	if (len < 20)
		return fail(r, at, err, errlen, "an interface block shorter than 20 bytes");
	if (r->nifs >= PCAPNG_MAX_INTERFACES)
		return fail(r, at, err, errlen, "more than 4096 interfaces in one section");
	if (r->nifs == r->ifs_cap) {
		uint32_t cap = r->ifs_cap ? r->ifs_cap * 2 : 8;
		struct iface *n = realloc(r->ifs, cap * sizeof(*n));
		if (!n)
			return fail(r, at, err, errlen, "out of memory");
		r->ifs = n;
		r->ifs_cap = cap;
	}
	struct iface *i = &r->ifs[r->nifs];
	memset(i, 0, sizeof(*i));
	i->dlt = rd16(r, r->buf + 8);
	if (i->dlt == 101)
		i->dlt = DLT_RAW;	/* LINKTYPE_RAW, as libpcap maps it */
	i->snaplen = rd32(r, r->buf + 12);
	i->exp = 6;
	char if_name[PCAPNG_NAME_MAX] = "", if_description[PCAPNG_NAME_MAX] = "";
	/* options: code, length, value padded to 4, up to the trailing length */
	const uint8_t *p = r->buf + 16, *end = r->buf + len - 4;
	while (end - p >= 4) {
		uint16_t code = rd16(r, p), olen = rd16(r, p + 2);
		p += 4;
		if (code == OPT_END)
			break;
		uint32_t padded = (olen + 3u) & ~3u;
		if ((size_t)(end - p) < padded)
			return fail(r, at, err, errlen, "an interface option longer than its block");
		if (code == OPT_IF_TSRESOL && olen == 1) {
			i->pow2 = p[0] >> 7;
			i->exp = p[0] & 0x7f;
			if ((!i->pow2 && i->exp > 19) || (i->pow2 && i->exp > 63))
				return fail(r, at, err, errlen, "an interface's time resolution is finer than 10^-19 s or 2^-63 s");
		} else if (code == OPT_IF_TSOFFSET && olen == 8) {
			uint64_t v;	/* one 64-bit value in the section's byte order */
			memcpy(&v, p, 8);
			if (r->swap)
				v = __builtin_bswap64(v);
			i->tsoffset = (int64_t)v;
		} else if (code == OPT_IF_NAME) {
			copy_text(if_name, p, olen);
		} else if (code == OPT_IF_DESCRIPTION) {
			copy_text(if_description, p, olen);
		}
		p += padded;
	}
	const int npf = !strncmp(if_name, NPF_PREFIX, strlen(NPF_PREFIX));
	if (distinct_id(r, i->dlt, if_name[0] && !(npf && if_description[0]) ? if_name : if_description,
			&i->id) < 0)
		return fail(r, at, err, errlen, "out of memory");
	if (i->snaplen > r->max_snaplen)
		r->max_snaplen = i->snaplen;
	r->nifs++;
	return 0;
}

/* A timestamp in the interface's units as seconds and microseconds,
 * rounded down. */
static void to_timeval(const struct iface *i, uint64_t units, struct timeval *tv)
{
	uint64_t sec, usec;
	if (!i->pow2) {
		uint64_t div = 1;
		for (unsigned k = 0; k < i->exp; k++)
			div *= 10;
		sec = units / div;
		uint64_t frac = units % div;
		if (i->exp >= 6) {
			uint64_t down = 1;
			for (unsigned k = 6; k < i->exp; k++)
				down *= 10;
			usec = frac / down;
		} else {
			uint64_t up = 1;
			for (unsigned k = i->exp; k < 6; k++)
				up *= 10;
			usec = frac * up;
		}
	} else {
		unsigned e = i->exp;
		sec = e ? units >> e : units;
		uint64_t frac = e ? units & ((UINT64_C(1) << e) - 1) : 0;
		if (e > 44) {	/* frac * 10^6 would not fit in 64 bits */
			frac >>= e - 44;
			e = 44;
		}
		usec = e ? (frac * 1000000u) >> e : 0;
	}
	tv->tv_sec = (time_t)(int64_t)(sec + (uint64_t)i->tsoffset);	/* wraps, never UB */
	tv->tv_usec = (suseconds_t)usec;
}

static const struct iface *iface_of(struct pcapng_reader *r, uint32_t id, uint64_t at, char *err,
				    size_t errlen)
{
	if (id < r->nifs)
		return &r->ifs[id];
	char why[96];
	snprintf(why, sizeof(why), "a packet of interface %u, but the section has %u", id, r->nifs);
	fail(r, at, err, errlen, why);
	return NULL;
}

struct pcapng_reader *pcapng_open(FILE *fp, char *err, size_t errlen)
{
	struct pcapng_reader *r = calloc(1, sizeof(*r));
	if (!r) {
		fclose(fp);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->fp = fp;
	r->offset = (uint64_t)(ftello(fp) > 0 ? ftello(fp) : 0);
	uint32_t type, len;
	uint64_t at;
	int rc = read_block(r, &type, &len, &at, err, errlen);
	if (rc == 0)
		snprintf(err, errlen, "an empty file");
	else if (rc > 0 && type != BT_SHB)
		snprintf(err, errlen, "not a pcapng file");
	if (rc <= 0 || type != BT_SHB || section_header(r, len, at, err, errlen) < 0) {
		pcapng_close(r);
		return NULL;
	}
	return r;
}

int pcapng_next(struct pcapng_reader *r, struct pcap_pkthdr *h, const uint8_t **data, int *dlt,
		char *err, size_t errlen)
{
	for (;;) {
		uint32_t type, len;
		uint64_t at;
		if (r->pending) {	/* the block pcapng_peek stopped at */
			r->pending = 0;
			type = r->pending_type;
			len = r->pending_len;
			at = r->pending_at;
		} else {
			int rc = read_block(r, &type, &len, &at, err, errlen);
			if (rc <= 0)
				return rc;
		}
		const uint8_t *b = r->buf;
		const struct iface *i;
		uint32_t caplen, wirelen;
		uint64_t units;
		switch (type) {
		case BT_SHB:
			if (section_header(r, len, at, err, errlen) < 0)
				return -1;
			continue;
		case BT_IDB:
			if (interface_block(r, len, at, err, errlen) < 0)
				return -1;
			continue;
		case BT_EPB:
		case BT_OPB:
			if (len < 32)
				return fail(r, at, err, errlen, "a packet block shorter than 32 bytes");
			if (!(i = iface_of(r, type == BT_EPB ? rd32(r, b + 8) : rd16(r, b + 8), at, err, errlen)))
				return -1;
			units = (uint64_t)rd32(r, b + 12) << 32 | rd32(r, b + 16);
			caplen = rd32(r, b + 20);
			wirelen = rd32(r, b + 24);
			if (caplen > len - 32)
				return fail(r, at, err, errlen, "a packet longer than its block");
			to_timeval(i, units, &h->ts);
			*data = b + 28;
			break;
		case BT_SPB:
			if (len < 16)
				return fail(r, at, err, errlen, "a simple packet block shorter than 16 bytes");
			if (!(i = iface_of(r, 0, at, err, errlen)))
				return -1;
			wirelen = rd32(r, b + 8);
			caplen = wirelen < len - 16 ? wirelen : len - 16;
			if (i->snaplen && caplen > i->snaplen)
				caplen = i->snaplen;
			h->ts.tv_sec = 0;	/* a simple packet block has no time */
			h->ts.tv_usec = 0;
			*data = b + 12;
			break;
		default:
			continue;	/* statistics, names, decryption secrets, custom */
		}
		h->caplen = caplen;
		h->len = wirelen;
		*dlt = i->dlt;
		r->last_id = i->id;
		return 1;
	}
}

int pcapng_peek(struct pcapng_reader *r, char *err, size_t errlen)
{
	return pcapng_peek_arrived(r, NULL, NULL, err, errlen);
}

int pcapng_peek_arrived(struct pcapng_reader *r, int (*arrived)(void *ctx, uint64_t offset),
			void *ctx, char *err, size_t errlen)
{
	if (r->pending)
		return 1;
	for (;;) {
		uint32_t type, len;
		uint64_t at;
		if (arrived && !arrived(ctx, r->offset))
			return 2;
		int rc = read_block(r, &type, &len, &at, err, errlen);
		if (rc <= 0)
			return rc;
		if (type == BT_EPB || type == BT_OPB || type == BT_SPB) {
			r->pending = 1;
			r->pending_type = type;
			r->pending_len = len;
			r->pending_at = at;
			return 1;
		}
		if ((type == BT_SHB && section_header(r, len, at, err, errlen) < 0) ||
		    (type == BT_IDB && interface_block(r, len, at, err, errlen) < 0))
			return -1;
	}
}

uint32_t pcapng_snaplen(const struct pcapng_reader *r) { return r->max_snaplen; }

unsigned pcapng_packet_interface(const struct pcapng_reader *r) { return r->last_id; }

unsigned pcapng_interfaces(const struct pcapng_reader *r) { return r->nknown; }

const char *pcapng_interface_name(const struct pcapng_reader *r, unsigned n)
{
	return n < r->nknown && n < PCAPNG_DISTINCT_MAX ? r->known[n].name : "";
}

int pcapng_interface_dlt(const struct pcapng_reader *r, unsigned n)
{
	return n < r->nknown && n < PCAPNG_DISTINCT_MAX ? r->known[n].dlt : -1;
}

void pcapng_close(struct pcapng_reader *r)
{
	if (!r)
		return;
	if (r->fp && r->fp != stdin)
		fclose(r->fp);
	free(r->ifs);
	free(r->known);
	free(r->buf);
	free(r);
}
