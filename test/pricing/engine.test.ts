import { describe, expect, it } from 'vitest';
import type { Attributes } from '@opentelemetry/api';
import { createCostEngine } from '../../src/pricing/engine';
import {
  ATTR_COST_CHEAPEST,
  ATTR_COST_SAVINGS_USD,
  ATTR_COST_UNPRICED,
  ATTR_COST_USD,
  ATTR_DUPLICATE,
  ATTR_PRICING_VERSION,
  INFEASIBLE,
  UNPRICED,
  scenarioCostAttr as usd,
  scenarioInfeasibleAttr as infeasible,
  scenarioModelAttr as model,
} from '../../src/semconv';
import { AFTER, BEFORE, testPricing } from './fixtures/helpers';

const price = createCostEngine(testPricing());

const chat = (m: string, input: number, output: number, extra: Attributes = {}, provider = 'openai'): Attributes => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': provider,
  'gen_ai.request.model': m,
  'gen_ai.usage.input_tokens': input,
  'gen_ai.usage.output_tokens': output,
  ...extra,
});

const close = (actual: unknown, expected: number): void => {
  expect(typeof actual).toBe('number');
  expect(actual as number).toBeCloseTo(expected, 12);
};

describe('actual cost', () => {
  it('prices cached input at the cache price and the rest at the input price', () => {
    const out = price(chat('big', 1000, 200, { 'gen_ai.usage.cache_read.input_tokens': 400 }), AFTER);
    // (600 * 2 + 400 * 0.5 + 200 * 8) / 1e6
    close(out[ATTR_COST_USD], 0.003);
    expect(out[ATTR_PRICING_VERSION]).toBe('2000-01-01-test');
    expect(out[ATTR_COST_UNPRICED]).toBeUndefined();
  });

  it('uses the price in force at the span time (dated price change)', () => {
    const attrs = chat('big', 1000, 200, { 'gen_ai.usage.cache_read.input_tokens': 400 });
    // before 2025-06-01: (600 * 10 + 400 * 2.5 + 200 * 40) / 1e6
    close(price(attrs, BEFORE)[ATTR_COST_USD], 0.015);
    close(price(attrs, Date.parse('2025-06-01T00:00:00Z'))[ATTR_COST_USD], 0.003);
  });

  it('counts reasoning tokens once, as part of output', () => {
    const out = price(chat('big', 100, 300, { 'gen_ai.usage.reasoning.output_tokens': 200 }), AFTER);
    close(out[ATTR_COST_USD], (100 * 2 + 300 * 8) / 1e6);
  });

  it('applies a long-context tier to the whole request from its threshold', () => {
    const below = price(chat('tiered', 999, 100, { 'gen_ai.usage.cache_read.input_tokens': 200 }), AFTER);
    close(below[ATTR_COST_USD], (799 * 2 + 200 * 0.2 + 100 * 10) / 1e6);
    const at = price(chat('tiered', 1000, 100, { 'gen_ai.usage.cache_read.input_tokens': 200 }), AFTER);
    close(at[ATTR_COST_USD], (800 * 4 + 200 * 0.4 + 100 * 15) / 1e6);
  });

  it('prices cache writes at the cache-write price', () => {
    const out = price(
      chat(
        'vendor/open-70b',
        1000,
        100,
        { 'gen_ai.usage.cache_read.input_tokens': 300, 'gen_ai.usage.cache_creation.input_tokens': 200 },
        'cachey',
      ),
      AFTER,
    );
    close(out[ATTR_COST_USD], (500 * 2 + 300 * 0.25 + 200 * 2.5 + 100 * 3) / 1e6);
  });

  it('prices per audio minute and per image (by quality/size, else default)', () => {
    close(
      price(
        {
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'audio',
          'gen_ai.operation.name': 'transcription',
          'tokentax.usage.audio_seconds': 90,
        },
        AFTER,
      )[ATTR_COST_USD],
      0.009,
    );
    const img = (extra: Attributes): unknown =>
      price(
        {
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'img',
          'gen_ai.operation.name': 'image_generation',
          ...extra,
        },
        AFTER,
      )[ATTR_COST_USD];
    close(
      img({
        'tokentax.usage.images': 3,
        'tokentax.request.image_quality': 'low',
        'tokentax.request.image_size': '1024x1024',
      }),
      0.03,
    );
    close(
      img({
        'tokentax.usage.images': 1,
        'tokentax.request.image_quality': 'high',
        'tokentax.request.image_size': '1536x1024',
      }),
      0.2,
    );
    close(img({}), 0.04); // one image by default, default price
  });

  it('applies minimums: billed audio seconds and a minimum charge per request', () => {
    const audio = (seconds: number): unknown =>
      price(
        {
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'audio-min',
          'tokentax.usage.audio_seconds': seconds,
        },
        AFTER,
      )[ATTR_COST_USD];
    close(audio(3), 0.006 * (10 / 60)); // 3 s billed as 10 s
    close(audio(30), 0.006 * 0.5);
    close(price(chat('min-charge', 10, 10), AFTER)[ATTR_COST_USD], 0.0001); // 20 / 1e6 < minimum
    close(price(chat('min-charge', 1000, 1000), AFTER)[ATTR_COST_USD], 0.002);
  });

  it('prices a flat per-request call at its configured price, whatever the tokens', () => {
    close(price(chat('open-small', 50_000, 9_000, {}, 'flat'), AFTER)[ATTR_COST_USD], 0.001);
  });

  it('matches dated snapshots, prefixes and case-insensitively', () => {
    close(price(chat('BIG-2025-01-01', 1000, 0), AFTER)[ATTR_COST_USD], 0.002);
    close(price(chat('big-2026-03-04', 1000, 0), AFTER)[ATTR_COST_USD], 0.002); // unknown date suffix stripped
    close(price(chat('ft:ft-base:org::abc', 1000, 1000), AFTER)[ATTR_COST_USD], 0.002);
  });

  it('prefers the response model, falling back to the request model', () => {
    const out = price(chat('no-such-deployment', 500, 0, { 'gen_ai.response.model': 'tiered' }), AFTER);
    close(out[ATTR_COST_USD], (500 * 2) / 1e6);
    const back = price(chat('big', 500, 0, { 'gen_ai.response.model': 'unlisted-snapshot' }), AFTER);
    close(back[ATTR_COST_USD], (500 * 2) / 1e6);
  });
});

