/**
 * Malformed API responses the SDK still hands to the application (or surfaces as its own errors):
 * missing usage, usage with nulls/strings/negatives/NaN-like values, unknown finish reasons, wrong
 * types, streams cut mid-way, invalid JSON chunks. On every major: the application sees what it sees
 * without tokentax, tokentax reports nothing through diag (nothing threw inside it), each span ends
 * exactly once, carries no NaN/Infinity, and its usage is the API's valid figure, marked estimated,
 * or absent — never a bad value passed through.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ATTR_COST_UNPRICED,
  ATTR_COST_USD,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_USAGE_ESTIMATED,
} from '../../src/semconv';
import { drain, plain } from '../support/calls';
import { MAJORS, loadMajor } from '../support/openai-majors';
import { allEnded, captureDiag, nonFinite } from './support';
import { pricedPipeline } from './pipeline';

interface Malformed {
  name: string;
  stream?: boolean;
  /** Raw response: JSON text for plain calls, SSE data lines for streams (written as given). */
  respond(res: ServerResponse, model: string): void;
  /** The input/output the span may carry as non-estimated (the API's valid figures). */
  valid?: { input?: number; output?: number };
}

const body = (model: string, extra: string) =>
  `{"id":"chatcmpl-m","object":"chat.completion","created":1,"model":${JSON.stringify(model)},"choices":[{"index":0,"message":{"role":"assistant","content":"fine"},"finish_reason":"stop"}]${extra}}`;
const json = (res: ServerResponse, text: string) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(text);
};
const sse = (res: ServerResponse, lines: string[], opts: { done?: boolean; cut?: boolean } = {}) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const l of lines) res.write(`data: ${l}\n\n`);
  if (opts.cut) {
    // The connection drops mid-stream: half an event, then the socket is destroyed.
    res.write('data: {"id":"chatcmpl-s","obj');
    setTimeout(() => res.socket?.destroy(), 5);
    return;
  }
  if (opts.done !== false) res.write('data: [DONE]\n\n');
  res.end();
};
const chunk = (model: string, content: string, finish: string | null = null, usage?: string) =>
  `{"id":"chatcmpl-s","object":"chat.completion.chunk","created":1,"model":${JSON.stringify(model)},"choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":${JSON.stringify(finish)}}]${usage ? `,"usage":${usage}` : ''}}`;

const CASES: Malformed[] = [
  { name: 'missing usage', respond: (res, m) => json(res, body(m, '')) },
  { name: 'usage null', respond: (res, m) => json(res, body(m, ',"usage":null')) },
  {
    name: 'usage fields null',
    respond: (res, m) =>
      json(res, body(m, ',"usage":{"prompt_tokens":null,"completion_tokens":null,"total_tokens":null}')),
  },
  {
    name: 'usage fields as strings',
    respond: (res, m) =>
      json(res, body(m, ',"usage":{"prompt_tokens":"12","completion_tokens":"3","total_tokens":"15"}')),
  },
  {
    name: 'usage negative',
    respond: (res, m) => json(res, body(m, ',"usage":{"prompt_tokens":-12,"completion_tokens":-3,"total_tokens":-15}')),
  },
  {
    name: 'usage huge and fractional',
    valid: { input: 1e308, output: 2.5 },
    respond: (res, m) => json(res, body(m, ',"usage":{"prompt_tokens":1e308,"completion_tokens":2.5}')),
  },
  {
    name: 'usage details wrong types',
    valid: { input: 10, output: 4 },
    respond: (res, m) =>
      json(
        res,
        body(
          m,
          ',"usage":{"prompt_tokens":10,"completion_tokens":4,"prompt_tokens_details":"x","completion_tokens_details":[1,2]}',
        ),
      ),
  },
  { name: 'usage is an array', respond: (res, m) => json(res, body(m, ',"usage":[1,2,3]')) },
  {
    name: 'unknown finish reason',
    valid: { input: 5, output: 1 },
    respond: (res, m) =>
      json(
        res,
        body(m, ',"usage":{"prompt_tokens":5,"completion_tokens":1}').replace('"stop"', '"a_reason_from_the_future"'),
      ),
  },
  {
    name: 'choices not a list, model a number',
    respond: (res) =>
      json(res, '{"id":7,"object":"chat.completion","model":42,"choices":{"0":"x"},"usage":{"prompt_tokens":{}}}'),
  },
  { name: 'body is JSON null', respond: (res) => json(res, 'null') },
  { name: 'body is a JSON string', respond: (res) => json(res, '"just a string"') },
  {
    name: 'choice entries null and message content an object',
    respond: (res, m) =>
      json(
        res,
        `{"id":"x","model":${JSON.stringify(m)},"choices":[null,{"index":"one","message":{"content":{"a":1}},"finish_reason":5}]}`,
      ),
  },
  {
    name: 'stream: usage chunk with strings and negatives',
    stream: true,
    respond: (res, m) =>
      sse(res, [chunk(m, 'a'), chunk(m, 'b', 'stop', '{"prompt_tokens":"9","completion_tokens":-2}')]),
  },
  {
    name: 'stream: unknown finish reason, no usage',
    stream: true,
    respond: (res, m) => sse(res, [chunk(m, 'a'), chunk(m, '', 'mystery')]),
  },
  {
    name: 'stream: no [DONE], server closes',
    stream: true,
    respond: (res, m) => sse(res, [chunk(m, 'a'), chunk(m, 'b')], { done: false }),
  },
  {
    name: 'stream: cut mid-event (socket destroyed)',
    stream: true,
    respond: (res, m) => sse(res, [chunk(m, 'a'), chunk(m, 'b')], { cut: true }),
  },
  {
    name: 'stream: invalid JSON chunk',
    stream: true,
    respond: (res, m) => sse(res, [chunk(m, 'a'), '{"id": "broken", "choices": [', chunk(m, 'c')]),
  },
  {
    name: 'stream: chunks that are not objects',
    stream: true,
    respond: (res, m) => sse(res, ['42', 'null', '"text"', '[1,2]', chunk(m, 'ok', 'stop')]),
  },
  {
    name: 'stream: choices with null deltas',
    stream: true,
    respond: (res, m) =>
      sse(res, [
        `{"id":"s","model":${JSON.stringify(m)},"choices":[{"index":0,"delta":null},{"delta":{"content":7}},null]}`,
      ]),
  },
];

