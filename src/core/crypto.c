/*
 * crypto.c — see crypto.h.
 */
#include "core/crypto.h"

#include "core/util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int crypto_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void hex_encode(char *out, const unsigned char *in, size_t n)
{
	sodium_bin2hex(out, 2 * n + 1, in, n);
}

void random_hex(char *out, size_t nbytes)
{
	unsigned char buf[64];

	while (nbytes > 0) {
		size_t k = nbytes < sizeof buf ? nbytes : sizeof buf;
		randombytes_buf(buf, k);
		hex_encode(out, buf, k);
		out += 2 * k;
		nbytes -= k;
	}
	sodium_memzero(buf, sizeof buf);
}

int keyfile_create(const char *path, char *err, size_t errlen)
{
	char hex[2 * SECRET_KEY_BYTES + 2];
	int rc;

	random_hex(hex, SECRET_KEY_BYTES);
	hex[2 * SECRET_KEY_BYTES] = '\n';
	hex[2 * SECRET_KEY_BYTES + 1] = '\0';
	rc = write_new_file(path, hex, 2 * SECRET_KEY_BYTES + 1, 0600, err, errlen);
	sodium_memzero(hex, sizeof hex);
	return rc;
}

int keyfile_load(const char *path, unsigned char key[SECRET_KEY_BYTES], char *err, size_t errlen)
{
	struct stat st;
	char *text;
	size_t len, bin_len = 0;
	int rc = -1;

	if (stat(path, &st) < 0) {
		snprintf(err, errlen,
			 "secret key file '%s' is missing: restore it from your backup "
			 "(encrypted fields cannot be read without it)",
			 path);
		return -1;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen, "secret key file '%s' is readable by others: chmod 600 it",
			 path);
		return -1;
	}
	text = read_file(path, 4096, &len, err, errlen);
	if (!text)
		return -1;
	if (sodium_hex2bin(key, SECRET_KEY_BYTES, text, len, " \r\n", &bin_len, NULL) == 0 &&
	    bin_len == SECRET_KEY_BYTES)
		rc = 0;
	else
		snprintf(err, errlen, "secret key file '%s' is damaged: expected %d hex digits",
			 path, 2 * SECRET_KEY_BYTES);
	sodium_memzero(text, len);
	free(text);
	return rc;
}
