/*
 * monitor_process.c - libnetlens: netlens run as a child, its --format
 * msgpack output decoded (netlens/monitor.h). posix_spawnp, not fork: the
 * caller may have threads. Its standard error is drained as its output
 * is read, so a chatty netlens never blocks on a full pipe, and the last
 * bytes are kept for nl_monitor_finish's message.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "netlens/monitor.h"

#define READ_CHUNK (64u << 10)
#define ERR_TAIL 2048		/* bytes of netlens' standard error kept */
#define FINISH_GRACE_MS 5000	/* after SIGTERM, before SIGKILL */
#define MAX_ARGS 4096

extern char **environ;

struct nl_monitor {
	pid_t pid;
	int out_fd, err_fd;	/* -1 once at end of file */
	struct nl_decoder *dec;
	nl_record_fn fn;	/* the current call's */
	void *ctx;
	int status;		/* waitpid's */
	char tail[ERR_TAIL];	/* the end of netlens' standard error */
	size_t tail_len;
	char why[200];		/* our own reason, when its output went wrong */
	char prog[128];		/* for a message */
	char buf[READ_CHUNK];
};

static int forward(void *ctx, const struct nl_record *r)
{
	struct nl_monitor *m = ctx;
	return m->fn ? m->fn(m->ctx, r) : 0;
}

static void keep_tail(struct nl_monitor *m, const char *p, size_t n)
{
	if (n >= ERR_TAIL) {
		p += n - (ERR_TAIL - 1);
		n = ERR_TAIL - 1;
	}
	if (m->tail_len + n >= ERR_TAIL) {
		size_t drop = m->tail_len + n - (ERR_TAIL - 1);
		memmove(m->tail, m->tail + drop, m->tail_len - drop);
		m->tail_len -= drop;
	}
	memcpy(m->tail + m->tail_len, p, n);
	m->tail_len += n;
	m->tail[m->tail_len] = '\0';
}

/* Whatever standard error holds now. */
static void drain_err(struct nl_monitor *m)
{
	while (m->err_fd >= 0) {
		ssize_t n = read(m->err_fd, m->buf, sizeof(m->buf));
		if (n > 0) {
			keep_tail(m, m->buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0) {
			close(m->err_fd);
			m->err_fd = -1;
		}
		return;
	}
}

struct nl_monitor *nl_monitor_start(const char *program, const char *const *args, char *err,
				    size_t errlen)
{
	const char *prog = program ? program : "netlens";
	size_t nargs = 0;
	while (args && args[nargs])
		if (++nargs > MAX_ARGS) {
			snprintf(err, errlen, "more than %d arguments", MAX_ARGS);
			return NULL;
		}
	struct nl_monitor *m = calloc(1, sizeof(*m));
	char **argv = calloc(nargs + 5, sizeof(*argv));
	if (!m || !argv || !(m->dec = nl_decoder_new(forward, m))) {
		snprintf(err, errlen, "out of memory");
		free(argv);
		if (m)
			nl_decoder_free(m->dec);
		free(m);
		return NULL;
	}
	argv[0] = (char *)prog;
	for (size_t i = 0; i < nargs; i++)
		argv[i + 1] = (char *)args[i];
	argv[nargs + 1] = (char *)"--headless";	/* last: they win over the caller's */
	argv[nargs + 2] = (char *)"--format";
	argv[nargs + 3] = (char *)"msgpack";
	int out[2] = { -1, -1 }, errp[2] = { -1, -1 };
	posix_spawn_file_actions_t fa;
	int fa_ok = 0, rc;
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "cannot make a pipe: %s", strerror(errno));
		goto fail;
	}
	if ((rc = posix_spawn_file_actions_init(&fa)) != 0) {
		snprintf(err, errlen, "cannot start %s: %s", prog, strerror(rc));
		goto fail;
	}
	fa_ok = 1;
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	if ((rc = posix_spawnp(&m->pid, prog, &fa, NULL, argv, environ)) != 0) {
		snprintf(err, errlen, "cannot run %s: %s", prog, strerror(rc));
		goto fail;
	}
	posix_spawn_file_actions_destroy(&fa);
	snprintf(m->prog, sizeof(m->prog), "%s", prog);
	close(out[1]);
	close(errp[1]);
	m->out_fd = out[0];
	m->err_fd = errp[0];
	fcntl(m->out_fd, F_SETFL, fcntl(m->out_fd, F_GETFL) | O_NONBLOCK);
	fcntl(m->err_fd, F_SETFL, fcntl(m->err_fd, F_GETFL) | O_NONBLOCK);
	free(argv);
	return m;
