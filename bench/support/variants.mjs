// The instrumented openai clients the overhead benchmarks compare: each variant patches its own fresh
// copy of the SDK module, and all share one OTel SDK set-up (discarding exporters, a real context manager).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const { context } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { MeterProvider, PeriodicExportingMetricReader, AggregationTemporality } = require('@opentelemetry/sdk-metrics');
const { createTokentax } = require(join(root, 'dist', 'tokentax.js'));

export const PKG = 'openai-v6'; // the peers support openai < 7
export const version = require(join(root, 'node_modules', PKG, 'package.json')).version;

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const discard = { export: (_items, done) => done({ code: 0 }), shutdown: async () => {}, forceFlush: async () => {} };
export const meterProvider = new MeterProvider({
  readers: [new PeriodicExportingMetricReader({ exporter: { ...discard, selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE }, exportIntervalMillis: 3_600_000 })],
});
const tracerProvider = (extra = []) => new BasicTracerProvider({ spanProcessors: [...extra, new BatchSpanProcessor(discard)] });

/** A fresh copy of the SDK module, so each variant patches its own classes. */
export function freshOpenAI() {
  for (const k of Object.keys(require.cache)) if (k.includes(`/node_modules/${PKG}/`)) delete require.cache[k];
  return require(PKG);
}

export function tokentaxModule(options = {}) {
  const mod = freshOpenAI();
  const t = createTokentax({ enabled: false, ...options });
  t.instrumentation.setTracerProvider(tracerProvider(t.spanProcessors));
  t.instrumentation.setMeterProvider(meterProvider);
  t.instrumentation.manuallyInstrument(mod);
  t.instrumentation.enable();
  return mod;
}

export function contribModule() {
  const mod = freshOpenAI();
  const { OpenAIInstrumentation } = require('@opentelemetry/instrumentation-openai');
  const i = new OpenAIInstrumentation({ enabled: false });
  i.setTracerProvider(tracerProvider());
  i.setMeterProvider(meterProvider);
  i.getModuleDefinitions()[0].patch(mod, version);
  i.enable();
  return mod;
}

export function openllmetryModule() {
  const mod = freshOpenAI();
  const { OpenAIInstrumentation } = require('@traceloop/instrumentation-openai');
  const i = new OpenAIInstrumentation({ enabled: false, traceContent: false });
  i.setTracerProvider(tracerProvider());
  i.setMeterProvider(meterProvider);
  i.manuallyInstrument(mod.OpenAI);
  i.enable();
  return mod;
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
