/*
 * test_pcapng_read.c - core/pcapng_read.c, the reader for pcapng files
 * whose interfaces differ in link type:
 *  - packets of three link types in one section come out with their own
 *    link type, lengths and bytes; a second section in the other byte order
 *    starts its interfaces again; blocks of other types are skipped;
 *  - timestamps in every resolution (10^-3, 10^-6, 10^-9, 2^-20, 2^-63,
 *    10^-19) and with if_tsoffset come out in microseconds rounded down;
 *  - simple packet blocks (cut to the interface's snaplen) and obsolete
 *    packet blocks;
 *  - a pcapng file netlens' own --pcapng-export wrote with three link types
 *    reads back packet for packet; an export names a block per interface,
 *    254 at most (then a packet goes under its link type's first block);
 *  - each packet's interface among the file's distinct ones: names from
 *    if_name, or if_description behind a WinPcap device path; a later
 *    section's interface with an earlier one's link type and name (or,
 *    unnamed, place) is that one again, another link type is not; an
 *    interface declared after packets; past 254 interfaces one id for the
 *    rest; pcapng_peek learns those before the first packet (their names)
 *    and keeps that packet first;
 *  - hostile files: each damage is an error naming the block's offset,
 *    never a crash or a read past a block (ASan): lengths not a multiple
 *    of 4, too short, over 16 MiB, two lengths differing, a file cut
 *    inside a header or a block, a packet longer than its block, a packet
 *    of an undeclared interface, a simple packet before any interface, no
 *    byte-order magic, version 2, an option past its block, 4 097
 *    interfaces, a resolution of 10^-20 s.
 */
#include "config.h"

#include <pcap/pcap.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "core/pcap_export.h"
#include "core/pcapng_read.h"

/* A pcapng image built in memory, in either byte order. */
struct img {
	uint8_t *b;
	size_t len, cap;
	int big;
};

static void put(struct img *m, const void *p, size_t n)
{
	if (m->len + n > m->cap) {
		m->cap = (m->len + n) * 2 + 64;
		m->b = realloc(m->b, m->cap);
		ck_assert_ptr_nonnull(m->b);
	}
	memcpy(m->b + m->len, p, n);
	m->len += n;
}

static void put16(struct img *m, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	if (m->big) {
		b[0] = (uint8_t)(v >> 8);
		b[1] = (uint8_t)v;
	}
	put(m, b, 2);
}

static void put32(struct img *m, uint32_t v)
{
	uint8_t b[4];
	for (int i = 0; i < 4; i++)
		b[m->big ? 3 - i : i] = (uint8_t)(v >> (8 * i));
	put(m, b, 4);
}

static void put64(struct img *m, uint64_t v)
{
	uint8_t b[8];
	for (int i = 0; i < 8; i++)
		b[m->big ? 7 - i : i] = (uint8_t)(v >> (8 * i));
	put(m, b, 8);
}

static void pad(struct img *m)
{
	static const uint8_t z[4];
	put(m, z, (4 - m->len % 4) % 4);
}

/* Blocks: begin() writes type and a length placeholder; end() pads and
 * writes the length at both ends. */
static size_t begin(struct img *m, uint32_t type)
{
	size_t at = m->len;
	put32(m, type);
	put32(m, 0);
	return at;
}

static void end(struct img *m, size_t at)
{
	pad(m);
	uint32_t total = (uint32_t)(m->len - at + 4);
	put32(m, total);
	size_t keep = m->len;
	m->len = at + 4;
	put32(m, total);
	m->len = keep;
}

static void shb(struct img *m, int big)
{
	m->big = big;
	size_t at = begin(m, 0x0A0D0D0A);
	put32(m, 0x1A2B3C4D);
	put16(m, 1);
	put16(m, 0);
	put64(m, UINT64_MAX);
	end(m, at);
}

