#!/usr/bin/env node
/**
 * Saturation throughput of the built tokentax collector (collector/build.sh): the same binary in three
 * pipelines, loaded alternately in one run (rounds alternate the arms; medians reported):
 *  - tokentax:  OTLP/HTTP receiver -> tokentax processor -> batch -> OTLP/gRPC exporter to a local sink
 *  - without:   the same pipeline without the tokentax processor
 *  - bare:      OTLP/HTTP receiver -> nop exporter
 *  - bare+tokentax: OTLP/HTTP receiver -> tokentax processor -> nop exporter (the processor's own
 *    share, apart from exporting the larger spans)
 * The sink is another collector (OTLP/gRPC in -> nop). The load generator posts pre-encoded OTLP
 * protobuf bodies (500 spans each: realistic GenAI spans, or 10% GenAI among HTTP spans) on 4
 * concurrent keep-alive connections. Goals (issue #15): tokentax >= 0.8x without, >= 0.6x bare.
 * Besides spans/s, the collector's own CPU time per span (from /proc) is reported: on 2 cores the
 * load generator and the sink share the machine, and CPU per span is the figure they disturb least.
 * The per-span cost inside the processor: `go test -bench . ./collector/tokentaxprocessor`.
 *
 * Run: node bench/collector.bench.mjs   (or npm run bench -- collector)
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import * as harness from '../collector/harness.mjs';
import { bootstrapRatio, median } from './support/stats.mjs';
import { GENAI_SPANS } from './support/genai-spans.mjs';

const require = createRequire(import.meta.url);
const { ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');
const { resourceFromAttributes } = require('@opentelemetry/resources');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_MS = 3000;
const WARMUP_MS = 1500;
const SPANS_PER_REQUEST = 500;
const CONCURRENCY = 4;
const GOALS = { without: 0.8, bare: 0.6 };

const found = harness.findCollector();
if (!found.bin) {
  console.log(`collector bench NOT RUN: ${found.missing}`);
  process.exit(0);
}

const mix = GENAI_SPANS;
const common = {
  'gen_ai.operation.name': 'chat',
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

const resource = resourceFromAttributes({ 'service.name': 'bench' });
const now = Math.floor(Date.now() / 1000);
const hex = (n, w) => n.toString(16).padStart(w, '0');
/** A ReadableSpan-shaped object, enough for the SDK's OTLP protobuf serializer. */
const span = (id, name, attributes) => ({
  name,
  kind: 2,
  spanContext: () => ({ traceId: hex(id, 32), spanId: hex(id, 16), traceFlags: 1 }),
  parentSpanContext: undefined,
  startTime: [now, 0],
  endTime: [now, 800_000_000],
  duration: [0, 800_000_000],
  status: { code: 0 },
  attributes,
  links: [],
  events: [],
  ended: true,
  resource,
  instrumentationScope: { name: 'bench' },
  droppedAttributesCount: 0,
  droppedEventsCount: 0,
  droppedLinksCount: 0,
});
/** `genAiEvery`: one GenAI span in that many (1 = all GenAI; 10 = a service where 10% of spans are LLM calls). */
const bodiesFor = (genAiEvery) =>
  Array.from({ length: 8 }, (_, b) =>
    Buffer.from(
      ProtobufTraceSerializer.serializeRequest(
        Array.from({ length: SPANS_PER_REQUEST }, (_, i) =>
          i % genAiEvery === 0
            ? span(b * SPANS_PER_REQUEST + i + 1, 'chat', { ...common, ...mix[(i / genAiEvery + b) % mix.length] })
            : span(b * SPANS_PER_REQUEST + i + 1, 'GET /api/items/:id', httpSpan),
        ),
      ),
    ),
  );

const quiet = { logs: { level: 'warn' }, metrics: { level: 'none' } };

