/**
 * An embeddings batch records its largest input (tokentax.context.largest_input_tokens): a model's
 * window applies to each input, and the cost engine checks that figure, so a normal batch whose total
 * exceeds the window is still priced on every scenario whose model holds each input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContextMeter } from '../../src/context';
import { encodeLength } from '../../src/context/tokenizer';
import type { ContextRequest } from '../../src/contracts';
import { startSimulator, type Simulator } from '../../src/demo/simulator';
import { createCostEngine, createModelCatalog, loadPricing } from '../../src/pricing';
import * as S from '../../src/semconv';
import { createTokentax } from '../../src/tokentax';
import { instrument, spansEventually, type Instrumented } from '../support/harness';
import { loadMajor, MAJORS } from '../support/openai-majors';
import { createTelemetry } from '../support/otel';

const req = (input: unknown, operation: string = S.OPERATION.embeddings): ContextRequest => ({
  operation,
  provider: 'openai',
  model: 'text-embedding-3-small',
  params: operation === S.OPERATION.embeddings ? { input } : { messages: [{ role: 'user', content: input }] },
});
const cl100k = (s: string) => encodeLength('cl100k_base', s);
const words = (n: number, seed: string) => Array.from({ length: n }, (_, i) => `${seed}${i % 97}`).join(' ');

describe('largest input of an embeddings batch', () => {
  const meter = createContextMeter();

  it('is the token count of the largest input (strings, token arrays, one string)', () => {
    const inputs = ['One fish', words(300, 'river'), words(40, 'stone')];
    const done = meter.measure(req(inputs)).complete(undefined);
    expect(done.attributes[S.ATTR_CONTEXT_LARGEST_INPUT_TOKENS]).toBe(Math.max(...inputs.map(cl100k)));
    expect(done.inputTokens).toBe(inputs.map(cl100k).reduce((a, b) => a + b));
    const arrays = meter.measure(req([[1, 2], [3, 4, 5, 6], [7]])).complete(undefined);
    expect(arrays.attributes[S.ATTR_CONTEXT_LARGEST_INPUT_TOKENS]).toBe(4);
    const one = meter.measure(req('just one input')).complete(undefined);
    expect(one.attributes[S.ATTR_CONTEXT_LARGEST_INPUT_TOKENS]).toBe(cl100k('just one input'));
  });

  it('is never more than the total the API reports, and is absent on chat', () => {
    const inputs = [words(500, 'alpha'), words(100, 'beta')];
    const exact = inputs.map(cl100k);
    const sameTotal = meter.measure(req(inputs)).complete(exact[0] + exact[1]);
    expect(sameTotal.attributes[S.ATTR_CONTEXT_LARGEST_INPUT_TOKENS]).toBe(exact[0]);
    for (const api of [10, exact[0] + exact[1] + 50]) {
      const largest = meter.measure(req(inputs)).complete(api).attributes[S.ATTR_CONTEXT_LARGEST_INPUT_TOKENS];
      expect(largest).toBeLessThanOrEqual(api);
      expect(largest).toBeGreaterThanOrEqual(api / 2); // the larger of two parts
    }
    const chat = meter.measure(req('hello', S.OPERATION.chat)).complete(undefined);
    expect(chat.attributes[S.ATTR_CONTEXT_LARGEST_INPUT_TOKENS]).toBeUndefined();
  });
});

const latest = MAJORS[MAJORS.length - 1];

describe(`a batch over the real openai client (${latest.major})`, () => {
  let sim: Simulator;
  let h: Instrumented;
  let client: any;
  const pricing = loadPricing();
  beforeAll(async () => {
    sim = await startSimulator();
    h = instrument(latest.pkg, { contextMeter: createContextMeter({ catalog: createModelCatalog(pricing) }) });
    client = new h.OpenAI({ apiKey: 'sk-test', baseURL: sim.baseURL, maxRetries: 0 });
  });
  afterAll(async () => {
    await h.close();
    await sim.close();
  });

  it('64 inputs of ~600 tokens (a total far above the 8k window) stay feasible on OpenAI', async () => {
    const inputs = Array.from({ length: 64 }, (_, i) => words(i === 7 ? 900 : 600, `w${i}x`));
    const res = await client.embeddings.create({ model: 'text-embedding-3-small', input: inputs });
    const [span] = await spansEventually(h.telemetry, 1);
    const a = span.attributes;
    const total = a[S.ATTR_GEN_AI_USAGE_INPUT_TOKENS] as number;
    expect(total).toBe(res.usage.prompt_tokens);
    const window = pricing.index.lookup('openai', 'text-embedding-3-small')!.window!;
    expect(total).toBeGreaterThan(window);
    const largest = a[S.ATTR_CONTEXT_LARGEST_INPUT_TOKENS] as number;
    expect(largest).toBeGreaterThanOrEqual(total / inputs.length);
    expect(largest).toBeLessThan(window);
    const cost = createCostEngine(pricing)(a, Date.now());
    expect(cost[S.scenarioInfeasibleAttr('openai')]).toBeUndefined();
    expect(cost[S.scenarioCostAttr('openai')]).toBe(cost[S.ATTR_COST_USD]);
    // The same span without the per-input figure (another instrumentation's) is checked as a whole.
    const whole = { ...a };
    delete whole[S.ATTR_CONTEXT_LARGEST_INPUT_TOKENS];
    expect(createCostEngine(pricing)(whole, Date.now())[S.scenarioInfeasibleAttr('openai')]).toBe(
      S.INFEASIBLE.contextWindow,
    );
  });
});

describe('in process: the cost processor prices the batch on every scenario that holds each input', () => {
  it('a batch whose total exceeds the window is priced on the OpenAI scenario', async () => {
    const sim = await startSimulator();
    const tokentax = createTokentax({ config: { providerHosts: { '127.0.0.1': 'openai' } } });
    const telemetry = createTelemetry(tokentax.spanProcessors);
    tokentax.instrumentation.setTracerProvider(telemetry.tracerProvider);
    tokentax.instrumentation.setMeterProvider(telemetry.meterProvider);
    const mod = loadMajor('openai');
    tokentax.instrumentation.manuallyInstrument(mod);
    try {
      const client = new mod.OpenAI({ apiKey: 'sk-x', baseURL: sim.baseURL, maxRetries: 0 });
      const inputs = Array.from({ length: 48 }, (_, i) => words(500, `d${i}y`));
      await client.embeddings.create({ model: 'text-embedding-3-small', input: inputs });
      const [span] = await spansEventually(telemetry, 1);
      const a = span.attributes;
      expect(a[S.ATTR_GEN_AI_USAGE_INPUT_TOKENS] as number).toBeGreaterThan(8192);
      expect(a[S.ATTR_CONTEXT_LARGEST_INPUT_TOKENS] as number).toBeLessThan(8192);
      expect(a[S.ATTR_COST_USD] as number).toBeGreaterThan(0);
      expect(a[S.scenarioInfeasibleAttr('openai')]).toBeUndefined();
      expect(a[S.scenarioCostAttr('openai')]).toBe(a[S.ATTR_COST_USD]);
      for (const id of ['together', 'fireworks', 'openrouter', 'oxlo'])
        // no stand-in there, but never the window
        expect(a[S.scenarioInfeasibleAttr(id)], id).not.toBe(S.INFEASIBLE.contextWindow);
    } finally {
      tokentax.instrumentation.disable();
      await telemetry.shutdown();
      await sim.close();
    }
  });
});
