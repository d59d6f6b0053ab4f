/**
 * Generated API exchanges the recordings do not cover: tool calls, several choices, refusals, empty
 * content, unicode (emoji, RTL, combining marks, lone surrogates written as JSON escapes), a
 * 200k-token prompt and a 5,000-chunk stream. Each scenario is a server handler plus the SDK call an
 * application would make; handlers write raw JSON text so escapes reach the SDK exactly as written.
 */
import type { ServerResponse } from 'node:http';
import { drain, plain } from '../support/calls';
import { rng } from './support';

export interface Scenario {
  name: string;
  /** The model names its calls use (the server routes requests by model). */
  models: string[];
  /** Answers the request (the model name routes to the scenario). */
  respond(body: any, res: ServerResponse): void;
  /** What the application does; returns plain data to compare. */
  run(client: any): Promise<unknown>;
  /** The call's usage as the API reported it, when it did. */
  usage?: { input: number; output: number };
  streamed?: boolean;
}

const json = (res: ServerResponse, text: string, status = 200) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(text);
};

function sseRaw(res: ServerResponse, events: string[], done = true): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const e of events) res.write(`data: ${e}\n\n`);
  if (done) res.write('data: [DONE]\n\n');
  res.end();
}

const completion = (model: string, choices: unknown[], usage?: unknown) =>
  JSON.stringify({
    id: 'chatcmpl-gen',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices,
    ...(usage ? { usage } : {}),
  });

const usageBlock = (input: number, output: number) => ({
  prompt_tokens: input,
  completion_tokens: output,
  total_tokens: input + output,
});

const chunk = (model: string, delta: unknown, finish: string | null = null, index = 0) =>
  JSON.stringify({
    id: 'chatcmpl-s',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model,
    choices: [{ index, delta, finish_reason: finish }],
  });

/** Text with emoji (incl. ZWJ sequences and flags), RTL scripts, combining marks and CJK. */
export const UNICODE_TEXT =
  'héllo 👩‍👩‍👧‍👦 🇯🇵 مرحبا بالعالم שלום עולם e\u0301\u0302\u0303 Z\u0351\u0352\u0357 漢字かな 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u200f\u202e';

/** A JSON string literal body holding lone surrogates as escapes (JSON.stringify would never write these). */
export const LONE_SURROGATES_JSON =
  '"lone \\ud800 high, lone \\udc00 low, reversed \\udc00\\ud800, fine \\ud83d\\ude00"';

/** About `tokens` o200k tokens of varied text (a seeded vocabulary, so the tokenizer does real work). */
export function hugePrompt(tokens: number): string {
  const r = rng(7);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const vocab = Array.from({ length: 5000 }, () =>
    Array.from({ length: 3 + Math.floor(r() * 8) }, () => letters[Math.floor(r() * 26)]).join(''),
  );
  const words: string[] = [];
  // Random letter strings average about 2.3 o200k tokens per word (checked by the test that uses it).
  for (let i = 0; i < Math.ceil(tokens / 2.2); i++) words.push(vocab[Math.floor(r() * vocab.length)]);
  return words.join(' ');
}

export const HUGE_PROMPT = hugePrompt(200_000);

async function streamed(client: any, body: Record<string, unknown>): Promise<unknown[]> {
  return drain(await client.chat.completions.create({ ...body, stream: true }));
}

const user = (content: unknown) => [{ role: 'user', content }];

