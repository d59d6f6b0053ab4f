/**
 * Starts a NodeSDK with tokentax for the register entry point, and makes sure a short-lived process
 * exports what it recorded: on natural exit, SIGTERM and SIGINT, within the shutdown timeout, keeping
 * the application's own exit code (or signal).
 */
import { diag } from '@opentelemetry/api';
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { register as registerLoaderHooks } from 'node:module';
import { connect } from 'node:net';
import { pathToFileURL } from 'node:url';
import { ENV, loadConfig, type Env, type ResolvedConfig } from './config';
import { JsonlFileExporter } from './export/jsonl-file-exporter';
import { endOpenCalls } from './instrumentation/open-calls';
import { buildTokentax, type TokentaxOptions } from './tokentax';

export interface StartedSDK {
  sdk: NodeSDK;
  config: ResolvedConfig;
  /** Flushes and stops telemetry; resolves true when it finished within the shutdown timeout. */
  shutdown(): Promise<boolean>;
}

/** Returns undefined when TOKENTAX_DISABLED (or `disabled`) is set. Throws ConfigError on a bad file. */
export function startTokentaxSDK(options: TokentaxOptions = {}, env: Env = process.env): StartedSDK | undefined {
  const { configFile, config: codeConfig, cost, ...instrumentationOptions } = options;
  const config = loadConfig({ env, ...(codeConfig ?? {}), ...(cost === undefined ? {} : { cost }), file: configFile });
  if (config.disabled) return undefined;
  registerEsmHooks();
  boundExportTimeout(config);
  const tokentax = buildTokentax(config, instrumentationOptions);
  const sdk = new NodeSDK({
    instrumentations: [tokentax.instrumentation],
    spanProcessors: [...tokentax.spanProcessors, ...exportingProcessors(config)],
    ...localOnly(config),
  });
  sdk.start();
  let done: Promise<boolean> | undefined;
  const shutdown = () => (done ??= boundedShutdown(sdk, config));
  installExitHooks(shutdown);
  return { sdk, config, shutdown };
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
 * An export in flight when the application ends must not outlive the shutdown timeout: the OTLP
 * exporters retry on timers that keep the process alive for up to their own timeout (10 s by default).
 * Unless the user set an OTLP timeout, the exporters the SDK builds get the shutdown timeout as theirs.
 */
function boundExportTimeout(config: ResolvedConfig): void {
  if (!config.export.otlpTimeoutSet) process.env[ENV.otlpTimeout] ??= String(config.shutdownTimeoutMs);
}

/**
 * The spans file when one is configured, plus the exporters OTEL_TRACES_EXPORTER names (otlp, console,
 * none; otlp when unset, unless a spans file is the only destination asked for).
 */
function exportingProcessors(config: ResolvedConfig): SpanProcessor[] {
  const processors: SpanProcessor[] = [];
  if (config.spansFile)
    processors.push(new tracing.BatchSpanProcessor(new JsonlFileExporter({ path: config.spansFile })));
  if (!config.spansFile || config.export.traces) processors.push(...spanProcessorsFromEnv());
  return processors;
}

/** With a spans file and no exporter variables set, nothing is sent anywhere: no metrics or logs over OTLP. */
function localOnly(config: ResolvedConfig): { metricReaders?: []; logRecordProcessors?: [] } {
  if (!config.spansFile) return {};
  return {
    ...(config.export.metrics ? {} : { metricReaders: [] }),
    ...(config.export.logs ? {} : { logRecordProcessors: [] }),
  };
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

const sendsOtlp = (config: ResolvedConfig): boolean =>
  config.export.traces ? config.export.traces.includes('otlp') : !config.spansFile;

/**
 * Ends open calls, then shuts the SDK down, waiting at most config.shutdownTimeoutMs; one line when
 * the spans did not get out. A TCP probe of the OTLP endpoint tells "nothing listens there" at once,
 * also when earlier exports already gave up (their errors are otherwise silent).
 */
async function boundedShutdown(sdk: NodeSDK, config: ResolvedConfig): Promise<boolean> {
  const ms = config.shutdownTimeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  let failure: string | undefined;
  try {
    // Calls that just returned are completed before NodeSDK shuts the tracer and meter providers down
    // side by side: their spans and also their metric records must precede both (the span processor
    // that drains on shutdown only orders the spans). Calls still open are ended, marked cut short.
    endOpenCalls();
    const probe = sendsOtlp(config) ? unreachable(config.export.otlpTracesEndpoint, ms) : Promise.resolve(undefined);
    const stopped = sdk.shutdown().then(
      () => true,
      (error: unknown) => {
        failure = String((error as Error)?.message ?? error).split('\n')[0];
        return false;
      },
    );
    // Nothing listening and no file to finish: no reason to wait for the exporter's retries.
    const refused = probe.then((code) => (code && !config.spansFile ? false : new Promise<never>(() => {})));
    const finished = await Promise.race([stopped, timeout, refused]);
    const code = await Promise.race([probe, timeout.then(() => undefined)]);
    if (!finished || code)
      process.stderr.write(`${failureLine(config, code ? `nothing is listening (${code})` : failure)}\n`);
    return finished && !code;
  } finally {
    clearTimeout(timer);
  }
}

/** The error code when no TCP connection can be made to the endpoint's host and port (ECONNREFUSED, ENOTFOUND). */
function unreachable(endpoint: string, ms: number): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return Promise.resolve(undefined);
  }
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port });
    socket.setTimeout(ms, () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

function failureLine(config: ResolvedConfig, failure: string | undefined): string {
  const what = failure ?? `did not finish within ${config.shutdownTimeoutMs} ms`;
  if (!sendsOtlp(config)) return `tokentax: telemetry export ${what}; some spans may be lost`;
  return (
    `tokentax: could not export telemetry to ${config.export.otlpTracesEndpoint}: ${what}. ` +
    `Set OTEL_EXPORTER_OTLP_ENDPOINT to a running collector, or ${ENV.spansFile}=spans.jsonl for \`tokentax report\``
  );
}

function installExitHooks(shutdown: () => Promise<boolean>): void {
  // Natural exit: the event loop is empty; shutting down schedules the last export. When it does not
  // finish in time (no collector: the OTLP exporter retries on timers of its own for up to 10 s) the
  // process exits anyway, with whatever exit code the application set.
  process.once('beforeExit', () => {
    void shutdown().then((finished) => {
      // An application with beforeExit work of its own is left to finish it.
      if (!finished && process.listenerCount('beforeExit') === 0) process.exit();
    });
  });
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
