/*
 * config.h — settings from DIR/shuniu.conf, SHUNIU_<KEY> environment variables
 * and command-line flags, in rising precedence: default < file < env < flag.
 *
 * Every key is described once in the table in config.c (name, type, bounds,
 * default, help). The file holds "key = value" lines; '#' starts a comment.
 * An unknown key or a bad value is an error that names its source: the file
 * and line ("shuniu.conf:7: unknown key 'treads'"), the environment variable,
 * or the flag. Flags are "--key value" or "--key=value", with '-' or '_'.
 */
#ifndef SHUNIU_CORE_CONFIG_H
#define SHUNIU_CORE_CONFIG_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#include "core/log.h"

struct config {
	char data_dir[PATH_MAX];
	char listen[256];
	char db[1024];		 /* "" means DIR/shuniu.db */
	char web_root[PATH_MAX]; /* "" means web/dist beside the binary */
	char key_file[PATH_MAX]; /* "" means DIR/secret.key */
	int64_t threads;	 /* 0 means automatic */
	int64_t connection_timeout;
	int64_t max_connections;
	int64_t max_connections_per_ip;
	int64_t body_limit;
	int64_t shutdown_grace;
	int64_t log_format;	  /* enum log_format */
	int64_t log_level;	  /* enum log_level */
	int64_t access_log;	  /* bool */
	int64_t session_idle;	  /* seconds */
	int64_t session_absolute; /* seconds */
	int64_t lockout_failures;
	int64_t lockout_minutes;
	int64_t registration_limit;	    /* self-registrations per client address per hour */
	int64_t search_limit;		    /* exact phone/ID look-ups per account per hour */
	int64_t cookie_secure;		    /* bool */
	int64_t attachment_limit;	    /* bytes of one uploaded photo */
	int64_t sla_grace_hours;	    /* overdue this long → escalated to the parent unit */
	int64_t sla_sweep_seconds;	    /* how often the SLA sweeper runs */
	int64_t notifier;		    /* enum: 0 log, 1 webhook */
	char webhook_url[1024];		    /* http://host[:port]/path for the webhook notifier */
	char webhook_secret_file[PATH_MAX]; /* HMAC key file; "" means DIR/webhook.key */
	int64_t submit_batch_max; /* appeals committed together by the group-commit writer */
	char map_tile_url[512];	  /* XYZ tile template for the grid map; "" means no tiles */
	char public_url[512];	  /* base of links printed in QR codes; "" means http://<Host> */
	int64_t booking_no_show_limit; /* no-shows within booking_no_show_days that bar booking */
	int64_t booking_no_show_days;
	int64_t booking_ban_days; /* how long the bar lasts after the last no-show */
	int64_t audit_anchor_seconds; /* how often serve anchors the audit chain's head */
	int64_t fund_min_per_community;	     /* fen a community must be allocated a year */
	int64_t fund_approval_threshold_fen; /* spends above it wait for the street's approval */
};

struct config_key {
	const char *name;
	const char *help;
	const char *def;
};

void config_defaults(struct config *cfg);
/* Set one key from text; source names where the value came from, for errors. */
int config_set(struct config *cfg, const char *key, const char *value, const char *source,
	       char *err, size_t errlen);
/* A missing file is not an error (defaults stand); *found tells whether it existed. */
int config_load_file(struct config *cfg, const char *path, int *found, char *err, size_t errlen);
/* Apply SHUNIU_<KEY> variables for the known keys (unknown SHUNIU_* are ignored). */
int config_load_env(struct config *cfg, char **envp, char *err, size_t errlen);
/* Is name (with '-' or '_') a config key? */
int config_is_key(const char *name);
/* Fill in derived defaults that depend on the data dir and the binary's place. */
void config_resolve(struct config *cfg);
/* The key table, for `serve --help` and the file template. */
const struct config_key *config_key_at(size_t i);
/* Write a commented template with every key and its default. */
void config_write_template(FILE *out);

#endif
