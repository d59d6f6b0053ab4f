/**
 * Real span attribute sets, as tokentax's instrumentation writes them: the recorded OpenAI traffic
 * replayed through openai 7, plus every operation of the local simulator under several provider
 * names. The mutation tests start from these rather than from hand-written attribute sets.
 */
import type { Attributes } from '@opentelemetry/api';
import { createContextMeter } from '../../src/context';
import { startSimulator } from '../../src/demo/simulator';
import { OpenAIInstrumentation } from '../../src/instrumentation/instrumentation';
import { createModelCatalog } from '../../src/pricing';
import { perform } from '../support/calls';
import { loadMajor } from '../support/openai-majors';
import { createTelemetry } from '../support/otel';
import { loadRecordings } from '../support/recordings';
import { ReplayServer } from '../support/replay-server';

export interface RealSpan {
  attributes: Attributes;
  startMs: number;
  /** simulator: the local simulator under a provider's name; recording: replayed ../shared traffic. */
  source?: 'simulator' | 'recording';
}

/** Each provider's own names for a large and a small chat model (oxlo has no prices: unpriced ground). */
const CHAT_MODELS: Record<string, [string, string]> = {
  openai: ['gpt-4o', 'gpt-4o-mini'],
  'azure.ai.openai': ['gpt-4o', 'gpt-4o-mini'],
  together: ['meta-llama/Llama-3.3-70B-Instruct-Turbo', 'meta-llama/Meta-Llama-3.3-70B-Instruct-Turbo'],
  fireworks: ['accounts/fireworks/models/llama-v3p3-70b-instruct', 'accounts/fireworks/models/qwen3-32b'],
  openrouter: ['meta-llama/llama-3.3-70b-instruct', 'openai/gpt-4o-mini'],
  oxlo: ['meta-llama/Llama-3.3-70B-Instruct-Turbo', 'meta-llama/Llama-3.3-70B-Instruct-Turbo'],
};
/** Providers that serve OpenAI's own embeddings, completions, responses and image models. */
const OPENAI_MODELS = new Set(['openai', 'azure.ai.openai', 'oxlo']);

export async function collectRealSpans(): Promise<RealSpan[]> {
  const mod = loadMajor('openai');
  const telemetry = createTelemetry();
  const out: RealSpan[] = [];
  for (const [provider, [model, small]] of Object.entries(CHAT_MODELS)) {
    const instrumentation = new OpenAIInstrumentation({
      enabled: false,
      contextMeter: createContextMeter({ catalog: createModelCatalog() }),
      providerNames: { '127.0.0.1': provider },
    });
    instrumentation.setTracerProvider(telemetry.tracerProvider);
    instrumentation.setMeterProvider(telemetry.meterProvider);
    instrumentation.manuallyInstrument(mod);
    instrumentation.enable();
    const sim = await startSimulator({ answerWords: 6, cachedShare: 0.5 });
    const client = new mod.OpenAI({ apiKey: 'sk-test-real-spans', baseURL: sim.baseURL, maxRetries: 0 });
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Why is the sky blue? '.repeat(300) },
    ];
    await client.chat.completions.create({ model, messages });
    for await (const _ of await client.chat.completions.create({ model, messages, stream: true })) void _;
    for await (const _ of await client.chat.completions.create({
      model: small,
      messages,
      stream: true,
      stream_options: { include_usage: true },
    }))
      void _;
    if (OPENAI_MODELS.has(provider)) {
      await client.responses.create({ model: 'gpt-5', input: 'hello', instructions: 'be brief' });
      await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
      await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'once upon' });
      await client.images
        .generate({ model: 'gpt-image-1', prompt: 'a cat', size: '1024x1024', quality: 'low' })
        .catch(() => undefined);
    }
    await sim.close();
    instrumentation.disable();
  }
  await new Promise((r) => setTimeout(r, 50));
  const simulated = telemetry.spans().length;
  // Recorded real traffic (absent in a clone without ../shared: the simulator spans remain).
  const instrumentation = new OpenAIInstrumentation({
    enabled: false,
    contextMeter: createContextMeter({ catalog: createModelCatalog() }),
    providerNames: { '127.0.0.1': 'openai' },
  });
  instrumentation.setTracerProvider(telemetry.tracerProvider);
  instrumentation.setMeterProvider(telemetry.meterProvider);
  instrumentation.manuallyInstrument(mod);
  instrumentation.enable();
  const server = new ReplayServer();
  await server.start();
  const client = new mod.OpenAI({ apiKey: 'sk-test-real-spans', baseURL: server.baseURL, maxRetries: 0 });
  for (const r of loadRecordings()) {
    server.replay(r.exchanges);
    for (const ex of r.exchanges) await perform(client, ex, r.name);
  }
  await server.stop();
  instrumentation.disable();
  await new Promise((r) => setTimeout(r, 50));
  telemetry.spans().forEach((s, i) =>
    out.push({
      attributes: { ...s.attributes },
      startMs: s.startTime[0] * 1e3 + s.startTime[1] / 1e6,
      source: i < simulated ? 'simulator' : 'recording',
    }),
  );
  await telemetry.shutdown();
  return out;
}
