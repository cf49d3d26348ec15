/*
 * test_abi.c - freezes the dissector ABI 1.5 layout (x86_64 / LP64).
 *
 * A change that moves any member of a struct crossing the plugin boundary
 * breaks every plugin built before it: it must bump NL_ABI_MAJOR (and this
 * test), or add members only at the end (NL_ABI_MINOR). The figures below
 * were taken from the 1.0 header (1.1 added nl_host_api.consume at its end,
 * 1.2 ignore_direction after it, 1.3 nl_payload's ip_version and wire_len
 * at its end, 1.4 nl_host_api.set_idle_timeout at its end, 1.5 nl_payload's
 * gap at its end) and are not to be regenerated casually.
 */
#include "config.h"

#include <stddef.h>

#include "unit.h"
#include <netlens/dissector.h>

START_TEST(abi_version)
{
	ck_assert_int_eq(NL_ABI_MAJOR, 1);
	ck_assert_int_ge(NL_ABI_MINOR, 5);
	ck_assert_str_eq(NL_DISSECTOR_ENTRY_SYMBOL, "netlens_dissector_entry");
	ck_assert_int_eq(NL_NEED_MORE, 0);
	ck_assert_int_eq(NL_DONE, 1);
	ck_assert_int_eq(NL_NOT_MINE, 2);
	ck_assert_int_eq(NL_MALFORMED, 3);
	ck_assert_int_eq(NL_FIELD_STR, 1);
	ck_assert_int_eq(NL_FIELD_U64, 2);
	ck_assert_int_eq(NL_FIELD_STR_LIST, 3);
	ck_assert_uint_eq(NL_TCP, 1);
	ck_assert_uint_eq(NL_UDP, 2);
	ck_assert_uint_eq(NL_DESC_STREAM, 1);
}
END_TEST

START_TEST(abi_1_0_layout)
{
	if (sizeof(void *) != 8 || sizeof(size_t) != 8)
		return;	/* the figures are for LP64; 32-bit targets keep their own */
	ck_assert_uint_eq(sizeof(struct nl_reader), 32);
	ck_assert_uint_eq(offsetof(struct nl_reader, buf), 0);
	ck_assert_uint_eq(offsetof(struct nl_reader, len), 8);
	ck_assert_uint_eq(offsetof(struct nl_reader, off), 16);
	ck_assert_uint_eq(offsetof(struct nl_reader, err), 24);
	ck_assert_uint_eq(sizeof(struct nl_field), 24);
	ck_assert_uint_eq(offsetof(struct nl_field, id), 0);
	ck_assert_uint_eq(offsetof(struct nl_field, type), 2);
	ck_assert_uint_eq(offsetof(struct nl_field, reserved), 4);
	ck_assert_uint_eq(offsetof(struct nl_field, key), 8);
	ck_assert_uint_eq(offsetof(struct nl_field, label), 16);
	ck_assert_uint_eq(offsetof(struct nl_payload, struct_size), 0);
	ck_assert_uint_eq(offsetof(struct nl_payload, transport), 4);
	ck_assert_uint_eq(offsetof(struct nl_payload, from_client), 5);
	ck_assert_uint_eq(offsetof(struct nl_payload, src_port), 6);
	ck_assert_uint_eq(offsetof(struct nl_payload, dst_port), 8);
	ck_assert_uint_eq(offsetof(struct nl_payload, reserved), 10);
	ck_assert_uint_eq(offsetof(struct nl_payload, ts_us), 16);
	ck_assert_uint_eq(offsetof(struct nl_payload, stream_offset), 24);
	ck_assert_uint_eq(offsetof(struct nl_payload, data), 32);
	ck_assert_uint_eq(offsetof(struct nl_payload, ip_version), 64);
	ck_assert_uint_eq(offsetof(struct nl_payload, wire_len), 68);
	ck_assert_uint_eq(offsetof(struct nl_payload, gap), 72);	/* 1.5 */
	ck_assert_uint_eq(sizeof(struct nl_payload), 80);	/* 64 up to 1.2, 72 in 1.3 and 1.4 */
	ck_assert_uint_eq(sizeof(struct nl_host_api), 80);	/* 56 in 1.0, 64 in 1.1, 72 in 1.2 */
	ck_assert_uint_eq(offsetof(struct nl_host_api, struct_size), 0);
	ck_assert_uint_eq(offsetof(struct nl_host_api, abi_major), 4);
	ck_assert_uint_eq(offsetof(struct nl_host_api, abi_minor), 6);
	ck_assert_uint_eq(offsetof(struct nl_host_api, set_str), 8);
	ck_assert_uint_eq(offsetof(struct nl_host_api, set_u64), 16);
	ck_assert_uint_eq(offsetof(struct nl_host_api, add_str), 24);
	ck_assert_uint_eq(offsetof(struct nl_host_api, set_state), 32);
	ck_assert_uint_eq(offsetof(struct nl_host_api, note_name), 40);
	ck_assert_uint_eq(offsetof(struct nl_host_api, log), 48);
	ck_assert_uint_eq(offsetof(struct nl_host_api, consume), 56);	/* 1.1 */
	ck_assert_uint_eq(offsetof(struct nl_host_api, ignore_direction), 64);	/* 1.2 */
	ck_assert_uint_eq(offsetof(struct nl_host_api, set_idle_timeout), 72);	/* 1.4 */
	ck_assert_uint_eq(sizeof(struct nl_dissector), 120);
	ck_assert_uint_eq(offsetof(struct nl_dissector, struct_size), 0);
	ck_assert_uint_eq(offsetof(struct nl_dissector, abi_major), 4);
	ck_assert_uint_eq(offsetof(struct nl_dissector, abi_minor), 6);
	ck_assert_uint_eq(offsetof(struct nl_dissector, flags), 8);
	ck_assert_uint_eq(offsetof(struct nl_dissector, transports), 12);
	ck_assert_uint_eq(offsetof(struct nl_dissector, name), 16);
	ck_assert_uint_eq(offsetof(struct nl_dissector, version), 24);
	ck_assert_uint_eq(offsetof(struct nl_dissector, license), 32);
	ck_assert_uint_eq(offsetof(struct nl_dissector, description), 40);
	ck_assert_uint_eq(offsetof(struct nl_dissector, display), 48);
	ck_assert_uint_eq(offsetof(struct nl_dissector, port_hints), 56);
	ck_assert_uint_eq(offsetof(struct nl_dissector, n_port_hints), 64);
	ck_assert_uint_eq(offsetof(struct nl_dissector, packet_budget), 66);
	ck_assert_uint_eq(offsetof(struct nl_dissector, state_size), 68);
	ck_assert_uint_eq(offsetof(struct nl_dissector, fields), 72);
	ck_assert_uint_eq(offsetof(struct nl_dissector, n_fields), 80);
	ck_assert_uint_eq(offsetof(struct nl_dissector, domain_field), 82);
	ck_assert_uint_eq(offsetof(struct nl_dissector, idle_timeout_s), 84);
	ck_assert_uint_eq(offsetof(struct nl_dissector, init), 88);
	ck_assert_uint_eq(offsetof(struct nl_dissector, fini), 96);
	ck_assert_uint_eq(offsetof(struct nl_dissector, dissect), 104);
	ck_assert_uint_eq(offsetof(struct nl_dissector, release), 112);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("abi");
	TCase *tc = tcase_create("frozen");
	tcase_add_test(tc, abi_version);
	tcase_add_test(tc, abi_1_0_layout);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
