/** Each operation's request shape, server-held state, tokenizer choice and never-throw behaviour. */
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context, diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContextMeter, getConversationId, withConversation } from '../../src/context';
import { countTokens, encodeLength, encodingForModelName } from '../../src/context/tokenizer';
import { IMAGE_TOKENS, MESSAGE_OVERHEAD, REPLY_PRIMING } from '../../src/context/overheads';
import type { ContextRequest, ModelCatalog } from '../../src/contracts';
import {
  ATTR_CONTEXT_HISTORY_TOKENS,
  ATTR_CONTEXT_MESSAGES,
  ATTR_CONTEXT_NEW_TOKENS,
  ATTR_CONTEXT_RECYCLED_TOKENS,
  ATTR_CONTEXT_SERVER_STATE,
  ATTR_CONTEXT_SYSTEM_TOKENS,
  ATTR_CONTEXT_TOKENS,
  ATTR_CONTEXT_TOOLS_TOKENS,
  ATTR_CONTEXT_TURN,
  ATTR_CONVERSATION_KEY,
  ATTR_USAGE_ESTIMATED,
  OPERATION,
} from '../../src/semconv';
import { testCatalog } from './helpers';

const chat = (params: Record<string, unknown>, extra: Partial<ContextRequest> = {}): ContextRequest => ({
  operation: OPERATION.chat,
  provider: 'openai',
  model: String(params?.model ?? 'gpt-test'),
  params,
  ...extra,
});
const o200k = (s: string): number => encodeLength('o200k_base', s);

describe('tokenizer', () => {
  it('counts text that looks like special tokens as plain text, without throwing', () => {
    const text = 'before <|endoftext|> and <|im_start|>system<|im_end|> <|fim_prefix|> after';
    expect(countTokens('o200k_base', text)).toBe(o200k(text));
    expect(countTokens('o200k_base', text)).toBeGreaterThan(10);
    const meter = createContextMeter();
    expect(meter.countText('gpt-4o', text).value()).toBe(o200k(text));
    const done = meter.measure(chat({ messages: [{ role: 'user', content: text }] })).complete(undefined);
    expect(done.inputTokens).toBe(o200k(text) + MESSAGE_OVERHEAD + REPLY_PRIMING);
  });

  it('gives the same count piece by piece (memoised) as whole-text encoding, on any text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 200 }),
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.lorem({ maxCount: 50 }),
        ),
        (s) => {
          expect(countTokens('o200k_base', s)).toBe(o200k(s));
          expect(countTokens('cl100k_base', s)).toBe(encodeLength('cl100k_base', s));
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });

  it('agrees with js-tiktoken on real prose, code, JSON and awkward Unicode', () => {
    const read = (rel: string, n: number): string => readFileSync(join(process.cwd(), rel), 'utf8').slice(0, n);
    const samples = [
      read('node_modules/typescript/lib/lib.es5.d.ts', 120_000),
      read('package-lock.json', 60_000),
      read('node_modules/js-tiktoken/README.md', 20_000),
      '\uFEFFBOM first \u0085 next-line \u2028 sep ſ\u2019s contraction \u{1F600}\u{1F469}\u200D\u{1F4BB} 東京都の天気は晴れです。 مرحبا بالعالم',
      ' '.repeat(250) + '\n\n\n' + '\t'.repeat(200) + 'x',
      'a\ud800b lone surrogate \udfff end',
    ];
    for (const text of samples) {
      expect(countTokens('o200k_base', text)).toBe(o200k(text));
      expect(countTokens('cl100k_base', text)).toBe(encodeLength('cl100k_base', text));
    }
  });

  it('counts pathological long pieces in bounded chunks, within a token per chunk', () => {
    for (const text of ['a'.repeat(3000), ' '.repeat(3000) + 'x', '7'.repeat(3000), 'é'.repeat(1500)]) {
      const chunks = Math.ceil(Buffer.byteLength(text) / 256);
      expect(Math.abs(countTokens('o200k_base', text) - o200k(text))).toBeLessThanOrEqual(chunks);
    }
  });

  it('picks the encoding of the model family, and scales other families by their ratio', () => {
    expect(encodingForModelName('gpt-3.5-turbo')).toBe('cl100k_base');
    expect(encodingForModelName('gpt-4-0613')).toBe('cl100k_base');
    expect(encodingForModelName('text-embedding-ada-002')).toBe('cl100k_base');
    expect(encodingForModelName('gpt-4o-mini')).toBe('o200k_base');
    expect(encodingForModelName('gpt-4.1')).toBe('o200k_base');
    expect(encodingForModelName('openai/gpt-5')).toBe('o200k_base');
    const text = 'Tokenizers differ: ' + 'naïve café 12345 '.repeat(20);
    const meter = createContextMeter({ catalog: testCatalog, tokenizerRatios: { llama3: 1.25 } });
    expect(meter.countText('gpt-old', text).value()).toBe(encodeLength('cl100k_base', text));
    expect(meter.countText('gpt-test', text).value()).toBe(o200k(text));
    expect(meter.countText('llama-test', text).value()).toBe(Math.round(o200k(text) * 1.25));
    expect(createContextMeter({ catalog: testCatalog }).countText('llama-test', text).value()).toBe(o200k(text));
  });
});

