/**
 * The pricing rules of issue 16 on small hand-made data (not the shipped prices): modality rates,
 * per-image tables against token prices, time-of-day windows (also across midnight and under tiers),
 * the provider's reported cost, and the data checks that guard them.
 */
import { describe, expect, it } from 'vitest';
import type { Attributes } from '@opentelemetry/api';
import { createCostEngine } from '../../src/pricing/engine';
import { loadPricing, type PricingSources } from '../../src/pricing/data';
import { validatePricingSources } from '../../src/pricing/validate-data';
import { minuteOfDay } from '../../src/pricing/math';
import type { PricePeriodData } from '../../src/pricing/types';
import { testSources } from './fixtures/helpers';

const src = { source: 'test', retrieved: '2026-01-01' };

function sources(models: Record<string, PricePeriodData[]>): PricingSources {
  const base = testSources();
  return {
    ...base,
    prices: {
      version: 'rules-test',
      providers: {
        acme: {
          models: Object.entries(models).map(([id, prices]) => ({ id, aliases: [id], tokenizer: 'o200k', prices })),
        },
      },
    },
    equivalence: { ...base.equivalence, scenarios: [{ id: 'same', provider: 'acme', model: 'voice' }] },
  };
}

const data = sources({
  voice: [{ input_mtok: 1, output_mtok: 2, input_audio_mtok: 10, output_audio_mtok: 20, ...src }],
  vision: [{ input_mtok: 1, output_mtok: 2, ...src }],
  painter: [
    { input_mtok: 5, output_mtok: 40, input_image_mtok: 10, per_image: { 'low/1024x1024': 0.01, high: 0.2 }, ...src },
  ],
  night: [
    {
      input_mtok: 1,
      cached_input_mtok: 0.1,
      output_mtok: 2,
      utc_windows: [{ from: '22:00', to: '02:00', input_mtok: 0.5, output_mtok: 1 }],
      tiers: [{ min_input_tokens: 100_000, output_mtok: 3 }],
      ...src,
    },
  ],
});
const price = createCostEngine(loadPricing({ sources: data }));
const NOON = Date.parse('2026-03-01T12:00:00Z');
const span = (model: string, extra: Attributes): Attributes => ({
  'gen_ai.provider.name': 'acme',
  'gen_ai.request.model': model,
  ...extra,
});
const usd = (a: Attributes, t = NOON): unknown => price(a, t)['tokentax.cost.usd'];

describe('audio and image tokens', () => {
  it('prices audio parts at the audio rates and the rest as text', () => {
    const a = span('voice', {
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 100,
      'tokentax.usage.input_audio_tokens': 600,
      'tokentax.usage.output_audio_tokens': 40,
    });
    expect(usd(a)).toBeCloseTo((400 * 1 + 60 * 2 + 600 * 10 + 40 * 20) / 1e6, 15);
  });

  it('prices image input as text where the model has no image rate (vision input is billed as tokens)', () => {
    const a = span('vision', {
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 10,
      'tokentax.usage.input_image_tokens': 765,
    });
    expect(usd(a)).toBeCloseTo((1000 * 1 + 10 * 2) / 1e6, 15);
  });

  it('leaves audio unpriced on a model without an audio rate, and the scenario infeasible', () => {
    const out = price(
      span('vision', {
        'gen_ai.usage.input_tokens': 1000,
        'gen_ai.usage.output_tokens': 10,
        'tokentax.usage.input_audio_tokens': 10,
      }),
      NOON,
    );
    expect(out['tokentax.cost.unpriced']).toBe('unsupported_unit');
    // The other way round: a text-only call priced on the voice model is fine.
    const text = price(span('vision', { 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 1 }), NOON);
    expect(text['tokentax.cost.same.usd']).toBeCloseTo((10 + 2) / 1e6, 15);
  });

  it('a cached read larger than the text part does not go negative', () => {
    const a = span('voice', {
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.cache_read.input_tokens': 900,
      'gen_ai.usage.output_tokens': 0,
      'tokentax.usage.input_audio_tokens': 500,
    });
    // text part max(0, 1000 - 900 - 500) = 0; cached 900 at the input price (no cache price); audio 500 at 10.
    expect(usd(a)).toBeCloseTo((900 * 1 + 500 * 10) / 1e6, 15);
  });

  it('rejects parts that are not numbers or exceed their total', () => {
    const base = { 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 10 };
    for (const bad of [
      { 'tokentax.usage.input_audio_tokens': '5' },
      { 'tokentax.usage.output_image_tokens': -1 },
      { 'tokentax.usage.output_audio_tokens': 11 },
      { 'tokentax.usage.input_audio_tokens': 60, 'tokentax.usage.input_image_tokens': 41 },
    ]) {
      expect(price(span('voice', { ...base, ...bad }), NOON)['tokentax.cost.unpriced'], JSON.stringify(bad)).toBe(
        'invalid_usage',
      );
    }
  });
});

