/*
 * fuzz_options.c - libFuzzer harness for the command-line parser
 * (core/options.c). The input is split at NUL bytes into arguments after
 * "netlens". Whatever they say, options_parse() returns one of its three
 * results, and a usage error is exactly one line on standard error (the
 * harness captures it in memory).
 */
#include "config.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 32

static void fail(const char *why, const char *detail)
{
	fprintf(stderr, "fuzz_options: %s: %s\n", why, detail);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	char *argv[MAX_ARGS + 2];
	int argc = 0;
	argv[argc++] = "netlens";
	for (char *p = buf; p < buf + size && argc <= MAX_ARGS; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;

	/* getopt keeps state between calls: reset it as a new process would. */
	optind = 0;
	char errbuf[4096] = "", outbuf[8192] = "";
	FILE *err = fmemopen(errbuf, sizeof(errbuf) - 1, "w");
	FILE *out = fmemopen(outbuf, sizeof(outbuf) - 1, "w");
	if (!err || !out) {
		if (err)
			fclose(err);
		if (out)
			fclose(out);
		free(buf);
		return 0;
	}
	FILE *save_err = stderr, *save_out = stdout;
	stderr = err;
	stdout = out;
	struct options o;
	enum options_result r = options_parse(&o, argc, argv);
	stderr = save_err;
	stdout = save_out;
	fclose(err);
	fclose(out);

	switch (r) {
	case OPTIONS_RUN:
	case OPTIONS_EXIT_OK:
		break;
	case OPTIONS_EXIT_USAGE: {
		size_t n = strlen(errbuf);
		if (n == 0)
			fail("usage error without a message", "");
		if (errbuf[n - 1] != '\n' || memchr(errbuf, '\n', n - 1))
			fail("usage error is not exactly one line", errbuf);
		break;
	}
	default:
		fail("result outside enum options_result", "");
	}
	free(buf);
	return 0;
}
