/*
 * keys.c - what each key and mouse action does (the help overlay lists
 * them; RustNet's keys keep their meaning).
 */
#include "config.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/app.h"
#include "core/geoip.h"
#include "core/names.h"
#include "core/resolver.h"
#include "core/record.h"
#include "ui/ui.h"

#define ARM_US 2000000u		/* q q, x x: the second press within 2 s */
#define STATUS_US 3000000u

void ui_set_status(struct ui *u, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u->status, sizeof(u->status), fmt, ap);
	va_end(ap);
	u->status_until_us = app_wall_us() + STATUS_US;
	u->status_of_filter = 0;
}

/* Compiles the filter text; on an error the previous filter stays and the
 * message is shown beside the text. Returns 1 when the filter changed. */
int ui_apply_filter(struct ui *u)
{
	char err[sizeof(u->ferr)];
	err[0] = '\0';
	struct filter *f = filter_compile(u->ftext, err, sizeof(err));
	if (!f) {
		snprintf(u->ferr, sizeof(u->ferr), "%s", err[0] ? err : "invalid filter");
		return 0;
	}
	u->ferr[0] = '\0';
	filter_free(u->filter);
	u->filter = f;
	u->filter_gen++;
	if (u->status_of_filter)	/* "bad regex ..." would hide the new filter's line */
		u->status_until_us = 0;
	return 1;
}

/* Folds (1), unfolds (0) or toggles (-1) the selected row's group; the
 * selection moves to its title row, which stays where it was. */
static void fold_selected(struct ui *u, int fold)
{
	int i = u->sel;
	while (i > 0 && !u->rows.v[i].header)
		i--;
	const struct ui_row *h = &u->rows.v[i];
	if (!h->header)
		return;
	if (fold < 0)
		fold = !h->folded;
	ui_group_fold(u, h->gkey, fold);
	ui_select_index(u, i);
	ui_rebuild(u);	/* now: the rows below move */
	u->model_dirty = 0;
}

static void move_sel(struct ui *u, int delta)
{
	ui_select_index(u, u->sel + delta);
	/* Details of a group's title row would show nothing: j/k there step
	 * over it (back the other way at the top of the list). */
	if (u->screen == SCR_DETAILS && u->rows.n && u->rows.v[u->sel].header) {
		int i = u->sel + (delta < 0 ? -1 : 1);
		if (i < 0 || i >= (int)u->rows.n)
			i = u->sel + (delta < 0 ? 1 : -1);
		ui_select_index(u, i);
	}
	u->details_scroll = 0;
}

/* PgUp/PgDn move the selection and the view together, a page at a time. */
static void move_page(struct ui *u, int delta)
{
	u->top += delta;
	move_sel(u, delta);
}

static int page(void)
{
	int h = ui_table_rows() - 1;
	return h > 1 ? h : 1;
}

static void copy_remote(struct ui *u)
{
	if (!u->rows.n)
		return;
	const struct flow *f = ui_row_flow(u, &u->rows.v[u->sel]);
	if (!f) {
		ui_set_status(u, "nothing to copy: select a connection");
		return;
	}
	char ep[64];
	record_endpoint(ep, sizeof(ep), f, flow_dst_addr(f), flow_dst_port(f));
	if (ui_copy(u, ep) == 0)
		ui_set_status(u, "copied %s", ep);
	else
		ui_set_status(u, "could not copy %s", ep);
}

/* f, Enter: the capture filter typed goes to the live handle. */
static void capture_filter_apply(struct ui *u)
{
	char err[1600];
	u->editing = EDIT_NONE;
	if (app_set_capture_filter(u->app, u->btext, err, sizeof(err)) < 0)
		ui_set_status(u, "%s", err);	/* the filter in force stays */
	else if (u->btext[0])
		ui_set_status(u, "capture filter: %s", u->btext);
	else
		ui_set_status(u, "capture filter off: every packet");
}

