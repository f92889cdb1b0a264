/*
 * cmd_import.c — `shuniu import units|residents|party-members FILE.csv`.
 *
 * The file is UTF-8 (a byte-order mark is skipped) or, when it is not valid
 * UTF-8, GBK/GB18030 as Excel in China saves it. The first line is a header
 * naming the columns (any order; see README.md and --help). Every line is
 * checked; all errors are reported with their line numbers, and the import is
 * all-or-nothing: one transaction, rolled back on the first database error or
 * if any line was bad. --dry-run checks everything and stores nothing.
 */
#include "cmd/cmd.h"

#include "audit/audit.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "db/store.h"
#include "org/org.h"
#include "people/people.h"
#include "pii/pii.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLS 16
#define MAX_FILE (256u << 20)

struct csv {
	char *p, *end;
	int line;      /* line of the record being read */
	int next_line; /* physical line where the next record starts */
};

/* Read one record into cols (pointers into the buffer, unescaped in place). */
static int csv_record(struct csv *c, char **cols, int *ncols)
{
	char *w;
	int n = 0;

	if (c->p >= c->end)
		return 0;
	c->line = c->next_line;
	w = c->p;
	cols[n++] = w;
	while (c->p < c->end) {
		char ch = *c->p;
		if (ch == '"' && w == cols[n - 1]) { /* quoted field */
			c->p++;
			while (c->p < c->end) {
				if (*c->p == '"' && c->p + 1 < c->end && c->p[1] == '"') {
					*w++ = '"';
					c->p += 2;
				} else if (*c->p == '"') {
					c->p++;
					break;
				} else {
					if (*c->p == '\n')
						c->next_line++;
					*w++ = *c->p++;
				}
			}
			continue;
		}
		if (ch == ',') {
			*w++ = '\0';
			c->p++;
			if (n == MAX_COLS)
				return -1;
			cols[n++] = w;
			continue;
		}
		if (ch == '\r' || ch == '\n') {
			if (ch == '\r' && c->p + 1 < c->end && c->p[1] == '\n')
				c->p++;
			c->p++;
			c->next_line++;
			break;
		}
		*w++ = *c->p++;
	}
	*w = '\0';
	*ncols = n;
	return 1;
}

static int valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char b = s[i];
		int k = b < 0x80	 ? 0
			: (b >> 5) == 6	 ? 1
			: (b >> 4) == 14 ? 2
			: (b >> 3) == 30 ? 3
					 : -1;
		if (k < 0 || i + (size_t)k >= n + (k == 0))
			return 0;
		for (int j = 1; j <= k; j++)
			if ((s[i + (size_t)j] & 0xc0) != 0x80)
				return 0;
		i += (size_t)k + 1;
	}
	return 1;
}

/* GBK/GB18030 → UTF-8; malloc'd. */
static char *from_gbk(const char *in, size_t n, size_t *out_len)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	size_t cap = n * 2 + 16, left_in = n, left_out = cap;
	char *out, *src = (char *)in, *dst;

	if (cd == (iconv_t)-1)
		return NULL;
	out = malloc(cap + 1);
	dst = out;
	if (!out || iconv(cd, &src, &left_in, &dst, &left_out) == (size_t)-1) {
		free(out);
		iconv_close(cd);
		return NULL;
	}
	iconv_close(cd);
	*dst = '\0';
	*out_len = (size_t)(dst - out);
	return out;
}

struct import {
	struct app *app;
	struct db_conn *c;
	struct pii_keys keys;
	const char *what;
	int errors, rows;
	char *hdr[MAX_COLS];
	int nhdr;
};

