/*
 * theme_colors.h - the UI's colour overrides (--theme-color TOKEN=COLOUR,
 * or a configuration file's [theme.overrides]): RustNet's twenty token
 * names and its colour values (an ANSI name or #rrggbb), so a RustNet
 * user's overrides carry over. Parsing and colour arithmetic only; which
 * part of the screen each token paints is ui/tui.c's business (and
 * doc/netlens.8's, THEMES).
 */
#ifndef NETLENS_THEME_COLORS_H
#define NETLENS_THEME_COLORS_H

#include <stddef.h>
#include <stdint.h>

/* In RustNet's order (src/ui/theme/definitions.rs, TOKEN_NAMES). */
enum theme_token {
	THEME_ACCENT, THEME_OK, THEME_WARN, THEME_ERR, THEME_INFO, THEME_SPECIAL, THEME_MUTED,
	THEME_FAINT, THEME_TEXT, THEME_HEADING, THEME_LABEL, THEME_KEY, THEME_BORDER, THEME_RX,
	THEME_TX, THEME_RX_WAVE, THEME_TX_WAVE, THEME_SELECTION_BG, THEME_SELECTION_FG,
	THEME_STATUS_BG, THEME_TOKENS
};

enum theme_color_kind {
	THEME_UNSET = 0,	/* the preset's colour */
	THEME_ANSI,		/* one of the 16 ANSI colours: the terminal's own shade */
	THEME_RGB,		/* #rrggbb: the nearest the terminal can show */
	THEME_RESET,		/* the terminal's default colour */
};

struct theme_color {
	uint8_t kind;		/* enum theme_color_kind */
	uint8_t ansi;		/* 0-15 (black, red, ... white as RustNet names them) */
	uint8_t rgb[3];		/* THEME_RGB's value; THEME_ANSI's reference shade */
};

/* The token called name (len bytes), or -1. */
int theme_token_by_name(const char *name, size_t len);
const char *theme_token_name(enum theme_token t);

/* "red", "lightcyan", "darkgray", "reset", "#d97706" (names in any case,
 * as RustNet reads them). 0, or -1 on anything else. */
int theme_color_parse(const char *s, size_t len, struct theme_color *out);

/* Applies "TOKEN=COLOUR[,TOKEN=COLOUR...]" to set (a later value for a
 * token replaces an earlier one). 0, or -1 with one line (no newline) in
 * err, set left as it was. */
int theme_colors_apply(struct theme_color set[THEME_TOKENS], const char *spec, char *err,
		       size_t errlen);

/* The colour number for init_pair() on a terminal of ncolors colours:
 * -1 for THEME_RESET (use_default_colors), the nearest entry of the
 * 256-colour palette for #rrggbb where there are 256, else one of the 8
 * (or 16) ANSI colours. */
short theme_color_index(const struct theme_color *c, int ncolors);

/* WCAG 2 contrast ratio (1 to 21) between two colours given as RGB. */
double theme_contrast(const uint8_t a[3], const uint8_t b[3]);

/* The RGB a colour number of the 256-colour palette shows (xterm's). */
void theme_palette_rgb(int index, uint8_t rgb[3]);

#endif
