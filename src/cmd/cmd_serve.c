/*
 * cmd_serve.c — `shuniu serve`: wire the modules' route tables into the
 * server, run until SIGTERM or SIGINT, then shut down cleanly.
 *
 * Signals are blocked before libmicrohttpd starts its threads, so they inherit
 * the mask and only this thread, waiting in sigwait(), ever sees them. On the
 * signal: stop accepting, let requests in flight finish (up to
 * shutdown_grace seconds), stop the workers, anchor the audit chain's head
 * a last time, close the database, exit 0.
 */
#include "cmd/cmd.h"

#include "core/log.h"
#include "core/util.h"
#include "db/store.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "system/system.h"
#include "activities/activities.h"
#include "appeals/appeals.h"
#include "applications/applications.h"
#include "commitments/commitments.h"
#include "attach/attach.h"
#include "audit/audit.h"
#include "calendar/calendar.h"
#include "meetings/meetings.h"
#include "messages/messages.h"
#include "auth/auth.h"
#include "open311/open311.h"
#include "org/org.h"
#include "people/people.h"
#include "projects/projects.h"
#include "meals/meals.h"
#include "micro/micro.h"
#include "venues/venues.h"
#include "pii/pii.h"
#include "fund/fund.h"
#include "public/public.h"
#include "committees/committees.h"
#include "matters/matters.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every module's routes. A new module adds its table here. */
static const struct route *const route_tables[] = {
	system_routes,
	auth_routes,
	audit_routes,
	org_routes,
	people_routes,
	attach_routes,
	calendar_routes,
	category_routes,
	appeal_routes,
	appeal_submit_routes,
	appeal_action_routes,
	message_routes,
	appeal_stats_routes,
	open311_routes,
	supervision_routes,
	station_qr_routes,
	map_routes,
	registration_routes,
	account_routes,
	venue_routes,
	booking_routes,
	activity_routes,
	activity_signup_routes,
	application_routes,
	service_item_routes,
	meal_point_routes,
	meal_enrol_routes,
	meal_order_routes,
	meal_round_routes,
	meal_report_routes,
	commitment_routes,
	commitment_action_routes,
	project_routes,
	micro_routes,
	fund_routes,
	fund_spend_routes,
	meeting_routes,
	public_routes,
	organisation_routes,
	committee_routes,
	matter_routes,
};

int cmd_serve(struct app *app, int argc, char **argv)
{
	struct server srv = { .cfg = &app->cfg, .db = app->db };
	struct pii_keys keys = { 0 };
	char anchors[PATH_MAX];
	sigset_t set;
	int sig = 0, rc = 1;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--test-clock"))
			srv.test_clock = 1;
		else
			return cmd_usage_error(app, "unknown option '%s'", argv[i]);
	}
	if (app->clock_start && !srv.test_clock)
		return cmd_usage_error(app, "--test-clock-start needs --test-clock");
	/* Holiday changes are audited; audit is above calendar, so it is installed here. */
	/* /auth/me shows a resident's latest self-registration; people is above auth. */
	auth_set_registration_brief(registration_brief);
	/* A meeting carries only an open matter of its unit; matters is above meetings. */
	meetings_set_matter_check(matter_check_for_meeting);
	srv.router = router_new();
	srv.metrics = metrics_new();
	if (!srv.router || !srv.metrics)
		goto out;
	for (size_t i = 0; i < sizeof route_tables / sizeof route_tables[0]; i++)
		if (router_add(srv.router, route_tables[i]))
			goto out;
	if (srv.test_clock && (router_add(srv.router, system_test_routes) ||
			       router_add(srv.router, appeal_test_routes)))
		goto out;
	{
		/* A misspelt permission key would deny everyone quietly: refuse to start. */
		char err[2048];
		int bad = 0;
		if (perms_check_routes(srv.router, err, sizeof err) && ++bad)
			log_error("%s", err);
		if (perms_check_code(err, sizeof err) && ++bad)
			log_error("%s", err);
		if (bad)
			goto out;
	}
	if (!realpath(app->cfg.web_root, srv.web_root) ||
	    (srv.web_root_fd = open(srv.web_root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		srv.web_root[0] = '\0';
		log_warn("web root '%s' not found: serving the API only", app->cfg.web_root);
	}

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	pii_keys_derive(&keys, app->key);
	srv.pii = &keys;
	auth_install(&srv);
	if (notifier_start(&srv))
		goto out;
	if (appeals_start(&srv)) {
		notifier_stop();
		goto out;
	}
	if (audit_anchors_path(app->cfg.data_dir, anchors, sizeof anchors) ||
	    audit_anchor_start(app->db, anchors, app->cfg.audit_anchor_seconds)) {
		log_error("cannot start anchoring the audit chain");
		appeals_stop();
		notifier_stop();
		goto out;
	}
	if (server_start(&srv)) {
		audit_anchor_stop();
		appeals_stop();
		notifier_stop();
		goto out;
	}
	{
		char host[256];
		int port;
		parse_hostport(app->cfg.listen, host, sizeof host, &port);
		log_info("shuniu %s listening on http://%s%s%s:%d/ (db %s, %lld threads%s%s%s)",
			 SHUNIU_VERSION, strchr(host, ':') ? "[" : "", host,
			 strchr(host, ':') ? "]" : "", srv.port, db_kind_name(app->db),
			 (long long)app->cfg.threads, srv.test_clock ? ", TEST CLOCK" : "",
			 app->clock_start ? " from " : "",
			 app->clock_start ? app->clock_start : "");
	}
	sigwait(&set, &sig);
	log_info("received %s: finishing requests in flight",
		 sig == SIGTERM ? "SIGTERM" : "SIGINT");
	server_stop(&srv);
	appeals_stop();
	/* The notifier after the appeal threads, whose last changes it delivers. */
	notifier_stop();
	audit_anchor_stop(); /* the last anchor, after the last append */
	log_info("stopped");
	rc = 0;
out:
	pii_keys_wipe(&keys);
	if (srv.web_root_fd >= 0)
		close(srv.web_root_fd);
	metrics_free(srv.metrics);
	router_free(srv.router);
	return rc;
}
