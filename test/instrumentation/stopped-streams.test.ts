/**
 * Streams the application stops (an abort, a break after two chunks) through the real SDK of every
 * major against a local server: the application sees exactly what it sees without tokentax, and the
 * span says the call did not succeed (error.type, error status), counts what was streamed so far as
 * estimated output, and is priced; with include_usage too, though the usage chunk never came.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContextMeter } from '../../src/context';
import { countTokens } from '../../src/context/tokenizer';
import { OpenAIInstrumentation } from '../../src/instrumentation/instrumentation';
import { TokentaxCostProcessor } from '../../src/pricing';
import {
  ATTR_COST_UNPRICED,
  ATTR_COST_USD,
  ERROR_TYPE,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  METRIC_USAGE_ESTIMATED_TOKENS,
} from '../../src/semconv';
import { MAJORS, loadMajor } from '../support/openai-majors';
import { createTelemetry, metricPoints, type TestTelemetry } from '../support/otel';
import { ReplayServer } from '../support/replay-server';

const WORDS = ['Bouvet', ' Island', ' lies', ' in', ' the', ' South', ' Atlantic', ' Ocean', '.'];
const messages = [{ role: 'user', content: 'Which ocean contains Bouvet Island?' }];
const MODEL = 'gpt-4o-mini';

const chatChunk = (choice: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: 'chatcmpl-stop',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, ...choice }],
  ...extra,
});

function chatEvents(includeUsage: boolean, reasoning = false): unknown[] {
  const events: unknown[] = [chatChunk({ delta: { role: 'assistant', content: '' }, finish_reason: null })];
  // Reasoning text some providers stream before the answer (DeepSeek's reasoning_content): billed as output.
  if (reasoning)
    for (const w of WORDS) events.push(chatChunk({ delta: { reasoning_content: w }, finish_reason: null }));
  for (const w of WORDS) events.push(chatChunk({ delta: { content: w }, finish_reason: null }));
  events.push(chatChunk({ delta: {}, finish_reason: 'stop' }));
  if (includeUsage)
    events.push({
      ...chatChunk({}),
      choices: [],
      usage: { prompt_tokens: 14, completion_tokens: 9, total_tokens: 23 },
    });
  return events;
}

function responseEvents(): Array<{ type: string } & Record<string, unknown>> {
  const response = { id: 'resp_stop', object: 'response', model: 'gpt-4o-mini-2024-07-18', output: [] };
  const events: Array<{ type: string } & Record<string, unknown>> = [
    { type: 'response.created', response: { ...response, status: 'in_progress' } },
  ];
  for (const w of WORDS)
    events.push({ type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: w });
  const text = WORDS.join('');
  events.push({
    type: 'response.completed',
    response: {
      ...response,
      status: 'completed',
      output: [{ type: 'message', id: 'msg_1', role: 'assistant', content: [{ type: 'output_text', text }] }],
      usage: { input_tokens: 14, output_tokens: 9, total_tokens: 23 },
    },
  });
  return events;
}

/** Two events at once, then one every 30 ms until the client goes away (as a model generates). */
async function streamSlowly(res: ServerResponse, events: unknown[], named: boolean): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const write = (e: any) => res.write(`${named ? `event: ${e.type}\n` : ''}data: ${JSON.stringify(e)}\n\n`);
  for (let i = 0; i < events.length; i++) {
    if (res.destroyed) return;
    if (i >= 2) await new Promise((r) => setTimeout(r, 30));
    write(events[i]);
  }
  if (!named) res.write('data: [DONE]\n\n');
  res.end();
}

/** The app's view of the chunks it read (plain data). */
const plain = (chunks: unknown[]) => JSON.parse(JSON.stringify(chunks));

