/*
 * fuzz_monitor.c - libnetlens' decoder (plugins/monitor_decoder.c): the
 * input is what a program would read from netlens, cut into pieces whose
 * sizes come from the input's first bytes. Every record delivered is
 * walked (each key and text NUL-terminated at its length, lists one level
 * deep); a stream that fails takes nothing more; the bytes held stay near
 * one record's bound. ASan and UBSan watch the rest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netlens/monitor.h"

static void fail(const char *why)
{
	fprintf(stderr, "fuzz_monitor: %s\n", why);
	abort();
}

static void check_value(const struct nl_value *v, int in_list)
{
	if (v->kind == NL_VALUE_TEXT && strlen(v->text) > v->len)
		fail("text longer than its length");
	if (v->kind == NL_VALUE_TEXT && v->text[v->len] != '\0')
		fail("text without its NUL");
	if (v->kind == NL_VALUE_LIST) {
		if (in_list)
			fail("a list in a list decoded");
		for (unsigned i = 0; i < v->n_items; i++)
			check_value(&v->items[i], 1);
	}
}

static int on_record(void *ctx, const struct nl_record *r)
{
	unsigned *n = ctx;
	for (unsigned i = 0; i < r->n_fields; i++) {
		(void)strlen(r->fields[i].key);
		check_value(&r->fields[i].value, 0);
		if (nl_record_get(r, r->fields[i].key) == NULL)
			fail("a key not found by nl_record_get");
	}
	(void)nl_record_text(r, "protocol", NULL);
	(void)nl_record_int(r, "bytes_sent", 0);
	return ++*n % 7 == 0;	/* stop now and then: nothing may be lost */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned n = 0;
	struct nl_decoder *d = nl_decoder_new(on_record, &n);
	if (!d)
		return 0;
	size_t step = (size_t)(data[0] % 64) + 1;
	data++;
	size--;
	for (size_t at = 0; at < size; at += step) {
		size_t k = size - at < step ? size - at : step;
		int rc = nl_decoder_feed(d, data + at, k);
		while (rc == NL_STOPPED)
			rc = nl_decoder_feed(d, NULL, 0);
		if (rc == -1) {
			if (!nl_decoder_error(d) || nl_decoder_feed(d, "\x80", 1) != -1)
				fail("a failed stream took more");
			break;
		}
		if (nl_decoder_pending(d) > (1u << 20) + 128)
			fail("more held than one record's bound");
	}
	nl_decoder_free(d);
	return 0;
}
