/*
 * theme.c - the UI's colours: --theme's presets, then --theme-color's
 * overrides (RustNet's tokens, core/theme_colors.h) on top.
 *
 * Each part of the screen has a colour pair. A preset names a foreground
 * and background (-1: the terminal's own) for the pairs netlens has always
 * coloured; an override replaces the token's colour in every pair it
 * paints, and gives a pair of its own to the parts the presets draw with
 * attributes only (closed rows dim, the selection reversed), so that
 * without overrides the screen looks as it always did.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/theme_colors.h"
#include "ui/ui.h"

/* --theme: RustNet's presets (core/options.c checks the name against
 * OPTIONS_THEMES, which lists these in this order). Each names a foreground and background
 * (-1: the terminal's own) for every colour pair, from the 256-colour
 * palette; a terminal with fewer colours gets the 8-colour "vivid". */
struct theme {
	const char *name;
	short pair[CP_ERR + 1][2];
};

static const struct theme themes[] = {
	{ "vivid", {	/* netlens' own colours, the 8 ANSI ones: any terminal */
		[CP_TITLE] = { COLOR_BLACK, COLOR_CYAN }, [CP_HEADER] = { COLOR_BLACK, COLOR_WHITE },
		[CP_WARN] = { COLOR_YELLOW, -1 }, [CP_ALERT] = { COLOR_RED, -1 },
		[CP_RX] = { COLOR_GREEN, -1 }, [CP_TX] = { COLOR_MAGENTA, -1 },
		[CP_KEY] = { COLOR_CYAN, -1 }, [CP_DIM] = { COLOR_WHITE, -1 }, [CP_ERR] = { COLOR_RED, -1 } } },
	{ "muted", {
		[CP_TITLE] = { 255, 67 }, [CP_HEADER] = { 252, 237 }, [CP_WARN] = { 179, -1 },
		[CP_ALERT] = { 167, -1 }, [CP_RX] = { 108, -1 }, [CP_TX] = { 139, -1 },
		[CP_KEY] = { 74, -1 }, [CP_DIM] = { 243, -1 }, [CP_ERR] = { 167, -1 } } },
	{ "catppuccin-mocha", {
		[CP_TITLE] = { 234, 183 }, [CP_HEADER] = { 189, 238 }, [CP_WARN] = { 223, -1 },
		[CP_ALERT] = { 211, -1 }, [CP_RX] = { 151, -1 }, [CP_TX] = { 218, -1 },
		[CP_KEY] = { 111, -1 }, [CP_DIM] = { 60, -1 }, [CP_ERR] = { 211, -1 } } },
	{ "tokyo-night", {
		[CP_TITLE] = { 234, 111 }, [CP_HEADER] = { 189, 236 }, [CP_WARN] = { 179, -1 },
		[CP_ALERT] = { 210, -1 }, [CP_RX] = { 149, -1 }, [CP_TX] = { 141, -1 },
		[CP_KEY] = { 117, -1 }, [CP_DIM] = { 60, -1 }, [CP_ERR] = { 210, -1 } } },
	{ "gruvbox", {
		[CP_TITLE] = { 235, 214 }, [CP_HEADER] = { 223, 239 }, [CP_WARN] = { 214, -1 },
		[CP_ALERT] = { 203, -1 }, [CP_RX] = { 142, -1 }, [CP_TX] = { 175, -1 },
		[CP_KEY] = { 109, -1 }, [CP_DIM] = { 245, -1 }, [CP_ERR] = { 203, -1 } } },
	{ "nord", {
		[CP_TITLE] = { 236, 110 }, [CP_HEADER] = { 255, 238 }, [CP_WARN] = { 222, -1 },
		[CP_ALERT] = { 131, -1 }, [CP_RX] = { 144, -1 }, [CP_TX] = { 139, -1 },
		[CP_KEY] = { 109, -1 }, [CP_DIM] = { 240, -1 }, [CP_ERR] = { 131, -1 } } },
};

/* Which token paints which pair's foreground (fg) or background (bg). */
static const struct { enum theme_token token; int pair, bg; } paints[] = {
	{ THEME_ACCENT, CP_TITLE, 0 },	/* "netlens" and the views' names */
	{ THEME_STATUS_BG, CP_TITLE, 1 },
	{ THEME_HEADING, CP_HEADER, 0 },	/* the table's column names */
	{ THEME_WARN, CP_WARN, 0 },	/* a row at 75% of its timeout; side panel warnings */
	{ THEME_ERR, CP_ALERT, 0 },	/* at 90%; a flow on --alert-list */
	{ THEME_ERR, CP_ERR, 0 },	/* a refused filter */
	{ THEME_RX, CP_RX, 0 },		/* the side panel's traffic sparkline */
	{ THEME_RX_WAVE, CP_RX, 0 },	/* ... which is a wave: rx_wave wins */
	{ THEME_TX, CP_TX, 0 },
	{ THEME_KEY, CP_KEY, 0 },	/* key hints, section heads, the filter in force */
	{ THEME_FAINT, CP_FAINT, 0 },	/* closed rows (dim without it) */
	{ THEME_MUTED, CP_MUTED, 0 },	/* hints: "waiting for traffic...", "3 of 40" */
	{ THEME_LABEL, CP_LABEL, 0 },	/* the details' field names, the panel's column heads */
	{ THEME_INFO, CP_INFO, 0 },	/* the status line's notices */
	{ THEME_SELECTION_FG, CP_SELECT, 0 },	/* the selected row (reversed without them) */
	{ THEME_SELECTION_BG, CP_SELECT, 1 },
	{ THEME_SELECTION_BG, CP_SELECT_WARN, 1 },
	{ THEME_SELECTION_BG, CP_SELECT_ALERT, 1 },
};

