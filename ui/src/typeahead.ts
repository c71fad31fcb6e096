// Console input in batches (see TypeAhead); the sender is given, so the batching is tested alone.

/** Sends input to the guest; resolves how many of its UTF-8 bytes the guest's ring took. */
export type SendInput = (input: string) => Promise<number>;

export const BATCH_MS = 20; // well under what a typist notices
export const RETRY_MS = 100; // the guest's ring was full: time for it to read

/**
 * Keys typed go to the guest in batches: the first key waits BATCH_MS for the ones typed right
 * after it, one request is in flight at a time, and what is typed meanwhile goes in the next
 * one, so fast typing (or a paste) costs a request per round trip, not one per key. Bytes the
 * ring did not take are sent again, before anything typed later.
 */
export class TypeAhead {
  private pending = '';
  private busy = false;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly send: SendInput,
    private readonly onError: (e: unknown) => void,
  ) {}

  add(data: string): void {
    if (this.stopped) return;
    this.pending += data;
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.flush();
    }, BATCH_MS);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private flush(): void {
    if (this.busy || this.stopped || !this.pending) return;
    const input = this.pending;
    this.pending = '';
    this.busy = true;
    this.send(input)
      .then((accepted) => {
        this.onError(null);
        const rest = utf8Tail(input, accepted);
        this.pending = rest + this.pending;
        return rest ? new Promise((ok) => setTimeout(ok, RETRY_MS)) : undefined;
      })
      .catch((e) => this.onError(e)) // what failed is not sent again
      .finally(() => {
        this.busy = false;
        this.flush();
      });
  }
}

/** What is left of text after its first n UTF-8 bytes (the API counts bytes). */
export function utf8Tail(text: string, n: number): string {
  const bytes = new TextEncoder().encode(text);
  return n >= bytes.length ? '' : new TextDecoder().decode(bytes.slice(Math.max(0, n)));
}
