/* test_filter.c - the TUI filter language (ui/filter.c). */
#include "config.h"

#include "unit.h"

#include "ui/filter.h"

/* ---- five rows, one per kind of flow the table shows ---------------------- */

static const char *const extra_a[] = { "h2", "http/1.1", "github.com" };
static const char *const extra_b[] = { "example.org", "type:AAAA" };
static const char *const extra_c[] = { "SSH-2.0-OpenSSH_9.6p1 \"Ubuntu\"" };

enum { ROW_A, ROW_B, ROW_C, ROW_D, ROW_E, N_ROWS };

static const struct filter_subject rows[N_ROWS] = {
	/* A: HTTPS with curl */
	{ "TCP", "192.0.2.10", "140.82.112.3", 54321, 443, "ESTABLISHED", "https",
	  "TLS (github.com)", "curl", "github.com", "", extra_a, 3, "web-7d9f", "shop", "nginx-proxy", 4242, NULL, NULL, 0 },
	/* B: DNS over IPv6, no process known */
	{ "UDP", "2001:db8:cafe::1", "2001:db8::fb", 5353, 53, "DNS_QUERY", "domain",
	  "DNS (example.org)", "", "example.org", "", extra_b, 2, NULL, NULL, NULL, 0, NULL, NULL, 0 },
	/* C: SSH */
	{ "TCP", "10.0.0.2", "10.0.0.1", 50000, 22, "ESTABLISHED", "ssh", "SSH", "ssh", "",
	  "OpenSSH_9.6p1", extra_c, 1, "coredns-1", "kube-system", "", 812, NULL, NULL, 0 },
	/* D: ICMP, no ports, nothing else known */
	{ "ICMP", "192.0.2.10", "192.0.2.1", 0, 0, "", "", "", "", "", "", NULL, 0, "", "", "", 0, NULL, NULL, 0 },
	/* E: QUIC with firefox */
	{ "UDP", "192.0.2.10", "142.250.1.1", 60000, 443, "QUIC_CONNECTED", "https",
	  "QUIC (www.google.com)", "firefox", "www.google.com", "", NULL, 0, NULL, NULL, NULL, 12345, NULL, NULL, 0 },
};

/* An expression and which of rows A..E it must show ("10001" = A and E). */
struct mcase {
	const char *expr;
	const char *want;
};

static void check_case(const struct mcase *c, int i)
{
	char err[FILTER_ERR_LEN];
	struct filter *f = filter_compile(c->expr, err, sizeof(err));
	ck_assert_msg(f != NULL, "case %d `%s`: %s", i, c->expr, err);
	ck_assert_msg(err[0] == '\0', "case %d `%s`: err set on success: %s", i, c->expr, err);
	char got[N_ROWS + 1];
	for (int r = 0; r < N_ROWS; r++)
		got[r] = filter_match(f, &rows[r]) ? '1' : '0';
	got[N_ROWS] = '\0';
	ck_assert_msg(strcmp(got, c->want) == 0, "case %d `%s`: rows %s, expected %s", i, c->expr,
		      got, c->want);
	filter_free(f);
}

#define MATCH_TEST(name, table)                                 \
	START_TEST(name) { check_case(&table[_i], _i); }        \
	END_TEST

/* ---- keywords and aliases -------------------------------------------------- */

