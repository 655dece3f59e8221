/* The repository walker: one pass over the tree, reading only the files some loader wants.
 *
 * Cost model: a tree of a few hundred thousand files must walk in about the time `rg --files` lists it,
 * so per entry we do no syscall beyond readdir (d_type tells files from directories; stat only when the
 * file system does not fill d_type, or for symlinks), no heap allocation (names go to a per-depth scratch
 * buffer reused by sibling directories, paths to one growing buffer) and no arena allocation unless a
 * loader claims the file. Matched files are queued and loaded after the walk by (phase, path), so a
 * loader can rely on the facts of earlier phases; a file's contents are read once and shared. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ignore.h"
#include "stacktune/loaders.h"

#define DEFAULT_MAX_FILE ((size_t)4 * 1024 * 1024)
#define HEAD_LEN         512
/* Each level keeps its directory open while its children are walked: this bounds the descriptors used. */
#define MAX_DEPTH 256

/* Directories that hold dependencies, build output or tool caches, never configuration of the stack. */
static const char *const skip_dirs[] = {".git",          "node_modules", "vendor", "__pycache__", "dist",  "build",
                                        "target",        ".next",        ".tox",   ".mypy_cache", ".venv", "venv",
                                        ".pytest_cache", ".hg",          ".svn",   NULL};

/* A file some loader claimed; read at its first dispatch and shared by the loaders of every phase. Its
 * contents live on the heap only while queued loads remain (loaders copy what they keep), so peak memory is
 * the largest few files, not the sum of every file read. */
struct pending {
	const char *path; /* arena */
	int state;        /* 0 not read yet, 1 loaded, -1 rejected (diagnosed once) */
	unsigned refs;    /* queued loads not yet run */
	struct st_file file;
};

struct queued {
	struct pending *file;
	unsigned loader;
	enum st_phase phase;
};

/* Scratch of one depth level: the directory's entries as "<d_type byte><name>\0" records. */
struct level {
	char *names;
	size_t len, cap;
	char **sorted;
	size_t n, cap_sorted;
	dev_t dev;
	ino_t ino;
};

struct walker {
	struct st_ctx *ctx;
	const struct st_loader *loaders;
	size_t n_loaders;
	enum st_match *match; /* per loader, for the file being offered */
	size_t max_file_size;
	int no_ignore;
	struct st_walk_stats *stats;
	char *root_real;
	size_t root_real_len;
	char *path; /* repository-relative path of the entry being looked at */
	size_t path_cap;
	struct ign_set *ign; /* one per ignore file of the current directory and its ancestors */
	size_t n_ign, cap_ign;
	struct level *levels; /* one per depth; n_levels of them initialised */
	size_t n_levels, cap_levels;
	size_t depth;
	struct queued *queue;
	size_t n_queue, cap_queue;
};

static int oom(struct walker *w)
{
	w->ctx->oom = 1;
	return -1;
}

/* Grows *p (of *cap elements of size sz) to hold at least need elements; 0 or -1. */
static int grow(void *p, size_t *cap, size_t need, size_t sz)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : 16;
	while (n < need) {
		if (n > SIZE_MAX / 2 / sz)
			return -1;
		n *= 2;
	}
	void *q = realloc(*(void **)p, n * sz);
	if (!q)
		return -1;
	*(void **)p = q;
	*cap = n;
	return 0;
}

/* Writes "<dir>/<name>" (or just name at the root) into w->path; dir_len is the length of the directory part. */
static int set_path(struct walker *w, size_t dir_len, const char *name)
{
	size_t nl = strlen(name);
	if (grow(&w->path, &w->path_cap, dir_len + nl + 2, 1) < 0)
		return oom(w);
	size_t at = dir_len;
	if (dir_len)
		w->path[at++] = '/';
	memcpy(w->path + at, name, nl + 1);
	return 0;
}