describe('chat completions', () => {
  it('counts string and parts content, names, images (flat), and response_format schemas', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } } };
    const params = {
      model: 'gpt-test',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        {
          role: 'user',
          name: 'ann',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'x' } },
            { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } },
          ],
        },
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'reply', schema } },
    };
    const a = createContextMeter().measure(chat(params)).complete(undefined).attributes;
    const system = o200k('Be brief.') + MESSAGE_OVERHEAD + o200k(`reply\n${JSON.stringify(schema)}`);
    const user = o200k('What is this?\nann') + MESSAGE_OVERHEAD + 1 + IMAGE_TOKENS;
    expect(a[ATTR_CONTEXT_SYSTEM_TOKENS]).toBe(system);
    expect(a[ATTR_CONTEXT_NEW_TOKENS]).toBe(user + REPLY_PRIMING);
    expect(a[ATTR_CONTEXT_TOKENS]).toBe(system + user + REPLY_PRIMING);
    expect(a[ATTR_CONTEXT_MESSAGES]).toBe(2);
  });

  it('re-describes a message whose content was replaced or whose parts array grew in place', () => {
    const meter = createContextMeter();
    const msg: Record<string, unknown> = { role: 'user', content: 'short' };
    const count = (): number => meter.measure(chat({ messages: [msg] })).complete(undefined).inputTokens;
    expect(count()).toBe(o200k('short') + MESSAGE_OVERHEAD + REPLY_PRIMING);
    msg.content = 'a much longer question than before';
    expect(count()).toBe(o200k('a much longer question than before') + MESSAGE_OVERHEAD + REPLY_PRIMING);
    const parts = [{ type: 'text', text: 'one' }];
    msg.content = parts;
    expect(count()).toBe(o200k('one') + MESSAGE_OVERHEAD + REPLY_PRIMING);
    parts.push({ type: 'text', text: 'two' });
    expect(count()).toBe(o200k('one\ntwo') + MESSAGE_OVERHEAD + REPLY_PRIMING);
  });

  it('counts legacy functions as tool definitions', () => {
    const fn = {
      name: 'lookup',
      description: 'Look up a word',
      parameters: { type: 'object', properties: { word: { type: 'string' } } },
    };
    const a = createContextMeter()
      .measure(chat({ messages: [{ role: 'user', content: 'hi' }], functions: [fn] }))
      .complete(undefined).attributes;
    expect(a[ATTR_CONTEXT_TOOLS_TOKENS]).toBeGreaterThan(o200k('lookup Look up a word word string'));
  });
});

