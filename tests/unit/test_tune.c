/* tune: the edit engine (byte-span edits) and the unified diff writer: context, hunks, CRLF, missing final
 * newline, secrets masked, and a property test (random edits: applying the diff gives the new text). */
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "stacktune/tune.h"

static char *diff_of(const char *path, const char *a, const char *b, const char *const *secrets, size_t n_secrets)
{
	struct st_buf out = {0};
	if (st_patch_file(path, a, strlen(a), b, strlen(b), secrets, n_secrets, &out) < 0)
		return NULL;
	char *s = strdup(st_buf_cstr(&out));
	st_buf_free(&out);
	return s;
}

/* Applies a unified diff of one file to old, the way patch does (hunks in order, context checked). */
static char *apply_diff(const char *old, const char *diff)
{
	struct st_buf out = {0};
	const char *o = old, *d = diff;
	unsigned line = 1; /* next old line */
	d = strstr(d, "\n+++ ");
	if (!d)
		return strdup(old);
	d = strchr(d + 1, '\n') + 1;
	while (*d == '@') {
		char *p;
		unsigned long os = strtoul(d + 4, &p, 10), oc = *p == ',' ? strtoul(p + 1, NULL, 10) : 1;
		unsigned long until = oc == 0 ? os + 1 : os; /* an empty old side names the line before */
		d = strchr(d, '\n') + 1;
		for (; line < until; line++) { /* copy up to the hunk */
			const char *nl = strchr(o, '\n');
			size_t n = nl ? (size_t)(nl - o) + 1 : strlen(o);
			st_buf_put(&out, o, n);
			o += n;
		}
		while (*d == ' ' || *d == '-' || *d == '+') {
			char mark = *d++;
			const char *nl = strchr(d, '\n');
			size_t n = (size_t)(nl - d);
			int no_nl = strncmp(nl + 1, "\\ No newline at end of file\n", 28) == 0;
			if (mark != '+') {
				const char *onl = strchr(o, '\n');
				size_t on = onl ? (size_t)(onl - o) + 1 : strlen(o);
				if (on < n || memcmp(o, d, n) != 0) {
					st_buf_free(&out);
					return NULL; /* context does not match */
				}
				o += on;
				line++;
			}
			if (mark != '-') {
				st_buf_put(&out, d, n);
				if (!no_nl)
					st_buf_putc(&out, '\n');
			}
			d = nl + 1 + (no_nl ? 28 : 0);
		}
	}
	st_buf_puts(&out, o);
	char *s = strdup(st_buf_cstr(&out));
	st_buf_free(&out);
	return s;
}

