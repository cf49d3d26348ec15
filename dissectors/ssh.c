/*
 * ssh.c - SSH identification strings and the clear-text key exchange.
 *
 * RFC 4253 (SSH transport layer), §4.2 and §6; RFC 4250 §4.1 (message
 * numbers).
 *
 * Each side first sends its identification string (§4.2); a server may
 * send other lines of data before it:
 *
 *   "SSH-" protoversion "-" softwareversion [ SP comments ] CR LF
 *   at most 255 bytes including CR LF, no NUL; "1.99" means "2.0 and 1.x"
 *
 * then, on SSH 2, binary packets (§6), in the clear until that side's
 * SSH_MSG_NEWKEYS (no MAC yet):
 *
 *   0                   1                   2                   3
 *   +-------+-------+-------+-------+-------+-------+---------------+
 *   |        packet_length (32)     |pad len| msg   | payload ...   |
 *   +-------+-------+-------+-------+-------+-------+---------------+
 *   | ... random padding (pad len >= 4)                             |
 *   +---------------------------------------------------------------+
 *   packet_length counts pad len + payload + padding; <= 35000 here.
 *
 * What can and cannot be known. The labels are SSH_BANNER (an
 * identification string was seen), SSH_KEYEXCHANGE (a clear-text key
 * exchange message, 20-49, was seen), SSH_AUTHENTICATION and
 * SSH_ESTABLISHED. After NEWKEYS every byte, message numbers included, is
 * normally encrypted: SERVICE_REQUEST, the user authentication (50-79) and
 * its success or failure are invisible, and SSH_ESTABLISHED (both sides
 * sent SSH_MSG_NEWKEYS) means "the transport is encrypted", not "a user
 * logged in": a flow that then fails authentication keeps that label.
 * (Scanning ciphertext for packet framing to find USERAUTH_SUCCESS, as
 * RustNet does, only finds noise.) Only when both KEXINITs offer cipher
 * and MAC "none" for a direction may its messages stay clear: then they
 * are read (clear_phase), SERVICE_REQUEST or a user authentication message
 * gives SSH_AUTHENTICATION, USERAUTH_SUCCESS or a connection message
 * SSH_ESTABLISHED; a first packet that does not frame as a clear one means
 * another cipher was chosen, and SSH_ESTABLISHED as above. SSH 1
 * (any version other than 2.0 / 1.99 on either side) uses another packet
 * format, which is not read: only the banners are.
 *
 * The KEXINITs (RFC 4253 §7.1) are read too: each side's name-lists, so
 * that once both are known the algorithms the two ends agree on are shown
 * (for each list the first name of the client's that the server also
 * offers), and each side's HASSH (MD5 of its "kex;ciphers;MACs;
 * compression" lists, the client's for its direction, the server's for
 * its own: tshark's ssh.kex.hassh and hasshserver), where the plugin is
 * built with libcrypto. The first side's lists are kept as 32-bit hashes of
 * their names (no text): the chosen name's text comes from the second
 * side's KEXINIT, which has it too.
 *
 * Stream mode: each call has the direction's stream from byte 0 (ABI
 * 1.0) or from the first byte not consumed (1.1: whole lines and packets
 * read are consumed, and a side with nothing more to show is consumed
 * whole); each direction resumes where its last complete line or packet
 * ended.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <netlens/dissector.h>

#ifdef SSH_WITH_LIBCRYPTO
#include <openssl/evp.h>
#endif

#define SSH_MAX_ID 255		/* identification string incl. CR LF (§4.2) */
#define SSH_MAX_PRE_LINES 16	/* server lines before its identification */
#define SSH_MAX_PRE_LINE 1024	/* bytes of one such line */
#define SSH_MAX_PACKET 35000	/* packet_length bound (§6.1) */
#define SSH_MAX_CLEAR_PACKETS 32	/* clear-text packets read per direction */
/* Stream deliveries per flow: every line a server may send before its
 * identification (one a segment, as a banner printed line by line is),
 * then both sides' identification, KEXINIT, key exchange and NEWKEYS:
 * about 3 KB a side with a post-quantum exchange (mlkem768x25519 sends
 * 1.2 KB each way), a dozen segments at a common MSS, and room for it in
 * small segments (which the host counts in 128-byte parts). */
#define SSH_BUDGET (SSH_MAX_PRE_LINES + 48)

enum ssh_field {
	F_CLIENT_BANNER, F_SERVER_BANNER, F_CLIENT_SOFTWARE, F_SERVER_SOFTWARE, F_VERSION,
	F_KEX, F_HOST_KEY, F_CIPHER_C2S, F_CIPHER_S2C, F_MAC_C2S, F_MAC_S2C, F_HASSH, F_HASSH_SERVER,
	F_COUNT
};

