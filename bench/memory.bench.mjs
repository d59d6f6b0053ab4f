// Steady-state memory: the same workload in child processes, one uninstrumented, one with everything
// tokentax adds by default (createTokentax: context measurement, the tokenizer, in-process cost,
// metrics, a batch exporter) and one with the contrib instrumentation and the same SDK set-up, and
// the differences of their resident set sizes (RSS): the median while calls flow (second half of the
// run), after GC at the end, and after an idle period.
// Workload: MEMORY_CALLS openai calls (default 100,000), each its own conversation, plain and streamed,
// a third without usage (so the tokenizer counts), plus 100 long conversations that grow turn by turn
// (to ~30k tokens), against a local server in another process; openai 6 (contrib supports < 7).
// Goal: tokentax - uninstrumented <= 100 MB. MEMORY_ARMS picks arms (default off,on,contrib, and
// dist when BENCH_DIST names another build of tokentax).
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const here = dirname(fileURLToPath(import.meta.url));
const CALLS = Number(process.env.MEMORY_CALLS ?? 100_000);
const LONG = 100;
const CONCURRENCY = 16;
const GOAL_MB = 100;
const IDLE_MS = Number(process.env.MEMORY_IDLE_MS ?? 10_000);
const MB = 2 ** 20;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;

async function child(mode) {
  const require = createRequire(join(here, '..', 'package.json'));
  setFlagsFromString('--expose-gc');
  const gc = globalThis.gc ?? runInNewContext('gc');
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 50));
      gc();
    }
  };
  const { context } = require('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
  const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
  const {
    MeterProvider,
    PeriodicExportingMetricReader,
    AggregationTemporality,
  } = require('@opentelemetry/sdk-metrics');
  const OpenAIModule = require('openai-v6');
  let tracerProvider;
  let meterProvider;
  if (mode !== 'off') {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const discard = { export: (_s, done) => done({ code: 0 }), shutdown: async () => {}, forceFlush: async () => {} };
    let instrumentation;
    let processors = [];
    if (mode === 'on' || mode === 'dist') {
      // 'dist': another build of tokentax (BENCH_DIST, e.g. an earlier commit's dist/), for an A/B.
      const dist = mode === 'dist' ? process.env.BENCH_DIST : join(here, '..', 'dist');
      const { createTokentax } = require(join(dist, 'tokentax.js'));
      // MEMORY_OPTIONS: createTokentax options as JSON, to see what each part holds.
      const options = JSON.parse(process.env.MEMORY_OPTIONS ?? '{}');
      const tokentax = createTokentax({ providerNames: { '127.0.0.1': 'openai' }, ...options });
      instrumentation = tokentax.instrumentation;
      processors = tokentax.spanProcessors;
    } else {
      const { OpenAIInstrumentation } = require('@opentelemetry/instrumentation-openai');
      instrumentation = new OpenAIInstrumentation({ enabled: false });
    }
    tracerProvider = new BasicTracerProvider({ spanProcessors: [...processors, new BatchSpanProcessor(discard)] });
    meterProvider = new MeterProvider({
      readers: [
        new PeriodicExportingMetricReader({
          exporter: { ...discard, selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE },
          exportIntervalMillis: 5_000,
        }),
      ],
    });
    instrumentation.setTracerProvider(tracerProvider);
    instrumentation.setMeterProvider(meterProvider);
    if (mode !== 'contrib') instrumentation.manuallyInstrument(OpenAIModule);
    else instrumentation.getModuleDefinitions()[0].patch(OpenAIModule, '6.0.0');
    instrumentation.enable();
  }
  const server = fork(join(here, 'support', 'load-server.mjs'), { stdio: 'inherit' });
  const { port } = await new Promise((resolve) => server.once('message', resolve));
  const client = new OpenAIModule.OpenAI({ apiKey: 'sk-bench', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });

  // 100 long conversations, each a growing message list (an agent loop); one turn every CALLS/3000 calls.
  const paragraph = (k) =>
    `Step ${k}: the tool returned a listing of files and their sizes, which the agent reads before deciding what to open next. `.repeat(
      30,
    );
  const long = Array.from({ length: LONG }, (_, c) => [{ role: 'system', content: `You are agent ${c}.` }]);
  let longTurns = 0;
  async function call(i) {
    let messages;
    if (i % Math.max(1, Math.floor(CALLS / 3000)) === 0 && long[longTurns % LONG].length < 600) {
      messages = long[longTurns % LONG];
      messages.push({ role: 'user', content: paragraph(messages.length) });
      longTurns++;
    } else
      messages = [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: `conversation ${i}: what is ${i} squared?` },
      ];
    if (i % 2 === 0) {
      const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
      if (messages.length > 2) messages.push({ role: 'assistant', content: r.choices[0].message.content });
    } else {
      const stream = await client.chat.completions.create({
        model: 'gpt-4o',
        messages,
        stream: true,
        ...(i % 4 === 1 ? { stream_options: { include_usage: true } } : {}),
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      if (messages.length > 2) messages.push({ role: 'assistant', content: text });
    }
  }
  let next = 0;
  let peak = 0;
  const flowing = []; // [rss, heapTotal, heapUsed] every 1,000 calls in the run's second half
  const run = async (until) =>
    Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < until) {
          await call(next++);
          if (next % 1000 === 0) {
            const u = process.memoryUsage();
            peak = Math.max(peak, u.rss);
            if (next > until / 2) flowing.push([u.rss, u.heapTotal, u.heapUsed]);
          }
        }
      }),
    );
  await run(CALLS);
  await tracerProvider?.forceFlush();
  await settle();
  const m = process.memoryUsage();
  // And after the process has been idle a while (V8's memory reducer shrinks the heap when idle).
  await new Promise((r) => setTimeout(r, IDLE_MS));
  await settle();
  const idleRss = process.memoryUsage().rss;
  const longTokens = long.reduce((n, msgs) => n + msgs.reduce((k, x) => k + x.content.length / 4, 0), 0) / LONG;
  const flow = (k) => median(flowing.map((u) => u[k])) / MB;
  process.send({
    flowRss: flow(0),
    flowHeapTotal: flow(1),
    flowHeap: flow(2),
    rss: m.rss / MB,
    heap: m.heapUsed / MB,
    heapTotal: m.heapTotal / MB,
    external: m.external / MB,
    peak: peak / MB,
    idleRss: idleRss / MB,
    longTurns,
    longTokens,
  });
  server.disconnect();
  await tracerProvider?.shutdown();
  await meterProvider?.shutdown();
  process.exit(0);
}

