/**
 * Generated traffic from the local simulator through every major: each operation and each SDK helper
 * gives one span with the usage the API reported, and the application sees exactly what it would see
 * without tokentax (results, streamed chunks, raw responses).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContextMeter } from '../../src/context';
import { startSimulator, type Simulator } from '../../src/demo/simulator';
import { SpanStatusCode } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_USAGE_AUDIO_SECONDS,
  ATTR_USAGE_ESTIMATED,
  ATTR_USAGE_IMAGES,
  ERROR_TYPE,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
} from '../../src/semconv';
import { drain, plain } from '../support/calls';
import { instrument, spansEventually, type Instrumented } from '../support/harness';
import { MAJORS } from '../support/openai-majors';
import { metricPoints } from '../support/otel';
import { countTokens } from '../../src/context/tokenizer';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const messages = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'Which ocean contains Bouvet Island?' },
];
const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe.each(MAJORS)('operations on openai $major', ({ major, pkg }) => {
  let sim: Simulator;
  let h: Instrumented;
  let client: any;
  beforeAll(async () => {
    sim = await startSimulator({ answerWords: 12 });
    h = instrument(pkg, { contextMeter: createContextMeter() });
    client = new h.OpenAI({ apiKey: 'sk-test-SECRET-KEY-123', baseURL: sim.baseURL, maxRetries: 0 });
  });
  afterAll(async () => {
    await h.close();
    await sim.close();
  });
  beforeEach(() => h.telemetry.reset());

  /** Drops fields a simulator makes unique per call, so two runs compare. */
  const stable = (v: unknown): unknown =>
    JSON.parse(
      JSON.stringify(v, (k, val) =>
        k === 'id' || k === 'created' || k === 'created_at' || k === 'item_id' || k === '_request_id' ? undefined : val,
      ),
    );

  const onlySpan = async (n = 1) => {
    const spans = await spansEventually(h.telemetry, n);
    expect(spans).toHaveLength(n);
    return spans[n - 1];
  };

  it('chat completion', async () => {
    const { without, with: w } = await h.compare(() =>
      client.chat.completions.create({ model: 'gpt-4o-mini', messages }),
    );
    expect(stable(w)).toEqual(stable(without));
    const span = await onlySpan();
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe((w as any).usage.prompt_tokens);
    expect(span.attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe((w as any).usage.completion_tokens);
    expect(span.attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(['stop']);
    expect(span.attributes[ATTR_GEN_AI_REQUEST_STREAM]).toBe(false);
    expect(span.attributes[ATTR_USAGE_ESTIMATED]).toBe(false);
  });

  it('streaming chat without include_usage: same chunks, output tokens estimated with the tokenizer', async () => {
    const run = async () =>
      drain(await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }));
    const { without, with: w } = await h.compare(run);
    expect(stable(w)).toEqual(stable(without));
    const span = await onlySpan();
    const text = (w as any[]).map((c) => c.choices[0]?.delta?.content ?? '').join('');
    expect(span.attributes[ATTR_USAGE_ESTIMATED]).toBe(true);
    expect(span.attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(countTokens('o200k_base', text));
    expect(span.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBeGreaterThan(10);
    expect(span.attributes[ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK]).toBeGreaterThanOrEqual(0);
  });

  it('streaming chat with include_usage: the usage chunk (choices: []) is seen and exact', async () => {
    const run = async () =>
      drain(
        await client.chat.completions.create({
          model: 'gpt-4o-mini',
          messages,
          stream: true,
          stream_options: { include_usage: true },
        }),
      );
    const { without, with: w } = await h.compare(run);
    expect(stable(w)).toEqual(stable(without));
    const usage = (w as any[]).at(-1).usage;
    const span = await onlySpan();
    expect(span.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(usage.prompt_tokens);
    expect(span.attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(usage.completion_tokens);
    expect(span.attributes[ATTR_USAGE_ESTIMATED]).toBe(false);
  });

  it('a stream the application stops early ends its span once', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    for await (const _ of stream) break;
    const span = await onlySpan();
    expect(span.ended).toBe(true);
  });

  it('.asResponse() leaves the body unread for the application', async () => {
    const { without, with: w } = await h.compare(async () => {
      const response = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).asResponse();
      return { status: response.status, body: await response.json() };
    });
    expect(stable(w)).toEqual(stable(without));
    const span = await onlySpan();
    expect(span.attributes[ATTR_GEN_AI_OPERATION_NAME]).toBe('chat');
  });

  it('.withResponse() returns data and response', async () => {
    const { without, with: w } = await h.compare(async () => {
      const { data, response } = await client.chat.completions
        .create({ model: 'gpt-4o-mini', messages })
        .withResponse();
      return { status: response.status, data: plain(data) };
    });
    expect(stable(w)).toEqual(stable(without));
    expect((await onlySpan()).attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe((w as any).data.usage.prompt_tokens);
  });

  const chatHelpers = () => (major === 4 ? client.beta.chat.completions : client.chat.completions);

  it('parse() helper (a peer makes it throw "Body is unusable")', async () => {
    const format = {
      type: 'json_schema',
      json_schema: { name: 'answer', schema: { type: 'object', properties: {} }, strict: false },
    };
    const sim2 = await startSimulator({ answerWords: 1 });
    try {
      // The simulator answers a JSON-able word list; parse() runs JSON.parse on it, so give it JSON.
      const c = new h.OpenAI({ apiKey: 'sk-test', baseURL: sim2.baseURL, maxRetries: 0 });
      const helpers = major === 4 ? c.beta.chat.completions : c.chat.completions;
      const { without, with: w } = await h.compare(async () => {
        try {
          return stable(await helpers.parse({ model: 'gpt-4o-mini', messages, response_format: format }));
        } catch (e: any) {
          return { error: e?.constructor?.name, message: e?.message };
        }
      });
      expect(w).toEqual(without);
      expect(String((w as any).message ?? '')).not.toContain('Body is unusable');
      expect((await onlySpan()).attributes[ATTR_GEN_AI_REQUEST_MODEL]).toBe('gpt-4o-mini');
    } finally {
      await sim2.close();
    }
  });

  it('.stream() helper: events and the final completion are unchanged', async () => {
    const { without, with: w } = await h.compare(async () => {
      const runner = chatHelpers().stream({ model: 'gpt-4o-mini', messages });
      const deltas: string[] = [];
      runner.on('content', (d: string) => deltas.push(d));
      const final = await runner.finalChatCompletion();
      return { deltas, final: stable(final) };
    });
    expect(w).toEqual(without);
    const span = await onlySpan();
    expect(span.attributes[ATTR_GEN_AI_REQUEST_STREAM]).toBe(true);
    expect(span.attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBeGreaterThan(0);
  });

  it('runTools(): each round trip through create() gives one span', async () => {
    const { without, with: w } = await h.compare(async () => {
      const runner = chatHelpers().runTools({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Weather in Oslo?' }],
        tools: [
          {
            type: 'function',
            function: {
              name: 'get_weather',
              parameters: { type: 'object', properties: {} },
              function: () => 'sunny',
              parse: JSON.parse,
            },
          },
        ],
      });
      return stable(await runner.finalContent());
    });
    expect(w).toEqual(without);
    const spans = await spansEventually(h.telemetry, 2);
    expect(spans).toHaveLength(2); // a tool call, then the answer
  });

  it('responses.create plain and streaming', async () => {
    const { without, with: w } = await h.compare(async () =>
      stable(await client.responses.create({ model: 'gpt-4.1-mini', input: 'hi', instructions: 'be brief' })),
    );
    expect(w).toEqual(without);
    const span = await onlySpan();
    expect(span.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe((w as any).usage.input_tokens);
    h.telemetry.reset();
    const streamed = await h.compare(async () =>
      stable(await drain(await client.responses.create({ model: 'gpt-4.1-mini', input: 'hi', stream: true }))),
    );
    expect(streamed.with).toEqual(streamed.without);
    const events = streamed.with as any[];
    const span2 = await onlySpan();
    expect(span2.attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(events.at(-1).response.usage.output_tokens);
    expect(span2.attributes[ATTR_USAGE_ESTIMATED]).toBe(false);
  });

  it('legacy completions, embeddings, audio transcription, image generation', async () => {
    const c = await h.compare(async () =>
      stable(await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say hi' })),
    );
    expect(c.with).toEqual(c.without);
    const e = await h.compare(async () =>
      stable(await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] })),
    );
    expect(e.with).toEqual(e.without);
    const file = await h.mod.toFile(Buffer.alloc(64_000), 'audio.wav');
    const a = await h.compare(async () =>
      stable(await client.audio.transcriptions.create({ model: 'whisper-1', file })),
    );
    expect(a.with).toEqual(a.without);
    const i = await h.compare(async () =>
      stable(await client.images.generate({ model: 'dall-e-3', prompt: 'a cat', size: '1024x1024' })),
    );
    expect(i.with).toEqual(i.without);
    const spans = h.telemetry.spans();
    expect(spans.map((s) => s.attributes[ATTR_GEN_AI_OPERATION_NAME])).toEqual([
      'text_completion',
      'embeddings',
      'transcription',
      'image_generation',
    ]);
    expect(spans[0].attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe((c.with as any).usage.completion_tokens);
    expect(spans[1].attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe((e.with as any).usage.prompt_tokens);
    expect(spans[2].attributes[ATTR_USAGE_AUDIO_SECONDS]).toBe(4);
    expect(spans[3].attributes[ATTR_USAGE_IMAGES]).toBe(1);
  });

  it('metrics: token usage by type and operation duration', async () => {
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    const collected = await h.telemetry.metrics();
    const tokens = metricPoints(collected, METRIC_GEN_AI_CLIENT_TOKEN_USAGE);
    expect(tokens.map((p) => p.attributes['gen_ai.token.type']).sort()).toContain('input');
    expect(tokens.some((p) => p.attributes['gen_ai.token.type'] === 'output')).toBe(true);
    expect(metricPoints(collected, METRIC_GEN_AI_CLIENT_OPERATION_DURATION).length).toBeGreaterThan(0);
  });

  it('privacy by default: no prompt or completion text, no API key on spans', async () => {
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools: [weatherTool] });
    const span = await onlySpan();
    const dump = JSON.stringify(span.attributes);
    expect(dump).not.toContain('Bouvet');
    expect(dump).not.toContain('SECRET-KEY');
    expect(span.attributes[ATTR_GEN_AI_INPUT_MESSAGES]).toBeUndefined();
  });

  it('content capture when opted in, and off again at run time', async () => {
    h.instrumentation.setConfig({ ...h.instrumentation.getConfig(), captureMessageContent: true });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    h.instrumentation.setConfig({ ...h.instrumentation.getConfig(), captureMessageContent: false });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    const [on, off] = await spansEventually(h.telemetry, 2);
    expect(String(on.attributes[ATTR_GEN_AI_INPUT_MESSAGES])).toContain('Bouvet');
    expect(on.attributes[ATTR_GEN_AI_OUTPUT_MESSAGES]).toBeDefined();
    expect(off.attributes[ATTR_GEN_AI_INPUT_MESSAGES]).toBeUndefined();
  });
});

describe('a stream the application drops without reading', () => {
  it('ends its span when the stream is garbage-collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const sim = await startSimulator();
    const h = instrument('openai');
    try {
      const client = new h.OpenAI({ apiKey: 'sk-x', baseURL: sim.baseURL, maxRetries: 0 });
      await (async () => {
        const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
        expect(stream).toBeDefined(); // dropped here, never iterated
        const aborted = await client.chat.completions.create({ model: 'gpt-4o', messages, stream: true });
        aborted.controller.abort(); // aborted, then dropped unread
      })();
      expect(h.telemetry.spans()).toHaveLength(0);
      for (let i = 0; i < 20 && h.telemetry.spans().length < 2; i++) {
        gc();
        await new Promise((r) => setTimeout(r, 20));
      }
      const spans = h.telemetry.spans();
      expect(spans).toHaveLength(2);
      const byModel = new Map(spans.map((s) => [s.attributes['gen_ai.request.model'], s]));
      // Never read to its end: not a success.
      expect(byModel.get('gpt-4o-mini')?.attributes[ATTR_ERROR_TYPE]).toBe(ERROR_TYPE.cancelled);
      expect(byModel.get('gpt-4o')?.attributes[ATTR_ERROR_TYPE]).toBe(ERROR_TYPE.aborted);
      for (const span of spans) {
        expect(span.ended).toBe(true);
        expect(span.status.code).toBe(SpanStatusCode.ERROR);
      }
    } finally {
      await h.close();
      await sim.close();
    }
  });
});
