/**
 * The collector configuration around the generated statements: OTLP in (loopback by default),
 * memory_limiter, the tokentax transform processor, batch, OTLP out (Jaeger or Honeycomb, chosen by
 * environment variables), and cost/token metrics for Prometheus via the signal_to_metrics connector.
 *
 * Every OTTL statement is passed through escapeConfmap(): the collector expands ${...} in config
 * values, so a model name containing "${env:SECRET}" must stay text, never read the environment.
 */
import type { Scenario } from '../contracts';
import * as S from '../semconv';
import { A } from './ottl';

/** The collector's config expansion: "$" -> "$$" (a literal dollar). */
export const escapeConfmap = (s: string): string => s.replace(/\$/g, '$$$$');

export interface TransformProcessorConfig {
  error_mode: 'ignore';
  trace_statements: Array<{ context: 'span'; conditions: string[]; statements: string[] }>;
}

/** Groups run in order on every span; each group's statements only where its condition holds. */
export function transformProcessor(
  groups: Array<{ condition: string; statements: string[] }>,
): TransformProcessorConfig {
  return {
    // ignore: a statement that fails (it should not: every path is guarded) is logged and skipped,
    // never dropping the span.
    error_mode: 'ignore',
    trace_statements: groups.map((g) => ({
      context: 'span',
      conditions: [escapeConfmap(g.condition)],
      statements: g.statements.map(escapeConfmap),
    })),
  };
}

/** Metrics from the enriched spans: cost per scenario, token usage, context size. */
export function metricsConnector(scenarios: readonly Scenario[]): Record<string, unknown> {
  const cost = (
    id: string,
    usdAttr: string,
    modelAttr: string,
    providerAttr: { key: string; default_value?: string; optional?: boolean },
  ) => ({
    name: S.METRIC_COST,
    description: 'What the GenAI calls cost (actual) and would cost in each scenario, in USD',
    unit: 'USD',
    conditions: [`IsDouble(${A(usdAttr)})`],
    attributes: [
      { key: S.ATTR_METRIC_SCENARIO, default_value: id },
      { key: modelAttr, default_value: 'unknown' },
      providerAttr,
    ],
    sum: { value: A(usdAttr), monotonic: true },
  });
  const tokens = (attr: string, type: string) => ({
    name: S.METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
    description: 'Tokens used per GenAI call (from spans)',
    unit: '{token}',
    conditions: [`IsInt(${A(attr)})`],
    attributes: [
      { key: S.ATTR_GEN_AI_TOKEN_TYPE, default_value: type },
      { key: S.ATTR_GEN_AI_REQUEST_MODEL, default_value: 'unknown' },
      { key: S.ATTR_GEN_AI_PROVIDER_NAME, default_value: 'unknown' },
    ],
    histogram: { buckets: S.TOKEN_USAGE_BUCKETS, value: A(attr) },
  });
  return {
    error_mode: 'ignore',
    spans: [
      cost(S.CHEAPEST_ACTUAL, S.ATTR_COST_USD, S.ATTR_GEN_AI_RESPONSE_MODEL, {
        key: S.ATTR_GEN_AI_PROVIDER_NAME,
        default_value: 'unknown',
      }),
      ...scenarios.map((s) =>
        cost(s.id, S.scenarioCostAttr(s.id), S.scenarioModelAttr(s.id), {
          key: S.ATTR_METRIC_PROVIDER,
          default_value: s.provider,
        }),
      ),
      tokens(S.ATTR_GEN_AI_USAGE_INPUT_TOKENS, S.TOKEN_TYPE_INPUT),
      tokens(S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, S.TOKEN_TYPE_OUTPUT),
      {
        name: S.METRIC_CONTEXT_TOKENS,
        description: 'Estimated input tokens of each GenAI request (tokentax context measurement)',
        unit: '{token}',
        conditions: [`IsInt(${A(S.ATTR_CONTEXT_TOKENS)})`],
        attributes: [
          { key: S.ATTR_CONTEXT_SIZE_BUCKET, default_value: 'unknown' },
          { key: S.ATTR_CONTEXT_BLOAT, default_value: false },
        ],
        histogram: { buckets: S.TOKEN_USAGE_BUCKETS, value: A(S.ATTR_CONTEXT_TOKENS) },
      },
    ],
  };
}

