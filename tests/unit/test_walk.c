/* loaders/walk: skipped directories, every .gitignore form, symlinks (loops, outside the tree), binary, large
 * and unreadable files, sorted phase-ordered dispatch, read-once caching, stats, st_file_read; the glob. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../src/loaders/ignore.h"
#include "../tap.h"
#include "stacktune/loaders.h"

/* ---- a recording loader table ------------------------------------------ */

#define MAX_SEEN 256
static struct {
	char path[MAX_SEEN][256];
	const char *data[MAX_SEEN];
	char loader[MAX_SEEN];
	size_t n;
} seen;

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void record(char which, const struct st_file *f)
{
	if (seen.n < MAX_SEEN) {
		snprintf(seen.path[seen.n], sizeof seen.path[0], "%s", f->path);
		seen.data[seen.n] = f->data;
		seen.loader[seen.n] = which;
		seen.n++;
	}
}

/* app phase: *.cfg, and *.head files whose first bytes are "HEAD" */
static enum st_match app_match(const char *path, const char *name, const char *head, size_t head_len)
{
	if (ends_with(name, ".cfg"))
		return ST_MATCH_YES;
	if (ends_with(name, ".head"))
		return !head ? ST_MATCH_NEED_HEAD : head_len >= 4 && memcmp(head, "HEAD", 4) == 0;
	return ST_MATCH_NO;
}
static int app_load(struct st_ctx *ctx, const struct st_file *f)
{
	record('a', f);
	return 0;
}
/* env phase: *.env and shared.cfg (so one file goes to two loaders of different phases) */
static enum st_match env_match(const char *path, const char *name, const char *head, size_t head_len)
{
	return ends_with(name, ".env") || strcmp(name, "shared.cfg") == 0;
}
static int env_load(struct st_ctx *ctx, const struct st_file *f)
{
	record('e', f);
	return 0;
}

static const struct st_loader test_loaders[] = {
    {.name = "app", .phase = ST_PHASE_APP, .match = app_match, .load = app_load},
    {.name = "env", .phase = ST_PHASE_ENV, .match = env_match, .load = env_load},
};

/* ---- temp trees --------------------------------------------------------- */

static char *tmp_tree(void)
{
	const char *base = getenv("TMPDIR");
	char *t = malloc(4096);
	if (!t)
		abort();
	snprintf(t, 4096, "%s/st-walk-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(t)) {
		snprintf(t, 4096, "/tmp/st-walk-XXXXXX");
		if (!mkdtemp(t))
			abort();
	}
	return t;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	remove(p);
	return 0;
}

static void rm_tree(char *t)
{
	nftw(t, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(t);
}

/* Creates root/rel with its parent directories and the given contents (n bytes). */
static void put_n(const char *root, const char *rel, const char *data, size_t n)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	for (char *s = p + strlen(root) + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	FILE *f = fopen(p, "wb");
	if (!f) {
		printf("# cannot create %s: %s\n", p, strerror(errno));
		return;
	}
	fwrite(data, 1, n, f);
	fclose(f);
}
static void put(const char *root, const char *rel, const char *data)
{
	put_n(root, rel, data, strlen(data));
}
static void mkdir_in(const char *root, const char *rel)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	mkdir(p, 0755);
}
static void link_in(const char *root, const char *rel, const char *target)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	if (symlink(target, p) < 0)
		printf("# symlink %s: %s\n", p, strerror(errno));
}

/* ---- queries ------------------------------------------------------------ */

static int loaded_by(const char *path, char which)
{
	int c = 0;
	for (size_t i = 0; i < seen.n; i++)
		c += strcmp(seen.path[i], path) == 0 && seen.loader[i] == which;
	return c;
}

static const struct st_diag *diag_with(const struct st_ctx *ctx, const char *needle)
{
	for (size_t i = 0; i < ctx->diags.n; i++)
		if (strstr(ctx->diags.items[i].message, needle))
			return &ctx->diags.items[i];
	return NULL;
}

static int walk(struct st_ctx *ctx, const char *root, const struct st_walk_opts *o, struct st_walk_stats *s)
{
	memset(&seen, 0, sizeof seen);
	st_ctx_init(ctx);
	return st_walk_with(ctx, root, o, test_loaders, 2, s);
}

/* ---- tests -------------------------------------------------------------- */

