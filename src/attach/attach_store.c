/*
 * attach_store.c — every SQL statement about attachments: the row that
 * records a stored file (its bytes live on disk, attach.c).
 */
#include "attach/attach.h"
#include "attach/attach_int.h"

#include "core/clock.h"
#include "db/store.h"

#include <string.h>

int attach_exists(struct db_conn *c, const char *id, char *mime)
{
	struct db_stmt *st;
	int rc = db_prepare(c, "SELECT mime FROM attachments WHERE id = ?", &st);

	if (rc < 0)
		return rc;
	rc = db_bind_text(st, 1, id, -1);
	if (rc == 0)
		rc = db_step(st);
	if (rc == DB_ROW && mime) {
		const char *m = db_col_text(st, 0);
		size_t k = m ? strnlen(m, ATTACH_MIME_MAX - 1) : 0;
		memcpy(mime, m ? m : "", k);
		mime[k] = '\0';
	}
	db_reset(st);
	if (rc == DB_ROW)
		return 1;
	if (rc == DB_DONE)
		return 0;
	return rc < 0 ? rc : DB_ERR;
}

int attach_store_insert(struct db_conn *c, const char *id, const char *mime, size_t size, int w,
			int h, int64_t uploader)
{
	return db_run(c,
		      "INSERT INTO attachments (id, mime, size, width, height, uploader_id, "
		      "created_at) VALUES (?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?) "
		      "ON CONFLICT (id) DO NOTHING",
		      "ttiiiii", id, mime, (int64_t)size, (int64_t)w, (int64_t)h, uploader,
		      clock_now());
}
