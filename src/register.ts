/**
 * `node --import tokentax/register app.mjs` (ESM) or `node --require tokentax/register app.js` (CJS):
 * starts an OpenTelemetry NodeSDK configured by the standard OTEL_* environment variables, with the
 * tokentax OpenAI instrumentation and in-process cost attributes, and flushes telemetry at exit.
 */
import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { isMainThread } from 'node:worker_threads';
import { startTokentaxSDK } from './sdk-start';

// A --require preload also runs in the thread of the ESM loader hooks that the SDK start registers:
// only the main thread starts an SDK (a second one would race the first, e.g. for the Prometheus port).
if (isMainThread) {
  if (process.env.OTEL_LOG_LEVEL && !process.env.TOKENTAX_NO_DIAG) {
    const level = DiagLogLevel[process.env.OTEL_LOG_LEVEL.toUpperCase() as keyof typeof DiagLogLevel];
    if (level !== undefined) diag.setLogger(new DiagConsoleLogger(), level);
  }
  startTokentaxSDK();
}
