/**
 * The demo's workload, shaped like the traffic our users bring: a 10-turn coding agent that resends
 * a large repository context every turn, a RAG flow with large retrieved chunks, and many short
 * classification calls. Text is generated (deterministic), never real data.
 */
import { withConversation } from '../context';

/** The subset of the `openai` client the workload uses (any major 4-7). */
export interface ChatClient {
  chat: {
    completions: {
      create(body: Record<string, unknown>): Promise<{ choices: Array<{ message?: { content?: string | null } }> }>;
    };
  };
  embeddings: { create(body: Record<string, unknown>): Promise<unknown> };
}

export interface WorkloadModels {
  agent: string;
  rag: string;
  classify: string;
  /** Empty: no embedding calls. */
  embed: string;
}

export const DEFAULT_MODELS: WorkloadModels = {
  agent: 'gpt-4.1',
  rag: 'gpt-4.1-mini',
  classify: 'gpt-4.1-nano',
  embed: 'text-embedding-3-small',
};

export interface WorkloadSize {
  agentTurns: number;
  /** Source files in the repository context the agent resends (about 600 tokens each). */
  repoFiles: number;
  ragQuestions: number;
  ragChunks: number;
  classifications: number;
}

export const DEFAULT_SIZE: WorkloadSize = {
  agentTurns: 10,
  repoFiles: 40,
  ragQuestions: 8,
  ragChunks: 6,
  classifications: 40,
};

const IDENT = [
  'order',
  'invoice',
  'customer',
  'payment',
  'ledger',
  'refund',
  'shipment',
  'account',
  'session',
  'token',
  'quota',
  'report',
];

function sourceFile(i: number): string {
  const a = IDENT[i % IDENT.length];
  const b = IDENT[(i * 7 + 3) % IDENT.length];
  const lines = [`// src/${a}/${b}-${i}.ts`, `import { ${b}Store } from '../${b}/store';`, ''];
  for (let f = 0; f < 6; f++) {
    lines.push(
      `export async function ${a}${f}${b}(id: string, limit = ${10 + f}): Promise<number> {`,
      `  const rows = await ${b}Store.query({ ${a}Id: id, limit });`,
      `  if (rows.length === 0) throw new Error('no ${b} for ${a} ' + id);`,
      `  return rows.reduce((sum, row) => sum + row.amount * ${f + 1}, 0);`,
      '}',
      '',
    );
  }
  return lines.join('\n');
}

function paragraph(seed: number, sentences: number): string {
  const out: string[] = [];
  for (let s = 0; s < sentences; s++) {
    const a = IDENT[(seed + s) % IDENT.length];
    const b = IDENT[(seed * 3 + s * 5) % IDENT.length];
    out.push(
      `The ${a} service records each ${b} event with its amount, currency and timestamp, and reconciles them nightly against section ${seed}.${s}.`,
    );
  }
  return out.join(' ');
}

async function codingAgent(client: ChatClient, model: string, size: WorkloadSize): Promise<void> {
  const repo = Array.from({ length: size.repoFiles }, (_, i) => sourceFile(i)).join('\n\n');
  const messages: Array<{ role: string; content: string }> = [
    {
      role: 'system',
      content: 'You are a coding agent. Answer with a short plan and the next edit. The repository follows.\n\n' + repo,
    },
    { role: 'user', content: 'The refund totals are off by one cent on some invoices. Find the cause and fix it.' },
  ];
  await withConversation('demo-coding-agent', async () => {
    for (let turn = 1; turn <= size.agentTurns; turn++) {
      const res = await client.chat.completions.create({ model, messages, max_tokens: 400 });
      messages.push({ role: 'assistant', content: res.choices[0]?.message?.content ?? '' });
      messages.push({
        role: 'user',
        content: `Tool result (turn ${turn}): test output and the file you asked for:\n${sourceFile(100 + turn)}`,
      });
    }
  });
}

async function rag(client: ChatClient, models: WorkloadModels, size: WorkloadSize): Promise<void> {
  for (let q = 0; q < size.ragQuestions; q++) {
    const question = `How are ${IDENT[q % IDENT.length]} events reconciled when the currency differs?`;
    if (models.embed) {
      // A provider without this embedding model still runs the rest of the flow.
      await client.embeddings.create({ model: models.embed, input: question }).catch(() => undefined);
    }
    const chunks = Array.from(
      { length: size.ragChunks },
      (_, c) => `[chunk ${q}.${c}]\n${paragraph(q * 10 + c, 40)}`,
    ).join('\n\n');
    await client.chat.completions.create({
      model: models.rag,
      messages: [
        { role: 'system', content: 'Answer from the documents only. Cite chunk numbers.' },
        { role: 'user', content: `Documents:\n${chunks}\n\nQuestion: ${question}` },
      ],
      max_tokens: 300,
    });
  }
}

async function classify(client: ChatClient, model: string, size: WorkloadSize): Promise<void> {
  const labels = 'billing, bug, feature_request, account, other';
  for (let i = 0; i < size.classifications; i++) {
    await client.chat.completions.create({
      model,
      messages: [
        { role: 'system', content: `Classify the support ticket as one of: ${labels}. Answer with the label only.` },
        { role: 'user', content: paragraph(i, 2) },
      ],
      max_tokens: 5,
    });
  }
}

/** Runs the three flows in turn; returns the number of API calls made. */
export async function runWorkload(
  client: ChatClient,
  models: WorkloadModels = DEFAULT_MODELS,
  size: WorkloadSize = DEFAULT_SIZE,
): Promise<number> {
  await codingAgent(client, models.agent, size);
  await rag(client, models, size);
  await classify(client, models.classify, size);
  return size.agentTurns + size.ragQuestions * 2 + size.classifications;
}
