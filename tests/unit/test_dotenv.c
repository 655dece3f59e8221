/* loaders/dotenv: the .env syntax of compose / python-dotenv / motdotla, positions, interpolation, secrets. */
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "stacktune/loaders.h"

static void load(struct st_ctx *ctx, const char *path, const char *data, size_t n)
{
	struct st_file f = {.path = path, .name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path, .data = data,
	                    .size = n};
	st_dotenv_load(ctx, &f);
}

static void load_str(struct st_ctx *ctx, const char *data)
{
	load(ctx, "app/.env", data, strlen(data));
}

static const struct st_fact *fact(const struct st_ctx *ctx, const char *key)
{
	char name[256];
	snprintf(name, sizeof name, "env.app/.env.%s", key);
	return st_fact_get(ctx, name);
}

static const char *val(const struct st_ctx *ctx, const char *key)
{
	const struct st_fact *f = fact(ctx, key);
	return f ? f->value.text : NULL;
}

/* Counts diagnostics of severity sev at line:col (col 0 = any). */
static size_t diags_at(const struct st_ctx *ctx, enum st_severity sev, unsigned line, unsigned col)
{
	size_t c = 0;
	for (size_t i = 0; i < ctx->diags.n; i++) {
		const struct st_diag *d = &ctx->diags.items[i];
		c += d->severity == sev && d->origin.line == line && (!col || d->origin.col == col);
	}
	return c;
}

/* The value token as written, from the origin's span. */
static int span_is(const char *data, const struct st_fact *f, const char *want)
{
	return f && f->origin.value_len == strlen(want) && memcmp(data + f->origin.value_off, want, f->origin.value_len) == 0;
}

static int line_is(const char *data, const struct st_fact *f, const char *want)
{
	return f && f->origin.line_len == strlen(want) && memcmp(data + f->origin.line_off, want, f->origin.line_len) == 0;
}

static void test_match(void)
{
	const char *yes[] = {".env", ".env.production", ".env.local", ".env.example", "prod.env", "backend.env"};
	const char *no[] = {".envrc", "env.py", "env", ".env.", "environment", "dotenv", "x.env.bak", ".environment"};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		is_int(st_dotenv_match(yes[i], yes[i], NULL, 0), ST_MATCH_YES, "matches %s", yes[i]);
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		is_int(st_dotenv_match(no[i], no[i], NULL, 0), ST_MATCH_NO, "does not match %s", no[i]);
	is_int(st_dotenv_match("a/b/.env.staging", NULL, NULL, 0), ST_MATCH_YES, "name taken from the path");
}

