/*
 * config.c — the settings table and its three sources; see config.h.
 *
 * Adding a setting: add a field to struct config and a row to `keys` below.
 * Nothing else parses configuration.
 */
#include "core/config.h"

#include "core/util.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum cfg_type { T_STR, T_INT, T_SIZE, T_BOOL, T_ENUM, T_HOSTPORT };

struct key_def {
	const char *name;
	enum cfg_type type;
	size_t offset;
	size_t size; /* for T_STR: buffer size */
	int64_t min, max;
	const char *const *choices; /* T_ENUM, NULL-terminated, index is the value */
	const char *def;
	const char *help;
};

static const char *const log_formats[] = { "text", "json", NULL };
static const char *const log_levels[] = { "debug", "info", "warn", "error", NULL };
static const char *const notifiers[] = { "log", "webhook", NULL };

#define F(field) offsetof(struct config, field)
#define S(field) sizeof(((struct config *)0)->field)

static const struct key_def keys[] = {
	{ "listen", T_HOSTPORT, F(listen), S(listen), 0, 0, NULL, "127.0.0.1:8080",
	  "address and port to serve HTTP on" },
	{ "db", T_STR, F(db), S(db), 0, 0, NULL, "",
	  "database: a SQLite file path or a postgres:// URL (default DIR/shuniu.db)" },
	{ "web_root", T_STR, F(web_root), S(web_root), 0, 0, NULL, "",
	  "directory of the built web app (default web/dist beside the binary)" },
	{ "key_file", T_STR, F(key_file), S(key_file), 0, 0, NULL, "",
	  "secret key file for field encryption (default DIR/secret.key)" },
	{ "threads", T_INT, F(threads), 0, 0, 512, NULL, "0",
	  "HTTP worker threads; 0 picks eight per CPU, at least 32" },
	{ "connection_timeout", T_INT, F(connection_timeout), 0, 1, 3600, NULL, "30",
	  "seconds an idle or slow connection is kept" },
	{ "max_connections", T_INT, F(max_connections), 0, 1, 65536, NULL, "1024",
	  "connections open at once, in total" },
	{ "max_connections_per_ip", T_INT, F(max_connections_per_ip), 0, 1, 65536, NULL, "256",
	  "connections open at once from one client address" },
	{ "body_limit", T_SIZE, F(body_limit), 0, 1024, (int64_t)1 << 30, NULL, "1M",
	  "largest request body accepted (K, M, G suffixes)" },
	{ "shutdown_grace", T_INT, F(shutdown_grace), 0, 0, 600, NULL, "30",
	  "seconds to let requests in flight finish on SIGTERM" },
	{ "log_format", T_ENUM, F(log_format), 0, 0, 0, log_formats, "text", "text or json" },
	{ "log_level", T_ENUM, F(log_level), 0, 0, 0, log_levels, "info",
	  "debug, info, warn or error" },
	{ "access_log", T_BOOL, F(access_log), 0, 0, 0, NULL, "true", "one log line per request" },
	{ "session_idle", T_INT, F(session_idle), 0, 60, 86400, NULL, "1800",
	  "seconds a session survives without use" },
	{ "session_absolute", T_INT, F(session_absolute), 0, 300, 30 * 86400, NULL, "43200",
	  "seconds a session lives at most after sign-in" },
	{ "lockout_failures", T_INT, F(lockout_failures), 0, 1, 100, NULL, "5",
	  "failed sign-ins in a row that lock a user name" },
	{ "lockout_minutes", T_INT, F(lockout_minutes), 0, 1, 1440, NULL, "15",
	  "minutes a locked user name stays locked" },
	{ "registration_limit", T_INT, F(registration_limit), 0, 1, 100000, NULL, "20",
	  "residents' self-registrations one client address may attempt per hour" },
	{ "search_limit", T_INT, F(search_limit), 0, 1, 10000, NULL, "30",
	  "exact-match phone or ID-number look-ups one account may make per hour" },
	{ "cookie_secure", T_BOOL, F(cookie_secure), 0, 0, 0, NULL, "false",
	  "mark the session cookie Secure (set when served over HTTPS)" },
	{ "attachment_limit", T_SIZE, F(attachment_limit), 0, 1024, (int64_t)64 << 20, NULL, "8M",
	  "largest photo accepted by POST /api/v1/attachments (K, M suffixes)" },
	{ "sla_grace_hours", T_INT, F(sla_grace_hours), 0, 0, 24 * 30, NULL, "24",
	  "hours an overdue appeal waits before it is escalated to the parent unit" },
	{ "sla_sweep_seconds", T_INT, F(sla_sweep_seconds), 0, 1, 3600, NULL, "60",
	  "seconds between runs of the SLA sweeper (overdue flags, supervision, escalation)" },
	{ "notifier", T_ENUM, F(notifier), 0, 0, 0, notifiers, "log",
	  "how appeal changes leave the system: log or webhook" },
	{ "webhook_url", T_STR, F(webhook_url), S(webhook_url), 0, 0, NULL, "",
	  "http://HOST[:PORT]/PATH the webhook notifier POSTs signed JSON to" },
	{ "webhook_secret_file", T_STR, F(webhook_secret_file), S(webhook_secret_file), 0, 0, NULL,
	  "", "file holding the webhook HMAC key (default DIR/webhook.key, made on first use)" },
	{ "map_tile_url", T_STR, F(map_tile_url), S(map_tile_url), 0, 0, NULL, "",
	  "tile URL template for the console's grid map, e.g. "
	  "https://tiles.example/{z}/{x}/{y}.png "
	  "(default: none, polygons only)" },
	{ "public_url", T_STR, F(public_url), S(public_url), 0, 0, NULL, "",
	  "address residents reach the server by, for station QR codes (default http://<Host>)" },
	{ "submit_batch_max", T_INT, F(submit_batch_max), 0, 1, 4096, NULL, "256",
	  "appeal submissions committed together in one durable transaction at most" },
	{ "booking_no_show_limit", T_INT, F(booking_no_show_limit), 0, 1, 100, NULL, "3",
	  "no-shows within booking_no_show_days after which a resident may not book venues" },
	{ "booking_no_show_days", T_INT, F(booking_no_show_days), 0, 1, 365, NULL, "30",
	  "days over which venue no-shows are counted" },
	{ "booking_ban_days", T_INT, F(booking_ban_days), 0, 0, 365, NULL, "14",
	  "days after the last no-show that a barred resident may not book (0: no bar)" },
	{ "audit_anchor_seconds", T_INT, F(audit_anchor_seconds), 0, 1, 86400, NULL, "3600",
	  "seconds between anchors of the audit chain's head in DIR/audit.anchors (1 to 86400; "
	  "also at start and stop)" },
};

