/*
 * test_theme_colors.c - --theme-color's tokens and colours
 * (core/theme_colors.c): RustNet's twenty token names and its colour
 * values (ANSI names in any case, grey/gray, reset, #rrggbb), a list
 * applied whole or not at all, the colour numbers a terminal of 8, 16 or
 * 256 colours gets, and the contrast ratio behind the UI's warning.
 */
#include "config.h"

#include <string.h>

#include "tests/unit/unit.h"
#include "core/theme_colors.h"

static struct theme_color parse(const char *s)
{
	struct theme_color c;
	ck_assert_msg(theme_color_parse(s, strlen(s), &c) == 0, "'%s' refused", s);
	return c;
}

START_TEST(tokens)
{
	static const char *const rustnet[] = {
		"accent", "ok", "warn", "err", "info", "special", "muted", "faint", "text",
		"heading", "label", "key", "border", "rx", "tx", "rx_wave", "tx_wave",
		"selection_bg", "selection_fg", "status_bg",
	};
	ck_assert_int_eq(THEME_TOKENS, 20);
	for (int i = 0; i < 20; i++) {
		ck_assert_int_eq(theme_token_by_name(rustnet[i], strlen(rustnet[i])), i);
		ck_assert_str_eq(theme_token_name((enum theme_token)i), rustnet[i]);
	}
	ck_assert_int_eq(theme_token_by_name("Warn", 4), -1);	/* as RustNet: exact */
	ck_assert_int_eq(theme_token_by_name("warning", 7), -1);
	ck_assert_int_eq(theme_token_by_name("war", 3), -1);
	ck_assert_int_eq(theme_token_by_name("", 0), -1);
}
END_TEST

START_TEST(colours)
{
	struct theme_color c = parse("red");
	ck_assert_int_eq(c.kind, THEME_ANSI);
	ck_assert_int_eq(c.ansi, 1);
	ck_assert_int_eq(parse("LightCyan").ansi, 14);
	ck_assert_int_eq(parse("grey").ansi, 7);
	ck_assert_int_eq(parse("gray").ansi, 7);
	ck_assert_int_eq(parse("DARKGREY").ansi, 8);
	ck_assert_int_eq(parse("white").ansi, 15);
	ck_assert_int_eq(parse("reset").kind, THEME_RESET);
	c = parse("#D97706");
	ck_assert_int_eq(c.kind, THEME_RGB);
	ck_assert_int_eq(c.rgb[0], 0xd9);
	ck_assert_int_eq(c.rgb[1], 0x77);
	ck_assert_int_eq(c.rgb[2], 0x06);
	ck_assert_int_eq(parse("#ff0000").ansi, 9);	/* nearest ANSI: lightred */
	ck_assert_int_eq(parse("#000001").ansi, 0);
	static const char *const bad[] = { "", "#", "#12345", "#1234567", "#12345g", "rouge",
					   "light red", "red ", "0", "196", "#-12345" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(theme_color_parse(bad[i], strlen(bad[i]), &c) < 0, "'%s' taken", bad[i]);
		ck_assert_int_eq(c.kind, THEME_UNSET);
	}
	/* Bytes after the length given are not read. */
	ck_assert_int_eq(theme_color_parse("redder", 3, &c), 0);
	ck_assert_int_eq(c.ansi, 1);
}
END_TEST

