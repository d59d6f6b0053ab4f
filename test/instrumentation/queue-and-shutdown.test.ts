/**
 * The off-path queue is bounded (calls that never yield to I/O complete their spans inline once it is
 * full, and nothing is lost), and calls still open at shutdown are ended, exported and marked cut short.
 */
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineDrainCount, MAX_QUEUED_TASKS, pendingCalls } from '../../src/instrumentation/deferred';
import { endOpenCalls, openCallCount } from '../../src/instrumentation/open-calls';
import { createContextMeter } from '../../src/context';
import { ATTR_CALL_CUT_SHORT, ATTR_ERROR_TYPE, ATTR_GEN_AI_USAGE_INPUT_TOKENS } from '../../src/semconv';
import { createTokentax } from '../../src/tokentax';
import { instrument, type Instrumented } from '../support/harness';
import { loadMajor } from '../support/openai-majors';
import { ReplayServer, sendSSE } from '../support/replay-server';

const completion = {
  id: 'chatcmpl-queue',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 7, completion_tokens: 1, total_tokens: 8 },
};

/** A fetch that answers from memory: the SDK's calls then never wait for I/O, so no timer can fire. */
const memoryFetch = async () =>
  new Response(JSON.stringify(completion), { status: 200, headers: { 'content-type': 'application/json' } });

describe('the off-path queue', () => {
  let h: Instrumented;
  beforeAll(() => {
    h = instrument('openai', { contextMeter: createContextMeter() });
  });
  afterAll(() => h.close());

  it('stays within its bound when calls never yield to I/O, and every span is still completed', async () => {
    const client = new h.OpenAI({ apiKey: 'sk-test-queue', baseURL: 'http://127.0.0.1:9/v1', fetch: memoryFetch });
    const calls = MAX_QUEUED_TASKS; // two tasks per call (measure, complete): the bound is reached
    const before = inlineDrainCount();
    let highest = 0;
    for (let i = 0; i < calls; i++) {
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `q${i}` }] });
      highest = Math.max(highest, pendingCalls());
    }
    expect(highest).toBeLessThan(MAX_QUEUED_TASKS);
    expect(inlineDrainCount()).toBeGreaterThan(before); // the bound was reached: drained inline
    const spans = h.telemetry.spans();
    expect(spans).toHaveLength(calls);
    expect(spans.every((s) => s.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS] === 7)).toBe(true);
  });
});

describe('calls still open at shutdown', () => {
  const server = new ReplayServer();
  let h: Instrumented;
  beforeAll(async () => {
    await server.start();
    server.handle((_req, _body, res) =>
      sendSSE(res, [
        {
          id: 'chatcmpl-open',
          object: 'chat.completion.chunk',
          created: 1,
          model: 'gpt-4o-mini',
          choices: [{ index: 0, delta: { content: 'partial' }, finish_reason: null }],
        },
        {
          id: 'chatcmpl-open',
          object: 'chat.completion.chunk',
          created: 1,
          model: 'gpt-4o-mini',
          choices: [{ index: 0, delta: { content: ' answer' }, finish_reason: 'stop' }],
        },
      ]),
    );
    h = instrument('openai', { contextMeter: createContextMeter() });
  });
  afterAll(async () => {
    await h.close();
    await server.stop();
  });

  it('are ended, exported and marked cut short: an unread stream and a half-read one', async () => {
    const client = new h.OpenAI({ apiKey: 'sk-test-open', baseURL: server.baseURL, maxRetries: 0 });
    const params = { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user' as const, content: 'hi' }] };
    const unread = await client.chat.completions.create(params);
    const halfRead = await client.chat.completions.create(params);
    const it = halfRead[Symbol.asyncIterator]();
    await it.next();
    expect(h.telemetry.spans()).toHaveLength(0);
    expect(openCallCount()).toBe(2);

    expect(endOpenCalls()).toBe(2);
    expect(openCallCount()).toBe(0);
    const spans = h.telemetry.spans();
    expect(spans).toHaveLength(2);
    for (const span of spans) {
      expect(span.attributes[ATTR_CALL_CUT_SHORT]).toBe(true);
      expect(span.attributes[ATTR_ERROR_TYPE]).toBeUndefined();
    }
    // The half-read stream's span carries what its chunks said so far; the unread one's, nothing.
    expect(spans.filter((s) => s.attributes['gen_ai.response.id'] === 'chatcmpl-open')).toHaveLength(1);
    // The application may still read the stream afterwards: nothing changes for it, no second span.
    const rest: unknown[] = [];
    for await (const chunk of unread) rest.push(chunk);
    expect(rest).toHaveLength(2);
    expect(h.telemetry.spans()).toHaveLength(2);
    expect(endOpenCalls()).toBe(0);
  });

  it("are ended when a tracer provider with createTokentax()'s span processors shuts down", async () => {
    h.instrumentation.disable(); // the module is then patched by this test's instrumentation alone
    const mod = loadMajor('openai');
    const tokentax = createTokentax({ enabled: false, cost: false });
    // Not an InMemorySpanExporter: its shutdown forgets the spans it holds.
    const ended: ReadableSpan[] = [];
    const collect: SpanProcessor = {
      onStart: () => undefined,
      onEnd: (span) => void ended.push(span),
      forceFlush: async () => undefined,
      shutdown: async () => undefined,
    };
    const provider = new BasicTracerProvider({ spanProcessors: [...tokentax.spanProcessors, collect] });
    tokentax.instrumentation.setTracerProvider(provider);
    tokentax.instrumentation.manuallyInstrument(mod);
    tokentax.instrumentation.enable();
    try {
      const client = new mod.OpenAI({ apiKey: 'sk-test-open', baseURL: server.baseURL, maxRetries: 0 });
      await client.chat.completions.create({
        model: 'gpt-4o-mini',
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      });
      await provider.shutdown(); // the application exits without reading its stream
      expect(ended).toHaveLength(1);
      expect(ended[0].attributes[ATTR_CALL_CUT_SHORT]).toBe(true);
    } finally {
      tokentax.instrumentation.disable();
    }
  });
});
