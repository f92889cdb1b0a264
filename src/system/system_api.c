/*
 * system_api.c — GET /healthz, GET /api/v1/meta, GET /metrics and, under
 * --test-clock only, /api/v1/_test/clock and the store's fault switches
 * (db-fail, db-busy, tx-leak).
 *
 * /healthz is what a load balancer polls: it answers 200 only when a trivial
 * query succeeds on this worker's database connection, 503 otherwise.
 */
#include "revision.h"
#include "core/jbuild.h"
#include "system/system.h"

#include "core/clock.h"
#include "db/store.h"
#include "http/metrics.h"
#include "http/body.h"
#include "http/request.h"
#include "http/server.h"

#include <string.h>

static void get_healthz(struct req *req)
{
	struct db_conn *c = db_conn_thread(req->srv->db);
	const char *kind = db_kind_name(req->srv->db);

	if (!c || db_ping(c) < 0) {
		reply_json(
			req, 503,
			JB_OBJ(jb_str("status", "unavailable"), jb_str("version", SHUNIU_VERSION),
			       jb_str("db", kind),
			       jb_take("error", JB_OBJ(jb_str("code", err_code(ERR_DB_UNAVAILABLE)),
						       jb_str("message",
							      err_message(ERR_DB_UNAVAILABLE))))));
		return;
	}
	reply_json(req, 200,
		   JB_OBJ(jb_str("status", "ok"), jb_str("version", SHUNIU_VERSION),
			  jb_str("db", kind)));
}

static void get_meta(struct req *req)
{
	char now[32];

	clock_format_shanghai(clock_now(), now);
	reply_json(req, 200,
		   JB_OBJ(jb_str("name", "shuniu"), jb_str("version", SHUNIU_VERSION),
			  jb_str("revision", SHUNIU_REVISION),
			  jb_str("db", db_kind_name(req->srv->db)), jb_str("server_time", now),
			  jb_str("timezone", "Asia/Shanghai"),
			  jb_bool("test_clock", req->srv->test_clock),
			  jb_str_or_null("map_tile_url", req->srv->cfg->map_tile_url[0]
								 ? req->srv->cfg->map_tile_url
								 : NULL)));
}

static void get_metrics(struct req *req)
{
	char *text = metrics_render(req->srv->metrics, &req->arena, db_kind_name(req->srv->db));

	reply_bytes(req, 200, "text/plain; version=0.0.4; charset=utf-8", text, strlen(text));
}

static void clock_answer(struct req *req)
{
	char now[32];

	clock_format_shanghai(clock_now(), now);
	reply_json(req, 200, JB_OBJ(jb_str("now", now), jb_int("offset_seconds", clock_offset())));
}

/* A body of one required integer, {"<key>": n} with n in lo..hi. */
struct one_int {
	int64_t v;
};

static int one_int_or_reply(struct req *req, const char *key, int64_t lo, int64_t hi, int64_t *out)
{
	const struct body_field f[] = { BF_INT(struct one_int, v, key, BF_REQUIRED, lo, hi, 0) };
	struct one_int b;

	if (body_read_or_reply(req, f, 1, &b, NULL))
		return -1;
	*out = b.v;
	return 0;
}

static void post_test_clock(struct req *req)
{
	int64_t secs;

	/* Forward only: ten years at most per call; time never runs backwards. */
	if (one_int_or_reply(req, "advance_seconds", 0, 315360000, &secs))
		return;
	clock_advance(secs);
	clock_answer(req);
}

/* {key: n} with n from 0 to a million: set(n) arms a fault, and the answer echoes it. */
static void arm_db_fault(struct req *req, const char *key, void (*set)(long n))
{
	int64_t n;

	if (one_int_or_reply(req, key, 0, 1000000, &n))
		return;
	set((long)n);
	reply_json(req, 200, JB_OBJ(jb_int(key, n)));
}

/* {"after": n}: the n-th db_step() or db_exec() from now fails; 0 disarms. */
static void post_test_db_fail(struct req *req)
{
	arm_db_fault(req, "after", db_test_fail_after);
}

/* {"begins": n}: the next n transactions meet a busy lock at their BEGIN. */
static void post_test_db_busy(struct req *req)
{
	arm_db_fault(req, "begins", db_test_busy_begins);
}

/*
 * A handler that forgets its transaction: begins one and answers without
 * ending it, so the tests can see the server's end-of-request check catch it.
 */
static void post_test_tx_leak(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);

	if (!c)
		return;
	if (db_begin(c) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, 200, JB_OBJ(jb_bool("left_open", 1)));
}

const struct route system_routes[] = {
	{ "GET", "/healthz", get_healthz, 0, NULL, 0 },
	{ "GET", "/api/v1/meta", get_meta, 0, NULL, 0 },
	{ "GET", "/metrics", get_metrics, 0, NULL, 0 },
	{ 0 },
};

const struct route system_test_routes[] = {
	{ "GET", "/api/v1/_test/clock", clock_answer, 0, NULL, 0 },
	{ "POST", "/api/v1/_test/clock", post_test_clock, R_JSON, NULL, 0 },
	{ "POST", "/api/v1/_test/db-fail", post_test_db_fail, R_JSON, NULL, 0 },
	{ "POST", "/api/v1/_test/db-busy", post_test_db_busy, R_JSON, NULL, 0 },
	{ "POST", "/api/v1/_test/tx-leak", post_test_tx_leak, 0, NULL, 0 },
	{ 0 },
};
