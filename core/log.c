/* log.c - the diagnostic log. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "strbuf.h"

#define LOG_LINE_MAX 2048	/* longer messages are cut */

static int log_fd = -1;
static enum log_level log_level_set = LOG_OFF;
static char path_buf[64];

static const char *const level_names[] = { "OFF", "ERROR", "WARN", "INFO", "DEBUG", "TRACE" };

int log_open(enum log_level level, char *err, size_t errlen)
{
	if (level == LOG_OFF)
		return 0;
	struct stat st;
	if (lstat("logs", &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "logs exists and is not a directory (symbolic links are refused)");
			return -1;
		}
	} else if (mkdir("logs", 0700) < 0) {
		snprintf(err, errlen, "cannot create logs/: %s", strerror(errno));
		return -1;
	}
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	snprintf(path_buf, sizeof(path_buf), "logs/netlens_%04d-%02d-%02d_%02d-%02d-%02d.log",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	log_fd = open(path_buf, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (log_fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path_buf, strerror(errno));
		return -1;
	}
	log_level_set = level;
	log_msg(LOG_INFO, "netlens %s starting (pid %d)", PACKAGE_VERSION, (int)getpid());
	return 0;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	if (log_fd < 0 || level > log_level_set || level == LOG_OFF)
		return;
	char msg[LOG_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t len = (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1;

	struct timeval tv;
	gettimeofday(&tv, NULL);
	struct tm tm;
	localtime_r(&tv.tv_sec, &tm);
	struct strbuf b;
	sb_init(&b);
	sb_printf(&b, "%04d-%02d-%02d %02d:%02d:%02d.%03ld [%s] ", tm.tm_year + 1900, tm.tm_mon + 1,
		  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)tv.tv_usec / 1000,
		  level_names[level]);
	sb_put_sanitized(&b, msg, len);
	sb_putc(&b, '\n');
	if (!b.oom && write(log_fd, b.buf, b.len) < 0) {
		/* Nowhere better to say it; the log is best effort. */
	}
	sb_free(&b);
}

void log_close(void)
{
	if (log_fd >= 0) {
		log_msg(LOG_INFO, "netlens exiting");
		close(log_fd);
	}
	log_fd = -1;
	log_level_set = LOG_OFF;
}

const char *log_path(void) { return log_fd >= 0 ? path_buf : NULL; }

int log_enabled(enum log_level level)
{
	return log_fd >= 0 && level <= log_level_set;
}
