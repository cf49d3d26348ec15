/*
 * tui.h - the terminal UI as the application sees it: open, mark a tick,
 * close. Everything else stays inside ui/.
 */
#ifndef NETLENS_TUI_H
#define NETLENS_TUI_H

struct app;

/* 1 when stdin and stdout are both terminals (the UI can run). A capture
 * read from standard input (`tcpdump -w - | netlens --read -`) on a
 * terminal: the keys are read from /dev/tty instead, as less does (the
 * capture's descriptor moves off 0, capture_stdin_from), unless
 * --headless. */
int tui_possible(struct app *a);

/* Checks the UI options (--filter) before anything else starts. Returns 0,
 * or 2 with one line printed. */
int tui_check_options(const struct app *a);

/* Takes over the terminal and adds the UI's watchers to a->loop. Returns 0,
 * or 1 with one line printed. */
int tui_open(struct app *a);

/* The data changed (a refresh tick, the end of a file): the next loop pass
 * redraws. */
void tui_tick(struct app *a);

/* Shows one line in the status bar for a while (a worker died, ...). */
void tui_notice(const char *msg);

/* Gives the terminal back (safe to call twice, and when never opened). */
void tui_close(void);

#endif
