/* invoker.h - who ran netlens through sudo, doas or pkexec.
 *
 * Root started by one of those tools says who asked in its environment.
 * The sandbox becomes that user when it drops root, and the configuration
 * reader takes that user's file (and files that user owns) as the user's.
 * One reading of the environment for both, so they never disagree. */
#ifndef NETLENS_INVOKER_H
#define NETLENS_INVOKER_H

#include <sys/types.h>

/* SUDO_UID (with SUDO_GID, else the account's group), DOAS_USER, or
 * PKEXEC_UID, in that order; never root, and a number must be a whole
 * decimal below 2^32 - 1. 0 with *uid, *gid and *how (the variable that
 * told); -1 when none does. The caller decides whether it runs as root. */
int invoker_find(uid_t *uid, gid_t *gid, const char **how);

#endif
