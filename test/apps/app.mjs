// A small ESM application: it knows nothing about tokentax (loaded with --import).
import OpenAI from 'openai';

const client = new OpenAI({ apiKey: 'sk-app-SECRET', baseURL: process.env.SIM_URL, maxRetries: 0 });
const messages = [{ role: 'user', content: 'Which ocean contains Bouvet Island?' }];
await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
for await (const _ of await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true })) void _;
if (process.env.APP_WAIT_FOR_SIGNAL) {
  console.log('ready');
  setInterval(() => {}, 1000);
} else if (process.env.APP_EXIT_CODE) process.exitCode = Number(process.env.APP_EXIT_CODE);
