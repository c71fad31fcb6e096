// Console input batching: keys typed fast go out in few requests, in order, none lost.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BATCH_MS, RETRY_MS, TypeAhead, utf8Tail } from '../../src/typeahead';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** A guest whose replies the test releases one at a time; takes at most `room` bytes a time. */
function guest(room = Infinity) {
  const sent: string[] = [];
  const replies: (() => void)[] = [];
  const send = (input: string) =>
    new Promise<number>((ok) => {
      sent.push(input);
      replies.push(() => ok(Math.min(room, new TextEncoder().encode(input).length)));
    });
  const answer = async () => {
    replies.shift()!();
    await vi.advanceTimersByTimeAsync(0);
  };
  return { sent, send, answer };
}

describe('console type-ahead', () => {
  it('sends keys typed within the batch window in one request', async () => {
    const g = guest();
    const t = new TypeAhead(g.send, () => {});
    for (const k of 'hello') t.add(k);
    expect(g.sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(BATCH_MS);
    expect(g.sent).toEqual(['hello']);
  });

  it('keeps what is typed during a request for the next one', async () => {
    const g = guest();
    const t = new TypeAhead(g.send, () => {});
    t.add('a');
    await vi.advanceTimersByTimeAsync(BATCH_MS);
    for (const k of 'bcdef') t.add(k);
    await vi.advanceTimersByTimeAsync(BATCH_MS * 10);
    expect(g.sent).toEqual(['a']); // one in flight at a time
    await g.answer();
    expect(g.sent).toEqual(['a', 'bcdef']);
  });

  it('sends again what a full ring did not take, before later keys', async () => {
    const g = guest(3);
    const t = new TypeAhead(g.send, () => {});
    t.add('héllo'); // é is two bytes: the ring takes "hé"
    await vi.advanceTimersByTimeAsync(BATCH_MS);
    t.add('!');
    await g.answer();
    await vi.advanceTimersByTimeAsync(RETRY_MS);
    expect(g.sent).toEqual(['héllo', 'llo!']);
  });

  it('reports a refusal and goes on with later keys', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const t = new TypeAhead(async (input) => {
      calls += 1;
      if (calls === 1) throw new Error('409 no-console');
      return input.length;
    }, (e) => errors.push(e));
    t.add('x');
    await vi.advanceTimersByTimeAsync(BATCH_MS);
    expect(String(errors[0])).toMatch(/no-console/);
    t.add('y');
    await vi.advanceTimersByTimeAsync(BATCH_MS);
    expect(errors.at(-1)).toBeNull();
  });

  it('sends nothing after stop', async () => {
    const g = guest();
    const t = new TypeAhead(g.send, () => {});
    t.add('z');
    t.stop();
    await vi.advanceTimersByTimeAsync(BATCH_MS * 5);
    expect(g.sent).toEqual([]);
  });

  it('cuts text at a UTF-8 byte count', () => {
    expect(utf8Tail('abc', 0)).toBe('abc');
    expect(utf8Tail('abc', 2)).toBe('c');
    expect(utf8Tail('abc', 9)).toBe('');
    expect(utf8Tail('€x', 3)).toBe('x');
  });
});
