/* strbuf.c - text buffer and JSON writer. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

void sb_init(struct strbuf *b) { memset(b, 0, sizeof(*b)); }

void sb_free(struct strbuf *b)
{
	free(b->buf);
	memset(b, 0, sizeof(*b));
}

void sb_reset(struct strbuf *b)
{
	b->len = 0;
	if (b->buf)
		b->buf[0] = '\0';
}

int sb_grow_slow(struct strbuf *b, size_t extra)
{
	if (b->oom)
		return -1;
	size_t cap = b->cap ? b->cap : 256;
	while (cap - b->len <= extra) {
		if (cap > SIZE_MAX / 2) {
			b->oom = 1;
			return -1;
		}
		cap *= 2;
	}
	char *n = realloc(b->buf, cap);
	if (!n) {
		b->oom = 1;
		return -1;
	}
	b->buf = n;
	b->cap = cap;
	return 0;
}



void sb_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char tmp[256];
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(tmp)) {
		sb_put(b, tmp, (size_t)n);
		return;
	}
	if (sb_reserve(b, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Length of a valid UTF-8 sequence at s (at most n bytes), or 0. Rejects
 * overlongs, surrogates and code points above U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) { len = 2; min = 0x80; }
	else if (c >= 0xe0 && c <= 0xef) { len = 3; min = 0x800; }
	else if (c >= 0xf0 && c <= 0xf4) { len = 4; min = 0x10000; }
	else return 0;
	if (len > n)
		return 0;
	unsigned cp = c & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	/* C1 controls (U+0080..U+009F) act as terminal escapes on some terminals. */
	if (cp >= 0x80 && cp <= 0x9f)
		return 0;
	/* Bidirectional overrides and isolates reorder what follows them on
	 * screen ("Trojan Source"): wire text must not do that to a view. */
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	/* Characters that show as nothing make look-alikes of names (a zero
	 * width space in a server name): zero-width space, joiners and marks,
	 * the line and paragraph separators, invisible operators, the BOM and
	 * the soft hyphen. */
	if ((cp >= 0x200b && cp <= 0x200f) || cp == 0x2028 || cp == 0x2029 ||
	    (cp >= 0x2060 && cp <= 0x2064) || cp == 0xfeff || cp == 0x00ad || cp == 0x180e)
		return 0;
	return len;
}

size_t sb_shown_len(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	if (u[0] < 0x80)
		return u[0] >= 0x20 && u[0] != 0x7f && u[0] != '\\' ? 1 : 0;
	return utf8_len(u, n);
}

void sb_put_sanitized(struct strbuf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		size_t l = sb_shown_len(s + i, n - i);
		if (l) {
			sb_put(b, s + i, l);
			i += l;
		} else {
			sb_printf(b, "\\x%02x", u[i]);
			i++;
		}
	}
}