static const struct nl_field ssh_fields[F_COUNT] = {
	{ F_CLIENT_BANNER, NL_FIELD_STR, 0, "ssh.client_banner", "Client banner" },
	{ F_SERVER_BANNER, NL_FIELD_STR, 0, "ssh.server_banner", "Server banner" },
	{ F_CLIENT_SOFTWARE, NL_FIELD_STR, 0, "ssh.client_software", "Client software" },
	{ F_SERVER_SOFTWARE, NL_FIELD_STR, 0, "ssh.server_software", "Server software" },
	{ F_VERSION, NL_FIELD_STR, 0, "ssh.version", "Protocol version" },
	{ F_KEX, NL_FIELD_STR, 0, "ssh.kex_algorithm", "Key exchange" },
	{ F_HOST_KEY, NL_FIELD_STR, 0, "ssh.host_key_algorithm", "Host key" },
	{ F_CIPHER_C2S, NL_FIELD_STR, 0, "ssh.cipher_c2s", "Cipher client to server" },
	{ F_CIPHER_S2C, NL_FIELD_STR, 0, "ssh.cipher_s2c", "Cipher server to client" },
	{ F_MAC_C2S, NL_FIELD_STR, 0, "ssh.mac_c2s", "MAC client to server" },
	{ F_MAC_S2C, NL_FIELD_STR, 0, "ssh.mac_s2c", "MAC server to client" },
	{ F_HASSH, NL_FIELD_STR, 0, "ssh.hassh", "Client HASSH" },
	{ F_HASSH_SERVER, NL_FIELD_STR, 0, "ssh.hassh_server", "Server HASSH" },
};

/* The KEXINIT name-lists negotiated (RFC 4253 §7.1), in their order there. */
enum { KL_KEX, KL_HOST_KEY, KL_CIPHER_C2S, KL_CIPHER_S2C, KL_MAC_C2S, KL_MAC_S2C, KL_COUNT };
#define KL_ALL 10		/* every name-list of a KEXINIT, languages included */
#define SSH_KEX_NAMES 24	/* names of a list kept (OpenSSH 9 offers 6-14) */

/* A side's first KEXINIT: each negotiated list's names as 32-bit hashes. */
struct ssh_kexinit {
	uint32_t name[KL_COUNT][SSH_KEX_NAMES];
	uint8_t n[KL_COUNT];
	uint8_t over;		/* bit i: list i had more names than kept */
	uint8_t seen;
};

/* Message numbers (RFC 4250 §4.1.2). */
#define MSG_DISCONNECT 1
#define MSG_DEBUG 4
#define MSG_KEXINIT 20
#define MSG_NEWKEYS 21
#define MSG_KEX_FIRST 30	/* 30-49: key exchange method specific */
#define MSG_KEX_LAST 49

/* ssh_dir.flags */
#define SD_BANNER 0x01		/* identification string read */
#define SD_KEX 0x02		/* a key exchange message (20-49) seen */
#define SD_NEWKEYS 0x04		/* NEWKEYS seen: the rest is encrypted */
#define SD_STOP 0x08		/* nothing more to read (DISCONNECT, caps) */
#define SD_DISCONNECT 0x10	/* a clear-text DISCONNECT: the flow is ending */
#define SD_NONE_C2S 0x20	/* its KEXINIT offers cipher "none" client to server */
#define SD_NONE_S2C 0x40	/* ... and server to client */
#define SD_CLEAR 0x80		/* past NEWKEYS its packets were read in the clear */

/* ssh_state.flags */
#define SS_MINE 0x01		/* "SSH-" began a line */
#define SS_V1 0x02		/* a side speaks SSH 1 only: no binary packets read */

enum ssh_label { L_NONE, L_BANNER, L_KEX, L_AUTH, L_ESTABLISHED };

struct ssh_dir {
	uint32_t off;		/* bytes read of the call's data: whole lines / packets
				 * (under ABI 1.1 consumed after each call, so 0 again) */
	uint16_t packets;	/* clear-text packets read */
	uint8_t lines;		/* lines read before the identification */
	uint8_t flags;		/* SD_* */
};

struct ssh_state {
	struct ssh_dir dir[2];	/* [1]: from the client */
	struct ssh_kexinit kex[2];	/* [1]: the client's */
	uint8_t flags;		/* SS_* */
	uint8_t label;		/* enum ssh_label set so far */
	uint8_t seen;		/* L_AUTH / L_ESTABLISHED shown by clear messages */
};