fail:
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	for (int i = 0; i < 2; i++) {
		if (out[i] >= 0)
			close(out[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	nl_decoder_free(m->dec);
	free(m);
	free(argv);
	return NULL;
}

int nl_monitor_fd(const struct nl_monitor *m)
{
	return m->out_fd;
}

int nl_monitor_poll(struct nl_monitor *m, nl_record_fn fn, void *ctx)
{
	m->fn = fn;
	m->ctx = ctx;
	drain_err(m);
	if (m->out_fd < 0)
		return -1;
	int total = nl_decoder_feed(m->dec, NULL, 0);	/* records kept after a stop */
	if (total < 0)
		goto bad;
	for (;;) {
		ssize_t n = read(m->out_fd, m->buf, sizeof(m->buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? total : -1;
		if (n == 0) {	/* netlens has ended its output */
			if (total)
				return total;	/* the end once more next call (a pipe's EOF stays readable) */
			close(m->out_fd);
			m->out_fd = -1;
			if (nl_decoder_pending(m->dec) && !m->why[0])
				snprintf(m->why, sizeof(m->why), "netlens' output ends inside a record");
			return -1;
		}
		int k = nl_decoder_feed(m->dec, m->buf, (size_t)n);
		if (k < 0)
			goto bad;
		total += k;
	}
bad:
	if (nl_decoder_error(m->dec)) {
		snprintf(m->why, sizeof(m->why), "%s", nl_decoder_error(m->dec));
		close(m->out_fd);	/* nothing more is read: netlens gets SIGPIPE */
		m->out_fd = -1;
		return -1;
	}
	return NL_STOPPED;
}

int nl_monitor_run(struct nl_monitor *m, nl_record_fn fn, void *ctx)
{
	for (;;) {
		int k = nl_monitor_poll(m, fn, ctx);
		if (k == NL_STOPPED)
			return NL_STOPPED;
		if (k < 0)
			return m->why[0] ? -1 : 0;
		struct pollfd p[2] = { { m->out_fd, POLLIN, 0 }, { m->err_fd, POLLIN, 0 } };
		if (poll(p, m->err_fd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR) {
			snprintf(m->why, sizeof(m->why), "poll: %s", strerror(errno));
			return -1;
		}
	}
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The last line of netlens' standard error. */
static void last_line(const struct nl_monitor *m, char *out, size_t n)
{
	size_t end = m->tail_len;
	while (end && (m->tail[end - 1] == '\n' || m->tail[end - 1] == '\r'))
		end--;
	size_t start = end;
	while (start && m->tail[start - 1] != '\n')
		start--;
	snprintf(out, n, "%.*s", (int)(end - start), m->tail + start);
}

int nl_monitor_finish(struct nl_monitor *m, char *err, size_t errlen)
{
	if (!m)
		return -1;
	if (m->out_fd >= 0)	/* still running, as far as its output says */
		kill(m->pid, SIGTERM);
	uint64_t t0 = now_ms();
	int killed = 0, rc = -1;
	for (;;) {
		pid_t w = waitpid(m->pid, &m->status, WNOHANG);
		if (w == m->pid || (w < 0 && errno != EINTR))
			break;
		/* it may be writing its last snapshot: read (and drop) it */
		struct pollfd p[2] = { { m->out_fd, POLLIN, 0 }, { m->err_fd, POLLIN, 0 } };
		poll(p, 2, 50);
		if (m->out_fd >= 0) {
			ssize_t n = read(m->out_fd, m->buf, sizeof(m->buf));
			if (n == 0) {
				close(m->out_fd);
				m->out_fd = -1;
			}
		}
		drain_err(m);
		if (!killed && now_ms() - t0 > FINISH_GRACE_MS) {
			kill(m->pid, SIGKILL);
			killed = 1;
		}
	}
	drain_err(m);
	if (WIFEXITED(m->status))
		rc = WEXITSTATUS(m->status);
	else if (WIFSIGNALED(m->status))
		rc = 128 + WTERMSIG(m->status);
	if (err && errlen) {
		err[0] = '\0';
		if (m->why[0])	/* its output went wrong: what then followed is not the cause */
			snprintf(err, errlen, "%s", m->why);
		else if (rc != 0 && m->tail_len)
			last_line(m, err, errlen);	/* netlens said why */
		else if (rc == 127)	/* where posix_spawn cannot report a failed exec (qemu-user) */
			snprintf(err, errlen, "cannot run %s: not found, or not a program", m->prog);
	}
	if (rc == 0 && m->why[0])
		rc = 1;	/* it ended well, but its output did not read as records */
	if (m->out_fd >= 0)
		close(m->out_fd);
	if (m->err_fd >= 0)
		close(m->err_fd);
	nl_decoder_free(m->dec);
	free(m);
	return rc;
}
