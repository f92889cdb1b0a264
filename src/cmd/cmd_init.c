/*
 * cmd_init.c — `shuniu init --data DIR [--db URL]`: a new data directory.
 *
 * Creates DIR (0700) if needed, then DIR/shuniu.conf (a commented template,
 * plus the db line when --db was given), DIR/secret.key (0600) and a migrated
 * database. It never overwrites: an existing config, key or SQLite file, or a
 * PostgreSQL database that already has a schema, stops it before it writes.
 */
#include "cmd/cmd.h"

#include "core/crypto.h"
#include "core/util.h"
#include "db/migrate.h"
#include "db/store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_config(const char *path, const char *db_url, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc;

	if (!f) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	config_write_template(f);
	if (db_url && *db_url)
		fprintf(f, "db = %s\n", db_url);
	fclose(f);
	rc = write_new_file(path, text, len, 0600, err, errlen);
	free(text);
	return rc;
}

int cmd_init(struct app *app, int argc, char **argv)
{
	const struct config *cfg = &app->cfg;
	char conf[PATH_MAX], def_db[PATH_MAX], err[PATH_MAX + 256];
	const char *flag_db = NULL;
	struct db *db = NULL;
	struct db_conn *c;
	int64_t applied = 0;
	int rc = 1, n;

	if (argc)
		return cmd_usage_error(app, "unexpected argument '%s'", argv[0]);
	if (path_join(conf, sizeof conf, cfg->data_dir, "shuniu.conf"))
		return cmd_usage_error(app, "--data path is too long");
	/* The db line goes into the file only when it is not the default. */
	if (path_join(def_db, sizeof def_db, cfg->data_dir, "shuniu.db") || strcmp(cfg->db, def_db))
		flag_db = cfg->db;

	if (mkdir(cfg->data_dir, 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "error: cannot create '%s': %s\n", cfg->data_dir, strerror(errno));
		return 1;
	}
	if (path_exists(conf) || path_exists(cfg->key_file) ||
	    (!str_has_prefix(cfg->db, "postgres") && path_exists(cfg->db))) {
		fprintf(stderr,
			"error: '%s' already holds a Shuniu install; refusing to overwrite it\n",
			cfg->data_dir);
		return 1;
	}
	if (db_open(cfg->db, &db, err, sizeof err)) {
		fprintf(stderr, "error: cannot open database: %s\n", err);
		return 1;
	}
	c = db_conn_thread(db);
	if (!c) {
		fprintf(stderr, "error: cannot connect to the database\n");
		goto out;
	}
	/* An existing schema (PostgreSQL) is someone's data: do not touch it. */
	if (migrate_count_applied(c, &applied) == DB_ROW && applied > 0) {
		fprintf(stderr, "error: the database already has a Shuniu schema; refusing to "
				"overwrite it\n");
		goto out;
	}
	if (write_config(conf, flag_db, err, sizeof err) ||
	    keyfile_create(cfg->key_file, err, sizeof err)) {
		fprintf(stderr, "error: %s\n", err);
		goto out;
	}
	n = migrate_apply(c, NULL, err, sizeof err);
	if (n < 0) {
		fprintf(stderr, "error: %s\n", err);
		goto out;
	}
	printf("created %s\n  config    %s\n  key       %s (keep a copy: encrypted fields need "
	       "it)\n"
	       "  database  %s (%d migrations applied)\n",
	       cfg->data_dir, conf, cfg->key_file,
	       str_has_prefix(cfg->db, "postgres") ? "postgres" : cfg->db, n);
	rc = 0;
out:
	db_close(db);
	return rc;
}
