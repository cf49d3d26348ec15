/*
 * filter.h - the TUI's filter language: a parser and a row matcher.
 *
 * Grammar (RustNet's, plus `!` negation): whitespace-separated terms, all
 * ANDed, case-insensitive. A term is `keyword:value` or free text; `!term`
 * negates it. `/re/` values are POSIX extended regexes (case-insensitive);
 * other values are substring matches; port values of all digits are exact.
 * `"..."` at the start of a value allows spaces (`\"` is a literal quote).
 * A term with an empty value, and a lone `!`, are ignored: the user is
 * still typing. See ui/filter.c for the keyword table.
 *
 * Pure C with <regex.h>: no ncurses, nothing else from netlens, so it can be
 * unit-tested alone. A compiled filter is read-only after filter_compile,
 * so several threads may match with it at once.
 */
#ifndef NETLENS_UI_FILTER_H
#define NETLENS_UI_FILTER_H

#include <stddef.h>
#include <stdint.h>

/* Input bounds: a filter is typed by hand, so anything larger is a paste
 * accident, and the bounds keep a compiled filter one small allocation. */
#define FILTER_MAX_LEN		1024	/* bytes, excluding the NUL */
#define FILTER_MAX_TERMS	32	/* whitespace-separated tokens */
#define FILTER_ERR_LEN		256	/* a comfortable size for filter_compile's err */

/* What one table row offers the matcher. All strings are borrowed (the
 * caller owns them for the duration of filter_match), NUL-terminated,
 * already sanitised and never NULL ("" when unknown). */
struct filter_subject {
	const char *proto;	/* "TCP", "UDP", "ICMP", "ARP", ... */
	const char *local_addr, *remote_addr;	/* IP text only, e.g. "192.0.2.1", "2001:db8::1" */
	unsigned local_port, remote_port;	/* 0 when none */
	const char *state;	/* "ESTABLISHED", "QUIC_CONNECTED", "DNS_QUERY" ... */
	const char *service;	/* "https", "domain", "" */
	const char *app;	/* DPI summary, e.g. "TLS (github.com)" */
	const char *process;	/* "curl" or "" */
	const char *host;	/* name for sni:/host: - TLS/QUIC SNI, HTTP Host or DNS query name */
	const char *ssh;	/* SSH software/banners text for ssh:, "" when none */
	const char *const *extra;	/* every DPI field value as text (free text searches them) */
	unsigned n_extra;	/* entries in extra; extra may be NULL when 0 */
	const char *pod, *pod_namespace, *container;	/* --kubernetes names, for pod:, ns:
							 * and container: (NULL or "" when none) */
	unsigned pid;		/* the owning process, for pid:; 0 when none */
	const char *alert;	/* --alert-list: "198.51.100.0/24 (label)" for alert:;
				 * NULL or "" when the flow is not listed */
	const char *iface;	/* for iface:, live on several interfaces; NULL otherwise */
	uint64_t ssh_extra;	/* bit i: extra[i] is an SSH field, which ssh: searches
				 * too (banners, software, algorithms, HASSH) */
};

struct filter;	/* compiled; opaque; owned by the caller of filter_compile */

/* Compiles expr. On any failure returns NULL and, when err is not NULL and
 * errlen > 0, writes one human-readable line into err (e.g.
 * "bad regex /a(/: Unmatched ( or \("), so the UI can show it inline and keep
 * its previous filter. An empty or all-blank expr compiles to a filter that
 * matches everything (filter_is_empty says so). */
struct filter *filter_compile(const char *expr, char *err, size_t errlen);

/* 1 when the row passes (is shown), 0 otherwise. A NULL filter matches
 * everything. Does not allocate on the substring paths; regex terms call
 * regexec(). */
int filter_match(const struct filter *f, const struct filter_subject *s);

/* 1 when f has no effective term (NULL, blank, or only ignored terms). */
int filter_is_empty(const struct filter *f);

/* 1 when a term of f reads pod, pod_namespace or container: a caller may
 * leave them NULL otherwise and spare the lookup (free text does not
 * search them). */
int filter_uses_kubernetes(const struct filter *f);

void filter_free(struct filter *f);	/* NULL is fine */

#endif /* NETLENS_UI_FILTER_H */
