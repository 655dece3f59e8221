/* host room: probing fake sysroots and this machine, profiles, --cpus/--memory overrides, host facts. */
#include <ctype.h>
#include <dirent.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stacktune/host.h"
#include "tap.h"

#define FIX "unit/fixtures/host"
#define GiB (1024LL * 1024 * 1024)
#define MiB (1024LL * 1024)

/* Returns the message of the first diagnostic of at least sev, or NULL. */
static const struct st_diag *first_diag(const struct st_ctx *ctx, enum st_severity sev)
{
	for (size_t i = 0; i < ctx->diags.n; i++)
		if (ctx->diags.items[i].severity >= sev)
			return &ctx->diags.items[i];
	return NULL;
}

/* Returns the first error diagnostic on the given line, or NULL. */
static const struct st_diag *error_at(const struct st_ctx *ctx, unsigned line)
{
	for (size_t i = 0; i < ctx->diags.n; i++)
		if (ctx->diags.items[i].severity == ST_SEV_ERROR && ctx->diags.items[i].origin.line == line)
			return &ctx->diags.items[i];
	return NULL;
}

static int has(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

static void test_v2_quota(void)
{
	struct st_ctx ctx;
	struct st_host h;
	st_ctx_init(&ctx);
	is_int(st_host_probe(&ctx, FIX "/v2quota", &h), 0, "v2 quota: probe succeeds");
	is_int(h.cpus, 2, "v2 quota: 8 online CPUs capped to 2 by the parent's cpu.max");
	is_int(h.cpus_origin.kind, ST_ORIGIN_HOST, "v2 quota: cpus origin is host");
	is_str(h.cpus_origin.file, "/sys/fs/cgroup/app.slice/cpu.max", "v2 quota: the parent's cpu.max decided");
	is_str(h.cpus_origin.detail, "quota 200000/100000", "v2 quota: detail names the quota");
	is_int(h.memory_bytes, 2 * GiB, "v2 quota: memory.max 2GiB below MemTotal wins");
	is_str(h.memory_origin.file, "/sys/fs/cgroup/app.slice/web.service/memory.max", "v2 quota: leaf memory.max");
	is_str(h.source, "host", "v2 quota: source is host");
	ok(h.profile == NULL, "v2 quota: no profile");
	is_int(h.n_disks, 3, "v2 quota: loop0 skipped, three disks");
	if (h.n_disks == 3) {
		is_str(h.disks[0].name, "nvme0n1", "disks sorted: nvme0n1 first");
		is_int(h.disks[0].type, ST_DISK_NVME, "nvme0n1 is nvme");
		is_str(h.disks[1].name, "sda", "then sda");
		is_int(h.disks[1].type, ST_DISK_HDD, "sda rotational 1 is hdd");
		is_str(h.disks[1].origin.file, "/sys/block/sda/queue/rotational", "sda origin is its rotational file");
		is_int(h.disks[2].type, ST_DISK_SSD, "sdb rotational 0 is ssd");
	}
	is_int(h.disk_type, ST_DISK_NVME, "v2 quota: one each of nvme/hdd/ssd: tie goes to the fastest");
	is_int(st_diag_count(&ctx, ST_SEV_WARNING), 0, "v2 quota: no warnings");

	st_host_facts(&ctx, &h);
	const struct st_fact *f = st_fact_get(&ctx, "host.cpus");
	ok(f && f->value.kind == ST_VAL_INT && f->value.i == 2, "fact host.cpus = 2");
	ok(f && f->layer == ST_LAYER_HOST, "fact host.cpus in the host layer");
	ok(f && f->origin.file && strcmp(f->origin.file, "/sys/fs/cgroup/app.slice/cpu.max") == 0,
	   "fact host.cpus keeps the origin");
	f = st_fact_get(&ctx, "host.memory");
	ok(f && f->value.kind == ST_VAL_SIZE && f->value.i == 2 * GiB, "fact host.memory is a size of 2GiB");
	f = st_fact_get(&ctx, "host.disk");
	ok(f && f->value.kind == ST_VAL_STRING && strcmp(f->value.text, "nvme") == 0, "fact host.disk = nvme");
	f = st_fact_get(&ctx, "host.disk.sda");
	ok(f && f->value.text && strcmp(f->value.text, "hdd") == 0, "fact host.disk.sda = hdd");
	ok(st_fact_get(&ctx, "host.disk.loop0") == NULL, "no fact for loop0");
	ok(st_fact_get(&ctx, "host.workload") == NULL, "no host.workload for a probed host");
	st_ctx_free(&ctx);
}

static void test_v2_max(void)
{
	struct st_ctx ctx;
	struct st_host h;
	st_ctx_init(&ctx);
	is_int(st_host_probe(&ctx, FIX "/v2max", &h), 0, "v2 max: probe succeeds");
	is_int(h.cpus, 5, "v2 max: online list 0-3,6 is 5 CPUs");
	is_str(h.cpus_origin.file, "/sys/devices/system/cpu/online", "v2 max: the CPU list decided");
	is_int(h.memory_bytes, 16384000LL * 1024, "v2 max: memory.max 'max' leaves MemTotal");
	is_str(h.memory_origin.file, "/proc/meminfo", "v2 max: /proc/meminfo decided");
	is_str(h.memory_origin.detail, "MemTotal 16384000 kB", "v2 max: detail quotes MemTotal");
	is_int(h.n_disks, 4, "v2 max: ram0 and zram0 skipped, dm-0 kept");
	if (h.n_disks == 4) {
		is_str(h.disks[0].name, "dm-0", "dm-0 listed");
		is_int(h.disks[0].type, ST_DISK_UNKNOWN, "dm-0 without queue/rotational is unknown");
	}
	is_int(h.disk_type, ST_DISK_HDD, "v2 max: two hdd beat one ssd");
	ok(has(h.disk_origin.detail, "2 of 4"), "v2 max: disk detail counts (%s)", h.disk_origin.detail);
	st_host_facts(&ctx, &h);
	const struct st_fact *f = st_fact_get(&ctx, "host.disk.dm-0");
	ok(f && strcmp(f->value.text, "unknown") == 0, "fact host.disk.dm-0 = unknown");
	st_ctx_free(&ctx);
}

static void test_v1(void)
{
	struct st_ctx ctx;
	struct st_host h;
	st_ctx_init(&ctx);
	is_int(st_host_probe(&ctx, FIX "/v1quota", &h), 0, "v1 quota: probe succeeds");
	is_int(h.cpus, 2, "v1 quota: 150000/100000 rounds up to 2 of 16 CPUs");
	is_str(h.cpus_origin.file, "/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us",
	       "v1 quota: found by walking up from a path absent under the mount");
	is_str(h.cpus_origin.detail, "quota 150000/100000", "v1 quota: detail");
	is_int(h.memory_bytes, 1 * GiB, "v1 quota: memory.limit_in_bytes 1GiB");
	is_str(h.memory_origin.file, "/sys/fs/cgroup/memory/memory.limit_in_bytes", "v1 quota: memory origin");
	is_int(h.disk_type, ST_DISK_NVME, "v1 quota: two nvme, one ssd");
	is_int(st_diag_count(&ctx, ST_SEV_WARNING), 0, "v1 quota: no warnings");
	st_ctx_free(&ctx);

	st_ctx_init(&ctx);
	is_int(st_host_probe(&ctx, FIX "/v1unlimited", &h), 0, "v1 unlimited: probe succeeds");
	is_int(h.cpus, 2, "v1 unlimited: quota -1 leaves the 2 online CPUs");
	is_str(h.cpus_origin.file, "/sys/devices/system/cpu/online", "v1 unlimited: CPU list decided");
	is_int(h.memory_bytes, 4000000LL * 1024, "v1 unlimited: 9223372036854771712 is no limit");
	is_str(h.memory_origin.file, "/proc/meminfo", "v1 unlimited: meminfo decided");
	is_int(h.disk_type, ST_DISK_HDD, "v1 unlimited: vda rotational is hdd");
	is_int(st_diag_count(&ctx, ST_SEV_WARNING), 0, "v1 unlimited: no warnings");
	st_ctx_free(&ctx);
}

static void test_sparse(void)
{
	struct st_ctx ctx;
	struct st_host h;
	st_ctx_init(&ctx);
	is_int(st_host_probe(&ctx, FIX "/meminfo-only", &h), 0, "meminfo only: probe succeeds");
	is_int(h.cpus, 1, "meminfo only: online '0' is one CPU");
	is_int(h.memory_bytes, 2000000LL * 1024, "meminfo only: MemTotal");
	is_int(h.n_disks, 0, "meminfo only: no disks");
	is_int(h.disk_type, ST_DISK_UNKNOWN, "meminfo only: disk unknown");
	st_host_facts(&ctx, &h);
	ok(st_fact_get(&ctx, "host.disk") == NULL, "meminfo only: no host.disk fact for an unknown disk");
	st_ctx_free(&ctx);

	st_ctx_init(&ctx);
	is_int(st_host_probe(&ctx, FIX "/garbage", &h), 0, "garbage: probe still succeeds");
	is_int(h.cpus, 4, "garbage: bad cpu.max ignored, 4 online CPUs");
	is_int(h.memory_bytes, 512 * MiB, "garbage: bad MemTotal ignored, memory.max used");
	ok(st_diag_count(&ctx, ST_SEV_WARNING) >= 3, "garbage: warnings for the path, cpu.max and MemTotal");
	is_int(st_diag_count(&ctx, ST_SEV_ERROR), 0, "garbage: no errors");
	st_ctx_free(&ctx);

	st_ctx_init(&ctx);
	is_int(st_host_probe(&ctx, FIX "/empty", &h), -1, "empty sysroot: probe fails");
	ok(st_diag_count(&ctx, ST_SEV_ERROR) >= 1, "empty sysroot: with an error diagnostic");
	st_ctx_free(&ctx);
}

/* Reads the first line of a file into a malloc'ed string; NULL when absent. */
static char *first_line(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, f);
	fclose(f);
	if (n < 0) {
		free(line);
		return NULL;
	}
	while (n > 0 && isspace((unsigned char)line[n - 1]))
		line[--n] = '\0';
	return line;
}

