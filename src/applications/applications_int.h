/*
 * applications_int.h — what the files of src/applications/ share beyond
 * applications.h: the pure rules of forms.c, the catalogue's item loader
 * (items_api.c), and the statements of applications_store.c that the
 * handlers (items_api.c, applications_api.c) call, with the rows they pass. Nothing outside
 * src/applications/ includes it (the unit tests, tests/unit/test_applications.c, do).
 *
 * Rows read by the store reach the handlers through a callback with a view
 * whose strings point into the statement: valid during the call only. A
 * callback returns 0 to go on, <0 to stop (the store then returns that).
 */
#ifndef SHUNIU_APPLICATIONS_APPLICATIONS_INT_H
#define SHUNIU_APPLICATIONS_APPLICATIONS_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "applications/applications.h"

struct db_conn;

/* ---- forms and the handling unit (forms.c, pure) ------------------------- */

/* The index of s in list[0..n), -1 when it is not there (or s is NULL). */
int app_in_list(const char *s, const char *const *list, size_t n);
/* A field key or an item code: 1 to 40 of a-z, 0-9 and _. */
int form_key_valid(const char *s);
/* Check an item's form description (a list of typed fields); 0, or -1 with why set. */
int form_check(json_t *form, const char **why);
/* Check an item's list of materials to bring; 0, or -1 with why set. */
int materials_check(json_t *materials, const char **why);

/* Why answers were refused: key the field (NULL: the answers as a whole). */
struct form_error {
	const char *key; /* points into the form or the answers */
	char why[64];
};
/*
 * Check the answers against the item's form fields and build the stored copy
 * (phone and ID numbers normalised): 0 and *out (a new object), or -1 with
 * err set and *out NULL.
 */
int form_answers(json_t *fields, json_t *answers, json_t **out, struct form_error *err);
/*
 * Mask the answers in place for a reader other than the applicant: ID
 * numbers to region and check character (whatever their field's type says
 * now), phones to their ends, an id_number field that is no valid number
 * wholly, and a date equal to the birth date inside one of the ID numbers to
 * its month. 1 when something was masked.
 */
int form_mask(json_t *answers, json_t *fields);

/*
 * The handling unit of an applicant at unit path `path` for an item handled
 * at level ("community", "street", "district"): the applicant's ancestor at
 * that depth — "/1/7/42/99/" is district 1, street 7, community 42 — or
 * their own unit when placed above it. 0 with *unit and its path in out, or
 * -1 for a malformed path.
 */
int handling_unit(const char *path, const char *level, int64_t *unit, char out[256]);

/* ---- the catalogue (items_api.c, applications_store.c) ------------------- */

struct req;
/* Load item id as the API shows it; NULL, answered 404 or 503, when missing or on error. */
json_t *item_load_or_reply(struct req *req, struct db_conn *c, int64_t id);

/* The items as the API shows them, active ones only unless all; by sort, id. 0 or <0. */
int items_store_list(struct db_conn *c, int all, json_t **items);
/* One item as the API shows it: DB_ROW and *item, DB_DONE, <0. */
int items_store_get(struct db_conn *c, int64_t id, json_t **item);

/* An item's fields as a request gives them (absent ones NULL, days and active -1). */
struct item_in {
	const char *code, *name, *name_en, *guide, *level;
	json_t *materials, *form;
	int64_t days, sort;
	int active, has_sort;
};
/* In the caller's transaction; materials and form as JSON text. DB_ECONSTRAINT: the code
 * is taken. */
int items_store_insert(struct db_conn *c, const struct item_in *in, const char *materials,
		       const char *form, int64_t now, int64_t *id);
/* Change what in gives (materials, form: NULL keeps them). */
int items_store_update(struct db_conn *c, int64_t id, const struct item_in *in,
		       const char *materials, const char *form, int64_t now);

/* ---- applications (applications_store.c) --------------------------------- */

/* An application as read, with its item's form; form_enc the sealed answers. */
struct app_view {
	int64_t id, item_id, account_id, handler_unit_id, created_at, due_at, version;
	const char *item_code, *item_name, *status, *applicant_name, *handler_name;
	const char *handler_path, *attachments, *item_form;
	const void *form_enc;
	size_t form_enc_n;
};
typedef int (*app_view_fn)(void *ctx, const struct app_view *v);

/* One application: DB_ROW (fn called), DB_DONE, <0. */
int apps_store_view(struct db_conn *c, int64_t id, app_view_fn fn, void *ctx);

struct app_filter {
	const char *lo, *hi; /* the handlers' unit_path range */
	int64_t before;	     /* ids below this, newest first */
	int own;	     /* only account_id's */
	int64_t account_id;
	int64_t item_id;    /* 0: every item */
	const char *status; /* NULL: every status; "open": not decided yet */
	int64_t limit;	    /* rows at most */
};
int apps_store_list(struct db_conn *c, const struct app_filter *f, app_view_fn fn, void *ctx);

/* An application's timeline as the API shows it (a new array). 0 or <0. */
int apps_store_timeline(struct db_conn *c, int64_t id, json_t **out);

/* A new application, in the caller's transaction; resident_id 0: none. */
struct app_new {
	int64_t item_id, account_id, resident_id, handler_unit_id, due, now;
	const char *unit_path, *handler_path, *attachments;
	const unsigned char *form_enc;
	size_t form_enc_n;
};
int apps_store_insert(struct db_conn *c, const struct app_new *a, int64_t *id);
/*
 * Move application id from status `from` at `version` to `to`, the version one
 * up; form_enc (not NULL) replaces the answers. *changed the rows moved (0: it
 * moved on since it was read).
 */
int apps_store_set_status(struct db_conn *c, int64_t id, const char *from, int64_t version,
			  const char *to, const unsigned char *form_enc, size_t form_enc_n,
			  int64_t now, int64_t *changed);
/* Append an event to the timeline (note NULL: "", attachments NULL: "[]"). */
int apps_store_add_event(struct db_conn *c, int64_t id, const char *action, int64_t actor,
			 const char *note, const char *attachments, int64_t now);

#endif
