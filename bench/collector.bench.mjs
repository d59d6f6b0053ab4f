#!/usr/bin/env node
/**
 * Throughput of the built tokentax collector (collector/build.sh) with the generated transform
 * processor versus the same collector with an EMPTY transform processor: same binary, same load
 * generator (pre-encoded OTLP/JSON bodies of realistic GenAI spans, 4 concurrent keep-alive POSTs),
 * rounds alternating between the two arms, medians reported. Goal: ratio >= 0.8.
 *
 * Two pipelines, both reported:
 *  - minimal: OTLP/HTTP in -> transform -> batch -> debug exporter (basic verbosity);
 *  - shipped: collector/config.yaml as generated (memory_limiter, transform, batch, OTLP/gRPC out to a
 *    local sink collector, signal_to_metrics connector -> metrics pipeline -> Prometheus exporter),
 *    the empty arm differing only in transform/tokentax.
 * Two floor arms on the minimal pipeline, 100% GenAI spans, bound what ANY stock transform
 * configuration can reach: "write only" sets the 14 cost attributes the engine gives the first span of
 * the mix as constants, in one merge_maps (no reading, no arithmetic); "six sums + write" also computes
 * one two-term cost per scenario from the span's token counts with constant prices (no model
 * matching, cache, reasoning, tiers or cheapest). The generated config must do strictly more than both.
 * Besides spans/s, the collector's own CPU time per span (from /proc) is reported: on this 2-core
 * machine the load generator and the sink share the cores, and CPU per span is the figure other
 * processes disturb least.
 *
 * Run after `npm run build`: node bench/collector.bench.mjs
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import * as harness from '../collector/harness.mjs';
import { median } from './support/stats.mjs';

const require = createRequire(import.meta.url);
const { generateTransformProcessor, generateCollectorConfig } = require('../dist/collector/index.js');
const { CostEnricher } = require('../dist/pricing/index.js');
const { A, num, str } = require('../dist/collector/ottl.js');
const {
  ATTR_COST_SAVINGS_USD,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
} = require('../dist/semconv.js');
const { parse, stringify } = require('yaml');

const ROUNDS = 3;
const ROUND_MS = 3000;
const WARMUP_MS = 1000;
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
  {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.response.model': 'gpt-4o-2024-08-06',
    'gen_ai.usage.input_tokens': 12_000,
    'gen_ai.usage.output_tokens': 400,
    'gen_ai.usage.cache_read.input_tokens': 8_000,
  },
  {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'gen_ai.usage.input_tokens': 900,
    'gen_ai.usage.output_tokens': 120,
  },
  {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'o3',
    'gen_ai.usage.input_tokens': 5_000,
    'gen_ai.usage.output_tokens': 3_000,
    'gen_ai.usage.reasoning.output_tokens': 2_500,
  },
  {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'together',
    'gen_ai.request.model': 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
    'gen_ai.usage.input_tokens': 4_000,
    'gen_ai.usage.output_tokens': 300,
  },
  {
    'gen_ai.system': 'openai',
    'gen_ai.request.model': 'gpt-4.1',
    'gen_ai.usage.prompt_tokens': 20_000,
    'gen_ai.usage.completion_tokens': 800,
    'llm.request.type': 'chat',
  },
  {
    'llm.provider': 'openai',
    'llm.model_name': 'gpt-4o-mini',
    'llm.token_count.prompt': 1_500,
    'llm.token_count.completion': 200,
  },
  {
    'gen_ai.operation.name': 'embeddings',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'text-embedding-3-small',
    'gen_ai.usage.input_tokens': 3_000,
  },
  {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-99-unknown',
    'gen_ai.usage.input_tokens': 100,
    'gen_ai.usage.output_tokens': 10,
  },
];
const common = {
  'server.address': 'api.openai.com',
  'server.port': 443,
  'gen_ai.response.id': 'chatcmpl-0123456789',
  'gen_ai.response.finish_reasons': ['stop'],
  'tokentax.context.tokens': 12_000,
  'tokentax.context.messages': 6,
  'tokentax.context.size_bucket': '4k-16k',
  'tokentax.context.bloat': false,
  'http.route': '/api/answer',
};
const httpSpan = {
  'http.request.method': 'GET',
  'http.route': '/api/items/:id',
  'http.response.status_code': 200,
  'server.address': 'shop.internal',
  'server.port': 8080,
  'url.path': '/api/items/42',
  'user_agent.original': 'Mozilla/5.0',
};
/** `genAiEvery`: one GenAI span in that many (1 = all GenAI; 10 = a service where 10% of spans are LLM calls). */
const bodiesFor = (genAiEvery) =>
  Array.from({ length: 8 }, (_, b) =>
    harness.otlpTraces(
      Array.from({ length: SPANS_PER_REQUEST }, (_, i) =>
        i % genAiEvery === 0
          ? {
              name: 'chat',
              startMs: Date.now(),
              endMs: Date.now() + 800,
              attributes: { ...common, ...mix[(i / genAiEvery + b) % mix.length] },
            }
          : { name: 'GET /api/items/:id', startMs: Date.now(), endMs: Date.now() + 5, attributes: httpSpan },
      ),
      'bench',
      b + 1,
    ),
  );

