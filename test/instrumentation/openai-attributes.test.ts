/**
 * The OpenAI conventions' attributes where the SDK exposes them (service tier of the request and of the
 * response, embedding dimensions), and a Responses answer that comes back `failed`, through every major.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT,
  ATTR_GEN_AI_OPENAI_REQUEST_SERVICE_TIER,
  ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER,
} from '../../src/semconv';
import { instrument, spansEventually, type Instrumented } from '../support/harness';
import { MAJORS } from '../support/openai-majors';
import { ReplayServer, sendJSON, sendSSE } from '../support/replay-server';

const messages = [{ role: 'user', content: 'hi' }];

const completion = (tier: string | undefined) => ({
  id: 'chatcmpl-tier',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 8, completion_tokens: 1, total_tokens: 9 },
  ...(tier ? { service_tier: tier } : {}),
});

const response = (status: string, extra: Record<string, unknown> = {}) => ({
  id: 'resp_tier',
  object: 'response',
  created_at: 1,
  model: 'gpt-4.1-2025-04-14',
  status,
  output: [],
  usage: { input_tokens: 8, output_tokens: 0, total_tokens: 8 },
  ...extra,
});

describe.each(MAJORS)('OpenAI attributes on openai $major', ({ pkg }) => {
  const server = new ReplayServer();
  let reply: (body: any, res: ServerResponse) => void = () => undefined;
  let h: Instrumented;
  let client: any;
  beforeAll(async () => {
    await server.start();
    server.handle((_req, body, res) => reply(body, res));
    h = instrument(pkg);
    client = new h.OpenAI({ apiKey: 'sk-test-tier', baseURL: server.baseURL, maxRetries: 0 });
  });
  afterAll(async () => {
    await h.close();
    await server.stop();
  });
  beforeEach(() => h.telemetry.reset());

  const spanAttributes = async (n: number) => {
    const spans = await spansEventually(h.telemetry, n);
    expect(spans).toHaveLength(n);
    return spans.map((s) => s.attributes);
  };

  it('service tier: requested (unless auto) and the one that served the response, plain and streamed', async () => {
    reply = (body, res) => {
      const tier = body.service_tier === 'flex' ? 'flex' : 'default';
      if (!body.stream) return sendJSON(res, 200, completion(tier));
      const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', service_tier: tier };
      sendSSE(res, [
        { ...chunk, choices: [{ index: 0, delta: { content: 'hello' }, finish_reason: null }] },
        { ...chunk, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
      ]);
    };
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages, service_tier: 'flex' });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages, service_tier: 'auto' });
    for await (const _ of await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }))
      void _;
    const [flex, auto, streamed] = await spanAttributes(3);
    expect(flex[ATTR_GEN_AI_OPENAI_REQUEST_SERVICE_TIER]).toBe('flex');
    expect(flex[ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER]).toBe('flex');
    expect(auto[ATTR_GEN_AI_OPENAI_REQUEST_SERVICE_TIER]).toBeUndefined();
    expect(auto[ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER]).toBe('default');
    expect(streamed[ATTR_GEN_AI_OPENAI_REQUEST_SERVICE_TIER]).toBeUndefined();
    expect(streamed[ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER]).toBe('default');
  });

  it('service tier of a Responses answer; a response without one has none', async () => {
    reply = (body, res) =>
      sendJSON(res, 200, response('completed', body.service_tier ? { service_tier: 'priority' } : {}));
    await client.responses.create({ model: 'gpt-4.1', input: 'hi', service_tier: 'priority' });
    await client.responses.create({ model: 'gpt-4.1', input: 'hi' });
    const [priority, none] = await spanAttributes(2);
    expect(priority[ATTR_GEN_AI_OPENAI_REQUEST_SERVICE_TIER]).toBe('priority');
    expect(priority[ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER]).toBe('priority');
    expect(none[ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER]).toBeUndefined();
  });

  it('embeddings: gen_ai.embeddings.dimension.count from the requested dimensions', async () => {
    reply = (body, res) =>
      sendJSON(res, 200, {
        object: 'list',
        model: 'text-embedding-3-small',
        data: [{ object: 'embedding', index: 0, embedding: new Array(body.dimensions ?? 4).fill(0.5) }],
        usage: { prompt_tokens: 2, total_tokens: 2 },
      });
    await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'hi',
      dimensions: 256,
      encoding_format: 'float',
    });
    await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hi', encoding_format: 'float' });
    const [sized, unsized] = await spanAttributes(2);
    expect(sized[ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT]).toBe(256);
    expect(unsized[ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT]).toBeUndefined();
  });

  it('a Responses answer that comes back failed: error.type is the API error code, status error', async () => {
    reply = (_body, res) =>
      sendJSON(res, 200, response('failed', { error: { code: 'server_error', message: 'The model failed.' } }));
    const result = await client.responses.create({ model: 'gpt-4.1', input: 'hi' });
    expect(result.status).toBe('failed'); // the application gets the answer as it came
    const spans = await spansEventually(h.telemetry, 1);
    expect(spans[0].attributes[ATTR_ERROR_TYPE]).toBe('server_error');
    expect(spans[0].attributes['gen_ai.response.finish_reasons']).toEqual(['failed']);
    expect(spans[0].status.code).toBe(SpanStatusCode.ERROR);
  });
});
