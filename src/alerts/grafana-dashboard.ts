/**
 * A Grafana dashboard over tokentax's Prometheus metrics (cost per provider and scenario, token
 * percentiles, recycled share, bloated requests, firing tokentax alerts), rendered from the names in
 * semconv.ts with the same selectors as the alert rules, so it works on both paths (in-process
 * exporter and the Collector's) and a renamed metric changes the committed JSON instead of leaving
 * empty panels. examples/grafana/render-dashboard.mjs prints it; a test compares the committed file.
 */
import * as S from '../semconv';
import { DASHBOARD_METRICS as M, promLabel, selector } from './prometheus-names';
import { ALERTS, preferOwn } from './prometheus-rules';

export interface DashboardTarget {
  refId: string;
  expr: string;
  legendFormat: string;
}

export interface DashboardPanel {
  id: number;
  title: string;
  description: string;
  type: 'timeseries' | 'table';
  unit: string;
  targets: DashboardTarget[];
}

/** Grafana variables in the queries; a checker substitutes them to parse the PromQL. */
export const DASHBOARD_VARIABLES = { rate: '$__rate_interval', job: '$job' } as const;

const MODEL = promLabel(S.ATTR_GEN_AI_REQUEST_MODEL);
const TOKEN_TYPE = promLabel(S.ATTR_GEN_AI_TOKEN_TYPE);
const SCENARIO = promLabel(S.ATTR_METRIC_SCENARIO);
const PROVIDER = promLabel(S.ATTR_METRIC_PROVIDER);
const REASON = promLabel(S.ATTR_METRIC_BLOAT_REASON);
const JOB = `job=~"${DASHBOARD_VARIABLES.job}"`;
const W = DASHBOARD_VARIABLES.rate;
const by = (...labels: string[]): string => `by (${labels.join(', ')})`;

function quantiles(tokenType: string): DashboardTarget[] {
  return [0.5, 0.9, 0.99].map((q, i) => ({
    refId: String.fromCharCode(65 + i),
    expr: `histogram_quantile(${q}, ${preferOwn(by(MODEL, 'le'), (sc) => `rate(${selector(M.tokenUsage, '_bucket', [`${TOKEN_TYPE}="${tokenType}"`, JOB, sc])}[${W}])`)})`,
    legendFormat: `p${Math.round(q * 100)} {{${MODEL}}}`,
  }));
}

