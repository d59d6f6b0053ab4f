/**
 * `node --import tokentax/register app.mjs` (ESM) or `node --require tokentax/register app.js` (CJS):
 * starts an OpenTelemetry NodeSDK configured by the standard OTEL_* environment variables, with the
 * tokentax OpenAI instrumentation and in-process cost attributes, and flushes telemetry at exit.
 * NodeSDK sets the diag logger from OTEL_LOG_LEVEL (once); tokentax's own messages are single lines.
 */
import { isMainThread } from 'node:worker_threads';
import { ConfigError } from './config';
import { startTokentaxSDK } from './sdk-start';

// A --require preload also runs in the thread of the ESM loader hooks that the SDK start registers:
// only the main thread starts an SDK (a second one would race the first, e.g. for the Prometheus port).
if (isMainThread) {
  try {
    startTokentaxSDK();
  } catch (error) {
    // A config file named explicitly and wrong: stop before the application runs untraced, in one line.
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
