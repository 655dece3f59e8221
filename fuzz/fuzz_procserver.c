/* libFuzzer target for the process-server loader: the first byte picks the format (start script, Procfile,
 * gunicorn.conf.py, uwsgi.ini, supervisord.conf, a compose command); the rest is the file. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_text.h"
#include "stacktune/loaders.h"

/* The walker's reader when it is not linked in: followed scripts then find nothing. */
__attribute__((weak)) int st_file_read(struct st_ctx *ctx, const char *relpath, const struct st_origin *from,
                                       struct st_file *out)
{
	(void)relpath;
	(void)out;
	st_diag(ctx, ST_SEV_WARNING, from, "not read while fuzzing");
	return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = {"backend/start.sh", "Procfile", "backend/gunicorn.conf.py",
	                                    "deploy/uwsgi.ini", "supervisord.conf", NULL};
	unsigned pick = size ? data[0] % 6 : 0;
	if (size) {
		data++;
		size--;
	}
	size_t n;
	char *buf = fuzz_text(data, size, &n);
	if (!buf)
		return 0;
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	ctx.root = "/nonexistent-stacktune-fuzz-root";
	struct st_origin o = st_origin_file("backend/.env", 1, 1);
	st_fact_set(&ctx, "env.backend/.env.GUNICORN_WORKERS", NULL, st_value_string("6"), &o, ST_LAYER_FILE);
	st_fact_set(&ctx, "env..env.GUNICORN_CMD_ARGS", NULL, st_value_string("--threads 3 -b :9000"), &o,
	            ST_LAYER_FILE);
	st_fact_set(&ctx, "host.cpus", NULL, st_value_int(4), &o, ST_LAYER_HOST);
	if (paths[pick]) {
		const char *slash = strrchr(paths[pick], '/');
		struct st_file f = {.path = paths[pick], .name = slash ? slash + 1 : paths[pick], .data = buf, .size = n};
		st_procserver_load(&ctx, &f);
	} else {
		struct st_origin co = st_origin_file("docker-compose.yml", 7, 14);
		st_procserver_command(&ctx, "backend", "docker-compose.yml", buf, &co);
	}
	st_ctx_free(&ctx);
	free(buf);
	return 0;
}
