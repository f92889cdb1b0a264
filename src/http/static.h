/*
 * static.h — files of the built web app, served from the configured web root.
 */
#ifndef SHUNIU_HTTP_STATIC_H
#define SHUNIU_HTTP_STATIC_H

struct req;

/*
 * Answer a GET or HEAD for req->path from the web root: the file, a 304 when
 * If-None-Match matches its ETag, the precompressed FILE.gz when the client
 * accepts gzip, or — for paths whose last segment has no extension — the
 * nearest index.html (the single-page app's fallback). Returns 1 when it
 * answered, 0 when there is nothing to serve (the caller answers 404).
 * Nothing outside the root is ever opened: "." and ".." segments, encoded or
 * not, are refused, and symlinks are resolved and checked against the root.
 */
int static_serve(struct req *req);

/* Content type for a file name, by extension. */
const char *static_mime(const char *name);

#endif
