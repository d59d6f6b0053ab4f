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
import { instrumentationConfigOf, type OpenAIInstrumentationConfig } from './instrumentation/config';
import { createCostComponents } from './cost-components';

export interface TokentaxOptions extends OpenAIInstrumentationConfig {
  /** Configuration file (JSON or YAML); default $TOKENTAX_CONFIG. Options in `config` override it. */
  configFile?: string;
  /** Configuration given in code (same shape as the file), and the environment to read (default process.env). */
  config?: Omit<LoadConfigOptions, 'file'>;
  /** Add cost attributes in-process (default true, or TOKENTAX_COST). Set false when a collector enriches spans. */
  cost?: boolean;
}

export interface Tokentax {
  instrumentation: OpenAIInstrumentation;
  /** Put these before your exporting processor: the first ends pending spans on forceFlush/shutdown. */
  spanProcessors: SpanProcessor[];
  contextMeter: ContextMeterHandle;
  config: ResolvedConfig;
}

/** Throws ConfigError on an invalid file or options: fail fast at start-up, never per call. */
export function createTokentax(options: TokentaxOptions = {}): Tokentax {
  const { configFile, config: codeConfig, cost, ...instrumentationOptions } = options;
  const config = loadConfig({ ...(codeConfig ?? {}), ...(cost === undefined ? {} : { cost }), file: configFile });
  return buildTokentax(config, instrumentationOptions);
}

/** createTokentax() from a configuration already loaded; options given to the instrumentation win. */
export function buildTokentax(config: ResolvedConfig, options: OpenAIInstrumentationConfig = {}): Tokentax {
  const { contextMeter: givenMeter, ...instrumentationOptions } = options;
  const costParts = createCostComponents(config, config.cost);
  const contextMeter =
    givenMeter && 'conversations' in givenMeter
      ? (givenMeter as ContextMeterHandle)
      : createContextMeter({
          catalog: costParts.catalog,
          bloat: config.bloat,
          tokenizerRatios: costParts.tokenizerRatios,
        });
  const fromConfig = instrumentationConfigOf(config);
  const instrumentation = new OpenAIInstrumentation({
    ...fromConfig,
    ...definedOnly(instrumentationOptions),
    contextMeter,
    providerNames: { ...fromConfig.providerNames, ...(instrumentationOptions.providerNames ?? {}) },
  });
  return {
    instrumentation,
    spanProcessors: [new PendingCallsProcessor(), ...costParts.spanProcessors],
    contextMeter,
    config,
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
