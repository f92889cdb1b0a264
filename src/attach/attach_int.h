/*
 * attach_int.h — what the files of src/attach/ share: the store's insert
 * (attach_store.c) that the upload handler (attach.c) calls. Nothing outside
 * src/attach/ includes it.
 */
#ifndef SHUNIU_ATTACH_ATTACH_INT_H
#define SHUNIU_ATTACH_ATTACH_INT_H

#include <stddef.h>
#include <stdint.h>

struct db_conn;

/* The row of a stored file (uploader 0: none); an existing id is kept. 0 or <0. */
int attach_store_insert(struct db_conn *c, const char *id, const char *mime, size_t size, int w,
			int h, int64_t uploader);

#endif
