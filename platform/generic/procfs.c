/* procfs.c - no portable way to find socket owners: attribution is off. */
#include "config.h"

#include <string.h>

#include "platform/platform.h"

int platform_socket_owners(sock_owner_fn fn, void *ctx, uint64_t *cost_us)
{
	(void)fn;
	(void)ctx;
	if (cost_us)
		*cost_us = 0;
	return -1;
}

int platform_proc_read_cgroup;

int proc_cgroup_kubepods(const char *text, size_t n, char *out, size_t outlen)
{
	(void)text;
	(void)n;
	if (outlen)
		out[0] = '\0';
	return 0;	/* no cgroups here */
}

int platform_proc_info(uint32_t pid, struct proc_info *info)
{
	memset(info, 0, sizeof(*info));
	info->pid = pid;
	return -1;
}

uint64_t platform_proc_start(uint32_t pid)
{
	(void)pid;
	return 0;	/* unknown: owners fall back to comparing names */
}

uint64_t platform_start_unix_ms(uint64_t ticks)
{
	(void)ticks;
	return 0;
}
