/* host: helpers shared by the probe and the profile reader (not part of the public contract). */
#ifndef STACKTUNE_HOST_INTERNAL_H
#define STACKTUNE_HOST_INTERNAL_H

#include "stacktune/host.h"

/* Reads a whole file into a malloc'ed NUL-terminated buffer of at most max bytes; NULL with *err = errno. */
char *st_host_read_file(const char *path, size_t max, size_t *len, int *err);

/* Returns an arena copy of user text fit for a message: at most 40 bytes, control bytes shown as '?'. */
const char *st_host_shown(struct st_ctx *ctx, const char *s, size_t n);

/* Parses a memory size (8GB, 512MiB, 1.5G; a bare number is bytes) of at least 1MB; 0, or -1 with *err. */
int st_host_parse_memory(const char *s, size_t n, int64_t *out, const char **err);

#endif
