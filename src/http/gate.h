/*
 * gate.h — strict HTTP/1.1 framing, checked on the bytes before libmicrohttpd
 * parses them.
 *
 * Why. Debian's libmicrohttpd 0.9.75 is lenient where a proxy in front of us
 * may not be, and a difference in how two parsers frame the same bytes is how
 * a second request is smuggled through: it takes bare LF line endings, obs-fold
 * continuation lines and a NUL inside a header value (the value is silently cut
 * there), and it answers a Content-Length that is not plain digits with its own
 * 400 whose status line and headers it then sends twice. None of this can be
 * seen from the request callback: by then the bytes are parsed and rewritten.
 *
 * How. libmicrohttpd reads each connection with recv(), a symbol it imports
 * from the C library. The server binary defines recv() (gate.c): for a socket
 * that is one of our HTTP connections it reads the bytes, runs them through a
 * byte-at-a-time HTTP/1.1 framing machine (request line, header fields, body by
 * Content-Length or chunked, trailers), and hands libmicrohttpd only what has
 * been checked: a request's header block is held back until its empty line has
 * arrived and passed. Every other descriptor (libpq, libcurl) goes straight to
 * the C library's recvfrom(). Connections are registered through
 * MHD_OPTION_NOTIFY_CONNECTION, which also gives each its struct gate as the
 * socket context.
 *
 * On a violation the held bytes are dropped and libmicrohttpd is handed the
 * smallest input that completes the request where it stands (a stand-in
 * request line, or the end of a chunked body); everything the client sends
 * afterwards is discarded. The server's request callback asks gate_verdict()
 * for each request and answers that one with exactly one 400 (or 413 for a
 * chunked body past the largest body limit) and Connection: close, so nothing
 * pipelined behind it runs. Requests before it are answered normally.
 *
 * Slow senders. A request must arrive within connection_timeout seconds of its
 * first byte, plus one second per KiB received (a floor of 1 KiB/s for
 * uploads); past that the connection is closed. While a request is partly in,
 * the connection's idle timeout is shortened to the time left, so a sender
 * that falls silent is closed at the deadline too.
 *
 * All of a connection's calls (recv and the request callbacks) run on the
 * worker thread that owns the connection, so a struct gate needs no lock; the
 * descriptor table is read by every thread and written with atomics.
 */
#ifndef SHUNIU_HTTP_GATE_H
#define SHUNIU_HTTP_GATE_H

#include <microhttpd.h>
#include <stdint.h>

struct gate;

enum gate_verdict {
	GATE_OK,
	GATE_BAD,	/* malformed or ambiguous framing: 400 and close */
	GATE_TOO_LARGE, /* a chunked body past the largest body limit: 413 and close */
};

/*
 * Once, before the daemon starts: the idle timeout in seconds (0: none) and the
 * largest body any route accepts. Returns 0 or -1 (no memory).
 */
int gate_setup(int64_t connection_timeout_s, int64_t max_body);
/* MHD_OPTION_NOTIFY_CONNECTION callback. */
void gate_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		 enum MHD_ConnectionNotificationCode code);
/* The connection's gate, or NULL when it has none (it is then not checked). */
struct gate *gate_of(struct MHD_Connection *conn);
/* The request callback's first call: the number of this request on its connection. */
uint32_t gate_request_begin(struct gate *g);
/* What the gate found in request `seq`; *reason names the rule broken. */
enum gate_verdict gate_verdict(const struct gate *g, uint32_t seq, const char **reason);

#endif
