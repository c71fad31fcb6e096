// One domain: spec, state, actions, editing, charts, jobs with progress, its events and its console.
import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { allows, ApiError, idempotencyKey, request, type Action, type Domain, type DomainPatch, type Job, type Scope } from '../api';
import { useLive } from '../hooks';
import { live } from '../live';
import { Confirm, Field, fieldError, fmtMib, ProblemBox, StateBadge, TableHead } from '../ui';
import { DomainCharts } from './domain-charts';
import { formatPinning, parsePinning } from './pinning';

/** The console page part with xterm.js, fetched only when a console is shown. */
function LazyConsole({ d }: { d: Domain }) {
  const [C, setC] = useState<FunctionComponent<{ d: Domain }> | null>(null);
  useEffect(() => {
    void import('./console').then((m) => setC(() => m.Console));
  }, []);
  return C ? <C d={d} /> : <p>Loading console…</p>;
}

interface ActionDef {
  action: Action;
  label: string;
  from: Domain['state'][];
  confirm?: string;
}

const ACTIONS: ActionDef[] = [
  { action: 'start', label: 'Start', from: ['stopped', 'crashed'] },
  { action: 'pause', label: 'Pause', from: ['running'] },
  { action: 'unpause', label: 'Resume', from: ['paused'] },
  { action: 'shutdown', label: 'Shut down', from: ['running'], confirm: 'Shut down {name}? Its guest is asked to power off.' },
  { action: 'reboot', label: 'Reboot', from: ['running'], confirm: 'Reboot {name}?' },
  {
    action: 'destroy',
    label: 'Destroy',
    from: ['running', 'paused', 'shutting_down'],
    confirm: 'Destroy {name} now? The guest stops at once, without shutting down.',
  },
];

export function DomainPage({ idOrName, scope }: { idOrName: string; scope: Scope }) {
  useLive();
  let d: Domain | undefined = live.domains.get(idOrName);
  if (!d) for (const x of live.domains.values()) if (x.name === idOrName) d = x;
  if (!d) {
    return (
      <section>
        <h1>{idOrName}</h1>
        <ProblemBox error={live.loadError} />
        <p>{live.loaded ? 'No such domain (it may have been deleted).' : 'Loading…'}</p>
        <a href="#/domains">All domains</a>
      </section>
    );
  }
  return <DomainView key={d.id} d={d} scope={scope} />;
}

function DomainView({ d, scope }: { d: Domain; scope: Scope }) {
  const [error, setError] = useState<unknown>(null);
  const [asking, setAsking] = useState<{ text: string; run: () => void } | null>(null);
  const operate = allows(scope, 'operate');

  async function act(a: ActionDef) {
    setError(null);
    try {
      // No If-Match: controld checks the state itself, and a state change elsewhere must
      // not turn this click into a 412.
      await request<Job>('POST', `/v1/domains/${d.id}/actions/${a.action}`, {
        headers: { 'Idempotency-Key': idempotencyKey() },
      });
    } catch (e) {
      setError(e);
    }
  }

  async function remove() {
    setError(null);
    try {
      await request('DELETE', `/v1/domains/${d.id}`);
      location.hash = '#/domains';
    } catch (e) {
      setError(e);
    }
  }

  function ask(text: string, run: () => void) {
    setAsking({ text: text.replace('{name}', d.name), run });
  }

  return (
    <section aria-labelledby="d-h">
      <h1 id="d-h">
        {d.name} <StateBadge state={d.state} />
      </h1>
      {operate ? (
        <div class="actions" role="group" aria-label="Actions">
          {ACTIONS.filter((a) => a.from.includes(d.state)).map((a) => (
            <button
              key={a.action}
              type="button"
              class={a.confirm ? 'danger' : ''}
              onClick={() => (a.confirm ? ask(a.confirm, () => void act(a)) : void act(a))}
            >
              {a.label}
            </button>
          ))}
          {allows(scope, 'admin') && (d.state === 'stopped' || d.state === 'crashed') ? (
            <button type="button" class="danger" onClick={() => ask('Delete {name}? Its definition is forgotten.', () => void remove())}>
              Delete
            </button>
          ) : null}
        </div>
      ) : null}
      {asking ? (
        <Confirm
          text={asking.text}
          onYes={() => {
            asking.run();
            setAsking(null);
          }}
          onNo={() => setAsking(null)}
        />
      ) : null}
      <ProblemBox error={error} />
      <div class="columns">
        <Spec d={d} />
        {operate ? <EditForm d={d} /> : null}
      </div>
      <DomainCharts d={d} />
      <Jobs d={d} />
      <Events d={d} />
      {operate ? <LazyConsole d={d} /> : null}
    </section>
  );
}

