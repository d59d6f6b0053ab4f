/**
 * Opt-in content capture in the GenAI conventions' structured shape: the spec's own examples
 * (docs/gen-ai/non-normative/examples-llm-calls.md of the semantic conventions) made as real calls
 * through every major, and each captured value checked against the rules of the conventions' JSON
 * schemas (gen-ai-input-messages.json, gen-ai-output-messages.json, gen-ai-system-instructions.json).
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
} from '../../src/semconv';
import { instrument, spansEventually, type Instrumented } from '../support/harness';
import { MAJORS } from '../support/openai-majors';
import { ReplayServer, sendJSON, sendSSE } from '../support/replay-server';

const JOKE = ' Why did the developer bring OpenTelemetry to the party? Because it always knows how to trace the fun!';
const PUN = ' Why did OpenTelemetry get promoted? It had great span of control!';
const CALL_ID = 'call_VSPygqKTWdrhaFErNvMV18Yl';

const system = { role: 'system', parts: [{ type: 'text', content: 'You are a helpful bot' }] };
const user = (content: string) => ({ role: 'user', parts: [{ type: 'text', content }] });
const toolCall = { type: 'tool_call', id: CALL_ID, name: 'get_weather', arguments: { location: 'Paris' } };

/** The schemas' rules: required fields, part types and their required fields, finish reasons. */
const PART_REQUIRED: Record<string, string[]> = {
  text: ['content'],
  tool_call: ['name'],
  tool_call_response: ['response'],
  server_tool_call: ['name', 'server_tool_call'],
  server_tool_call_response: ['server_tool_call_response'],
  blob: ['modality', 'content'],
  file: ['modality', 'file_id'],
  uri: ['modality', 'uri'],
  reasoning: ['content'],
};
function expectParts(parts: unknown): void {
  expect(Array.isArray(parts)).toBe(true);
  for (const part of parts as Array<Record<string, unknown>>) {
    expect(typeof part.type).toBe('string');
    for (const field of PART_REQUIRED[part.type as string] ?? [])
      expect(part, `${part.type}.${field}`).toHaveProperty(field);
    if (part.type === 'text' || part.type === 'reasoning') expect(typeof part.content).toBe('string');
  }
}
function validMessages(value: unknown, output: boolean): any[] {
  expect(typeof value).toBe('string');
  const messages = JSON.parse(value as string);
  expect(Array.isArray(messages)).toBe(true);
  for (const m of messages) {
    expect(typeof m.role).toBe('string');
    expectParts(m.parts);
    if (output) expect(typeof m.finish_reason).toBe('string');
  }
  return messages;
}

const completion = (choices: unknown[]) => ({
  id: 'chatcmpl-9J3uIL87gldCFtiIbyaOvTeYBRA3l',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4-0613',
  choices,
  usage: { prompt_tokens: 52, completion_tokens: 47, total_tokens: 99 },
});
const answer = (index: number, content: string) => ({
  index,
  message: { role: 'assistant', content },
  finish_reason: 'stop',
});

