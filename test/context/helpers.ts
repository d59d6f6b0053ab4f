/** Hand-built conversations and a small model catalog for the context tests. */
import type { ContextRequest, ModelCatalog, ModelInfo } from '../../src/contracts';
import { OPERATION } from '../../src/semconv';

const MODELS: Record<string, ModelInfo> = {
  'gpt-test': { window: 128_000, tokenizer: 'o200k' },
  'gpt-small-window': { window: 30_000, tokenizer: 'o200k' },
  'gpt-old': { window: 16_000, tokenizer: 'cl100k' },
  'llama-test': { window: 128_000, tokenizer: 'llama3' },
};

export const testCatalog: ModelCatalog = { model: (name) => MODELS[name] };

const WORDS = (
  'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa ' +
  'quebec romeo sierra tango uniform victor whiskey xray yankee zulu config deploy server cluster latency ' +
  'request response token window budget invoice ledger account region replica shard index query cache'
).split(' ');

/** Deterministic prose of `words` words (seeded), different for each seed. */
export function prose(words: number, seed: number): string {
  let x = seed * 2654435761 + 1;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(WORDS[x % WORDS.length]);
    if (i % 17 === 16) out.push(`${x % 1000}.`);
  }
  return out.join(' ');
}

export const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'read_file',
      description: 'Read a file from the repository',
      parameters: {
        type: 'object',
        properties: { path: { type: 'string', description: 'Path relative to the root' }, limit: { type: 'integer' } },
        required: ['path'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'search',
      description: 'Search the code base',
      parameters: {
        type: 'object',
        properties: { query: { type: 'string' }, kind: { type: 'string', enum: ['code', 'docs'] } },
        required: ['query'],
      },
    },
  },
];

/**
 * An agent loop as an application builds it: one messages array that grows by an assistant tool call
 * and a tool result per turn; request n is sent with the array as it stands.
 */
export function agentLoop(
  turns: number,
  opts: { systemWords: number; resultWords: number; seed: number; model?: string },
): ContextRequest[] {
  const messages: Array<Record<string, unknown>> = [
    { role: 'system', content: prose(opts.systemWords, opts.seed) },
    { role: 'user', content: `Task ${opts.seed}: ${prose(40, opts.seed + 1)}` },
  ];
  const requests: ContextRequest[] = [];
  for (let turn = 1; turn <= turns; turn++) {
    requests.push({
      operation: OPERATION.chat,
      provider: 'openai',
      model: opts.model ?? 'gpt-test',
      params: { model: opts.model ?? 'gpt-test', messages: [...messages], tools: TOOLS },
    });
    const id = `call_${opts.seed}_${turn}`;
    messages.push({
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id,
          type: 'function',
          function: { name: 'read_file', arguments: JSON.stringify({ path: `src/file${turn}.ts` }) },
        },
      ],
    });
    messages.push({ role: 'tool', tool_call_id: id, content: prose(opts.resultWords, opts.seed * 100 + turn) });
  }
  return requests;
}
