// SPDX-License-Identifier: MIT
/*
 * The hypervisor's own boot-module parser (hypervisor/common/domain_config.c, cmdline.c) run
 * on the host over module command lines, as GRUB hands them to Keel (the words after the
 * module's path): prints what Keel makes of each, one line per argument, or why it refuses
 * it (exit 1). grub_cfg.py checks generated GRUB entries with it.
 *   initrd: "initrd-for NAME"
 *   domain: "domain NAME mem=BYTES vcpus=N dom0=0|1 cmdline=GUEST COMMAND LINE"
 */
#include <stdio.h>
#include <string.h>

#include <keel/cmdline.h>
#include <keel/domain.h>
#include <keel/errno.h>

int main(int argc, char **argv)
{
	int status = 0;

	for (int i = 1; i < argc; i++) {
		struct domain_config cfg;
		const char *why;
		char owner[32];

		/* As boot_domains.c: a ramdisk names its domain and is nothing else. */
		if (cmdline_get(argv[i], "initrd-for", owner, sizeof(owner)) > 0) {
			printf("initrd-for %s\n", owner);
			continue;
		}
		if (domain_config_parse(argv[i], &cfg, &why)) {
			printf("refused %s\n", why);
			status = 1;
			continue;
		}
		printf("domain %s mem=%llu vcpus=%u dom0=%d cmdline=%s\n", cfg.name,
		       (unsigned long long)cfg.mem_size, cfg.vcpus, cfg.owns_host ? 1 : 0,
		       cfg.cmdline);
	}
	return status;
}
