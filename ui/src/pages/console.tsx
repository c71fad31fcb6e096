// The guest's console in a terminal widget (xterm.js, loaded only on this page): scroll-back
// from the API's history (GET .../console), then live output from .../console/stream; what
// is typed goes to POST .../console (see TypeAhead), and the guest's echo comes back as output.
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { idempotencyKey, request, session, type Domain } from '../api';
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
    const typed = new TypeAhead(d.id, setError);
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

/**
 * Keys typed go to the guest in batches: one POST in flight at a time, and what is typed
 * meanwhile goes in the next one, so fast typing costs a request per round trip, not per key.
 * Bytes the guest's ring did not take (accepted < sent) are sent again a little later.
 */
class TypeAhead {
  private pending = '';
  private busy = false;
  private stopped = false;

  constructor(
    private readonly id: string,
    private readonly onError: (e: unknown) => void,
  ) {}

  add(data: string): void {
    this.pending += data;
    this.flush();
  }

  stop(): void {
    this.stopped = true;
  }

  private flush(): void {
    if (this.busy || this.stopped || !this.pending) return;
    const input = this.pending;
    this.pending = '';
    this.busy = true;
    request<{ accepted: number }>('POST', `/v1/domains/${this.id}/console`, {
      body: { input },
      headers: { 'Idempotency-Key': idempotencyKey() },
    })
      .then((r) => {
        this.onError(null);
        const rest = utf8Tail(input, r.data.accepted);
        this.pending = rest + this.pending;
        // The ring was full: give the guest time to read before sending the rest.
        return rest ? new Promise((ok) => setTimeout(ok, 100)) : undefined;
      })
      .catch((e) => this.onError(e)) // 409 no-console / console-broken: its title and detail
      .finally(() => {
        this.busy = false;
        this.flush();
      });
  }
}

/** What is left of text after its first n UTF-8 bytes (the API counts bytes). */
function utf8Tail(text: string, n: number): string {
  const bytes = new TextEncoder().encode(text);
  return n >= bytes.length ? '' : new TextDecoder().decode(bytes.slice(n));
}