static void test_basic(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	const char *data = "# comment\n"
	                   "\n"
	                   "PLAIN=value\n"
	                   "export EXPORTED=yes\n"
	                   "  SPACED  =  spaced value  \n"
	                   "TABS\t=\tx\n"
	                   "EMPTY=\n"
	                   "EMPTY2= # only a comment\n"
	                   "HASH=a#b\n"
	                   "COMMENTED=abc # trailing comment\n"
	                   "HASHFIRST=#x\n"
	                   "SQ='lit $PLAIN \\n # not a comment'\n"
	                   "DQ=\"a\\nb\\t\\\"c\\\" \\\\ \\$PLAIN $PLAIN\" # comment\n"
	                   "BT=`back $PLAIN`\n"
	                   "my.key-name=dots\n"
	                   "export=is a key\n"
	                   "URLISH=http://x/#frag\n"
	                   "   # indented comment\n"
	                   "LAST=end";
	load_str(&ctx, data);
	is_str(val(&ctx, "PLAIN"), "value", "KEY=value");
	is_str(val(&ctx, "EXPORTED"), "yes", "export KEY=value");
	is_str(val(&ctx, "SPACED"), "spaced value", "spaces around '=' and the value trimmed");
	is_str(val(&ctx, "TABS"), "x", "tabs around '='");
	is_str(val(&ctx, "EMPTY"), "", "empty value");
	is_str(val(&ctx, "EMPTY2"), "", "empty value with a comment");
	is_str(val(&ctx, "HASH"), "a#b", "'#' without a blank before it is kept");
	is_str(val(&ctx, "COMMENTED"), "abc", "inline comment after a blank");
	is_str(val(&ctx, "HASHFIRST"), "#x", "'#' right after '=' is a value");
	is_str(val(&ctx, "SQ"), "lit $PLAIN \\n # not a comment", "single quotes are literal");
	is_str(val(&ctx, "DQ"), "a\nb\t\"c\" \\ $PLAIN value", "double-quote escapes and interpolation");
	is_str(val(&ctx, "BT"), "back $PLAIN", "backticks are literal");
	is_str(val(&ctx, "my.key-name"), "dots", "key with dots and dashes");
	is_str(val(&ctx, "export"), "is a key", "'export' itself as a key");
	is_str(val(&ctx, "URLISH"), "http://x/#frag", "'#' inside a URL kept");
	is_str(val(&ctx, "LAST"), "end", "last line without newline");
	is_int(st_diag_count(&ctx, ST_SEV_INFO), 0, "no diagnostics for a clean file");

	const struct st_fact *f = fact(&ctx, "PLAIN");
	ok(f && f->value.kind == ST_VAL_STRING && !f->value.secret, "plain string, not secret");
	ok(f && f->component == NULL && f->layer == ST_LAYER_FILE, "no component, file layer");
	ok(f && f->origin.kind == ST_ORIGIN_FILE && strcmp(f->origin.file, "app/.env") == 0, "origin file");
	is_int(f ? f->origin.line : 0, 3, "PLAIN line");
	is_int(f ? f->origin.col : 0, 1, "PLAIN col");
	ok(span_is(data, f, "value"), "PLAIN value span");
	ok(line_is(data, f, "PLAIN=value"), "PLAIN line span");
	f = fact(&ctx, "EXPORTED");
	is_int(f ? f->origin.col : 0, 8, "col of the key after export");
	f = fact(&ctx, "SPACED");
	is_int(f ? f->origin.col : 0, 3, "col of an indented key");
	ok(span_is(data, f, "spaced value"), "trimmed unquoted span");
	ok(line_is(data, f, "  SPACED  =  spaced value  "), "whole line span");
	f = fact(&ctx, "EMPTY");
	ok(f && f->origin.value_len == 0 && data[f->origin.value_off] == '\n', "empty value span at end of line");
	f = fact(&ctx, "COMMENTED");
	ok(span_is(data, f, "abc"), "span stops before the comment");
	f = fact(&ctx, "DQ");
	ok(span_is(data, f, "\"a\\nb\\t\\\"c\\\" \\\\ \\$PLAIN $PLAIN\""), "quoted span includes the quotes");
	f = fact(&ctx, "SQ");
	is_int(f ? f->origin.line : 0, 12, "SQ line");
	f = fact(&ctx, "LAST");
	is_int(f ? f->origin.line : 0, 19, "LAST line");
	ok(span_is(data, f, "end"), "span at EOF");
	st_ctx_free(&ctx);
}

static void test_multiline(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	const char *data = "A=1\n"
	                   "KEY=\"line1\n"
	                   "line2 \\\"q\\\"\n"
	                   "line3\"\n"
	                   "B='x\n"
	                   "y' # c\n"
	                   "C=`p\n"
	                   "q`\n"
	                   "D=4\n";
	load_str(&ctx, data);
	is_str(val(&ctx, "KEY"), "line1\nline2 \"q\"\nline3", "double quotes span lines");
	is_str(val(&ctx, "B"), "x\ny", "single quotes span lines");
	is_str(val(&ctx, "C"), "p\nq", "backticks span lines");
	const struct st_fact *f = fact(&ctx, "KEY");
	is_int(f ? f->origin.line : 0, 2, "multi-line key line");
	ok(line_is(data, f, "KEY=\"line1"), "line span is the first line");
	ok(span_is(data, f, "\"line1\nline2 \\\"q\\\"\nline3\""), "value span covers all lines");
	is_int(fact(&ctx, "B") ? fact(&ctx, "B")->origin.line : 0, 5, "line after a multi-line value");
	is_int(fact(&ctx, "C") ? fact(&ctx, "C")->origin.line : 0, 7, "line after two multi-line values");
	is_int(fact(&ctx, "D") ? fact(&ctx, "D")->origin.line : 0, 9, "line numbers stay right");
	is_int(ctx.diags.n, 0, "no diagnostics");
	st_ctx_free(&ctx);
}

