/**
 * The environment mapped onto the configuration model (./options): the OTEL_* variables tokentax
 * honours and its own TOKENTAX_* ones, in one table. A bad value never stops the application: it is
 * ignored with one warning line naming the variable and the default.
 */
import { DEFAULTS, DEFAULT_OTLP_ENDPOINT, type ExportSettings, type TokentaxConfig } from './options';

export type Env = Record<string, string | undefined>;
export type Warn = (line: string) => void;

export const ENV = {
  config: 'TOKENTAX_CONFIG',
  disabled: 'TOKENTAX_DISABLED',
  cost: 'TOKENTAX_COST',
  spansFile: 'TOKENTAX_SPANS_FILE',
  shutdownTimeoutMs: 'TOKENTAX_SHUTDOWN_TIMEOUT_MS',
  includeStreamUsage: 'TOKENTAX_INCLUDE_STREAM_USAGE',
  bloatTokens: 'TOKENTAX_BLOAT_TOKENS',
  bloatUtilization: 'TOKENTAX_BLOAT_UTILIZATION',
  bloatRecycledRatio: 'TOKENTAX_BLOAT_RECYCLED_RATIO',
  bloatRecycledMinTokens: 'TOKENTAX_BLOAT_RECYCLED_MIN_TOKENS',
  providerHosts: 'TOKENTAX_PROVIDER_HOSTS',
  captureMessageContent: 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT',
  semconvStabilityOptIn: 'OTEL_SEMCONV_STABILITY_OPT_IN',
  tracesExporter: 'OTEL_TRACES_EXPORTER',
  metricsExporter: 'OTEL_METRICS_EXPORTER',
  logsExporter: 'OTEL_LOGS_EXPORTER',
  otlpEndpoint: 'OTEL_EXPORTER_OTLP_ENDPOINT',
  otlpTracesEndpoint: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  otlpProtocol: 'OTEL_EXPORTER_OTLP_PROTOCOL',
  otlpTracesProtocol: 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
  otlpTimeout: 'OTEL_EXPORTER_OTLP_TIMEOUT',
  otlpTracesTimeout: 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT',
  otlpMetricsTimeout: 'OTEL_EXPORTER_OTLP_METRICS_TIMEOUT',
  otlpLogsTimeout: 'OTEL_EXPORTER_OTLP_LOGS_TIMEOUT',
} as const;

/** The one boolean rule for every flag. */
export function parseBoolean(raw: string): boolean | undefined {
  const v = raw.trim().toLowerCase();
  if (v === 'true' || v === '1' || v === 'yes' || v === 'on') return true;
  if (v === 'false' || v === '0' || v === 'no' || v === 'off') return false;
  return undefined;
}

/** Plain decimal digits only: "0x10", "1e3" and "12abc" are not whole numbers here. */
export function parseWholeNumber(raw: string): number | undefined {
  const v = raw.trim();
  return /^\d{1,15}$/.test(v) ? Number(v) : undefined;
}

/** A decimal fraction from 0 to 1 ("0.8", ".8", "1"). */
export function parseRatio(raw: string): number | undefined {
  const v = raw.trim();
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(v)) return undefined;
  const n = Number(v);
  return n <= 1 ? n : undefined;
}

/** True when OTEL_SEMCONV_STABILITY_OPT_IN asks for the older GenAI names as well. */
export function legacyFromStabilityOptIn(value: string | undefined): boolean {
  if (!value) return false;
  return value
    .split(',')
    .map((s) => s.trim())
    .some((s) => s === 'gen_ai_latest_experimental/dup' || s === 'gen_ai/dup');
}

const warned = new Set<string>();
/** Default warning sink: one line on stderr, once per message in a process. */
export const warnOnce: Warn = (line) => {
  if (warned.has(line)) return;
  warned.add(line);
  process.stderr.write(`${line}\n`);
};

/** "llm.internal=openai,.corp.example=together": host (or ".suffix") -> provider, every entry well formed. */
export function parseProviderHosts(raw: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const entry of raw.split(',')) {
    if (entry.trim() === '') continue;
    const eq = entry.indexOf('=');
    const host = entry.slice(0, eq).trim().toLowerCase();
    const provider = entry.slice(eq + 1).trim();
    if (eq < 0 || !/^\.?[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(host) || !/^[A-Za-z0-9_.-]+$/.test(provider))
      return undefined;
    out[host] = provider;
  }
  return Object.keys(out).length ? out : undefined;
}

