/**
 * Starts a NodeSDK with tokentax for the register entry point, and makes sure a short-lived process
 * exports what it recorded: on natural exit, SIGTERM and SIGINT, with a bounded shutdown time, keeping
 * the application's own exit code (or signal).
 */
import { diag } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { register as registerLoaderHooks } from 'node:module';
import { pathToFileURL } from 'node:url';
import { ENV_DISABLED } from './semconv';
import { drainPendingCalls } from './instrumentation/deferred';
import { createTokentax, type TokentaxOptions } from './tokentax';

const DEFAULT_SHUTDOWN_MS = 5_000;

export interface StartedSDK {
  sdk: NodeSDK;
  shutdown(): Promise<void>;
}

export function startTokentaxSDK(
  options: TokentaxOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): StartedSDK | undefined {
  if (/^(true|1)$/i.test(env[ENV_DISABLED] ?? '')) return undefined;
  registerEsmHooks();
  const tokentax = createTokentax(options);
  const sdk = new NodeSDK({
    instrumentations: [tokentax.instrumentation],
    spanProcessors: [...tokentax.spanProcessors, ...spanProcessorsFromEnv()],
  });
  sdk.start();
  const timeoutMs =
    Number(env.TOKENTAX_SHUTDOWN_TIMEOUT_MS) > 0 ? Number(env.TOKENTAX_SHUTDOWN_TIMEOUT_MS) : DEFAULT_SHUTDOWN_MS;
  let done: Promise<void> | undefined;
  const shutdown = () => (done ??= boundedShutdown(sdk, timeoutMs));
  installExitHooks(shutdown);
  return { sdk, shutdown };
}

/** ESM applications load `openai` through the loader: hook only that package (import-in-the-middle). */
function registerEsmHooks(): void {
  try {
    registerLoaderHooks('@opentelemetry/instrumentation/hook.mjs', pathToFileURL(__filename), {
      data: { include: ['openai'] },
    });
  } catch (error) {
    diag.warn('tokentax: could not register ESM loader hooks; ESM applications will not be traced', error);
  }
}

/**
 * The exporters NodeSDK would build from OTEL_TRACES_EXPORTER & co. NodeSDK builds them only when
 * given no span processors, and we must add ours, so we ask its own helper (same code path).
 */
function spanProcessorsFromEnv(): SpanProcessor[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const utils = require('@opentelemetry/sdk-node/build/src/utils') as {
    getSpanProcessorsFromEnv(m: unknown): SpanProcessor[];
  };
  return utils.getSpanProcessorsFromEnv(undefined);
}

async function boundedShutdown(sdk: NodeSDK, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      diag.warn(`tokentax: telemetry shutdown took longer than ${timeoutMs} ms; exiting without waiting`);
      resolve();
    }, timeoutMs);
    timer.unref();
  });
  try {
    // Calls that just returned are completed before NodeSDK shuts the tracer and meter providers down
    // side by side: their spans and also their metric records must precede both (the span processor
    // that drains on shutdown only orders the spans).
    drainPendingCalls();
    await Promise.race([sdk.shutdown().catch((e) => diag.error('tokentax: telemetry shutdown failed', e)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function installExitHooks(shutdown: () => Promise<void>): void {
  // Natural exit: the event loop is empty; shutting down schedules the last export, then the
  // process exits with whatever exit code the application set.
  process.once('beforeExit', () => void shutdown());
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const onSignal = () => {
      // With handlers of its own the application decides when to exit; we only flush.
      const appHandles = process.listenerCount(signal) > 1;
      void shutdown().finally(() => {
        if (appHandles) return;
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal); // default action: the exit status says the signal
      });
    };
    process.on(signal, onSignal);
  }
}
