/*
 * errors.c — lookup tables generated from errors.def.
 */
#include "core/errors.h"

#include <string.h>

static const struct {
	const char *code;
	int status;
	const char *message;
} registry[ERR__COUNT] = {
	[ERR_NONE] = { "none", 200, "" },
#define E(id, c, s, m) [ERR_##id] = { c, s, m },
#include "core/errors.def"
#undef E
};

static enum err_id clamp(enum err_id e)
{
	return (e > ERR_NONE && e < ERR__COUNT) ? e : ERR_INTERNAL;
}

const char *err_code(enum err_id e)
{
	return registry[clamp(e)].code;
}

int err_status(enum err_id e)
{
	return registry[clamp(e)].status;
}

const char *err_message(enum err_id e)
{
	return registry[clamp(e)].message;
}

enum err_id err_by_code(const char *code)
{
	for (int i = 1; i < ERR__COUNT; i++)
		if (strcmp(registry[i].code, code) == 0)
			return (enum err_id)i;
	return ERR_NONE;
}