describe('per-image tables and image tokens', () => {
  const image = (extra: Attributes): Attributes =>
    span('painter', { 'gen_ai.operation.name': 'image_generation', ...extra });

  it('prices by tokens when the span has them (output as image tokens), ignoring the table', () => {
    const a = image({ 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 272 });
    expect(usd({ ...a, 'tokentax.request.image_quality': 'low' })).toBeCloseTo((100 * 5 + 272 * 40) / 1e6, 15);
  });

  it('uses the table without tokens: exact row, then quality, else image_size_unpriced', () => {
    const q = (quality: string, size: string, n = 1): Attributes =>
      image({
        'tokentax.request.image_quality': quality,
        'tokentax.request.image_size': size,
        'tokentax.usage.images': n,
      });
    expect(usd(q('low', '1024x1024', 3))).toBeCloseTo(0.03, 15);
    expect(usd(q('high', '1536x1024'))).toBe(0.2);
    const missing = price(q('low', '1536x1024'), NOON);
    expect(missing['tokentax.cost.unpriced']).toBe('image_size_unpriced');
    expect(missing['tokentax.cost.usd']).toBeUndefined();
    expect(price(image({}), NOON)['tokentax.cost.unpriced']).toBe('image_size_unpriced');
  });
});

describe('time-of-day prices', () => {
  const at = (hhmm: string): number => Date.parse(`2026-03-01T${hhmm}:00Z`);
  const call = span('night', { 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 100 });
  const day = (1000 * 1 + 100 * 2) / 1e6;
  const night = (1000 * 0.5 + 100 * 1) / 1e6;

  it('applies the window from its start (inclusive) to its end (exclusive), across midnight', () => {
    expect(usd(call, at('21:59'))).toBeCloseTo(day, 15);
    expect(usd(call, at('22:00'))).toBeCloseTo(night, 15);
    expect(usd(call, at('00:00'))).toBeCloseTo(night, 15);
    expect(usd(call, at('01:59') + 59_999)).toBeCloseTo(night, 15);
    expect(usd(call, at('02:00'))).toBeCloseTo(day, 15);
  });

  it('keeps prices the window leaves out (cache) and lets tiers apply over it', () => {
    const cached = span('night', {
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.cache_read.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 0,
    });
    expect(usd(cached, at('23:00'))).toBeCloseTo((1000 * 0.1) / 1e6, 15);
    const long = span('night', { 'gen_ai.usage.input_tokens': 100_000, 'gen_ai.usage.output_tokens': 100 });
    expect(usd(long, at('23:00'))).toBeCloseTo((100_000 * 0.5 + 100 * 3) / 1e6, 15);
  });

  it('uses the base price when the time is unknown, and counts minutes of the UTC day', () => {
    expect(usd(call, NaN)).toBeCloseTo(day, 15);
    expect(minuteOfDay(Date.parse('1969-12-31T23:59:30Z'))).toBe(1439);
    expect(minuteOfDay(Date.parse('2026-03-01T00:01:00Z'))).toBe(1);
    expect(minuteOfDay(Infinity)).toBe(-1);
  });
});

describe("the provider's reported cost", () => {
  it('replaces the computed cost, including a reported 0 (a free model is free)', () => {
    const base = span('voice', { 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 10 });
    const out = price({ ...base, 'tokentax.usage.provider_cost_usd': 0 }, NOON);
    expect(out['tokentax.cost.usd']).toBe(0);
    expect(out['tokentax.cost.source']).toBe('provider_reported');
    expect(out['tokentax.cost.cheapest']).toBe('actual');
    expect(price(base, NOON)['tokentax.cost.source']).toBe('computed');
  });

  it('is used even when the usage is unusable, and ignored when it is not a valid amount', () => {
    const broken = span('voice', { 'gen_ai.usage.input_tokens': 'x', 'tokentax.usage.provider_cost_usd': 0.5 });
    expect(price(broken, NOON)['tokentax.cost.usd']).toBe(0.5);
    for (const bad of [-1, NaN, Infinity, '0.5']) {
      const out = price(
        span('voice', {
          'gen_ai.usage.input_tokens': 10,
          'gen_ai.usage.output_tokens': 1,
          'tokentax.usage.provider_cost_usd': bad as number,
        }),
        NOON,
      );
      expect(out['tokentax.cost.source'], String(bad)).toBe('computed');
    }
  });
});

describe('data checks', () => {
  const check = (period: Record<string, unknown>): (() => void) => {
    const s = sources({ m: [{ ...src, ...period } as PricePeriodData] });
    return () => validatePricingSources(s, { prices: 'p.json', ratios: 'r.json', equivalence: 'e.json' });
  };
  it('accepts modality prices and windows, and names a bad window or price', () => {
    expect(check({ input_audio_mtok: 1, utc_windows: [{ from: '00:30', to: '16:30', input_mtok: 1 }] })).not.toThrow();
    expect(check({ utc_windows: [{ from: '24:00', to: '01:00' }] })).toThrow(
      /utc_windows\[0\]\.from: expected a UTC time/,
    );
    expect(check({ utc_windows: [{ from: '01:00', to: '02:00', output_mtok: -1 }] })).toThrow(
      /utc_windows\[0\]\.output_mtok/,
    );
    expect(check({ output_image_mtok: 'x' })).toThrow(/output_image_mtok/);
  });
});
