/*
 * attach.h — photo attachments: upload, metadata stripping, content-addressed
 * storage and download.
 *
 *   POST /api/v1/attachments       raw JPEG, PNG or WebP body → 201 {id, mime, size, width,
 *                                  height, url}; anonymous callers allowed
 *   GET  /api/v1/attachments/:id   the stored bytes (the 256-bit id is the capability)
 *
 * The type is read from the bytes, never from Content-Type. Metadata that can
 * carry a location, a device or a name (EXIF, XMP, comments, text chunks) is
 * removed before the bytes are hashed and stored, so the id is the SHA-256 of
 * exactly what is served. Files live at DATA/attachments/<id[0..2]>/<id>.
 *
 * The pure functions below parse and rewrite image containers without any I/O;
 * the unit tests drive them directly. Each writes at most n bytes to out (the
 * stripped image is never larger than the input) and returns 0, or
 * ATTACH_EMALFORMED for a truncated or inconsistent file.
 */
#ifndef SHUNIU_ATTACH_ATTACH_H
#define SHUNIU_ATTACH_ATTACH_H

#include <jansson.h>
#include <stddef.h>

#include "http/router.h"

struct db_conn;
struct req;

enum attach_type { ATTACH_UNKNOWN = 0, ATTACH_JPEG = 1, ATTACH_PNG = 2, ATTACH_WEBP = 3 };

#define ATTACH_EMALFORMED (-1)
#define ATTACH_ID_LEN	  64 /* hex characters of a SHA-256 */
#define ATTACH_MIME_MAX	  16 /* bytes attach_exists() may write, NUL included */

extern const struct route attach_routes[];

/* Does attachment id exist? 1 yes, 0 no, <0 db error. Fills mime (>= 16 bytes) when not NULL. */
int attach_exists(struct db_conn *c, const char *id, char *mime);
/*
 * Validate a JSON array of attachment ids (max `max` items, each existing, none
 * twice): 0 ok, -1 answered (400 naming field, or 503 on a database error).
 * arr NULL (the field is absent) is valid.
 */
int attach_ids_or_reply(struct req *req, struct db_conn *c, json_t *arr, const char *field,
			size_t max);

/* Is s exactly 64 lowercase hex digits? */
int attach_id_valid(const char *s);

/* Type from the magic numbers; *mime gets "image/jpeg" etc. (NULL when unknown). */
int attach_sniff(const unsigned char *p, size_t n, const char **mime);

/*
 * JPEG: drop APP1..APP13, APP15 and COM segments (APP0 JFIF and APP14 Adobe
 * stay), copy the other segments and all entropy-coded data verbatim, stop at
 * EOI (whatever follows it, such as MPF secondary images, is dropped). Width and
 * height come from the SOFn frame header.
 */
int attach_strip_jpeg(const unsigned char *in, size_t n, unsigned char *out, size_t *outn, int *w,
		      int *h);
/* PNG: drop eXIf, tEXt, zTXt and iTXt chunks; CRCs are checked; width and height from IHDR. */
int attach_strip_png(const unsigned char *in, size_t n, unsigned char *out, size_t *outn, int *w,
		     int *h);
/* WebP: drop EXIF and XMP chunks (clearing their VP8X flags); size from VP8, VP8L or VP8X. */
int attach_strip_webp(const unsigned char *in, size_t n, unsigned char *out, size_t *outn, int *w,
		      int *h);
/* The one of the three that fits type. */
int attach_strip(int type, const unsigned char *in, size_t n, unsigned char *out, size_t *outn,
		 int *w, int *h);

#endif
