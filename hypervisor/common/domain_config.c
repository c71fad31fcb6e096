// SPDX-License-Identifier: MIT
/*
 * Boot-time domain settings from a GRUB module's command line:
 *   name=NAME mem=SIZE vcpus=N weight=W cap=PCT peer=NAME expect=pass|crash
 *   [dom0|initial|privileged] [hvm [hpet]] [-- GUEST CMDLINE]
 * "hvm" makes it an HVM domain (as KEEL_CREATE_hvm): Keel's emulated platform
 * devices, the rest of its I/O for ioreq servers; "hpet" gives it an HPET.
 * Pure code: unit-tested on the host.
 */
#include <keel/domain.h>
#include <keel/cmdline.h>
#include <keel/errno.h>
#include <keel/string.h>

#define MIN_MEM	   (2ULL << 20)
#define MAX_MEM	   (64ULL << 30)
#define MAX_WEIGHT 65535

/* 1 when the key is present and valid, 0 when absent, -EINVAL (with *why) when bad. */
static int get_number(const char *opts, const char *key, u64 *out, u64 lo, u64 hi, const char **why,
		      const char *bad)
{
	char buf[24];
	int n = cmdline_get(opts, key, buf, sizeof(buf));

	if (n == -ENOENT)
		return 0;
	if (n < 0 || parse_u64(buf, out) || *out < lo || *out > hi) {
		*why = bad;
		return -EINVAL;
	}
	return 1;
}

static bool valid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		char c = *s;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

/* " -- " (or a leading "-- ") separates Keel's options (into opts) from the guest's command line.
 */
static int split_line(const char *line, char *opts, size_t optsz, struct domain_config *cfg,
		      const char **why)
{
	const char *sep = NULL;

	if (!strncmp(line, "-- ", 3) || !strcmp(line, "--"))
		sep = line;
	for (const char *p = line; !sep && *p; p++)
		if (p[0] == ' ' && p[1] == '-' && p[2] == '-' && (p[3] == ' ' || !p[3]))
			sep = p + 1;
	size_t optlen = sep ? (size_t)(sep - line) : strlen(line);
	if (optlen >= optsz) {
		*why = "module options too long";
		return -EINVAL;
	}
	memcpy(opts, line, optlen);
	opts[optlen] = '\0';
	if (sep) {
		const char *g = sep[2] ? sep + 3 : sep + 2;
		if (strlen(g) >= sizeof(cfg->cmdline)) {
			*why = "guest command line too long";
			return -EINVAL;
		}
		strlcpy(cfg->cmdline, g, sizeof(cfg->cmdline));
	}
	return 0;
}

/* The numeric options: each within its bounds, or the message says which. */
static int parse_numbers(const char *opts, struct domain_config *cfg, const char **why)
{
	static const struct {
		const char *key;
		u64 min, max;
		const char *msg;
	} nums[] = {
	    {"mem", MIN_MEM, MAX_MEM, "mem must be between 2M and 64G"},
	    {"vcpus", 1, MAX_VCPUS, "vcpus must be 1-8"},
	    {"weight", 1, MAX_WEIGHT, "weight must be 1-65535"},
	    {"cap", 0, 100 * MAX_VCPUS, "cap must be 0-800 (%)"},
	};
	u64 v[ARRAY_SIZE(nums)];

	for (u32 i = 0; i < ARRAY_SIZE(nums); i++) {
		int err = get_number(opts, nums[i].key, &v[i], nums[i].min, nums[i].max, why,
				     nums[i].msg);
		if (err < 0)
			return err;
		if (!err)
			v[i] = 0; /* absent: keep the default */
	}
	if (v[0])
		cfg->mem_size = ALIGN_UP(v[0], 2ULL << 20);
	if (v[1])
		cfg->vcpus = (u32)v[1];
	if (v[2])
		cfg->weight = (u32)v[2];
	cfg->cap = (u32)v[3];
	return 0;
}