type Parser<T> = (raw: string) => T | undefined;
const BOOLEAN: [Parser<boolean>, string] = [parseBoolean, 'true/false, 1/0, yes/no or on/off'];
const WHOLE: [Parser<number>, string] = [parseWholeNumber, 'a whole decimal number'];
const POSITIVE: [Parser<number>, string] = [(r) => parseWholeNumber(r) || undefined, 'a whole decimal number > 0'];
const RATIO: [Parser<number>, string] = [parseRatio, 'a decimal number from 0 to 1'];
const HOSTS: [Parser<Record<string, string>>, string] = [
  parseProviderHosts,
  'comma-separated host=provider pairs, e.g. llm.internal=openai,.corp.example=together',
];

/** TOKENTAX_* and OTEL_* variables -> a partial configuration. Never throws. */
export function configFromEnv(env: Env, warn: Warn = warnOnce): TokentaxConfig {
  const read = <T>(name: string, [parse, expected]: [Parser<T>, string], fallback: unknown): T | undefined => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return undefined;
    const value = parse(raw);
    if (value === undefined)
      warn(`tokentax: ignoring ${name}=${JSON.stringify(raw)}: expected ${expected}; the default is ${fallback}`);
    return value;
  };
  const out: TokentaxConfig = {};
  const set = <K extends keyof TokentaxConfig>(key: K, value: TokentaxConfig[K] | undefined): void => {
    if (value !== undefined) out[key] = value;
  };
  set('disabled', read(ENV.disabled, BOOLEAN, DEFAULTS.disabled));
  set('cost', read(ENV.cost, BOOLEAN, DEFAULTS.cost));
  set('includeStreamUsage', read(ENV.includeStreamUsage, BOOLEAN, DEFAULTS.includeStreamUsage));
  set('captureMessageContent', read(ENV.captureMessageContent, BOOLEAN, DEFAULTS.captureMessageContent));
  set('shutdownTimeoutMs', read(ENV.shutdownTimeoutMs, POSITIVE, DEFAULTS.shutdownTimeoutMs));
  if (env[ENV.semconvStabilityOptIn]?.trim())
    out.legacyAttributes = legacyFromStabilityOptIn(env[ENV.semconvStabilityOptIn]);
  set('providerHosts', read(ENV.providerHosts, HOSTS, 'no extra hosts'));
  const spansFile = env[ENV.spansFile]?.trim();
  if (spansFile) out.spansFile = spansFile;
  const bloat = {
    tokens: read(ENV.bloatTokens, WHOLE, DEFAULTS.bloat.tokens),
    utilization: read(ENV.bloatUtilization, RATIO, DEFAULTS.bloat.utilization),
    recycledRatio: read(ENV.bloatRecycledRatio, RATIO, DEFAULTS.bloat.recycledRatio),
    recycledMinTokens: read(ENV.bloatRecycledMinTokens, WHOLE, DEFAULTS.bloat.recycledMinTokens),
  };
  for (const [key, value] of Object.entries(bloat))
    if (value !== undefined) (out.bloat ??= {})[key as 'tokens'] = value;
  return out;
}

const list = (raw: string | undefined): string[] | undefined => {
  const items = (raw ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  return items.length ? items : undefined;
};

/** The standard exporter variables, as the OpenTelemetry SDK reads them. */
export function exportFromEnv(env: Env): ExportSettings {
  const grpc = (env[ENV.otlpTracesProtocol] || env[ENV.otlpProtocol])?.trim() === 'grpc';
  const signal = env[ENV.otlpTracesEndpoint]?.trim();
  const base = env[ENV.otlpEndpoint]?.trim() || (grpc ? 'http://localhost:4317' : DEFAULT_OTLP_ENDPOINT);
  return {
    traces: list(env[ENV.tracesExporter]),
    metrics: list(env[ENV.metricsExporter]),
    logs: list(env[ENV.logsExporter]),
    // OTLP/HTTP appends the signal's path to the base endpoint; gRPC does not.
    otlpTracesEndpoint: signal || (grpc ? base : `${base.replace(/\/+$/, '')}/v1/traces`),
    otlpTimeoutSet: [ENV.otlpTimeout, ENV.otlpTracesTimeout, ENV.otlpMetricsTimeout, ENV.otlpLogsTimeout].some(
      (name) => !!env[name]?.trim(),
    ),
  };
}
