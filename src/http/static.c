/*
 * static.c — see static.h.
 *
 Containment: the request path is checked segment by segment (no ".", "..",
 * backslash or control character; libmicrohttpd has already decoded %2e), then
 * opened beneath the root's directory fd with openat2(RESOLVE_BENEATH), so the
 * kernel refuses any resolution — "..", absolute symlinks, symlinks pointing
 * out — that would leave the root. Only regular files are served.
 */
#include "http/static.h"

#include "core/util.h"
#include "http/request.h"
#include "http/server.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <limits.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
	const char *ext;
	const char *type;
} mime_types[] = {
	{ "html", "text/html; charset=utf-8" },
	{ "js", "text/javascript; charset=utf-8" },
	{ "mjs", "text/javascript; charset=utf-8" },
	{ "css", "text/css; charset=utf-8" },
	{ "json", "application/json; charset=utf-8" },
	{ "map", "application/json; charset=utf-8" },
	{ "webmanifest", "application/manifest+json" },
	{ "svg", "image/svg+xml" },
	{ "png", "image/png" },
	{ "jpg", "image/jpeg" },
	{ "jpeg", "image/jpeg" },
	{ "gif", "image/gif" },
	{ "webp", "image/webp" },
	{ "ico", "image/x-icon" },
	{ "woff", "font/woff" },
	{ "woff2", "font/woff2" },
	{ "ttf", "font/ttf" },
	{ "txt", "text/plain; charset=utf-8" },
	{ "xml", "application/xml" },
	{ "pdf", "application/pdf" },
	{ "wasm", "application/wasm" },
};

const char *static_mime(const char *name)
{
	const char *dot = strrchr(name, '.');
	const char *slash = strrchr(name, '/');

	if (dot && (!slash || dot > slash))
		for (size_t i = 0; i < sizeof mime_types / sizeof mime_types[0]; i++)
			if (!strcasecmp(dot + 1, mime_types[i].ext))
				return mime_types[i].type;
	return "application/octet-stream";
}

/*
 * Is every segment of the URL path a plain name? No segment may start with a
 * dot: besides "." and "..", that keeps out dotfiles and dot directories a
 * build or a deployment may leave in the web root (/.vite/manifest.json,
 * /.git/config).
 */
static int path_is_clean(const char *p)
{
	if (p[0] != '/')
		return 0;
	for (const char *s = p; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f || c == '\\')
			return 0;
		if (c == '/' && s[1] == '.')
			return 0;
	}
	return 1;
}

/* Built assets (content-hashed, cached for a year) live under an assets/ directory. */
static int is_asset_path(const char *p)
{
	return str_has_prefix(p, "/assets/") || strstr(p, "/assets/") != NULL;
}

struct found {
	int fd;
	struct stat st;
	char name[PATH_MAX]; /* resolved path, for the content type */
};

/*
 * Open rel ("/a/b.js", relative to the root) if it is a regular file inside the
 * root. openat2(RESOLVE_BENEATH) does the containment in the kernel in one
 * call — symlinks inside the root work, ones leading out fail with EXDEV. On
 * kernels without openat2 the path is resolved with realpath(3) and checked
 * against the root's own realpath instead.
 */
static int open_inside(const struct server *srv, const char *rel, struct found *f)
{
	const char *root = srv->web_root;
	char real[PATH_MAX];

	f->fd = -1;
	if (srv->web_root_fd >= 0) {
		struct open_how how = {
			.flags = O_RDONLY | O_CLOEXEC,
			.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
		};
		f->fd = (int)syscall(SYS_openat2, srv->web_root_fd, rel + 1, &how, sizeof how);
		if (f->fd < 0 && errno != ENOSYS)
			return -1;
	}
	if (f->fd < 0) {
		char cand[PATH_MAX];
		size_t rl = strlen(root);
		if (snprintf(cand, sizeof cand, "%s%s", root, rel) >= (int)sizeof cand ||
		    !realpath(cand, real))
			return -1;
		if (strncmp(real, root, rl) != 0 || (real[rl] != '/' && real[rl] != '\0'))
			return -1;
		f->fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (f->fd < 0)
			return -1;
	}
	if (fstat(f->fd, &f->st) < 0 || !S_ISREG(f->st.st_mode)) {
		close(f->fd);
		return -1;
	}
	snprintf(f->name, sizeof f->name, "%s", rel);
	return 0;
}