static const struct mcase keyword_cases[] = {
	{ "port:443", "10001" },
	{ "port:53", "01000" },
	{ "sport:54321", "10000" },
	{ "srcport:54321", "10000" },
	{ "source-port:54321", "10000" },
	{ "sport:443", "00000" },		/* 443 is the remote end */
	{ "dport:22", "00100" },
	{ "dstport:22", "00100" },
	{ "dest-port:22", "00100" },
	{ "destination-port:22", "00100" },
	{ "dport:54321", "00000" },
	{ "src:192.0.2.10", "10011" },
	{ "source:192.0.2.10", "10011" },
	{ "src:140.82", "00000" },		/* remote address */
	{ "dst:10.0.0.1", "00100" },
	{ "dest:10.0.0.1", "00100" },
	{ "destination:10.0.0.1", "00100" },
	{ "dst:2001:db8::fb", "01000" },	/* only the first ':' splits */
	{ "src:2001:db8::fb", "00000" },
	{ "dst:443", "00000" },			/* IP text only, no port */
	{ "process:curl", "10000" },
	{ "pod:web", "10000" },			/* --kubernetes: pod, namespace, container */
	{ "pod:/^core/", "00100" },
	{ "ns:kube", "00100" },
	{ "namespace:shop", "10000" },
	{ "container:proxy", "10000" },
	{ "cont:nginx", "10000" },
	{ "!pod:web", "01111" },
	{ "container:/^$/", "00110" },		/* known empty; NULL (unknown) never matches */
	{ "proc:curl", "10000" },
	{ "pid:4242", "10000" },		/* the owning process's id: digits are exact */
	{ "pid:42", "00000" },
	{ "pid:/^42/", "10000" },
	{ "pid:/2/", "10101" },
	{ "!pid:4242", "01111" },
	{ "pid:0", "00000" },			/* no process, no pid: never matches */
	{ "pid:4294967296", "00000" },		/* past any pid, no wrap to 0 */
	{ "pid:99999999999999999999999", "00000" },
	{ "proc:fire", "00001" },
	{ "sni:github", "10000" },
	{ "host:github", "10000" },
	{ "hostname:github.com", "10000" },
	{ "host:example.org", "01000" },
	{ "ssh:openssh", "00100" },
	{ "ssh:curl", "00000" },
	{ "state:quic", "00001" },
	{ "state:established", "10100" },
	{ "state:dns_query", "01000" },
	{ "proto:udp", "01001" },
	{ "protocol:udp", "01001" },
	{ "proto:icmp", "00010" },
	{ "service:domain", "01000" },
	{ "svc:domain", "01000" },
	{ "svc:https", "10001" },
	{ "app:tls", "10000" },
	{ "application:tls", "10000" },
	{ "app:(www.", "00001" },		/* regex characters are literal outside /.../ */
	/* case-insensitive keywords and values */
	{ "PORT:443", "10001" },
	{ "Proc:CURL", "10000" },
	{ "SNI:GitHub.COM", "10000" },
	{ "State:Quic_Connected", "00001" },
	{ "DESTINATION-PORT:22", "00100" },
};
MATCH_TEST(test_keywords, keyword_cases)

/* ---- port values: exact, substring, regex ---------------------------------- */

static const struct mcase port_cases[] = {
	{ "port:44", "00000" },			/* all digits: exact, not a prefix */
	{ "port:0443", "10001" },		/* numeric value */
	{ "port:99999", "00000" },
	{ "port:18446744073709551616443", "00000" },	/* would wrap a 64-bit parse */
	{ "port:0", "00010" },			/* ICMP: both ports are 0 */
	{ "port:4-", "00000" },			/* not digits: substring of "443" */
	{ "port:/^44/", "10001" },
	{ "port:/^5/", "11100" },
	{ "sport:/^5/", "11100" },
	{ "dport:/^5/", "01000" },
	{ "dport:/^(22|53)$/", "01100" },
	{ "port:/3$/", "11001" },		/* 443, 5353/53, 443 */
};
MATCH_TEST(test_ports, port_cases)

/* ---- regex values ------------------------------------------------------------ */

static const struct mcase regex_cases[] = {
	{ "app:/^tls/", "10000" },
	{ "app:/^(tls|quic)/", "10001" },
	{ "app:/^TLS.\\(GITHUB/", "10000" },	/* case-insensitive; a blank would split it */
	{ "host:/\\.org$/", "01000" },
	{ "process:/^$/", "01010" },		/* no process known */
	{ "state:/^[a-z]+$/", "10100" },	/* ESTABLISHED only: no '_' */
	{ "src:/^192\\.0\\.2\\.10$/", "10011" },
	{ "/github|google/", "10001" },		/* free-text regex */
	{ "/^udp$/", "01001" },
	{ "/:443$/", "10001" },			/* against "addr:port" */
	{ "/^\\[2001:db8::fb\\]:53$/", "01000" },
	{ "//", "11111" },			/* empty: still typing */
	{ "/", "10000" },			/* a lone '/' is a literal: "http/1.1" */
	{ "/tls", "00000" },			/* unclosed: literal, as in RustNet */
};
MATCH_TEST(test_regex, regex_cases)

/* ---- negation, AND, free text ---------------------------------------------- */

