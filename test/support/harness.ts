/**
 * One `openai` major, instrumented by tokentax and exported to a real in-memory OTel SDK, plus a
 * way to run the same scenario with tokentax switched off for a differential comparison.
 */
import { OpenAIInstrumentation } from '../../src/instrumentation/instrumentation';
import type { OpenAIInstrumentationConfig } from '../../src/instrumentation/config';
import { loadMajor } from './openai-majors';
import { createTelemetry, type TestTelemetry } from './otel';

export interface Instrumented {
  mod: any;
  OpenAI: any;
  instrumentation: OpenAIInstrumentation;
  telemetry: TestTelemetry;
  /** Runs fn without tokentax, then with it, and returns both outcomes. */
  compare<T>(fn: () => Promise<T>): Promise<{ without: T; with: T }>;
  close(): Promise<void>;
}

export function instrument(pkg: string, config: OpenAIInstrumentationConfig = {}): Instrumented {
  const mod = loadMajor(pkg);
  const telemetry = createTelemetry();
  const instrumentation = new OpenAIInstrumentation({ ...config, enabled: false });
  instrumentation.setTracerProvider(telemetry.tracerProvider);
  instrumentation.setMeterProvider(telemetry.meterProvider);
  instrumentation.manuallyInstrument(mod);
  instrumentation.enable();
  return {
    mod,
    OpenAI: mod.OpenAI,
    instrumentation,
    telemetry,
    async compare(fn) {
      instrumentation.disable();
      const without = await settle(fn);
      instrumentation.manuallyInstrument(mod);
      instrumentation.enable();
      const withIt = await settle(fn);
      return { without, with: withIt } as any;
    },
    async close() {
      instrumentation.disable();
      await telemetry.shutdown();
    },
  };
}

/** Resolves to the value, or to a plain description of what was thrown. */
async function settle<T>(
  fn: () => Promise<T>,
): Promise<T | { thrown: { name: string; message: string; status?: number } }> {
  try {
    return await fn();
  } catch (e: any) {
    return { thrown: { name: e?.constructor?.name, message: String(e?.message), status: e?.status } };
  }
}

/** Waits until the exporter holds n spans (streams end their span when iteration finishes). */
export async function spansEventually(t: TestTelemetry, n: number, ms = 2000) {
  const until = Date.now() + ms;
  while (t.spans().length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
  return t.spans();
}
