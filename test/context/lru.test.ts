import { describe, expect, it } from 'vitest';
import { Lru } from '../../src/context/lru';

describe('Lru', () => {
  it('never holds more than its capacity and keeps recently used keys', () => {
    const lru = new Lru<number, number>(100);
    for (let i = 0; i < 10_000; i++) {
      lru.set(i, i * 2);
      expect(lru.get(0)).toBe(0); // key 0 is used all the time: it survives
      expect(lru.size).toBeLessThanOrEqual(100);
    }
    expect(lru.get(9_999)).toBe(19_998);
    expect(lru.get(5)).toBeUndefined();
    expect(lru.size).toBeGreaterThanOrEqual(50);
  });

  it('overwrites a value without counting the key twice', () => {
    const lru = new Lru<string, number>(4);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.set('a', 3); // young now full: becomes old
    lru.set('a', 4); // moves out of old
    expect(lru.get('a')).toBe(4);
    expect(lru.size).toBe(2);
  });
});
