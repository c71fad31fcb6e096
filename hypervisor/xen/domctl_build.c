// SPDX-License-Identifier: MIT
/* Keel's domain builder for the toolstack: see domctl_build.h. */
#include <keel/domctl_build.h>
#include <keel/arch.h>
#include <keel/errno.h>
#include <keel/guest_mem.h>
#include <keel/hvm_firmware.h>
#include <keel/mm.h>
#include <keel/printk.h>
#include <keel/selftest.h>
#include <keel/string.h>

#define MIN_MEM	  (16ULL << 20)
#define MEM_ALIGN (2ULL << 20) /* EPT maps a domU's RAM with 2 MiB pages */

_Static_assert(KEEL_MAX_VCPUS <= MAX_VCPUS, "the ABI's vCPU limit fits struct domain");

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

/* 1-31 characters of [A-Za-z0-9._-], NUL-terminated inside the field. */
static bool name_ok(const char name[DOMAIN_NAME_MAX])
{
	size_t len = strnlen(name, DOMAIN_NAME_MAX);

	if (len == 0 || len == DOMAIN_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!name_char_ok(name[i]))
			return false;
	return true;
}

static bool create_args_ok(const struct keel_create *c)
{
	return name_ok(c->name) && c->mem_bytes >= MIN_MEM && !(c->mem_bytes % MEM_ALIGN) &&
	       c->vcpus >= 1 && c->vcpus <= KEEL_MAX_VCPUS && c->weight <= 65535 &&
	       c->cap <= 100 * c->vcpus && !(c->flags & ~KEEL_CREATE_hvm);
}

long domctl_createdomain(struct vcpu *v, struct keel_domctl *op)
{
	const struct keel_create *c = &op->u.create;
	struct domain_config cfg;
	const char *why;

	if (!create_args_ok(c))
		return -EINVAL;
	if (domain_by_name(c->name))
		return -EEXIST;
	if (!domain_id_free())
		return -ENOSPC;
	if (c->mem_bytes > mm_free_bytes())
		return -ENOMEM;
	memset(&cfg, 0, sizeof(cfg));
	strlcpy(cfg.name, c->name, sizeof(cfg.name));
	cfg.mem_size = c->mem_bytes;
	cfg.vcpus = c->vcpus;
	cfg.weight = c->weight ? c->weight : DEFAULT_WEIGHT;
	cfg.cap = c->cap;
	cfg.by_toolstack = true;
	cfg.hvm = c->flags & KEEL_CREATE_hvm;
	for (u32 i = 0; i < MAX_VCPUS; i++)
		cfg.pin[i] = -1;
	struct domain *d = domain_create(&cfg, &why);
	arch_vcpu_make_current(v); /* creating vCPUs loaded their VMCSs */
	if (!d) {
		printk("keel: domain %s not created for domain %u: %s\n", cfg.name, v->dom->id,
		       why);
		return -ENOMEM; /* every other failure was checked above */
	}
	selftest_domain_created(d, "toolstack");
	op->domid = d->id;
	printk("keel: domain %u (%s) created by domain %u (%s): %lu MiB, %u vCPU(s)%s\n", d->id,
	       d->name, v->dom->id, v->dom->name, d->mem_size >> 20, d->nr_vcpus,
	       d->hvm ? ", HVM" : "");
	return 0;
}

static bool load_args_ok(const struct keel_load *l)
{
	return l->image_len >= 1 && l->image_len <= KEEL_MAX_IMAGE && !l->pad;
}

/* The kernel image, copied out of the caller's memory into frames of Keel's own. */
static long stage_image(struct vcpu *v, const struct keel_load *l, u8 **img)
{
	paddr_t pa;

	if (mm_alloc_range(l->image_len, PAGE_SIZE, &pa))
		return -ENOMEM;
	*img = phys_to_virt(pa);
	if (copy_from_guest(v, *img, l->image, l->image_len)) {
		mm_free_range(pa, l->image_len);
		return -EFAULT;
	}
	return 0;
}

static void unstage_image(u8 *img, u64 len)
{
	mm_free_range(virt_to_phys(img), len);
}

/* The command line into d->cmdline, NUL-terminated; cleared again if unreadable. */
static long copy_cmdline(struct vcpu *v, struct domain *d, const struct keel_load *l)
{
	memset(d->cmdline, 0, sizeof(d->cmdline));
	if (l->cmdline_len && copy_from_guest(v, d->cmdline, l->cmdline, l->cmdline_len)) {
		memset(d->cmdline, 0, sizeof(d->cmdline));
		return -EFAULT;
	}
	return 0;
}

