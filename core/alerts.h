/*
 * alerts.h - sniffnet's notifications, for a terminal and a log: a list of
 * addresses and networks whose traffic is to be reported (--alert-list),
 * and a threshold on the total traffic rate (--alert-rate).
 *
 * The list is read once, before the sandbox: one address or network a
 * line ("203.0.113.7", "198.51.100.0/24", "2001:db8:bad::/48"), each
 * optionally followed by a label; '#' starts a comment. Held as sorted
 * ranges, so a look-up is a binary search (each new flow makes two, and a
 * record printed of a listed flow one more). Bounded: ALERTS_LIST_MAX
 * entries, labels of ALERTS_LABEL_MAX bytes.
 *
 * The rate threshold has hysteresis: it is crossed once, and not again
 * until the rate has fallen below nine tenths of it (reported too).
 */
#ifndef NETLENS_ALERTS_H
#define NETLENS_ALERTS_H

#include <stddef.h>
#include <stdint.h>

#define ALERTS_LIST_MAX 1000000u	/* entries of --alert-list */
#define ALERTS_LABEL_MAX 64		/* bytes of a label, its NUL included */
#define ALERTS_FILE_MAX (64u << 20)	/* bytes of the file */

struct alerts;

/* The process's alerts (NULL: none asked for): record.c marks listed flows. */
extern struct alerts *alerts_current;

struct alerts *alerts_new(void);
void alerts_free(struct alerts *al);

/* Reads the list at path (added to what is held). -1 with one line in err
 * ("FILE:LINE: ..."): a bad line, too many entries, a file too big. */
int alerts_load_list(struct alerts *al, const char *path, char *err, size_t errlen);
/* The same from text (len bytes; a NUL-terminated copy is made), where
 * names the source in messages. For tests and the fuzzer. */
int alerts_parse_list(struct alerts *al, const char *text, size_t len, const char *where,
		      char *err, size_t errlen);
uint32_t alerts_list_size(const struct alerts *al);

/* The entry holding addr (family 4 or 6, 4 or 16 bytes), the narrowest
 * when several do: its text ("198.51.100.0/24", or the address alone for a
 * host) into what (ALERTS_WHAT_LEN bytes), and its label ("" for none).
 * NULL when addr is on no entry. */
#define ALERTS_WHAT_LEN 50
const char *alerts_match(const struct alerts *al, int family, const uint8_t *addr, char *what);

/* A flow's endpoint on the list: the destination's entry, else the
 * source's (*src_listed then 1), as alerts_match; NULL for neither, for an
 * ARP flow and without a list (al NULL). */
struct flow;
const char *alerts_match_flow(const struct alerts *al, const struct flow *f, char *what,
			      int *src_listed);

/* --alert-rate [down:|up:]RATE: RATE is bytes a second, with an optional
 * k, M or G (powers of 1000) and unit B (bytes, the default) or bit
 * ("10M", "2.5MB", "80Mbit"). -1 when it is not such a text. */
int alerts_parse_rate(const char *text, double *bytes_per_s, int *dir);
/* dir: -1 both directions summed, else DIR_FWD (up) or DIR_REV (down). */
void alerts_set_rate(struct alerts *al, double bytes_per_s, int dir);
int alerts_rate_dir(const struct alerts *al);	/* -2 when no threshold is set */
double alerts_rate_threshold(const struct alerts *al);
/* The rate now: 1 when it has just risen above the threshold, -1 when it
 * has just fallen below nine tenths of it after that, else 0. */
int alerts_rate_check(struct alerts *al, double bytes_per_s);

#endif