describe.each(MAJORS)('captured content on openai $major', ({ pkg }) => {
  const server = new ReplayServer();
  let reply: (body: any, res: ServerResponse) => void = () => undefined;
  let h: Instrumented;
  let client: any;
  beforeAll(async () => {
    await server.start();
    server.handle((_req, body, res) => reply(body, res));
    h = instrument(pkg, { captureMessageContent: true });
    client = new h.OpenAI({ apiKey: 'sk-test-content', baseURL: server.baseURL, maxRetries: 0 });
  });
  afterAll(async () => {
    await h.close();
    await server.stop();
  });
  beforeEach(() => h.telemetry.reset());

  const onlySpan = async () => {
    const spans = await spansEventually(h.telemetry, 1);
    expect(spans).toHaveLength(1);
    return spans[0].attributes;
  };

  it('simple chat completion, and two choices (the examples "simple" and "multiple choices")', async () => {
    reply = (body, res) =>
      sendJSON(res, 200, completion(body.n === 2 ? [answer(1, PUN), answer(0, JOKE)] : [answer(0, JOKE)]));
    const messages = [
      { role: 'system', content: 'You are a helpful bot' },
      { role: 'user', content: 'Tell me a joke about OpenTelemetry' },
    ];
    await client.chat.completions.create({ model: 'gpt-4', messages, max_tokens: 200 });
    let a = await onlySpan();
    expect(validMessages(a[ATTR_GEN_AI_INPUT_MESSAGES], false)).toEqual([
      system,
      user('Tell me a joke about OpenTelemetry'),
    ]);
    const joke = { role: 'assistant', parts: [{ type: 'text', content: JOKE }], finish_reason: 'stop' };
    expect(validMessages(a[ATTR_GEN_AI_OUTPUT_MESSAGES], true)).toEqual([joke]);

    h.telemetry.reset();
    await client.chat.completions.create({ model: 'gpt-4', messages, n: 2 });
    a = await onlySpan();
    // In choice order, whatever order the choices came in.
    expect(validMessages(a[ATTR_GEN_AI_OUTPUT_MESSAGES], true)).toEqual([
      joke,
      { role: 'assistant', parts: [{ type: 'text', content: PUN }], finish_reason: 'stop' },
    ]);
  });

  it('tool calls: the request for a tool, then its result sent back (the example "tool calls")', async () => {
    const requested = {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: CALL_ID, type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } },
      ],
    };
    reply = (body, res) =>
      sendJSON(
        res,
        200,
        body.messages.length === 1
          ? completion([{ index: 0, message: requested, finish_reason: 'tool_calls' }])
          : completion([answer(0, 'The weather in Paris is currently rainy with a temperature of 57°F.')]),
      );
    const first = [{ role: 'user', content: 'Weather in Paris?' }];
    await client.chat.completions.create({ model: 'gpt-4', messages: first });
    let a = await onlySpan();
    expect(validMessages(a[ATTR_GEN_AI_INPUT_MESSAGES], false)).toEqual([user('Weather in Paris?')]);
    expect(validMessages(a[ATTR_GEN_AI_OUTPUT_MESSAGES], true)).toEqual([
      { role: 'assistant', parts: [toolCall], finish_reason: 'tool_call' },
    ]);

    h.telemetry.reset();
    await client.chat.completions.create({
      model: 'gpt-4',
      messages: [...first, requested, { role: 'tool', tool_call_id: CALL_ID, content: 'rainy, 57°F' }],
    });
    a = await onlySpan();
    expect(validMessages(a[ATTR_GEN_AI_INPUT_MESSAGES], false)).toEqual([
      user('Weather in Paris?'),
      { role: 'assistant', parts: [toolCall] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: CALL_ID, response: 'rainy, 57°F' }] },
    ]);
    expect(validMessages(a[ATTR_GEN_AI_OUTPUT_MESSAGES], true)).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: 'The weather in Paris is currently rainy with a temperature of 57°F.' }],
        finish_reason: 'stop',
      },
    ]);
  });

  it('a streamed tool call adds up to the same output message as a plain one', async () => {
    const chunk = (delta: unknown, finish: string | null) => ({
      id: 'chatcmpl-s',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-4-0613',
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
    reply = (_body, res) =>
      sendSSE(res, [
        chunk(
          {
            role: 'assistant',
            tool_calls: [{ index: 0, id: CALL_ID, type: 'function', function: { name: 'get_weather', arguments: '' } }],
          },
          null,
        ),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '{"location":' } }] }, null),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }, null),
        chunk({}, 'tool_calls'),
      ]);
    for await (const _ of await client.chat.completions.create({
      model: 'gpt-4',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      stream: true,
    }))
      void _;
    const a = await onlySpan();
    expect(validMessages(a[ATTR_GEN_AI_OUTPUT_MESSAGES], true)).toEqual([
      { role: 'assistant', parts: [toolCall], finish_reason: 'tool_call' },
    ]);
  });

  it('Responses: instructions are system instructions; input and output messages (the example "system instructions")', async () => {
    reply = (body, res) =>
      sendJSON(res, 200, {
        id: 'resp_1',
        object: 'response',
        created_at: 1,
        model: 'gpt-4-0613',
        status: 'completed',
        output: [
          {
            type: 'message',
            id: 'msg_1',
            role: 'assistant',
            status: 'completed',
            content: [{ type: 'output_text', text: "I'm sorry, but I can't assist with that", annotations: [] }],
          },
        ],
        usage: { input_tokens: 28, output_tokens: 10, total_tokens: 38 },
        instructions: body.instructions,
      });
    await client.responses.create({
      model: 'gpt-4',
      instructions: 'You must never tell jokes',
      input: [
        { role: 'system', content: 'You are a helpful bot' },
        { role: 'user', content: 'Tell me a joke about OpenTelemetry' },
      ],
    });
    const a = await onlySpan();
    const instructions = JSON.parse(a[ATTR_GEN_AI_SYSTEM_INSTRUCTIONS] as string);
    expectParts(instructions);
    expect(instructions).toEqual([{ type: 'text', content: 'You must never tell jokes' }]);
    expect(validMessages(a[ATTR_GEN_AI_INPUT_MESSAGES], false)).toEqual([
      system,
      user('Tell me a joke about OpenTelemetry'),
    ]);
    expect(validMessages(a[ATTR_GEN_AI_OUTPUT_MESSAGES], true)).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: "I'm sorry, but I can't assist with that" }],
        finish_reason: 'stop',
      },
    ]);
  });

  it('multimodal input parts: inline data is a blob, a URL a uri, an uploaded file a file', async () => {
    reply = (_body, res) => sendJSON(res, 200, completion([answer(0, 'A logo.')]));
    await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in the attached data?' },
            { type: 'image_url', image_url: { url: 'https://example.test/logo.png' } },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,aGVsbG8=' } },
            { type: 'input_audio', input_audio: { data: 'aGVsbG8=', format: 'wav' } },
            { type: 'file', file: { file_id: 'file-123' } },
          ],
        },
      ],
    });
    const a = await onlySpan();
    expect(validMessages(a[ATTR_GEN_AI_INPUT_MESSAGES], false)).toEqual([
      {
        role: 'user',
        parts: [
          { type: 'text', content: 'What is in the attached data?' },
          { type: 'uri', modality: 'image', uri: 'https://example.test/logo.png' },
          { type: 'blob', modality: 'image', mime_type: 'image/png', content: 'aGVsbG8=' },
          { type: 'blob', modality: 'audio', mime_type: 'audio/wav', content: 'aGVsbG8=' },
          { type: 'file', modality: 'file', file_id: 'file-123' },
        ],
      },
    ]);
  });

  it('reasoning text a provider returns (reasoning_content) is a reasoning part (the example "reasoning")', async () => {
    const THOUGHT = 'Alright, the user wants a joke about OpenTelemetry… maybe a pun on "trace".';
    const chunk = (delta: unknown, finish: string | null) => ({
      id: 'chatcmpl-r',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'deepseek-reasoner',
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
    reply = (body, res) =>
      body.stream
        ? sendSSE(res, [
            chunk({ role: 'assistant', reasoning_content: THOUGHT.slice(0, 20) }, null),
            chunk({ reasoning_content: THOUGHT.slice(20) }, null),
            chunk({ content: JOKE }, null),
            chunk({}, 'stop'),
          ])
        : sendJSON(
            res,
            200,
            completion([
              {
                index: 0,
                message: { role: 'assistant', content: JOKE, reasoning_content: THOUGHT },
                finish_reason: 'stop',
              },
            ]),
          );
    const expected = [
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: THOUGHT },
          { type: 'text', content: JOKE },
        ],
        finish_reason: 'stop',
      },
    ];
    const messages = [{ role: 'user', content: 'Tell me a joke about OpenTelemetry' }];
    await client.chat.completions.create({ model: 'deepseek-reasoner', messages });
    expect(validMessages((await onlySpan())[ATTR_GEN_AI_OUTPUT_MESSAGES], true)).toEqual(expected);
    h.telemetry.reset();
    for await (const _ of await client.chat.completions.create({ model: 'deepseek-reasoner', messages, stream: true }))
      void _;
    expect(validMessages((await onlySpan())[ATTR_GEN_AI_OUTPUT_MESSAGES], true)).toEqual(expected);
  });

  it('a stream stopped early: what was streamed, with the finish reason "error"', async () => {
    const chunk = (content: string) => ({
      id: 'chatcmpl-s',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-4-0613',
      choices: [{ index: 0, delta: { content }, finish_reason: null }],
    });
    reply = (_body, res) => sendSSE(res, [chunk('Why'), chunk(' did'), chunk(' the')]);
    const stream = await client.chat.completions.create({
      model: 'gpt-4',
      messages: [{ role: 'user', content: 'Joke?' }],
      stream: true,
    });
    let n = 0;
    for await (const _ of stream) if (++n === 2) break;
    const a = await onlySpan();
    expect(validMessages(a[ATTR_GEN_AI_OUTPUT_MESSAGES], true)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Why did' }], finish_reason: 'error' },
    ]);
  });
});
