/*
 * test_pii.c — ID-number and phone validation, masks, sealing and blind
 * indexes of personal data.
 */
#include "unit.h"

#include "people/pii.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static void gb11643_check_digit_is_enforced(void **state)
{
	char out[19];

	assert_int_equal(pii_id_normalize("11010519491231002X", out), 0);
	assert_string_equal(out, "11010519491231002X");
	assert_int_equal(pii_id_normalize("11010519491231002x", out), 0);
	assert_string_equal(out, "11010519491231002X");
	assert_int_equal(pii_id_normalize("110105194912310021", out), -1); /* wrong check */
	assert_int_equal(pii_id_normalize("11010519491331002X", out), -1); /* month 13 */
	assert_int_equal(pii_id_normalize("1101051949123100", out), -1);   /* short */
	assert_int_equal(pii_id_normalize("1101051949123100AX", out), -1);
	assert_int_equal(pii_id_gender("11010519491231002X"), 2);
	char birth[11];
	pii_id_birth_date("11010519491231002X", birth);
	assert_string_equal(birth, "1949-12-31");
}

static void phones_are_normalised(void **state)
{
	char out[24];

	assert_int_equal(pii_phone_normalize("+86 139-1234-5678", out), 0);
	assert_string_equal(out, "13912345678");
	assert_int_equal(pii_phone_normalize("0512-66881234", out), 0);
	assert_string_equal(out, "051266881234");
	assert_int_equal(pii_phone_normalize("12912345678", out), -1);
	assert_int_equal(pii_phone_normalize("1391234567", out), -1);
	assert_int_equal(pii_phone_normalize("139x2345678", out), -1);
}

static void masks_keep_only_the_ends(void **state)
{
	char m[24];

	pii_mask(PII_PHONE, "13912345678", m);
	assert_string_equal(m, "139****5678");
	pii_mask(PII_ID_NUMBER, "320506199001011234", m);
	assert_string_equal(m, "320506********1234");
	pii_mask(PII_PHONE, "051266881234", m);
	assert_string_equal(m, "********1234");
}

static void sealed_values_open_only_with_the_key_and_field(void **state)
{
	unsigned char master[32], other[32], blob[PII_MAX_BLOB];
	struct pii_keys k, k2;
	char out[PII_MAX_PLAIN + 1];
	int n;

	randombytes_buf(master, sizeof master);
	randombytes_buf(other, sizeof other);
	pii_keys_derive(&k, master);
	pii_keys_derive(&k2, other);
	n = pii_encrypt(&k, PII_PHONE, "13912345678", blob);
	assert_true(n > 11);
	assert_null(memmem(blob, (size_t)n, "13912345678", 11));
	assert_int_equal(pii_decrypt(&k, PII_PHONE, blob, (size_t)n, out), 0);
	assert_string_equal(out, "13912345678");
	assert_int_equal(pii_decrypt(&k2, PII_PHONE, blob, (size_t)n, out), -1);
	assert_int_equal(pii_decrypt(&k, PII_ID_NUMBER, blob, (size_t)n, out), -1);
	blob[n - 1] ^= 1;
	assert_int_equal(pii_decrypt(&k, PII_PHONE, blob, (size_t)n, out), -1);
}

static void long_documents_seal_and_open_only_with_the_key_and_field(void **state)
{
	unsigned char master[32], other[32];
	struct pii_keys k, k2;
	char text[3000];
	size_t n;

	(void)state;
	randombytes_buf(master, sizeof master);
	randombytes_buf(other, sizeof other);
	pii_keys_derive(&k, master);
	pii_keys_derive(&k2, other);
	for (size_t i = 0; i < sizeof text - 1; i++)
		text[i] = (char)('a' + i % 26);
	text[sizeof text - 1] = '\0';
	unsigned char *blob = pii_seal(&k, PII_DOCUMENT, text, &n);
	assert_non_null(blob);
	assert_int_equal(n, strlen(text) + PII_NONCE_BYTES + PII_TAG_BYTES);
	char *back = pii_open(&k, PII_DOCUMENT, blob, n);
	assert_non_null(back);
	assert_string_equal(back, text);
	free(back);
	assert_null(pii_open(&k2, PII_DOCUMENT, blob, n)); /* another key */
	assert_null(pii_open(&k, PII_PHONE, blob, n));	   /* another field */
	blob[n / 2] ^= 1;
	assert_null(pii_open(&k, PII_DOCUMENT, blob, n));  /* tampered */
	assert_null(pii_open(&k, PII_DOCUMENT, blob, 10)); /* cut short */
	free(blob);
	blob = pii_seal(&k, PII_DOCUMENT, "", &n); /* empty text round-trips too */
	back = pii_open(&k, PII_DOCUMENT, blob, n);
	assert_string_equal(back, "");
	free(back);
	free(blob);
}

static void blind_indexes_match_equal_values_only(void **state)
{
	unsigned char master[32], a[32], b[32], c[32], d[32];
	struct pii_keys k;

	randombytes_buf(master, sizeof master);
	pii_keys_derive(&k, master);
	pii_blind_index(&k, PII_PHONE, "13912345678", a);
	pii_blind_index(&k, PII_PHONE, "13912345678", b);
	pii_blind_index(&k, PII_PHONE, "13912345679", c);
	pii_blind_index(&k, PII_ID_NUMBER, "13912345678", d);
	assert_memory_equal(a, b, 32);
	assert_memory_not_equal(a, c, 32);
	assert_memory_not_equal(a, d, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gb11643_check_digit_is_enforced),
		cmocka_unit_test(phones_are_normalised),
		cmocka_unit_test(masks_keep_only_the_ends),
		cmocka_unit_test(sealed_values_open_only_with_the_key_and_field),
		cmocka_unit_test(long_documents_seal_and_open_only_with_the_key_and_field),
		cmocka_unit_test(blind_indexes_match_equal_values_only),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