static void test_crlf_bom(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	const char *data = "\xEF\xBB\xBF"
	                   "FIRST=1\r\n"
	                   "SECOND = two words \r\n"
	                   "\r\n"
	                   "# c\r\n"
	                   "Q=\"a\r\nb\"\r\n"
	                   "S='x'\r\n"
	                   "E=\r\n"
	                   "LAST=z\r\n";
	load_str(&ctx, data);
	is_str(val(&ctx, "FIRST"), "1", "key after a BOM");
	const struct st_fact *f = fact(&ctx, "FIRST");
	is_int(f ? f->origin.col : 0, 1, "BOM is not a column");
	is_int(f ? f->origin.line_off : 0, 3, "line span starts after the BOM");
	ok(line_is(data, f, "FIRST=1"), "line span without CR");
	is_str(val(&ctx, "SECOND"), "two words", "CRLF trimmed");
	ok(span_is(data, fact(&ctx, "SECOND"), "two words"), "span without CR");
	is_str(val(&ctx, "Q"), "a\nb", "CRLF inside quotes becomes LF");
	is_str(val(&ctx, "S"), "x", "quoted value before CRLF");
	is_str(val(&ctx, "E"), "", "empty value before CRLF");
	is_str(val(&ctx, "LAST"), "z", "last CRLF line");
	is_int(fact(&ctx, "LAST") ? fact(&ctx, "LAST")->origin.line : 0, 9, "CRLF line numbers");
	is_int(ctx.diags.n, 0, "no diagnostics");
	st_ctx_free(&ctx);
}

static void test_interpolation(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	const char *data = "A=x\n"
	                   "B=${A}y\n"
	                   "C=$A-$B.\n"
	                   "D=${NOPE:-def}\n"
	                   "E=${NOPE-def}\n"
	                   "F='${A}'\n"
	                   "G=\"${A}\"\n"
	                   "H=${UNDEF1}h\n"
	                   "EMPTY=\n"
	                   "I=${EMPTY:-d}\n"
	                   "J=${EMPTY-d}\n"
	                   "K=${L}k\n"
	                   "L=1\n"
	                   "M=${A:+alt}${NOPE:+no}\n"
	                   "N=${NOPE:-${A:-z}w}\n"
	                   "O=$$A cost $5 $\n"
	                   "P=${A:?needed}\n"
	                   "A=second\n"
	                   "Q=$A\n"
	                   "R=\"${NOPE:-a\\\"b}\"\n";
	load_str(&ctx, data);
	is_str(val(&ctx, "B"), "xy", "${VAR}");
	is_str(val(&ctx, "C"), "x-xy.", "$VAR");
	is_str(val(&ctx, "D"), "def", "${VAR:-default} when unset");
	is_str(val(&ctx, "E"), "def", "${VAR-default} when unset");
	is_str(val(&ctx, "F"), "${A}", "no interpolation in single quotes");
	is_str(val(&ctx, "G"), "x", "interpolation in double quotes");
	is_str(val(&ctx, "H"), "h", "undefined variable expands to empty");
	is_str(val(&ctx, "I"), "d", "${VAR:-d} when empty");
	is_str(val(&ctx, "J"), "", "${VAR-d} when set but empty");
	is_str(val(&ctx, "K"), "k", "a key defined later is not visible");
	is_str(val(&ctx, "M"), "alt", "${VAR:+alt}");
	is_str(val(&ctx, "N"), "xw", "nested default");
	is_str(val(&ctx, "O"), "$A cost $5 $", "$$ and lone $ are literal");
	is_str(val(&ctx, "P"), "x", "${VAR:?msg} when set");
	is_str(val(&ctx, "Q"), "second", "the latest definition is used");
	is_str(val(&ctx, "R"), "a\"b", "escaped quote inside a default");
	is_int(diags_at(&ctx, ST_SEV_INFO, 8, 1), 1, "info for the undefined variable, at the key");
	is_int(diags_at(&ctx, ST_SEV_INFO, 12, 1), 1, "info for a variable defined later");
	is_int(diags_at(&ctx, ST_SEV_INFO, 4, 0), 0, "no info when a default is given");
	int named = 0;
	for (size_t i = 0; i < ctx.diags.n; i++)
		named += strstr(ctx.diags.items[i].message, "'UNDEF1'") != NULL;
	is_int(named, 1, "the undefined variable is named");
	is_int(st_diag_count(&ctx, ST_SEV_WARNING), 0, "no warnings");
	const struct st_fact_entry *e = st_fact_entry(&ctx, "env.app/.env.A");
	ok(e && e->n == 2, "both definitions of A are in the chain");
	st_ctx_free(&ctx);
}

