/*
 * fuzz_options.c - libFuzzer harness for the command-line parser
 * (core/options.c). The input is split at NUL bytes into arguments after
 * "netlens". Whatever they say, options_parse() returns one of its three
 * results, and a usage error is exactly one line on standard error (the
 * harness captures it in memory). An input that starts "@config\n" is a
 * configuration file instead (core/config_file.c): the rest is written
 * to a file of ours, read with --config.
 */
#include "config.h"

#include <fcntl.h>
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

static char config_file_path[64];

static void remove_config(void)
{
	if (config_file_path[0])
		unlink(config_file_path);
}

/* Parses argv as netlens would (no default configuration files: the
 * harness's results must not depend on the machine's) and checks the
 * result and its message. */
static void check(int argc, char **argv)
{
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
		return;
	}
	FILE *save_err = stderr, *save_out = stdout;
	stderr = err;
	stdout = out;
	struct options o;
	enum options_result r = options_parse_config(&o, argc, argv, NULL);
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
}

/* The file a "@config" input is written to: one for the whole run. */
static const char *config_path(const uint8_t *data, size_t size)
{
	char *path = config_file_path;
	if (!path[0]) {
		snprintf(path, sizeof(config_file_path), "/tmp/fuzz_options.%ld.conf", (long)getpid());
		atexit(remove_config);
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return NULL;
	int ok = write(fd, data, size) == (ssize_t)size;
	close(fd);
	return ok ? path : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char config_mark[] = "@config\n";
	if (size >= sizeof(config_mark) - 1 && !memcmp(data, config_mark, sizeof(config_mark) - 1)) {
		const char *path = config_path(data + sizeof(config_mark) - 1,
					       size - (sizeof(config_mark) - 1));
		if (!path)
			return 0;
		char *argv[] = { (char *)"netlens", (char *)"--config", (char *)path, NULL };
		check(3, argv);
		return 0;
	}
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

	check(argc, argv);
	free(buf);
	return 0;
}
