/* config_file.h - reading netlens' configuration file: settings that are
 * long option names, one per line (doc/netlens.8, CONFIGURATION FILE).
 * What a setting means is the command line's business (options.c); this
 * only finds, checks and splits the file. */
#ifndef NETLENS_CONFIG_FILE_H
#define NETLENS_CONFIG_FILE_H

#include <stddef.h>

#define CONFIG_FILE_MAX (64 * 1024)	/* bytes; a bigger file is refused */
#define CONFIG_LINE_MAX 4096		/* bytes in one line, its end excluded */
#define CONFIG_WHERE_MAX 300		/* "FILE:LINE" as the callback gets it */

/* Called for each setting in file order: name is what precedes '=' (or
 * the whole line), value what follows it, NULL when there is no '='.
 * where is "FILE:LINE" for messages. Returns 0, or -1 after printing one
 * line, which stops the parse. The strings live as long as the text. */
typedef int (*config_setting_fn)(void *ctx, const char *name, const char *value,
				 const char *where);

/* Splits text (len bytes, changed in place; text[len] must be writable
 * and is set to NUL) into settings. Returns 0, or -1 after one line on
 * stderr naming FILE:LINE (a syntax error, or the callback's refusal). */
int config_parse(char *text, size_t len, const char *file, config_setting_fn fn, void *ctx);

/* Reads path into a new buffer (*text, NUL-terminated, *len bytes; the
 * caller keeps it as long as the settings are used). The file must be a
 * regular file of at most CONFIG_FILE_MAX bytes, owned by root, by the
 * real user or (under sudo) by SUDO_UID, and writable by its owner only:
 * it can name plugins that would run with netlens' privileges. Returns 1
 * when read, 0 when it does not exist or cannot be reached (EACCES) and
 * !must_exist, -1 after one line on stderr. */
int config_load(const char *path, int must_exist, char **text, size_t *len);

/* The user's file: $XDG_CONFIG_HOME/netlens/config, else
 * $HOME/.config/netlens/config; under sudo (root, SUDO_UID set), the
 * invoking user's ~/.config/netlens/config. Returns 0 with the path in
 * buf, -1 when there is none to look for. */
int config_user_path(char *buf, size_t n);

#endif
