/*
 * bare.c — the yardstick for bench/http: a libmicrohttpd server with the same
 * daemon options as shuniu (thread pool, epoll, same limits) and no framework
 * at all. GET / answers a fixed JSON body the size of shuniu's /healthz; GET
 * of the file given on the command line serves it by fd, as shuniu's static
 * files are served.
 *
 *   bare PORT THREADS [FILE]
 */
#include <fcntl.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char body[] = "{\"status\":\"ok\",\"version\":\"0.1.0\",\"db\":\"sqlite\"}";
static const char *file_path;
static const char *file_url = "/file";

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	static int first_call_marker;

	(void)cls, (void)method, (void)version, (void)upload, (void)upload_size;
	/* Answer on the second call, as libmicrohttpd's own examples do: an answer
	 * queued on the first call makes it close the connection (no keep-alive). */
	if (!*con_cls) {
		*con_cls = &first_call_marker;
		return MHD_YES;
	}
	if (file_path && !strcmp(url, file_url)) {
		int fd = open(file_path, O_RDONLY);
		struct stat st;
		if (fd < 0 || fstat(fd, &st) < 0)
			return MHD_NO;
		r = MHD_create_response_from_fd64((uint64_t)st.st_size, fd);
		MHD_add_response_header(r, "Content-Type", "text/javascript; charset=utf-8");
	} else {
		r = MHD_create_response_from_buffer(sizeof body - 1, (void *)body,
						    MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
	}
	rc = MHD_queue_response(conn, 200, r);
	MHD_destroy_response(r);
	return rc;
}

int main(int argc, char **argv)
{
	struct MHD_Daemon *d;
	sigset_t set;
	int sig;

	if (argc < 3) {
		fprintf(stderr, "usage: bare PORT THREADS [FILE]\n");
		return 2;
	}
	if (argc > 3)
		file_path = argv[3];
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_TURBO,
		(uint16_t)atoi(argv[1]), NULL, NULL, on_request, NULL, MHD_OPTION_THREAD_POOL_SIZE,
		(unsigned)atoi(argv[2]), MHD_OPTION_CONNECTION_LIMIT, 1024u,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, 1000u, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_END);
	if (!d) {
		perror("MHD_start_daemon");
		return 1;
	}
	printf("listening on %s\n", argv[1]);
	fflush(stdout);
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	return 0;
}
