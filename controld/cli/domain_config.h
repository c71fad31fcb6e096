/* SPDX-License-Identifier: MIT */
/*
 * The small domain config file of `keel create`, turned into the JSON body of
 * POST /v1/domains. One `key = value` per line, # comments:
 *
 *   name = web1
 *   vcpus = 2            max_vcpus = 4 (optional)
 *   memory = 1G          (N[K|M|G|T], binary units; a bare N is MiB) memory_target = 512M
 *   kernel = /var/lib/keel/vmlinuz      cmdline = console=hvc0    initrd = /path
 *   firmware = seabios   (instead of kernel: an HVM guest)
 *   disk = xvda:/var/lib/keel/web1.img[:ro]       (repeatable)
 *   nic = 0[:bridge[:mac]]                        (repeatable)
 *   pci = 0000:03:00.0                            (repeatable)
 *
 * A file starting with '{' is taken as the JSON body itself. The server checks values;
 * this parser checks the file's shape and says which line is wrong and what it wants.
 * The format is documented for users in controld/README.md.
 */
#ifndef KEEL_CLI_DOMAIN_CONFIG_H
#define KEEL_CLI_DOMAIN_CONFIG_H

#include <jansson.h>
#include <stddef.h>

json_t *domain_config_parse(const char *text, size_t len, char *err, size_t errlen);

#endif
