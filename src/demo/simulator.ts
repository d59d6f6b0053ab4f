/**
 * An OpenAI-compatible API simulator on 127.0.0.1: plausible responses and usage for chat
 * completions (plain and streaming, tool calls), Responses, legacy completions, embeddings, audio
 * transcriptions and image generation. It powers the first-run demo (no account, no network) and the
 * tests' generated traffic. Usage is computed from the request with a cheap estimate (about four
 * characters a token), so bigger prompts cost more, as on a real API.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SimulatorOptions {
  /** Words in each answer (default 24). */
  answerWords?: number;
  /** Chunks per streamed answer; words are spread over them (default: one word a chunk). */
  streamChunks?: number;
  /** Report usage on non-streaming responses (default true); false mimics gateways that omit it. */
  usage?: boolean;
  /** Cached-token share of the input for prompts of 1,024 tokens or more (default 0). */
  cachedShare?: number;
  /** Shorten chat answers to the request's max_tokens / max_completion_tokens (default false). */
  honorMaxTokens?: boolean;
}

export interface Simulator {
  readonly baseURL: string;
  readonly port: number;
  requests: number;
  close(): Promise<void>;
}

const WORDS =
  'the answer depends on the context you send and the model you pick so measure before you choose a provider'.split(
    ' ',
  );