describe('Responses API', () => {
  it('counts instructions as system and input items by kind', () => {
    const params = {
      model: 'gpt-test',
      instructions: 'Answer in up to 3 words.',
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        { type: 'function_call', call_id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'c1', output: '{"temp":22}' },
        {
          type: 'reasoning',
          id: 'rs_1',
          summary: [{ type: 'summary_text', text: 'Need the weather.' }],
          encrypted_content: 'zzzz',
        },
      ],
    };
    const a = createContextMeter().measure(chat(params)).complete(undefined).attributes;
    expect(a[ATTR_CONTEXT_MESSAGES]).toBe(4);
    expect(a[ATTR_CONTEXT_SYSTEM_TOKENS]).toBe(o200k('Answer in up to 3 words.') + MESSAGE_OVERHEAD);
    // the function_call_output follows the last assistant-side item (reasoning): new this turn
    expect(a[ATTR_CONTEXT_NEW_TOKENS]).toBe(0 + REPLY_PRIMING);
    expect(a[ATTR_CONTEXT_HISTORY_TOKENS]).toBeGreaterThan(o200k('Weather in Paris?') + o200k('{"temp":22}'));
    expect(a[ATTR_CONTEXT_SERVER_STATE]).toBeUndefined();
  });

  it('follows previous_response_id chains and says the server holds the history', () => {
    const meter = createContextMeter({ catalog: testCatalog });
    const first = meter.measure(chat({ model: 'gpt-test', input: 'Tell me a story.' }));
    first.complete(40, { responseId: 'resp_1' });
    const second = meter.measure(chat({ model: 'gpt-test', input: 'Shorter.', previous_response_id: 'resp_1' }));
    expect(second.attributes[ATTR_CONTEXT_SERVER_STATE]).toBe(true);
    expect(second.attributes[ATTR_CONTEXT_TURN]).toBe(2);
    expect(second.attributes[ATTR_CONVERSATION_KEY]).toBe(first.attributes[ATTR_CONVERSATION_KEY]);
    const visible = o200k('Shorter.') + MESSAGE_OVERHEAD + REPLY_PRIMING;
    const a = second.complete(700, { responseId: 'resp_2' }).attributes;
    expect(a[ATTR_CONTEXT_TOKENS]).toBe(700);
    expect(a[ATTR_CONTEXT_HISTORY_TOKENS]).toBe(700 - visible);
    // The server re-feeds the previous input (recycled, at most what that request held) and its answer.
    expect(a[ATTR_CONTEXT_RECYCLED_TOKENS]).toBe(40);
    const other = createContextMeter({ catalog: testCatalog });
    other.measure(chat({ model: 'gpt-test', input: 'Tell me a story.' })).complete(900, { responseId: 'resp_9' });
    const next = other.measure(chat({ model: 'gpt-test', input: 'More.', previous_response_id: 'resp_9' }));
    expect(next.complete(30, {}).attributes[ATTR_CONTEXT_RECYCLED_TOKENS]).toBeLessThanOrEqual(30);

    // Without usage the history is unknown: no history or recycled figures, tokens only what we saw.
    const third = meter.measure(chat({ model: 'gpt-test', input: 'Again.', previous_response_id: 'resp_2' }));
    expect(third.attributes[ATTR_CONTEXT_TURN]).toBe(3);
    const b = third.complete(undefined).attributes;
    expect(b[ATTR_CONTEXT_HISTORY_TOKENS]).toBeUndefined();
    expect(b[ATTR_CONTEXT_RECYCLED_TOKENS]).toBeUndefined();
    expect(b[ATTR_CONTEXT_TOKENS]).toBe(o200k('Again.') + MESSAGE_OVERHEAD + REPLY_PRIMING);
    expect(b[ATTR_USAGE_ESTIMATED]).toBe(true);
  });

  it('does not invent a turn for a chain that started before we saw it; uses `conversation` as the key', () => {
    const meter = createContextMeter();
    const m = meter.measure(chat({ input: 'Hi', previous_response_id: 'resp_unknown' }));
    expect(m.attributes[ATTR_CONTEXT_SERVER_STATE]).toBe(true);
    expect(m.attributes[ATTR_CONTEXT_TURN]).toBeUndefined();
    const c = meter.measure(chat({ input: 'Hi', conversation: { id: 'conv_123' } }));
    expect(c.attributes[ATTR_CONVERSATION_KEY]).toBe('conv_123');
    expect(c.attributes[ATTR_CONTEXT_SERVER_STATE]).toBe(true);
  });
});

describe('embeddings and legacy completions', () => {
  it('counts embedding inputs (strings and token arrays) as input tokens only', () => {
    const meter = createContextMeter();
    const req = (input: unknown): ContextRequest => ({
      operation: OPERATION.embeddings,
      provider: 'openai',
      model: 'text-embedding-3-small',
      params: { input },
    });
    const strings = meter.measure(req(['One fish', 'two fish'])).complete(undefined);
    expect(strings.inputTokens).toBe(encodeLength('cl100k_base', 'One fish') + encodeLength('cl100k_base', 'two fish'));
    expect(strings.attributes[ATTR_CONTEXT_MESSAGES]).toBe(2);
    expect(strings.attributes[ATTR_CONTEXT_TURN]).toBeUndefined();
    expect(meter.measure(req([1, 2, 3])).complete(undefined).inputTokens).toBe(3);
    expect(
      meter
        .measure(
          req([
            [1, 2],
            [3, 4, 5],
          ]),
        )
        .complete(undefined).inputTokens,
    ).toBe(5);
    expect(meter.measure(req('solo')).complete(undefined).attributes[ATTR_CONTEXT_NEW_TOKENS]).toBe(
      encodeLength('cl100k_base', 'solo'),
    );
  });

  it('counts completion prompts and links them only under an explicit conversation id', () => {
    const meter = createContextMeter();
    const req = (prompt: unknown, conversationId?: string): ContextRequest => ({
      operation: OPERATION.textCompletion,
      provider: 'openai',
      model: 'gpt-3.5-turbo-instruct',
      params: { prompt },
      conversationId,
    });
    expect(meter.measure(req('Say hi')).complete(undefined).inputTokens).toBe(encodeLength('cl100k_base', 'Say hi'));
    expect(meter.measure(req(['a b', 'c'])).complete(undefined).inputTokens).toBe(
      encodeLength('cl100k_base', 'a b') + 1,
    );
    expect(meter.measure(req('Say hi')).attributes[ATTR_CONTEXT_TURN]).toBeUndefined();
    meter.measure(req('Say hi', 'k'));
    expect(meter.measure(req('Say hi', 'k')).attributes[ATTR_CONTEXT_TURN]).toBe(2);
  });
});