/* tsresol < 0: no option; tsoffset 0: no option. */
static void idb(struct img *m, uint16_t linktype, uint32_t snaplen, int tsresol, int64_t tsoffset)
{
	size_t at = begin(m, 1);
	put16(m, linktype);
	put16(m, 0);
	put32(m, snaplen);
	if (tsresol >= 0) {
		put16(m, 9);
		put16(m, 1);
		uint8_t r = (uint8_t)tsresol;
		put(m, &r, 1);
		pad(m);
	}
	if (tsoffset) {
		put16(m, 14);
		put16(m, 8);
		put64(m, (uint64_t)tsoffset);
	}
	if (tsresol >= 0 || tsoffset) {
		put16(m, 0);
		put16(m, 0);
	}
	end(m, at);
}

/* An interface block with if_name and/or if_description (NULL: none). */
static void idb_named(struct img *m, uint16_t linktype, const char *name, const char *descr)
{
	size_t at = begin(m, 1);
	put16(m, linktype);
	put16(m, 0);
	put32(m, 0);
	const char *v[2] = { name, descr };
	for (int k = 0; k < 2; k++)
		if (v[k]) {
			put16(m, (uint16_t)(2 + k));
			put16(m, (uint16_t)strlen(v[k]));
			put(m, v[k], strlen(v[k]));
			pad(m);
		}
	put16(m, 0);
	put16(m, 0);
	end(m, at);
}

static void epb(struct img *m, uint32_t ifc, uint64_t units, const uint8_t *d, uint32_t caplen,
		uint32_t len)
{
	size_t at = begin(m, 6);
	put32(m, ifc);
	put32(m, (uint32_t)(units >> 32));
	put32(m, (uint32_t)units);
	put32(m, caplen);
	put32(m, len);
	put(m, d, caplen);
	end(m, at);
}

static void opb(struct img *m, uint16_t ifc, uint64_t units, const uint8_t *d, uint32_t caplen)
{
	size_t at = begin(m, 2);
	put16(m, ifc);
	put16(m, 7);	/* drops */
	put32(m, (uint32_t)(units >> 32));
	put32(m, (uint32_t)units);
	put32(m, caplen);
	put32(m, caplen);
	put(m, d, caplen);
	end(m, at);
}

static void spb(struct img *m, const uint8_t *d, uint32_t len, uint32_t stored)
{
	size_t at = begin(m, 3);
	put32(m, len);
	put(m, d, stored);
	end(m, at);
}

static void other_block(struct img *m, uint32_t type, const char *body)
{
	size_t at = begin(m, type);
	put(m, body, strlen(body));
	end(m, at);
}

static struct pcapng_reader *open_img(const struct img *m, char *err, size_t errlen)
{
	FILE *fp = fmemopen(m->b, m->len, "rb");
	ck_assert_ptr_nonnull(fp);
	return pcapng_open(fp, err, errlen);
}

struct got {
	struct pcap_pkthdr h;
	int dlt;
	uint8_t data[64];
};

/* Reads every packet into g (up to n); returns how many, or -1 with err. */
static int read_all(const struct img *m, struct got *g, int n, char *err, size_t errlen)
{
	struct pcapng_reader *r = open_img(m, err, errlen);
	if (!r)
		return -1;
	int k = 0, rc;
	const uint8_t *d;
	struct pcap_pkthdr h;
	int dlt;
	while ((rc = pcapng_next(r, &h, &d, &dlt, err, errlen)) == 1) {
		ck_assert_int_lt(k, n);
		g[k].h = h;
		g[k].dlt = dlt;
		memcpy(g[k].data, d, h.caplen < 64 ? h.caplen : 64);
		k++;
	}
	pcapng_close(r);
	return rc < 0 ? -1 : k;
}

static const uint8_t pay[40] = "0123456789abcdefghijklmnopqrstuvwxyzABCD";

