/*
 * station_qr.c — GET /api/v1/stations/:id/qr.svg: a station's QR code.
 *
 * The code holds the station's public link, BASE/s/<public code>, where BASE
 * is the configured public_url (the address residents reach the server by)
 * or, when that is empty, http://<Host of this request>. libqrencode makes
 * the module matrix (error correction level M, enough for a sticker that
 * gets scratched); the SVG draws the dark modules as one path inside a
 * four-module quiet zone, with the station's name and link printed below so
 * a printed sheet can be checked by eye. Scoped like the other station
 * routes: a station outside the account's subtree is 404.
 */
#include "org/org.h"
#include "org/org_int.h"

#include "core/util.h"
#include "db/store.h"
#include "http/request.h"
#include "http/server.h"

#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUIET	   4
#define MODULE_PX  8
#define CAPTION_PX 56

/* Append s with XML's five special characters escaped. */
static void xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* Rough width of s in ems: CJK and other wide characters 1, ASCII 0.6. */
static double text_ems(const char *s)
{
	double w = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x80)
			w += 0.6;
		else if ((*p & 0xC0) != 0x80)
			w += 1.0;
	return w;
}

/* A <text> line centred at x, shrunk to fit `room` modules when it would not. */
static void caption_line(FILE *f, int x, int y, double size, const char *family, int room,
			 const char *text)
{
	fprintf(f,
		"<text x=\"%d\" y=\"%d\" font-size=\"%.1f\" text-anchor=\"middle\" "
		"font-family=\"%s\"",
		x, y, size, family);
	if (text_ems(text) * size > room)
		fprintf(f, " textLength=\"%d\" lengthAdjust=\"spacingAndGlyphs\"", room);
	fputc('>', f);
	xml_text(f, text);
	fputs("</text>\n", f);
}

static char *station_qr_svg(const char *link, const char *caption, size_t *len)
{
	QRcode *qr = QRcode_encodeString(link, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	char *buf = NULL;
	size_t n = 0;
	FILE *f;

	if (!qr)
		return NULL;
	f = open_memstream(&buf, &n);
	if (!f) {
		QRcode_free(qr);
		return NULL;
	}
	int side = (qr->width + 2 * QUIET) * MODULE_PX;
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">\n<title>",
		side, side + CAPTION_PX, qr->width + 2 * QUIET,
		qr->width + 2 * QUIET + CAPTION_PX / MODULE_PX);
	xml_text(f, caption);
	fputs("</title>\n<desc>", f);
	xml_text(f, link);
	fprintf(f, "</desc>\n<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n<path d=\"");
	for (int y = 0; y < qr->width; y++)
		for (int x = 0; x < qr->width; x++)
			if (qr->data[y * qr->width + x] & 1)
				fprintf(f, "M%d %dh1v1h-1z", x + QUIET, y + QUIET);
	fprintf(f, "\" fill=\"#000\"/>\n");
	/* Two caption lines under the code, in module units (8 px each). */
	int mid = (qr->width + 2 * QUIET) / 2, base = qr->width + 2 * QUIET;
	caption_line(f, mid, base + 2, 2.6, "sans-serif", qr->width + QUIET, caption);
	caption_line(f, mid, base + 5, 1.8, "monospace", qr->width + QUIET, link);
	fputs("</svg>\n", f);
	QRcode_free(qr);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static const char *public_link_base(struct req *req)
{
	const char *host = req_header(req, "Host");
	const char *cfg = req->srv->cfg->public_url;

	if (cfg[0])
		return cfg;
	if (host && *host && strlen(host) < 256 &&
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") ==
		    strlen(host))
		return arena_printf(&req->arena, "http://%s", host);
	return arena_printf(&req->arena, "http://localhost:%d", req->srv->port);
}

void reply_public_qr(struct req *req, const char *kind, const char *code, const char *caption)
{
	size_t len;
	char *svg = station_qr_svg(
		arena_printf(&req->arena, "%s/%s/%s", public_link_base(req), kind, code), caption,
		&len);

	if (!svg) {
		reply_error(req, ERR_INTERNAL);
		return;
	}
	reply_bytes(req, 200, "image/svg+xml; charset=utf-8", svg, len);
	free(svg);
}

static void station_qr(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct station_ref s;
	int64_t id;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    station_in_scope_or_reply(req, c, id, &s))
		return;
	reply_public_qr(req, "s", s.code, s.name);
}

const struct route station_qr_routes[] = {
	{ "GET", "/api/v1/stations/:id/qr.svg", station_qr, R_AUTH, "org:read", 0 },
	{ 0 },
};
