/**
 * Fault injection inside tokentax and the OTel pipeline around it: a context meter (tokenizer) that
 * throws, a model catalog that throws, pricing data missing or corrupt, a span processor / exporter
 * that fails, metric instruments and a metric reader that throw, a conversation cache at its bound.
 * Every time: the application's calls (plain, streamed, failing) give exactly the results they give
 * without tokentax, every span ends once, and the fault shows through the OTel diag logger once,
 * not once per call.
 */
import { mkdtempSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Meter, MeterProvider } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider as SdkMeterProvider,
  MetricReader,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createContextMeter } from '../../src/context';
import type { ContextMeter, ModelCatalog } from '../../src/contracts';
import { OpenAIInstrumentation } from '../../src/instrumentation/instrumentation';
import type { OpenAIInstrumentationConfig } from '../../src/instrumentation/config';
import { createModelCatalog, DATA_DIR, loadPricing, TokentaxCostProcessor } from '../../src/pricing';
import { ATTR_CONTEXT_TOKENS, ATTR_COST_USD, ATTR_GEN_AI_USAGE_INPUT_TOKENS } from '../../src/semconv';
import { drain, plain } from '../support/calls';
import { loadMajor } from '../support/openai-majors';
import { createTelemetry } from '../support/otel';
import { ReplayServer, sendJSON, sendSSE } from '../support/replay-server';
import { allEnded, captureDiag, SpanCounter } from './support';

const CALLS = 12; // per fault: 4 plain, 4 streamed, 4 failing

const server = new ReplayServer();
const mod = loadMajor('openai');
let client: any;

beforeAll(async () => {
  await server.start();
  server.handle((_req, body, res) => {
    const text = JSON.stringify(body.messages).length;
    if (body.messages[0]?.content === 'fail')
      return sendJSON(res, 429, {
        error: { message: 'slow down', type: 'requests', param: null, code: 'rate_limit_exceeded' },
      });
    const usage = { prompt_tokens: 11, completion_tokens: 2, total_tokens: 13 };
    if (body.stream) {
      return sendSSE(res, [
        {
          id: 'c1',
          object: 'chat.completion.chunk',
          created: 1,
          model: body.model,
          choices: [{ index: 0, delta: { role: 'assistant', content: `len ${text}` }, finish_reason: null }],
        },
        {
          id: 'c1',
          object: 'chat.completion.chunk',
          created: 1,
          model: body.model,
          choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
        },
      ]);
    }
    sendJSON(res, 200, {
      id: 'c1',
      object: 'chat.completion',
      created: 1,
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: `len ${text}` }, finish_reason: 'stop' }],
      usage,
    });
  });
  client = new mod.OpenAI({ apiKey: 'sk-test-faults', baseURL: server.baseURL, maxRetries: 0 });
});
afterAll(() => server.stop());

let diagCapture: ReturnType<typeof captureDiag> | undefined;
afterEach(() => diagCapture?.restore());

/** The application's workload: distinct conversations, plain, streamed and failing calls. */
async function workload(): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let i = 0; i < CALLS; i++) {
    const kind = i % 3;
    const messages = [{ role: 'user', content: kind === 2 ? 'fail' : `question ${i}` }];
    try {
      if (kind === 1)
        out.push(await drain(await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true })));
      else out.push(plain(await client.chat.completions.create({ model: 'gpt-4o-mini', messages })));
    } catch (e: any) {
      out.push({ thrown: e?.constructor?.name, status: e?.status, message: e?.message });
    }
  }
  return out;
}

let baseline: unknown[];
beforeAll(async () => {
  baseline = await workload();
});

interface Setup {
  config?: OpenAIInstrumentationConfig;
  processors?: SpanProcessor[];
  /** Replaces the test tracer provider's processors entirely. */
  tracerProvider?: BasicTracerProvider;
  meterProvider?: MeterProvider;
}

