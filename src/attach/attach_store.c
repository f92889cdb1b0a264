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
	char m[ATTACH_MIME_MAX];
	int rc = db_text(c, m, sizeof m, "SELECT mime FROM attachments WHERE id = ?", "t", id);

	if (rc == DB_ROW && mime)
		memcpy(mime, m, strlen(m) + 1);
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
