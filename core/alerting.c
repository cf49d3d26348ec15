/* alerting.c - raising alerts: where they are said (alerting.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "alerting.h"
#include "alerts.h"
#include "app.h"
#include "eventlog.h"
#include "lifecycle.h"
#include "log.h"
#include "record.h"
#include "strbuf.h"
#include "ui/tui.h"

/* What the line limit held back in the current second of the wall clock. */
static struct {
	uint64_t second;
	unsigned shown;
	uint64_t held;
} lines;

int alerting_open(struct app *a)
{
	const struct options *o = &a->opt;
	char err[512];
	if (!o->alert_list && o->alert_rate <= 0)
		return 0;
	if (!(alerts_current = alerts_new())) {
		fprintf(stderr, "netlens: out of memory\n");
		return 1;
	}
	if (o->alert_list) {
		if (alerts_load_list(alerts_current, o->alert_list, err, sizeof(err)) < 0) {
			options_error(o, ORIGIN_ALERT_LIST, "--alert-list %s", err);
			return 2;
		}
		log_msg(LOG_INFO, "alert list %s: %u entries", o->alert_list, alerts_list_size(alerts_current));
	}
	if (o->alert_rate > 0)
		alerts_set_rate(alerts_current, o->alert_rate, o->alert_rate_dir);
	return 0;
}

void alerting_close(struct app *a)
{
	(void)a;
	alerts_free(alerts_current);
	alerts_current = NULL;
}

/* Lines held back in a second now over (or at the end), said in one. */
static void say_held(struct app *a, uint64_t second)
{
	if (second == lines.second && second != UINT64_MAX)
		return;
	if (lines.held) {
		char msg[160];
		snprintf(msg, sizeof(msg), "alert: %llu more in that second, not shown%s",
			 (unsigned long long)lines.held, a->events ? " (all are in --json-log)" : "");
		if (a->opt.headless)
			fprintf(stderr, "netlens: %s\n", msg);
		else
			tui_notice(msg);
		log_msg(LOG_WARN, "%s", msg);
	}
	lines.second = second;
	lines.shown = 0;
	lines.held = 0;
}

void alerting_say_held(struct app *a)
{
	say_held(a, app_wall_us() / 1000000u);
}

void alerting_finish(struct app *a)
{
	if (alerts_current)
		say_held(a, UINT64_MAX);
}

static void say(struct app *a, const char *text)
{
	a->alerts_raised++;
	say_held(a, app_wall_us() / 1000000u);
	if (lines.shown >= ALERT_LINES_PER_SECOND) {
		lines.held++;
		return;
	}
	lines.shown++;
	log_msg(LOG_WARN, "alert: %s", text);
	if (a->opt.headless) {
		fprintf(stderr, "netlens: alert: %s\n", text);
	} else {
		char msg[400];
		snprintf(msg, sizeof(msg), "alert: %s", text);
		tui_notice(msg);
	}
}

void alerting_flow(struct app *a, const struct flow *f, uint64_t now_us)
{
	char what[ALERTS_WHAT_LEN], addr[46], src[80], dst[80], pbuf[16], label_shown[200];
	int src_listed;
	const char *label = alerts_match_flow(alerts_current, f, what, &src_listed);
	if (!label)
		return;
	record_endpoint(src, sizeof(src), f, flow_src_addr(f), flow_src_port(f));
	record_endpoint(dst, sizeof(dst), f, flow_dst_addr(f), flow_dst_port(f));
	record_addr(f, src_listed ? flow_src_addr(f) : flow_dst_addr(f), addr);
	char text[400];
	snprintf(text, sizeof(text), "%s %s -> %s: %s is on the alert list (%s%s%s)",
		 flow_protocol_name(f, pbuf, sizeof(pbuf)), src, dst, addr, what, label[0] ? ": " : "",
		 str_shown(label_shown, sizeof(label_shown), label));
	say(a, text);
	if (a->events)	/* the record carries alert_address, alert_match, alert_label */
		eventlog_write(a->events, f, "alert", NULL, now_us);
}

/* "12.5 MB/s": SI, as --alert-rate reads it. */
static const char *si_rate(char *buf, size_t n, double v)
{
	static const char *const unit[] = { "B/s", "kB/s", "MB/s", "GB/s", "TB/s" };
	int u = 0;
	while (v >= 1000 && u < 4) {
		v /= 1000;
		u++;
	}
	snprintf(buf, n, u ? "%.1f %s" : "%.0f %s", v, unit[u]);
	return buf;
}

static void rate_check(struct app *a, uint64_t now_us, const uint64_t bytes[2], int dir);

void alerting_tick(struct app *a, uint64_t now_us)
{
	static uint64_t last_second;
	const uint64_t second = now_us / 1000000u;
	if (second == last_second)
		return;
	const uint64_t before = last_second;
	last_second = second;
	say_held(a, app_wall_us() / 1000000u);
	int dir = alerts_rate_dir(alerts_current);
	if (dir == -2)
		return;
	const struct tracker *t = &a->tracker;
	/* A capture file's quiet seconds had no tick (its clock moves with its
	 * packets): each is checked at its start, where the history has the
	 * count (rate_history_fill), so traffic that stopped is "back below"
	 * 2 s on, not at the next packet. After a few the answer holds. */
	uint64_t bytes[2];
	for (uint64_t s = before + 1; before && s < second && s <= before + 4; s++)
		if (rate_history_count_at(&t->totals, s * 1000000u, bytes) == 0)
			rate_check(a, s * 1000000u, bytes, dir);
	rate_check(a, now_us, t->traffic_bytes, dir);
}

/* The rate alert at now_us, when the counts were bytes. */
static void rate_check(struct app *a, uint64_t now_us, const uint64_t bytes[2], int dir)
{
	const struct tracker *t = &a->tracker;
	double up = rate_history_avg(&t->totals, now_us, bytes, 2, DIR_FWD);
	double down = rate_history_avg(&t->totals, now_us, bytes, 2, DIR_REV);
	double rate = dir == DIR_FWD ? up : dir == DIR_REV ? down : up + down;
	int crossed = alerts_rate_check(alerts_current, rate);
	if (!crossed)
		return;
	const char *dname = dir == DIR_FWD ? "up" : dir == DIR_REV ? "down" : "down and up";
	double limit = alerts_rate_threshold(alerts_current);
	char r[32], l[32], text[200];
	if (crossed > 0)
		snprintf(text, sizeof(text), "traffic %s %s, above %s (2 s average)", dname,
			 si_rate(r, sizeof(r), rate), si_rate(l, sizeof(l), limit));
	else
		snprintf(text, sizeof(text), "traffic %s %s, back below %s", dname,
			 si_rate(r, sizeof(r), rate), si_rate(l, sizeof(l), limit * 0.9));
	say(a, text);
	if (crossed < 0)
		a->alerts_raised--;	/* the end of one is not another */
	if (a->events) {
		struct strbuf *b = eventlog_begin_line(a->events);
		struct jsonw w;
		sb_puts(b, "{\"timestamp\":\"");
		record_time(b, now_us);
		sb_puts(b, "\"");
		w.b = b;
		w.need_comma = 1;
		json_str(&w, "event", "alert");
		json_str(&w, "alert", crossed > 0 ? "rate_above" : "rate_below");
		json_str(&w, "direction", dir == DIR_FWD ? "up" : dir == DIR_REV ? "down" : "both");
		json_f64(&w, "rate_bytes_per_s", rate, 0);
		json_f64(&w, "threshold_bytes_per_s", crossed > 0 ? limit : limit * 0.9, 0);
		json_end(&w);
		eventlog_end_line(a->events);
	}
}