static void test_errors(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	const char *data = "GOOD1=1\n"
	                   "no equals here\n"
	                   "BAD KEY=1\n"
	                   "1B$D=x\n"
	                   "=value\n"
	                   "BARE\n"
	                   "Q=\"ok\" trailing\n"
	                   "GOOD2=2\n"
	                   "U=\"unterminated\n"
	                   "GOOD3=3\n";
	load_str(&ctx, data);
	is_str(val(&ctx, "GOOD1"), "1", "key before errors");
	is_str(val(&ctx, "GOOD2"), "2", "key between errors");
	is_int(diags_at(&ctx, ST_SEV_ERROR, 2, 4), 1, "no '=': error at line 2 col 4");
	is_int(diags_at(&ctx, ST_SEV_ERROR, 3, 5), 1, "space in key: error at line 3 col 5");
	is_int(diags_at(&ctx, ST_SEV_ERROR, 4, 3), 1, "bad key char: error at line 4 col 3");
	is_int(diags_at(&ctx, ST_SEV_ERROR, 5, 1), 1, "no key: error at line 5 col 1");
	is_int(diags_at(&ctx, ST_SEV_WARNING, 6, 1), 1, "bare key: warning");
	ok(fact(&ctx, "BARE") == NULL, "bare key records no fact");
	is_str(val(&ctx, "Q"), "ok", "value before trailing text kept");
	is_int(diags_at(&ctx, ST_SEV_WARNING, 7, 8), 1, "trailing text after the quote: warning at its col");
	is_int(diags_at(&ctx, ST_SEV_ERROR, 9, 3), 1, "unterminated quote: error at the quote");
	ok(fact(&ctx, "U") == NULL, "unterminated value records no fact");
	is_str(val(&ctx, "GOOD3"), "3", "the line after an unterminated quote is parsed");
	is_int(st_diag_count(&ctx, ST_SEV_ERROR), 5, "exactly five errors");
	for (size_t i = 0; i < ctx.diags.n; i++)
		ok(strcmp(ctx.diags.items[i].origin.file, "app/.env") == 0, "diagnostic %zu names the file", i);
	st_ctx_free(&ctx);

	st_ctx_init(&ctx);
	load_str(&ctx, "A=1\nB='never closed");
	is_str(val(&ctx, "A"), "1", "key before an unterminated quote at EOF");
	is_int(diags_at(&ctx, ST_SEV_ERROR, 2, 3), 1, "unterminated single quote at EOF");
	st_ctx_free(&ctx);

	st_ctx_init(&ctx);
	load_str(&ctx, "X=\"");
	is_int(st_diag_count(&ctx, ST_SEV_ERROR), 1, "a lone quote at EOF");
	st_ctx_free(&ctx);

	/* a flood of bad lines is summarised */
	st_ctx_init(&ctx);
	struct st_buf b = {0};
	for (int i = 0; i < 500; i++)
		st_buf_puts(&b, "bad line\n");
	st_buf_puts(&b, "OK=1\n");
	load(&ctx, "app/.env", st_buf_cstr(&b), b.len);
	is_str(val(&ctx, "OK"), "1", "key after 500 bad lines");
	ok(ctx.diags.n <= 60, "errors capped (%zu diagnostics)", ctx.diags.n);
	st_buf_free(&b);
	st_ctx_free(&ctx);
}

