/*
 * pipe_source.h - a capture read from a stream that cannot seek or wait
 * politely: standard input, a named pipe, a shell's <(tcpdump -w -).
 *
 * libpcap and core/pcapng_read.c read a record with blocking fread()s. On
 * a pipe from a live tcpdump that goes quiet, that blocks the one event
 * loop (the UI freezes and does not even quit) until the next packet. So
 * the bytes are taken here, as they arrive, into a buffer that frames
 * them: pcap records, or pcapng blocks. The reader is let loose only on
 * whole records (pipe_source_ready), and while none is whole the loop
 * waits on the descriptor (pipe_source_fd) instead.
 *
 * The stream's first four bytes say pcap or pcapng, and the reader gets
 * them too (nothing is read twice). The buffer holds at most about
 * PIPE_SOURCE_AHEAD bytes read ahead of the reader, or one whole record
 * when that is larger (pcapng blocks: 16 MiB at most, the reader's cap),
 * so a writer faster than netlens waits on the pipe, not on our memory.
 * A stream that does not frame (neither format, an impossible length)
 * is read as it comes, blocking, and the reader says what is wrong.
 */
#ifndef NETLENS_PIPE_SOURCE_H
#define NETLENS_PIPE_SOURCE_H

#include <stdint.h>
#include <stdio.h>

#define PIPE_SOURCE_AHEAD (4u << 20)

struct pipe_source;

/* Wraps src: reads its first bytes (waiting for them) and sets *pcapng;
 * returns a stream reading through the framing buffer (and stdio's, buf
 * of size bytes, the caller's until the stream is closed; NULL: stdio's
 * own), and in *ps the
 * handle for the calls below, which the stream owns (freed, and src closed
 * unless it is stdin, at its fclose). NULL with errno set, src closed unless
 * stdin, on failure. */
FILE *pipe_source_open(FILE *src, char *buf, size_t size, int *pcapng, struct pipe_source **ps);

/* The descriptor to wait on while nothing is ready. */
int pipe_source_fd(const struct pipe_source *ps);

/* Takes what has arrived, without waiting (and without reading further
 * ahead than the cap). */
void pipe_source_poll(struct pipe_source *ps);

/* Takes what has arrived, without waiting; whether the record or pcapng
 * block (of any type) at stream offset offset is all here, so reading
 * it will not wait. 1 too once the stream has ended or failed, or cannot
 * be framed. */
int pipe_source_whole_at(struct pipe_source *ps, uint64_t offset);
/* pipe_source_whole_at as pcapng_peek_arrived's callback (ctx: the pipe
 * source), the one that never waits. */
int pipe_source_arrived(void *ps, uint64_t offset);

/* Waits until more has come, or the stream has ended or failed. */
void pipe_source_wait(struct pipe_source *ps);

/* Whole records (pcapng: packet blocks, with every block before them)
 * the reader may take without waiting; UINT64_MAX once the stream has
 * ended or failed, or cannot be framed. */
uint64_t pipe_source_ready(const struct pipe_source *ps);

/* The reader took n of them (pcap records, or pcapng packets). */
void pipe_source_taken(struct pipe_source *ps, uint64_t n);

#endif
