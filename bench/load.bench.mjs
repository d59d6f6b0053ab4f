// Load and memory: 100,000 instrumented openai 7 calls (plain and streamed, with and without usage,
// each its own conversation) against a local server in a child process, through everything tokentax
// adds by default (createTokentax: context measurement + in-process cost), with 900,000 further
// distinct conversations measured by the same context meter in between: 1,000,000 conversations in
// one process. Reported: heap after GC at checkpoints (and its growth after warm-up, against
// HEAP_BOUND_MB), spans started vs ended, event-loop delay (max, p99) against the tokenizer's
// documented worst case (a cold encoding load, 0.3-0.7 s), and throughput. Exits 1 on a span leak or
// a bound exceeded. LOAD_CALLS / LOAD_EXTRA_PER_CALL scale it down for a quick look.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './support/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'package.json'));
const { context } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { MeterProvider, PeriodicExportingMetricReader, AggregationTemporality } = require('@opentelemetry/sdk-metrics');
const { createTokentax } = require('./dist/tokentax.js');
const OpenAIModule = require('openai');
const { readFileSync } = require('node:fs');
const openaiVersion = JSON.parse(
  readFileSync(join(here, '..', 'node_modules', 'openai', 'package.json'), 'utf8'),
).version;

const CALLS = Number(process.env.LOAD_CALLS ?? 100_000);
const EXTRA_PER_CALL = Number(process.env.LOAD_EXTRA_PER_CALL ?? 9);
const CONCURRENCY = 32;
const CHECKPOINTS = 10;
const HEAP_BOUND_MB = 64;
const STALL_BOUND_MS = 700;

setFlagsFromString('--expose-gc');
const gc = globalThis.gc ?? runInNewContext('gc');
const heapMb = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
let started = 0;
let ended = 0;
const counting = {
  onStart: () => void started++,
  onEnd: () => void ended++,
  forceFlush: async () => {},
  shutdown: async () => {},
};
let exported = 0;
const discard = {
  export: (spans, done) => {
    exported += spans.length;
    done({ code: 0 });
  },
  shutdown: async () => {},
  forceFlush: async () => {},
};
const metricDiscard = {
  ...discard,
  export: (_m, done) => done({ code: 0 }),
  selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE,
};

const tokentax = createTokentax({ providerNames: { '127.0.0.1': 'openai' } });
const tracerProvider = new BasicTracerProvider({
  spanProcessors: [
    counting,
    ...tokentax.spanProcessors,
    new BatchSpanProcessor(discard, { maxQueueSize: 20_000, maxExportBatchSize: 2_000, scheduledDelayMillis: 200 }),
  ],
});
const meterProvider = new MeterProvider({
  readers: [new PeriodicExportingMetricReader({ exporter: metricDiscard, exportIntervalMillis: 5_000 })],
});
tokentax.instrumentation.setTracerProvider(tracerProvider);
tokentax.instrumentation.setMeterProvider(meterProvider);
tokentax.instrumentation.manuallyInstrument(OpenAIModule);
if (process.env.LOAD_OFF !== '1') tokentax.instrumentation.enable();
else tokentax.instrumentation.disable();
const meter = tokentax.contextMeter;

const server = fork(join(here, 'support', 'load-server.mjs'), { stdio: 'inherit' });
const { port } = await new Promise((resolve) => server.once('message', resolve));
const client = new OpenAIModule.OpenAI({
  apiKey: 'sk-bench-load',
  baseURL: `http://127.0.0.1:${port}/v1`,
  maxRetries: 0,
});

let conversations = 0;
let extras = true;
function extraConversations(i) {
  if (!extras) return;
  for (let k = 0; k < EXTRA_PER_CALL; k++) {
    const id = conversations++;
    const messages = [
      { role: 'system', content: 'You are a support agent.' },
      { role: 'user', content: `ticket ${id}: order ${id * 7} is late` },
    ];
    const m = meter.measure({
      operation: 'chat',
      provider: 'openai',
      model: 'gpt-4o',
      params: { model: 'gpt-4o', messages },
    });
    m.complete((i + k) % 3 === 0 ? undefined : 40);
  }
}

async function call(i) {
  const id = conversations++;
  const messages = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: `conversation ${id}: what is ${i} squared?` },
  ];
  if (i % 2 === 0) {
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
  } else {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages,
      stream: true,
      ...(i % 4 === 1 ? { stream_options: { include_usage: true } } : {}),
    });
    for await (const _ of stream) void _;
  }
  extraConversations(i);
}

const checkpoints = [];
let next = 0;
let done = 0;
const t0 = performance.now();
/** Runs calls up to `until` with CONCURRENCY workers; returns that segment's event-loop delay. */
async function segment(until) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < until) {
        await call(next++);
        done++;
      }
    }),
  );
  delay.disable();
  return { max: delay.max / 1e6, p99: delay.percentile(99) / 1e6 };
}