/* Bottom line editing (/ or f). Returns 1 when the key was consumed. */
static int filter_key(struct ui *u, int ch)
{
	int capture = u->editing == EDIT_CAPTURE;
	char *text = capture ? u->btext : u->ftext;
	int *len = capture ? &u->blen : &u->flen, *cur = capture ? &u->bcur : &u->fcur;
	switch (ch) {
	case '\n': case '\r': case KEY_ENTER:
		if (capture) {
			capture_filter_apply(u);
			return 1;
		}
		u->editing = EDIT_NONE;
		if (u->ferr[0]) {
			/* Left invalid: the filter in force before / stays, not
			 * the last one that compiled as the line was typed (app:/(
			 * on the way to app:/(tls|quic)/ matches nothing). */
			char why[sizeof(u->ferr)];
			snprintf(why, sizeof(why), "%s", u->ferr);
			snprintf(u->ftext, sizeof(u->ftext), "%s", u->fkept);
			u->flen = u->fcur = (int)strlen(u->ftext);
			ui_apply_filter(u);
			ui_set_status(u, "%s; the filter stays %s%s%s", why, u->ftext[0] ? "\"" : "",
				      u->ftext[0] ? u->ftext : "off", u->ftext[0] ? "\"" : "");
			u->status_of_filter = 1;
		}
		return 1;
	case 27:	/* Esc: / clears its filter and leaves; f leaves the capture filter as it was */
		u->editing = EDIT_NONE;
		if (capture)
			return 1;
		u->ftext[0] = '\0';
		u->flen = u->fcur = 0;
		u->ferr[0] = '\0';
		ui_apply_filter(u);
		return 1;
	case 21:	/* Ctrl+U: the whole line, as in a shell */
		text[0] = '\0';
		*len = *cur = 0;
		break;
	case KEY_BACKSPACE: case 127: case 8:
		if (*cur > 0) {
			int l = 1;
			while (*cur - l > 0 && ((unsigned char)text[*cur - l] & 0xc0) == 0x80)
				l++;
			memmove(text + *cur - l, text + *cur, (size_t)(*len - *cur) + 1);
			*cur -= l;
			*len -= l;
		}
		break;
	case KEY_DC:
		if (*cur < *len) {
			int l = 1;
			while (*cur + l < *len && ((unsigned char)text[*cur + l] & 0xc0) == 0x80)
				l++;
			memmove(text + *cur, text + *cur + l, (size_t)(*len - *cur - l) + 1);
			*len -= l;
		}
		break;
	case KEY_LEFT:
		while (*cur > 0 && (((unsigned char)text[--*cur]) & 0xc0) == 0x80)
			;
		return 1;
	case KEY_RIGHT:
		while (*cur < *len && (((unsigned char)text[++*cur]) & 0xc0) == 0x80)
			;
		return 1;
	case KEY_HOME: case 1:
		*cur = 0;
		return 1;
	case KEY_END: case 5:
		*cur = *len;
		return 1;
	case KEY_UP: case KEY_DOWN: case KEY_PPAGE: case KEY_NPAGE:
		return 0;	/* the selection still moves while typing */
	default:
		if (ch < 0x20 || ch > 0xff)
			return 1;
		if (*len + 1 >= (int)sizeof(u->ftext) - 1)	/* both lines are this long */
			return 1;
		memmove(text + *cur + 1, text + *cur, (size_t)(*len - *cur) + 1);
		text[(*cur)++] = (char)ch;
		(*len)++;
		break;
	}
	if (!capture)	/* the connection filter narrows the table at each key */
		ui_apply_filter(u);
	return 1;
}

static void next_screen(struct ui *u, int dir)
{
	u->screen = (enum ui_screen)(((int)u->screen + dir + SCR_COUNT) % SCR_COUNT);
	u->list_scroll = 0;
	u->details_scroll = 0;
}

