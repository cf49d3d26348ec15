/*
 * filter.c - the TUI's filter language (RustNet src/filter.rs, plus `!`).
 *
 * Compiling does all the work that does not depend on a row: keywords are
 * resolved, substring needles lower-cased, regexes compiled, port numbers
 * parsed. Matching then runs over up to 100 000 rows per keystroke, so it
 * allocates nothing itself and formats at most two "addr:port" strings per
 * row, into stack buffers, and only when a free-text term needs them.
 */
#include "config.h"

#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

enum field {
	FLD_FREE,	/* free text: every searchable field, see free_match() */
	FLD_PORT,	/* local or remote port */
	FLD_SPORT,	/* local port */
	FLD_DPORT,	/* remote port */
	FLD_SRC,	/* local IP text */
	FLD_DST,	/* remote IP text */
	FLD_PROCESS,
	FLD_PID,	/* the owning process's id (nethogs -P) */
	FLD_HOST,
	FLD_SSH,
	FLD_STATE,
	FLD_PROTO,
	FLD_SERVICE,
	FLD_APP,
	FLD_POD,	/* --kubernetes: the process's pod, namespace, container */
	FLD_NAMESPACE,
	FLD_CONTAINER,
	FLD_ALERT,	/* --alert-list: the entry and label holding an endpoint */
	FLD_IFACE,	/* -i with several interfaces: the one the flow was read on */
};

/* RustNet's keywords and aliases; matched case-insensitively. */
static const struct keyword {
	const char *name;
	enum field field;
} keywords[] = {
	{ "port", FLD_PORT },
	{ "sport", FLD_SPORT }, { "srcport", FLD_SPORT }, { "source-port", FLD_SPORT },
	{ "dport", FLD_DPORT }, { "dstport", FLD_DPORT }, { "dest-port", FLD_DPORT },
	{ "destination-port", FLD_DPORT },
	{ "src", FLD_SRC }, { "source", FLD_SRC },
	{ "dst", FLD_DST }, { "dest", FLD_DST }, { "destination", FLD_DST },
	{ "process", FLD_PROCESS }, { "proc", FLD_PROCESS },
	{ "pid", FLD_PID },
	{ "sni", FLD_HOST }, { "host", FLD_HOST }, { "hostname", FLD_HOST },
	{ "ssh", FLD_SSH },
	{ "state", FLD_STATE },
	{ "proto", FLD_PROTO }, { "protocol", FLD_PROTO },
	{ "service", FLD_SERVICE }, { "svc", FLD_SERVICE },
	{ "app", FLD_APP }, { "application", FLD_APP },
	{ "pod", FLD_POD },
	{ "ns", FLD_NAMESPACE }, { "namespace", FLD_NAMESPACE },
	{ "container", FLD_CONTAINER }, { "cont", FLD_CONTAINER },
	{ "alert", FLD_ALERT },
	{ "iface", FLD_IFACE }, { "interface", FLD_IFACE },
};

enum how {
	HOW_SUBSTR,	/* case-insensitive substring of the field text */
	HOW_REGEX,	/* `/re/`: POSIX ERE, REG_ICASE */
	HOW_NUMBER,	/* port or pid value of all digits: exact number */
};

struct term {
	enum field field;
	enum how how;
	int neg;		/* `!term` */
	unsigned long long number;	/* HOW_NUMBER; above the field's range it never matches */
	const char *needle;	/* HOW_SUBSTR, lower-cased; points into filter.text */
	size_t nlen;
	regex_t re;		/* HOW_REGEX; owned, regfree()d by filter_free */
};

struct filter {
	unsigned n;		/* effective terms; ignored ones are not stored */
	struct term t[FILTER_MAX_TERMS];
	/* Every term's value, NUL-terminated, back to back. A value is never
	 * longer than its token and tokens are separated by at least one blank,
	 * so the values and their NULs always fit in the input's length + 1. */
	char text[FILTER_MAX_LEN + 1];
};

/* ASCII only and locale-free on purpose: the matcher must not depend on
 * setlocale() and must be cheap. UTF-8 bytes compare exactly. */
