/* theme_colors.c - RustNet's theme tokens and colour values (theme_colors.h). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "strbuf.h"
#include "theme_colors.h"

static const char *const token_names[THEME_TOKENS] = {
	"accent", "ok", "warn", "err", "info", "special", "muted", "faint", "text", "heading",
	"label", "key", "border", "rx", "tx", "rx_wave", "tx_wave", "selection_bg", "selection_fg",
	"status_bg",
};

/* RustNet's names for the 16 ANSI colours, in palette order, with the
 * reference shades it matches #rrggbb against (the VGA palette). */
static const struct {
	const char *name, *alias;
	uint8_t rgb[3];
} ansi16[16] = {
	{ "black", NULL, { 0x00, 0x00, 0x00 } },
	{ "red", NULL, { 0x80, 0x00, 0x00 } },
	{ "green", NULL, { 0x00, 0x80, 0x00 } },
	{ "yellow", NULL, { 0x80, 0x80, 0x00 } },
	{ "blue", NULL, { 0x00, 0x00, 0x80 } },
	{ "magenta", NULL, { 0x80, 0x00, 0x80 } },
	{ "cyan", NULL, { 0x00, 0x80, 0x80 } },
	{ "gray", "grey", { 0xc0, 0xc0, 0xc0 } },
	{ "darkgray", "darkgrey", { 0x80, 0x80, 0x80 } },
	{ "lightred", NULL, { 0xff, 0x00, 0x00 } },
	{ "lightgreen", NULL, { 0x00, 0xff, 0x00 } },
	{ "lightyellow", NULL, { 0xff, 0xff, 0x00 } },
	{ "lightblue", NULL, { 0x00, 0x00, 0xff } },
	{ "lightmagenta", NULL, { 0xff, 0x00, 0xff } },
	{ "lightcyan", NULL, { 0x00, 0xff, 0xff } },
	{ "white", NULL, { 0xff, 0xff, 0xff } },
};

int theme_token_by_name(const char *name, size_t len)
{
	for (int t = 0; t < THEME_TOKENS; t++)
		if (strlen(token_names[t]) == len && !memcmp(token_names[t], name, len))
			return t;
	return -1;
}

