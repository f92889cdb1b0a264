/*
 * appeal_submit.c — POST /api/v1/appeals and the group-commit writer.
 *
 * The handler validates everything it can on its own connection (category,
 * place, photos, phone, deadline) and hands a struct appeal_new to the writer
 * thread, then waits. The writer takes every submission queued at that
 * moment (up to submit_batch_max), inserts each inside a savepoint of one
 * transaction and commits once: one fsync for the whole batch. Each waiter is
 * woken only after COMMIT returned, so a 201 always names a durable case.
 * A submission whose savepoint fails gets its own error; the others commit.
 *
 * Idempotency-Key: the key, scoped to the caller (account, or the anonymous
 * reporter's phone), is stored UNIQUE on the appeal. A retry finds the row
 * and gets the same answer, marked Idempotent-Replayed: true.
 */
#include "appeals/appeals_int.h"

#include "attach/attach.h"
#include "auth/auth.h"
#include "calendar/calendar.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/log.h"
#include "core/util.h"
#include "core/worker.h"
#include "db/store.h"
#include "http/body.h"
#include "http/request.h"
#include "http/metrics.h"
#include "http/server.h"
#include "org/org.h"
#include "pii/pii.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the writer -------------------------------------------------------- */

struct pending {
	struct appeal_new *a;
	struct pending *next;
	pthread_cond_t cv; /* its own, so a batch wakes only its submitters */
	int done;
};

/* Figures for /metrics. */
static atomic_llong m_batches, m_items, m_batch_us, m_failed;

static void writer_metrics(void *fp)
{
	FILE *f = fp;

	fprintf(f,
		"# HELP shuniu_appeal_batches_total Group commits of appeal submissions.\n"
		"# TYPE shuniu_appeal_batches_total counter\nshuniu_appeal_batches_total %lld\n"
		"# HELP shuniu_appeal_batch_items_total Submissions in those group commits.\n"
		"# TYPE shuniu_appeal_batch_items_total counter\nshuniu_appeal_batch_items_total "
		"%lld\n"
		"# HELP shuniu_appeal_batch_seconds_total Time spent inserting and committing.\n"
		"# TYPE shuniu_appeal_batch_seconds_total counter\n"
		"shuniu_appeal_batch_seconds_total %.6f\n"
		"# HELP shuniu_appeal_submissions_failed_total Submissions that did not commit.\n"
		"# TYPE shuniu_appeal_submissions_failed_total counter\n"
		"shuniu_appeal_submissions_failed_total %lld\n",
		(long long)m_batches, (long long)m_items, (double)m_batch_us / 1e6,
		(long long)m_failed);
}

/* w.cv: work was queued (or the writer should stop) */
static struct {
	struct worker w;
	struct pending *head, *tail;
	struct server *srv;
	int batch_max;
} W = { .w = WORKER_INIT };

/* Insert items in one transaction and commit: 0, or <0 (rolled back). */
static int insert_all(struct db_conn *c, struct appeal_new **items, int n)
{
	int rc = db_begin(c);

	for (int i = 0; rc == 0 && i < n; i++) {
		items[i]->replayed = 0;
		rc = items[i]->rc = appeal_store_insert_batch(c, items + i, 1);
		if (rc < 0)
			log_warn("appeal submission failed: %s", db_errmsg(c));
	}
	if (rc == 0 && (rc = db_commit(c)) < 0)
		log_error("appeal batch of %d: commit failed: %s", n, db_errmsg(c));
	if (rc < 0)
		db_rollback(c);
	return rc;
}

/*
 * Insert a batch in one transaction (one fsync); sets every item's rc. If
 * any item fails, the batch is rolled back and each item is tried again in
 * a transaction of its own, so one bad submission fails alone.
 *
 * These two begin and commit by hand rather than through db_tx_run(): the
 * group-commit writer is its own retry policy. A failed batch (busy
 * included) falls back to one transaction per item and every waiting
 * worker gets its item's status; rerunning a whole batch on DB_EBUSY would
 * hold every submitter in it for the backoff, and the items' outputs
 * (case numbers, replay marks) are reset here by hand before each try.
 */