long domctl_loadkernel(struct vcpu *v, struct domain *d, const struct keel_load *l)
{
	const char *why = NULL;
	u8 *img;
	long err;

	if (d->build != BUILD_EMPTY || d->state != DOM_PAUSED)
		return -EBUSY;
	if (!load_args_ok(l) || l->cmdline_len > DOMAIN_CMDLINE_MAX - 1)
		return -EINVAL;
	if ((err = copy_cmdline(v, d, l)) || (err = stage_image(v, l, &img)))
		return err;
	err = domain_load_pvh(d, img, l->image_len, &why);
	unstage_image(img, l->image_len);
	arch_vcpu_make_current(v); /* setting vCPU 0's entry loaded its VMCS */
	if (err) {
		printk("keel: domain %u (%s): kernel refused: %s\n", d->id, d->name,
		       why ? why : "?");
		return err;
	}
	d->build = BUILD_KERNEL;
	printk("keel: domain %u (%s): kernel of %lu KiB loaded by domain %u\n", d->id, d->name,
	       l->image_len >> 10, v->dom->id);
	return 0;
}

/*
 * HVM firmware's modules (SeaBIOS as "firmware"): named by the command line,
 * placed after the firmware as Xen's toolstack does, two at most.
 */
static long load_firmware_module(struct vcpu *v, struct domain *d, const struct keel_load *l)
{
	char name[32];
	const char *why;
	u64 at;
	long err;

	if (d->state != DOM_PAUSED || (d->build != BUILD_KERNEL && d->build != BUILD_INITRD))
		return -EBUSY;
	if (!load_args_ok(l) || !l->cmdline_len || l->cmdline_len >= sizeof(name))
		return -EINVAL;
	memset(name, 0, sizeof(name));
	if (copy_from_guest(v, name, l->cmdline, l->cmdline_len))
		return -EFAULT;
	if ((err = hvm_firmware_module_place(d, l->image_len, &at, &why)))
		return err;
	if (copy_from_guest(v, domain_gpa_ptr(d, at, l->image_len), l->image, l->image_len))
		return -EFAULT;
	hvm_firmware_module_record(d, at, l->image_len, name);
	d->build = BUILD_INITRD;
	printk("keel: domain %u (%s): module \"%s\" of %lu KiB loaded by domain %u\n", d->id,
	       d->name, name, l->image_len >> 10, v->dom->id);
	return 0;
}

long domctl_loadinitrd(struct vcpu *v, struct domain *d, const struct keel_load *l)
{
	const char *why;
	u64 at;
	long err;

	if (d->build == BUILD_EMPTY)
		return -ENOENT;
	if (d->hvm_firmware)
		return load_firmware_module(v, d, l);
	if (d->build != BUILD_KERNEL || d->state != DOM_PAUSED)
		return -EBUSY;
	if (!load_args_ok(l) || l->cmdline || l->cmdline_len)
		return -EINVAL;
	if ((err = domain_initrd_place(d, l->image_len, &at, &why)))
		return err;
	/* Not parsed, so copied straight into place: no staging memory needed. */
	if (copy_from_guest(v, domain_gpa_ptr(d, at, l->image_len), l->image, l->image_len))
		return -EFAULT;
	domain_initrd_record(d, at, l->image_len);
	d->build = BUILD_INITRD;
	printk("keel: domain %u (%s): initrd of %lu KiB loaded by domain %u\n", d->id, d->name,
	       l->image_len >> 10, v->dom->id);
	return 0;
}

long domctl_getbuild(const struct domain *d, struct keel_build *b)
{
	if (d->build == BUILD_BOOT || d->build == BUILD_EMPTY)
		return -ENOENT;
	memset(b, 0, sizeof(*b));
	b->store_gfn = d->hvm_params[HVM_PARAM_STORE_PFN];
	b->console_gfn = d->hvm_params[HVM_PARAM_CONSOLE_PFN];
	b->store_port = (u32)d->hvm_params[HVM_PARAM_STORE_EVTCHN];
	b->console_port = (u32)d->hvm_params[HVM_PARAM_CONSOLE_EVTCHN];
	return 0;
}

long domctl_build_unpause(struct domain *d)
{
	if (d->build == BUILD_EMPTY)
		return -ENOENT;
	if (d->build != BUILD_BOOT)
		d->build = BUILD_STARTED;
	return 0;
}