describe('other conventions', () => {
  const expected = (1000 * 2 + 100 * 8) / 1e6;
  it('reads OpenLLMetry names', () => {
    const out = price(
      {
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'big',
        'gen_ai.usage.prompt_tokens': 1000,
        'gen_ai.usage.completion_tokens': 100,
        'llm.request.type': 'chat',
      },
      AFTER,
    );
    close(out[ATTR_COST_USD], expected);
  });
  it('reads OpenInference names', () => {
    const out = price(
      {
        'llm.provider': 'openai',
        'llm.model_name': 'big',
        'llm.token_count.prompt': 1000,
        'llm.token_count.completion': 100,
        'llm.token_count.prompt_details.cache_read': 0,
      },
      AFTER,
    );
    close(out[ATTR_COST_USD], expected);
  });
  it('maps provider aliases and prices without a provider', () => {
    close(price(chat('big', 1000, 100, {}, 'open_ai'), AFTER)[ATTR_COST_USD], expected);
    const noProvider = chat('big', 1000, 100);
    delete noProvider['gen_ai.provider.name'];
    close(price(noProvider, AFTER)[ATTR_COST_USD], expected);
  });
  it('treats missing output of an embeddings call as 0', () => {
    const out = price(
      {
        'gen_ai.provider.name': 'openai',
        'gen_ai.operation.name': 'embeddings',
        'gen_ai.request.model': 'embed',
        'gen_ai.usage.input_tokens': 5000,
      },
      AFTER,
    );
    close(out[ATTR_COST_USD], 0.0005);
  });
});

