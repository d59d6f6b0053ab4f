#!/usr/bin/env node
/**
 * Throughput of the built tokentax collector (collector/build.sh) with the generated
 * transform processor versus the same collector with an empty transform processor: same binary,
 * same pipeline (OTLP/HTTP JSON in -> transform -> batch -> debug exporter, basic verbosity), same
 * load generator (pre-encoded OTLP/JSON bodies of realistic GenAI spans, 4 concurrent keep-alive
 * POSTs), rounds alternating between the two collectors. Goal: ratio >= 0.8.
 *
 * The load generator shares the 2 cores with the collector, as it would on a small host; both
 * arms pay the same. Run after `npm run build`: node bench/collector.bench.mjs
 */
import { createRequire } from 'node:module';
import * as harness from '../collector/harness.mjs';

const require = createRequire(import.meta.url);
const { generateTransformProcessor } = require('../dist/collector/index.js');
const { stringify } = require('yaml');

const ROUNDS = 3;
const ROUND_MS = 4000;
const WARMUP_MS = 1500;
const SPANS_PER_REQUEST = 500;
const CONCURRENCY = 4;
const GOAL = 0.8;

const found = harness.findCollector();
if (!found.bin) {
  console.log(`collector bench NOT RUN: ${found.missing}`);
  process.exit(0);
}

// What services send: our spans, contrib/OpenLLMetry/OpenInference names, cache, reasoning, long
// context, other providers, embeddings, an unknown model; plus ordinary span attributes.
const mix = [
  { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.model': 'gpt-4o-2024-08-06', 'gen_ai.usage.input_tokens': 12_000, 'gen_ai.usage.output_tokens': 400, 'gen_ai.usage.cache_read.input_tokens': 8_000 },
  { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.response.model': 'gpt-4o-mini-2024-07-18', 'gen_ai.usage.input_tokens': 900, 'gen_ai.usage.output_tokens': 120 },
  { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'o3', 'gen_ai.usage.input_tokens': 5_000, 'gen_ai.usage.output_tokens': 3_000, 'gen_ai.usage.reasoning.output_tokens': 2_500 },
  { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'together', 'gen_ai.request.model': 'meta-llama/Llama-3.3-70B-Instruct-Turbo', 'gen_ai.usage.input_tokens': 4_000, 'gen_ai.usage.output_tokens': 300 },
  { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4.1', 'gen_ai.usage.prompt_tokens': 20_000, 'gen_ai.usage.completion_tokens': 800, 'llm.request.type': 'chat' },
  { 'llm.provider': 'openai', 'llm.model_name': 'gpt-4o-mini', 'llm.token_count.prompt': 1_500, 'llm.token_count.completion': 200 },
  { 'gen_ai.operation.name': 'embeddings', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'text-embedding-3-small', 'gen_ai.usage.input_tokens': 3_000 },
  { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-99-unknown', 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 10 },
];
const common = { 'server.address': 'api.openai.com', 'server.port': 443, 'gen_ai.response.id': 'chatcmpl-0123456789', 'gen_ai.response.finish_reasons': ['stop'], 'tokentax.context.tokens': 12_000, 'tokentax.context.messages': 6, 'tokentax.context.size_bucket': '4k-16k', 'tokentax.context.bloat': false, 'http.route': '/api/answer' };
const httpSpan = { 'http.request.method': 'GET', 'http.route': '/api/items/:id', 'http.response.status_code': 200, 'server.address': 'shop.internal', 'server.port': 8080, 'url.path': '/api/items/42', 'user_agent.original': 'Mozilla/5.0' };
/** `genAiEvery`: one GenAI span in that many (1 = all GenAI; 10 = a service where 10% of spans are LLM calls). */
const bodiesFor = (genAiEvery) => Array.from({ length: 8 }, (_, b) => harness.otlpTraces(
  Array.from({ length: SPANS_PER_REQUEST }, (_, i) => (i % genAiEvery === 0
    ? { name: 'chat', startMs: Date.now(), endMs: Date.now() + 800, attributes: { ...common, ...mix[(i / genAiEvery + b) % mix.length] } }
    : { name: 'GET /api/items/:id', startMs: Date.now(), endMs: Date.now() + 5, attributes: httpSpan })),
  'bench',
  b + 1,
));
let bodies = bodiesFor(1);

async function config(transform) {
  const grpc = await harness.freePort();
  const http = await harness.freePort();
  const cfg = {
    receivers: { otlp: { protocols: { grpc: { endpoint: `127.0.0.1:${grpc}` }, http: { endpoint: `127.0.0.1:${http}` } } } },
    processors: { 'transform/tokentax': transform, batch: {} },
    exporters: { debug: { verbosity: 'basic' } },
    service: {
      telemetry: { logs: { level: 'warn' }, metrics: { level: 'none' } },
      pipelines: { traces: { receivers: ['otlp'], processors: ['transform/tokentax', 'batch'], exporters: ['debug'] } },
    },
  };
  return { http, text: stringify(cfg, { lineWidth: 0 }) };
}

async function load(port, ms) {
  let spans = 0;
  const end = Date.now() + ms;
  let n = 0;
  const worker = async () => {
    while (Date.now() < end) {
      const res = await harness.post(port, '/v1/traces', bodies[n++ % bodies.length]);
      if (res.status !== 200) throw new Error(`collector answered ${res.status}: ${res.body}`);
      spans += SPANS_PER_REQUEST;
    }
  };
  const start = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return spans / ((Date.now() - start) / 1000);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const empty = await config({ error_mode: 'ignore', trace_statements: [] });
const generated = generateTransformProcessor({ config: { env: {} } });
const tokentax = await config(generated);
const statements = generated.trace_statements[0].statements.length;
const t0 = Date.now();
const collectors = {
  empty: await harness.startCollector({ bin: found.bin, config: empty.text, httpPort: empty.http }),
  tokentax: await harness.startCollector({ bin: found.bin, config: tokentax.text, httpPort: tokentax.http, startTimeoutMs: 120_000 }),
};
console.log(`collectors started in ${Date.now() - t0} ms (generated transform: ${statements} statements)`);
async function measure(label) {
  const rates = { empty: [], tokentax: [] };
  for (const [, c] of [['empty', empty], ['tokentax', tokentax]]) await load(c.http, WARMUP_MS);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, c] of r % 2 ? [['tokentax', tokentax], ['empty', empty]] : [['empty', empty], ['tokentax', tokentax]]) {
      rates[name].push(await load(c.http, ROUND_MS));
    }
    console.log(`${label} round ${r + 1}: empty ${Math.round(rates.empty[r])} spans/s, tokentax ${Math.round(rates.tokentax[r])} spans/s`);
  }
  const e = median(rates.empty);
  const t = median(rates.tokentax);
  return { e, t, ratio: t / e };
}
let all;
let mixed;
try {
  all = await measure('100% GenAI spans');
  bodies = bodiesFor(10);
  mixed = await measure('10% GenAI spans');
} finally {
  await collectors.empty.stop();
  await collectors.tokentax.stop();
}
for (const [label, m] of [['100% GenAI spans', all], ['10% GenAI spans (90% HTTP spans)', mixed]]) {
  console.log(`median, ${label}: empty transform ${Math.round(m.e)} spans/s, generated transform ${Math.round(m.t)} spans/s, ratio ${m.ratio.toFixed(3)}`);
}
console.log(`goal >= ${GOAL} on 100% GenAI spans: ${all.ratio >= GOAL ? 'MET' : 'NOT MET'}`);
