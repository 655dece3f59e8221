/* clex: a lexer for C-family sources (Go, JavaScript/TypeScript) and the small helpers the Go, Node, Prisma and
 * port loaders share: comments are skipped, strings / raw strings / template literals / regex literals become
 * single tokens, so pattern matchers never see code inside a string or a comment. It is NOT a parser.
 * Internal to the loaders room. */
#ifndef STACKTUNE_CLEX_H
#define STACKTUNE_CLEX_H

#include "stacktune/loaders.h"

enum st_clang { ST_CLANG_GO = 0, ST_CLANG_JS = 1 };

enum st_ctok_kind {
	CT_IDENT = 1,
	CT_NUM,
	CT_STR,   /* "..." '...' `...` (Go raw / JS template); s = decoded text */
	CT_REGEX, /* JS /.../flags */
	CT_PUNCT, /* one byte: ( ) { } [ ] , ; . : = + - * / | ? ! < > & % ^ ~ @ # */
};

struct st_ctok {
	enum st_ctok_kind kind;
	size_t off, len;    /* span in the source */
	unsigned line, col; /* 1-based, of the first byte */
	size_t line_off;    /* offset of the start of that line */
	const char *s;      /* CT_STR: decoded text (arena); CT_IDENT: NULL */
	size_t slen;
	int tmpl;     /* CT_STR: a template literal with ${...} substitutions (s = text without them) */
	int spaced;   /* whitespace or a comment came right before this token */
	size_t match; /* CT_PUNCT ( [ {: index of the bracket closing it (n when unbalanced) */
};

struct st_ctoks {
	struct st_ctok *v;
	size_t n, cap;
	const char *src;
	size_t size;
};

/* Tokenizes src[0..n) (a UTF-8 BOM is skipped). 0, or -1 on allocation failure (ctx->oom set). Never fails on
 * bad input: an unterminated string or comment ends at the end of the line or of the file. */
int st_clex(struct st_ctx *ctx, const char *src, size_t n, enum st_clang lang, struct st_ctoks *out);
/* Frees the token array (token strings live in the arena). */
void st_clex_free(struct st_ctoks *t);

/* Token tests: punct byte c / identifier text s. Out-of-range indexes are never a match. */
int st_ct_p(const struct st_ctoks *t, size_t i, char c);
int st_ct_id(const struct st_ctoks *t, size_t i, const char *s);
/* Index of the bracket closing the one at i ( ( [ { ), or t->n when unbalanced; O(1) (computed by st_clex). */
size_t st_ct_close(const struct st_ctoks *t, size_t i);
/* Parses a CT_NUM token as an integer (decimal, 0x, 0o, 0b, Go 0755 octal, '_' separators, BigInt n); 0, or -1
 * when it is not an integer or does not fit int64. */
int st_ct_int(const struct st_ctoks *t, size_t i, int64_t *out);
/* Length of the line that starts at line_off (without the newline / CR). */
size_t st_ct_line_len(const struct st_ctoks *t, size_t line_off);
/* A file origin covering tokens [a, b) (b > a) with value and line spans. */
struct st_origin st_ct_origin(const struct st_ctoks *t, const char *path, size_t a, size_t b);

/* ---- shared by the application loaders (goscan.c, jsscan.c, prisma.c, ports.c) ---- */

/* An environment variable as the application would see it: compose `environment:` of the service named like
 * the application (fact "<app>.env.<KEY>") or of the service built from its directory ("link.app.<app>"), else
 * the nearest .env file upward from the file (fact
 * "env.<dir>/.env.<KEY>"; with js = 1 ".env.local" is tried before ".env" in each directory, as Next.js and
 * Vite read it). 1 with value, origin and secret filled, 0 when not set anywhere seen. */
struct st_app_env {
	const char *value;
	struct st_origin origin;
	int secret;
	const char *fact; /* name of the fact it came from */
};
int st_app_env_lookup(struct st_ctx *ctx, const char *app, const char *path, const char *name, int js,
                      struct st_app_env *out);
/* Records a URL this application calls as facts <app>.calls.<n>.url/.host/.port (n = the next free index);
 * skipped when a call with the same origin is already recorded. The URL text is redacted when it carries
 * credentials. 1 recorded, 0 skipped or not an http(s) URL. */
int st_app_call(struct st_ctx *ctx, const char *app, const char *url, const struct st_origin *o);
/* Records "<app>.kind" = kind (component app) once per application. */
void st_app_kind(struct st_ctx *ctx, const char *app, const char *kind, const struct st_origin *o);
/* 1 when path names a test file (*_test.go, *.test.js, *.spec.ts, __tests__/, __mocks__/). */
int st_app_is_test(const char *path);
/* 1 when path is a load-test script (under tests/performance/, perf/, k6/, load/, loadtest*, or named
 * *load-test*, *loadtest*, *.k6.js): such files count only as callers. */
int st_app_is_loadtest(const char *path);

/* 1 when a variable / property name looks like it holds a URL the application calls (API_URL, baseURL,
 * BACKEND_URL, target ...) and not an allowed origin, a callback or a database URL. */
int st_app_calls_name(const char *s, size_t n);

/* Expressions and statements longer than this many tokens are cut off (hostile input must not go quadratic). */
#define ST_CT_MAX_EXPR 4096

#endif
