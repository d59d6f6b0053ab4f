/**
 * createTokentax(): everything tokentax adds to an OpenTelemetry setup, built from one validated
 * configuration — the OpenAI instrumentation (with context measurement) and the span processors that
 * add cost attributes. Used by the register entry point; one line in a hand-built NodeSDK:
 *
 *   const tokentax = createTokentax();
 *   new NodeSDK({ instrumentations: [tokentax.instrumentation],
 *                 spanProcessors: [...tokentax.spanProcessors, new BatchSpanProcessor(exporter)] });
 */
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { loadConfig, type LoadConfigOptions, type ResolvedConfig } from './config';
import { createContextMeter, type ContextMeterHandle } from './context';
import { OpenAIInstrumentation } from './instrumentation/instrumentation';
import { PendingCallsProcessor } from './instrumentation/pending-calls-processor';
import type { OpenAIInstrumentationConfig } from './instrumentation/config';
import { createCostComponents } from './cost-components';

export interface TokentaxOptions extends OpenAIInstrumentationConfig {
  /** Configuration file (JSON or YAML); default $TOKENTAX_CONFIG. Options in `config` override it. */
  configFile?: string;
  /** Configuration given in code (same shape as the file). */
  config?: Omit<LoadConfigOptions, 'file'>;
  /** Add cost attributes in-process (default true). Set false when a collector enriches spans. */
  cost?: boolean;
}

export interface Tokentax {
  instrumentation: OpenAIInstrumentation;
  /** Put these before your exporting processor: the first ends pending spans on forceFlush/shutdown. */
  spanProcessors: SpanProcessor[];
  contextMeter: ContextMeterHandle;
  config: ResolvedConfig;
}

/** Throws ConfigError on invalid configuration: fail fast at start-up, never per call. */
export function createTokentax(options: TokentaxOptions = {}): Tokentax {
  const { configFile, config: codeConfig, cost = true, ...instrumentationConfig } = options;
  const config = loadConfig({ ...(codeConfig ?? {}), file: configFile });
  const costParts = createCostComponents(config, cost);
  const contextMeter =
    instrumentationConfig.contextMeter && 'conversations' in instrumentationConfig.contextMeter
      ? (instrumentationConfig.contextMeter as ContextMeterHandle)
      : createContextMeter({
          catalog: costParts.catalog,
          bloat: config.bloat,
          tokenizerRatios: costParts.tokenizerRatios,
        });
  const instrumentation = new OpenAIInstrumentation({
    ...instrumentationConfig,
    contextMeter,
    providerNames: { ...config.providerHosts, ...(instrumentationConfig.providerNames ?? {}) },
  });
  return {
    instrumentation,
    spanProcessors: [new PendingCallsProcessor(), ...costParts.spanProcessors],
    contextMeter,
    config,
  };
}