/** Runs the workload instrumented; returns the outcome, the span counter and the diag lines. */
async function runWith(setup: Setup) {
  diagCapture = captureDiag();
  const counter = new SpanCounter();
  const telemetry = createTelemetry([counter, ...(setup.processors ?? [])]);
  const instrumentation = new OpenAIInstrumentation({
    enabled: false,
    providerNames: { '127.0.0.1': 'openai' },
    ...setup.config,
  });
  instrumentation.setTracerProvider(setup.tracerProvider ?? telemetry.tracerProvider);
  instrumentation.setMeterProvider(setup.meterProvider ?? telemetry.meterProvider);
  instrumentation.manuallyInstrument(mod);
  instrumentation.enable();
  try {
    const outcome = await workload();
    await allEnded(counter);
    return { outcome, counter, telemetry, logs: diagCapture.logs };
  } finally {
    instrumentation.disable();
  }
}

/** Diag lines (any level) whose text or error mentions `marker`. */
const mentioning = (logs: Array<{ message: string; args: unknown[] }>, marker: string) =>
  logs.filter((l) =>
    `${l.message} ${l.args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ')}`.includes(marker),
  );

function expectTransparent(r: Awaited<ReturnType<typeof runWith>>, expectSpans = true): void {
  expect(r.outcome).toEqual(baseline);
  if (expectSpans) {
    expect(r.counter.started.size).toBe(CALLS);
    expect(r.counter.open()).toEqual([]);
    expect(r.counter.endedTwice()).toEqual([]);
  }
}