static void submit_batch(struct db_conn *c, struct appeal_new **items, int n)
{
	int rc = db_begin(c);

	for (int i = 0; i < n; i++) {
		items[i]->replayed = 0;
		items[i]->case_no[0] = '\0';
	}
	if (rc == 0)
		rc = appeal_store_insert_batch(c, items, n);
	if (rc == 0 && (rc = db_commit(c)) < 0)
		log_error("appeal batch of %d: commit failed: %s", n, db_errmsg(c));
	if (rc < 0) {
		db_rollback(c);
		for (int i = 0; i < n; i++)
			items[i]->case_no[0] = '\0';
	}

	if (rc < 0) /* one at a time, so a bad submission fails alone */
		for (int i = 0; i < n; i++)
			insert_all(c, items + i, 1);
	for (int i = 0; i < n; i++)
		if (items[i]->rc < 0)
			items[i]->replayed = 0;
	notify_kick();
}

static void *writer_main(void *arg)
{
	struct db_conn *c = db_conn_thread(W.srv->db);
	struct appeal_new **batch = calloc((size_t)W.batch_max, sizeof *batch);
	struct pending **taken = calloc((size_t)W.batch_max, sizeof *taken);

	(void)arg;
	pthread_mutex_lock(&W.w.mu);
	for (;;) {
		while (!W.head && !W.w.stop)
			pthread_cond_wait(&W.w.cv, &W.w.mu);
		if (!W.head && W.w.stop)
			break;
		int n = 0;
		while (W.head && n < W.batch_max && batch && taken) {
			taken[n] = W.head;
			batch[n] = W.head->a;
			W.head = W.head->next;
			n++;
		}
		if (!W.head)
			W.tail = NULL;
		pthread_mutex_unlock(&W.w.mu);
		if (!c || !batch || !taken)
			for (int i = 0; i < n; i++)
				batch[i]->rc = DB_EUNAVAILABLE;
		else {
			int64_t t0 = clock_mono_us();
			submit_batch(c, batch, n);
			m_batch_us += clock_mono_us() - t0;
			m_batches++;
			m_items += n;
			for (int i = 0; i < n; i++)
				m_failed += batch[i]->rc < 0;
		}
		pthread_mutex_lock(&W.w.mu);
		for (int i = 0; i < n; i++) {
			taken[i]->done = 1;
			pthread_cond_signal(&taken[i]->cv);
		}
	}
	pthread_mutex_unlock(&W.w.mu);
	free(batch);
	free(taken);
	return NULL;
}

int appeal_writer_start(struct server *srv)
{
	W.srv = srv;
	W.batch_max = (int)srv->cfg->submit_batch_max;
	if (srv->metrics)
		metrics_add_source(srv->metrics, writer_metrics);
	return worker_start(&W.w, writer_main, NULL);
}

void appeal_writer_stop(void)
{
	worker_stop(&W.w);
}

void appeal_submit(struct appeal_new *a)
{
	struct pending p = { .a = a, .cv = PTHREAD_COND_INITIALIZER };

	pthread_mutex_lock(&W.w.mu);
	if (!W.w.running || W.w.stop) {
		pthread_mutex_unlock(&W.w.mu);
		a->rc = DB_EUNAVAILABLE;
		return;
	}
	if (W.tail)
		W.tail->next = &p;
	else
		W.head = &p;
	W.tail = &p;
	pthread_cond_signal(&W.w.cv);
	while (!p.done)
		pthread_cond_wait(&p.cv, &W.w.mu);
	pthread_mutex_unlock(&W.w.mu);
	pthread_cond_destroy(&p.cv);
}

/* ---- the handler ------------------------------------------------------- */

/* The grid whose boundary holds the point: DB_ROW and *out, DB_DONE, or <0. */
static int grid_at_point(struct db_conn *c, double lng, double lat, struct unit_ref *out)
{
	int64_t id;
	int rc = appeal_store_grid_at_point(c, lng, lat, &id);

	return rc == DB_ROW ? unit_get(c, id, out) : rc;
}

/* The root of the tree (the district). */
static int root_unit(struct db_conn *c, struct unit_ref *out)
{
	int64_t id = 0;
	int rc = appeal_store_root_unit(c, &id);

	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_DONE;
	return unit_get(c, id, out);
}

