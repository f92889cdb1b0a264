/*
 * test_chain.c — the keyed hash-chain primitive (core/chain.h): key
 * derivation, entry MACs and the anchor file.
 */
#include "unit.h"

#include "core/chain.h"
#include "core/crypto.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const unsigned char secret_a[SECRET_KEY_BYTES] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const unsigned char secret_b[SECRET_KEY_BYTES] = { 1, 2, 3, 4, 5, 6, 7, 9 };

static void mac3(const struct chain *ch, int64_t seq, const char *a, const char *b,
		 const char *prev, char out[CHAIN_HEX])
{
	const char *f[2] = { a, b };
	chain_mac(ch, seq, f, 2, prev, out);
}

static void the_mac_depends_on_the_key_the_chain_and_every_input(void **state)
{
	struct chain a, a2, b, other;
	char m[CHAIN_HEX], n[CHAIN_HEX];

	(void)state;
	assert_int_equal(chain_init(&a, "audit", secret_a), 0);
	assert_int_equal(chain_init(&a2, "audit", secret_a), 0);
	assert_int_equal(chain_init(&b, "audit", secret_b), 0);
	assert_int_equal(chain_init(&other, "fund", secret_a), 0);
	mac3(&a, 7, "x", "y", chain_zero, m);
	assert_int_equal(strlen(m), CHAIN_HEX - 1);
	mac3(&a2, 7, "x", "y", chain_zero, n);
	assert_string_equal(m, n); /* deterministic */
	mac3(&b, 7, "x", "y", chain_zero, n);
	assert_string_not_equal(m, n); /* another secret key */
	mac3(&other, 7, "x", "y", chain_zero, n);
	assert_string_not_equal(m, n); /* another chain */
	mac3(&a, 8, "x", "y", chain_zero, n);
	assert_string_not_equal(m, n); /* seq */
	mac3(&a, 7, "x", "z", chain_zero, n);
	assert_string_not_equal(m, n); /* a field */
	mac3(&a, 7, "x", "y", m, n);
	assert_string_not_equal(m, n); /* prev */
	/* fields cannot be shifted into their neighbours */
	mac3(&a, 7, "xy", "", chain_zero, n);
	assert_string_not_equal(m, n);
	{
		const char *one[1] = { "xy" };
		chain_mac(&a, 7, one, 1, chain_zero, n);
		assert_string_not_equal(m, n);
	}
	/* NULL is "" */
	mac3(&a, 7, NULL, "y", chain_zero, m);
	mac3(&a, 7, "", "y", chain_zero, n);
	assert_string_equal(m, n);
	chain_wipe(&a);
	chain_wipe(&a2);
	chain_wipe(&b);
	chain_wipe(&other);
}

static void the_mac_format_is_pinned(void **state)
{
	/*
	 * Changing the MAC input would break every stored chain: this value must not
	 * move. It was computed independently with Python's hashlib: root =
	 * blake2b(key=secret, salt=LE64(1), person="shchain_"), chain key =
	 * blake2b("audit", key=root), MAC = blake2b(key=chain key) over LE64(seq),
	 * LE64(nfields), LE64(len) and bytes per field, and the previous MAC's hex.
	 */
	struct chain a;
	char m[CHAIN_HEX];

	(void)state;
	chain_init(&a, "audit", secret_a);
	mac3(&a, 1, "1796649504", "auth.login", chain_zero, m);
	assert_string_equal(m, "ed156240efe5520b249119b36c00007f8290083afb6138b2dd7098683c52656f");
	chain_wipe(&a);
}

static void a_chain_name_must_fit(void **state)
{
	struct chain c;

	(void)state;
	assert_int_equal(chain_init(&c, "", secret_a), -1);
	assert_int_equal(chain_init(&c, "a-name-much-too-long-for-the-buffer-here", secret_a), -1);
}

static void mac_comparison_is_exact(void **state)
{
	char m[CHAIN_HEX];
	struct chain a;

	(void)state;
	chain_init(&a, "audit", secret_a);
	mac3(&a, 1, "a", "b", chain_zero, m);
	assert_true(chain_mac_equal(m, m));
	assert_false(chain_mac_equal(m, chain_zero));
	assert_false(chain_mac_equal(m, "abc"));
	assert_false(chain_mac_equal(m, NULL));
	chain_wipe(&a);
}

/* ---- anchor files ---- */

struct fx {
	char path[128];
	struct chain ch;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	snprintf(f->path, sizeof f->path, "/tmp/shuniu-chain-%d-%ld.anchors", getpid(), random());
	chain_init(&f->ch, "audit", secret_a);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	unlink(f->path);
	chain_wipe(&f->ch);
	free(f);
	return 0;
}

static void write_three(struct fx *f)
{
	char msg[256], h[CHAIN_HEX];

	for (int i = 1; i <= 3; i++) {
		mac3(&f->ch, i, "x", "y", chain_zero, h);
		assert_int_equal(chain_anchor_append(&f->ch, f->path, 'A', i, h, 1000 + i, 0, NULL,
						     msg, sizeof msg),
				 0);
	}
}

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = calloc(1, 4096);

	assert_non_null(fp);
	assert_true(fread(buf, 1, 4095, fp) > 0);
	fclose(fp);
	return buf;
}

