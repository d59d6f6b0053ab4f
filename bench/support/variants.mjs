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
const S = require(join(root, 'dist', 'semconv.js'));

export const PKG = 'openai-v6'; // the peers support openai < 7
export const version = require(join(root, 'node_modules', PKG, 'package.json')).version;

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const discard = { export: (_items, done) => done({ code: 0 }), shutdown: async () => {}, forceFlush: async () => {} };
/** A meter provider whose reader exports (to nowhere) only when flushed: one per variant. */
const newMeterProvider = () =>
  new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({
        exporter: { ...discard, selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE },
        exportIntervalMillis: 3_600_000,
      }),
    ],
  });
const tracerProvider = (extra = []) =>
  new BasicTracerProvider({ spanProcessors: [...extra, new BatchSpanProcessor(discard)] });

/** Each patched module's tracer and meter providers, so a bench can flush (complete and export) what they hold. */
const providers = new WeakMap();
/** The providers of a new variant of `mod`. */
function providersFor(mod, spanProcessors = []) {
  const p = { tracer: tracerProvider(spanProcessors), meter: newMeterProvider() };
  providers.set(mod, p);
  return p;
}
/**
 * Completes and exports every span and metric the variant's instrumentation holds: tokentax's
 * deferred queue is drained by its first span processor on flush, then both SDKs export.
 */
export async function flushVariant(mod) {
  const p = providers.get(mod);
  if (!p) return;
  await p.tracer.forceFlush();
  await p.meter.forceFlush();
}
/** Shuts every variant's providers down (at the end of a bench). */
export async function shutdownVariants(mods) {
  for (const mod of mods) {
    const p = providers.get(mod);
    if (p) await Promise.all([p.tracer.shutdown(), p.meter.shutdown()]);
  }
}

/** A fresh copy of the SDK module, so each variant patches its own classes. */
export function freshOpenAI() {
  for (const k of Object.keys(require.cache)) if (k.includes(`/node_modules/${PKG}/`)) delete require.cache[k];
  return require(PKG);
}

/**
 * A fresh SDK copy patched by tokentax; `processors` run after tokentax's own span processors.
 * `dist`: another build of tokentax (an earlier commit's dist/, for an A/B in one run).
 */
function instrumentWithTokentax(options, processors = [], dist) {
  const mod = freshOpenAI();
  const create = dist ? require(join(dist, 'tokentax.js')).createTokentax : createTokentax;
  const t = create({ enabled: false, ...options });
  const p = providersFor(mod, [...t.spanProcessors, ...processors]);
  t.instrumentation.setTracerProvider(p.tracer);
  t.instrumentation.setMeterProvider(p.meter);
  t.instrumentation.manuallyInstrument(mod);
  t.instrumentation.enable();
  return { mod, instrumentation: t.instrumentation };
}

export function tokentaxModule(options = {}, dist = undefined) {
  return instrumentWithTokentax(options, [], dist).mod;
}

export function contribModule() {
  const mod = freshOpenAI();
  const { OpenAIInstrumentation } = require('@opentelemetry/instrumentation-openai');
  const i = new OpenAIInstrumentation({ enabled: false });
  const p = providersFor(mod);
  i.setTracerProvider(p.tracer);
  i.setMeterProvider(p.meter);
  i.getModuleDefinitions()[0].patch(mod, version);
  i.enable();
  return mod;
}

export function openllmetryModule() {
  const mod = freshOpenAI();
  const { OpenAIInstrumentation } = require('@traceloop/instrumentation-openai');
  const i = new OpenAIInstrumentation({ enabled: false, traceContent: false });
  const p = providersFor(mod);
  i.setTracerProvider(p.tracer);
  i.setMeterProvider(p.meter);
  i.manuallyInstrument(mod.OpenAI);
  i.enable();
  return mod;
}

/**
 * The floor: what the OpenTelemetry SDK itself costs to carry tokentax's output for one call, with
 * nothing computed. `output(params)` gives the very attributes a tokentax span of that request
 * carries (captured from one; see captureOutput) and its metric values; this wrapper only starts the
 * span with the start attributes, runs the SDK in the span's context, then sets the rest, records the
 * same histograms and counter (tokentax's own instruments) and ends the span, like a contrib
 * instrumentation would. No context measurement, no pricing, no deferral: the least any
 * instrumentation can spend on that output through the SDK. Non-streaming chat only.
 * `{ metrics: false }`: the span alone, to show what the metric records weigh.
 */
