/*
 * crypto.h — thin wrappers over libsodium: initialisation, random tokens and
 * the data directory's secret key file.
 *
 * The key file holds 32 random bytes as 64 hex digits and a newline, mode
 * 0600. It is the root of field encryption and blind indexes (issue 3): lose
 * it and encrypted fields are unreadable, so operators back it up separately
 * from the database (docs/OPERATIONS.md).
 */
#ifndef SHUNIU_CORE_CRYPTO_H
#define SHUNIU_CORE_CRYPTO_H

#include <stddef.h>

#define SECRET_KEY_BYTES 32

int crypto_init(void); /* 0 or -1; safe to call more than once */
/* nbytes random bytes as lowercase hex into out (2*nbytes+1 bytes). */
void random_hex(char *out, size_t nbytes);
void hex_encode(char *out, const unsigned char *in, size_t n);
int keyfile_create(const char *path, char *err, size_t errlen);
int keyfile_load(const char *path, unsigned char key[SECRET_KEY_BYTES], char *err, size_t errlen);

#endif
