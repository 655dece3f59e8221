/* The repository walker: one pass over the tree, reading only the files some loader wants.
 * Directories are read with openat/fdopendir and d_type (no stat per file unless a loader matches or
 * the entry is a symlink); entries are sorted so every run sees the same order. Matched files are queued
 * and loaded afterwards by (phase, path), so a loader can rely on the facts of earlier phases. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ignore.h"
#include "stacktune/loaders.h"

#define DEFAULT_MAX_FILE (4u * 1024u * 1024u)
#define HEAD_LEN 512
#define BINARY_PEEK 8192
#define MAX_DEPTH 256

static const char *const skip_dirs[] = {".git", "node_modules", "vendor", "__pycache__", "dist", "build",
                                        "target", ".next", ".tox", ".mypy_cache", ".venv", "venv",
                                        ".pytest_cache", ".hg", ".svn", NULL};

struct queued {
	const char *path; /* arena */
	unsigned loader;
	enum st_phase phase;
};

struct walker {
	struct st_ctx *ctx;
	const struct st_loader *loaders;
	size_t n_loaders;
	struct st_walk_opts opts;
	struct st_walk_stats *stats;
	char *root_real;
	size_t root_real_len;
	int root_fd;
	struct ign_set *ign; /* stack, one per directory level that has ignore files */
	size_t n_ign, cap_ign;
	struct queued *queue;
	size_t n_queue, cap_queue;
	struct {
		dev_t dev;
		ino_t ino;
	} ancestors[MAX_DEPTH];
	int depth;
};

/* Entries are "<d_type byte><name>": order by name. */
static int cmp_entry(const void *a, const void *b)
{
	return strcmp(*(char *const *)a + 1, *(char *const *)b + 1);
}

static int is_skipped_dir(const char *name)
{
	for (const char *const *d = skip_dirs; *d; d++)
		if (strcmp(*d, name) == 0)
			return 1;
	return 0;
}

/* 1 when the path is ignored by the ignore files on the stack (deepest and last rule wins). */
static int ignored(const struct walker *w, const char *rel, const char *name, int is_dir)
{
	for (size_t i = w->n_ign; i-- > 0;) {
		int r = ign_match(&w->ign[i], rel, name, is_dir);
		if (r >= 0)
			return r;
	}
	return 0;
}

/* Reads a whole file from dirfd/name into the arena with the walker's checks; 0, 1 skipped, -1 error. */
static int read_checked(struct st_ctx *ctx, int dirfd, const char *name, const char *rel, size_t max,
                        const struct st_origin *from, struct st_file *out)
{
	struct st_origin o = from ? *from : st_origin_file(rel, 0, 0);
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		st_diag(ctx, ST_SEV_WARNING, &o, "cannot read %s: %s", rel, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		st_diag(ctx, ST_SEV_WARNING, &o, "cannot read %s: not a regular file", rel);
		close(fd);
		return -1;
	}
	if ((uintmax_t)st.st_size > max) {
		st_diag(ctx, ST_SEV_WARNING, &o, "skipped %s: larger than %zu bytes", rel, max);
		close(fd);
		return 1;
	}
	size_t size = (size_t)st.st_size;
	char *data = st_arena_alloc(&ctx->arena, size + 1);
	if (!data) {
		ctx->oom = 1;
		close(fd);
		return -1;
	}
	size_t got = 0;
	while (got < size) {
		ssize_t r = read(fd, data + got, size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			st_diag(ctx, ST_SEV_WARNING, &o, "cannot read %s: %s", rel, strerror(errno));
			close(fd);
			return -1;
		}
		if (r == 0)
			break; /* the file shrank while we read it: take what is there */
		got += (size_t)r;
	}
	close(fd);
	data[got] = '\0';
	if (memchr(data, '\0', got)) {
		st_diag(ctx, ST_SEV_INFO, &o, "skipped %s: binary file", rel);
		return 1;
	}
	out->path = rel;
	const char *slash = strrchr(rel, '/');
	out->name = slash ? slash + 1 : rel;
	out->data = data;
	out->size = got;
	return 0;
}

/* Reads up to HEAD_LEN bytes for loaders that decide by content; returns the length or -1. */
static ssize_t read_head(int dirfd, const char *name, char *buf)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	ssize_t n;
	do
		n = read(fd, buf, HEAD_LEN);
	while (n < 0 && errno == EINTR);
	close(fd);
	return n;
}