function Spec({ d }: { d: Domain }) {
  const boot =
    d.boot.type === 'pvh'
      ? `PVH ${d.boot.kernel} ${d.boot.cmdline ?? ''}`
      : d.boot.type === 'hvm'
        ? `HVM ${d.boot.firmware ?? 'seabios'}`
        : 'built by the hypervisor at boot';
  return (
    <div>
      <h2>Spec</h2>
      <dl class="facts">
        <dt>Id</dt>
        <dd>
          <code>{d.id}</code>
        </dd>
        <dt>Domain id</dt>
        <dd>{d.domid ?? '–'}</dd>
        <dt>vCPUs</dt>
        <dd data-testid="spec-vcpus">
          {d.vcpus} online of {d.max_vcpus}
        </dd>
        <dt>Memory</dt>
        <dd data-testid="spec-memory">
          {fmtMib(d.memory_mib)}, target {fmtMib(d.memory_target_mib)}
        </dd>
        <dt>Scheduling</dt>
        <dd data-testid="spec-sched">
          weight {d.sched.weight}, cap {d.sched.cap ? `${d.sched.cap}%` : 'none'}
        </dd>
        <dt>Pinning</dt>
        <dd>{d.pinning.length ? formatPinning(d.pinning) : 'any CPU'}</dd>
        <dt>Boot</dt>
        <dd>{boot}</dd>
        <dt>Disks</dt>
        <dd>{d.disks.map((k) => `${k.id}: ${k.path}${k.readonly ? ' (ro)' : ''}`).join(', ') || 'none'}</dd>
        <dt>NICs</dt>
        <dd>{d.nics.map((n) => `${n.id}: ${n.mac} on ${n.bridge}`).join(', ') || 'none'}</dd>
        <dt>PCI</dt>
        <dd>{d.pci.join(', ') || 'none'}</dd>
        <dt>Generation</dt>
        <dd>{d.generation}</dd>
      </dl>
    </div>
  );
}

