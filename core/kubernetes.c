/* kubernetes.c - pods and containers of processes (see the header). */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kubernetes.h"

struct kube *kube_current;

struct pod_name {
	char uid[KUBERNETES_UID_LEN + 1];
	char *ns, *name;
};

struct container_name {
	char id[KUBERNETES_ID_LEN + 1];
	char *name;
};

struct kube {
	char pods_dir[4096], containers_dir[4096];
	struct pod_name *pods;		/* sorted by uid */
	uint32_t n_pods;
	struct container_name *conts;	/* sorted by id */
	uint32_t n_conts;
	uint64_t last_scan_us;
	int scanned;
	struct kube_ids ids;		/* the last lookup's, for its view */
};

static int is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

/* A pod UID at p (36 bytes available): 8-4-4-4-12 hex digits, the systemd
 * driver writing '_' for '-'. */
static int is_uid(const char *p)
{
	for (int i = 0; i < KUBERNETES_UID_LEN; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? (p[i] != '-' && p[i] != '_') : !is_hex(p[i]))
			return 0;
	}
	return 1;
}

int kube_parse_cgroup_path(const char *path, size_t n, struct kube_ids *ids)
{
	memset(ids, 0, sizeof(*ids));
	const char *kp = NULL;
	for (size_t i = 0; i + 8 <= n && !kp; i++)
		if (!memcmp(path + i, "kubepods", 8))
			kp = path + i;
	if (!kp)
		return 0;
	const char *end = path + n, *after = NULL;
	for (const char *p = kp; p + 3 + KUBERNETES_UID_LEN <= end; p++) {
		if (memcmp(p, "pod", 3) || !is_uid(p + 3))
			continue;
		const char *u = p + 3;
		if (u + KUBERNETES_UID_LEN < end && is_hex(u[KUBERNETES_UID_LEN]))
			continue;	/* longer than a UID */
		for (int k = 0; k < KUBERNETES_UID_LEN; k++)
			ids->pod_uid[k] = u[k] == '_' ? '-' : lower(u[k]);
		after = u + KUBERNETES_UID_LEN;
		break;
	}
	if (!after)
		return 0;
	/* The container: 64 hex digits standing alone in what follows the UID
	 * in the last component ("<id>", "cri-containerd-<id>.scope",
	 * "docker-<id>.scope", "crio-<id>.scope", k3s's
	 * "...-pod<UID>.slice:cri-containerd:<id>"); none in the pod's own. */
	const char *from = after;
	for (const char *p = after; p < end; p++)
		if (*p == '/')
			from = p + 1;
	for (const char *p = from; p + KUBERNETES_ID_LEN <= end; p++) {
		if ((p > from && is_hex(p[-1])) || !is_hex(*p))
			continue;
		int k = 0;
		while (k < KUBERNETES_ID_LEN && is_hex(p[k]))
			k++;
		if (k < KUBERNETES_ID_LEN || (p + k < end && is_hex(p[k])))
			continue;
		for (k = 0; k < KUBERNETES_ID_LEN; k++)
			ids->container_id[k] = lower(p[k]);
		break;
	}
	return 1;
}

static void free_names(struct kube *k)
{
	for (uint32_t i = 0; i < k->n_pods; i++) {
		free(k->pods[i].ns);
		free(k->pods[i].name);
	}
	for (uint32_t i = 0; i < k->n_conts; i++)
		free(k->conts[i].name);
	free(k->pods);
	free(k->conts);
	k->pods = NULL;
	k->conts = NULL;
	k->n_pods = k->n_conts = 0;
}

static char *dup_n(const char *s, size_t n)
{
	if (n > KUBERNETES_NAME_MAX)
		n = KUBERNETES_NAME_MAX;
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static int cmp_pod(const void *a, const void *b)
{
	return strcmp(((const struct pod_name *)a)->uid, ((const struct pod_name *)b)->uid);
}

static int cmp_cont(const void *a, const void *b)
{
	return strcmp(((const struct container_name *)a)->id, ((const struct container_name *)b)->id);
}

/* arr (cap elements of size bytes) with room for element n: itself, or
 * reallocated twice as large; NULL when that fails (arr stays valid). */
static void *room_for_one(void *arr, uint32_t *cap, uint32_t n, size_t size)
{
	if (n < *cap)
		return arr;
	uint32_t nc = *cap ? *cap * 2 : 64;
	void *p = realloc(arr, (size_t)nc * size);
	if (p)
		*cap = nc;
	return p;
}

/* /var/log/pods/<namespace>_<pod>_<uid> */
static void scan_pods(struct kube *k)
{
	DIR *d = opendir(k->pods_dir);
	if (!d)
		return;
	uint32_t cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) && k->n_pods < KUBERNETES_MAX_PODS) {
		const char *s = e->d_name;
		size_t n = strlen(s);
		const char *u1 = strchr(s, '_'), *u2 = strrchr(s, '_');
		if (!u1 || u1 == u2 || u1 == s || u2 == u1 + 1 || (size_t)(s + n - (u2 + 1)) != KUBERNETES_UID_LEN ||
		    !is_uid(u2 + 1))
			continue;
		struct pod_name *grown = room_for_one(k->pods, &cap, k->n_pods, sizeof(*grown));
		if (!grown)
			break;
		k->pods = grown;
		struct pod_name *p = &k->pods[k->n_pods];
		for (int i = 0; i < KUBERNETES_UID_LEN; i++)
			p->uid[i] = u2[1 + i] == '_' ? '-' : lower(u2[1 + i]);
		p->uid[KUBERNETES_UID_LEN] = '\0';
		p->ns = dup_n(s, (size_t)(u1 - s));
		p->name = dup_n(u1 + 1, (size_t)(u2 - u1 - 1));
		if (!p->ns || !p->name) {
			free(p->ns);
			free(p->name);
			break;
		}
		k->n_pods++;
	}
	closedir(d);
	if (k->n_pods)
		qsort(k->pods, k->n_pods, sizeof(*k->pods), cmp_pod);
}