/* Does Accept-Encoding take gzip (listed, or "*", with q > 0)? */
static int accepts_gzip(const char *ae)
{
	char buf[256], *tok, *save = NULL;

	if (!ae || snprintf(buf, sizeof buf, "%s", ae) >= (int)sizeof buf)
		return 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *semi = strchr(tok, ';');
		double q = 1;
		if (semi) {
			*semi = '\0';
			char *qv = strstr(semi + 1, "q=");
			if (qv)
				q = strtod(qv + 2, NULL);
		}
		tok = str_trim(tok);
		if ((!strcasecmp(tok, "gzip") || !strcmp(tok, "*")) && q > 0)
			return 1;
	}
	return 0;
}

static int etag_matches(const char *inm, const char *etag)
{
	if (!inm)
		return 0;
	if (!strcmp(inm, "*"))
		return 1;
	/* A list of tags, maybe weak (W/"..."). */
	size_t el = strlen(etag);
	for (const char *p = strstr(inm, etag); p; p = strstr(p + 1, etag))
		if (p[el] == '\0' || p[el] == ',' || p[el] == ' ')
			return 1;
	return 0;
}

/* Find the file for path, or the app's index.html for extension-less paths. */
static int lookup(const struct server *root, const char *path, struct found *f)
{
	char rel[PATH_MAX];
	const char *last = strrchr(path, '/');

	if (snprintf(rel, sizeof rel, "%s%s", path,
		     path[strlen(path) - 1] == '/' ? "index.html" : "") >= (int)sizeof rel)
		return -1;
	if (open_inside(root, rel, f) == 0)
		return 0;
	/* a directory without the trailing slash */
	if (snprintf(rel, sizeof rel, "%s/index.html", path) < (int)sizeof rel &&
	    open_inside(root, rel, f) == 0)
		return 0;
	if ((last && strchr(last, '.')) || is_asset_path(path))
		return -1; /* a missing asset stays missing: never the app, never cached a year */
	/* single-page app fallback: /console/... → console/index.html, else index.html */
	const char *second = strchr(path + 1, '/');
	if (second) {
		snprintf(rel, sizeof rel, "%.*s/index.html", (int)(second - path), path);
		if (open_inside(root, rel, f) == 0)
			return 0;
	} else if (path[1]) {
		snprintf(rel, sizeof rel, "%s/index.html", path);
		if (open_inside(root, rel, f) == 0)
			return 0;
	}
	return open_inside(root, "/index.html", f);
}

int static_serve(struct req *req)
{
	const struct server *root = req->srv;
	struct found f, gz;
	char *etag, gzname[PATH_MAX];
	int use_gz = 0;
	struct MHD_Response *resp;
	const char *mime;

	if (!path_is_clean(req->path) || lookup(root, req->path, &f) < 0)
		return 0;
	mime = static_mime(f.name);
	/* FILE.gz beside it, when the client takes gzip */
	if (accepts_gzip(req_header(req, "Accept-Encoding")) &&
	    snprintf(gzname, sizeof gzname, "%s.gz", f.name) < (int)sizeof gzname &&
	    open_inside(root, gzname, &gz) == 0) {
		close(f.fd);
		f.fd = gz.fd;
		f.st = gz.st;
		use_gz = 1;
	}
	etag = arena_printf(&req->arena, "\"%llx-%llx%s\"", (unsigned long long)f.st.st_size,
			    (unsigned long long)f.st.st_mtim.tv_sec * 1000000000ull +
				    (unsigned long long)f.st.st_mtim.tv_nsec,
			    use_gz ? "-gz" : "");
	req->is_static = 1;
	req->route_label = "static";
	req->html = str_has_prefix(mime, "text/html");
	reply_header(req, "ETag", etag);
	reply_header(req, "Vary", "Accept-Encoding");
	reply_header(req, "Cache-Control",
		     is_asset_path(req->path) ? "public, max-age=31536000, immutable" : "no-cache");
	if (etag_matches(req_header(req, "If-None-Match"), etag)) {
		close(f.fd);
		reply_empty(req, 304);
		return 1;
	}
	resp = MHD_create_response_from_fd64((uint64_t)f.st.st_size, f.fd);
	if (!resp) {
		close(f.fd);
		return 0;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, mime);
	if (use_gz)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	req->resp = resp;
	req->status = 200;
	req->resp_bytes = (uint64_t)f.st.st_size;
	return 1;
}