describe('fault injection', () => {
  it('a context meter whose measure() throws (tokenizer failure): calls unaffected, reported once', async () => {
    const meter: ContextMeter = {
      measure: () => {
        throw new Error('FAULT-measure tokenizer exploded');
      },
      countText: () => ({ done: true, value: () => 0 }),
    };
    const r = await runWith({ config: { contextMeter: meter } });
    expectTransparent(r);
    expect(mentioning(r.logs, 'FAULT-measure')).toHaveLength(1);
    // The span still carries the API's usage.
    expect(r.telemetry.spans().some((s) => s.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS] === 11)).toBe(true);
  });

  it('a measurement whose complete() and countText() throw: calls unaffected, each fault reported once', async () => {
    const meter: ContextMeter = {
      measure: () => ({
        attributes: {},
        complete: () => {
          throw new Error('FAULT-complete');
        },
      }),
      countText: () => {
        throw new Error('FAULT-countText');
      },
    };
    const r = await runWith({ config: { contextMeter: meter } });
    expectTransparent(r);
    expect(mentioning(r.logs, 'FAULT-complete')).toHaveLength(1);
    expect(mentioning(r.logs, 'FAULT-countText').length).toBeLessThanOrEqual(1);
  });

  it('a model catalog that throws (the real meter around it): context still measured, reported once', async () => {
    const catalog: ModelCatalog = {
      model: () => {
        throw new Error('FAULT-catalog');
      },
    };
    const r = await runWith({ config: { contextMeter: createContextMeter({ catalog }) } });
    expectTransparent(r);
    expect(mentioning(r.logs, 'FAULT-catalog')).toHaveLength(1);
    expect(
      r.telemetry.spans().every((s) => s.attributes[ATTR_CONTEXT_TOKENS] !== undefined || s.status.code === 2),
    ).toBe(true);
  });

  it('pricing data corrupt (a data dir with broken JSON): catalog and processor degrade, reported once each, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokentax-corrupt-'));
    cpSync(DATA_DIR, dir, { recursive: true });
    writeFileSync(join(dir, 'prices.json'), '{"version": "2026-01-01", "providers": {"openai": {"models": [ {"id": ');
    let loads = 0;
    const pricing = () => {
      loads++;
      return loadPricing({ dataDir: dir });
    };
    const r = await runWith({
      config: { contextMeter: createContextMeter({ catalog: createModelCatalog(pricing) }) },
      processors: [new TokentaxCostProcessor({ pricing })],
    });
    expectTransparent(r);
    const lines = mentioning(r.logs, 'prices.json');
    // One from the catalog (context measurement), one from the cost processor.
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThanOrEqual(2);
    expect(r.telemetry.spans().every((s) => s.attributes[ATTR_COST_USD] === undefined)).toBe(true);
    // The corrupt file is not re-read on every call.
    expect(loads).toBeLessThanOrEqual(2);
  });

  it('pricing data missing (a data dir that does not exist): same', async () => {
    const dir = join(tmpdir(), 'tokentax-no-such-dir-' + process.pid);
    const pricing = () => loadPricing({ dataDir: dir });
    const r = await runWith({
      config: { contextMeter: createContextMeter({ catalog: createModelCatalog(pricing) }) },
      processors: [new TokentaxCostProcessor({ pricing })],
    });
    expectTransparent(r);
    const lines = mentioning(r.logs, 'tokentax-no-such-dir');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThanOrEqual(2);
  });

  it('a span processor whose onEnd throws (a failing synchronous exporter): calls unaffected, reported once', async () => {
    const throwing: SpanProcessor = {
      onStart: () => {},
      onEnd: () => {
        throw new Error('FAULT-onEnd');
      },
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
    const r = await runWith({ processors: [throwing] });
    expect(r.outcome).toEqual(baseline);
    expect(r.counter.started.size).toBe(CALLS);
    expect(r.counter.endedTwice()).toEqual([]);
    expect(r.counter.open()).toEqual([]);
    expect(mentioning(r.logs, 'FAULT-onEnd')).toHaveLength(1);
  });

  it('an exporter whose export() throws, behind Simple and Batch processors: calls unaffected', async () => {
    let exportCalls = 0;
    const exporter: SpanExporter = {
      export: () => {
        exportCalls++;
        throw new Error('FAULT-export');
      },
      shutdown: () => Promise.resolve(),
    };
    const batch = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1, maxExportBatchSize: 2 });
    const r = await runWith({ processors: [new SimpleSpanProcessor(exporter), batch] });
    await batch.forceFlush().catch(() => undefined);
    expectTransparent(r);
    expect(exportCalls).toBeGreaterThan(0);
  });

  it('metric instruments that throw on record, and a metric reader/exporter that throw: calls unaffected, reported once', async () => {
    const boom = () => {
      throw new Error('FAULT-metric-record');
    };
    const instrument = { record: boom, add: boom };
    // Observable instruments take callbacks: one that throws when its callback is added.
    const observable = { addCallback: boom, removeCallback: boom };
    const meter = {
      createHistogram: () => instrument,
      createCounter: () => instrument,
      createUpDownCounter: () => instrument,
      createGauge: () => instrument,
      createObservableCounter: () => observable,
    } as unknown as Meter;
    const throwingProvider: MeterProvider = { getMeter: () => meter };
    // The same meter behind the cost processor's tokentax.cost counter.
    const r = await runWith({ meterProvider: throwingProvider, processors: [new TokentaxCostProcessor({ meter })] });
    expectTransparent(r);
    // Once per place (successful call, failed call, cost counter), not once per call: 12 calls, at most 3 lines.
    const lines = mentioning(r.logs, 'FAULT-metric-record');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThanOrEqual(3);

    class ThrowingReader extends MetricReader {
      protected onForceFlush(): Promise<void> {
        throw new Error('FAULT-reader');
      }
      protected onShutdown(): Promise<void> {
        return Promise.resolve();
      }
    }
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    exporter.export = () => {
      throw new Error('FAULT-metric-export');
    };
    const reader = new ThrowingReader();
    const periodic = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 10 });
    const provider = new SdkMeterProvider({ readers: [reader, periodic] });
    const r2 = await runWith({ meterProvider: provider });
    await reader.forceFlush().catch(() => undefined);
    expectTransparent(r2);
    await provider.shutdown().catch(() => undefined);
  });

  it('a conversation cache at its bound: older conversations are forgotten, memory stays bounded, calls unaffected', async () => {
    const meter = createContextMeter({ maxConversations: 3 });
    const r = await runWith({ config: { contextMeter: meter } });
    expectTransparent(r);
    expect(meter.conversations).toBeLessThanOrEqual(3);
    expect(r.logs.filter((l) => l.level === 'error' || l.level === 'warn')).toEqual([]);
  });
});