/* Message numbers past NEWKEYS, readable only under cipher "none". */
#define MSG_SERVICE_REQUEST 5
#define MSG_SERVICE_ACCEPT 6
#define MSG_USERAUTH_FIRST 50	/* 50-79: user authentication (RFC 4252) */
#define MSG_USERAUTH_SUCCESS 52
#define MSG_USERAUTH_LAST 79
#define MSG_CONNECTION_FIRST 80	/* 80-127: connection protocol (RFC 4254) */
#define MSG_CONNECTION_LAST 127

enum scan { SCAN_OK, SCAN_MORE, SCAN_BAD };

/* Copies n bytes (at most NL_MAX_STR) of r into a string field. */
static void set_str_from(const struct nl_host_api *api, struct nl_flow *flow, uint16_t field,
			 struct nl_reader *r, size_t n)
{
	char buf[NL_MAX_STR];
	if (n > sizeof(buf))
		n = sizeof(buf);
	if (nl_get_bytes(r, buf, n) == 0)
		api->set_str(flow, field, buf, n);
}

/*
 * The line at r (r not moved): *content bytes before CR LF or LF, *total
 * with them. Allowed bytes: printable ASCII; also TAB and bytes >= 0x80
 * when text_ok (lines other than the identification, and its comments
 * after the first SP). At most max bytes including the line end.
 */
static enum scan scan_line(const struct nl_reader *r, size_t max, int text_ok, size_t *content,
			   size_t *total)
{
	size_t left = nl_reader_left(r);
	int after_sp = text_ok;
	for (size_t i = 0; i < left; i++) {
		uint8_t c = 0;
		nl_peek_u8(r, i, &c);
		if (c == '\n' || c == '\r') {
			size_t end = i + 1;
			if (c == '\r') {
				if (nl_peek_u8(r, i + 1, &c) < 0)
					return i + 2 > max ? SCAN_BAD : SCAN_MORE;
				if (c != '\n')
					return SCAN_BAD;
				end = i + 2;
			}
			if (end > max)
				return SCAN_BAD;
			*content = i;
			*total = end;
			return SCAN_OK;
		}
		if (i + 1 >= max)
			return SCAN_BAD;	/* no room left for the line end */
		if (c == ' ')
			after_sp = 1;
		if (c >= 0x20 && c < 0x7f)
			continue;
		if (after_sp && (c == '\t' || c >= 0x80))
			continue;
		return SCAN_BAD;
	}
	return SCAN_MORE;
}

/* How much of "SSH-" the bytes at r match: SCAN_OK all 4, SCAN_MORE a
 * shorter prefix (all there is), SCAN_BAD otherwise. */
static enum scan ssh_prefix(const struct nl_reader *r)
{
	static const char pfx[] = "SSH-";
	for (size_t i = 0; i < 4; i++) {
		uint8_t c;
		if (nl_peek_u8(r, i, &c) < 0)
			return SCAN_MORE;
		if (c != (uint8_t)pfx[i])
			return SCAN_BAD;
	}
	return SCAN_OK;
}

/* True when the n bytes at r are the string s. */
static int bytes_are(const struct nl_reader *r, size_t n, const char *s)
{
	if (strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = 0;
		if (nl_peek_u8(r, i, &c) < 0 || c != (uint8_t)s[i])
			return 0;
	}
	return 1;
}

/* One complete identification string, without its line end. */
static enum scan id_line(const struct nl_host_api *api, struct nl_flow *flow,
			 struct ssh_state *st, int client, struct nl_reader line)
{
	size_t len = nl_reader_left(&line), pv, sv;
	uint8_t c = 0;

	/* protoversion: after "SSH-", up to '-', no SP. */
	for (pv = 4; pv < len; pv++) {
		nl_peek_u8(&line, pv, &c);
		if (c == '-' || c == ' ')
			break;
	}
	if (pv == 4 || pv == len || c != '-')
		return SCAN_BAD;
	/* softwareversion: up to SP or the end. Real ones hold '-' too
	 * ("SSH-1.99-Cisco-1.25"), so only SP ends it. */
	for (sv = pv + 1; sv < len; sv++) {
		nl_peek_u8(&line, sv, &c);
		if (c == ' ')
			break;
	}
	if (sv == pv + 1)
		return SCAN_BAD;

	struct nl_reader t = line;
	set_str_from(api, flow, client ? F_CLIENT_BANNER : F_SERVER_BANNER, &t, len);
	t = line;
	nl_reader_skip(&t, pv + 1);
	set_str_from(api, flow, client ? F_CLIENT_SOFTWARE : F_SERVER_SOFTWARE, &t, sv - pv - 1);