const char *str_shown(char *buf, size_t n, const char *s)
{
	size_t o = 0, i = 0, len = strlen(s);
	/* 8: room for one escape (4 bytes) or character (at most 4), "..." and the NUL */
	while (i < len && o + 8 <= n) {
		size_t l = sb_shown_len(s + i, len - i);
		if (l) {
			memcpy(buf + o, s + i, l);
			o += l;
			i += l;
		} else {
			o += (size_t)snprintf(buf + o, n - o, "\\x%02x", (unsigned char)s[i]);
			i++;
		}
	}
	if (i < len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

/* Eight bytes at once: nonzero when any byte of v is below 0x20, above 0x7e,
 * '"' or '\\' - a byte that json_quote() must look at alone. (The classic
 * "has a byte less than n" tests: exact about whether one exists.) */
static inline uint64_t json_word_special(uint64_t v)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t below = (v - ones * 0x20) & ~v;
	uint64_t above = (v + ones * (0x7f - 0x7e)) | v;	/* byte > 0x7e sets its top bit */
	uint64_t quote = v ^ (ones * '"'), bslash = v ^ (ones * '\\');
	quote = (quote - ones) & ~quote;
	bslash = (bslash - ones) & ~bslash;
	return (below | above | quote | bslash) & high;
}

static char *json_escape_byte(char *p, unsigned c)
{
	static const char hex[] = "0123456789abcdef";
	char e = 0;
	switch (c) {
	case '"': e = '"'; break;
	case '\\': e = '\\'; break;
	case '\n': e = 'n'; break;
	case '\r': e = 'r'; break;
	case '\t': e = 't'; break;
	}
	*p++ = '\\';
	if (e) {
		*p++ = e;
		return p;
	}
	memcpy(p, "u00", 3);
	p[3] = hex[c >> 4];
	p[4] = hex[c & 15];
	return p + 5;
}

/* What the views write for a byte they do not show: the four characters
 * \xHH, in JSON "\\xHH". */
static char *json_shown_escape(char *p, unsigned c)
{
	static const char hex[] = "0123456789abcdef";
	memcpy(p, "\\\\x", 3);
	p[3] = hex[c >> 4];
	p[4] = hex[c & 15];
	return p + 5;
}

/* Written straight into room reserved for the worst case (every byte as
 * \u00XX), a word at a time while nothing needs escaping: the string
 * fields are most of a dump's bytes. shown: json_quote_shown()'s rule. */
static inline void json_quote_as(struct strbuf *b, const char *s, size_t n, int shown)
{
	const unsigned char *u = (const unsigned char *)s;
	if (n > (SIZE_MAX - 8) / 6 || sb_reserve(b, 6 * n + 2) < 0) {
		b->oom = 1;
		return;
	}
	char *p = b->buf + b->len;
	*p++ = '"';
	size_t i = 0;
	while (i < n) {
		if (n - i >= 8) {
			uint64_t v;
			memcpy(&v, u + i, 8);
			if (!json_word_special(v)) {
				memcpy(p, u + i, 8);
				p += 8;
				i += 8;
				continue;
			}
		} else {
			/* The last 1..7 bytes as one word too (most strings are
			 * short), padded with spaces, which never need escaping
			 * (nor let a borrow or carry flag a lane). */
			size_t k = n - i;
			uint64_t v = 0x2020202020202020ULL;
			memcpy(&v, u + i, k);
			if (!json_word_special(v)) {
				memcpy(p, u + i, k);
				p += k;
				break;
			}
		}
		unsigned c = u[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			*p++ = (char)c;
			i++;
			continue;
		}
		size_t l = c >= 0x80 ? utf8_len(u + i, n - i) : 1;
		if (l > 1) {		/* valid UTF-8 passes through */
			memcpy(p, u + i, l);
			p += l;
			i += l;
			continue;
		}
		/* A control byte, '"', '\\', DEL, or a byte that is not UTF-8
		 * (kept visible as the code point of its value, or as the views
		 * show it). */
		if (shown && c != '"')
			p = json_shown_escape(p, c);
		else
			p = json_escape_byte(p, c);
		i++;
	}
	*p++ = '"';
	*p = '\0';
	b->len = (size_t)(p - b->buf);
}

void json_quote(struct strbuf *b, const char *s, size_t n) { json_quote_as(b, s, n, 0); }
void json_quote_shown(struct strbuf *b, const char *s, size_t n) { json_quote_as(b, s, n, 1); }

void json_begin(struct jsonw *w, struct strbuf *b)
{
	w->b = b;
	w->need_comma = 0;
	sb_putc(b, '{');
}

void json_end(struct jsonw *w) { sb_putc(w->b, '}'); }

/* Two digits a step from a table: numbers are a third of a record. */
static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

char *sb_fmt_u64(char *end, uint64_t v)
{
	char *p = end;
	while (v >= 100) {
		unsigned r = (unsigned)(v % 100);
		v /= 100;
		p -= 2;
		memcpy(p, digit_pairs + 2 * r, 2);
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, digit_pairs + 2 * v, 2);
	} else {
		*--p = (char)('0' + v);
	}
	return p;
}

void sb_put_u64(struct strbuf *b, uint64_t v)
{
	char tmp[20];
	char *p = sb_fmt_u64(tmp + sizeof(tmp), v);
	sb_put(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

void json_milli(struct jsonw *w, const char *key, uint64_t micro)
{
	json_key(w, key);
	sb_put_u64(w->b, micro / 1000);
	unsigned frac = (unsigned)(micro % 1000);
	const char *two = digit_pairs + 2 * (frac % 100);
	const char tail[4] = { '.', (char)('0' + frac / 100), two[0], two[1] };
	sb_put(w->b, tail, sizeof(tail));
}

void json_i64(struct jsonw *w, const char *key, int64_t v)
{
	json_key(w, key);
	sb_printf(w->b, "%lld", (long long)v);
}

static const uint64_t json_pow10[] = { 1, 10, 100, 1000, 10000, 100000, 1000000 };

void json_f64(struct jsonw *w, const char *key, double v, int decimals)
{
	json_key(w, key);
	if (v != v || v > 1e300 || v < -1e300) {	/* NaN or infinite: not JSON */
		sb_puts(w->b, "null");
	} else if (v >= 0 && decimals >= 0 && decimals <= 6 &&
		   v * (double)json_pow10[decimals] < 4e15) {	/* exact integer in a double */
		/* Fixed point by hand: printf's float path is the slowest part of a dump. */
		uint64_t scale = json_pow10[decimals];
		uint64_t fixed = (uint64_t)(v * (double)scale + 0.5);
		sb_put_u64(w->b, fixed / scale);
		if (decimals) {
			char frac[8];
			uint64_t f = fixed % scale;
			for (int i = decimals - 1; i >= 0; i--) {
				frac[i] = (char)('0' + f % 10);
				f /= 10;
			}
			sb_putc(w->b, '.');
			sb_put(w->b, frac, (size_t)decimals);
		}
	} else {
		sb_printf(w->b, "%.*f", decimals, v);
	}
}

void json_bool(struct jsonw *w, const char *key, int v)
{
	json_key(w, key);
	sb_puts(w->b, v ? "true" : "false");
}

void json_null(struct jsonw *w, const char *key)
{
	json_key(w, key);
	sb_puts(w->b, "null");
}
