/*
 * test_applications.c — the pure rules of online service applications
 * (src/applications/forms.c): an item's form and materials, answers checked
 * against the form, answers masked for the handlers, and the unit that
 * handles an application.
 *
 * 11010519491231002X is a valid ID number (born 1949-12-31, check character
 * X, as in test_pii.c); its mask keeps the region and the check character.
 */
#include "unit.h"

#include "applications/applications_int.h"

#include <stdio.h>
#include <string.h>

static json_t *parse(const char *text)
{
	json_error_t jerr;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &jerr);

	if (!j)
		fail_msg("bad JSON in the test: %s: %s", text, jerr.text);
	return j;
}

/* form_check or materials_check on JSON text: NULL when accepted, else the reason. */
static const char *why_of(int (*check)(json_t *, const char **), const char *text)
{
	json_t *j = parse(text);
	const char *why = NULL;
	int rc = check(j, &why);

	json_decref(j);
	if (rc == 0)
		return NULL;
	assert_non_null(why);
	return why;
}
#define form_why(text)	    why_of(form_check, text)
#define materials_why(text) why_of(materials_check, text)

/* A form with one field of every type; answers are checked against it. */
static const char *const every_type =
	"[{\"key\": \"name\", \"label\": \"姓名\", \"type\": \"text\", \"required\": true},"
	" {\"key\": \"story\", \"label\": \"情况\", \"type\": \"textarea\"},"
	" {\"key\": \"short\", \"label\": \"简述\", \"type\": \"text\", \"maxlength\": 4},"
	" {\"key\": \"income\", \"label\": \"收入\", \"type\": \"number\", \"min\": 0,"
	"  \"max\": 100000},"
	" {\"key\": \"people\", \"label\": \"人数\", \"type\": \"number\", \"integer\": true},"
	" {\"key\": \"born\", \"label\": \"出生日期\", \"type\": \"date\"},"
	" {\"key\": \"kind\", \"label\": \"类别\", \"type\": \"select\","
	"  \"options\": [\"低保\", \"特困\"]},"
	" {\"key\": \"phone\", \"label\": \"电话\", \"type\": \"phone\"},"
	" {\"key\": \"id\", \"label\": \"身份证号\", \"type\": \"id_number\"}]";

/* form_answers against every_type: 0 and *out, or -1 with err. */
static int answer(const char *answers, json_t **out, struct form_error *err)
{
	json_t *form = parse(every_type), *a = parse(answers);
	int rc;

	memset(err, 0, sizeof *err);
	rc = form_answers(form, a, out, err);
	if (rc == 0 && err->key)
		fail_msg("accepted answers but named %s", err->key);
	json_decref(form);
	json_decref(a);
	return rc;
}

/* Refused answers: the field named and the reason. */
static void refused(const char *answers, const char *key, const char *why)
{
	json_t *form = parse(every_type), *a = parse(answers), *out = (json_t *)1;
	struct form_error err = { 0 };

	if (form_answers(form, a, &out, &err) != -1)
		fail_msg("accepted %s", answers);
	assert_null(out);
	if (key)
		assert_string_equal(err.key, key);
	else
		assert_null(err.key);
	assert_string_equal(err.why, why);
	json_decref(form);
	json_decref(a);
}

/* ---- the catalogue -------------------------------------------------------- */

static void a_form_with_every_field_type_is_accepted(void **state)
{
	assert_null(form_why(every_type));
	assert_null(form_why("[]"));
	assert_null(form_why("[{\"key\": \"a\", \"label\": \"A\", \"type\": \"text\","
			     " \"label_en\": \"\"}]"));
}

static void a_form_is_a_list_of_at_most_40_fields(void **state)
{
	char text[40 * 64 + 8], *p = text;

	assert_string_equal(form_why("{}"), "a list of at most 40 fields");
	p += sprintf(p, "[");
	for (int i = 0; i < 41; i++)
		p += sprintf(p, "%s{\"key\": \"f%d\", \"label\": \"L\", \"type\": \"text\"}",
			     i ? "," : "", i);
	sprintf(p, "]");
	assert_string_equal(form_why(text), "a list of at most 40 fields");
	/* the same with 40 fields passes */
	*strrchr(text, '{') = '\0';
	text[strlen(text) - 1] = ']';
	assert_null(form_why(text));
}