/**
 * The cost metric's model label is tokentax.model whatever produced it (in-process or collector):
 * the connector can only copy span attribute names, so the metrics pipeline renames them.
 */
export function metricLabelsProcessor(scenarios: readonly Scenario[]): Record<string, unknown> {
  const from = [S.ATTR_GEN_AI_RESPONSE_MODEL, ...scenarios.map((s) => S.scenarioModelAttr(s.id))];
  const providerFrom = S.ATTR_GEN_AI_PROVIDER_NAME;
  const dp = (k: string): string => `datapoint.attributes[${JSON.stringify(k)}]`;
  const statements: string[] = [];
  for (const k of from) {
    statements.push(`set(${dp(S.ATTR_METRIC_MODEL)}, ${dp(k)}) where ${dp(k)} != nil`);
    statements.push(`delete_key(datapoint.attributes, ${JSON.stringify(k)})`);
  }
  statements.push(
    `set(${dp(S.ATTR_METRIC_PROVIDER)}, ${dp(providerFrom)}) where ${dp(S.ATTR_METRIC_SCENARIO)} != nil and ${dp(providerFrom)} != nil`,
  );
  statements.push(
    `delete_key(datapoint.attributes, ${JSON.stringify(providerFrom)}) where ${dp(S.ATTR_METRIC_SCENARIO)} != nil`,
  );
  return {
    error_mode: 'ignore',
    metric_statements: [
      {
        context: 'datapoint',
        conditions: [`metric.name == ${JSON.stringify(S.METRIC_COST)}`],
        statements: statements.map(escapeConfmap),
      },
    ],
  };
}

/** The whole collector config (object form, serialised by the caller). */
export function pipeline(transform: TransformProcessorConfig, scenarios: readonly Scenario[]): Record<string, unknown> {
  return {
    receivers: {
      otlp: {
        protocols: {
          // Loopback unless told otherwise: a collector must not accept spans from the network by accident.
          grpc: { endpoint: '${env:TOKENTAX_OTLP_GRPC_ENDPOINT:-127.0.0.1:4317}' },
          http: { endpoint: '${env:TOKENTAX_OTLP_HTTP_ENDPOINT:-127.0.0.1:4318}' },
        },
      },
    },
    processors: {
      memory_limiter: { check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 20 },
      'transform/tokentax': transform,
      'transform/tokentax_metrics': metricLabelsProcessor(scenarios),
      batch: {},
    },
    connectors: { signal_to_metrics: metricsConnector(scenarios) },
    exporters: {
      // Jaeger (default, OTLP gRPC without TLS) or Honeycomb:
      //   TOKENTAX_EXPORT_ENDPOINT=api.honeycomb.io:443 TOKENTAX_EXPORT_INSECURE=false HONEYCOMB_API_KEY=...
      'otlp/backend': {
        endpoint: '${env:TOKENTAX_EXPORT_ENDPOINT:-127.0.0.1:14317}',
        tls: { insecure: '${env:TOKENTAX_EXPORT_INSECURE:-true}' },
        headers: { 'x-honeycomb-team': '${env:HONEYCOMB_API_KEY:-}' },
      },
      prometheus: { endpoint: '${env:TOKENTAX_PROMETHEUS_ENDPOINT:-127.0.0.1:9464}' },
    },
    service: {
      // The collector's own metrics (queue sizes, refused spans): loopback, port by environment so
      // several collectors can share a host.
      telemetry: {
        metrics: {
          readers: [
            {
              pull: {
                exporter: { prometheus: { host: '127.0.0.1', port: '${env:TOKENTAX_COLLECTOR_TELEMETRY_PORT:-8888}' } },
              },
            },
          ],
        },
      },
      pipelines: {
        traces: {
          receivers: ['otlp'],
          processors: ['memory_limiter', 'transform/tokentax', 'batch'],
          exporters: ['otlp/backend', 'signal_to_metrics'],
        },
        metrics: {
          receivers: ['otlp', 'signal_to_metrics'],
          processors: ['memory_limiter', 'transform/tokentax_metrics', 'batch'],
          exporters: ['prometheus'],
        },
      },
    },
  };
}
