/*
 * commitments.h — term-commitment lists (任期目标公开承诺清单): what other
 * modules may call.
 *
 * Every community Party organisation publishes one list per term (2021–2026,
 * say): items for each member of its committee (name and post, as the list
 * publishes them; a member may hold an account) and for the organisation as
 * a whole, each with a measurable target and a due date. Staff post progress
 * (a percentage, a note, photos); ticking an item off (销号) needs evidence
 * and is verified by the street above the community — accepted (done) or
 * returned with a reason. Residents of the community comment on an item or
 * object that it is "not as promised", once of each kind; staff answer in
 * public. An item is overdue when its due date has passed on the Shanghai
 * calendar and it is not done: derived on every read, never stored.
 *
 * Files: commitments_api.c (lists, items, the supervision list and
 * completion rates), actions_api.c (progress, 销号, comments and answers),
 * commitments_store.c and actions_store.c (all the SQL),
 * commitments_json.c (the staff and public JSON of each row),
 * commitments_public.c (the signed-out view), commitments_rules.c (pure:
 * categories, actions and states, rates, overdue, who verifies;
 * tests/unit/test_commitments.c), commitments_int.h (what they share).
 */
#ifndef SHUNIU_COMMITMENTS_COMMITMENTS_H
#define SHUNIU_COMMITMENTS_COMMITMENTS_H

#include <stdint.h>

#include <jansson.h>

#include "http/router.h"

struct db_conn;
struct unit_ref;

/* An item as other modules (projects) see it. status: "in_progress", "verifying" or "done". */
struct commitment_item_ref {
	int64_t id, list_id, unit_id;
	char unit_path[256];
	char title[601];
	char status[16];
};
/* DB_ROW found, DB_DONE not found, <0 error. */
int commitment_item_get(struct db_conn *c, int64_t id, struct commitment_item_ref *out);

/*
 * The community's lists (newest term first) with their items, progress,
 * state, overdue flag, events, public comments and answers — never a
 * resident's name or an account — and the completion rate:
 * {"lists": [...], "rate": {"items", "done", "overdue", "percent"}}.
 * A new reference, or NULL on a database error.
 */
json_t *commitments_public(struct db_conn *c, const struct unit_ref *community, int64_t now);

/*
 * Writes, in the caller's transaction (the API's callbacks and the demo's):
 * no permission or scope checks, those are the caller's. The community is
 * given by id and path. 0 and *id, or <0; commitment_list_create answers
 * DB_ECONSTRAINT when the community has a list for term_start already.
 */
int commitment_list_create(struct db_conn *c, int64_t unit_id, const char *unit_path,
			   const char *term_start, const char *term_end, const char *title,
			   int64_t by, int is_demo, int64_t now, int64_t *id);
struct commitment_item_in {
	const char *member_name, *member_post; /* NULL or "": the organisation as a whole */
	int64_t member_account_id;	       /* 0: none */
	const char *title, *detail, *category, *target, *due_date;
};
int commitment_item_create(struct db_conn *c, int64_t list_id, int64_t unit_id,
			   const char *unit_path, const struct commitment_item_in *in, int64_t by,
			   int64_t now, int64_t *id);
/*
 * A step on item id, kept as an event: progress (percent, note, photos as
 * a JSON array text or NULL) on an item in_progress, or an action
 * "request_close" | "verify" | "return" from the state it starts from. 0
 * and *event_id; DB_DONE when the item is not in that state (a raced
 * second step); DB_EMISUSE for an unknown action; <0.
 */
int commitment_progress(struct db_conn *c, int64_t id, int percent, const char *note,
			const char *photos, int64_t by, int64_t now, int64_t *event_id);
int commitment_act(struct db_conn *c, int64_t id, const char *action, const char *note,
		   const char *reason, const char *photos, int64_t by, int64_t now,
		   int64_t *event_id);

struct org_unit_hooks;
/* Lists and items under units, for org (org.h; listed in src/cmd/cmd_units.c). */
extern const struct org_unit_hooks commitments_unit_hooks;

/* Lists, items, the supervision list and rates (commitments_api.c); progress, 销号, comments
 * and answers (actions_api.c). */
extern const struct route commitment_routes[];
extern const struct route commitment_action_routes[];

#endif
