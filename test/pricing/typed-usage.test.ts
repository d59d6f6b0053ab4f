/**
 * The in-process cost takes a call's typed usage; spans from elsewhere are priced from their
 * attributes. Both must give the same numbers for the same call: the attributes here are written from
 * the typed usage exactly as the instrumentation writes them.
 */
import fc from 'fast-check';
import type { Attributes } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import type { CallUsage } from '../../src/contracts';
import { writeUsage } from '../../src/instrumentation/completion';
import { loadPricing } from '../../src/pricing/data';
import { createCostEngine } from '../../src/pricing/engine';
import { testPricing } from './fixtures/helpers';

const optionalCount = fc.option(fc.oneof(fc.nat({ max: 3_000_000 }), fc.double({ min: 0, max: 1e6, noNaN: true })), {
  nil: undefined,
});

const usage: fc.Arbitrary<CallUsage> = fc.record({
  input: optionalCount,
  output: optionalCount,
  cacheRead: optionalCount,
  cacheWrite: optionalCount,
  reasoning: optionalCount,
  audioSeconds: optionalCount,
  images: fc.option(fc.nat({ max: 10 }), { nil: undefined }),
  estimated: fc.boolean(),
});

const request = fc.record({
  'gen_ai.operation.name': fc.constantFrom(
    'chat',
    'text_completion',
    'embeddings',
    'transcription',
    'image_generation',
  ),
  'gen_ai.provider.name': fc.constantFrom('openai', 'cheap', 'cachey', 'flat', 'together', 'fireworks', 'oxlo'),
  'gen_ai.request.model': fc.constantFrom(
    'big',
    'tiered',
    'embed',
    'audio',
    'img',
    'open-70b',
    'gpt-4o',
    'gpt-4o-mini',
    'gpt-5.4',
    'o3',
    'whisper-1',
    'gpt-image-1.5',
    'text-embedding-3-small',
  ),
  'tokentax.request.image_quality': fc.constantFrom('low', 'high', 'medium'),
});

describe('typed usage and attribute usage price alike', () => {
  for (const [name, pricing] of [
    ['test pricing', testPricing()],
    ['shipped pricing', loadPricing()],
  ] as const) {
    it(`gives the same cost attributes (${name})`, () => {
      const price = createCostEngine(pricing);
      fc.assert(
        fc.property(request, usage, fc.boolean(), fc.integer({ min: 1.5e12, max: 1.9e12 }), (req, u, legacy, t) => {
          const attributes: Attributes = { ...req };
          writeUsage(u, attributes, legacy);
          expect(price(attributes, t, u)).toEqual(price(attributes, t));
        }),
        { numRuns: 2000 },
      );
    });
  }
});
