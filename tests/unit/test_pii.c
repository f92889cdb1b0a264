/*
 * test_pii.c — ID-number and phone validation, masks, sealing and blind
 * indexes of personal data.
 */
#include "unit.h"

#include "people/people.h"
#include "pii/pii.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
	assert_string_equal(m, "320506***********4");
	pii_mask(PII_PHONE, "051266881234", m);
	assert_string_equal(m, "********1234");
}

/* ISO 7064 MOD 11-2 written out from the standard: weights 2^(17-i) mod 11. */
static char iso7064_check(const char *d)
{
	int sum = 0, w = 1;

	for (int i = 16; i >= 0; i--) {
		w = (w * 2) % 11;
		sum += (d[i] - '0') * w;
	}
	int c = (12 - sum % 11) % 11;
	return c == 10 ? 'X' : (char)('0' + c);
}

static void check_character_follows_iso_7064(void **state)
{
	char d[19];

	assert_int_equal(pii_id_check_char("11010519491231002"), 'X');
	assert_int_equal(pii_id_check_char("1101051949123100a"), '\0');
	for (int n = 0; n < 2000; n++) {
		for (int i = 0; i < 17; i++)
			d[i] = (char)('0' + randombytes_uniform(10));
		d[17] = '\0';
		assert_int_equal(pii_id_check_char(d), iso7064_check(d));
	}
}

static void id_mask_shows_no_birth_or_sequence_digit(void **state)
{
	char id[19], m[24], ym[8], norm[19];

	for (int n = 0; n < 500; n++) {
		snprintf(id, sizeof id, "320506%04u%02u%02u%03u", 1900 + randombytes_uniform(120),
			 1 + randombytes_uniform(12), 1 + randombytes_uniform(28),
			 randombytes_uniform(1000));
		id[17] = pii_id_check_char(id);
		id[18] = '\0';
		assert_int_equal(pii_id_normalize(id, norm), 0);
		pii_mask(PII_ID_NUMBER, id, m);
		assert_int_equal(strlen(m), 18);
		assert_memory_equal(m, id, 6);
		for (int i = 6; i < 17; i++)
			assert_int_equal(m[i], '*');
		assert_int_equal(m[17], id[17]);
		assert_int_equal(pii_id_birth_ym(id, ym), 0);
		assert_memory_equal(ym, id + 6, 4);
		assert_memory_equal(ym + 5, id + 10, 2);
	}
	assert_int_equal(pii_id_gender("320506199001011234"), 1); /* 3: odd, a man */
	assert_int_equal(pii_id_gender("320506199001011224"), 2); /* 2: even, a woman */
}

/* Shanghai midnight of a day, for the age rules. */
static int64_t shanghai_day(int y, int m, int d)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d };
	return (int64_t)timegm(&tm) - 8 * 3600;
}

static void age_counts_a_birthday_from_the_first_of_its_month(void **state)
{
	char by[8];

	assert_int_equal(resident_age_on("1946-03", shanghai_day(2026, 2, 28)), 79);
	assert_int_equal(resident_age_on("1946-03", shanghai_day(2026, 3, 1)), 80);
	assert_int_equal(resident_age_on("1946-03", shanghai_day(2026, 12, 31)), 80);
	assert_int_equal(resident_age_on("2026-12", shanghai_day(2026, 12, 1)), 0);
	assert_int_equal(resident_age_on(NULL, shanghai_day(2026, 12, 1)), -1);
	assert_int_equal(resident_age_on("1946-13", shanghai_day(2026, 12, 1)), -1);
	resident_born_by(shanghai_day(2026, 3, 1), 80, by);
	assert_string_equal(by, "1946-03");
	/* the same rule both ways: born by that month ⇔ aged 80 */
	assert_true(strcmp("1946-03", by) <= 0 &&
		    resident_age_on("1946-03", shanghai_day(2026, 3, 1)) >= 80);
	assert_true(strcmp("1946-04", by) > 0 &&
		    resident_age_on("1946-04", shanghai_day(2026, 3, 1)) < 80);
	/* the age tags follow the same rule: 80 or older, under 14, none between or unknown */
	assert_string_equal(resident_age_tag("1946-03", shanghai_day(2026, 3, 1)), "aged_80_plus");
	assert_null(resident_age_tag("1946-04", shanghai_day(2026, 3, 1)));
	assert_string_equal(resident_age_tag("2012-04", shanghai_day(2026, 3, 1)), "child");
	assert_null(resident_age_tag("2012-03", shanghai_day(2026, 3, 1)));
	assert_null(resident_age_tag(NULL, shanghai_day(2026, 3, 1)));
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
		cmocka_unit_test(check_character_follows_iso_7064),
		cmocka_unit_test(id_mask_shows_no_birth_or_sequence_digit),
		cmocka_unit_test(age_counts_a_birthday_from_the_first_of_its_month),
		cmocka_unit_test(sealed_values_open_only_with_the_key_and_field),
		cmocka_unit_test(long_documents_seal_and_open_only_with_the_key_and_field),
		cmocka_unit_test(blind_indexes_match_equal_values_only),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