int appeal_locate(struct db_conn *c, struct appeal_new *a, int64_t unit_id,
		  const char *station_code, struct unit_ref *u, const char **field,
		  const char **why)
{
	int rc = DB_DONE;

	if (!a->address)
		a->address = "";
	if (a->has_coords && (a->lng < 73 || a->lng > 136 || a->lat < 3 || a->lat > 54)) {
		*field = "lng";
		*why = "a point in China (WGS 84 longitude, latitude)";
		return 1;
	}
	if (unit_id) {
		rc = unit_get(c, unit_id, u);
		if (rc == DB_DONE) {
			*field = "unit_id";
			*why = "no such unit";
			return 1;
		}
	} else if (station_code) {
		rc = appeal_store_station(c, station_code, &a->station_id, &unit_id);
		if (rc == DB_DONE) {
			*field = "station_code";
			*why = "no station has this code";
			return 1;
		}
		if (rc == DB_ROW)
			rc = unit_get(c, unit_id, u);
	} else if (a->has_coords) {
		rc = grid_at_point(c, a->lng, a->lat, u);
		if (rc == DB_DONE && !*a->address) {
			*field = "lng";
			*why = "the point lies in no grid of this district";
			return 1;
		}
	} else if (!*a->address) {
		*field = "unit_id";
		*why = "give unit_id, station_code, lng/lat or address";
		return 1;
	}
	if (rc == DB_DONE) /* an address alone: the district triages it */
		rc = root_unit(c, u);
	return rc == DB_ROW ? 0 : (rc < 0 ? rc : DB_ERR);
}

/* The body of POST /api/v1/appeals. */
struct appeal_body {
	const char *category, *title, *description, *channel, *station_code, *address;
	json_t *contact, *photos;
	int64_t unit_id;
	double lng, lat;
	struct body_seen seen;
};
static const struct body_field appeal_fields[] = {
	BF_STR(struct appeal_body, category, "category", BF_REQUIRED, 0, 48),
	BF_STR(struct appeal_body, title, "title", BF_REQUIRED, 0, 100),
	BF_STR_DEF(struct appeal_body, description, "description", 0, 2000, ""),
	BF_STR(struct appeal_body, channel, "channel", BF_OPTIONAL, 0, 16),
	BF_JSON(struct appeal_body, contact, "contact", BF_OPTIONAL, -1),
	BF_ID(struct appeal_body, unit_id, "unit_id", BF_OPTIONAL),
	BF_STR(struct appeal_body, station_code, "station_code", BF_OPTIONAL, 0, 20),
	BF_STR(struct appeal_body, address, "address", BF_OPTIONAL, 0, 300),
	BF_NUM(struct appeal_body, lng, "lng", BF_OPTIONAL, -1e9, 1e9, 0),
	BF_NUM(struct appeal_body, lat, "lat", BF_OPTIONAL, -1e9, 1e9, 0),
	BF_JSON(struct appeal_body, photos, "photos", BF_OPTIONAL, -1),
};

/* contact: {"name", "phone"} */
struct contact_body {
	const char *name, *phone;
};
static const struct body_field contact_fields[] = {
	BF_STR_DEF(struct contact_body, name, "name", 0, 60, ""),
	BF_STR(struct contact_body, phone, "phone", BF_OPTIONAL, 0, 30),
};

/* The place from "unit_id", "station_code", "lng"/"lat" or "address". 0, or -1 answered. */
static int place_or_reply(struct req *req, struct db_conn *c, const struct appeal_body *b,
			  struct appeal_new *a, struct unit_ref *u)
{
	const char *field, *why;
	int has_lng = body_has(&b->seen, appeal_fields, "lng"),
	    has_lat = body_has(&b->seen, appeal_fields, "lat");
	int rc;

	a->address = b->address;
	if (has_lng != has_lat) {
		reply_invalid(req, "lng", "lng and lat must both be numbers");
		return -1;
	}
	if (has_lng) {
		a->lng = b->lng;
		a->lat = b->lat;
		a->has_coords = 1;
	}
	rc = appeal_locate(c, a, b->unit_id, b->station_code, u, &field, &why);
	if (rc == 1)
		reply_invalid(req, field, why);
	else if (rc < 0)
		reply_error(req, ERR_DB_UNAVAILABLE);
	return rc ? -1 : 0;
}

int appeal_route(struct db_conn *c, struct appeal_new *a, const struct unit_ref *place,
		 struct unit_ref *handler)
{
	static const int depth_of_level[] = {
		[LEVEL_GRID] = 3, [LEVEL_COMMUNITY] = 2, [LEVEL_STREET] = 1, [LEVEL_DEPARTMENT] = 0
	};
	int d = depth_of_level[a->cat->level], rc;

