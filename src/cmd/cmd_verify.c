/*
 * cmd_verify.c — `shuniu verify audit --data DIR` checks the audit log's
 * keyed chain against DIR/audit.anchors and names what it finds: the exit
 * status and the word after "BROKEN" are stable (enum audit_verdict);
 * `shuniu audit purge --before DATE` removes old rows, never ones younger
 * than 180 days; `shuniu audit reanchor` anchors the current head on purpose.
 *
 * `shuniu verify ledger --data DIR` recomputes the fund ledger's chain
 * (fund/fund.h) and names the first entry that does not verify: "BROKEN
 * (<word>) at entry <seq>", the exit status enum fund_verdict.
 */
#include "cmd/cmd.h"

#include "audit/audit.h"
#include "fund/fund.h"
#include "core/clock.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

static int verify_ledger(struct app *app)
{
	char msg[1024] = "", anchors[PATH_MAX];
	int64_t checked = 0, bad = 0;
	int rc;

	if (fund_anchors_path(app->cfg.data_dir, anchors, sizeof anchors))
		return cmd_usage_error(app, "--data path is too long");
	rc = fund_verify(app->conn, anchors, &checked, &bad, msg, sizeof msg);
	if (rc < 0) {
		fprintf(stderr, "error: cannot read the fund ledger%s%s\n", msg[0] ? ": " : "",
			msg);
		return 1;
	}
	if (rc != FUND_INTACT) {
		fprintf(stderr,
			"fund ledger BROKEN (%s) at entry %lld after %lld good entries: %s\n",
			fund_verdict_name(rc), (long long)bad, (long long)checked, msg);
		return rc;
	}
	printf("fund ledger intact: %lld entries verified\n", (long long)checked);
	return 0;
}

int cmd_verify(struct app *app, int argc, char **argv)
{
	char msg[1024] = "", anchors[PATH_MAX];
	int64_t checked = 0;
	int rc;

	if (argc == 1 && !strcmp(argv[0], "ledger"))
		return verify_ledger(app);
	if (argc != 1 || strcmp(argv[0], "audit") != 0)
		return cmd_usage_error(app, "what to verify? 'audit' or 'ledger'");
	if (audit_anchors_path(app->cfg.data_dir, anchors, sizeof anchors))
		return cmd_usage_error(app, "--data path is too long");
	rc = audit_verify(app->conn, anchors, &checked, msg, sizeof msg);
	if (rc < 0) {
		fprintf(stderr, "error: cannot read the audit log%s%s\n", msg[0] ? ": " : "", msg);
		return 1;
	}
	if (rc != AUDIT_INTACT) {
		fprintf(stderr, "audit log BROKEN (%s) after %lld good rows: %s\n",
			audit_verdict_name(rc), (long long)checked, msg);
		return rc;
	}
	printf("audit log intact: %lld rows verified\n", (long long)checked);
	return 0;
}

int cmd_audit(struct app *app, int argc, char **argv)
{
	char msg[1024] = "", anchors[PATH_MAX];
	int64_t before, n;

	if (argc == 1 && !strcmp(argv[0], "reanchor")) {
		if (audit_anchors_path(app->cfg.data_dir, anchors, sizeof anchors))
			return cmd_usage_error(app, "--data path is too long");
		if (audit_reanchor(app->conn, anchors, msg, sizeof msg)) {
			fprintf(stderr, "error: %s\n", msg);
			return 1;
		}
		printf("audit chain re-anchored in %s\n", anchors);
		return 0;
	}
	if (argc != 3 || strcmp(argv[0], "purge") != 0 || strcmp(argv[1], "--before") != 0)
		return cmd_usage_error(app,
				       "usage: audit purge --before YYYY-MM-DD | audit reanchor");
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
