import { diag } from '@opentelemetry/api';

const reported = new Set<string>();

/**
 * Reports a failure inside tokentax through the OTel diag logger, once per distinct place and
 * message: an instrumentation bug must be visible without flooding logs on every call.
 */
export function reportOnce(where: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const key = `${where}: ${message}`;
  if (reported.has(key)) return;
  if (reported.size > 1000) reported.clear();
  reported.add(key);
  diag.error(`tokentax: ${where} failed; the application is unaffected`, error);
}

/** Runs fn, swallowing (and reporting) anything it throws. */
export function guard<T>(where: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    reportOnce(where, error);
    return undefined;
  }
}
