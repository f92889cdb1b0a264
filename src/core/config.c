/*
 * config.c — the settings table and its three sources; see config.h.
 *
 * Adding a setting: add a field to struct config and a row to config.def.
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
	size_t size; /* sizeof the field: T_STR and T_HOSTPORT keep within it */
	int64_t min, max;
	const char *const *choices; /* T_ENUM, NULL-terminated, index is the value */
	const char *def;
	const char *help;
};

static const char *const log_formats[] = { "text", "json", NULL };
static const char *const log_levels[] = { "debug", "info", "warn", "error", NULL };
static const char *const notifiers[] = { "log", "webhook", NULL };

/* The table, a row a setting, from config.def. */
#define KEY(NAME, TYPE, MIN, MAX, CHOICES, DEF, HELP)                                              \
	{ .name = #NAME,                                                                           \
	  .type = T_##TYPE,                                                                        \
	  .offset = offsetof(struct config, NAME),                                                 \
	  .size = sizeof(((struct config *)0)->NAME),                                              \
	  .min = MIN,                                                                              \
	  .max = MAX,                                                                              \
	  .choices = CHOICES,                                                                      \
	  .def = DEF,                                                                              \
	  .help = HELP },
static const struct key_def keys[] = {
#include "core/config.def"
};
#undef KEY

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
