// Server-Sent Events over fetch (EventSource cannot send an Authorization header). The parser
// follows the WHATWG HTML "event stream interpretation" and bounds what it buffers.

export interface SseEvent {
  type: string;
  data: string;
  id: string | null; // the id: field of this event, if any
}

/** Longest line or event data kept; longer ones are dropped whole (a misbehaving server). */
export const SSE_MAX_BYTES = 1 << 20;

export class SseParser {
  private buf = '';
  private data: string[] = [];
  private dataLen = 0;
  private type = '';
  private id: string | null = null;
  private oversized = false;
  private skipLf = false;
  /** The id to send as Last-Event-ID on reconnection. */
  lastEventId = '';
  /** The server's retry: hint in ms, if it gave one. */
  retryMs: number | null = null;

  /** Feeds decoded text; returns the events it completed. */
  push(chunk: string): SseEvent[] {
    const out: SseEvent[] = [];
    // A \r that ended the previous chunk may have been the first half of \r\n.
    if (this.skipLf && chunk.startsWith('\n')) chunk = chunk.slice(1);
    this.skipLf = false;
    this.buf += chunk;
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buf);
      if (!m) break;
      if (m[0] === '\r' && m.index === this.buf.length - 1) this.skipLf = true;
      const line = this.buf.slice(0, m.index);
      this.buf = this.buf.slice(m.index + m[0].length);
      this.line(line, out);
    }
    if (this.buf.length > SSE_MAX_BYTES) {
      this.buf = '';
      this.oversized = true; // the rest of this line is dropped with it
    }
    return out;
  }

  private line(line: string, out: SseEvent[]): void {
    if (this.oversized) {
      this.oversized = false;
      this.reset();
      return;
    }
    if (line === '') {
      if (this.data.length) {
        out.push({ type: this.type || 'message', data: this.data.join('\n'), id: this.id });
      }
      this.reset();
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.dataLen += value.length + 1;
        if (this.dataLen > SSE_MAX_BYTES) {
          this.oversized = true;
          return;
        }
        this.data.push(value);
        break;
      case 'event':
        this.type = value;
        break;
      case 'id':
        if (!value.includes('\0')) {
          this.id = value;
          this.lastEventId = value;
        }
        break;
      case 'retry':
        if (/^[0-9]{1,9}$/.test(value)) this.retryMs = Number(value);
        break;
      default:
        break;
    }
  }

  private reset(): void {
    this.data = [];
    this.dataLen = 0;
    this.type = '';
    this.id = null;
  }
}

export type StreamState = 'connecting' | 'open' | 'down';

export interface StreamOptions {
  url: string;
  token: () => string | null;
  onEvent: (ev: SseEvent) => void;
  onState?: (s: StreamState) => void;
}

/**
 * One event stream that reconnects by itself (1 s, then up to 10 s apart) and resumes with
 * Last-Event-ID, so nothing is missed while it is away. close() ends it for good.
 */
export class EventStream {
  private abort: AbortController | null = null;
  private closed = false;
  private lastId = '';
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly opts: StreamOptions) {
    void this.run();
  }

  close(): void {
    this.closed = true;
    this.abort?.abort();
    if (this.timer) clearTimeout(this.timer);
  }

  private async run(): Promise<void> {
    const parser = new SseParser();
    parser.lastEventId = this.lastId;
    this.opts.onState?.('connecting');
    this.abort = new AbortController();
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    const token = this.opts.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (this.lastId) headers['Last-Event-ID'] = this.lastId;
    try {
      const resp = await fetch(this.opts.url, { headers, signal: this.abort.signal, cache: 'no-store' });
      if (!resp.ok || !resp.body) throw new Error(`HTTP ${resp.status}`);
      this.failures = 0;
      this.opts.onState?.('open');
      const reader = resp.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const ev of parser.push(value)) this.opts.onEvent(ev);
        this.lastId = parser.lastEventId;
      }
    } catch {
      // fall through to reconnect
    }
    this.lastId = parser.lastEventId;
    if (this.closed) return;
    this.opts.onState?.('down');
    this.failures += 1;
    const delay = Math.min(10000, parser.retryMs ?? 1000 * this.failures);
    this.timer = setTimeout(() => void this.run(), Math.max(500, delay));
  }
}