/* Records a diagnostic about the entry at w->path (the origin gets its own copy: w->path keeps changing). */
__attribute__((format(printf, 3, 4))) static void path_diag(struct walker *w, enum st_severity sev, const char *fmt,
                                                            ...)
{
	const char *file = st_arena_strdup(&w->ctx->arena, w->path[0] ? w->path : ".");
	if (!file) {
		oom(w);
		return;
	}
	struct st_origin o = st_origin_file(file, 0, 0);
	va_list ap;
	va_start(ap, fmt);
	st_vdiag(w->ctx, sev, &o, fmt, ap);
	va_end(ap);
}

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

/* 1 when the path is ignored: the deepest ignore file with a matching rule decides, as in git. */
static int ignored(const struct walker *w, const char *rel, const char *name, int is_dir)
{
	for (size_t i = w->n_ign; i-- > 0;) {
		int r = ign_match(&w->ign[i], rel, name, is_dir);
		if (r >= 0)
			return r;
	}
	return 0;
}

/* Reads a whole file (dirfd/name) into the arena with the walker's checks; 0, 1 skipped (diagnosed), -1 error
 * (diagnosed). Diagnostics go to from, else to the file itself. */
static int read_checked(struct st_ctx *ctx, int dirfd, const char *name, int oflags, const char *rel, size_t max,
                        const struct st_origin *from, struct st_file *out, int heap)
{
	struct st_origin o = from ? *from : st_origin_file(rel, 0, 0);
	/* O_NONBLOCK: a FIFO that replaced a file since the walk must not hang the run */
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | oflags);
	if (fd < 0)
		return st_diag(ctx, ST_SEV_WARNING, &o, "cannot read %s: %s", rel, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return st_diag(ctx, ST_SEV_WARNING, &o, "cannot read %s: not a regular file", rel);
	}
	if ((uintmax_t)st.st_size > max) {
		close(fd);
		st_diag(ctx, ST_SEV_WARNING, &o, "skipped %s: larger than %zu bytes", rel, max);
		return 1;
	}
	size_t size = (size_t)st.st_size;
	/* heap: the caller frees out->data; else the contents stay in the arena for the whole run */
	char *data = heap ? malloc(size + 1) : st_arena_alloc(&ctx->arena, size + 1);
	if (!data) {
		close(fd);
		ctx->oom = 1;
		return -1;
	}
	size_t got = 0;
	while (got < size) {
		ssize_t r = read(fd, data + got, size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			close(fd);
			if (heap)
				free(data);
			return st_diag(ctx, ST_SEV_WARNING, &o, "cannot read %s: %s", rel, strerror(e));
		}
		if (r == 0)
			break; /* the file shrank while we read it: take what is there */
		got += (size_t)r;
	}
	close(fd);
	data[got] = '\0';
	/* loaders are promised NUL-free text, so any NUL (not only in the first 8 KiB) makes the file binary */
	if (memchr(data, '\0', got)) {
		if (heap)
			free(data);
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

/* Reads up to HEAD_LEN bytes for loaders that decide by content; the length, or -1. */
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

/* The realpath of w->path if it lies inside the root (caller frees), else NULL after an info diagnostic. */
static char *inside_target(struct walker *w)
{
	const char *rel = w->path;
	char *abs = st_arena_printf(&w->ctx->arena, "%s/%s", w->root_real, rel);
	if (!abs) {
		oom(w);
		return NULL;
	}
	char *real = realpath(abs, NULL);
	if (!real) {
		path_diag(w, ST_SEV_INFO, "skipped %s: broken symbolic link", rel);
		return NULL;
	}
	size_t rl = w->root_real_len;
	int inside = rl == 1 || (strncmp(real, w->root_real, rl) == 0 && (real[rl] == '/' || real[rl] == '\0'));
	if (!inside) {
		path_diag(w, ST_SEV_INFO, "skipped %s: symbolic link points outside the audited tree", rel);
		free(real);
		return NULL;
	}
	return real;
}

static int enqueue(struct walker *w, struct pending *p, unsigned loader)
{
	if (grow(&w->queue, &w->cap_queue, w->n_queue + 1, sizeof(*w->queue)) < 0)
		return oom(w);
	w->queue[w->n_queue++] = (struct queued){.file = p, .loader = loader, .phase = w->loaders[loader].phase};
	p->refs++;
	return 0;
}

/* Offers the regular file w->path (name in dirfd) to the loaders and queues it for each that accepts.
 * A symlinked file is checked to stay inside the tree, but only once some loader wants it by name. */
static void offer_file(struct walker *w, int dirfd, const char *name, int is_link)
{
	const char *rel = w->path;
	int any = 0, need_head = 0;
	for (size_t i = 0; i < w->n_loaders; i++) {
		w->match[i] = w->loaders[i].match(rel, name, NULL, 0);
		any |= w->match[i] != ST_MATCH_NO;
		need_head |= w->match[i] == ST_MATCH_NEED_HEAD;
	}
	if (!any)
		return;
	if (is_link) {
		char *real = inside_target(w);
		if (!real)
			return;
		free(real);
	}
	if (need_head) {
		char head[HEAD_LEN];
		ssize_t n = read_head(dirfd, name, head);
		for (size_t i = 0; i < w->n_loaders; i++) {
			if (w->match[i] != ST_MATCH_NEED_HEAD)
				continue;
			enum st_match m = n > 0 ? w->loaders[i].match(rel, name, head, (size_t)n) : ST_MATCH_NO;
			/* a loader that still cannot decide with the head does not get the file */
			w->match[i] = m == ST_MATCH_YES ? ST_MATCH_YES : ST_MATCH_NO;
		}
	}
	struct pending *p = NULL;
	for (size_t i = 0; i < w->n_loaders; i++) {
		if (w->match[i] != ST_MATCH_YES)
			continue;
		if (!p) {
			p = st_arena_alloc(&w->ctx->arena, sizeof(*p));
			if (!p || !(p->path = st_arena_strdup(&w->ctx->arena, rel))) {
				oom(w);
				return;
			}
		}
		if (enqueue(w, p, (unsigned)i) < 0)
			return;
	}
}

/* Pushes the rules of the directory's ignore files (git does not follow a symlinked .gitignore: neither do we). */
static void push_ignores(struct walker *w, int dirfd, size_t dir_len, int has_git, int has_st)
{
	static const char *const files[] = {".gitignore", ".stacktuneignore"};
	const int present[] = {has_git, has_st};
	const char *base = NULL;
	for (int k = 0; k < 2; k++) {
		if (!present[k])
			continue;
		if (!base && !(base = st_arena_strndup(&w->ctx->arena, w->path, dir_len))) {
			oom(w);
			return;
		}
		const char *rel = dir_len ? st_arena_printf(&w->ctx->arena, "%s/%s", base, files[k]) : files[k];
		struct st_file f;
		if (!rel) {
			oom(w);
			return;
		}
		if (read_checked(w->ctx, dirfd, files[k], O_NOFOLLOW, rel, w->max_file_size, NULL, &f, 0) != 0)
			continue;
		if (grow(&w->ign, &w->cap_ign, w->n_ign + 1, sizeof(*w->ign)) < 0) {
			oom(w);
			return;
		}
		struct ign_set *set = &w->ign[w->n_ign];
		set->base = base;
		set->base_len = dir_len;
		if (ign_parse(&w->ctx->arena, f.data, f.size, set) < 0) {
			oom(w);
			return;
		}
		w->n_ign++;
	}
}

/* Reads the directory's entries into lv, sorted by name; sets the flags for the special names.
 * Takes ownership of dirfd only on success (through *dp). 0 or -1. */
static int list_dir(struct walker *w, struct level *lv, int dirfd, DIR **dp, int *has_git, int *has_st, int *venv)
{
	DIR *d = fdopendir(dirfd);
	if (!d)
		return -1;
	*dp = d;
	lv->len = 0;
	lv->n = 0;
	struct dirent *de;
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		const char *nm = de->d_name;
		if (nm[0] == '.' && (nm[1] == '\0' || (nm[1] == '.' && nm[2] == '\0')))
			continue;
		size_t l = strlen(nm);
		if (grow(&lv->names, &lv->cap, lv->len + l + 2, 1) < 0)
			return oom(w);
		lv->names[lv->len] = (char)de->d_type;
		memcpy(lv->names + lv->len + 1, nm, l + 1);
		lv->len += l + 2;
		lv->n++;
		if (nm[0] == '.') {
			*has_git |= strcmp(nm, ".gitignore") == 0;
			*has_st |= strcmp(nm, ".stacktuneignore") == 0;
		}
		/* a virtualenv is recognised by its pyvenv.cfg, whatever the directory is called */
		*venv |= nm[0] == 'p' && strcmp(nm, "pyvenv.cfg") == 0;
	}
	/* pointers are taken only now: names may have moved while it grew */
	if (grow(&lv->sorted, &lv->cap_sorted, lv->n, sizeof(*lv->sorted)) < 0)
		return oom(w);
	for (size_t i = 0, off = 0; i < lv->n; i++) {
		lv->sorted[i] = lv->names + off;
		off += strlen(lv->names + off + 1) + 2;
	}
	if (lv->n > 1) /* an empty directory has no array at all: qsort must not see NULL */
		qsort(lv->sorted, lv->n, sizeof(*lv->sorted), cmp_entry);
	return 0;
}

