// Send tokentax spans to Honeycomb over OTLP/HTTP, then query cost by scenario there
// (e.g. SUM(tokentax.cost.usd) vs SUM(tokentax.cost.together.usd), GROUP BY gen_ai.request.model).
//
//   HONEYCOMB_API_KEY=... OPENAI_API_KEY=sk-... node examples/honeycomb.cjs
//
// HONEYCOMB_ENDPOINT overrides https://api.honeycomb.io (the EU region: https://api.eu1.honeycomb.io).
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { createTokentax, withConversation } = require('tokentax');
const { startSimulator } = require('tokentax/demo');

async function main() {
  const apiKey = process.env.HONEYCOMB_API_KEY;
  if (!apiKey) {
    console.error('Set HONEYCOMB_API_KEY (a Honeycomb ingest key) to run this example.');
    process.exitCode = 2;
    return;
  }
  const endpoint = (process.env.HONEYCOMB_ENDPOINT ?? 'https://api.honeycomb.io').replace(/\/$/, '');
  const tokentax = createTokentax();
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME ?? 'tokentax-honeycomb-example',
    instrumentations: [tokentax.instrumentation],
    spanProcessors: [
      ...tokentax.spanProcessors,
      new BatchSpanProcessor(
        new OTLPTraceExporter({ url: `${endpoint}/v1/traces`, headers: { 'x-honeycomb-team': apiKey } }),
      ),
    ],
    // Traces only here. Without these two lines NodeSDK would also push metrics and logs to the
    // default OTLP endpoint (localhost:4318); for tokentax's metrics see examples/prometheus.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();

  const { OpenAI } = require('openai');
  const simulator = process.env.OPENAI_BASE_URL || process.env.OPENAI_API_KEY ? undefined : await startSimulator();
  const client = new OpenAI({
    apiKey: process.env.OPENAI_API_KEY ?? 'sk-simulator',
    baseURL: process.env.OPENAI_BASE_URL ?? simulator?.baseURL,
  });
  try {
    await withConversation('honeycomb-example', async () => {
      const messages = [{ role: 'user', content: 'Summarise OpenTelemetry in one line.' }];
      for (let turn = 0; turn < 2; turn++) {
        const res = await client.chat.completions.create({ model: process.env.MODEL ?? 'gpt-4.1-mini', messages });
        messages.push(res.choices[0].message, { role: 'user', content: 'Shorter, please.' });
        console.log(res.choices[0].message.content);
      }
    });
  } finally {
    await simulator?.close();
    await sdk.shutdown();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