export const SCENARIOS: Scenario[] = [
  {
    name: 'tool calls (parallel, with arguments)',
    models: ['gen-tools'],
    usage: { input: 90, output: 40 },
    respond: (b, res) =>
      json(
        res,
        completion(
          b.model,
          [
            {
              index: 0,
              finish_reason: 'tool_calls',
              message: {
                role: 'assistant',
                content: null,
                tool_calls: [
                  { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
                  {
                    id: 'call_2',
                    type: 'function',
                    function: { name: 'get_weather', arguments: '{"city":"القاهرة"}' },
                  },
                ],
              },
            },
          ],
          usageBlock(90, 40),
        ),
      ),
    run: async (c) =>
      plain(
        await c.chat.completions.create({
          model: 'gen-tools',
          messages: user('weather?'),
          tools: [
            {
              type: 'function',
              function: {
                name: 'get_weather',
                parameters: { type: 'object', properties: { city: { type: 'string' } } },
              },
            },
          ],
        }),
      ),
  },
  {
    name: 'streamed tool call deltas',
    models: ['gen-stream-tools'],
    streamed: true,
    respond: (b, res) =>
      sseRaw(res, [
        chunk(b.model, {
          role: 'assistant',
          content: null,
          tool_calls: [{ index: 0, id: 'call_9', type: 'function', function: { name: 'lookup', arguments: '' } }],
        }),
        ...['{"q', '":"', 'ü', 'ber"', '}'].map((a) =>
          chunk(b.model, { tool_calls: [{ index: 0, function: { arguments: a } }] }),
        ),
        chunk(b.model, {}, 'tool_calls'),
      ]),
    run: (c) => streamed(c, { model: 'gen-stream-tools', messages: user('look it up') }),
  },
  {
    name: 'multiple choices (n=3)',
    models: ['gen-n3'],
    usage: { input: 12, output: 30 },
    respond: (b, res) =>
      json(
        res,
        completion(
          b.model,
          [0, 1, 2].map((i) => ({
            index: i,
            finish_reason: i === 2 ? 'length' : 'stop',
            message: { role: 'assistant', content: `answer ${i}` },
          })),
          usageBlock(12, 30),
        ),
      ),
    run: async (c) => plain(await c.chat.completions.create({ model: 'gen-n3', n: 3, messages: user('three ways') })),
  },
  {
    name: 'streamed multiple choices, interleaved',
    models: ['gen-stream-n3'],
    streamed: true,
    respond: (b, res) =>
      sseRaw(res, [
        ...[0, 1].flatMap((k) => [0, 1, 2].map((i) => chunk(b.model, { content: `c${i}w${k} ` }, null, i))),
        ...[0, 1, 2].map((i) => chunk(b.model, {}, 'stop', i)),
      ]),
    run: (c) => streamed(c, { model: 'gen-stream-n3', n: 3, messages: user('three ways') }),
  },
  {
    name: 'refusal',
    models: ['gen-refusal'],
    usage: { input: 20, output: 9 },
    respond: (b, res) =>
      json(
        res,
        completion(
          b.model,
          [
            {
              index: 0,
              finish_reason: 'stop',
              message: { role: 'assistant', content: null, refusal: "I'm sorry, I can't help with that." },
            },
          ],
          usageBlock(20, 9),
        ),
      ),
    run: async (c) => plain(await c.chat.completions.create({ model: 'gen-refusal', messages: user('something bad') })),
  },
  {
    name: 'streamed refusal',
    models: ['gen-stream-refusal'],
    streamed: true,
    respond: (b, res) =>
      sseRaw(res, [
        chunk(b.model, { role: 'assistant', refusal: "I'm sorry" }),
        chunk(b.model, { refusal: ', no.' }),
        chunk(b.model, {}, 'stop'),
      ]),
    run: (c) => streamed(c, { model: 'gen-stream-refusal', messages: user('something bad') }),
  },
  {
    name: 'empty content, empty choices',
    models: ['gen-empty'],
    usage: { input: 5, output: 0 },
    respond: (b, res) =>
      b.messages.length > 1
        ? json(res, completion(b.model, [], usageBlock(5, 0)))
        : json(
            res,
            completion(
              b.model,
              [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: '' } }],
              usageBlock(5, 0),
            ),
          ),
    run: async (c) => [
      plain(await c.chat.completions.create({ model: 'gen-empty', messages: user('') })),
      plain(
        await c.chat.completions.create({
          model: 'gen-empty',
          messages: [
            { role: 'user', content: [] },
            { role: 'assistant', content: '' },
          ],
        }),
      ),
    ],
  },
  {
    name: 'empty stream (no chunks before [DONE])',
    models: ['gen-stream-empty'],
    streamed: true,
    respond: (_b, res) => sseRaw(res, []),
    run: (c) => streamed(c, { model: 'gen-stream-empty', messages: user('') }),
  },
  {
    name: 'unicode in prompt and answer, lone surrogates as JSON escapes',
    models: ['gen-unicode'],
    respond: (b, res) =>
      json(
        res,
        `{"id":"chatcmpl-u","object":"chat.completion","created":1,"model":${JSON.stringify(b.model)},"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":${LONE_SURROGATES_JSON}}},{"index":1,"finish_reason":"stop","message":{"role":"assistant","content":${JSON.stringify(UNICODE_TEXT)}}}]}`,
      ),
    run: async (c) =>
      plain(
        await c.chat.completions.create({
          model: 'gen-unicode',
          messages: [
            { role: 'system', content: UNICODE_TEXT },
            { role: 'user', content: `lone ${'\ud800'} surrogate ${'\udfff'} in the prompt ${UNICODE_TEXT}` },
          ],
        }),
      ),
  },
  {
    name: 'unicode stream split inside surrogate pairs and ZWJ sequences',
    models: ['gen-stream-unicode'],
    streamed: true,
    respond: (b, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const events = [...Array.from(UNICODE_TEXT), '\\ud83d', '\\ude00'].map((ch) =>
        ch.startsWith('\\')
          ? `{"id":"s","object":"chat.completion.chunk","created":1,"model":"${b.model}","choices":[{"index":0,"delta":{"content":"${ch}"},"finish_reason":null}]}`
          : chunk(b.model, { content: ch }),
      );
      // Write the bytes in 7-byte slices: multi-byte characters arrive split across TCP writes.
      const bytes = Buffer.from(events.map((e) => `data: ${e}\n\n`).join('') + 'data: [DONE]\n\n', 'utf8');
      for (let i = 0; i < bytes.length; i += 7) res.write(bytes.subarray(i, i + 7));
      res.end();
    },
    run: (c) => streamed(c, { model: 'gen-stream-unicode', messages: user(UNICODE_TEXT) }),
  },
  {
    name: 'huge prompt (200k tokens), no usage in the response',
    models: ['gpt-4o'],
    respond: (b, res) =>
      json(
        res,
        completion(b.model, [
          {
            index: 0,
            finish_reason: 'stop',
            message: { role: 'assistant', content: `read ${b.messages[1].content.length} chars` },
          },
        ]),
      ),
    run: async (c) =>
      plain(
        await c.chat.completions.create({
          model: 'gpt-4o',
          messages: [
            { role: 'system', content: 'Summarise.' },
            { role: 'user', content: HUGE_PROMPT },
          ],
        }),
      ),
  },
  {
    name: 'huge prompt (200k tokens) with usage',
    models: ['gpt-4.1'],
    usage: { input: 200_123, output: 3 },
    respond: (b, res) =>
      json(
        res,
        completion(
          b.model,
          [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'ok' } }],
          usageBlock(200_123, 3),
        ),
      ),
    run: async (c) =>
      plain(await c.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: HUGE_PROMPT }] })),
  },
  {
    name: '5,000-chunk stream with usage',
    models: ['gen-stream-5000'],
    streamed: true,
    usage: { input: 40, output: 5000 },
    respond: (b, res) => {
      const events: string[] = [];
      for (let i = 0; i < 5000; i++)
        events.push(chunk(b.model, i === 0 ? { role: 'assistant', content: 'w0' } : { content: ` w${i}` }));
      events.push(chunk(b.model, {}, 'stop'));
      events.push(
        JSON.stringify({
          id: 'chatcmpl-s',
          object: 'chat.completion.chunk',
          created: 1,
          model: b.model,
          choices: [],
          usage: usageBlock(40, 5000),
        }),
      );
      sseRaw(res, events);
    },
    run: (c) =>
      streamed(c, {
        model: 'gen-stream-5000',
        messages: user('count to 5000'),
        stream_options: { include_usage: true },
      }),
  },
  {
    name: 'responses API: function call and unicode output',
    models: ['gen-responses'],
    usage: { input: 33, output: 11 },
    respond: (b, res) =>
      json(
        res,
        JSON.stringify({
          id: 'resp_gen',
          object: 'response',
          created_at: 1,
          status: 'completed',
          model: b.model,
          output: [
            {
              type: 'function_call',
              id: 'fc_1',
              call_id: 'call_1',
              name: 'lookup',
              arguments: '{"q":"شلوم"}',
              status: 'completed',
            },
            {
              type: 'message',
              id: 'msg_1',
              role: 'assistant',
              status: 'completed',
              content: [{ type: 'output_text', text: UNICODE_TEXT, annotations: [] }],
            },
          ],
          usage: {
            input_tokens: 33,
            output_tokens: 11,
            total_tokens: 44,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens_details: { reasoning_tokens: 0 },
          },
        }),
      ),
    run: async (c) => {
      const r = await c.responses.create({
        model: 'gen-responses',
        input: UNICODE_TEXT,
        tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: {} } }],
      });
      return { plain: plain(r), text: r.output_text };
    },
  },
  {
    name: 'legacy completions and embeddings',
    models: ['gen-completions', 'gen-embeddings'],
    respond: (b, res) =>
      b.input !== undefined
        ? json(
            res,
            JSON.stringify({
              object: 'list',
              model: b.model,
              data: [{ object: 'embedding', index: 0, embedding: [0.1, -0.2, 1e-30] }],
              usage: { prompt_tokens: 3, total_tokens: 3 },
            }),
          )
        : json(
            res,
            JSON.stringify({
              id: 'cmpl-1',
              object: 'text_completion',
              created: 1,
              model: b.model,
              choices: [{ index: 0, text: UNICODE_TEXT, finish_reason: 'length', logprobs: null }],
            }),
          ),
    run: async (c) => [
      plain(await c.completions.create({ model: 'gen-completions', prompt: ['a', 'b'] })),
      plain(await c.embeddings.create({ model: 'gen-embeddings', input: UNICODE_TEXT, encoding_format: 'float' })),
    ],
  },
];

