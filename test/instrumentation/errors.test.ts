/**
 * Error paths on every major: the application gets exactly the error it would get without tokentax,
 * and the call gives one span that ends once, with error.type and an error status.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ATTR_ERROR_TYPE, ATTR_GEN_AI_USAGE_INPUT_TOKENS } from '../../src/semconv';
import { instrument, type Instrumented } from '../support/harness';
import { MAJORS } from '../support/openai-majors';
import { ReplayServer, sendJSON } from '../support/replay-server';

const errorBody = (message: string, type: string, code: string | null) => ({
  error: { message, type, param: null, code },
});
const messages = [{ role: 'user', content: 'hello' }];

describe.each(MAJORS)('errors on openai $major', ({ pkg }) => {
  const server = new ReplayServer();
  let h: Instrumented;
  beforeAll(async () => {
    await server.start();
    h = instrument(pkg);
  });
  afterAll(async () => {
    await h.close();
    await server.stop();
  });
  beforeEach(() => {
    h.telemetry.reset();
    server.requests.length = 0;
  });

  const client = (opts: Record<string, unknown> = {}) =>
    new h.OpenAI({ apiKey: 'sk-test-errors', baseURL: server.baseURL, maxRetries: 0, ...opts });

  it('4xx with an OpenAI error body: same error, one ended span with error.type', async () => {
    server.handle((_req, _body, res) =>
      sendJSON(
        res,
        400,
        errorBody(
          "This model's maximum context length is 128000 tokens.",
          'invalid_request_error',
          'context_length_exceeded',
        ),
      ),
    );
    const { without, with: withIt } = await h.compare(() =>
      client().chat.completions.create({ model: 'gpt-4o-mini', messages }),
    );
    expect(withIt).toEqual(without);
    expect((withIt as any).thrown).toMatchObject({ name: 'BadRequestError', status: 400 });
    const spans = h.telemetry.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].attributes[ATTR_ERROR_TYPE]).toBe('BadRequestError');
    expect(spans[0].status.code).toBe(SpanStatusCode.ERROR);
    // The API's message can echo the request: it stays out of the span unless content capture is on.
    expect(spans[0].status.message).toBe('BadRequestError (HTTP 400)');
    expect(spans[0].attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBeUndefined();
  });

  it('429 ends its span (a peer leaves it open forever)', async () => {
    server.handle((_req, _body, res) =>
      sendJSON(res, 429, errorBody('Rate limit reached', 'requests', 'rate_limit_exceeded')),
    );
    const { without, with: withIt } = await h.compare(() =>
      client().chat.completions.create({ model: 'gpt-4o-mini', messages }),
    );
    expect(withIt).toEqual(without);
    const spans = h.telemetry.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].attributes[ATTR_ERROR_TYPE]).toBe('RateLimitError');
    expect(spans[0].ended).toBe(true);
  });

  it('5xx with SDK retries: one span for the whole call, the retries inside it', async () => {
    server.handle((_req, _body, res) =>
      sendJSON(res, 503, errorBody('overloaded', 'server_error', null), { 'retry-after-ms': '1' }),
    );
    const { without, with: withIt } = await h.compare(() =>
      client({ maxRetries: 2 }).chat.completions.create({ model: 'gpt-4o-mini', messages }),
    );
    expect(withIt).toEqual(without);
    expect(server.requests).toHaveLength(6); // 3 attempts without tokentax, 3 with
    const spans = h.telemetry.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].attributes[ATTR_ERROR_TYPE]).toBe('InternalServerError');
  });

  it('a retry that succeeds gives one successful span', async () => {
    let n = 0;
    server.handle((_req, body, res) => {
      if (n++ % 2 === 0) return sendJSON(res, 500, errorBody('boom', 'server_error', null), { 'retry-after-ms': '1' });
      sendJSON(res, 200, {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 9, completion_tokens: 1, total_tokens: 10 },
      });
    });
    const { without, with: withIt } = await h.compare(() =>
      client({ maxRetries: 1 }).chat.completions.create({ model: 'gpt-4o-mini', messages }),
    );
    expect(withIt).toEqual(without);
    const spans = h.telemetry.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].status.code).not.toBe(SpanStatusCode.ERROR);
    expect(spans[0].attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(9);
  });

  it('connection refused', async () => {
    const closed = new ReplayServer();
    await closed.start();
    const baseURL = closed.baseURL;
    await closed.stop();
    const { without, with: withIt } = await h.compare(() =>
      new h.OpenAI({ apiKey: 'sk-test', baseURL, maxRetries: 0 }).chat.completions.create({
        model: 'gpt-4o-mini',
        messages,
      }),
    );
    expect(withIt).toEqual(without);
    expect((withIt as any).thrown.name).toBe('APIConnectionError');
    const spans = h.telemetry.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].attributes[ATTR_ERROR_TYPE]).toBe('APIConnectionError');
  });

  it('abort before the response arrives', async () => {
    server.handle(() => undefined); // never answers
    const { without, with: withIt } = await h.compare(async () => {
      const controller = new AbortController();
      const p = client().chat.completions.create({ model: 'gpt-4o-mini', messages }, { signal: controller.signal });
      setTimeout(() => controller.abort(), 20);
      return p;
    });
    expect(withIt).toEqual(without);
    expect((withIt as any).thrown.name).toBe('APIUserAbortError');
    const spans = h.telemetry.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].attributes[ATTR_ERROR_TYPE]).toBe('APIUserAbortError');
  });

  it('a timeout', async () => {
    server.handle(() => undefined);
    const { without, with: withIt } = await h.compare(() =>
      client({ timeout: 30 }).chat.completions.create({ model: 'gpt-4o-mini', messages }),
    );
    expect(withIt).toEqual(without);
    expect((withIt as any).thrown.name).toBe('APIConnectionTimeoutError');
    expect(h.telemetry.spans()[0].attributes[ATTR_ERROR_TYPE]).toBe('APIConnectionTimeoutError');
  });

  it('a stream cut mid-way surfaces the SDK error unchanged and ends the span once', async () => {
    server.handle((_req, body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(
        `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: body.model, choices: [{ index: 0, delta: { content: 'par' }, finish_reason: null }] })}\n\n`,
      );
      res.write('data: {"not json\n\n');
      res.end();
    });
    const { without, with: withIt } = await h.compare(async () => {
      const chunks: unknown[] = [];
      const stream = await client().chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
      for await (const c of stream) chunks.push(JSON.parse(JSON.stringify(c)));
      return chunks;
    });
    expect(withIt).toEqual(without);
    const spans = h.telemetry.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].attributes[ATTR_ERROR_TYPE]).toBeDefined();
  });
});
