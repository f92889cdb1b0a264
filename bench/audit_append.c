/*
 * audit_append.c — the cost of one audit append: N events appended in one
 * transaction to a fresh SQLite database (synchronous=OFF, so the figure is
 * the CPU cost of building the row, its MAC and the two statements, not the
 * disk). Built and run by bench/audit-append against the release objects.
 */
#include "audit/audit.h"
#include "core/crypto.h"
#include "db/migrate.h"
#include "db/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *dir = argc > 2 ? argv[2] : "/tmp";
	int n = argc > 1 ? atoi(argv[1]) : 20000;
	unsigned char key[SECRET_KEY_BYTES] = { 9 };
	char err[512], url[700], path[600], anchors[600];
	struct timespec a, b;
	struct db_conn *c;
	struct db *db;
	json_t *d;

	snprintf(path, sizeof path, "%s/bench-audit-%d.db", dir, getpid());
	snprintf(url, sizeof url, "sqlite:%s", path);
	snprintf(anchors, sizeof anchors, "%s/bench-audit-%d.anchors", dir, getpid());
	if (crypto_init() || db_open(url, &db, err, sizeof err)) {
		fprintf(stderr, "cannot open %s\n", url);
		return 1;
	}
	c = db_conn_thread(db);
	audit_set_key(key);
	if (migrate_apply(c, NULL, err, sizeof err) < 0 ||
	    audit_chain_open(c, anchors, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	db_exec(c, "PRAGMA synchronous=OFF");
	d = json_object();
	json_object_set_new(d, "field", json_string("phone"));
	struct audit_event ev = { .actor_id = 7,
				  .actor_name = "grid.worker",
				  .ip = "10.0.0.1",
				  .action = "resident.update",
				  .object_type = "resident",
				  .object_id = 42,
				  .outcome = "ok",
				  .details = d };
	clock_gettime(CLOCK_MONOTONIC, &a);
	db_begin(c);
	for (int i = 0; i < n; i++)
		if (audit_append(c, &ev)) {
			fprintf(stderr, "append failed\n");
			return 1;
		}
	db_commit(c);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%d appends in one transaction: %.2f us per entry\n", n,
	       ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / 1e3 / n);
	json_decref(d);
	audit_clear_key();
	db_close(db);
	unlink(path);
	unlink(anchors);
	return 0;
}