	if (d > place->depth)
		d = place->depth;
	if (d == place->depth) {
		*handler = *place;
		rc = DB_ROW;
	} else {
		rc = unit_get(c, org_path_id(place->path, d), handler);
	}
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERR;
	a->unit_id = place->id;
	a->unit_path = place->path;
	a->handler_unit_id = handler->id;
	a->handler_path = handler->path;
	if (!a->created_at)
		a->created_at = clock_now();
	return cal_deadline_db(c, a->created_at, a->cat->accept_amount, a->cat->accept_workdays,
			       &a->accept_due);
}

static const char *const staff_channels[] = { "phone", "walk_in", "hotline", "patrol", NULL };

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

int appeal_phone_seal(const struct pii_keys *k, const char *phone, struct appeal_phone *ph,
		      struct appeal_new *a)
{
	int blen;

	a->phone_mask = "";
	a->phone_last4 = ph->last4;
	if (!phone)
		return 0;
	if (pii_phone_normalize(phone, ph->norm) < 0)
		return 1;
	blen = pii_encrypt(k, PII_PHONE, ph->norm, ph->blob);
	if (blen < 0)
		return -1;
	pii_mask(PII_PHONE, ph->norm, ph->mask);
	snprintf(ph->last4, sizeof ph->last4, "%s", ph->norm + strlen(ph->norm) - 4);
	a->phone_enc = ph->blob;
	a->phone_enc_len = (size_t)blen;
	a->phone_mask = ph->mask;
	return 0;
}

/* Who reports, through which channel, and their phone. 0, or -1 answered. */
static int reporter_or_reply(struct req *req, int staff, const struct appeal_body *b,
			     struct appeal_phone *ph, struct appeal_new *a)
{
	const struct auth *au = req_auth(req);
	const char *channel = b->channel, *phone;
	struct contact_body cb = { "", NULL };
	int rc;

	if (b->contact && !json_is_object(b->contact)) {
		reply_invalid(req, "contact", "an object {\"name\", \"phone\"}");
		return -1;
	}
	if (b->contact &&
	    body_read_obj_or_reply(req, b->contact, "contact", contact_fields,
				   sizeof contact_fields / sizeof *contact_fields, &cb, NULL))
		return -1;
	a->contact_name = cb.name;
	phone = cb.phone;
	if (staff) {
		if (!channel || !in_list(channel, staff_channels)) {
			reply_invalid(req, "channel",
				      "staff report through phone, walk_in, hotline "
				      "or patrol");
			return -1;
		}
		if (strcmp(channel, "patrol") && !phone) {
			reply_invalid(req, "contact", "the resident's contact phone is required");
			return -1;
		}
		a->created_by = au->account_id;
	} else {
		if (channel && strcmp(channel, "app") && strcmp(channel, "qr")) {
			reply_invalid(req, "channel", "app or qr");
			return -1;
		}
		if (!au && !phone) {
			reply_invalid(req, "contact", "anonymous reports need a contact phone");
			return -1;
		}
		if (au)
			a->reporter_id = au->account_id;
	}
	rc = appeal_phone_seal(req->srv->pii, phone, ph, a);
	if (rc == 1)
		reply_invalid(req, "contact", "phone: a mainland mobile or landline number");
	else if (rc < 0)
		reply_error(req, ERR_INTERNAL);
	return rc ? -1 : 0;
}

/* The Idempotency-Key header, scoped to the account or to the anonymous reporter's
 * phone (by its blind index). 0, or -1 answered. */
static int idem_key_or_reply(struct req *req, const char *norm, struct appeal_new *a)
{
	const struct auth *au = req_auth(req);
	const char *idem = req_header(req, "Idempotency-Key");
	size_t n;

	if (!idem)
		return 0;
	n = strlen(idem);
	if (n == 0 || n > 100 ||
	    strspn(idem, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
			 "vwxyz0123456789-_.:") != n) {
		reply_invalid(req, "Idempotency-Key", "1 to 100 of A-Z a-z 0-9 - _ . :");
		return -1;
	}
	if (au) {
		a->idem_key =
			arena_printf(&req->arena, "a%lld:%s", (long long)au->account_id, idem);
	} else {
		unsigned char bidx[PII_BIDX_BYTES];
		char hex[17];
		pii_blind_index(req->srv->pii, PII_PHONE, norm, bidx);
		for (int i = 0; i < 8; i++)
			snprintf(hex + 2 * i, 3, "%02x", bidx[i]);
		a->idem_key = arena_printf(&req->arena, "p%s:%s", hex, idem);
	}
	return 0;
}