export function sdkFloorModule(output, { metrics: withMetrics = true } = {}) {
  const mod = freshOpenAI();
  const { trace, SpanKind } = require('@opentelemetry/api');
  const { CallMetrics } = require(join(root, 'dist', 'instrumentation', 'metrics.js'));
  const p = providersFor(mod);
  const tracer = p.tracer.getTracer('sdk-floor');
  const metrics = new CallMetrics(p.meter.getMeter('sdk-floor'));
  const proto = mod.OpenAI.Chat.Completions.prototype;
  const original = proto.create;
  proto.create = function floorCreate(params, options) {
    const out = output(params);
    const startedAt = performance.now();
    const span = tracer.startSpan(out.name, { kind: SpanKind.CLIENT, attributes: out.start, startTime: startedAt });
    const result = context.with(trace.setSpan(context.active(), span), () => original.call(this, params, options));
    result.then(
      () => {
        const endedAt = performance.now();
        span.setAttributes(out.end);
        if (!withMetrics) return span.end(endedAt);
        const m = out.metricAttributes;
        metrics.duration.record((endedAt - startedAt) / 1000, m);
        metrics.tokenUsage.record(out.input, out.inputAttributes);
        metrics.tokenUsage.record(out.output, out.outputAttributes);
        metrics.contextTokens.record(out.contextTokens, m);
        metrics.utilization.record(out.utilization, m);
        for (const reasons of out.bloatAttributes) metrics.bloated.add(1, reasons);
        span.end(endedAt);
      },
      () => span.end(),
    );
    return result;
  };
  return mod;
}

/**
 * The least an instrumentation that parents the call's HTTP spans can do through the SDK: start a
 * span, run the SDK call in its context, and end the span once the call's promise has settled (for a
 * stream, when the stream is handed back), just after the application resumes, as tokentax does. No
 * attributes, no metrics.
 */
export function spanFloorModule() {
  const mod = freshOpenAI();
  const { trace, SpanKind } = require('@opentelemetry/api');
  const tracer = providersFor(mod).tracer.getTracer('span-floor');
  const proto = mod.OpenAI.Chat.Completions.prototype;
  const original = proto.create;
  proto.create = function spanFloorCreate(params, options) {
    const span = tracer.startSpan('chat', { kind: SpanKind.CLIENT });
    const result = context.with(trace.setSpan(context.active(), span), () => original.call(this, params, options));
    const end = () => setImmediate(() => span.end());
    result.then(end, end);
    return result;
  };
  return mod;
}

/** The attributes and metric values of the tokentax span one call of `run` produces (see sdkFloorModule). */
export async function captureOutput(run, options) {
  const { InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
  const exporter = new InMemorySpanExporter();
  const { mod, instrumentation } = instrumentWithTokentax(options.tokentax, [new SimpleSpanProcessor(exporter)]);
  // The second call: an agent's steady state (turn 2, its context recycled), as in the benches' loops.
  const client = new mod.OpenAI(options.client);
  await run(client);
  await run(client);
  instrumentation.flushPendingSpans();
  const span = exporter.getFinishedSpans()[1];
  instrumentation.disable();
  const a = span.attributes;
  const startKeys = [
    S.ATTR_GEN_AI_OPERATION_NAME,
    S.ATTR_GEN_AI_PROVIDER_NAME,
    S.ATTR_SERVER_ADDRESS,
    S.ATTR_SERVER_PORT,
    S.ATTR_GEN_AI_REQUEST_MODEL,
  ];
  const pick = (keys) => Object.fromEntries(keys.filter((k) => k in a).map((k) => [k, a[k]]));
  const start = pick(Object.keys(a).filter((k) => startKeys.includes(k) || k.startsWith('gen_ai.request.')));
  const end = pick(Object.keys(a).filter((k) => !(k in start)));
  const metricAttributes = { ...pick(startKeys), [S.ATTR_GEN_AI_RESPONSE_MODEL]: a[S.ATTR_GEN_AI_RESPONSE_MODEL] };
  const plus = (key, value) => ({ ...metricAttributes, [key]: value });
  return {
    name: span.name,
    start,
    end,
    metricAttributes,
    input: a[S.ATTR_GEN_AI_USAGE_INPUT_TOKENS],
    output: a[S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS],
    inputAttributes: plus(S.ATTR_GEN_AI_TOKEN_TYPE, S.TOKEN_TYPE_INPUT),
    outputAttributes: plus(S.ATTR_GEN_AI_TOKEN_TYPE, S.TOKEN_TYPE_OUTPUT),
    contextTokens: a[S.ATTR_CONTEXT_TOKENS],
    utilization: a[S.ATTR_CONTEXT_UTILIZATION],
    bloatAttributes: (a[S.ATTR_CONTEXT_BLOAT_REASONS] ?? []).map((r) => plus(S.ATTR_METRIC_BLOAT_REASON, r)),
  };
}
