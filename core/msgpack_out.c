/* msgpack_out.c - a record's JSON text, re-encoded as msgpack (msgpack_out.h). */
#include "config.h"

#include <msgpack.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msgpack_out.h"

struct parse {
	const char *p, *end;
	msgpack_packer pk;
	struct strbuf *tmp;	/* an unescaped string */
};

static int write_cb(void *data, const char *buf, size_t len)
{
	struct strbuf *b = data;
	sb_put(b, buf, len);
	return b->oom ? -1 : 0;
}

static void skip_ws(struct parse *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int hex4(const char *p, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
			   : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
			   : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
		if (d > 15)
			return -1;
		*v = *v << 4 | d;
	}
	return 0;
}

static void put_utf8(struct strbuf *b, unsigned cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) { u[0] = (char)cp; n = 1; }
	else if (cp < 0x800) { u[0] = (char)(0xc0 | cp >> 6); u[1] = (char)(0x80 | (cp & 0x3f)); n = 2; }
	else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12); u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f)); n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18); u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f)); u[3] = (char)(0x80 | (cp & 0x3f)); n = 4;
	}
	sb_put(b, u, n);
}

/* A JSON string at s->p (the opening quote), unescaped into s->tmp. */
static int string(struct parse *s)
{
	sb_reset(s->tmp);
	if (s->p >= s->end || *s->p != '"')
		return -1;
	s->p++;
	while (s->p < s->end && *s->p != '"') {
		char c = *s->p++;
		if ((unsigned char)c < 0x20)
			return -1;
		if (c != '\\') {
			sb_put(s->tmp, &c, 1);
			continue;
		}
		if (s->p >= s->end)
			return -1;
		c = *s->p++;
		switch (c) {
		case '"': case '\\': case '/': sb_put(s->tmp, &c, 1); break;
		case 'b': sb_put(s->tmp, "\b", 1); break;
		case 'f': sb_put(s->tmp, "\f", 1); break;
		case 'n': sb_put(s->tmp, "\n", 1); break;
		case 'r': sb_put(s->tmp, "\r", 1); break;
		case 't': sb_put(s->tmp, "\t", 1); break;
		case 'u': {
			unsigned cp, lo;
			if (s->end - s->p < 4 || hex4(s->p, &cp) < 0)
				return -1;
			s->p += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && s->end - s->p >= 6 && s->p[0] == '\\' &&
			    s->p[1] == 'u' && hex4(s->p + 2, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				s->p += 6;
			}
			put_utf8(s->tmp, cp);
			break;
		}
		default:
			return -1;
		}
	}
	if (s->p >= s->end)
		return -1;
	s->p++;
	return 0;
}

static void pack_tmp_str(struct parse *s)
{
	msgpack_pack_str(&s->pk, s->tmp->len);
	msgpack_pack_str_body(&s->pk, s->tmp->buf ? s->tmp->buf : "", s->tmp->len);
}

static int number(struct parse *s)
{
	char buf[40];
	size_t n = 0;
	int decimal = 0;
	while (s->p < s->end && n < sizeof(buf) - 1 &&
	       (strchr("0123456789-+.eE", *s->p) && *s->p)) {
		if (*s->p == '.' || *s->p == 'e' || *s->p == 'E')
			decimal = 1;
		buf[n++] = *s->p++;
	}
	buf[n] = '\0';
	if (!n)
		return -1;
	char *e;
	if (decimal) {
		double d = strtod(buf, &e);
		if (*e)
			return -1;
		msgpack_pack_double(&s->pk, d);
	} else if (buf[0] == '-') {
		long long v = strtoll(buf, &e, 10);
		if (*e)
			return -1;
		msgpack_pack_int64(&s->pk, v);
	} else {
		unsigned long long v = strtoull(buf, &e, 10);
		if (*e)
			return -1;
		msgpack_pack_uint64(&s->pk, v);
	}
	return 0;
}

static int literal(struct parse *s, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n))
		return -1;
	s->p += n;
	return 0;
}

