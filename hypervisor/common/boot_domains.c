// SPDX-License-Identifier: MIT
/*
 * Boot-time domains: each GRUB module is a PVH kernel whose command line holds
 * the domain's settings (domain_config.c), or the initrd of an earlier one
 * ("initrd-for=NAME"). A module that cannot be used is refused with a line
 * and costs only itself.
 */
#include <keel/boot_domains.h>
#include <keel/cmdline.h>
#include <keel/domain.h>
#include <keel/mm.h>
#include <keel/printk.h>
#include <keel/selftest.h>

/* A module Keel cannot use costs only itself (and its domain): say why, go on. */
static void refuse_module(u32 i, const char *name, const char *why, struct domain *d)
{
	printk("keel: module %u (%s) refused: %s\n", i, name, why);
	if (d)
		domain_destroy(d);
}

/* "initrd-for=NAME": the ramdisk of an earlier domain. */
static void load_initrd_module(u32 i, const struct boot_module *m, const char *owner)
{
	struct domain *d = domain_by_name(owner);
	const char *why;

	if (!d) {
		refuse_module(i, owner, "initrd for a domain that does not exist", NULL);
		return;
	}
	if (domain_add_initrd(d, phys_to_virt(m->start), m->end - m->start, &why)) {
		refuse_module(i, owner, why, NULL);
		return;
	}
	printk("keel: domain %u (%s): initrd of %lu KiB\n", d->id, d->name,
	       (m->end - m->start) >> 10);
}

static void load_kernel_module(u32 i, const struct boot_module *m)
{
	struct domain_config cfg;
	const char *why;
	struct domain *d;

	if (domain_config_parse(m->cmdline, &cfg, &why)) {
		refuse_module(i, "?", why, NULL);
		return;
	}
	d = domain_create(&cfg, &why);
	if (!d) {
		refuse_module(i, cfg.name, why, NULL);
		return;
	}
	if (domain_load_pvh(d, phys_to_virt(m->start), m->end - m->start, &why)) {
		refuse_module(i, cfg.name, why, d);
		return;
	}
	selftest_domain_created(d, cfg.expect);
	printk("keel: domain %u (%s): %lu MiB, %u vCPU(s), weight %u, cap %u%%\n", d->id, d->name,
	       d->mem_size >> 20, d->nr_vcpus, d->weight, d->cap);
	for (u32 v = 0; v < d->nr_vcpus; v++)
		printk("keel: domain %u (%s) vcpu %u on pCPU %u\n", d->id, d->name, v,
		       d->vcpu[v]->pcpu);
}

/* Each GRUB module is a PVH kernel or an initrd; its command line holds the settings. */
void boot_domains_start(const struct boot_info *bi)
{
	for (u32 i = 0; i < bi->nr_modules; i++) {
		const struct boot_module *m = &bi->modules[i];
		char owner[DOMAIN_NAME_MAX];

		if (cmdline_get(m->cmdline, "initrd-for", owner, sizeof(owner)) > 0)
			load_initrd_module(i, m, owner);
		else
			load_kernel_module(i, m);
	}
	domains_resolve_peers();
	for (u16 id = 0; id < MAX_DOMAINS; id++)
		if (domain_by_id(id))
			domain_unpause(domain_by_id(id));
}
