/*
 * committees.h — area joint committees (片区型"大党委"), the organisation
 * register and the committees' four lists: what other modules may call.
 *
 * An organisation (government body, resident unit, enterprise, social
 * organisation, school, other) is kept in the register of a street or the
 * district, with a contact person and a phone sealed as residents' phones
 * are. A joint committee belongs to a street or the district and spans two
 * or more of its communities; member organisations join it with a role.
 *
 * It works through four lists:
 *   needs             open → matched (by a project) → met; open → met
 *   resources         available → committed (by a project) → used; available → used
 *   projects          planned → running → done (done: its needs met, resources used)
 *   responsibilities  open → done; overdue when open past its due date (Shanghai)
 *
 * A project takes needs and resources in its own transaction: each a guarded
 * UPDATE from open (available) that also names the project, so a resource is
 * never committed twice — the loser of a race changes no row and is refused.
 *
 * Visibility: staff whose subtree holds the committee's unit or any of its
 * communities; changes need the committee's unit in the caller's subtree,
 * except that a community's staff may add (and settle) needs of their own
 * community.
 *
 * The write functions below are what the API and the demo share; each runs
 * in the caller's transaction and audits nothing (the caller does). They
 * check only what the schema cannot (kinds, states); the API checks who and
 * where before calling them.
 */
#ifndef SHUNIU_COMMITTEES_COMMITTEES_H
#define SHUNIU_COMMITTEES_COMMITTEES_H

#include <stdint.h>

#include "http/router.h"

struct db_conn;
struct org_unit_hooks;
struct pii_keys;

struct organisation_in {
	int64_t unit_id; /* the keeping unit: a street or the district */
	const char *name, *kind, *contact_person, *address, *note;
	const char *phone; /* normalised (pii_phone_normalize) or NULL: none */
	int64_t created_by;
};
/* k may be NULL when phone is NULL. 0 and *id, or <0 (DB_ECONSTRAINT: the name is taken). */
int organisation_create(struct db_conn *c, const struct pii_keys *k,
			const struct organisation_in *in, int64_t *id);

struct committee_in {
	int64_t unit_id; /* a street or the district */
	const char *name, *secretary, *note;
	const int64_t *community_ids; /* communities inside the unit */
	int n_communities;
	int64_t created_by;
};
int committee_create(struct db_conn *c, const struct committee_in *in, int64_t *id);
/* Add a member, or change its role. 0 or <0. */
int committee_member_put(struct db_conn *c, int64_t committee_id, int64_t organisation_id,
			 const char *role, int64_t now);

struct need_in {
	int64_t committee_id, community_id;
	const char *title, *detail, *source; /* resident | appeal | hotspot | visit */
	const char *hotspot;		     /* the snapshot as JSON text, or NULL */
	int64_t organisation_id;	     /* 0: none */
	const char *wants;		     /* resource kinds, comma-separated ("" none) */
	const int64_t *appeal_ids;
	int n_appeals;
	int64_t created_by;
};
int committee_need_create(struct db_conn *c, const struct need_in *in, int64_t *id);

struct resource_in {
	int64_t committee_id, organisation_id;
	const char *kind, *title, *detail;
	int64_t quantity;	   /* not money */
	const char *quantity_unit; /* not money */
	int64_t amount_fen;	   /* money */
	int64_t created_by;
};
int committee_resource_create(struct db_conn *c, const struct resource_in *in, int64_t *id);

struct cproject_in {
	int64_t committee_id;
	const char *title, *detail;
	const int64_t *need_ids, *resource_ids;
	int n_needs, n_resources;
	int64_t project_id; /* a projects.h project, 0: none */
	int64_t created_by;
};
/*
 * Insert the project and take its needs (open → matched) and resources
 * (available → committed). 0 and *id; DB_EABORT when one was not free, with
 * its id in *taken_id and 'n' (a need) or 'r' (a resource) in *taken_what;
 * <0 otherwise. The caller rolls back on any failure.
 */
int committee_project_create(struct db_conn *c, const struct cproject_in *in, int64_t *id,
			     int64_t *taken_id, char *taken_what);

struct duty_in {
	int64_t committee_id, cproject_id, need_id; /* exactly one of the two */
	int64_t organisation_id;		    /* 0: none */
	const char *person, *task, *due_date;
	int64_t created_by;
};
int committee_duty_create(struct db_conn *c, const struct duty_in *in, int64_t *id);

/* The four lists, for committee_set_state(). */
enum committee_list { CL_NEED, CL_RESOURCE, CL_PROJECT, CL_DUTY };
/*
 * Move item id of the committee's list to state `to`, guarded by the state
 * it is in: 0 and *changed (0: the state does not allow it or moved first —
 * nothing written), or <0. A project going done also settles its needs and
 * resources.
 */
int committee_set_state(struct db_conn *c, int64_t committee_id, enum committee_list list,
			int64_t id, const char *to, int64_t now, int64_t *changed);

extern const struct route organisation_routes[];
extern const struct route committee_routes[];

/* Committees and organisations under units, for org (listed in src/cmd/cmd_units.c). */
extern const struct org_unit_hooks committees_unit_hooks;

#endif
