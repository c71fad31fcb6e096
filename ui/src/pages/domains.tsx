// The live domain table: kept current from the SSE stream, filtered and sorted in the page.
import { useMemo, useState } from 'preact/hooks';
import type { Domain, DomainState } from '../api';
import { hashParam, useLive } from '../hooks';
import { live } from '../live';
import { fmtMib, ProblemBox, StateBadge } from '../ui';

type SortKey = 'name' | 'state' | 'vcpus' | 'memory_mib';
const STATES: DomainState[] = ['running', 'paused', 'shutting_down', 'stopped', 'crashed'];

function compare(a: Domain, b: Domain, key: SortKey): number {
  if (key === 'name') return a.name.localeCompare(b.name);
  if (key === 'state') return a.state.localeCompare(b.state) || a.name.localeCompare(b.name);
  return a[key] - b[key] || a.name.localeCompare(b.name);
}

export function DomainList() {
  const version = useLive();
  const [text, setText] = useState('');
  const [state, setState] = useState<string>(hashParam('state') ?? '');
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'name', desc: false });

  const rows = useMemo(() => {
    const needle = text.trim().toLowerCase();
    const out: Domain[] = [];
    for (const d of live.domains.values()) {
      if (state && d.state !== state) continue;
      if (needle && !d.name.toLowerCase().includes(needle) && !d.id.startsWith(needle)) continue;
      out.push(d);
    }
    out.sort((a, b) => (sort.desc ? -1 : 1) * compare(a, b, sort.key));
    return out;
  }, [version, text, state, sort]);

  const header = (key: SortKey, label: string) => (
    <th scope="col" aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button type="button" class="link" onClick={() => setSort({ key, desc: sort.key === key && !sort.desc })}>
        {label}
        {sort.key === key ? (sort.desc ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );

  return (
    <section aria-labelledby="dl-h">
      <h1 id="dl-h">Domains</h1>
      <div class="toolbar" role="search">
        <label>
          Filter <input type="search" value={text} placeholder="name or id" onInput={(e) => setText(e.currentTarget.value)} />
        </label>
        <label>
          State{' '}
          <select value={state} onChange={(e) => setState(e.currentTarget.value)}>
            <option value="">any</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <span class="muted" data-testid="domain-count" aria-live="polite">
          {live.loaded ? `${rows.length} of ${live.domains.size}` : 'loading…'}
        </span>
        <span class={`stream st-${live.stream}`} title="event stream">
          {live.stream === 'open' ? 'live' : live.stream}
        </span>
      </div>
      <ProblemBox error={live.loadError} />
      <table class="domains">
        <thead>
          <tr>
            {header('name', 'Name')}
            {header('state', 'State')}
            {header('vcpus', 'vCPUs')}
            {header('memory_mib', 'Memory')}
            <th scope="col">Domain id</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={d.id} data-name={d.name}>
              <td>
                <a href={`#/domains/${encodeURIComponent(d.name)}`}>{d.name}</a>
              </td>
              <td>
                <StateBadge state={d.state} />
              </td>
              <td class="num">
                {d.vcpus}/{d.max_vcpus}
              </td>
              <td class="num">{fmtMib(d.memory_mib)}</td>
              <td class="num">{d.domid ?? '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
