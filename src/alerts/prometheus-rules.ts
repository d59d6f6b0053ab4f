/**
 * Prometheus recording and alerting rules for context bloat and cost, rendered from the metric and
 * attribute names in semconv.ts and validated thresholds, so a renamed metric or label changes the
 * rule file (and a test comparing it with examples/prometheus/tokentax-rules.yml fails) instead of
 * leaving users with alerts that silently match nothing.
 *
 *   renderPrometheusRules({ inputTokensP90: 30000 })  -> YAML text for `rule_files:`
 *
 * "Service" is the Prometheus `job` label: the Collector's exporter sets it from service.name; for
 * the in-process exporter it is the scrape job's name (name the job after the service).
 */
import * as S from '../semconv';
import { RULE_METRICS as M, promLabel, selector } from './prometheus-names';
import { resolveAlertThresholds, type AlertThresholdInput, type AlertThresholds } from './thresholds';

export interface RecordingRule {
  record: string;
  expr: string;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: Array<RecordingRule | AlertingRule>;
}

const JOB = 'job';
const MODEL = promLabel(S.ATTR_GEN_AI_REQUEST_MODEL);
const TOKEN_TYPE = promLabel(S.ATTR_GEN_AI_TOKEN_TYPE);
const SCENARIO = promLabel(S.ATTR_METRIC_SCENARIO);
const COST_MODEL = promLabel(S.ATTR_METRIC_MODEL);
const COST_PROVIDER = promLabel(S.ATTR_METRIC_PROVIDER);

/** Names of the recording rules (stable: dashboards may read them). */
export const RECORDED = {
  inputTokensP90: 'tokentax:input_tokens:p90',
  utilizationP90: 'tokentax:context_utilization:p90',
  recycledRatio: 'tokentax:context_recycled:ratio',
  costPerHourByScenario: 'tokentax:cost_usd_per_hour:by_scenario',
  costPerHourActualByModel: 'tokentax:cost_usd_per_hour:actual_by_model',
  savingsPerHour: 'tokentax:savings_usd_per_hour',
} as const;

/** Alert names, with the anchor of each one's runbook section in examples/prometheus/README.md. */
export const ALERTS = {
  inputTokens: { name: 'TokentaxInputTokensHigh', anchor: 'tokentaxinputtokenshigh' },
  utilization: { name: 'TokentaxContextWindowNearlyFull', anchor: 'tokentaxcontextwindownearlyfull' },
  recycled: { name: 'TokentaxContextRecycled', anchor: 'tokentaxcontextrecycled' },
  savings: { name: 'TokentaxSavingsAvailable', anchor: 'tokentaxsavingsavailable' },
  costSurge: { name: 'TokentaxCostSurge', anchor: 'tokentaxcostsurge' },
} as const;

const by = (...labels: string[]): string => `by (${labels.join(', ')})`;
const SCOPE = `otel_scope_name="${S.METER_SCOPE_NAME}"`;
const OTHER_SCOPE = `otel_scope_name!="${S.METER_SCOPE_NAME}"`;

/**
 * `sum by (...) (rate(...))` over tokentax's own instruments where a service has them, else over any
 * other source (the Collector's span-derived copies): an app that sends metrics AND spans to the
 * Collector would otherwise be counted twice. `make` builds the rate expression for one scope matcher.
 */
export function preferOwn(grouping: string, make: (scope: string) => string): string {
  return `(sum ${grouping} (${make(SCOPE)}) or sum ${grouping} (${make(OTHER_SCOPE)}))`;
}
const pct = (r: number): string => `${Math.round(r * 1000) / 10}%`;

