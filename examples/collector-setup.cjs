// Behind an OpenTelemetry Collector that prices spans itself (`npx tokentax collector-config`):
// the application records context and usage only (cost: false) and sends OTLP to the collector.
//
//   npx tokentax collector-config --out collector.yaml   # then run a collector with it
//   OPENAI_API_KEY=sk-... node examples/collector-setup.cjs
//
// TOKENTAX_COLLECTOR_ENDPOINT defaults to the collector's OTLP/HTTP receiver on http://127.0.0.1:4318.
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { createTokentax, startSimulator } = require('tokentax');

async function main() {
  const endpoint = (process.env.TOKENTAX_COLLECTOR_ENDPOINT ?? 'http://127.0.0.1:4318').replace(/\/$/, '');
  const tokentax = createTokentax({ cost: false }); // the collector adds tokentax.cost.*
  const sdk = new NodeSDK({
    serviceName: 'collector-example',
    instrumentations: [tokentax.instrumentation],
    spanProcessors: [
      ...tokentax.spanProcessors,
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint}/v1/traces` })),
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
    const res = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'where does the money go?' });
    console.log(`embedding of ${res.data[0].embedding.length} dimensions`);
    const chat = await client.chat.completions.create({
      model: process.env.MODEL ?? 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'Hello, collector.' }],
    });
    console.log(chat.choices[0].message.content);
  } finally {
    await simulator?.close();
    await sdk.shutdown();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
