/**
 * Load and memory, bounded for the test suite (bench/load.bench.mjs runs the full 100,000 calls /
 * 1,000,000 conversations and reports figures):
 *  - 2,000 instrumented calls (plain and streamed, with and without usage) through openai 7, each its
 *    own conversation: every started span ended exactly once, the conversation table at its bound;
 *  - 100,000 distinct conversations through the context meter: heap after GC grows by less than
 *    HEAP_BOUND_MB over the warm baseline, and the meter remembers at most maxConversations;
 *  - no event-loop stall longer than the tokenizer's documented worst case (a cold encoding load,
 *    0.3-0.7 s: src/context/meter.ts) while the warm pipeline runs.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContextMeter } from '../../src/context';
import { preloadEncoding } from '../../src/context/tokenizer';
import { OpenAIInstrumentation } from '../../src/instrumentation/instrumentation';
import { createModelCatalog, TokentaxCostProcessor } from '../../src/pricing';
import { loadMajor } from '../support/openai-majors';
import { createTelemetry } from '../support/otel';
import { ReplayServer, sendJSON, sendSSE } from '../support/replay-server';
import { SpanCounter } from './support';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const CALLS = 2_000;
const CONVERSATIONS = 100_000;
const MAX_CONVERSATIONS = 10_000; // the meter's default
/** Heap growth allowed over the warm baseline, after GC, for 100,000 conversations. */
const HEAP_BOUND_MB = 64;
/** The tokenizer's documented worst case (cold encoding load), src/context/meter.ts. */
const STALL_BOUND_MS = 700;

const mod = loadMajor('openai');
const server = new ReplayServer();
const counter = new SpanCounter();
const telemetry = createTelemetry([counter, new TokentaxCostProcessor()]);
const catalog = createModelCatalog();
const meter = createContextMeter({ catalog, maxConversations: MAX_CONVERSATIONS });
const instrumentation = new OpenAIInstrumentation({
  enabled: false,
  contextMeter: meter,
  providerNames: { '127.0.0.1': 'openai' },
});
let client: any;

beforeAll(async () => {
  await server.start();
  let n = 0;
  server.handle((_req, body, res) => {
    const withUsage = n++ % 3 !== 0;
    const usage = withUsage ? { prompt_tokens: 20, completion_tokens: 3, total_tokens: 23 } : undefined;
    if (body.stream) {
      const c = (delta: unknown, finish: string | null) => ({
        id: 'c',
        object: 'chat.completion.chunk',
        created: 1,
        model: body.model,
        choices: [{ index: 0, delta, finish_reason: finish }],
      });
      const events: unknown[] = [c({ role: 'assistant', content: 'one' }), c({ content: ' two' }), c({}, 'stop')];
      if (usage && body.stream_options?.include_usage)
        events.push({ id: 'c', object: 'chat.completion.chunk', created: 1, model: body.model, choices: [], usage });
      return sendSSE(res, events);
    }
    sendJSON(res, 200, {
      id: 'c',
      object: 'chat.completion',
      created: 1,
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: 'one two' }, finish_reason: 'stop' }],
      ...(usage ? { usage } : {}),
    });
  });
  client = new mod.OpenAI({ apiKey: 'sk-test-load', baseURL: server.baseURL, maxRetries: 0 });
  instrumentation.setTracerProvider(telemetry.tracerProvider);
  instrumentation.setMeterProvider(telemetry.meterProvider);
  instrumentation.manuallyInstrument(mod);
  instrumentation.enable();
  // Warm: encodings loaded, pricing loaded (their cold costs are measured by the benchmarks).
  preloadEncoding('o200k_base');
  catalog.model('gpt-4o', 'openai');
});
afterAll(async () => {
  instrumentation.disable();
  await server.stop();
  await telemetry.shutdown();
});

describe('load and memory', () => {
  it(`${CALLS.toLocaleString('en')} instrumented calls, mixed plain/streaming, each a new conversation: no span leak, no long stall`, async () => {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const CONCURRENCY = 4;
    let next = 0;
    let chunks = 0;
    const worker = async () => {
      while (next < CALLS) {
        const i = next++;
        const messages = [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: `conversation ${i}: what is ${i} squared?` },
        ];
        if (i % 2 === 0) {
          const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
          expect(r.choices[0].message.content).toBe('one two');
        } else {
          const stream = await client.chat.completions.create({
            model: 'gpt-4o',
            messages,
            stream: true,
            ...(i % 4 === 1 ? { stream_options: { include_usage: true } } : {}),
          });
          for await (const _ of stream) chunks++;
        }
        // The exporter is in memory: keep what it holds small, as a real batch exporter would.
        if (i % 500 === 0) telemetry.reset();
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    delay.disable();
    await new Promise((r) => setTimeout(r, 20));
    expect(chunks).toBeGreaterThanOrEqual((CALLS / 2) * 3);
    expect(counter.started.size).toBe(CALLS);
    expect(counter.open()).toEqual([]);
    expect(counter.endedTwice()).toEqual([]);
    expect(meter.conversations).toBeLessThanOrEqual(MAX_CONVERSATIONS);
    const maxStallMs = delay.max / 1e6;
    console.log(
      `[load] ${CALLS} calls: event-loop delay max ${maxStallMs.toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms`,
    );
    expect(maxStallMs).toBeLessThan(STALL_BOUND_MS);
  }, 60_000);

  it(`${CONVERSATIONS.toLocaleString('en')} distinct conversations through the context meter: heap after GC bounded (< ${HEAP_BOUND_MB} MB growth), conversations at their bound`, () => {
    const run = (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const messages = [
          { role: 'system', content: 'You are a support agent.' },
          { role: 'user', content: `ticket ${i}: my order ${i * 7} has not arrived` },
          ...(i % 4 === 0
            ? [
                { role: 'assistant', content: `Sorry about order ${i * 7}.` },
                { role: 'user', content: 'when will it come?' },
              ]
            : []),
        ];
        const m = meter.measure({
          operation: 'chat',
          provider: 'openai',
          model: 'gpt-4o',
          params: { model: 'gpt-4o', messages },
        });
        // Two thirds with the API's usage, a third counted with the tokenizer.
        m.complete(i % 3 === 0 ? undefined : 40 + (i % 50), { responseId: i % 10 === 0 ? `resp_${i}` : undefined });
      }
    };
    // Warm-up to the bound: from here on the tables only churn.
    run(0, MAX_CONVERSATIONS * 2);
    const before = heapAfterGc();
    run(MAX_CONVERSATIONS * 2, CONVERSATIONS);
    const after = heapAfterGc();
    const growthMb = (after - before) / 2 ** 20;
    console.log(
      `[load] ${CONVERSATIONS} conversations: heap after GC ${(before / 2 ** 20).toFixed(1)} -> ${(after / 2 ** 20).toFixed(1)} MB (growth ${growthMb.toFixed(1)} MB), conversations remembered ${meter.conversations}`,
    );
    expect(meter.conversations).toBeLessThanOrEqual(MAX_CONVERSATIONS);
    expect(growthMb).toBeLessThan(HEAP_BOUND_MB);
  }, 60_000);
});
