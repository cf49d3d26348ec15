/* invoker.c - who ran netlens through sudo, doas or pkexec (invoker.h). */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>

#include "platform/invoker.h"

/* A uid or gid as the tools write it: decimal digits only. */
static int parse_id(const char *s, unsigned long *out)
{
	char *end;
	if (!s || !*s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno || *end || *out >= 0xffffffffUL ? -1 : 0;
}

int invoker_find(uid_t *uid, gid_t *gid, const char **how)
{
	unsigned long id, g;
	struct passwd *pw;
	const char *doas = getenv("DOAS_USER");

	if (parse_id(getenv("SUDO_UID"), &id) == 0 && id != 0) {
		*uid = (uid_t)id;
		if (parse_id(getenv("SUDO_GID"), &g) == 0)
			*gid = (gid_t)g;
		else
			*gid = (pw = getpwuid(*uid)) ? pw->pw_gid : (gid_t)id;
		*how = "SUDO_UID";
		return 0;
	}
	if (doas && (pw = getpwnam(doas)) && pw->pw_uid != 0) {
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
		*how = "DOAS_USER";
		return 0;
	}
	if (parse_id(getenv("PKEXEC_UID"), &id) == 0 && id != 0 && (pw = getpwuid((uid_t)id))) {
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
		*how = "PKEXEC_UID";
		return 0;
	}
	return -1;
}
