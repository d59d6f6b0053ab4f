// Where tokentax's per-call time goes, without a network in the way: the openai client (6) is given
// an in-process `fetch` that answers at once, so the figures are the SDK's own work plus the
// instrumentation's. Variants, interleaved in rounds: no instrumentation; tokentax with only spans
// and metrics; + context measurement; + in-process cost (the default); the contrib instrumentation;
// OpenLLMetry. Medians of per-round differences to the uninstrumented client.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'package.json'));
const { context } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { MeterProvider, PeriodicExportingMetricReader, AggregationTemporality } = require('@opentelemetry/sdk-metrics');
const { createTokentax } = require('./dist/tokentax.js');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const CALLS = Number(process.env.BENCH_CALLS ?? 400);
const PKG = 'openai-v6';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const discard = { export: (_items, done) => done({ code: 0 }), shutdown: async () => {}, forceFlush: async () => {} };
const meterProvider = new MeterProvider({
  readers: [new PeriodicExportingMetricReader({ exporter: { ...discard, selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE }, exportIntervalMillis: 3_600_000 })],
});
const tracerProvider = (extra = []) => new BasicTracerProvider({ spanProcessors: [...extra, new BatchSpanProcessor(discard)] });

const body = JSON.stringify({
  id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi there, how can I help?' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 9, completion_tokens: 7, total_tokens: 16, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
});
const fetch = async () => new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });

function freshOpenAI() {
  for (const k of Object.keys(require.cache)) if (k.includes(`/node_modules/${PKG}/`)) delete require.cache[k];
  return require(PKG);
}
const version = require(`${join(here, '..', 'node_modules', PKG)}/package.json`).version;

function tokentaxVariant(options) {
  const mod = freshOpenAI();
  const t = createTokentax({ enabled: false, providerNames: { 'api.openai.com': 'openai' }, ...options });
  t.instrumentation.setTracerProvider(tracerProvider(t.spanProcessors));
  t.instrumentation.setMeterProvider(meterProvider);
  t.instrumentation.manuallyInstrument(mod);
  t.instrumentation.enable();
  return mod;
}

function variants() {
  const mods = {
    none: freshOpenAI(),
    'tokentax spans+metrics': tokentaxVariant({ measureContext: false, cost: false }),
    'tokentax +context': tokentaxVariant({ cost: false }),
    'tokentax default (+cost)': tokentaxVariant({}),
  };
  const contribMod = freshOpenAI();
  const { OpenAIInstrumentation: Contrib } = require('@opentelemetry/instrumentation-openai');
  const contrib = new Contrib({ enabled: false });
  contrib.setTracerProvider(tracerProvider());
  contrib.setMeterProvider(meterProvider);
  contrib.getModuleDefinitions()[0].patch(contribMod, version);
  contrib.enable();
  mods.contrib = contribMod;
  const tlMod = freshOpenAI();
  const { OpenAIInstrumentation: OpenLLMetry } = require('@traceloop/instrumentation-openai');
  const tl = new OpenLLMetry({ enabled: false, traceContent: false });
  tl.setTracerProvider(tracerProvider());
  tl.setMeterProvider(meterProvider);
  tl.manuallyInstrument(tlMod.OpenAI);
  tl.enable();
  mods.OpenLLMetry = tlMod;
  return Object.fromEntries(Object.entries(mods).map(([k, m]) => [k, new m.OpenAI({ apiKey: 'sk-bench', fetch, maxRetries: 0 })]));
}

const messages = [{ role: 'user', content: 'Say hi' }];
async function perCall(client) {
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / CALLS;
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const clients = variants();
const names = Object.keys(clients);
for (const n of names) await perCall(clients[n]);
const added = Object.fromEntries(names.map((n) => [n, []]));
const base = [];
for (let round = 0; round < ROUNDS; round++) {
  const got = {};
  for (let i = 0; i < names.length; i++) {
    const n = names[(i + round) % names.length];
    got[n] = await perCall(clients[n]);
  }
  base.push(got.none);
  for (const n of names) added[n].push(got[n] - got.none);
}
console.log(`openai ${version}, in-process fetch, ${ROUNDS} rounds x ${CALLS} calls, CPU µs per call, medians of per-round differences`);
console.log(`uninstrumented SDK: ${median(base).toFixed(1)} µs/call`);
const contrib = median(added.contrib);
for (const n of names.filter((x) => x !== 'none')) {
  const m = median(added[n]);
  console.log(`${n.padEnd(26)} +${m.toFixed(1).padStart(6)} µs   (${(m / contrib).toFixed(2)}x contrib)`);
}
