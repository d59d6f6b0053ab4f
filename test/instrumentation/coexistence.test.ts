/**
 * Users of the default auto-instrumentation set already have the OTel contrib OpenAI
 * instrumentation (and some OpenLLMetry's). With tokentax registered too, in either order, nothing
 * breaks and no call is counted twice in gen_ai.client.* metrics.
 */
import { OpenAIInstrumentation as ContribInstrumentation } from '@opentelemetry/instrumentation-openai';
import { OpenAIInstrumentation as OpenLLMetryInstrumentation } from '@traceloop/instrumentation-openai';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { createContextMeter } from '../../src/context';
import { startSimulator, type Simulator } from '../../src/demo/simulator';
import { OpenAIInstrumentation } from '../../src/instrumentation/instrumentation';
import { TokentaxCostProcessor } from '../../src/pricing';
import { ATTR_DUPLICATE, METRIC_GEN_AI_CLIENT_TOKEN_USAGE, METRIC_USAGE_ESTIMATED_TOKENS } from '../../src/semconv';
import { drain } from '../support/calls';
import { loadMajor, versionOf } from '../support/openai-majors';
import { createTelemetry, type TestTelemetry } from '../support/otel';

const PKG = 'openai-v6'; // the peers support openai < 7 only
const messages = [{ role: 'user', content: 'hi' }];

/** recordsMetrics: the peer records gen_ai.client.token.usage itself (only when the API reports usage). */
type Peer = { name: string; make: () => any; patch: (i: any, mod: any) => void; recordsMetrics: boolean };
const peers: Peer[] = [
  {
    name: 'contrib',
    make: () => new ContribInstrumentation({ enabled: false }),
    patch: (i, mod) => i.getModuleDefinitions()[0].patch(mod, versionOf(PKG)),
    recordsMetrics: true,
  },
  {
    name: 'OpenLLMetry',
    make: () => new OpenLLMetryInstrumentation({ enabled: false, traceContent: false }),
    patch: (i, mod) => i.manuallyInstrument(mod.OpenAI),
    recordsMetrics: false,
  },
];

/** Calls recorded (input token points) in one token metric. */
async function tokenCount(t: TestTelemetry, metric: string): Promise<number> {
  const collected = await t.metrics();
  const last = collected.at(-1);
  let count = 0;
  for (const scope of last?.scopeMetrics ?? [])
    for (const m of scope.metrics)
      if (m.descriptor.name === metric)
        for (const p of m.dataPoints as any[])
          if (p.attributes['gen_ai.token.type'] === 'input') count += p.value.count;
  return count;
}

describe.each(peers)('tokentax with the $name OpenAI instrumentation', (peer) => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => sim.close());

  let cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanup.reverse()) c();
    cleanup = [];
  });

  async function setup(order: 'peer-first' | 'tokentax-first') {
    // A fresh copy of the SDK module for each order: patches must not leak between cases.
    for (const k of Object.keys(require.cache)) if (k.includes(`/node_modules/${PKG}/`)) delete require.cache[k];
    const mod = loadMajor(PKG);
    const telemetry = createTelemetry([new TokentaxCostProcessor()]);
    const ours = new OpenAIInstrumentation({
      enabled: false,
      contextMeter: createContextMeter(),
      providerNames: { '127.0.0.1': 'openai' },
    });
    const theirs = peer.make();
    for (const i of [ours, theirs]) {
      i.setTracerProvider(telemetry.tracerProvider);
      i.setMeterProvider(telemetry.meterProvider);
    }
    const patchOurs = () => {
      ours.manuallyInstrument(mod);
      ours.enable();
    };
    const patchTheirs = () => {
      peer.patch(theirs, mod);
      theirs.enable();
    };
    if (order === 'peer-first') {
      patchTheirs();
      patchOurs();
    } else {
      patchOurs();
      patchTheirs();
    }
    cleanup.push(() => {
      ours.disable();
      theirs.disable();
    });
    const client = new mod.OpenAI({ apiKey: 'sk-x', baseURL: sim.baseURL, maxRetries: 0 });
    return { client, telemetry };
  }

  it.each(['peer-first', 'tokentax-first'] as const)(
    '%s: calls work; each call is priced and counted once',
    async (order) => {
      const { client, telemetry } = await setup(order);
      const result = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
      expect(result.choices[0].message.content).toBeTruthy();
      const chunks = await drain(
        await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }),
      );
      expect(chunks.length).toBeGreaterThan(2);

      const spans = telemetry.spans();
      const ourSpans = spans.filter((s) => s.instrumentationScope.name === 'tokentax');
      const others = spans.filter(
        (s) => s.instrumentationScope.name !== 'tokentax' && s.attributes['gen_ai.request.model'],
      );
      expect(ourSpans).toHaveLength(2);
      // Whatever the peer still records is marked, so cost is added to tokentax's span only.
      for (const s of others) {
        expect(s.attributes[ATTR_DUPLICATE]).toBe(true);
        expect(Object.keys(s.attributes).filter((k) => k.startsWith('tokentax.cost'))).toEqual([]);
      }
      for (const s of ourSpans) expect(s.attributes['tokentax.cost.usd']).toBeGreaterThan(0);
      if (order === 'peer-first') expect(others).toHaveLength(0); // tokentax calls past the peer
      // Two calls: the provider's counts of the first reach gen_ai.client.token.usage once (from tokentax,
      // or from the peer when it wraps tokentax and records metrics itself); the stream reported no
      // usage, so its estimate goes to tokentax's own metric only, whoever records the gen_ai.* ones.
      expect(await tokenCount(telemetry, METRIC_GEN_AI_CLIENT_TOKEN_USAGE)).toBe(1);
      expect(await tokenCount(telemetry, METRIC_USAGE_ESTIMATED_TOKENS)).toBe(1);
    },
  );
});
