/**
 * The whole in-process pipeline the hardening suites drive: a local API stand-in, tokentax's
 * instrumentation with context measurement, the cost processor, and a real SDK that counts span ends.
 */
import { createContextMeter } from '../../src/context';
import { OpenAIInstrumentation } from '../../src/instrumentation/instrumentation';
import { createModelCatalog, TokentaxCostProcessor } from '../../src/pricing';
import { createTelemetry } from '../support/otel';
import { ReplayServer } from '../support/replay-server';
import { SpanCounter } from './support';

export function pricedPipeline() {
  const server = new ReplayServer();
  const counter = new SpanCounter();
  const telemetry = createTelemetry([counter, new TokentaxCostProcessor()]);
  const instrumentation = new OpenAIInstrumentation({
    enabled: false,
    contextMeter: createContextMeter({ catalog: createModelCatalog() }),
    // Priced as OpenAI, so the whole pipeline (context, usage, cost) runs on these calls.
    providerNames: { '127.0.0.1': 'openai' },
  });
  return {
    server,
    counter,
    telemetry,
    instrumentation,
    async start(): Promise<void> {
      await server.start();
      instrumentation.setTracerProvider(telemetry.tracerProvider);
      instrumentation.setMeterProvider(telemetry.meterProvider);
    },
    async close(): Promise<void> {
      instrumentation.disable();
      await server.stop();
      await telemetry.shutdown();
    },
  };
}
