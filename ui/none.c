/*
 * none.c - the UI's entry points in a headless-only netlens (configure
 * --disable-ui), for routers and other boxes without ncurses or a use for it.
 * main.c and app.c call the same functions as in a full build; here no
 * terminal is ever taken over, so netlens prints as with --headless even on
 * a terminal.
 */
#include "config.h"

#include <stdio.h>

#include "core/app.h"
#include "ui/tui.h"

int tui_possible(struct app *a)
{
	(void)a;
	return 0;	/* this build has no UI: always headless */
}

/* --filter narrows the UI's table; silently ignoring it would print every
 * flow to someone who asked for a few. A configuration file's filter is a
 * default for the UI, which a file shared with full builds may hold: that
 * one is ignored. --no-color, --sort, --group and --units are accepted: the
 * headless output has no colours, order or units to change. */
int tui_check_options(const struct app *a)
{
	if (!a->opt.ui_filter || a->opt.ui_filter_from_config)
		return 0;
	fprintf(stderr, "netlens: --filter filters the terminal UI, which this netlens was built "
		"without (--disable-ui); choose packets with --bpf-filter, or filter the --format "
		"json output\n");
	return 2;
}

int tui_open(struct app *a)
{
	/* Not reached: tui_possible() made every run headless. */
	fprintf(stderr, "netlens: this netlens was built without the terminal UI (--disable-ui)\n");
	return 1;
}

void tui_tick(struct app *a)
{
	/* Nothing to redraw: app.c prints headless output itself. */
}

/* The UI shows it in its status bar; here it is a line on stderr, as
 * headless output reports such things. */
void tui_notice(const char *msg)
{
	fprintf(stderr, "netlens: %s\n", msg);
}

void tui_close(void)
{
	/* Nothing was taken over. */
}