describe.each(MAJORS)('streams the application stops, on openai $major', ({ pkg }) => {
  const server = new ReplayServer();
  let telemetry: TestTelemetry;
  let instrumentation: OpenAIInstrumentation;
  let mod: any;
  let client: any;
  beforeAll(async () => {
    await server.start();
    server.handle(async (req, body, res) => {
      if (req.url?.includes('/responses')) return streamSlowly(res, responseEvents(), true);
      const events = chatEvents(body.stream_options?.include_usage === true, body.reasoning_effort === 'high');
      await streamSlowly(res, events, false);
    });
    mod = loadMajor(pkg);
    telemetry = createTelemetry([new TokentaxCostProcessor()]);
    instrumentation = new OpenAIInstrumentation({
      enabled: false,
      contextMeter: createContextMeter(),
      // The local server stands in for api.openai.com, so the call is priced as OpenAI's.
      providerNames: { '127.0.0.1': 'openai' },
    });
    instrumentation.setTracerProvider(telemetry.tracerProvider);
    instrumentation.setMeterProvider(telemetry.meterProvider);
    client = new mod.OpenAI({ apiKey: 'sk-test-stopped', baseURL: server.baseURL, maxRetries: 0 });
  });
  afterAll(async () => {
    instrumentation.disable();
    await telemetry.shutdown();
    await server.stop();
  });
  beforeEach(() => telemetry.reset());

  /** Runs the scenario without tokentax, then with it: the application must see the same. */
  async function compare(run: () => Promise<unknown[]>): Promise<unknown[]> {
    instrumentation.disable();
    const without = plain(await run());
    instrumentation.manuallyInstrument(mod);
    instrumentation.enable();
    const withIt = plain(await run());
    instrumentation.disable();
    expect(withIt).toEqual(without);
    return withIt;
  }

  async function onlySpan(): Promise<ReadableSpan> {
    for (let i = 0; i < 100 && telemetry.spans().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const spans = telemetry.spans();
    expect(spans).toHaveLength(1);
    return spans[0];
  }

  /** Reads a stream as the application would, leaving the loop (break) once `leave` says so. */
  async function readUntil(stream: AsyncIterable<any>, leave: (read: any[], item: any) => boolean): Promise<any[]> {
    const read: any[] = [];
    for await (const item of stream) {
      read.push(item);
      if (leave(read, item)) break;
    }
    return read;
  }

  /** Reads a stream, calling `abort` after its third item; what reading then throws is recorded by class. */
  async function readAborting(stream: AsyncIterable<any>, abort: () => void): Promise<any[]> {
    const read: any[] = [];
    try {
      for await (const item of stream) {
        read.push(item);
        if (read.length === 3) abort();
      }
    } catch (e) {
      read.push({ thrown: (e as Error).constructor.name });
    }
    return read;
  }

  const textOf = (chunks: any[]) =>
    chunks
      .map((c) => c.choices?.[0]?.delta?.content ?? (c.type === 'response.output_text.delta' ? c.delta : ''))
      .join('');

  /** The span as a whole: its GenAI and usage attributes exactly, a cost, an error status. */
  function expectStopped(span: ReadableSpan, errorType: string, streamedText: string, responseId: string) {
    const a = span.attributes;
    const own = Object.fromEntries(
      Object.entries(a).filter(([k]) => /^(gen_ai\.|error\.|server\.|tokentax\.usage\.)/.test(k)),
    );
    expect(own).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': MODEL,
      'gen_ai.request.stream': true,
      'gen_ai.response.id': responseId,
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
      'gen_ai.usage.input_tokens': expect.any(Number),
      'gen_ai.usage.output_tokens': countTokens('o200k_base', streamedText),
      'tokentax.usage.estimated': true,
      'error.type': errorType,
      'server.address': '127.0.0.1',
      'server.port': server.port,
    });
    expect(a['gen_ai.usage.input_tokens']).toBeGreaterThan(5);
    expect(streamedText.length).toBeGreaterThan(0);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.name).toBe(`chat ${MODEL}`);
    expect(a[ATTR_COST_UNPRICED]).toBeUndefined();
    expect(a[ATTR_COST_USD]).toBeGreaterThan(0);
  }

  it('chat with include_usage, left after two chunks: cancelled, output estimated and priced', async () => {
    const chunks = await compare(async () => {
      const stream = await client.chat.completions.create({
        model: MODEL,
        messages,
        stream: true,
        stream_options: { include_usage: true },
      });
      return readUntil(stream, (read) => read.length === 3); // the role chunk and two words
    });
    expect(chunks).toHaveLength(3);
    expectStopped(await onlySpan(), ERROR_TYPE.cancelled, textOf(chunks), 'chatcmpl-stop');

    // Estimates stay out of the conventions' usage metric and go to tokentax's own.
    const collected = await telemetry.metrics();
    const usagePoints = metricPoints(collected, METRIC_GEN_AI_CLIENT_TOKEN_USAGE);
    expect(usagePoints).toEqual([]);
    const estimated = metricPoints(collected, METRIC_USAGE_ESTIMATED_TOKENS);
    expect(estimated.map((p) => p.attributes['gen_ai.token.type']).sort()).toEqual(['input', 'output']);
    const out = estimated.find((p) => p.attributes['gen_ai.token.type'] === 'output');
    expect(out?.value.sum).toBe(countTokens('o200k_base', textOf(chunks)));
    expect(out?.attributes['error.type']).toBe(ERROR_TYPE.cancelled);
  });

  it('chat aborted with an AbortSignal mid-stream: the SDK ends the stream quietly; the span says aborted', async () => {
    const chunks = await compare(async () => {
      const controller = new AbortController();
      const stream = await client.chat.completions.create(
        { model: MODEL, messages, stream: true, stream_options: { include_usage: true } },
        { signal: controller.signal },
      );
      return readAborting(stream, () => controller.abort());
    });
    expectStopped(await onlySpan(), ERROR_TYPE.aborted, textOf(chunks), 'chatcmpl-stop');
  });

  it('chat aborted with stream.controller.abort()', async () => {
    const chunks = await compare(async () => {
      const stream = await client.chat.completions.create({ model: MODEL, messages, stream: true });
      return readAborting(stream, () => stream.controller.abort());
    });
    expectStopped(await onlySpan(), ERROR_TYPE.aborted, textOf(chunks), 'chatcmpl-stop');
  });

  it('streamed reasoning text counts as output when the stream is left early', async () => {
    const chunks = await compare(async () => {
      const stream = await client.chat.completions.create({
        model: MODEL,
        messages,
        stream: true,
        reasoning_effort: 'high',
      });
      return readUntil(stream, (read) => read.length === 4); // the role chunk and three reasoning pieces
    });
    const streamed = chunks.map((c: any) => c.choices[0].delta.reasoning_content ?? '').join('');
    expect(streamed).toBe(WORDS.slice(0, 3).join(''));
    expectStopped(await onlySpan(), ERROR_TYPE.cancelled, streamed, 'chatcmpl-stop');
  });

  it('left after the finish reason, before the usage chunk: not a failure; output estimated', async () => {
    const chunks = await compare(async () => {
      const stream = await client.chat.completions.create({
        model: MODEL,
        messages,
        stream: true,
        stream_options: { include_usage: true },
      });
      return readUntil(stream, (_read, c) => !!c.choices[0]?.finish_reason);
    });
    const span = await onlySpan();
    expect(span.attributes['error.type']).toBeUndefined();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(countTokens('o200k_base', textOf(chunks)));
    expect(span.attributes['tokentax.usage.estimated']).toBe(true);
    expect(span.attributes[ATTR_COST_USD]).toBeGreaterThan(0);
  });

  it('read to the end: the API usage, no error', async () => {
    await compare(async () => {
      const stream = await client.chat.completions.create({
        model: MODEL,
        messages,
        stream: true,
        stream_options: { include_usage: true },
      });
      return readUntil(stream, () => false);
    });
    const span = await onlySpan();
    expect(span.attributes['error.type']).toBeUndefined();
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(9);
    expect(span.attributes['tokentax.usage.estimated']).toBe(false);
    const usagePoints = metricPoints(await telemetry.metrics(), METRIC_GEN_AI_CLIENT_TOKEN_USAGE);
    expect(usagePoints.map((p) => p.value.sum).sort((x, y) => x - y)).toEqual([9, 14]);
  });

  it('Responses stream left after two deltas', async () => {
    const events = await compare(async () => {
      const stream = await client.responses.create({ model: MODEL, input: 'Which ocean?', stream: true });
      return readUntil(stream, (read) => read.length === 3); // created and two deltas
    });
    expectStopped(await onlySpan(), ERROR_TYPE.cancelled, textOf(events), 'resp_stop');
  });

  it('Responses stream aborted: aborted; read to the end: no error', async () => {
    const events = await compare(async () => {
      const controller = new AbortController();
      const stream = await client.responses.create(
        { model: MODEL, input: 'Which ocean?', stream: true },
        { signal: controller.signal },
      );
      return readAborting(stream, () => controller.abort());
    });
    expectStopped(await onlySpan(), ERROR_TYPE.aborted, textOf(events), 'resp_stop');

    telemetry.reset();
    await compare(async () =>
      readUntil(await client.responses.create({ model: MODEL, input: 'Which ocean?', stream: true }), () => false),
    );
    const span = await onlySpan();
    expect(span.attributes['error.type']).toBeUndefined();
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['completed']);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(9);
  });
});
