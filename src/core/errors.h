/*
 * errors.h — the error registry generated from errors.def.
 *
 * Code that fails for a reason the client should know returns -ERR_<ID> (or
 * passes ERR_<ID> to reply_error()); the HTTP layer maps it to the status and
 * the {"error":{"code","message"}} body.
 */
#ifndef SHUNIU_CORE_ERRORS_H
#define SHUNIU_CORE_ERRORS_H

enum err_id {
	ERR_NONE = 0,
#define E(id, code, status, msg) ERR_##id,
#include "core/errors.def"
#undef E
	ERR__COUNT
};

const char *err_code(enum err_id e);	/* "request.bad_json" */
int err_status(enum err_id e);		/* 400 */
const char *err_message(enum err_id e); /* English message */
/* Look a dotted code up; ERR_NONE if unknown. */
enum err_id err_by_code(const char *code);

#endif
