/*
 * cmd_migrate.c — `shuniu migrate --data DIR [--status]`.
 *
 * Applies pending migrations in order (each in its own transaction); running it
 * again applies nothing. --status lists every migration without changing
 * anything. A migration whose recorded checksum differs from the binary's copy
 * is reported and nothing is applied.
 */
#include "cmd/cmd.h"

#include "db/migrate.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

int cmd_migrate(struct app *app, int argc, char **argv)
{
	char err[512];
	int status = 0, n;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--status"))
			status = 1;
		else
			return cmd_usage_error(app, "unknown option '%s'", argv[i]);
	}
	if (status) {
		if (migrate_status(app->conn, stdout, err, sizeof err) < 0) {
			fprintf(stderr, "error: %s\n", err);
			return 1;
		}
		return 0;
	}
	n = migrate_apply(app->conn, stdout, err, sizeof err);
	if (n < 0) {
		fprintf(stderr, "error: %s\n", err);
		return 1;
	}
	printf(n ? "%d migrations applied\n" : "schema is up to date\n", n);
	return 0;
}