	t = line;
	nl_reader_skip(&t, 4);
	int v2 = bytes_are(&t, pv - 4, "2.0") || bytes_are(&t, pv - 4, "1.99");
	if (!v2)
		st->flags |= SS_V1;
	/* The client's choice wins; the server's stands until it is known. */
	if (client || !(st->dir[1].flags & SD_BANNER)) {
		if (v2)
			api->set_str(flow, F_VERSION, "2.0", 3);
		else
			set_str_from(api, flow, F_VERSION, &t, pv - 4);
	}
	return SCAN_OK;
}

/* Lines up to and including the identification string. */
static enum scan banner_phase(const struct nl_host_api *api, struct nl_flow *flow,
			      struct ssh_state *st, int client, struct nl_reader *r)
{
	struct ssh_dir *d = &st->dir[client];
	for (;;) {
		size_t content = 0, total = 0;
		enum scan s = ssh_prefix(r);
		if (s == SCAN_MORE)
			return SCAN_MORE;
		if (s == SCAN_OK) {
			st->flags |= SS_MINE;
			s = scan_line(r, SSH_MAX_ID, 0, &content, &total);
			if (s != SCAN_OK)
				return s;
			struct nl_reader line = nl_reader_sub(r, content);
			nl_reader_skip(r, total - content);
			s = id_line(api, flow, st, client, line);
			if (s != SCAN_OK)
				return s;
			d->flags |= SD_BANNER;
			d->off = (uint32_t)nl_reader_offset(r);
			return SCAN_OK;
		}
		/* Not "SSH-": only a server may send other lines first. */
		if (client || d->lines >= SSH_MAX_PRE_LINES)
			return SCAN_BAD;
		s = scan_line(r, SSH_MAX_PRE_LINE, 1, &content, &total);
		if (s != SCAN_OK)
			return s;
		nl_reader_skip(r, total);
		d->lines++;
		d->off = (uint32_t)nl_reader_offset(r);
	}
}

/* A name-list's bytes (RFC 4251 §5), taken from the reader as one checked
 * span: a KEXINIT's lists are its bulk, a kilobyte or two a side, so they
 * are walked as bytes, not a reader call a byte. */
struct names {
	const uint8_t *b;
	size_t left;
};

static struct names names_of(struct nl_reader l)
{
	size_t n = nl_reader_left(&l);
	const uint8_t *b = nl_get_span(&l, n);
	return (struct names){ b, b ? n : 0 };
}

/* The next name of a comma-separated name-list (*name, *len); 0 at its
 * end. An empty name (",,") is passed over. */
static int next_name(struct names *l, const uint8_t **name, size_t *len)
{
	while (l->left) {
		const uint8_t *comma = memchr(l->b, ',', l->left);
		size_t n = comma ? (size_t)(comma - l->b) : l->left;
		*name = l->b;
		*len = n;
		l->b += n + (comma != NULL);
		l->left -= n + (comma != NULL);
		if (n)
			return 1;
	}
	return 0;
}

/* A 32-bit hash of a name: the first KEXINIT's lists are kept as these.
 * Eight bytes a step (names are 10-40 bytes); only compared within this
 * process, so the byte order of the load does not matter. */
