/*
 * text.c - putting text into cells: display width, truncation, alignment,
 * and the human units of rates, sizes and durations.
 *
 * Strings reaching here are already sanitised (no control bytes, valid
 * UTF-8). Width is counted with wcwidth so wide characters do not push the
 * columns after them; without a UTF-8 locale every non-ASCII character is
 * shown as '?', so nothing is sent that the terminal cannot display.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ui/ui.h"

struct ui *ui_current;

/* Next character of s: its byte length and display width. */
static size_t next_char(const char *s, int *width)
{
	unsigned char c = (unsigned char)*s;
	if (c < 0x80) {
		*width = 1;
		return 1;
	}
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	wchar_t wc;
	size_t l = mbrtowc(&wc, s, MB_CUR_MAX, &st);
	if (l == (size_t)-1 || l == (size_t)-2 || l == 0) {
		*width = 1;
		return 1;
	}
	int w = wcwidth(wc);
	*width = w < 0 ? 1 : w;
	return l;
}

int ui_text_width(const char *s)
{
	int w = 0, cw;
	int utf8 = ui_current ? ui_current->utf8 : 0;
	while (*s) {
		cw = 1;
		size_t l = utf8 ? next_char(s, &cw) : 1;
		if (!utf8 && (unsigned char)*s >= 0x80) {
			while (((unsigned char)s[l] & 0xc0) == 0x80)
				l++;
			cw = 1;
		}
		s += l;
		w += cw;
	}
	return w;
}

/* Writes s at (y, x) in exactly w cells: truncated with '~' (or '…') when
 * longer, padded with blanks when shorter, right-aligned on request. */
void ui_put(int y, int x, int w, const char *s, int right)
{
	if (w <= 0)
		return;
	int utf8 = ui_current ? ui_current->utf8 : 0;
	int tw = ui_text_width(s);
	int pad = 0;
	if (tw < w && right)
		pad = w - tw;
	move(y, x);
	for (int i = 0; i < pad; i++)
		addch(' ');
	int used = pad;
	int cut = tw > w;
	int limit = cut ? w - 1 : w;
	while (*s) {
		int cw;
		size_t l;
		if (utf8) {
			l = next_char(s, &cw);
		} else {
			l = 1;
			cw = 1;
			if ((unsigned char)*s >= 0x80)
				while (((unsigned char)s[l] & 0xc0) == 0x80)
					l++;
		}
		if (used + cw > limit)
			break;
		if (!utf8 && (unsigned char)*s >= 0x80)
			addch('?');
		else
			addnstr(s, (int)l);
		used += cw;
		s += l;
	}
	if (cut) {
		if (utf8)
			addstr("\xe2\x80\xa6");	/* … */
		else
			addch('~');
		used++;
	}
	for (; used < w; used++)
		addch(' ');
}

/* Copies s into out cut to at most w cells, ending in the cut marker
 * when something was left out (what ui_put would show in w cells). */
void ui_cut(char *out, size_t n, const char *s, int w)
{
	int utf8 = ui_current ? ui_current->utf8 : 0;
	const char *mark = utf8 ? "\xe2\x80\xa6" : "~";
	size_t o = 0;
	if (n == 0)
		return;
	if (ui_text_width(s) <= w) {
		snprintf(out, n, "%s", s);
		return;
	}
	int used = 0;
	while (*s && w > 0) {
		int cw = 1;
		size_t l = 1;
		if (utf8)
			l = next_char(s, &cw);
		else if ((unsigned char)*s >= 0x80)
			while (((unsigned char)s[l] & 0xc0) == 0x80)
				l++;
		if (used + cw > w - 1 || o + l + strlen(mark) >= n)
			break;
		memcpy(out + o, s, l);
		o += l;
		used += cw;
		s += l;
	}
	if (w > 0 && o + strlen(mark) < n) {
		memcpy(out + o, mark, strlen(mark));
		o += strlen(mark);
	}
	out[o] = '\0';
}

/* v in units[0], scaled by base while it reaches it: at most four digits,
 * "999 B/s", "9.5 KB/s", "1023 KB/s" (three with base 1000). */
static char *human(char *buf, size_t n, double v, double base, const char *const unit[6],
		   const char *suffix)
{
	int u = 0;
	while (v >= base && u < 5) {
		v /= base;
		u++;
	}
	if (u == 0 || v >= 10)
		snprintf(buf, n, "%.0f %s%s", v, unit[u], suffix);
	else
		snprintf(buf, n, "%.1f %s%s", v, unit[u], suffix);
	return buf;
}

static const char *const byte_units[6] = { "B", "KB", "MB", "GB", "TB", "PB" };
static const char *const bit_units[6] = { "b", "kb", "Mb", "Gb", "Tb", "Pb" };

/* b: rates in bits per second (iftop's and the network world's unit), in
 * steps of 1000 as link speeds are; the totals stay bytes. One switch for
 * every view, as the key is global. */
static int rate_in_bits;

void ui_set_rate_bits(int on) { rate_in_bits = on != 0; }
int ui_rate_bits(void) { return rate_in_bits; }

char *ui_human_rate(char *buf, size_t n, double bps)
{
	return rate_in_bits ? human(buf, n, bps * 8, 1000, bit_units, "/s")
			    : human(buf, n, bps, 1024, byte_units, "/s");
}

char *ui_human_bytes(char *buf, size_t n, double bytes)
{
	return human(buf, n, bytes, 1024, byte_units, "");
}

/* "45s", "12m03s", "3h07m", "2d04h" */
char *ui_duration(char *buf, size_t n, uint64_t us)
{
	uint64_t s = us / 1000000u;
	if (s < 60)
		snprintf(buf, n, "%llus", (unsigned long long)s);
	else if (s < 3600)
		snprintf(buf, n, "%llum%02llus", (unsigned long long)(s / 60), (unsigned long long)(s % 60));
	else if (s < 86400)
		snprintf(buf, n, "%lluh%02llum", (unsigned long long)(s / 3600),
			 (unsigned long long)(s % 3600 / 60));
	else
		snprintf(buf, n, "%llud%02lluh", (unsigned long long)(s / 86400),
			 (unsigned long long)(s % 86400 / 3600));
	return buf;
}
