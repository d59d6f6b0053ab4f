/** tokentax: the public API. Heavy parts (the NodeSDK starter, pricing data) load on first use. */
import type { StartedSDK } from './sdk-start';
import type { TokentaxOptions } from './tokentax';

export { OpenAIInstrumentation } from './instrumentation/instrumentation';
export type { OpenAIInstrumentationConfig } from './instrumentation/config';
export { createTokentax, type Tokentax, type TokentaxOptions } from './tokentax';
export { withConversation, setConversationId, getConversationId, createContextMeter } from './context';
export { TokentaxCostProcessor, CostEnrichingExporter, createCostEngine, loadPricing, createModelCatalog } from './pricing';
export { loadConfig, ConfigError, DEFAULT_BLOAT, type TokentaxConfig, type BloatThresholds } from './config';
export { JsonlFileExporter, type JsonlFileExporterOptions } from './export/jsonl-file-exporter';
export { createReport, renderText, renderHtml, ReportInputError, type ReportOptions, type ReportData } from './report';
export { startSimulator, type Simulator, type SimulatorOptions } from './demo/simulator';
export * as semconv from './semconv';
export { VERSION } from './version';

/**
 * Starts a NodeSDK (from OTEL_* environment variables) with tokentax, as `tokentax/register` does.
 * Loaded lazily: applications that build their own SDK never load @opentelemetry/sdk-node through us.
 */
export function startTokentaxSDK(options?: TokentaxOptions, env?: NodeJS.ProcessEnv): StartedSDK | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./sdk-start') as typeof import('./sdk-start')).startTokentaxSDK(options, env);
}
export type { StartedSDK };
