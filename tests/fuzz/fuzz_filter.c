/*
 * fuzz_filter.c - libFuzzer harness for the UI's filter language
 * (ui/filter.c): the input is an expression typed into the filter bar.
 *
 * It must compile or be refused with a message (never both, never
 * neither), and a compiled filter must match rows without reading out of
 * bounds, whatever the row's text.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *why)
{
	fprintf(stderr, "fuzz_filter: %s\n", why);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *expr = malloc(size + 1);
	if (!expr)
		return 0;
	memcpy(expr, data, size);
	expr[size] = '\0';	/* the bar holds a C string: stop at the first NUL */
	char err[256];
	memset(err, 'x', sizeof(err));
	struct filter *f = filter_compile(expr, err, sizeof(err));
	if (!f) {
		if (!memchr(err, '\0', sizeof(err)) || !err[0])
			fail("refused without a message");
		free(expr);
		return 0;
	}
	if (err[0])
		fail("compiled and left a message");
	/* Rows built from the input itself, so matching sees the same bytes. */
	const char *extra[3] = { expr, "h2", "" };
	struct filter_subject rows[2] = {
		{ .proto = "TCP", .local_addr = "192.0.2.1", .remote_addr = "2001:db8::1",
		  .local_port = 443, .remote_port = 51000, .state = "ESTABLISHED",
		  .service = "https", .app = "TLS example.org", .process = "curl",
		  .host = "example.org", .ssh = "", .extra = extra, .n_extra = 3,
		  .pod = "web-7d9f", .pod_namespace = "shop", .container = "nginx", .pid = 4242 },
		{ .proto = expr, .local_addr = expr, .remote_addr = "", .local_port = 0,
		  .remote_port = 65535, .state = expr, .service = "", .app = expr,
		  .process = expr, .host = expr, .ssh = expr, .extra = NULL, .n_extra = 0,
		  .pod = expr, .pod_namespace = NULL, .container = expr, .pid = 4294967295u },
	};
	for (int i = 0; i < 2; i++) {
		int m = filter_match(f, &rows[i]);
		if (m != 0 && m != 1)
			fail("match is not 0 or 1");
	}
	(void)filter_is_empty(f);
	filter_free(f);
	free(expr);
	return 0;
}
