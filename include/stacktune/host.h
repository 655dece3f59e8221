/* host: what machine we audit for — this one (sysfs, procfs, cgroups) or a named profile. */
#ifndef STACKTUNE_HOST_H
#define STACKTUNE_HOST_H

#include "stacktune/core.h"

enum st_disk_type { ST_DISK_UNKNOWN = 0, ST_DISK_HDD, ST_DISK_SSD, ST_DISK_NVME };

struct st_disk {
	const char *name; /* "sda", "nvme0n1" */
	enum st_disk_type type;
	struct st_origin origin;
};

struct st_host {
	int64_t cpus; /* usable CPUs after affinity and cgroup quota (rounded up) */
	struct st_origin cpus_origin;
	int64_t memory_bytes; /* usable memory after cgroup limit */
	struct st_origin memory_origin;
	enum st_disk_type disk_type; /* the dominant / profile disk type */
	struct st_origin disk_origin;
	struct st_disk *disks;
	size_t n_disks;
	const char *workload; /* web, oltp, dw, mixed (profile) or NULL */
	const char *source;   /* "host" or "profile" */
	const char *profile;  /* profile name when source is "profile" */
	struct st_origin workload_origin; /* where workload was set */
};

/* Returns "hdd", "ssd", "nvme" or "unknown". */
const char *st_disk_type_name(enum st_disk_type t);

/* Probes the machine: sysroot "" is the real system; tests pass a directory holding proc/ and sys/ files.
 * 0, or -1 after a diagnostic when nothing usable was found. */
int st_host_probe(struct st_ctx *ctx, const char *sysroot, struct st_host *h);

/* Loads a profile by name (looked up in datadir/profiles/NAME.ini) or by path (contains '/' or ends in
 * .ini) and replaces the host with it; 0, or -1 after a diagnostic with file:line. */
int st_profile_load(struct st_ctx *ctx, const char *datadir, const char *name_or_path, struct st_host *h);

/* Replaces the CPU count with --cpus TEXT (an integer 1..4096, origin cli); 0, or -1 after an error diagnostic. */
int st_host_override_cpus(struct st_ctx *ctx, struct st_host *h, const char *text);

/* Replaces the memory with --memory TEXT (a size such as 8GB, at least 1MB, origin cli); 0, or -1 after an error
 * diagnostic. */
int st_host_override_memory(struct st_ctx *ctx, struct st_host *h, const char *text);

/* Records the host as facts host.cpus, host.memory, host.disk, host.workload and host.disk.NAME (layer per
 * origin: host, profile or cli). */
void st_host_facts(struct st_ctx *ctx, const struct st_host *h);

#endif
