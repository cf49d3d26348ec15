/*
 * clipboard.c - `c` copies the remote address.
 *
 * Always as an OSC 52 escape written to the terminal (works over SSH and in
 * tmux with set-clipboard on); also through wl-copy or xclip when a display
 * is there and the program is found, started without a shell and reaped by
 * the loop, so a slow clipboard owner never blocks the UI.
 */
#include "config.h"

#include <curses.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/app.h"
#include "ui/ui.h"

extern char **environ;

static void base64(const char *in, size_t n, char *out)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s = (const unsigned char *)in;
	size_t i;
	for (i = 0; i + 2 < n; i += 3) {
		*out++ = tab[s[i] >> 2];
		*out++ = tab[(s[i] & 3) << 4 | s[i + 1] >> 4];
		*out++ = tab[(s[i + 1] & 15) << 2 | s[i + 2] >> 6];
		*out++ = tab[s[i + 2] & 63];
	}
	if (i < n) {
		*out++ = tab[s[i] >> 2];
		if (i + 1 < n) {
			*out++ = tab[(s[i] & 3) << 4 | s[i + 1] >> 4];
			*out++ = tab[(s[i + 1] & 15) << 2];
		} else {
			*out++ = tab[(s[i] & 3) << 4];
			*out++ = '=';
		}
		*out++ = '=';
	}
	*out = '\0';
}

static int in_path(const char *prog)
{
	const char *path = getenv("PATH");
	if (!path)
		return 0;
	char buf[512];
	while (*path) {
		const char *end = strchr(path, ':');
		size_t n = end ? (size_t)(end - path) : strlen(path);
		if (n && n + strlen(prog) + 2 < sizeof(buf)) {
			snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, prog);
			if (access(buf, X_OK) == 0)
				return 1;
		}
		path += n + (end ? 1 : 0);
		if (!end)
			break;
	}
	return 0;
}

static void on_child(struct ev_loop *loop, ev_child *w, int revents)
{
	struct ui *u = w->data;
	ev_child_stop(loop, w);
	u->child_active = 0;
}

/* Hands text to a clipboard program on its stdin. */
static int spawn_copy(struct ui *u, char *const argv[], const char *text)
{
	if (u->child_active)
		return -1;
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[0]);
	if (rc != 0) {
		close(fds[1]);
		return -1;
	}
	/* A few dozen bytes always fit in the pipe: this write cannot block. */
	ssize_t wr = write(fds[1], text, strlen(text));
	(void)wr;
	close(fds[1]);
	ev_child_init(&u->child_w, on_child, pid, 0);
	u->child_w.data = u;
	ev_child_start(u->app->loop, &u->child_w);
	u->child_active = 1;
	return 0;
}

int ui_copy(struct ui *u, const char *text)
{
	char b64[256];
	size_t n = strlen(text);
	if (n > 180)
		return -1;
	base64(text, n, b64);
	/* OSC 52 straight to the terminal, around curses (it does not move the
	 * cursor or change any cell). */
	char seq[320];
	int l = snprintf(seq, sizeof(seq), "\033]52;c;%s\a", b64);
	int ok = -1;
	if (l > 0 && write(STDOUT_FILENO, seq, (size_t)l) == l)
		ok = 0;
	if (getenv("WAYLAND_DISPLAY") && in_path("wl-copy")) {
		char *argv[] = { "wl-copy", NULL };
		if (spawn_copy(u, argv, text) == 0)
			ok = 0;
	} else if (getenv("DISPLAY") && in_path("xclip")) {
		char *argv[] = { "xclip", "-selection", "clipboard", NULL };
		if (spawn_copy(u, argv, text) == 0)
			ok = 0;
	}
	return ok;
}
