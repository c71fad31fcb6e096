// SPDX-License-Identifier: MIT
/* A domain's statistics as the API shows them (openapi.yaml: DomainStats). */
#include "out.h"
#include "../controld/util.h"

json_t *domain_stats_out(const struct domain *d, const struct domain_stats *s)
{
	char at[32];

	format_time(s->sampled_wall_ms, at);
	return json_pack("{s:s, s:s, s:I, s:I, s:I, s:s}", "id", d->id, "name", domain_name(d),
			 "cpu_time_ns", (json_int_t)s->cpu_time_ns, "vcpus_online",
			 (json_int_t)s->vcpus_online, "memory_kib", (json_int_t)s->memory_kib,
			 "sampled_at", at);
}
