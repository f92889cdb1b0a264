/*
 * gate.c — the framing gate in front of libmicrohttpd; see gate.h. The
 * machine that checks the bytes is in gate_parse.c; this file holds them back
 * (units), reads the socket for libmicrohttpd and keeps the per-connection
 * state.
 *
 * Read-readiness. With epoll, libmicrohttpd takes a short read as "the socket
 * is drained" and waits for the next edge. So gate_recv() returns fewer bytes
 * than asked only when the socket itself came up short; held bytes make it
 * read again rather than return early.
 */
#undef _FORTIFY_SOURCE /* this file defines recv(), which the fortified headers wrap */

#include "http/gate.h"
#include "http/gate_int.h"

#include "core/clock.h"
#include "core/util.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

static _Atomic(struct gate *) *table;
static size_t table_n;
static int64_t idle_ms;
uint64_t gate_body_max;

static const char *const fixups[] = {
	[U_HEAD] = "GET / HTTP/1.1\r\nHost: gate\r\n\r\n", /* stands in for the bad request */
	[U_CHUNK_FIRST] = "0\r\n\r\n",			   /* ends the body after the head */
	[U_CHUNK_NEXT] = "\r\n0\r\n\r\n",		   /* ends it after chunk data */
};

/* ---- the byte queue ---------------------------------------------------- */

static int q_append(struct gate *g, const void *p, size_t n)
{
	if (buf_reserve(&g->q, &g->q_cap, g->q_len + n))
		return -1;
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
			f = gate_feed(g, buf + out, (size_t)r);
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
			f = gate_feed(g, g->q + base, (size_t)r);
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

	gate_classes_init();
	idle_ms = connection_timeout_s * 1000;
	gate_body_max = (uint64_t)max_body;
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
