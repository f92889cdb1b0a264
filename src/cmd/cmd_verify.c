/*
 * cmd_verify.c — `shuniu verify audit --data DIR` recomputes the audit hash
 * chain and names the first altered row (exit 1); `shuniu audit purge
 * --before DATE` removes old rows, never ones younger than 180 days.
 */
#include "cmd/cmd.h"

#include "audit/audit.h"
#include "core/clock.h"

#include <stdio.h>
#include <string.h>

int cmd_verify(struct app *app, int argc, char **argv)
{
	char msg[512] = "";
	int64_t checked = 0;
	int rc;

	if (argc != 1 || strcmp(argv[0], "audit") != 0)
		return cmd_usage_error(app, "what to verify? 'audit'");
	rc = audit_verify(app->conn, &checked, msg, sizeof msg);
	if (rc < 0) {
		fprintf(stderr, "error: cannot read the audit log\n");
		return 1;
	}
	if (rc == 1) {
		fprintf(stderr, "audit log BROKEN after %lld good rows: %s\n", (long long)checked,
			msg);
		return 1;
	}
	printf("audit log intact: %lld rows verified\n", (long long)checked);
	return 0;
}

int cmd_audit(struct app *app, int argc, char **argv)
{
	char msg[512] = "";
	int64_t before, n;

	if (argc != 3 || strcmp(argv[0], "purge") != 0 || strcmp(argv[1], "--before") != 0)
		return cmd_usage_error(app, "usage: audit purge --before YYYY-MM-DD");
	if (clock_parse_iso(argv[2], &before) < 0)
		return cmd_usage_error(app, "--before needs a date, e.g. 2025-01-01");
	n = audit_purge(app->conn, before, msg, sizeof msg);
	if (n < 0) {
		fprintf(stderr, "error: %s\n", msg);
		return 1;
	}
	printf("purged %lld audit rows older than %s\n", (long long)n, argv[2]);
	return 0;
}
