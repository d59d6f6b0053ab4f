import { afterEach, describe, expect, it } from 'vitest';
import { metrics, SpanKind, type Tracer } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { DataPointType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { CostEnrichingExporter, TokentaxCostProcessor } from '../../src/pricing/processor';
import {
  ATTR_COST_CHEAPEST,
  ATTR_COST_USD,
  ATTR_METRIC_MODEL,
  ATTR_METRIC_PROVIDER,
  ATTR_METRIC_SCENARIO,
  ATTR_PRICING_VERSION,
  METRIC_COST,
  scenarioCostAttr,
} from '../../src/semconv';
import { testPricing } from './fixtures/helpers';

class TestReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const genAi = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'big',
  'gen_ai.usage.input_tokens': 1000,
  'gen_ai.usage.output_tokens': 200,
  'gen_ai.usage.cache_read.input_tokens': 400,
};
const JULY = new Date('2025-07-01T00:00:00Z');

const providers: Array<{ shutdown(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.shutdown()));
});

function setup(withProcessor: boolean) {
  const exporter = new InMemorySpanExporter();
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const pricing = testPricing();
  const spanProcessors = withProcessor
    ? [new TokentaxCostProcessor({ pricing, meter: meterProvider.getMeter('test') }), new SimpleSpanProcessor(exporter)]
    : [
        new SimpleSpanProcessor(
          new CostEnrichingExporter(exporter, { pricing, meter: meterProvider.getMeter('test') }),
        ),
      ];
  const tracerProvider = new BasicTracerProvider({ spanProcessors });
  providers.push(tracerProvider, meterProvider);
  return { exporter, reader, tracer: tracerProvider.getTracer('test') };
}

function emit(tracer: Tracer): void {
  const genSpan = tracer.startSpan('chat big', { kind: SpanKind.CLIENT, attributes: genAi, startTime: JULY });
  genSpan.end(new Date(JULY.getTime() + 1000));
  const other = tracer.startSpan('GET /health', { attributes: { 'http.method': 'GET' } });
  other.end();
}

async function costPoints(reader: MetricReader) {
  const { resourceMetrics } = await reader.collect();
  const metric = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === METRIC_COST);
  expect(metric?.dataPointType).toBe(DataPointType.SUM);
  return metric!.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value as number }));
}

function check(spans: ReadableSpan[]): void {
  const gen = spans.find((s) => s.name === 'chat big')!;
  expect(gen.attributes[ATTR_COST_USD]).toBeCloseTo(0.003, 12);
  expect(gen.attributes[scenarioCostAttr('cheap')]).toBeCloseTo(0.00175, 12);
  expect(gen.attributes[ATTR_COST_CHEAPEST]).toBe('cheap');
  expect(gen.attributes['gen_ai.request.model']).toBe('big'); // original attributes kept
  const other = spans.find((s) => s.name === 'GET /health')!;
  expect(Object.keys(other.attributes).some((k) => k.startsWith('tokentax.'))).toBe(false);
}