/* Whether the top-level cgroup files (v2 or v1) say this process has a CPU quota. */
static int cgroup_cpu_limited(void)
{
	char *v2 = first_line("/sys/fs/cgroup/cpu.max");
	int limited = v2 && strncmp(v2, "max", 3) != 0;
	free(v2);
	char *v1 = first_line("/sys/fs/cgroup/cpu/cpu.cfs_quota_us");
	if (!v1)
		v1 = first_line("/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us");
	if (v1 && strcmp(v1, "-1") != 0)
		limited = 1;
	free(v1);
	/* a quota deeper in the tree: the path from /proc/self/cgroup */
	FILE *f = fopen("/proc/self/cgroup", "r");
	char *line = NULL;
	size_t cap = 0;
	while (f && getline(&line, &cap, f) > 0) {
		if (strncmp(line, "0::", 3) == 0) {
			line[strcspn(line, "\n")] = '\0';
			size_t n = strlen(line) + 40;
			char *p = malloc(n);
			if (p) {
				snprintf(p, n, "/sys/fs/cgroup%s/cpu.max", line + 3);
				char *v = first_line(p);
				if (v && strncmp(v, "max", 3) != 0)
					limited = 1;
				free(v);
				free(p);
			}
		}
	}
	free(line);
	if (f)
		fclose(f);
	return limited;
}

