/*
 * forms.c — the pure rules of online service applications: an item's form
 * and materials, a resident's answers checked against the form, the answers
 * masked for the handlers, and which unit handles an application.
 *
 * A form is a list of typed fields: {key, label, label_en?, type, required?,
 * maxlength?, min?, max?, integer?, options?}, the type one of text,
 * textarea, number, date, select, phone and id_number. Items are checked when
 * they are written (form_check) and answers when residents apply
 * (form_answers): every key a field of the form, every required field
 * answered, every answer of its field's type and within its limits. Phone and
 * ID numbers are stored normalised.
 *
 * The answers may hold personal data, so handlers read them masked like a
 * resident's record (form_mask): ID numbers to region and check character,
 * phones to their ends, and a date that is the birth date inside an ID number
 * of the same answers to its month — else the answers would complete the
 * masked number.
 *
 * No SQL, no HTTP: tests/unit/test_applications.c tests them directly.
 */
#include "applications/applications_int.h"

#include "calendar/calendar.h"
#include "core/util.h"
#include "org/org.h"
#include "pii/pii.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const field_types[] = { "text",   "textarea", "number",   "date",
					   "select", "phone",	 "id_number" };

int app_in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(s, list[i]))
			return (int)i;
	return -1;
}

int form_key_valid(const char *s)
{
	if (!s || !*s || strlen(s) > 40)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

/* ---- the catalogue -------------------------------------------------------- */

/* Text of 1 (0 when may_be_empty) to 100 characters? */
static int short_text(json_t *s, int may_be_empty)
{
	return json_is_string(s) && (may_be_empty || json_string_length(s)) &&
	       utf8_chars(json_string_value(s), json_string_length(s)) <= 100;
}

/* Check field i of a form (the keys before it are checked already). */
static int field_check(json_t *form, size_t i, json_t *f, const char **why)
{
	const char *key = json_string_value(json_object_get(f, "key"));
	const char *type = json_string_value(json_object_get(f, "type"));
	json_t *opts = json_object_get(f, "options"), *o;
	json_t *label_en = json_object_get(f, "label_en"), *integer = json_object_get(f, "integer");
	json_t *req = json_object_get(f, "required"), *ml = json_object_get(f, "maxlength");
	json_t *mn = json_object_get(f, "min"), *mx = json_object_get(f, "max");
	size_t j;

	if (!json_is_object(f) || !form_key_valid(key) ||
	    !short_text(json_object_get(f, "label"), 0) ||
	    app_in_list(type, field_types, sizeof field_types / sizeof *field_types) < 0) {
		*why = "each field has a key (a-z, 0-9, _), a label (1 to 100 characters) and "
		       "a type: text, textarea, number, date, select, phone or id_number";
		return -1;
	}
	if (label_en && !short_text(label_en, 1)) {
		*why = "label_en is text of at most 100 characters";
		return -1;
	}
	if (integer && (!json_is_boolean(integer) || strcmp(type, "number"))) {
		*why = "integer is true or false, on a number field";
		return -1;
	}
	for (j = 0; j < i; j++)
		if (!strcmp(key,
			    json_string_value(json_object_get(json_array_get(form, j), "key")))) {
			*why = "field keys are unique";
			return -1;
		}
	if (!strcmp(type, "select")) {
		if (!json_is_array(opts) || !json_array_size(opts) || json_array_size(opts) > 50) {
			*why = "a select field lists 1 to 50 options";
			return -1;
		}
		json_array_foreach(opts, j, o)
		{
			if (!short_text(o, 0)) {
				*why = "options are texts of 1 to 100 characters";
				return -1;
			}
		}
	}
	if ((req && !json_is_boolean(req)) ||
	    (ml && (!json_is_integer(ml) || json_integer_value(ml) < 1 ||
		    json_integer_value(ml) > 5000)) ||
	    (mn && !json_is_number(mn)) || (mx && !json_is_number(mx)) ||
	    (mn && mx && json_number_value(mn) > json_number_value(mx))) {
		*why = "required is true or false, maxlength 1 to 5000, min not above max";
		return -1;
	}
	return 0;
}

/* Check material i of a list. */
static int material_check(json_t *list, size_t i, json_t *x, const char **why)
{
	json_t *req = json_object_get(x, "required");

	if (!json_is_object(x) || !short_text(json_object_get(x, "name"), 0) ||
	    (req && !json_is_boolean(req))) {
		*why = "each material has a name and required true or false";
		return -1;
	}
	return 0;
}

/* A list of at most max entries, each passing check; too_long: why when it is not. */
static int list_check(json_t *list, size_t max, const char *too_long,
		      int (*check)(json_t *list, size_t i, json_t *x, const char **why),
		      const char **why)
{
	size_t i;
	json_t *x;

	if (!json_is_array(list) || json_array_size(list) > max) {
		*why = too_long;
		return -1;
	}
	json_array_foreach(list, i, x)
	{
		if (check(list, i, x, why))
			return -1;
	}
	return 0;
}

int form_check(json_t *form, const char **why)
{
	return list_check(form, 40, "a list of at most 40 fields", field_check, why);
}

int materials_check(json_t *m, const char **why)
{
	return list_check(m, 30, "a list of at most 30 materials", material_check, why);
}

/* ---- answers ------------------------------------------------------------- */

/* Is s a real calendar date "YYYY-MM-DD", from 1900 on? */
static int valid_date(const char *s)
{
	int64_t day;

	/* once it parses, the text compares in date order */
	return !cal_day_parse(s, &day) && strcmp(s, "1900-01-01") >= 0;
}

static int refuse(struct form_error *err, const char *key, const char *why)
{
	err->key = key;
	snprintf(err->why, sizeof err->why, "%s", why);
	return -1;
}

/* A number answer a for field f: within min and max, whole if the field says so. */
static int number_answer(json_t *f, json_t *a, struct form_error *err, const char *k)
{
	json_t *mn = json_object_get(f, "min"), *mx = json_object_get(f, "max");

	if (!json_is_number(a) || (mn && json_number_value(a) < json_number_value(mn)) ||
	    (mx && json_number_value(a) > json_number_value(mx)))
		return refuse(err, k, "a number within the field's range");
	/* 3.0 is a whole number in JSON too; 2.5 is not */
	if (json_is_true(json_object_get(f, "integer")) && json_is_real(a) &&
	    json_real_value(a) != floor(json_real_value(a)))
		return refuse(err, k, "a whole number");
	return 0;
}

/* A text answer s of field f of type `type`: the value to store (new), or NULL and err. */
static json_t *text_answer(json_t *f, const char *type, const char *s, struct form_error *err,
			   const char *k)
{
	if (!strcmp(type, "text") || !strcmp(type, "textarea")) {
		json_t *ml = json_object_get(f, "maxlength");
		size_t max = ml			     ? (size_t)json_integer_value(ml)
			     : !strcmp(type, "text") ? 200
						     : 2000;
		if (utf8_chars(s, strlen(s)) > max) {
			err->key = k;
			snprintf(err->why, sizeof err->why, "at most %zu characters", max);
			return NULL;
		}
	} else if (!strcmp(type, "date")) {
		if (!valid_date(s))
			return refuse(err, k, "a date YYYY-MM-DD"), NULL;
	} else if (!strcmp(type, "select")) {
		int ok = 0;
		json_t *o;
		size_t j;
		json_array_foreach(json_object_get(f, "options"), j, o) ok |=
			!strcmp(s, json_string_value(o));
		if (!ok)
			return refuse(err, k, "one of the field's options"), NULL;
	} else if (!strcmp(type, "phone")) {
		char norm[24];
		if (pii_phone_normalize(s, norm))
			return refuse(err, k, "a mainland mobile or landline number"), NULL;
		return json_string(norm);
	} else { /* id_number */
		char norm[19];
		if (pii_id_normalize(s, norm))
			return refuse(err, k, "an 18-character ID number"), NULL;
		return json_string(norm);
	}
	return json_string(s);
}

int form_answers(json_t *form, json_t *answers, json_t **out, struct form_error *err)
{
	const char *key;
	json_t *v, *f;
	size_t i;

	*out = NULL;
	if (!json_is_object(answers))
		return refuse(err, NULL, "an object of answers by field key");
	json_object_foreach(answers, key, v)
	{
		int known = 0;
		json_array_foreach(form, i, f) known |=
			!strcmp(key, json_string_value(json_object_get(f, "key")));
		if (!known)
			return refuse(err, key, "not a field of this form");
	}
	*out = json_object();
	json_array_foreach(form, i, f)
	{
		const char *k = json_string_value(json_object_get(f, "key"));
		const char *type = json_string_value(json_object_get(f, "type"));
		json_t *a = json_object_get(answers, k), *stored;
		const char *s = json_string_value(a);

		if (!a || json_is_null(a) || (s && !*s)) {
			if (!json_is_true(json_object_get(f, "required")))
				continue;
			refuse(err, k, "required");
			goto bad;
		}
		if (!strcmp(type, "number")) {
			if (number_answer(f, a, err, k))
				goto bad;
			json_object_set(*out, k, a);
			continue;
		}
		if (!s) {
			refuse(err, k, "text");
			goto bad;
		}
		if (!(stored = text_answer(f, type, s, err, k)))
			goto bad;
		json_object_set_new(*out, k, stored);
	}
	return 0;
bad:
	json_decref(*out);
	*out = NULL;
	return -1;
}

/* The type of the form field named key, "" if there is none. */
static const char *field_type(json_t *fields, const char *key)
{
	size_t i;
	json_t *f;

	json_array_foreach(fields, i, f)
	{
		const char *k = json_string_value(json_object_get(f, "key")),
			   *t = json_string_value(json_object_get(f, "type"));
		if (k && t && !strcmp(k, key))
			return t;
	}
	return "";
}

int form_mask(json_t *answers, json_t *fields)
{
	char births[8][11], norm[19], m[24];
	int nb = 0, masked = 0;
	const char *key;
	json_t *v;

	if (!json_is_object(answers))
		return 0;
	json_object_foreach(answers, key, v)
	{
		const char *s = json_string_value(v), *type = field_type(fields, key);
		if (!s)
			continue;
		if (pii_id_normalize(s, norm) == 0) {
			if (nb < 8)
				pii_id_birth_date(norm, births[nb++]);
			pii_mask(PII_ID_NUMBER, norm, m);
		} else if (!strcmp(type, "id_number")) {
			snprintf(m, sizeof m, "****");
		} else if (!strcmp(type, "phone")) {
			pii_mask(PII_PHONE, s, m);
		} else {
			continue;
		}
		json_object_set_new(answers, key, json_string(m));
		masked = 1;
	}
	json_object_foreach(answers, key, v)
	{
		const char *s = json_string_value(v);
		for (int b = 0; s && b < nb; b++)
			if (!strcmp(s, births[b])) {
				snprintf(m, sizeof m, "%.7s-**", s);
				json_object_set_new(answers, key, json_string(m));
				masked = 1;
				break;
			}
	}
	sodium_memzero(births, sizeof births);
	sodium_memzero(norm, sizeof norm);
	return masked;
}

/* ---- the handling unit ----------------------------------------------------- */

int handling_unit(const char *path, const char *level, int64_t *unit, char out[256])
{
	int depth = !strcmp(level, "district") ? 0 : !strcmp(level, "street") ? 1 : 2;
	int64_t id = org_path_ancestor(path, depth, out, 256);

	if (!id)
		return -1;
	*unit = id;
	return 0;
}
