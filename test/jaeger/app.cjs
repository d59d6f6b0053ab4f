// A short-lived app for the Jaeger test: one small question on gpt-4o-mini (not bloated), then three
// turns of a conversation that resends a ~24k-token document (bloated: tokens >= 20000), then exits;
// tokentax/register flushes the spans at exit. It knows nothing about tokentax.
const { OpenAI } = require('openai');

async function main() {
  const client = new OpenAI({ apiKey: 'sk-jaeger-test', baseURL: process.env.SIM_URL, maxRetries: 0 });
  await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Which ocean contains Bouvet Island?' }],
  });
  const doc = 'The quarterly report lists revenue, costs and the forecast for every region in detail. '.repeat(1100);
  const messages = [{ role: 'system', content: doc }];
  for (let turn = 1; turn <= 3; turn++) {
    messages.push({ role: 'user', content: `Question ${turn}: what changed since the last summary?` });
    const r = await client.chat.completions.create({ model: 'gpt-4o', messages });
    messages.push({ role: 'assistant', content: r.choices[0].message.content });
  }
  console.log('done');
}
main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
