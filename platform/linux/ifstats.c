/*
 * ifstats.c (Linux) - interface counters: one rtnetlink dump of every link
 * with its 64-bit statistics (IFLA_STATS64), else sysfs
 * (the files in /sys/class/net/IF/statistics), which costs nine reads per interface.
 *
 * The kernel's answer is parsed as hostile as anything else: every length
 * is checked against what was received, and the dump is bounded by max.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "platform/platform.h"

#define DUMP_BUF 32768		/* one recv; the kernel fills at most this much per message batch */
#define DUMP_WAIT_MS 500	/* a dump the kernel does not finish by then is abandoned */

static void name_copy(struct iface_stat *s, const char *name, size_t len)
{
	size_t n = strnlen(name, len < sizeof(s->name) - 1 ? len : sizeof(s->name) - 1);
	memcpy(s->name, name, n);
	s->name[n] = '\0';
}

/* One RTM_NEWLINK message into s. Returns 1 when it had a name and
 * statistics, else 0. */
static int link_msg(const struct nlmsghdr *nh, struct iface_stat *s)
{
	if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
		return 0;
	const struct ifinfomsg *ifi = NLMSG_DATA(nh);
	int left = (int)nh->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ifi));
	int have_name = 0, have_stats = 0;
	memset(s, 0, sizeof(*s));
	for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, left); a = RTA_NEXT(a, left)) {
		size_t plen = RTA_PAYLOAD(a);
		if (a->rta_type == IFLA_IFNAME && plen > 0) {
			name_copy(s, RTA_DATA(a), plen);
			have_name = s->name[0] != '\0';
		} else if (a->rta_type == IFLA_STATS64 && plen >= sizeof(struct rtnl_link_stats64)) {
			struct rtnl_link_stats64 st;
			memcpy(&st, RTA_DATA(a), sizeof(st));	/* attributes are only 4-byte aligned */
			s->rx_bytes = st.rx_bytes;
			s->rx_packets = st.rx_packets;
			s->rx_errors = st.rx_errors;
			s->rx_drops = st.rx_dropped;
			s->tx_bytes = st.tx_bytes;
			s->tx_packets = st.tx_packets;
			s->tx_errors = st.tx_errors;
			s->tx_drops = st.tx_dropped;
			s->collisions = st.collisions;
			have_stats = 1;
		}
	}
	return have_name && have_stats;
}

/* Returns how many links were filled, or -1 when netlink cannot be used
 * (the caller falls back to sysfs). */
static int stats_netlink(struct iface_stat *out, int max)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi));
	req.nh.nlmsg_type = RTM_GETLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nh.nlmsg_seq = 1;
	req.ifi.ifi_family = AF_UNSPEC;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		close(fd);
		return -1;
	}
	char *buf = malloc(DUMP_BUF);
	if (!buf) {
		close(fd);
		return -1;
	}
	int n = 0, done = 0, failed = 0;
	while (!done && !failed) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, DUMP_WAIT_MS) <= 0) {
			failed = 1;
			break;
		}
		struct sockaddr_nl from;
		socklen_t fl = sizeof(from);
		ssize_t len = recvfrom(fd, buf, DUMP_BUF, 0, (struct sockaddr *)&from, &fl);
		if (len < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			failed = 1;
			break;
		}
		if (from.nl_pid != 0)
			continue;	/* only the kernel answers a dump */
		int left = (int)len;
		for (const struct nlmsghdr *nh = (const struct nlmsghdr *)buf; NLMSG_OK(nh, left);
		     nh = NLMSG_NEXT(nh, left)) {
			if (nh->nlmsg_seq != req.nh.nlmsg_seq)
				continue;
			if (nh->nlmsg_type == NLMSG_DONE) {
				done = 1;
				break;
			}
			if (nh->nlmsg_type == NLMSG_ERROR) {
				failed = 1;
				break;
			}
			/* Past max the rest of the dump is read and dropped, so
			 * the socket is left clean (it is closed anyway). */
			if (nh->nlmsg_type == RTM_NEWLINK && n < max && link_msg(nh, &out[n]))
				n++;
		}
	}
	free(buf);
	close(fd);
	return failed ? -1 : n;
}

static uint64_t read_counter(int dirfd_stats, const char *name)
{
	char buf[32];
	int fd = openat(dirfd_stats, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t l = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (l <= 0)
		return 0;
	buf[l] = '\0';
	return strtoull(buf, NULL, 10);
}

static int stats_sysfs(struct iface_stat *out, int max)
{
	DIR *d = opendir("/sys/class/net");
	if (!d)
		return -1;
	int n = 0;
	struct dirent *de;
	while (n < max && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char path[320];
		snprintf(path, sizeof(path), "/sys/class/net/%s/statistics", de->d_name);
		int sd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sd < 0)
			continue;	/* bonding_masters and the like */
		struct iface_stat *s = &out[n++];
		memset(s, 0, sizeof(*s));
		name_copy(s, de->d_name, sizeof(de->d_name));
		s->rx_bytes = read_counter(sd, "rx_bytes");
		s->rx_packets = read_counter(sd, "rx_packets");
		s->rx_errors = read_counter(sd, "rx_errors");
		s->rx_drops = read_counter(sd, "rx_dropped");
		s->tx_bytes = read_counter(sd, "tx_bytes");
		s->tx_packets = read_counter(sd, "tx_packets");
		s->tx_errors = read_counter(sd, "tx_errors");
		s->tx_drops = read_counter(sd, "tx_dropped");
		s->collisions = read_counter(sd, "collisions");
		close(sd);
	}
	closedir(d);
	return n;
}

int platform_iface_stats(struct iface_stat *out, int max)
{
	if (max <= 0)
		return 0;
	int n = stats_netlink(out, max);
	return n >= 0 ? n : stats_sysfs(out, max);
}
