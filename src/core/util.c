/*
 * util.c — see util.h.
 */
#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

int parse_int64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (!s || !*s || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int parse_size(const char *s, int64_t max, int64_t *out)
{
	char buf[32];
	size_t n;
	int64_t mult = 1, v;

	if (!s || (n = strlen(s)) == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, s, n + 1);
	switch (toupper((unsigned char)buf[n - 1])) {
	case 'K': mult = 1024; break;
	case 'M': mult = 1024 * 1024; break;
	case 'G': mult = 1024 * 1024 * 1024; break;
	default: break;
	}
	if (mult > 1)
		buf[--n] = '\0';
	if (parse_int64(buf, 0, max / mult, &v))
		return -1;
	*out = v * mult;
	return *out <= max ? 0 : -1;
}

int parse_hostport(const char *s, char *host, size_t hostlen, int *port)
{
	const char *colon;
	size_t hl;
	int64_t p;

	if (!s)
		return -1;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			return -1;
		hl = (size_t)(close - s - 1);
		s++;
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		hl = (size_t)(colon - s);
	}
	if (hl == 0 || hl >= hostlen || parse_int64(colon + 1, 0, 65535, &p))
		return -1;
	memcpy(host, s, hl);
	host[hl] = '\0';
	for (size_t i = 0; i < hl; i++)
		if (!isalnum((unsigned char)host[i]) && !strchr(".-:", host[i]))
			return -1;
	*port = (int)p;
	return 0;
}

char *read_file(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf;
	size_t got = 0;

	if (fd < 0) {
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
		snprintf(err, errlen, "cannot read '%s': not a regular file or too large", path);
		close(fd);
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		snprintf(err, errlen, "cannot read '%s': out of memory", path);
		close(fd);
		return NULL;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	if (len)
		*len = got;
	return buf;
}

int write_new_file(const char *path, const void *data, size_t len, mode_t mode, char *err,
		   size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	const char *p = data;

	if (fd < 0) {
		snprintf(err, errlen, "cannot create '%s': %s", path, strerror(errno));
		return -1;
	}
	if (fchmod(fd, mode) < 0)
		goto fail;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) < 0)
		goto fail;
	return close(fd);
fail:
	snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
	close(fd);
	unlink(path);
	return -1;
}

int path_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

int path_join(char *buf, size_t n, const char *dir, const char *name)
{
	size_t dl = strlen(dir);
	int r;

	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	r = snprintf(buf, n, "%.*s/%s", (int)dl, dir, name);
	return (r < 0 || (size_t)r >= n) ? -1 : 0;
}

size_t utf8_chars(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

int str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int str_case_eq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

char *str_trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}

/*
 * Take group and other permissions away: files keep at most owner read and
 * write (0644 → 0600, 0755 → 0600, 0400 stays), directories at most 0700.
 * Symbolic links are not followed.
 */
static int private_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
	mode_t m = st->st_mode & 07777;

	(void)f;
	if (type == FTW_F && S_ISREG(st->st_mode) && (m & 0177))
		return chmod(path, m & 0600) < 0 ? -1 : 0;
	if ((type == FTW_D || type == FTW_DP) && (m & 077))
		return chmod(path, m & 0700) < 0 ? -1 : 0;
	return 0;
}

int path_make_private(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	return nftw(path, private_one, 16, FTW_PHYS);
}

int buf_reserve(void *pp, size_t *cap, size_t need)
{
	size_t grown = *cap ? *cap : 4096;
	void *p;

	if (need <= *cap)
		return 0;
	while (grown < need)
		grown *= 2;
	/* a char pointer has the representation of a void pointer (C11 6.2.5) */
	memcpy(&p, pp, sizeof p);
	p = realloc(p, grown);
	if (!p)
		return -1;
	memcpy(pp, &p, sizeof p);
	*cap = grown;
	return 0;
}

void textbuf_add(struct textbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (buf_reserve(&b->p, &b->cap, b->n + n + 1)) {
		b->oom = 1;
		return;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}
