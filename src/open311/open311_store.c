/*
 * open311_store.c — every SQL statement of the Open311 endpoints: the
 * services (active categories), the service requests (appeals, merged ones
 * never listed) and the token look-up that follows merges.
 *
 * Reads hand each row to a callback as a struct o311_service or struct
 * o311_request (open311_int.h) whose strings point into the statement:
 * valid during the call only.
 */
#include "open311/open311_int.h"

#include "appeals/appeals.h"
#include "db/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The callback a row goes to, its context, and whether any row came. */
struct to_fn {
	union {
		o311_service_fn service;
		o311_request_fn request;
	} fn;
	void *ctx;
	int any;
};

/* The callback's answer as a reader's: its failure stops the rows, anything else goes on. */
static int go_on(int rc)
{
	return rc < 0 ? rc : 0;
}

static int service_row(struct db_stmt *st, void *p)
{
	struct to_fn *x = p;

	return go_on(x->fn.service(x->ctx, &(struct o311_service){
						   .code = db_col_text(st, 0),
						   .name = db_col_text(st, 1),
						   .name_en = db_col_text(st, 2),
						   .level = db_col_text(st, 3),
						   .accept_amount = db_col_int64(st, 4),
						   .accept_unit = db_col_text(st, 5),
						   .handle_amount = db_col_int64(st, 6),
						   .handle_unit = db_col_text(st, 7),
					   }));
}

int o311_store_services(struct db_conn *c, o311_service_fn fn, void *ctx)
{
	struct to_fn x = { .fn.service = fn, .ctx = ctx };

	return go_on(db_each(c, service_row, &x,
			     "SELECT code, name, name_en, level, accept_amount, accept_unit, "
			     "handle_amount, handle_unit FROM appeal_categories WHERE active = 1 "
			     "ORDER BY sort, id",
			     ""));
}

#define REQUEST_SELECT                                                                             \
	"SELECT a.case_no, a.status, c.code, c.name, a.description, h.name, a.created_at, "        \
	"a.updated_at, a.handle_due, a.accept_due, a.address, a.lat, a.lng, a.photos, "            \
	"(SELECT e.note FROM appeal_events e WHERE e.appeal_id = a.id AND e.action IN "            \
	"('reject', 'resolve', 'verify') AND e.note <> '' ORDER BY e.id DESC LIMIT 1) "            \
	"FROM appeals a JOIN appeal_categories c ON c.id = a.category_id JOIN units h ON h.id "    \
	"= a.handler_unit_id WHERE a.status <> 'merged'"

static int request_row(struct db_stmt *st, void *p)
{
	struct to_fn *x = p;
	struct o311_request r = {
		.case_no = db_col_text(st, 0),
		.status = db_col_text(st, 1),
		.code = db_col_text(st, 2),
		.name = db_col_text(st, 3),
		.description = db_col_text(st, 4),
		.agency = db_col_text(st, 5),
		.created_at = db_col_int64(st, 6),
		.updated_at = db_col_int64(st, 7),
		.expected = db_col_int64(st, db_col_is_null(st, 8) ? 9 : 8),
		.address = db_col_text(st, 10),
		.has_lat = !db_col_is_null(st, 11),
		.lat = db_col_is_null(st, 11) ? 0 : db_col_double(st, 11),
		.has_lng = !db_col_is_null(st, 12),
		.lng = db_col_is_null(st, 12) ? 0 : db_col_double(st, 12),
		.photos = db_col_text(st, 13),
		.notes = db_col_text(st, 14),
	};

	x->any = 1;
	return go_on(x->fn.request(x->ctx, &r));
}

/* Run sql with its arguments, each row to fn. DB_ROW when there was one, DB_DONE, <0. */
static int run_requests(struct db_conn *c, const char *sql, const struct db_arg *b, int nb,
			o311_request_fn fn, void *ctx)
{
	struct to_fn x = { .fn.request = fn, .ctx = ctx };
	int rc = db_each_args(c, request_row, &x, sql, b, nb);

	return rc < 0 ? rc : x.any ? DB_ROW : DB_DONE;
}

int o311_store_requests(struct db_conn *c, const struct o311_filter *f, o311_request_fn fn,
			void *ctx)
{
	char sql[4096];
	struct db_arg b[O311_MAX_IDS + O311_MAX_CODES + ST__COUNT + 3];
	int nb = 0, k = 0;

#define ADD(frag) strncat(sql, frag, sizeof sql - strlen(sql) - 1)
#define BIND_I(v) (b[nb++] = DB_ARG_I(v))
#define BIND_T(v) (b[nb++] = DB_ARG_T(v))
#define ADD_LIST(v, n)                                                                             \
	do {                                                                                       \
		for (int i = 0; i < (n); i++) {                                                    \
			ADD(i ? ", ?" : "?");                                                      \
			BIND_T((v)[i]);                                                            \
		}                                                                                  \
		ADD(")");                                                                          \
	} while (0)
	snprintf(sql, sizeof sql, "%s", REQUEST_SELECT);
	if (f->nids) {
		ADD(" AND a.case_no IN (");
		ADD_LIST(f->ids, f->nids);
	} else {
		if (f->ncodes) {
			ADD(" AND c.code IN (");
			ADD_LIST(f->codes, f->ncodes);
		}
		if (f->want_open || f->want_closed) {
			ADD(" AND a.status IN (");
			for (int st = 0; st < ST__COUNT; st++) {
				const char *m = appeal_status_open311(st);
				if (st == ST_MERGED ||
				    !(!strcmp(m, "open") ? f->want_open : f->want_closed))
					continue;
				ADD(k++ ? ", ?" : "?");
				BIND_T(appeal_status_name(st));
			}
			ADD(")");
		}
		ADD(" AND a.created_at >= ? AND a.created_at <= ?");
		BIND_I(f->lo);
		BIND_I(f->hi);
	}
	ADD(" ORDER BY a.created_at DESC, a.id DESC LIMIT ?");
	BIND_I(f->limit);
#undef ADD
#undef BIND_I
#undef BIND_T
#undef ADD_LIST
	return go_on(run_requests(c, sql, b, nb, fn, ctx));
}

int o311_store_request(struct db_conn *c, const char *case_no, o311_request_fn fn, void *ctx)
{
	struct db_arg b[1] = { DB_ARG_T(case_no) };

	return run_requests(c, REQUEST_SELECT " AND a.case_no = ?", b, 1, fn, ctx);
}

/* One hop of a token's merges: the case number read, and the appeal it was merged into. */
struct hop {
	char *case_no;
	int64_t next;
};

static int hop_row(struct db_stmt *st, void *p)
{
	struct hop *h = p;

	snprintf(h->case_no, 32, "%s", db_col_text(st, 0));
	h->next = strcmp(db_col_text(st, 1), "merged") || db_col_is_null(st, 2)
			  ? 0
			  : db_col_int64(st, 2);
	return 0;
}

int o311_store_token(struct db_conn *c, const char *token, char case_no[32])
{
	struct hop h = { case_no, 0 };
	int rc;

	case_no[0] = '\0';
	rc = db_one(c, hop_row, &h,
		    "SELECT case_no, status, merged_into FROM appeals WHERE case_no = ?", "t",
		    token);
	for (int hop = 1; hop < 9 && rc == DB_ROW && h.next; hop++)
		rc = db_one(c, hop_row, &h,
			    "SELECT case_no, status, merged_into FROM appeals WHERE id = ?", "i",
			    h.next);
	return rc < 0 ? rc : 0;
}
