/* Replays a fuzz target's corpus in normal test runs (no libFuzzer): every file of the given directories
 * goes through LLVMFuzzerTestOneInput once; a crash or sanitizer report fails the test. Prints TAP. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	int n = 0;
	for (int a = 1; a < argc; a++) {
		DIR *d = opendir(argv[a]);
		if (!d) {
			n++;
			printf("not ok %d - cannot open corpus %s\n1..%d\n", n, argv[a], n);
			return 1;
		}
		char **names = NULL;
		size_t count = 0, cap = 0;
		struct dirent *de;
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			if (count == cap) {
				cap = cap ? cap * 2 : 64;
				names = realloc(names, cap * sizeof(*names));
				if (!names)
					return 1;
			}
			names[count++] = strdup(de->d_name);
		}
		closedir(d);
		qsort(names, count, sizeof(*names), cmp);
		size_t done = 0;
		for (size_t i = 0; i < count; i++) {
			char path[4096];
			snprintf(path, sizeof path, "%s/%s", argv[a], names[i]);
			FILE *f = fopen(path, "rb");
			if (!f)
				continue;
			fseek(f, 0, SEEK_END);
			long len = ftell(f);
			fseek(f, 0, SEEK_SET);
			uint8_t *buf = malloc(len > 0 ? (size_t)len : 1);
			if (buf && (len <= 0 || fread(buf, 1, (size_t)len, f) == (size_t)len)) {
				LLVMFuzzerTestOneInput(buf, len > 0 ? (size_t)len : 0);
				done++;
			}
			free(buf);
			fclose(f);
			free(names[i]);
		}
		free(names);
		printf("ok %d - %zu inputs of %s replayed without a crash\n", ++n, done, argv[a]);
	}
	printf("1..%d\n", n);
	return 0;
}
