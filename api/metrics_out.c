// SPDX-License-Identifier: MIT
/*
 * GET /metrics' per-domain families (out.h). Domain names are [A-Za-z0-9._-] (the API's and
 * adopt.c's rule): nothing in a label value needs escaping.
 */
#include "out.h"

static const char *const headers[DOMAIN_FAMILIES] = {
    [FAM_CPU] = "# HELP keel_domain_cpu_seconds_total CPU time of a domain the hypervisor "
		"has, on all its vCPUs; it begins again at each start.\n"
		"# TYPE keel_domain_cpu_seconds_total counter\n",
    [FAM_MEMORY] = "# HELP keel_domain_memory_bytes Memory backed now of a domain the "
		   "hypervisor has.\n# TYPE keel_domain_memory_bytes gauge\n",
    [FAM_VM_EXITS] = "# HELP keel_domain_vm_exits_total VM exits of all a domain's vCPUs; it "
		     "begins again at each start.\n# TYPE keel_domain_vm_exits_total counter\n",
    [FAM_DM_REQUESTS] = "# HELP keel_domain_device_model_requests_total Requests an HVM "
			"domain's device model answered, by ioreq type; it begins again at "
			"each start.\n"
			"# TYPE keel_domain_device_model_requests_total counter\n",
};

void domain_family_header(FILE *f, enum domain_family fam)
{
	fputs(headers[fam], f);
}

static void dm_line(FILE *f, const struct domain *d, const char *type, uint64_t n)
{
	fprintf(f, "keel_domain_device_model_requests_total{domain=\"%s\",type=\"%s\"} %llu\n",
		domain_name(d), type, (unsigned long long)n);
}

void domain_family_lines(FILE *f, enum domain_family fam, const struct domain *d,
			 const struct domain_stats *s)
{
	const struct hv_domain_counters *c = &s->counters;

	switch (fam) {
	case FAM_CPU:
		fprintf(f, "keel_domain_cpu_seconds_total{domain=\"%s\"} %llu.%09llu\n",
			domain_name(d), (unsigned long long)(s->cpu_time_ns / 1000000000u),
			(unsigned long long)(s->cpu_time_ns % 1000000000u));
		break;
	case FAM_MEMORY:
		fprintf(f, "keel_domain_memory_bytes{domain=\"%s\"} %llu\n", domain_name(d),
			(unsigned long long)s->memory_kib * 1024);
		break;
	case FAM_VM_EXITS:
		if (s->has_counters)
			fprintf(f, "keel_domain_vm_exits_total{domain=\"%s\"} %llu\n",
				domain_name(d), (unsigned long long)c->vm_exits);
		break;
	case FAM_DM_REQUESTS:
		if (!s->has_counters || !s->device_model)
			break;
		dm_line(f, d, "pio", c->dm_pio);
		dm_line(f, d, "mmio", c->dm_mmio);
		dm_line(f, d, "pci_config", c->dm_pci_config);
		dm_line(f, d, "buffered", c->dm_buffered);
		break;
	case DOMAIN_FAMILIES:
		break;
	}
}
