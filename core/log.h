/* log.h - the diagnostic log (-l LEVEL): logs/netlens_YYYY-MM-DD_HH-MM-SS.log
 * under the current directory, created 0600 (folder 0700), never through a
 * symlink. Messages are sanitised before they are written. */
#ifndef NETLENS_LOG_H
#define NETLENS_LOG_H

#include <stddef.h>

#include "options.h"

int log_open(enum log_level level, char *err, size_t errlen);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_close(void);
/* 1 when messages of this level are written (to skip formatting them). */
int log_enabled(enum log_level level);
/* The path of the open log, or NULL. */
const char *log_path(void);

#endif
