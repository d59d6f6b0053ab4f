/**
 * Differential spans for the pricing rules: audio/image token parts on every model (with and without
 * modality prices), every per-image table row (and rows no table has), every time-of-day window's
 * edges, the provider's reported cost, and the hand-computed cases both engines test on their own.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PricingSources } from '../../src/pricing';
import * as S from '../../src/semconv';
import type { AttrValue } from './cases';

type Add = (label: string, attributes: Record<string, AttrValue>, startMs?: number) => void;

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-20T12:00:00Z');
const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function pricingRuleCases(add: Add, sources: PricingSources, int: (max: number) => number): void {
  const semantics = JSON.parse(
    readFileSync(
      join(__dirname, '..', '..', 'collector', 'tokentaxprocessor', 'testdata', 'pricing-semantics.json'),
      'utf8',
    ),
  ) as { cases: Array<{ name: string; time: string; attributes: Record<string, AttrValue> }> };
  for (const c of semantics.cases) add(`semantics: ${c.name}`, c.attributes, Date.parse(c.time));

  for (const [provider, p] of Object.entries(sources.prices.providers)) {
    for (const m of p.models) {
      const last = m.prices[m.prices.length - 1];
      const modal =
        last.input_audio_mtok !== undefined ||
        last.output_audio_mtok !== undefined ||
        last.input_image_mtok !== undefined ||
        last.output_image_mtok !== undefined;
      // Modality parts on models that price them, and on a sample of those that do not.
      if (modal || int(20) === 0) {
        const input = 200 + int(5000);
        const output = 10 + int(2000);
        const parts: Record<string, AttrValue> = {};
        if (int(2)) parts[S.ATTR_USAGE_INPUT_AUDIO_TOKENS] = int(input / 2);
        if (int(2)) parts[S.ATTR_USAGE_INPUT_IMAGE_TOKENS] = int(input / 2);
        if (int(2)) parts[S.ATTR_USAGE_OUTPUT_AUDIO_TOKENS] = int(output / 2);
        if (int(2)) parts[S.ATTR_USAGE_OUTPUT_IMAGE_TOKENS] = int(output / 2);
        add(`${provider}/${m.id} modality parts`, {
          [S.ATTR_GEN_AI_PROVIDER_NAME]: provider,
          [S.ATTR_GEN_AI_REQUEST_MODEL]: m.id,
          [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: input,
          [S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: output,
          ...(int(3) === 0 ? { [S.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: int(input) } : {}),
          ...(int(4) === 0 ? { [S.ATTR_GEN_AI_OPERATION_NAME]: 'image_generation' } : {}),
          ...parts,
        });
      }
      for (const period of m.prices) {
        const from = period.effective_from ? Date.parse(`${period.effective_from}T00:00:00Z`) : NOW - 400 * DAY;
        const next = m.prices
          .map((q) => (q.effective_from ? Date.parse(`${q.effective_from}T00:00:00Z`) : -Infinity))
          .filter((t) => t > from)
          .sort((a, b) => a - b)[0];
        const day = next === undefined ? NOW - (NOW % DAY) : from + Math.floor((next - from) / DAY / 2) * DAY;
        for (const w of period.utc_windows ?? []) {
          for (const minute of [minutes(w.from) - 1, minutes(w.from), minutes(w.to) - 1, minutes(w.to)]) {
            const at = day + (((minute % 1440) + 1440) % 1440) * 60_000 + int(60_000);
            add(`${provider}/${m.id} window ${w.from}-${w.to} minute ${minute}`, windowSpan(provider, m.id, int), at);
          }
        }
        if (period.per_image !== undefined && typeof period.per_image === 'object') {
          for (const key of [...Object.keys(period.per_image), 'auto/1024x1024', 'low/256x256', 'high']) {
            const [quality, size] = key.split('/');
            const tokens = int(3) === 0;
            add(`${provider}/${m.id} per image ${key}${tokens ? ' with tokens' : ''}`, {
              [S.ATTR_GEN_AI_PROVIDER_NAME]: provider,
              [S.ATTR_GEN_AI_OPERATION_NAME]: 'image_generation',
              [S.ATTR_GEN_AI_REQUEST_MODEL]: m.id,
              [S.ATTR_REQUEST_IMAGE_QUALITY]: quality,
              ...(size ? { [S.ATTR_REQUEST_IMAGE_SIZE]: size } : {}),
              ...(int(2) ? { [S.ATTR_USAGE_IMAGES]: 1 + int(4) } : {}),
              ...(tokens
                ? { [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 40 + int(100), [S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 4160 }
                : {}),
            });
          }
        }
      }
    }
  }
  // Time-of-day prices at random minutes of many days (minute arithmetic, periods and windows together).
  for (let i = 0; i < 60; i++) {
    const at = Date.parse('2025-06-01T00:00:00Z') + int(560) * DAY + int(DAY);
    add(`deepseek-chat at ${new Date(at).toISOString()}`, windowSpan('deepseek', 'deepseek-chat', int), at);
  }
  reportedCost(add);
}

function windowSpan(provider: string, model: string, int: (max: number) => number): Record<string, AttrValue> {
  const input = 100 + int(20_000);
  return {
    [S.ATTR_GEN_AI_PROVIDER_NAME]: provider,
    [S.ATTR_GEN_AI_REQUEST_MODEL]: model,
    [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: input,
    [S.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: int(input),
    [S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: int(3000),
  };
}

function reportedCost(add: Add): void {
  const tokens = { [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 3000, [S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 300 };
  const costs: AttrValue[] = [0, 2, { double: 0.00123 }, { double: 1e-9 }, -1, '0.5', true, [1]];
  for (const cost of costs) {
    for (const [label, attrs] of [
      [
        'known model',
        { [S.ATTR_GEN_AI_PROVIDER_NAME]: 'openrouter', [S.ATTR_GEN_AI_REQUEST_MODEL]: 'openai/gpt-4o', ...tokens },
      ],
      [
        'unknown model',
        { [S.ATTR_GEN_AI_PROVIDER_NAME]: 'openrouter', [S.ATTR_GEN_AI_REQUEST_MODEL]: 'acme/unlisted', ...tokens },
      ],
      [
        'unknown provider',
        { [S.ATTR_GEN_AI_PROVIDER_NAME]: 'acme-ai', [S.ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o', ...tokens },
      ],
      ['no usage', { [S.ATTR_GEN_AI_PROVIDER_NAME]: 'openrouter', [S.ATTR_GEN_AI_REQUEST_MODEL]: 'openai/gpt-4o' }],
      [
        'invalid usage',
        {
          [S.ATTR_GEN_AI_PROVIDER_NAME]: 'openrouter',
          [S.ATTR_GEN_AI_REQUEST_MODEL]: 'openai/gpt-4o',
          ...tokens,
          [S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: -3,
        },
      ],
    ] as const) {
      add(`reported cost ${JSON.stringify(cost)} on ${label}`, { ...attrs, [S.ATTR_USAGE_PROVIDER_COST_USD]: cost });
    }
  }
}
