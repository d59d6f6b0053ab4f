/** The percentile sketch: exact for small inputs, within 0.5% and bounded in memory for large ones. */
import { describe, expect, it } from 'vitest';
import { QuantileSketch, SKETCH_RELATIVE_ERROR } from '../../src/report/sketch';
import { ReportAccumulator } from '../../src/report/analyse';
import { callAttributes } from './helpers';
import { reportPricing } from './helpers';

function seeded(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

const nearestRank = (sorted: number[], p: number) => sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];

describe('QuantileSketch', () => {
  it('is exact (nearest rank) up to 4,096 values', () => {
    const s = new QuantileSketch();
    const values = [7, 3, 3, 10, 1, 250_000, 42];
    for (const v of values) s.add(v);
    const sorted = [...values].sort((a, b) => a - b);
    for (const p of [1, 50, 90, 99, 100]) expect(s.quantile(p)).toBe(nearestRank(sorted, p));
    expect(s.isExact).toBe(true);
  });

  it('past that, every percentile is within 0.5% of the exact one, in a bounded number of buckets', () => {
    const rnd = seeded(7);
    const s = new QuantileSketch();
    const values: number[] = [];
    for (let i = 0; i < 200_000; i++) {
      // heavy-tailed, like prompt sizes: mostly small, some huge
      const v = Math.round(50 * Math.exp(rnd() * 9));
      values.push(v);
      s.add(v);
    }
    values.sort((a, b) => a - b);
    expect(s.isExact).toBe(false);
    expect(SKETCH_RELATIVE_ERROR).toBeLessThan(0.005);
    for (const p of [1, 10, 25, 50, 75, 90, 95, 99, 99.9]) {
      const exact = nearestRank(values, p);
      expect(Math.abs(s.quantile(p)! - exact) / exact, `p${p}`).toBeLessThanOrEqual(SKETCH_RELATIVE_ERROR + 1e-9);
    }
    expect(s.stored).toBeLessThan(1_000);
    expect(s.count).toBe(200_000);
  });

  it('merges: two halves give the same percentiles as the whole', () => {
    const rnd = seeded(11);
    const a = new QuantileSketch();
    const b = new QuantileSketch();
    const whole = new QuantileSketch();
    for (let i = 0; i < 20_000; i++) {
      const v = Math.round(10 + rnd() * 100_000);
      (i % 2 ? a : b).add(v);
      whole.add(v);
    }
    a.merge(b);
    for (const p of [50, 90, 99]) expect(a.quantile(p)).toBe(whole.quantile(p));
  });
});

describe('report memory', () => {
  it('does not grow with the number of spans: 100,000 spans of 10 conversations and 2 models', () => {
    const acc = new ReportAccumulator(reportPricing());
    for (let i = 0; i < 100_000; i++) {
      const attributes = callAttributes({
        conv: `c${i % 10}`,
        turn: Math.floor(i / 10) + 1,
        input: 100 + (i % 20_000),
        output: 10 + (i % 300),
        recycled: i % 50,
      });
      if (i % 2) attributes['gen_ai.request.model'] = 'small-70b';
      acc.add({ attributes, startMs: Date.parse('2026-01-01') + i });
    }
    const g = acc.agg;
    expect(g.genai).toBe(100_000);
    expect(g.conversations.size).toBe(10);
    expect(g.byModel.size).toBe(2);
    expect(g.overall.input.stored).toBeLessThan(1_100);
    for (const m of g.byModel.values()) expect(m.output.stored).toBeLessThan(1_100);
    // turns past 100 share the last row of the growth table
    expect(g.turnRequests.length).toBe(101);
  });
});