static void test_real(void)
{
	struct st_ctx ctx;
	struct st_host h;
	st_ctx_init(&ctx);
	is_int(st_host_probe(&ctx, "", &h), 0, "this machine: probe succeeds");
	ok(h.cpus >= 1, "this machine: at least one CPU (%lld)", (long long)h.cpus);
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;
	int affinity = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : (int)online;
	if (!cgroup_cpu_limited()) {
		is_int(h.cpus, affinity, "this machine, no cgroup quota: cpus = the affinity mask");
		if (affinity == online)
			is_int(h.cpus, online, "this machine: cpus = sysconf(_SC_NPROCESSORS_ONLN)");
		is_str(h.cpus_origin.file, "sched_getaffinity", "this machine: sched_getaffinity decided");
	} else {
		ok(h.cpus <= affinity, "this machine, cgroup quota: cpus %lld <= affinity %d", (long long)h.cpus,
		   affinity);
		ok(h.cpus_origin.file && strncmp(h.cpus_origin.file, "/sys/fs/cgroup", 14) == 0,
		   "this machine: a cgroup file decided");
	}
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	ok(h.memory_bytes > 0 && h.memory_bytes <= (long long)pages * page + 1024 * 1024,
	   "this machine: 0 < memory <= physical memory");
	for (size_t i = 0; i < h.n_disks; i++)
		ok(strncmp(h.disks[i].name, "loop", 4) != 0 && strncmp(h.disks[i].name, "zram", 4) != 0,
		   "this machine: disk %s is not a loop/zram device", h.disks[i].name);
	is_int(st_diag_count(&ctx, ST_SEV_ERROR), 0, "this machine: no errors");
	st_ctx_free(&ctx);
}