const EMPTY = { error_mode: 'ignore', trace_statements: [] };

/** The floor arms (see the header): the engine's output for mix[0], written as constants; then with sums. */
function floorTransforms() {
  const out = new CostEnricher().enrich(mix[0], Date.now());
  const literal = (entries) =>
    `{${entries.map(([k, v]) => `${str(k)}: ${typeof v === 'string' ? str(v) : num(v)}`).join(', ')}}`;
  const write = (entries) => `merge_maps(span.attributes, ${literal(entries)}, "upsert")`;
  const sums = Object.keys(out)
    .filter((k) => k.endsWith('.usd') && k !== ATTR_COST_SAVINGS_USD)
    .map(
      (k, i) =>
        `set(${A(k)}, ${A(ATTR_GEN_AI_USAGE_INPUT_TOKENS)} * ${num((i + 1) * 1e-7)} + ${A(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS)} * ${num((i + 1) * 4e-7)})`,
    );
  const texts = Object.entries(out).filter(([, v]) => typeof v !== 'number');
  const span = (statements) => ({ error_mode: 'ignore', trace_statements: [{ context: 'span', statements }] });
  return {
    writeOnly: { n: Object.keys(out).length, transform: span([write(Object.entries(out))]) },
    sums: { n: sums.length, transform: span([...sums, write(texts)]) },
  };
}
const quiet = { logs: { level: 'warn' }, metrics: { level: 'none' } };

async function minimalConfig(transform) {
  const grpc = await harness.freePort();
  const http = await harness.freePort();
  const cfg = {
    receivers: {
      otlp: { protocols: { grpc: { endpoint: `127.0.0.1:${grpc}` }, http: { endpoint: `127.0.0.1:${http}` } } },
    },
    processors: { 'transform/tokentax': transform, batch: {} },
    exporters: { debug: { verbosity: 'basic' } },
    service: {
      telemetry: quiet,
      pipelines: { traces: { receivers: ['otlp'], processors: ['transform/tokentax', 'batch'], exporters: ['debug'] } },
    },
  };
  return { http, text: stringify(cfg, { lineWidth: 0 }), env: {} };
}

/** The shipped config (as collector/config.yaml), its transform replaced by `transform` when given. */
async function shippedConfig(shipped, sinkGrpc, transform) {
  const cfg = parse(shipped);
  if (transform) cfg.processors['transform/tokentax'] = transform;
  const http = await harness.freePort();
  const env = {
    TOKENTAX_OTLP_GRPC_ENDPOINT: `127.0.0.1:${await harness.freePort()}`,
    TOKENTAX_OTLP_HTTP_ENDPOINT: `127.0.0.1:${http}`,
    TOKENTAX_EXPORT_ENDPOINT: `127.0.0.1:${sinkGrpc}`,
    TOKENTAX_PROMETHEUS_ENDPOINT: `127.0.0.1:${await harness.freePort()}`,
    TOKENTAX_COLLECTOR_TELEMETRY_PORT: String(await harness.freePort()),
  };
  return { http, text: stringify(cfg, { lineWidth: 0 }), env };
}

/** The OTLP back end of the shipped pipeline: the same binary, OTLP/gRPC in -> debug (basic). */
async function sinkConfig() {
  const grpc = await harness.freePort();
  const http = await harness.freePort();
  const cfg = {
    receivers: {
      otlp: { protocols: { grpc: { endpoint: `127.0.0.1:${grpc}` }, http: { endpoint: `127.0.0.1:${http}` } } },
    },
    exporters: { debug: { verbosity: 'basic' } },
    service: { telemetry: quiet, pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } },
  };
  return { grpc, http, text: stringify(cfg, { lineWidth: 0 }), env: {} };
}

const TICK_S = 0.01; // USER_HZ = 100 on Linux
function cpuSeconds(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_S; // utime + stime
  } catch {
    return NaN;
  }
}

async function load(port, bodies, ms) {
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
  return { spans, rate: spans / ((Date.now() - start) / 1000) };
}

