/* readfile.c - a small file read whole (readfile.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "readfile.h"

int readfile_fd(int fd, const struct stat *st, char **text, size_t *len, char *why, size_t whylen)
{
	/* One byte more than fstat said: reading it means the file grew. */
	size_t cap = (size_t)st->st_size + 1, got = 0;
	char *buf = malloc(cap + 1);
	if (!buf) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	for (;;) {
		ssize_t r = read(fd, buf + got, cap - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(why, whylen, "%s", strerror(errno));
			free(buf);
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
		if (got == cap) {
			snprintf(why, whylen, "changed while read");
			free(buf);
			return -1;
		}
	}
	buf[got] = '\0';
	*text = buf;
	*len = got;
	return 0;
}

int readfile_open_regular(const char *path, struct stat *st, char *why, size_t whylen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, st) < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		snprintf(why, whylen, "not a regular file");
		close(fd);
		return -1;
	}
	return fd;
}

/* path's directory, resolved, and its last component, into out. */
static int entry_of(const char *path, char *out, size_t n)
{
	char d[PATH_MAX], b[PATH_MAX], real[PATH_MAX];
	if (strlen(path) >= sizeof(d))
		return -1;
	strcpy(d, path);
	strcpy(b, path);
	if (!realpath(dirname(d), real))
		return -1;
	return snprintf(out, n, "%s/%s", real, basename(b)) < (int)n ? 0 : -1;
}

int readfile_same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	int ha = stat(a, &sa) == 0, hb = stat(b, &sb) == 0;
	if (ha && hb)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	if (ha != hb)
		return 0;
	char ea[PATH_MAX + NAME_MAX + 2], eb[PATH_MAX + NAME_MAX + 2];
	return entry_of(a, ea, sizeof(ea)) == 0 && entry_of(b, eb, sizeof(eb)) == 0 && strcmp(ea, eb) == 0;
}
