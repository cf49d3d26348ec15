/* strbuf.h - a growable text buffer and a JSON writer on top of it. */
#ifndef NETLENS_STRBUF_H
#define NETLENS_STRBUF_H

#include <stddef.h>
#include <stdint.h>

struct strbuf {
	char *buf;	/* owned; always NUL-terminated when len > 0 */
	size_t len, cap;
	int oom;	/* an allocation failed; contents are incomplete */
};

void sb_init(struct strbuf *b);
void sb_free(struct strbuf *b);
void sb_reset(struct strbuf *b);
void sb_putc(struct strbuf *b, char c);
void sb_puts(struct strbuf *b, const char *s);
void sb_put(struct strbuf *b, const char *s, size_t n);
void sb_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends s (untrusted bytes) with control bytes, DEL and invalid UTF-8
 * escaped as \xHH, so wire text is safe for a terminal or a log line. */
void sb_put_sanitized(struct strbuf *b, const char *s, size_t n);

/* JSON. A writer tracks whether a comma is due. */
struct jsonw { struct strbuf *b; int need_comma; };
void json_begin(struct jsonw *w, struct strbuf *b);	/* "{" */
void json_end(struct jsonw *w);				/* "}" */
void json_key(struct jsonw *w, const char *key);
void json_str(struct jsonw *w, const char *key, const char *val);
void json_strn(struct jsonw *w, const char *key, const char *val, size_t n);
void json_u64(struct jsonw *w, const char *key, uint64_t v);
void json_i64(struct jsonw *w, const char *key, int64_t v);
void json_f64(struct jsonw *w, const char *key, double v, int decimals);
void json_bool(struct jsonw *w, const char *key, int v);
void json_null(struct jsonw *w, const char *key);
/* A JSON string literal (quotes included) with every byte that is not
 * printable ASCII or valid UTF-8 escaped. */
void json_quote(struct strbuf *b, const char *s, size_t n);

#endif
