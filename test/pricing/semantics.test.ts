/**
 * Pricing rules (audio/image token rates, per-image tables, time-of-day prices, the provider's reported
 * cost, long-context tiers, input caps) on the shipped data, against the hand-computed figures in
 * collector/tokentaxprocessor/testdata/pricing-semantics.json. The Go processor's semantics_test.go
 * checks itself against the same file, and the differential test compares the two engines span by span.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Attributes } from '@opentelemetry/api';
import { loadPricing } from '../../src/pricing/data';
import { createCostEngine } from '../../src/pricing/engine';
import type { ResolvedConfig } from '../../src/config';

interface SemanticsCase {
  name: string;
  time: string;
  attributes: Attributes;
  want: Record<string, string | number>;
  absent?: string[];
}
const file = JSON.parse(
  readFileSync(
    join(__dirname, '..', '..', 'collector', 'tokentaxprocessor', 'testdata', 'pricing-semantics.json'),
    'utf8',
  ),
) as { scenarios: ResolvedConfig['scenarios']; cases: SemanticsCase[] };

const price = createCostEngine(loadPricing({ config: { scenarios: file.scenarios } }));

describe('pricing rules on the shipped data (hand-computed figures shared with the Go processor)', () => {
  it('has cases', () => expect(file.cases.length).toBeGreaterThan(20));
  it.each(file.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const out = price(c.attributes, Date.parse(c.time));
    for (const [k, want] of Object.entries(c.want)) {
      if (typeof want === 'number') {
        expect(typeof out[k], k).toBe('number');
        expect(Math.abs((out[k] as number) - want), `${k}: ${String(out[k])} vs ${want}`).toBeLessThanOrEqual(
          1e-12 * Math.abs(want),
        );
      } else expect(out[k], k).toBe(want);
    }
    for (const k of c.absent ?? []) expect(out[k], k).toBeUndefined();
  });
});
