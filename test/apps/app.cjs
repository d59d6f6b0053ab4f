// A small CommonJS application: it knows nothing about tokentax (loaded with --require).
const { OpenAI } = require('openai');

async function main() {
  const client = new OpenAI({ apiKey: 'sk-app-SECRET', baseURL: process.env.SIM_URL, maxRetries: 0 });
  const messages = [{ role: 'user', content: 'Which ocean contains Bouvet Island?' }];
  await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
  for await (const _ of await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true })) void _;
  if (process.env.APP_WAIT_FOR_SIGNAL) {
    console.log('ready');
    setInterval(() => {}, 1000);
    return;
  }
  if (process.env.APP_EXIT_CODE) process.exitCode = Number(process.env.APP_EXIT_CODE);
}
main();