export function prometheusRuleGroups(input: AlertThresholdInput | AlertThresholds = {}): RuleGroup[] {
  const t = resolveAlertThresholds(input as AlertThresholdInput);
  const w = t.window;
  const perModel = by(JOB, MODEL);
  const actual = `${SCENARIO}="${S.CHEAPEST_ACTUAL}"`;
  const recording: RecordingRule[] = [
    {
      record: RECORDED.inputTokensP90,
      expr: `histogram_quantile(0.9, ${preferOwn(by(JOB, MODEL, 'le'), (sc) => `rate(${selector(M.tokenUsage, '_bucket', [`${TOKEN_TYPE}="${S.TOKEN_TYPE_INPUT}"`, sc])}[${w}])`)})`,
    },
    {
      record: RECORDED.utilizationP90,
      expr: `histogram_quantile(0.9, ${preferOwn(by(JOB, MODEL, 'le'), (sc) => `rate(${selector(M.utilization, '_bucket', [sc])}[${w}])`)})`,
    },
    {
      record: RECORDED.recycledRatio,
      expr: `${preferOwn(perModel, (sc) => `rate(${selector(M.recycledTokens, '', [sc])}[${w}])`)} / ${preferOwn(perModel, (sc) => `rate(${selector(M.contextTokens, '_sum', [sc])}[${w}])`)}`,
    },
    {
      record: RECORDED.costPerHourByScenario,
      expr: `3600 * ${preferOwn(by(JOB, SCENARIO, COST_PROVIDER), (sc) => `rate(${selector(M.cost, '', [sc])}[${w}])`)}`,
    },
    {
      record: RECORDED.costPerHourActualByModel,
      expr: `3600 * ${preferOwn(by(JOB, COST_PROVIDER, COST_MODEL), (sc) => `rate(${selector(M.cost, '', [actual, sc])}[${w}])`)}`,
    },
    {
      // Actual spend minus the cheapest scenario's, keeping that scenario's labels (group_right).
      record: RECORDED.savingsPerHour,
      expr:
        `sum by (${JOB}) (${RECORDED.costPerHourByScenario}{${actual}})` +
        ` - on (${JOB}) group_right () bottomk by (${JOB}) (1, ${RECORDED.costPerHourByScenario}{${SCENARIO}!="${S.CHEAPEST_ACTUAL}"})`,
    },
  ];

  const runbook = (a: { anchor: string }, line: string): Record<string, string> =>
    t.runbookBaseUrl ? { runbook: line, runbook_url: `${t.runbookBaseUrl}#${a.anchor}` } : { runbook: line };
  const model = `{{ $labels.${MODEL} }}`;
  const service = `{{ $labels.${JOB} }}`;
  const alerts: AlertingRule[] = [
    {
      alert: ALERTS.inputTokens.name,
      expr: `${RECORDED.inputTokensP90} > ${t.inputTokensP90}`,
      for: t.for.inputTokens,
      labels: { severity: 'warning' },
      annotations: {
        summary: `p90 input tokens of ${model} in ${service} is {{ $value | humanize }} (threshold ${t.inputTokensP90})`,
        ...runbook(
          ALERTS.inputTokens,
          'Find the largest requests (tokentax.context.size_bucket, tokentax.context.history_tokens on the spans) and trim history, tool definitions or retrieved documents.',
        ),
      },
    },
    {
      alert: ALERTS.utilization.name,
      expr: `${RECORDED.utilizationP90} >= ${t.utilization}`,
      for: t.for.utilization,
      labels: { severity: 'warning' },
      annotations: {
        summary: `p90 context window use of ${model} in ${service} is {{ $value | humanizePercentage }} (threshold ${pct(t.utilization)})`,
        ...runbook(
          ALERTS.utilization,
          "Requests are close to the model's context window: summarise or truncate history before calls start failing, or move to a model with a larger window.",
        ),
      },
    },
    {
      alert: ALERTS.recycled.name,
      expr: `${RECORDED.recycledRatio} >= ${t.recycledRatio}`,
      for: t.for.recycled,
      labels: { severity: 'warning' },
      annotations: {
        summary: `{{ $value | humanizePercentage }} of the input tokens sent to ${model} in ${service} repeat the previous turn (threshold ${pct(t.recycledRatio)})`,
        ...runbook(
          ALERTS.recycled,
          'Conversations resend almost everything each turn: use prompt caching, server-side state (previous_response_id) or summarise old turns.',
        ),
      },
    },
    {
      alert: ALERTS.savings.name,
      expr: `${RECORDED.savingsPerHour} > ${t.savingsUsdPerHour}`,
      for: t.for.savings,
      labels: { severity: 'info' },
      annotations: {
        summary:
          `${service} spends {{ printf "%.2f" $value }} USD/h more than scenario {{ $labels.${SCENARIO} }} ({{ $labels.${COST_PROVIDER} }}) would` +
          ` for its models {{ range printf "${RECORDED.costPerHourActualByModel}{${JOB}=%q}" $labels.${JOB} | query }}{{ .Labels.${COST_MODEL} }} {{ end }}(threshold ${t.savingsUsdPerHour} USD/h)`,
        ...runbook(
          ALERTS.savings,
          'Compare quality on the cheaper scenario (tokentax report) before switching; the scenario models are in the tokentax.cost.<scenario>.model span attributes.',
        ),
      },
    },
    {
      alert: ALERTS.costSurge.name,
      expr:
        `${RECORDED.costPerHourActualByModel} > ${t.costSurgeFactor} * (${RECORDED.costPerHourActualByModel} offset ${t.costSurgeBaseline})` +
        ` and ${RECORDED.costPerHourActualByModel} > ${t.costSurgeMinUsdPerHour}`,
      for: t.for.costSurge,
      labels: { severity: 'warning' },
      annotations: {
        summary: `Spend on {{ $labels.${COST_MODEL} }} ({{ $labels.${COST_PROVIDER} }}) in ${service} rose to {{ printf "%.2f" $value }} USD/h, more than ${t.costSurgeFactor}x the rate ${t.costSurgeBaseline} earlier`,
        ...runbook(
          ALERTS.costSurge,
          'Look for a deploy, a retry loop or a conversation that keeps growing: sort recent spans by tokentax.cost.usd and tokentax.context.tokens.',
        ),
      },
    },
  ];
  return [
    { name: 'tokentax.recording', rules: recording },
    { name: 'tokentax.alerts', rules: alerts },
  ];
}