// Warm-up (encodings, pricing, JIT, tables filling to their bounds), then measured checkpoints.
const WARM = Math.min(10_000, Math.floor(CALLS / 10));
await segment(WARM);
const warmHeap = heapMb();
checkpoints.push({ calls: done, conversations, heapMb: warmHeap });
const step = Math.ceil((CALLS - WARM) / CHECKPOINTS);
const measuredStart = performance.now();
const stalls = [];
for (let c = 1; c <= CHECKPOINTS; c++) {
  stalls.push(await segment(Math.min(CALLS, WARM + c * step)));
  checkpoints.push({ calls: done, conversations, heapMb: heapMb() });
}
const measuredMs = performance.now() - measuredStart;
await new Promise((r) => setTimeout(r, 300));
await tracerProvider.forceFlush();
const spansOk = { started, ended, done };

// The same workload with tokentax off and on, interleaved, so the event-loop figures have a
// baseline measured in the same run on the same machine (the client and its server share 2 cores).
const ROUNDS = Number(process.env.LOAD_ROUNDS ?? 6);
const ROUND_CALLS = Math.min(2_000, Math.max(200, Math.floor(CALLS / 50)));
const byMode = { off: [], on: [] };
for (let r = 0; r < ROUNDS; r++) {
  for (const mode of r % 2 ? ['on', 'off'] : ['off', 'on']) {
    extras = mode === 'on';
    if (mode === 'off') tokentax.instrumentation.disable();
    else {
      tokentax.instrumentation.manuallyInstrument(OpenAIModule);
      tokentax.instrumentation.enable();
    }
    const t = performance.now();
    const s = await segment(next + ROUND_CALLS);
    byMode[mode].push({ ...s, rate: ROUND_CALLS / ((performance.now() - t) / 1000) });
  }
}

const heaps = checkpoints.map((c) => c.heapMb);
const growth = Math.max(...heaps.slice(1)) - warmHeap;
const maxStall = Math.max(...stalls.map((x) => x.max));
console.log(
  `calls ${CALLS.toLocaleString('en')} measured (+${(done - CALLS).toLocaleString('en')} in the off/on rounds), plain and streamed, openai ${openaiVersion}; distinct conversations ${conversations.toLocaleString('en')}; concurrency ${CONCURRENCY}`,
);
console.log(
  `throughput after warm-up: ${((CALLS - WARM) / (measuredMs / 1000)).toFixed(0)} calls/s (client, server and tokentax on ${require('node:os').cpus().length} cores), total ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
console.log('heap after GC (MB) by calls:', checkpoints.map((c) => `${c.calls}:${c.heapMb.toFixed(1)}`).join(' '));
console.log(
  `heap growth after warm-up: max ${growth.toFixed(1)} MB (bound ${HEAP_BOUND_MB} MB); final - warm ${(heaps[heaps.length - 1] - warmHeap).toFixed(1)} MB`,
);
console.log(`conversations remembered by the meter: ${meter.conversations.toLocaleString('en')}`);
console.log(
  `spans started ${spansOk.started.toLocaleString('en')}, ended ${spansOk.ended.toLocaleString('en')}, exported ${exported.toLocaleString('en')}`,
);
console.log(
  `event-loop delay per segment of ${step} calls: max ${maxStall.toFixed(1)} ms (median of segment maxima ${median(stalls.map((x) => x.max)).toFixed(1)} ms, median p99 ${median(stalls.map((x) => x.p99)).toFixed(1)} ms; bound ${STALL_BOUND_MS} ms)`,
);
for (const mode of ['off', 'on']) {
  const xs = byMode[mode];
  console.log(
    `  rounds with tokentax ${mode} (${ROUNDS} x ${ROUND_CALLS} calls): median max delay ${median(xs.map((x) => x.max)).toFixed(1)} ms, median p99 ${median(xs.map((x) => x.p99)).toFixed(1)} ms, median ${median(xs.map((x) => x.rate)).toFixed(0)} calls/s`,
  );
}

const problems = [];
if (spansOk.started !== spansOk.ended) problems.push(`span leak: ${spansOk.started - spansOk.ended} spans never ended`);
if (spansOk.started !== spansOk.done) problems.push(`spans started ${spansOk.started} != calls ${spansOk.done}`);
if (growth > HEAP_BOUND_MB) problems.push(`heap grew ${growth.toFixed(1)} MB > ${HEAP_BOUND_MB} MB`);
if (maxStall > STALL_BOUND_MS) problems.push(`event loop stalled ${maxStall.toFixed(0)} ms > ${STALL_BOUND_MS} ms`);
tokentax.instrumentation.disable();
server.disconnect();
await tracerProvider.shutdown();
await meterProvider.shutdown();
if (problems.length) {
  console.log(`FAILED: ${problems.join('; ')}`);
  process.exit(1);
}
