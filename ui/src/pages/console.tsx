// The guest's console in a terminal widget (xterm.js, loaded only on this page): scroll-back
// from the API's history (GET .../console), then live output from .../console/stream; what
// is typed goes to POST .../console (see TypeAhead), and the guest's echo comes back as output.
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { idempotencyKey, request, session, type Domain } from '../api';
import { TypeAhead } from '../typeahead';
import { EventStream, type StreamState } from '../sse';
import { ProblemBox } from '../ui';

export function Console({ d }: { d: Domain }) {
  const box = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<unknown>(null);
  const [state, setState] = useState<StreamState>('connecting');

  useEffect(() => {
    const term = new Terminal({ convertEol: true, scrollback: 5000, rows: 20, cols: 100, disableStdin: false });
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
    const typed = new TypeAhead(
      (input) =>
        request<{ accepted: number }>('POST', `/v1/domains/${d.id}/console`, {
          body: { input },
          headers: { 'Idempotency-Key': idempotencyKey() },
        }).then((r) => r.data.accepted),
      setError, // 409 no-console / console-broken: shown with its title and detail
    );
    const input = term.onData((data) => typed.add(data));
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
      input.dispose();
      typed.stop();
      stream.close();
      term.dispose();
    };
  }, [d.id]);

  return (
    <div>
      <h2>Console</h2>
      <p class="muted">
        Console of <code>{d.name}</code>, live ({state === 'open' ? 'connected' : state}). Click it and type: keys go to the
        guest's input.
      </p>
      <ProblemBox error={error} />
      <div class="term" ref={box} data-testid="console" />
    </div>
  );
}
