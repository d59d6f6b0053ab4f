/**
 * Usage blocks as providers send them, through the real `openai` client against a local server (hosts
 * mapped to providers), priced in process: OpenRouter's billed usage.cost, Together's top-level
 * cached_tokens, DeepSeek's prompt_cache_hit_tokens, audio tokens of gpt-4o-transcribe and image tokens
 * of gpt-image-1 at their own rates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTokentax } from '../../src/tokentax';
import { createTelemetry, type TestTelemetry } from '../support/otel';
import { loadMajor } from '../support/openai-majors';
import { spansEventually } from '../support/harness';

/** Answers every request with the JSON body queued for its path (usage as the provider writes it). */
function startServer(bodies: Record<string, () => unknown>): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = (req.url ?? '').replace(/^\/v1/, '').split('?')[0];
      const body = bodies[path]?.();
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { error: { message: `no stub for ${path}` } }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const chat = (model: string, usage: Record<string, unknown>) => () => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model,
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage,
});

function setUp(hosts: Record<string, string>, bodies: Record<string, () => unknown>) {
  const state = {} as {
    server: Server;
    telemetry: TestTelemetry;
    tokentax: ReturnType<typeof createTokentax>;
    mod: any;
  };
  beforeAll(async () => {
    state.server = await startServer(bodies);
    state.tokentax = createTokentax({ providerNames: hosts });
    state.telemetry = createTelemetry(state.tokentax.spanProcessors);
    state.tokentax.instrumentation.setTracerProvider(state.telemetry.tracerProvider);
    state.tokentax.instrumentation.setMeterProvider(state.telemetry.meterProvider);
    state.mod = loadMajor('openai');
    state.tokentax.instrumentation.manuallyInstrument(state.mod);
  });
  afterAll(async () => {
    state.tokentax.instrumentation.disable();
    await state.telemetry.shutdown();
    await new Promise((r) => state.server.close(r));
  });
  const client = (host: string) => {
    const port = (state.server.address() as AddressInfo).port;
    return new state.mod.OpenAI({ apiKey: 'sk-x', baseURL: `http://${host}:${port}/v1`, maxRetries: 0 });
  };
  const lastSpan = async () => {
    const spans = await spansEventually(state.telemetry, 1);
    return spans.at(-1)!.attributes;
  };
  return { state, client, lastSpan };
}

describe('OpenRouter and DeepSeek usage', () => {
  let body: Record<string, unknown> = {};
  const { client, lastSpan, state } = setUp(
    { '127.0.0.1': 'openrouter', localhost: 'deepseek' },
    { '/chat/completions': () => body },
  );

  it("OpenRouter's usage.cost is the call's cost (provider_reported), scenarios still compare", async () => {
    body = chat('openai/gpt-4o', { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100, cost: 0.0042 })();
    state.telemetry.reset();
    await client('127.0.0.1').chat.completions.create({
      model: 'openai/gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const a = await lastSpan();
    expect(a['tokentax.usage.provider_cost_usd']).toBe(0.0042);
    expect(a['tokentax.cost.usd']).toBe(0.0042);
    expect(a['tokentax.cost.source']).toBe('provider_reported');
    expect(a['tokentax.cost.together.usd']).toBeGreaterThan(0);
  });

  it("with the user's own provider key (is_byok) usage.cost is only the fee: computed instead", async () => {
    body = chat('openai/gpt-4o', { prompt_tokens: 1000, completion_tokens: 100, cost: 0.0001, is_byok: true })();
    state.telemetry.reset();
    await client('127.0.0.1').chat.completions.create({
      model: 'openai/gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const a = await lastSpan();
    expect(a['tokentax.usage.provider_cost_usd']).toBeUndefined();
    expect(a['tokentax.cost.source']).toBe('computed');
    expect(a['tokentax.cost.usd']).toBeCloseTo((1000 * 2.5 + 100 * 10) / 1e6, 12);
  });

  it("DeepSeek's prompt_cache_hit_tokens are cached input at the cache price", async () => {
    body = chat('deepseek-chat', {
      prompt_tokens: 1000,
      completion_tokens: 100,
      prompt_cache_hit_tokens: 800,
      prompt_cache_miss_tokens: 200,
    })();
    state.telemetry.reset();
    await client('localhost').chat.completions.create({
      model: 'deepseek-chat',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const a = await lastSpan();
    expect(a['gen_ai.usage.cache_read.input_tokens']).toBe(800);
    // The span starts now: deepseek-chat's latest period (0.14 / cached 0.0028 / out 0.28 per 1M).
    expect(a['tokentax.cost.usd']).toBeCloseTo((200 * 0.14 + 800 * 0.0028 + 100 * 0.28) / 1e6, 15);
  });
});

describe('OpenAI audio/image tokens and Together usage', () => {
  let body: Record<string, unknown> = {};
  const { client, lastSpan, state } = setUp(
    { '127.0.0.1': 'openai', localhost: 'together' },
    {
      '/chat/completions': () => body,
      '/audio/transcriptions': () => ({
        text: 'hello',
        usage: {
          type: 'tokens',
          input_tokens: 1000,
          input_token_details: { audio_tokens: 950, text_tokens: 50 },
          output_tokens: 100,
          total_tokens: 1100,
        },
      }),
      '/images/generations': () => ({
        created: 1,
        data: [{ b64_json: 'aGk=' }],
        usage: {
          input_tokens: 350,
          input_tokens_details: { text_tokens: 50, image_tokens: 300 },
          output_tokens: 1056,
          total_tokens: 1406,
        },
      }),
    },
  );

  it('gpt-4o-transcribe: audio tokens at 6/M, not the text price (2.5/M)', async () => {
    state.telemetry.reset();
    const file = await state.mod.toFile(Buffer.from('RIFF0000WAVE'), 'a.wav');
    await client('127.0.0.1').audio.transcriptions.create({ model: 'gpt-4o-transcribe', file });
    const a = await lastSpan();
    expect(a['tokentax.usage.input_audio_tokens']).toBe(950);
    expect(a['tokentax.cost.usd']).toBeCloseTo((50 * 2.5 + 100 * 10 + 950 * 6) / 1e6, 15);
  });

  it('gpt-image-1: input image tokens at 10/M and image output at 40/M', async () => {
    state.telemetry.reset();
    await client('127.0.0.1').images.generate({ model: 'gpt-image-1', prompt: 'a cat', quality: 'medium' });
    const a = await lastSpan();
    expect(a['tokentax.usage.input_image_tokens']).toBe(300);
    expect(a['tokentax.cost.usd']).toBeCloseTo((50 * 5 + 300 * 10 + 1056 * 40) / 1e6, 15);
  });

  it("Together's top-level cached_tokens are cached input", async () => {
    body = chat('meta-llama/Llama-3.3-70B-Instruct-Turbo', {
      prompt_tokens: 3000,
      completion_tokens: 10,
      total_tokens: 3010,
      cached_tokens: 2048,
    })();
    state.telemetry.reset();
    await client('localhost').chat.completions.create({
      model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const a = await lastSpan();
    expect(a['gen_ai.usage.cache_read.input_tokens']).toBe(2048);
    expect(a['tokentax.cost.usd']).toBeGreaterThan(0);
  });
});