describe('TokentaxCostProcessor (onEnding)', () => {
  it('adds cost attributes to exported GenAI spans only, and counts USD by scenario', async () => {
    const { exporter, reader, tracer } = setup(true);
    emit(tracer);
    check(exporter.getFinishedSpans());
    const points = await costPoints(reader);
    const actual = points.find((p) => p.attributes[ATTR_METRIC_SCENARIO] === 'actual')!;
    expect(actual.value).toBeCloseTo(0.003, 12);
    expect(actual.attributes[ATTR_METRIC_MODEL]).toBe('big');
    expect(actual.attributes[ATTR_METRIC_PROVIDER]).toBe('openai');
    const cheap = points.find((p) => p.attributes[ATTR_METRIC_SCENARIO] === 'cheap')!;
    expect(cheap.value).toBeCloseTo(0.00175, 12);
    expect(cheap.attributes[ATTR_METRIC_MODEL]).toBe('open-70b');
    expect(cheap.attributes[ATTR_METRIC_PROVIDER]).toBe('cheap');
    expect(points.some((p) => p.attributes[ATTR_METRIC_SCENARIO] === 'flat')).toBe(false); // no price, no count
  });

  it('counts on the global meter provider even when it is registered after the first span', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [new TokentaxCostProcessor({ pricing: testPricing() }), new SimpleSpanProcessor(exporter)],
    });
    providers.push(provider);
    const tracer = provider.getTracer('t');
    tracer.startSpan('chat big', { attributes: genAi, startTime: JULY }).end(); // no meter provider yet: no-op
    const reader = new TestReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    metrics.setGlobalMeterProvider(meterProvider);
    try {
      tracer.startSpan('chat big', { attributes: genAi, startTime: JULY }).end();
      const actual = (await costPoints(reader)).find((p) => p.attributes[ATTR_METRIC_SCENARIO] === 'actual')!;
      expect(actual.value).toBeCloseTo(0.003, 12); // the second span only
    } finally {
      metrics.disable();
      await meterProvider.shutdown();
    }
  });

  it('does not price a span twice (already carries tokentax.pricing.version)', () => {
    const { exporter, tracer } = setup(true);
    const span = tracer.startSpan('chat big', {
      attributes: { ...genAi, [ATTR_PRICING_VERSION]: 'upstream', [ATTR_COST_USD]: 1 },
      startTime: JULY,
    });
    span.end();
    expect(exporter.getFinishedSpans()[0].attributes[ATTR_COST_USD]).toBe(1);
  });

  it('loads shared pricing lazily, once, on the first GenAI span', () => {
    const exporter = new InMemorySpanExporter();
    let loads = 0;
    const processor = new TokentaxCostProcessor({ pricing: () => (loads++, testPricing()) });
    const provider = new BasicTracerProvider({ spanProcessors: [processor, new SimpleSpanProcessor(exporter)] });
    providers.push(provider);
    const tracer = provider.getTracer('t');
    tracer.startSpan('GET /', { attributes: { 'http.method': 'GET' } }).end();
    expect(loads).toBe(0);
    for (let i = 0; i < 3; i++) tracer.startSpan('chat big', { attributes: genAi, startTime: JULY }).end();
    expect(loads).toBe(1);
    expect(exporter.getFinishedSpans().filter((s) => s.attributes[ATTR_COST_USD] !== undefined)).toHaveLength(3);
  });

  it('never throws into the application when the configuration cannot be loaded', () => {
    const exporter = new InMemorySpanExporter();
    const processor = new TokentaxCostProcessor({ config: { file: '/nonexistent/tokentax.yaml' } });
    const provider = new BasicTracerProvider({ spanProcessors: [processor, new SimpleSpanProcessor(exporter)] });
    providers.push(provider);
    const span = provider.getTracer('t').startSpan('chat big', { attributes: genAi });
    expect(() => span.end()).not.toThrow();
    expect(exporter.getFinishedSpans()[0].attributes[ATTR_COST_USD]).toBeUndefined();
  });
});

describe('CostEnrichingExporter (SDKs without onEnding)', () => {
  it('exports priced views that keep span methods and serialise to OTLP', async () => {
    const { exporter, reader, tracer } = setup(false);
    emit(tracer);
    const spans = exporter.getFinishedSpans();
    check(spans);
    const gen = spans.find((s) => s.name === 'chat big')!;
    expect(gen.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    const json = JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)!));
    const otlpSpan = json.resourceSpans[0].scopeSpans[0].spans.find((s: { name: string }) => s.name === 'chat big');
    const cost = otlpSpan.attributes.find((a: { key: string }) => a.key === ATTR_COST_USD);
    expect(cost.value.doubleValue).toBeCloseTo(0.003, 12);
    expect((await costPoints(reader)).find((p) => p.attributes[ATTR_METRIC_SCENARIO] === 'actual')!.value).toBeCloseTo(
      0.003,
      12,
    );
  });
});
