// tokentax in your own NodeSDK: one instrumentation and its span processors, next to your exporter.
//
//   OPENAI_API_KEY=sk-... node examples/nodesdk-setup.cjs
//
// Spans go to an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT, default http://localhost:4318) or, with
// TOKENTAX_SPANS_FILE=spans.jsonl, to a local OTLP JSON lines file that `npx tokentax report` reads.
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { createTokentax } = require('tokentax');
const { startSimulator } = require('tokentax/demo');
const { loadConfig } = require('tokentax/config');
const { JsonlFileExporter, describeSpanDestination } = require('tokentax/export');

async function main() {
  const simulated = !(process.env.OPENAI_BASE_URL || process.env.OPENAI_API_KEY);
  // Reads $TOKENTAX_CONFIG if set (scenarios, flat prices, ...). The simulator on 127.0.0.1 answers with
  // OpenAI's model names, so its calls are priced as OpenAI's (tokentax.provider.inferred=true).
  const tokentax = createTokentax();
  const spansFile = process.env.TOKENTAX_SPANS_FILE;
  // A short export timeout: with no collector listening, the exit flush gives up after 2 s.
  const exporter = spansFile
    ? new JsonlFileExporter({ path: spansFile })
    : new OTLPTraceExporter({ timeoutMillis: 2000 });
  const sdk = new NodeSDK({
    serviceName: 'nodesdk-example',
    instrumentations: [tokentax.instrumentation],
    spanProcessors: [...tokentax.spanProcessors, new BatchSpanProcessor(exporter)],
    // Traces only here. Without these two lines NodeSDK would also push metrics and logs to the
    // default OTLP endpoint (localhost:4318); for tokentax's metrics see examples/prometheus.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();

  // Require openai after sdk.start(), so the instrumentation patches it.
  const { OpenAI } = require('openai');
  const simulator = simulated ? await startSimulator() : undefined;
  const client = new OpenAI({
    apiKey: process.env.OPENAI_API_KEY ?? 'sk-simulator',
    baseURL: process.env.OPENAI_BASE_URL ?? simulator?.baseURL,
  });
  try {
    const res = await client.chat.completions.create({
      model: process.env.MODEL ?? 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'Name three ways to make prompts shorter.' }],
    });
    console.log(res.choices[0].message.content);
  } finally {
    await simulator?.close();
  }
  // Flushes the last spans.
  await sdk.shutdown().then(
    () => console.log(describeSpanDestination()),
    (error) =>
      console.error(
        `spans not exported to ${loadConfig().export.otlpTracesEndpoint} (${error.message}); ` +
          'set OTEL_EXPORTER_OTLP_ENDPOINT to a running collector, or TOKENTAX_SPANS_FILE=spans.jsonl',
      ),
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