static const struct mcase logic_cases[] = {
	{ "!proto:tcp", "01011" },
	{ "!port:443", "01110" },
	{ "!github", "01111" },
	{ "!/^icmp$/", "11101" },
	{ "!app:/^(tls|quic)/", "01110" },
	{ "!port:/^44/", "01110" },
	{ "!foo:bar", "11111" },		/* negated unknown-keyword free text */
	{ "proto:tcp port:443", "10000" },
	{ "proto:udp port:443", "00001" },
	{ "proto:tcp !port:443", "00100" },
	{ "https firefox", "00001" },
	{ "port:443 github", "10000" },
	{ "!proto:tcp !proto:icmp", "01001" },
	{ "src:192.0.2.10 !proto:icmp !proc:curl", "00001" },
	{ "  proto:udp \t port:53\n", "01000" },	/* any blanks separate */
	{ "!!x", "11111" },			/* one '!' negates; "!x" is the text */
};
MATCH_TEST(test_logic, logic_cases)

static const struct mcase free_cases[] = {
	{ "github", "10000" },
	{ "GITHUB", "10000" },
	{ "tcp", "10100" },
	{ "established", "10100" },
	{ "domain", "01000" },			/* service */
	{ "firefox", "00001" },			/* process */
	{ "openssh", "00100" },			/* ssh */
	{ "h2", "10000" },			/* extra */
	{ "http/1.1", "10000" },		/* extra */
	{ "ubuntu", "00100" },			/* extra */
	{ "192.0.2.10:54321", "10000" },
	{ "140.82.112.3:443", "10000" },
	{ "192.0.2.1", "10011" },		/* a prefix of 192.0.2.10 too */
	{ "192.0.2.10:0", "00000" },		/* no port: the bare address */
	{ "[2001:db8::fb]:53", "01000" },
	{ "[2001:db8:cafe::1]:5353", "01000" },
	{ "]:53", "01000" },
	{ "2001:db8::fb", "01000" },
	{ "cafe::1", "01000" },			/* looks like `cafe:` - unknown keyword */
	{ "type:aaaa", "01000" },		/* unknown keyword: whole token, matches an extra */
	{ "foo:bar", "00000" },
	{ ":443", "10001" },
	{ "quic_connected", "00001" },
};
MATCH_TEST(test_free_text, free_cases)

/* ---- empty values and quotes ----------------------------------------------- */

static const struct mcase empty_quote_cases[] = {
	{ "", "11111" },
	{ " \t ", "11111" },
	{ "port:", "11111" },
	{ "!port:", "11111" },			/* not "hide everything" mid-typing */
	{ "!", "11111" },
	{ "! proto:udp", "01001" },		/* a lone '!' is ignored */
	{ "app: proto:udp", "01001" },
	{ "\"\"", "11111" },
	{ "app:\"\"", "11111" },
	{ "app:\"TLS (github\"", "10000" },
	{ "!app:\"TLS (github\"", "01111" },
	{ "\"dns (example\"", "01000" },
	{ "app:\"quic (www\" proto:udp", "00001" },
	{ "app:\"tls (git", "10000" },		/* unclosed: runs to the end */
	{ "\"\\\"ubuntu\\\"\"", "00100" },	/* \" inside quotes */
	{ "app:\"/^tls \\(/\"", "10000" },	/* a quoted regex keeps its escapes */
	{ "foo:\"a b\"", "00000" },
	{ "type:\"aaaa\"", "01000" },		/* unknown keyword keeps its prefix */
	{ "\"github\"x", "00000" },		/* text after the quote joins the value */
};
MATCH_TEST(test_empty_and_quotes, empty_quote_cases)

/* ---- compile errors and bounds --------------------------------------------- */

static struct filter *compile_err(const char *expr, char *err, size_t errlen)
{
	memset(err, 'x', errlen);
	return filter_compile(expr, err, errlen);
}

START_TEST(test_bad_regex)
{
	char err[FILTER_ERR_LEN];
	ck_assert_ptr_null(compile_err("/a(/", err, sizeof(err)));
	ck_assert_msg(strncmp(err, "bad regex /a(/: ", 16) == 0, "err: %s", err);
	ck_assert_uint_gt(strlen(err), 16);	/* regerror's reason follows */
	ck_assert_ptr_null(compile_err("proto:tcp port:/[/", err, sizeof(err)));
	ck_assert_msg(strncmp(err, "bad regex /[/: ", 15) == 0, "err: %s", err);
	ck_assert_ptr_null(compile_err("!app:\"/x{/\" github", err, sizeof(err)));
	ck_assert_msg(strncmp(err, "bad regex /x{/", 14) == 0, "err: %s", err);
	/* a later good term after a bad one: still an error, nothing leaked */
	ck_assert_ptr_null(compile_err("/ok/ /a(/ /ok/", err, sizeof(err)));
	/* err is optional and truncation keeps it a string */
	ck_assert_ptr_null(filter_compile("/a(/", NULL, 0));
	char small[5];
	ck_assert_ptr_null(compile_err("/a(/", small, sizeof(small)));
	ck_assert_str_eq(small, "bad ");
}
END_TEST

