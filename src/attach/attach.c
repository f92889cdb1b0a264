/*
 * attach.c — photo attachments; see attach.h.
 *
 * An upload goes through four steps, each of which can refuse it:
 *
 *   1. limits: an empty body is 400, one above attachment_limit 413 (the route
 *      itself takes up to 64 MiB so the limit can be configured);
 *   2. sniffing: JPEG, PNG or WebP by their magic numbers, anything else 415;
 *   3. stripping: the container is parsed completely and rewritten without its
 *      metadata segments/chunks; a file that does not parse (truncated, lengths
 *      running past the end, no image data) is 400 rather than stored;
 *   4. storing: SHA-256 of the stripped bytes names the file. It is written to
 *      a temporary name in its final directory, fsynced, renamed and the
 *      directory fsynced, so after a crash a final name always holds a whole
 *      file. The row is inserted afterwards with ON CONFLICT DO NOTHING: the
 *      same photo uploaded twice is one file, one row and the same id. A crash
 *      between the two leaves an unreferenced file, never a row without one.
 *
 * Parsers never read outside [in, in + n) and write only what they have read,
 * so the output buffer needs no more room than the input.
 */
#include "attach/attach.h"
#include "attach/attach_int.h"

#include "auth/auth.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/log.h"
#include "core/util.h"
#include "db/store.h"
#include "http/request.h"
#include "http/server.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ATTACH_ROUTE_LIMIT (64L << 20) /* the route's body limit; attachment_limit is below */
#define ATTACH_CACHE	   "private, max-age=31536000, immutable"

/* ---- byte helpers -------------------------------------------------------- */

static uint32_t be16(const unsigned char *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[1] << 8 | p[0];
}