static short pair_fg[CP_COUNT], pair_bg[CP_COUNT];

static void warn_contrast(struct ui *u, const char *what, short fg, short bg)
{
	if (fg < 0 || bg < 0)
		return;		/* the terminal's own colour: not known here */
	uint8_t f[3], b[3];
	theme_palette_rgb(fg, f);
	theme_palette_rgb(bg, b);
	double r = theme_contrast(f, b);
	if (r < 3.0 && !u->status[0])	/* the first one is enough to look */
		ui_set_status(u, "--theme-color: %s has a contrast of %.1f:1 (below 3:1: hard to read)",
			      what, r);
}

void ui_theme_start(struct ui *u)
{
	const struct options *o = &u->app->opt;
	memset(u->theme_set, 0, sizeof(u->theme_set));
	u->color = !o->no_color && !(getenv("NO_COLOR") && *getenv("NO_COLOR")) && has_colors();
	if (!u->color)
		return;
	start_color();
	use_default_colors();
	const struct theme *t = &themes[0];
	for (size_t i = 0; o->theme && i < sizeof(themes) / sizeof(themes[0]); i++)
		if (!strcmp(themes[i].name, o->theme))
			t = &themes[i];
	if (COLORS < 256)
		t = &themes[0];	/* the presets need the 256-colour palette */
	for (int p = 0; p < CP_COUNT; p++) {
		pair_fg[p] = p <= CP_ERR ? t->pair[p][0] : -1;
		pair_bg[p] = p <= CP_ERR ? t->pair[p][1] : -1;
	}
	/* The selection's own pairs keep a stale row's colour, as RustNet's
	 * selection keeps the row's foreground. */
	pair_fg[CP_SELECT_WARN] = pair_fg[CP_WARN];
	pair_fg[CP_SELECT_ALERT] = pair_fg[CP_ALERT];
	const struct theme_color *tc = o->theme_colors;
	for (size_t i = 0; i < sizeof(paints) / sizeof(paints[0]); i++) {
		const struct theme_color *c = &tc[paints[i].token];
		if (c->kind == THEME_UNSET)
			continue;
		short n = theme_color_index(c, COLORS);
		if (paints[i].bg)
			pair_bg[paints[i].pair] = n;
		else
			pair_fg[paints[i].pair] = n;
		u->theme_set[paints[i].pair] = 1;
	}
	if (tc[THEME_WARN].kind != THEME_UNSET)
		pair_fg[CP_SELECT_WARN] = pair_fg[CP_WARN];
	if (tc[THEME_ERR].kind != THEME_UNSET)
		pair_fg[CP_SELECT_ALERT] = pair_fg[CP_ALERT];
	/* A band needs its background: selection_fg alone leaves the reversed
	 * row, as in RustNet. */
	u->theme_set[CP_SELECT] = u->theme_set[CP_SELECT_WARN] = u->theme_set[CP_SELECT_ALERT] =
		tc[THEME_SELECTION_BG].kind != THEME_UNSET;
	/* text: the colour of everything drawn without a pair of its own. */
	short text = tc[THEME_TEXT].kind == THEME_UNSET ? -1 : theme_color_index(&tc[THEME_TEXT], COLORS);
	pair_fg[CP_TEXT] = text;
	for (int p = CP_TITLE; p < CP_COUNT; p++) {
		if (p == CP_SELECT && tc[THEME_SELECTION_FG].kind == THEME_UNSET)
			pair_fg[p] = text;	/* RustNet's: the row's own, the body text here */
		init_pair((short)p, pair_fg[p], pair_bg[p]);
	}
	/* The window's background pair colours whatever is drawn without one. */
	if (tc[THEME_TEXT].kind != THEME_UNSET)
		bkgd(COLOR_PAIR(CP_TEXT));
	int any = 0;
	for (int i = 0; i < THEME_TOKENS; i++)
		any |= tc[i].kind != THEME_UNSET;
	if (!any)
		return;	/* the presets are readable as made; only hand-picked colours are checked */
	warn_contrast(u, "accent on status_bg (the title bar)", pair_fg[CP_TITLE], pair_bg[CP_TITLE]);
	warn_contrast(u, "heading on the column header", pair_fg[CP_HEADER], pair_bg[CP_HEADER]);
	if (u->theme_set[CP_SELECT])
		warn_contrast(u, "selection_fg on selection_bg", pair_fg[CP_SELECT], pair_bg[CP_SELECT]);
}

attr_t ui_theme(const struct ui *u, int pair, attr_t otherwise)
{
	return u->color && u->theme_set[pair] ? (attr_t)COLOR_PAIR(pair) : otherwise;
}

attr_t ui_theme_selected(const struct ui *u, attr_t attr)
{
	if (!u->color || !u->theme_set[CP_SELECT])
		return attr | A_REVERSE;
	short pair = PAIR_NUMBER(attr & A_COLOR);
	int p = pair == CP_WARN ? CP_SELECT_WARN : pair == CP_ALERT ? CP_SELECT_ALERT : CP_SELECT;
	/* A closed row's dim or faint would be unreadable on the band. */
	return (attr & ~(A_COLOR | A_DIM)) | A_BOLD | (attr_t)COLOR_PAIR(p);
}
