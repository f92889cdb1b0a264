/*
 * chain.c — see chain.h.
 *
 * Key: crypto_kdf_derive_from_key(subkey 1, context "shchain_") from the
 * secret key gives the chains' root key; each chain's key is keyed BLAKE2b of
 * its name under that root, so chains never share a key and adding one needs
 * no new KDF id. Entry MAC input, all integers 8-byte little-endian:
 *   seq, nfields, (len, bytes) per field, prev (64 hex digits)
 * Anchor line MAC: chain_mac over seq with the fields "anchor", KIND, HEAD,
 * TIME and the previous line's MAC as prev, so line MACs never collide with
 * entry MACs (different field count and first field).
 */
#include "core/chain.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define ANCHOR_FILE_MAX (64 * 1024 * 1024)

const char chain_zero[CHAIN_HEX] =
	"0000000000000000000000000000000000000000000000000000000000000000";

int chain_init(struct chain *ch, const char *name, const unsigned char secret[SECRET_KEY_BYTES])
{
	unsigned char root[CHAIN_MAC_BYTES];
	size_t n = strlen(name);

	if (n == 0 || n >= sizeof ch->name)
		return -1;
	memcpy(ch->name, name, n + 1);
	crypto_kdf_derive_from_key(root, sizeof root, 1, "shchain_", secret);
	crypto_generichash(ch->key, sizeof ch->key, (const unsigned char *)name, n, root,
			   sizeof root);
	sodium_memzero(root, sizeof root);
	crypto_generichash_init(&ch->keyed, ch->key, sizeof ch->key, CHAIN_MAC_BYTES);
	return 0;
}

void chain_wipe(struct chain *ch)
{
	sodium_memzero(ch, sizeof *ch);
}

static void put_u64(crypto_generichash_state *st, uint64_t v)
{
	unsigned char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	crypto_generichash_update(st, b, sizeof b);
}

void chain_mac(const struct chain *ch, int64_t seq, const char *const *fields, size_t nfields,
	       const char *prev, char out[CHAIN_HEX])
{
	crypto_generichash_state st;
	unsigned char h[CHAIN_MAC_BYTES];

	st = ch->keyed; /* saves compressing the key block on every MAC */
	put_u64(&st, (uint64_t)seq);
	put_u64(&st, nfields);
	for (size_t i = 0; i < nfields; i++) {
		const char *f = fields[i] ? fields[i] : "";
		size_t n = strlen(f);
		put_u64(&st, n);
		crypto_generichash_update(&st, (const unsigned char *)f, n);
	}
	prev = prev ? prev : chain_zero;
	crypto_generichash_update(&st, (const unsigned char *)prev, strlen(prev));
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, CHAIN_HEX, h, sizeof h);
}

int chain_mac_equal(const char *a, const char *b)
{
	if (!a || !b || strlen(a) != CHAIN_HEX - 1 || strlen(b) != CHAIN_HEX - 1)
		return 0;
	return sodium_memcmp(a, b, CHAIN_HEX - 1) == 0;
}

static void line_mac(const struct chain *ch, char kind, int64_t seq, const char *head, int64_t at,
		     const char *prev, char out[CHAIN_HEX])
{
	char k[2] = { kind, 0 }, t[24];
	const char *f[4];

	snprintf(t, sizeof t, "%" PRId64, at);
	f[0] = "anchor";
	f[1] = k;
	f[2] = head;
	f[3] = t;
	chain_mac(ch, seq, f, 4, prev, out);
}

