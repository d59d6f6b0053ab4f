/** Turn numbers, recycled context and bloat on hand-built conversations. */
import { describe, expect, it } from 'vitest';
import { createContextMeter } from '../../src/context';
import { DEFAULT_BLOAT } from '../../src/config';
import {
  ATTR_CONTEXT_BLOAT,
  ATTR_CONTEXT_BLOAT_REASONS,
  ATTR_CONTEXT_HISTORY_TOKENS,
  ATTR_CONTEXT_NEW_TOKENS,
  ATTR_CONTEXT_RECYCLED_RATIO,
  ATTR_CONTEXT_RECYCLED_TOKENS,
  ATTR_CONTEXT_SIZE_BUCKET,
  ATTR_CONTEXT_SYSTEM_TOKENS,
  ATTR_CONTEXT_TOKENS,
  ATTR_CONTEXT_TOOLS_TOKENS,
  ATTR_CONTEXT_TURN,
  ATTR_CONTEXT_UTILIZATION,
  ATTR_CONTEXT_WINDOW,
  ATTR_CONVERSATION_KEY,
  SIZE_BUCKETS,
} from '../../src/semconv';
import { REPLY_PRIMING } from '../../src/context/overheads';
import { agentLoop, testCatalog } from './helpers';

type Row = Record<string, unknown>;

function run(requests: ReturnType<typeof agentLoop>, apiTokens?: (i: number) => number): Row[] {
  const meter = createContextMeter({ catalog: testCatalog });
  return requests.map((r, i) => {
    const m = meter.measure(r);
    return { ...m.complete(apiTokens ? apiTokens(i) : undefined).attributes };
  });
}