static void test_hostile(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	size_t n = 1 << 20;
	char *big = malloc(n + 64);
	if (!big) {
		ok(0, "malloc");
		return;
	}
	memcpy(big, "BIG=", 4);
	memset(big + 4, 'v', n);
	memcpy(big + 4 + n, "\nNEXT=1\n", 9);
	load(&ctx, "app/.env", big, strlen(big));
	ok(val(&ctx, "BIG") && strlen(val(&ctx, "BIG")) == n, "1 MB value");
	is_str(val(&ctx, "NEXT"), "1", "key after a 1 MB line");
	is_int(fact(&ctx, "NEXT") ? fact(&ctx, "NEXT")->origin.line : 0, 2, "line after a 1 MB line");
	free(big);

	load_str(&ctx, "UTF=\xff\xfe\xc3(\nK\xe9Y=1\nAFTER=\"\xc3\x28\"\n");
	is_str(val(&ctx, "UTF"), "\xff\xfe\xc3(", "invalid UTF-8 bytes kept in a value");
	is_str(val(&ctx, "AFTER"), "\xc3\x28", "invalid UTF-8 in quotes");
	ok(diags_at(&ctx, ST_SEV_ERROR, 2, 2) == 1, "invalid UTF-8 in a key is an error");
	st_ctx_free(&ctx);

	st_ctx_init(&ctx);
	load_str(&ctx, "A=1\nOPEN=${A\nOPEN2=\"x${A:-y\"\nBADREF=${1}${A.B}\nNEXT=2\n");
	is_str(val(&ctx, "OPEN"), "${A", "unterminated ${ kept as written");
	is_int(diags_at(&ctx, ST_SEV_WARNING, 2, 1), 1, "warning for unterminated ${");
	is_str(val(&ctx, "OPEN2"), "x${A:-y", "unterminated ${ in quotes");
	is_str(val(&ctx, "BADREF"), "${1}${A.B}", "invalid references kept");
	is_int(diags_at(&ctx, ST_SEV_WARNING, 4, 1), 2, "warnings for invalid references");
	is_str(val(&ctx, "NEXT"), "2", "parsing goes on");
	st_ctx_free(&ctx);

	/* ${A:-${A:-...x...}} nested 10 and 5000 deep */
	for (int round = 0; round < 2; round++) {
		int depth = round ? 5000 : 10;
		struct st_buf b = {0};
		st_buf_puts(&b, "DEEP=");
		for (int i = 0; i < depth; i++)
			st_buf_puts(&b, "${N:-");
		st_buf_puts(&b, "x");
		for (int i = 0; i < depth; i++)
			st_buf_putc(&b, '}');
		st_buf_puts(&b, "\nAFTER=ok\n");
		st_ctx_init(&ctx);
		load(&ctx, "app/.env", st_buf_cstr(&b), b.len);
		if (!round) {
			is_str(val(&ctx, "DEEP"), "x", "10-deep defaults resolve");
			is_int(st_diag_count(&ctx, ST_SEV_ERROR), 0, "no error at depth 10");
		} else {
			ok(val(&ctx, "DEEP") != NULL, "5000-deep defaults still record the key");
			is_int(st_diag_count(&ctx, ST_SEV_ERROR), 1, "one error for too deep nesting");
		}
		is_str(val(&ctx, "AFTER"), "ok", "key after deep nesting");
		st_ctx_free(&ctx);
		st_buf_free(&b);
	}

	/* 200k unterminated ${ in one value */
	struct st_buf b = {0};
	st_buf_puts(&b, "X=");
	for (int i = 0; i < 200000; i++)
		st_buf_puts(&b, "${");
	st_ctx_init(&ctx);
	load(&ctx, "app/.env", st_buf_cstr(&b), b.len);
	ok(val(&ctx, "X") && strlen(val(&ctx, "X")) == 400000, "many unterminated ${ kept");
	st_ctx_free(&ctx);
	st_buf_free(&b);

	st_ctx_init(&ctx);
	load(&ctx, "app/.env", "", 0);
	is_int(ctx.diags.n, 0, "empty file");
	load(&ctx, "app/.env", "\xEF\xBB", 2);
	is_int(st_diag_count(&ctx, ST_SEV_ERROR), 1, "a truncated BOM is an error, not a crash");
	load(&ctx, "app/.env", "\n\n\n   \t\n#", 9);
	is_int(st_diag_count(&ctx, ST_SEV_ERROR), 1, "only blanks and comments");
	st_ctx_free(&ctx);
}

