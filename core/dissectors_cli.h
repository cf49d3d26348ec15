/* dissectors_cli.h - loading the dissector plugins the options ask for, and
 * the --list-dissectors and --check-plugin commands. */
#ifndef NETLENS_DISSECTORS_CLI_H
#define NETLENS_DISSECTORS_CLI_H

#include "dpi.h"
#include "options.h"

/* Loads --plugin-dir folders in order, then the default folder, and applies
 * --disable-dissector. Returns 0, or an exit code (one line printed). */
int dissectors_load(struct dpi *d, const struct options *o);

/* --list-dissectors / --check-plugin: runs the command and returns its exit
 * code, or -1 when o asks for neither. */
int dissectors_command(const struct options *o);

#endif