static uint32_t le24(const unsigned char *p)
{
	return (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* ---- sniffing -------------------------------------------------------------- */

static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A };

int attach_sniff(const unsigned char *p, size_t n, const char **mime)
{
	int type = ATTACH_UNKNOWN;

	if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		type = ATTACH_JPEG;
	else if (n >= 16 && !memcmp(p, png_sig, 8) && !memcmp(p + 12, "IHDR", 4))
		type = ATTACH_PNG;
	else if (n >= 12 && !memcmp(p, "RIFF", 4) && !memcmp(p + 8, "WEBP", 4))
		type = ATTACH_WEBP;
	if (mime)
		*mime = type == ATTACH_JPEG   ? "image/jpeg"
			: type == ATTACH_PNG  ? "image/png"
			: type == ATTACH_WEBP ? "image/webp"
					      : NULL;
	return type;
}

int attach_id_valid(const char *s)
{
	size_t i;

	if (!s)
		return 0;
	for (i = 0; i < ATTACH_ID_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[i] == '\0';
}

/* ---- JPEG ------------------------------------------------------------------ */

/* SOF0..SOF15: C0..CF except DHT (C4), JPG (C8) and DAC (CC). */
static int jpeg_is_sof(unsigned m)
{
	return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

/* Segments that stay: everything but COM and APP1..APP15, except APP14 (Adobe). */
static int jpeg_keeps(unsigned m)
{
	if (m == 0xFE)
		return 0;
	if (m >= 0xE1 && m <= 0xEF)
		return m == 0xEE;
	return 1;
}

/*
 * Entropy-coded data runs from i until a marker other than a stuffed 0xFF00 or
 * a restart RST0..7; returns the index of that marker's 0xFF (fill bytes before
 * it stay in the data), or n when the input ends first.
 */
static size_t jpeg_scan_end(const unsigned char *p, size_t i, size_t n)
{
	while (i < n) {
		const unsigned char *ff = memchr(p + i, 0xFF, n - i);
		unsigned m;

		if (!ff || (size_t)(ff - p) + 1 >= n)
			return n;
		i = (size_t)(ff - p);
		m = p[i + 1];
		if (m == 0x00 || (m >= 0xD0 && m <= 0xD7))
			i += 2;
		else if (m == 0xFF)
			i += 1;
		else
			return i;
	}
	return n;
}

int attach_strip_jpeg(const unsigned char *in, size_t n, unsigned char *out, size_t *outn, int *w,
		      int *h)
{
	size_t i = 2, o = 2;
	int width = 0, height = 0, scans = 0;

	if (n < 4 || in[0] != 0xFF || in[1] != 0xD8)
		return ATTACH_EMALFORMED;
	out[0] = 0xFF;
	out[1] = 0xD8;
	for (;;) {
		const unsigned char *seg;
		size_t len;
		unsigned m;

		if (i >= n || in[i] != 0xFF)
			return ATTACH_EMALFORMED; /* truncated, or junk where a marker belongs */
		while (i < n && in[i] == 0xFF)
			i++; /* fill bytes */
		if (i >= n)
			return ATTACH_EMALFORMED;
		m = in[i++];
		if (m == 0xD9) { /* EOI: an image needs a frame and a scan first */
			if (!scans)
				return ATTACH_EMALFORMED;
			out[o++] = 0xFF;
			out[o++] = 0xD9;
			break;
		}
		/* stuffing, SOI again, RSTn outside a scan, TEM and reserved markers */
		if (m < 0xC0 || (m >= 0xD0 && m <= 0xD8))
			return ATTACH_EMALFORMED;
		if (n - i < 2)
			return ATTACH_EMALFORMED;
		seg = in + i;
		len = be16(seg);
		if (len < 2 || len > n - i)
			return ATTACH_EMALFORMED;
		if (jpeg_is_sof(m)) {
			if (width || len < 8 || seg[7] == 0 || len != 8 + 3 * (size_t)seg[7])
				return ATTACH_EMALFORMED;
			height = (int)be16(seg + 3);
			width = (int)be16(seg + 5);
			if (!width || !height) /* height 0 (set later by DNL) is not accepted */
				return ATTACH_EMALFORMED;
		} else if (m == 0xDA) {
			if (!width || len < 6 || seg[2] < 1 || seg[2] > 4 ||
			    len != 6 + 2 * (size_t)seg[2])
				return ATTACH_EMALFORMED;
		}
		if (jpeg_keeps(m)) {
			out[o++] = 0xFF;
			out[o++] = (unsigned char)m;
			memcpy(out + o, seg, len);
			o += len;
		}
		i += len;
		if (m == 0xDA) {
			size_t end = jpeg_scan_end(in, i, n);
			if (end >= n)
				return ATTACH_EMALFORMED; /* the scan never ends: truncated */
			memcpy(out + o, in + i, end - i);
			o += end - i;
			i = end;
			scans++;
		}
	}
	*outn = o;
	*w = width;
	*h = height;
	return 0;
}

/* ---- PNG ------------------------------------------------------------------- */

/* CRC-32 (ISO 3309, as PNG uses it), four bits at a time from a constant table. */
static uint32_t crc32_png(const unsigned char *p, size_t n)
{
	static const uint32_t t[16] = {
		0x00000000, 0x1DB71064, 0x3B6E20C8, 0x26D930AC, 0x76DC4190, 0x6B6B51F4,
		0x4DB26158, 0x5005713C, 0xEDB88320, 0xF00F9344, 0xD6D6A3E8, 0xCB61B38C,
		0x9B64C2B0, 0x86D3D2D4, 0xA00AE278, 0xBDBDF21C,
	};
	uint32_t c = 0xFFFFFFFFu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		c = (c >> 4) ^ t[c & 15];
		c = (c >> 4) ^ t[c & 15];
	}
	return c ^ 0xFFFFFFFFu;
}

static int png_type_ok(const unsigned char *t)
{
	for (int k = 0; k < 4; k++)
		if (!((t[k] >= 'A' && t[k] <= 'Z') || (t[k] >= 'a' && t[k] <= 'z')))
			return 0;
	return 1;
}

static int png_drops(const unsigned char *t)
{
	return !memcmp(t, "eXIf", 4) || !memcmp(t, "tEXt", 4) || !memcmp(t, "zTXt", 4) ||
	       !memcmp(t, "iTXt", 4);
}

int attach_strip_png(const unsigned char *in, size_t n, unsigned char *out, size_t *outn, int *w,
		     int *h)
{
	size_t i = 8, o = 8;
	uint32_t width = 0, height = 0;
	int idat = 0;

	if (n < 8 || memcmp(in, png_sig, 8))
		return ATTACH_EMALFORMED;
	memcpy(out, in, 8);
	for (;;) {
		const unsigned char *type;
		uint32_t len;

		if (n - i < 12)
			return ATTACH_EMALFORMED; /* no IEND: truncated */
		len = be32(in + i);
		type = in + i + 4;
		if (len > 0x7FFFFFFFu || len > n - i - 12 || !png_type_ok(type) ||
		    crc32_png(type, 4 + (size_t)len) != be32(in + i + 8 + len))
			return ATTACH_EMALFORMED;
		if (i == 8) {
			if (memcmp(type, "IHDR", 4) || len != 13)
				return ATTACH_EMALFORMED;
			width = be32(in + i + 8);
			height = be32(in + i + 12);
			if (!width || !height || width > 0x7FFFFFFFu || height > 0x7FFFFFFFu)
				return ATTACH_EMALFORMED;
		} else if (!memcmp(type, "IHDR", 4)) {
			return ATTACH_EMALFORMED;
		}
		if (!memcmp(type, "IDAT", 4))
			idat = 1;
		if (!png_drops(type)) {
			memcpy(out + o, in + i, 12 + (size_t)len);
			o += 12 + (size_t)len;
		}
		i += 12 + (size_t)len;
		if (!memcmp(type, "IEND", 4))
			break; /* whatever follows IEND is not part of the image */
	}
	if (!idat)
		return ATTACH_EMALFORMED;
	*outn = o;
	*w = (int)width;
	*h = (int)height;
	return 0;
}

/* ---- WebP ------------------------------------------------------------------ */

#define VP8X_FLAG_EXIF 0x08
#define VP8X_FLAG_XMP  0x04

/* Size from the first chunk (VP8X canvas, or a simple VP8/VP8L bitstream). */
static int webp_first_chunk(const unsigned char *fourcc, const unsigned char *d, size_t len, int *w,
			    int *h, int *image)
{
	if (!memcmp(fourcc, "VP8X", 4)) {
		if (len < 10)
			return ATTACH_EMALFORMED;
		*w = (int)le24(d + 4) + 1;
		*h = (int)le24(d + 7) + 1;
		return 0;
	}
	if (!memcmp(fourcc, "VP8 ", 4)) {
		/* frame tag (key frame: bit 0 clear), start code 9D 01 2A, 14-bit sizes */
		if (len < 10 || (d[0] & 1) || d[3] != 0x9D || d[4] != 0x01 || d[5] != 0x2A)
			return ATTACH_EMALFORMED;
		*w = (int)(le16(d + 6) & 0x3FFF);
		*h = (int)(le16(d + 8) & 0x3FFF);
		*image = 1;
		return *w && *h ? 0 : ATTACH_EMALFORMED;
	}
	if (!memcmp(fourcc, "VP8L", 4)) {
		uint32_t bits;
		if (len < 5 || d[0] != 0x2F)
			return ATTACH_EMALFORMED;
		bits = le32(d + 1);
		*w = (int)(bits & 0x3FFF) + 1;
		*h = (int)((bits >> 14) & 0x3FFF) + 1;
		*image = 1;
		return 0;
	}
	return ATTACH_EMALFORMED;
}

int attach_strip_webp(const unsigned char *in, size_t n, unsigned char *out, size_t *outn, int *w,
		      int *h)
{
	size_t i = 12, o = 12, end, flags_at = 0;
	int width = 0, height = 0, image = 0;
	uint32_t riff;

	if (n < 12 || memcmp(in, "RIFF", 4) || memcmp(in + 8, "WEBP", 4))
		return ATTACH_EMALFORMED;
	riff = le32(in + 4);
	if (riff < 4 + 8 || riff > n - 8)
		return ATTACH_EMALFORMED;
	end = 8 + (size_t)riff; /* bytes after the RIFF container are not stored */
	memcpy(out, in, 12);
	while (i < end) {
		const unsigned char *fourcc = in + i;
		size_t len, padded;

		if (end - i < 8)
			return ATTACH_EMALFORMED;
		len = le32(in + i + 4);
		padded = len + (len & 1);
		if (padded > end - i - 8)
			return ATTACH_EMALFORMED;
		if (i == 12) {
			if (webp_first_chunk(fourcc, in + i + 8, len, &width, &height, &image))
				return ATTACH_EMALFORMED;
			if (!memcmp(fourcc, "VP8X", 4))
				flags_at = o + 8;
		} else if (!memcmp(fourcc, "VP8X", 4)) {
			return ATTACH_EMALFORMED;
		} else if (!memcmp(fourcc, "VP8 ", 4) || !memcmp(fourcc, "VP8L", 4) ||
			   !memcmp(fourcc, "ANMF", 4)) {
			image = 1;
		}
		if (memcmp(fourcc, "EXIF", 4) && memcmp(fourcc, "XMP ", 4)) {
			memcpy(out + o, in + i, 8 + padded);
			o += 8 + padded;
		}
		i += 8 + padded;
	}
	if (!image)
		return ATTACH_EMALFORMED;
	if (flags_at)
		out[flags_at] &= (unsigned char)~(VP8X_FLAG_EXIF | VP8X_FLAG_XMP);
	put_le32(out + 4, (uint32_t)(o - 8));
	*outn = o;
	*w = width;
	*h = height;
	return 0;
}

int attach_strip(int type, const unsigned char *in, size_t n, unsigned char *out, size_t *outn,
		 int *w, int *h)
{
	switch (type) {
	case ATTACH_JPEG: return attach_strip_jpeg(in, n, out, outn, w, h);
	case ATTACH_PNG: return attach_strip_png(in, n, out, outn, w, h);
	case ATTACH_WEBP: return attach_strip_webp(in, n, out, outn, w, h);
	default: return ATTACH_EMALFORMED;
	}
}

/* ---- files ------------------------------------------------------------------ */

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	if (close(fd) < 0)
		rc = -1;
	return rc;
}

/* mkdir dir inside parent; when it is new, make its name durable too. */
static int mkdir_durable(const char *parent, const char *dir)
{
	if (mkdir(dir, 0750) == 0)
		return fsync_dir(parent);
	return errno == EEXIST ? 0 : -1;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t r = write(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* DATA/attachments/<id[0..2]>/<id>, with its directory in dir when not NULL. */
static int attach_path(const char *data_dir, const char *id, char *dir, char *path)
{
	char d[PATH_MAX];
	int k = snprintf(d, sizeof d, "%s/attachments/%.2s", data_dir, id);

	if (k < 0 || (size_t)k >= sizeof d)
		return -1;
	if (dir)
		memcpy(dir, d, (size_t)k + 1);
	k = snprintf(path, PATH_MAX, "%s/%s", d, id);
	return k < 0 || k >= PATH_MAX ? -1 : 0;
}

/* Store p under its id, atomically and durably. 0, or -1 with the reason logged. */
static int store_file(const char *data_dir, const char *id, const unsigned char *p, size_t n)
{
	char top[PATH_MAX], dir[PATH_MAX], path[PATH_MAX], tmp[PATH_MAX];
	int fd, k;

	if (path_join(top, sizeof top, data_dir, "attachments") < 0 ||
	    attach_path(data_dir, id, dir, path) < 0 ||
	    (k = snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, id)) < 0 ||
	    (size_t)k >= sizeof tmp) {
		log_error("attachment path under '%s' is too long", data_dir);
		return -1;
	}
	if (mkdir_durable(data_dir, top) < 0 || mkdir_durable(top, dir) < 0) {
		log_error("cannot create '%s': %s", dir, strerror(errno));
		return -1;
	}
	if (access(path, F_OK) == 0)
		return 0; /* the same bytes are there already: only rename puts a file there */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		log_error("cannot create a file in '%s': %s", dir, strerror(errno));
		return -1;
	}
	if (write_all(fd, p, n) < 0 || fsync(fd) < 0) {
		log_error("cannot write '%s': %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		log_error("cannot store '%s': %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (fsync_dir(dir) < 0) {
		log_error("cannot sync '%s': %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

int attach_ids_or_reply(struct req *req, struct db_conn *c, json_t *arr, const char *field,
			size_t max)
{
	const char *why = arena_printf(&req->arena, "a list of up to %zu attachment ids", max);
	size_t i, j;
	json_t *v;

	if (!arr)
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > max) {
		reply_invalid(req, field, why);
		return -1;
	}
	json_array_foreach(arr, i, v)
	{
		const char *id = json_string_value(v);
		int rc;

		if (!attach_id_valid(id)) {
			reply_invalid(req, field, why);
			return -1;
		}
		for (j = 0; j < i; j++) {
			if (!strcmp(id, json_string_value(json_array_get(arr, j)))) {
				reply_invalid(req, field, "an attachment appears twice");
				return -1;
			}
		}
		rc = attach_exists(c, id, NULL);
		if (rc < 0) {
			reply_error(req, ERR_DB_UNAVAILABLE);
			return -1;
		}
		if (rc == 0) {
			reply_invalid(req, field,
				      arena_printf(&req->arena,
						   "no attachment '%s': upload it first", id));
			return -1;
		}
	}
	return 0;
}

/* ---- handlers ----------------------------------------------------------------- */

static void upload_attachment(struct req *req)
{
	const struct config *cfg = req->srv->cfg;
	const struct auth *a = req_auth(req);
	const unsigned char *body = (const unsigned char *)req->body;
	unsigned char hash[crypto_hash_sha256_BYTES], *out;
	char id[ATTACH_ID_LEN + 1];
	const char *mime;
	struct db_conn *c;
	size_t outn = 0;
	int type, w = 0, h = 0;

	if (req->body_len == 0) {
		reply_invalid(req, "body", "the photo's bytes: JPEG, PNG or WebP");
		return;
	}
	if ((int64_t)req->body_len > cfg->attachment_limit) {
		reply_error(req, ERR_TOO_LARGE);
		return;
	}
	type = attach_sniff(body, req->body_len, &mime);
	if (type == ATTACH_UNKNOWN) {
		reply_error_ex(req, ERR_UNSUPPORTED_MEDIA, "Photos must be JPEG, PNG or WebP.",
			       NULL);
		return;
	}
	out = arena_alloc(&req->arena, req->body_len);
	if (attach_strip(type, body, req->body_len, out, &outn, &w, &h) < 0) {
		reply_invalid(req, "body", "the photo is truncated or damaged");
		return;
	}
	if (!(c = req_db_or_reply(req)))
		return;
	crypto_hash_sha256(hash, out, outn);
	sodium_bin2hex(id, sizeof id, hash, sizeof hash);
	if (store_file(cfg->data_dir, id, out, outn) < 0) {
		reply_error(req, ERR_INTERNAL);
		return;
	}
	if (attach_store_insert(c, id, mime, outn, w, h, a ? a->account_id : 0) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, 201,
		   JB_OBJ(jb_str("id", id), jb_str("mime", mime), jb_int("size", outn),
			  jb_int("width", w), jb_int("height", h),
			  jb_str("url", arena_printf(&req->arena, "/api/v1/attachments/%s", id))));
}

static void get_attachment(struct req *req)
{
	const char *id = req_param(req, "id"), *inm = req_header(req, "If-None-Match");
	char mime[ATTACH_MIME_MAX], path[PATH_MAX], err[PATH_MAX + 64], *etag;
	struct db_conn *c;
	size_t len = 0;
	char *buf;
	int rc;

	if (!attach_id_valid(id)) {
		reply_error(req, ERR_NOT_FOUND);
		return;
	}
	if (!(c = req_db_or_reply(req)))
		return;
	rc = attach_exists(c, id, mime);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	if (rc == 0) {
		reply_error(req, ERR_NOT_FOUND);
		return;
	}
	/*
	 * The bytes behind an id never change, so they may be cached for good. The
	 * server adds "Cache-Control: no-store" to every answer that is not marked
	 * as carrying its own caching headers, as static files are; this one is.
	 */
	etag = arena_printf(&req->arena, "\"%s\"", id);
	if (inm && !strcmp(inm, etag)) {
		req->is_static = 1;
		reply_header(req, "Cache-Control", ATTACH_CACHE);
		reply_header(req, "ETag", etag);
		reply_empty(req, 304);
		return;
	}
	if (attach_path(req->srv->cfg->data_dir, id, NULL, path) < 0) {
		log_error("attachment %s: path under '%s' is too long", id,
			  req->srv->cfg->data_dir);
		reply_error(req, ERR_INTERNAL);
		return;
	}
	buf = read_file(path, (size_t)ATTACH_ROUTE_LIMIT, &len, err, sizeof err);
	if (!buf) {
		log_error("attachment %s has a row but no readable file: %s", id, err);
		reply_error(req, ERR_INTERNAL);
		return;
	}
	req->is_static = 1;
	reply_header(req, "Cache-Control", ATTACH_CACHE);
	reply_header(req, "ETag", etag);
	/* user content: never run as a document, even when opened directly */
	reply_header(req, "Content-Security-Policy", "default-src 'none'; sandbox");
	reply_bytes(req, 200, mime, buf, len);
	free(buf);
}

const struct route attach_routes[] = {
	{ "POST", "/api/v1/attachments", upload_attachment, R_RAW | R_AUTH_OPTIONAL, NULL,
	  ATTACH_ROUTE_LIMIT },
	{ "GET", "/api/v1/attachments/:id", get_attachment, R_AUTH_OPTIONAL, NULL, 0 },
	{ 0 },
};
