/* host: probe this machine (affinity, cgroup v1/v2 limits, /proc/meminfo, /sys/block) under an optional sysroot.
 *
 * Every path is read as sysroot + "/proc/..." or sysroot + "/sys/...", so tests can hand in fake trees; origins name
 * the path without the sysroot. Effective limits are the minimum over the process's cgroup and all its ancestors,
 * since a parent's limit caps its children (both cgroup versions). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host_internal.h"

#define SMALL_FILE_MAX (1024 * 1024) /* procfs/sysfs files we read are tiny; refuse anything bigger */
#define NO_LIMIT_BYTES (INT64_C(1) << 62) /* cgroup v1 reports "no limit" as ~2^63 rounded to a page */

const char *st_disk_type_name(enum st_disk_type t)
{
	switch (t) {
	case ST_DISK_HDD:
		return "hdd";
	case ST_DISK_SSD:
		return "ssd";
	case ST_DISK_NVME:
		return "nvme";
	case ST_DISK_UNKNOWN:
		break;
	}
	return "unknown";
}

char *st_host_read_file(const char *path, size_t max, size_t *len, int *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*err = errno;
		return NULL;
	}
	size_t cap = 256, n = 0;
	char *buf = malloc(cap);
	if (!buf) {
		close(fd);
		*err = ENOMEM;
		return NULL;
	}
	for (;;) {
		if (n + 1 >= cap) {
			if (cap > max) {
				free(buf);
				close(fd);
				*err = EFBIG;
				return NULL;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				close(fd);
				*err = ENOMEM;
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - 1 - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			*err = errno;
			free(buf);
			close(fd);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	*err = 0;
	return buf;
}

/* Reads sysroot + path into the arena (NUL-terminated, NULs inside make it unusable); NULL when absent. */
static char *slurp(struct st_ctx *ctx, const char *sysroot, const char *path)
{
	char *full = st_arena_printf(&ctx->arena, "%s%s", sysroot, path);
	if (!full) {
		ctx->oom = 1;
		return NULL;
	}
	size_t n;
	int err;
	char *heap = st_host_read_file(full, SMALL_FILE_MAX, &n, &err);
	if (!heap) {
		if (err == ENOMEM)
			ctx->oom = 1;
		return NULL;
	}
	char *s = NULL;
	if (!memchr(heap, '\0', n))
		s = st_arena_strndup(&ctx->arena, heap, n);
	free(heap);
	return s;
}

/* Trims trailing whitespace in place and returns s. */
static char *rtrim(char *s)
{
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Parses a non-negative decimal integer filling the whole token [s, s+n); 0 or -1. */
static int parse_u64(const char *s, size_t n, int64_t *out)
{
	if (n == 0 || n > 19)
		return -1;
	int64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Counts the CPUs in a kernel CPU list such as "0-3,6"; -1 on garbage. */
static int64_t count_cpu_list(const char *s)
{
	int64_t total = 0;
	const char *p = s;
	while (*p && !isspace((unsigned char)*p)) {
		const char *q = p;
		while (isdigit((unsigned char)*q))
			q++;
		int64_t a, b;
		if (parse_u64(p, (size_t)(q - p), &a) < 0)
			return -1;
		b = a;
		if (*q == '-') {
			const char *r = ++q;
			while (isdigit((unsigned char)*q))
				q++;
			if (parse_u64(r, (size_t)(q - r), &b) < 0 || b < a)
				return -1;
		}
		if (b - a + 1 > 1000000 - total)
			return -1;
		total += b - a + 1;
		if (*q == ',')
			q++;
		else if (*q && !isspace((unsigned char)*q))
			return -1;
		p = q;
	}
	return total > 0 ? total : -1;
}

/* CPUs this process may run on; 0 when the affinity mask cannot be read. */
static int64_t affinity_count(void)
{
	for (int ncpu = 1024; ncpu <= (1 << 20); ncpu *= 2) {
		cpu_set_t *set = CPU_ALLOC((size_t)ncpu);
		if (!set)
			return 0;
		size_t size = CPU_ALLOC_SIZE((size_t)ncpu);
		CPU_ZERO_S(size, set);
		if (sched_getaffinity(0, size, set) == 0) {
			int n = CPU_COUNT_S(size, set);
			CPU_FREE(set);
			return n;
		}
		int e = errno;
		CPU_FREE(set);
		if (e != EINVAL)
			return 0;
	}
	return 0;
}

/* A limit found in some cgroup file: the smallest one wins. */
struct limit {
	int found;
	int64_t value; /* CPUs (rounded up) or bytes */
	const char *file;
	const char *detail;
};

static void limit_offer(struct limit *l, int64_t v, const char *file, const char *detail)
{
	if (!l->found || v < l->value) {
		l->found = 1;
		l->value = v;
		l->file = file;
		l->detail = detail;
	}
}

/* Where the process sits in the hierarchies, from /proc/self/cgroup. */
struct cgroups {
	const char *v2;         /* path of the "0::" line, or NULL */
	const char *cpu;        /* v1 path of the cpu controller */
	const char *cpu_dir;    /* v1 hierarchy directory name, e.g. "cpu,cpuacct" */
	const char *memory;     /* v1 path of the memory controller */
	const char *memory_dir; /* e.g. "memory" */
};

/* Returns 1 when the comma-separated list holds name. */
static int list_has(const char *list, size_t n, const char *name)
{
	size_t k = strlen(name);
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && list[j] != ',')
			j++;
		if (j - i == k && memcmp(list + i, name, k) == 0)
			return 1;
		i = j + 1;
	}
	return 0;
}

/* Rejects cgroup paths that could climb out of the hierarchy ("..") or are not absolute. */
static int path_ok(const char *p)
{
	if (p[0] != '/')
		return 0;
	for (const char *s = p; (s = strstr(s, "..")) != NULL; s += 2)
		if (s[-1] == '/' && (s[2] == '/' || s[2] == '\0'))
			return 0;
	return 1;
}

static void read_cgroups(struct st_ctx *ctx, const char *sysroot, struct cgroups *cg)
{
	memset(cg, 0, sizeof(*cg));
	char *text = slurp(ctx, sysroot, "/proc/self/cgroup");
	if (!text)
		return;
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		/* hierarchy-ID:controller-list:cgroup-path */
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (c2) {
			char *path = rtrim(c2 + 1);
			const char *ctl = c1 + 1;
			size_t ctl_n = (size_t)(c2 - ctl);
			if (!path_ok(path)) {
				struct st_origin o = {.kind = ST_ORIGIN_HOST, .file = "/proc/self/cgroup"};
				st_diag(ctx, ST_SEV_WARNING, &o, "ignoring cgroup path that is not a plain absolute path");
			} else if (c1 - line == 1 && line[0] == '0' && ctl_n == 0) {
				cg->v2 = path;
			} else {
				char *dir = st_arena_strndup(&ctx->arena, ctl, ctl_n);
				if (list_has(ctl, ctl_n, "cpu")) {
					cg->cpu = path;
					cg->cpu_dir = dir;
				}
				if (list_has(ctl, ctl_n, "memory")) {
					cg->memory = path;
					cg->memory_dir = dir;
				}
			}
		}
		line = nl ? nl + 1 : NULL;
	}
}

/* Calls fn for the cgroup directory mount + path and each of its ancestors up to mount itself. */
typedef void (*level_fn)(struct st_ctx *ctx, const char *sysroot, const char *dir, void *arg);

static void walk_levels(struct st_ctx *ctx, const char *sysroot, const char *mount, const char *path, level_fn fn,
                        void *arg)
{
	char *p = st_arena_strdup(&ctx->arena, path ? path : "/");
	if (!p) {
		ctx->oom = 1;
		return;
	}
	for (;;) {
		size_t n = strlen(p);
		while (n > 1 && p[n - 1] == '/')
			p[--n] = '\0';
		int root = strcmp(p, "/") == 0 || n == 0;
		char *dir = root ? st_arena_strdup(&ctx->arena, mount) : st_arena_printf(&ctx->arena, "%s%s", mount, p);
		if (!dir) {
			ctx->oom = 1;
			return;
		}
		fn(ctx, sysroot, dir, arg);
		if (root)
			return;
		char *slash = strrchr(p, '/');
		if (slash == p)
			p[1] = '\0';
		else
			*slash = '\0';
	}
}

static void warn_bad(struct st_ctx *ctx, const char *file, const char *what)
{
	struct st_origin o = {.kind = ST_ORIGIN_HOST, .file = file};
	st_diag(ctx, ST_SEV_WARNING, &o, "ignoring %s: not in the expected format", what);
}

/* cgroup v2 cpu.max: "max 100000" (no limit) or "QUOTA PERIOD". */
static void cpu_v2_level(struct st_ctx *ctx, const char *sysroot, const char *dir, void *arg)
{
	char *file = st_arena_printf(&ctx->arena, "%s/cpu.max", dir);
	char *text = file ? slurp(ctx, sysroot, file) : NULL;
	if (!text)
		return;
	rtrim(text);
	char *sp = strchr(text, ' ');
	int64_t quota, period;
	if (!sp || parse_u64(sp + 1, strlen(sp + 1), &period) < 0 || period <= 0) {
		warn_bad(ctx, file, "cpu.max");
		return;
	}
	if ((size_t)(sp - text) == 3 && memcmp(text, "max", 3) == 0)
		return;
	if (parse_u64(text, (size_t)(sp - text), &quota) < 0 || quota <= 0) {
		warn_bad(ctx, file, "cpu.max");
		return;
	}
	limit_offer(arg, (quota + period - 1) / period, file,
	            st_arena_printf(&ctx->arena, "quota %lld/%lld", (long long)quota, (long long)period));
}

/* cgroup v1 cpu.cfs_quota_us (-1 = no limit) over cpu.cfs_period_us. */
static void cpu_v1_level(struct st_ctx *ctx, const char *sysroot, const char *dir, void *arg)
{
	char *qfile = st_arena_printf(&ctx->arena, "%s/cpu.cfs_quota_us", dir);
	char *pfile = st_arena_printf(&ctx->arena, "%s/cpu.cfs_period_us", dir);
	char *qt = qfile ? slurp(ctx, sysroot, qfile) : NULL;
	char *pt = pfile ? slurp(ctx, sysroot, pfile) : NULL;
	if (!qt)
		return;
	rtrim(qt);
	if (strcmp(qt, "-1") == 0)
		return;
	int64_t quota, period;
	if (parse_u64(qt, strlen(qt), &quota) < 0 || quota <= 0) {
		warn_bad(ctx, qfile, "cpu.cfs_quota_us");
		return;
	}
	if (pt)
		rtrim(pt);
	if (!pt || parse_u64(pt, strlen(pt), &period) < 0 || period <= 0) {
		warn_bad(ctx, pfile, "cpu.cfs_period_us");
		return;
	}
	limit_offer(arg, (quota + period - 1) / period, qfile,
	            st_arena_printf(&ctx->arena, "quota %lld/%lld", (long long)quota, (long long)period));
}

static const char *size_detail(struct st_ctx *ctx, const char *prefix, int64_t bytes)
{
	struct st_buf b = {0};
	st_buf_printf(&b, "%s", prefix);
	st_size_format(&b, bytes);
	char *s = b.failed ? NULL : st_arena_strdup(&ctx->arena, st_buf_cstr(&b));
	st_buf_free(&b);
	return s;
}

/* A memory limit file holding bytes, or "max" (v2); v1's near-2^63 value means no limit. */
static void memory_level(struct st_ctx *ctx, const char *sysroot, const char *dir, const char *name, void *arg)
{
	char *file = st_arena_printf(&ctx->arena, "%s/%s", dir, name);
	char *text = file ? slurp(ctx, sysroot, file) : NULL;
	if (!text)
		return;
	rtrim(text);
	if (strcmp(text, "max") == 0)
		return;
	int64_t v;
	if (parse_u64(text, strlen(text), &v) < 0 || v <= 0) {
		warn_bad(ctx, file, name);
		return;
	}
	if (v >= NO_LIMIT_BYTES)
		return;
	limit_offer(arg, v, file, size_detail(ctx, "limit ", v));
}

static void memory_v2_level(struct st_ctx *ctx, const char *sysroot, const char *dir, void *arg)
{
	memory_level(ctx, sysroot, dir, "memory.max", arg);
}

static void memory_v1_level(struct st_ctx *ctx, const char *sysroot, const char *dir, void *arg)
{
	memory_level(ctx, sysroot, dir, "memory.limit_in_bytes", arg);
}

/* Walks the v2 hierarchy (pure or the hybrid "unified" mount) and the named v1 hierarchy for one resource. */
static void cgroup_limit(struct st_ctx *ctx, const char *sysroot, const struct cgroups *cg, level_fn v2,
                         const char *v1_path, const char *v1_dir, const char *v1_default, level_fn v1, struct limit *l)
{
	walk_levels(ctx, sysroot, "/sys/fs/cgroup", cg->v2, v2, l);
	walk_levels(ctx, sysroot, "/sys/fs/cgroup/unified", cg->v2, v2, l);
	const char *dirs[2] = {v1_dir, v1_default};
	for (int i = 0; i < 2; i++) {
		if (!dirs[i] || (i == 1 && v1_dir && strcmp(v1_dir, v1_default) == 0))
			continue;
		char *mount = st_arena_printf(&ctx->arena, "/sys/fs/cgroup/%s", dirs[i]);
		if (mount)
			walk_levels(ctx, sysroot, mount, v1_path, v1, l);
	}
}

static int probe_cpus(struct st_ctx *ctx, const char *sysroot, const struct cgroups *cg, struct st_host *h)
{
	int64_t n = 0;
	struct st_origin o = {.kind = ST_ORIGIN_HOST};
	if (!*sysroot) {
		n = affinity_count();
		o.file = "sched_getaffinity";
		o.detail = st_arena_printf(&ctx->arena, "%lld CPUs in the affinity mask", (long long)n);
	}
	if (n <= 0) {
		char *online = slurp(ctx, sysroot, "/sys/devices/system/cpu/online");
		if (online) {
			rtrim(online);
			n = count_cpu_list(online);
			o.file = "/sys/devices/system/cpu/online";
			o.detail = online;
			if (n < 0)
				warn_bad(ctx, o.file, "CPU list");
		}
	}
	if (n <= 0 && !*sysroot) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);
		n = c > 0 ? c : 0;
		o.file = "sysconf";
		o.detail = "_SC_NPROCESSORS_ONLN";
	}
	struct limit l = {0};
	cgroup_limit(ctx, sysroot, cg, cpu_v2_level, cg->cpu, cg->cpu_dir, "cpu", cpu_v1_level, &l);
	if (l.found && (n <= 0 || l.value < n)) {
		n = l.value;
		o.file = l.file;
		o.detail = l.detail;
	} else if (l.found) {
		o.detail = st_arena_printf(&ctx->arena, "%s; cgroup %s allows more", o.detail ? o.detail : "", l.detail);
	}
	if (n <= 0) {
		struct st_origin e = {.kind = ST_ORIGIN_HOST, .file = "/sys/devices/system/cpu/online"};
		return st_diag(ctx, ST_SEV_ERROR, &e, "cannot tell how many CPUs this machine has");
	}
	h->cpus = n;
	h->cpus_origin = o;
	return 0;
}

