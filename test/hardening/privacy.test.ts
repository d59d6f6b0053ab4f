/**
 * Privacy by default: a broad workload (every operation, streams, errors, an aborted stream, the
 * Azure client, openai 4 and 7) runs with secrets planted in API keys, Azure api-key, bearer and
 * custom headers, prompts, system/instructions, tool arguments, `user`/metadata fields and the API's
 * answers. Everything exported — spans and metrics over real OTLP/HTTP JSON to a local receiver, and
 * every OTel diag log line at the most verbose level — is scanned: no secret appears.
 * Opt-in content capture respects spanLimits.attributeValueLengthLimit and turns off at run time.
 */
import type { ServerResponse } from 'node:http';
import { DiagLogLevel, metrics } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokentax } from '../../src/tokentax';
import { OpenAIInstrumentation } from '../../src/instrumentation/instrumentation';
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
} from '../../src/semconv';
import { loadMajor } from '../support/openai-majors';
import { OtlpReceiver } from '../support/otlp-receiver';
import { ReplayServer, sendJSON, sendSSE } from '../support/replay-server';
import { captureDiag } from './support';

/** Every planted secret contains this marker, so one search finds any of them. */
const MARK = 'PRIV';
const S = {
  apiKey: `sk-proj-${MARK}KEY0123456789abcdef`,
  azureKey: `azk${MARK}AZURE0123456789`,
  bearer: `tok-${MARK}BEARER0123`,
  header: `${MARK}HEADER-42`,
  prompt: `${MARK}PROMPT-hunter2`,
  system: `${MARK}SYSTEM-instructions`,
  completion: `${MARK}COMPLETION-answer`,
  toolArgs: `${MARK}TOOLARGS-777`,
  user: `${MARK}USER-id`,
  meta: `${MARK}META-value`,
  file: `${MARK}FILE-audio`,
};

function respond(path: string, body: any, res: ServerResponse): void {
  const model = typeof body === 'object' && body?.model ? body.model : 'whisper-1';
  if (typeof body === 'object' && JSON.stringify(body).includes('please-fail')) {
    return sendJSON(res, 400, {
      error: { message: 'Invalid request.', type: 'invalid_request_error', param: null, code: null },
    });
  }
  const usage = { prompt_tokens: 30, completion_tokens: 5, total_tokens: 35 };
  if (path.endsWith('/chat/completions')) {
    const message = {
      role: 'assistant',
      content: `${S.completion}`,
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: `{"q":"${S.toolArgs}"}` } },
      ],
    };
    if (body.stream) {
      return sendSSE(res, [
        {
          id: 'c',
          object: 'chat.completion.chunk',
          created: 1,
          model,
          choices: [{ index: 0, delta: { role: 'assistant', content: S.completion }, finish_reason: null }],
        },
        {
          id: 'c',
          object: 'chat.completion.chunk',
          created: 1,
          model,
          choices: [{ index: 0, delta: { content: ' more' }, finish_reason: 'stop' }],
        },
        { id: 'c', object: 'chat.completion.chunk', created: 1, model, choices: [], usage },
      ]);
    }
    return sendJSON(res, 200, {
      id: 'c',
      object: 'chat.completion',
      created: 1,
      model,
      choices: [{ index: 0, message, finish_reason: 'tool_calls' }],
      usage,
    });
  }
  if (path.endsWith('/responses')) {
    const response = {
      id: 'resp_1',
      object: 'response',
      created_at: 1,
      status: 'completed',
      model,
      output: [
        {
          type: 'message',
          id: 'm',
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: S.completion, annotations: [] }],
        },
      ],
      usage: { input_tokens: 30, output_tokens: 5, total_tokens: 35 },
    };
    if (body.stream) {
      return sendSSE(
        res,
        [
          {
            type: 'response.created',
            sequence_number: 0,
            response: { ...response, status: 'in_progress', output: [], usage: null },
          },
          {
            type: 'response.output_text.delta',
            sequence_number: 1,
            item_id: 'm',
            output_index: 0,
            content_index: 0,
            delta: S.completion,
          },
          { type: 'response.completed', sequence_number: 2, response },
        ],
        false,
      );
    }
    return sendJSON(res, 200, response);
  }
  if (path.endsWith('/embeddings'))
    return sendJSON(res, 200, {
      object: 'list',
      model,
      data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }],
      usage: { prompt_tokens: 4, total_tokens: 4 },
    });
  if (path.endsWith('/completions'))
    return sendJSON(res, 200, {
      id: 'cmpl',
      object: 'text_completion',
      created: 1,
      model,
      choices: [{ index: 0, text: S.completion, finish_reason: 'stop', logprobs: null }],
      usage,
    });
  if (path.endsWith('/images/generations'))
    return sendJSON(res, 200, {
      created: 1,
      data: [{ b64_json: 'aGk=', revised_prompt: `${S.prompt} revised ${S.completion}` }],
      usage: { input_tokens: 10, output_tokens: 100, total_tokens: 110 },
    });
  if (path.endsWith('/audio/transcriptions'))
    return sendJSON(res, 200, { text: S.completion, usage: { type: 'duration', seconds: 3 } });
  sendJSON(res, 404, { error: { message: 'no route', type: 'x' } });
}