START_TEST(apply_lists)
{
	struct theme_color set[THEME_TOKENS];
	char err[256];
	memset(set, 0, sizeof(set));
	ck_assert_int_eq(theme_colors_apply(set, "warn=#d97706,key=lightcyan", err, sizeof(err)), 0);
	ck_assert_int_eq(set[THEME_WARN].kind, THEME_RGB);
	ck_assert_int_eq(set[THEME_KEY].ansi, 14);
	ck_assert_int_eq(set[THEME_ERR].kind, THEME_UNSET);
	/* A later value for a token replaces the earlier one. */
	ck_assert_int_eq(theme_colors_apply(set, "key=red", err, sizeof(err)), 0);
	ck_assert_int_eq(set[THEME_KEY].ansi, 1);
	/* One bad item: nothing of the list is taken, one line says why. */
	static const struct { const char *spec, *mention; } bad[] = {
		{ "err=red,key=nope", "'nope' is not a colour" },
		{ "err=red,bogus=red", "'bogus' is not a theme token" },
		{ "err=red,", "expects TOKEN=COLOUR" },
		{ "err", "expects TOKEN=COLOUR" },
		{ "", "expects TOKEN=COLOUR" },
		{ "=red", "'' is not a theme token" },
		{ "status_bg=reset", "reset is not a value" },
		{ "selection_bg=reset", "reset is not a value" },
		{ "err=\x1b[31m", "is not a colour" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct theme_color before[THEME_TOKENS];
		memcpy(before, set, sizeof(set));
		ck_assert_int_eq(theme_colors_apply(set, bad[i].spec, err, sizeof(err)), -1);
		ck_assert_msg(strstr(err, bad[i].mention) != NULL, "'%s': '%s'", bad[i].spec, err);
		ck_assert_ptr_null(strchr(err, '\n'));
		ck_assert_ptr_null(strchr(err, '\x1b'));	/* shown, not sent to the terminal */
		ck_assert_int_eq(memcmp(before, set, sizeof(set)), 0);
	}
	ck_assert_int_eq(theme_colors_apply(set, "text=reset", err, sizeof(err)), 0);
	ck_assert_int_eq(set[THEME_TEXT].kind, THEME_RESET);
}
END_TEST

START_TEST(terminal_colours)
{
	uint8_t rgb[3];
	theme_palette_rgb(16, rgb);
	ck_assert(rgb[0] == 0 && rgb[1] == 0 && rgb[2] == 0);
	theme_palette_rgb(196, rgb);		/* the cube's pure red */
	ck_assert(rgb[0] == 255 && rgb[1] == 0 && rgb[2] == 0);
	theme_palette_rgb(232, rgb);
	ck_assert_int_eq(rgb[0], 8);
	theme_palette_rgb(255, rgb);
	ck_assert_int_eq(rgb[0], 238);

	struct theme_color c = parse("#ff0000");
	ck_assert_int_eq(theme_color_index(&c, 256), 196);
	ck_assert_int_eq(theme_color_index(&c, 16), 9);
	ck_assert_int_eq(theme_color_index(&c, 8), 1);
	c = parse("#d97706");			/* RustNet's muted warn: 215,135,0 is 172 */
	ck_assert_int_eq(theme_color_index(&c, 256), 172);
	c = parse("#808080");			/* a grey: the grey ramp, 128 is 244 */
	ck_assert_int_eq(theme_color_index(&c, 256), 244);
	c = parse("#0891b2");			/* 0,135,175: 31 */
	ck_assert_int_eq(theme_color_index(&c, 256), 31);
	/* Names are the terminal's own ANSI entries whatever the palette. */
	c = parse("lightblue");
	ck_assert_int_eq(theme_color_index(&c, 256), 12);
	ck_assert_int_eq(theme_color_index(&c, 8), 4);
	c = parse("darkgray");
	ck_assert_int_eq(theme_color_index(&c, 8), 7);	/* not black: it would vanish */
	c = parse("reset");
	ck_assert_int_eq(theme_color_index(&c, 256), -1);
}
END_TEST

START_TEST(contrast)
{
	const uint8_t black[3] = { 0, 0, 0 }, white[3] = { 255, 255, 255 };
	const uint8_t grey[3] = { 0x76, 0x76, 0x76 }, navy[3] = { 0, 0, 0x80 };
	ck_assert_double_eq_tol(theme_contrast(black, white), 21.0, 0.01);
	ck_assert_double_eq_tol(theme_contrast(white, black), 21.0, 0.01);
	ck_assert_double_eq_tol(theme_contrast(grey, grey), 1.0, 0.001);
	ck_assert_double_eq_tol(theme_contrast(grey, white), 4.54, 0.02);	/* WCAG's AA grey */
	ck_assert(theme_contrast(navy, black) < 3.0);
}
END_TEST

static Suite *theme_colors_suite(void)
{
	Suite *s = suite_create("theme_colors");
	TCase *tc = tcase_create("tokens");
	tcase_add_test(tc, tokens);
	tcase_add_test(tc, colours);
	tcase_add_test(tc, apply_lists);
	tcase_add_test(tc, terminal_colours);
	tcase_add_test(tc, contrast);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(theme_colors_suite());
}