START_TEST(link_types_and_sections)
{
	struct img m = { 0 };
	char err[256];
	struct got g[8];
	shb(&m, 0);
	idb(&m, 1, 0, -1, 0);
	epb(&m, 0, UINT64_C(1700000000123456), pay, 20, 60);
	other_block(&m, 4, "");	/* name resolution */
	idb(&m, 0, 0, -1, 0);
	other_block(&m, 0x40000BAD, "custom");
	idb(&m, 101, 0, -1, 0);
	epb(&m, 2, UINT64_C(1700000001000000), pay + 1, 9, 9);
	epb(&m, 1, UINT64_C(1700000002000000), pay + 2, 4, 4);
	other_block(&m, 5, "stats");
	shb(&m, 1);	/* big-endian; its interface 0 is new */
	idb(&m, 113, 0, -1, 0);
	epb(&m, 0, UINT64_C(1700000003000001), pay + 3, 16, 16);
	ck_assert_int_eq(read_all(&m, g, 8, err, sizeof(err)), 4);
	ck_assert_int_eq(g[0].dlt, 1);
	ck_assert_uint_eq(g[0].h.caplen, 20);
	ck_assert_uint_eq(g[0].h.len, 60);
	ck_assert_int_eq(g[0].h.ts.tv_sec, 1700000000);
	ck_assert_int_eq(g[0].h.ts.tv_usec, 123456);
	ck_assert_mem_eq(g[0].data, pay, 20);
	ck_assert_int_eq(g[1].dlt, DLT_RAW);	/* LINKTYPE_RAW as libpcap maps it */
	ck_assert_mem_eq(g[1].data, pay + 1, 9);
	ck_assert_int_eq(g[2].dlt, 0);
	ck_assert_int_eq(g[2].h.ts.tv_sec, 1700000002);
	ck_assert_int_eq(g[3].dlt, 113);
	ck_assert_uint_eq(g[3].h.caplen, 16);
	ck_assert_int_eq(g[3].h.ts.tv_usec, 1);
	ck_assert_mem_eq(g[3].data, pay + 3, 16);
	free(m.b);
}
END_TEST

