/**
 * The embedded default end to end, in one process: createTokentax() gives the instrumentation and the
 * cost processor; a real SDK exports spans that carry usage, context and cost attributes together.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/demo/simulator';
import { createTokentax } from '../../src/tokentax';
import { createTelemetry, metricPoints, type TestTelemetry } from '../support/otel';
import { loadMajor } from '../support/openai-majors';
import { withConversation } from '../../src/context';

describe('createTokentax: instrumentation + in-process cost', () => {
  let sim: Simulator;
  let telemetry: TestTelemetry;
  let client: any;
  let tokentax: ReturnType<typeof createTokentax>;

  beforeAll(async () => {
    sim = await startSimulator({ answerWords: 20 });
    tokentax = createTokentax({
      config: { requestPrices: { oxlo: { 'llama-3.3-70b': 0.0005 } } },
      providerNames: { '127.0.0.1': 'openai' },
    });
    telemetry = createTelemetry(tokentax.spanProcessors);
    tokentax.instrumentation.setTracerProvider(telemetry.tracerProvider);
    tokentax.instrumentation.setMeterProvider(telemetry.meterProvider);
    const mod = loadMajor('openai');
    tokentax.instrumentation.manuallyInstrument(mod);
    client = new mod.OpenAI({ apiKey: 'sk-x', baseURL: sim.baseURL, maxRetries: 0 });
  });
  afterAll(async () => {
    tokentax.instrumentation.disable();
    await telemetry.shutdown();
    await sim.close();
  });

  it('an agent loop: turns, recycled context, and every scenario priced on the same span', async () => {
    const system = { role: 'system', content: 'You are a coding agent. '.repeat(400) };
    const history: any[] = [system];
    await withConversation('conv-e2e', async () => {
      for (let turn = 1; turn <= 3; turn++) {
        history.push({ role: 'user', content: `Step ${turn}: refactor module ${turn}` });
        const r = await client.chat.completions.create({ model: 'gpt-4o', messages: history });
        history.push(r.choices[0].message);
      }
    });
    const spans = telemetry.spans();
    expect(spans).toHaveLength(3);
    const a = spans.map((s) => s.attributes);
    expect(a.map((x) => x['tokentax.context.turn'])).toEqual([1, 2, 3]);
    expect(a.map((x) => x['gen_ai.conversation.id'])).toEqual(['conv-e2e', 'conv-e2e', 'conv-e2e']);
    expect(a[0]['tokentax.context.recycled_tokens']).toBe(0);
    expect(a[2]['tokentax.context.recycled_tokens']).toBeGreaterThan(2000);
    for (const x of a) {
      expect(x['tokentax.cost.usd']).toBeGreaterThan(0);
      expect(x['tokentax.pricing.version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      for (const id of ['together', 'fireworks', 'openrouter']) expect(x[`tokentax.cost.${id}.usd`]).toBeGreaterThan(0);
      // The flat per-request price came from configuration.
      expect(x['tokentax.cost.oxlo.usd']).toBe(0.0005);
      expect(x['tokentax.cost.cheapest']).toBeTypeOf('string');
      expect(x['tokentax.cost.savings.usd']).toBeGreaterThanOrEqual(0);
    }
  });

  it('context metrics: utilisation histogram and bloated requests by rule', async () => {
    const big = 'lorem ipsum dolor sit amet '.repeat(4_000); // ~100k characters, well over 20k tokens
    await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: big }] });
    const span = telemetry.spans().at(-1)!;
    expect(span.attributes['tokentax.context.bloat']).toBe(true);
    expect(span.attributes['tokentax.context.bloat_reasons']).toContain('tokens>=20000');
    const collected = await telemetry.metrics();
    const bloated = metricPoints(collected, 'tokentax.context.bloated_requests');
    expect(bloated.find((p) => p.attributes['tokentax.bloat.reason'] === 'tokens>=20000')?.value).toBe(1);
    const utilization = metricPoints(collected, 'tokentax.context.utilization');
    expect(utilization.reduce((n, p) => n + p.value.count, 0)).toBe(telemetry.spans().length);
  });

  it('a model nobody prices is unpriced with a reason, never a cost of 0', async () => {
    await client.chat.completions.create({ model: 'my-finetune-xyz', messages: [{ role: 'user', content: 'hi' }] });
    const span = telemetry.spans().at(-1)!;
    expect(span.attributes['tokentax.cost.usd']).toBeUndefined();
    expect(span.attributes['tokentax.cost.unpriced']).toBe('unknown_model');
  });
});
