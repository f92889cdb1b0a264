/*
 * audit_int.h — between the audit log's store (audit_store.c) and its HTTP
 * side (audit_api.c). Nothing outside src/audit/ includes it.
 */
#ifndef SHUNIU_AUDIT_AUDIT_INT_H
#define SHUNIU_AUDIT_AUDIT_INT_H

#include <jansson.h>
#include <stdint.h>

struct db_conn;

struct audit_filter {
	int64_t before;		    /* id < before (the cursor) */
	int64_t from, to;	    /* at in [from, to) */
	const char *action, *actor; /* NULL: any */
	int64_t limit;
};
/*
 * Rows newest first, as GET /api/v1/audit shows them: at most limit appended
 * to items, *last the last id; 1 when more follow, 0 when not, <0 on error.
 */
int audit_store_list(struct db_conn *c, const struct audit_filter *f, json_t *items, int64_t *last);

#endif
