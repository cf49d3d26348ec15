/* strbuf.h - a growable text buffer and a JSON writer on top of it. */
#ifndef NETLENS_STRBUF_H
#define NETLENS_STRBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct strbuf {
	char *buf;	/* owned; always NUL-terminated when len > 0 */
	size_t len, cap;
	int oom;	/* an allocation failed; contents are incomplete */
};

void sb_init(struct strbuf *b);
void sb_free(struct strbuf *b);
void sb_reset(struct strbuf *b);
/* Makes room for extra bytes plus a NUL; 0, or -1 (and oom set). */
int sb_grow_slow(struct strbuf *b, size_t extra);

static inline int sb_reserve(struct strbuf *b, size_t extra)
{
	if (extra < b->cap - b->len && !b->oom)
		return 0;
	return sb_grow_slow(b, extra);
}

static inline void sb_put(struct strbuf *b, const char *s, size_t n)
{
	if (sb_reserve(b, n) < 0)
		return;
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

static inline void sb_putc(struct strbuf *b, char c)
{
	if (sb_reserve(b, 1) < 0)
		return;
	b->buf[b->len++] = c;
	b->buf[b->len] = '\0';
}

static inline void sb_puts(struct strbuf *b, const char *s) { sb_put(b, s, strlen(s)); }
void sb_put_u64(struct strbuf *b, uint64_t v);
/* Writes v's decimal digits so that they end at `end`; returns the first
 * (at most 20 bytes before end). */
char *sb_fmt_u64(char *end, uint64_t v);
void sb_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends s (untrusted bytes) with control bytes, DEL and invalid UTF-8
 * escaped as \xHH, so wire text is safe for a terminal or a log line. */
void sb_put_sanitized(struct strbuf *b, const char *s, size_t n);
/* Bytes of the character at s (n > 0 bytes left) that may be shown as they
 * are - printable ASCII but '\\', or valid UTF-8 that is not a C1 control or
 * a bidi override/isolate - or 0: the rule of sb_put_sanitized(), which
 * writes those bytes as \xHH. */
size_t sb_shown_len(const char *s, size_t n);
/* s (a user's argument, a path) as it may appear in a one-line message,
 * into buf of n >= 8 bytes: by the rule above, and cut with "..." when it
 * does not fit. Returns buf. */
const char *str_shown(char *buf, size_t n, const char *s);

/* JSON. A writer tracks whether a comma is due. */
struct jsonw { struct strbuf *b; int need_comma; };
void json_begin(struct jsonw *w, struct strbuf *b);	/* "{" */
void json_end(struct jsonw *w);				/* "}" */
/* Keys are netlens' own ASCII identifiers: written as they are. Inline so
 * that a literal key's length and copy fold to constants. */
static inline void json_key_n(struct jsonw *w, const char *key, size_t n)
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
static inline void json_key(struct jsonw *w, const char *key) { json_key_n(w, key, strlen(key)); }
/* A JSON string literal (quotes included) with every byte that is not
 * printable ASCII or valid UTF-8 escaped. */
void json_quote(struct strbuf *b, const char *s, size_t n);
/* A JSON string literal of untrusted text (off the wire, from a file or
 * another process) as the views show it (sb_put_sanitized): what the views
 * show as it is passes, every other byte - a backslash too - becomes the
 * four characters \xHH. A JSON reader then gets the views' text, which no
 * terminal is steered by (jq -r), and a byte that is not UTF-8 stays apart
 * from the character of its value (b\xfccher is not buecher). */
void json_quote_shown(struct strbuf *b, const char *s, size_t n);
/* Inline like json_key(): most keys are literals. */
static inline void json_strn(struct jsonw *w, const char *key, const char *val, size_t n)
{
	json_key(w, key);
	json_quote(w->b, val, n);
}
static inline void json_strn_shown(struct jsonw *w, const char *key, const char *val, size_t n)
{
	json_key(w, key);
	json_quote_shown(w->b, val, n);
}
static inline void json_str(struct jsonw *w, const char *key, const char *val)
{
	json_strn(w, key, val, strlen(val));
}
static inline void json_u64(struct jsonw *w, const char *key, uint64_t v)
{
	json_key(w, key);
	sb_put_u64(w->b, v);
}
/* Microseconds as milliseconds with three decimals ("21.163"): what
 * json_f64(w, key, micro / 1000.0, 3) writes, in integers. */
void json_milli(struct jsonw *w, const char *key, uint64_t micro);
void json_i64(struct jsonw *w, const char *key, int64_t v);
void json_f64(struct jsonw *w, const char *key, double v, int decimals);
void json_bool(struct jsonw *w, const char *key, int v);
void json_null(struct jsonw *w, const char *key);

#endif