// --- YAML, written by hand: the package has no YAML writer at run time, and the shape is fixed ---

/** A YAML single-quoted scalar: PromQL and templates are full of double quotes, rarely single ones. */
function scalar(s: string): string {
  if (/[\n\r\t]/.test(s)) throw new Error(`rule text must be one line: ${s}`);
  // Double quotes when that needs no escaping and single ones would (what Prettier writes).
  if (s.includes("'") && !/["\\]/.test(s)) return `"${s}"`;
  return `'${s.replace(/'/g, "''")}'`;
}

function entry(key: string, text: string, indent: string): string {
  return `${indent}${key}: ${scalar(text)}`;
}

/** Indented as Prettier formats YAML (a sequence under its key), so `npm run lint` leaves the file alone. */
function renderRule(rule: RecordingRule | AlertingRule): string[] {
  const i = '        ';
  if ('record' in rule) return [`      - record: ${rule.record}`, entry('expr', rule.expr, i)];
  const lines = [`      - alert: ${rule.alert}`, entry('expr', rule.expr, i), `${i}for: ${rule.for}`, `${i}labels:`];
  for (const [k, v] of Object.entries(rule.labels)) lines.push(entry(k, v, `${i}  `));
  lines.push(`${i}annotations:`);
  for (const [k, v] of Object.entries(rule.annotations)) lines.push(entry(k, v, `${i}  `));
  return lines;
}

export const RULES_HEADER = [
  '# tokentax Prometheus rules: context bloat and cost. GENERATED from src/semconv.ts by',
  '#   node examples/prometheus/render-rules.mjs [--set name=value ...] > tokentax-rules.yml',
  '# Edit thresholds with --set (see examples/prometheus/README.md), not by hand.',
  "# Works for both paths: in-process @opentelemetry/exporter-prometheus and the Collector's prometheus exporter.",
];

export function renderPrometheusRules(input: AlertThresholdInput | AlertThresholds = {}): string {
  const lines = [...RULES_HEADER, 'groups:'];
  for (const group of prometheusRuleGroups(input)) {
    lines.push(`  - name: ${group.name}`, '    rules:');
    for (const rule of group.rules) lines.push(...renderRule(rule));
  }
  return lines.join('\n') + '\n';
}
