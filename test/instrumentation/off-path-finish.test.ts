/**
 * Completing a span (context figures, usage, cost, metrics, end) happens just after the SDK call
 * returns, off the application's path (src/instrumentation/deferred.ts). What that must not change:
 * the span's end time and duration are those of the call; what is measured is the request as it was
 * when the call was made; a flush right after a call exports its span.
 */
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { setTimeout as realSetTimeout } from 'node:timers';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { pendingCalls } from '../../src/instrumentation/deferred';
import {
  ATTR_CONTEXT_MESSAGES,
  ATTR_CONTEXT_TURN,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
} from '../../src/semconv';
import { createContextMeter } from '../../src/context';
import { createTokentax } from '../../src/tokentax';
import { instrument, type Instrumented } from '../support/harness';
import { loadMajor } from '../support/openai-majors';
import { metricPoints } from '../support/otel';
import { ReplayServer, sendJSON } from '../support/replay-server';

const completion = (prompt: number) => ({
  id: 'chatcmpl-off-path',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: prompt, completion_tokens: 1, total_tokens: prompt + 1 },
});

const hrMs = ([s, ns]: [number, number]) => s * 1e3 + ns / 1e6;

const server = new ReplayServer();
beforeAll(async () => {
  await server.start();
  server.handle((_req, body, res) => sendJSON(res, 200, completion(10 * body.messages.length)));
});
afterAll(() => server.stop());

describe('span completion off the application path', () => {
  let h: Instrumented;
  beforeAll(() => {
    h = instrument('openai', { contextMeter: createContextMeter() });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.telemetry.reset();
    server.requests.length = 0;
  });
  const client = () => new h.OpenAI({ apiKey: 'sk-test-off-path', baseURL: server.baseURL, maxRetries: 0 });

  it('keeps the end time and duration of the call itself, however late the span is completed', async () => {
    await client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    const returnedAt = Date.now();
    expect(pendingCalls()).toBeGreaterThan(0); // completed later, not on the await path
    const busyUntil = Date.now() + 60;
    while (Date.now() < busyUntil); // the application keeps the thread busy after its await
    const [span] = h.telemetry.spans();
    expect(span.ended).toBe(true);
    expect(span.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(10);
    // Ended when the call returned, not 60 ms later when it was completed.
    expect(hrMs(span.endTime as [number, number])).toBeLessThanOrEqual(returnedAt + 5);
    const durations = metricPoints(await h.telemetry.metrics(), METRIC_GEN_AI_CLIENT_OPERATION_DURATION);
    const recorded = durations.reduce((sum, p) => sum + p.value.sum, 0);
    const spanSeconds = hrMs(span.duration as [number, number]) / 1000;
    expect(Math.abs(recorded - spanSeconds)).toBeLessThan(1e-4); // one clock reading starts both
  });

  it('measures the request as it was when the call was made, although measured afterwards', async () => {
    const c = client();
    const messages: Array<{ role: string; content: string }> = [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'first question' },
    ];
    const first = c.chat.completions.create({ model: 'gpt-4o-mini', messages });
    // An agent loop that grows its array before the measurement has had a chance to run.
    messages.push({ role: 'assistant', content: 'first answer' }, { role: 'user', content: 'second question' });
    await first;
    await c.chat.completions.create({ model: 'gpt-4o-mini', messages });
    const spans = h.telemetry.spans();
    expect(spans.map((s) => s.attributes[ATTR_CONTEXT_MESSAGES])).toEqual([2, 4]);
    expect(spans.map((s) => s.attributes[ATTR_CONTEXT_TURN])).toEqual([1, 2]);
  });
});

describe("an application's fake timers", () => {
  it('do not hold spans back', async () => {
    const h = instrument('openai');
    vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'setInterval'] });
    try {
      const c = new h.OpenAI({ apiKey: 'sk-test-off-path', baseURL: server.baseURL, maxRetries: 0 });
      await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'frozen clock' }] });
      await new Promise((resolve) => realSetTimeout(resolve, 50)); // real time passes; the fake clock does not
      expect(pendingCalls()).toBe(0);
      expect(h.telemetry.spans()).toHaveLength(1);
    } finally {
      vi.useRealTimers();
      await h.close();
    }
  });
});

describe('flushing right after a call', () => {
  it('ends pending spans when the tracer provider is flushed (createTokentax processors)', async () => {
    const mod = loadMajor('openai');
    const tokentax = createTokentax({ enabled: false, cost: false });
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [...tokentax.spanProcessors, new BatchSpanProcessor(exporter)],
    });
    tokentax.instrumentation.setTracerProvider(provider);
    tokentax.instrumentation.manuallyInstrument(mod);
    tokentax.instrumentation.enable();
    try {
      const c = new mod.OpenAI({ apiKey: 'sk-test-off-path', baseURL: server.baseURL, maxRetries: 0 });
      await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'flush me' }] });
      // A serverless handler flushes right after its last call, before any other tick.
      await provider.forceFlush();
      expect(exporter.getFinishedSpans().map((s) => s.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS])).toEqual([10]);
    } finally {
      tokentax.instrumentation.disable();
      await provider.shutdown();
    }
  });
});