/* Regression (fuzz_filter, oom): regcomp() expands repetitions, so a short
 * pattern could take gigabytes. Costly patterns are refused with a reason;
 * ordinary ones still compile. */
START_TEST(test_costly_regex)
{
	char err[FILTER_ERR_LEN];
	static const char *const refused[] = {
		"app:/\x11\x11+++++++++++++++++++++++++++++\x11/",
		"/a**/", "/(a+)+b?*/", "/a{1000}/", "/((((a{200}){200}){200}){200})/",
		"/(a{100}){100}/", "/((((((((((a))))))))))/",
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		ck_assert_msg(compile_err(refused[i], err, sizeof(err)) == NULL, "%s compiled", refused[i]);
		ck_assert_msg(strstr(err, "too costly") || strstr(err, "bad regex"), "%s: %s", refused[i], err);
	}
	ck_assert_ptr_null(compile_err("/a**/", err, sizeof(err)));
	ck_assert_msg(strstr(err, "repetition of a repetition"), "%s", err);
	static const char *const fine[] = {
		"/^(tls|quic)/", "/goo+gle/", "/[0-9]{1,3}(\\.[0-9]{1,3}){3}/", "/a\\+\\+\\+/",
		"/[+*?]+x/", "/(ab|cd)*e?/",
	};
	for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++) {
		struct filter *f = compile_err(fine[i], err, sizeof(err));
		ck_assert_msg(f != NULL, "%s refused: %s", fine[i], err);
		filter_free(f);
	}
}
END_TEST

START_TEST(test_bounds)
{
	char err[FILTER_ERR_LEN];
	char expr[FILTER_MAX_LEN + 2];
	/* exactly FILTER_MAX_LEN bytes, one term: accepted (and the value
	 * arena's worst case) */
	memset(expr, 'a', FILTER_MAX_LEN);
	expr[FILTER_MAX_LEN] = '\0';
	struct filter *f = compile_err(expr, err, sizeof(err));
	ck_assert_ptr_nonnull(f);
	ck_assert(!filter_match(f, &rows[ROW_A]));
	filter_free(f);
	/* one more: rejected */
	expr[FILTER_MAX_LEN] = 'a';
	expr[FILTER_MAX_LEN + 1] = '\0';
	ck_assert_ptr_null(compile_err(expr, err, sizeof(err)));
	ck_assert_msg(strstr(err, "too long") != NULL, "err: %s", err);

	/* FILTER_MAX_TERMS terms accepted, one more rejected, ignored ones counted */
	char many[FILTER_MAX_LEN];
	many[0] = '\0';
	for (int i = 0; i < FILTER_MAX_TERMS; i++)
		strcat(many, i % 2 ? "t " : "!tcp ");
	f = compile_err(many, err, sizeof(err));
	ck_assert_ptr_nonnull(f);
	ck_assert(!filter_match(f, &rows[ROW_A]));	/* t AND !tcp */
	filter_free(f);
	strcat(many, "!");
	ck_assert_ptr_null(compile_err(many, err, sizeof(err)));
	ck_assert_msg(strstr(err, "too many terms") != NULL, "err: %s", err);

	ck_assert_ptr_null(compile_err(NULL, err, sizeof(err)));
	ck_assert(err[0] != '\0' && err[0] != 'x');
}
END_TEST

/* ssh: searches every SSH field the row's DPI found (the extras marked as
 * such): the agreed algorithms and HASSH too, whatever their length, and
 * not the other dissectors' values. */
