/* readfile.c - a small file read whole (readfile.h). */
#include "config.h"

#include <errno.h>
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
