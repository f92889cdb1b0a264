/*
 * audit_int.h — between the audit log's store (audit_store.c) and its HTTP
 * side (audit_api.c). Nothing outside src/audit/ includes it.
 */
#ifndef SHUNIU_AUDIT_AUDIT_INT_H
#define SHUNIU_AUDIT_AUDIT_INT_H

#include <jansson.h>
#include <stdint.h>

struct db_conn;

struct page;

struct audit_filter {
	int64_t from, to;	    /* at in [from, to) */
	const char *action, *actor; /* NULL: any */
};
/*
 * Rows newest first, as GET /api/v1/audit shows them, below the page's cursor
 * (0: the newest), into pg (struct page, http/request.h). 0 or <0.
 */
int audit_store_list(struct db_conn *c, const struct audit_filter *f, struct page *pg);

#endif