static uint32_t name_hash(const uint8_t *b, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15u ^ n;
	for (; n >= 8; b += 8, n -= 8) {
		uint64_t w;
		memcpy(&w, b, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h ^= h >> 29;
	}
	uint64_t w = 0;
	for (size_t i = 0; i < n; i++)
		w |= (uint64_t)b[i] << (8 * i);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
	return (uint32_t)(h ^ (h >> 32));
}

/* Where h is in v[0..n), or -1. */
static int hash_at(const uint32_t *v, unsigned n, uint32_t h)
{
	for (unsigned i = 0; i < n; i++)
		if (v[i] == h)
			return (int)i;
	return -1;
}

/* An AEAD cipher authenticates with its own tag: the MAC negotiated beside
 * it is not used (OpenSSH prints "MAC: <implicit>"). */
static int is_aead(struct nl_reader n)
{
	static const char *const aead[] = { "chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com",
					    "aes256-gcm@openssh.com", "AEAD_AES_128_GCM",
					    "AEAD_AES_256_GCM" };
	for (size_t i = 0; i < sizeof(aead) / sizeof(aead[0]); i++)
		if (bytes_are(&n, nl_reader_left(&n), aead[i]))
			return 1;
	return 0;
}

/*
 * Both KEXINITs known, this call's (side `client`) with its lists' text:
 * for each negotiated list, the first name of the client's that the
 * server's holds. The side kept as hashes may have been cut at
 * SSH_KEX_NAMES: where that leaves the answer open, nothing is shown.
 */
static void negotiate(const struct nl_host_api *api, struct nl_flow *flow, const struct ssh_state *st,
		      int client, const struct nl_reader *lists)
{
	static const uint16_t field[KL_COUNT] = { F_KEX, F_HOST_KEY, F_CIPHER_C2S, F_CIPHER_S2C,
						  F_MAC_C2S, F_MAC_S2C };
	const struct ssh_kexinit *kept = &st->kex[!client], *mine = &st->kex[client];
	int aead[2] = { 0, 0 };	/* c2s, s2c */
	for (int i = 0; i < KL_COUNT; i++) {
		struct names l = names_of(lists[i]);
		const uint8_t *name = NULL, *chosen = NULL;
		size_t len = 0, chosen_len = 0;
		if (client) {
			/* the client's names in their order, against the server's hashes */
			while (!chosen && next_name(&l, &name, &len)) {
				if (hash_at(kept->name[i], kept->n[i], name_hash(name, len)) >= 0)
					chosen = name, chosen_len = len;
				else if (kept->over & (1u << i))
					break;	/* it may be in the server's names not kept */
			}
		} else {
			/* the client's hashes in their order, against the server's:
			 * its names just kept (hashed once), then any past them */
			for (unsigned k = 0; k < kept->n[i] && !chosen; k++) {
				int at = hash_at(mine->name[i], mine->n[i], kept->name[i][k]);
				l = names_of(lists[i]);
				if (at >= 0) {
					for (int j = 0; j <= at; j++)
						next_name(&l, &name, &len);
					chosen = name, chosen_len = len;
				} else if (mine->over & (1u << i)) {
					for (unsigned j = 0; j < mine->n[i]; j++)
						next_name(&l, &name, &len);
					while (!chosen && next_name(&l, &name, &len))
						if (name_hash(name, len) == kept->name[i][k])
							chosen = name, chosen_len = len;
				}
			}
		}
		if (!chosen)
			continue;
		struct nl_reader c = nl_reader_make(chosen, chosen_len);
		if (i == KL_CIPHER_C2S || i == KL_CIPHER_S2C)
			aead[i - KL_CIPHER_C2S] = is_aead(c);
		if ((i == KL_MAC_C2S || i == KL_MAC_S2C) && aead[i - KL_MAC_C2S])
			continue;
		set_str_from(api, flow, field[i], &c, chosen_len);
	}
}

#ifdef SSH_WITH_LIBCRYPTO
/* Fetched once (init), as tls does; NULL: no HASSH. */
static EVP_MD *ssh_md;
static EVP_MD_CTX *ssh_md_ctx;

static void ssh_fini(void)
{
	EVP_MD_CTX_free(ssh_md_ctx);
	ssh_md_ctx = NULL;
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	EVP_MD_free(ssh_md);
#endif
	ssh_md = NULL;
}

static int ssh_init(const struct nl_host_api *api)
{
	(void)api;
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	ssh_md = EVP_MD_fetch(NULL, "MD5", NULL);
#else
	ssh_md = (EVP_MD *)EVP_md5();
#endif
	ssh_md_ctx = ssh_md ? EVP_MD_CTX_new() : NULL;
	if (!ssh_md_ctx)
		ssh_fini();
	return 0;
}

/* HASSH (Salesforce): MD5 of "kex;cipher;mac;compression", the client's
 * client-to-server lists or the server's server-to-client ones. */
static void hassh(const struct nl_host_api *api, struct nl_flow *flow, int client,
		  const struct nl_reader *lists)
{
	const int part[4] = { 0, client ? 2 : 3, client ? 4 : 5, client ? 6 : 7 };
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (!ssh_md_ctx || !EVP_DigestInit_ex(ssh_md_ctx, ssh_md, NULL))
		return;
	for (int i = 0; i < 4; i++) {
		struct nl_reader l = lists[part[i]];
		size_t len = nl_reader_left(&l);
		const uint8_t *b = nl_get_span(&l, len);
		if ((i && !EVP_DigestUpdate(ssh_md_ctx, ";", 1)) ||
		    (len && (!b || !EVP_DigestUpdate(ssh_md_ctx, b, len))))
			return;
	}
	if (!EVP_DigestFinal_ex(ssh_md_ctx, d, &n) || n != 16)
		return;
	static const char hex[] = "0123456789abcdef";
	char text[32];
	for (int i = 0; i < 16; i++) {
		text[2 * i] = hex[d[i] >> 4];
		text[2 * i + 1] = hex[d[i] & 15];
	}
	api->set_str(flow, client ? F_HASSH : F_HASSH_SERVER, text, 32);
}
#endif

/*
 * A KEXINIT (its payload after the message number; RFC 4253 §7.1: cookie,
 * then kex, host key, cipher c2s, s2c, MAC c2s, s2c, compression c2s,
 * s2c, language c2s, s2c name-lists). Returns whether this side offers
 * cipher and MAC "none" in each direction (SD_NONE_*; lists that do not
 * parse offer nothing). A side's first one also gives its HASSH, its
 * lists kept, and once both sides' are known the algorithms agreed; one
 * that does not parse whole is passed over. Each list is walked once.
 */
static uint8_t kexinit_read(const struct nl_host_api *api, struct nl_flow *flow, struct ssh_state *st,
			    int client, struct nl_reader pl)
{
	struct ssh_kexinit *k = &st->kex[client];
	struct nl_reader lists[KL_ALL];
	int parsed = 0;
	nl_reader_skip(&pl, 16);	/* cookie */
	for (; parsed < KL_ALL; parsed++) {
		uint32_t len = nl_get_be32(&pl);
		if (!nl_reader_ok(&pl) || len > nl_reader_left(&pl))
			break;
		lists[parsed] = nl_reader_sub(&pl, len);
	}
	if (parsed < KL_COUNT)
		return 0;
	/* A re-key's KEXINIT is encrypted anyway: only the first is read.
	 * Its names are kept for the other side's to be matched against; the
	 * server's too when it is the second (the client's hashes are then
	 * looked up in it). A client's second one is matched name by name,
	 * usually its first. */
	const int read = !k->seen && parsed == KL_ALL;
	const int keep = read && (!st->kex[!client].seen || !client);
	int none[KL_COUNT] = { 0 };
	for (int i = keep ? 0 : KL_CIPHER_C2S; i < KL_COUNT; i++) {
		struct names l = names_of(lists[i]);
		const uint8_t *name;
		size_t len;
		int hashing = keep;
		while (next_name(&l, &name, &len)) {
			if (i >= KL_CIPHER_C2S && len == 4 && !memcmp(name, "none", 4))
				none[i] = 1;
			if (hashing && k->n[i] == SSH_KEX_NAMES) {
				k->over |= (uint8_t)(1u << i);
				hashing = 0;
			}
			if (hashing)
				k->name[i][k->n[i]++] = name_hash(name, len);
			else if (i < KL_CIPHER_C2S || none[i])
				break;	/* nothing more to learn from this list */
		}
	}
	const uint8_t offers_none = (uint8_t)((none[KL_CIPHER_C2S] && none[KL_MAC_C2S] ? SD_NONE_C2S : 0) |
					      (none[KL_CIPHER_S2C] && none[KL_MAC_S2C] ? SD_NONE_S2C : 0));
	if (!read)
		return offers_none;
	k->seen = 1;
#ifdef SSH_WITH_LIBCRYPTO
	hassh(api, flow, client, lists);
#endif
	if (st->kex[!client].seen)
		negotiate(api, flow, st, client, lists);
	return offers_none;
}

/* Clear-text binary packets, up to NEWKEYS. */
static enum scan packet_phase(const struct nl_host_api *api, struct nl_flow *flow, struct ssh_state *st,
			      int client, struct nl_reader *r)
{
	struct ssh_dir *d = &st->dir[client];
	while (!(d->flags & (SD_NEWKEYS | SD_STOP))) {
		if (d->packets >= SSH_MAX_CLEAR_PACKETS) {
			d->flags |= SD_STOP;
			break;
		}
		struct nl_reader h = nl_reader_rest(r);
		const uint8_t *p = nl_get_span(&h, 6);
		if (!p)
			return SCAN_MORE;
		uint32_t plen = nl_span_be32(p, 0);
		uint8_t pad = p[4], msg = p[5];
		if (plen > SSH_MAX_PACKET || pad < 4 || plen < (uint32_t)pad + 2)
			return SCAN_BAD;
		/* Clear text holds only transport generic (1-4) and key
		 * exchange (20-49) messages (RFC 4253 §7). */
		if (!((msg >= MSG_DISCONNECT && msg <= MSG_DEBUG) || msg == MSG_KEXINIT ||
		      msg == MSG_NEWKEYS || (msg >= MSG_KEX_FIRST && msg <= MSG_KEX_LAST)))
			return SCAN_BAD;
		if (!nl_reader_has(r, (size_t)plen + 4))
			return SCAN_MORE;
		if (msg == MSG_KEXINIT) {
			struct nl_reader pl = nl_reader_rest(r);
			nl_reader_skip(&pl, 6);
			pl = nl_reader_sub(&pl, plen - pad - 2);
			d->flags |= kexinit_read(api, flow, st, client, pl);
		}
		nl_reader_skip(r, (size_t)plen + 4);
		d->off = (uint32_t)nl_reader_offset(r);
		d->packets++;
		if (msg >= MSG_KEXINIT)
			d->flags |= SD_KEX;
		if (msg == MSG_NEWKEYS)
			d->flags |= SD_NEWKEYS;
		else if (msg == MSG_DISCONNECT)
			d->flags |= SD_STOP | SD_DISCONNECT;
	}
	return SCAN_OK;
}

/*
 * Past NEWKEYS, when both KEXINITs offered cipher and MAC "none" for this
 * direction (never so in stock OpenSSH; some embedded and HPN builds), the
 * packets may still be clear: the first must frame as a "none" packet does
 * (length + 4 a multiple of 8, RFC 4253 §6) and carry a message of the
 * service, user authentication or connection protocols, or the direction
 * is taken as encrypted and stopped. SERVICE_REQUEST or a user
 * authentication message shows authentication under way, USERAUTH_SUCCESS
 * or a connection message an established session. A packet that stops
 * framing later (another MAC than "none" was chosen after all) just ends
 * the reading.
 */
static void clear_phase(struct ssh_state *st, struct ssh_dir *d, struct nl_reader *r)
{
	while (!(d->flags & SD_STOP)) {
		if (d->packets >= SSH_MAX_CLEAR_PACKETS) {
			d->flags |= SD_STOP;
			break;
		}
		struct nl_reader h = nl_reader_rest(r);
		const uint8_t *p = nl_get_span(&h, 6);
		if (!p)
			return;
		uint32_t plen = nl_span_be32(p, 0);
		uint8_t pad = p[4], msg = p[5];
		int known = msg == MSG_SERVICE_REQUEST || msg == MSG_SERVICE_ACCEPT ||
			    (msg >= MSG_DISCONNECT && msg <= MSG_DEBUG) ||
			    (msg >= MSG_USERAUTH_FIRST && msg <= MSG_CONNECTION_LAST);
		if (plen > SSH_MAX_PACKET || pad < 4 || plen < (uint32_t)pad + 2 || (plen + 4) % 8 || !known) {
			d->flags |= SD_STOP;
			break;
		}
		if (!nl_reader_has(r, (size_t)plen + 4))
			return;
		nl_reader_skip(r, (size_t)plen + 4);
		d->off = (uint32_t)nl_reader_offset(r);
		d->packets++;
		d->flags |= SD_CLEAR;
		if (msg == MSG_SERVICE_REQUEST || (msg >= MSG_USERAUTH_FIRST && msg <= MSG_USERAUTH_LAST &&
						   msg != MSG_USERAUTH_SUCCESS)) {
			if (st->seen < L_AUTH)
				st->seen = L_AUTH;
		} else if (msg == MSG_USERAUTH_SUCCESS || msg >= MSG_CONNECTION_FIRST) {
			st->seen = L_ESTABLISHED;
		} else if (msg == MSG_DISCONNECT) {
			d->flags |= SD_STOP | SD_DISCONNECT;
		}
	}
}

/* Whether this direction may be clear past NEWKEYS: both sides offered
 * "none" for it. */
static int may_be_clear(const struct ssh_state *st, int client)
{
	uint8_t bit = client ? SD_NONE_C2S : SD_NONE_S2C;
	return (st->dir[0].flags & bit) && (st->dir[1].flags & bit);
}

static enum nl_verdict ssh_dissect(const struct nl_host_api *api, struct nl_flow *flow,
				   void *state, const struct nl_payload *p)
{
	struct ssh_state *st = state;
	int client = p->from_client ? 1 : 0;
	struct ssh_dir *d, *o;
	enum scan s = SCAN_OK;

	if (!st || p->transport != NL_TCP)
		return NL_NOT_MINE;
	d = &st->dir[client];
	o = &st->dir[!client];

	/* Offsets kept in state count from this call's first byte: the
	 * stream's first under ABI 1.0, the first not consumed under 1.1. */
	struct nl_reader r = nl_reader_rest(&p->data);
	size_t stream_len = nl_reader_left(&r);
	if (nl_reader_seek(&r, d->off) < 0)
		return NL_NEED_MORE;	/* shorter than before: not per contract; wait */
	if (!(d->flags & SD_BANNER))
		s = banner_phase(api, flow, st, client, &r);
	if (s == SCAN_OK && (d->flags & SD_BANNER) && !(st->flags & SS_V1))
		s = packet_phase(api, flow, st, client, &r);
	/* Past NEWKEYS a side is encrypted unless both KEXINITs offered
	 * "none" for it; decided once the peer's KEXINIT is known (this
	 * side's NEWKEYS may be read first), for the peer too. */
	if (s == SCAN_OK && (d->flags & SD_NEWKEYS) && !(d->flags & SD_STOP) && (o->flags & SD_KEX)) {
		if (may_be_clear(st, client))
			clear_phase(st, d, &r);
		else
			d->flags |= SD_STOP;	/* encrypted from here */
	}
	if ((o->flags & SD_NEWKEYS) && !(o->flags & (SD_STOP | SD_CLEAR)) && (d->flags & SD_KEX) &&
	    !may_be_clear(st, !client))
		o->flags |= SD_STOP;
	/* The host keeps no more than NL_MAX_STREAM bytes. */
	if (s == SCAN_MORE && stream_len >= NL_MAX_STREAM) {
		if (!(d->flags & SD_BANNER))
			s = SCAN_BAD;
		else
			d->flags |= SD_STOP;
	}
	/* ABI 1.1: what is read is not read again, and a stopped side not at
	 * all; the host then starts this side's next call where off was. */
	if (s != SCAN_BAD && NL_HOST_HAS(api, consume)) {
		size_t done = (d->flags & SD_STOP) ? stream_len : d->off;
		if (done && api->consume(flow, done) == 0)
			d->off = 0;
	}
	if (s == SCAN_BAD)
		return (st->flags & SS_MINE) ? NL_MALFORMED : NL_NOT_MINE;

	enum ssh_label l = L_NONE;
	if ((d->flags | o->flags) & SD_BANNER)
		l = L_BANNER;
	if ((d->flags | o->flags) & SD_KEX)
		l = L_KEX;
	/* Both past NEWKEYS: established, unless a side that may still be
	 * clear has not shown yet whether it is; then its messages tell. */
	if (d->flags & o->flags & SD_NEWKEYS) {
		int pending = 0;
		for (int i = 0; i < 2; i++)
			if (!(st->dir[i].flags & (SD_STOP | SD_CLEAR)))
				pending = 1;
		int clear = (d->flags | o->flags) & SD_CLEAR;
		if (st->seen)
			l = (enum ssh_label)st->seen;
		else if (!pending && !clear)
			l = L_ESTABLISHED;
	}
	if (l > st->label) {
		static const char *const names[] = { "", "SSH_BANNER", "SSH_KEYEXCHANGE",
						     "SSH_AUTHENTICATION", "SSH_ESTABLISHED" };
		st->label = (uint8_t)l;
		api->set_state(flow, names[l]);
	}

	/* Done when both banners are known and neither side has clear text
	 * left to show: past NEWKEYS, stopped, or SSH 1; or one side hung up. */
	if (d->flags & o->flags & SD_BANNER) {
		if ((st->flags & SS_V1) || ((d->flags | o->flags) & SD_DISCONNECT))
			return NL_DONE;
		if ((d->flags & SD_STOP) && (o->flags & SD_STOP))
			return NL_DONE;
	}
	return NL_NEED_MORE;
}

static const uint16_t ssh_ports[] = { 22, 2222 };

static const struct nl_dissector ssh_dissector = {
	.struct_size = sizeof(struct nl_dissector),
	.abi_major = NL_ABI_MAJOR,
	.abi_minor = NL_ABI_MINOR,
	.flags = NL_DESC_STREAM,
	.transports = NL_TCP,
	.name = "ssh",
	.version = "1.0.0",
	.license = "MIT",
	.description = "SSH identification strings, software, algorithms agreed, HASSH and key exchange progress",
	.display = "SSH",
	.port_hints = ssh_ports,
	.n_port_hints = sizeof(ssh_ports) / sizeof(ssh_ports[0]),
	.packet_budget = SSH_BUDGET,
	.idle_timeout_s = 1800,		/* RustNet: ESTABLISHED + SSH 1800 s */
	.state_size = sizeof(struct ssh_state),
	.fields = ssh_fields,
	.n_fields = F_COUNT,
	.domain_field = -1,
#ifdef SSH_WITH_LIBCRYPTO
	.init = ssh_init,
	.fini = ssh_fini,
#endif
	.dissect = ssh_dissect,
};

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void);

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void)
{
	return &ssh_dissector;
}