static int scalar(struct parse *s)
{
	if (s->p >= s->end)
		return -1;
	switch (*s->p) {
	case '"':
		if (string(s) < 0)
			return -1;
		pack_tmp_str(s);
		return 0;
	case 't':
		if (literal(s, "true") < 0)
			return -1;
		msgpack_pack_true(&s->pk);
		return 0;
	case 'f':
		if (literal(s, "false") < 0)
			return -1;
		msgpack_pack_false(&s->pk);
		return 0;
	case 'n':
		if (literal(s, "null") < 0)
			return -1;
		msgpack_pack_nil(&s->pk);
		return 0;
	default:
		return number(s);
	}
}

/* Counts the items of the array or object at p (at its opening bracket)
 * without packing, so the msgpack header can come first. */
static int count_items(const char *p, const char *end, char close, uint32_t *n)
{
	int depth = 0, in_str = 0, any = 0;
	*n = 0;
	for (p++; p < end; p++) {
		char c = *p;
		if (in_str) {
			if (c == '\\')
				p++;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (c == '"') { in_str = 1; any = 1; }
		else if (c == '[' || c == '{') { depth++; any = 1; }
		else if (c == ']' || c == '}') {
			if (depth == 0) {
				if (c != close)
					return -1;
				*n += any;
				return 0;
			}
			depth--;
		} else if (c == ',' && depth == 0) { (*n)++; }
		else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') { any = 1; }
	}
	return -1;
}

static int array(struct parse *s)
{
	uint32_t n;
	if (count_items(s->p, s->end, ']', &n) < 0)
		return -1;
	msgpack_pack_array(&s->pk, n);
	s->p++;
	for (uint32_t i = 0; i < n; i++) {
		skip_ws(s);
		if (scalar(s) < 0)
			return -1;
		skip_ws(s);
		if (i + 1 < n) {
			if (s->p >= s->end || *s->p != ',')
				return -1;
			s->p++;
		}
	}
	skip_ws(s);
	if (s->p >= s->end || *s->p != ']')
		return -1;
	s->p++;
	return 0;
}

/* An object at s->p (its opening brace), as a map; its values scalars,
 * arrays of scalars or objects (RustNet's "kubernetes"), nested at most
 * depth more levels. */
static int object(struct parse *s, int depth)
{
	uint32_t n;
	if (s->p >= s->end || *s->p != '{' || count_items(s->p, s->end, '}', &n) < 0)
		return -1;
	msgpack_pack_map(&s->pk, n);
	s->p++;
	for (uint32_t i = 0; i < n; i++) {
		skip_ws(s);
		if (string(s) < 0)
			return -1;
		pack_tmp_str(s);
		skip_ws(s);
		if (s->p >= s->end || *s->p++ != ':')
			return -1;
		skip_ws(s);
		int rc = s->p >= s->end ? -1
			 : *s->p == '[' ? array(s)
			 : *s->p == '{' ? (depth > 0 ? object(s, depth - 1) : -1)
			 : scalar(s);
		if (rc < 0)
			return -1;
		skip_ws(s);
		if (i + 1 < n && (s->p >= s->end || *s->p++ != ','))
			return -1;
	}
	skip_ws(s);
	if (s->p >= s->end || *s->p++ != '}')
		return -1;
	return 0;
}

int msgpack_from_json(const char *json, size_t len, struct strbuf *out)
{
	struct strbuf tmp;
	struct parse s = { json, json + len, { 0 }, &tmp };
	size_t mark = out->len;
	int rc = -1;

	sb_init(&tmp);
	msgpack_packer_init(&s.pk, out, write_cb);
	skip_ws(&s);
	if (object(&s, 1) < 0)
		goto done;
	skip_ws(&s);
	rc = s.p == s.end ? 0 : -1;
done:
	if (rc < 0) {
		out->len = mark;
		if (out->buf)
			out->buf[mark] = '\0';
	}
	sb_free(&tmp);
	return rc;
}