START_TEST(test_ssh_fields)
{
	static const char *const ssh_extra[] = { "SSH-2.0-OpenSSH_9.2p1", "OpenSSH_9.2p1",
						 "curve25519-sha256", "chacha20-poly1305@openssh.com",
						 "ec7378c1a92f5a8dde7e8b7a1ddf33d1", "github.com" };
	struct filter_subject s = { .proto = "TCP", .local_addr = "10.0.0.2", .remote_addr = "10.0.0.1",
				    .local_port = 50000, .remote_port = 22, .state = "ESTABLISHED",
				    .service = "ssh", .app = "SSH", .process = "ssh", .host = "", .ssh = "",
				    .extra = ssh_extra, .n_extra = 6, .ssh_extra = 0x1f };
	static const struct { const char *expr; int want; } cases[] = {
		{ "ssh:openssh_9.2", 1 },
		{ "ssh:curve25519", 1 },
		{ "ssh:chacha20", 1 },
		{ "ssh:ec7378c1a92f", 1 },
		{ "ssh:github", 0 },	/* not an SSH field */
		{ "github", 1 },	/* free text sees every field */
		{ "ssh:aes256", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[FILTER_ERR_LEN];
		struct filter *f = filter_compile(cases[i].expr, err, sizeof(err));
		ck_assert_msg(f != NULL, "%s: %s", cases[i].expr, err);
		ck_assert_msg(filter_match(f, &s) == cases[i].want, "%s", cases[i].expr);
		filter_free(f);
	}
	s.ssh_extra = 0;	/* nothing marked: ssh: finds nothing */
	char err[FILTER_ERR_LEN];
	struct filter *f = filter_compile("ssh:curve25519", err, sizeof(err));
	ck_assert(!filter_match(f, &s));
	filter_free(f);
}
END_TEST

START_TEST(test_is_empty)
{
	static const char *const empty[] = { "", "   ", "port:", "!", "! app: \"\" //" };
	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		struct filter *f = filter_compile(empty[i], NULL, 0);
		ck_assert_ptr_nonnull(f);
		ck_assert_msg(filter_is_empty(f), "`%s`", empty[i]);
		filter_free(f);
	}
	struct filter *f = filter_compile("x", NULL, 0);
	ck_assert(!filter_is_empty(f));
	filter_free(f);
	ck_assert(filter_is_empty(NULL));
	ck_assert(filter_match(NULL, &rows[ROW_A]));
	filter_free(NULL);
}
END_TEST

/* ---- the matcher on odd rows ----------------------------------------------- */

/* Which filters need the pod names: only the three keywords, negated or
 * not; free text never searches them, so the UI may skip the lookup. */
/* alert: reads the --alert-list entry of a listed row; an unlisted row
 * (NULL or "") never matches, so "!alert:/./" is the unlisted ones. iface:
 * reads the interface a row was read on (none with one interface). */