/* Reads every packet, its interface id into ids; returns how many. */
static int read_ids(const struct img *m, unsigned *ids, int n, struct pcapng_reader **keep)
{
	char err[256];
	struct pcapng_reader *r = open_img(m, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	int k = 0, rc, dlt;
	const uint8_t *d;
	struct pcap_pkthdr h;
	while ((rc = pcapng_next(r, &h, &d, &dlt, err, sizeof(err))) == 1) {
		ck_assert_int_lt(k, n);
		ids[k++] = pcapng_packet_interface(r);
	}
	ck_assert_msg(rc == 0, "%s", err);
	*keep = r;
	return k;
}

static void names_seen(void *ctx, unsigned id, const char *name, int dlt)
{
	char *out = ctx;
	char one[96];
	snprintf(one, sizeof(one), "%s%u:%s/%d", *out ? " " : "", id, name, dlt);
	strcat(out, one);
}

START_TEST(interfaces)
{
	struct img m = { 0 };
	unsigned ids[16];
	struct pcapng_reader *r;
	shb(&m, 0);
	idb_named(&m, 1, "eth0", NULL);
	idb_named(&m, 1, "\\Device\\NPF_{4F7A0D2C-1111}", "Ethernet 2");
	idb_named(&m, 1, NULL, NULL);
	epb(&m, 0, 1, pay, 20, 20);
	epb(&m, 1, 2, pay, 20, 20);
	epb(&m, 2, 3, pay, 20, 20);
	idb_named(&m, 113, "wlan0", "Wi-Fi");	/* declared after packets */
	epb(&m, 3, 4, pay, 20, 20);
	shb(&m, 1);	/* another capture put after the first, big-endian */
	idb_named(&m, 1, "eth9", NULL);
	idb_named(&m, 1, "eth0", NULL);		/* eth0 again: the same interface */
	idb_named(&m, 1, NULL, NULL);		/* unnamed at place 2, as before: the same */
	idb_named(&m, 1, "wlan0", NULL);	/* wlan0, but Ethernet now: another */
	epb(&m, 1, 5, pay, 20, 20);
	epb(&m, 0, 6, pay, 20, 20);
	epb(&m, 2, 7, pay, 20, 20);
	epb(&m, 3, 8, pay, 20, 20);
	spb(&m, pay, 20, 20);			/* a simple packet: interface 0 */
	ck_assert_int_eq(read_ids(&m, ids, 16, &r), 9);
	const unsigned want[] = { 0, 1, 2, 3, 0, 4, 2, 5, 4 };
	for (unsigned k = 0; k < 9; k++)
		ck_assert_msg(ids[k] == want[k], "packet %u: interface %u, expected %u", k, ids[k], want[k]);
	ck_assert_uint_eq(pcapng_interfaces(r), 6);
	ck_assert_str_eq(pcapng_interface_name(r, 0), "eth0");
	ck_assert_str_eq(pcapng_interface_name(r, 1), "Ethernet 2");	/* not the device path */
	ck_assert_str_eq(pcapng_interface_name(r, 2), "");
	ck_assert_str_eq(pcapng_interface_name(r, 3), "wlan0");
	ck_assert_int_eq(pcapng_interface_dlt(r, 3), 113);
	ck_assert_str_eq(pcapng_interface_name(r, 4), "eth9");
	ck_assert_str_eq(pcapng_interface_name(r, 99), "");
	ck_assert_int_eq(pcapng_interface_dlt(r, 99), -1);
	pcapng_close(r);

	/* pcapng_peek: the interfaces before the first packet known, that
	 * packet still the first pcapng_next gives; a second peek is free. */
	char perr[256];
	struct pcapng_reader *pr = open_img(&m, perr, sizeof(perr));
	ck_assert_ptr_nonnull(pr);
	ck_assert_uint_eq(pcapng_interfaces(pr), 0);
	ck_assert_int_eq(pcapng_peek(pr, perr, sizeof(perr)), 1);
	ck_assert_int_eq(pcapng_peek(pr, perr, sizeof(perr)), 1);
	ck_assert_uint_eq(pcapng_interfaces(pr), 3);
	ck_assert_str_eq(pcapng_interface_name(pr, 1), "Ethernet 2");
	unsigned peeked[16];
	int np = 0, pdlt;
	const uint8_t *pd;
	struct pcap_pkthdr ph;
	while (pcapng_next(pr, &ph, &pd, &pdlt, perr, sizeof(perr)) == 1 && np < 16) {
		peeked[np++] = pcapng_packet_interface(pr);
		if (np == 1)
			ck_assert_int_eq(ph.ts.tv_usec, 1);	/* the first packet, not the second */
	}
	ck_assert_int_eq(np, 9);
	ck_assert_mem_eq(peeked, want, sizeof(want));
	ck_assert_int_eq(pcapng_peek(pr, perr, sizeof(perr)), 0);	/* at the end */
	pcapng_close(pr);

	/* Before the first packet: the three declared then, named, as a
	 * capture opened on this file names them before reading on. */
	char seen[512] = "";
	pr = open_img(&m, perr, sizeof(perr));
	ck_assert_ptr_nonnull(pr);
	ck_assert_int_eq(pcapng_peek(pr, perr, sizeof(perr)), 1);
	for (unsigned k = 0; k < pcapng_interfaces(pr); k++)
		names_seen(seen, k, pcapng_interface_name(pr, k), pcapng_interface_dlt(pr, k));
	ck_assert_str_eq(seen, "0:eth0/1 1:Ethernet 2/1 2:/1");
	pcapng_close(pr);
	FILE *fp = fmemopen((void *)"not pcapng at all", 17, "rb");
	perr[0] = 0;
	ck_assert_ptr_null(pcapng_open(fp, perr, sizeof(perr)));	/* fp closed by it */
	ck_assert_msg(strstr(perr, "block at byte 0") != NULL, "%s", perr);
	free(m.b);

	/* 300 interfaces: 254 told apart, the rest one id. */
	memset(&m, 0, sizeof(m));
	shb(&m, 0);
	for (int i = 0; i < 300; i++) {
		char n[16];
		snprintf(n, sizeof(n), "veth%d", i);
		idb_named(&m, 1, n, NULL);
	}
	epb(&m, 253, 1, pay, 20, 20);
	epb(&m, 254, 2, pay, 20, 20);
	epb(&m, 299, 3, pay, 20, 20);
	ck_assert_int_eq(read_ids(&m, ids, 16, &r), 3);
	ck_assert_uint_eq(ids[0], 253);
	ck_assert_uint_eq(ids[1], PCAPNG_DISTINCT_MAX);
	ck_assert_uint_eq(ids[2], PCAPNG_DISTINCT_MAX);
	ck_assert_uint_eq(pcapng_interfaces(r), PCAPNG_DISTINCT_MAX + 1);
	ck_assert_str_eq(pcapng_interface_name(r, 253), "veth253");
	ck_assert_str_eq(pcapng_interface_name(r, PCAPNG_DISTINCT_MAX), "");
	pcapng_close(r);
	free(m.b);
}
END_TEST

static const struct {
	int tsresol;
	int64_t tsoffset;
	uint64_t units;
	long sec, usec;
} times[] = {
	{ 3, 0, UINT64_C(1700000000999), 1700000000, 999000 },		/* milliseconds */
	{ 6, 0, UINT64_C(1700000000000001), 1700000000, 1 },
	{ 9, 0, UINT64_C(1700000000123456789), 1700000000, 123456 },	/* rounded down */
	{ 0x80 | 20, 0, (UINT64_C(1700000000) << 20) | 0x80000, 1700000000, 500000 },
	{ 0x80 | 20, 0, (UINT64_C(5) << 20) | 1, 5, 0 },		/* 0.95 us: down to 0 */
	{ 0x80 | 63, 0, UINT64_C(1) << 62, 0, 500000 },
	{ 19, 0, UINT64_C(15000000000000000000), 1, 500000 },
	{ 0, 0, 1700000000, 1700000000, 0 },				/* whole seconds */
	{ 6, 1000, UINT64_C(1699999000000007), 1700000000, 7 },		/* if_tsoffset */
	{ 6, -100, UINT64_C(1700000100000000), 1700000000, 0 },
};

START_TEST(timestamps)
{
	struct img m = { 0 };
	char err[256];
	struct got g[1];
	shb(&m, _i % 2);
	idb(&m, 1, 0, times[_i].tsresol, times[_i].tsoffset);
	epb(&m, 0, times[_i].units, pay, 14, 14);
	ck_assert_msg(read_all(&m, g, 1, err, sizeof(err)) == 1, "%s", err);
	ck_assert_int_eq(g[0].h.ts.tv_sec, times[_i].sec);
	ck_assert_int_eq(g[0].h.ts.tv_usec, times[_i].usec);
	free(m.b);
}
END_TEST

START_TEST(simple_and_obsolete_blocks)
{
	struct img m = { 0 };
	char err[256];
	struct got g[4];
	shb(&m, 0);
	idb(&m, 1, 10, -1, 0);	/* snaplen 10 */
	idb(&m, 0, 0, 9, 0);
	spb(&m, pay, 30, 30);	/* interface 0: cut to its snaplen */
	spb(&m, pay, 6, 8);	/* stored bytes padded past its length */
	opb(&m, 1, UINT64_C(1700000000000000500), pay, 12);
	ck_assert_msg(read_all(&m, g, 4, err, sizeof(err)) == 3, "%s", err);
	ck_assert_uint_eq(g[0].h.caplen, 10);
	ck_assert_uint_eq(g[0].h.len, 30);
	ck_assert_int_eq(g[0].dlt, 1);
	ck_assert_uint_eq(g[1].h.caplen, 6);
	ck_assert_uint_eq(g[1].h.len, 6);
	ck_assert_int_eq(g[2].dlt, 0);
	ck_assert_uint_eq(g[2].h.caplen, 12);
	ck_assert_int_eq(g[2].h.ts.tv_sec, 1700000000);
	ck_assert_int_eq(g[2].h.ts.tv_usec, 0);
	free(m.b);
}
END_TEST

/* --pcapng-export writes one interface per link type; the reader gives
 * each packet back with its own. */
START_TEST(reads_netlens_export)
{
	char err[512], path[128];
	snprintf(path, sizeof(path), "/tmp/netlens-test-pcapng-read.%d", (int)getpid());
	unlink(path);
	struct pcap_export *x = pcap_export_open(path, PCAP_EXPORT_PCAPNG, 1, 65535, "any", err,
						 sizeof(err));
	ck_assert_msg(x != NULL, "%s", err);
	static const int dlts[] = { 1, 0, 12, 1, 113, 0, 276 };
	for (int i = 0; i < 7; i++) {
		struct pcap_pkthdr h = { .ts = { 1700000000 + i, 1000 * i }, .caplen = (bpf_u_int32)(10 + i),
					 .len = (bpf_u_int32)(10 + i) };
		pcap_export_packet(x, dlts[i], &h, pay + i, NULL);
	}
	ck_assert_uint_eq(pcap_export_packets(x), 7);
	ck_assert_uint_eq(pcap_export_other_link(x), 0);
	ck_assert_uint_eq(pcap_export_close(x), 0);
	FILE *fp = fopen(path, "rb");
	ck_assert_ptr_nonnull(fp);
	struct pcapng_reader *r = pcapng_open(fp, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	struct pcap_pkthdr h;
	const uint8_t *d;
	int dlt;
	for (int i = 0; i < 7; i++) {
		ck_assert_int_eq(pcapng_next(r, &h, &d, &dlt, err, sizeof(err)), 1);
		ck_assert_int_eq(dlt, dlts[i] == 12 ? DLT_RAW : dlts[i]);
		ck_assert_uint_eq(h.caplen, 10 + i);
		ck_assert_int_eq(h.ts.tv_sec, 1700000000 + i);
		ck_assert_int_eq(h.ts.tv_usec, 1000 * i);
		ck_assert_mem_eq(d, pay + i, 10 + (size_t)i);
	}
	ck_assert_int_eq(pcapng_next(r, &h, &d, &dlt, err, sizeof(err)), 0);
	pcapng_close(r);
	unlink(path);

	/* a pcap export keeps its own link type only, and counts the rest */
	x = pcap_export_open(path, PCAP_EXPORT_PCAP, 1, 65535, "any", err, sizeof(err));
	ck_assert_msg(x != NULL, "%s", err);
	for (int i = 0; i < 7; i++) {
		struct pcap_pkthdr h2 = { .ts = { 1700000000, 0 }, .caplen = 14, .len = 14 };
		pcap_export_packet(x, dlts[i], &h2, pay, NULL);
	}
	ck_assert_uint_eq(pcap_export_packets(x), 2);
	ck_assert_uint_eq(pcap_export_other_link(x), 5);
	ck_assert_uint_eq(pcap_export_close(x), 0);
	unlink(path);
}
END_TEST

/* An export's blocks, read back from path (then removed): each interface
 * block's if_name (its first option), each packet block's interface. */
struct export_blocks {
	uint32_t nidb, npkt;
	char names[256][16];
	uint32_t pkt_if[1024];
};

static void read_export(const char *path, struct export_blocks *b)
{
	static uint8_t img[1 << 16];
	FILE *fp = fopen(path, "rb");
	ck_assert_ptr_nonnull(fp);
	size_t n = fread(img, 1, sizeof(img), fp);
	fclose(fp);
	unlink(path);
	ck_assert_uint_lt(n, sizeof(img));
	memset(b, 0, sizeof(*b));
	for (size_t at = 0; at + 12 <= n;) {
		uint32_t type, len;
		memcpy(&type, img + at, 4);
		memcpy(&len, img + at + 4, 4);
		ck_assert_uint_ge(len, 12);
		ck_assert_uint_le(at + len, n);
		if (type == 1) {
			ck_assert_uint_lt(b->nidb, 256);
			/* link type, reserved, snaplen, then the if_name option (2) */
			uint16_t code, olen;
			memcpy(&code, img + at + 16, 2);
			memcpy(&olen, img + at + 18, 2);
			ck_assert_uint_eq(code, 2);
			ck_assert_uint_lt(olen, sizeof(b->names[0]));
			memcpy(b->names[b->nidb++], img + at + 20, olen);
		} else if (type == 6) {
			ck_assert_uint_lt(b->npkt, 1024);
			memcpy(&b->pkt_if[b->npkt++], img + at + 8, 4);
		}
		at += len;
	}
}

/* Live on several interfaces: an interface block each (and link type),
 * named; the packets refer to their own. */
START_TEST(export_names_each_interface)
{
	char err[512], path[128];
	snprintf(path, sizeof(path), "/tmp/netlens-test-pcapng-ifs.%d", (int)getpid());
	unlink(path);
	struct pcap_export *x = pcap_export_open(path, PCAP_EXPORT_PCAPNG, 1, 65535, "eth0", err,
						 sizeof(err));
	ck_assert_msg(x != NULL, "%s", err);
	static const char *const from[] = { "eth0", "wlan0", "eth0", "wlan0", "nflog:5" };
	static const int dlts[] = { 1, 1, 1, 1, 239 };
	for (int i = 0; i < 5; i++) {
		struct pcap_pkthdr h = { .ts = { 1700000000 + i, 0 }, .caplen = 14, .len = 14 };
		pcap_export_from(x, from[i]);
		pcap_export_packet(x, dlts[i], &h, pay, NULL);
	}
	ck_assert_uint_eq(pcap_export_close(x), 0);
	static struct export_blocks b;
	read_export(path, &b);
	ck_assert_uint_eq(b.nidb, 3);
	ck_assert_str_eq(b.names[0], "eth0");
	ck_assert_str_eq(b.names[1], "wlan0");
	ck_assert_str_eq(b.names[2], "nflog:5");
	ck_assert_uint_eq(b.npkt, 5);
	static const uint32_t want_if[] = { 0, 1, 0, 1, 2 };
	for (int i = 0; i < 5; i++)
		ck_assert_uint_eq(b.pkt_if[i], want_if[i]);
}
END_TEST

/* -i any on a host of many veths: a block each up to 254, then a packet goes
 * under its link type's first block (not lost); a name met again finds its
 * own block. */
START_TEST(export_many_interfaces)
{
	char err[512], path[128];
	snprintf(path, sizeof(path), "/tmp/netlens-test-pcapng-many.%d", (int)getpid());
	unlink(path);
	struct pcap_export *x = pcap_export_open(path, PCAP_EXPORT_PCAPNG, 276, 65535, "any", err,
						 sizeof(err));
	ck_assert_msg(x != NULL, "%s", err);
	enum { N = 300 };
	for (int i = 0; i <= N; i++) {
		char name[16];
		snprintf(name, sizeof(name), "veth%d", i == N ? 5 : i);
		struct pcap_pkthdr h = { .ts = { 1700000000 + i, 0 }, .caplen = 14, .len = 14 };
		pcap_export_from(x, name);
		pcap_export_packet(x, 276, &h, pay, NULL);
		pcap_export_packet(x, 276, &h, pay, NULL);	/* the same block again */
	}
	ck_assert_uint_eq(pcap_export_packets(x), 2 * (N + 1));
	ck_assert_uint_eq(pcap_export_other_link(x), 0);
	ck_assert_uint_eq(pcap_export_close(x), 0);
	static struct export_blocks b;
	read_export(path, &b);
	ck_assert_uint_eq(b.nidb, 254);	/* "any" (holding none), veth0 ... veth252 */
	ck_assert_str_eq(b.names[0], "any");
	ck_assert_str_eq(b.names[1], "veth0");
	ck_assert_str_eq(b.names[253], "veth252");
	ck_assert_uint_eq(b.npkt, 2 * (N + 1));
	for (uint32_t i = 0; i <= N; i++) {
		uint32_t want = i == N ? 6 : i < 253 ? i + 1 : 0;	/* veth5 is block 6 */
		ck_assert_uint_eq(b.pkt_if[2 * i], want);
		ck_assert_uint_eq(b.pkt_if[2 * i + 1], want);
	}
}
END_TEST

/* Damage: the image is cut or patched; want is a piece of the message. */
enum damage {
	DMG_LEN_ODD, DMG_LEN_SHORT, DMG_LEN_HUGE, DMG_LEN_MISMATCH, DMG_CUT_HEADER, DMG_CUT_BLOCK,
	DMG_CAPLEN, DMG_IFACE, DMG_SPB_FIRST, DMG_MAGIC, DMG_VERSION, DMG_OPTION, DMG_IFACES,
	DMG_RESOL, DMG_EMPTY, DMG_NOT_PCAPNG, DMG_COUNT
};

static const char *const damage_msg[DMG_COUNT] = {
	"multiple of 4", "multiple of 4", "longer than 16 MiB", "two lengths differ",
	"inside a block header", "inside the block", "longer than its block", "interface 3",
	"interface 0, but the section has 0", "byte-order magic", "version other than 1",
	"option longer", "more than 4096", "finer than", "empty", "not a pcapng",
};

START_TEST(hostile)
{
	struct img m = { 0 };
	char err[256] = "";
	struct got g[4];
	enum damage d = (enum damage)_i;
	shb(&m, 0);
	size_t idb_at = m.len;
	idb(&m, 1, 0, -1, 0);
	size_t epb_at = m.len;
	epb(&m, 0, 1, pay, 20, 20);
	switch (d) {
	case DMG_LEN_ODD:
		m.b[epb_at + 4] = 33;
		break;
	case DMG_LEN_SHORT:
		m.b[epb_at + 4] = 8;
		break;
	case DMG_LEN_HUGE:
		m.b[epb_at + 4] = 4;
		m.b[epb_at + 7] = 2;	/* 32 MiB */
		break;
	case DMG_LEN_MISMATCH:
		m.b[m.len - 4] = 4;
		break;
	case DMG_CUT_HEADER:
		m.len = epb_at + 5;
		break;
	case DMG_CUT_BLOCK:
		m.len -= 5;
		break;
	case DMG_CAPLEN:
		m.b[epb_at + 20] = 200;	/* caplen 200 in a block of 20 */
		break;
	case DMG_IFACE:
		m.b[epb_at + 8] = 3;
		break;
	case DMG_SPB_FIRST:
		m.len = idb_at;
		spb(&m, pay, 10, 10);
		break;
	case DMG_MAGIC:
		m.b[8] ^= 0xff;
		break;
	case DMG_VERSION:
		m.b[12] = 2;
		break;
	case DMG_OPTION:
		m.len = idb_at;
		idb(&m, 1, 0, 6, 0);
		m.b[idb_at + 18] = 0x40;	/* if_tsresol's length: 64 bytes */
		break;
	case DMG_IFACES:
		m.len = idb_at;
		for (int i = 0; i <= PCAPNG_MAX_INTERFACES; i++)
			idb(&m, 1, 0, -1, 0);
		break;
	case DMG_RESOL:
		m.len = idb_at;
		idb(&m, 1, 0, 20, 0);	/* 10^-20 s */
		break;
	case DMG_EMPTY:
		m.len = 0;
		put(&m, "", 1);
		m.len = 0;
		break;
	case DMG_NOT_PCAPNG:
		m.len = 0;
		put32(&m, 0xA1B2C3D4);	/* a pcap file */
		put32(&m, 12);
		put32(&m, 12);
		break;
	case DMG_COUNT:
		break;
	}
	ck_assert_int_eq(read_all(&m, g, 4, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, damage_msg[d]) != NULL, "damage %d: %s", (int)d, err);
	if (d != DMG_EMPTY && d != DMG_NOT_PCAPNG)
		ck_assert_msg(strstr(err, "pcapng block at byte ") != NULL, "%s", err);
	free(m.b);
}
END_TEST

static Suite *pcapng_read_suite(void)
{
	Suite *s = suite_create("pcapng_read");
	TCase *tc = tcase_create("read");
	tcase_add_test(tc, link_types_and_sections);
	tcase_add_loop_test(tc, timestamps, 0, (int)(sizeof(times) / sizeof(times[0])));
	tcase_add_test(tc, simple_and_obsolete_blocks);
	tcase_add_test(tc, reads_netlens_export);
	tcase_add_test(tc, export_names_each_interface);
	tcase_add_test(tc, export_many_interfaces);
	tcase_add_test(tc, interfaces);
	tcase_add_loop_test(tc, hostile, 0, DMG_COUNT);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(pcapng_read_suite());
}