#define NKEYS (sizeof keys / sizeof keys[0])

/* Compare a key name allowing '-' for '_'. */
static int name_eq(const char *a, const char *b, size_t blen)
{
	size_t i;

	for (i = 0; i < blen && a[i]; i++) {
		char c = b[i] == '-' ? '_' : (char)tolower((unsigned char)b[i]);
		if (a[i] != c)
			return 0;
	}
	return i == blen && a[i] == '\0';
}

static const struct key_def *find_key(const char *name, size_t len)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (name_eq(keys[i].name, name, len))
			return &keys[i];
	return NULL;
}

int config_is_key(const char *name)
{
	return find_key(name, strlen(name)) != NULL;
}

static int set_value(struct config *cfg, const struct key_def *k, const char *v, char *why,
		     size_t whylen)
{
	char *base = (char *)cfg;
	int64_t *iv = (int64_t *)(base + k->offset);
	char host[256];
	int port;

	switch (k->type) {
	case T_STR:
		if (strlen(v) >= k->size) {
			snprintf(why, whylen, "longer than %zu bytes", k->size - 1);
			return -1;
		}
		memcpy(base + k->offset, v, strlen(v) + 1);
		return 0;
	case T_HOSTPORT:
		if (parse_hostport(v, host, sizeof host, &port) || strlen(v) >= k->size) {
			snprintf(why, whylen, "expected HOST:PORT, e.g. 127.0.0.1:8080");
			return -1;
		}
		memcpy(base + k->offset, v, strlen(v) + 1);
		return 0;
	case T_INT:
		if (parse_int64(v, k->min, k->max, iv)) {
			snprintf(why, whylen, "expected an integer from %lld to %lld",
				 (long long)k->min, (long long)k->max);
			return -1;
		}
		return 0;
	case T_SIZE:
		if (parse_size(v, k->max, iv) || *iv < k->min) {
			snprintf(why, whylen,
				 "expected a size from %lld to %lld bytes (K, M, G allowed)",
				 (long long)k->min, (long long)k->max);
			return -1;
		}
		return 0;
	case T_BOOL:
		if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on") || !strcmp(v, "1"))
			*iv = 1;
		else if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "off") ||
			 !strcmp(v, "0"))
			*iv = 0;
		else {
			snprintf(why, whylen, "expected true or false");
			return -1;
		}
		return 0;
	case T_ENUM:
		for (int64_t i = 0; k->choices[i]; i++)
			if (!strcmp(v, k->choices[i])) {
				*iv = i;
				return 0;
			}
		snprintf(why, whylen, "expected one of:");
		for (int i = 0; k->choices[i]; i++) {
			size_t l = strlen(why);
			snprintf(why + l, whylen - l, " %s", k->choices[i]);
		}
		return -1;
	}
	return -1;
}