static void each_field_needs_a_key_a_label_and_a_known_type(void **state)
{
	const char *why = "each field has a key (a-z, 0-9, _), a label (1 to 100 characters) and "
			  "a type: text, textarea, number, date, select, phone or id_number";

	assert_string_equal(form_why("[\"name\"]"), why);
	assert_string_equal(form_why("[{\"key\": \"Name\", \"label\": \"A\", \"type\": \"text\"}]"),
			    why);
	assert_string_equal(form_why("[{\"key\": \"\", \"label\": \"A\", \"type\": \"text\"}]"),
			    why);
	assert_string_equal(form_why("[{\"key\": \"a\", \"label\": \"\", \"type\": \"text\"}]"),
			    why);
	assert_string_equal(form_why("[{\"key\": \"a\", \"type\": \"text\"}]"), why);
	assert_string_equal(form_why("[{\"key\": \"a\", \"label\": \"A\", \"type\": \"file\"}]"),
			    why);
}

static void field_keys_are_unique(void **state)
{
	assert_string_equal(form_why("[{\"key\": \"a\", \"label\": \"A\", \"type\": \"text\"},"
				     " {\"key\": \"a\", \"label\": \"B\", \"type\": \"date\"}]"),
			    "field keys are unique");
}

static void field_options_and_limits_are_checked(void **state)
{
	assert_string_equal(form_why("[{\"key\": \"k\", \"label\": \"K\", \"type\": \"select\"}]"),
			    "a select field lists 1 to 50 options");
	assert_string_equal(form_why("[{\"key\": \"k\", \"label\": \"K\", \"type\": \"select\","
				     " \"options\": [\"a\", \"\"]}]"),
			    "options are texts of 1 to 100 characters");
	assert_string_equal(form_why("[{\"key\": \"k\", \"label\": \"K\", \"type\": \"text\","
				     " \"integer\": true}]"),
			    "integer is true or false, on a number field");
	assert_string_equal(form_why("[{\"key\": \"k\", \"label\": \"K\", \"type\": \"text\","
				     " \"label_en\": 3}]"),
			    "label_en is text of at most 100 characters");
	const char *limits = "required is true or false, maxlength 1 to 5000, min not above max";
	assert_string_equal(form_why("[{\"key\": \"k\", \"label\": \"K\", \"type\": \"number\","
				     " \"min\": 5, \"max\": 4}]"),
			    limits);
	assert_string_equal(form_why("[{\"key\": \"k\", \"label\": \"K\", \"type\": \"text\","
				     " \"maxlength\": 5001}]"),
			    limits);
	assert_string_equal(form_why("[{\"key\": \"k\", \"label\": \"K\", \"type\": \"text\","
				     " \"required\": \"yes\"}]"),
			    limits);
}

static void materials_have_names_and_a_required_flag(void **state)
{
	assert_null(materials_why(
		"[{\"name\": \"户口本\", \"required\": true}, {\"name\": \"照片\"}]"));
	assert_string_equal(materials_why("{}"), "a list of at most 30 materials");
	assert_string_equal(materials_why("[{\"name\": \"\"}]"),
			    "each material has a name and required true or false");
	assert_string_equal(materials_why("[{\"name\": \"户口本\", \"required\": 1}]"),
			    "each material has a name and required true or false");
}

static void keys_and_codes_are_lower_case_letters_digits_and_underscores(void **state)
{
	assert_true(form_key_valid("low_income_2"));
	assert_false(form_key_valid(""));
	assert_false(form_key_valid(NULL));
	assert_false(form_key_valid("Low"));
	assert_false(form_key_valid("a-b"));
	assert_true(form_key_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));   /* 40 */
	assert_false(form_key_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")); /* 41 */
}

/* ---- answers ------------------------------------------------------------- */