static void test_profiles_shipped(void)
{
	DIR *d = opendir("../profiles");
	ok(d != NULL, "profiles/ directory exists");
	if (!d)
		return;
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d)) != NULL) {
		size_t k = strlen(e->d_name);
		if (k <= 4 || strcmp(e->d_name + k - 4, ".ini") != 0)
			continue;
		char name[256];
		snprintf(name, sizeof(name), "%.*s", (int)(k - 4), e->d_name);
		struct st_ctx ctx;
		struct st_host h;
		st_ctx_init(&ctx);
		memset(&h, 0, sizeof(h));
		int rc = st_profile_load(&ctx, "..", name, &h);
		is_int(rc, 0, "profile %s loads", name);
		is_int(ctx.diags.n, 0, "profile %s: no diagnostics", name);
		ok(h.cpus >= 1 && h.memory_bytes >= GiB, "profile %s: cpus %lld, memory %lld", name, (long long)h.cpus,
		   (long long)h.memory_bytes);
		ok(h.disk_type != ST_DISK_UNKNOWN && h.workload, "profile %s: disk and workload set", name);
		is_str(h.profile, name, "profile %s: name recorded", name);
		n++;
		st_ctx_free(&ctx);
	}
	closedir(d);
	ok(n >= 5, "at least five profiles shipped (%d)", n);

	struct st_ctx ctx;
	struct st_host h;
	st_ctx_init(&ctx);
	is_int(st_profile_load(&ctx, "..", "4c8g", &h), 0, "4c8g by name");
	is_int(h.cpus, 4, "4c8g: 4 CPUs");
	is_int(h.memory_bytes, 8 * GiB, "4c8g: 8GB = 8GiB");
	is_int(h.disk_type, ST_DISK_SSD, "4c8g: ssd");
	is_str(h.workload, "web", "4c8g: web");
	is_str(h.source, "profile", "4c8g: source profile");
	is_str(h.cpus_origin.file, "profiles/4c8g.ini", "4c8g: origin file relative to the data dir");
	is_int(h.cpus_origin.kind, ST_ORIGIN_PROFILE, "4c8g: origin kind profile");
	ok(h.cpus_origin.line > 10, "4c8g: origin line after the format comment (%u)", h.cpus_origin.line);
	is_int(h.n_disks, 0, "4c8g: a profile lists no disks");
	st_host_facts(&ctx, &h);
	const struct st_fact *f = st_fact_get(&ctx, "host.cpus");
	ok(f && f->layer == ST_LAYER_PROFILE && f->value.i == 4, "fact host.cpus = 4 in the profile layer");
	f = st_fact_get(&ctx, "host.workload");
	ok(f && strcmp(f->value.text, "web") == 0 && f->origin.kind == ST_ORIGIN_PROFILE && f->origin.line > 0,
	   "fact host.workload = web with a profile line");
	f = st_fact_get(&ctx, "host.disk");
	ok(f && strcmp(f->value.text, "ssd") == 0 && f->layer == ST_LAYER_PROFILE, "fact host.disk = ssd");

	/* a profile replaces a probed host entirely */
	struct st_host probed;
	is_int(st_host_probe(&ctx, FIX "/v2quota", &probed), 0, "probe before a profile");
	is_int(st_profile_load(&ctx, "..", "32c64g", &probed), 0, "32c64g replaces it");
	is_int(probed.cpus, 32, "32c64g: 32 CPUs");
	is_int(probed.memory_bytes, 64 * GiB, "32c64g: 64GiB");
	is_int(probed.n_disks, 0, "32c64g: probed disks dropped");
	is_str(probed.workload, "oltp", "32c64g: oltp");
	st_ctx_free(&ctx);

	st_ctx_init(&ctx);
	memset(&h, 0, sizeof(h));
	h.cpus = 77;
	is_int(st_profile_load(&ctx, "..", "no-such-profile", &h), -1, "unknown profile name fails");
	const struct st_diag *dg = first_diag(&ctx, ST_SEV_ERROR);
	ok(dg && has(dg->message, "no-such-profile") && has(dg->message, "4c8g"),
	   "unknown profile: message names it and lists the available ones (%s)", dg ? dg->message : "");
	ok(dg && !has(dg->message, "/profiles/"), "unknown profile: no machine path in the message");
	ok(dg && has(dg->message, "2c4g, 4c8g, 8c16g, 16c32g, 32c64g"), "unknown profile: names in version order");
	is_int(h.cpus, 77, "failed load leaves the host alone");
	is_int(st_profile_load(&ctx, "..", "../etc", &h), -1, "a name with a slash is a path, and it is missing");
	is_int(st_profile_load(&ctx, "..", "x y", &h), -1, "a name with a space is rejected");
	st_ctx_free(&ctx);
}

