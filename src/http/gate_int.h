/*
 * gate_int.h — the framing gate's private parts, shared by gate.c (the byte
 * queue, recv, connections) and gate_parse.c (the RFC 9112 machine).
 */
#ifndef SHUNIU_HTTP_GATE_INT_H
#define SHUNIU_HTTP_GATE_INT_H

#include "http/gate.h"

#include <stddef.h>
#include <stdint.h>

#define UNIT_MAX     (32 * 1024) /* a header block, a chunk line, a trailer section */
#define DRAIN_ROUNDS 16		 /* 4 KiB reads per call once a connection is condemned */

enum state {
	S_START, /* a request's first byte, or the CR of an empty line before it */
	S_LEAD_LF,
	S_METHOD,
	S_TARGET,
	S_VERSION,
	S_REQ_LF,
	S_FIELD_START, /* a field line, or the CR of the empty line ending the section */
	S_END_LF,
	S_NAME,
	S_VALUE,
	S_VALUE_LF,
	S_BODY,	   /* Content-Length octets */
	S_DATA_CR, /* the CRLF after chunk data */
	S_DATA_LF,
	S_SIZE, /* the first hex digit of a chunk size */
	S_SIZE_MORE,
	S_SIZE_WS, /* whitespace after the size: only ';' or CR may follow */
	S_EXT,
	S_SIZE_LF,
	S_DATA,
};

enum unit_kind { U_NONE, U_HEAD, U_CHUNK_FIRST, U_CHUNK_NEXT };

enum field { F_OTHER, F_CONTENT_LENGTH, F_TRANSFER_ENCODING, F_HOST };

struct gate {
	struct MHD_Connection *conn;
	int fd;
	enum state st;
	/* the unit being held */
	enum unit_kind unit;
	size_t unit_len;
	/* the request being read */
	int active, http10, trailer, chunked;
	int n_cl, n_te, n_host;
	uint64_t cl, remaining, body;
	int64_t start_ms;
	uint64_t bytes;
	/* the field line being read */
	enum field field;
	char name[24];
	size_t name_len, pos;
	char val[16]; /* Transfer-Encoding's value, lowercased and trimmed */
	size_t val_len;
	int cl_phase; /* 0 leading OWS, 1 digits */
	/* requests: handed over, begun by the callback, condemned */
	uint32_t delivered, begun, bad_seq;
	enum gate_verdict verdict;
	const char *reason;
	int dead, timeout_set;
	/* bytes for libmicrohttpd: q_ready checked ones, then the unit held */
	unsigned char *q;
	size_t q_len, q_ready, q_cap;
};

struct fed {
	long open_from; /* where the unit open at the end (or the bad one) began; -1: before */
	int bad;
};

/* The largest body any route takes (gate_setup). */
extern uint64_t gate_body_max;

/* Fill the character class table before the first feed (again: nothing). */
void gate_classes_init(void);
/*
 * Run p[0..n) through the machine. Reports where the unit still open at the
 * end began (n: none open; -1: it began before p), or where the bad one began.
 */
struct fed gate_feed(struct gate *g, const unsigned char *p, size_t n);

#endif