describe('never throws into the application', () => {
  it('survives odd requests, a failing catalog and repeated completion', () => {
    const broken: ModelCatalog = {
      model: () => {
        throw new Error('catalog down');
      },
    };
    const meter = createContextMeter({ catalog: broken });
    const odd: unknown[] = [
      null,
      42,
      { messages: 'nope' },
      { messages: [null, 7, { role: 5, content: { weird: true } }] },
      { input: [null, { type: 'item_reference', id: 'x' }] },
    ];
    for (const params of odd) {
      const m = meter.measure(chat(params as Record<string, unknown>));
      const done = m.complete(undefined);
      expect(m.complete(undefined)).toBe(done);
      expect(Number.isFinite(done.inputTokens)).toBe(true);
    }
    const cyclic: Record<string, unknown> = { type: 'computer_call' };
    cyclic.self = cyclic;
    const done = meter.measure(chat({ input: [cyclic] })).complete(12);
    expect(done.inputTokens).toBe(12);
    expect(meter.countText('gpt-test', undefined as unknown as string).value()).toBe(0);
    // A call without a model name (the SDK rejects it later) is still measured.
    const noModel = meter.measure({
      ...chat({ messages: [{ role: 'user', content: 'hello' }] }),
      model: undefined as unknown as string,
    });
    expect(noModel.complete(undefined).inputTokens).toBe(o200k('hello') + MESSAGE_OVERHEAD + REPLY_PRIMING);
  });
});

describe('what the instrumentation reads', () => {
  it('returns recycled tokens beside the attributes, and nothing for operations without text context', () => {
    const meter = createContextMeter();
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi there' },
    ];
    meter.measure(chat({ messages })).complete(20);
    const second = meter
      .measure(
        chat({ messages: [...messages, { role: 'assistant', content: 'Hello!' }, { role: 'user', content: 'Bye' }] }),
      )
      .complete(30);
    expect(second.recycledTokens).toBe(second.attributes[ATTR_CONTEXT_RECYCLED_TOKENS]);
    expect(second.recycledTokens).toBeGreaterThan(0);
    const audio = meter.measure({
      operation: OPERATION.transcription,
      provider: 'openai',
      model: 'whisper-1',
      params: { file: {} },
    });
    expect(audio.attributes).toEqual({});
    expect(audio.complete(undefined)).toEqual({ attributes: {}, inputTokens: 0, estimated: true });
    const withUsage = meter
      .measure({ operation: OPERATION.transcription, provider: 'openai', model: 'whisper-1', params: {} })
      .complete(7);
    expect(withUsage).toEqual({ attributes: {}, inputTokens: 7, estimated: false });
  });

  it('reports a failure once through diag, and keeps measuring', () => {
    const warnings: unknown[][] = [];
    const logger: DiagLogger = {
      error: () => {},
      warn: (...a) => void warnings.push(a),
      info: () => {},
      debug: () => {},
      verbose: () => {},
    };
    diag.setLogger(logger, DiagLogLevel.WARN);
    try {
      const meter = createContextMeter({
        catalog: {
          model: () => {
            throw new Error('catalog down');
          },
        },
      });
      for (let i = 0; i < 3; i++) {
        const done = meter.measure(chat({ messages: [{ role: 'user', content: `q${i}` }] })).complete(10);
        expect(done.inputTokens).toBe(10);
      }
      expect(warnings.length).toBe(1);
      expect(String(warnings[0][0])).toContain('catalog');
    } finally {
      diag.disable();
    }
  });
});

describe('conversation id on the active context', () => {
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => context.setGlobalContextManager(manager.enable()));
  afterAll(() => context.disable());

  it('is visible inside withConversation, across awaits, and gone outside', async () => {
    expect(getConversationId()).toBeUndefined();
    const seen = await withConversation('conv-42', async () => {
      await new Promise((r) => setTimeout(r, 1));
      return [getConversationId(), withConversation('inner', () => getConversationId()), getConversationId()];
    });
    expect(seen).toEqual(['conv-42', 'inner', 'conv-42']);
    expect(getConversationId()).toBeUndefined();
  });
});
