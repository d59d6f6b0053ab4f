import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { ContextMeter } from '../contracts';
import { endpointResolver, type EndpointResolver } from './provider';
import { configFromEnv, type Env } from '../config/env';
import { DEFAULTS, type ResolvedConfig } from '../config/options';

export { legacyFromStabilityOptIn } from '../config/env';

export interface OpenAIInstrumentationConfig extends InstrumentationConfig {
  /**
   * Record prompt and completion text (gen_ai.input.messages, gen_ai.output.messages,
   * gen_ai.system_instructions). Off by default; the environment variable
   * OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true turns it on. Can be changed at run time
   * with setConfig().
   */
  captureMessageContent?: boolean;
  /**
   * Add stream_options.include_usage to streaming chat and legacy completions that did not ask for it, so the
   * API reports exact usage. Off by default because it changes the request: the stream then ends with
   * one extra chunk whose `choices` is empty. Without it tokentax estimates output tokens.
   */
  includeStreamUsage?: boolean;
  /** Context measurement (tokentax.context.*). On by default. */
  measureContext?: boolean;
  /** The context meter (the register entry point and createTokentax() provide one). */
  contextMeter?: ContextMeter;
  /** Host (or ".suffix") -> gen_ai.provider.name, for gateways and self-hosted endpoints. */
  providerNames?: Record<string, string>;
  /**
   * Also write the older GenAI names (gen_ai.system, gen_ai.usage.prompt_tokens/completion_tokens).
   * Default: from OTEL_SEMCONV_STABILITY_OPT_IN (`gen_ai_latest_experimental/dup` or `gen_ai/dup`).
   */
  legacyAttributes?: boolean;
}

/** The config resolved against the environment once, so the per-call path reads plain booleans. */
export interface Settings {
  captureContent: boolean;
  includeStreamUsage: boolean;
  measureContext: boolean;
  contextMeter?: ContextMeter;
  endpointOf: EndpointResolver;
  legacyAttributes: boolean;
}

/** The instrumentation's part of the one configuration model (createTokentax() passes it in). */
export function instrumentationConfigOf(config: ResolvedConfig): OpenAIInstrumentationConfig {
  return {
    captureMessageContent: config.captureMessageContent,
    includeStreamUsage: config.includeStreamUsage,
    measureContext: config.measureContext,
    legacyAttributes: config.legacyAttributes,
    providerNames: config.providerHosts,
  };
}

/**
 * Options given to the instrumentation win; what they leave unset comes from the environment as
 * loadConfig() reads it (new OpenAIInstrumentation() used on its own, contrib style), then the defaults.
 */
export function resolveSettings(config: OpenAIInstrumentationConfig, env: Env = process.env): Settings {
  const fromEnv = configFromEnv(env);
  return {
    captureContent: config.captureMessageContent ?? fromEnv.captureMessageContent ?? DEFAULTS.captureMessageContent,
    includeStreamUsage: config.includeStreamUsage ?? fromEnv.includeStreamUsage ?? DEFAULTS.includeStreamUsage,
    measureContext: config.measureContext ?? DEFAULTS.measureContext,
    contextMeter: config.contextMeter,
    endpointOf: endpointResolver(config.providerNames),
    legacyAttributes: config.legacyAttributes ?? fromEnv.legacyAttributes ?? DEFAULTS.legacyAttributes,
  };
}