function EditForm({ d }: { d: Domain }) {
  const [vcpus, setVcpus] = useState(String(d.vcpus));
  const [target, setTarget] = useState(String(d.memory_target_mib));
  const [weight, setWeight] = useState(String(d.sched.weight));
  const [cap, setCap] = useState(String(d.sched.cap));
  const [pinning, setPinning] = useState(formatPinning(d.pinning));
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  async function save(e: Event) {
    e.preventDefault();
    setSaved(false);
    const patch: DomainPatch = {};
    const num = (s: string, field: string) => {
      const n = Number(s);
      if (!/^-?[0-9]+$/.test(s.trim())) {
        throw new ApiError({ type: 'about:blank', title: 'Invalid value', status: 400, field, detail: 'must be a whole number' });
      }
      return n;
    };
    try {
      const v = num(vcpus, '/vcpus');
      if (v !== d.vcpus) patch.vcpus = v;
      const t = num(target, '/memory_target_mib');
      if (t !== d.memory_target_mib) patch.memory_target_mib = t;
      const w = num(weight, '/sched/weight');
      const c = num(cap, '/sched/cap');
      if (w !== d.sched.weight || c !== d.sched.cap) patch.sched = { weight: w, cap: c };
      const p = parsePinning(pinning);
      if (p === null) {
        throw new ApiError({
          type: 'about:blank',
          title: 'Invalid value',
          status: 400,
          field: '/pinning',
          detail: 'one list of CPU numbers per vCPU, separated by ";", e.g. 0,1; 2',
        });
      }
      if (formatPinning(p) !== formatPinning(d.pinning)) patch.pinning = p;
    } catch (err) {
      setError(err);
      return;
    }
    if (!Object.keys(patch).length) {
      setError(null);
      return;
    }
    try {
      await request<Domain>('PATCH', `/v1/domains/${d.id}`, {
        body: patch,
        headers: { 'Content-Type': 'application/merge-patch+json', 'If-Match': `"${d.generation}"` },
      });
      setError(null);
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  }

  const fe = (...f: string[]) => fieldError(error, ...f);
  // A problem that names none of the fields below is shown above them.
  const general = error instanceof ApiError && !fe('/vcpus', '/memory_target_mib', '/sched/weight', '/sched/cap', '/pinning') ? error : null;
  const described = (id: string, err: string | null) => (err ? { 'aria-invalid': true, 'aria-describedby': `${id}-error` } : {});
  return (
    <form onSubmit={save} class="edit" aria-labelledby="edit-h">
      <h2 id="edit-h">Change</h2>
      <ProblemBox error={general} />
      <Field id="f-vcpus" label={`vCPUs online (1–${d.max_vcpus})`} error={fe('/vcpus')}>
        <input id="f-vcpus" inputMode="numeric" value={vcpus} onInput={(e) => setVcpus(e.currentTarget.value)} {...described('f-vcpus', fe('/vcpus'))} />
      </Field>
      <Field id="f-target" label={`Memory target, MiB (16–${d.memory_mib})`} error={fe('/memory_target_mib')}>
        <input id="f-target" inputMode="numeric" value={target} onInput={(e) => setTarget(e.currentTarget.value)} {...described('f-target', fe('/memory_target_mib'))} />
      </Field>
      <Field id="f-weight" label="Weight (1–65535)" error={fe('/sched/weight')}>
        <input id="f-weight" inputMode="numeric" value={weight} onInput={(e) => setWeight(e.currentTarget.value)} {...described('f-weight', fe('/sched/weight'))} />
      </Field>
      <Field id="f-cap" label="Cap, % of one CPU (0 = none)" error={fe('/sched/cap')}>
        <input id="f-cap" inputMode="numeric" value={cap} onInput={(e) => setCap(e.currentTarget.value)} {...described('f-cap', fe('/sched/cap'))} />
      </Field>
      <Field id="f-pin" label="Pinning: CPUs per vCPU, e.g. 0,1; 2" error={fe('/pinning')}>
        <input id="f-pin" value={pinning} onInput={(e) => setPinning(e.currentTarget.value)} {...described('f-pin', fe('/pinning'))} />
      </Field>
      <button type="submit">Apply</button>
      {saved ? (
        <span class="ok" role="status">
          Applied
        </span>
      ) : null}
    </form>
  );
}

function Jobs({ d }: { d: Domain }) {
  const [jobs, setJobs] = useState<Job[]>([]);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    request<{ items: Job[] }>('GET', `/v1/jobs?domain_id=${d.id}&limit=10`)
      .then((r) => setJobs(r.data.items))
      .catch(setError);
    return live.onJob((j) => {
      if (j.domain_id !== d.id) return;
      setJobs((list) => [j, ...list.filter((x) => x.id !== j.id)].slice(0, 10));
    });
  }, [d.id]);
  return (
    <div>
      <h2>Jobs</h2>
      <ProblemBox error={error} />
      {jobs.length ? (
        <table class="jobs">
          <TableHead cols={['Kind', 'State', 'Progress', 'Message', 'Started']} />
          <tbody>
            {jobs.map((j) => (
              <tr key={j.id} data-kind={j.kind}>
                <td>{j.kind}</td>
                <td class={`job-${j.state}`}>{j.state}</td>
                <td>
                  <progress max={100} value={j.progress} aria-label={`${j.kind} progress`}>
                    {j.progress}%
                  </progress>{' '}
                  {j.progress}%
                </td>
                <td>{j.error ? `${j.error.title}: ${j.error.detail ?? ''}` : j.message}</td>
                <td>{j.created_at.replace('T', ' ').slice(0, 19)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">No jobs yet.</p>
      )}
    </div>
  );
}

function Events({ d }: { d: Domain }) {
  const mine = live.log.filter((e) => e.domainId === d.id).slice(-15).reverse();
  return (
    <div>
      <h2>Events</h2>
      {mine.length ? (
        <ol class="events" data-testid="events">
          {mine.map((e, i) => (
            <li key={i}>
              <time>{e.at.toLocaleTimeString()}</time> <code>{e.type}</code> {e.text}
            </li>
          ))}
        </ol>
      ) : (
        <p class="muted">No events since this page opened.</p>
      )}
    </div>
  );
}
