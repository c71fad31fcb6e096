// Host overview: CPUs, memory, hypervisor version, domains by state, and live charts of the
// last five minutes (host memory from /v1/host; running domains and their vCPUs and memory
// from the live domain view). The API has no per-domain CPU time (neither GET /v1/domains/{id}
// nor /metrics carries one), so the per-domain chart shows what it has: each live domain's
// vCPUs online.
import { useRef, useState } from 'preact/hooks';
import { request, type DomainState, type Host } from '../api';
import { useInterval, useLive } from '../hooks';
import { live } from '../live';
import { fmtMib, ProblemBox, StateBadge } from '../ui';
import { Chart } from './chart';

const SAMPLES = 150; // 5 minutes at one sample per 2 s

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
  const [perDomain, setPerDomain] = useState<Map<string, number[]>>(new Map());
  const hostRef = useRef<Host | null>(null);

  useInterval(() => {
    request<Host>('GET', '/v1/host')
      .then((r) => {
        hostRef.current = r.data;
        setHost(r.data);
        setError(null);
        setPerDomain((m) => samplePerDomain(m));
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
  }, 2000);

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
          title="vCPUs online per domain (the largest four)"
          unit=""
          max={Math.max(1, ...[...perDomain.values()].flat())}
          series={topDomains(perDomain).map(([name, values], i) => ({ label: name, values, cls: `c${i + 1}` }))}
        />
      </div>
    </section>
  );
}

/** One more sample of each live domain's vCPUs online (0 once it stops; gone once deleted). */
function samplePerDomain(prev: Map<string, number[]>): Map<string, number[]> {
  const next = new Map<string, number[]>();
  for (const d of live.domains.values()) {
    const on = d.state === 'running' || d.state === 'paused';
    const old = prev.get(d.name);
    if (!on && !old) continue;
    next.set(d.name, push(old ?? [], on ? d.vcpus : 0));
  }
  return next;
}

function topDomains(m: Map<string, number[]>): [string, number[]][] {
  return [...m.entries()].sort((a, b) => (b[1].at(-1) ?? 0) - (a[1].at(-1) ?? 0) || a[0].localeCompare(b[0])).slice(0, 4);
}
