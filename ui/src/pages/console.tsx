// The guest's console in a terminal widget (xterm.js, loaded only on this page): scroll-back
// from the API's history (GET .../console), then live output from .../console/stream.
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { request, session, type Domain } from '../api';
import { EventStream, type StreamState } from '../sse';
import { ProblemBox } from '../ui';

export function Console({ d }: { d: Domain }) {
  const box = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<unknown>(null);
  const [state, setState] = useState<StreamState>('connecting');

  useEffect(() => {
    const term = new Terminal({ convertEol: true, scrollback: 5000, rows: 20, cols: 100, disableStdin: true });
    term.open(box.current!);
    let history = false;
    let asked = false;
    const early: string[] = [];
    const write = (text: string) => (history ? term.write(text) : early.push(text));
    // The history is fetched once the live stream is open, so no output falls between them
    // (output in both is written twice rather than lost).
    const fetchHistory = () =>
      request<string>('GET', `/v1/domains/${d.id}/console`, { headers: { Accept: 'text/plain' } })
        .then((r) => term.write(typeof r.data === 'string' ? r.data : ''))
        .catch(setError)
        .finally(() => {
          history = true;
          for (const t of early) term.write(t);
        });
    const stream = new EventStream({
      url: `/v1/domains/${d.id}/console/stream`,
      token: () => session.token,
      onState: (s) => {
        setState(s);
        if (s === 'open' && !asked) {
          asked = true;
          void fetchHistory();
        }
      },
      onEvent: (ev) => {
        if (ev.type !== 'console.output') return;
        try {
          const m = JSON.parse(ev.data) as { data?: unknown };
          if (typeof m.data === 'string') write(m.data);
        } catch {
          /* not console output */
        }
      },
    });
    return () => {
      stream.close();
      term.dispose();
    };
  }, [d.id]);

  return (
    <div>
      <h2>Console</h2>
      <p class="muted">
        Output of <code>{d.name}</code>, live ({state === 'open' ? 'connected' : state}). The API offers no console input yet.
      </p>
      <ProblemBox error={error} />
      <div class="term" ref={box} data-testid="console" />
    </div>
  );
}
