/**
 * `node --import tokentax/register app.mjs` (ESM) or `node --require tokentax/register app.js` (CJS):
 * starts an OpenTelemetry NodeSDK configured by the standard OTEL_* environment variables, with the
 * tokentax OpenAI instrumentation and in-process cost attributes, and flushes telemetry at exit.
 */
import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { startTokentaxSDK } from './sdk-start';

if (process.env.OTEL_LOG_LEVEL && !process.env.TOKENTAX_NO_DIAG) {
  const level = DiagLogLevel[process.env.OTEL_LOG_LEVEL.toUpperCase() as keyof typeof DiagLogLevel];
  if (level !== undefined) diag.setLogger(new DiagConsoleLogger(), level);
}

startTokentaxSDK();
