/*
 * fixture.c - test plugins for the loader, one build per -D variant:
 *   (none)         "toy": a working dissector (TCP and UDP payload that
 *                  starts with "TOY " sets toy.word, toy.count, toy.tags and
 *                  the state TOY_SEEN)
 *   NO_ENTRY       exports no entry symbol
 *   ABI_TWO        claims ABI 2.x (x: this header's minor)
 *   SMALL          descriptor smaller than ABI 1.0's
 *   UNKNOWN_FLAG   sets a flag this netlens does not know
 *   TAIL           a larger descriptor whose unknown tail is not zero
 *   BAD_FIELD      a field key that is not "toy.<part>"
 *   BAD_NAME       a name with capitals
 *   NO_DISSECT     no dissect()
 *   INIT_FAILS     init() returns -1
 *   OTHER_FILE     a second, valid "toy" (a duplicate name)
 *   NAMED_SSH      the working toy named "ssh" (fields ssh.word, ...), to
 *                  replace a built-in dissector of that name
 *   HOSTILE_TEXT   the working toy whose display name and field label carry
 *                  terminal escapes (the UI must not pass them through)
 */
#include <string.h>

#include <netlens/dissector.h>

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void);

#ifdef NAMED_SSH
#define FX_NAME "ssh"
#else
#define FX_NAME "toy"
#endif

enum { F_WORD, F_COUNT, F_TAGS };

static const struct nl_field fields[] = {
#ifdef HOSTILE_TEXT
	{ F_WORD, NL_FIELD_STR, 0, FX_NAME ".word", "Wo\033[2Jrd" },
#else
	{ F_WORD, NL_FIELD_STR, 0, FX_NAME ".word", "Word" },
#endif
#ifdef BAD_FIELD
	{ F_COUNT, NL_FIELD_U64, 0, "Toy Count", "Count" },
#else
	{ F_COUNT, NL_FIELD_U64, 0, FX_NAME ".count", "Count" },
#endif
	{ F_TAGS, NL_FIELD_STR_LIST, 0, FX_NAME ".tags", "Tags" },
};

static const uint16_t ports[] = { 7777 };

struct toy_state { unsigned seen; };

__attribute__((unused)) static enum nl_verdict toy_dissect(const struct nl_host_api *api, struct nl_flow *flow, void *state,
				   const struct nl_payload *p)
{
	struct toy_state *st = state;
	struct nl_reader r = p->data;
	const uint8_t *magic = nl_get_span(&r, 4);
	if (!magic)
		return NL_NEED_MORE;
	if (memcmp(magic, "TOY ", 4))
		return NL_NOT_MINE;
	char word[32];
	size_t n = 0;
	uint8_t c;
	while (n < sizeof(word) && nl_peek_u8(&r, 0, &c) == 0 && c != ' ' && c != '\n') {
		word[n++] = (char)nl_get_u8(&r);
	}
	st->seen++;
	api->set_str(flow, F_WORD, word, n);
	api->set_u64(flow, F_COUNT, st->seen);
	api->add_str(flow, F_TAGS, p->from_client ? "client" : "server", p->from_client ? 6 : 6);
	api->set_state(flow, "TOY_SEEN");
	return st->seen >= 2 ? NL_DONE : NL_NEED_MORE;
}

#ifdef INIT_FAILS
static int toy_init(const struct nl_host_api *api)
{
	(void)api;
	return -1;
}
#endif

#ifdef TAIL
struct bigger { struct nl_dissector d; uint64_t future; };
static const struct bigger big = {
	.d = {
#else
static const struct nl_dissector desc = {
#endif
#if defined(SMALL)
	.struct_size = 24,
#elif defined(TAIL)
	.struct_size = sizeof(struct bigger),
#else
	.struct_size = sizeof(struct nl_dissector),
#endif
#ifdef ABI_TWO
	.abi_major = 2,
#else
	.abi_major = NL_ABI_MAJOR,
#endif
	.abi_minor = NL_ABI_MINOR,
#ifdef UNKNOWN_FLAG
	.flags = 0x80,
#endif
	.transports = NL_TCP | NL_UDP,
#ifdef BAD_NAME
	.name = "Toy",
#else
	.name = FX_NAME,
#endif
	.version = "1.0.0",
	.license = "MIT",
#ifdef OTHER_FILE
	.description = "a second toy",
#else
	.description = "test dissector: payload starting with TOY",
#endif
#ifdef HOSTILE_TEXT
	.display = "TOY\033]0;pwned\a",
#else
	.display = "TOY",
#endif
	.port_hints = ports,
	.n_port_hints = 1,
	.packet_budget = 4,
	.state_size = sizeof(struct toy_state),
	.fields = fields,
	.n_fields = 3,
	.domain_field = F_WORD,
#ifdef INIT_FAILS
	.init = toy_init,
#endif
#ifndef NO_DISSECT
	.dissect = toy_dissect,
#endif
#ifdef TAIL
	},
	.future = 1,
};
#define desc big.d
#else
};
#endif

#ifdef NO_ENTRY
const struct nl_dissector *some_other_name(void);
const struct nl_dissector *some_other_name(void) { return &desc; }
#else
NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void) { return &desc; }
#endif
