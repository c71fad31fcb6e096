// SPDX-License-Identifier: MIT
/* A domain's statistics as the API shows them (openapi.yaml: DomainStats). */
#include "out.h"
#include "../controld/util.h"

static json_t *device_model_out(const struct hv_domain_counters *c)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I}", "pio", (json_int_t)c->dm_pio, "mmio",
			 (json_int_t)c->dm_mmio, "pci_config", (json_int_t)c->dm_pci_config,
			 "buffered", (json_int_t)c->dm_buffered, "string_elements",
			 (json_int_t)c->dm_string_elements);
}

json_t *domain_stats_out(const struct domain *d, const struct domain_stats *s)
{
	char at[32];
	json_t *o;

	format_time(s->sampled_wall_ms, at);
	o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:s}", "id", d->id, "name", domain_name(d),
		      "cpu_time_ns", (json_int_t)s->cpu_time_ns, "vcpus_online",
		      (json_int_t)s->vcpus_online, "memory_kib", (json_int_t)s->memory_kib,
		      "sampled_at", at);
	/* Left out when the hypervisor does not count them (a Keel before getstats). */
	if (o && s->has_counters) {
		json_object_set_new(o, "vm_exits", json_integer((json_int_t)s->counters.vm_exits));
		json_object_set_new(o, "hypervisor_time_ns",
				    json_integer((json_int_t)s->counters.now_ns));
		if (s->device_model)
			json_object_set_new(o, "device_model", device_model_out(&s->counters));
	}
	return o;
}
