/*
 * chain.h — keyed hash chains and their anchor files.
 *
 * An append-only table (the audit log; later the fund and public-income
 * ledgers) is made tamper-evident by giving each entry a MAC: keyed
 * BLAKE2b-256 over the entry's sequence number, its fields and the MAC of the
 * entry before it. The key is derived from the data directory's secret key
 * file (libsodium KDF, then the chain's name), so the database never holds
 * it: whoever can write the database but not read secret.key cannot compute
 * a MAC, so a rewritten row, or a chain recomputed from it, no longer verifies.
 *
 * Removing the newest entries and moving the head back leaves a chain that
 * is valid as far as it goes; that is caught by anchors kept outside the
 * database. An anchor file (DIR/<name>.anchors, 0600, append-only, fsync'd)
 * holds one line per anchor:
 *
 *   KIND SEQ HEAD TIME MAC
 *
 * KIND is 'A' (a scheduled or shutdown anchor) or 'R' (a deliberate
 * re-anchoring), SEQ and HEAD the chain's newest entry and its MAC, TIME epoch
 * seconds, and MAC the line's own MAC under the chain key, which also covers
 * the previous line's MAC: a line cannot be forged, edited, reordered or
 * removed from the middle without the file failing to read. This module
 * knows no SQL; the tables and their heads live with their modules.
 */
#ifndef SHUNIU_CORE_CHAIN_H
#define SHUNIU_CORE_CHAIN_H

#include <sodium.h>
#include <stddef.h>
#include <stdint.h>

#include "core/crypto.h"

#define CHAIN_MAC_BYTES 32
#define CHAIN_HEX	(2 * CHAIN_MAC_BYTES + 1) /* hex digits and the NUL */

/* The head of an empty chain, and the "previous MAC" of its first entry. */
extern const char chain_zero[CHAIN_HEX];

struct chain {
	char name[32];
	unsigned char key[CHAIN_MAC_BYTES];
	crypto_generichash_state keyed; /* the state after the key block, copied per MAC */
};

/* Derive the chain named name ("audit", ...) from the secret key. 0 or -1 (bad name). */
int chain_init(struct chain *ch, const char *name, const unsigned char secret[SECRET_KEY_BYTES]);
void chain_wipe(struct chain *ch);

/*
 * The MAC of entry seq as lowercase hex: keyed BLAKE2b-256 over seq, the
 * count of fields, each field length-prefixed (NULL counts as ""), and prev
 * (the MAC of the entry before, chain_zero for the first).
 */
void chain_mac(const struct chain *ch, int64_t seq, const char *const *fields, size_t nfields,
	       const char *prev, char out[CHAIN_HEX]);
/* Constant-time comparison of two hex MACs; 1 when equal. */
int chain_mac_equal(const char *a, const char *b);

struct chain_anchor {
	char kind; /* 'A' or 'R'; 0: the file holds no anchor */
	int64_t seq;
	char head[CHAIN_HEX];
	int64_t at;
	char mac[CHAIN_HEX];
	int64_t line; /* 1-based line number in the file */
};

enum {
	CHAIN_ANCHORS_OK = 0,
	CHAIN_ANCHORS_MISSING = 1, /* no file */
	CHAIN_ANCHORS_BAD = 2,	   /* a line is malformed or its MAC is wrong (msg names it) */
};

/*
 * Read and check every line of path; *last gets the newest anchor (kind 0
 * when the file is empty). Returns CHAIN_ANCHORS_*, or -1 when the file
 * cannot be read (msg says why).
 */
int chain_anchors_read(const struct chain *ch, const char *path, struct chain_anchor *last,
		       char *msg, size_t msglen);
/*
 * Append one anchor line: the file is opened O_APPEND (created 0600) and
 * locked, its lines are read and checked, the new line is chained to the
 * newest, written and fsync'd. A damaged file is never appended to. With
 * if_changed, nothing is written when the newest line already names seq and
 * head (returns 1). 0 when written, or -1 (msg says why). *out, if not NULL,
 * receives the newest line afterwards.
 */
int chain_anchor_append(const struct chain *ch, const char *path, char kind, int64_t seq,
			const char *head, int64_t at, int if_changed, struct chain_anchor *out,
			char *msg, size_t msglen);

#endif