/* /var/log/containers/<pod>_<namespace>_<container>-<id>.log */
static void scan_containers(struct kube *k)
{
	DIR *d = opendir(k->containers_dir);
	if (!d)
		return;
	uint32_t cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) && k->n_conts < KUBERNETES_MAX_CONTAINERS) {
		const char *s = e->d_name;
		size_t n = strlen(s);
		if (n < 4 + KUBERNETES_ID_LEN + 1 || strcmp(s + n - 4, ".log"))
			continue;
		const char *id = s + n - 4 - KUBERNETES_ID_LEN;
		if (id[-1] != '-')
			continue;
		int ok = 1;
		for (int i = 0; i < KUBERNETES_ID_LEN && ok; i++)
			ok = is_hex(id[i]);
		const char *u2 = NULL;
		for (const char *p = s; p < id; p++)
			if (*p == '_')
				u2 = p;
		if (!ok || !u2 || u2 + 1 >= id - 1)
			continue;
		struct container_name *grown = room_for_one(k->conts, &cap, k->n_conts, sizeof(*grown));
		if (!grown)
			break;
		k->conts = grown;
		struct container_name *c = &k->conts[k->n_conts];
		for (int i = 0; i < KUBERNETES_ID_LEN; i++)
			c->id[i] = lower(id[i]);
		c->id[KUBERNETES_ID_LEN] = '\0';
		if (!(c->name = dup_n(u2 + 1, (size_t)(id - 1 - (u2 + 1)))))
			break;
		k->n_conts++;
	}
	closedir(d);
	if (k->n_conts)
		qsort(k->conts, k->n_conts, sizeof(*k->conts), cmp_cont);
}

static void rescan(struct kube *k, uint64_t now_us)
{
	free_names(k);
	scan_pods(k);
	scan_containers(k);
	k->last_scan_us = now_us;
	k->scanned = 1;
}

struct kube *kube_open(const char *log_root)
{
	struct kube *k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	snprintf(k->pods_dir, sizeof(k->pods_dir), "%s/pods", log_root);
	snprintf(k->containers_dir, sizeof(k->containers_dir), "%s/containers", log_root);
	return k;
}

void kube_close(struct kube *k)
{
	if (!k)
		return;
	free_names(k);
	free(k);
}

static const struct pod_name *find_pod(const struct kube *k, const char *uid)
{
	struct pod_name key;
	memcpy(key.uid, uid, sizeof(key.uid));
	return k->n_pods ? bsearch(&key, k->pods, k->n_pods, sizeof(key), cmp_pod) : NULL;
}

static const struct container_name *find_cont(const struct kube *k, const char *id)
{
	struct container_name key;
	memcpy(key.id, id, sizeof(key.id));
	return k->n_conts ? bsearch(&key, k->conts, k->n_conts, sizeof(key), cmp_cont) : NULL;
}

int kube_lookup(struct kube *k, const char *cgroup, uint64_t now_us, struct kube_view *v)
{
	static const char none[] = "";
	memset(v, 0, sizeof(*v));
	if (!k || !cgroup || !cgroup[0] || !kube_parse_cgroup_path(cgroup, strlen(cgroup), &k->ids))
		return 0;
	const struct pod_name *p = find_pod(k, k->ids.pod_uid);
	const struct container_name *c = k->ids.container_id[0] ? find_cont(k, k->ids.container_id) : NULL;
	if ((!p || (k->ids.container_id[0] && !c)) &&
	    (!k->scanned || now_us - k->last_scan_us >= KUBERNETES_RESCAN_US || now_us < k->last_scan_us)) {
		rescan(k, now_us);
		p = find_pod(k, k->ids.pod_uid);
		c = k->ids.container_id[0] ? find_cont(k, k->ids.container_id) : NULL;
	}
	v->pod_uid = k->ids.pod_uid;
	v->container_id = k->ids.container_id;
	v->pod_name = p ? p->name : none;
	v->pod_namespace = p ? p->ns : none;
	v->container_name = c ? c->name : none;
	v->cgroup_path = cgroup;
	return 1;
}

uint32_t kube_pods(const struct kube *k) { return k ? k->n_pods : 0; }
uint32_t kube_containers(const struct kube *k) { return k ? k->n_conts : 0; }

int kube_auto_detect(const char *log_root)
{
	char path[4200];
	struct stat st;
	snprintf(path, sizeof(path), "%s/pods", log_root);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}