void config_defaults(struct config *cfg)
{
	char why[128];

	memset(cfg, 0, sizeof *cfg);
	for (size_t i = 0; i < NKEYS; i++)
		if (set_value(cfg, &keys[i], keys[i].def, why, sizeof why))
			abort(); /* a bad default is a programming error */
}

int config_set(struct config *cfg, const char *key, const char *value, const char *source,
	       char *err, size_t errlen)
{
	const struct key_def *k = find_key(key, strlen(key));
	char why[160];

	if (!k) {
		snprintf(err, errlen, "%s: unknown key '%s'", source, key);
		return -1;
	}
	if (set_value(cfg, k, value, why, sizeof why)) {
		snprintf(err, errlen, "%s: bad value '%s' for '%s': %s", source, value, k->name,
			 why);
		return -1;
	}
	return 0;
}

int config_load_file(struct config *cfg, const char *path, int *found, char *err, size_t errlen)
{
	char ioerr[256], source[PATH_MAX + 32];
	char *text, *line, *save = NULL;
	int lineno = 0, rc = 0;

	*found = 0;
	if (!path_exists(path))
		return 0;
	text = read_file(path, 1 << 20, NULL, ioerr, sizeof ioerr);
	if (!text) {
		snprintf(err, errlen, "%s", ioerr);
		return -1;
	}
	*found = 1;
	/* strtok_r would merge empty lines and break the numbering; walk by hand. */
	for (line = text; line && rc == 0; line = save) {
		char *nl = strchr(line, '\n'), *eq, *key, *val, *hash;
		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		lineno++;
		if ((hash = strchr(line, '#')))
			*hash = '\0';
		key = str_trim(line);
		if (!*key)
			continue;
		snprintf(source, sizeof source, "%s:%d", path, lineno);
		eq = strchr(key, '=');
		if (!eq) {
			snprintf(err, errlen, "%s: expected 'key = value'", source);
			rc = -1;
			break;
		}
		*eq = '\0';
		val = str_trim(eq + 1);
		key = str_trim(key);
		rc = config_set(cfg, key, val, source, err, errlen);
	}
	free(text);
	return rc;
}

int config_load_env(struct config *cfg, char **envp, char *err, size_t errlen)
{
	for (char **e = envp; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		char source[128];
		const struct key_def *k;

		if (!str_has_prefix(*e, "SHUNIU_") || !eq)
			continue;
		k = find_key(*e + 7, (size_t)(eq - *e - 7));
		if (!k)
			continue;
		snprintf(source, sizeof source, "environment SHUNIU_%.*s", (int)(eq - *e - 7),
			 *e + 7);
		if (config_set(cfg, k->name, eq + 1, source, err, errlen))
			return -1;
	}
	return 0;
}

void config_resolve(struct config *cfg)
{
	if (!cfg->key_file[0] && cfg->data_dir[0])
		path_join(cfg->key_file, sizeof cfg->key_file, cfg->data_dir, "secret.key");
	if (!cfg->db[0] && cfg->data_dir[0])
		path_join(cfg->db, sizeof cfg->db, cfg->data_dir, "shuniu.db");
	if (!cfg->webhook_secret_file[0] && cfg->data_dir[0])
		path_join(cfg->webhook_secret_file, sizeof cfg->webhook_secret_file, cfg->data_dir,
			  "webhook.key");
	if (!cfg->web_root[0]) {
		char exe[PATH_MAX];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
		if (n > 0) {
			exe[n] = '\0';
			char *slash = strrchr(exe, '/');
			if (slash)
				*slash = '\0';
			/* build/<variant>/shuniu lives two levels below the tree */
			if (strstr(exe, "/build/"))
				*strstr(exe, "/build/") = '\0';
			path_join(cfg->web_root, sizeof cfg->web_root, exe, "web/dist");
		}
	}
	if (cfg->threads == 0) {
		/* Appeal submissions wait in their worker for the group commit, so
		 * more workers than cores let more submissions share one fsync. */
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		cfg->threads = n > 4 ? 8 * n : 32;
	}
}

const struct config_key *config_key_at(size_t i)
{
	static struct config_key out[NKEYS];

	if (i >= NKEYS)
		return NULL;
	out[i].name = keys[i].name;
	out[i].help = keys[i].help;
	out[i].def = keys[i].def;
	return &out[i];
}

void config_write_template(FILE *out)
{
	fputs("# Shuniu configuration: key = value. Environment variables SHUNIU_<KEY>\n"
	      "# and command-line flags --key override what is here.\n\n",
	      out);
	for (size_t i = 0; i < NKEYS; i++)
		fprintf(out, "# %s\n# %s = %s\n\n", keys[i].help, keys[i].name, keys[i].def);
}