/* Loads a malformed fixture profile and checks it fails with an error on the given line containing text. */
static void bad_profile(const char *file, unsigned line, const char *text)
{
	struct st_ctx ctx;
	struct st_host h;
	char path[256];
	snprintf(path, sizeof(path), FIX "/profiles/%s", file);
	st_ctx_init(&ctx);
	memset(&h, 0, sizeof(h));
	is_int(st_profile_load(&ctx, "..", path, &h), -1, "%s: fails", file);
	const struct st_diag *d = line ? error_at(&ctx, line) : first_diag(&ctx, ST_SEV_ERROR);
	ok(d != NULL, "%s: error on line %u", file, line);
	if (d) {
		ok(has(d->message, text), "%s: message has '%s' (%s)", file, text, d->message);
		is_str(d->origin.file, path, "%s: origin file is the path given", file);
		is_int(d->origin.kind, ST_ORIGIN_PROFILE, "%s: origin kind profile", file);
	}
	is_int(h.cpus, 0, "%s: host untouched", file);
	st_ctx_free(&ctx);
}

static void test_profiles_malformed(void)
{
	bad_profile("bad-number.ini", 3, "four");
	bad_profile("unknown-key.ini", 4, "unknown key 'cores'");
	bad_profile("missing-memory.ini", 0, "does not set 'memory'");
	bad_profile("garbage.ini", 5, "expected 'key = value'");
	bad_profile("unknown-section.ini", 5, "unknown section [postgres]");
	bad_profile("duplicate.ini", 4, "first at line 2");
	bad_profile("bad-memory.ini", 3, "8 parsecs");
	bad_profile("bad-enums.ini", 4, "floppy");
	bad_profile("bad-enums.ini", 5, "gaming");
	bad_profile("long-line.ini", 6, "longer than");

	struct st_ctx ctx;
	struct st_host h;
	st_ctx_init(&ctx);
	is_int(st_profile_load(&ctx, "..", FIX "/profiles/long-line.ini", &h), -1, "long-line: fails");
	ok(error_at(&ctx, 4) == NULL, "long-line: a long comment line is not an error");
	is_int(st_diag_count(&ctx, ST_SEV_ERROR), 1, "long-line: exactly one error");
	st_ctx_free(&ctx);

	/* a BOM, CRLF line ends, odd spacing, an inline comment, ':' separator and upper-case values all load */
	st_ctx_init(&ctx);
	is_int(st_profile_load(&ctx, "..", FIX "/profiles/custom.ini", &h), 0, "custom.ini by path loads");
	is_int(ctx.diags.n, 0, "custom.ini: no diagnostics");
	is_int(h.cpus, 6, "custom: 6 CPUs");
	is_int(h.memory_bytes, 12 * GiB, "custom: memory: 12GiB");
	is_int(h.disk_type, ST_DISK_NVME, "custom: NVMe");
	is_str(h.workload, "dw", "custom: DW canonicalised to dw");
	is_str(h.profile, "custom", "custom: name is the basename without .ini");
	is_int(h.cpus_origin.line, 3, "custom: cpus on line 3");
	is_int(h.cpus_origin.col, 14, "custom: cpus value at column 14");
	is_int(h.cpus_origin.value_len, 1, "custom: value span excludes the comment");
	is_int(h.memory_origin.line, 4, "custom: memory on line 4");
	is_int(h.memory_origin.col, 9, "custom: memory value at column 9");
	is_int(h.memory_origin.line_len, 13, "custom: line span excludes CR LF");
	st_ctx_free(&ctx);
}

