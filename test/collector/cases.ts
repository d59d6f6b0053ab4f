/**
 * Spans for the differential test: every shipped model (by id and by every alias, with and without
 * its provider, dated, upper-cased, padded), every scenario, tiers, price periods, windows, flat and
 * per-image/audio prices, the other conventions' attribute names, and malformed usage.
 * Deterministic (seeded), so a failure names a reproducible case.
 */
import type { PricingSources } from '../../src/pricing';
import * as S from '../../src/semconv';
import { rng } from '../support/rng';
import { pricingRuleCases } from './pricing-cases';

export type AttrValue = string | number | boolean | string[] | number[] | { double: number };
export interface Case {
  label: string;
  startMs: number;
  attributes: Record<string, AttrValue>;
}

const NOW = Date.parse('2026-11-20T12:00:00Z');

export function buildCases(sources: PricingSources): Case[] {
  const r = rng(42);
  const int = (max: number): number => Math.floor(r() * max);
  const cases: Case[] = [];
  const usage = (): Record<string, AttrValue> => {
    const input = [5, 900, 1500, 12_000, 60_000, 150_000, 300_000][int(7)] + int(500);
    const u: Record<string, AttrValue> = {
      [S.ATTR_GEN_AI_OPERATION_NAME]: 'chat',
      [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: input,
      [S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: int(4000),
    };
    if (r() < 0.4) u[S.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = int(input / 2);
    if (r() < 0.15) u[S.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] = int(input / 4);
    if (r() < 0.3) u[S.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = int(1000);
    return u;
  };
  const add = (label: string, attributes: Record<string, AttrValue>, startMs = NOW): void => {
    cases.push({ label, startMs, attributes });
  };

  const providerNames = Object.keys(sources.prices.providers);
  for (const provider of providerNames) {
    for (const m of sources.prices.providers[provider].models) {
      const names = [m.id, ...m.aliases];
      // The model by id with its provider, as the response model.
      add(`${provider}/${m.id}`, {
        [S.ATTR_GEN_AI_PROVIDER_NAME]: provider,
        [S.ATTR_GEN_AI_RESPONSE_MODEL]: m.id,
        ...usage(),
        ...imageOrAudio(m.prices, r),
      });
      // Every alias, as the request model, sometimes without the provider.
      for (const a of m.aliases) {
        const withProvider = r() < 0.75;
        add(`${provider}/alias ${a}`, {
          ...(withProvider ? { [S.ATTR_GEN_AI_PROVIDER_NAME]: provider } : {}),
          [S.ATTR_GEN_AI_REQUEST_MODEL]: a,
          ...usage(),
        });
      }
      const pick = names[int(names.length)];
      if (r() < 0.3)
        add(`${provider}/dated ${pick}`, {
          [S.ATTR_GEN_AI_PROVIDER_NAME]: provider,
          [S.ATTR_GEN_AI_RESPONSE_MODEL]: `${pick}-2025-0${1 + int(9)}-1${int(10)}`,
          ...usage(),
        });
      if (r() < 0.2)
        add(`${provider}/case ${pick}`, {
          [S.ATTR_GEN_AI_PROVIDER_NAME]: ` ${provider.toUpperCase()} `,
          [S.ATTR_GEN_AI_REQUEST_MODEL]: `  ${pick.toUpperCase()}\t`,
          ...usage(),
        });
      for (const pre of m.prefixes ?? [])
        add(`${provider}/prefix ${pre}`, {
          [S.ATTR_GEN_AI_PROVIDER_NAME]: provider,
          [S.ATTR_GEN_AI_REQUEST_MODEL]: `${pre}custom-1`,
          ...usage(),
        });
      // Tiers: just below and at each threshold; periods: either side of each start date; audio minimums.
      for (const p of m.prices) {
        if (p.per_audio_minute !== undefined || p.min_usd !== undefined) {
          for (const seconds of [0, 3, { double: 9.5 }, 61]) {
            add(`${provider}/${m.id} audio ${JSON.stringify(seconds)}s`, {
              [S.ATTR_GEN_AI_PROVIDER_NAME]: provider,
              [S.ATTR_GEN_AI_REQUEST_MODEL]: m.id,
              [S.ATTR_GEN_AI_OPERATION_NAME]: 'transcription',
              [S.ATTR_USAGE_AUDIO_SECONDS]: seconds,
              [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 10,
              [S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 10,
            });
          }
        }
        for (const t of p.tiers ?? []) {
          for (const input of [t.min_input_tokens - 1, t.min_input_tokens, t.min_input_tokens + 1000]) {
            add(`${provider}/${m.id} tier ${input}`, {
              [S.ATTR_GEN_AI_PROVIDER_NAME]: provider,
              [S.ATTR_GEN_AI_REQUEST_MODEL]: m.id,
              [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: input,
              [S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 1000,
              [S.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 1000,
            });
          }
        }
        if (p.effective_from) {
          const at = Date.parse(`${p.effective_from}T00:00:00Z`);
          for (const [when, t] of [
            ['before', at - 1],
            ['at', at],
            ['after', at + 86_400_000],
          ] as const) {
            add(
              `${provider}/${m.id} period ${when} ${p.effective_from}`,
              { [S.ATTR_GEN_AI_PROVIDER_NAME]: provider, [S.ATTR_GEN_AI_REQUEST_MODEL]: m.id, ...usage() },
              t,
            );
          }
        }
      }
    }
  }
  for (const [alias] of Object.entries(sources.prices.provider_aliases ?? {})) {
    add(`provider alias ${alias}`, {
      [S.ATTR_GEN_AI_PROVIDER_NAME]: alias,
      [S.ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o',
      ...usage(),
    });
  }
  malformed(add, usage);
  conventions(add);
  providers(add, sources, usage, int);
  embeddingsBatches(add);
  pricingRuleCases(add, sources, int);
  return cases;
}

/** Embeddings batches: the window applies to each input (tokentax.context.largest_input_tokens). */
function embeddingsBatches(add: Add): void {
  const models = ['text-embedding-3-small', 'text-embedding-3-large', 'text-embedding-ada-002'];
  const largest: Array<[string, AttrValue | undefined]> = [
    ['none', undefined],
    ['512', 512],
    ['8191 (the window)', 8191],
    ['8192', 8192],
    ['9000', 9000],
    ['double 700.5', { double: 700.5 }],
    ['string', '512'],
    ['negative', -1],
    ['above the total', 250_000],
  ];
  for (const model of models)
    for (const total of [3000, 8192, 100_000, 200_000])
      for (const [label, value] of largest)
        add(`embeddings ${model} batch ${total} largest ${label}`, {
          [S.ATTR_GEN_AI_OPERATION_NAME]: 'embeddings',
          [S.ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
          [S.ATTR_GEN_AI_REQUEST_MODEL]: model,
          [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: total,
          ...(value === undefined ? {} : { [S.ATTR_CONTEXT_LARGEST_INPUT_TOKENS]: value }),
        });
  add('OpenLLMetry embedding batch with largest input', {
    [S.ATTR_LLM_REQUEST_TYPE]: 'embedding',
    [S.ATTR_GEN_AI_SYSTEM]: 'openai',
    [S.ATTR_GEN_AI_REQUEST_MODEL]: 'text-embedding-3-small',
    [S.ATTR_GEN_AI_USAGE_PROMPT_TOKENS]: 120_000,
    [S.ATTR_CONTEXT_LARGEST_INPUT_TOKENS]: 400,
  });
  add('chat ignores a largest input attribute', {
    [S.ATTR_GEN_AI_OPERATION_NAME]: 'chat',
    [S.ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
    [S.ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o',
    [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 200_000,
    [S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 100,
    [S.ATTR_CONTEXT_LARGEST_INPUT_TOKENS]: 100,
  });
}

function imageOrAudio(
  prices: Array<{ per_image?: unknown; per_audio_minute?: number }>,
  r: () => number,
): Record<string, AttrValue> {
  const p = prices[prices.length - 1];
  if (p?.per_image !== undefined) {
    const q = ['low', 'medium', 'high', 'ultra'][Math.floor(r() * 4)];
    return {
      [S.ATTR_GEN_AI_OPERATION_NAME]: 'image_generation',
      [S.ATTR_REQUEST_IMAGE_QUALITY]: q,
      [S.ATTR_REQUEST_IMAGE_SIZE]: ['1024x1024', '1536x1024'][Math.floor(r() * 2)],
      ...(r() < 0.5 ? { [S.ATTR_USAGE_IMAGES]: 1 + Math.floor(r() * 3) } : {}),
    };
  }
  if (p?.per_audio_minute !== undefined)
    return {
      [S.ATTR_GEN_AI_OPERATION_NAME]: 'transcription',
      [S.ATTR_USAGE_AUDIO_SECONDS]: { double: Math.round(r() * 6000) / 10 },
    };
  return {};
}

type Add = (label: string, attributes: Record<string, AttrValue>, startMs?: number) => void;

function malformed(add: Add, usage: () => Record<string, AttrValue>): void {
  const base = { [S.ATTR_GEN_AI_PROVIDER_NAME]: 'openai', [S.ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o' };
  const tokens = { [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 1000, [S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 100 };
  add('input as string', { ...base, ...tokens, [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: '1000' });
  add('output negative', { ...base, ...tokens, [S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: -5 });
  add('input array', { ...base, ...tokens, [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: [1, 2] });
  add('input bool', { ...base, ...tokens, [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: true });
  add('input fractional double', { ...base, ...tokens, [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 1000.5 });
  add('input huge', { ...base, ...tokens, [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 2 ** 54 });
  add('cache read string', { ...base, ...tokens, [S.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 'x' });
  add('cache exceeds input', {
    ...base,
    ...tokens,
    [S.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 900,
    [S.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]: 200,
  });
  add('output missing', { ...base, [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 1000 });
  add('no usage at all', { ...base });
  add('embeddings without output', {
    ...base,
    [S.ATTR_GEN_AI_OPERATION_NAME]: 'embeddings',
    [S.ATTR_GEN_AI_REQUEST_MODEL]: 'text-embedding-3-small',
    [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 5000,
  });
  add('unknown provider', {
    ...tokens,
    [S.ATTR_GEN_AI_PROVIDER_NAME]: 'acme-ai',
    [S.ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o',
  });
  add('provider not a string', {
    ...tokens,
    [S.ATTR_GEN_AI_PROVIDER_NAME]: 7,
    [S.ATTR_GEN_AI_SYSTEM]: 'openai',
    [S.ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o',
  });
  add('empty provider falls to gen_ai.system', {
    ...tokens,
    [S.ATTR_GEN_AI_PROVIDER_NAME]: '',
    [S.ATTR_GEN_AI_SYSTEM]: 'together_ai',
    [S.ATTR_GEN_AI_REQUEST_MODEL]: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
  });
  add('unknown model', {
    ...tokens,
    [S.ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
    [S.ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-99-ultra',
  });
  add('unknown response, known request', { ...tokens, ...base, [S.ATTR_GEN_AI_RESPONSE_MODEL]: 'mystery-model' });
  add('empty response model', { ...tokens, ...base, [S.ATTR_GEN_AI_RESPONSE_MODEL]: '' });
  add('model name with quote', { ...tokens, [S.ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o" or true' });
  add('model name with backslash', { ...tokens, [S.ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o\\' });
  add('model name with env syntax', { ...tokens, [S.ATTR_GEN_AI_REQUEST_MODEL]: '${env:HOME}' });
  add('model name with key separators', { ...tokens, [S.ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o\u0002000\u000199gpt-4o' });
  add('model name unicode', { ...tokens, [S.ATTR_GEN_AI_REQUEST_MODEL]: 'gpt‑4o ünïcode' });
  add('only whitespace model', { ...tokens, [S.ATTR_GEN_AI_REQUEST_MODEL]: '   ' });
  add('no model at all (not priced)', { ...tokens, [S.ATTR_GEN_AI_PROVIDER_NAME]: 'openai' });
  add('already priced upstream', { ...base, ...tokens, [S.ATTR_PRICING_VERSION]: '2020-01-01' });
  add('duplicate span', { ...base, ...tokens, [S.ATTR_DUPLICATE]: true });
  add('window exceeded everywhere', {
    ...base,
    [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 5_000_000,
    [S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 10,
  });
  add('zero tokens', { ...base, [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 0, [S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 0 });
  add('time zero', { ...base, ...usage() }, 0);
  for (const op of [
    'text_completion',
    'embeddings',
    'transcription',
    'image_generation',
    'generate_content',
    'weird_op',
    '',
  ]) {
    add(`class-less model, operation "${op}"`, {
      [S.ATTR_GEN_AI_PROVIDER_NAME]: 'openrouter',
      [S.ATTR_GEN_AI_OPERATION_NAME]: op,
      [S.ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o',
      ...tokens,
    });
  }
}

/** The contrib instrumentation's old names, OpenLLMetry's and OpenInference's. */
function conventions(add: Add): void {
  add('OpenLLMetry names', {
    [S.ATTR_GEN_AI_SYSTEM]: 'openai',
    [S.ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini',
    [S.ATTR_LLM_REQUEST_TYPE]: 'chat',
    [S.ATTR_GEN_AI_USAGE_PROMPT_TOKENS]: 3000,
    [S.ATTR_GEN_AI_USAGE_COMPLETION_TOKENS]: 200,
    [S.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS_OPENLLMETRY]: 1024,
  });
  add('OpenLLMetry completion', {
    [S.ATTR_GEN_AI_SYSTEM]: 'openai',
    [S.ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-3.5-turbo-instruct',
    [S.ATTR_LLM_REQUEST_TYPE]: 'completion',
    [S.ATTR_GEN_AI_USAGE_PROMPT_TOKENS]: 300,
    [S.ATTR_GEN_AI_USAGE_COMPLETION_TOKENS]: 20,
  });
  add('OpenLLMetry embedding', {
    [S.ATTR_GEN_AI_SYSTEM]: 'openai',
    [S.ATTR_GEN_AI_REQUEST_MODEL]: 'text-embedding-3-large',
    [S.ATTR_LLM_REQUEST_TYPE]: 'embedding',
    [S.ATTR_GEN_AI_USAGE_PROMPT_TOKENS]: 300,
  });
  add('OpenInference names', {
    [S.ATTR_OPENINFERENCE_PROVIDER]: 'openai',
    [S.ATTR_OPENINFERENCE_MODEL_NAME]: 'gpt-4.1',
    [S.ATTR_OPENINFERENCE_TOKEN_COUNT_PROMPT]: 5000,
    [S.ATTR_OPENINFERENCE_TOKEN_COUNT_COMPLETION]: 700,
    [S.ATTR_OPENINFERENCE_TOKEN_COUNT_CACHE_READ]: 2048,
    [S.ATTR_OPENINFERENCE_TOKEN_COUNT_CACHE_WRITE]: 0,
    [S.ATTR_OPENINFERENCE_TOKEN_COUNT_REASONING]: 100,
  });
  add('contrib old names', {
    [S.ATTR_GEN_AI_SYSTEM]: 'openai',
    [S.ATTR_GEN_AI_REQUEST_MODEL]: 'o3',
    [S.ATTR_GEN_AI_RESPONSE_MODEL]: 'o3-2025-04-16',
    [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 20_000,
    [S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 9000,
    [S.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]: 8000,
  });
  add('Azure deployment', {
    [S.ATTR_GEN_AI_PROVIDER_NAME]: 'azure.ai.openai',
    [S.ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini',
    [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 2000,
    [S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 100,
  });
}

/** Provider resolution: hosts in server.address (or as the provider name), and inference on unknown hosts. */
function providers(
  add: Add,
  sources: PricingSources,
  usage: () => Record<string, AttrValue>,
  int: (max: number) => number,
): void {
  for (const r of sources.hosts?.hosts ?? []) {
    const host = r.host ?? `res${r.suffix}`;
    const model = sources.prices.providers[r.provider]?.models[0]?.id ?? 'gpt-4o';
    add(`host ${host} in server.address`, {
      [S.ATTR_SERVER_ADDRESS]: host,
      [S.ATTR_GEN_AI_REQUEST_MODEL]: model,
      ...usage(),
    });
    add(`host ${host} with _OTHER`, {
      [S.ATTR_GEN_AI_PROVIDER_NAME]: S.PROVIDER.other,
      [S.ATTR_SERVER_ADDRESS]: host.toUpperCase(),
      [S.ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o',
      ...usage(),
    });
    add(`host ${host} as the provider name`, {
      [S.ATTR_GEN_AI_PROVIDER_NAME]: host,
      [S.ATTR_GEN_AI_REQUEST_MODEL]: model,
      ...usage(),
    });
  }
  // Every shipped model on a host nobody named: inferred, ambiguous or unknown.
  const hosts = ['127.0.0.1', 'localhost', 'litellm.internal', 'api.deepseek.com.evil.example'];
  for (const [provider, p] of Object.entries(sources.prices.providers)) {
    for (const m of p.models) {
      const names = [m.id, ...m.aliases];
      const name = names[int(names.length)];
      const host = hosts[int(hosts.length)];
      add(`inference ${provider}/${name} at ${host}`, {
        ...(int(2) ? { [S.ATTR_GEN_AI_PROVIDER_NAME]: S.PROVIDER.other } : {}),
        [S.ATTR_SERVER_ADDRESS]: host,
        [S.ATTR_GEN_AI_REQUEST_MODEL]: `${name}${int(4) === 0 ? '-2025-03-01' : ''}`,
        ...(int(3) === 0 ? { [S.ATTR_GEN_AI_RESPONSE_MODEL]: `${name}-custom` } : {}),
        ...usage(),
      });
    }
  }
  add('only server.address, unknown model', {
    [S.ATTR_SERVER_ADDRESS]: '10.0.0.7',
    [S.ATTR_GEN_AI_REQUEST_MODEL]: 'house-model',
    ...usage(),
  });
  add('_OTHER without a host, known model', {
    [S.ATTR_GEN_AI_PROVIDER_NAME]: S.PROVIDER.other,
    [S.ATTR_GEN_AI_REQUEST_MODEL]: 'deepseek-reasoner',
    ...usage(),
  });
  add('OpenLLMetry system as a host', {
    [S.ATTR_GEN_AI_SYSTEM]: 'api.groq.com',
    [S.ATTR_GEN_AI_REQUEST_MODEL]: 'llama-3.3-70b-versatile',
    ...usage(),
  });
  add('server.address not a string', {
    [S.ATTR_SERVER_ADDRESS]: 443,
    [S.ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o',
    ...usage(),
  });
}
