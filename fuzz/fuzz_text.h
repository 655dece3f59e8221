/* What every fuzz target does first: the input as file text. Files the walker hands to a loader are
 * NUL-terminated and hold no NUL (it rejects them as binary), so the text stops at the first NUL byte. */
#ifndef STACKTUNE_FUZZ_TEXT_H
#define STACKTUNE_FUZZ_TEXT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Returns a malloc'd NUL-terminated copy of data up to its first NUL (length in *n), or NULL. */
static inline char *fuzz_text(const uint8_t *data, size_t size, size_t *n)
{
	const uint8_t *nul = memchr(data, 0, size);
	*n = nul ? (size_t)(nul - data) : size;
	char *buf = malloc(*n + 1);
	if (buf) {
		memcpy(buf, data, *n);
		buf[*n] = '\0';
	}
	return buf;
}

#endif