static unsigned char lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; }
static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }
static int is_kw_char(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-'; }

/* Is the lower-cased needle (nlen > 0) in hay, ignoring ASCII case? */
static int ci_contains(const char *hay, const char *needle, size_t nlen)
{
	const unsigned char first = (unsigned char)needle[0];
	for (const char *h = hay; *h; h++) {
		if (lower((unsigned char)*h) != first)
			continue;
		size_t i = 1;
		while (i < nlen && h[i] && lower((unsigned char)h[i]) == (unsigned char)needle[i])
			i++;
		if (i == nlen)
			return 1;
		if (!h[i])	/* hay ended: every later start is shorter still */
			return 0;
	}
	return 0;
}

static const struct keyword *keyword_find(const char *name, size_t len)
{
	for (size_t k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++) {
		const char *kw = keywords[k].name;
		size_t i = 0;
		while (i < len && kw[i] && lower((unsigned char)name[i]) == (unsigned char)kw[i])
			i++;
		if (i == len && !kw[i])
			return &keywords[k];
	}
	return NULL;
}

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Copies one value starting at v into out (NUL-terminated) and returns
 * where the token ends. A leading `"` quotes up to the next unescaped `"`
 * (blanks included; `\"` is a quote, other backslashes stay, so a regex
 * keeps its escapes); after it, or without it, the value runs to a blank.
 * An unclosed quote runs to the end: the user is still typing. Quotes are
 * only special at the start so that `/a"b/` stays a regex as written. */
static const char *read_value(const char *v, char *out, size_t *outlen)
{
	size_t n = 0;
	if (*v == '"') {
		v++;
		while (*v && *v != '"') {
			if (v[0] == '\\' && v[1] == '"')
				v++;
			out[n++] = *v++;
		}
		if (*v == '"')
			v++;
	}
	while (*v && !is_blank(*v))
		out[n++] = *v++;
	out[n] = '\0';
	*outlen = n;
	return v;
}

/* glibc's regcomp() copies a subexpression once per repetition it adds, so
 * "a++++...", nested groups under counts or "{1000}" cost memory that grows
 * much faster than what was typed (fuzz_filter found 2 GiB from 150
 * characters). A filter needs none of that. The pattern's expanded size is
 * estimated (an atom counts 1, a group its content, a repetition multiplies
 * what it repeats) and refused above REGEX_MAX_COST, as are a repetition of
 * a repetition and groups nested deeper than REGEX_MAX_DEPTH. Returns NULL
 * or what is wrong. */
#define REGEX_MAX_COST 2048
#define REGEX_MAX_DEPTH 8

static const char *regex_too_costly(const char *re)
{
	long size[REGEX_MAX_DEPTH + 1], last[REGEX_MAX_DEPTH + 1];
	int d = 0, after_quant = 0;
	size[0] = last[0] = 0;
	for (const char *p = re; *p; p++) {
		char c = *p;
		if (c == '*' || c == '+' || c == '?' || c == '{') {
			if (after_quant)
				return "a repetition of a repetition";
			long f = c == '+' ? 2 : 1;
			if (c == '{') {
				char *end;
				unsigned long lo = strtoul(p + 1, &end, 10), hi = lo;
				if (*end == ',')
					hi = end[1] == '}' ? lo + 1 : strtoul(end + 1, &end, 10);
				if (lo > 255 || hi > 255)
					return "a {count} above 255";
				f = (long)(hi > lo ? hi : lo) + 1;
				while (*p && *p != '}')
					p++;
				if (!*p)
					return NULL;	/* regcomp reports it */
			}
			size[d] += last[d] * (f - 1);
			last[d] *= f;
			after_quant = 1;
		} else if (c == '(') {
			if (d == REGEX_MAX_DEPTH)
				return "groups nested too deep";
			d++;
			size[d] = last[d] = 0;
			after_quant = 0;
		} else if (c == ')' && d > 0) {
			long g = size[d--];
			size[d] += g;
			last[d] = g;
			after_quant = 0;
		} else if (c == '|') {
			last[d] = 0;
			after_quant = 0;
		} else {
			if (c == '\\' && p[1]) {	/* an escaped character is one literal */
				p++;
			} else if (c == '[') {	/* a bracket expression is one atom */
				const char *q = p + 1;
				if (*q == '^')
					q++;
				if (*q == ']')
					q++;
				while (*q && *q != ']')
					q++;
				if (!*q)
					return NULL;
				p = q;
			}
			size[d] += 1;
			last[d] = 1;
			after_quant = 0;
		}
		if (size[d] > REGEX_MAX_COST)
			return "it would expand too much";
	}
	while (d > 0) {		/* unclosed groups: regcomp reports them */
		size[d - 1] += size[d];
		d--;
	}
	return size[0] > REGEX_MAX_COST ? "it would expand too much" : NULL;
}

/* Fills t from a value of vlen bytes at val (in the arena). Returns 0, or -1
 * with err written when the value is a regex that does not compile. */
static int term_set_value(struct term *t, char *val, size_t vlen, char *err, size_t errlen)
{
	if (vlen >= 2 && val[0] == '/' && val[vlen - 1] == '/') {
		val[vlen - 1] = '\0';	/* the pattern is val + 1, kept as written:
					 * lower-casing would turn \W into \w */
		const char *costly = regex_too_costly(val + 1);
		if (costly) {
			set_err(err, errlen, "regex /%s/ is too costly: %s", val + 1, costly);
			return -1;
		}
		int rc = regcomp(&t->re, val + 1, REG_EXTENDED | REG_ICASE | REG_NOSUB);
		if (rc != 0) {
			char why[128];
			regerror(rc, &t->re, why, sizeof(why));
			set_err(err, errlen, "bad regex /%s/: %s", val + 1, why);
			return -1;
		}
		t->how = HOW_REGEX;
		return 0;
	}
	int digits = 1;
	for (size_t i = 0; i < vlen; i++)
		digits &= val[i] >= '0' && val[i] <= '9';
	if (digits && (t->field == FLD_PORT || t->field == FLD_SPORT || t->field == FLD_DPORT ||
		       t->field == FLD_PID)) {
		unsigned long long p = 0;
		for (size_t i = 0; i < vlen && p <= UINT32_MAX; i++)	/* stops before it can wrap */
			p = p * 10 + (unsigned long long)(val[i] - '0');
		t->how = HOW_NUMBER;
		t->number = p;
		return 0;
	}
	for (size_t i = 0; i < vlen; i++)
		val[i] = (char)lower((unsigned char)val[i]);
	t->how = HOW_SUBSTR;
	t->needle = val;
	t->nlen = vlen;
	return 0;
}

struct filter *filter_compile(const char *expr, char *err, size_t errlen)
{
	if (err && errlen > 0)
		err[0] = '\0';
	if (!expr) {
		set_err(err, errlen, "no filter expression");
		return NULL;
	}
	size_t len = strnlen(expr, FILTER_MAX_LEN + 1);
	if (len > FILTER_MAX_LEN) {
		set_err(err, errlen, "filter too long (at most %d characters)", FILTER_MAX_LEN);
		return NULL;
	}
	struct filter *f = calloc(1, sizeof(*f));
	if (!f) {
		set_err(err, errlen, "out of memory");
		return NULL;
	}

	size_t used = 0;	/* bytes of f->text taken */
	unsigned tokens = 0;
	const char *p = expr;
	for (;;) {
		while (is_blank(*p))
			p++;
		if (!*p)
			break;
		/* Counted as typed, ignored ones too, so the rule is easy to state. */
		if (++tokens > FILTER_MAX_TERMS) {
			set_err(err, errlen, "too many terms (at most %d)", FILTER_MAX_TERMS);
			goto fail;
		}
		struct term *t = &f->t[f->n];
		memset(t, 0, sizeof(*t));
		if (*p == '!') {
			t->neg = 1;
			p++;
		}
		char *out = f->text + used;
		size_t pre = 0;	/* bytes of an unknown `k:` kept in the free text */
		const char *v = p;
		const char *k = p;
		while (is_kw_char(*k))
			k++;
		t->field = FLD_FREE;
		if (*k == ':' && k > p) {
			const struct keyword *kw = keyword_find(p, (size_t)(k - p));
			if (kw) {
				t->field = kw->field;
			} else {
				/* RustNet: the whole token is free text. Keep the
				 * prefix so `foo:"a b"` searches "foo:a b". */
				pre = (size_t)(k - p) + 1;
				memcpy(out, p, pre);
			}
			v = k + 1;
		}
		size_t vlen;
		p = read_value(v, out + pre, &vlen);
		vlen += pre;
		if (vlen == 0 || (vlen == 2 && out[0] == '/' && out[1] == '/'))
			continue;	/* empty value, lone `!`, `//`: still typing */
		if (term_set_value(t, out, vlen, err, errlen) < 0)
			goto fail;
		used += vlen + 1;
		f->n++;
	}
	return f;
fail:
	filter_free(f);
	return NULL;
}

static int text_match(const struct term *t, const char *s)
{
	if (!s)		/* the contract says "", but a NULL must not crash the UI */
		s = "";
	if (t->how == HOW_REGEX)
		return regexec(&t->re, s, 0, NULL, 0) == 0;
	return ci_contains(s, t->needle, t->nlen);
}

/* Writes port's decimal digits backwards into d[16]; returns how many
 * (none for 0, which callers treat as they need). */
static size_t digits_rev(unsigned port, char *d)
{
	size_t n = 0;
	for (; port; port /= 10)
		d[n++] = (char)('0' + port % 10);
	return n;
}

/* A port or pid against a term: exact for digits, else as its decimal
 * text (`port:/^44/`, `pid:12`: a substring). */
static int number_match(const struct term *t, unsigned v)
{
	if (t->how == HOW_NUMBER)
		return v == t->number;
	char d[16], buf[16];
	size_t nd = digits_rev(v, d), n = 0;
	if (nd == 0)
		buf[n++] = '0';	/* RustNet: a missing port is the number 0 */
	while (nd)
		buf[n++] = d[--nd];
	buf[n] = '\0';
	return text_match(t, buf);
}

/* "addr:port" as the table shows it: "[v6]:port" for IPv6, the bare
 * address when there is no port. 96 bytes hold any IPv6 text with a zone
 * and a port (about 70); longer (odd) input is truncated, never overrun. */
struct endpoints {
	int done;
	char local[96], remote[96];
};

/* By hand, not snprintf: this runs for every row on every keystroke, and
 * snprintf was most of a free-text match's cost. */
static void endpoint_fmt(char *buf, size_t size, const char *addr, unsigned port)
{
	char digits[16];
	size_t nd = digits_rev(port, digits);
	if (!addr)
		addr = "";
	int v6 = nd > 0 && strchr(addr, ':') != NULL;
	size_t room = size - 1 - (nd ? nd + 1 + 2 * (size_t)v6 : 0);	/* size >= 32 */
	size_t n = 0;
	if (v6)
		buf[n++] = '[';
	for (const char *a = addr; *a && n < room; a++)
		buf[n++] = *a;
	if (v6)
		buf[n++] = ']';
	if (nd)
		buf[n++] = ':';
	while (nd)
		buf[n++] = digits[--nd];
	buf[n] = '\0';
}

/* RustNet matches_general: every text a row shows or its DPI found. */
static int free_match(const struct term *t, const struct filter_subject *s, struct endpoints *ep)
{
	if (!ep->done) {
		endpoint_fmt(ep->local, sizeof(ep->local), s->local_addr, s->local_port);
		endpoint_fmt(ep->remote, sizeof(ep->remote), s->remote_addr, s->remote_port);
		ep->done = 1;
	}
	if (text_match(t, s->proto) || text_match(t, ep->local) || text_match(t, ep->remote) ||
	    text_match(t, s->state) || text_match(t, s->service) || text_match(t, s->app) ||
	    text_match(t, s->process) || text_match(t, s->host) || text_match(t, s->ssh))
		return 1;
	for (unsigned i = 0; s->extra && i < s->n_extra; i++)
		if (s->extra[i] && text_match(t, s->extra[i]))
			return 1;
	return 0;
}

static int term_match(const struct term *t, const struct filter_subject *s, struct endpoints *ep)
{
	switch (t->field) {
	case FLD_PORT:
		return number_match(t, s->local_port) || number_match(t, s->remote_port);
	case FLD_SPORT:
		return number_match(t, s->local_port);
	case FLD_DPORT:
		return number_match(t, s->remote_port);
	case FLD_SRC:
		return text_match(t, s->local_addr);
	case FLD_DST:
		return text_match(t, s->remote_addr);
	case FLD_PROCESS:
		return text_match(t, s->process);
	case FLD_PID:	/* a row with no process has no pid: never matches */
		return s->pid && number_match(t, s->pid);
	case FLD_HOST:
		return text_match(t, s->host);
	case FLD_SSH:
		if (text_match(t, s->ssh))
			return 1;
		for (unsigned i = 0; s->extra && i < s->n_extra && i < 64; i++)
			if (((s->ssh_extra >> i) & 1) && s->extra[i] && text_match(t, s->extra[i]))
				return 1;
		return 0;
	case FLD_STATE:
		return text_match(t, s->state);
	case FLD_PROTO:
		return text_match(t, s->proto);
	case FLD_SERVICE:
		return text_match(t, s->service);
	case FLD_APP:
		return text_match(t, s->app);
	case FLD_POD:
		return s->pod && text_match(t, s->pod);
	case FLD_NAMESPACE:
		return s->pod_namespace && text_match(t, s->pod_namespace);
	case FLD_CONTAINER:
		return s->container && text_match(t, s->container);
	case FLD_ALERT:	/* a listed flow only: "alert:/./" matches any */
		return s->alert && s->alert[0] && text_match(t, s->alert);
	case FLD_IFACE:
		return s->iface && text_match(t, s->iface);
	case FLD_FREE:
		break;
	}
	return free_match(t, s, ep);
}

int filter_match(const struct filter *f, const struct filter_subject *s)
{
	if (!f || f->n == 0)
		return 1;
	if (!s)
		return 0;
	struct endpoints ep;
	ep.done = 0;
	for (unsigned i = 0; i < f->n; i++)
		if (term_match(&f->t[i], s, &ep) == f->t[i].neg)
			return 0;
	return 1;
}

int filter_is_empty(const struct filter *f) { return !f || f->n == 0; }

int filter_uses_kubernetes(const struct filter *f)
{
	for (unsigned i = 0; f && i < f->n; i++)
		if (f->t[i].field == FLD_POD || f->t[i].field == FLD_NAMESPACE ||
		    f->t[i].field == FLD_CONTAINER)
			return 1;
	return 0;
}

void filter_free(struct filter *f)
{
	if (!f)
		return;
	for (unsigned i = 0; i < f->n; i++)
		if (f->t[i].how == HOW_REGEX)
			regfree(&f->t[i].re);
	free(f);
}
