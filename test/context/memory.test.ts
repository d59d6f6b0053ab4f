/**
 * A million distinct conversations keep the heap bounded: conversation state lives in a bounded LRU
 * and per-message descriptions in a WeakMap. Heap is measured after forced GC (gc exposed at runtime
 * in this forked test worker).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createContextMeter } from '../../src/context';
import { OPERATION } from '../../src/semconv';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

describe('a million distinct conversations', () => {
  it('keep the heap flat (bounded LRU of conversations)', () => {
    const maxConversations = 10_000;
    const meter = createContextMeter({ maxConversations });
    const system = { role: 'system', content: 'You are a support agent for a small shop. Be brief and kind.' };
    const send = (i: number): void => {
      // Distinct first user message => a distinct fingerprinted conversation; every 4th has a 2nd turn.
      const user = { role: 'user', content: `Customer ${i} asks where order ${i * 7} is.` };
      meter
        .measure({
          operation: OPERATION.chat,
          provider: 'openai',
          model: 'gpt-4o',
          params: { messages: [system, user] },
        })
        .complete(40);
      if (i % 4 !== 0) return;
      const reply = { role: 'assistant', content: `Order ${i * 7} ships today.` };
      const next = { role: 'user', content: 'Thanks!' };
      meter
        .measure({
          operation: OPERATION.chat,
          provider: 'openai',
          model: 'gpt-4o',
          params: { messages: [system, user, reply, next] },
        })
        .complete(55);
    };
    const total = 1_000_000;
    for (let i = 0; i < 50_000; i++) send(i);
    const warm = heapAfterGc();
    for (let i = 50_000; i < 250_000; i++) send(i);
    const quarter = heapAfterGc();
    for (let i = 250_000; i < total; i++) send(i);
    const end = heapAfterGc();
    const mb = (b: number): string => (b / 1e6).toFixed(1);
    console.info(`heap after GC: ${mb(warm)} MB at 50k, ${mb(quarter)} MB at 250k, ${mb(end)} MB at 1M conversations`);
    expect(meter.conversations).toBeLessThanOrEqual(maxConversations);
    expect(meter.conversations).toBeGreaterThanOrEqual(maxConversations / 2);
    // Flat: the last 750k conversations add less than 5 MB (each one alone would be ~1 KB => ~750 MB).
    expect(end - quarter).toBeLessThan(5e6);
    expect(end - warm).toBeLessThan(8e6);
  }, 180_000);
});

describe('the tokenizer piece cache', () => {
  it('does not keep the texts it counted alive (only copies of their pieces)', async () => {
    const { countTokens } = await import('../../src/context/tokenizer');
    countTokens('o200k_base', 'warm up');
    const letters = (n: number): string => {
      let s = '';
      do {
        s += String.fromCharCode(97 + (n % 26));
        n = Math.floor(n / 26);
      } while (n);
      return s;
    };
    // Large request texts whose only new piece is one long identifier: a cached view of that piece
    // would keep each ~0.45 MB text alive.
    const text = (i: number): string => {
      let s = '';
      for (let j = 0; j < 50_000; j++) s += ` common${j % 100}`;
      return `${s} verylongidentifier${letters(i)}`;
    };
    const before = heapAfterGc();
    for (let i = 0; i < 100; i++) expect(countTokens('o200k_base', text(i))).toBeGreaterThan(50_000);
    const retainedMb = (heapAfterGc() - before) / 1e6;
    expect(retainedMb).toBeLessThan(10); // 100 texts of ~0.45 MB: ~45 MB if they were kept
  });
});
