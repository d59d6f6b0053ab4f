import { describe, expect, it } from 'vitest';
import { MetricAttributeSets } from '../../src/instrumentation/metric-attribute-sets';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '../../src/semconv';

const openai = Object.freeze({ provider: 'openai', address: 'api.openai.com', port: 443 });
const together = Object.freeze({ provider: 'together_ai', address: 'api.together.xyz', port: 443 });

describe('MetricAttributeSets', () => {
  it('gives calls of one model on one endpoint the same frozen set, with the call attributes', () => {
    const sets = new MetricAttributeSets();
    const a = sets.base(openai, 'chat', 'gpt-4o');
    expect(sets.base(openai, 'chat', 'gpt-4o')).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(a).toEqual({
      [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
      [ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
      [ATTR_SERVER_ADDRESS]: 'api.openai.com',
      [ATTR_SERVER_PORT]: 443,
      [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o',
    });
  });

  it('keeps different models, operations and endpoints apart and leaves out a missing model', () => {
    const sets = new MetricAttributeSets();
    expect(sets.base(openai, 'chat', 'gpt-4o')).not.toBe(sets.base(openai, 'chat', 'gpt-4o-mini'));
    expect(sets.base(openai, 'chat', 'gpt-4o')).not.toBe(sets.base(together, 'chat', 'gpt-4o'));
    expect(sets.base(openai, 'chat', 'gpt-4o')).not.toBe(sets.base(openai, 'embeddings', 'gpt-4o'));
    expect(ATTR_GEN_AI_REQUEST_MODEL in sets.base(openai, 'chat', '')).toBe(false);
  });

  it('derives one set per added attribute and value, without touching the base', () => {
    const sets = new MetricAttributeSets();
    const base = sets.base(openai, 'chat', 'gpt-4o');
    const input = sets.with(base, ATTR_GEN_AI_TOKEN_TYPE, 'input');
    expect(sets.with(base, ATTR_GEN_AI_TOKEN_TYPE, 'input')).toBe(input);
    expect(sets.with(base, ATTR_GEN_AI_TOKEN_TYPE, 'output')).not.toBe(input);
    expect(input).toEqual({ ...base, [ATTR_GEN_AI_TOKEN_TYPE]: 'input' });
    expect(ATTR_GEN_AI_TOKEN_TYPE in base).toBe(false);
  });

  it('stays bounded: past the limit it starts again and still gives correct sets', () => {
    const sets = new MetricAttributeSets(10);
    const first = sets.base(openai, 'chat', 'm0');
    for (let i = 1; i < 25; i++) sets.base(openai, 'chat', `m${i}`);
    const again = sets.base(openai, 'chat', 'm0');
    expect(again).not.toBe(first); // the cache was started again
    expect(again).toEqual(first);
    expect(sets.base(openai, 'chat', 'm0')).toBe(again);
  });
});
