/*
 * test_pcap_export.c - core/pcap_export.c:
 *  - a pcapng export of packets of every length 0-9, a full frame and a
 *    large one is read back by libpcap (which checks every block's length
 *    and alignment) with the same lengths, times and bytes; so is a pcap;
 *  - each packet's comment: "netlens" alone for a packet without a flow,
 *    the direction when the flow's local end is known, and a process
 *    named by the capture (PKTAP) with spaces and escapes in its name
 *    written \xHH so the key=value pairs still split on spaces;
 *  - a path that is a symlink is refused and its target left alone;
 *  - a file that stops growing (a full disk: here RLIMIT_FSIZE) counts as
 *    lost exactly the packets it lacks;
 *  - a pcapng block that cannot be built for want of memory (realloc is
 *    wrapped for this program, tests/Makefile.inc) is one lost packet and
 *    the file stays whole.
 */
#include "config.h"

#include <netinet/in.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "core/flow_table.h"
#include "core/owners.h"
#include "core/pcap_export.h"
#include "core/strbuf.h"

/* Linked with -Wl,--wrap=realloc: core's reallocs come here, and fail
 * while fail_realloc_over is non-zero for sizes above it. */
void *__real_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n);
static size_t fail_realloc_over;
void *__wrap_realloc(void *p, size_t n)
{
	if (fail_realloc_over && n > fail_realloc_over)
		return NULL;
	return __real_realloc(p, n);
}

static const size_t lens[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1514, 65000 };
#define NLENS (sizeof(lens) / sizeof(lens[0]))

static char *tmp_path(const char *name)
{
	static char p[256];
	snprintf(p, sizeof(p), "/tmp/netlens-test-pcap-export.%d.%s", (int)getpid(), name);
	unlink(p);
	return p;
}