static void walk_dir(struct walker *w, int dirfd, size_t dir_len);

/* Looks at one entry of the directory open at dirfd; w->path holds its repository-relative path. */
static void visit(struct walker *w, int dirfd, const char *nm, unsigned char type)
{
	if (type == DT_UNKNOWN) {
		struct stat st;
		if (fstatat(dirfd, nm, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return;
		type = S_ISDIR(st.st_mode)   ? DT_DIR
		       : S_ISREG(st.st_mode) ? DT_REG
		       : S_ISLNK(st.st_mode) ? DT_LNK
		                             : DT_FIFO;
	}
	int is_link = type == DT_LNK;
	if (is_link) {
		struct stat st;
		if (fstatat(dirfd, nm, &st, 0) < 0) {
			/* broken: worth a word only when a loader would have wanted the file */
			if (ignored(w, w->path, nm, 0))
				return;
			for (size_t i = 0; i < w->n_loaders; i++) {
				if (w->loaders[i].match(w->path, nm, NULL, 0) != ST_MATCH_NO) {
					path_diag(w, ST_SEV_INFO, "skipped %s: broken symbolic link", w->path);
					break;
				}
			}
			return;
		}
		type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_FIFO;
	}
	if (type == DT_DIR) {
		if (is_skipped_dir(nm) || ignored(w, w->path, nm, 1))
			return;
		if (is_link) {
			/* A linked directory is outside the tree, a loop, or a second view of a directory the walk
			 * reaches anyway (loading it twice would double every fact): never followed. */
			char *real = inside_target(w);
			if (real) {
				const char *target = real[w->root_real_len] ? real + w->root_real_len + 1 : "";
				if (w->root_real_len == 1)
					target = real + 1;
				size_t tl = strlen(target);
				int loop = tl == 0 || (strncmp(w->path, target, tl) == 0 && w->path[tl] == '/');
				path_diag(w, ST_SEV_INFO, "skipped %s: %s", w->path,
				          loop ? "symbolic link loop" : "symbolic link to a directory inside the tree");
				free(real);
			}
			return;
		}
		int fd = openat(dirfd, nm, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0) {
			path_diag(w, ST_SEV_WARNING, "cannot read directory %s: %s", w->path, strerror(errno));
			return;
		}
		walk_dir(w, fd, strlen(w->path));
	} else if (type == DT_REG) {
		if (ignored(w, w->path, nm, 0))
			return;
		w->stats->files++;
		offer_file(w, dirfd, nm, is_link);
	}
	/* FIFOs, sockets and devices are never opened */
}

/* Walks the directory open at dirfd (consumed) whose path is the first dir_len bytes of w->path. */
static void walk_dir(struct walker *w, int dirfd, size_t dir_len)
{
	const char *shown = dir_len ? w->path : ".";
	struct stat dst;
	if (fstat(dirfd, &dst) < 0) {
		path_diag(w, ST_SEV_WARNING, "cannot read directory %s: %s", shown, strerror(errno));
		close(dirfd);
		return;
	}
	/* bind mounts can make a directory its own descendant even without symlinks */
	for (size_t i = 0; i < w->depth; i++) {
		if (w->levels[i].dev == dst.st_dev && w->levels[i].ino == dst.st_ino) {
			path_diag(w, ST_SEV_INFO, "skipped %s: directory loop", shown);
			close(dirfd);
			return;
		}
	}
	if (w->depth >= MAX_DEPTH) {
		path_diag(w, ST_SEV_WARNING, "skipped %s: nested deeper than %d directories", shown, MAX_DEPTH);
		close(dirfd);
		return;
	}
	if (grow(&w->levels, &w->cap_levels, w->depth + 1, sizeof(*w->levels)) < 0) {
		oom(w);
		close(dirfd);
		return;
	}
	if (w->depth == w->n_levels)
		memset(&w->levels[w->n_levels++], 0, sizeof(*w->levels));
	struct level *lv = &w->levels[w->depth];
	DIR *d = NULL;
	int has_git = 0, has_st = 0, venv = 0;
	int rc = list_dir(w, lv, dirfd, &d, &has_git, &has_st, &venv);
	if (!d) {
		path_diag(w, ST_SEV_WARNING, "cannot read directory %s: %s", shown, strerror(errno));
		close(dirfd);
		return;
	}
	if (rc < 0 || (venv && w->depth > 0)) {
		closedir(d);
		return;
	}
	lv->dev = dst.st_dev;
	lv->ino = dst.st_ino;
	w->depth++;
	w->stats->dirs++;
	size_t ign_before = w->n_ign;
	if (!w->no_ignore && (has_git || has_st))
		push_ignores(w, dirfd, dir_len, has_git, has_st);
	for (size_t i = 0; i < lv->n && !w->ctx->oom; i++) {
		/* lv stays valid: levels only grow at deeper indexes, but the array itself may move */
		lv = &w->levels[w->depth - 1];
		const char *e = lv->sorted[i];
		if (set_path(w, dir_len, e + 1) < 0)
			break;
		visit(w, dirfd, e + 1, (unsigned char)e[0]);
	}
	w->path[dir_len] = '\0';
	w->n_ign = ign_before;
	w->depth--;
	closedir(d);
}

static int cmp_queued(const void *a, const void *b)
{
	const struct queued *x = a, *y = b;
	if (x->phase != y->phase)
		return x->phase < y->phase ? -1 : 1;
	int c = strcmp(x->file->path, y->file->path);
	if (c)
		return c;
	return x->loader < y->loader ? -1 : x->loader > y->loader;
}

static void walker_free(struct walker *w)
{
	for (size_t i = 0; i < w->n_levels; i++) {
		free(w->levels[i].names);
		free(w->levels[i].sorted);
	}
	free(w->levels);
	free(w->path);
	free(w->ign);
	free(w->queue);
	free(w->match);
	free(w->root_real);
}

int st_walk_with(struct st_ctx *ctx, const char *root, const struct st_walk_opts *opts, const struct st_loader *loaders,
                 size_t n_loaders, struct st_walk_stats *stats)
{
	struct st_walk_stats dummy;
	struct walker w = {.ctx = ctx, .loaders = loaders, .n_loaders = n_loaders, .stats = stats ? stats : &dummy};
	memset(w.stats, 0, sizeof(*w.stats));
	w.max_file_size = opts && opts->max_file_size ? opts->max_file_size : DEFAULT_MAX_FILE;
	w.no_ignore = opts ? opts->no_ignore : 0;
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
	w.match = calloc(n_loaders ? n_loaders : 1, sizeof(*w.match));
	if (!w.match || set_path(&w, 0, "") < 0) {
		close(fd);
		oom(&w);
		walker_free(&w);
		return -1;
	}
	walk_dir(&w, fd, 0);

	if (w.n_queue)
		qsort(w.queue, w.n_queue, sizeof(*w.queue), cmp_queued);
	int rootfd = open(w.root_real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (size_t i = 0; rootfd >= 0 && i < w.n_queue; i++) {
		struct pending *p = w.queue[i].file;
		if (p->state == 0) {
			int rc = read_checked(ctx, rootfd, p->path, 0, p->path, w.max_file_size, NULL, &p->file, 1);
			p->state = rc == 0 ? 1 : -1;
			if (rc == 0)
				w.stats->loaded++;
			else
				w.stats->skipped++;
		}
		if (p->state == 1)
			loaders[w.queue[i].loader].load(ctx, &p->file);
		if (--p->refs == 0 && p->state == 1) {
			free((char *)p->file.data);
			p->file.data = NULL;
		}
	}
	if (rootfd >= 0)
		close(rootfd);
	walker_free(&w);
	return 0;
}

int st_walk(struct st_ctx *ctx, const char *root, const struct st_walk_opts *opts, struct st_walk_stats *stats)
{
	return st_walk_with(ctx, root, opts, st_loaders, st_loaders_count, stats);
}

/* Resolves "a/./b/../c" lexically for display; NULL when it is absolute, empty or climbs above the root. */
static char *normalise(struct st_arena *a, const char *rel)
{
	if (rel[0] == '/' || !*rel)
		return NULL;
	char *out = st_arena_alloc(a, strlen(rel) + 1);
	if (!out)
		return NULL;
	size_t len = 0;
	for (const char *p = rel; *p;) {
		size_t l = strcspn(p, "/");
		if (l == 2 && p[0] == '.' && p[1] == '.') {
			if (len == 0)
				return NULL;
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
		} else if (l > 0 && !(l == 1 && p[0] == '.')) {
			if (len)
				out[len++] = '/';
			memcpy(out + len, p, l);
			len += l;
		}
		p += l;
		p += *p == '/';
	}
	out[len] = '\0';
	return len ? out : NULL;
}

int st_file_read(struct st_ctx *ctx, const char *relpath, const struct st_origin *from, struct st_file *out)
{
	if (!relpath || !*relpath)
		return st_diag(ctx, ST_SEV_WARNING, from, "cannot read an empty path");
	if (relpath[0] == '/')
		return st_diag(ctx, ST_SEV_WARNING, from, "not followed: %s is outside the audited tree", relpath);
	char *root_real = realpath(ctx->root ? ctx->root : ".", NULL);
	if (!root_real)
		return st_diag(ctx, ST_SEV_WARNING, from, "cannot read %s: %s", relpath, strerror(errno));
	size_t rl = strlen(root_real);
	char *abs = st_arena_printf(&ctx->arena, "%s/%s", root_real, relpath);
	int rc = -1;
	/* the kernel resolves ".." after symlinks, so only the resolved path tells whether we stay inside */
	char *real = abs ? realpath(abs, NULL) : NULL;
	if (!abs) {
		ctx->oom = 1;
	} else if (!real) {
		int e = errno;
		const char *shown = normalise(&ctx->arena, relpath);
		if (!shown)
			st_diag(ctx, ST_SEV_WARNING, from, "not followed: %s is outside the audited tree", relpath);
		else
			st_diag(ctx, ST_SEV_WARNING, from, "cannot read %s: %s", shown, strerror(e));
	} else if (rl > 1 && (strncmp(real, root_real, rl) != 0 || (real[rl] != '/' && real[rl] != '\0'))) {
		st_diag(ctx, ST_SEV_WARNING, from, "not followed: %s points outside the audited tree", relpath);
	} else {
		/* name it as written when that stays inside, else by where it resolved to */
		const char *shown = normalise(&ctx->arena, relpath);
		if (!shown)
			shown = st_arena_strdup(&ctx->arena, real[rl] ? real + rl + (rl > 1) : ".");
		if (!shown)
			ctx->oom = 1;
		else
			rc = read_checked(ctx, AT_FDCWD, real, 0, shown, DEFAULT_MAX_FILE, from, out, 0) == 0 ? 0 : -1;
	}
	free(real);
	free(root_real);
	return rc;
}
