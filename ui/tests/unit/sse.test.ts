// The SSE parser of the dashboard (network input): fields, line endings, chunking at any byte,
// bounds, and random input (a fuzz loop with a fixed seed, so failures repeat).
import { describe, expect, it } from 'vitest';
import { SSE_MAX_BYTES, SseParser, type SseEvent } from '../../src/sse';

function parseAll(text: string, chunks: number[] = []): { events: SseEvent[]; p: SseParser } {
  const p = new SseParser();
  const events: SseEvent[] = [];
  let at = 0;
  for (const n of chunks) {
    events.push(...p.push(text.slice(at, at + n)));
    at += n;
  }
  events.push(...p.push(text.slice(at)));
  return { events, p };
}

const SAMPLE =
  'retry: 2000\n\n' +
  'id: 7\nevent: domain.state\ndata: {"id":"a","from":"stopped","to":"running"}\n\n' +
  ': a comment\r\n' +
  'event: resync\r\ndata: {"reason":"gone"}\r\n\r\n' +
  'id: 9\rdata: line one\rdata:line two\r\r';

describe('SseParser', () => {
  it('parses fields, ids, retry and all three line endings', () => {
    const { events, p } = parseAll(SAMPLE);
    expect(events).toEqual([
      { type: 'domain.state', data: '{"id":"a","from":"stopped","to":"running"}', id: '7' },
      { type: 'resync', data: '{"reason":"gone"}', id: null },
      { type: 'message', data: 'line one\nline two', id: '9' },
    ]);
    expect(p.lastEventId).toBe('9');
    expect(p.retryMs).toBe(2000);
  });

  it('gives the same events however the stream is cut', () => {
    const whole = parseAll(SAMPLE).events;
    for (let cut = 1; cut < SAMPLE.length; cut++) {
      expect(parseAll(SAMPLE, [cut]).events).toEqual(whole);
    }
    expect(parseAll(SAMPLE, Array(SAMPLE.length).fill(1)).events).toEqual(whole);
  });

  it('keeps an event without data from being dispatched and ignores unknown fields', () => {
    const { events } = parseAll('event: x\n\nfoo: bar\nid\ndata\n\n');
    expect(events).toEqual([{ type: 'message', data: '', id: '' }]);
  });

  it('refuses bad retry values and ids with NUL', () => {
    const { p } = parseAll('retry: 12x\nretry: -1\nid: a\0b\ndata: x\n\n');
    expect(p.retryMs).toBeNull();
    expect(p.lastEventId).toBe('');
  });

  it('drops an over-long line or event whole and goes on', () => {
    const big = 'x'.repeat(SSE_MAX_BYTES + 10);
    let r = parseAll(`data: ${big}\n\ndata: ok\n\n`, [5000, 700000]);
    expect(r.events).toEqual([{ type: 'message', data: 'ok', id: null }]);
    const half = 'y'.repeat(SSE_MAX_BYTES / 2);
    r = parseAll(`data: ${half}\ndata: ${half}\ndata: ${half}\n\ndata: next\n\n`);
    expect(r.events).toEqual([{ type: 'message', data: 'next', id: null }]);
  });

  it('survives random input without throwing and keeps its buffer bounded', () => {
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const alphabet = ['\n', '\r', ':', ' ', 'data', 'id', 'event', 'retry', '0', '9', 'x', '\0', '\u00e9'];
    for (let round = 0; round < 300; round++) {
      const p = new SseParser();
      for (let k = 0; k < 40; k++) {
        let chunk = '';
        const n = rnd() % 30;
        for (let i = 0; i < n; i++) chunk += alphabet[rnd() % alphabet.length];
        for (const ev of p.push(chunk)) {
          expect(typeof ev.type).toBe('string');
          expect(ev.data.length).toBeLessThanOrEqual(SSE_MAX_BYTES);
        }
      }
    }
  });
});
