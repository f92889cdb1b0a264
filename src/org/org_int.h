/*
 * org_int.h — between the org module's stores (org_store.c, stations_store.c)
 * and its handlers (org_api.c, station_qr.c). Nothing outside src/org/
 * includes it.
 *
 * Lists read into the handler's struct page (http/request.h): the store asks
 * for its limit + 1 rows after its cursor and adds each with page_add();
 * 0, or <0 on a database error.
 */
#ifndef SHUNIU_ORG_ORG_INT_H
#define SHUNIU_ORG_ORG_INT_H

#include <jansson.h>
#include <stdint.h>

#include "org/org.h"

struct db_conn;
struct db_stmt;

struct page;
/* Step st (its first column the row id) to its end, adding each row made by row() to pg
 * (struct page, http/request.h): 0 or <0. Resets st. */
int org_page_rows(struct db_stmt *st, struct page *pg, json_t *(*row)(struct db_stmt *st));

/* ---- units (org_store.c) ------------------------------------------------ */

struct unit_filter {
	const char *lo, *hi;  /* the scope */
	int64_t parent;	      /* 0: any */
	const char *kind, *q; /* NULL: any; q a substring of the name */
};
int units_store_list(struct db_conn *c, const struct unit_filter *f, struct page *pg);
/* The unit with its boundary as GeoJSON: DB_ROW with *out, DB_DONE, <0. */
int units_store_view(struct db_conn *c, int64_t id, json_t **out);
/* In the caller's transaction. bbox NULL with boundary NULL: none. */
int units_store_set_boundary(struct db_conn *c, int64_t id, const char *boundary,
			     const double bbox[4]);
int units_store_set_bbox(struct db_conn *c, int64_t id, const double bbox[4]);
/* The fields given (NULL keeps one). */
int units_store_update(struct db_conn *c, int64_t id, const char *name, const char *party_org,
		       const char *party_secretary, int64_t now);
/* The subtree's counts of units by kind and of what lives in it, set on out. 0 or <0. */
int org_store_stats(struct db_conn *c, const char *lo, const char *hi, json_t *out);

/* ---- stations (stations_store.c) ---------------------------------------- */

int stations_store_list(struct db_conn *c, const char *lo, const char *hi, struct page *pg);
/* One station inside [lo, hi): DB_ROW with *out, DB_DONE, <0. */
int stations_store_view(struct db_conn *c, int64_t id, const char *lo, const char *hi,
			json_t **out);
/* A station's grid path, name and public code inside [lo, hi): DB_ROW, DB_DONE, <0. */
struct station_ref {
	char path[256], name[601], code[16];
};
int stations_store_ref(struct db_conn *c, int64_t id, const char *lo, const char *hi,
		       struct station_ref *out);
/* The station, inside the caller's scope (org_api.c); 404 outside, -1 having answered. */
struct req;
int station_in_scope_or_reply(struct req *req, struct db_conn *c, int64_t id,
			      struct station_ref *out);
/*
 * The unit path of an enabled account holding the hub_leader role:
 * DB_ROW with path, DB_DONE (none such), <0.
 */
int stations_store_leader_path(struct db_conn *c, int64_t account_id, char *path, size_t n);

struct station_in {
	const char *name, *addr, *hours, *phone;
	json_t *lng, *lat; /* numbers, JSON null (update: clear), or NULL (absent) */
	int64_t leader;	   /* 0: none (update: keep) */
};
int stations_store_insert(struct db_conn *c, const struct station_in *in, int64_t grid_id,
			  const char *grid_path, const char *code, int64_t now, int64_t *id);
int stations_store_update(struct db_conn *c, int64_t id, const struct station_in *in, int64_t now);

#endif
