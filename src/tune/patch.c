/* Applying planned edits and writing unified diffs (Myers' O(ND) line diff, 3 lines of context). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stacktune/tune.h"

static int cmp_edit(const void *a, const void *b)
{
	const struct st_tune_edit *x = a, *y = b;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int st_tune_apply_file(const struct st_tune_file *f, struct st_buf *out)
{
	struct st_tune_edit *e = NULL;
	if (f->n_edits) {
		e = malloc(f->n_edits * sizeof(*e));
		if (!e)
			return -1;
		memcpy(e, f->edits, f->n_edits * sizeof(*e));
		qsort(e, f->n_edits, sizeof(*e), cmp_edit);
	}
	size_t at = 0;
	for (size_t i = 0; i < f->n_edits; i++) {
		if (e[i].off < at || e[i].off + e[i].len > f->size)
			continue; /* overlapping edits are refused by the planner; never write past the data */
		st_buf_put(out, f->data + at, e[i].off - at);
		st_buf_puts(out, e[i].text);
		at = e[i].off + e[i].len;
	}
	st_buf_put(out, f->data + at, f->size - at);
	free(e);
	return out->failed ? -1 : 0;
}

/* ---- lines ------------------------------------------------------------ */

struct line {
	const char *s;
	size_t len; /* with its newline, when it has one */
	uint64_t hash;
};

static struct line *split_lines(const char *s, size_t n, size_t *count)
{
	size_t cap = 1;
	for (size_t i = 0; i < n; i++)
		cap += s[i] == '\n';
	struct line *v = malloc(cap * sizeof(*v));
	if (!v)
		return NULL;
	size_t k = 0, i = 0;
	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - s) + 1 : n;
		uint64_t h = 1469598103934665603ull; /* FNV-1a */
		for (size_t j = i; j < e; j++)
			h = (h ^ (unsigned char)s[j]) * 1099511628211ull;
		v[k++] = (struct line){s + i, e - i, h};
		i = e;
	}
	*count = k;
	return v;
}

