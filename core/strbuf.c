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

void json_quote(struct strbuf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	sb_putc(b, '"');
	for (size_t i = 0; i < n;) {
		size_t run = 0;
		while (i + run < n && u[i + run] >= 0x20 && u[i + run] < 0x7f &&
		       u[i + run] != '"' && u[i + run] != '\\')
			run++;
		if (run) {
			sb_put(b, s + i, run);
			i += run;
			continue;
		}
		size_t l = utf8_len(u + i, n - i);
		unsigned c = u[i];
		if (l > 1) {
			sb_put(b, s + i, l);
			i += l;
			continue;
		}
		i++;
		if (l == 0) {		/* not UTF-8: keep the byte visible */
			sb_printf(b, "\\u%04x", c);
			continue;
		}
		switch (c) {
		case '"': sb_puts(b, "\\\""); break;
		case '\\': sb_puts(b, "\\\\"); break;
		case '\n': sb_puts(b, "\\n"); break;
		case '\r': sb_puts(b, "\\r"); break;
		case '\t': sb_puts(b, "\\t"); break;
		default:
			if (c < 0x20 || c == 0x7f)
				sb_printf(b, "\\u%04x", c);
			else
				sb_putc(b, (char)c);
		}
	}
	sb_putc(b, '"');
}

void json_begin(struct jsonw *w, struct strbuf *b)
{
	w->b = b;
	w->need_comma = 0;
	sb_putc(b, '{');
}

void json_end(struct jsonw *w) { sb_putc(w->b, '}'); }

/* Keys are netlens' own ASCII identifiers: written as they are. */
void json_key_n(struct jsonw *w, const char *key, size_t n)
{
	if (sb_reserve(w->b, n + 4) < 0)
		return;
	char *p = w->b->buf + w->b->len;
	if (w->need_comma)
		*p++ = ',';
	*p++ = '"';
	memcpy(p, key, n);
	p += n;
	*p++ = '"';
	*p++ = ':';
	*p = '\0';
	w->b->len = (size_t)(p - w->b->buf);
	w->need_comma = 1;
}

void sb_put_u64(struct strbuf *b, uint64_t v)
{
	char tmp[24];
	int i = sizeof(tmp);
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sb_put(b, tmp + i, sizeof(tmp) - (size_t)i);
}

void json_strn(struct jsonw *w, const char *key, const char *val, size_t n)
{
	json_key(w, key);
	json_quote(w->b, val, n);
}

void json_str(struct jsonw *w, const char *key, const char *val)
{
	json_strn(w, key, val, strlen(val));
}

void json_u64(struct jsonw *w, const char *key, uint64_t v)
{
	json_key(w, key);
	sb_put_u64(w->b, v);
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
