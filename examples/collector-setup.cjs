// Behind an OpenTelemetry Collector that prices spans itself (`npx tokentax collector-config`):
// the application records context and usage only (cost: false) and sends OTLP to the collector.
//
//   npx tokentax collector-config --out collector.yaml   # then run a collector with it
//   OPENAI_API_KEY=sk-... node examples/collector-setup.cjs
//
// startTokentaxSDK() is what tokentax/register runs: a NodeSDK from the standard OTEL_* variables
// (OTEL_EXPORTER_OTLP_ENDPOINT, default http://localhost:4318, the collector's OTLP/HTTP receiver),
// flushed at exit within TOKENTAX_SHUTDOWN_TIMEOUT_MS.
const { startTokentaxSDK } = require('tokentax');
const { startSimulator } = require('tokentax/demo');
const { describeSpanDestination } = require('tokentax/export');

async function main() {
  startTokentaxSDK({ cost: false }); // the collector adds tokentax.cost.*
  // Require openai after the SDK started, so the instrumentation patches it.
  const { OpenAI } = require('openai');
  const simulator = process.env.OPENAI_BASE_URL || process.env.OPENAI_API_KEY ? undefined : await startSimulator();
  const client = new OpenAI({
    apiKey: process.env.OPENAI_API_KEY ?? 'sk-simulator',
    baseURL: process.env.OPENAI_BASE_URL ?? simulator?.baseURL,
  });
  try {
    const res = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'where does the money go?' });
    console.log(`embedding of ${res.data[0].embedding.length} dimensions`);
    const chat = await client.chat.completions.create({
      model: process.env.MODEL ?? 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'Hello, collector.' }],
    });
    console.log(chat.choices[0].message.content);
  } finally {
    await simulator?.close();
  }
  console.log(describeSpanDestination());
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