static void test_urls_and_secrets(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	const char *data =
		"DATABASE_URL=postgresql://app:PLANT-pw1@db.internal:5432/app?sslmode=require&password=PLANT-pw2\n"
		"REDIS_URL=\"redis://:PLANT-pw3@cache:6379/1\"\n"
		"JWT_SECRET=PLANT-jwt\n"
		"API_TOKEN='PLANT-token'\n"
		"DB_PASSWORD=PLANT-dbpw\n"
		"COPY=${DB_PASSWORD}\n"
		"BUILT=postgres://app:${DB_PASSWORD}@db/app\n"
		"GO_DSN=user:PLANT-go@tcp(mysql:3306)/shop?parseTime=true\n"
		"PG_DSN=host=db user=app password='PLANT kv' dbname=x\n"
		"NOTE=connect with postgres://u:PLANT-text@h/db please\n"
		"PASSWORD_DOLLAR=ab$PLANTvar\n"
		"PRIVATE_KEY=\"-----BEGIN KEY-----\nPLANT-multi\n-----END KEY-----\"\n"
		"broken PLANT-broken line\n"
		"PLANT-stray-word\n"
		"PUBLIC_URL=https://example.com/x\n"
		"PORT=3001\n";
	load_str(&ctx, data);
	const struct st_fact *f = fact(&ctx, "DATABASE_URL");
	ok(f && !f->value.secret && f->value.redacted, "URL with a password is shown masked, not hidden");
	is_str(f ? f->value.redacted : NULL,
	       "postgresql://app:***@db.internal:5432/app?sslmode=require&password=***", "redacted URL form");
	is_str(val(&ctx, "DATABASE_URL.host"), "db.internal", "URL part: host");
	is_str(val(&ctx, "DATABASE_URL.user"), "app", "URL part: user");
	is_str(val(&ctx, "DATABASE_URL.database"), "app", "URL part: database");
	is_str(val(&ctx, "DATABASE_URL.param.sslmode"), "require", "URL part: param");
	f = fact(&ctx, "DATABASE_URL.port");
	ok(f && f->value.kind == ST_VAL_INT && f->value.i == 5432, "URL part: port int");
	ok(f && f->origin.line == 1 && f->origin.col == 1, "URL parts carry the key's origin");
	ok(fact(&ctx, "DATABASE_URL.password") && fact(&ctx, "DATABASE_URL.password")->value.secret,
	   "URL part: password secret");
	is_str(val(&ctx, "REDIS_URL.database"), "1", "redis db number from a quoted URL");
	ok(fact(&ctx, "REDIS_URL") && fact(&ctx, "REDIS_URL")->value.redacted, "redis URL masked");
	ok(fact(&ctx, "JWT_SECRET") && fact(&ctx, "JWT_SECRET")->value.secret, "secret by name");
	is_str(val(&ctx, "JWT_SECRET"), "PLANT-jwt", "the text is kept for interpolation by later loaders");
	ok(fact(&ctx, "API_TOKEN") && fact(&ctx, "API_TOKEN")->value.secret, "token by name");
	ok(fact(&ctx, "COPY") && fact(&ctx, "COPY")->value.secret, "a copy of a secret variable is secret");
	ok(fact(&ctx, "BUILT") && fact(&ctx, "BUILT")->value.secret, "URL built from a secret is secret");
	is_str(fact(&ctx, "BUILT") ? fact(&ctx, "BUILT")->value.redacted : NULL, "postgres://app:***@db/app",
	       "interpolated password masked");
	ok(fact(&ctx, "GO_DSN") && fact(&ctx, "GO_DSN")->value.secret, "Go DSN with a password is secret");
	is_str(val(&ctx, "GO_DSN.host"), "mysql", "Go DSN part: host");
	is_str(val(&ctx, "GO_DSN.scheme"), "mysql", "Go DSN part: scheme");
	is_str(val(&ctx, "PG_DSN.database"), "x", "libpq DSN part: database");
	ok(fact(&ctx, "PG_DSN") && fact(&ctx, "PG_DSN")->value.secret, "libpq DSN with a password is secret");
	ok(fact(&ctx, "NOTE") && fact(&ctx, "NOTE")->value.redacted, "text with a URL password is masked");
	is_str(fact(&ctx, "NOTE") ? fact(&ctx, "NOTE")->value.redacted : NULL, "connect with postgres://u:***@h/db please",
	       "text redacted");
	ok(fact(&ctx, "PRIVATE_KEY") && fact(&ctx, "PRIVATE_KEY")->value.secret, "multi-line key secret");
	f = fact(&ctx, "PUBLIC_URL");
	ok(f && !f->value.secret, "URL without a password is not secret");
	is_str(val(&ctx, "PUBLIC_URL.host"), "example.com", "its parts are facts too");
	ok(fact(&ctx, "PORT") && !fact(&ctx, "PORT")->value.secret, "PORT is not secret");
	is_int(st_diag_count(&ctx, ST_SEV_ERROR), 1, "the broken line is an error");
	is_int(st_diag_count(&ctx, ST_SEV_WARNING) - st_diag_count(&ctx, ST_SEV_ERROR), 1, "the stray word is a warning");

	size_t n = 0, leaks = 0, printed = 0;
	const struct st_fact_entry **all = st_fact_sorted(&ctx, &n);
	for (size_t i = 0; i < n; i++) {
		leaks += strstr(all[i]->name, "PLANT") != NULL;
		for (size_t k = 0; k < all[i]->n; k++) {
			const struct st_fact *g = all[i]->chain[k];
			struct st_buf b = {0};
			st_value_format(&b, &g->value);
			st_buf_putc(&b, ' ');
			st_value_json(&b, &g->value);
			st_buf_putc(&b, ' ');
			st_origin_format(&b, &g->origin);
			if (strstr(st_buf_cstr(&b), "PLANT")) {
				leaks++;
				printf("# leak in %s\n", all[i]->name);
			}
			printed++;
			st_buf_free(&b);
		}
	}
	ok(printed >= 30, "facts printed (%zu)", printed);
	is_int(leaks, 0, "no fact name or printable form contains a planted secret");
	size_t dleaks = 0;
	for (size_t i = 0; i < ctx.diags.n; i++)
		dleaks += strstr(ctx.diags.items[i].message, "PLANT") != NULL;
	ok(ctx.diags.n >= 3, "diagnostics recorded (%zu)", ctx.diags.n);
	is_int(dleaks, 0, "no diagnostic contains a planted secret");
	st_ctx_free(&ctx);
}

int main(void)
{
	test_match();
	test_basic();
	test_multiline();
	test_crlf_bom();
	test_interpolation();
	test_errors();
	test_hostile();
	test_urls_and_secrets();
	return done_testing();
}