/* MemTotal from /proc/meminfo in bytes; 0 when absent. */
static int64_t meminfo_total(struct st_ctx *ctx, const char *sysroot, const char **detail)
{
	char *text = slurp(ctx, sysroot, "/proc/meminfo");
	if (!text)
		return 0;
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (strncmp(line, "MemTotal:", 9) == 0) {
			char *p = line + 9;
			while (*p == ' ' || *p == '\t')
				p++;
			char *q = p;
			while (isdigit((unsigned char)*q))
				q++;
			int64_t kb;
			if (parse_u64(p, (size_t)(q - p), &kb) < 0 || strcmp(rtrim(q), " kB") != 0 || kb <= 0 ||
			    kb > INT64_MAX / 1024) {
				warn_bad(ctx, "/proc/meminfo", "MemTotal");
				return 0;
			}
			*detail = st_arena_printf(&ctx->arena, "MemTotal %lld kB", (long long)kb);
			return kb * 1024;
		}
		line = nl ? nl + 1 : NULL;
	}
	return 0;
}

static int probe_memory(struct st_ctx *ctx, const char *sysroot, const struct cgroups *cg, struct st_host *h)
{
	struct st_origin o = {.kind = ST_ORIGIN_HOST, .file = "/proc/meminfo"};
	int64_t n = meminfo_total(ctx, sysroot, &o.detail);
	if (n <= 0 && !*sysroot) {
		long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
		if (pages > 0 && page > 0 && pages <= INT64_MAX / page) {
			n = (int64_t)pages * page;
			o.file = "sysconf";
			o.detail = "_SC_PHYS_PAGES";
		}
	}
	struct limit l = {0};
	cgroup_limit(ctx, sysroot, cg, memory_v2_level, cg->memory, cg->memory_dir, "memory", memory_v1_level, &l);
	if (l.found && (n <= 0 || l.value < n)) {
		n = l.value;
		o.file = l.file;
		o.detail = l.detail;
	}
	if (n <= 0) {
		struct st_origin e = {.kind = ST_ORIGIN_HOST, .file = "/proc/meminfo"};
		return st_diag(ctx, ST_SEV_ERROR, &e, "cannot tell how much memory this machine has");
	}
	h->memory_bytes = n;
	h->memory_origin = o;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Block devices that never hold data files: loop devices, RAM disks, compressed swap, optical and floppy. */
static int skip_disk(const char *name)
{
	static const char *const prefixes[] = {"loop", "ram", "zram", "sr", "fd"};
	if (name[0] == '.')
		return 1;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	return 0;
}

static void probe_disks(struct st_ctx *ctx, const char *sysroot, struct st_host *h)
{
	h->disk_type = ST_DISK_UNKNOWN;
	h->disk_origin = (struct st_origin){.kind = ST_ORIGIN_HOST, .file = "/sys/block", .detail = "no disks found"};
	char *dirpath = st_arena_printf(&ctx->arena, "%s/sys/block", sysroot);
	DIR *d = dirpath ? opendir(dirpath) : NULL;
	if (!d)
		return;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (skip_disk(e->d_name))
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			char **nn = realloc(names, nc * sizeof(*nn));
			if (!nn) {
				ctx->oom = 1;
				break;
			}
			names = nn;
			cap = nc;
		}
		names[n] = st_arena_strdup(&ctx->arena, e->d_name);
		if (!names[n]) {
			ctx->oom = 1;
			break;
		}
		n++;
	}
	closedir(d);
	if (n == 0) {
		free(names);
		return;
	}
	qsort(names, n, sizeof(*names), cmp_str);
	h->disks = st_arena_alloc(&ctx->arena, n * sizeof(*h->disks));
	if (!h->disks) {
		ctx->oom = 1;
		free(names);
		return;
	}
	size_t count[4] = {0};
	for (size_t i = 0; i < n; i++) {
		struct st_disk *k = &h->disks[i];
		k->name = names[i];
		k->origin.kind = ST_ORIGIN_HOST;
		if (strncmp(names[i], "nvme", 4) == 0) {
			k->type = ST_DISK_NVME;
			k->origin.file = st_arena_printf(&ctx->arena, "/sys/block/%s", names[i]);
			k->origin.detail = "NVMe device name";
		} else {
			char *file = st_arena_printf(&ctx->arena, "/sys/block/%s/queue/rotational", names[i]);
			char *text = file ? slurp(ctx, sysroot, file) : NULL;
			k->origin.file = file;
			if (text && strcmp(rtrim(text), "1") == 0)
				k->type = ST_DISK_HDD;
			else if (text && strcmp(text, "0") == 0)
				k->type = ST_DISK_SSD;
			else
				k->origin.detail = "no usable queue/rotational";
		}
		count[k->type]++;
	}
	h->n_disks = n;
	free(names);
	/* The most common known type; a tie goes to the faster type. */
	static const enum st_disk_type fastest_first[] = {ST_DISK_NVME, ST_DISK_SSD, ST_DISK_HDD};
	size_t best = 0;
	for (size_t i = 0; i < 3; i++) {
		if (count[fastest_first[i]] > best) {
			best = count[fastest_first[i]];
			h->disk_type = fastest_first[i];
		}
	}
	if (best)
		h->disk_origin.detail =
			st_arena_printf(&ctx->arena, "%zu of %zu disks are %s", best, n, st_disk_type_name(h->disk_type));
	else
		h->disk_origin.detail = "no disk of a known type";
}