/** Errors: class, status and message must be exactly what the SDK throws without tokentax. */
export const ERROR_SCENARIOS: Scenario[] = [
  {
    name: '400 with a unicode error message',
    models: ['gen-err-400'],
    respond: (_b, res) =>
      json(
        res,
        JSON.stringify({
          error: { message: `bad ${UNICODE_TEXT}`, type: 'invalid_request_error', param: 'messages', code: null },
        }),
        400,
      ),
    run: (c) => c.chat.completions.create({ model: 'gen-err-400', messages: user('x') }),
  },
  {
    name: '500 with a non-JSON body',
    models: ['gen-err-500'],
    respond: (_b, res) => {
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end('<html>upstream exploded</html>');
    },
    run: (c) => c.chat.completions.create({ model: 'gen-err-500', messages: user('x') }),
  },
  {
    name: 'error event in the middle of a stream',
    models: ['gen-err-stream'],
    streamed: true,
    respond: (b, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${chunk(b.model, { content: 'partial' })}\n\n`);
      res.write(
        `data: ${JSON.stringify({ error: { message: 'The server had an error while processing your request.', type: 'server_error' } })}\n\n`,
      );
      res.end();
    },
    run: (c) => streamed(c, { model: 'gen-err-stream', messages: user('x') }),
  },
  {
    name: '200 with a body that is not JSON',
    models: ['gen-err-badjson'],
    respond: (_b, res) => json(res, '{"id": "chatcmpl-broken", "choices": [ {'),
    run: (c) => c.chat.completions.create({ model: 'gen-err-badjson', messages: user('x') }),
  },
];
