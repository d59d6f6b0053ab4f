import { describe, expect, it } from 'vitest';
import { RankTable } from '../../src/context/rank-table';

const bytesOf = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

describe('RankTable', () => {
  it('finds every token by a range of a byte string, and nothing else', () => {
    const table = new RankTable();
    // Enough tokens to grow every array past its first size.
    const tokens = Array.from({ length: 70_000 }, (_, i) => `t${i.toString(36)}\u00ff`);
    tokens.forEach((t, i) => table.add(bytesOf(t), i * 3));
    table.seal();
    tokens.forEach((t, i) => expect(table.get(`..${t}..`, 2, 2 + t.length)).toBe(i * 3));
    expect(table.get('t0')).toBeUndefined();
    expect(table.has('t0\u00ff')).toBe(true);
    expect(table.has('t0\u00ff', 0, 2)).toBe(false);
    expect(table.get('')).toBeUndefined();
    expect(table.get('t0\u0100')).toBeUndefined();
  });

  it('keeps a zero-length token apart from a missing one', () => {
    const table = new RankTable();
    table.add([], 7);
    table.add([0], 8);
    table.seal();
    expect(table.get('')).toBe(7);
    expect(table.get('\u0000')).toBe(8);
    expect(table.get('\u0000\u0000')).toBeUndefined();
  });
});
