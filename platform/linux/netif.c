/*
 * netif.c (Linux) - default-route interface and this machine's addresses.
 *
 * Addresses come from getifaddrs(), default gateways from /proc/net/route
 * and ipv6_route; an rtnetlink socket subscribed to address and route
 * events wakes the event loop when they change, so no polling.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "platform/platform.h"

#define MAX_LOCAL_ADDRS 1024

struct local_addr { uint8_t family; uint8_t addr[16]; };

#define MAX_BROADCAST 64
#define MAX_GATEWAYS 16

struct local_addrs {
	struct local_addr *v;	/* owned, sorted */
	size_t n;
	uint32_t bcast[MAX_BROADCAST];	/* interfaces' IPv4 broadcast addresses */
	size_t n_bcast;
	struct local_addr gw[MAX_GATEWAYS];	/* default routes' next hops */
	size_t n_gw;
	int nl_fd;		/* rtnetlink address events, or -1 */
};

static int cmp_addr(const void *a, const void *b)
{
	const struct local_addr *x = a, *y = b;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->addr, y->addr, 16);
}

int platform_default_interface(char *buf, size_t len)
{
	FILE *fp = fopen("/proc/net/route", "r");
	char line[256], best[IFNAMSIZ + 1] = "";
	unsigned long best_metric = (unsigned long)-1;
	if (fp) {
		while (fgets(line, sizeof(line), fp)) {
			char ifn[IFNAMSIZ + 1];
			unsigned long dest, gw, flags, refcnt, use, metric, mask;
			if (sscanf(line, "%16s %lx %lx %lx %lu %lu %lu %lx", ifn, &dest, &gw, &flags,
				   &refcnt, &use, &metric, &mask) != 8)
				continue;
			if (dest == 0 && mask == 0 && (flags & 1) && metric < best_metric) {
				best_metric = metric;
				snprintf(best, sizeof(best), "%s", ifn);
			}
		}
		fclose(fp);
	}
	if (!best[0] && (fp = fopen("/proc/net/ipv6_route", "r"))) {
		while (fgets(line, sizeof(line), fp)) {
			char dst[33], ifn[IFNAMSIZ + 1];
			unsigned plen;
			unsigned long metric, flags;
			if (sscanf(line, "%32s %x %*s %*s %*s %lx %*s %*s %lx %16s", dst, &plen, &metric,
				   &flags, ifn) != 5)
				continue;
			if (plen == 0 && strcmp(dst, "00000000000000000000000000000000") == 0 &&
			    strcmp(ifn, "lo") != 0 && (flags & 1) && metric < best_metric) {
				best_metric = metric;
				snprintf(best, sizeof(best), "%s", ifn);
			}
		}
		fclose(fp);
	}
	if (!best[0])
		return -1;
	snprintf(buf, len, "%s", best);
	return 0;
}

