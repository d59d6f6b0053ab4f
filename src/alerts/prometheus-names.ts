/**
 * The names Prometheus sees for tokentax's OpenTelemetry metrics. Two exporters put them there and
 * they spell them differently (checked by scraping both, test/alerts/exposition.test.ts):
 *
 * - in-process, @opentelemetry/exporter-prometheus (NodeSDK with OTEL_METRICS_EXPORTER=prometheus):
 *   dots become underscores, counters get `_total`, units are NOT appended
 *   (gen_ai_client_operation_duration, tokentax_cost_total);
 * - the Collector's prometheus exporter (contrib, add_metric_suffixes on by default): the unit is
 *   appended, except annotations in braces and "1" on non-gauges (gen_ai_client_operation_duration_seconds,
 *   tokentax_cost_USD_total).
 *
 * Histograms are histograms on both paths (`_bucket`, `_sum`, `_count` follow the base name).
 */
import * as S from '../semconv';

export type MetricKind = 'counter' | 'histogram';
export type PrometheusPath = 'sdk' | 'collector';

/** Unit and kind of each metric the rules read, as the instruments declare them. */
export const RULE_METRICS = {
  tokenUsage: { name: S.METRIC_GEN_AI_CLIENT_TOKEN_USAGE, unit: '{token}', kind: 'histogram' },
  contextTokens: { name: S.METRIC_CONTEXT_TOKENS, unit: '{token}', kind: 'histogram' },
  utilization: { name: S.METRIC_CONTEXT_UTILIZATION, unit: '1', kind: 'histogram' },
  recycledTokens: { name: S.METRIC_CONTEXT_RECYCLED_TOKENS, unit: '{token}', kind: 'counter' },
  cost: { name: S.METRIC_COST, unit: 'USD', kind: 'counter' },
} as const satisfies Record<string, { name: string; unit: string; kind: MetricKind }>;

/** What the Grafana dashboard reads: the rules' metrics plus the bloated-requests counter. */
export const DASHBOARD_METRICS = {
  ...RULE_METRICS,
  bloated: { name: S.METRIC_CONTEXT_BLOATED, unit: '{request}', kind: 'counter' },
} as const satisfies Record<string, { name: string; unit: string; kind: MetricKind }>;

/** Prometheus label (or metric) name for an OpenTelemetry name: anything but [a-zA-Z0-9_] -> "_". */
export const promLabel = (name: string): string => name.replace(/[^a-zA-Z0-9_]/g, '_');

/** Units the Collector's translator spells out (the subset our instruments use). */
const COLLECTOR_UNITS: Record<string, string> = { s: 'seconds', ms: 'milliseconds', By: 'bytes' };

function collectorUnitSuffix(unit: string): string {
  if (unit === '' || unit.startsWith('{') || unit === '1') return '';
  return COLLECTOR_UNITS[unit] ?? promLabel(unit);
}

/** The base metric name as exposed on `path` (add _bucket/_sum/_count for histogram series). */
export function promMetricName(metric: { name: string; unit: string; kind: MetricKind }, path: PrometheusPath): string {
  let name = promLabel(metric.name);
  if (path === 'collector') {
    const suffix = collectorUnitSuffix(metric.unit);
    if (suffix && !name.endsWith(`_${suffix}`)) name += `_${suffix}`;
  }
  if (metric.kind === 'counter' && !name.endsWith('_total')) name += '_total';
  return name;
}

/**
 * A PromQL selector matching the metric as either path exposes it: the plain name when both agree,
 * else a __name__ regex, so one rule file serves in-process and collector users alike.
 */
export function selector(
  metric: { name: string; unit: string; kind: MetricKind },
  series = '',
  matchers: string[] = [],
): string {
  const names = [...new Set((['sdk', 'collector'] as const).map((p) => promMetricName(metric, p) + series))];
  if (names.length === 1) return matchers.length ? `${names[0]}{${matchers.join(', ')}}` : names[0];
  return `{${[`__name__=~"${names.join('|')}"`, ...matchers].join(', ')}}`;
}
