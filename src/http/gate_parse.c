/*
 * gate_parse.c — the framing gate's machine (gate_int.h); see gate.h.
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
 */
#include "http/gate_int.h"

#include "core/clock.h"

#include <string.h>

/* ---- character classes ------------------------------------------------- */

enum { C_TCHAR = 1, C_FIELD = 2, C_TARGET = 4 };

/*
 * Byte classes: token characters; field-value bytes (field-vchar, SP, HTAB
 * and obs-text >= 0x80, as RFC 9112 allows); request-target bytes (visible
 * ASCII, and >= 0x80, which libmicrohttpd passes on percent-encoded or not).
 */
static unsigned char byte_class[256];

void gate_classes_init(void)
{
	if (byte_class['a'])
		return; /* done */
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

/*
 * A byte of the method or the target (ok: one it may hold): a space after at
 * least one byte ends it, and the line goes on in state next.
 */
static int line_token(struct gate *g, unsigned char c, int ok, enum state next)
{
	if (c == ' ' && g->pos > 0) {
		g->pos = 0;
		g->st = next;
		return 0;
	}
	if (!ok)
		return violation(g, "bad request line");
	g->pos++;
	return 0;
}

/* The request line: S_START .. S_VERSION. */
static int step_line(struct gate *g, unsigned char c)
{
	static const char version[] = "HTTP/1.";

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
	case S_METHOD: /* 32 bytes at most */
		return line_token(g, c, is_tchar(c) && g->pos < 32, S_TARGET);
	case S_TARGET: return line_token(g, c, byte_class[c] & C_TARGET, S_VERSION);
	default: /* S_VERSION */
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
	}
}

/* The LF after a CR, in every state that expects one. */
static int step_lf(struct gate *g, unsigned char c)
{
	if (c != '\n')
		return violation(g, "CR without LF");
	switch (g->st) {
	case S_LEAD_LF: g->st = S_START; return 0;
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
		if (g->body > gate_body_max) {
			g->reason = "chunked body past the largest body limit";
			g->verdict = GATE_TOO_LARGE;
			return -1;
		}
		g->unit = U_NONE;
		g->st = S_DATA;
		return 0;
	}
}

/* A header or trailer field: S_FIELD_START, S_NAME, S_VALUE. */
static int step_field(struct gate *g, unsigned char c)
{
	switch (g->st) {
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
	default: /* S_VALUE */
		if (c == '\r') {
			g->st = S_VALUE_LF;
			return value_end(g);
		}
		if (c == '\n')
			return violation(g, "bare LF");
		return value_byte(g, c);
	}
}

/* A chunk's size line and the CR after its data: S_SIZE .. S_EXT, S_DATA_CR. */
static int step_chunk(struct gate *g, unsigned char c)
{
	int h;

	switch (g->st) {
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
	default: /* S_EXT */
		if (c == '\r') {
			g->st = S_SIZE_LF;
			return 0;
		}
		if (!is_field_char(c))
			return violation(g, c == '\n' ? "bare LF" : "control character in a chunk");
		return 0;
	}
}

/* One byte in a unit state. Returns 0, or -1 on a violation. */
static int step(struct gate *g, unsigned char c)
{
	switch (g->st) {
	case S_START:
	case S_METHOD:
	case S_TARGET:
	case S_VERSION: return step_line(g, c);
	case S_LEAD_LF:
	case S_REQ_LF:
	case S_VALUE_LF:
	case S_END_LF:
	case S_SIZE_LF:
	case S_DATA_LF: return step_lf(g, c);
	case S_FIELD_START:
	case S_NAME:
	case S_VALUE: return step_field(g, c);
	case S_DATA_CR:
	case S_SIZE:
	case S_SIZE_MORE:
	case S_SIZE_WS:
	case S_EXT: return step_chunk(g, c);
	case S_BODY:
	case S_DATA: break;
	}
	return violation(g, "internal state");
}

/*
 * Run p[0..n) through the machine. Reports where the unit still open at the
 * end began (n: none open; -1: it began before p), or where the bad one began.
 */
struct fed gate_feed(struct gate *g, const unsigned char *p, size_t n)
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
