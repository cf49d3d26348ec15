/* alerts.c - the address list and the rate threshold of alerts.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alerts.h"
#include "flow.h"
#include "readfile.h"
#include "strbuf.h"

/* An address as a 128-bit number (IPv4 in the low 32 bits), so one search
 * serves both families; each family has its own set. */
struct u128 { uint64_t h, l; };

static int lt(struct u128 a, struct u128 b) { return a.h < b.h || (a.h == b.h && a.l < b.l); }

struct range {
	struct u128 lo, hi;
	struct u128 max_hi;	/* the highest hi of this range and all before it */
	uint32_t label;		/* offset in labels; 0: none */
	uint8_t plen;
};

struct range_set {
	struct range *r;
	uint32_t n, cap;
	int sorted;
};

struct alerts {
	struct range_set set[2];	/* [0] IPv4, [1] IPv6 */
	char *labels;			/* NUL-separated; labels[0] is "" */
	size_t labels_len, labels_cap;
	double rate_threshold;
	int rate_dir;			/* -2 none, -1 both, DIR_FWD, DIR_REV */
	int rate_above;			/* crossed, not yet back below */
};

struct alerts *alerts_current;

struct alerts *alerts_new(void)
{
	struct alerts *al = calloc(1, sizeof(*al));
	if (!al)
		return NULL;
	al->rate_dir = -2;
	return al;
}

void alerts_free(struct alerts *al)
{
	if (!al)
		return;
	free(al->set[0].r);
	free(al->set[1].r);
	free(al->labels);
	free(al);
}

static struct u128 from_bytes(int family, const uint8_t *a)
{
	struct u128 v = { 0, 0 };
	if (family == 4) {
		v.l = (uint64_t)a[0] << 24 | (uint64_t)a[1] << 16 | (uint64_t)a[2] << 8 | a[3];
		return v;
	}
	for (int i = 0; i < 8; i++) {
		v.h = v.h << 8 | a[i];
		v.l = v.l << 8 | a[8 + i];
	}
	return v;
}

/* The last address of the network lo/plen, whose width is bits. */
static struct u128 last_of(struct u128 lo, unsigned plen, unsigned bits)
{
	unsigned host = bits - plen;	/* host bits: 0..128 */
	struct u128 m = { 0, 0 };
	if (host >= 64) {
		m.l = ~0ull;
		m.h = host == 128 ? ~0ull : host == 64 ? 0 : (1ull << (host - 64)) - 1;
	} else {
		m.l = host ? (1ull << host) - 1 : 0;
	}
	return (struct u128){ lo.h | m.h, lo.l | m.l };
}

static struct u128 first_of(struct u128 a, unsigned plen, unsigned bits)
{
	struct u128 last = last_of((struct u128){ 0, 0 }, plen, bits);	/* the host mask */
	return (struct u128){ a.h & ~last.h, a.l & ~last.l };
}

static int add_label(struct alerts *al, const char *s, size_t n, uint32_t *off)
{
	if (!al->labels) {
		if (!(al->labels = malloc(256)))
			return -1;
		al->labels[0] = '\0';
		al->labels_len = 1;
		al->labels_cap = 256;
	}
	if (n == 0) {
		*off = 0;
		return 0;
	}
	if (al->labels_len + n + 1 > al->labels_cap) {
		size_t cap = al->labels_cap * 2 > al->labels_len + n + 1 ? al->labels_cap * 2
									 : al->labels_len + n + 1;
		char *p = realloc(al->labels, cap);
		if (!p)
			return -1;
		al->labels = p;
		al->labels_cap = cap;
	}
	*off = (uint32_t)al->labels_len;
	memcpy(al->labels + al->labels_len, s, n);
	al->labels[al->labels_len + n] = '\0';
	al->labels_len += n + 1;
	return 0;
}

static int add_range(struct range_set *s, const struct range *r)
{
	if (s->n == s->cap) {
		uint32_t cap = s->cap ? s->cap * 2 : 64;
		struct range *p = realloc(s->r, (size_t)cap * sizeof(*p));
		if (!p)
			return -1;
		s->r = p;
		s->cap = cap;
	}
	s->r[s->n++] = *r;
	s->sorted = 0;
	return 0;
}

/* By first address; of two with the same, the wider first, so that a
 * search walking back from the last start meets the narrower one first. */
static int by_start(const void *x, const void *y)
{
	const struct range *a = x, *b = y;
	if (lt(a->lo, b->lo))
		return -1;
	if (lt(b->lo, a->lo))
		return 1;
	return lt(b->hi, a->hi) ? -1 : lt(a->hi, b->hi);
}

static void sort_set(struct range_set *s)
{
	if (s->sorted || !s->n)	/* (qsort must not see an empty set's NULL) */
		return;
	qsort(s->r, s->n, sizeof(*s->r), by_start);
	for (uint32_t i = 0; i < s->n; i++)
		s->r[i].max_hi = i && lt(s->r[i].hi, s->r[i - 1].max_hi) ? s->r[i - 1].max_hi : s->r[i].hi;
	s->sorted = 1;
}