static void mouse(struct ui *u)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED) {
		if (u->screen == SCR_DETAILS)
			u->details_scroll -= 3;
		else
			move_sel(u, -3);
		return;
	}
	if (ev.bstate & BUTTON5_PRESSED) {
		if (u->screen == SCR_DETAILS)
			u->details_scroll += 3;
		else
			move_sel(u, 3);
		return;
	}
	if (ev.y == 0) {	/* the title bar: the view names */
		static const int starts[SCR_COUNT] = { 10, 21, 31, 43, 51 };
		for (int i = SCR_COUNT - 1; i >= 0; i--)
			if (ev.x >= starts[i]) {
				u->screen = (enum ui_screen)i;
				return;
			}
		return;
	}
	if (u->screen != SCR_OVERVIEW || ev.y < u->table_y || ev.y >= u->table_y + u->table_h)
		return;
	int row = u->top + ev.y - u->table_y;
	if (row >= (int)u->rows.n)
		return;
	if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED))
		ui_select_index(u, row);
	if (ev.bstate & BUTTON1_DOUBLE_CLICKED) {
		if (u->rows.v[row].header)	/* RustNet's: a group's title folds or unfolds it */
			fold_selected(u, -1);
		else
			u->screen = SCR_DETAILS;
	}
}

static void handle_key(struct ui *u, int ch);

/* A key changes what is drawn; only some change which rows there are or
 * their order, and only those rebuild the table (at 10 000 flows a rebuild
 * is milliseconds: a held arrow key must not pay it every time). */
void ui_key(struct ui *u, int ch)
{
	/* Keys come in batches (a paste, keys typed ahead, a test's send-keys):
	 * one after a filter or sort change acts on the rows that change made,
	 * not on those drawn before it ("/ tls Enter c" copied the first row of
	 * the unfiltered table). The display is frozen while paused. */
	if (u->model_dirty && !u->paused) {
		ui_rebuild(u);
		u->model_dirty = 0;
	}
	enum ui_sort sort = u->sort;
	int desc = u->sort_desc, group = u->group, hist = u->show_history;
	unsigned fgen = u->filter_gen;
	handle_key(u, ch);
	if (sort != u->sort || desc != u->sort_desc || group != u->group || hist != u->show_history ||
	    fgen != u->filter_gen)
		u->model_dirty = 1;
}

