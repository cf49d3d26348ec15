/*
 * cgroup_paths.c - the path of a cgroup v2 id (platform.h): a socket's
 * cgroup, from its eBPF record, named when the process that made it has
 * exited before /proc/PID/cgroup could be read (a short curl in a pod).
 *
 * On cgroup v2 a cgroup's id is the inode number of its folder, so the
 * tree under the root folder is walked and each folder's inode noted:
 * those with "kubepods" in their path (the only ones --kubernetes names)
 * with their path, the others as ids only, so that an id already seen
 * outside any pod does not walk the tree again. An id seen in neither
 * walks it again, at most once every CGROUP_RESCAN_US. Bounded: at most
 * CGROUP_WALK_MAX_DIRS folders a walk, CGROUP_WALK_MAX_DEPTH deep (an open
 * folder per level), CGROUP_KUBE_MAX paths kept.
 *
 * Every folder is opened relative to the root descriptor, which the
 * sandbox's Landlock rule names by descriptor: the root may be a mount
 * no path of ours reaches (`ip netns exec` hides /sys/fs/cgroup).
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/platform.h"

#define CGROUP_WALK_MAX_DIRS 65536
#define CGROUP_WALK_MAX_DEPTH 16
#define CGROUP_KUBE_MAX 4096
#define CGROUP_RESCAN_US 1000000u
#define PATH_KEEP 256		/* as proc_info.cgroup: the end of a longer path */

struct kube_path {
	uint64_t id;
	char path[PATH_KEEP];
};

struct walk {
	struct kube_path *kube;
	uint32_t n_kube;
	uint64_t *other;	/* ids outside any pod, sorted after the walk */
	uint32_t n_other, cap_other;
	uint32_t dirs;
};

static struct {
	int root;		/* -1: none adopted */
	struct walk w;		/* the last walk's result */
	uint64_t last_walk_us;
	int walked;
} cg = { -1, { NULL, 0, NULL, 0, 0, 0 }, 0, 0 };

void platform_cgroup_paths_adopt(int root_fd)
{
	platform_cgroup_paths_close();
	cg.root = root_fd;
}

int platform_cgroup_paths_fd(void) { return cg.root; }

static void walk_free(struct walk *w)
{
	free(w->kube);
	free(w->other);
	memset(w, 0, sizeof(*w));
}

void platform_cgroup_paths_close(void)
{
	if (cg.root >= 0)
		close(cg.root);
	cg.root = -1;
	walk_free(&cg.w);
	cg.walked = 0;
	cg.last_walk_us = 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int cmp_kube(const void *a, const void *b)
{
	return cmp_u64(&((const struct kube_path *)a)->id, &((const struct kube_path *)b)->id);
}

/* Notes folder fd (path: len bytes, from the root, "/" first) and walks
 * its subfolders. path has room for PATH_MAX bytes; deeper names are
 * noted by id only. */
static void walk_dir(struct walk *w, int fd, char *path, size_t len, int depth)
{
	struct stat st;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return;
	}
	uint64_t id = (uint64_t)st.st_ino;
	if (memmem(path, len, "kubepods", 8) && w->n_kube < CGROUP_KUBE_MAX) {
		struct kube_path *k = &w->kube[w->n_kube++];
		k->id = id;
		size_t from = len >= PATH_KEEP ? len - (PATH_KEEP - 1) : 0;
		memcpy(k->path, path + from, len - from);
		k->path[len - from] = '\0';
	} else if (w->n_other < w->cap_other) {
		w->other[w->n_other++] = id;
	}
	DIR *d = depth < CGROUP_WALK_MAX_DEPTH ? fdopendir(fd) : NULL;
	if (!d) {
		close(fd);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d)) && w->dirs < CGROUP_WALK_MAX_DIRS) {
		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		size_t nl = strlen(de->d_name);
		if (len + 1 + nl >= PATH_MAX)
			continue;
		int cfd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd < 0)
			continue;
		w->dirs++;
		path[len] = '/';
		memcpy(path + len + 1, de->d_name, nl + 1);
		walk_dir(w, cfd, path, len + 1 + nl, depth + 1);
		path[len] = '\0';
	}
	closedir(d);
}

/* Walks the whole tree into a new result; the old one stays on failure. */
static void walk_all(void)
{
	struct walk w = { 0 };
	w.kube = malloc(CGROUP_KUBE_MAX * sizeof(*w.kube));
	w.cap_other = CGROUP_WALK_MAX_DIRS + 1;
	w.other = malloc(w.cap_other * sizeof(*w.other));
	char *path = malloc(PATH_MAX);
	int fd = dup(cg.root);
	if (!w.kube || !w.other || !path || fd < 0) {
		if (fd >= 0)
			close(fd);
		free(path);
		walk_free(&w);
		return;
	}
	/* dup shares the file position with the root: rewind for readdir */
	lseek(fd, 0, SEEK_SET);
	path[0] = '\0';
	walk_dir(&w, fd, path, 0, 0);
	free(path);
	qsort(w.kube, w.n_kube, sizeof(*w.kube), cmp_kube);
	qsort(w.other, w.n_other, sizeof(*w.other), cmp_u64);
	/* kept until the next walk: only what the tree holds (1.5 MiB for
	 * the worst case is not what a router's few cgroups need) */
	void *k = realloc(w.kube, (w.n_kube ? w.n_kube : 1) * sizeof(*w.kube));
	void *o = realloc(w.other, (w.n_other ? w.n_other : 1) * sizeof(*w.other));
	if (k)
		w.kube = k;
	if (o)
		w.other = o;
	walk_free(&cg.w);
	cg.w = w;
}

/* 1: kubepods (path copied), 0: known outside any pod, -1: not known. */
static int find(uint64_t id, char *out, size_t outlen)
{
	struct kube_path key;
	key.id = id;
	const struct kube_path *k = cg.w.n_kube ?
		bsearch(&key, cg.w.kube, cg.w.n_kube, sizeof(key), cmp_kube) : NULL;
	if (k) {	/* a longer path keeps its end: the ids are there */
		size_t n = strlen(k->path), from = n >= outlen ? n - (outlen - 1) : 0;
		memcpy(out, k->path + from, n - from);
		out[n - from] = '\0';
		return 1;
	}
	return cg.w.n_other && bsearch(&id, cg.w.other, cg.w.n_other, sizeof(id), cmp_u64) ? 0 : -1;
}

int platform_cgroup_path(uint64_t id, char *out, size_t outlen, uint64_t now_us)
{
	if (cg.root < 0 || !id || !out || !outlen)
		return 0;
	int r = cg.walked ? find(id, out, outlen) : -1;
	if (r < 0 && (!cg.walked || now_us < cg.last_walk_us ||
		      now_us - cg.last_walk_us >= CGROUP_RESCAN_US)) {
		walk_all();
		cg.walked = 1;
		cg.last_walk_us = now_us;
		r = find(id, out, outlen);
	}
	return r == 1;
}
