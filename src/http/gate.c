/*
 * gate.c — the framing gate in front of libmicrohttpd; see gate.h.
 *
 * The machine. One state per position in the grammar of RFC 9112:
 *
 *   request-line = method SP request-target SP HTTP-version CRLF
 *   field-line   = field-name ":" OWS field-value OWS CRLF   (no obs-fold)
 *   message-body = Content-Length octets | chunked coding
 *   chunk        = chunk-size [ BWS ";" chunk-ext ] CRLF chunk-data CRLF
 *   last-chunk   = 1*"0" [ chunk-ext ] CRLF trailer-section CRLF
 *
 * Lines end in CRLF only: a bare LF, a CR not followed by LF, NUL and other
 * control characters (HTAB aside) are violations, as is a line that starts
 * with whitespace (obs-fold). Content-Length must be plain digits and given
 * once; Transfer-Encoding only "chunked", once, never with Content-Length nor
 * in HTTP/1.0; HTTP/1.1 needs exactly one Host.
 *
 * Units. Bytes that libmicrohttpd must not see before they are checked — a
 * request's header block, a chunk-size line with the CRLF that precedes it,
 * the last chunk with its trailers — form a unit, held in g->q until its last
 * byte has passed. Body bytes are never held. The bytes handed over are
 * therefore always a prefix of a valid stream, and a violation can be
 * completed from where libmicrohttpd stands (fixups[] by unit kind).
 *
 * Read-readiness. With epoll, libmicrohttpd takes a short read as "the socket
 * is drained" and waits for the next edge. So gate_recv() returns fewer bytes
 * than asked only when the socket itself came up short; held bytes make it
 * read again rather than return early.
 */
#undef _FORTIFY_SOURCE /* this file defines recv(), which the fortified headers wrap */

#include "http/gate.h"

#include "core/clock.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

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

static _Atomic(struct gate *) *table;
static size_t table_n;
static int64_t idle_ms;
static uint64_t body_max;

static const char *const fixups[] = {
	[U_HEAD] = "GET / HTTP/1.1\r\nHost: gate\r\n\r\n", /* stands in for the bad request */
	[U_CHUNK_FIRST] = "0\r\n\r\n",			   /* ends the body after the head */
	[U_CHUNK_NEXT] = "\r\n0\r\n\r\n",		   /* ends it after chunk data */
};

/* ---- character classes ------------------------------------------------- */

enum { C_TCHAR = 1, C_FIELD = 2, C_TARGET = 4 };

/*
 * Byte classes: token characters; field-value bytes (field-vchar, SP, HTAB
 * and obs-text >= 0x80, as RFC 9112 allows); request-target bytes (visible
 * ASCII, and >= 0x80, which libmicrohttpd passes on percent-encoded or not).
 */
static unsigned char byte_class[256];

