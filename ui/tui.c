/*
 * tui.c - taking over the terminal and giving it back, and the UI's part of
 * the event loop.
 *
 *   ev_io stdin      keys and mouse: drained, then one redraw is due
 *   ev_signal WINCH  the terminal was resized
 *   ev_prepare       at most one screen update per loop pass, only when
 *                    a key, a resize or a data tick asked for one
 *
 * The terminal is restored on every exit path: the normal one (tui_close),
 * exit() (atexit), and fatal signals (a handler that resets the modes with
 * async-signal-safe calls only, then re-raises).
 */
#include "config.h"

#include <curses.h>
#include <fcntl.h>
#include <term.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "core/app.h"
#include "ui/tui.h"
#include "ui/ui.h"

#define IDLE_REDRAW_US 5000000u	/* idle screen: ages and staleness colours */

static struct ui the_ui;
static int opened;
static struct termios saved_tio;
static int have_tio;
static ev_prepare prepare_w;
static int tick_due;

/* The capture is on standard input and the terminal is not: stdin
 * becomes the terminal (/dev/tty), so every use of STDIN_FILENO here reads
 * keys and restores modes as usual, and the capture is read from a copy of
 * the descriptor it had. Nothing changes when no terminal opens, when
 * standard input is closed (the terminal would take its place), or in the
 * background (`tcpdump -w - | netlens --read - &` prints, as before). */