static void handle_key(struct ui *u, int ch)
{
	uint64_t now = app_wall_us();
	u->dirty = 1;
	if (ch == 3) {		/* Ctrl+C when the terminal does not send SIGINT */
		ev_break(u->app->loop, EVBREAK_ALL);
		return;
	}
	if (ch == KEY_RESIZE)
		return;
	if (u->help) {
		if (ch == 'j' || ch == KEY_DOWN) {
			u->list_scroll++;
			return;
		}
		if (ch == 'k' || ch == KEY_UP) {
			if (u->list_scroll > 0)
				u->list_scroll--;
			return;
		}
		u->help = 0;
		u->list_scroll = 0;
		/* Any other key closes the help; as in RustNet the view keys
		 * still act (and q still arms the quit). */
		if (ch != 'q' && ch != '\t' && ch != KEY_BTAB && ch != ']' && ch != '[' &&
		    !(ch >= '1' && ch <= '5'))
			return;
	}
	if (u->editing && filter_key(u, ch))
		return;
	if (ch != 'q')
		u->quit_armed_us = 0;
	if (ch != 'x')
		u->clear_armed_us = 0;
	int list = u->screen == SCR_OVERVIEW || u->screen == SCR_DETAILS;
	switch (ch) {
	case 'q':
		if (u->quit_armed_us && now - u->quit_armed_us < ARM_US) {
			ev_break(u->app->loop, EVBREAK_ALL);
			return;
		}
		u->quit_armed_us = now;
		ui_set_status(u, "press q again to quit");
		break;
	case 'x':
		if (u->clear_armed_us && now - u->clear_armed_us < ARM_US) {
			tracker_clear(&u->app->tracker);
			u->model_dirty = 1;
			u->clear_armed_us = 0;
			u->rows.n = u->rows.flows = u->rows.headers = 0;
			u->sel = u->top = 0;
			u->sel_id = 0;
			ui_set_status(u, "cleared all connections and history");
			u->cleared_all = 1;
			break;
		}
		u->clear_armed_us = now;
		ui_set_status(u, "press x again to clear all connections and history");
		break;
	case '\t': case ']':
		next_screen(u, 1);
		break;
	case KEY_BTAB: case '[':
		next_screen(u, -1);
		break;
	case '1': case '2': case '3': case '4': case '5':	/* RustNet: jump to a view */
		u->screen = (enum ui_screen)(ch - '1');
		u->list_scroll = 0;
		break;
	case 'r':	/* RustNet: reset the view (sort, filter, grouping, closed rows) */
		u->sort = SORT_CREATED;
		u->sort_desc = 0;
		u->group = GROUP_NONE;
		u->show_history = u->app->cap.offline;
		u->ftext[0] = '\0';
		u->flen = u->fcur = 0;
		ui_apply_filter(u);
		u->app_width_adj = 0;
		ui_set_status(u, "view reset");
		break;
	case 4:		/* Ctrl+D, Ctrl+U: half a screen in details, as in vi */
	case 21:
		if (u->screen == SCR_DETAILS)
			u->details_scroll += ch == 4 ? 5 : -5;
		else if (list)
			move_sel(u, ch == 4 ? 5 : -5);
		break;
	case 'i':	/* RustNet's: the overview's side panel; elsewhere the interfaces */
		if (u->screen == SCR_OVERVIEW) {
			u->side_hidden = !u->side_hidden;
			ui_set_status(u, u->side_hidden ? "side panel hidden (i shows it)" : "side panel shown");
			break;
		}
		u->screen = u->screen == SCR_INTERFACES ? SCR_OVERVIEW : SCR_INTERFACES;
		u->list_scroll = 0;
		break;
	case 'h': case '?':
		u->help = 1;
		u->list_scroll = 0;
		break;
	case 27:
		if (u->flen) {
			u->ftext[0] = '\0';
			u->flen = u->fcur = 0;
			ui_apply_filter(u);
		} else {
			u->screen = SCR_OVERVIEW;
		}
		break;
	case ' ':	/* RustNet's: fold or unfold the group; not grouped, pause */
		if (u->group && u->screen == SCR_OVERVIEW && u->rows.n) {
			fold_selected(u, -1);
			break;
		}
		/* fall through */
	case 'P':
		u->paused = !u->paused;
		ui_set_status(u, u->paused ? "display paused; capture goes on (P resumes)"
			      : "display resumed");
		break;
	case KEY_LEFT:	/* RustNet's: fold the group, unfold it */
		if (u->group && u->screen == SCR_OVERVIEW && u->rows.n)
			fold_selected(u, 1);
		break;
	case KEY_RIGHT: case 'l':
		if (u->group && u->screen == SCR_OVERVIEW && u->rows.n)
			fold_selected(u, 0);
		break;
	case 'f':	/* iftop's: edit the capture filter, from the one in force */
		snprintf(u->btext, sizeof(u->btext), "%s", u->app->capture_filter);
		u->blen = u->bcur = (int)strlen(u->btext);
		u->editing = EDIT_CAPTURE;
		break;
	case '/':
		u->editing = EDIT_FILTER;
		u->fcur = u->flen;
		snprintf(u->fkept, sizeof(u->fkept), "%s", u->ftext);
		u->screen = u->screen == SCR_DETAILS ? SCR_OVERVIEW : u->screen;
		break;
	case KEY_UP: case 'k':
		if (list)
			move_sel(u, -1);
		else if (u->list_scroll > 0)
			u->list_scroll--;
		break;
	case KEY_DOWN: case 'j':
		if (list)
			move_sel(u, 1);
		else
			u->list_scroll++;
		break;
	case KEY_PPAGE: case 2:	/* Ctrl+B */
		if (u->screen == SCR_DETAILS)
			u->details_scroll -= page();
		else if (list)
			move_page(u, -page());
		else
			u->list_scroll -= page();
		break;
	case KEY_NPAGE: case 6:	/* Ctrl+F */
		if (u->screen == SCR_DETAILS)
			u->details_scroll += page();
		else if (list)
			move_page(u, page());
		else
			u->list_scroll += page();
		break;
	case 'g': case KEY_HOME:
		if (list)
			ui_select_index(u, 0);
		u->list_scroll = 0;
		break;
	case 'G': case KEY_END:
		if (list)
			ui_select_index(u, (int)u->rows.n - 1);
		else
			u->list_scroll = 1 << 20;
		break;
	case '\n': case '\r': case KEY_ENTER:
		if (u->screen == SCR_OVERVIEW && u->rows.n) {
			if (u->rows.v[u->sel].folded)	/* a folded group: open it first */
				fold_selected(u, 0);
			if (u->rows.v[u->sel].header)	/* a group: its first flow */
				ui_select_index(u, u->sel + 1);
			u->screen = SCR_DETAILS;
		}
		break;
	case 'c':
		if (list)
			copy_remote(u);
		break;
	case 'b':
		ui_set_rate_bits(!ui_rate_bits());
		ui_set_status(u, ui_rate_bits() ? "rates in bits per second (k, M, G: 1000)"
			      : "rates in bytes per second (K, M, G: 1024)");
		break;
	case 'p':
		u->show_ports = !u->show_ports;
		ui_set_status(u, u->show_ports ? "service names in place of port numbers"
			      : "port numbers");
		break;
	case 'd':
		if (u->screen == SCR_PROCESSES) {	/* RustNet's Activity: Egress/Ingress */
			static const char *const what[PDIR_COUNT] = {
				"processes: both ways (share, peak and top peer of down + up)",
				"processes: egress (share, peak and top peer of what each sends)",
				"processes: ingress (share, peak and top peer of what each receives)" };
			u->proc_dir = (enum ui_proc_dir)((u->proc_dir + 1) % PDIR_COUNT);
			ui_set_status(u, "%s", what[u->proc_dir]);
			break;
		}
		u->show_names = !u->show_names;
		if (!u->show_names)
			ui_set_status(u, "addresses");
		else if (resolver_current)
			ui_set_status(u, "hostnames: from DNS answers seen (%u known), else reverse DNS",
				      names_count(names_current));
		else
			ui_set_status(u, "hostnames where DNS answers named them (%u known; reverse DNS is off)",
				      names_count(names_current));
		break;
	case 's':
		if (u->screen == SCR_PROCESSES) {	/* RustNet's: that table's own order */
			u->proc_sort = (enum ui_proc_sort)((u->proc_sort + 1) % PSORT_COUNT);
			u->proc_sort_rev = 0;
			ui_set_status(u, "processes by %s", ui_proc_sort_name(u->proc_sort));
			break;
		}
		u->sort = (enum ui_sort)((u->sort + 1) % SORT_COUNT);
		if (u->sort == SORT_IFACE && !u->iface_col)	/* no If column to sort by */
			u->sort = (enum ui_sort)(u->sort + 1);
		if (u->sort == SORT_LOC && !geoip_current)	/* nor a Loc column (RustNet's too) */
			u->sort = (enum ui_sort)(u->sort + 1);
		u->sort_desc = ui_sort_default_desc(u->sort);
		ui_set_status(u, "sort: %s", ui_sort_name(u->sort));
		break;
	case 'S':
		if (u->screen == SCR_PROCESSES) {
			u->proc_sort_rev = !u->proc_sort_rev;
			ui_set_status(u, "processes by %s, %s", ui_proc_sort_name(u->proc_sort),
				      u->proc_sort_rev ? "reversed" : "biggest first");
			break;
		}
		u->sort_desc = !u->sort_desc;
		ui_set_status(u, "sort: %s, %s", ui_sort_name(u->sort),
			      u->sort_desc ? "descending" : "ascending");
		break;
	case 't':
		u->show_history = !u->show_history;
		ui_set_status(u, u->show_history ? "showing closed connections (dimmed)"
			      : "hiding closed connections");
		break;
	case 'a':
		u->group = u->group == GROUP_PROCESS ? GROUP_NONE : GROUP_PROCESS;
		ui_set_status(u, u->group ? "grouped by process" : "not grouped");
		break;
	case 'A':	/* bandwhich's and iftop's view: who takes the bandwidth */
		u->group = u->group == GROUP_REMOTE ? GROUP_NONE : GROUP_REMOTE;
		ui_set_status(u, u->group ? "grouped by remote address" : "not grouped");
		break;
	case '<':
		u->app_width_adj -= 4;
		break;
	case '>':
		u->app_width_adj += 4;
		break;
	case KEY_MOUSE:
		mouse(u);
		break;
	default:
		u->dirty = 0;
		break;
	}
}
