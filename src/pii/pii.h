/*
 * pii.h — personal data at rest: encryption, blind indexes, masking and the
 * validation of Chinese phone and ID-card numbers.
 *
 * Keys. Three subkeys are derived from the data directory's secret key with
 * libsodium's KDF (context "shuniupi"): 1 encrypts fields, 2 keys the phone
 * blind index, 3 keys the ID-number blind index. Losing the secret key makes
 * the fields unreadable; rotating it means re-encrypting every row.
 *
 * Encryption. XChaCha20-Poly1305 with a random 24-byte nonce per value; the
 * stored blob is nonce || ciphertext || tag. The field name is the associated
 * data, so a phone ciphertext cannot be passed off as an ID number.
 *
 * Blind index. BLAKE2b-256 keyed with the field's subkey over the normalised
 * value: equal values give equal indexes (exact lookup through a plain index),
 * but the index reveals nothing without the key.
 *
 * Masks ("139****5678", "320506***********4") are stored beside the
 * ciphertext so lists need no decryption; they never hold the whole number.
 * An ID number's mask keeps only the region and the check character: the
 * birth date and the sequence (whose parity is the sex) stay hidden, so no
 * field a reader sees (the birth month, the gender) can complete it.
 */
#ifndef SHUNIU_PII_PII_H
#define SHUNIU_PII_PII_H

#include <stddef.h>
#include <stdint.h>

#define PII_BIDX_BYTES	32
#define PII_NONCE_BYTES 24
#define PII_TAG_BYTES	16
#define PII_MAX_PLAIN	64
#define PII_MAX_BLOB	(PII_NONCE_BYTES + PII_MAX_PLAIN + PII_TAG_BYTES)

enum pii_field { PII_PHONE = 1, PII_ID_NUMBER = 2, PII_DOCUMENT = 3 };

struct pii_keys {
	unsigned char enc[32];
	unsigned char bidx_phone[32];
	unsigned char bidx_id[32];
};

void pii_keys_derive(struct pii_keys *k, const unsigned char master[32]);
void pii_keys_wipe(struct pii_keys *k);

/* Normalise and validate; out gets the canonical form. 0 ok, -1 invalid. */
int pii_phone_normalize(const char *in, char out[24]);
/* 18-character GB 11643 number with a valid check character (X upper-case). */
int pii_id_normalize(const char *in, char out[19]);
/* GB 11643 check character ('0'-'9' or 'X') of the first 17 digits; '\0' if not digits. */
char pii_id_check_char(const char *first17);
/* Birth date encoded in an ID number, "YYYY-MM-DD". */
int pii_id_birth_date(const char *id, char out[11]);
/* Birth year and month encoded in an ID number, "YYYY-MM" (all that is stored). */
int pii_id_birth_ym(const char *id, char out[8]);
/* 1 male, 2 female, from the 17th digit's parity. */
int pii_id_gender(const char *id);

void pii_mask(enum pii_field f, const char *value, char out[24]);

/* Encrypt value (<= PII_MAX_PLAIN bytes) into blob; returns its length or -1. */
int pii_encrypt(const struct pii_keys *k, enum pii_field f, const char *value,
		unsigned char blob[PII_MAX_BLOB]);
/* Decrypt into out (NUL-terminated); 0 or -1 if forged, damaged or keyed otherwise. */
int pii_decrypt(const struct pii_keys *k, enum pii_field f, const unsigned char *blob, size_t n,
		char out[PII_MAX_PLAIN + 1]);
/*
 * Longer personal text (a filled-in application form): the same cipher and
 * key, any length. seal returns a malloc'd nonce || ciphertext || tag and its
 * length in *n; open returns the malloc'd, NUL-terminated text, or NULL when
 * the blob is forged, damaged or keyed otherwise.
 */
unsigned char *pii_seal(const struct pii_keys *k, enum pii_field f, const char *text, size_t *n);
char *pii_open(const struct pii_keys *k, enum pii_field f, const unsigned char *blob, size_t n);
void pii_blind_index(const struct pii_keys *k, enum pii_field f, const char *normalized,
		     unsigned char out[PII_BIDX_BYTES]);

#endif