static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* One line, NUL-terminated: 1 an entry added, 0 nothing on it, -1 with
 * why set. */
static int parse_line(struct alerts *al, char *line, const char **why, char *whybuf, size_t n)
{
	char *p = line;
	while (is_blank(*p))
		p++;
	if (!*p || *p == '#')
		return 0;
	for (char *c = p; *c; c++)
		if ((unsigned char)*c < 0x20 && *c != '\t') {
			snprintf(whybuf, n, "a control character (0x%02x)", (unsigned char)*c);
			*why = whybuf;
			return -1;
		}
	size_t tl = strcspn(p, " \t");
	char tok[64];
	if (tl >= sizeof(tok)) {
		*why = "not an address or network (too long)";
		return -1;
	}
	memcpy(tok, p, tl);
	tok[tl] = '\0';
	/* The label: up to a '#' after a blank, without the blanks around it. */
	char *label = p + tl;
	while (is_blank(*label))
		label++;
	size_t ll = 0;
	for (char *c = label; *c && !(*c == '#' && c > label && is_blank(c[-1])); c++)
		ll = (size_t)(c - label) + 1;
	if (*label == '#')
		ll = 0;
	while (ll && is_blank(label[ll - 1]))
		ll--;
	if (ll >= ALERTS_LABEL_MAX) {
		snprintf(whybuf, n, "a label longer than %d bytes", ALERTS_LABEL_MAX - 1);
		*why = whybuf;
		return -1;
	}

	char *slash = strchr(tok, '/');
	unsigned long plen = 0;
	if (slash) {
		char *end;
		*slash = '\0';
		errno = 0;
		if (slash[1] < '0' || slash[1] > '9' || (plen = strtoul(slash + 1, &end, 10), errno || *end)) {
			*why = "a prefix length is a number: 198.51.100.0/24";
			return -1;
		}
	}
	uint8_t bytes[16];
	int family = strchr(tok, ':') ? 6 : 4;
	const char *colon = strchr(tok, ':');
	if (inet_pton(family == 6 ? AF_INET6 : AF_INET, tok, bytes) != 1) {
		if (colon && !strchr(colon + 1, ':') && strchr(tok, '.'))	/* 10.0.0.1:80 */
			snprintf(whybuf, n, "'%.63s': an entry is an address or a network, without a port", tok);
		else
			snprintf(whybuf, n, "'%.63s' is not an IPv%d address", tok, family);
		*why = whybuf;
		return -1;
	}
	unsigned bits = family == 6 ? 128 : 32;
	if (!slash)
		plen = bits;
	if (plen > bits) {
		snprintf(whybuf, n, "/%lu: an IPv%d prefix is at most /%u", plen, family, bits);
		*why = whybuf;
		return -1;
	}
	struct range r;
	memset(&r, 0, sizeof(r));
	r.plen = (uint8_t)plen;
	r.lo = first_of(from_bytes(family, bytes), (unsigned)plen, bits);	/* host bits dropped */
	r.hi = last_of(r.lo, (unsigned)plen, bits);
	struct range_set *s = &al->set[family == 6];
	if ((uint64_t)al->set[0].n + al->set[1].n >= ALERTS_LIST_MAX) {
		snprintf(whybuf, n, "more than %u entries", ALERTS_LIST_MAX);
		*why = whybuf;
		return -1;
	}
	if (add_label(al, label, ll, &r.label) < 0 || add_range(s, &r) < 0) {
		*why = "out of memory";
		return -1;
	}
	return 1;
}

/* The lines of text (len bytes and a NUL, writable: each line is cut in
 * place), so a file read is parsed where it lies, not copied again. */
static int parse_text(struct alerts *al, char *text, size_t len, const char *where, char *err,
		      size_t errlen)
{
	char shown[200];
	unsigned line_no = 0;
	size_t start = len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3) ? 3 : 0;	/* a byte order mark */
	for (size_t at = start; at < len;) {
		char *line = text + at, whybuf[120];
		const char *why = NULL;
		char *nl = memchr(line, '\n', len - at);
		size_t ll = nl ? (size_t)(nl - line) : len - at;
		at += ll + (nl != NULL);
		line_no++;
		if (memchr(line, '\0', ll))
			why = "a NUL byte";
		line[ll] = '\0';
		if (ll && line[ll - 1] == '\r')
			line[ll - 1] = '\0';	/* a file written on Windows */
		if (why || parse_line(al, line, &why, whybuf, sizeof(whybuf)) < 0) {
			snprintf(err, errlen, "%s:%u: %s", str_shown(shown, sizeof(shown), where), line_no, why);
			return -1;
		}
	}
	sort_set(&al->set[0]);
	sort_set(&al->set[1]);
	return 0;
}

