/* readfile.h - a small file read whole: the configuration file and the
 * alert list (both checked by their readers first: type, size, owner). */
#ifndef NETLENS_READFILE_H
#define NETLENS_READFILE_H

#include <stddef.h>
#include <sys/stat.h>

/* Reads the regular file open on fd, whose fstat() is st, into a new
 * buffer with a NUL after its len bytes. 0, or -1 with why (errno's text,
 * out of memory, or a file that grew while read). Does not close fd. */
int readfile_fd(int fd, const struct stat *st, char **text, size_t *len, char *why, size_t whylen);

#endif