static void valid_answers_are_stored_with_phone_and_id_normalised(void **state)
{
	struct form_error err;
	json_t *out;

	assert_int_equal(answer("{\"name\": \"王芳\", \"income\": 1200.5, \"people\": 3.0,"
				" \"born\": \"1949-12-31\", \"kind\": \"特困\","
				" \"phone\": \"+86 139-1234-5678\", \"id\": \"11010519491231002x\","
				" \"story\": \"\", \"short\": null}",
				&out, &err),
			 0);
	assert_string_equal(json_string_value(json_object_get(out, "name")), "王芳");
	assert_string_equal(json_string_value(json_object_get(out, "phone")), "13912345678");
	assert_string_equal(json_string_value(json_object_get(out, "id")), "11010519491231002X");
	assert_true(json_number_value(json_object_get(out, "income")) == 1200.5);
	/* blank optional answers are left out */
	assert_null(json_object_get(out, "story"));
	assert_null(json_object_get(out, "short"));
	assert_int_equal(json_object_size(out), 7);
	json_decref(out);
}

static void answers_name_the_field_they_fail_on(void **state)
{
	static const struct {
		const char *answers, *key, *why;
	} cases[] = {
		{ "[]", NULL, "an object of answers by field key" },
		{ "{\"name\": \"王芳\", \"age\": 3}", "age", "not a field of this form" },
		{ "{\"story\": \"x\"}", "name", "required" },
		{ "{\"name\": \"\"}", "name", "required" },
		{ "{\"name\": 3}", "name", "text" },
		{ "{\"name\": \"王芳\", \"income\": -1}", "income",
		  "a number within the field's range" },
		{ "{\"name\": \"王芳\", \"income\": \"5\"}", "income",
		  "a number within the field's range" },
		{ "{\"name\": \"王芳\", \"people\": 2.5}", "people", "a whole number" },
		{ "{\"name\": \"王芳\", \"short\": \"一二三四五\"}", "short",
		  "at most 4 characters" },
		{ "{\"name\": \"王芳\", \"born\": \"2026-02-30\"}", "born", "a date YYYY-MM-DD" },
		{ "{\"name\": \"王芳\", \"born\": \"1899-12-31\"}", "born", "a date YYYY-MM-DD" },
		{ "{\"name\": \"王芳\", \"kind\": \"其他\"}", "kind",
		  "one of the field's options" },
		{ "{\"name\": \"王芳\", \"phone\": \"12912345678\"}", "phone",
		  "a mainland mobile or landline number" },
		{ "{\"name\": \"王芳\", \"id\": \"110105194912310021\"}", "id",
		  "an 18-character ID number" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		refused(cases[i].answers, cases[i].key, cases[i].why);
}

static void text_lengths_default_to_200_and_textareas_to_2000(void **state)
{
	struct form_error err;
	char text[64 + 2001 * 3];
	json_t *out;

	snprintf(text, sizeof text, "{\"name\": \"%0200d\"}", 0);
	assert_int_equal(answer(text, &out, &err), 0);
	json_decref(out);
	snprintf(text, sizeof text, "{\"name\": \"%0201d\"}", 0);
	refused(text, "name", "at most 200 characters");
	snprintf(text, sizeof text, "{\"name\": \"a\", \"story\": \"%02000d\"}", 0);
	assert_int_equal(answer(text, &out, &err), 0);
	json_decref(out);
	snprintf(text, sizeof text, "{\"name\": \"a\", \"story\": \"%02001d\"}", 0);
	refused(text, "story", "at most 2000 characters");
}

/* ---- masking ---------------------------------------------------------------- */

static json_t *masked(const char *answers, int *rc)
{
	json_t *form = parse(every_type), *a = parse(answers);

	*rc = form_mask(a, form);
	json_decref(form);
	return a;
}

static void handlers_read_id_numbers_phones_and_the_birth_date_masked(void **state)
{
	int rc;
	json_t *a = masked("{\"name\": \"王芳\", \"id\": \"11010519491231002X\","
			   " \"phone\": \"13912345678\", \"born\": \"1949-12-31\","
			   " \"story\": \"1950-01-01\", \"income\": 5}",
			   &rc);

	assert_int_equal(rc, 1);
	assert_string_equal(json_string_value(json_object_get(a, "id")), "110105***********X");
	assert_string_equal(json_string_value(json_object_get(a, "phone")), "139****5678");
	/* the birth date inside the ID number would complete it: month only */
	assert_string_equal(json_string_value(json_object_get(a, "born")), "1949-12-**");
	/* another date, a name and a number stay */
	assert_string_equal(json_string_value(json_object_get(a, "story")), "1950-01-01");
	assert_string_equal(json_string_value(json_object_get(a, "name")), "王芳");
	assert_int_equal(json_integer_value(json_object_get(a, "income")), 5);
	json_decref(a);
}

static void an_id_number_is_masked_whatever_its_field_says(void **state)
{
	int rc;
	json_t *a = masked("{\"story\": \"11010519491231002X\", \"gone\": \"11010519491231002X\"}",
			   &rc);

	assert_int_equal(rc, 1);
	assert_string_equal(json_string_value(json_object_get(a, "story")), "110105***********X");
	assert_string_equal(json_string_value(json_object_get(a, "gone")), "110105***********X");
	json_decref(a);
	/* a stored id_number answer that is no longer a valid number is hidden whole */
	a = masked("{\"id\": \"not a number\"}", &rc);
	assert_int_equal(rc, 1);
	assert_string_equal(json_string_value(json_object_get(a, "id")), "****");
	json_decref(a);
}

static void answers_without_personal_data_are_not_marked_masked(void **state)
{
	int rc;
	json_t *a = masked("{\"name\": \"王芳\", \"born\": \"1949-12-31\"}", &rc);

	assert_int_equal(rc, 0);
	assert_string_equal(json_string_value(json_object_get(a, "born")), "1949-12-31");
	json_decref(a);
	assert_int_equal(form_mask(NULL, NULL), 0);
	a = parse("[]");
	assert_int_equal(form_mask(a, NULL), 0);
	json_decref(a);
}

/* ---- the handling unit ------------------------------------------------------ */

/* handling_unit(path, level) must give unit and its path. */
static void handled_by(const char *path, const char *level, int64_t unit, const char *upath)
{
	char out[256];
	int64_t id = 0;

	if (handling_unit(path, level, &id, out))
		fail_msg("%s at %s level: no handler", path, level);
	assert_int_equal(id, unit);
	assert_string_equal(out, upath);
}

static void the_handler_is_the_applicants_ancestor_at_the_items_level(void **state)
{
	handled_by("/1/7/42/99/", "community", 42, "/1/7/42/");
	handled_by("/1/7/42/99/", "street", 7, "/1/7/");
	handled_by("/1/7/42/99/", "district", 1, "/1/");
}

static void an_applicant_above_the_level_is_handled_by_their_own_unit(void **state)
{
	handled_by("/1/7/", "community", 7, "/1/7/");
	handled_by("/1/", "street", 1, "/1/");
}

static void malformed_paths_have_no_handler(void **state)
{
	char path[256];
	int64_t unit = 5;

	assert_int_equal(handling_unit("1/7/", "street", &unit, path), -1);
	assert_int_equal(handling_unit("/", "street", &unit, path), -1);
	assert_int_equal(handling_unit("/a/7/", "street", &unit, path), -1);
	assert_int_equal(handling_unit("/1/0/", "street", &unit, path), -1);
	assert_int_equal(handling_unit("/1/7", "street", &unit, path), -1);
	assert_int_equal(unit, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_form_with_every_field_type_is_accepted),
		cmocka_unit_test(a_form_is_a_list_of_at_most_40_fields),
		cmocka_unit_test(each_field_needs_a_key_a_label_and_a_known_type),
		cmocka_unit_test(field_keys_are_unique),
		cmocka_unit_test(field_options_and_limits_are_checked),
		cmocka_unit_test(materials_have_names_and_a_required_flag),
		cmocka_unit_test(keys_and_codes_are_lower_case_letters_digits_and_underscores),
		cmocka_unit_test(valid_answers_are_stored_with_phone_and_id_normalised),
		cmocka_unit_test(answers_name_the_field_they_fail_on),
		cmocka_unit_test(text_lengths_default_to_200_and_textareas_to_2000),
		cmocka_unit_test(handlers_read_id_numbers_phones_and_the_birth_date_masked),
		cmocka_unit_test(an_id_number_is_masked_whatever_its_field_says),
		cmocka_unit_test(answers_without_personal_data_are_not_marked_masked),
		cmocka_unit_test(the_handler_is_the_applicants_ancestor_at_the_items_level),
		cmocka_unit_test(an_applicant_above_the_level_is_handled_by_their_own_unit),
		cmocka_unit_test(malformed_paths_have_no_handler),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
