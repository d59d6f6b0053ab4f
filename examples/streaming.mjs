// Streaming: the span ends when the stream does, with usage from the final chunk.
//
//   OPENAI_API_KEY=sk-... node --import tokentax/register examples/streaming.mjs
//
// Ask for usage in the stream (stream_options.include_usage) to get exact token counts; without
// it tokentax counts the streamed text with the model's tokenizer (tokentax.usage.estimated=true).
import OpenAI from 'openai';
import { startSimulator } from 'tokentax/demo';
import { describeSpanDestination } from 'tokentax/export';

const simulator = process.env.OPENAI_BASE_URL || process.env.OPENAI_API_KEY ? undefined : await startSimulator();
const client = new OpenAI({
  apiKey: process.env.OPENAI_API_KEY ?? 'sk-simulator',
  baseURL: process.env.OPENAI_BASE_URL ?? simulator?.baseURL,
});

const stream = await client.chat.completions.create({
  model: process.env.MODEL ?? 'gpt-4.1-mini',
  messages: [{ role: 'user', content: 'Write a haiku about context windows.' }],
  stream: true,
  stream_options: { include_usage: true },
});
let text = '';
for await (const chunk of stream) {
  text += chunk.choices[0]?.delta?.content ?? '';
  if (chunk.usage)
    console.log(`\nusage: ${chunk.usage.prompt_tokens} input, ${chunk.usage.completion_tokens} output tokens`);
}
console.log(text);
await simulator?.close();
console.log(describeSpanDestination());