START_TEST(test_alert_keyword)
{
	struct filter_subject r[N_ROWS];
	memcpy(r, rows, sizeof(r));
	r[ROW_A].alert = "140.82.112.0/20 (lab net)";
	r[ROW_C].alert = "";
	r[ROW_E].alert = "2001:db8::/32";
	r[ROW_A].iface = "eth0";	/* -i eth0,wlan0: B, D and E have none (one interface) */
	r[ROW_C].iface = "wlan0";
	static const struct { const char *expr, *want; } cases[] = {
		{ "alert:lab", "10000" }, { "alert:/./", "10001" }, { "!alert:/./", "01110" },
		{ "alert:2001", "00001" }, { "alert:LAB tcp", "10000" }, { "alert:/^140\\.82/", "10000" },
		{ "lab", "00000" },	/* free text does not search it */
		{ "iface:wlan", "00100" }, { "interface:eth0", "10000" }, { "!iface:eth", "01111" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[FILTER_ERR_LEN], got[N_ROWS + 1];
		struct filter *f = filter_compile(cases[i].expr, err, sizeof(err));
		ck_assert_msg(f != NULL, "`%s`: %s", cases[i].expr, err);
		for (int k = 0; k < N_ROWS; k++)
			got[k] = filter_match(f, &r[k]) ? '1' : '0';
		got[N_ROWS] = '\0';
		ck_assert_msg(!strcmp(got, cases[i].want), "`%s`: rows %s, expected %s", cases[i].expr, got,
			      cases[i].want);
		filter_free(f);
	}
}
END_TEST

START_TEST(test_uses_kubernetes)
{
	static const struct { const char *expr; int uses; } cases[] = {
		{ "pod:web", 1 }, { "!ns:shop", 1 }, { "namespace:/^s/", 1 },
		{ "tcp container:api", 1 }, { "cont:x port:80", 1 },
		{ "web", 0 }, { "process:kubelet", 0 }, { "pod:", 0 }, { "pods:x", 0 }, { "", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct filter *f = filter_compile(cases[i].expr, NULL, 0);
		ck_assert_ptr_nonnull(f);
		ck_assert_msg(filter_uses_kubernetes(f) == cases[i].uses, "`%s`", cases[i].expr);
		filter_free(f);
	}
	ck_assert(!filter_uses_kubernetes(NULL));
}
END_TEST

START_TEST(test_substring_edges)
{
	/* a partial match that restarts ("aab" in "aaab"), a needle at the very
	 * end, a needle longer than the text */
	struct filter_subject s = rows[ROW_D];
	s.app = "aaab";
	struct filter *f = filter_compile("app:aab", NULL, 0);
	ck_assert(filter_match(f, &s));
	filter_free(f);
	f = filter_compile("app:aaab", NULL, 0);
	ck_assert(filter_match(f, &s));
	filter_free(f);
	f = filter_compile("app:aaaab", NULL, 0);
	ck_assert(!filter_match(f, &s));
	filter_free(f);
	f = filter_compile("app:b", NULL, 0);
	ck_assert(filter_match(f, &s));
	filter_free(f);

	/* a very long field: the needle at its end is found */
	static char big[20000];
	memset(big, 'a', sizeof(big) - 1);
	memcpy(big + sizeof(big) - 7, "Needle", 6);
	s.app = big;
	f = filter_compile("app:needle", NULL, 0);
	ck_assert(filter_match(f, &s));
	filter_free(f);

	/* an over-long address is truncated in "addr:port", never overrun */
	s = rows[ROW_A];
	s.local_addr = big;
	f = filter_compile("zzz", NULL, 0);
	ck_assert(!filter_match(f, &s));
	filter_free(f);
}
END_TEST

START_TEST(test_null_fields)
{
	/* outside the contract, but a UI bug must not become a crash */
	struct filter_subject s;
	memset(&s, 0, sizeof(s));
	s.n_extra = 3;		/* with extra == NULL */
	struct filter *f = filter_compile("!x !app:y !/z/ !port:/1/ !sni:q !src:1", NULL, 0);
	ck_assert(filter_match(f, &s));		/* every term ran and failed */
	ck_assert(!filter_match(f, NULL));
	filter_free(f);
	const char *extra[] = { NULL, "xyz" };
	s.extra = extra;
	s.n_extra = 2;
	f = filter_compile("xy", NULL, 0);
	ck_assert(filter_match(f, &s));
	filter_free(f);
}
END_TEST

/* Random expressions from the language's special characters: compile
 * either succeeds or says why, and matching never misbehaves (run under
 * ASan/UBSan and valgrind). */
START_TEST(test_random_exprs)
{
	static const char alphabet[] = "!:/\"\\()[]{}*+?|^$. \tpPortsdcaxe0145-";
	uint32_t x = 2463534242u;
	for (int n = 0; n < 3000; n++) {
		char expr[64];
		x ^= x << 13; x ^= x >> 17; x ^= x << 5;
		size_t len = x % (sizeof(expr) - 1);
		for (size_t i = 0; i < len; i++) {
			x ^= x << 13; x ^= x >> 17; x ^= x << 5;
			expr[i] = alphabet[x % (sizeof(alphabet) - 1)];
		}
		expr[len] = '\0';
		char err[FILTER_ERR_LEN];
		struct filter *f = compile_err(expr, err, sizeof(err));
		if (!f) {
			ck_assert_msg(err[0] != '\0' && memchr(err, '\0', sizeof(err)), "`%s`", expr);
			continue;
		}
		for (int r = 0; r < N_ROWS; r++)
			(void)filter_match(f, &rows[r]);
		filter_free(f);
	}
}
END_TEST

static Suite *filter_suite(void)
{
	Suite *s = suite_create("filter");
	TCase *tc = tcase_create("match");
#define LOOP(fn, table) tcase_add_loop_test(tc, fn, 0, (int)(sizeof(table) / sizeof(table[0])))
	LOOP(test_keywords, keyword_cases);
	LOOP(test_ports, port_cases);
	LOOP(test_regex, regex_cases);
	LOOP(test_logic, logic_cases);
	LOOP(test_free_text, free_cases);
	LOOP(test_empty_and_quotes, empty_quote_cases);
#undef LOOP
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_test(tc, test_bad_regex);
	tcase_add_test(tc, test_costly_regex);
	tcase_add_test(tc, test_bounds);
	tcase_add_test(tc, test_is_empty);
	tcase_add_test(tc, test_ssh_fields);
	tcase_add_test(tc, test_uses_kubernetes);
	tcase_add_test(tc, test_alert_keyword);
	tcase_add_test(tc, test_substring_edges);
	tcase_add_test(tc, test_null_fields);
	tcase_add_test(tc, test_random_exprs);
	suite_add_tcase(s, tc);
	return s;
}

int main(void) { return unit_run(filter_suite()); }