static void keys_from_tty(struct app *a)
{
	if (a->opt.headless || !a->opt.read_file || strcmp(a->opt.read_file, "-") ||
	    fcntl(STDIN_FILENO, F_GETFD) < 0 || isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return;
	int tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (tty < 0)
		return;
	if (tty <= STDERR_FILENO || !isatty(tty) || tcgetpgrp(tty) != getpgrp()) {
		close(tty);
		return;
	}
	int capture = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
	if (capture >= 0 && dup2(tty, STDIN_FILENO) == STDIN_FILENO)
		capture_stdin_from(capture);
	else if (capture >= 0)
		close(capture);
	close(tty);
}

int tui_possible(struct app *a)
{
	keys_from_tty(a);
	return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
}

int tui_check_options(const struct app *a)
{
	if (!a->opt.ui_filter)
		return 0;
	char err[256];
	err[0] = '\0';
	struct filter *f = filter_compile(a->opt.ui_filter, err, sizeof(err));
	if (!f) {
		fprintf(stderr, "netlens: --filter: %s\n", err[0] ? err : "invalid filter");
		return 2;
	}
	filter_free(f);
	return 0;
}

/* The terminal's own reset strings (keypad off, normal screen, cursor on,
 * attributes off), looked up at start so the signal handler only writes. */
static char reset_seq[256];
static size_t reset_len;

static void reset_add(const char *cap)
{
	const char *v = tigetstr((char *)cap);
	if (!v || v == (char *)-1)
		return;
	size_t n = strlen(v);
	if (reset_len + n < sizeof(reset_seq)) {
		memcpy(reset_seq + reset_len, v, n);
		reset_len += n;
	}
}

static void reset_prepare(void)
{
	static const char mouse_off[] = "\033[?1000l\033[?1002l\033[?1006l";
	reset_len = 0;
	memcpy(reset_seq, mouse_off, sizeof(mouse_off) - 1);
	reset_len = sizeof(mouse_off) - 1;
	reset_add("sgr0");
	reset_add("rmkx");
	reset_add("cnorm");
	reset_add("rmcup");
}

/* What a fatal signal leaves behind must not be a dead terminal. */
static void fatal_signal(int sig)
{
	if (have_tio)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	ssize_t w = write(STDOUT_FILENO, reset_seq, reset_len);
	w = write(STDOUT_FILENO, "\r\n", 2);
	(void)w;
	signal(sig, SIG_DFL);
	raise(sig);
}

static void at_exit(void)
{
	tui_close();
}

static void update(struct ui *u)
{
	struct tracker *t = &u->app->tracker;
	uint64_t wall = app_wall_us();
	uint64_t now = ui_now(u);

	/* One traffic sample per second for the sparkline. */
	uint64_t sec = now / 1000000u;
	if (sec != u->spark_last_s) {
		double v = rate64_get(&t->traffic, now, DIR_FWD) + rate64_get(&t->traffic, now, DIR_REV);
		u->spark[u->spark_n % UI_SPARK] = v;
		u->spark_n++;
		u->spark_last_s = sec;
	}
	if (!u->app->cap.offline)
		ui_ifaces_sample(u);

	/* Rows are rebuilt when the data moved on (a tick) or the user changed
	 * which rows there are; a key that only moves the selection redraws. */
	if (!u->paused && (u->model_dirty || tick_due)) {
		ui_rebuild(u);
		u->model_dirty = 0;
	}
	ui_graph_sample(u);
	/* Each process' peak rate (RustNet samples its activity every second):
	 * whatever view is shown, so the Processes view's peak covers the time
	 * it was not looked at. */
	if (sec != u->peaks_last_s) {
		ui_procs_build(u, 0);
		u->peaks_last_s = sec;
	}
	ui_sample_selected(u);
	u->last_packets = t->stats.packets;
	ui_draw(u);
	u->last_draw_us = wall;
	u->dirty = 0;
}

static void on_prepare(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct ui *u = w->data;
	if (!u->dirty && !tick_due)
		return;
	update(u);
	tick_due = 0;
}

void tui_tick(struct app *a)
{
	struct ui *u = &the_ui;
	if (!opened)
		return;
	/* Nothing changed and nothing moves on screen: no redraw. A file that
	 * has been read never changes again (its clock stopped); live, ages,
	 * decaying rates and staleness colours move, so an idle screen is
	 * redrawn now and then. */
	/* Paused: the screen stays as it was (rates, ages and totals too)
	 * until a key asks for a redraw. */
	if (u->paused)
		return;
	int same = a->tracker.stats.packets == u->last_packets && !u->status[0];
	if (a->cap.offline && a->cap.eof) {
		if (same && u->eof_drawn)
			return;
		u->eof_drawn = 1;
	} else if (same && app_wall_us() - u->last_draw_us + 100000u < IDLE_REDRAW_US) {
		/* (100 ms of slack: ticks come every second, a little after the draw) */
		return;
	}
	tick_due = 1;
}

static void on_input(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ui *u = w->data;
	int ch, n = 0;
	while ((ch = getch()) != ERR && n++ < 256)
		ui_key(u, ch);
}

static void on_winch(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct ui *u = w->data;
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	clear();
	u->dirty = 1;
}

/* Home and End as tmux, screen, rxvt and the Linux console send them,
 * whatever TERM says (TERM=xterm-256color inside tmux is common): unknown,
 * such a sequence would arrive as Esc (which clears the filter) and then
 * characters taken for keys ('[' switches the view). */
static void extra_keys(void)
{
	static const struct { const char *seq; int key; } extra[] = {
		{ "\033[1~", KEY_HOME }, { "\033[4~", KEY_END }, { "\033[7~", KEY_HOME },
		{ "\033[8~", KEY_END }, { "\033[H", KEY_HOME }, { "\033[F", KEY_END },
		{ "\033OH", KEY_HOME }, { "\033OF", KEY_END },
	};
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		if (key_defined(extra[i].seq) == 0)	/* never rebind a known one */
			define_key(extra[i].seq, extra[i].key);
}

int tui_open(struct app *a)
{
	struct ui *u = &the_ui;
	memset(u, 0, sizeof(*u));
	u->app = a;
	ui_current = u;
	const char *cs = nl_langinfo(CODESET);
	u->utf8 = cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
	/* A file is about its closed flows too: they are shown from the start. */
	u->show_history = a->cap.offline;
	/* --sort, --group, --units (or the configuration file's). */
	u->sort = (enum ui_sort)a->opt.ui_sort;
	u->sort_desc = a->opt.ui_sort_desc >= 0 ? a->opt.ui_sort_desc : ui_sort_default_desc(u->sort);
	u->group = a->opt.ui_group == 1 ? GROUP_PROCESS : a->opt.ui_group == 2 ? GROUP_REMOTE : GROUP_NONE;
	ui_set_rate_bits(a->opt.ui_bits);
	if (a->opt.ui_filter) {
		snprintf(u->ftext, sizeof(u->ftext), "%s", a->opt.ui_filter);
		u->flen = u->fcur = (int)strlen(u->ftext);
		if (!ui_apply_filter(u)) {
			fprintf(stderr, "netlens: --filter: %s\n", u->ferr);
			return 2;
		}
	}

	have_tio = tcgetattr(STDIN_FILENO, &saved_tio) == 0;
	if (!initscr()) {
		fprintf(stderr, "netlens: cannot start the terminal UI (TERM=%s); use --headless\n",
			getenv("TERM") ? getenv("TERM") : "");
		return 1;
	}
	opened = 1;
	reset_prepare();
	atexit(at_exit);
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGQUIT };
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		signal(fatal[i], fatal_signal);

	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	extra_keys();
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(200);
	ui_theme_start(u);

	ev_io_init(&u->input_w, on_input, STDIN_FILENO, EV_READ);
	u->input_w.data = u;
	ev_io_start(a->loop, &u->input_w);
	ev_signal_init(&u->winch_w, on_winch, SIGWINCH);
	u->winch_w.data = u;
	ev_signal_start(a->loop, &u->winch_w);
	ev_prepare_init(&prepare_w, on_prepare);
	prepare_w.data = u;
	ev_prepare_start(a->loop, &prepare_w);
	u->dirty = 1;
	u->model_dirty = 1;
	return 0;
}

void tui_close(void)
{
	if (!opened)
		return;
	opened = 0;
	struct ui *u = &the_ui;
	if (u->app && u->app->loop) {
		ev_io_stop(u->app->loop, &u->input_w);
		ev_signal_stop(u->app->loop, &u->winch_w);
		ev_prepare_stop(u->app->loop, &prepare_w);
		if (u->child_active)
			ev_child_stop(u->app->loop, &u->child_w);
	}
	mousemask(0, NULL);
	endwin();
	filter_free(u->filter);
	u->filter = NULL;
	ui_rows_free(&u->rows);
	free(u->procs);
	u->procs = NULL;
	ui_current = NULL;
}

void tui_notice(const char *msg)
{
	if (!opened)
		return;
	ui_set_status(&the_ui, "%s", msg);
	the_ui.dirty = 1;
}
