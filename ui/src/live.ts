// The app's live view of controld: all domains, loaded once and then kept current from the
// SSE stream /v1/events (no polling). Pages subscribe to changes.
import { listAllDomains, request, session, setReachable, type Domain, type DomainState, type Job } from './api';
import { EventStream, type SseEvent, type StreamState } from './sse';

export interface LogEntry {
  at: Date;
  type: string;
  domainId: string | null;
  text: string;
}

type Fn = () => void;

export class Live {
  readonly domains = new Map<string, Domain>();
  readonly log: LogEntry[] = []; // the latest events, newest last
  loaded = false;
  loadError: unknown = null;
  stream: StreamState = 'connecting';
  /** Bumped on every change, so views can memoise on it. */
  version = 0;
  private readonly subs = new Set<Fn>();
  private readonly jobSubs = new Set<(j: Job) => void>();
  private es: EventStream | null = null;
  private readonly refreshing = new Map<string, boolean>(); // id → asked again meanwhile
  private wasDown = false;

  start(): void {
    this.es = new EventStream({
      url: '/v1/events?types=domain,job',
      token: () => session.token,
      onEvent: (ev) => this.apply(ev),
      onState: (s) => {
        this.stream = s;
        if (s === 'open') setReachable(true);
        if (s === 'down') setReachable(false);
        // Back after an outage: Last-Event-ID replays what the ring still has, but a
        // controld that restarted numbers its events from 1 again, so the list is loaded
        // again too.
        if (s === 'open' && this.wasDown) void this.reload();
        if (s === 'open' || s === 'down') this.wasDown = s === 'down';
        this.changed();
      },
    });
    void this.reload();
  }

  stop(): void {
    this.es?.close();
    this.es = null;
  }

  async reload(): Promise<void> {
    try {
      const list = await listAllDomains();
      const seen = new Set<string>();
      for (const d of list) {
        seen.add(d.id);
        this.upsert(d);
      }
      for (const id of [...this.domains.keys()]) if (!seen.has(id)) this.domains.delete(id);
      this.loaded = true;
      this.loadError = null;
    } catch (e) {
      this.loadError = e;
      // Try again while the app runs: the error is on screen meanwhile.
      if (this.es) setTimeout(() => this.es && void this.reload(), 2000);
    }
    this.changed();
  }

  subscribe(fn: Fn): () => void {
    this.subs.add(fn);
    return () => this.subs.delete(fn);
  }

  onJob(fn: (j: Job) => void): () => void {
    this.jobSubs.add(fn);
    return () => this.jobSubs.delete(fn);
  }

  byState(): Record<DomainState, number> {
    const n: Record<DomainState, number> = { stopped: 0, running: 0, paused: 0, shutting_down: 0, crashed: 0 };
    for (const d of this.domains.values()) n[d.state] += 1;
    return n;
  }

  /** Newer generations win, so a list loaded while events arrive cannot step back. */
  private upsert(d: Domain): void {
    const old = this.domains.get(d.id);
    if (!old || d.generation >= old.generation) this.domains.set(d.id, d);
  }

  private apply(ev: SseEvent): void {
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(ev.data) as Record<string, unknown>;
    } catch {
      return; // not ours to guess at
    }
    const id = typeof data.id === 'string' ? data.id : null;
    switch (ev.type) {
      case 'domain.created':
      case 'domain.updated':
        this.upsert(data as unknown as Domain);
        break;
      case 'domain.state': {
        const d = id ? this.domains.get(id) : undefined;
        if (d && typeof data.to === 'string') {
          this.domains.set(d.id, { ...d, state: data.to as DomainState });
          this.refresh(d.id); // the event carries no generation (ETag); fetch the record
        }
        break;
      }
      case 'domain.deleted':
        if (id) this.domains.delete(id);
        break;
      case 'job.created':
      case 'job.progress':
      case 'job.finished':
        for (const fn of this.jobSubs) fn(data as unknown as Job);
        break;
      case 'resync':
        void this.reload();
        break;
      default:
        return;
    }
    this.record(ev, data);
    this.changed();
  }

  /** Fetches one domain again, at most one request per domain at a time. */
  private refresh(id: string): void {
    if (this.refreshing.has(id)) {
      this.refreshing.set(id, true);
      return;
    }
    this.refreshing.set(id, false);
    request<Domain>('GET', `/v1/domains/${id}`)
      .then((r) => {
        this.upsert(r.data);
        this.changed();
      })
      .catch(() => undefined) // deleted meanwhile, or controld away: the stream says so
      .finally(() => {
        const again = this.refreshing.get(id);
        this.refreshing.delete(id);
        if (again) this.refresh(id);
      });
  }

  private record(ev: SseEvent, data: Record<string, unknown>): void {
    const job = ev.type.startsWith('job.');
    const domainId = job ? ((data.domain_id as string | null) ?? null) : ((data.id as string | undefined) ?? null);
    let text = '';
    if (ev.type === 'domain.state') text = `${String(data.from)} → ${String(data.to)}`;
    else if (job) text = `${String(data.kind)} ${String(data.state)} ${String(data.progress)}% ${String(data.message ?? '')}`;
    else if (typeof data.name === 'string') text = data.name;
    this.log.push({ at: new Date(), type: ev.type, domainId, text });
    if (this.log.length > 500) this.log.splice(0, this.log.length - 500);
  }

  private changed(): void {
    this.version += 1;
    for (const fn of this.subs) fn();
  }
}

export const live = new Live();