int alerts_parse_list(struct alerts *al, const char *text, size_t len, const char *where,
		      char *err, size_t errlen)
{
	char *copy = malloc(len + 1), shown[200];
	if (!copy) {
		snprintf(err, errlen, "%s: out of memory", str_shown(shown, sizeof(shown), where));
		return -1;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	int rc = parse_text(al, copy, len, where, err, errlen);
	free(copy);
	return rc;
}

int alerts_load_list(struct alerts *al, const char *path, char *err, size_t errlen)
{
	char shown[200];
	const char *sp = str_shown(shown, sizeof(shown), path);
	struct stat st;
	char why[160], *buf;
	size_t got;
	int fd = readfile_open_regular(path, &st, why, sizeof(why));
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", sp, why);
		return -1;
	}
	if (st.st_size > (off_t)ALERTS_FILE_MAX)
		snprintf(why, sizeof(why), "larger than %u MiB", ALERTS_FILE_MAX >> 20);
	else if (readfile_fd(fd, &st, &buf, &got, why, sizeof(why)) == 0)
		why[0] = '\0';
	close(fd);
	if (why[0]) {
		snprintf(err, errlen, "%s: %s", sp, why);
		return -1;
	}
	int rc = parse_text(al, buf, got, path, err, errlen);	/* readfile_fd ended it with a NUL */
	free(buf);
	return rc;
}

uint32_t alerts_list_size(const struct alerts *al)
{
	return al ? al->set[0].n + al->set[1].n : 0;
}

const char *alerts_match(const struct alerts *al, int family, const uint8_t *addr, char *what)
{
	if (!al || (family != 4 && family != 6))
		return NULL;
	const struct range_set *s = &al->set[family == 6];
	struct u128 a = from_bytes(family, addr);
	/* The last range starting at or before a ... */
	uint32_t lo = 0, hi = s->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (lt(a, s->r[mid].lo))
			hi = mid;
		else
			lo = mid + 1;
	}
	/* ... then back while a range before may still reach a. */
	for (uint32_t i = lo; i-- > 0 && !lt(s->r[i].max_hi, a);) {
		const struct range *r = &s->r[i];
		if (lt(r->hi, a))
			continue;
		uint8_t b[16];
		char t[INET6_ADDRSTRLEN];
		if (family == 4) {
			uint32_t v = (uint32_t)r->lo.l;
			b[0] = (uint8_t)(v >> 24); b[1] = (uint8_t)(v >> 16); b[2] = (uint8_t)(v >> 8); b[3] = (uint8_t)v;
		} else {
			for (int k = 0; k < 8; k++) {
				b[k] = (uint8_t)(r->lo.h >> (56 - 8 * k));
				b[8 + k] = (uint8_t)(r->lo.l >> (56 - 8 * k));
			}
		}
		inet_ntop(family == 6 ? AF_INET6 : AF_INET, b, t, sizeof(t));
		if (r->plen == (family == 6 ? 128 : 32))
			snprintf(what, ALERTS_WHAT_LEN, "%s", t);
		else
			snprintf(what, ALERTS_WHAT_LEN, "%s/%u", t, r->plen);
		return al->labels + r->label;
	}
	return NULL;
}

const char *alerts_match_flow(const struct alerts *al, const struct flow *f, char *what,
			      int *src_listed)
{
	const char *label;
	*src_listed = 0;
	if (!al || !f->key.family)
		return NULL;
	if ((label = alerts_match(al, f->key.family, flow_dst_addr(f), what)))
		return label;
	if ((label = alerts_match(al, f->key.family, flow_src_addr(f), what)))
		*src_listed = 1;
	return label;
}

int alerts_parse_rate(const char *text, double *bytes_per_s, int *dir)
{
	*dir = -1;
	if (!strncmp(text, "down:", 5)) {
		*dir = DIR_REV;
		text += 5;
	} else if (!strncmp(text, "up:", 3)) {
		*dir = DIR_FWD;
		text += 3;
	}
	if (*text < '0' || *text > '9')
		return -1;
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (errno || !isfinite(v) || end == text)
		return -1;
	if (*end == 'k' || *end == 'K')
		v *= 1e3, end++;
	else if (*end == 'M')
		v *= 1e6, end++;
	else if (*end == 'G')
		v *= 1e9, end++;
	if (!strcmp(end, "bit") || !strcmp(end, "bit/s") || !strcmp(end, "bps"))
		v /= 8;
	else if (strcmp(end, "") && strcmp(end, "B") && strcmp(end, "B/s"))
		return -1;
	if (v <= 0 || v > 1e15)
		return -1;
	*bytes_per_s = v;
	return 0;
}

void alerts_set_rate(struct alerts *al, double bytes_per_s, int dir)
{
	al->rate_threshold = bytes_per_s;
	al->rate_dir = dir;
	al->rate_above = 0;
}

int alerts_rate_dir(const struct alerts *al) { return al ? al->rate_dir : -2; }
double alerts_rate_threshold(const struct alerts *al) { return al ? al->rate_threshold : 0; }

int alerts_rate_check(struct alerts *al, double bytes_per_s)
{
	if (!al || al->rate_dir == -2)
		return 0;
	if (!al->rate_above && bytes_per_s > al->rate_threshold) {
		al->rate_above = 1;
		return 1;
	}
	if (al->rate_above && bytes_per_s < al->rate_threshold * 0.9) {
		al->rate_above = 0;
		return -1;
	}
	return 0;
}
