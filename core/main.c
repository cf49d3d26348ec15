/* main.c - netlens: every connection this machine makes, live or from a file. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "options.h"
#include "dissectors_cli.h"
#include "ui/tui.h"

int main(int argc, char **argv)
{
	static struct app app;

	setlocale(LC_ALL, "");		/* the UI's UTF-8 detection */
	setlocale(LC_NUMERIC, "C");	/* output numbers stay "1.5", whatever the locale */
	switch (options_parse(&app.opt, argc, argv)) {
	case OPTIONS_EXIT_OK: return 0;
	case OPTIONS_EXIT_USAGE: return 2;
	case OPTIONS_RUN: break;
	}
	int cmd = dissectors_command(&app.opt);
	if (cmd >= 0)
		return cmd;
	/* The UI needs a terminal on both sides; piped or redirected, netlens
	 * prints instead (as --headless). */
	if (!tui_possible(&app))
		app.opt.headless = 1;
	int rc = tui_check_options(&app);	/* a bad --filter; without a UI, the UI's own options */
	if (rc != 0)
		return rc;
#ifdef HAVE_UI
	/* --filter narrows the UI's table: a run printing instead (--headless,
	 * or output not a terminal) prints every flow, and says so rather than
	 * leave the filter silently unused. */
	if (app.opt.headless && app.opt.ui_filter && !app.opt.ui_filter_from_config)
		fprintf(stderr, "netlens: --filter filters the terminal UI; this run prints every flow "
			"(choose packets with --bpf-filter, or filter the --format json output)\n");
#endif

	rc = app_init(&app);
	if (rc == 0 && !app.opt.headless)
		rc = tui_open(&app);
	if (rc != 0) {
		tui_close();
		app_cleanup(&app);
		return rc;
	}
	if (app_sandbox(&app) != 0) {
		tui_close();
		fprintf(stderr, "netlens: --sandbox-strict: %s; refusing to run\n", app.sandbox.missing);
		app_cleanup(&app);
		return 1;
	}
	app_run(&app);
	tui_close();
	return app_finish(&app);
}
