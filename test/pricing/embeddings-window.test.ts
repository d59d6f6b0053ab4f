/**
 * An embeddings batch fits a model when each input does: the cost engine checks the largest input
 * (tokentax.context.largest_input_tokens), translated to the stand-in's tokenizer, against the
 * scenario model's window and input cap, not the batch's total. Without that figure it checks the total.
 */
import { describe, expect, it } from 'vitest';
import { createCostEngine, loadPricing, type PricingSources } from '../../src/pricing';
import * as S from '../../src/semconv';

const row = (input: number) => ({ input_mtok: input, source: 'https://example.test/p', retrieved: '2026-01-01' });
const SOURCES: PricingSources = {
  prices: {
    version: '2026-01-01',
    providers: {
      openai: {
        models: [
          {
            id: 'emb',
            aliases: ['emb'],
            canonical: 'emb',
            class: 'embedding',
            tokenizer: 'o200k',
            window: 8192,
            prices: [row(0.02)],
          },
        ],
      },
      small: {
        models: [
          {
            id: 'emb-small',
            aliases: ['emb-small'],
            canonical: 'emb-small',
            class: 'embedding',
            tokenizer: 'wide',
            window: 1000,
            prices: [row(0.01)],
          },
        ],
      },
      capped: {
        models: [
          {
            id: 'emb-capped',
            aliases: ['emb-capped'],
            canonical: 'emb-capped',
            class: 'embedding',
            tokenizer: 'o200k',
            window: 100_000,
            max_input: 600,
            prices: [row(0.005)],
          },
        ],
      },
    },
  },
  ratios: { version: '1', reference: 'o200k', families: { o200k: 1, wide: 1.25 } },
  equivalence: {
    version: '1',
    classes: { embedding: ['emb', 'emb-small', 'emb-capped'] },
    operation_classes: { embeddings: 'embedding' },
    models: {},
    scenarios: [
      { id: 'openai', provider: 'openai' },
      { id: 'small', provider: 'small' },
      { id: 'capped', provider: 'capped' },
    ],
  },
};
const engine = createCostEngine(loadPricing({ sources: SOURCES }));
const T = Date.parse('2026-06-01T00:00:00Z');

function batch(total: number, largest?: unknown, operation = 'embeddings') {
  const a: Record<string, unknown> = {
    [S.ATTR_GEN_AI_OPERATION_NAME]: operation,
    [S.ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
    [S.ATTR_GEN_AI_REQUEST_MODEL]: 'emb',
    [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: total,
  };
  if (operation !== 'embeddings') a[S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] = 0;
  if (largest !== undefined) a[S.ATTR_CONTEXT_LARGEST_INPUT_TOKENS] = largest;
  return engine(a as never, T);
}

describe('embeddings feasibility per input', () => {
  it('a normal batch (100 inputs of 700 tokens) is feasible where each input fits', () => {
    const out = batch(70_000, 700);
    expect(out[S.ATTR_COST_USD]).toBeCloseTo((70_000 * 0.02) / 1e6, 15);
    expect(out[S.scenarioCostAttr('openai')]).toBeCloseTo((70_000 * 0.02) / 1e6, 15);
    expect(out[S.scenarioInfeasibleAttr('openai')]).toBeUndefined();
    // 700 o200k tokens are 875 in the wider tokenizer: within its 1,000 window.
    expect(out[S.scenarioCostAttr('small')]).toBeCloseTo((70_000 * 1.25 * 0.01) / 1e6, 15);
    expect(out[S.scenarioInfeasibleAttr('capped')]).toBe(S.INFEASIBLE.contextWindow); // 700 > max input 600
    expect(out[S.ATTR_COST_CHEAPEST]).toBe('small');
  });

  it('an input above a window makes that scenario infeasible, translated to its tokenizer', () => {
    const out = batch(70_000, 801); // 801 * 1.25 = 1001.25 > 1000
    expect(out[S.scenarioInfeasibleAttr('small')]).toBe(S.INFEASIBLE.contextWindow);
    expect(out[S.scenarioCostAttr('small')]).toBeUndefined();
    expect(batch(70_000, 800)[S.scenarioInfeasibleAttr('small')]).toBeUndefined(); // exactly 1000
    expect(batch(70_000, 8193)[S.scenarioInfeasibleAttr('openai')]).toBe(S.INFEASIBLE.contextWindow);
    expect(batch(70_000, 8192)[S.scenarioInfeasibleAttr('openai')]).toBeUndefined();
  });

  it('without the per-input figure (other instrumentations) the batch total is checked', () => {
    expect(batch(70_000)[S.scenarioInfeasibleAttr('openai')]).toBe(S.INFEASIBLE.contextWindow);
    expect(batch(500)[S.scenarioInfeasibleAttr('openai')]).toBeUndefined();
    for (const bad of ['700', -1, Number.NaN, true])
      expect(batch(70_000, bad)[S.scenarioInfeasibleAttr('openai')], String(bad)).toBe(S.INFEASIBLE.contextWindow);
  });

  it('never checks more than the total, and only for embeddings', () => {
    expect(batch(500, 250_000)[S.scenarioInfeasibleAttr('openai')]).toBeUndefined();
    expect(batch(70_000, 700, 'chat')[S.scenarioInfeasibleAttr('openai')]).toBe(S.INFEASIBLE.contextWindow);
  });
});
