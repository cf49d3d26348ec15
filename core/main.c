/* main.c - netlens: every connection this machine makes, live or from a file. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "options.h"
#include "dissectors_cli.h"

int main(int argc, char **argv)
{
	static struct app app;

	switch (options_parse(&app.opt, argc, argv)) {
	case OPTIONS_EXIT_OK: return 0;
	case OPTIONS_EXIT_USAGE: return 2;
	case OPTIONS_RUN: break;
	}
	int cmd = dissectors_command(&app.opt);
	if (cmd >= 0)
		return cmd;
	/* The terminal UI is not part of this build yet: headless is the only view. */
	app.opt.headless = 1;

	int rc = app_init(&app);
	if (rc != 0) {
		app_cleanup(&app);
		return rc;
	}
	app_run(&app);
	return app_finish(&app);
}
