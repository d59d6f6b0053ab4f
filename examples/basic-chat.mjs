// Basic chat, zero code changes: tokentax is loaded by the --import flag.
//
//   OPENAI_API_KEY=sk-... node --import tokentax/register examples/basic-chat.mjs
//
// Spans go wherever the standard OTEL_* variables say (OTLP to http://localhost:4318 by default), or
// with TOKENTAX_SPANS_FILE=spans.jsonl to a file that `npx tokentax report spans.jsonl` reads; they carry
// tokentax.context.* and tokentax.cost.* attributes. Without OPENAI_BASE_URL/OPENAI_API_KEY the
// example starts tokentax's local OpenAI-compatible simulator (no account, no network).
import OpenAI from 'openai';
import { startSimulator } from 'tokentax/demo';
import { describeSpanDestination } from 'tokentax/export';

const simulator = process.env.OPENAI_BASE_URL || process.env.OPENAI_API_KEY ? undefined : await startSimulator();
const client = new OpenAI({
  apiKey: process.env.OPENAI_API_KEY ?? 'sk-simulator',
  baseURL: process.env.OPENAI_BASE_URL ?? simulator?.baseURL,
});

const completion = await client.chat.completions.create({
  model: process.env.MODEL ?? 'gpt-4.1-mini',
  messages: [
    { role: 'system', content: 'You are a concise assistant.' },
    { role: 'user', content: 'In one sentence: why does resending the whole conversation cost money?' },
  ],
});
console.log(completion.choices[0].message.content);
console.log(`usage: ${completion.usage.prompt_tokens} input, ${completion.usage.completion_tokens} output tokens`);
await simulator?.close();
console.log(describeSpanDestination());
