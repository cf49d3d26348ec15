/*
 * pcap-floor.c - the libpcap floor for `make bench`.
 *
 * Reads a capture with pcap_open_offline + pcap_loop and a callback that
 * only counts packets and bytes: the least any libpcap-based reader of the
 * same file can cost. netlens' offline throughput is reported as a ratio to
 * this, measured in the same run on the same file.
 *
 * Output (stdout, one line):
 *   packets=N bytes=N seconds=S packets_per_s=R
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct counts {
	uint64_t packets;
	uint64_t bytes;
};

static void count_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct counts *c = (struct counts *)(void *)user;
	(void)bytes;
	c->packets++;
	c->bytes += h->len;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct counts c = { 0, 0 };

	if (argc != 2) {
		fprintf(stderr, "usage: pcap-floor FILE\n");
		return 2;
	}
	double t0 = now_s();
	/* FLOOR_BUFFER=bytes: read through a stdio buffer of that size, as
	 * netlens --read does (libpcap's own fopen keeps stdio's 4 KiB: a
	 * read() per few packets, which a VM makes dear) */
	const char *bs = getenv("FLOOR_BUFFER");
	size_t bsize = bs ? strtoul(bs, NULL, 10) : 0;
	pcap_t *p;
	char *buf = NULL;
	if (bsize) {
		FILE *fp = fopen(argv[1], "rb");
		buf = malloc(bsize);
		if (!fp || !buf) {
			fprintf(stderr, "pcap-floor: cannot read %s\n", argv[1]);
			return 1;
		}
		setvbuf(fp, buf, _IOFBF, bsize);
		p = pcap_fopen_offline(fp, err);
	} else {
		p = pcap_open_offline(argv[1], err);
	}
	if (!p) {
		fprintf(stderr, "pcap-floor: %s\n", err);
		return 1;
	}
	if (pcap_loop(p, -1, count_cb, (u_char *)&c) == -1) {
		fprintf(stderr, "pcap-floor: %s\n", pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	pcap_close(p);
	free(buf);
	double dt = now_s() - t0;
	printf("packets=%llu bytes=%llu seconds=%.6f packets_per_s=%.0f\n",
	       (unsigned long long)c.packets, (unsigned long long)c.bytes, dt,
	       dt > 0 ? (double)c.packets / dt : 0.0);
	return 0;
}
