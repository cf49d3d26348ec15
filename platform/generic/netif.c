/* netif.c (generic) - portable fallbacks: no default-route lookup, addresses
 * from getifaddrs() re-read on request only. */
#include "config.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "platform/platform.h"

#define MAX_LOCAL_ADDRS 1024

#define MAX_BROADCAST 64

struct local_addrs {
	uint8_t fam[MAX_LOCAL_ADDRS];
	uint8_t addr[MAX_LOCAL_ADDRS][16];
	size_t n;
	struct in_addr bcast[MAX_BROADCAST];	/* interfaces' IPv4 broadcast addresses */
	size_t n_bcast;
};

int platform_default_interface(char *buf, size_t len) { (void)buf; (void)len; return -1; }

struct local_addrs *local_addrs_new(void)
{
	struct local_addrs *la = calloc(1, sizeof(*la));
	if (la)
		local_addrs_refresh(la);
	return la;
}

void local_addrs_free(struct local_addrs *la) { free(la); }

int local_addrs_refresh(struct local_addrs *la)
{
	struct ifaddrs *ifa, *i;
	if (getifaddrs(&ifa) < 0)
		return -1;
	la->n = 0;
	la->n_bcast = 0;
	for (i = ifa; i && la->n < MAX_LOCAL_ADDRS; i = i->ifa_next) {
		if (!i->ifa_addr)
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			struct sockaddr_in s;
			if ((i->ifa_flags & IFF_BROADCAST) && i->ifa_broadaddr &&
			    i->ifa_broadaddr->sa_family == AF_INET && la->n_bcast < MAX_BROADCAST) {
				memcpy(&s, i->ifa_broadaddr, sizeof(s));
				la->bcast[la->n_bcast++] = s.sin_addr;
			}
			memcpy(&s, i->ifa_addr, sizeof(s));
			la->fam[la->n] = 4;
			memset(la->addr[la->n], 0, 16);
			memcpy(la->addr[la->n++], &s.sin_addr, 4);
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			struct sockaddr_in6 s;
			memcpy(&s, i->ifa_addr, sizeof(s));
			la->fam[la->n] = 6;
			memcpy(la->addr[la->n++], &s.sin6_addr, 16);
		}
	}
	freeifaddrs(ifa);
	return 0;
}

int local_addrs_contains(const struct local_addrs *la, int family, const uint8_t *addr)
{
	for (size_t i = 0; la && i < la->n; i++)
		if (la->fam[i] == family && !memcmp(la->addr[i], addr, family == 4 ? 4 : 16))
			return 1;
	return 0;
}

int local_addrs_is_broadcast(const struct local_addrs *la, const uint8_t *addr)
{
	for (size_t i = 0; la && i < la->n_bcast; i++)
		if (!memcmp(&la->bcast[i], addr, 4))
			return 1;
	return 0;
}

/* No portable way to read the routing table: no gateway is known. */
int local_addrs_is_gateway(const struct local_addrs *la, int family, const uint8_t *addr)
{
	(void)la;
	(void)family;
	(void)addr;
	return 0;
}

int local_addrs_fd(const struct local_addrs *la) { (void)la; return -1; }
void local_addrs_changed(struct local_addrs *la) { local_addrs_refresh(la); }
size_t local_addrs_count(const struct local_addrs *la) { return la ? la->n : 0; }