static void test_glob(void)
{
	static const struct {
		const char *pat, *s;
		int want;
	} v[] = {
	    {"foo", "foo", 1},
	    {"foo", "foobar", 0},
	    {"*", "foo", 1},
	    {"*", "a/b", 0},
	    {"f*o", "foo", 1},
	    {"f?o", "fao", 1},
	    {"f?o", "f/o", 0},
	    {"*.c", "a.c", 1},
	    {"*.c", "d/a.c", 0},
	    {"[ab]x", "bx", 1},
	    {"[!ab]x", "bx", 0},
	    {"[^ab]x", "cx", 1},
	    {"[a-c]", "b", 1},
	    {"[a-c]", "d", 0},
	    {"[]]", "]", 1},
	    {"[!]]", "a", 1},
	    {"[a-]", "-", 1},
	    {"[[:digit:]]x", "7x", 1},
	    {"[[:alpha:]]", "7", 0},
	    {"[[:bogus:]]", "a", 0},
	    {"[abc", "[abc", 0},
	    {"a[/]b", "a/b", 0},
	    {"\\*", "*", 1},
	    {"\\*", "x", 0},
	    {"a\\", "a", 0},
	    {"\\#x", "#x", 1},
	    {"**", "a/b/c", 1},
	    {"**/foo", "foo", 1},
	    {"**/foo", "a/b/foo", 1},
	    {"**/foo", "a/foox", 0},
	    {"a/**", "a/b/c", 1},
	    {"a/**", "a", 0},
	    {"a/**/b", "a/b", 1},
	    {"a/**/b", "a/x/y/b", 1},
	    {"a/**/b", "a/xb", 0},
	    {"a**b", "axxb", 1},
	    {"a**b", "a/b", 0},
	    {"foo**", "foo/x", 0},
	    {"*/*", "a/b", 1},
	    {"*a*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0},
	    {"**/**/**/**/**/**/**/x", "a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/y", 0},
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		is_int(ign_glob(v[i].pat, v[i].s), v[i].want, "glob '%s' vs '%s'", v[i].pat, v[i].s);
}

static void test_parse(void)
{
	struct st_arena a = {0};
	struct ign_set set = {.base = "", .base_len = 0};
	const char text[] = "\xEF\xBB\xBF# comment\r\n\n*.log\r\n!keep.log\n/top\nsub/x\ndir/\n\\#lit\n\\!bang\n"
	                    "trail   \nesc\\ \n!\n/\n";
	ok(ign_parse(&a, text, sizeof text - 1, &set) == 0, "parse");
	is_int(set.n, 9, "comments, blank lines, '!' and '/' alone are not rules");
	is_str(set.rules[0].pattern, "*.log", "BOM and CR stripped");
	ok(set.rules[1].negate && !set.rules[1].anchored, "negation, unanchored");
	ok(set.rules[2].anchored && strcmp(set.rules[2].pattern, "top") == 0, "leading / anchors and is dropped");
	ok(set.rules[3].anchored, "a middle / anchors");
	ok(set.rules[4].dir_only && !set.rules[4].anchored, "trailing / is dir-only and does not anchor");
	is_str(set.rules[7].pattern, "trail", "trailing spaces dropped");
	is_str(set.rules[8].pattern, "esc\\ ", "an escaped trailing space stays");
	is_int(ign_match(&set, "a/b.log", "b.log", 0), 1, "*.log at any depth");
	is_int(ign_match(&set, "keep.log", "keep.log", 0), 0, "!keep.log re-includes");
	is_int(ign_match(&set, "top", "top", 0), 1, "/top at the root");
	is_int(ign_match(&set, "a/top", "top", 0), -1, "/top not below");
	is_int(ign_match(&set, "dir", "dir", 0), -1, "dir/ does not match a file");
	is_int(ign_match(&set, "a/dir", "dir", 1), 1, "dir/ matches a directory at any depth");
	is_int(ign_match(&set, "#lit", "#lit", 0), 1, "\\# is a literal #");
	is_int(ign_match(&set, "!bang", "!bang", 0), 1, "\\! is a literal !");
	is_int(ign_match(&set, "esc ", "esc ", 0), 1, "escaped trailing space matches a space");
	struct ign_set sub = {.base = "sub", .base_len = 3};
	ok(ign_parse(&a, "/x\n", 3, &sub) == 0, "parse nested");
	is_int(ign_match(&sub, "sub/x", "x", 0), 1, "nested anchored pattern is relative to its directory");
	is_int(ign_match(&sub, "sub/y/x", "x", 0), -1, "nested anchored pattern only at its level");
	st_arena_free(&a);
}

static void test_skips_and_ignores(void)
{
	char *t = tmp_tree();
	put(t, "top.cfg", "x");
	put(t, ".git/x.cfg", "x");
	put(t, "node_modules/x.cfg", "x");
	put(t, "vendor/x.cfg", "x");
	put(t, "venv/x.cfg", "x");
	put(t, ".venv/x.cfg", "x");
	put(t, "__pycache__/x.cfg", "x");
	put(t, "dist/x.cfg", "x");
	put(t, "build/x.cfg", "x");
	put(t, "target/x.cfg", "x");
	put(t, ".next/x.cfg", "x");
	put(t, ".tox/x.cfg", "x");
	put(t, ".mypy_cache/x.cfg", "x");
	put(t, "env/pyvenv.cfg", "home = /usr/bin\n");
	put(t, "env/lib/x.cfg", "x");
	put(t, "myenv/pyvenv.cfg", "home = /usr/bin\n");
	put(t, "myenv/x.cfg", "x");
	put(t, "sub/env/x.cfg", "a plain directory called env");
	/* .gitignore forms */
	put(t, ".gitignore",
	    "# comment\n*.log.cfg\n/anch.cfg\nlogs/\n!keep.log.cfg\ndeep/**/x.cfg\n\\#h.cfg\n"
	    "sp.cfg   \n[q]?.cfg\n");
	put(t, "a.log.cfg", "x");
	put(t, "keep.log.cfg", "x");
	put(t, "anch.cfg", "x");
	put(t, "sub/anch.cfg", "anchored pattern does not reach here");
	put(t, "logs/x.cfg", "x");
	put(t, "sub/logs/x.cfg", "x");
	put(t, "logs.cfg", "a file named like a dir-only pattern");
	put(t, "deep/x.cfg", "x");
	put(t, "deep/a/b/x.cfg", "x");
	put(t, "deep/y.cfg", "x");
	put(t, "#h.cfg", "x");
	put(t, "sp.cfg", "x");
	put(t, "q1.cfg", "x");
	/* nested .gitignore and .stacktuneignore */
	put(t, "app/.gitignore", "*.cfg\n!app.cfg\n");
	put(t, "app/app.cfg", "x");
	put(t, "app/other.cfg", "x");
	put(t, "app/.stacktuneignore", "app.cfg\n");
	put(t, "app/inner/.gitignore", "!*.cfg\n");
	put(t, "app/inner/back.cfg", "x");
	put(t, "svc/.stacktuneignore", "/gen/\n");
	put(t, "svc/gen/x.cfg", "x");
	put(t, "svc/keep.cfg", "x");

	struct st_ctx ctx;
	struct st_walk_stats s;
	is_int(walk(&ctx, t, NULL, &s), 0, "walk returns 0");
	is_int(loaded_by("top.cfg", 'a'), 1, "a plain file is loaded");
	static const char *const skipped[] = {
	    ".git/x.cfg",        "node_modules/x.cfg", "vendor/x.cfg",  "venv/x.cfg",     ".venv/x.cfg",
	    "__pycache__/x.cfg", "dist/x.cfg",         "build/x.cfg",   "target/x.cfg",   ".next/x.cfg",
	    ".tox/x.cfg",        ".mypy_cache/x.cfg",  "env/lib/x.cfg", "env/pyvenv.cfg", "myenv/x.cfg"};
	for (size_t i = 0; i < sizeof skipped / sizeof skipped[0]; i++)
		is_int(loaded_by(skipped[i], 'a'), 0, "skipped: %s", skipped[i]);
	is_int(loaded_by("sub/env/x.cfg", 'a'), 1, "env without pyvenv.cfg is walked");
	is_int(loaded_by("a.log.cfg", 'a'), 0, "glob ignored");
	is_int(loaded_by("keep.log.cfg", 'a'), 1, "negation re-includes");
	is_int(loaded_by("anch.cfg", 'a'), 0, "anchored pattern at the root");
	is_int(loaded_by("sub/anch.cfg", 'a'), 1, "anchored pattern not below");
	is_int(loaded_by("logs/x.cfg", 'a') + loaded_by("sub/logs/x.cfg", 'a'), 0, "dir-only at any depth");
	is_int(loaded_by("logs.cfg", 'a'), 1, "dir-only pattern leaves other names");
	is_int(loaded_by("deep/x.cfg", 'a') + loaded_by("deep/a/b/x.cfg", 'a'), 0, "** spans zero or more dirs");
	is_int(loaded_by("deep/y.cfg", 'a'), 1, "** pattern leaves other names");
	is_int(loaded_by("#h.cfg", 'a'), 0, "\\# escape");
	is_int(loaded_by("sp.cfg", 'a'), 0, "trailing spaces ignored");
	is_int(loaded_by("q1.cfg", 'a'), 0, "class and ?");
	is_int(loaded_by("app/other.cfg", 'a'), 0, "nested .gitignore");
	is_int(loaded_by("app/app.cfg", 'a'), 0, ".stacktuneignore wins over the .gitignore beside it");
	is_int(loaded_by("app/inner/back.cfg", 'a'), 1, "a deeper .gitignore re-includes");
	is_int(loaded_by("svc/gen/x.cfg", 'a'), 0, "anchored dir-only in a nested .stacktuneignore");
	is_int(loaded_by("svc/keep.cfg", 'a'), 1, "its sibling stays");
	is_int(ctx.diags.n, 0, "no diagnostics");
	st_ctx_free(&ctx);

	struct st_walk_opts o = {.no_ignore = 1};
	walk(&ctx, t, &o, &s);
	ok(loaded_by("a.log.cfg", 'a') && loaded_by("app/other.cfg", 'a') && loaded_by("svc/gen/x.cfg", 'a'),
	   "no_ignore reads no ignore file");
	is_int(loaded_by("node_modules/x.cfg", 'a'), 0, "no_ignore still skips node_modules");
	st_ctx_free(&ctx);
	rm_tree(t);
}

static void test_order_phases_stats(void)
{
	char *t = tmp_tree();
	put(t, "b.cfg", "b");
	put(t, "a.cfg", "a");
	put(t, "B.cfg", "B");
	put(t, "a-b.cfg", "ab");
	put(t, "a/x.cfg", "ax");
	put(t, "z.env", "Z=1\n");
	put(t, "shared.cfg", "S=1\n");
	put(t, "yes.head", "HEAD and more");
	put(t, "no.head", "not it");
	put(t, "empty.head", "");
	put(t, "other.txt", "not matched");
	mkdir_in(t, "emptydir");
	struct st_ctx ctx;
	struct st_walk_stats s;
	walk(&ctx, t, NULL, &s);
	static const char *const want[] = {"e:shared.cfg", "e:z.env", "a:B.cfg",      "a:a-b.cfg", "a:a.cfg",
	                                   "a:a/x.cfg",    "a:b.cfg", "a:shared.cfg", "a:yes.head"};
	is_int(seen.n, sizeof want / sizeof want[0], "loads");
	for (size_t i = 0; i < seen.n && i < sizeof want / sizeof want[0]; i++) {
		char got[300];
		snprintf(got, sizeof got, "%c:%s", seen.loader[i], seen.path[i]);
		is_str(got, want[i], "load %zu: env phase first, then bytewise path order", i);
	}
	const char *d1 = NULL, *d2 = NULL;
	for (size_t i = 0; i < seen.n; i++)
		if (strcmp(seen.path[i], "shared.cfg") == 0)
			*(d1 ? &d2 : &d1) = seen.data[i];
	ok(d1 && d1 == d2, "a file wanted by two loaders is read once");
	is_int(s.dirs, 3, "stats.dirs (root, a, emptydir)");
	is_int(s.files, 11, "stats.files counts every regular file");
	is_int(s.loaded, 8, "stats.loaded counts files, not loads");
	is_int(s.skipped, 0, "stats.skipped");
	is_str(ctx.root, t, "ctx->root set when it was NULL");
	st_ctx_free(&ctx);
	rm_tree(t);
}

static void test_symlinks(void)
{
	char *t = tmp_tree(), *out = tmp_tree();
	put(out, "secret.cfg", "outside");
	put(t, "a/real.cfg", "x");
	link_in(t, "a/loop", "..");
	link_in(t, "a/self", ".");
	link_in(t, "alias", "a");
	link_in(t, "linked.cfg", "a/real.cfg");
	char target[4200];
	snprintf(target, sizeof target, "%s/secret.cfg", out);
	link_in(t, "out.cfg", target);
	link_in(t, "outdir", out);
	link_in(t, "broken.cfg", "missing.cfg");
	link_in(t, "broken.txt", "missing.txt");
	struct st_ctx ctx;
	struct st_walk_stats s;
	is_int(walk(&ctx, t, NULL, &s), 0, "walk with symlinks");
	is_int(loaded_by("a/real.cfg", 'a'), 1, "real file loaded once");
	is_int(loaded_by("linked.cfg", 'a'), 1, "symlinked file inside the tree loaded under its own path");
	is_int(loaded_by("out.cfg", 'a') + loaded_by("outdir/secret.cfg", 'a'), 0, "nothing from outside");
	is_int(seen.n, 2, "two loads in all");
	ok(diag_with(&ctx, "skipped a/loop: symbolic link loop"), "loop to an ancestor diagnosed");
	ok(diag_with(&ctx, "skipped a/self: symbolic link loop"), "link to itself diagnosed");
	ok(diag_with(&ctx, "skipped alias: symbolic link to a directory inside the tree"), "dir alias not followed");
	ok(diag_with(&ctx, "skipped out.cfg: symbolic link points outside"), "file link outside diagnosed");
	ok(diag_with(&ctx, "skipped outdir: symbolic link points outside"), "dir link outside diagnosed");
	const struct st_diag *d = diag_with(&ctx, "skipped broken.cfg: broken symbolic link");
	ok(d && d->severity == ST_SEV_INFO && d->origin.file && strcmp(d->origin.file, "broken.cfg") == 0,
	   "broken link a loader wants: info at the link");
	ok(!diag_with(&ctx, "broken.txt"), "broken link nobody wants: silent");
	st_ctx_free(&ctx);

	/* st_file_read follows in-tree links and refuses the others, diagnosing at the including line */
	struct st_ctx c2;
	st_ctx_init(&c2);
	c2.root = t;
	struct st_file f;
	struct st_origin from = st_origin_file("inc.cfg", 7, 3);
	is_int(st_file_read(&c2, "a/../linked.cfg", &from, &f), 0, "st_file_read through .. and a link");
	is_str(f.path, "linked.cfg", "path normalised");
	is_str(f.name, "linked.cfg", "name");
	is_str(f.data, "x", "data");
	is_int(st_file_read(&c2, "out.cfg", &from, &f), -1, "st_file_read refuses a link out of the tree");
	d = diag_with(&c2, "outside the audited tree");
	ok(d && d->origin.line == 7 && strcmp(d->origin.file, "inc.cfg") == 0, "diagnosed at from");
	size_t before = c2.diags.n;
	is_int(st_file_read(&c2, "../x.cfg", &from, &f), -1, "refuses ..");
	is_int(st_file_read(&c2, "alias/../../x.cfg", &from, &f), -1, "refuses .. after a link");
	is_int(st_file_read(&c2, target, &from, &f), -1, "refuses an absolute path");
	is_int(c2.diags.n, before + 3, "each refusal diagnosed");
	is_int(st_file_read(&c2, "alias/real.cfg", &from, &f), 0, "reads through an in-tree dir link");
	is_int(st_file_read(&c2, "nope.cfg", &from, &f), -1, "missing file");
	ok(diag_with(&c2, "cannot read nope.cfg: No such file"), "missing file diagnosed with strerror");
	st_ctx_free(&c2);
	rm_tree(t);
	rm_tree(out);
}

static void test_binary_large(void)
{
	char *t = tmp_tree();
	put(t, "ok.cfg", "fine");
	put_n(t, "bin.cfg", "AB\0CD", 5);
	char *late = malloc(12000);
	memset(late, 'x', 12000);
	late[8999] = '\0';
	put_n(t, "late-nul.cfg", late, 9000);
	late[8999] = 'x';
	put_n(t, "big.cfg", late, 12000);
	put_n(t, "edge.cfg", late, 10000);
	free(late);
	put(t, "big.txt", "not matched, never read");
	struct st_ctx ctx;
	struct st_walk_stats s;
	struct st_walk_opts o = {.max_file_size = 10000};
	walk(&ctx, t, &o, &s);
	is_int(loaded_by("ok.cfg", 'a'), 1, "text file loaded");
	is_int(loaded_by("edge.cfg", 'a'), 1, "file of exactly the limit loaded");
	is_int(loaded_by("bin.cfg", 'a') + loaded_by("big.cfg", 'a'), 0, "binary and large not loaded");
	const struct st_diag *d = diag_with(&ctx, "skipped bin.cfg: binary file");
	ok(d && d->severity == ST_SEV_INFO, "binary diagnosed");
	d = diag_with(&ctx, "skipped big.cfg: larger than 10000 bytes");
	ok(d && d->severity == ST_SEV_WARNING && strcmp(d->origin.file, "big.cfg") == 0, "large diagnosed");
	ok(diag_with(&ctx, "skipped late-nul.cfg: binary file") != NULL, "a NUL past 8 KiB is binary too");
	is_int(s.loaded, 2, "loaded");
	is_int(s.skipped, 3, "skipped");
	st_ctx_free(&ctx);
	rm_tree(t);
}

/* Walks a tree with an unreadable file and an unreadable directory; bit flags of what went right. */
static int unreadable_checks(const char *t)
{
	struct st_ctx ctx;
	struct st_walk_stats s;
	int r = 0;
	if (walk(&ctx, t, NULL, &s) == 0)
		r |= 1;
	const struct st_diag *d = diag_with(&ctx, "cannot read locked.cfg: Permission denied");
	if (d && d->severity == ST_SEV_WARNING)
		r |= 2;
	if (loaded_by("z.cfg", 'a') == 1)
		r |= 4;
	if (diag_with(&ctx, "cannot read directory shut: Permission denied"))
		r |= 8;
	if (s.skipped == 1 && s.loaded == 1)
		r |= 16;
	st_ctx_free(&ctx);
	return r;
}

static void test_unreadable(void)
{
	/* /tmp rather than $TMPDIR: the unprivileged child must be able to reach the tree */
	char *t = malloc(64);
	strcpy(t, "/tmp/st-walk-XXXXXX");
	if (!mkdtemp(t))
		abort();
	chmod(t, 0755);
	put(t, "locked.cfg", "x");
	put(t, "z.cfg", "x");
	put(t, "shut/x.cfg", "x");
	char p[128];
	snprintf(p, sizeof p, "%s/locked.cfg", t);
	chmod(p, 0);
	snprintf(p, sizeof p, "%s/shut", t);
	chmod(p, 0);
	int r;
	if (geteuid() != 0) {
		r = unreadable_checks(t);
	} else {
		/* root reads mode-0 files: run the walk as nobody in a child */
		printf("# running as root: the unreadable-file walk runs as uid 65534 in a child\n");
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);
			if (null >= 0)
				dup2(null, 1);
			if (setgid(65534) < 0 || setuid(65534) < 0)
				_exit(100);
			_exit(unreadable_checks(t));
		}
		int st = 0;
		waitpid(pid, &st, 0);
		r = WIFEXITED(st) ? WEXITSTATUS(st) : 0;
		ok(r != 100, "child dropped privileges");
	}
	ok(r & 1, "walk goes on");
	ok(r & 2, "unreadable file: warning with strerror");
	ok(r & 4, "the next file is still loaded");
	ok(r & 8, "unreadable directory diagnosed");
	ok(r & 16, "stats: one loaded, one skipped");
	chmod(p, 0755); /* so that a non-root run can remove it */
	rm_tree(t);

	struct st_ctx ctx;
	struct st_walk_stats s;
	is_int(walk(&ctx, "/nonexistent/st-walk-root", NULL, &s), -1, "missing root: -1");
	const struct st_diag *d = diag_with(&ctx, "cannot read /nonexistent/st-walk-root");
	ok(d && d->severity == ST_SEV_ERROR, "missing root: error diagnostic");
	st_ctx_free(&ctx);
}

static void test_fifo(void)
{
	char *t = tmp_tree();
	char p[4200];
	snprintf(p, sizeof p, "%s/pipe.cfg", t);
	ok(mkfifo(p, 0644) == 0, "mkfifo");
	put(t, "after.cfg", "x");
	struct st_ctx ctx;
	struct st_walk_stats s;
	walk(&ctx, t, NULL, &s);
	is_int(loaded_by("pipe.cfg", 'a'), 0, "a FIFO is never opened");
	is_int(loaded_by("after.cfg", 'a'), 1, "the walk goes past it");
	st_ctx_free(&ctx);
	st_ctx_init(&ctx);
	ctx.root = t;
	struct st_file f;
	is_int(st_file_read(&ctx, "pipe.cfg", NULL, &f), -1, "st_file_read refuses a FIFO without blocking");
	st_ctx_free(&ctx);
	rm_tree(t);
}

int main(void)
{
	test_glob();
	test_parse();
	test_skips_and_ignores();
	test_order_phases_stats();
	test_symlinks();
	test_binary_large();
	test_unreadable();
	test_fifo();
	return done_testing();
}
