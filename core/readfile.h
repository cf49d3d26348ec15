/* readfile.h - files named by the user: a small file read whole (the
 * configuration file, the alert list, the services file: checked by their
 * readers first: type, size, owner), and whether two names are one file. */
#ifndef NETLENS_READFILE_H
#define NETLENS_READFILE_H

#include <stddef.h>
#include <sys/stat.h>

/* Reads the regular file open on fd, whose fstat() is st, into a new
 * buffer with a NUL after its len bytes. 0, or -1 with why (errno's text,
 * out of memory, or a file that grew while read). Does not close fd. */
int readfile_fd(int fd, const struct stat *st, char **text, size_t *len, char *why, size_t whylen);

/* Opens path for reading when it is a regular file (a FIFO or a device
 * named as one must neither hang the start nor stream for ever): the fd,
 * with *st its fstat(); or -1 with why. */
int readfile_open_regular(const char *path, struct stat *st, char *why, size_t whylen);

/* Nonzero when a and b name the same file: the same inode when both
 * exist, else the same entry of the same directory (an output not yet
 * made). */
int readfile_same_file(const char *a, const char *b);

#endif
