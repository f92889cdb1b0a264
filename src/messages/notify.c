/*
 * notify.c — the notifier: delivers the outbox (notifications) after the
 * commit that wrote it, with retries.
 *
 * The "log" driver writes one log line per event; the "webhook" driver POSTs
 * the JSON payload to webhook_url with
 *   X-Shuniu-Event: appeal.dispatched
 *   X-Shuniu-Timestamp: 1764041073
 *   X-Shuniu-Signature: sha256=<hex HMAC-SHA256(key, timestamp + "." + body)>
 * where the key is the hex text in webhook_secret_file (made on first use).
 * A failed delivery is retried after 30 s, 60 s, 120 s ... up to an hour
 * apart, 12 times at most. The outbox's SQL is in notify_store.c.
 */
#include "messages/messages_int.h"

#include "core/clock.h"
#include "core/log.h"
#include "core/util.h"
#include "core/worker.h"
#include "db/store.h"
#include "http/server.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NOTIFY_MAX_ATTEMPTS 12

/* ---- the notifier thread ----------------------------------------------- */

static struct {
	struct worker w;
	struct server *srv;
	char key[65];
} N = { .w = WORKER_INIT };

void notify_kick(void)
{
	worker_wake(&N.w);
}

/* Read the webhook key, making one (0600) if the file does not exist. */
static int webhook_key_load(const char *path, char out[65])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0 && errno == ENOENT) {
		unsigned char raw[32];
		randombytes_buf(raw, sizeof raw);
		sodium_bin2hex(out, 65, raw, sizeof raw);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 || write(fd, out, 64) != 64 || fsync(fd) < 0) {
			if (fd >= 0)
				close(fd);
			return -1;
		}
		close(fd);
		return 0;
	}
	if (fd < 0)
		return -1;
	n = read(fd, out, 64);
	close(fd);
	if (n < 32)
		return -1;
	out[n] = '\0';
	return 0;
}

static size_t discard(char *p, size_t size, size_t n, void *u)
{
	(void)p;
	(void)u;
	return size * n;
}