static void classes_init(void)
{
	for (int c = 0; c < 256; c++) {
		int alnum =
			(c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (alnum || (c && strchr("!#$%&'*+-.^_`|~", c)))
			byte_class[c] |= C_TCHAR;
		if (c == '\t' || (c >= 0x20 && c != 0x7f))
			byte_class[c] |= C_FIELD;
		if (c > 0x20 && c != 0x7f)
			byte_class[c] |= C_TARGET;
	}
}

static size_t span(const unsigned char *p, size_t n, unsigned char mask)
{
	size_t i = 0;

	while (i < n && (byte_class[p[i]] & mask))
		i++;
	return i;
}

static int is_tchar(unsigned char c)
{
	return byte_class[c] & C_TCHAR;
}

static int is_field_char(unsigned char c)
{
	return byte_class[c] & C_FIELD;
}

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (unsigned char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* ---- the machine ------------------------------------------------------- */

struct fed {
	long open_from; /* where the unit open at the end (or the bad one) began; -1: before */
	int bad;
};

static int violation(struct gate *g, const char *reason)
{
	g->reason = reason;
	g->verdict = GATE_BAD;
	return -1;
}

static void request_end(struct gate *g)
{
	g->active = 0;
	g->st = S_START;
}

static void field_begin(struct gate *g)
{
	g->field = F_OTHER;
	g->name_len = 0;
	g->val_len = 0;
	g->cl_phase = 0;
}

/* A run of a field name's token characters, kept lowercased for name_end(). */
static size_t name_run(struct gate *g, const unsigned char *p, size_t n)
{
	size_t i = span(p, n, C_TCHAR);

	for (size_t k = 0; k < i; k++, g->name_len++)
		if (g->name_len < sizeof g->name)
			g->name[g->name_len] =
				(char)(p[k] >= 'A' && p[k] <= 'Z' ? p[k] | 0x20 : p[k]);
	return i;
}

static int name_end(struct gate *g)
{
	if (g->name_len == 0)
		return violation(g, "empty field name");
	if (g->trailer)
		return 0;
	g->name[g->name_len < sizeof g->name ? g->name_len : sizeof g->name - 1] = '\0';
	if (g->name_len < sizeof g->name && !strcmp(g->name, "content-length")) {
		g->field = F_CONTENT_LENGTH;
		g->cl = 0;
		if (++g->n_cl > 1)
			return violation(g, "more than one Content-Length");
	} else if (g->name_len < sizeof g->name && !strcmp(g->name, "transfer-encoding")) {
		g->field = F_TRANSFER_ENCODING;
		if (++g->n_te > 1)
			return violation(g, "more than one Transfer-Encoding");
	} else if (g->name_len < sizeof g->name && !strcmp(g->name, "host")) {
		g->field = F_HOST;
		if (++g->n_host > 1)
			return violation(g, "more than one Host");
	}
	return 0;
}

static int value_byte(struct gate *g, unsigned char c)
{
	int ows = c == ' ' || c == '\t';

	if (!is_field_char(c))
		return violation(g, "control character in a header field");
	if (g->field == F_CONTENT_LENGTH) {
		/*
		 * Leading whitespace is skipped by libmicrohttpd; trailing is not
		 * (it would answer its own 400, twice), so only digits may follow.
		 */
		if (ows && g->cl_phase == 0)
			return 0;
		if (c < '0' || c > '9')
			return violation(g, "Content-Length is not plain digits");
		if (g->cl > (UINT64_MAX >> 4) / 10)
			return violation(g, "Content-Length out of range");
		g->cl = g->cl * 10 + (uint64_t)(c - '0');
		g->cl_phase = 1;
	} else if (g->field == F_TRANSFER_ENCODING) {
		if (ows && g->val_len == 0)
			return 0;
		if (g->val_len >= sizeof g->val)
			return violation(g, "a transfer coding other than chunked");
		g->val[g->val_len++] = (char)(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
	}
	return 0;
}

static int value_end(struct gate *g)
{
	if (g->field == F_CONTENT_LENGTH && g->cl_phase == 0)
		return violation(g, "empty Content-Length");
	if (g->field == F_TRANSFER_ENCODING) {
		while (g->val_len &&
		       (g->val[g->val_len - 1] == ' ' || g->val[g->val_len - 1] == '\t'))
			g->val_len--;
		if (g->val_len != 7 || memcmp(g->val, "chunked", 7))
			return violation(g, "a transfer coding other than chunked");
		g->chunked = 1;
	}
	return 0;
}

/* The empty line after the header fields (or after the trailers). */
static int section_end(struct gate *g)
{
	if (g->trailer) {
		g->unit = U_NONE;
		request_end(g);
		return 0;
	}
	if (g->n_te && g->n_cl)
		return violation(g, "Content-Length together with Transfer-Encoding");
	if (g->n_te && g->http10)
		return violation(g, "Transfer-Encoding in HTTP/1.0");
	if (!g->http10 && g->n_host == 0)
		return violation(g, "HTTP/1.1 without Host");
	g->unit = U_NONE;
	g->delivered++;
	if (g->chunked) {
		g->body = 0;
		g->st = S_SIZE;
	} else if (g->n_cl && g->cl > 0) {
		g->remaining = g->cl;
		g->st = S_BODY;
	} else {
		request_end(g);
	}
	return 0;
}

static int is_unit_state(enum state st)
{
	return st != S_BODY && st != S_DATA;
}

static void unit_open(struct gate *g)
{
	if (g->st == S_START) {
		g->unit = U_HEAD;
		g->active = 1;
		g->start_ms = clock_mono_us() / 1000;
		g->bytes = 0;
		g->http10 = g->trailer = g->chunked = 0;
		g->n_cl = g->n_te = g->n_host = 0;
		g->cl = 0;
	} else {
		g->unit = g->st == S_SIZE ? U_CHUNK_FIRST : U_CHUNK_NEXT;
	}
	g->unit_len = 0;
}

/* One byte in a unit state. Returns 0, or -1 on a violation. */
static int step(struct gate *g, unsigned char c)
{
	static const char version[] = "HTTP/1.";
	int h;

	switch (g->st) {
	case S_START:
		if (c == '\r') {
			g->st = S_LEAD_LF;
			return 0;
		}
		if (!is_tchar(c))
			return violation(g, "bad request line");
		g->pos = 1;
		g->st = S_METHOD;
		return 0;
	case S_LEAD_LF:
		if (c != '\n')
			return violation(g, "CR without LF");
		g->st = S_START;
		return 0;
	case S_METHOD:
		if (c == ' ' && g->pos > 0) {
			g->pos = 0;
			g->st = S_TARGET;
			return 0;
		}
		if (!is_tchar(c) || ++g->pos > 32)
			return violation(g, "bad request line");
		return 0;
	case S_TARGET:
		if (c == ' ' && g->pos > 0) {
			g->pos = 0;
			g->st = S_VERSION;
			return 0;
		}
		if (!(byte_class[c] & C_TARGET))
			return violation(g, "bad request line");
		g->pos++;
		return 0;
	case S_VERSION:
		if (g->pos < sizeof version - 1) {
			if (c != (unsigned char)version[g->pos++])
				return violation(g, "bad request line");
			return 0;
		}
		if (g->pos == sizeof version - 1 && (c == '0' || c == '1')) {
			g->http10 = c == '0';
			g->pos++;
			return 0;
		}
		if (g->pos == sizeof version && c == '\r') {
			g->st = S_REQ_LF;
			return 0;
		}
		return violation(g, c == '\n' ? "bare LF" : "bad request line");
	case S_REQ_LF:
	case S_VALUE_LF:
	case S_END_LF:
	case S_SIZE_LF:
	case S_DATA_LF:
		if (c != '\n')
			return violation(g, "CR without LF");
		switch (g->st) {
		case S_REQ_LF:
		case S_VALUE_LF:
			field_begin(g);
			g->st = S_FIELD_START;
			return 0;
		case S_END_LF: return section_end(g);
		case S_DATA_LF: g->st = S_SIZE; return 0;
		default: /* S_SIZE_LF */
			if (g->remaining == 0) {
				g->trailer = 1;
				field_begin(g);
				g->st = S_FIELD_START;
				return 0;
			}
			g->body += g->remaining;
			if (g->body > body_max) {
				g->reason = "chunked body past the largest body limit";
				g->verdict = GATE_TOO_LARGE;
				return -1;
			}
			g->unit = U_NONE;
			g->st = S_DATA;
			return 0;
		}
	case S_FIELD_START:
		if (c == '\r') {
			g->st = S_END_LF;
			return 0;
		}
		if (c == ' ' || c == '\t')
			return violation(g, "obs-fold continuation line");
		if (c == '\n')
			return violation(g, "bare LF");
		g->st = S_NAME;
		/* fall through */
	case S_NAME:
		if (c == ':') {
			g->st = S_VALUE;
			return name_end(g);
		}
		if (!is_tchar(c))
			return violation(g, c == '\n' ? "bare LF" : "bad header field name");
		if (g->name_len < sizeof g->name)
			g->name[g->name_len] = (char)(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
		g->name_len++;
		return 0;
	case S_VALUE:
		if (c == '\r') {
			g->st = S_VALUE_LF;
			return value_end(g);
		}
		if (c == '\n')
			return violation(g, "bare LF");
		return value_byte(g, c);
	case S_DATA_CR:
		if (c != '\r')
			return violation(g, "chunk data longer than its size");
		g->st = S_DATA_LF;
		return 0;
	case S_SIZE:
	case S_SIZE_MORE:
		h = hex_value(c);
		if (h >= 0) {
			if (g->st == S_SIZE)
				g->remaining = 0;
			if (g->remaining >> 56)
				return violation(g, "chunk size out of range");
			g->remaining = g->remaining * 16 + (uint64_t)h;
			g->st = S_SIZE_MORE;
			return 0;
		}
		if (g->st == S_SIZE)
			return violation(g, "bad chunk size");
		/* fall through */
	case S_SIZE_WS:
		if (c == ' ' || c == '\t') {
			g->st = S_SIZE_WS;
			return 0;
		}
		if (c == ';') {
			g->st = S_EXT;
			return 0;
		}
		if (c == '\r') {
			g->st = S_SIZE_LF;
			return 0;
		}
		return violation(g, c == '\n' ? "bare LF" : "bad chunk size");
	case S_EXT:
		if (c == '\r') {
			g->st = S_SIZE_LF;
			return 0;
		}
		if (!is_field_char(c))
			return violation(g, c == '\n' ? "bare LF" : "control character in a chunk");
		return 0;
	case S_BODY:
	case S_DATA: break;
	}
	return violation(g, "internal state");
}

/*
 * Run p[0..n) through the machine. Reports where the unit still open at the
 * end began (n: none open; -1: it began before p), or where the bad one began.
 */
static struct fed feed(struct gate *g, const unsigned char *p, size_t n)
{
	struct fed r = { -1, 0 };
	size_t i = 0;

	if (g->unit == U_NONE)
		r.open_from = (long)n;
	while (i < n) {
		if (!is_unit_state(g->st)) {
			size_t k = n - i < g->remaining ? n - i : (size_t)g->remaining;
			g->remaining -= k;
			g->bytes += k;
			i += k;
			if (g->remaining == 0) {
				if (g->st == S_DATA)
					g->st = S_DATA_CR;
				else
					request_end(g);
			}
			continue;
		}
		if (g->unit == U_NONE) {
			unit_open(g);
			r.open_from = (long)i;
		}
		/* runs of ordinary bytes in a target or a value change no state */
		size_t run = 0;
		if (g->st == S_TARGET)
			run = span(p + i, n - i, C_TARGET);
		else if (g->st == S_VALUE && (g->field == F_OTHER || g->field == F_HOST))
			run = span(p + i, n - i, C_FIELD);
		else if (g->st == S_NAME)
			run = name_run(g, p + i, n - i);
		g->bytes += run ? run : 1;
		g->unit_len += run ? run : 1;
		if (g->unit_len > UNIT_MAX) {
			violation(g, "header block too large");
			r.bad = 1;
			return r;
		}
		if (run) {
			g->pos += run; /* counts the target's length; unused elsewhere */
			i += run;
			continue;
		}
		if (step(g, p[i++]) < 0) {
			r.bad = 1;
			return r;
		}
		if (g->unit == U_NONE)
			r.open_from = (long)n;
	}
	return r;
}

/* ---- the byte queue ---------------------------------------------------- */

static int q_append(struct gate *g, const void *p, size_t n)
{
	if (g->q_len + n > g->q_cap) {
		size_t cap = g->q_cap ? g->q_cap : 4096;
		while (cap < g->q_len + n)
			cap *= 2;
		unsigned char *q = realloc(g->q, cap);
		if (!q)
			return -1;
		g->q = q;
		g->q_cap = cap;
	}
	memcpy(g->q + g->q_len, p, n);
	g->q_len += n;
	return 0;
}

/*
 * Condemn the request whose unit began at q[keep]: drop that unit, queue the
 * input that completes it for libmicrohttpd, and take no more input.
 */
static void condemn(struct gate *g, size_t keep)
{
	enum unit_kind u = g->unit == U_NONE ? U_HEAD : g->unit;
	const char *fix = fixups[u];

	if (u == U_HEAD)
		g->delivered++;
	g->bad_seq = g->delivered;
	g->q_len = keep;
	if (q_append(g, fix, strlen(fix)) < 0)
		g->q_len = keep; /* no memory: the connection just closes */
	g->q_ready = g->q_len;
	g->dead = 1;
	g->active = 0;
}

/* ---- recv ------------------------------------------------------------- */

/* Slow senders: the deadline of the request being read, or close it. */
static int pace(struct gate *g)
{
	int64_t now, deadline;

	if (g->active && idle_ms > 0) {
		now = clock_mono_us() / 1000;
		deadline = g->start_ms + idle_ms + (int64_t)(g->bytes * 1000 / 1024);
		if (now > deadline) {
			g->dead = 1;
			return -1;
		}
		MHD_set_connection_option(g->conn, MHD_CONNECTION_OPTION_TIMEOUT,
					  (unsigned)((deadline - now + 999) / 1000));
		g->timeout_set = 1;
	} else if (g->timeout_set) {
		MHD_set_connection_option(g->conn, MHD_CONNECTION_OPTION_TIMEOUT,
					  (unsigned)(idle_ms / 1000));
		g->timeout_set = 0;
	}
	return 0;
}

static ssize_t drained(int fd, size_t out)
{
	char junk[4096];

	for (int k = 0; k < DRAIN_ROUNDS; k++)
		if (recvfrom(fd, junk, sizeof junk, MSG_DONTWAIT, NULL, NULL) <= 0)
			break;
	if (out)
		return (ssize_t)out;
	errno = EAGAIN;
	return -1;
}

static ssize_t gate_recv(struct gate *g, unsigned char *buf, size_t len, int flags)
{
	size_t out = 0;

	for (;;) {
		if (g->q_ready) {
			size_t n = len - out < g->q_ready ? len - out : g->q_ready;
			memcpy(buf + out, g->q, n);
			memmove(g->q, g->q + n, g->q_len - n);
			g->q_len -= n;
			g->q_ready -= n;
			out += n;
			if (out == len)
				return (ssize_t)out;
		}
		if (g->dead)
			return drained(g->fd, out);
		if (out == len)
			return (ssize_t)out;

		size_t want = len - out;
		ssize_t r = recvfrom(g->fd, buf + out, want, flags, NULL, NULL);
		if (r <= 0)
			return out ? (ssize_t)out : r;

		struct fed f;
		if (g->q_len == 0) {
			/* checked in place; an open unit's bytes move to the queue */
			f = feed(g, buf + out, (size_t)r);
			size_t rel = (size_t)(f.open_from < 0 ? 0 : f.open_from);
			if (f.bad) {
				out += rel;
				condemn(g, 0);
				continue;
			}
			if (rel < (size_t)r && q_append(g, buf + out + rel, (size_t)r - rel) < 0) {
				g->dead = 1;
				errno = ENOMEM;
				return -1;
			}
			out += rel;
		} else {
			/* the new bytes continue the unit held in the queue */
			size_t base = g->q_len;
			if (q_append(g, buf + out, (size_t)r) < 0) {
				g->dead = 1;
				errno = ENOMEM;
				return -1;
			}
			f = feed(g, g->q + base, (size_t)r);
			size_t start = f.open_from < 0 ? 0 : base + (size_t)f.open_from;
			if (f.bad) {
				condemn(g, start);
				continue;
			}
			g->q_ready = start;
		}
		if (pace(g) < 0) {
			errno = ECONNRESET;
			return -1;
		}
		if (g->q_ready)
			continue;
		if ((size_t)r < want) {
			if (out)
				return (ssize_t)out;
			errno = EAGAIN;
			return -1;
		}
	}
}

/*
 * libmicrohttpd's reads come here (it imports recv from the C library, and a
 * symbol the executable defines is found first); everything else passes on.
 */
ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	struct gate *g = NULL;

	if (fd >= 0 && (size_t)fd < table_n)
		g = atomic_load_explicit(&table[fd], memory_order_acquire);
	if (!g || len == 0)
		return recvfrom(fd, buf, len, flags, NULL, NULL);
	return gate_recv(g, buf, len, flags);
}

/* ---- connections and requests ------------------------------------------ */

int gate_setup(int64_t connection_timeout_s, int64_t max_body)
{
	struct rlimit rl;
	size_t n = 65536;

	if (!byte_class['a'])
		classes_init();
	idle_ms = connection_timeout_s * 1000;
	body_max = (uint64_t)max_body;
	if (table)
		return 0;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur > n)
		n = rl.rlim_cur < ((rlim_t)1 << 20) ? (size_t)rl.rlim_cur : (size_t)1 << 20;
	table = calloc(n, sizeof *table);
	if (!table)
		return -1;
	table_n = n;
	return 0;
}

void gate_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		 enum MHD_ConnectionNotificationCode code)
{
	struct gate *g;

	(void)cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		*socket_context = NULL;
		if (!ci || ci->connect_fd < 0 || (size_t)ci->connect_fd >= table_n)
			return;
		g = calloc(1, sizeof *g);
		if (!g)
			return;
		g->conn = conn;
		g->fd = ci->connect_fd;
		g->st = S_START;
		*socket_context = g;
		atomic_store_explicit(&table[g->fd], g, memory_order_release);
		return;
	}
	g = *socket_context;
	if (!g)
		return;
	/* before libmicrohttpd closes the descriptor, so a reuse cannot find g */
	atomic_store_explicit(&table[g->fd], NULL, memory_order_release);
	free(g->q);
	free(g);
	*socket_context = NULL;
}

struct gate *gate_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

uint32_t gate_request_begin(struct gate *g)
{
	return g ? ++g->begun : 0;
}

enum gate_verdict gate_verdict(const struct gate *g, uint32_t seq, const char **reason)
{
	if (!g || !g->bad_seq || seq < g->bad_seq)
		return GATE_OK;
	*reason = g->reason;
	return g->verdict;
}
