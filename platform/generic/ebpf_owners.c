/* ebpf_owners.c - a build without eBPF: attribution stays with procfs, and
 * no socket carries a cgroup id to name (platform_cgroup_path). */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "platform/ebpf_owners.h"
#include "platform/platform.h"

struct ebpf_owners *ebpf_owners_open(sock_owner_fn fn, void *ctx, char *why, size_t whylen)
{
	(void)fn;
	(void)ctx;
	if (why && whylen)
		snprintf(why, whylen, "this build has no eBPF support");
	return NULL;
}

int ebpf_owners_existing(struct ebpf_owners *e)
{
	(void)e;
	return -ENOSYS;
}

int ebpf_owners_fd(const struct ebpf_owners *e)
{
	(void)e;
	return -1;
}

int ebpf_owners_poll(struct ebpf_owners *e)
{
	(void)e;
	return -1;
}

const char *ebpf_owners_tier(const struct ebpf_owners *e)
{
	(void)e;
	return "none";
}

const char *ebpf_owners_tried(const struct ebpf_owners *e)
{
	(void)e;
	return "";
}

unsigned long long ebpf_owners_dropped(const struct ebpf_owners *e)
{
	(void)e;
	return 0;
}

void ebpf_owners_close(struct ebpf_owners *e)
{
	(void)e;
}

/* Only eBPF records carry cgroup ids: nothing to walk the tree for. */
void platform_cgroup_paths_adopt(int root_fd) { (void)root_fd; }
int platform_cgroup_paths_fd(void) { return -1; }
void platform_cgroup_paths_close(void) {}

int platform_cgroup_path(uint64_t id, char *out, size_t outlen, uint64_t now_us)
{
	(void)id;
	(void)out;
	(void)outlen;
	(void)now_us;
	return 0;
}