static int is_hex64(const char *s)
{
	if (strlen(s) != CHAIN_HEX - 1)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

/* Check the lines of text[0..len); *last gets the newest. CHAIN_ANCHORS_OK or _BAD. */
static int anchors_check(const struct chain *ch, const char *text, size_t len,
			 struct chain_anchor *last, char *msg, size_t msglen)
{
	const char *p = text, *end = text + len;
	char prev[CHAIN_HEX], mac[CHAIN_HEX];
	int64_t lineno = 0;

	memset(last, 0, sizeof *last);
	memcpy(prev, chain_zero, CHAIN_HEX);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		char buf[256], kind, head[CHAIN_HEX + 1], lmac[CHAIN_HEX + 1];
		long long seq, at;
		int used = 0;

		lineno++;
		if (!nl) {
			snprintf(msg, msglen, "line %lld is incomplete (no newline)",
				 (long long)lineno);
			return CHAIN_ANCHORS_BAD;
		}
		if ((size_t)(nl - p) >= sizeof buf) {
			snprintf(msg, msglen, "line %lld is too long", (long long)lineno);
			return CHAIN_ANCHORS_BAD;
		}
		memcpy(buf, p, (size_t)(nl - p));
		buf[nl - p] = '\0';
		if (sscanf(buf, "%c %lld %65s %lld %65s%n", &kind, &seq, head, &at, lmac, &used) !=
			    5 ||
		    (size_t)used != strlen(buf) || (kind != 'A' && kind != 'R') || seq < 0 ||
		    !is_hex64(head) || !is_hex64(lmac)) {
			snprintf(msg, msglen, "line %lld is malformed", (long long)lineno);
			return CHAIN_ANCHORS_BAD;
		}
		line_mac(ch, kind, seq, head, at, prev, mac);
		if (!chain_mac_equal(mac, lmac)) {
			snprintf(msg, msglen,
				 "line %lld does not verify: it was edited, forged, or a line "
				 "before it was removed",
				 (long long)lineno);
			return CHAIN_ANCHORS_BAD;
		}
		last->kind = kind;
		last->seq = seq;
		memcpy(last->head, head, CHAIN_HEX);
		last->at = at;
		memcpy(last->mac, lmac, CHAIN_HEX);
		last->line = lineno;
		memcpy(prev, lmac, CHAIN_HEX);
		p = nl + 1;
	}
	return CHAIN_ANCHORS_OK;
}

/* Read all of fd from its start. NULL on error (msg says why). */
static char *read_fd(int fd, size_t *len, char *msg, size_t msglen)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);

	if (!buf || lseek(fd, 0, SEEK_SET) < 0)
		goto fail;
	for (;;) {
		ssize_t r;
		if (n == cap) {
			char *nb;
			if (cap >= ANCHOR_FILE_MAX) {
				errno = EFBIG;
				goto fail;
			}
			nb = realloc(buf, cap * 2);
			if (!nb)
				goto fail;
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*len = n;
	return buf;
fail:
	snprintf(msg, msglen, "cannot read the anchor file: %s", strerror(errno));
	free(buf);
	return NULL;
}

int chain_anchors_read(const struct chain *ch, const char *path, struct chain_anchor *last,
		       char *msg, size_t msglen)
{
	size_t len = 0;
	char *text;
	int fd, rc;

	memset(last, 0, sizeof *last);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		snprintf(msg, msglen, "the anchor file '%s' is missing", path);
		return CHAIN_ANCHORS_MISSING;
	}
	if (fd < 0) {
		snprintf(msg, msglen, "cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	flock(fd, LOCK_SH);
	text = read_fd(fd, &len, msg, msglen);
	close(fd);
	if (!text)
		return -1;
	rc = anchors_check(ch, text, len, last, msg, msglen);
	free(text);
	return rc;
}

int chain_anchor_append(const struct chain *ch, const char *path, char kind, int64_t seq,
			const char *head, int64_t at, int if_changed, struct chain_anchor *out,
			char *msg, size_t msglen)
{
	struct chain_anchor last;
	char line[256], mac[CHAIN_HEX];
	size_t len = 0;
	char *text;
	int fd, rc = -1, n;

	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(msg, msglen, "cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX) < 0) {
		snprintf(msg, msglen, "cannot lock '%s': %s", path, strerror(errno));
		goto out;
	}
	text = read_fd(fd, &len, msg, msglen);
	if (!text)
		goto out;
	n = anchors_check(ch, text, len, &last, msg, msglen);
	free(text);
	if (n != CHAIN_ANCHORS_OK)
		goto out; /* never chain onto a damaged file: it must stay visible */
	if (if_changed && last.kind && last.seq == seq && chain_mac_equal(last.head, head)) {
		if (out)
			*out = last;
		rc = 1;
		goto out;
	}
	line_mac(ch, kind, seq, head, at, last.kind ? last.mac : chain_zero, mac);
	n = snprintf(line, sizeof line, "%c %" PRId64 " %s %" PRId64 " %s\n", kind, seq, head, at,
		     mac);
	if (n <= 0 || (size_t)n >= sizeof line || write(fd, line, (size_t)n) != n ||
	    fsync(fd) < 0) {
		snprintf(msg, msglen, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	if (out) {
		out->kind = kind;
		out->seq = seq;
		snprintf(out->head, sizeof out->head, "%s", head);
		out->at = at;
		memcpy(out->mac, mac, CHAIN_HEX);
		out->line = last.line + 1;
	}
	rc = 0;
out:
	close(fd);
	return rc;
}
