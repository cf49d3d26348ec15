/* config_file.c - finds, checks and splits netlens' configuration file.
 * The format is ssh_config's shape with long option names: "name = value"
 * (or "name value"), a bare "name" for a switch, '#' comments, blank
 * lines, and a '#' after a blank ends a line's text; double quotes
 * around a value keep what is inside them. Nothing here knows what a
 * setting means; options.c does.
 *
 * Two sections of RustNet's config.toml are read too, so its theme part
 * can be pasted at the end of a file: "[theme]" with "name = NAME" (the
 * setting theme), and "[theme.overrides]" with "TOKEN = COLOUR" lines
 * (each the setting theme-color = TOKEN=COLOUR). Settings of netlens'
 * own come before the first section, as TOML's top level does. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_file.h"
#include "readfile.h"
#include "strbuf.h"
#include "platform/invoker.h"

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_name_char(char c, int section)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || (section && c == '_');
}

enum section { SECTION_TOP, SECTION_THEME, SECTION_THEME_OVERRIDES };

/* "[theme]" or "[theme.overrides]", a comment after it allowed. */
static int parse_section(char *line, const char *where, enum section *section)
{
	char *close = strchr(line, ']');
	char *after = close ? close + 1 : NULL;
	while (after && is_blank(*after))
		after++;
	if (!close || (*after && *after != '#')) {
		fprintf(stderr, "netlens: %s: a section is one [name] on its line\n", where);
		return -1;
	}
	char *name = line + 1;
	while (is_blank(*name))
		name++;
	char *end = close;
	while (end > name && is_blank(end[-1]))
		end--;
	*end = '\0';
	if (!strcmp(name, "theme")) {
		*section = SECTION_THEME;
	} else if (!strcmp(name, "theme.overrides")) {
		*section = SECTION_THEME_OVERRIDES;
	} else {
		char shown_buf[64];
		fprintf(stderr, "netlens: %s: unknown section [%s] (netlens reads RustNet's [theme] and "
			"[theme.overrides]; its own settings come before any section)\n", where,
			str_shown(shown_buf, sizeof(shown_buf), name));
		return -1;
	}
	return 0;
}

/* One line, already cut from the text and NUL-terminated (its '\r' gone). */
static int parse_line(char *line, const char *where, config_setting_fn fn, void *ctx,
		      enum section *section)
{
	for (const unsigned char *p = (const unsigned char *)line; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f) {
			fprintf(stderr, "netlens: %s: control character 0x%02x in the line\n", where, *p);
			return -1;
		}
	while (is_blank(*line))
		line++;
	size_t len = strlen(line);
	while (len && is_blank(line[len - 1]))
		line[--len] = '\0';
	if (!len || line[0] == '#')
		return 0;
	if (line[0] == '[')
		return parse_section(line, where, section);

	char *name = line, *p = line;
	while (is_name_char(*p, *section != SECTION_TOP))
		p++;
	if (p == name || name[0] == '-' || (*p && *p != '=' && !is_blank(*p))) {
		fprintf(stderr, "netlens: %s: expected a setting (a long option name without "
			"'--', in lower case), then '= value' if it takes one\n", where);
		return -1;
	}
	char *end_of_name = p;
	while (is_blank(*p))
		p++;
	char *value = NULL;
	if (*p == '=') {
		p++;
		while (is_blank(*p))
			p++;
		value = *p == '#' ? (char *)"" : p;	/* "name = # ...": empty */
	} else if (*p && *p != '#') {
		value = p;	/* "name value", as ssh_config allows */
	}
	*end_of_name = '\0';
	if (value && value[0] == '"') {
		/* Quotes keep spaces at either end, a '#', or say "empty" plainly. */
		char *close = strchr(value + 1, '"');
		char *after = close ? close + 1 : NULL;
		while (after && is_blank(*after))
			after++;
		if (!close || (*after && *after != '#')) {
			fprintf(stderr, "netlens: %s: %s\n", where, close ?
				"text after the closing quote" : "a quote that is not closed");
			return -1;
		}
		*close = '\0';
		value++;
	} else if (value) {
		/* A '#' after a blank starts a comment, as at the start of a line. */
		for (char *q = value; *q; q++)
			if (*q == '#' && q > value && is_blank(q[-1])) {
				*q = '\0';
				break;
			}
		size_t vl = strlen(value);
		while (vl && is_blank(value[vl - 1]))
			value[--vl] = '\0';
	}
	/* TOML's literal strings: 'nord' as "nord" (only here: a netlens
	 * setting's quote is its value's). */
	if (*section != SECTION_TOP && value && value[0] == '\'') {
		size_t vl = strlen(value);
		if (vl < 2 || value[vl - 1] != '\'') {
			fprintf(stderr, "netlens: %s: a quote that is not closed\n", where);
			return -1;
		}
		value[vl - 1] = '\0';
		value++;
	}
	if (*section == SECTION_THEME) {
		if (strcmp(name, "name") || !value) {
			fprintf(stderr, "netlens: %s: [theme] holds name = THEME only (netlens' own "
				"settings come before the first section)\n", where);
			return -1;
		}
		return fn(ctx, "theme", value, where);
	}
	if (*section == SECTION_THEME_OVERRIDES) {
		if (!value) {
			fprintf(stderr, "netlens: %s: [theme.overrides] holds TOKEN = COLOUR lines\n", where);
			return -1;
		}
		/* "warn = \"#d97706\"" becomes "warn=#d97706" where it stands:
		 * the value lies after the name and its '=', so it moves left. */
		size_t nl = strlen(name), vl = strlen(value);
		name[nl] = '=';
		memmove(name + nl + 1, value, vl + 1);
		return fn(ctx, "theme-color", name, where);
	}
	return fn(ctx, name, value, where);
}

