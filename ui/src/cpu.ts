// CPU use from CPU time: the API reports counters (GET /v1/domains/{d}/stats: cpu_time_ns at
// sampled_at; /metrics: keel_domain_cpu_seconds_total), and use is the difference of two
// samples over the time between them.

/** How often the dashboard samples CPU time (while a page shows): five minutes are 150 samples. */
export const SAMPLE_PERIOD_MS = 2000;

/** One reading of a domain's CPU time counter. */
export interface CpuSample {
  cpuNs: number;
  atMs: number;
}

/**
 * Percent of one CPU used between two samples (200 = two CPUs busy), one decimal; null when
 * there is no interval to measure, the counter went back (the domain was started again) or the
 * samples are more than maxGapMs apart (the page was hidden: not an average over that time).
 */
export function cpuPercent(prev: CpuSample, next: CpuSample, maxGapMs = Infinity): number | null {
  const dt = next.atMs - prev.atMs;
  const used = next.cpuNs - prev.cpuNs;
  if (!(dt > 0) || dt > maxGapMs || !(used >= 0)) return null;
  return Math.round((used / (dt * 1e6)) * 1000) / 10;
}

export interface DomainMetrics {
  cpuNs: number;
  memoryBytes?: number;
}

/** The most /metrics text parsed, and the most domains taken from it (the rest is ignored). */
export const METRICS_MAX_BYTES = 8 << 20;
export const METRICS_MAX_DOMAINS = 10000;

const LINE = /^(keel_domain_cpu_seconds_total|keel_domain_memory_bytes)\{domain="([A-Za-z0-9][A-Za-z0-9._-]{0,62})"\} ([0-9]{1,15}(?:\.[0-9]{1,9})?)$/;

/**
 * The per-domain series of controld's /metrics (Prometheus text): CPU time and memory backed
 * by domain name. Lines of other metrics, and any line that is not exactly the expected form
 * (controld writes names as [A-Za-z0-9._-] and plain decimal numbers), are skipped.
 */
export function parseDomainMetrics(text: string): Map<string, DomainMetrics> {
  const out = new Map<string, DomainMetrics>();
  const body = text.length > METRICS_MAX_BYTES ? text.slice(0, METRICS_MAX_BYTES) : text;
  for (const line of body.split('\n')) {
    if (!line.startsWith('keel_domain_')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const [, metric, name, value] = m;
    let d = out.get(name);
    if (!d) {
      if (out.size >= METRICS_MAX_DOMAINS) continue;
      d = { cpuNs: Number.NaN };
      out.set(name, d);
    }
    if (metric === 'keel_domain_cpu_seconds_total') d.cpuNs = secondsToNs(value);
    else d.memoryBytes = Number(value);
  }
  for (const [name, d] of out) if (Number.isNaN(d.cpuNs)) out.delete(name);
  return out;
}

/** "12.000000345" → 12000000345, exactly (no float rounding of the fraction). */
function secondsToNs(value: string): number {
  const [whole, frac = ''] = value.split('.');
  return Number(whole) * 1e9 + Number(frac.padEnd(9, '0'));
}
