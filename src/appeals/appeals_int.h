/*
 * appeals_int.h — what the appeal files share and nobody else needs: the
 * appeal row as loaded for an action, the visibility predicate, and the
 * write of a changed row with its event, messages and outbox entry.
 */
#ifndef SHUNIU_APPEALS_INT_H
#define SHUNIU_APPEALS_INT_H

#include "appeals/appeals.h"

#include <jansson.h>
#include <stdint.h>

struct auth;
struct db_conn;
struct db_stmt;
struct req;

struct appeal_row {
	int64_t id;
	char case_no[24];
	int64_t category_id;
	int status;
	int64_t unit_id, handler_unit_id, assignee_id, dispatcher_unit_id, resolved_by;
	char unit_path[256], handler_path[256], dispatcher_path[256];
	int64_t reporter_id, created_by;
	int64_t accept_due, handle_due;
	/* the deadlines as loaded: those in force until this action (appeal_save) */
	int64_t loaded_accept_due, loaded_handle_due;
	int64_t accepted_at, dispatched_at, resolved_at, closed_at, rated_at, overdue_at;
	char rating[24];
	int64_t rework_count, reopen_count, escalations;
	int64_t extension_hours;
	char extension_reason[256];
	int64_t merged_into;
	int64_t version;
	int64_t created_at;
};

/*
 * Visibility, as SQL over the alias "a": five parameters — the account's
 * subtree lo, hi (twice: place and handler) and the account id (reporter).
 * Staff without appeal:read and residents pass lo = hi = "" so only their
 * own reports match.
 */
#define APPEAL_VISIBLE_SQL                                                                         \
	"((a.unit_path >= ? AND a.unit_path < ?) OR (a.handler_path >= ? AND a.handler_path < ?) " \
	"OR a.reporter_id = ?)"

struct visibility {
	char lo[256], hi[256];
	int64_t account_id;
};
/* The caller's visibility; an anonymous caller sees nothing. */
void appeal_visibility(const struct req *req, struct visibility *v);
/* Bind the five parameters from index first. */
void appeal_bind_visibility(struct db_stmt *st, int first, const struct visibility *v);

/* Load an appeal the caller may see: DB_ROW, DB_DONE (not visible), <0. */
int appeal_load(struct db_conn *c, const struct visibility *v, int64_t id, struct appeal_row *r);

/* May this account take this action on this row now (state and actor)? */
int appeal_may(const struct auth *a, const struct appeal_row *r, int act);

/*
 * Write r's mutable columns (optimistic on r->version), append the event
 * and the outbox entry, and tell the reporter. 0, DB_DONE when another change
 * won the race, or <0.
 *
 * Lateness is decided here from the history: when the state the appeal
 * leaves (from_status) had passed the deadline in force during it (the one
 * loaded, not one this action sets, such as an approved extension), overdue_at
 * becomes that deadline. The SLA sweeper marks the same value, so whether it
 * ran before the action changes nothing.
 */
int appeal_save(struct db_conn *c, struct appeal_row *r, int from_status, const char *action,
		int64_t actor_id, const char *actor_name, const char *note, const char *photos,
		json_t *details, int64_t now);

/*
 * Write the appeal's appeal_scope rows: every unit on unit_path and on
 * handler_path, with the status. replace: delete the old rows first.
 */
int appeal_scope_write(struct db_conn *c, int64_t appeal_id, const char *unit_path,
		       const char *handler_path, const char *status, int replace);

/* Is the appeal past its current deadline at `now`? */
int appeal_is_overdue(int status, int64_t accept_due, int64_t handle_due, int64_t now);

/* The route tables of the appeal files, registered together. */
extern const struct route category_routes[];
extern const struct route appeal_submit_routes[];
extern const struct route appeal_action_routes[];
extern const struct route appeal_stats_routes[];
extern const struct route supervision_routes[];
extern const struct route map_routes[];

int appeal_writer_start(struct server *srv);
void appeal_writer_stop(void);
int sla_start(struct server *srv);
void sla_stop(void);

#endif
