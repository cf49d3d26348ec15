/*
 * test_kubernetes.c - core/kubernetes.c and the cgroup line picked by
 * platform/linux/procfs.c:
 *  - pod UID and container id from the cgroup paths each driver and
 *    runtime writes (cgroupfs with and without a QoS class; systemd with
 *    containerd, docker, CRI-O; k3s's "slice:cri-containerd:id"; kind's
 *    node container around the pod's), the pod's own cgroup, and paths
 *    that are not a pod's;
 *  - the kubepods line of a cgroup v1 and a v2 /proc/PID/cgroup, its end
 *    kept when it is longer than the room;
 *  - names from the kubelet's folders (pods/NS_POD_UID and
 *    containers/POD_NS_CONTAINER-ID.log), malformed entries skipped, a pod
 *    that appears later found only after the rescan interval, a name with
 *    an escape sequence passed on as it is (the UI and JSON escape it).
 */
#include "config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "core/kubernetes.h"
#include "platform/platform.h"

#define UID_A "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
#define UID_A_ "0f1e2d3c_4b5a_6978_8796_a5b4c3d2e1f0"
#define ID_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID_NODE "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static const struct {
	const char *path;
	int is_pod;
	const char *uid, *id;
} paths[] = {
	{ "/kubepods/besteffort/pod" UID_A "/" ID_A, 1, UID_A, ID_A },
	{ "/kubepods/pod" UID_A "/" ID_A, 1, UID_A, ID_A },	/* Guaranteed: no QoS folder */
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_A_
	  ".slice/cri-containerd-" ID_A ".scope", 1, UID_A, ID_A },
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_A_
	  ".slice/docker-" ID_A ".scope", 1, UID_A, ID_A },
	{ "/kubepods.slice/kubepods-pod" UID_A_ ".slice/crio-" ID_A ".scope", 1, UID_A, ID_A },
	{ "/kubepods-besteffort-pod" UID_A_ ".slice:cri-containerd:" ID_A, 1, UID_A, ID_A },
	{ "/system.slice/containerd.service/kubepods-besteffort-pod" UID_A_ ".slice:cri-containerd:" ID_A,
	  1, UID_A, ID_A },
	{ "/system.slice/docker-" ID_NODE ".scope/kubelet.slice/kubelet-kubepods.slice/"
	  "kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod" UID_A_
	  ".slice/cri-containerd-" ID_A ".scope", 1, UID_A, ID_A },
	{ "/kubepods/besteffort/pod" UID_A, 1, UID_A, "" },	/* the pod's own cgroup */
	{ "/kubepods/besteffort/pod0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0/" "0123456789ABCDEF0123456789ABCDEF"
	  "0123456789ABCDEF0123456789ABCDEF", 1, UID_A, ID_A },	/* upper case */
	{ "/kubepods/besteffort/pod" UID_A "/" ID_A "0", 1, UID_A, "" },	/* 65 digits: not an id */
	{ "/system.slice/docker-" ID_A ".scope", 0, "", "" },	/* a container, not a pod */
	{ "/kubepods/besteffort/pod0f1e2d3c-4b5a-6978-8796", 0, "", "" },	/* cut UID */
	{ "/kubepods/besteffort/podzz1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/" ID_A, 0, "", "" },
	{ "/", 0, "", "" },
	{ "", 0, "", "" },
};

START_TEST(parse_paths)
{
	struct kube_ids ids;
	const char *p = paths[_i].path;
	ck_assert_int_eq(kube_parse_cgroup_path(p, strlen(p), &ids), paths[_i].is_pod);
	ck_assert_str_eq(ids.pod_uid, paths[_i].uid);
	ck_assert_str_eq(ids.container_id, paths[_i].id);
}
END_TEST

START_TEST(cgroup_file_lines)
{
#ifdef __linux__
	static const char v1[] =
		"12:pids:/kubepods/besteffort/pod" UID_A "/" ID_A "\n"
		"11:cpu,cpuacct:/kubepods/besteffort/pod" UID_A "/" ID_A "\n"
		"1:name=systemd:/system.slice/x.service\n0::/\n";
	static const char v2[] = "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
				 UID_A_ ".slice/cri-containerd-" ID_A ".scope\n";
	static const char none[] = "0::/user.slice/user-0.slice/session-1.scope\n";
	char out[256], small[40];
	ck_assert_int_eq(proc_cgroup_kubepods(v1, sizeof(v1) - 1, out, sizeof(out)), 1);
	ck_assert_str_eq(out, "/kubepods/besteffort/pod" UID_A "/" ID_A);
	ck_assert_int_eq(proc_cgroup_kubepods(v2, sizeof(v2) - 1, out, sizeof(out)), 1);
	ck_assert(!strncmp(out, "/kubepods.slice/", 16));
	ck_assert_int_eq(proc_cgroup_kubepods(v2, sizeof(v2) - 1, small, sizeof(small)), 1);
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);	/* the end kept: ...<id>.scope */
	ck_assert_str_eq(small + strlen(small) - 6, ".scope");
	ck_assert_int_eq(proc_cgroup_kubepods(none, sizeof(none) - 1, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(proc_cgroup_kubepods("kubepods", 8, out, sizeof(out)), 0);	/* no colons */
	ck_assert_int_eq(proc_cgroup_kubepods(v1, 5, out, sizeof(out)), 0);	/* cut inside */
#endif
}
END_TEST

static char root[128];

static void touch(const char *rel)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	int fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void mkd(const char *rel)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	ck_assert_int_eq(mkdir(p, 0700), 0);
}