int config_parse(char *text, size_t len, const char *file, config_setting_fn fn, void *ctx)
{
	char file_buf[CONFIG_WHERE_MAX - 16], where[CONFIG_WHERE_MAX];
	str_shown(file_buf, sizeof(file_buf), file);
	text[len] = '\0';
	unsigned line_no = 0;
	size_t at = 0;
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		at = 3;		/* a UTF-8 byte order mark (a Windows editor's) */
	enum section section = SECTION_TOP;
	while (at < len) {
		line_no++;
		char *line = text + at;
		char *nl = memchr(line, '\n', len - at);
		size_t line_len = nl ? (size_t)(nl - line) : len - at;
		at += line_len + (nl != NULL);
		snprintf(where, sizeof(where), "%s:%u", file_buf, line_no);
		if (memchr(line, '\0', line_len)) {
			fprintf(stderr, "netlens: %s: a NUL byte: not a text file\n", where);
			return -1;
		}
		if (line_len > CONFIG_LINE_MAX) {
			fprintf(stderr, "netlens: %s: line longer than %u bytes\n", where,
				(unsigned)CONFIG_LINE_MAX);
			return -1;
		}
		line[line_len] = '\0';
		if (line_len && line[line_len - 1] == '\r')
			line[line_len - 1] = '\0';	/* a file written on Windows */
		if (parse_line(line, where, fn, ctx, &section) < 0)
			return -1;
	}
	return 0;
}

/* Who ran netlens through sudo, doas or pkexec, if we are root through it
 * (the user the sandbox drops to); -1 if not. */
static int invoking_uid(uid_t *uid)
{
	gid_t gid;
	const char *how;
	return getuid() == 0 ? invoker_find(uid, &gid, &how) : -1;
}

int config_load(const char *path, int must_exist, char **text, size_t *len)
{
	char pb[200];
	const char *sp = str_shown(pb, sizeof(pb), path);
	/* O_NONBLOCK: a FIFO named as the file must not hang the start. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		/* A default file that is not there, or in a folder we may not
		 * enter (run as another user with HOME still pointing at the
		 * first's), is not ours: skipped. */
		if ((errno == ENOENT || errno == ENOTDIR || errno == EACCES) && !must_exist)
			return 0;
		fprintf(stderr, "netlens: configuration file %s: %s\n", sp, strerror(errno));
		return -1;
	}
	struct stat st;
	const char *why = NULL;
	char whybuf[160];
	uid_t sudo_uid;
	if (fstat(fd, &st) < 0) {
		snprintf(whybuf, sizeof(whybuf), "%s", strerror(errno));
		why = whybuf;
	} else if (!S_ISREG(st.st_mode)) {
		why = "not a regular file";
	} else if (st.st_size > CONFIG_FILE_MAX) {
		snprintf(whybuf, sizeof(whybuf), "larger than %u KiB", (unsigned)(CONFIG_FILE_MAX / 1024));
		why = whybuf;
	} else if (st.st_uid != 0 && st.st_uid != getuid() && st.st_uid != geteuid() &&
		   !(invoking_uid(&sudo_uid) == 0 && st.st_uid == sudo_uid)) {
		/* It can load plugins: another user's file would run their code as us. */
		snprintf(whybuf, sizeof(whybuf), "not read: owned by uid %lu, not by root or by you",
			 (unsigned long)st.st_uid);
		why = whybuf;
	} else if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		why = "not read: others can write it (chmod go-w)";
	}
	if (why) {
		fprintf(stderr, "netlens: configuration file %s: %s\n", sp, why);
		close(fd);
		return -1;
	}
	char *buf;
	size_t got;
	if (readfile_fd(fd, &st, &buf, &got, whybuf, sizeof(whybuf)) < 0) {
		fprintf(stderr, "netlens: configuration file %s: %s\n", sp, whybuf);
		close(fd);
		return -1;
	}
	close(fd);
	*text = buf;
	*len = got;
	return 1;
}

int config_user_path(char *buf, size_t n)
{
	int w = -1;
	uid_t uid;
	struct passwd *pw;
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (invoking_uid(&uid) == 0) {
		/* sudo keeps or resets HOME by policy; the user's own file is meant. */
		if ((pw = getpwuid(uid)) && pw->pw_dir && pw->pw_dir[0] == '/')
			w = snprintf(buf, n, "%s/.config/netlens/config", pw->pw_dir);
	} else if (xdg && xdg[0] == '/') {
		w = snprintf(buf, n, "%s/netlens/config", xdg);
	} else if (home && home[0] == '/') {
		w = snprintf(buf, n, "%s/.config/netlens/config", home);
	} else if ((pw = getpwuid(getuid())) && pw->pw_dir && pw->pw_dir[0] == '/') {
		w = snprintf(buf, n, "%s/.config/netlens/config", pw->pw_dir);
	}
	return w > 0 && (size_t)w < n ? 0 : -1;
}
