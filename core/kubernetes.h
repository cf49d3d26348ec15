/*
 * kubernetes.h - --kubernetes: which pod and container a process runs in
 * (RustNet's kubernetes feature, A14).
 *
 * A process's pod and container come from its cgroup, as the kubelet and
 * the container runtime name them, with either cgroup driver:
 *   cgroupfs  /kubepods/besteffort/pod<UID>/<CONTAINER-ID>
 *   systemd   /kubepods.slice/kubepods-burstable.slice/
 *             kubepods-burstable-pod<UID_WITH_UNDERSCORES>.slice/
 *             cri-containerd-<CONTAINER-ID>.scope   (docker-, crio-, ...)
 * and nested under a node container (kind, k3s in docker). The names come
 * from the kubelet's log folders, read with the node's own rules:
 *   /var/log/pods/<NAMESPACE>_<POD>_<UID>/
 *   /var/log/containers/<POD>_<NAMESPACE>_<CONTAINER>-<CONTAINER-ID>.log
 * Kubernetes names cannot hold '_', so the splits are exact.
 *
 * Bounded: KUBERNETES_MAX_PODS and KUBERNETES_MAX_CONTAINERS names, read
 * again at most every KUBERNETES_RESCAN_US and only when a process names
 * a pod or container not yet known. The folder names are local but not
 * trusted: they are sanitised wherever they are shown.
 */
#ifndef NETLENS_KUBERNETES_H
#define NETLENS_KUBERNETES_H

#include <stddef.h>
#include <stdint.h>

#define KUBERNETES_MAX_PODS 4096
#define KUBERNETES_MAX_CONTAINERS 16384
#define KUBERNETES_RESCAN_US 5000000u
#define KUBERNETES_UID_LEN 36		/* 8-4-4-4-12 */
#define KUBERNETES_ID_LEN 64		/* a container id: 64 hex digits */
#define KUBERNETES_NAME_MAX 254		/* a DNS-1123 subdomain is at most 253 */

/* What a cgroup path says. */
struct kube_ids {
	char pod_uid[KUBERNETES_UID_LEN + 1];		/* lower case, with dashes; "" when none */
	char container_id[KUBERNETES_ID_LEN + 1];	/* "" when the path names the pod only */
};

/* The ids in one cgroup path; 1 when it is a pod's (pod_uid set). */
int kube_parse_cgroup_path(const char *path, size_t n, struct kube_ids *ids);

/* Everything known of one process's pod; strings "" when unknown. */
struct kube_view {
	const char *pod_uid, *pod_name, *pod_namespace;
	const char *container_id, *container_name;
	const char *cgroup_path;
};

struct kube;

/* log_root: the folder holding pods/ and containers/ ("/var/log"). */
struct kube *kube_open(const char *log_root);
void kube_close(struct kube *k);

/* The pod and container of a process whose kubepods cgroup path is
 * cgroup (proc_info.cgroup); 1 when it is in a pod. now_us decides whether
 * the folders may be read again for a name not yet known. The view's
 * strings live until the next kube_lookup() or kube_close(). */
int kube_lookup(struct kube *k, const char *cgroup, uint64_t now_us, struct kube_view *v);

/* Names known (for the summary and the tests). */
uint32_t kube_pods(const struct kube *k);
uint32_t kube_containers(const struct kube *k);

/* The process-wide instance, NULL when --kubernetes is off. */
extern struct kube *kube_current;

/* --kubernetes auto: on when this machine has the kubelet's log folders. */
int kube_auto_detect(const char *log_root);

#endif