const char *theme_token_name(enum theme_token t)
{
	return (unsigned)t < THEME_TOKENS ? token_names[t] : "?";
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static unsigned dist2(const uint8_t a[3], const uint8_t b[3])
{
	unsigned d = 0;
	for (int i = 0; i < 3; i++)
		d += (unsigned)((a[i] - b[i]) * (a[i] - b[i]));
	return d;
}

static uint8_t nearest_ansi(const uint8_t rgb[3])
{
	uint8_t best = 0;
	for (uint8_t i = 1; i < 16; i++)
		if (dist2(rgb, ansi16[i].rgb) < dist2(rgb, ansi16[best].rgb))
			best = i;
	return best;
}

int theme_color_parse(const char *s, size_t len, struct theme_color *out)
{
	memset(out, 0, sizeof(*out));
	if (len == 7 && s[0] == '#') {
		for (int i = 0; i < 3; i++) {
			int hi = hex_digit(s[1 + 2 * i]), lo = hex_digit(s[2 + 2 * i]);
			if (hi < 0 || lo < 0)
				return -1;
			out->rgb[i] = (uint8_t)(hi << 4 | lo);
		}
		out->kind = THEME_RGB;
		out->ansi = nearest_ansi(out->rgb);
		return 0;
	}
	if (len == 5 && !strncasecmp(s, "reset", 5)) {
		out->kind = THEME_RESET;
		return 0;
	}
	for (uint8_t i = 0; i < 16; i++)
		if ((strlen(ansi16[i].name) == len && !strncasecmp(s, ansi16[i].name, len)) ||
		    (ansi16[i].alias && strlen(ansi16[i].alias) == len &&
		     !strncasecmp(s, ansi16[i].alias, len))) {
			out->kind = THEME_ANSI;
			out->ansi = i;
			memcpy(out->rgb, ansi16[i].rgb, 3);
			return 0;
		}
	return -1;
}

int theme_colors_apply(struct theme_color set[THEME_TOKENS], const char *spec, char *err,
		       size_t errlen)
{
	struct theme_color next[THEME_TOKENS];
	char shown_buf[64];
	memcpy(next, set, sizeof(next));
	const char *p = spec;
	for (;;) {
		size_t n = strcspn(p, ",");
		const char *eq = memchr(p, '=', n);
		if (!eq) {
			snprintf(err, errlen, "--theme-color expects TOKEN=COLOUR, not '%s'",
				 str_shown(shown_buf, sizeof(shown_buf), spec));
			return -1;
		}
		int t = theme_token_by_name(p, (size_t)(eq - p));
		if (t < 0) {
			char tok[48];
			size_t tl = (size_t)(eq - p) < sizeof(tok) - 1 ? (size_t)(eq - p) : sizeof(tok) - 1;
			memcpy(tok, p, tl);
			tok[tl] = '\0';
			char names[256];	/* the list from the table: one place names them */
			size_t at = 0;
			for (int i = 0; i < THEME_TOKENS && at < sizeof(names); i++)
				at += (size_t)snprintf(names + at, sizeof(names) - at, "%s%s", i ? ", " : "",
						       token_names[i]);
			snprintf(err, errlen, "--theme-color: '%s' is not a theme token (%s)",
				 str_shown(shown_buf, sizeof(shown_buf), tok), names);
			return -1;
		}
		struct theme_color c;
		size_t vl = n - (size_t)(eq + 1 - p);
		if (theme_color_parse(eq + 1, vl, &c) < 0) {
			char val[48];
			size_t l = vl < sizeof(val) - 1 ? vl : sizeof(val) - 1;
			memcpy(val, eq + 1, l);
			val[l] = '\0';
			snprintf(err, errlen, "--theme-color %s: '%s' is not a colour (an ANSI name such "
				 "as red, lightblue or darkgray, reset, or #rrggbb)", token_names[t],
				 str_shown(shown_buf, sizeof(shown_buf), val));
			return -1;
		}
		/* As RustNet: a band's background must be a colour. */
		if (c.kind == THEME_RESET &&
		    (t == THEME_SELECTION_BG || t == THEME_SELECTION_FG || t == THEME_STATUS_BG)) {
			snprintf(err, errlen, "--theme-color %s: reset is not a value for it (an ANSI "
				 "name or #rrggbb)", token_names[t]);
			return -1;
		}
		next[t] = c;
		if (!p[n])
			break;
		p += n + 1;
	}
	memcpy(set, next, sizeof(next));
	return 0;
}

/* xterm's 256-colour palette: 16 ANSI, a 6x6x6 cube, 24 greys. */
static const uint8_t cube_level[6] = { 0, 95, 135, 175, 215, 255 };

void theme_palette_rgb(int index, uint8_t rgb[3])
{
	static const uint8_t xterm16[16][3] = {
		{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 }, { 0, 0, 238 },
		{ 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 }, { 127, 127, 127 },
		{ 255, 0, 0 }, { 0, 255, 0 }, { 255, 255, 0 }, { 92, 92, 255 }, { 255, 0, 255 },
		{ 0, 255, 255 }, { 255, 255, 255 },
	};
	if (index < 0 || index > 255) {
		memset(rgb, 0, 3);
	} else if (index < 16) {
		memcpy(rgb, xterm16[index], 3);
	} else if (index < 232) {
		int i = index - 16;
		rgb[0] = cube_level[i / 36];
		rgb[1] = cube_level[i / 6 % 6];
		rgb[2] = cube_level[i % 6];
	} else {
		rgb[0] = rgb[1] = rgb[2] = (uint8_t)(8 + 10 * (index - 232));
	}
}

/* The palette entry nearest rgb among the cube and the greys (not the 16
 * ANSI entries: every terminal shades those its own way). */
static short nearest_256(const uint8_t rgb[3])
{
	int best = 16;
	unsigned best_d = ~0u;
	for (int i = 16; i < 256; i++) {
		uint8_t p[3];
		theme_palette_rgb(i, p);
		unsigned d = dist2(rgb, p);
		if (d < best_d) {
			best_d = d;
			best = i;
		}
	}
	return (short)best;
}

short theme_color_index(const struct theme_color *c, int ncolors)
{
	switch (c->kind) {
	case THEME_RESET:
		return -1;
	case THEME_RGB:
		if (ncolors >= 256)
			return nearest_256(c->rgb);
		break;
	case THEME_ANSI:
		break;
	default:
		return -1;
	}
	if (ncolors >= 16)
		return c->ansi;
	/* Eight colours: a light one is its plain one; dark grey, grey (not
	 * black, which vanishes on the usual dark background). */
	return c->ansi == 8 ? 7 : (short)(c->ansi & 7);
}

static double channel(uint8_t v)
{
	double s = v / 255.0;
	return s <= 0.03928 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4);
}

static double luminance(const uint8_t rgb[3])
{
	return 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2]);
}

double theme_contrast(const uint8_t a[3], const uint8_t b[3])
{
	double la = luminance(a), lb = luminance(b);
	return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}
