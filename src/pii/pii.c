/*
 * pii.c — see pii.h.
 */
#include "pii/pii.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pii_keys_derive(struct pii_keys *k, const unsigned char master[32])
{
	crypto_kdf_derive_from_key(k->enc, sizeof k->enc, 1, "shuniupi", master);
	crypto_kdf_derive_from_key(k->bidx_phone, sizeof k->bidx_phone, 2, "shuniupi", master);
	crypto_kdf_derive_from_key(k->bidx_id, sizeof k->bidx_id, 3, "shuniupi", master);
}

void pii_keys_wipe(struct pii_keys *k)
{
	sodium_memzero(k, sizeof *k);
}

int pii_phone_normalize(const char *in, char out[24])
{
	char d[24];
	size_t n = 0;

	if (!in)
		return -1;
	/* Accept "+86 139-1234-5678", "139 1234 5678", "0512-66881234". */
	if (!strncmp(in, "+86", 3))
		in += 3;
	for (; *in; in++) {
		if (isdigit((unsigned char)*in)) {
			if (n >= sizeof d - 1)
				return -1;
			d[n++] = *in;
		} else if (*in != ' ' && *in != '-') {
			return -1;
		}
	}
	d[n] = '\0';
	/* Mainland mobile: 11 digits, 1[3-9]... */
	if (n == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9') {
		memcpy(out, d, n + 1);
		return 0;
	}
	/* Landline with area code: 0 + 2-3 digit area + 7-8 digit number = 10..12 digits. */
	if (n >= 10 && n <= 12 && d[0] == '0' && d[1] != '0') {
		memcpy(out, d, n + 1);
		return 0;
	}
	return -1;
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

char pii_id_check_char(const char *first17)
{
	/* ISO 7064 MOD 11-2: weights 2^(17-i) mod 11, check = (12 - sum mod 11) mod 11 */
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int sum = 0;

	for (int i = 0; i < 17; i++) {
		if (!isdigit((unsigned char)first17[i]))
			return '\0';
		sum += (first17[i] - '0') * w[i];
	}
	return "10X98765432"[sum % 11];
}

int pii_id_normalize(const char *in, char out[19])
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, dd;
	char check;

	if (!in || strlen(in) != 18 || !(check = pii_id_check_char(in)))
		return -1;
	if (toupper((unsigned char)in[17]) != check)
		return -1;
	if (sscanf(in + 6, "%4d%2d%2d", &y, &m, &dd) != 3 || y < 1880 || m < 1 || m > 12 ||
	    dd < 1 || dd > mdays[m - 1] + (m == 2 && leap(y)))
		return -1;
	memcpy(out, in, 17);
	out[17] = (char)toupper((unsigned char)in[17]);
	out[18] = '\0';
	return 0;
}

int pii_id_birth_date(const char *id, char out[11])
{
	if (!id || strlen(id) != 18)
		return -1;
	snprintf(out, 11, "%.4s-%.2s-%.2s", id + 6, id + 10, id + 12);
	return 0;
}

int pii_id_birth_ym(const char *id, char out[8])
{
	if (!id || strlen(id) != 18)
		return -1;
	snprintf(out, 8, "%.4s-%.2s", id + 6, id + 10);
	return 0;
}

int pii_id_gender(const char *id)
{
	return ((id[16] - '0') % 2) ? 1 : 2;
}

void pii_mask(enum pii_field f, const char *v, char out[24])
{
	size_t n = strlen(v);

	if (f == PII_ID_NUMBER && n == 18) {
		/* the region and the check character: no birth digit, no sequence */
		snprintf(out, 24, "%.6s***********%c", v, v[17]);
	} else if (f == PII_PHONE && n == 11) {
		snprintf(out, 24, "%.3s****%.4s", v, v + 7);
	} else if (n > 4) {
		/* landlines and anything else: keep the last four */
		size_t stars = n - 4 > 19 ? 19 : n - 4;
		memset(out, '*', stars);
		memcpy(out + stars, v + n - 4, 4);
		out[stars + 4] = '\0';
	} else {
		snprintf(out, 24, "****");
	}
}

static const char *field_ad(enum pii_field f)
{
	return f == PII_PHONE ? "phone" : f == PII_ID_NUMBER ? "id_number" : "document";
}

int pii_encrypt(const struct pii_keys *k, enum pii_field f, const char *value,
		unsigned char blob[PII_MAX_BLOB])
{
	size_t n = strlen(value);
	unsigned long long clen;
	const char *ad = field_ad(f);

	if (n > PII_MAX_PLAIN)
		return -1;
	randombytes_buf(blob, PII_NONCE_BYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(
		blob + PII_NONCE_BYTES, &clen, (const unsigned char *)value, n,
		(const unsigned char *)ad, strlen(ad), NULL, blob, k->enc);
	return (int)(PII_NONCE_BYTES + clen);
}

unsigned char *pii_seal(const struct pii_keys *k, enum pii_field f, const char *text, size_t *n)
{
	size_t len = strlen(text);
	unsigned long long clen;
	const char *ad = field_ad(f);
	unsigned char *blob = malloc(PII_NONCE_BYTES + len + PII_TAG_BYTES);

	if (!blob)
		return NULL;
	randombytes_buf(blob, PII_NONCE_BYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(
		blob + PII_NONCE_BYTES, &clen, (const unsigned char *)text, len,
		(const unsigned char *)ad, strlen(ad), NULL, blob, k->enc);
	*n = PII_NONCE_BYTES + (size_t)clen;
	return blob;
}

char *pii_open(const struct pii_keys *k, enum pii_field f, const unsigned char *blob, size_t n)
{
	unsigned long long mlen;
	const char *ad = field_ad(f);
	char *out;

	if (!blob || n < PII_NONCE_BYTES + PII_TAG_BYTES || !(out = malloc(n + 1)))
		return NULL;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		    (unsigned char *)out, &mlen, NULL, blob + PII_NONCE_BYTES, n - PII_NONCE_BYTES,
		    (const unsigned char *)ad, strlen(ad), blob, k->enc) != 0) {
		free(out);
		return NULL;
	}
	out[mlen] = '\0';
	return out;
}

int pii_decrypt(const struct pii_keys *k, enum pii_field f, const unsigned char *blob, size_t n,
		char out[PII_MAX_PLAIN + 1])
{
	unsigned long long mlen;
	const char *ad = field_ad(f);

	if (!blob || n < PII_NONCE_BYTES + PII_TAG_BYTES || n > PII_MAX_BLOB)
		return -1;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		    (unsigned char *)out, &mlen, NULL, blob + PII_NONCE_BYTES, n - PII_NONCE_BYTES,
		    (const unsigned char *)ad, strlen(ad), blob, k->enc) != 0)
		return -1;
	out[mlen] = '\0';
	return 0;
}

void pii_blind_index(const struct pii_keys *k, enum pii_field f, const char *normalized,
		     unsigned char out[PII_BIDX_BYTES])
{
	const unsigned char *key = f == PII_PHONE ? k->bidx_phone : k->bidx_id;

	crypto_generichash(out, PII_BIDX_BYTES, (const unsigned char *)normalized,
			   strlen(normalized), key, 32);
}
