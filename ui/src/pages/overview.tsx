// Host overview: CPUs, memory, hypervisor version, domains by state, and live charts of the
// last five minutes, sampled every 2 s while the page is visible: host memory from /v1/host;
// CPU use of the host and of each domain, and each domain's memory, from /metrics (one request
// for every domain; its CPU time counters are read from the hypervisor at each request);
// vCPUs and memory targets of live domains from the live domain view.
import { useRef, useState } from 'preact/hooks';
import { request, type DomainState, type Host } from '../api';
import { cpuPercent, parseDomainMetrics, SAMPLE_PERIOD_MS, type CpuSample } from '../cpu';
import { useLive, useVisibleInterval } from '../hooks';
import { live } from '../live';
import { fmtMib, ProblemBox, StateBadge } from '../ui';
import { Chart } from './chart';

const SAMPLES = 150; // 5 minutes at one sample per SAMPLE_PERIOD_MS

interface Sample {
  used: number;
  free: number;
  running: number;
  vcpus: number;
  memTarget: number;
}

function push<T>(arr: T[], v: T): T[] {
  const out = [...arr, v];
  return out.length > SAMPLES ? out.slice(out.length - SAMPLES) : out;
}

export function Overview() {
  useLive();
  const [host, setHost] = useState<Host | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [samples, setSamples] = useState<Sample[]>([]);
  const [perDomain, setPerDomain] = useState<PerDomain>({ cpu: new Map(), mem: new Map(), hostCpu: [] });
  const prevCpu = useRef<Map<string, CpuSample>>(new Map());

  useVisibleInterval(() => {
    void Promise.all([request<Host>('GET', '/v1/host'), request<string>('GET', '/metrics')])
      .then(([r, m]) => {
        setHost(r.data);
        setError(null);
        const cpus = r.data.cpus;
        const now = samplePerDomain(prevCpu.current, parseDomainMetrics(m.data), Date.now());
        prevCpu.current = now.cpu;
        setPerDomain((p) => nextPerDomain(p, now.pct, now.memMib, cpus));
        let running = 0;
        let vcpus = 0;
        let memTarget = 0;
        for (const d of live.domains.values()) {
          if (d.state !== 'running' && d.state !== 'paused') continue;
          running += 1;
          vcpus += d.vcpus;
          memTarget += d.memory_target_mib;
        }
        setSamples((s) =>
          push(s, { used: r.data.memory_mib - r.data.free_memory_mib, free: r.data.free_memory_mib, running, vcpus, memTarget }),
        );
      })
      .catch(setError);
  }, SAMPLE_PERIOD_MS);

  const counts = live.byState();
  return (
    <section aria-labelledby="ov-h">
      <h1 id="ov-h">Host</h1>
      <ProblemBox error={error} />
      {host ? (
        <dl class="facts">
          <dt>CPUs</dt>
          <dd data-testid="host-cpus">{host.cpus}</dd>
          <dt>Memory</dt>
          <dd>{fmtMib(host.memory_mib)}</dd>
          <dt>Used</dt>
          <dd>{fmtMib(host.memory_mib - host.free_memory_mib)}</dd>
          <dt>Free</dt>
          <dd>{fmtMib(host.free_memory_mib)}</dd>
          <dt>Hypervisor</dt>
          <dd data-testid="host-hv">{host.hypervisor.version}</dd>
        </dl>
      ) : null}
      <h2>Domains by state</h2>
      <ul class="states">
        {(Object.keys(counts) as DomainState[]).map((s) => (
          <li key={s}>
            <a href={`#/domains?state=${s}`}>
              <StateBadge state={s} /> <span data-testid={`count-${s}`}>{counts[s]}</span>
            </a>
          </li>
        ))}
      </ul>
      <h2>Last five minutes</h2>
      <div class="charts">
        <Chart
          title="Host memory (MiB)"
          unit="MiB"
          max={host?.memory_mib ?? 1}
          series={[
            { label: 'used', values: samples.map((s) => s.used), cls: 'c1' },
            { label: 'guest targets', values: samples.map((s) => s.memTarget), cls: 'c2' },
          ]}
        />
        <Chart
          title="CPU allocation"
          unit=""
          max={Math.max(host?.cpus ?? 1, ...samples.map((s) => s.vcpus))}
          series={[
            { label: 'vCPUs of live domains', values: samples.map((s) => s.vcpus), cls: 'c1' },
            { label: 'live domains', values: samples.map((s) => s.running), cls: 'c2' },
          ]}
        />
        <Chart
          title="Host CPU used by domains (% of all CPUs)"
          unit="%"
          max={100}
          series={[{ label: 'used', values: perDomain.hostCpu, cls: 'c1' }]}
        />
        <Chart
          title="CPU per domain (% of one CPU, the busiest four)"
          unit="%"
          max={Math.max(100, ...[...perDomain.cpu.values()].flat())}
          series={topDomains(perDomain.cpu).map(([name, values], i) => ({ label: name, values, cls: `c${i + 1}` }))}
        />
        <Chart
          title="Memory per domain (MiB, the largest four)"
          unit="MiB"
          max={Math.max(1, ...[...perDomain.mem.values()].flat())}
          series={topDomains(perDomain.mem).map(([name, values], i) => ({ label: name, values, cls: `c${i + 1}` }))}
        />
      </div>
    </section>
  );
}

interface PerDomain {
  cpu: Map<string, number[]>; // percent of one CPU, by domain name
  mem: Map<string, number[]>; // MiB backed
  hostCpu: number[]; // percent of all the host's CPUs, all domains together
}

/** This sample's CPU use (against the last sample's counters) and memory of each domain the
 * hypervisor has; the counters become the next sample's baseline. */
function samplePerDomain(prev: Map<string, CpuSample>, metrics: ReturnType<typeof parseDomainMetrics>, atMs: number) {
  const cpu = new Map<string, CpuSample>();
  const pct = new Map<string, number>();
  const memMib = new Map<string, number>();
  for (const [name, m] of metrics) {
    const s = { cpuNs: m.cpuNs, atMs };
    cpu.set(name, s);
    const last = prev.get(name);
    const p = last ? cpuPercent(last, s, 3 * SAMPLE_PERIOD_MS) : null;
    if (p !== null) pct.set(name, p);
    if (m.memoryBytes !== undefined) memMib.set(name, Math.round(m.memoryBytes / 1048576));
  }
  return { cpu, pct, memMib };
}

/** The series with one more sample: 0 for a domain that stopped, gone once it is deleted. */
function nextPerDomain(p: PerDomain, pct: Map<string, number>, memMib: Map<string, number>, cpus: number): PerDomain {
  const names = new Set([...live.domains.values()].map((d) => d.name));
  const grow = (old: Map<string, number[]>, now: Map<string, number>) => {
    const next = new Map<string, number[]>();
    for (const [name, v] of now) next.set(name, push(old.get(name) ?? [], v));
    for (const [name, vals] of old) if (!now.has(name) && names.has(name)) next.set(name, push(vals, 0));
    return next;
  };
  const total = [...pct.values()].reduce((a, b) => a + b, 0);
  return { cpu: grow(p.cpu, pct), mem: grow(p.mem, memMib), hostCpu: push(p.hostCpu, Math.round((total / Math.max(1, cpus)) * 10) / 10) };
}

function topDomains(m: Map<string, number[]>): [string, number[]][] {
  return [...m.entries()].sort((a, b) => (b[1].at(-1) ?? 0) - (a[1].at(-1) ?? 0) || a[0].localeCompare(b[0])).slice(0, 4);
}