/** Alternating rounds on two running collectors; medians of spans/s and of collector CPU µs per span. */
async function measure(label, arms, bodies) {
  const rates = { empty: [], tokentax: [] };
  const cpu = { empty: [], tokentax: [] };
  for (const name of ['empty', 'tokentax']) await load(arms[name].http, bodies, WARMUP_MS);
  for (let r = 0; r < ROUNDS; r++) {
    for (const name of r % 2 ? ['tokentax', 'empty'] : ['empty', 'tokentax']) {
      const c0 = cpuSeconds(arms[name].pid);
      const { spans, rate } = await load(arms[name].http, bodies, ROUND_MS);
      rates[name].push(rate);
      cpu[name].push(((cpuSeconds(arms[name].pid) - c0) / spans) * 1e6);
    }
    console.log(
      `${label} round ${r + 1}: empty ${Math.round(rates.empty[r])} spans/s, tokentax ${Math.round(rates.tokentax[r])} spans/s`,
    );
  }
  const e = median(rates.empty);
  const t = median(rates.tokentax);
  return { label, e, t, ratio: t / e, cpuE: median(cpu.empty), cpuT: median(cpu.tokentax) };
}

async function start(cfg) {
  const c = await harness.startCollector({
    bin: found.bin,
    config: cfg.text,
    httpPort: cfg.http,
    env: cfg.env,
    startTimeoutMs: 120_000,
  });
  return { ...c, http: cfg.http };
}

const generated = generateTransformProcessor({ config: { env: {} } });
const shipped = generateCollectorConfig({ config: { env: {} } });
const counts = generated.trace_statements.map((g) => g.statements.length).join(' + ');
const results = [];
const running = [];
try {
  const t0 = Date.now();
  const minimal = {
    empty: await start(await minimalConfig(EMPTY)),
    tokentax: await start(await minimalConfig(generated)),
  };
  running.push(minimal.empty, minimal.tokentax);
  console.log(
    `minimal pipeline: collectors started in ${Date.now() - t0} ms (generated transform: ${counts} statements in ${generated.trace_statements.length} groups)`,
  );
  results.push(await measure('minimal, 100% GenAI spans', minimal, bodiesFor(1)));
  results.push(await measure('minimal, 10% GenAI spans', minimal, bodiesFor(10)));
  await minimal.tokentax.stop();
  running.splice(running.indexOf(minimal.tokentax), 1);
  const floors = floorTransforms();
  for (const [label, floor] of [
    [`floor: write ${floors.writeOnly.n} constants`, floors.writeOnly],
    [`floor: ${floors.sums.n} two-term sums + write`, floors.sums],
  ]) {
    const arm = await start(await minimalConfig(floor.transform));
    running.push(arm);
    results.push(await measure(`minimal, 100% GenAI, ${label}`, { empty: minimal.empty, tokentax: arm }, bodiesFor(1)));
    await arm.stop();
    running.pop();
  }
  await minimal.empty.stop();
  running.length = 0;

  const sinkCfg = await sinkConfig();
  const sink = await start(sinkCfg);
  running.push(sink);
  const full = {
    empty: await start(await shippedConfig(shipped, sinkCfg.grpc, EMPTY)),
    tokentax: await start(await shippedConfig(shipped, sinkCfg.grpc)),
  };
  running.push(full.empty, full.tokentax);
  results.push(await measure('shipped, 100% GenAI spans', full, bodiesFor(1)));
  results.push(await measure('shipped, 10% GenAI spans', full, bodiesFor(10)));
} finally {
  for (const c of running) await c.stop();
}
console.log(
  '\n| pipeline, traffic | empty transform spans/s | generated spans/s | ratio | collector CPU µs/span empty -> generated |',
);
console.log('|---|---|---|---|---|');
for (const m of results) {
  console.log(
    `| ${m.label} | ${Math.round(m.e)} | ${Math.round(m.t)} | ${m.ratio.toFixed(3)} | ${m.cpuE.toFixed(1)} -> ${m.cpuT.toFixed(1)} |`,
  );
}
const ratioOf = (label) => results.find((m) => m.label === label).ratio;
const [minimalRatio, shippedRatio] = [ratioOf('minimal, 100% GenAI spans'), ratioOf('shipped, 100% GenAI spans')];
console.log(
  `goal >= ${GOAL} on 100% GenAI spans (minimal and shipped pipelines): ${Math.min(minimalRatio, shippedRatio) >= GOAL ? 'MET' : 'NOT MET'} (${minimalRatio.toFixed(3)} minimal, ${shippedRatio.toFixed(3)} shipped)`,
);