export function grafanaPanels(): DashboardPanel[] {
  const actual = `${SCENARIO}="${S.CHEAPEST_ACTUAL}"`;
  const alertNames = Object.values(ALERTS)
    .map((a) => a.name)
    .join('|');
  const panels: Array<Omit<DashboardPanel, 'id'>> = [
    {
      title: 'Spend per hour by provider (as called)',
      description:
        'What the calls cost on the provider they went to (tokentax.cost, scenario=actual), in USD per hour.',
      type: 'timeseries',
      unit: 'currencyUSD',
      targets: [
        {
          refId: 'A',
          expr: `3600 * ${preferOwn(by(PROVIDER), (sc) => `rate(${selector(M.cost, '', [actual, JOB, sc])}[${W}])`)}`,
          legendFormat: `{{${PROVIDER}}}`,
        },
      ],
    },
    {
      title: 'The same traffic per hour in each scenario',
      description:
        'USD per hour the same requests would cost in each scenario (stand-in models on other providers); actual is the real bill.',
      type: 'timeseries',
      unit: 'currencyUSD',
      targets: [
        {
          refId: 'A',
          expr: `3600 * ${preferOwn(by(SCENARIO), (sc) => `rate(${selector(M.cost, '', [JOB, sc])}[${W}])`)}`,
          legendFormat: `{{${SCENARIO}}}`,
        },
      ],
    },
    {
      title: 'Input tokens per request: p50 / p90 / p99',
      description: 'From gen_ai.client.token.usage (token type input), by model.',
      type: 'timeseries',
      unit: 'short',
      targets: quantiles(S.TOKEN_TYPE_INPUT),
    },
    {
      title: 'Output tokens per request: p50 / p90 / p99',
      description: 'From gen_ai.client.token.usage (token type output), by model.',
      type: 'timeseries',
      unit: 'short',
      targets: quantiles(S.TOKEN_TYPE_OUTPUT),
    },
    {
      title: 'Recycled share of input tokens',
      description:
        'Input tokens resent unchanged from the previous turn of the same conversation, as a share of all context tokens, by model.',
      type: 'timeseries',
      unit: 'percentunit',
      targets: [
        {
          refId: 'A',
          expr: `${preferOwn(by(MODEL), (sc) => `rate(${selector(M.recycledTokens, '', [JOB, sc])}[${W}])`)} / ${preferOwn(by(MODEL), (sc) => `rate(${selector(M.contextTokens, '_sum', [JOB, sc])}[${W}])`)}`,
          legendFormat: `{{${MODEL}}}`,
        },
      ],
    },
    {
      title: 'Bloated requests per minute by rule',
      description:
        'Requests whose context tripped a bloat rule (tokentax.context.bloated_requests), by the rule that fired.',
      type: 'timeseries',
      unit: 'short',
      targets: [
        {
          refId: 'A',
          expr: `60 * ${preferOwn(by(REASON), (sc) => `rate(${selector(M.bloated, '', [JOB, sc])}[${W}])`)}`,
          legendFormat: `{{${REASON}}}`,
        },
      ],
    },
    {
      title: 'Firing tokentax alerts',
      description:
        'Alerts from examples/prometheus/tokentax-rules.yml that are firing now (load the rules into Prometheus).',
      type: 'table',
      unit: 'short',
      targets: [
        {
          refId: 'A',
          expr: `ALERTS{alertstate="firing", alertname=~"${alertNames}", ${JOB}}`,
          legendFormat: '{{alertname}}',
        },
      ],
    },
  ];
  return panels.map((p, i) => ({ id: i + 1, ...p }));
}

/** The dashboard as Grafana imports it (Dashboards > New > Import), asking for a Prometheus data source. */
export function grafanaDashboard(): Record<string, unknown> {
  const ds = { type: 'prometheus', uid: '${DS_PROMETHEUS}' };
  const panels = grafanaPanels().map((p, i) => ({
    id: p.id,
    title: p.title,
    description: p.description,
    type: p.type,
    datasource: ds,
    gridPos:
      p.type === 'table' ? { x: 0, y: 24, w: 24, h: 6 } : { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 },
    fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
    options: p.type === 'table' ? { showHeader: true } : { legend: { displayMode: 'list', placement: 'bottom' } },
    targets: p.targets.map((t) => ({
      ...t,
      datasource: ds,
      ...(p.type === 'table' ? { instant: true, format: 'table' } : { range: true }),
    })),
  }));
  return {
    __inputs: [
      {
        name: 'DS_PROMETHEUS',
        label: 'Prometheus',
        type: 'datasource',
        pluginId: 'prometheus',
        pluginName: 'Prometheus',
      },
    ],
    title: 'tokentax: LLM cost and context',
    uid: 'tokentax-llm-cost',
    tags: ['tokentax', 'genai', 'cost'],
    schemaVersion: 39,
    version: 1,
    editable: true,
    time: { from: 'now-6h', to: 'now' },
    refresh: '1m',
    templating: {
      list: [
        {
          name: 'job',
          label: 'service (job)',
          type: 'query',
          datasource: ds,
          query: { query: `label_values(${selector(M.cost)}, job)`, refId: 'job' },
          definition: `label_values(${selector(M.cost)}, job)`,
          includeAll: true,
          multi: true,
          allValue: '.*',
          current: { text: 'All', value: '$__all' },
          refresh: 2,
        },
      ],
    },
    panels,
  };
}

export function renderGrafanaDashboard(): string {
  return `${JSON.stringify(grafanaDashboard(), null, 2)}\n`;
}
