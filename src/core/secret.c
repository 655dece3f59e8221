/* Which names hold secrets: decided once at load time so every writer can redact. */
#include <ctype.h>
#include <string.h>

#include "stacktune/core.h"

/* Words that mark a secret when they appear as a word of the name (split at _ - . and case changes). */
static const char *const secret_words[] = {
	"password", "passwd", "pass", "pwd", "secret", "token", "key", "credential", "credentials",
	"apikey", "auth", "private", "dsn", "salt", "signature", "cookie", "session_key", NULL};

/* Names that contain a secret word but are not secrets. */
static const char *const not_secret[] = {"key_prefix", "keyprefix", "primary_key", "foreign_key", "key_func",
                                          "token_lifetime", "password_validators", "auth_user_model",
                                          "authentication_backends", "auth_password_validators", NULL};

static int word_is_secret(const char *w, size_t n)
{
	for (const char *const *s = secret_words; *s; s++)
		if (strlen(*s) == n && strncasecmp(*s, w, n) == 0)
			return 1;
	return 0;
}

int st_secret_name(const char *name, size_t n)
{
	char low[128];
	if (n >= sizeof(low))
		n = sizeof(low) - 1;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[n] = '\0';
	for (const char *const *s = not_secret; *s; s++)
		if (strstr(low, *s) && strlen(*s) == n)
			return 0;
	/* whole-name substrings that are always secret, whatever the word split */
	if (strstr(low, "password") || strstr(low, "passwd") || strstr(low, "secret") || strstr(low, "token") ||
	    strstr(low, "credential") || strstr(low, "apikey") || strstr(low, "private_key"))
		return 1;
	size_t i = 0;
	while (i < n) {
		while (i < n && !isalnum((unsigned char)name[i]))
			i++;
		size_t start = i;
		i++;
		while (i < n && isalnum((unsigned char)name[i]) &&
		       !(isupper((unsigned char)name[i]) && islower((unsigned char)name[i - 1])))
			i++;
		if (i > n)
			i = n;
		if (i > start && word_is_secret(name + start, i - start))
			return 1;
	}
	return 0;
}
