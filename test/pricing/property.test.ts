import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Attributes } from '@opentelemetry/api';
import { createCostEngine } from '../../src/pricing/engine';
import { loadPricing } from '../../src/pricing/data';
import {
  ATTR_COST_CHEAPEST,
  ATTR_COST_SAVINGS_USD,
  ATTR_COST_UNPRICED,
  ATTR_COST_USD,
  ATTR_PRICING_VERSION,
  COST_PREFIX,
  UNPRICED,
} from '../../src/semconv';
import { testPricing } from './fixtures/helpers';

const COUNT_NAMES = [
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.cache_creation.input_tokens',
  'gen_ai.usage.reasoning.output_tokens',
  'gen_ai.usage.prompt_tokens',
  'gen_ai.usage.completion_tokens',
  'gen_ai.usage.cache_read_input_tokens',
  'llm.token_count.prompt',
  'llm.token_count.completion',
  'tokentax.usage.audio_seconds',
  'tokentax.usage.images',
  'gen_ai.request.choice.count',
];
const STRING_NAMES = [
  'gen_ai.provider.name',
  'gen_ai.system',
  'llm.provider',
  'gen_ai.request.model',
  'gen_ai.response.model',
  'llm.model_name',
  'gen_ai.operation.name',
  'llm.request.type',
  'tokentax.request.image_quality',
  'tokentax.request.image_size',
];

const count = fc.oneof(
  fc.nat({ max: 2_000_000 }),
  fc.integer({ min: -1000, max: -1 }),
  fc.double(), // includes NaN, +-Infinity, -0
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MAX_VALUE, 1e300),
  fc.string(),
  fc.boolean(),
  fc.array(fc.nat(), { maxLength: 3 }),
  fc.constant(null),
);
const name = fc.oneof(
  fc.constantFrom(
    'openai',
    'cheap',
    'cachey',
    'flat',
    'open_ai',
    'together',
    'fireworks',
    'openrouter',
    'oxlo',
    'azure.ai.openai',
    'unknown.host',
  ),
  fc.constantFrom(
    'big',
    'tiered',
    'embed',
    'audio',
    'img',
    'open-70b',
    'vendor/open-70b',
    'open-small',
    'ft:ft-base:x',
    'gpt-4o',
    'gpt-5.4',
    'o3',
    'meta-llama/Llama-3.3-70B-Instruct-Turbo',
    'llama-3.3-70b',
    'whisper-1',
    'gpt-image-1.5',
    'text-embedding-3-small',
  ),
  fc.constantFrom(
    'chat',
    'embeddings',
    'transcription',
    'image_generation',
    'text_completion',
    'completion',
    'embedding',
    'low',
    'high',
    '1024x1024',
  ),
  fc.string(),
  fc.integer(),
);

const anything = fc.record(
  Object.fromEntries([...COUNT_NAMES.map((n) => [n, count]), ...STRING_NAMES.map((n) => [n, name])]),
  { requiredKeys: [] },
) as fc.Arbitrary<Attributes>;

// Mostly well-formed spans with a random part broken or missing, so the priced path is exercised too.
const plausible = fc
  .tuple(
    fc.constantFrom('openai', 'cheap', 'cachey', 'flat', 'together', 'fireworks', 'openrouter', 'oxlo'),
    fc.constantFrom(
      'big',
      'tiered',
      'open-70b',
      'vendor/open-70b',
      'open-small',
      'gpt-4o',
      'gpt-5.4',
      'o3',
      'meta-llama/Llama-3.3-70B-Instruct-Turbo',
      'llama-3.3-70b',
      'embed',
    ),
    fc.nat({ max: 400_000 }),
    fc.nat({ max: 50_000 }),
    fc.nat({ max: 400_000 }),
    fc
      .array(fc.tuple(fc.constantFrom(...COUNT_NAMES, ...STRING_NAMES), fc.oneof(count, name)), { maxLength: 2 })
      .map((kv) => Object.fromEntries(kv)),
  )
  .map(
    ([provider, model, input, output, cached, noise]) =>
      ({
        'gen_ai.provider.name': provider,
        'gen_ai.request.model': model,
        'gen_ai.usage.input_tokens': input,
        'gen_ai.usage.output_tokens': output,
        'gen_ai.usage.cache_read.input_tokens': Math.min(cached, input),
        ...noise,
      }) as Attributes,
  );

const attributes = fc.oneof(anything, plausible);

const time = fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constantFrom(NaN, Infinity, -Infinity));

const seen = { priced: 0, unpriced: 0 };

function checkInvariants(out: Attributes): void {
  if (out[ATTR_COST_USD] !== undefined) seen.priced++;
  else seen.unpriced++;
  expect(typeof out[ATTR_PRICING_VERSION]).toBe('string');
  const hasCost = out[ATTR_COST_USD] !== undefined;
  const unpriced = out[ATTR_COST_UNPRICED];
  // exactly one of: a cost, or an unpriced reason
  expect(hasCost !== (unpriced !== undefined)).toBe(true);
  if (unpriced !== undefined) expect(Object.values(UNPRICED)).toContain(unpriced);
  if (hasCost) {
    expect(out[ATTR_COST_CHEAPEST]).toBeTypeOf('string');
    expect(out[ATTR_COST_SAVINGS_USD]).toBeGreaterThanOrEqual(0);
  }
  for (const [k, v] of Object.entries(out)) {
    if (!k.startsWith(COST_PREFIX)) continue;
    if (typeof v === 'number') {
      expect(Number.isFinite(v), k).toBe(true);
      expect(v, k).toBeGreaterThanOrEqual(0);
    }
  }
}

describe('cost engine on random and malformed attributes', () => {
  it('never throws; gives either a cost or an unpriced reason; no NaN/Infinity (test data)', () => {
    const price = createCostEngine(testPricing({ requestPrices: { flat: { 'open-70b': 0.002 } } }));
    fc.assert(
      fc.property(attributes, time, (a, t) => checkInvariants(price(a, t))),
      { numRuns: 10_000 },
    );
    // the generator must reach the priced path, not only the rejections
    expect(seen.priced).toBeGreaterThan(100);
    expect(seen.unpriced).toBeGreaterThan(100);
  });

  it('the same on the shipped data', () => {
    const price = createCostEngine(loadPricing());
    fc.assert(
      fc.property(attributes, time, (a, t) => checkInvariants(price(a, t))),
      { numRuns: 10_000 },
    );
  });
});