describe('scenarios', () => {
  it('translates tokens across tokenizers, drops caching where not offered, picks the cheapest', () => {
    const out = price(chat('big', 1000, 200, { 'gen_ai.usage.cache_read.input_tokens': 400 }), AFTER);
    // big is o200k (1.0), open-70b is llama (1.25): 1250 input (500 cached), 250 output
    expect(out[model('cheap')]).toBe('open-70b');
    close(out[usd('cheap')], (1250 * 1 + 250 * 2) / 1e6); // no cache price on "cheap": cached at input price
    expect(out[model('cachey')]).toBe('vendor/open-70b');
    close(out[usd('cachey')], (750 * 2 + 500 * 0.25 + 250 * 3) / 1e6);
    expect(out[model('home')]).toBe('big');
    close(out[usd('home')], 0.003);
    expect(out[ATTR_COST_CHEAPEST]).toBe('cheap');
    close(out[ATTR_COST_SAVINGS_USD], 0.003 - 0.00175);
  });

  it('marks a flat scenario without a configured price infeasible (no_price) and gives no cost', () => {
    const out = price(chat('big', 1000, 200), AFTER);
    expect(out[model('flat')]).toBe('open-70b');
    expect(out[infeasible('flat')]).toBe(INFEASIBLE.noPrice);
    expect(out[usd('flat')]).toBeUndefined();
  });

  it('uses the flat price from configuration', () => {
    const configured = createCostEngine(testPricing({ requestPrices: { flat: { 'open-70b': 0.002 } } }));
    const out = configured(chat('big', 1000, 200), AFTER);
    close(out[usd('flat')], 0.002);
    expect(out[ATTR_COST_CHEAPEST]).toBe('cheap'); // 0.00145 < 0.002
    const long = configured(chat('big', 1500, 100), AFTER); // cheap: 1875 + 125 tokens = 2000 fits exactly
    close(long[usd('cheap')], (1875 + 125 * 2) / 1e6);
  });

  it('marks a scenario infeasible when the translated request exceeds its window', () => {
    const out = price(chat('big', 1700, 100), AFTER); // 2125 + 125 > 2000
    expect(out[infeasible('cheap')]).toBe(INFEASIBLE.contextWindow);
    expect(out[usd('cheap')]).toBeUndefined();
    expect(out[model('cheap')]).toBe('open-70b');
    close(out[usd('cachey')], (2125 * 2 + 125 * 3) / 1e6);
    // the infeasible "cheap" would have won; the feasible ones all cost more than the call itself
    close(out[ATTR_COST_USD], (1700 * 2 + 100 * 8) / 1e6);
    expect(out[ATTR_COST_CHEAPEST]).toBe('actual');
  });

  it('maps an open-weight model to itself elsewhere and translates back to o200k for the home scenario', () => {
    const out = price(
      chat(
        'vendor/open-70b',
        1000,
        100,
        { 'gen_ai.usage.cache_read.input_tokens': 300, 'gen_ai.usage.cache_creation.input_tokens': 200 },
        'cachey',
      ),
      AFTER,
    );
    const actual = (500 * 2 + 300 * 0.25 + 200 * 2.5 + 100 * 3) / 1e6;
    expect(out[model('cheap')]).toBe('open-70b');
    close(out[usd('cheap')], (1000 * 1 + 100 * 2) / 1e6);
    close(out[usd('cachey')], actual);
    // home: frontier candidates -> big; llama -> o200k factor 0.8; no cache-write price -> input price
    expect(out[model('home')]).toBe('big');
    close(out[usd('home')], (400 * 2 + 240 * 0.5 + 160 * 2 + 80 * 8) / 1e6);
    expect(out[ATTR_COST_CHEAPEST]).toBe('cheap');
    close(out[ATTR_COST_SAVINGS_USD], actual - 0.0012);
  });

  it('reports "actual" and zero savings when no scenario is cheaper', () => {
    const out = price(chat('open-70b', 1000, 100, {}, 'cheap'), AFTER);
    expect(out[ATTR_COST_CHEAPEST]).toBe('actual');
    expect(out[ATTR_COST_SAVINGS_USD]).toBe(0);
  });

  it('marks scenarios without an equivalent model infeasible (no_model)', () => {
    const out = price(
      {
        'gen_ai.provider.name': 'openai',
        'gen_ai.operation.name': 'embeddings',
        'gen_ai.request.model': 'embed',
        'gen_ai.usage.input_tokens': 5000,
      },
      AFTER,
    );
    expect(out[infeasible('cheap')]).toBe(INFEASIBLE.noModel);
    expect(out[model('home')]).toBe('embed');
    expect(out[ATTR_COST_CHEAPEST]).toBe('actual');
  });

  it('honours the user equivalence table and fixed scenario models', () => {
    const custom = createCostEngine(
      testPricing({
        equivalence: { models: { big: 'open-small' } },
        scenarios: ['cheap', { id: 'pinned', provider: 'cachey', model: 'vendor/open-70b' }],
      }),
    );
    const out = custom(chat('big', 1000, 100), AFTER);
    expect(out[model('cheap')]).toBe('open-small');
    close(out[usd('cheap')], (1000 * 0.5 + 100 * 0.5) / 1e6);
    expect(out[model('pinned')]).toBe('vendor/open-70b');
    expect(out[model('flat')]).toBeUndefined(); // not a chosen scenario
  });

  it('falls back to the usual rules where a user-mapped model is not offered', () => {
    const custom = createCostEngine(testPricing({ equivalence: { models: { big: 'open-small' } } }));
    const out = custom(chat('big', 1000, 100), AFTER);
    expect(out[model('cheap')]).toBe('open-small');
    expect(out[model('flat')]).toBe('open-small');
    expect(out[model('cachey')]).toBe('vendor/open-70b'); // no open-small there: class rule
    expect(out[model('home')]).toBe('big'); // home provider keeps the model itself
  });

  it('still prices scenarios for a flat call without a configured price', () => {
    const out = price(chat('open-70b', 1000, 100, {}, 'flat'), AFTER);
    expect(out[ATTR_COST_UNPRICED]).toBe(UNPRICED.noPrice);
    expect(out[ATTR_COST_USD]).toBeUndefined();
    close(out[usd('cheap')], (1000 + 200) / 1e6);
    expect(out[ATTR_COST_CHEAPEST]).toBe('cheap');
    expect(out[ATTR_COST_SAVINGS_USD]).toBeUndefined();
  });

  it('applies a dated user price from its date on', () => {
    const custom = createCostEngine(
      testPricing({
        prices: [
          { provider: 'cheap', model: 'open-70b', effectiveFrom: '2025-06-15', inputMtok: 0.1, outputMtok: 0.2 },
        ],
      }),
    );
    close(custom(chat('open-70b', 1000, 100, {}, 'cheap'), AFTER)[ATTR_COST_USD], (100 + 20) / 1e6);
    close(
      custom(chat('open-70b', 1000, 100, {}, 'cheap'), Date.parse('2025-06-01'))[ATTR_COST_USD],
      (1000 + 200) / 1e6,
    );
  });
});

