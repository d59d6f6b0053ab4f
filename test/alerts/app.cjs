// The instrumented demo app for the alert smoke test: one conversation that resends a big system
// prompt and its whole history every turn (context bloat in miniature), until it is stopped.
// It knows nothing about tokentax: the test runs it with `node --import tokentax/register`.
const { OpenAI } = require('openai');

async function main() {
  const client = new OpenAI({ apiKey: 'sk-alerts-test', baseURL: process.env.SIM_URL, maxRetries: 0 });
  const model = process.env.APP_MODEL || 'gpt-4o';
  const paragraph = 'The quarterly report lists revenue, costs and the forecast for every region in detail. ';
  const messages = [{ role: 'system', content: paragraph.repeat(Number(process.env.APP_SYSTEM_REPEAT || 100)) }];
  for (let turn = 1; ; turn++) {
    messages.push({ role: 'user', content: `Question ${turn}: what changed since the last summary?` });
    const r = await client.chat.completions.create({ model, messages });
    messages.push({ role: 'assistant', content: r.choices[0].message.content });
    if (turn === 1) console.log('first call done');
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.APP_PAUSE_MS || 100)));
  }
}
main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