static int enqueue(struct walker *w, const char *rel, unsigned loader)
{
	if (w->n_queue == w->cap_queue) {
		size_t cap = w->cap_queue ? w->cap_queue * 2 : 64;
		struct queued *q = realloc(w->queue, cap * sizeof(*q));
		if (!q) {
			w->ctx->oom = 1;
			return -1;
		}
		w->queue = q;
		w->cap_queue = cap;
	}
	w->queue[w->n_queue++] = (struct queued){.path = rel, .loader = loader, .phase = w->loaders[loader].phase};
	return 0;
}

/* Offers a regular file to the loaders; queues it for each that accepts. */
static void offer_file(struct walker *w, int dirfd, const char *rel, const char *name)
{
	char head[HEAD_LEN];
	ssize_t head_len = -2;
	const char *saved = NULL;
	w->stats->files++;
	for (size_t i = 0; i < w->n_loaders; i++) {
		enum st_match m = w->loaders[i].match(rel, name, NULL, 0);
		if (m == ST_MATCH_NEED_HEAD) {
			if (head_len == -2)
				head_len = read_head(dirfd, name, head);
			m = head_len > 0 ? w->loaders[i].match(rel, name, head, (size_t)head_len) : ST_MATCH_NO;
			if (m == ST_MATCH_NEED_HEAD)
				m = ST_MATCH_NO;
		}
		if (m != ST_MATCH_YES)
			continue;
		if (!saved && !(saved = st_arena_strdup(&w->ctx->arena, rel))) {
			w->ctx->oom = 1;
			return;
		}
		enqueue(w, saved, (unsigned)i);
	}
}

/* realpath of a symlink's target, checked to lie inside the root; NULL (diagnosed) otherwise. */
static char *inside_target(struct walker *w, const char *rel)
{
	char *abs = st_arena_printf(&w->ctx->arena, "%s/%s", w->root_real, rel);
	char *real = abs ? realpath(abs, NULL) : NULL;
	struct st_origin o = st_origin_file(rel, 0, 0);
	if (!real) {
		st_diag(w->ctx, ST_SEV_INFO, &o, "skipped %s: broken symbolic link", rel);
		return NULL;
	}
	if (strncmp(real, w->root_real, w->root_real_len) != 0 ||
	    (real[w->root_real_len] != '/' && real[w->root_real_len] != '\0' && w->root_real_len > 1)) {
		st_diag(w->ctx, ST_SEV_INFO, &o, "skipped %s: symbolic link points outside the audited tree", rel);
		free(real);
		return NULL;
	}
	return real;
}

static int push_ignores(struct walker *w, int dirfd, const char *rel)
{
	static const char *const files[] = {".gitignore", ".stacktuneignore"};
	int pushed = 0;
	for (int k = 0; k < 2; k++) {
		if (faccessat(dirfd, files[k], R_OK, 0) != 0)
			continue;
		const char *path = *rel ? st_arena_printf(&w->ctx->arena, "%s/%s", rel, files[k]) : files[k];
		struct st_file f;
		if (!path || read_checked(w->ctx, dirfd, files[k], path, w->opts.max_file_size, NULL, &f) != 0)
			continue;
		if (w->n_ign == w->cap_ign) {
			size_t cap = w->cap_ign ? w->cap_ign * 2 : 8;
			struct ign_set *ns = realloc(w->ign, cap * sizeof(*ns));
			if (!ns) {
				w->ctx->oom = 1;
				break;
			}
			w->ign = ns;
			w->cap_ign = cap;
		}
		struct ign_set *set = &w->ign[w->n_ign];
		set->base = rel;
		set->base_len = strlen(rel);
		if (ign_parse(&w->ctx->arena, f.data, f.size, set) < 0) {
			w->ctx->oom = 1;
			break;
		}
		w->n_ign++;
		pushed++;
	}
	return pushed;
}