/* POST one payload; 0 delivered, -1 with why. */
static int webhook_post(const char *event, const char *body, int64_t now, char *why, size_t n)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char hex[2 * sizeof mac + 1], h_event[128], h_ts[64], h_sig[96], ts[24];
	crypto_auth_hmacsha256_state stt;
	struct curl_slist *hdr = NULL;
	long status = 0;
	CURLcode cc;
	CURL *curl;

	snprintf(ts, sizeof ts, "%lld", (long long)now);
	crypto_auth_hmacsha256_init(&stt, (const unsigned char *)N.key, strlen(N.key));
	crypto_auth_hmacsha256_update(&stt, (const unsigned char *)ts, strlen(ts));
	crypto_auth_hmacsha256_update(&stt, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&stt, (const unsigned char *)body, strlen(body));
	crypto_auth_hmacsha256_final(&stt, mac);
	sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
	snprintf(h_event, sizeof h_event, "X-Shuniu-Event: %s", event);
	snprintf(h_ts, sizeof h_ts, "X-Shuniu-Timestamp: %s", ts);
	snprintf(h_sig, sizeof h_sig, "X-Shuniu-Signature: sha256=%s", hex);

	if (!(curl = curl_easy_init())) {
		snprintf(why, n, "curl_easy_init failed");
		return -1;
	}
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	hdr = curl_slist_append(hdr, h_event);
	hdr = curl_slist_append(hdr, h_ts);
	hdr = curl_slist_append(hdr, h_sig);
	curl_easy_setopt(curl, CURLOPT_URL, N.srv->cfg->webhook_url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
	cc = curl_easy_perform(curl);
	if (cc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(curl);
	if (cc != CURLE_OK) {
		snprintf(why, n, "%s", curl_easy_strerror(cc));
		return -1;
	}
	if (status < 200 || status > 299) {
		snprintf(why, n, "HTTP %ld", status);
		return -1;
	}
	return 0;
}

/* Outbox rows taken per run: delivered, then marked in one transaction. */
#define NOTIFY_BATCH 256

struct outbox {
	int64_t id, attempts;
	char *event, *payload;
	int ok;
	char why[200];
};

/* One run at a time (the thread and the test route), so nothing is sent twice. */
static pthread_mutex_t run_mu = PTHREAD_MUTEX_INITIALIZER;

static int run_once(struct server *srv, struct db_conn *c);

int notify_run_once(struct server *srv, struct db_conn *c)
{
	pthread_mutex_lock(&run_mu);
	int n = run_once(srv, c);
	pthread_mutex_unlock(&run_mu);
	return n;
}

struct run {
	struct outbox *ob;
	int n;
	int64_t now;
};

/* Record a run's results: the failures with their next attempt, the deliveries. */
static int record_run_tx(struct db_conn *c, void *ctx)
{
	struct run *x = ctx;
	struct outbox *ob = x->ob;
	int n = x->n, rc = 0, nok = 0;
	int64_t *ids = malloc((size_t)n * sizeof *ids);

	if (!ids)
		return DB_ENOMEM;
	for (int i = 0; rc >= 0 && i < n; i++) {
		struct outbox *o = &ob[i];
		int64_t delay = (int64_t)30 << (o->attempts < 7 ? o->attempts : 7);
		if (delay > 3600)
			delay = 3600;
		if (o->ok)
			ids[nok++] = o->id;
		else
			rc = outbox_failed(c, o->id, x->now + delay, o->why);
	}
	/* The delivered rows are marked by one statement naming their ids. */
	if (rc >= 0 && nok)
		rc = outbox_delivered(c, ids, nok, x->now);
	free(ids);
	return rc < 0 ? rc : 0;
}

static int run_once(struct server *srv, struct db_conn *c)
{
	struct outbox *ob = calloc(NOTIFY_BATCH, sizeof *ob);
	struct db_stmt *st;
	int64_t now = clock_now();
	int n = 0, rc;

	if (!ob)
		return DB_ENOMEM;
	rc = outbox_due_open(c, &st, now, NOTIFY_MAX_ATTEMPTS, NOTIFY_BATCH);
	if (rc < 0) {
		free(ob);
		return rc;
	}
	while (n < NOTIFY_BATCH && (rc = db_step(st)) == DB_ROW) {
		ob[n].id = db_col_int64(st, 0);
		ob[n].event = strdup(db_col_text(st, 1));
		ob[n].payload = strdup(db_col_text(st, 2));
		ob[n].attempts = db_col_int64(st, 3);
		n++;
	}
	db_reset(st);
	for (int i = 0; i < n; i++) {
		struct outbox *o = &ob[i];
		o->ok = o->event && o->payload;
		if (o->ok && srv->cfg->notifier == 1)
			o->ok = webhook_post(o->event, o->payload, now, o->why, sizeof o->why) == 0;
		else if (o->ok)
			log_info("notify %s %s", o->event, o->payload);
		if (!o->ok)
			log_warn("notify %s (notification %lld) failed: %s",
				 o->event ? o->event : "?", (long long)o->id, o->why);
	}
	/* One transaction (one fsync) records the whole run. */
	if (n && rc >= 0)
		rc = db_tx_run(c, record_run_tx, &(struct run){ ob, n, now });
	for (int i = 0; i < n; i++) {
		free(ob[i].event);
		free(ob[i].payload);
	}
	free(ob);
	return rc < 0 ? rc : n;
}

static void *notifier_main(void *arg)
{
	struct db_conn *c;

	db_test_fault_exempt();
	c = db_conn_thread(N.srv->db);

	(void)arg;
	for (;;) {
		int n = c ? notify_run_once(N.srv, c) : 0, stop;
		pthread_mutex_lock(&N.w.mu);
		if (n > 0 && n < NOTIFY_BATCH)
			/* Busy but not backlogged: gather for 50 ms, so the outbox
			 * costs a few transactions a second, not one per commit. */
			stop = worker_sleep(&N.w, 50, 0);
		else if (n == 0) /* idle: look again in a second, or when kicked */
			stop = worker_sleep(&N.w, 1000, WORKER_WAKEABLE);
		else /* backlogged, or the run failed: on at once */
			stop = worker_sleep(&N.w, 0, 0);
		pthread_mutex_unlock(&N.w.mu);
		if (stop)
			break;
	}
	return NULL;
}

int notifier_start(struct server *srv)
{
	N.srv = srv;
	if (srv->cfg->notifier == 1) {
		if (!srv->cfg->webhook_url[0] || (strncmp(srv->cfg->webhook_url, "http://", 7) &&
						  strncmp(srv->cfg->webhook_url, "https://", 8))) {
			log_error("notifier = webhook needs webhook_url = http(s)://HOST/PATH");
			return -1;
		}
		if (webhook_key_load(srv->cfg->webhook_secret_file, N.key) < 0) {
			log_error("cannot read or create the webhook key file %s",
				  srv->cfg->webhook_secret_file);
			return -1;
		}
		curl_global_init(CURL_GLOBAL_DEFAULT);
	}
	return worker_start(&N.w, notifier_main, NULL);
}

void notifier_stop(void)
{
	worker_stop(&N.w);
	if (N.srv->cfg->notifier == 1)
		curl_global_cleanup();
	sodium_memzero(N.key, sizeof N.key);
}
