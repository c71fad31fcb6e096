// The pinning field's text form (user input turned into the API's Pinning array).
import { describe, expect, it } from 'vitest';
import { formatPinning, parsePinning } from '../../src/pages/pinning';

describe('pinning text', () => {
  it('parses one CPU list per vCPU', () => {
    expect(parsePinning('0,1; 2')).toEqual([[0, 1], [2]]);
    expect(parsePinning(' 3 ;; 4 , 5 ')).toEqual([[3], [], [4, 5]]);
    expect(parsePinning('')).toEqual([]);
  });

  it('refuses what is not a list of numbers', () => {
    for (const bad of ['a', '0,,1', '1-2', '0;x', '-1', '12345', '0.5']) expect(parsePinning(bad)).toBeNull();
  });

  it('round-trips through its text form', () => {
    const p = [[0, 1], [], [7]];
    expect(parsePinning(formatPinning(p))).toEqual(p);
  });
});