/* The category, title and description. 0, or -1 answered. */
static int what_or_reply(struct req *req, struct db_conn *c, const struct appeal_body *b,
			 struct category *cat, struct appeal_new *a)
{
	int rc;

	a->title = b->title;
	a->description = b->description;
	if (!*a->title) {
		reply_invalid(req, "title", "must not be empty");
		return -1;
	}
	rc = category_get_by_code(c, b->category, cat);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return -1;
	}
	if (rc != DB_ROW || !cat->active) {
		reply_invalid(req, "category", "no such category (GET /api/v1/appeal-categories)");
		return -1;
	}
	a->cat = cat;
	return 0;
}

/* The places and the phone a submission points into, for as long as it is pending. */
struct appeal_parts {
	struct appeal_body b;
	struct category cat;
	struct unit_ref place, handler;
	struct appeal_phone ph;
};

/* Everything but the submission itself, into a pointing into p. 0, or -1 answered. */
static int appeal_or_reply(struct req *req, struct db_conn *c, int staff, struct appeal_parts *p,
			   struct appeal_new *a)
{
	const struct auth *au = req_auth(req);
	const struct appeal_body *b = &p->b;

	if (BODY_READ_OR_REPLY(req, appeal_fields, &p->b, &p->b.seen) ||
	    what_or_reply(req, c, b, &p->cat, a) || reporter_or_reply(req, staff, b, &p->ph, a))
		return -1;

	/* Where, and who handles it. */
	if (place_or_reply(req, c, b, a, &p->place))
		return -1;
	if (staff && !path_within(p->place.path, au->unit_path)) {
		reply_invalid(req, "unit_id", "outside your area");
		return -1;
	}
	a->channel = b->channel ? b->channel : (a->station_id ? "qr" : "app");
	a->created_at = clock_now();
	if (appeal_route(c, a, &p->place, &p->handler) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return -1;
	}

	if (b->photos && attach_ids_or_reply(req, c, b->photos, "photos", 9))
		return -1;
	if (idem_key_or_reply(req, p->ph.norm, a))
		return -1;
	a->actor_name = au ? au->display_name : (*a->contact_name ? a->contact_name : "匿名");
	return 0;
}

static void create_appeal(struct req *req)
{
	const struct auth *au = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	struct appeal_new a = { 0 };
	struct appeal_parts p = { 0 };
	json_t *photos;
	int staff = au && auth_can(req, "appeal:create");

	if (!c)
		return;
	if (au && !staff && !auth_can(req, "appeal:report")) {
		reply_error(req, ERR_FORBIDDEN);
		return;
	}
	if (appeal_or_reply(req, c, staff, &p, &a)) {
		sodium_memzero(&p.ph, sizeof p.ph);
		return;
	}
	photos = p.b.photos;
	a.photos = photos ? json_dumps(photos, JSON_COMPACT) : strdup("[]");
	if (!a.photos) {
		sodium_memzero(&p.ph, sizeof p.ph);
		reply_error(req, ERR_INTERNAL);
		return;
	}
	appeal_submit(&a);
	free((void *)a.photos);
	sodium_memzero(&p.ph, sizeof p.ph);
	if (a.rc < 0) {
		reply_error(req, a.rc == DB_ECONSTRAINT ? ERR_CONFLICT : ERR_DB_UNAVAILABLE);
		return;
	}
	if (a.replayed)
		reply_header(req, "Idempotent-Replayed", "true");
	char due[32];
	reply_json(req, 201,
		   JB_OBJ(jb_int("id", a.id), jb_str("case_no", a.case_no),
			  jb_str("status", a.status),
			  jb_str("accept_due", clock_format_shanghai(a.accept_due, due))));
}

const struct route appeal_submit_routes[] = {
	{ "POST", "/api/v1/appeals", create_appeal, R_JSON | R_AUTH_OPTIONAL, NULL, 0 },
	{ 0 },
};
