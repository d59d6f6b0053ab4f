/**
 * The one configuration model: every option tokentax reads, its type and its default. The file,
 * the environment (./env) and options in code all fill this shape; loadConfig() (./index) merges them.
 */
import type { Scenario } from '../contracts';

export interface BloatThresholds {
  /** Input tokens at or above which a request is bloated. */
  tokens: number;
  /** Context window utilisation (0..1) at or above which a request is bloated. */
  utilization: number;
  /** Recycled ratio (0..1) at or above which a request is bloated ... */
  recycledRatio: number;
  /** ... provided at least this many tokens were recycled. */
  recycledMinTokens: number;
}

/** Per-image prices keyed "quality/size", "quality" or "default" (USD per image). */
export type ImagePrices = Record<string, number>;

/** A price the user adds or overrides (same units as src/pricing/data/prices.json; see src/pricing/README.md). */
export interface PriceOverride {
  provider: string;
  model: string;
  aliases?: string[];
  /** ISO date (YYYY-MM-DD) from which this price applies; absent = always. */
  effectiveFrom?: string;
  inputMtok?: number;
  cachedInputMtok?: number;
  cacheWriteMtok?: number;
  outputMtok?: number;
  perRequest?: number;
  perImage?: number | ImagePrices;
  perAudioMinute?: number;
  window?: number;
  maxInput?: number;
  tokenizer?: string;
  /** Equivalence class (frontier_chat, small_chat, reasoning, ...). */
  class?: string;
  /** Cross-provider identity, e.g. "llama-3.3-70b". */
  canonical?: string;
}

export interface EquivalenceConfig {
  /** Class -> ordered candidate canonical model ids (replaces the default list for that class). */
  classes?: Record<string, string[]>;
  /** Actual model (alias or canonical id) -> a class name or a canonical model id. */
  models?: Record<string, string>;
}

/** What a configuration file, the environment or code may set. Every field is optional. */
export interface TokentaxConfig {
  /** Scenarios to price: ids of the defaults (together, fireworks, openrouter, oxlo, openai) or objects. */
  scenarios?: Array<string | Scenario>;
  prices?: PriceOverride[];
  /** Flat per-request prices (USD) by provider then model id, e.g. { oxlo: { "llama-3.3-70b": 0.002 } }. */
  requestPrices?: Record<string, Record<string, number>>;
  equivalence?: EquivalenceConfig;
  bloat?: Partial<BloatThresholds>;
  /** Base URL host -> provider name, for OpenAI-compatible services not in the built-in map. */
  providerHosts?: Record<string, string>;
  /** Record prompt and completion text (OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT). */
  captureMessageContent?: boolean;
  /** Ask streams for their usage chunk (TOKENTAX_INCLUDE_STREAM_USAGE). */
  includeStreamUsage?: boolean;
  /** Measure context (tokentax.context.*). */
  measureContext?: boolean;
  /** Also write the older GenAI names (OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental/dup). */
  legacyAttributes?: boolean;
  /** Add cost attributes in-process (TOKENTAX_COST); false when a collector prices the spans. */
  cost?: boolean;
  /** The register entry point does nothing (TOKENTAX_DISABLED). */
  disabled?: boolean;
  /** Also write spans as OTLP JSON lines to this file, which `tokentax report` reads (TOKENTAX_SPANS_FILE). */
  spansFile?: string;
  /** The longest the exit flush waits, in ms (TOKENTAX_SHUTDOWN_TIMEOUT_MS). */
  shutdownTimeoutMs?: number;
}

/** Standard OpenTelemetry exporter settings tokentax/register acts on (environment only). */
export interface ExportSettings {
  /** OTEL_TRACES_EXPORTER as a list; undefined when unset (the SDK's default, otlp). */
  traces?: string[];
  /** OTEL_METRICS_EXPORTER as a list; undefined when unset. */
  metrics?: string[];
  /** OTEL_LOGS_EXPORTER as a list; undefined when unset. */
  logs?: string[];
  /** Where OTLP spans go (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT or the default). */
  otlpTracesEndpoint: string;
  /** Whether any OTEL_EXPORTER_OTLP_*TIMEOUT variable is set. */
  otlpTimeoutSet: boolean;
}

/** The merged, validated configuration every layer reads: defaults filled in. */
export interface ResolvedConfig {
  /** The file that was read, if any. */
  file?: string;
  /** Undefined = the default scenarios from src/pricing/data/equivalence.json. */
  scenarios?: Array<string | Scenario>;
  prices: PriceOverride[];
  requestPrices: Record<string, Record<string, number>>;
  equivalence: EquivalenceConfig;
  bloat: BloatThresholds;
  providerHosts: Record<string, string>;
  captureMessageContent: boolean;
  includeStreamUsage: boolean;
  measureContext: boolean;
  legacyAttributes: boolean;
  cost: boolean;
  disabled: boolean;
  spansFile?: string;
  shutdownTimeoutMs: number;
  export: ExportSettings;
}

export const DEFAULT_BLOAT: Readonly<BloatThresholds> = Object.freeze({
  tokens: 20_000,
  utilization: 0.8,
  recycledRatio: 0.9,
  recycledMinTokens: 4_000,
});

/** OTLP/HTTP's default endpoint (the OpenTelemetry specification's). */
export const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318';

/** Every default in one place. */
export const DEFAULTS = Object.freeze({
  bloat: DEFAULT_BLOAT,
  captureMessageContent: false,
  includeStreamUsage: false,
  measureContext: true,
  legacyAttributes: false,
  cost: true,
  disabled: false,
  shutdownTimeoutMs: 2_000,
});