/** A pipeline config: OTLP/HTTP in, the given processors, the given exporter. */
async function pipeline(processors, exporter) {
  const [grpc, http] = [await harness.freePort(), await harness.freePort()];
  const cfg = {
    receivers: {
      otlp: { protocols: { grpc: { endpoint: `127.0.0.1:${grpc}` }, http: { endpoint: `127.0.0.1:${http}` } } },
    },
    processors: { tokentax: {}, batch: {} },
    exporters: { [exporter.name]: exporter.config },
    service: {
      telemetry: quiet,
      pipelines: { traces: { receivers: ['otlp'], processors, exporters: [exporter.name] } },
    },
  };
  if (!processors.length) delete cfg.processors;
  return { grpc, http, text: stringify(cfg, { lineWidth: 0 }) };
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

const PROTOBUF = 'application/x-protobuf';
async function load(port, bodies, ms) {
  let spans = 0;
  const end = Date.now() + ms;
  let n = 0;
  const worker = async () => {
    while (Date.now() < end) {
      const res = await harness.post(port, '/v1/traces', bodies[n++ % bodies.length], PROTOBUF);
      if (res.status !== 200) throw new Error(`collector answered ${res.status}: ${res.body}`);
      spans += SPANS_PER_REQUEST;
    }
  };
  const start = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { spans, rate: spans / ((Date.now() - start) / 1000) };
}

/** Alternating rounds over running collectors; per arm the spans/s and collector CPU µs/span of each round. */
async function measure(label, arms, bodies) {
  const names = Object.keys(arms);
  const rates = Object.fromEntries(names.map((n) => [n, []]));
  const cpu = Object.fromEntries(names.map((n) => [n, []]));
  for (const name of names) await load(arms[name].http, bodies, WARMUP_MS);
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? [...names].reverse() : names;
    for (const name of order) {
      const c0 = cpuSeconds(arms[name].pid);
      const { spans, rate } = await load(arms[name].http, bodies, ROUND_MS);
      rates[name].push(rate);
      cpu[name].push(((cpuSeconds(arms[name].pid) - c0) / spans) * 1e6);
    }
    console.log(`${label} round ${r + 1}: ${names.map((n) => `${n} ${Math.round(rates[n][r])}`).join(', ')} spans/s`);
  }
  return { label, rates, cpu };
}

async function start(cfg) {
  const c = await harness.startCollector({
    bin: found.bin,
    config: cfg.text,
    httpPort: cfg.http,
    startTimeoutMs: 60_000,
  });
  return { ...c, http: cfg.http };
}

const running = [];
const results = [];
try {
  const sinkCfg = await pipeline([], { name: 'nop', config: {} });
  const sink = await start(sinkCfg);
  running.push(sink);
  const toSink = { name: 'otlp', config: { endpoint: `127.0.0.1:${sinkCfg.grpc}`, tls: { insecure: true } } };
  const t0 = Date.now();
  const arms = {
    tokentax: await start(await pipeline(['tokentax', 'batch'], toSink)),
    without: await start(await pipeline(['batch'], toSink)),
    bare: await start(await pipeline([], { name: 'nop', config: {} })),
    'bare+tokentax': await start(await pipeline(['tokentax'], { name: 'nop', config: {} })),
  };
  running.push(...Object.values(arms));
  console.log(`collectors started in ${Date.now() - t0} ms`);
  results.push(await measure('100% GenAI spans', arms, bodiesFor(1)));
  results.push(await measure('10% GenAI spans', arms, bodiesFor(10)));
} finally {
  for (const c of running) await c.stop();
}

console.log('\n| traffic | arm | spans/s (median) | collector CPU µs/span | ratio of tokentax to arm [80% interval] |');
console.log('|---|---|---|---|---|');
const verdicts = [];
for (const m of results) {
  for (const arm of Object.keys(m.rates)) {
    let ratio = '';
    if (arm === 'bare+tokentax') {
      const r = median(m.rates[arm]) / median(m.rates.bare);
      ratio = `bare+tokentax / bare = ${r.toFixed(3)}`;
    } else if (arm !== 'tokentax') {
      const b = bootstrapRatio(m.rates.tokentax, m.rates[arm]);
      const r = median(m.rates.tokentax) / median(m.rates[arm]);
      ratio = `${r.toFixed(3)} [${b.low.toFixed(3)}, ${b.high.toFixed(3)}]`;
      verdicts.push(
        `${m.label}: tokentax / ${arm} = ${r.toFixed(3)} (goal >= ${GOALS[arm]}: ${r >= GOALS[arm] ? 'MET' : 'NOT MET'})`,
      );
    }
    console.log(
      `| ${m.label} | ${arm} | ${Math.round(median(m.rates[arm]))} | ${median(m.cpu[arm]).toFixed(2)} | ${ratio} |`,
    );
  }
}
console.log(`\n${verdicts.join('\n')}`);