async function parent() {
  const arms = (process.env.MEMORY_ARMS ?? `off,on,contrib${process.env.BENCH_DIST ? ',dist' : ''}`).split(',');
  const results = {};
  for (const mode of arms) {
    const c = fork(fileURLToPath(import.meta.url), [`--child=${mode}`], { execArgv: ['--expose-gc'] });
    results[mode] = await new Promise((resolve, reject) => {
      c.once('message', resolve);
      c.once('exit', (code) => code && reject(new Error(`${mode} child exited ${code}`)));
    });
  }
  const any = Object.values(results)[0];
  console.log(
    `${CALLS.toLocaleString('en')} calls (each its own conversation; ${any.longTurns} turns of ${LONG} long ones, ~${Math.round(any.longTokens)} tokens each at the end), concurrency ${CONCURRENCY}, MB`,
  );
  const columns = [
    ['RSS in flow', 'flowRss'],
    ['heap total in flow', 'flowHeapTotal'],
    ['heap used in flow', 'flowHeap'],
    ['RSS after GC', 'rss'],
    ['heap total', 'heapTotal'],
    ['heap used', 'heap'],
    ['external', 'external'],
    ['peak RSS', 'peak'],
    [`RSS after ${IDLE_MS / 1000} s idle`, 'idleRss'],
  ];
  const names = { off: 'uninstrumented', on: 'tokentax', contrib: 'contrib', dist: 'BENCH_DIST' };
  console.log(`${''.padEnd(26)} | ${columns.map(([h]) => h).join(' | ')}`);
  const row = (name, value) =>
    console.log(`${name.padEnd(26)} | ${columns.map(([h, k]) => value(k).toFixed(0).padStart(h.length)).join(' | ')}`);
  for (const mode of arms) row(names[mode] ?? mode, (k) => results[mode][k]);
  const { off, on } = results;
  for (const mode of arms.filter((m) => m !== 'off' && off))
    row(`${names[mode] ?? mode} - uninstrumented`, (k) => results[mode][k] - off[k]);
  if (off && on) {
    const diff = on.flowRss - off.flowRss;
    console.log(
      `tokentax - uninstrumented, RSS while calls flow: ${diff.toFixed(0)} MB (goal <= ${GOAL_MB} MB: ${diff <= GOAL_MB ? 'met' : 'NOT met'}); after GC at the end: ${(on.rss - off.rss).toFixed(0)} MB`,
    );
  }
}

const mode = process.argv.find((a) => a.startsWith('--child='))?.slice('--child='.length);
if (mode) await child(mode);
else await parent();
