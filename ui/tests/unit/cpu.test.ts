// CPU use from two samples, and the parser of /metrics' per-domain lines (network input):
// exact numbers, skipped lines, bounds, and random input (a fuzz loop with a fixed seed).
import { describe, expect, it } from 'vitest';
import { cpuPercent, METRICS_MAX_BYTES, METRICS_MAX_DOMAINS, parseDomainMetrics } from '../../src/cpu';

describe('cpuPercent', () => {
  it('is the share of one CPU between two samples', () => {
    expect(cpuPercent({ cpuNs: 0, atMs: 1000 }, { cpuNs: 2e9, atMs: 3000 })).toBe(100);
    expect(cpuPercent({ cpuNs: 5e9, atMs: 0 }, { cpuNs: 9e9, atMs: 2000 })).toBe(200);
    expect(cpuPercent({ cpuNs: 1e9, atMs: 0 }, { cpuNs: 1e9, atMs: 2000 })).toBe(0);
    expect(cpuPercent({ cpuNs: 0, atMs: 0 }, { cpuNs: 123456789, atMs: 1000 })).toBe(12.3);
  });

  it('has no value without an interval or when the counter went back (a new run)', () => {
    expect(cpuPercent({ cpuNs: 0, atMs: 1000 }, { cpuNs: 1e9, atMs: 1000 })).toBeNull();
    expect(cpuPercent({ cpuNs: 0, atMs: 2000 }, { cpuNs: 1e9, atMs: 1000 })).toBeNull();
    expect(cpuPercent({ cpuNs: 5e9, atMs: 0 }, { cpuNs: 1e9, atMs: 1000 })).toBeNull();
    expect(cpuPercent({ cpuNs: 0, atMs: Number.NaN }, { cpuNs: 1e9, atMs: 1000 })).toBeNull();
    // Samples further apart than the gap allowed: the page was hidden, no average over it.
    expect(cpuPercent({ cpuNs: 0, atMs: 0 }, { cpuNs: 6e9, atMs: 6000 }, 6000)).toBe(100);
    expect(cpuPercent({ cpuNs: 0, atMs: 0 }, { cpuNs: 6e9, atMs: 6001 }, 6000)).toBeNull();
  });
});

const METRICS = [
  '# HELP keel_domain_cpu_seconds_total CPU time of a domain.',
  '# TYPE keel_domain_cpu_seconds_total counter',
  'keel_domain_cpu_seconds_total{domain="web1"} 12.000000345',
  'keel_domain_cpu_seconds_total{domain="Domain-0"} 0.500000000',
  '# TYPE keel_domain_memory_bytes gauge',
  'keel_domain_memory_bytes{domain="web1"} 268435456',
  'keel_domain_memory_bytes{domain="Domain-0"} 1073741824',
  'keel_domains{state="running"} 2',
  'keel_http_requests_total{code="2xx"} 17',
  '',
].join('\n');

describe('parseDomainMetrics', () => {
  it('takes each domain CPU time (exact nanoseconds) and memory', () => {
    const m = parseDomainMetrics(METRICS);
    expect([...m.keys()]).toEqual(['web1', 'Domain-0']);
    expect(m.get('web1')).toEqual({ cpuNs: 12000000345, memoryBytes: 268435456 });
    expect(m.get('Domain-0')).toEqual({ cpuNs: 500000000, memoryBytes: 1073741824 });
  });

  it('skips lines not exactly in the form controld writes', () => {
    const bad = [
      'keel_domain_cpu_seconds_total{domain="a b"} 1',
      'keel_domain_cpu_seconds_total{domain="x\\"y"} 1',
      'keel_domain_cpu_seconds_total{domain="-lead"} 1',
      'keel_domain_cpu_seconds_total{domain="ok"} 1e9',
      'keel_domain_cpu_seconds_total{domain="ok"} -1',
      'keel_domain_cpu_seconds_total{domain="ok"} 1.0000000001',
      'keel_domain_cpu_seconds_total{domain="ok",x="y"} 1',
      'keel_domain_cpu_seconds_total{domain="ok"} 1 1700000000000',
      `keel_domain_cpu_seconds_total{domain="${'n'.repeat(64)}"} 1`,
      'keel_domain_memory_bytes{domain="memonly"} 1024',
      ' keel_domain_cpu_seconds_total{domain="ok"} 1',
    ].join('\n');
    expect(parseDomainMetrics(bad).size).toBe(0);
    expect(parseDomainMetrics('keel_domain_cpu_seconds_total{domain="ok"} 1\r\n').size).toBe(0);
  });

  it('is bounded: at most METRICS_MAX_DOMAINS domains, METRICS_MAX_BYTES of text', () => {
    const many = Array.from({ length: METRICS_MAX_DOMAINS + 5 }, (_, i) => `keel_domain_cpu_seconds_total{domain="d${i}"} ${i}`).join('\n');
    const m = parseDomainMetrics(many);
    expect(m.size).toBe(METRICS_MAX_DOMAINS);
    expect(m.has(`d${METRICS_MAX_DOMAINS}`)).toBe(false);
    const tail = 'keel_domain_cpu_seconds_total{domain="late"} 1';
    expect(parseDomainMetrics(`${'#'.repeat(METRICS_MAX_BYTES)}\n${tail}`).has('late')).toBe(false);
  });

  it('never throws and only yields well-formed entries on random input', () => {
    let seed = 14;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    const alphabet = 'keel_domain_cpu_seconds_total{domain="memory_bytes}0123456789. \n\r"\\-#';
    for (let n = 0; n < 2000; n++) {
      let text = rnd() < 0.5 ? METRICS.slice(0, Math.floor(rnd() * METRICS.length)) : '';
      const len = Math.floor(rnd() * 200);
      for (let i = 0; i < len; i++) text += alphabet[Math.floor(rnd() * alphabet.length)];
      for (const [name, d] of parseDomainMetrics(text)) {
        expect(name).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/);
        expect(Number.isFinite(d.cpuNs) && d.cpuNs >= 0).toBe(true);
      }
    }
  });
});
