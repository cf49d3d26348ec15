/*
 * export_url.c - the --export collector address, parsed on its own so the
 * command-line parser (and its fuzz target) needs none of the exporter.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"

int export_parse_url(const char *url, struct export_target *t, char *err, size_t errlen)
{
	const char *p;
	memset(t, 0, sizeof(*t));
	for (p = url; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {	/* the message must stay one line */
			snprintf(err, errlen, "--export: the collector's address holds a control character");
			return -1;
		}
	t->port = EXPORT_DEFAULT_PORT;
	if (!strncmp(url, "ipfix://", 8)) {
		p = url + 8;
	} else if (!strncmp(url, "ipfix+tcp://", 12)) {
		p = url + 12;
		t->tcp = 1;
	} else if (!strncmp(url, "ipfix+udp://", 12)) {
		p = url + 12;
	} else {
		snprintf(err, errlen, "--export expects ipfix://HOST[:PORT] or ipfix+tcp://HOST[:PORT], "
			 "not '%s'", url);
		return -1;
	}
	const char *host = p, *port = NULL;
	size_t hl;
	if (*p == '[') {
		const char *close = strchr(p, ']');
		if (!close) {
			snprintf(err, errlen, "--export %s: no ']' after the IPv6 address", url);
			return -1;
		}
		host = p + 1;
		hl = (size_t)(close - host);
		if (close[1] == ':')
			port = close + 2;
		else if (close[1]) {
			snprintf(err, errlen, "--export %s: unexpected '%s' after the address", url, close + 1);
			return -1;
		}
	} else {
		const char *colon = strchr(p, ':');
		if (colon && strchr(colon + 1, ':')) {
			snprintf(err, errlen, "--export %s: write an IPv6 address in brackets: "
				 "ipfix://[ADDR]:PORT", url);
			return -1;
		}
		hl = colon ? (size_t)(colon - p) : strlen(p);
		if (colon)
			port = colon + 1;
	}
	if (!hl || hl >= sizeof(t->host) || memchr(host, '/', hl)) {
		snprintf(err, errlen, "--export %s: expected a host name or address", url);
		return -1;
	}
	memcpy(t->host, host, hl);
	t->host[hl] = '\0';
	if (port) {
		char *end;
		errno = 0;
		unsigned long v = strtoul(port, &end, 10);
		if (!*port || *end || errno || v < 1 || v > 65535 || *port == '-' || *port == '+') {
			snprintf(err, errlen, "--export %s: the port must be a number from 1 to 65535", url);
			return -1;
		}
		t->port = (uint16_t)v;
	}
	return 0;
}