static void test_overrides(void)
{
	struct st_ctx ctx;
	struct st_host h;
	st_ctx_init(&ctx);
	is_int(st_profile_load(&ctx, "..", "4c8g", &h), 0, "load 4c8g to override");
	is_int(st_host_override_cpus(&ctx, &h, "12"), 0, "--cpus 12");
	is_int(h.cpus, 12, "--cpus sets cpus");
	is_int(h.cpus_origin.kind, ST_ORIGIN_CLI, "--cpus origin is cli");
	is_str(h.cpus_origin.detail, "--cpus", "--cpus detail");
	is_int(st_host_override_memory(&ctx, &h, "1.5G"), 0, "--memory 1.5G");
	is_int(h.memory_bytes, 3 * GiB / 2, "--memory sets bytes");
	is_str(h.memory_origin.detail, "--memory", "--memory detail");
	is_int(ctx.diags.n, 0, "valid overrides: no diagnostics");
	st_host_facts(&ctx, &h);
	const struct st_fact *f = st_fact_get(&ctx, "host.cpus");
	ok(f && f->value.i == 12 && f->layer == ST_LAYER_CLI, "fact host.cpus = 12 in the cli layer");
	f = st_fact_get(&ctx, "host.disk");
	ok(f && f->layer == ST_LAYER_PROFILE, "host.disk stays in the profile layer");

	static const char *const bad_cpus[] = {"0", "4097", "-2", "four", "", "2.5", "4 cpus"};
	for (size_t i = 0; i < sizeof(bad_cpus) / sizeof(bad_cpus[0]); i++) {
		size_t before = st_diag_count(&ctx, ST_SEV_ERROR);
		is_int(st_host_override_cpus(&ctx, &h, bad_cpus[i]), -1, "--cpus '%s' rejected", bad_cpus[i]);
		is_int(st_diag_count(&ctx, ST_SEV_ERROR), before + 1, "--cpus '%s': one error", bad_cpus[i]);
	}
	is_int(h.cpus, 12, "rejected --cpus leaves cpus alone");
	static const char *const bad_mem[] = {"8parsecs", "0", "-8GB", "", "8", "GB", "99999999999999999999GB"};
	for (size_t i = 0; i < sizeof(bad_mem) / sizeof(bad_mem[0]); i++) {
		size_t before = st_diag_count(&ctx, ST_SEV_ERROR);
		is_int(st_host_override_memory(&ctx, &h, bad_mem[i]), -1, "--memory '%s' rejected", bad_mem[i]);
		is_int(st_diag_count(&ctx, ST_SEV_ERROR), before + 1, "--memory '%s': one error", bad_mem[i]);
	}
	const struct st_diag *last = &ctx.diags.items[ctx.diags.n - 1];
	ok(last->origin.kind == ST_ORIGIN_CLI && has(last->message, "--memory"), "--memory error names the option");
	is_int(h.memory_bytes, 3 * GiB / 2, "rejected --memory leaves memory alone");
	size_t before = ctx.diags.n;
	st_host_override_memory(&ctx, &h, "8parsecs");
	ok(ctx.diags.n == before + 1 && has(ctx.diags.items[before].message, "8parsecs"),
	   "--memory error quotes the bad text");
	st_ctx_free(&ctx);
}

int main(void)
{
	test_v2_quota();
	test_v2_max();
	test_v1();
	test_sparse();
	test_real();
	test_profiles_shipped();
	test_profiles_malformed();
	test_overrides();
	is_str(st_disk_type_name(ST_DISK_SSD), "ssd", "disk type names");
	is_str(st_disk_type_name((enum st_disk_type)42), "unknown", "out-of-range disk type is unknown");
	return done_testing();
}