describe('a 10-turn agent loop (system prompt + tools + growing history), usage missing', () => {
  const requests = agentLoop(10, { systemWords: 4000, resultWords: 1600, seed: 7, model: 'gpt-small-window' });
  const rows = run(requests);
  const num = (row: Row, key: string): number => row[key] as number;

  it('numbers the turns 1..10 under one conversation key', () => {
    expect(rows.map((r) => r[ATTR_CONTEXT_TURN])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(rows.map((r) => r[ATTR_CONVERSATION_KEY])).size).toBe(1);
    expect(String(rows[0][ATTR_CONVERSATION_KEY])).toMatch(/^fp_[0-9a-f]{20}$/);
  });

  it('recycles exactly the previous request (all but its reply priming), with a rising ratio', () => {
    expect(num(rows[0], ATTR_CONTEXT_RECYCLED_TOKENS)).toBe(0);
    for (let i = 1; i < rows.length; i++) {
      expect(num(rows[i], ATTR_CONTEXT_RECYCLED_TOKENS)).toBe(num(rows[i - 1], ATTR_CONTEXT_TOKENS) - REPLY_PRIMING);
      expect(num(rows[i], ATTR_CONTEXT_RECYCLED_RATIO)).toBeCloseTo(
        num(rows[i], ATTR_CONTEXT_RECYCLED_TOKENS) / num(rows[i], ATTR_CONTEXT_TOKENS),
        12,
      );
      expect(num(rows[i], ATTR_CONTEXT_RECYCLED_RATIO)).toBeGreaterThan(num(rows[i - 1], ATTR_CONTEXT_RECYCLED_RATIO));
    }
  });

  it('splits every request into system + tools + history + new that add up to its tokens', () => {
    const tools = num(rows[0], ATTR_CONTEXT_TOOLS_TOKENS);
    expect(tools).toBeGreaterThan(20);
    for (const [i, r] of rows.entries()) {
      expect(num(r, ATTR_CONTEXT_TOOLS_TOKENS)).toBe(tools);
      expect(num(r, ATTR_CONTEXT_SYSTEM_TOKENS)).toBe(num(rows[0], ATTR_CONTEXT_SYSTEM_TOKENS));
      const sum = [
        ATTR_CONTEXT_SYSTEM_TOKENS,
        ATTR_CONTEXT_TOOLS_TOKENS,
        ATTR_CONTEXT_HISTORY_TOKENS,
        ATTR_CONTEXT_NEW_TOKENS,
      ].reduce((a, k) => a + num(r, k), 0);
      expect(sum).toBe(num(r, ATTR_CONTEXT_TOKENS));
      if (i === 0) expect(num(r, ATTR_CONTEXT_HISTORY_TOKENS)).toBe(0);
      else {
        // history this turn = history + new of the previous turn (minus its priming) + the assistant call
        expect(num(r, ATTR_CONTEXT_HISTORY_TOKENS)).toBeGreaterThan(
          num(rows[i - 1], ATTR_CONTEXT_HISTORY_TOKENS) + num(rows[i - 1], ATTR_CONTEXT_NEW_TOKENS) - REPLY_PRIMING,
        );
      }
    }
  });

  it('reports window, utilisation and size bucket from the catalog', () => {
    for (const r of rows) {
      expect(r[ATTR_CONTEXT_WINDOW]).toBe(30_000);
      expect(r[ATTR_CONTEXT_UTILIZATION]).toBeCloseTo(num(r, ATTR_CONTEXT_TOKENS) / 30_000, 12);
      const t = num(r, ATTR_CONTEXT_TOKENS);
      const bucket = SIZE_BUCKETS.find((b) => t < b.below)!.label;
      expect(r[ATTR_CONTEXT_SIZE_BUCKET]).toBe(bucket);
    }
  });

  it('fires each bloat rule exactly where its documented default threshold is crossed', () => {
    const fired = { tokens: 0, utilization: 0, recycled: 0 };
    for (const r of rows) {
      const tokens = num(r, ATTR_CONTEXT_TOKENS);
      const expected: string[] = [];
      if (tokens >= 20_000) expected.push('tokens>=20000');
      if (tokens / 30_000 >= 0.8) expected.push('utilization>=0.8');
      if (num(r, ATTR_CONTEXT_RECYCLED_RATIO) >= 0.9 && num(r, ATTR_CONTEXT_RECYCLED_TOKENS) >= 4000)
        expected.push('recycled_ratio>=0.9');
      expect(r[ATTR_CONTEXT_BLOAT]).toBe(expected.length > 0);
      expect(r[ATTR_CONTEXT_BLOAT_REASONS]).toEqual(expected.length > 0 ? expected : undefined);
      fired.tokens += Number(expected.includes('tokens>=20000'));
      fired.utilization += Number(expected.includes('utilization>=0.8'));
      fired.recycled += Number(expected.includes('recycled_ratio>=0.9'));
    }
    // The loop is built to cross each threshold part-way, so every rule is seen both off and on.
    for (const count of Object.values(fired)) {
      expect(count).toBeGreaterThan(0);
      expect(count).toBeLessThan(rows.length);
    }
    expect(rows[0][ATTR_CONTEXT_BLOAT]).toBe(false);
  });

  it('takes bloat thresholds as an option', () => {
    const meter = createContextMeter({ catalog: testCatalog, bloat: { tokens: 1000, recycledMinTokens: 10 ** 9 } });
    const done = meter.measure(requests[0]).complete(undefined);
    expect(done.attributes[ATTR_CONTEXT_BLOAT_REASONS]).toEqual(['tokens>=1000']);
    expect(DEFAULT_BLOAT.tokens).toBe(20_000);
  });
});

describe('the same loop when the API returns usage', () => {
  const requests = agentLoop(10, { systemWords: 4000, resultWords: 1600, seed: 7, model: 'gpt-small-window' });
  const exact = run(requests);
  const api = (i: number): number => exact[i][ATTR_CONTEXT_TOKENS] as number;
  const rows = run(requests, api);

  it('uses the API totals and apportions the split and recycled tokens closely', () => {
    for (const [i, r] of rows.entries()) {
      expect(r[ATTR_CONTEXT_TOKENS]).toBe(api(i));
      expect(r[ATTR_CONTEXT_TURN]).toBe(i + 1);
      const err = Math.abs(
        (r[ATTR_CONTEXT_RECYCLED_TOKENS] as number) - (exact[i][ATTR_CONTEXT_RECYCLED_TOKENS] as number),
      );
      expect(err / api(i)).toBeLessThan(0.02);
    }
  });
});