const isValidCount = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

describe.each(MAJORS)('malformed responses on openai $major', ({ pkg }) => {
  const pipeline = pricedPipeline();
  const { server, counter, telemetry, instrumentation } = pipeline;
  let mod: any;
  let client: any;
  let current: Malformed;
  let diagCapture: ReturnType<typeof captureDiag>;

  beforeAll(async () => {
    await pipeline.start();
    server.handle((_req, b, res) => current.respond(res, b.model));
    mod = loadMajor(pkg);
    client = new mod.OpenAI({ apiKey: 'sk-test-malformed', baseURL: server.baseURL, maxRetries: 0 });
    diagCapture = captureDiag();
  });
  afterAll(async () => {
    diagCapture.restore();
    await pipeline.close();
  });

  const call = async (c: Malformed): Promise<unknown> => {
    const params = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `case ${c.name}` }] };
    try {
      if (c.stream) return { chunks: await drain(await client.chat.completions.create({ ...params, stream: true })) };
      return { value: plain(await client.chat.completions.create(params)) };
    } catch (e: any) {
      // Which error, not its text: a socket error's message can name a local port.
      return { thrown: e?.constructor?.name, status: e?.status };
    }
  };

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    current = c;
    instrumentation.disable();
    const without = await call(c);
    instrumentation.manuallyInstrument(mod);
    instrumentation.enable();
    telemetry.reset();
    counter.reset();
    diagCapture.logs.length = 0;
    const withIt = await call(c);
    await allEnded(counter);

    expect(withIt).toEqual(without);
    expect(counter.started.size).toBe(1);
    expect(counter.open()).toEqual([]);
    expect(counter.endedTwice()).toEqual([]);
    // Nothing inside tokentax failed (guard() would have reported it).
    expect(diagCapture.logs.filter((l) => l.message.includes('tokentax'))).toEqual([]);

    const [span] = telemetry.spans();
    const a = span.attributes;
    expect(nonFinite(a)).toEqual([]);
    for (const [key, valid] of [
      [ATTR_GEN_AI_USAGE_INPUT_TOKENS, c.valid?.input],
      [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, c.valid?.output],
    ] as const) {
      const v = a[key];
      if (v === undefined) continue;
      expect(isValidCount(v), `${key}=${String(v)}`).toBe(true);
      // A figure that is not the API's valid one is the tokenizer's, and says so.
      if (v !== valid) expect(a[ATTR_USAGE_ESTIMATED]).toBe(true);
    }
    if (c.valid) expect(a[ATTR_USAGE_ESTIMATED]).toBe(false);
    const reasons = a[ATTR_GEN_AI_RESPONSE_FINISH_REASONS];
    if (reasons !== undefined) expect(Array.isArray(reasons) && reasons.every((r) => typeof r === 'string')).toBe(true);
    if (a[ATTR_COST_USD] !== undefined) expect(a[ATTR_COST_USD]).toBeGreaterThanOrEqual(0);
    else expect(typeof a[ATTR_COST_UNPRICED]).toBe('string');
  });
});
