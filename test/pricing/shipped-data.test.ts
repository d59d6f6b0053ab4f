import { describe, expect, it } from 'vitest';
import { loadPricing, readPricingSources } from '../../src/pricing/data';
import { createCostEngine } from '../../src/pricing/engine';
import { createModelCatalog } from '../../src/pricing/catalog';
import {
  ATTR_COST_USD,
  ATTR_COST_UNPRICED,
  INFEASIBLE,
  UNPRICED,
  scenarioInfeasibleAttr,
  scenarioModelAttr,
} from '../../src/semconv';

const sources = readPricingSources();
const pricing = loadPricing({ sources });
const DATE = /^\d{4}-\d{2}-\d{2}$/;

describe('shipped pricing data', () => {
  it('resolves every alias and id to a model that lists it', () => {
    let checked = 0;
    for (const [provider, p] of Object.entries(sources.prices.providers)) {
      for (const m of p.models) {
        for (const name of [m.id, ...m.aliases]) {
          const entry = pricing.index.lookup(provider, name);
          expect(entry, `${provider}/${name}`).toBeDefined();
          const owner = p.models.find((x) => x.id === entry!.id)!;
          expect([owner.id.toLowerCase(), ...owner.aliases], `${provider}/${name}`).toContain(name.toLowerCase());
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(800);
  });

  it('gives every price a source and a retrieval date, and dated prices a valid date', () => {
    for (const [provider, p] of Object.entries(sources.prices.providers)) {
      for (const m of p.models) {
        expect(m.prices.length, `${provider}/${m.id}`).toBeGreaterThan(0);
        for (const period of m.prices) {
          expect(typeof period.source === 'string' && period.source.length > 0, `${provider}/${m.id} source`).toBe(
            true,
          );
          expect(period.retrieved, `${provider}/${m.id} retrieved`).toMatch(DATE);
          if (period.effective_from !== undefined) expect(period.effective_from).toMatch(DATE);
        }
      }
    }
    expect(sources.prices.version).toMatch(DATE);
    expect(sources.ratios.version).toMatch(DATE);
  });

  const has = (provider: string, model: string): void => {
    const entry = pricing.index.lookup(provider, model);
    expect(entry, `${provider}/${model}`).toBeDefined();
    expect(entry!.periods.length).toBeGreaterThan(0);
  };

  it('covers OpenAI chat, reasoning, embedding, audio, image and legacy completion models', () => {
    for (const m of [
      'gpt-4o',
      'gpt-4o-2024-08-06',
      'gpt-4o-mini',
      'gpt-4.1',
      'gpt-4.1-mini',
      'gpt-4.1-nano',
      'gpt-5',
      'gpt-5-mini',
      'gpt-5.4',
      'o1',
      'o3',
      'o4-mini',
      'text-embedding-3-small',
      'text-embedding-3-large',
      'text-embedding-ada-002',
      'whisper-1',
      'gpt-image-1.5',
      'gpt-3.5-turbo-instruct',
    ]) {
      has('openai', m);
    }
    const tiered = pricing.index.lookup('openai', 'gpt-5.4')!;
    expect(tiered.periods.at(-1)!.tiers?.[0].min_input_tokens).toBe(272_000);
    expect(pricing.index.lookup('openai', 'o3')!.periods.map((p) => p.fromMs)).toContain(
      Date.parse('2025-06-10T00:00:00Z'),
    );
  });

  it('covers the open-weight models on Together, Fireworks and OpenRouter', () => {
    has('together', 'meta-llama/Llama-3.3-70B-Instruct-Turbo');
    has('together', 'mistralai/Mistral-7B-Instruct-v0.2');
    has('together', 'deepseek-ai/DeepSeek-V3.1');
    for (const m of [
      'llama-v3p3-70b-instruct',
      'qwen3-32b',
      'deepseek-r1-distill-llama-70b',
      'deepseek-v3p2',
      'mistral-7b',
    ]) {
      has('fireworks', `accounts/fireworks/models/${m}`);
      has('fireworks', m);
    }
    for (const m of [
      'meta-llama/llama-3.3-70b-instruct',
      'qwen/qwen3-32b',
      'deepseek/deepseek-r1-distill-llama-70b',
      'deepseek/deepseek-v3.2',
      'mistralai/mistral-7b-instruct',
    ]) {
      has('openrouter', m);
    }
  });

  it("lists Oxlo's models as flat per-request with no default price", () => {
    for (const m of [
      'qwen-3-32b',
      'llama-3.3-70b',
      'deepseek-r1-70b',
      'deepseek-v3.2',
      'mistral-7b',
      'whisper-large-v3',
      'flux.1-schnell',
    ]) {
      const entry = pricing.index.lookup('oxlo', m);
      expect(entry, m).toBeDefined();
      expect(entry!.periods.every((p) => p.perRequest === null)).toBe(true);
    }
  });

  it('prices an OpenAI span and fills every default scenario with a model or a reason', () => {
    const price = createCostEngine(pricing);
    const out = price(
      {
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 2000,
        'gen_ai.usage.output_tokens': 300,
      },
      Date.now(),
    );
    expect(out[ATTR_COST_UNPRICED]).toBeUndefined();
    expect(out[ATTR_COST_USD]).toBeCloseTo((2000 * 2.5 + 300 * 10) / 1e6, 12);
    for (const id of ['together', 'fireworks', 'openrouter', 'oxlo', 'openai']) {
      expect(out[scenarioModelAttr(id)], id).toBeTypeOf('string');
    }
    expect(out[scenarioInfeasibleAttr('oxlo')]).toBe(INFEASIBLE.noPrice);
    expect(out[scenarioModelAttr('together')]).toMatch(/llama-3\.3-70b/i);
  });

  it('prices an Oxlo call once the user configures its request price', () => {
    const price = createCostEngine(
      loadPricing({ sources, config: { requestPrices: { oxlo: { 'llama-3.3-70b': 0.0015 } } } }),
    );
    const span = {
      'gen_ai.provider.name': 'oxlo',
      'gen_ai.request.model': 'llama-3.3-70b',
      'gen_ai.usage.input_tokens': 90_000,
      'gen_ai.usage.output_tokens': 300,
    };
    expect(price(span, Date.now())[ATTR_COST_USD]).toBe(0.0015);
    const unconfigured = createCostEngine(pricing)(span, Date.now());
    expect(unconfigured[ATTR_COST_UNPRICED]).toBe(UNPRICED.noPrice);
  });

  it('serves the model catalog from the same data', () => {
    const catalog = createModelCatalog(pricing);
    expect(catalog.model('gpt-4o-2024-08-06', 'openai')).toMatchObject({ window: 128_000, tokenizer: 'o200k' });
    expect(catalog.model('gpt-5', 'openai')).toMatchObject({ window: 400_000, maxInputTokens: 272_000 });
    expect(catalog.model('meta-llama/Llama-3.3-70B-Instruct-Turbo', 'together')).toMatchObject({
      tokenizer: 'llama3',
      window: 131_072,
    });
    expect(catalog.model('gpt-4o', 'my-proxy.internal')).toMatchObject({ window: 128_000 }); // unknown host: any provider
    expect(catalog.model('text-embedding-3-small')?.tokenizer).toBe('cl100k');
    expect(catalog.model('no-such-model')).toBeUndefined();
  });
});