START_TEST(names_from_log_folders)
{
	snprintf(root, sizeof(root), "/tmp/netlens-test-k8s.%d", (int)getpid());
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(mkdir(root, 0700), 0);
	mkd("pods");
	mkd("containers");
	mkd("pods/shop_web-7d9f-x2_" UID_A);
	mkd("pods/bad");					/* no UID */
	mkd("pods/_nameless_" UID_A);				/* empty namespace */
	mkd("pods/a_b_0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1fZ");	/* not a UID */
	touch("containers/web-7d9f-x2_shop_nginx-proxy-" ID_A ".log");
	touch("containers/web_shop_x-" ID_NODE ".txt");		/* not .log */
	touch("containers/web_shop_" ID_NODE ".log");		/* no '-' before the id */

	struct kube *k = kube_open(root);
	ck_assert_ptr_nonnull(k);
	struct kube_view v;
	const char *cg = "/kubepods/besteffort/pod" UID_A "/" ID_A;
	ck_assert_int_eq(kube_lookup(k, cg, 1000, &v), 1);
	ck_assert_str_eq(v.pod_uid, UID_A);
	ck_assert_str_eq(v.pod_name, "web-7d9f-x2");
	ck_assert_str_eq(v.pod_namespace, "shop");
	ck_assert_str_eq(v.container_id, ID_A);
	ck_assert_str_eq(v.container_name, "nginx-proxy");
	ck_assert_str_eq(v.cgroup_path, cg);
	ck_assert_uint_eq(kube_pods(k), 1);
	ck_assert_uint_eq(kube_containers(k), 1);
	ck_assert_int_eq(kube_lookup(k, "/system.slice/x.service", 1000, &v), 0);
	ck_assert_int_eq(kube_lookup(k, "", 1000, &v), 0);

	/* a pod that starts later: found once the rescan interval has passed */
	static const char uid_b[] = "11111111-2222-3333-4444-555555555555";
	char cg_b[200], d[200];
	snprintf(cg_b, sizeof(cg_b), "/kubepods/pod%s", uid_b);
	snprintf(d, sizeof(d), "pods/kube-system_coredns-1_%s", uid_b);
	mkd(d);
	ck_assert_int_eq(kube_lookup(k, cg_b, 2000, &v), 1);
	ck_assert_str_eq(v.pod_uid, uid_b);
	ck_assert_str_eq(v.pod_name, "");	/* too soon to read the folders again */
	ck_assert_int_eq(kube_lookup(k, cg_b, 1000 + KUBERNETES_RESCAN_US, &v), 1);
	ck_assert_str_eq(v.pod_name, "coredns-1");
	ck_assert_str_eq(v.pod_namespace, "kube-system");
	ck_assert_str_eq(v.container_name, "");
	ck_assert_uint_eq(kube_pods(k), 2);

	/* a folder name is not trusted: kept as it is here, escaped where shown */
	mkd("pods/ns_we\x1b[2Jird_22222222-2222-3333-4444-555555555555");
	ck_assert_int_eq(kube_lookup(k, "/kubepods/pod22222222-2222-3333-4444-555555555555",
				     3 * KUBERNETES_RESCAN_US, &v), 1);
	ck_assert_str_eq(v.pod_name, "we\x1b[2Jird");
	kube_close(k);

	ck_assert_int_eq(kube_auto_detect(root), 1);
	ck_assert_int_eq(kube_auto_detect("/nonexistent-netlens"), 0);
	/* no folders at all: pods are still found from cgroups, without names */
	k = kube_open("/nonexistent-netlens");
	ck_assert_int_eq(kube_lookup(k, cg, 1, &v), 1);
	ck_assert_str_eq(v.pod_name, "");
	ck_assert_str_eq(v.container_id, ID_A);
	kube_close(k);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

static Suite *kubernetes_suite(void)
{
	Suite *s = suite_create("kubernetes");
	TCase *tc = tcase_create("kubernetes");
	tcase_add_loop_test(tc, parse_paths, 0, (int)(sizeof(paths) / sizeof(paths[0])));
	tcase_add_test(tc, cgroup_file_lines);
	tcase_add_test(tc, names_from_log_folders);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(kubernetes_suite());
}
