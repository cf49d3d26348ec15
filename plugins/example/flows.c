/*
 * flows.c - a libnetlens example: runs netlens with the arguments given
 * and prints each flow record as one JSON object per line (the same
 * objects `netlens --headless --format json` prints), or, with -s as the
 * first argument, one summary line per record.
 *
 *   cc flows.c $(pkg-config --cflags --libs netlens) -o flows
 *   ./flows --read capture.pcap
 *   sudo ./flows -s -i eth0 --duration 10
 *
 * NETLENS in the environment names the program to run (default: netlens
 * on PATH). The exit status is netlens' own.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlens/monitor.h>

static void put_text(const char *s, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void put_value(const struct nl_value *v)
{
	switch (v->kind) {
	case NL_VALUE_BOOL: fputs(v->integer ? "true" : "false", stdout); break;
	case NL_VALUE_INT: printf("%" PRId64, v->integer); break;
	case NL_VALUE_REAL: printf("%.17g", v->real); break;
	case NL_VALUE_TEXT: put_text(v->text, v->len); break;
	case NL_VALUE_LIST:
		putchar('[');
		for (unsigned i = 0; i < v->n_items; i++) {
			if (i)
				putchar(',');
			put_value(&v->items[i]);
		}
		putchar(']');
		break;
	default: fputs("null", stdout); break;
	}
}

static int print_json(void *ctx, const struct nl_record *r)
{
	(void)ctx;
	putchar('{');
	for (unsigned i = 0; i < r->n_fields; i++) {
		if (i)
			putchar(',');
		put_text(r->fields[i].key, strlen(r->fields[i].key));
		putchar(':');
		put_value(&r->fields[i].value);
	}
	puts("}");
	return 0;
}

static int print_summary(void *ctx, const struct nl_record *r)
{
	(void)ctx;
	printf("%-6s %s:%" PRId64 " -> %s:%" PRId64 "  %" PRId64 "/%" PRId64 " bytes  %s  %s\n",
	       nl_record_text(r, "protocol", "?"), nl_record_text(r, "source_ip", "?"),
	       nl_record_int(r, "source_port", 0), nl_record_text(r, "destination_ip", "?"),
	       nl_record_int(r, "destination_port", 0), nl_record_int(r, "bytes_sent", 0),
	       nl_record_int(r, "bytes_received", 0), nl_record_text(r, "process_name", "-"),
	       nl_record_text(r, "dpi_protocol", ""));
	return 0;
}

int main(int argc, char **argv)
{
	int summary = argc > 1 && !strcmp(argv[1], "-s");
	char err[512];
	struct nl_monitor *m = nl_monitor_start(getenv("NETLENS"), (const char *const *)argv + 1 + summary,
						err, sizeof(err));
	if (!m) {
		fprintf(stderr, "flows: %s\n", err);
		return 1;
	}
	int rc = nl_monitor_run(m, summary ? print_summary : print_json, NULL);
	fflush(stdout);
	int status = nl_monitor_finish(m, err, sizeof(err));
	if (status != 0 || rc < 0)
		fprintf(stderr, "flows: netlens exit %d%s%s\n", status, err[0] ? ": " : "", err);
	return status < 0 ? 1 : status;
}
