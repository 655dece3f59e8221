/* Atomic file replacement: write a sibling temp file, fsync it, rename over the target, fsync the directory. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stacktune/core.h"

int st_write_atomic(const char *path, const void *data, size_t n)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 32);
	char *dircopy = strdup(path);
	int fd = -1, saved;
	if (!tmp || !dircopy) {
		errno = ENOMEM;
		goto fail_notmp;
	}
	snprintf(tmp, plen + 32, "%s.stacktune-XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0)
		goto fail_notmp;
	struct stat st;
	if (stat(path, &st) == 0) {
		if (fchmod(fd, st.st_mode & 07777) < 0)
			goto fail;
		if (fchown(fd, st.st_uid, st.st_gid) < 0 && errno != EPERM)
			goto fail;
	} else {
		mode_t um = umask(0);
		umask(um);
		if (fchmod(fd, 0666 & ~um) < 0)
			goto fail;
	}
	const char *p = data;
	size_t left = n;
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		p += w;
		left -= (size_t)w;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto fail;
	int dfd = open(dirname(dircopy), O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		fsync(dfd); /* best effort: the rename is already atomic */
		close(dfd);
	}
	free(tmp);
	free(dircopy);
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	if (tmp)
		unlink(tmp);
	errno = saved;
fail_notmp:
	saved = errno;
	free(tmp);
	free(dircopy);
	errno = saved;
	return -1;
}