static int line_eq(const struct line *a, const struct line *b)
{
	return a->hash == b->hash && a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

/* ---- Myers diff ------------------------------------------------------- */

enum { OP_SAME, OP_DEL, OP_ADD };

struct op {
	int kind;
	size_t a, b; /* line index in old / new */
};

/* Shortest edit script between a and b into *ops (old-to-new order); 0 or -1. The trace keeps only the
 * diagonals [-d, d] of each step, so memory is O(D^2) for D changed lines. */
static int myers(const struct line *a, size_t n, const struct line *b, size_t m, struct op **ops, size_t *n_ops)
{
	size_t max = n + m;
	long *v = calloc(2 * max + 3, sizeof(long));
	long **trace = NULL;
	size_t n_trace = 0;
	if (!v)
		return -1;
	long off = (long)max + 1;
	long d_found = -1;
	for (long d = 0; d <= (long)max; d++) {
		long **nt = realloc(trace, (size_t)(d + 1) * sizeof(*nt));
		if (!nt)
			goto fail;
		trace = nt;
		trace[d] = malloc((size_t)(2 * d + 3) * sizeof(long));
		if (!trace[d])
			goto fail;
		n_trace = (size_t)d + 1;
		for (long k = -d - 1; k <= d + 1; k++)
			trace[d][k + d + 1] = (k + off >= 0 && k + off < (long)(2 * max + 3)) ? v[k + off] : 0;
		for (long k = -d; k <= d; k += 2) {
			long x;
			if (k == -d || (k != d && v[k - 1 + off] < v[k + 1 + off]))
				x = v[k + 1 + off];
			else
				x = v[k - 1 + off] + 1;
			long y = x - k;
			while (x < (long)n && y < (long)m && line_eq(&a[x], &b[y])) {
				x++;
				y++;
			}
			v[k + off] = x;
			if (x >= (long)n && y >= (long)m) {
				d_found = d;
				break;
			}
		}
		if (d_found >= 0)
			break;
	}
	/* walk back: trace[d] holds v as it was before step d */
	size_t cap = n + m + 1, k_ops = cap;
	struct op *o = malloc(cap * sizeof(*o));
	if (!o)
		goto fail;
	long x = (long)n, y = (long)m;
	for (long d = d_found; d >= 0; d--) {
		const long *pv = trace[d];
		long k = x - y, pk;
		/* the snapshot covers diagonals -d-1 .. d+1 */
		if (k == -d || (k != d && pv[k - 1 + d + 1] < pv[k + 1 + d + 1]))
			pk = k + 1;
		else
			pk = k - 1;
		long px = pv[pk + d + 1], py = px - pk;
		while (x > px && y > py) {
			x--;
			y--;
			o[--k_ops] = (struct op){OP_SAME, (size_t)x, (size_t)y};
		}
		if (d > 0)
			o[--k_ops] = x == px ? (struct op){OP_ADD, (size_t)px, (size_t)py} : (struct op){OP_DEL, (size_t)px, (size_t)py};
		x = px;
		y = py;
	}
	memmove(o, o + k_ops, (cap - k_ops) * sizeof(*o));
	*ops = o;
	*n_ops = cap - k_ops;
	for (size_t i = 0; i < n_trace; i++)
		free(trace[i]);
	free(trace);
	free(v);
	return 0;
fail:
	for (size_t i = 0; i < n_trace; i++)
		free(trace[i]);
	free(trace);
	free(v);
	return -1;
}

/* ---- hunks ------------------------------------------------------------ */

static void put_line(struct st_buf *out, char mark, const struct line *l, const char *const *secrets,
                     size_t n_secrets)
{
	st_buf_putc(out, mark);
	size_t len = l->len;
	int nl = len && l->s[len - 1] == '\n';
	if (nl)
		len--;
	/* a secret anywhere on the line is shown as *** (longest first would matter only for nested secrets) */
	size_t i = 0;
	while (i < len) {
		size_t hit = 0;
		for (size_t s = 0; s < n_secrets; s++) {
			size_t sl = strlen(secrets[s]);
			if (sl && sl <= len - i && memcmp(l->s + i, secrets[s], sl) == 0 && sl > hit)
				hit = sl;
		}
		if (hit) {
			st_buf_puts(out, "***");
			i += hit;
		} else {
			st_buf_putc(out, l->s[i++]);
		}
	}
	st_buf_puts(out, nl ? "\n" : "\n\\ No newline at end of file\n");
}

int st_patch_file(const char *path, const char *old, size_t old_len, const char *new_text, size_t new_len,
                  const char *const *secrets, size_t n_secrets, struct st_buf *out)
{
	if (old_len == new_len && memcmp(old, new_text, old_len) == 0)
		return 0;
	size_t n, m, n_ops = 0;
	struct line *a = split_lines(old, old_len, &n);
	struct line *b = split_lines(new_text, new_len, &m);
	struct op *ops = NULL;
	int rc = -1;
	if (!a || !b || myers(a, n, b, m, &ops, &n_ops) < 0)
		goto out;
	st_buf_printf(out, "--- a/%s\n+++ b/%s\n", path, path);
	const size_t ctx_lines = 3;
	size_t i = 0;
	while (i < n_ops) {
		if (ops[i].kind == OP_SAME) {
			i++;
			continue;
		}
		/* a hunk: from up to 3 lines before the first change to 3 after the last one that is
		 * followed by more than 6 unchanged lines */
		size_t start = i >= ctx_lines ? i - ctx_lines : 0;
		size_t end = i;
		for (;;) {
			while (end < n_ops && ops[end].kind != OP_SAME)
				end++;
			size_t same = 0;
			while (end + same < n_ops && ops[end + same].kind == OP_SAME)
				same++;
			if (end + same < n_ops && same <= 2 * ctx_lines) {
				end += same;
				continue;
			}
			end += same < ctx_lines ? same : ctx_lines;
			break;
		}
		size_t oc = 0, nc = 0;
		for (size_t k = start; k < end; k++) {
			oc += ops[k].kind != OP_ADD;
			nc += ops[k].kind != OP_DEL;
		}
		/* line numbers: the first line of the hunk; for an empty side, the line before it */
		size_t os = ops[start].a + (oc ? 1 : 0), ns = ops[start].b + (nc ? 1 : 0);
		st_buf_printf(out, "@@ -%zu", os);
		if (oc != 1)
			st_buf_printf(out, ",%zu", oc);
		st_buf_printf(out, " +%zu", ns);
		if (nc != 1)
			st_buf_printf(out, ",%zu", nc);
		st_buf_puts(out, " @@\n");
		for (size_t k = start; k < end; k++) {
			if (ops[k].kind == OP_SAME)
				put_line(out, ' ', &a[ops[k].a], secrets, n_secrets);
			else if (ops[k].kind == OP_DEL)
				put_line(out, '-', &a[ops[k].a], secrets, n_secrets);
			else
				put_line(out, '+', &b[ops[k].b], secrets, n_secrets);
		}
		i = end;
	}
	rc = out->failed ? -1 : 0;
out:
	free(a);
	free(b);
	free(ops);
	return rc;
}

int st_patch_write(const struct st_tune_plan *plan, int redact, struct st_buf *out)
{
	for (size_t i = 0; i < plan->n_files; i++) {
		const struct st_tune_file *f = &plan->files[i];
		if (!f->n_edits)
			continue;
		struct st_buf nb = {0};
		int rc = st_tune_apply_file(f, &nb);
		if (rc == 0)
			rc = st_patch_file(f->path, f->data, f->size, nb.data ? nb.data : "", nb.len,
			                   redact ? f->secrets : NULL, redact ? f->n_secrets : 0, out);
		st_buf_free(&nb);
		if (rc < 0)
			return -1;
	}
	return 0;
}
