/*
 * commitments_write.c — the writes the API's transactions and the demo
 * share (commitments.h): a list, an item with its "created" event, and a
 * step on an item — the guarded state change and its event together, so
 * no caller can change a state without the history recording it. No SQL:
 * the statements are the store's.
 */
#include "commitments/commitments.h"
#include "commitments/commitments_int.h"

#include "db/store.h"

int commitment_list_create(struct db_conn *c, int64_t unit_id, const char *unit_path,
			   const char *term_start, const char *term_end, const char *title,
			   int64_t by, int is_demo, int64_t now, int64_t *id)
{
	return clists_store_insert(c,
				   &(struct clist_in){ .unit_id = unit_id,
						       .unit_path = unit_path,
						       .term_start = term_start,
						       .term_end = term_end,
						       .title = title,
						       .created_by = by,
						       .is_demo = is_demo,
						       .now = now },
				   id);
}

/* What a step leaves in the history. */
struct step {
	const char *kind;
	int64_t percent; /* -1: none */
	const char *note, *reason, *photos;
};

/* After a guarded change (rc, the rows it changed): the event, or DB_DONE when nothing moved. */
static int then_event(struct db_conn *c, int rc, int64_t changed, int64_t id, const struct step *s,
		      int64_t by, int64_t now, int64_t *event_id)
{
	if (rc < 0)
		return rc;
	if (!changed)
		return DB_DONE;
	return cevents_store_insert(c,
				    &(struct cevent_in){ .item_id = id,
							 .kind = s->kind,
							 .percent = s->percent,
							 .note = s->note,
							 .reason = s->reason,
							 .photos = s->photos,
							 .actor_id = by,
							 .at = now },
				    event_id);
}

int commitment_item_create(struct db_conn *c, int64_t list_id, int64_t unit_id,
			   const char *unit_path, const struct commitment_item_in *in, int64_t by,
			   int64_t now, int64_t *id)
{
	int64_t ev;
	int rc = citems_store_insert(
		c,
		&(struct citem_in){
			.list_id = list_id,
			.unit_id = unit_id,
			.unit_path = unit_path,
			.member_name = in->member_name ? in->member_name : "",
			.member_post = in->member_name && in->member_post ? in->member_post : "",
			.member_account_id = in->member_account_id,
			.title = in->title,
			.detail = in->detail ? in->detail : "",
			.category = in->category,
			.target = in->target,
			.due_date = in->due_date,
			.created_by = by,
			.now = now },
		id);

	if (rc < 0)
		return rc;
	return then_event(c, rc, 1, *id, &(struct step){ .kind = "created", .percent = -1 }, by,
			  now, &ev);
}

int commitment_progress(struct db_conn *c, int64_t id, int percent, const char *note,
			const char *photos, int64_t by, int64_t now, int64_t *event_id)
{
	int64_t changed = 0;
	int rc = citems_store_set_progress(c, id, percent, now, &changed);

	return then_event(
		c, rc, changed, id,
		&(struct step){
			.kind = "progress", .percent = percent, .note = note, .photos = photos },
		by, now, event_id);
}

int commitment_act(struct db_conn *c, int64_t id, const char *action, const char *note,
		   const char *reason, const char *photos, int64_t by, int64_t now,
		   int64_t *event_id)
{
	int a = commitment_action_parse(action);
	int64_t changed = 0;
	int rc;

	if (a < 0)
		return DB_EMISUSE;
	rc = citems_store_set_status(c, id, commitment_action_from(a), commitment_action_to(a), by,
				     a == CA_RETURN ? reason : NULL, now, &changed);
	return then_event(c, rc, changed, id,
			  &(struct step){ .kind = commitment_action_name(a),
					  .percent = a == CA_VERIFY ? 100 : -1,
					  .note = note,
					  .reason = reason,
					  .photos = photos },
			  by, now, event_id);
}
