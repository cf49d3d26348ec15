/* crosscheck_dump.c - prints version, SNI, first ALPN and close error the QUIC
 * dissector finds in each capture of captures.inc (used by crosscheck.sh). */
#include <stdio.h>
#include "fakehost.h"
struct cap_dgram { int from_client; size_t len; const uint8_t *bytes; };
#include "vectors/quic/captures.inc"
const struct nl_dissector *netlens_dissector_entry(void);
static void run(const char *name, const struct cap_dgram *c, size_t n) {
	struct fh_flow ff; fh_open(&ff, netlens_dissector_entry());
	int v = 0; size_t i;
	for (i = 0; i < n && v == 0; i++) v = fh_feed(&ff, NL_UDP, c[i].from_client, 1, 2, c[i].bytes, c[i].len, 0);
	const char *s = fh_str(&ff, "quic.sni"), *ver = fh_str(&ff, "quic.version"), *a = fh_list(&ff, "quic.alpn", 0), *ce = fh_str(&ff, "quic.close_error");
	printf("%s\t%s\t%s\t%s\t%s\n", name, ver ? ver : "", s ? s : "", a ? a : "", ce ? ce : "");
	fh_close(&ff);
}
#define R(x) run(#x, cap_##x, sizeof(cap_##x)/sizeof(cap_##x[0]))
int main(void) { R(basic); R(retry); R(d29); R(close); R(bighello); return 0; }
