/*
 * appeal_read_store.c — the statements that read appeals for the API
 * (appeal_api.c): the list (built from fixed fragments chosen by the
 * filters given, every value bound), one appeal with its timeline and links,
 * tracking by case number with its failure counter, and the sealed phone.
 *
 * The rows are written as JSON here: the list straight as text (its hot
 * path), the rest with the typed builders.
 */
#include "appeals/appeals_int.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/jsonw.h"
#include "db/store.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *time_or_null(int64_t t)
{
	char buf[32];

	return t ? json_string(clock_format_shanghai(t, buf)) : json_null();
}

static json_t *json_text_or(const char *text, const char *fallback)
{
	json_t *v = json_loads(text ? text : fallback, 0, NULL);

	return v ? v : json_loads(fallback, 0, NULL);
}

/* ---- the list ---------------------------------------------------------- */

#define LIST_SELECT                                                                                \
	"SELECT a.id, a.case_no, c.code, c.name, a.title, a.status, a.channel, a.unit_id, "        \
	"u.name, a.handler_unit_id, h.name, a.assignee_id, a.created_at, a.accept_due, "           \
	"a.handle_due, a.rating, a.rework_count, u.kind, h.kind FROM appeals a JOIN "              \
	"appeal_categories c ON c.id "                                                             \
	"= a.category_id JOIN units u ON u.id = a.unit_id JOIN units h ON h.id = "                 \
	"a.handler_unit_id "

static void time_or_null_w(struct jw *w, const char *key, int64_t t)
{
	char buf[32];

	jw_str(w, key, t ? clock_format_shanghai(t, buf) : NULL);
}

/* The category of a row: {"code", "name"} from two columns. */
static void category_obj(struct jw *w, struct db_stmt *st, int code, int name)
{
	jw_obj(w, "category");
	jw_str(w, "code", db_col_text(st, code));
	jw_str(w, "name", db_col_text(st, name));
	jw_end_obj(w);
}

/* A unit named in a row: {"id", "name", "kind"} from three columns. */
static void unit_obj(struct jw *w, const char *key, struct db_stmt *st, int id, int name, int kind)
{
	jw_obj(w, key);
	jw_int(w, "id", db_col_int64(st, id));
	jw_str(w, "name", db_col_text(st, name));
	jw_str(w, "kind", db_col_text(st, kind));
	jw_end_obj(w);
}

/* One list row, written straight as JSON text (the lists' hot path). */
static void list_item(struct jw *w, struct db_stmt *st, int64_t now)
{
	int status = appeal_status_parse(db_col_text(st, 5));
	int64_t ad = db_col_int64(st, 13), hd = db_col_int64(st, 14);

	jw_obj(w, NULL);
	jw_int(w, "id", db_col_int64(st, 0));
	jw_str(w, "case_no", db_col_text(st, 1));
	category_obj(w, st, 2, 3);
	jw_str(w, "title", db_col_text(st, 4));
	jw_str(w, "status", db_col_text(st, 5));
	jw_str(w, "channel", db_col_text(st, 6));
	unit_obj(w, "unit", st, 7, 8, 17);
	unit_obj(w, "handler_unit", st, 9, 10, 18);
	if (db_col_is_null(st, 11))
		jw_null(w, "assignee_id");
	else
		jw_int(w, "assignee_id", db_col_int64(st, 11));
	time_or_null_w(w, "created_at", db_col_int64(st, 12));
	time_or_null_w(w, "accept_due", ad);
	time_or_null_w(w, "handle_due", hd);
	jw_str(w, "rating", db_col_text(st, 15));
	jw_int(w, "rework_count", db_col_int64(st, 16));
	jw_bool(w, "overdue", appeal_is_overdue(status, ad, hd, now));
	jw_end_obj(w);
}