/** A request's JSON, read loosely: the simulator answers whatever shape the SDK sends. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type RequestBody = Record<string, any>;

export function estimateTokens(value: unknown): number {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  return Math.max(1, Math.ceil(text.length / 4));
}

export async function startSimulator(options: SimulatorOptions = {}, port = 0): Promise<Simulator> {
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    state.requests++;
    void handle(req, res, options).catch((error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(error), type: 'simulator_error' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actualPort = (server.address() as AddressInfo).port;
  return {
    baseURL: `http://127.0.0.1:${actualPort}/v1`,
    port: actualPort,
    get requests() {
      return state.requests;
    },
    set requests(v: number) {
      state.requests = v;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<{ json?: RequestBody; raw: Buffer }> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks);
  const type = req.headers['content-type'] ?? '';
  if (!type.includes('application/json')) return { raw };
  return { json: raw.length ? JSON.parse(raw.toString('utf8')) : {}, raw };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: SimulatorOptions): Promise<void> {
  const path = (req.url ?? '').split('?')[0].replace(/^\/v1/, '');
  const { json, raw } = await readBody(req);
  const body = json ?? {};
  switch (path) {
    case '/chat/completions':
      return chat(body, res, options);
    case '/responses':
      return responses(body, res, options);
    case '/completions':
      return completions(body, res, options);
    case '/embeddings':
      return sendJSON(res, 200, embeddings(body));
    case '/audio/transcriptions':
    case '/audio/translations':
      return sendJSON(res, 200, {
        text: answer(12),
        usage: { type: 'duration', seconds: Math.max(1, Math.round(raw.length / 16000)) },
      });
    case '/images/generations':
      return sendJSON(res, 200, {
        created: now(),
        data: Array.from({ length: body.n ?? 1 }, () => ({ url: 'http://127.0.0.1/image.png' })),
      });
    default:
      return sendJSON(res, 404, { error: { message: `Unknown path ${path}`, type: 'invalid_request_error' } });
  }
}

function chat(body: RequestBody, res: ServerResponse, options: SimulatorOptions): void {
  const input = estimateTokens(body.messages) + (body.tools ? estimateTokens(body.tools) : 0);
  const wantsTool = Array.isArray(body.tools) && body.tools.length > 0 && lastRole(body.messages) === 'user';
  const words = answerWords(body, options);
  const text = wantsTool ? '' : answer(words);
  const toolCalls = wantsTool
    ? [
        {
          id: `call_${id()}`,
          type: 'function',
          function: { name: body.tools[0]?.function?.name ?? 'tool', arguments: '{"query":"context"}' },
        },
      ]
    : undefined;
  const output = wantsTool ? 12 : estimateTokens(text);
  const usage = usageBlock(input, output, options, 'chat');
  const base = { id: `chatcmpl-${id()}`, created: now(), model: servedModel(body.model), system_fingerprint: null };
  if (!body.stream) {
    const message = {
      role: 'assistant',
      content: wantsTool ? null : text,
      refusal: null,
      ...(toolCalls ? { tool_calls: toolCalls } : {}),
    };
    return sendJSON(res, 200, {
      ...base,
      object: 'chat.completion',
      choices: [{ index: 0, message, logprobs: null, finish_reason: wantsTool ? 'tool_calls' : 'stop' }],
      ...(options.usage === false ? {} : { usage }),
    });
  }
  const events: unknown[] = [];
  const chunk = (delta: unknown, finish: string | null) => ({
    ...base,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  events.push(chunk({ role: 'assistant', content: '' }, null));
  if (toolCalls) events.push(chunk({ tool_calls: toolCalls.map((t, index) => ({ index, ...t })) }, null));
  else for (const piece of pieces(text, options.streamChunks)) events.push(chunk({ content: piece }, null));
  events.push(chunk({}, wantsTool ? 'tool_calls' : 'stop'));
  if (body.stream_options?.include_usage) events.push({ ...base, object: 'chat.completion.chunk', choices: [], usage });
  sendSSE(
    res,
    events.map((e) => ({ data: e })),
    true,
  );
}

function responses(body: RequestBody, res: ServerResponse, options: SimulatorOptions): void {
  const input =
    estimateTokens(body.input) +
    (body.instructions ? estimateTokens(body.instructions) : 0) +
    (body.tools ? estimateTokens(body.tools) : 0);
  const text = answer(options.answerWords ?? 24);
  const output = estimateTokens(text);
  const u = usageBlock(input, output, options, 'responses');
  const respId = `resp_${id()}`;
  const item = {
    id: `msg_${id()}`,
    type: 'message',
    status: 'completed',
    role: 'assistant',
    content: [{ type: 'output_text', text, annotations: [] }],
  };
  const response = (status: string, withOutput: boolean) => ({
    id: respId,
    object: 'response',
    created_at: now(),
    status,
    model: servedModel(body.model),
    output: withOutput ? [item] : [],
    previous_response_id: body.previous_response_id ?? null,
    usage: withOutput && options.usage !== false ? u : null,
  });
  if (!body.stream) return sendJSON(res, 200, response('completed', true));
  let seq = 0;
  const events: Array<{ event: string; data: unknown }> = [];
  const push = (type: string, data: Record<string, unknown>) =>
    events.push({ event: type, data: { type, sequence_number: seq++, ...data } });
  push('response.created', { response: response('in_progress', false) });
  for (const delta of pieces(text, options.streamChunks))
    push('response.output_text.delta', { item_id: item.id, output_index: 0, content_index: 0, delta });
  push('response.output_text.done', { item_id: item.id, output_index: 0, content_index: 0, text });
  push('response.completed', { response: response('completed', true) });
  sendSSE(res, events, false);
}

function completions(body: RequestBody, res: ServerResponse, options: SimulatorOptions): void {
  const text = answer(options.answerWords ?? 24);
  const usage = usageBlock(estimateTokens(body.prompt), estimateTokens(text), options, 'chat');
  const base = { id: `cmpl-${id()}`, object: 'text_completion', created: now(), model: servedModel(body.model) };
  if (!body.stream)
    return sendJSON(res, 200, { ...base, choices: [{ index: 0, text, logprobs: null, finish_reason: 'stop' }], usage });
  const events = pieces(text, options.streamChunks).map((t) => ({
    data: { ...base, choices: [{ index: 0, text: t, logprobs: null, finish_reason: null as string | null }] },
  }));
  events.push({ data: { ...base, choices: [{ index: 0, text: '', logprobs: null, finish_reason: 'stop' }] } });
  sendSSE(res, events, true);
}

function embeddings(body: RequestBody): unknown {
  const inputs = Array.isArray(body.input) && typeof body.input[0] !== 'number' ? body.input : [body.input];
  const tokens = estimateTokens(body.input);
  return {
    object: 'list',
    data: inputs.map((_: unknown, index: number) => ({ object: 'embedding', index, embedding: [0.01, -0.02, 0.03] })),
    model: servedModel(body.model),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

function usageBlock(input: number, output: number, options: SimulatorOptions, shape: 'chat' | 'responses') {
  const cached = input >= 1024 ? Math.floor(input * (options.cachedShare ?? 0)) : 0;
  if (shape === 'responses') {
    return {
      input_tokens: input,
      input_tokens_details: { cached_tokens: cached },
      output_tokens: output,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: input + output,
    };
  }
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function answerWords(body: RequestBody, options: SimulatorOptions): number {
  const words = options.answerWords ?? 24;
  const max = body.max_completion_tokens ?? body.max_tokens;
  // About 0.75 words a token, as English text runs.
  return options.honorMaxTokens && typeof max === 'number' && max > 0
    ? Math.min(words, Math.max(1, Math.floor(max * 0.75)))
    : words;
}

function pieces(text: string, chunks?: number): string[] {
  const words = text.split(' ').map((w, i) => (i === 0 ? w : ` ${w}`));
  if (!chunks || chunks <= 0) return words;
  const out: string[] = [];
  for (let i = 0; i < chunks; i++) out.push(words[i % words.length]);
  return out;
}

function answer(words: number): string {
  return Array.from({ length: words }, (_, i) => WORDS[i % WORDS.length]).join(' ');
}

const lastRole = (messages: unknown): unknown =>
  Array.isArray(messages) ? (messages[messages.length - 1] as { role?: unknown })?.role : undefined;
const servedModel = (model: unknown): string => (typeof model === 'string' ? model : 'unknown');
const now = (): number => Math.floor(Date.now() / 1000);
let counter = 0;
const id = (): string => `sim${(++counter).toString(36)}${Date.now().toString(36)}`;

function sendJSON(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_${id()}` });
  res.end(text);
}

function sendSSE(res: ServerResponse, events: Array<{ event?: string; data: unknown }>, done: boolean): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': `req_${id()}` });
  let out = '';
  for (const e of events) out += `${e.event ? `event: ${e.event}\n` : ''}data: ${JSON.stringify(e.data)}\n\n`;
  if (done) out += 'data: [DONE]\n\n';
  res.end(out);
}