describe('unpriced, never zero', () => {
  const reason = (a: Attributes): unknown => {
    const out = price(a, AFTER);
    expect(out[ATTR_COST_USD]).toBeUndefined();
    expect(out[ATTR_COST_CHEAPEST]).toBeUndefined();
    return out[ATTR_COST_UNPRICED];
  };
  it.each([
    ['unknown model', chat('nope', 10, 10), UNPRICED.unknownModel],
    ['no model at all', { 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 1 }, UNPRICED.unknownModel],
    ['unknown provider', chat('nope', 10, 10, {}, 'somehost.example'), UNPRICED.unknownProvider],
    ['missing usage', { 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'big' }, UNPRICED.missingUsage],
    [
      'missing output',
      { 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'big', 'gen_ai.usage.input_tokens': 5 },
      UNPRICED.missingUsage,
    ],
    ['negative count', chat('big', -1, 10), UNPRICED.invalidUsage],
    ['NaN count', chat('big', NaN, 10), UNPRICED.invalidUsage],
    ['string count', chat('big', '100' as unknown as number, 10), UNPRICED.invalidUsage],
    ['infinite count', chat('big', 10, Infinity), UNPRICED.invalidUsage],
    ['cached above input', chat('big', 10, 10, { 'gen_ai.usage.cache_read.input_tokens': 11 }), UNPRICED.invalidUsage],
    [
      'audio without seconds',
      { 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'audio' },
      UNPRICED.missingUsage,
    ],
    ['output on an input-only model', chat('embed', 10, 10), UNPRICED.unsupportedUnit],
  ])('%s', (_name, attrs, expected) => {
    expect(reason(attrs as Attributes)).toBe(expected);
  });

  it('returns nothing for a span marked as a duplicate of a tokentax span', () => {
    expect(price(chat('big', 1000, 10, { [ATTR_DUPLICATE]: true }), AFTER)).toEqual({});
  });

  it('does not throw on a non-object and reports internal_error', () => {
    const out = price(null as unknown as Attributes, AFTER);
    expect(out[ATTR_COST_UNPRICED]).toBe(UNPRICED.internalError);
  });
});