/* The same row as a jansson object, for answers that add to it. */
static json_t *list_item_json(struct db_stmt *st, int64_t now)
{
	struct jw w = { 0 };
	size_t len;
	char *text;
	json_t *v;

	list_item(&w, st, now);
	text = jw_finish(&w, &len);
	v = text ? json_loadb(text, len, 0, NULL) : NULL;
	free(text);
	return v;
}

/* A list statement being assembled: its text and the values of its '?', in order. */
struct sqlb {
	char sql[4096];
	struct db_arg b[48];
	int nb;
};

static void add(struct sqlb *s, const char *frag)
{
	strncat(s->sql, frag, sizeof s->sql - strlen(s->sql) - 1);
}

/* frag with its one value, when it applies (on; a text: not NULL). */
static void add_i(struct sqlb *s, int on, const char *frag, int64_t v)
{
	if (on) {
		add(s, frag);
		s->b[s->nb++] = DB_ARG_I(v);
	}
}

static void add_t(struct sqlb *s, const char *frag, const char *v)
{
	if (v) {
		add(s, frag);
		s->b[s->nb++] = DB_ARG_T(v);
	}
}

/*
 * The work queue: scope, status, newest first. appeal_scope holds a row per
 * (unit on the place's or handler's path, appeal) with the status, so each
 * status is one index range read backwards, LIMIT rows long, at any level of
 * the tree.
 */
static void queue_sql(const struct appeal_query *q, struct sqlb *s)
{
	add(s, LIST_SELECT " WHERE a.id IN (SELECT appeal_id FROM (");
	for (int k = 0; k < q->nst; k++) {
		char part[200];
		snprintf(part, sizeof part,
			 "%sSELECT appeal_id FROM (SELECT s.appeal_id FROM appeal_scope s WHERE "
			 "s.unit_id = ?",
			 k ? " UNION ALL " : "");
		add_i(s, 1, part, q->unit_id);
		add_t(s, " AND s.status = ?", q->sts[k]);
		add_i(s, q->cursor != 0, " AND s.appeal_id < ?", q->cursor);
		snprintf(part, sizeof part, " ORDER BY s.appeal_id DESC LIMIT ?) s%d", k);
		add_i(s, 1, part, q->limit + 1);
	}
	add_i(s, 1, ") q ORDER BY appeal_id DESC LIMIT ?) ORDER BY a.id DESC", q->limit + 1);
}

/* "%q%" for LIKE, with %, _ and \ escaped; in the arena. */
static char *like_pattern(struct arena *arena, const char *q)
{
	size_t n = strlen(q) * 2 + 3;
	char *pat = arena_alloc(arena, n);

	db_like_pattern(q, 0, pat, n);
	return pat;
}

/* The place: the caller's own reports, or the scope's subtree (place or handler). */
static void where_sql(const struct appeal_query *q, struct sqlb *s)
{
	add(s, LIST_SELECT " WHERE ");
	if (q->own) {
		/* A resident (or staff asking for their own reports) sees what they reported. */
		add_i(s, 1, "a.reporter_id = ?", q->account_id);
		return;
	}
	/*
	 * For the whole district the path ranges filter nothing: walking the table
	 * newest first and stopping at the page is cheaper than reading both path
	 * indexes and sorting (a text search over a million appeals: 1.2 s instead
	 * of 7 s when the word is rare, 0.1 s when it is common). "|| ''" keeps the
	 * planner off them.
	 */
	if (q->depth == 0)
		add(s, "(((a.unit_path || '') >= ? AND (a.unit_path || '') < ?) OR "
		       "((a.handler_path || '') >= ? AND (a.handler_path || '') < ?))");
	else
		add(s, "((a.unit_path >= ? AND a.unit_path < ?) OR (a.handler_path >= ? AND "
		       "a.handler_path < ?))");
	for (int i = 0; i < 2; i++) {
		s->b[s->nb++] = DB_ARG_T(q->lo);
		s->b[s->nb++] = DB_ARG_T(q->hi);
	}
}