const server = new ReplayServer();
const receiver = new OtlpReceiver();
let diagCapture: ReturnType<typeof captureDiag>;

beforeAll(async () => {
  await server.start();
  server.handle((req, body, res) => respond((req.url ?? '').split('?')[0], body, res));
  await receiver.start();
  diagCapture = captureDiag(DiagLogLevel.ALL);
});
afterAll(async () => {
  diagCapture.restore();
  await server.stop();
  await receiver.stop?.();
});

async function workload(mod: any, major: number): Promise<void> {
  const headers = { 'x-user-secret': S.header, 'x-api-token': `Bearer ${S.bearer}` };
  const client = new mod.OpenAI({ apiKey: S.apiKey, baseURL: server.baseURL, maxRetries: 0, defaultHeaders: headers });
  const messages = [
    { role: 'system', content: `You know ${S.system}` },
    { role: 'user', content: `My password is ${S.prompt}` },
  ];
  const tools = [
    {
      type: 'function',
      function: {
        name: 'lookup',
        description: `tool ${S.system}`,
        parameters: { type: 'object', properties: { q: { type: 'string', description: S.prompt } } },
      },
    },
  ];
  const extra = { user: S.user, metadata: { note: S.meta }, store: false };
  await client.chat.completions.create(
    { model: 'gpt-4o', messages, tools, ...extra },
    { headers: { 'x-request-secret': S.header } },
  );
  for await (const _ of await client.chat.completions.create({
    model: 'gpt-4o',
    messages,
    stream: true,
    stream_options: { include_usage: true },
    ...extra,
  }))
    void _;
  // A stream the application aborts after the first chunk.
  const aborted = await client.chat.completions.create({ model: 'gpt-4o', messages, stream: true });
  try {
    for await (const _ of aborted) aborted.controller.abort();
  } catch {
    // the abort error is the application's business
  }
  await client.chat.completions
    .create({ model: 'gpt-4o', messages: [{ role: 'user', content: `please-fail ${S.prompt}` }] })
    .catch(() => undefined);
  await client.responses.create({ model: 'gpt-4.1', input: `Remember ${S.prompt}`, instructions: S.system, ...extra });
  if (major >= 5)
    for await (const _ of await client.responses.create({
      model: 'gpt-4.1',
      input: `Remember ${S.prompt}`,
      instructions: S.system,
      stream: true,
    }))
      void _;
  await client.embeddings.create({ model: 'text-embedding-3-small', input: [S.prompt] });
  await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: `Complete ${S.prompt}` });
  await client.images.generate({ model: 'gpt-image-1', prompt: `Draw ${S.prompt}` });
  const file = await mod.toFile(Buffer.from(`RIFF${S.prompt}`), `${S.file}.wav`);
  await client.audio.transcriptions.create({ model: 'whisper-1', file, prompt: S.prompt });
  // Azure: the key travels in the api-key header.
  const azure = new mod.AzureOpenAI({
    apiKey: S.azureKey,
    endpoint: `http://127.0.0.1:${server.port}`,
    apiVersion: '2024-10-21',
    deployment: 'gpt-4o',
    defaultHeaders: headers,
  });
  await azure.chat.completions.create({ model: 'gpt-4o', messages });
  for await (const _ of await azure.chat.completions.create({ model: 'gpt-4o', messages, stream: true })) void _;
}

