// SPDX-License-Identifier: MIT
/* Fuzz target: boot-module command lines. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <keel/domain.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct domain_config cfg;
	const char *why;
	char *line = malloc(size + 1);

	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	if (domain_config_parse(line, &cfg, &why) == 0 &&
	    (cfg.vcpus < 1 || cfg.vcpus > MAX_VCPUS || !cfg.name[0] ||
	     strlen(cfg.cmdline) >= sizeof(cfg.cmdline)))
		abort();
	free(line);
	return 0;
}
