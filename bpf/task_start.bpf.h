/*
 * task_start.bpf.h - when a process started, for telling a reused pid from
 * the program that had it before (core/owners.c). Included by the BPF
 * programs only, after vmlinux.h and bpf_core_read.h.
 */
#ifndef NETLENS_TASK_START_BPF_H
#define NETLENS_TASK_START_BPF_H

/* Before Linux 5.5 the boot-based start was called real_start_time. */
struct task_struct___pre_5_5 {
	__u64 real_start_time;
} __attribute__((preserve_access_index));

/* The start of t's process in ns after boot, as /proc/PID/stat counts it
 * (field 22, in clock ticks); 0 when this kernel has neither field. */
static __always_inline __u64 process_start_ns(struct task_struct *t)
{
	struct task_struct *leader = BPF_CORE_READ(t, group_leader);
	struct task_struct___pre_5_5 *old = (void *)leader;

	if (!leader)
		return 0;
	if (bpf_core_field_exists(leader->start_boottime))
		return BPF_CORE_READ(leader, start_boottime);
	if (bpf_core_field_exists(old->real_start_time))
		return BPF_CORE_READ(old, real_start_time);
	return 0;
}

#endif
