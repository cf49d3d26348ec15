/* eventlog.c - the JSON Lines event log. Events are buffered (up to
 * FLUSH_AT bytes) and written at each refresh tick and at exit. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "eventlog.h"
#include "log.h"
#include "record.h"
#include "strbuf.h"

#define FLUSH_AT 65536

struct eventlog {
	int fd;
	char *path;		/* owned */
	struct strbuf buf;
	uint64_t pending;	/* events in buf */
	uint64_t written, lost;
	int error_reported;
};

struct eventlog *eventlog_open(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == ELOOP)
			snprintf(err, errlen, "--json-log %s is a symbolic link; refusing to follow it", path);
		else
			snprintf(err, errlen, "cannot open --json-log %s: %s", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "--json-log %s is not a regular file", path);
		close(fd);
		return NULL;
	}
	struct eventlog *l = calloc(1, sizeof(*l));
	if (!l || !(l->path = strdup(path))) {
		free(l);
		close(fd);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	l->fd = fd;
	sb_init(&l->buf);
	return l;
}

int eventlog_flush(struct eventlog *l)
{
	size_t off = 0;
	while (off < l->buf.len) {
		ssize_t n = write(l->fd, l->buf.buf + off, l->buf.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			if (!l->error_reported) {
				fprintf(stderr, "netlens: --json-log %s: write failed: %s; events are being lost\n",
					l->path, strerror(e));
				log_msg(LOG_ERROR, "json-log %s: write failed: %s", l->path, strerror(e));
				l->error_reported = 1;
			}
			l->lost += l->pending;
			l->pending = 0;
			sb_reset(&l->buf);
			return -1;
		}
		off += (size_t)n;
	}
	l->written += l->pending;
	l->pending = 0;
	sb_reset(&l->buf);
	return 0;
}

void eventlog_write(struct eventlog *l, const struct flow *f, const char *event,
		    const char *close_reason, uint64_t now_us)
{
	record_json(&l->buf, f, now_us, event, close_reason);
	sb_putc(&l->buf, '\n');
	l->pending++;
	if (l->buf.len >= FLUSH_AT)
		eventlog_flush(l);
}

struct strbuf *eventlog_begin_line(struct eventlog *l)
{
	return &l->buf;
}

void eventlog_end_line(struct eventlog *l)
{
	sb_putc(&l->buf, '\n');
	l->pending++;
	if (l->buf.len >= FLUSH_AT)
		eventlog_flush(l);
}

uint64_t eventlog_written(const struct eventlog *l) { return l->written; }

uint64_t eventlog_close(struct eventlog *l)
{
	if (!l)
		return 0;
	eventlog_flush(l);
	if (fsync(l->fd) < 0 && errno != EINVAL && !l->error_reported)
		fprintf(stderr, "netlens: --json-log %s: %s\n", l->path, strerror(errno));
	close(l->fd);
	uint64_t lost = l->lost;
	sb_free(&l->buf);
	free(l->path);
	free(l);
	return lost;
}
