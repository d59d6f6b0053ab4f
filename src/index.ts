/**
 * tokentax: the public API. What an instrumented service does not need at start-up (the NodeSDK
 * starter, pricing data, the report, the demo simulator) loads on first use, so `import 'tokentax'`
 * stays cheap (bench/context.bench.mjs).
 */
import type * as SdkStart from './sdk-start';
import type * as Report from './report';
import type * as Demo from './demo/simulator';

export { OpenAIInstrumentation } from './instrumentation/instrumentation';
export type { OpenAIInstrumentationConfig } from './instrumentation/config';
export { createTokentax, type Tokentax, type TokentaxOptions } from './tokentax';
export { withConversation, setConversationId, getConversationId, createContextMeter } from './context';
export {
  TokentaxCostProcessor,
  CostEnrichingExporter,
  createCostEngine,
  loadPricing,
  createModelCatalog,
} from './pricing';
export { loadConfig, ConfigError, DEFAULT_BLOAT, type TokentaxConfig, type BloatThresholds } from './config';
export { JsonlFileExporter, type JsonlFileExporterOptions } from './export/jsonl-file-exporter';
export { ReportInputError } from './report/errors';
export type { ReportOptions, ReportData } from './report';
export type { Simulator, SimulatorOptions } from './demo/simulator';
export * as semconv from './semconv';
export { VERSION } from './version';

/** Export `name` of a module that is loaded on the first call (the export must be a function). */
function onFirstCall<M, K extends keyof M>(load: () => M, name: K): M[K] {
  return ((...args: unknown[]) => (load()[name] as (...a: unknown[]) => unknown)(...args)) as M[K];
}
/* eslint-disable @typescript-eslint/no-require-imports -- the lazy loads */
const sdkStart = (): typeof SdkStart => require('./sdk-start');
const report = (): typeof Report => require('./report');
const demo = (): typeof Demo => require('./demo/simulator');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Starts a NodeSDK (from OTEL_* environment variables) with tokentax, as `tokentax/register` does.
 * Applications that build their own SDK never load @opentelemetry/sdk-node through us.
 */
export const startTokentaxSDK = onFirstCall(sdkStart, 'startTokentaxSDK');
export type { StartedSDK } from './sdk-start';
/** Reads recorded spans and builds the cost report (the `tokentax report` command as a library). */
export const createReport = onFirstCall(report, 'createReport');
/** The report for a terminal. */
export const renderText = onFirstCall(report, 'renderText');
/** The report as one self-contained HTML file. */
export const renderHtml = onFirstCall(report, 'renderHtml');
/** A local OpenAI-compatible API for demos and tests (no network, no account). */
export const startSimulator = onFirstCall(demo, 'startSimulator');