int st_host_probe(struct st_ctx *ctx, const char *sysroot, struct st_host *h)
{
	if (!sysroot)
		sysroot = "";
	memset(h, 0, sizeof(*h));
	h->source = "host";
	struct cgroups cg;
	read_cgroups(ctx, sysroot, &cg);
	int rc = 0;
	if (probe_cpus(ctx, sysroot, &cg, h) < 0)
		rc = -1;
	if (probe_memory(ctx, sysroot, &cg, h) < 0)
		rc = -1;
	probe_disks(ctx, sysroot, h);
	return rc;
}

/* Origin kind decides the layer: --cpus/--memory beat a profile, which beats the probed host. */
static int layer_of(const struct st_origin *o)
{
	switch (o->kind) {
	case ST_ORIGIN_CLI:
		return ST_LAYER_CLI;
	case ST_ORIGIN_PROFILE:
		return ST_LAYER_PROFILE;
	default:
		return ST_LAYER_HOST;
	}
}

void st_host_facts(struct st_ctx *ctx, const struct st_host *h)
{
	int base = h->source && strcmp(h->source, "profile") == 0 ? ST_LAYER_PROFILE : ST_LAYER_HOST;
	if (h->cpus > 0)
		st_fact_set(ctx, "host.cpus", NULL, st_value_int(h->cpus), &h->cpus_origin, layer_of(&h->cpus_origin));
	if (h->memory_bytes > 0)
		st_fact_set(ctx, "host.memory", NULL, st_value_size(h->memory_bytes), &h->memory_origin,
		            layer_of(&h->memory_origin));
	if (h->disk_type != ST_DISK_UNKNOWN)
		st_fact_set(ctx, "host.disk", NULL, st_value_string(st_disk_type_name(h->disk_type)), &h->disk_origin,
		            base);
	if (h->workload)
		st_fact_set(ctx, "host.workload", NULL, st_value_string(h->workload), &h->workload_origin,
		            layer_of(&h->workload_origin));
	for (size_t i = 0; i < h->n_disks; i++) {
		char *name = st_arena_printf(&ctx->arena, "host.disk.%s", h->disks[i].name);
		if (!name) {
			ctx->oom = 1;
			return;
		}
		st_fact_set(ctx, name, NULL, st_value_string(st_disk_type_name(h->disks[i].type)), &h->disks[i].origin,
		            base);
	}
}

static const char *shown(struct st_ctx *ctx, const char *text)
{
	return st_host_shown(ctx, text, strlen(text));
}

int st_host_override_cpus(struct st_ctx *ctx, struct st_host *h, const char *text)
{
	struct st_origin o = {.kind = ST_ORIGIN_CLI, .detail = "--cpus"};
	int64_t v;
	const char *err = NULL;
	if (st_int_parse(text, strlen(text), &v, &err) < 0 || v < 1 || v > 4096)
		return st_diag(ctx, ST_SEV_ERROR, &o, "--cpus '%s': %s", shown(ctx, text),
		               err ? err : "want a whole number from 1 to 4096");
	h->cpus = v;
	h->cpus_origin = o;
	return 0;
}

int st_host_override_memory(struct st_ctx *ctx, struct st_host *h, const char *text)
{
	struct st_origin o = {.kind = ST_ORIGIN_CLI, .detail = "--memory"};
	int64_t v;
	const char *err = NULL;
	if (st_host_parse_memory(text, strlen(text), &v, &err) < 0)
		return st_diag(ctx, ST_SEV_ERROR, &o, "--memory '%s': %s", shown(ctx, text), err);
	h->memory_bytes = v;
	h->memory_origin = o;
	return 0;
}