static void line_error(struct import *im, int line, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void line_error(struct import *im, int line, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (im->errors++ < 200) {
		fprintf(stderr, "line %d: %s: ", line, field);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
}

static const char *col(struct import *im, char **cols, int n, const char *name)
{
	for (int i = 0; i < im->nhdr && i < n; i++)
		if (!strcmp(im->hdr[i], name))
			return str_trim(cols[i]);
	return "";
}

static int check_header(struct import *im, const char *const *required, const char *const *allowed)
{
	for (int i = 0; i < im->nhdr; i++) {
		int ok = 0;
		im->hdr[i] = str_trim(im->hdr[i]);
		for (const char *const *a = allowed; *a; a++)
			ok |= !strcmp(im->hdr[i], *a);
		if (!ok)
			line_error(im, 1, im->hdr[i], "unknown column");
	}
	for (const char *const *r = required; *r; r++) {
		int found = 0;
		for (int i = 0; i < im->nhdr; i++)
			found |= !strcmp(im->hdr[i], *r);
		if (!found)
			line_error(im, 1, *r, "required column missing");
	}
	return im->errors ? -1 : 0;
}

static int import_unit(struct import *im, int line, char **cols, int n)
{
	const char *code = col(im, cols, n, "code"), *name = col(im, cols, n, "name"),
		   *kind = col(im, cols, n, "kind"), *parent = col(im, cols, n, "parent_code");
	struct unit_ref p = { 0 };
	char err[512];
	int64_t id;
	int k = *kind ? unit_kind_parse(kind) : -1;

	if (*kind && k < 0)
		return line_error(im, line, "kind",
				  "'%s' is not district, street, community, grid or building",
				  kind),
		       0;
	if (*parent && unit_get_by_code(im->c, parent, &p) != DB_ROW)
		return line_error(im, line, "parent_code",
				  "no unit with code '%s' (it must come earlier in the file or "
				  "exist already)",
				  parent),
		       0;
	if (!*parent && k < 0)
		k = UNIT_DISTRICT;
	if (unit_create(im->c, *parent ? p.id : 0, k, *code ? code : NULL, name,
			col(im, cols, n, "party_org_name"), col(im, cols, n, "party_secretary"),
			NULL, 0, &id, err, sizeof err))
		return line_error(im, line, "code", "%s", err), 0;
	return 1;
}

static int import_resident(struct import *im, int line, char **cols, int n)
{
	const char *bcode = col(im, cols, n, "building_code"), *room = col(im, cols, n, "room"),
		   *name = col(im, cols, n, "name"), *g = col(im, cols, n, "gender"),
		   *birth = col(im, cols, n, "birth_date"), *phone = col(im, cols, n, "phone"),
		   *idn = col(im, cols, n, "id_number"), *tags = col(im, cols, n, "tags");
	struct unit_ref b;
	struct resident_in in = { 0 };
	char nphone[24], nid[19], bd[11], ym[8] = "", tagbuf[128] = "";
	int64_t hid = 0, rid, t;
	int rc, bad = im->errors;

	if (unit_get_by_code(im->c, bcode, &b) != DB_ROW || b.kind != UNIT_BUILDING)
		line_error(im, line, "building_code", "no building with code '%s'", bcode);
	if (!*room || strlen(room) > 40)
		line_error(im, line, "room", "required, at most 40 bytes");
	if (!*name || strlen(name) > 60)
		line_error(im, line, "name", "required, at most 60 bytes");
	in.gender = !*g						 ? 0
		    : (!strcmp(g, "男") || !strcmp(g, "male"))	 ? 1
		    : (!strcmp(g, "女") || !strcmp(g, "female")) ? 2
								 : -1;
	if (in.gender < 0)
		line_error(im, line, "gender", "'%s' is not 男/女/male/female", g);
	if (*phone && pii_phone_normalize(phone, nphone) < 0)
		line_error(im, line, "phone", "'%s' is not a mainland mobile or landline number",
			   phone);
	int id_ok = *idn && pii_id_normalize(idn, nid) == 0;
	if (*idn && !id_ok)
		line_error(im, line, "id_number",
			   "not a valid 18-character ID number (GB 11643 check digit)");
	if (*birth && (strlen(birth) != 10 || clock_parse_iso(birth, &t) < 0))
		line_error(im, line, "birth_date", "'%s' is not YYYY-MM-DD", birth);
	else if (*birth && id_ok && pii_id_birth_date(nid, bd) == 0 && strcmp(bd, birth) != 0)
		line_error(im, line, "birth_date", "differs from the birth date in the ID number");
	for (char *tok = strtok(strcpy(tagbuf, tags), ";|"); tok; tok = strtok(NULL, ";|"))
		if (!strstr(RESIDENT_TAGS, str_trim(tok)))
			line_error(im, line, "tags", "'%s' is not one of " RESIDENT_TAGS, tok);
	if (im->errors > bad)
		return 0;
	for (char *q = tagbuf; *q; q++)
		if (*q == ';' || *q == '|')
			*q = ',';
	snprintf(tagbuf, sizeof tagbuf, "%s", tags);
	for (char *q = tagbuf; *q; q++)
		if (*q == ';' || *q == '|')
			*q = ',';
	/* only the year and month are kept (see people.h) */
	if (*idn)
		pii_id_birth_ym(nid, ym);
	else if (*birth)
		snprintf(ym, sizeof ym, "%.7s", birth);
	rc = db_query_int64(im->c, &hid,
			    "SELECT id FROM households WHERE building_id = ? AND room = ?", "it",
			    b.id, room);
	if (rc == DB_DONE)
		rc = db_query_int64(im->c, &hid,
				    "INSERT INTO households (building_id, unit_path, room, "
				    "address, created_at, updated_at) "
				    "VALUES (?, ?, ?, '', ?, ?) RETURNING id",
				    "ittii", b.id, b.path, room, clock_now(), clock_now());
	if (rc != DB_ROW)
		return -1;
	in.household_id = hid;
	in.name = name;
	in.birth_ym = ym[0] ? ym : NULL;
	in.phone = *phone ? nphone : NULL;
	in.id_number = *idn ? nid : NULL;
	in.tags = tagbuf;
	if (*idn && !*g)
		in.gender = pii_id_gender(nid);
	rc = resident_insert(im->c, &im->keys, &in, b.path, &rid);
	if (rc == DB_ECONSTRAINT) {
		line_error(im, line, "id_number", "a resident with this ID number exists already");
		return 0;
	}
	return rc < 0 ? -1 : 1;
}

static int import_party_member(struct import *im, int line, char **cols, int n)
{
	const char *idn = col(im, cols, n, "id_number"), *branch = col(im, cols, n, "branch_code"),
		   *joined = col(im, cols, n, "joined_on");
	char nid[19];
	unsigned char idx[PII_BIDX_BYTES];
	struct unit_ref b;
	int64_t rid = 0, t;
	int rc, bad = im->errors;

	if (pii_id_normalize(idn, nid) < 0)
		line_error(im, line, "id_number", "not a valid 18-character ID number");
	if (unit_get_by_code(im->c, branch, &b) != DB_ROW)
		line_error(im, line, "branch_code", "no unit with code '%s'", branch);
	if (*joined && (strlen(joined) != 10 || clock_parse_iso(joined, &t) < 0))
		line_error(im, line, "joined_on", "'%s' is not YYYY-MM-DD", joined);
	if (im->errors > bad)
		return 0;
	pii_blind_index(&im->keys, PII_ID_NUMBER, nid, idx);
	rc = db_query_int64(im->c, &rid, "SELECT id FROM residents WHERE id_bidx = ?", "b", idx,
			    sizeof idx);
	if (rc == DB_DONE)
		return line_error(im, line, "id_number", "no resident with this ID number"), 0;
	if (rc < 0)
		return -1;
	rc = db_run(im->c,
		    "INSERT INTO party_members (resident_id, branch_unit_id, unit_path, joined_on, "
		    "created_at, updated_at) "
		    "VALUES (?, ?, ?, ?, ?, ?)",
		    "iittii", rid, b.id, b.path, *joined ? joined : NULL, clock_now(), clock_now());
	if (rc == DB_ECONSTRAINT)
		return line_error(im, line, "id_number", "already a Party member"), 0;
	return rc < 0 ? -1 : 1;
}

int cmd_import(struct app *app, int argc, char **argv)
{
	static const char *const unit_req[] = { "name", NULL };
	static const char *const unit_all[] = { "code",	       "name",		 "kind",
						"parent_code", "party_org_name", "party_secretary",
						NULL };
	static const char *const res_req[] = { "building_code", "room", "name", NULL };
	static const char *const res_all[] = { "building_code", "room",	      "name",
					       "gender",	"birth_date", "phone",
					       "id_number",	"tags",	      NULL };
	static const char *const pm_req[] = { "id_number", "branch_code", NULL };
	static const char *const pm_all[] = { "id_number", "branch_code", "joined_on", NULL };
	struct import im = { .app = app, .c = app->conn };
	int (*row)(struct import *, int, char **, int);
	const char *file = NULL;
	int dry = 0, rc = 0, n;
	char err[512], *text, *utf8 = NULL, *cols[MAX_COLS];
	size_t len;
	struct csv csv;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--dry-run"))
			dry = 1;
		else if (!file && argv[i][0] != '-')
			file = argv[i];
		else
			return cmd_usage_error(app, "unexpected argument '%s'", argv[i]);
	}
	if (argc < 1 || !file)
		return cmd_usage_error(app, "usage: import units|residents|party-members FILE.csv");
	im.what = argv[0];
	if (!strcmp(im.what, "units"))
		row = import_unit;
	else if (!strcmp(im.what, "residents"))
		row = import_resident;
	else if (!strcmp(im.what, "party-members"))
		row = import_party_member;
	else
		return cmd_usage_error(app, "import what? units, residents or party-members");
	text = read_file(file, MAX_FILE, &len, err, sizeof err);
	if (!text) {
		fprintf(stderr, "error: %s\n", err);
		return 1;
	}
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
		memmove(text, text + 3, len - 2);
		len -= 3;
	}
	if (!valid_utf8((unsigned char *)text, len)) {
		utf8 = from_gbk(text, len, &len);
		if (!utf8) {
			fprintf(stderr, "error: '%s' is neither UTF-8 nor GBK\n", file);
			free(text);
			return 1;
		}
		free(text);
		text = utf8;
	}
	csv = (struct csv){ .p = text, .end = text + len, .next_line = 1 };
	if (csv_record(&csv, im.hdr, &im.nhdr) != 1) {
		fprintf(stderr, "error: '%s' is empty\n", file);
		free(text);
		return 1;
	}
	if (check_header(&im,
			 row == import_unit	  ? unit_req
			 : row == import_resident ? res_req
						  : pm_req,
			 row == import_unit	  ? unit_all
			 : row == import_resident ? res_all
						  : pm_all)) {
		free(text);
		fprintf(stderr, "nothing imported: fix the header\n");
		return 1;
	}
	pii_keys_derive(&im.keys, app->key);
	/*
	 * Begun by hand, not through db_tx_run(): the whole file is one
	 * transaction that streams rows as it parses them and reports each bad
	 * line; it cannot be rerun from the start, and a command run by an
	 * operator answers a busy database with an error to run it again.
	 */
	if (db_begin(im.c) < 0) {
		free(text);
		return 1;
	}
	while (rc >= 0 && (n = csv_record(&csv, cols, &rc)) != 0) {
		int ncols = rc;
		if (n < 0) {
			line_error(&im, csv.line, "line", "more than %d columns", MAX_COLS);
			rc = 0;
			continue;
		}
		if (ncols == 1 && !*cols[0]) { /* blank line */
			rc = 0;
			continue;
		}
		rc = row(&im, csv.line, cols, ncols);
		if (rc > 0)
			im.rows++;
	}
	if (rc < 0)
		fprintf(stderr, "error: line %d: database: %s\n", csv.line, db_errmsg(im.c));
	if (rc >= 0 && !im.errors && !dry) {
		json_t *d = JB_OBJ(jb_str("kind", im.what), jb_int("rows", im.rows));
		rc = audit_append(im.c, &(struct audit_event){ .actor_name = "cli",
							       .action = "import",
							       .outcome = "ok",
							       .details = d });
		json_decref(d);
		if (rc == 0)
			rc = db_commit(im.c);
	}
	if (rc < 0 || im.errors || dry)
		db_rollback(im.c);
	pii_keys_wipe(&im.keys);
	free(text);
	if (rc < 0 || im.errors) {
		fprintf(stderr, "nothing imported: %d error%s\n", im.errors + (rc < 0),
			im.errors == 1 ? "" : "s");
		return 1;
	}
	printf(dry ? "dry run: %d %s rows are valid; nothing stored\n" : "imported %d %s rows\n",
	       im.rows, im.what);
	return 0;
}