static void filter_sql(const struct appeal_query *q, struct arena *arena, struct sqlb *s)
{
	where_sql(q, s);
	for (int k = 0; k < q->nst; k++)
		add_t(s, k == 0 ? " AND a.status IN (?" : ", ?", q->sts[k]);
	if (q->nst)
		add(s, ")");
	add_t(s, " AND c.code = ?", q->category);
	add_t(s, " AND a.channel = ?", q->channel);
	add_i(s, q->assignee != 0, " AND a.assignee_id = ?", q->assignee);
	add_i(s, q->overdue, " AND ((a.status = 'submitted' AND a.accept_due < ?)", q->now);
	add_i(s, q->overdue,
	      " OR (a.status IN ('accepted', 'dispatched', 'handling') AND "
	      "a.handle_due < ?))",
	      q->now);
	add_i(s, q->has_from, " AND a.created_at >= ?", q->from);
	add_i(s, q->has_to, " AND a.created_at < ?", q->to);
	if (q->text) {
		/* Substring search: works for Chinese without a tokenizer. */
		add_t(s, " AND (a.search_text LIKE ? ESCAPE '\\'", like_pattern(arena, q->text));
		add_t(s, " OR a.case_no = ?)", q->text);
	}
	add_i(s, q->cursor != 0, " AND a.id < ?", q->cursor);
	add_i(s, 1, " ORDER BY a.id DESC LIMIT ?", q->limit + 1);
}

/* The list's reader: at most limit rows written, one more counted (there is a next page). */
struct list_ctx {
	struct jw *w;
	int64_t *n, *last, limit, now;
};

static int list_row(struct db_stmt *st, void *p)
{
	struct list_ctx *x = p;

	if (++*x->n > x->limit)
		return DB_ROW;
	*x->last = db_col_int64(st, 0);
	list_item(x->w, st, x->now);
	return 0;
}

int appeals_store_list(struct db_conn *c, const struct appeal_query *q, struct arena *arena,
		       struct jw *w, int64_t *n, int64_t *last)
{
	struct sqlb s = { "", { { 0 } }, 0 };
	struct list_ctx x = { w, n, last, q->limit, q->now };
	int rc;

	if (q->queue)
		queue_sql(q, &s);
	else
		filter_sql(q, arena, &s);
	*n = 0;
	rc = db_each_args(c, list_row, &x, s.sql, s.b, s.nb);
	return rc < 0 ? rc : 0;
}

/* ---- one appeal -------------------------------------------------------- */

/* The timeline's reader: each event appended to out. */
struct timeline_ctx {
	json_t *out;
	int public;
};

static int timeline_row(struct db_stmt *st, void *p)
{
	static const char *const public_notes[] = { "submit", "reject", "resolve",
						    "verify", "rate",	NULL };
	struct timeline_ctx *x = p;
	const char *action = db_col_text(st, 3);
	int show_note = !x->public;

	for (int i = 0; x->public && public_notes[i]; i++)
		if (!strcmp(action, public_notes[i]))
			show_note = 1;
	json_t *ev = JB_OBJ(
		jb_int("id", db_col_int64(st, 0)), jb_take("at", time_or_null(db_col_int64(st, 1))),
		jb_str("action", action), jb_str("actor", x->public ? "" : db_col_text(st, 2)),
		jb_str_or_null("from_status", db_col_text(st, 4)),
		jb_str("to_status", db_col_text(st, 5)));
	json_object_set_new(ev, "note", json_string(show_note ? db_col_text(st, 6) : ""));
	json_object_set_new(ev, "photos", json_text_or(db_col_text(st, 7), "[]"));
	if (!x->public)
		json_object_set_new(ev, "details", json_text_or(db_col_text(st, 8), "{}"));
	json_array_append_new(x->out, ev);
	return 0;
}

