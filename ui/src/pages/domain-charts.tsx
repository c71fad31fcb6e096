// A domain's live charts: CPU use (percent of one CPU, from the difference of two samples of
// its CPU time), memory backed and its target, vCPUs online. Sampled from
// GET /v1/domains/{id}/stats every 2 s while the page is visible; polling, not the event
// stream, because CPU time changes all the time and is only worth reading while someone looks.
import { useRef, useState } from 'preact/hooks';
import { ApiError, request, type Domain, type DomainStats } from '../api';
import { cpuPercent, SAMPLE_PERIOD_MS, type CpuSample } from '../cpu';
import { useVisibleInterval } from '../hooks';
import { ProblemBox } from '../ui';
import { Chart } from './chart';

const SAMPLES = 150; // five minutes

interface Point {
  cpu: number;
  memMib: number;
  targetMib: number;
  vcpus: number;
}

const STOPPED: Point = { cpu: 0, memMib: 0, targetMib: 0, vcpus: 0 };

export function DomainCharts({ d }: { d: Domain }) {
  const latest = useRef(d);
  latest.current = d;
  const prev = useRef<CpuSample | null>(null);
  const [points, setPoints] = useState<Point[]>([]);
  const [error, setError] = useState<unknown>(null);
  const push = (p: Point) => setPoints((s) => [...s.slice(1 - SAMPLES), p]);

  useVisibleInterval(() => {
    const cur = latest.current;
    request<DomainStats>('GET', `/v1/domains/${encodeURIComponent(cur.id)}/stats`)
      .then((r) => {
        const s = { cpuNs: r.data.cpu_time_ns, atMs: Date.parse(r.data.sampled_at) };
        const last = prev.current;
        prev.current = s;
        setError(null);
        // A first sample, or one after the page was hidden a while, starts a new interval.
        const pct = last ? cpuPercent(last, s, 3 * SAMPLE_PERIOD_MS) : null;
        if (pct !== null) push({ cpu: pct, memMib: Math.round(r.data.memory_kib / 1024), targetMib: cur.memory_target_mib, vcpus: r.data.vcpus_online });
      })
      .catch((e: unknown) => {
        prev.current = null;
        // 409: stopped, nothing runs.
        if (e instanceof ApiError && e.problem.status === 409) {
          setError(null);
          push(STOPPED);
        } else setError(e);
      });
  }, SAMPLE_PERIOD_MS);

  return (
    <>
      <p class="muted">Sampled every 2 s from the API while this page is visible. CPU is in percent of one CPU: 100 for each busy vCPU.</p>
      <ProblemBox error={error} />
      <div class="charts">
        <Chart
          title="This domain: CPU (% of one CPU)"
          unit="%"
          max={100 * Math.max(1, d.max_vcpus, ...points.map((p) => p.cpu / 100))}
          series={[{ label: 'used', values: points.map((p) => p.cpu), cls: 'c1' }]}
        />
        <Chart
          title="This domain: memory (MiB)"
          unit="MiB"
          max={d.memory_mib}
          series={[
            { label: 'backed', values: points.map((p) => p.memMib), cls: 'c1' },
            { label: 'target', values: points.map((p) => p.targetMib), cls: 'c2' },
          ]}
        />
        <Chart title="This domain: vCPUs online" unit="" max={d.max_vcpus} series={[{ label: 'online', values: points.map((p) => p.vcpus), cls: 'c1' }]} />
      </div>
    </>
  );
}