static void write_and_read_back(enum pcap_export_format fmt, const char *name)
{
	char err[512];
	char *path = tmp_path(name);
	struct pcap_export *x = pcap_export_open(path, fmt, 1, 65535, "eth7", err, sizeof(err));
	ck_assert_msg(x != NULL, "%s", err);
	uint8_t *buf = malloc(65000);
	ck_assert_ptr_nonnull(buf);
	for (size_t i = 0; i < 65000; i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	for (size_t i = 0; i < NLENS; i++) {
		struct pcap_pkthdr h;
		h.ts.tv_sec = 1700000000 + (time_t)i;
		h.ts.tv_usec = (suseconds_t)(999990 + i) % 1000000;
		h.caplen = (bpf_u_int32)lens[i];
		h.len = (bpf_u_int32)lens[i] + (i % 2 ? 100 : 0);	/* some cut by a snaplen */
		pcap_export_packet(x, 1, &h, buf, NULL);
	}
	ck_assert_uint_eq(pcap_export_packets(x), NLENS);
	ck_assert_uint_eq(pcap_export_close(x), 0);

	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	char perr[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, perr);
	ck_assert_msg(p != NULL, "%s", perr);
	ck_assert_int_eq(pcap_datalink(p), 1);
	struct pcap_pkthdr *h;
	const u_char *d;
	for (size_t i = 0; i < NLENS; i++) {
		ck_assert_int_eq(pcap_next_ex(p, &h, &d), 1);
		ck_assert_uint_eq(h->caplen, lens[i]);
		ck_assert_uint_eq(h->len, lens[i] + (i % 2 ? 100 : 0));
		ck_assert_int_eq(h->ts.tv_sec, 1700000000 + (long)i);
		ck_assert_int_eq(h->ts.tv_usec, (long)((999990 + i) % 1000000));
		ck_assert_int_eq(memcmp(d, buf, lens[i]), 0);
	}
	ck_assert_int_eq(pcap_next_ex(p, &h, &d), PCAP_ERROR_BREAK);	/* and nothing more */
	pcap_close(p);
	unlink(path);
	free(buf);
}

START_TEST(pcapng_reads_back)
{
	write_and_read_back(PCAP_EXPORT_PCAPNG, "pcapng");
}
END_TEST

START_TEST(pcap_reads_back)
{
	write_and_read_back(PCAP_EXPORT_PCAP, "pcap");
}
END_TEST

static uint64_t deadline_of(const struct flow *f, void *ctx)
{
	(void)ctx;
	return f->last_seen_us;
}

START_TEST(comments)
{
	struct strbuf b;
	sb_init(&b);
	pcap_export_comment(&b, NULL);
	ck_assert_str_eq(b.buf, "netlens");

	struct flow_table t;
	ck_assert_int_eq(flow_table_init(&t, 16, deadline_of, NULL), 0);
	struct flow_key k;
	memset(&k, 0, sizeof(k));
	ip4_store(k.a, IP4(10, 0, 0, 1));
	ip4_store(k.b, IP4(10, 0, 0, 2));
	k.pa = 40001;
	k.pb = 443;
	k.proto = L4_TCP;
	k.family = 4;
	struct flow *f = flow_table_insert(&t, &k, flow_key_hash(&t, &k));
	ck_assert_ptr_nonnull(f);
	sb_reset(&b);
	pcap_export_comment(&b, f);
	ck_assert_str_eq(b.buf, "netlens");	/* nothing known: no locality, no owner */
	f->flags |= FLOW_LOCAL_A;
	sb_reset(&b);
	pcap_export_comment(&b, f);
	ck_assert_str_eq(b.buf, "netlens direction=outgoing");
	f->flags |= FLOW_DST_INITIATED;
	sb_reset(&b);
	pcap_export_comment(&b, f);
	ck_assert_str_eq(b.buf, "netlens direction=incoming");

	/* A process a capture named, with a space and an escape in its name. */
	owners_current = owners_new(&t);
	owners_set_from_capture(owners_current);
	struct sock_owner s;
	memset(&s, 0, sizeof(s));
	s.proto = IPPROTO_TCP;
	s.family = 4;
	s.method = OWNER_PKTAP;
	ip4_store(s.local, IP4(10, 0, 0, 1));
	ip4_store(s.remote, IP4(10, 0, 0, 2));
	s.lport = 40001;
	s.rport = 443;
	s.pid = 611;
	s.uid = OWNER_UID_UNKNOWN;
	memcpy(s.comm, "a b\x1b[2J", 8);
	owners_add(owners_current, &s);
	sb_reset(&b);
	pcap_export_comment(&b, f);
	ck_assert_str_eq(b.buf, "netlens process=a\\x20b\\x1b[2J pid=611 attr=exact-tuple direction=incoming");
	owners_free(owners_current);
	owners_current = NULL;
	flow_table_free(&t);
	sb_free(&b);
}
END_TEST

START_TEST(symlink_refused)
{
	char err[512];
	char target[256];
	snprintf(target, sizeof(target), "%s", tmp_path("target"));
	FILE *fp = fopen(target, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("keep", fp);
	fclose(fp);
	char *link = tmp_path("link");
	ck_assert_int_eq(symlink(target, link), 0);
	ck_assert_ptr_null(pcap_export_open(link, PCAP_EXPORT_PCAPNG, 1, 65535, "x", err, sizeof(err)));
	ck_assert_msg(strstr(err, "symbolic link") != NULL, "%s", err);
	ck_assert_ptr_null(pcap_export_open(link, PCAP_EXPORT_PCAP, 1, 65535, "x", err, sizeof(err)));
	struct stat st;
	ck_assert_int_eq(stat(target, &st), 0);
	ck_assert_int_eq(st.st_size, 4);
	unlink(link);
	unlink(target);
}
END_TEST

/* The disk fills after 100 000 bytes: the export says it lost what the
 * file lacks. It said all the packets since the last flush (stdio had
 * written most of them when its buffer filled): "351 of 351". */
static void loss_counted_exactly(enum pcap_export_format fmt, const char *name)
{
	/* In this process, not a forked child: a forked dynamic glibc under
	 * qemu-aarch64 can deadlock (tools/cross-build.sh). Only the soft limit
	 * is lowered, so it can be raised again. */
	char *path = tmp_path(name);
	char err[512];
	struct rlimit old, rl;
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	if (old.rlim_max != RLIM_INFINITY && old.rlim_max < 100000)
		return;		/* a smaller limit already: nothing to show */
	void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);	/* writes past it fail with EFBIG */
	rl.rlim_cur = 100000;
	rl.rlim_max = old.rlim_max;
	struct pcap_export *x = pcap_export_open(path, fmt, 1, 65535, "eth7", err, sizeof(err));
	ck_assert_msg(x != NULL, "%s", err);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	static uint8_t buf[700];
	for (int i = 0; i < 400; i++) {
		struct pcap_pkthdr h = { { 1700000000 + i, 0 }, sizeof(buf), sizeof(buf) };
		pcap_export_packet(x, 1, &h, buf, NULL);
		if (i % 150 == 149)
			pcap_export_flush(x);	/* the lifecycle's flushes */
	}
	unsigned long long lost = pcap_export_close(x);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, prev);
	char perr[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, perr);
	ck_assert_msg(p != NULL, "%s", perr);
	struct pcap_pkthdr *h;
	const u_char *d;
	unsigned long long in_file = 0;
	while (pcap_next_ex(p, &h, &d) == 1)
		in_file++;
	pcap_close(p);
	unlink(path);
	ck_assert_uint_gt(lost, 0);
	ck_assert_uint_gt(in_file, 100);
	ck_assert_msg(in_file + lost == 400, "%llu in the file, %llu lost", in_file, lost);
}