static int open_netlink(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	struct sockaddr_nl sa;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

struct local_addrs *local_addrs_new(void)
{
	struct local_addrs *la = calloc(1, sizeof(*la));
	if (!la)
		return NULL;
	la->nl_fd = open_netlink();
	local_addrs_refresh(la);
	return la;
}

void local_addrs_free(struct local_addrs *la)
{
	if (!la)
		return;
	if (la->nl_fd >= 0)
		close(la->nl_fd);
	free(la->v);
	free(la);
}

/* The next hops of the default routes: IPv4's as the kernel prints the
 * 32-bit value (its bytes in network order), IPv6's as 32 hex digits. */
static void load_gateways(struct local_addrs *la)
{
	char line[256];
	la->n_gw = 0;
	FILE *fp = fopen("/proc/net/route", "re");
	while (fp && fgets(line, sizeof(line), fp) && la->n_gw < MAX_GATEWAYS) {
		unsigned long dest, gw, flags, mask;
		if (sscanf(line, "%*s %lx %lx %lx %*u %*u %*u %lx", &dest, &gw, &flags, &mask) != 4 ||
		    dest || mask || !gw || (flags & 3) != 3)	/* RTF_UP | RTF_GATEWAY */
			continue;
		uint32_t v = (uint32_t)gw;
		memset(&la->gw[la->n_gw], 0, sizeof(la->gw[0]));
		la->gw[la->n_gw].family = 4;
		memcpy(la->gw[la->n_gw++].addr, &v, 4);
	}
	if (fp)
		fclose(fp);
	fp = fopen("/proc/net/ipv6_route", "re");
	while (fp && fgets(line, sizeof(line), fp) && la->n_gw < MAX_GATEWAYS) {
		char dst[33], hop[33];
		unsigned plen;
		if (sscanf(line, "%32s %x %*s %*s %32s", dst, &plen, hop) != 3 || plen ||
		    strspn(dst, "0") != 32 || strspn(hop, "0") == 32 || strlen(hop) != 32)
			continue;
		struct local_addr *g = &la->gw[la->n_gw];
		g->family = 6;
		int ok = 1;
		for (int i = 0; i < 16 && ok; i++) {
			unsigned b;
			ok = sscanf(hop + 2 * i, "%2x", &b) == 1;
			g->addr[i] = (uint8_t)b;
		}
		if (ok)
			la->n_gw++;
	}
	if (fp)
		fclose(fp);
}

int local_addrs_is_gateway(const struct local_addrs *la, int family, const uint8_t *addr)
{
	for (size_t i = 0; la && i < la->n_gw; i++)
		if (la->gw[i].family == family && !memcmp(la->gw[i].addr, addr, family == 4 ? 4 : 16))
			return 1;
	return 0;
}

int local_addrs_refresh(struct local_addrs *la)
{
	load_gateways(la);
	struct ifaddrs *ifa, *i;
	if (getifaddrs(&ifa) < 0)
		return -errno;
	struct local_addr *v = calloc(MAX_LOCAL_ADDRS, sizeof(*v));
	size_t n = 0;
	if (!v) {
		freeifaddrs(ifa);
		return -ENOMEM;
	}
	la->n_bcast = 0;
	for (i = ifa; i && n < MAX_LOCAL_ADDRS; i = i->ifa_next) {
		if (!i->ifa_addr)
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			struct sockaddr_in sin, own;
			memcpy(&own, i->ifa_addr, sizeof(own));
			/* An address added without one ("ip addr add 10.0.0.1/24",
			 * no brd) has glibc give the address itself here: no
			 * broadcast, or our own address would count as one. */
			if ((i->ifa_flags & IFF_BROADCAST) && i->ifa_broadaddr &&
			    i->ifa_broadaddr->sa_family == AF_INET && la->n_bcast < MAX_BROADCAST) {
				memcpy(&sin, i->ifa_broadaddr, sizeof(sin));
				if (sin.sin_addr.s_addr != own.sin_addr.s_addr && sin.sin_addr.s_addr)
					la->bcast[la->n_bcast++] = sin.sin_addr.s_addr;
			}
			memcpy(&sin, i->ifa_addr, sizeof(sin));
			v[n].family = 4;
			memcpy(v[n].addr, &sin.sin_addr, 4);
			n++;
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			struct sockaddr_in6 sin6;
			memcpy(&sin6, i->ifa_addr, sizeof(sin6));
			v[n].family = 6;
			memcpy(v[n].addr, &sin6.sin6_addr, 16);
			n++;
		}
	}
	freeifaddrs(ifa);
	qsort(v, n, sizeof(*v), cmp_addr);
	free(la->v);
	la->v = v;
	la->n = n;
	return 0;
}

int local_addrs_contains(const struct local_addrs *la, int family, const uint8_t *addr)
{
	struct local_addr k;
	memset(&k, 0, sizeof(k));
	k.family = (uint8_t)family;
	memcpy(k.addr, addr, family == 4 ? 4 : 16);
	return la && bsearch(&k, la->v, la->n, sizeof(k), cmp_addr) != NULL;
}

int local_addrs_is_broadcast(const struct local_addrs *la, const uint8_t *addr)
{
	uint32_t a;
	memcpy(&a, addr, 4);
	for (size_t i = 0; la && i < la->n_bcast; i++)
		if (la->bcast[i] == a)
			return 1;
	return 0;
}

int local_addrs_fd(const struct local_addrs *la) { return la ? la->nl_fd : -1; }

void local_addrs_changed(struct local_addrs *la)
{
	char buf[8192];
	while (recv(la->nl_fd, buf, sizeof(buf), 0) > 0)
		;	/* drain: the events only tell us to re-read */
	local_addrs_refresh(la);
}

size_t local_addrs_count(const struct local_addrs *la) { return la ? la->n : 0; }
