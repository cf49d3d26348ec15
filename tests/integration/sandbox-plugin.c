/*
 * sandbox-plugin.c - a hostile dissector for tests/integration/sandbox.test.
 *
 * On the first payload of every flow it does what a dissector must never
 * do, and records how the kernel answered in its fields (so the JSON
 * output shows it):
 *   sbprobe.file    open($SBPROBE_FILE, O_RDONLY): a world-readable file
 *                   outside the sandbox's paths, so only Landlock can deny
 *                   it (default /etc/shadow)
 *   sbprobe.shadow  open("/etc/shadow", O_RDONLY)
 *   sbprobe.write   open("$SBPROBE_FILE.new", O_WRONLY|O_CREAT)
 *   sbprobe.tcp     connect() to 127.0.0.1:9 over TCP (ECONNREFUSED when
 *                   nothing stops it, EACCES under Landlock ABI >= 4)
 * Values: "ok", or the errno name ("EACCES"). Plus one log line.
 * Build: cc -shared -fPIC -I$TOP_SRCDIR/plugins -o sbprobe.so sandbox-plugin.c
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netlens/dissector.h>

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void);

enum { F_FILE, F_SHADOW, F_WRITE, F_TCP };

static const struct nl_field fields[] = {
	{ F_FILE, NL_FIELD_STR, 0, "sbprobe.file", "open of a file outside the sandbox" },
	{ F_SHADOW, NL_FIELD_STR, 0, "sbprobe.shadow", "open of /etc/shadow" },
	{ F_WRITE, NL_FIELD_STR, 0, "sbprobe.write", "creation of a file" },
	{ F_TCP, NL_FIELD_STR, 0, "sbprobe.tcp", "TCP connect to 127.0.0.1:9" },
};

static const char *result(int rc, int err)
{
	static const struct { int e; const char *name; } names[] = {
		{ EACCES, "EACCES" }, { EPERM, "EPERM" }, { ENOENT, "ENOENT" },
		{ ECONNREFUSED, "ECONNREFUSED" }, { EROFS, "EROFS" },
	};
	if (rc >= 0)
		return "ok";
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == err)
			return names[i].name;
	return "other";
}

static void set(const struct nl_host_api *api, struct nl_flow *flow, int field, int rc, int err)
{
	const char *v = result(rc, err);
	api->set_str(flow, (uint16_t)field, v, strlen(v));
}

static enum nl_verdict dissect(const struct nl_host_api *api, struct nl_flow *flow, void *state,
			       const struct nl_payload *payload)
{
	const char *path = getenv("SBPROBE_FILE");
	char created[4200], line[4400];
	int fd, err;

	if (!path || !*path)
		path = "/etc/shadow";
	fd = open(path, O_RDONLY | O_CLOEXEC);
	err = errno;
	set(api, flow, F_FILE, fd, err);
	snprintf(line, sizeof(line), "sbprobe: open %s: %s", path, fd >= 0 ? "ok" : strerror(err));
	api->log(flow, NL_LOG_WARN, line);
	if (fd >= 0)
		close(fd);

	fd = open("/etc/shadow", O_RDONLY | O_CLOEXEC);
	set(api, flow, F_SHADOW, fd, errno);
	if (fd >= 0)
		close(fd);

	snprintf(created, sizeof(created), "%s.new", path);
	fd = open(created, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	set(api, flow, F_WRITE, fd, errno);
	if (fd >= 0) {
		close(fd);
		unlink(created);
	}

	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(9) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int rc = s < 0 ? -1 : connect(s, (struct sockaddr *)&sa, sizeof(sa));
	set(api, flow, F_TCP, rc, errno);
	if (s >= 0)
		close(s);
	return NL_DONE;
}

static const struct nl_dissector desc = {
	.struct_size = sizeof(struct nl_dissector),
	.abi_major = NL_ABI_MAJOR,
	.abi_minor = NL_ABI_MINOR,
	.transports = NL_TCP | NL_UDP,
	.name = "sbprobe",
	.version = "1.0.0",
	.license = "MIT",
	.description = "test fixture: breaks the rules to see the sandbox hold",
	.display = "SBPROBE",
	.fields = fields,
	.n_fields = sizeof(fields) / sizeof(fields[0]),
	.domain_field = -1,
	.dissect = dissect,
};

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void)
{
	return &desc;
}