START_TEST(pcap_loss_counted_exactly)
{
	loss_counted_exactly(PCAP_EXPORT_PCAP, "loss.pcap");
}
END_TEST

START_TEST(pcapng_loss_counted_exactly)
{
	loss_counted_exactly(PCAP_EXPORT_PCAPNG, "loss.pcapng");
}
END_TEST

/* The 20 000-byte packet's block cannot grow: it is counted lost, the file
 * holds the other two and nothing is taken for a failed write (the export
 * goes on). Before, it was counted in no total. */
START_TEST(pcapng_block_oom_counted_lost)
{
	char err[512];
	char *path = tmp_path("oom.pcapng");
	struct pcap_export *x = pcap_export_open(path, PCAP_EXPORT_PCAPNG, 1, 65535, "eth7", err,
						 sizeof(err));
	ck_assert_msg(x != NULL, "%s", err);
	static uint8_t buf[20000];
	const size_t sizes[3] = { 100, sizeof(buf), 200 };
	for (int i = 0; i < 3; i++) {
		struct pcap_pkthdr h = { { 1700000000 + i, 0 }, (bpf_u_int32)sizes[i],
					 (bpf_u_int32)sizes[i] };
		fail_realloc_over = i == 1 ? 4096 : 0;
		pcap_export_packet(x, 1, &h, buf, NULL);
	}
	fail_realloc_over = 0;
	ck_assert_uint_eq(pcap_export_packets(x), 3);
	ck_assert_uint_eq(pcap_export_close(x), 1);
	char perr[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, perr);
	ck_assert_msg(p != NULL, "%s", perr);
	struct pcap_pkthdr *h;
	const u_char *d;
	ck_assert_int_eq(pcap_next_ex(p, &h, &d), 1);
	ck_assert_uint_eq(h->caplen, 100);
	ck_assert_int_eq(pcap_next_ex(p, &h, &d), 1);
	ck_assert_uint_eq(h->caplen, 200);
	ck_assert_int_eq(h->ts.tv_sec, 1700000002);
	ck_assert_int_eq(pcap_next_ex(p, &h, &d), PCAP_ERROR_BREAK);
	pcap_close(p);
	unlink(path);
}
END_TEST

static Suite *pcap_export_suite(void)
{
	Suite *s = suite_create("pcap_export");
	TCase *tc = tcase_create("export");
	tcase_add_test(tc, pcapng_reads_back);
	tcase_add_test(tc, pcap_reads_back);
	tcase_add_test(tc, comments);
	tcase_add_test(tc, symlink_refused);
	tcase_add_test(tc, pcap_loss_counted_exactly);
	tcase_add_test(tc, pcapng_loss_counted_exactly);
	tcase_add_test(tc, pcapng_block_oom_counted_lost);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(pcap_export_suite());
}