/* pin=A[,B...]: vCPU i on pCPU list[i]; a single value pins every vCPU there. */
static int parse_pins(const char *opts, struct domain_config *cfg, const char **why)
{
	static const char *const bad = "pin must be a list of pCPU numbers (0-63), one per vCPU";
	char pins[64];
	u32 n = 0;
	u64 v;

	for (u32 i = 0; i < MAX_VCPUS; i++)
		cfg->pin[i] = -1;
	int err = cmdline_get(opts, "pin", pins, sizeof(pins));
	if (err == -ENOENT)
		return 0;
	if (err < 0)
		goto fail;
	for (char *p = pins; *p;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (n == MAX_VCPUS || parse_u64(p, &v) || v >= 64)
			goto fail;
		cfg->pin[n++] = (s32)v;
		if (!comma)
			break;
		p = comma + 1;
	}
	if (!n)
		goto fail;
	if (n == 1)
		for (u32 i = 1; i < MAX_VCPUS; i++)
			cfg->pin[i] = cfg->pin[0];
	return 0;
fail:
	*why = bad;
	return -EINVAL;
}

/* name=, peer=, expect=: names of [A-Za-z0-9._-], and one of the self-test outcomes. */
static int parse_names(const char *opts, struct domain_config *cfg, const char **why)
{
	int err = cmdline_get(opts, "name", cfg->name, sizeof(cfg->name));
	if (err == -E2BIG || (err >= 0 && !valid_name(cfg->name))) {
		*why = "name must be 1-31 characters of [A-Za-z0-9._-]";
		return -EINVAL;
	}
	if (err == -ENOENT)
		strlcpy(cfg->name, "domain", sizeof(cfg->name));

	err = cmdline_get(opts, "peer", cfg->peer, sizeof(cfg->peer));
	if (err == -E2BIG || (err >= 0 && !valid_name(cfg->peer))) {
		*why = "peer must name another domain";
		return -EINVAL;
	}
	if (err == -ENOENT)
		cfg->peer[0] = '\0';

	err = cmdline_get(opts, "expect", cfg->expect, sizeof(cfg->expect));
	if (err == -E2BIG ||
	    (err >= 0 && strcmp(cfg->expect, "pass") && strcmp(cfg->expect, "crash") &&
	     strcmp(cfg->expect, "destroyed") && strcmp(cfg->expect, "reboot"))) {
		*why = "expect must be pass, crash, reboot or destroyed";
		return -EINVAL;
	}
	if (err == -ENOENT)
		strlcpy(cfg->expect, "pass", sizeof(cfg->expect));
	return 0;
}

int domain_config_parse(const char *line, struct domain_config *cfg, const char **why)
{
	char opts[512];
	int err;

	memset(cfg, 0, sizeof(*cfg));
	cfg->mem_size = 16ULL << 20;
	cfg->vcpus = 1;
	cfg->weight = DEFAULT_WEIGHT;
	strlcpy(cfg->expect, "pass", sizeof(cfg->expect));
	*why = NULL;

	if ((err = split_line(line, opts, sizeof(opts), cfg, why)) ||
	    (err = parse_names(opts, cfg, why)) || (err = parse_numbers(opts, cfg, why)) ||
	    (err = parse_pins(opts, cfg, why)))
		return err;
	/*
	 * "dom0": the initial domain, as Xen's dom0 (SIF_INITDOMAIN | SIF_PRIVILEGED), owning
	 * the host's devices. "initial": the role alone, in an ordinary domain (tests).
	 */
	cfg->owns_host = cmdline_flag(opts, "dom0");
	cfg->initial = cfg->owns_host || cmdline_flag(opts, "initial");
	cfg->privileged = cfg->initial || cmdline_flag(opts, "privileged");
	cfg->hvm = cmdline_flag(opts, "hvm");
	cfg->hpet = cfg->hvm && cmdline_flag(opts, "hpet");
	char probe[2];
	if (cfg->owns_host && cmdline_get(opts, "name", probe, sizeof(probe)) == -ENOENT)
		strlcpy(cfg->name, "Domain-0", sizeof(cfg->name));
	return 0;
}