static void spit(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void anchors_append_and_read_back(void **state)
{
	struct fx *f = *state;
	struct chain_anchor last;
	struct stat st;
	char msg[256];

	write_three(f);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(chain_anchors_read(&f->ch, f->path, &last, msg, sizeof msg),
			 CHAIN_ANCHORS_OK);
	assert_int_equal(last.kind, 'A');
	assert_int_equal(last.seq, 3);
	assert_int_equal(last.at, 1003);
	assert_int_equal(last.line, 3);
}

static void an_unchanged_head_is_not_anchored_twice(void **state)
{
	struct fx *f = *state;
	struct chain_anchor last;
	char msg[256], h[CHAIN_HEX];

	write_three(f);
	mac3(&f->ch, 3, "x", "y", chain_zero, h);
	assert_int_equal(
		chain_anchor_append(&f->ch, f->path, 'A', 3, h, 2000, 1, &last, msg, sizeof msg),
		1);
	assert_int_equal(last.line, 3);
	assert_int_equal(
		chain_anchor_append(&f->ch, f->path, 'R', 3, h, 2000, 0, &last, msg, sizeof msg),
		0);
	assert_int_equal(last.line, 4);
	assert_int_equal(last.kind, 'R');
}

static void a_missing_file_is_reported_as_missing(void **state)
{
	struct fx *f = *state;
	struct chain_anchor last;
	char msg[256];

	assert_int_equal(chain_anchors_read(&f->ch, f->path, &last, msg, sizeof msg),
			 CHAIN_ANCHORS_MISSING);
	assert_int_equal(last.kind, 0);
}

static void an_edited_line_does_not_verify(void **state)
{
	struct fx *f = *state;
	struct chain_anchor last;
	char msg[256], *text, *p;

	write_three(f);
	text = slurp(f->path);
	p = strstr(text, "A 2 ");
	assert_non_null(p);
	p[2] = '9'; /* the second line now names row 9 */
	spit(f->path, text);
	free(text);
	assert_int_equal(chain_anchors_read(&f->ch, f->path, &last, msg, sizeof msg),
			 CHAIN_ANCHORS_BAD);
	assert_non_null(strstr(msg, "line 2 does not verify"));
	/* and nothing is chained onto a damaged file */
	assert_int_equal(chain_anchor_append(&f->ch, f->path, 'A', 4, chain_zero, 5, 0, NULL, msg,
					     sizeof msg),
			 -1);
}

static void a_removed_middle_line_breaks_the_next(void **state)
{
	struct fx *f = *state;
	struct chain_anchor last;
	char msg[256], *text, *second, *third;

	write_three(f);
	text = slurp(f->path);
	second = strchr(text, '\n') + 1;
	third = strchr(second, '\n') + 1;
	memmove(second, third, strlen(third) + 1);
	spit(f->path, text);
	free(text);
	assert_int_equal(chain_anchors_read(&f->ch, f->path, &last, msg, sizeof msg),
			 CHAIN_ANCHORS_BAD);
	assert_non_null(strstr(msg, "line 2 does not verify"));
}

static void lines_forged_without_the_key_do_not_verify(void **state)
{
	struct fx *f = *state;
	struct chain forger;
	struct chain_anchor last;
	char msg[256];

	chain_init(&forger, "audit", secret_b);
	assert_int_equal(chain_anchor_append(&forger, f->path, 'A', 1, chain_zero, 1, 0, NULL, msg,
					     sizeof msg),
			 0);
	chain_wipe(&forger);
	assert_int_equal(chain_anchors_read(&f->ch, f->path, &last, msg, sizeof msg),
			 CHAIN_ANCHORS_BAD);
	assert_non_null(strstr(msg, "line 1 does not verify"));
}

static void malformed_and_incomplete_lines_are_named(void **state)
{
	struct fx *f = *state;
	struct chain_anchor last;
	char msg[256];

	spit(f->path, "hello world\n");
	assert_int_equal(chain_anchors_read(&f->ch, f->path, &last, msg, sizeof msg),
			 CHAIN_ANCHORS_BAD);
	assert_non_null(strstr(msg, "line 1 is malformed"));
	assert_int_equal(chain_anchor_append(&f->ch, f->path, 'A', 1, chain_zero, 1, 0, NULL, msg,
					     sizeof msg),
			 -1); /* refused: the file is damaged */
}

static void an_incomplete_last_line_is_named(void **state)
{
	struct fx *f = *state;
	struct chain_anchor last;
	char msg[256], *text;

	write_three(f);
	text = slurp(f->path);
	text[strlen(text) - 1] = '\0';
	spit(f->path, text);
	free(text);
	assert_int_equal(chain_anchors_read(&f->ch, f->path, &last, msg, sizeof msg),
			 CHAIN_ANCHORS_BAD);
	assert_non_null(strstr(msg, "line 3 is incomplete"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_mac_depends_on_the_key_the_chain_and_every_input),
		cmocka_unit_test(the_mac_format_is_pinned),
		cmocka_unit_test(a_chain_name_must_fit),
		cmocka_unit_test(mac_comparison_is_exact),
		cmocka_unit_test_setup_teardown(anchors_append_and_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(an_unchanged_head_is_not_anchored_twice, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_missing_file_is_reported_as_missing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(an_edited_line_does_not_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(a_removed_middle_line_breaks_the_next, setup,
						teardown),
		cmocka_unit_test_setup_teardown(lines_forged_without_the_key_do_not_verify, setup,
						teardown),
		cmocka_unit_test_setup_teardown(malformed_and_incomplete_lines_are_named, setup,
						teardown),
		cmocka_unit_test_setup_teardown(an_incomplete_last_line_is_named, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