/* Walks the directory open at dirfd whose repository-relative path is rel ("" for the root). */
static void walk_dir(struct walker *w, int dirfd, const char *rel)
{
	struct stat dst;
	if (fstat(dirfd, &dst) == 0) {
		for (int i = 0; i < w->depth; i++) {
			if (w->ancestors[i].dev == dst.st_dev && w->ancestors[i].ino == dst.st_ino) {
				struct st_origin o = st_origin_file(rel, 0, 0);
				st_diag(w->ctx, ST_SEV_INFO, &o, "skipped %s: directory loop", rel);
				close(dirfd);
				return;
			}
		}
	}
	if (w->depth >= MAX_DEPTH) {
		struct st_origin o = st_origin_file(rel, 0, 0);
		st_diag(w->ctx, ST_SEV_WARNING, &o, "skipped %s: nested deeper than %d directories", rel, MAX_DEPTH);
		close(dirfd);
		return;
	}
	w->ancestors[w->depth].dev = dst.st_dev;
	w->ancestors[w->depth].ino = dst.st_ino;
	w->depth++;
	w->stats->dirs++;
	size_t ign_before = w->n_ign;
	if (!w->opts.no_ignore)
		push_ignores(w, dirfd, rel);

	DIR *d = fdopendir(dirfd);
	if (!d) {
		struct st_origin o = st_origin_file(*rel ? rel : ".", 0, 0);
		st_diag(w->ctx, ST_SEV_WARNING, &o, "cannot read directory: %s", strerror(errno));
		close(dirfd);
		goto out;
	}
	/* collect the names, each preceded by its d_type byte */
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		const char *nm = de->d_name;
		if (nm[0] == '.' && (nm[1] == '\0' || (nm[1] == '.' && nm[2] == '\0')))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nn = realloc(names, cap * sizeof(*nn));
			if (!nn) {
				w->ctx->oom = 1;
				break;
			}
			names = nn;
		}
		size_t l = strlen(nm);
		char *e = malloc(l + 2);
		if (!e) {
			w->ctx->oom = 1;
			break;
		}
		e[0] = (char)de->d_type;
		memcpy(e + 1, nm, l + 1);
		names[n++] = e;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_entry);
	for (size_t i = 0; i < n; i++) {
		const char *nm = names[i] + 1;
		unsigned char type = (unsigned char)names[i][0];
		char *child = *rel ? st_arena_printf(&w->ctx->arena, "%s/%s", rel, nm) : st_arena_strdup(&w->ctx->arena, nm);
		if (!child) {
			w->ctx->oom = 1;
			break;
		}
		if (type == DT_UNKNOWN) {
			struct stat st;
			if (fstatat(dirfd, nm, &st, AT_SYMLINK_NOFOLLOW) < 0)
				continue;
			type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : S_ISLNK(st.st_mode) ? DT_LNK : DT_FIFO;
		}
		int is_link = type == DT_LNK;
		if (is_link) {
			struct stat st;
			if (fstatat(dirfd, nm, &st, 0) < 0) {
				struct st_origin o = st_origin_file(child, 0, 0);
				st_diag(w->ctx, ST_SEV_INFO, &o, "skipped %s: broken symbolic link", child);
				continue;
			}
			type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_FIFO;
		}
		if (type == DT_DIR) {
			if (is_skipped_dir(nm) || ignored(w, child, nm, 1))
				continue;
			if (is_link) {
				/* a linked directory is either outside the tree, a loop, or a second view of a
				 * directory the walk reaches anyway: never followed */
				char *real = inside_target(w, child);
				if (real) {
					struct st_origin o = st_origin_file(child, 0, 0);
					const char *target = real[w->root_real_len] ? real + w->root_real_len + 1 : "";
					size_t tl = strlen(target);
					int loop = tl == 0 || (strncmp(child, target, tl) == 0 && child[tl] == '/');
					st_diag(w->ctx, ST_SEV_INFO, &o, "skipped %s: %s", child,
					        loop ? "symbolic link loop" : "symbolic link to a directory inside the tree");
					free(real);
				}
				continue;
			}
			int fd = openat(dirfd, nm, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
			if (fd < 0) {
				struct st_origin o = st_origin_file(child, 0, 0);
				st_diag(w->ctx, ST_SEV_WARNING, &o, "cannot read directory %s: %s", child, strerror(errno));
				continue;
			}
			/* a virtualenv is recognised by its pyvenv.cfg */
			if (faccessat(fd, "pyvenv.cfg", F_OK, 0) == 0) {
				close(fd);
				continue;
			}
			walk_dir(w, fd, child);
		} else if (type == DT_REG) {
			if (ignored(w, child, nm, 0))
				continue;
			if (is_link) {
				char *real = inside_target(w, child);
				if (!real)
					continue;
				free(real);
			}
			offer_file(w, dirfd, child, nm);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
out:
	w->n_ign = ign_before;
	w->depth--;
}

static int cmp_queued(const void *a, const void *b)
{
	const struct queued *x = a, *y = b;
	if (x->phase != y->phase)
		return x->phase < y->phase ? -1 : 1;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	return x->loader < y->loader ? -1 : x->loader > y->loader;
}

int st_walk_with(struct st_ctx *ctx, const char *root, const struct st_walk_opts *opts,
                 const struct st_loader *loaders, size_t n_loaders, struct st_walk_stats *stats)
{
	struct st_walk_stats dummy;
	struct walker w = {.ctx = ctx, .loaders = loaders, .n_loaders = n_loaders, .stats = stats ? stats : &dummy};
	memset(w.stats, 0, sizeof(*w.stats));
	if (opts)
		w.opts = *opts;
	if (!w.opts.max_file_size)
		w.opts.max_file_size = DEFAULT_MAX_FILE;
	if (!ctx->root)
		ctx->root = root;
	struct st_origin ro = st_origin_file(root, 0, 0);
	w.root_real = realpath(root, NULL);
	int fd = w.root_real ? open(w.root_real, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (fd < 0) {
		st_diag(ctx, ST_SEV_ERROR, &ro, "cannot read %s: %s", root, strerror(errno));
		free(w.root_real);
		return -1;
	}
	w.root_real_len = strlen(w.root_real);
	walk_dir(&w, fd, "");
	free(w.ign);

	/* load by phase, then path; a file wanted by several loaders is read once per phase group */
	if (w.n_queue)
		qsort(w.queue, w.n_queue, sizeof(*w.queue), cmp_queued);
	int dirfd = open(w.root_real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct st_file f = {0};
	const char *have = NULL;
	int have_rc = -1;
	for (size_t i = 0; dirfd >= 0 && i < w.n_queue; i++) {
		const struct queued *q = &w.queue[i];
		if (q->path != have) {
			have = q->path;
			have_rc = read_checked(ctx, dirfd, q->path, q->path, w.opts.max_file_size, NULL, &f);
			if (have_rc != 0)
				w.stats->skipped++;
			else
				w.stats->loaded++;
		}
		if (have_rc == 0)
			loaders[q->loader].load(ctx, &f);
	}
	if (dirfd >= 0)
		close(dirfd);
	free(w.queue);
	free(w.root_real);
	return 0;
}

int st_walk(struct st_ctx *ctx, const char *root, const struct st_walk_opts *opts, struct st_walk_stats *stats)
{
	return st_walk_with(ctx, root, opts, st_loaders, st_loaders_count, stats);
}

/* Resolves "a/./b/../c" lexically; NULL when it climbs above the root or is absolute. */
static char *normalise(struct st_arena *a, const char *rel)
{
	if (!rel || rel[0] == '/' || !*rel)
		return NULL;
	size_t n = strlen(rel);
	char *out = st_arena_alloc(a, n + 1);
	if (!out)
		return NULL;
	size_t len = 0;
	const char *p = rel;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == 0 || (l == 1 && p[0] == '.')) {
			/* skip */
		} else if (l == 2 && p[0] == '.' && p[1] == '.') {
			if (len == 0)
				return NULL;
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
		} else {
			if (len)
				out[len++] = '/';
			memcpy(out + len, p, l);
			len += l;
		}
		p += l;
		if (*p == '/')
			p++;
	}
	out[len] = '\0';
	return len ? out : NULL;
}

int st_file_read(struct st_ctx *ctx, const char *relpath, const struct st_origin *from, struct st_file *out)
{
	const char *root = ctx->root ? ctx->root : ".";
	char *norm = normalise(&ctx->arena, relpath);
	if (!norm)
		return st_diag(ctx, ST_SEV_WARNING, from, "not followed: %s is outside the audited tree", relpath);
	char *root_real = realpath(root, NULL);
	char *abs = root_real ? st_arena_printf(&ctx->arena, "%s/%s", root_real, norm) : NULL;
	char *real = abs ? realpath(abs, NULL) : NULL;
	int rc = -1;
	if (!real) {
		st_diag(ctx, ST_SEV_WARNING, from, "cannot read %s: %s", norm, strerror(errno));
	} else {
		size_t rl = strlen(root_real);
		if (strncmp(real, root_real, rl) != 0 || (real[rl] != '/' && rl > 1))
			st_diag(ctx, ST_SEV_WARNING, from, "not followed: %s points outside the audited tree", norm);
		else
			rc = read_checked(ctx, AT_FDCWD, real, norm, DEFAULT_MAX_FILE, from, out) == 0 ? 0 : -1;
	}
	free(real);
	free(root_real);
	return rc;
}
