/** The tokenizer's ranks are loaded on the first measurement, never at import (own forked worker). */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createContextMeter, isEncodingLoaded } from '../../src/context';
import { OPERATION } from '../../src/semconv';

const loadedModules = (): string[] =>
  Object.keys(createRequire(__filename).cache).filter((k) => k.includes('js-tiktoken'));

describe('lazy tokenizer', () => {
  it('is not loaded by importing the context module, only by the first measurement, and only its encoding', () => {
    expect(loadedModules()).toEqual([]);
    const meter = createContextMeter();
    expect(loadedModules()).toEqual([]);
    expect(isEncodingLoaded('o200k_base')).toBe(false);
    const request = {
      operation: OPERATION.chat,
      provider: 'openai',
      model: 'gpt-4o',
      params: { messages: [{ role: 'user', content: 'hi' }] },
    };
    // The split is counted with the model's tokenizer even when the API gives usage.
    meter.measure(request).complete(9);
    expect(isEncodingLoaded('o200k_base')).toBe(true);
    expect(isEncodingLoaded('cl100k_base')).toBe(false);
    // The rank file is read as data, not required: no js-tiktoken module stays in the module cache.
    expect(loadedModules()).toEqual([]);
  });
});
