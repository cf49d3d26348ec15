/*
 * privileges.c - platforms without a netlens sandbox yet: nothing is
 * checked or dropped, and the report says so. --sandbox-strict therefore
 * refuses to run here.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "platform/privileges.h"

#define UNSUPPORTED "not supported on this platform"

enum priv_status priv_check(const struct priv_need *need, char *msg, size_t n)
{
	if (n)
		msg[0] = '\0';
	return PRIV_OK;	/* capture itself will say what it lacks */
}

static void report(struct sandbox_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	rep->uid = getuid();
	rep->gid = getgid();
	snprintf(rep->text, sizeof(rep->text), "off (%s)", UNSUPPORTED);
}

int sandbox_apply(const struct sandbox_spec *spec, struct sandbox_report *rep)
{
	report(rep);
	snprintf(rep->missing, sizeof(rep->missing), "the sandbox is %s", UNSUPPORTED);
	return spec->strict ? -1 : 0;
}

int sandbox_minimal(struct sandbox_report *rep)
{
	if (rep)
		report(rep);
	return -ENOSYS;
}

int priv_broker_start(uid_t uid, gid_t gid)
{
	return -ENOSYS;
}

int priv_broker_socket_owners(sock_owner_fn fn, void *ctx, uint64_t *cost_us)
{
	return platform_socket_owners(fn, ctx, cost_us);
}

int priv_broker_proc_info(uint32_t pid, struct proc_info *info)
{
	return platform_proc_info(pid, info);
}

void priv_broker_stop(void)
{
}