describe('a conversation that edits an earlier message', () => {
  it('recycles only up to the edited message', () => {
    const requests = agentLoop(6, { systemWords: 300, resultWords: 200, seed: 3 });
    const edited = structuredClone(requests[5]);
    const messages = edited.params.messages as Array<Record<string, unknown>>;
    messages[5] = { ...messages[5], content: 'the file was empty' }; // the second tool result (turn 2)
    const meter = createContextMeter({ catalog: testCatalog });
    for (const r of requests.slice(0, 5)) meter.measure(r).complete(undefined);
    const after = meter.measure(edited).complete(undefined).attributes;
    expect(after[ATTR_CONTEXT_TURN]).toBe(6);

    // Expected: the tokens of a request holding only the messages before the edit, minus its priming.
    const prefixOnly = { ...edited, params: { ...edited.params, messages: messages.slice(0, 5) } };
    const prefix = createContextMeter({ catalog: testCatalog }).measure(prefixOnly).complete(undefined);
    expect(after[ATTR_CONTEXT_RECYCLED_TOKENS]).toBe(prefix.inputTokens - REPLY_PRIMING);
    expect(after[ATTR_CONTEXT_RECYCLED_TOKENS]).toBeLessThan((after[ATTR_CONTEXT_TOKENS] as number) / 2);
  });
});

describe('two interleaved conversations', () => {
  it('do not mix: each gets the figures it gets when run alone', () => {
    const a = agentLoop(5, { systemWords: 500, resultWords: 300, seed: 11 });
    const b = agentLoop(5, { systemWords: 800, resultWords: 100, seed: 12 });
    const aloneA = run(a);
    const aloneB = run(b);
    const meter = createContextMeter({ catalog: testCatalog });
    const mixedA: Row[] = [];
    const mixedB: Row[] = [];
    for (let i = 0; i < 5; i++) {
      const ma = meter.measure(a[i]);
      const mb = meter.measure(b[i]);
      mixedB.push(mb.complete(undefined).attributes);
      mixedA.push(ma.complete(undefined).attributes);
    }
    expect(mixedA).toEqual(aloneA);
    expect(mixedB).toEqual(aloneB);
    expect(mixedA[0][ATTR_CONVERSATION_KEY]).not.toBe(mixedB[0][ATTR_CONVERSATION_KEY]);
  });

  it('starts over at turn 1 when the same opening is sent again without any assistant turn', () => {
    const [opening, second] = agentLoop(2, { systemWords: 100, resultWords: 50, seed: 9 });
    const meter = createContextMeter({ catalog: testCatalog });
    const turns = [opening, second, opening, second].map((r) => meter.measure(r).attributes[ATTR_CONTEXT_TURN]);
    expect(turns).toEqual([1, 2, 1, 2]);
  });

  it('are told apart by an explicit conversation id even with the same opening', () => {
    const a = agentLoop(3, { systemWords: 200, resultWords: 100, seed: 5 });
    const meter = createContextMeter({ catalog: testCatalog });
    const turns: unknown[] = [];
    for (const r of a) {
      turns.push(meter.measure({ ...r, conversationId: 'conv-A' }).attributes[ATTR_CONTEXT_TURN]);
      turns.push(meter.measure({ ...r, conversationId: 'conv-B' }).attributes[ATTR_CONTEXT_TURN]);
    }
    expect(turns).toEqual([1, 1, 2, 2, 3, 3]);
    expect(meter.measure({ ...a[0], conversationId: 'conv-A' }).attributes[ATTR_CONVERSATION_KEY]).toBe('conv-A');
  });
});