describe('nothing secret is exported by default', () => {
  it('spans, metrics (OTLP JSON) and diag logs of a broad workload on openai 4 and 7 carry no planted secret', async () => {
    const tokentax = createTokentax({ config: { env: {} } });
    const traceExporter = new OTLPTraceExporter({ url: `${receiver.url}/v1/traces` });
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [...tokentax.spanProcessors, new SimpleSpanProcessor(traceExporter)],
    });
    const reader = new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: `${receiver.url}/v1/metrics` }),
      exportIntervalMillis: 60_000,
    });
    const meterProvider = new MeterProvider({ readers: [reader] });
    metrics.setGlobalMeterProvider(meterProvider);
    const { instrumentation } = tokentax;
    instrumentation.setTracerProvider(tracerProvider);
    instrumentation.setMeterProvider(meterProvider);
    for (const [major, pkg] of [
      [4, 'openai-v4'],
      [7, 'openai'],
    ] as const) {
      const mod = loadMajor(pkg);
      instrumentation.manuallyInstrument(mod);
      instrumentation.enable();
      await workload(mod, major);
      instrumentation.disable();
    }
    await new Promise((r) => setTimeout(r, 50));
    await tracerProvider.forceFlush();
    await meterProvider.forceFlush();
    await tracerProvider.shutdown();
    await meterProvider.shutdown();

    // The workload was real: spans of every operation, metrics, and the secrets did reach the server.
    const operations = new Set(receiver.spans.map((s) => s.attributes['gen_ai.operation.name']));
    expect([...operations].sort()).toEqual(expect.arrayContaining(['chat', 'embeddings', 'text_completion']));
    expect(receiver.spans.length).toBeGreaterThanOrEqual(20);
    expect(receiver.metrics.length).toBeGreaterThan(0);
    const sent = JSON.stringify(server.requests);
    for (const secret of [S.apiKey, S.azureKey, S.bearer, S.header, S.prompt, S.system, S.user, S.meta])
      expect(sent).toContain(secret);

    const exported = receiver.bodies.join('\n');
    const logs = diagCapture.text();
    for (const [where, text] of [
      ['OTLP spans and metrics', exported],
      ['diag logs', logs],
    ] as const) {
      const at = text.indexOf(MARK);
      expect(at, `${where} leak: ...${text.slice(Math.max(0, at - 200), at + 100)}...`).toBe(-1);
      expect(text).not.toMatch(/sk-proj|Bearer |api-key/i);
    }
  }, 60_000);
});

describe('opt-in content capture', () => {
  it('respects spanLimits.attributeValueLengthLimit and can be turned off at run time (setConfig)', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanLimits: { attributeValueLengthLimit: 64 },
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const instrumentation = new OpenAIInstrumentation({ enabled: false, captureMessageContent: true });
    instrumentation.setTracerProvider(tracerProvider);
    const mod = loadMajor('openai');
    instrumentation.manuallyInstrument(mod);
    instrumentation.enable();
    const client = new mod.OpenAI({ apiKey: S.apiKey, baseURL: server.baseURL, maxRetries: 0 });
    const long = `${S.prompt} ${'x'.repeat(5000)}`;
    const call = async () => {
      await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: long }] });
      await client.responses.create({ model: 'gpt-4.1', input: long, instructions: `${S.system} ${'y'.repeat(500)}` });
    };
    await call();
    instrumentation.flushPendingSpans(); // no createTokentax() processors here to do it on flush
    const captured = exporter.getFinishedSpans();
    expect(captured).toHaveLength(2);
    const values = captured.flatMap((s) =>
      [ATTR_GEN_AI_INPUT_MESSAGES, ATTR_GEN_AI_OUTPUT_MESSAGES, ATTR_GEN_AI_SYSTEM_INSTRUCTIONS]
        .map((k) => s.attributes[k])
        .filter((v) => v !== undefined),
    );
    expect(values.length).toBeGreaterThanOrEqual(4); // input + output on both, instructions on the response
    for (const v of values) {
      expect(typeof v).toBe('string');
      expect((v as string).length).toBeLessThanOrEqual(64);
    }
    // It really is captured (the structured shape's prefix leaves room for the prompt's start only).
    expect(String(captured[0].attributes[ATTR_GEN_AI_INPUT_MESSAGES])).toContain(S.prompt.slice(0, 10));

    // Off at run time: the next calls carry no content.
    instrumentation.setConfig({ ...instrumentation.getConfig(), captureMessageContent: false });
    exporter.reset();
    await call();
    instrumentation.flushPendingSpans();
    const after = exporter.getFinishedSpans();
    expect(after).toHaveLength(2);
    expect(JSON.stringify(after.map((s) => s.attributes))).not.toContain(MARK);
    instrumentation.disable();
    await tracerProvider.shutdown();
  });
});
