/*
 * ebpf_owners.h - socket owners told by eBPF as sockets connect, accept and
 * send (Linux), so a program that exits before the next procfs scan (curl)
 * still has its flows attributed.
 *
 * Single-threaded: everything runs from the caller's event loop. The
 * programs and maps live as long as the handle; closing it (or exiting)
 * detaches them all.
 *
 * What is reported (method OWNER_EBPF, proto 6/17, family 4/6 with
 * v4-mapped IPv6 folded to 4, addresses in network order, ports in host
 * order, pid = the thread group in the initial pid namespace, uid, the
 * group leader's comm):
 *   TCP  outgoing, at ESTABLISHED (both ports); accepted, with the
 *        listener's owner; listeners (no peer), at listen()
 *   UDP  connected sockets, at their first send; unconnected sends, once
 *        per (socket, destination), reported as the unconnected socket
 *        they are (no peer: core matches them by local port)
 * Sockets that existed before ebpf_owners_open() are reported once by
 * ebpf_owners_existing() (iter/task_file), else left to procfs.
 */
#ifndef NETLENS_EBPF_OWNERS_H
#define NETLENS_EBPF_OWNERS_H

#include <stddef.h>

#include "platform/platform.h"

struct ebpf_owners;

/* Loads and attaches the best tier that works here, trying the real load
 * and attach in this order and falling back:
 *   "fentry/fexit"           TCP and UDP (trampolines; no cgroup needed)
 *   "tp_btf + cgroup hooks"  TCP and UDP (a cgroup2 mount); without
 *                            sock_send_length (< 6.3) "... (UDP reported
 *                            before the send)"
 *   "raw_tp + cgroup hooks (UDP reported before the send)"
 *   "kprobes"                TCP and UDP
 *   "tp_btf only (TCP; UDP from procfs)"
 * None: NULL, with one line in why ("eBPF unavailable: ... (procfs is
 * used)"). NETLENS_EBPF_TIER=NAME starts at the tier whose name begins
 * with NAME (tests). fn(ctx, owner) is called from ebpf_owners_poll() and
 * ebpf_owners_existing() only. */
struct ebpf_owners *ebpf_owners_open(sock_owner_fn fn, void *ctx, char *why, size_t whylen);

/* The owners of every TCP and UDP socket open now, found by one pass of a
 * task_file iterator over every process's descriptors, delivered to fn
 * (method OWNER_EBPF) before it returns. Call once after ebpf_owners_open(),
 * so that sockets made in between are not missed. Returns how many were
 * delivered, or a negative errno when this kernel cannot (no iterators,
 * no bpf_sock_from_file() before 5.11): then a procfs scan finds them. */
int ebpf_owners_existing(struct ebpf_owners *e);

/* The ring buffer's epoll descriptor: readable when records wait (ev_io). */
int ebpf_owners_fd(const struct ebpf_owners *e);

/* Delivers what waits, without blocking. Returns how many were delivered,
 * or -1. */
int ebpf_owners_poll(struct ebpf_owners *e);

/* The tier that loaded, e.g. "tp_btf + cgroup hooks". */
const char *ebpf_owners_tier(const struct ebpf_owners *e);

/* The tiers tried before the one that loaded, each with why it did not
 * ("fentry/fexit: loading the programs: Operation not permitted"), or "". */
const char *ebpf_owners_tried(const struct ebpf_owners *e);

/* Records the kernel dropped because the ring buffer was full. */
unsigned long long ebpf_owners_dropped(const struct ebpf_owners *e);

void ebpf_owners_close(struct ebpf_owners *e);

#endif