/* The array filled by fn from the rows of sql (one id bound); NULL on failure. */
static json_t *json_rows(struct db_conn *c, db_row_fn fn, void *ctx, json_t *out, const char *sql,
			 int64_t id)
{
	if (db_each(c, fn, ctx, sql, "i", id) < 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* The timeline. public: only what an anonymous reporter may read. */
json_t *appeal_store_timeline(struct db_conn *c, int64_t id, int public)
{
	struct timeline_ctx x = { json_array(), public };

	return json_rows(c, timeline_row, &x, x.out,
			 "SELECT e.id, e.at, e.actor_name, e.action, e.from_status, e.to_status, "
			 "e.note, e.photos, e.details FROM appeal_events e WHERE e.appeal_id = ? "
			 "ORDER BY e.id",
			 id);
}

static int link_row(struct db_stmt *st, void *out)
{
	json_array_append_new(out, JB_OBJ(jb_int("id", db_col_int64(st, 0)),
					  jb_str("case_no", db_col_text(st, 1)),
					  jb_str("status", db_col_text(st, 2))));
	return 0;
}

json_t *appeal_store_links(struct db_conn *c, int64_t id)
{
	json_t *out = json_array();

	return json_rows(
		c, link_row, out, out,
		"SELECT l.other_id, a.case_no, a.status FROM appeal_links l JOIN appeals a "
		"ON a.id = l.other_id WHERE l.appeal_id = ? ORDER BY l.other_id",
		id);
}

/* One appeal with everything but its timeline and links. */
static json_t *detail_json(struct db_stmt *st, int64_t now)
{
	json_t *out = list_item_json(st, now);

	if (!out)
		return NULL;
	json_object_set_new(out, "description", json_string(db_col_text(st, 19)));
	json_object_set_new(out, "address", json_string(db_col_text(st, 20)));
	json_object_set_new(out, "lng",
			    db_col_is_null(st, 21) ? json_null()
						   : json_real(db_col_double(st, 21)));
	json_object_set_new(out, "lat",
			    db_col_is_null(st, 22) ? json_null()
						   : json_real(db_col_double(st, 22)));
	json_object_set_new(out, "photos", json_text_or(db_col_text(st, 23), "[]"));
	json_object_set_new(
		out, "contact",
		JB_OBJ(jb_str("name", db_col_text(st, 24)), jb_str("phone", db_col_text(st, 25))));
	json_object_set_new(out, "station_id",
			    db_col_is_null(st, 26) ? json_null()
						   : json_integer(db_col_int64(st, 26)));
	json_object_set_new(out, "accepted_at", time_or_null(db_col_int64(st, 27)));
	json_object_set_new(out, "resolved_at", time_or_null(db_col_int64(st, 28)));
	json_object_set_new(out, "closed_at", time_or_null(db_col_int64(st, 29)));
	json_object_set_new(out, "escalations", json_integer(db_col_int64(st, 30)));
	json_object_set_new(out, "extension_request",
			    db_col_int64(st, 31) ? JB_OBJ(jb_int("hours", db_col_int64(st, 31)),
							  jb_str("reason", db_col_text(st, 32)))
						 : json_null());
	json_object_set_new(out, "merged_into",
			    db_col_is_null(st, 33) ? json_null()
						   : json_integer(db_col_int64(st, 33)));
	json_object_set_new(out, "was_overdue", json_boolean(!db_col_is_null(st, 34)));
	json_object_set_new(out, "reopen_count", json_integer(db_col_int64(st, 35)));
	json_object_set_new(out, "dispatcher_unit_id",
			    db_col_is_null(st, 36) ? json_null()
						   : json_integer(db_col_int64(st, 36)));
	json_object_set_new(out, "assignee_name",
			    db_col_text(st, 37) ? json_string(db_col_text(st, 37)) : json_null());
	return out;
}

/* A one-row answer built by a row callback: the object, and what it needs. */
struct obj_ctx {
	json_t **out;
	int64_t now, *id;
	const char *last4;
};

static int detail_row(struct db_stmt *st, void *p)
{
	struct obj_ctx *x = p;

	*x->out = detail_json(st, x->now);
	return 0;
}

/* DB_ROW when the row read gave an object, DB_DONE when not, <0 on failure. */
static int obj_rc(int rc, json_t **out)
{
	return rc < 0 ? rc : *out ? DB_ROW : DB_DONE;
}

int appeal_store_detail(struct db_conn *c, int64_t id, int64_t now, json_t **out)
{
	struct obj_ctx x = { out, now, NULL, NULL };

	*out = NULL;
	return obj_rc(
		db_one(c, detail_row, &x,
		       "SELECT a.id, a.case_no, c.code, c.name, a.title, a.status, a.channel, "
		       "a.unit_id, u.name, a.handler_unit_id, h.name, a.assignee_id, "
		       "a.created_at, a.accept_due, a.handle_due, a.rating, a.rework_count, "
		       "u.kind, h.kind, a.description, a.address, a.lng, a.lat, a.photos, "
		       "a.contact_name, a.contact_phone_mask, a.station_id, a.accepted_at, "
		       "a.resolved_at, a.closed_at, a.escalations, a.extension_hours, "
		       "a.extension_reason, a.merged_into, a.overdue_at, a.reopen_count, "
		       "a.dispatcher_unit_id, acc.display_name FROM appeals a JOIN "
		       "appeal_categories c ON c.id = a.category_id JOIN units u ON u.id = "
		       "a.unit_id JOIN units h ON h.id = a.handler_unit_id LEFT JOIN accounts "
		       "acc ON acc.id = a.assignee_id WHERE a.id = ?",
		       "i", id),
		out);
}

/* ---- tracking by case number ------------------------------------------- */

/* The case, when the phone's last four digits match. */
static int track_row(struct db_stmt *st, void *p)
{
	struct obj_ctx *x = p;
	const char *l4 = db_col_text(st, 8);

	if (strcmp(l4, x->last4) || !*l4)
		return 0;
	*x->id = db_col_int64(st, 0);
	*x->out = JB_OBJ(jb_int("id", *x->id), jb_str("case_no", db_col_text(st, 1)),
			 jb_str("category", db_col_text(st, 2)),
			 jb_str("title", db_col_text(st, 3)), jb_str("status", db_col_text(st, 4)),
			 jb_take("created_at", time_or_null(db_col_int64(st, 5))),
			 jb_take("closed_at", time_or_null(db_col_int64(st, 6))),
			 jb_str("handler_unit", db_col_text(st, 9)),
			 jb_str_or_null("rating", db_col_text(st, 7)));
	return 0;
}

int appeal_store_track(struct db_conn *c, const char *case_no, const char *last4, json_t **out,
		       int64_t *id)
{
	struct obj_ctx x = { out, 0, id, last4 };

	*out = NULL;
	return obj_rc(db_one(c, track_row, &x,
			     "SELECT a.id, a.case_no, c.name, a.title, a.status, a.created_at, "
			     "a.closed_at, a.rating, a.phone_last4, h.name FROM appeals a JOIN "
			     "appeal_categories c ON c.id = a.category_id JOIN units h ON h.id = "
			     "a.handler_unit_id WHERE a.case_no = ?",
			     "t", case_no),
		      out);
}

/* The sealed phone copied out; too_big when it does not fit. */
struct blob_out {
	unsigned char *buf;
	size_t cap, *n;
	int too_big;
};

static int blob_row(struct db_stmt *st, void *p)
{
	struct blob_out *o = p;
	size_t len;
	const void *b = db_col_blob(st, 0, &len);

	if (b && len && len > o->cap)
		o->too_big = 1;
	else if (b && len) {
		memcpy(o->buf, b, len);
		*o->n = len;
	}
	return 0;
}

int appeal_store_phone(struct db_conn *c, int64_t id, unsigned char *buf, size_t cap, size_t *n)
{
	struct blob_out o = { buf, cap, n, 0 };
	int rc;

	*n = 0;
	rc = db_one(c, blob_row, &o, "SELECT contact_phone_enc FROM appeals WHERE id = ?", "i", id);
	return rc < 0 ? rc : o.too_big;
}