static void test_hunks(void)
{
	char *d = diff_of("a.conf", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n", NULL, 0);
	is_str(d, "--- a/a.conf\n+++ b/a.conf\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n", "one change, 3 lines of context");
	free(d);
	d = diff_of("x", "a\nb\n", "a\nb\n", NULL, 0);
	is_str(d, "", "identical texts: no diff");
	free(d);
	d = diff_of("x", "a\nb", "a\nc", NULL, 0);
	is_str(d, "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n",
	       "no final newline on both sides");
	free(d);
	d = diff_of("x", "a\nb", "a\nb\nc\n", NULL, 0);
	is_str(d, "--- a/x\n+++ b/x\n@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+b\n+c\n",
	       "a line added after a last line without newline");
	free(d);
	d = diff_of("x", "a\n", "a\nb\n", NULL, 0);
	is_str(d, "--- a/x\n+++ b/x\n@@ -1 +1,2 @@\n a\n+b\n", "a line appended: single-line count omitted");
	free(d);
	d = diff_of("x", "", "a\n", NULL, 0);
	is_str(d, "--- a/x\n+++ b/x\n@@ -0,0 +1 @@\n+a\n", "an empty file gains a line");
	free(d);
	d = diff_of("x", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "one\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\ntwelve\n", NULL, 0);
	is_str(d, "--- a/x\n+++ b/x\n@@ -1,4 +1,4 @@\n-1\n+one\n 2\n 3\n 4\n@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+twelve\n",
	       "changes more than 6 lines apart: two hunks");
	free(d);
	d = diff_of("x", "1\n2\n3\n4\n5\n6\n7\n8\n", "one\n2\n3\n4\n5\n6\n7\neight\n", NULL, 0);
	ok(d && strstr(d, "@@ -1,8 +1,8 @@") && !strstr(d + 30, "@@ -"), "changes 6 lines apart: one hunk");
	free(d);
}

static void test_crlf_and_secrets(void)
{
	char *d = diff_of("p.conf", "a = 1\r\nb = 2\r\n", "a = 1\r\nb = 3\r\n", NULL, 0);
	is_str(d, "--- a/p.conf\n+++ b/p.conf\n@@ -1,2 +1,2 @@\n a = 1\r\n-b = 2\r\n+b = 3\r\n", "CRLF lines keep their CR");
	free(d);
	const char *secrets[] = {"s3cret", "s3cretlonger"};
	d = diff_of(".env", "PASSWORD=s3cretlonger\nURL=pg://u:s3cret@h/db\nN=1\n",
	            "PASSWORD=s3cretlonger\nURL=pg://u:s3cret@h/db\nN=2\n", secrets, 2);
	ok(d && !strstr(d, "s3cret") && strstr(d, " PASSWORD=***\n") && strstr(d, " URL=pg://u:***@h/db\n"),
	   "secrets in context lines are masked, the longest match first");
	free(d);
}

static void test_apply(void)
{
	struct st_tune_edit e[] = {{.off = 12, .len = 4, .text = "512MB", .seq = 1},
	                           {.off = 0, .len = 0, .text = "# top\r\n", .seq = 0},
	                           {.off = 27, .len = 0, .text = "\r\nx = 1", .seq = 2}};
	struct st_tune_file f = {.path = "p.conf", .data = "a = 1\r\nsb = 32MB # c\r\nz = 9", .size = 27,
	                         .edits = e, .n_edits = 3};
	struct st_buf out = {0};
	is_int(st_tune_apply_file(&f, &out), 0, "apply edits");
	is_str(st_buf_cstr(&out), "# top\r\na = 1\r\nsb = 512MB # c\r\nz = 9\r\nx = 1", "edits in offset order, the rest byte for byte");
	st_buf_free(&out);
}

/* Random texts and random line edits: the diff, applied, gives the new text. */
static void test_property(void)
{
	unsigned seed = 12345;
	int good = 0, runs = 300;
	for (int r = 0; r < runs; r++) {
		struct st_buf a = {0}, b = {0};
		int n = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 40;
		for (int i = 0; i < n; i++) {
			unsigned x = (seed = seed * 1103515245u + 12345u) >> 16;
			st_buf_printf(&a, "l%u\n", x % 7);
			switch (x % 11) {
			case 0: break;                                     /* deleted */
			case 1: st_buf_printf(&b, "n%u\n", x % 5); break; /* replaced */
			case 2: st_buf_printf(&b, "l%u\nadded\n", x % 7); break;
			default: st_buf_printf(&b, "l%u\n", x % 7);
			}
		}
		if (r % 3 == 0 && a.len)
			a.len--; /* no final newline on the old side */
		if (r % 5 == 0 && b.len)
			b.len--;
		char *as = strndup(a.data ? a.data : "", a.len), *bs = strndup(b.data ? b.data : "", b.len);
		char *d = diff_of("f", as, bs, NULL, 0);
		char *back = d ? apply_diff(as, d) : NULL;
		if (back && strcmp(back, bs) == 0)
			good++;
		else if (good == r)
			printf("# run %d failed:\n# old: %s\n# new: %s\n# diff:\n%s\n", r, as, bs, d ? d : "(null)");
		free(back);
		free(d);
		free(as);
		free(bs);
		st_buf_free(&a);
		st_buf_free(&b);
	}
	is_int(good, runs, "every random diff applies back to the new text");
}

int main(void)
{
	test_hunks();
	test_crlf_and_secrets();
	test_apply();
	test_property();
	return done_testing();
}
