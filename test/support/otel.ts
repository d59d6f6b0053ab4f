import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
/** A real OpenTelemetry SDK (tracer + meter providers with in-memory exporters) for tests. */
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { drainPendingCalls } from '../../src/instrumentation/deferred';
import { recordExport, safeJSON } from './export-scan';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

export interface TestTelemetry {
  tracerProvider: BasicTracerProvider;
  meterProvider: MeterProvider;
  spans(): ReadableSpan[];
  metrics(): Promise<ResourceMetrics[]>;
  reset(): void;
  shutdown(): Promise<void>;
}

let contextManagerSet = false;

export function createTelemetry(extraProcessors: SpanProcessor[] = []): TestTelemetry {
  if (!contextManagerSet) {
    // As NodeSDK does: without a context manager no span would ever be a parent.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    contextManagerSet = true;
  }
  const spanExporter = new InMemorySpanExporter();
  const dump: SpanProcessor = {
    onStart: () => undefined,
    onEnd: (span) =>
      recordExport(
        safeJSON({ name: span.name, attributes: span.attributes, status: span.status, events: span.events }),
      ),
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [...extraProcessors, new SimpleSpanProcessor(spanExporter), dump],
  });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    tracerProvider,
    meterProvider,
    // As a flush would: calls that returned have their spans completed just after (src/instrumentation/deferred).
    spans: () => {
      drainPendingCalls();
      return spanExporter.getFinishedSpans();
    },
    async metrics() {
      drainPendingCalls();
      await reader.forceFlush();
      const collected = metricExporter.getMetrics();
      recordExport(safeJSON(collected.map((rm) => rm.scopeMetrics)));
      return collected;
    },
    reset() {
      spanExporter.reset();
      metricExporter.reset();
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/** Data points of one metric from the last collection. */
export function metricPoints(
  collected: ResourceMetrics[],
  name: string,
): Array<{ attributes: Record<string, unknown>; value: any }> {
  const last = collected[collected.length - 1];
  if (!last) return [];
  for (const scope of last.scopeMetrics)
    for (const m of scope.metrics) if (m.descriptor.name === name) return m.dataPoints as any;
  return [];
}
