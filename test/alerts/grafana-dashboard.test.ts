/**
 * The shipped Grafana dashboard (examples/grafana/tokentax-dashboard.json): it is what the renderer
 * makes from src/semconv.ts, every PromQL query in it names only metrics the pipeline emits, and the
 * real promtool parses every query. "Emitted" is measured, not listed: the instruments tokentax
 * creates (the per-call ones and the cost counter) are created on a recording meter, and their names
 * mapped to what each Prometheus path exposes (src/alerts/prometheus-names.ts, itself pinned against
 * real scrapes by prometheus-smoke.test.ts and collector-path.test.ts). That every panel returns data
 * from a real Prometheus is checked in prometheus-smoke.test.ts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Meter } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_VARIABLES, grafanaDashboard, grafanaPanels } from '../../src/alerts/grafana-dashboard';
import { promMetricName, type MetricKind } from '../../src/alerts/prometheus-names';
import { ALERTS } from '../../src/alerts/prometheus-rules';
import { CallMetrics } from '../../src/instrumentation/metrics';
import { CostEnricher, loadPricing } from '../../src/pricing';
import { INSTALL_HINT, ROOT, findTool, run } from './support';

const FILE = join(ROOT, 'examples/grafana/tokentax-dashboard.json');
const promtool = findTool('promtool', 'TOKENTAX_PROMTOOL');

/** Every instrument tokentax creates, as (name, unit, kind), recorded from the code that creates them. */
function createdInstruments(): Array<{ name: string; unit: string; kind: MetricKind }> {
  const seen: Array<{ name: string; unit: string; kind: MetricKind }> = [];
  const meter = {
    createHistogram: (name: string, o: { unit?: string } = {}) => {
      seen.push({ name, unit: o.unit ?? '', kind: 'histogram' });
      return { record: () => undefined };
    },
    createCounter: (name: string, o: { unit?: string } = {}) => {
      seen.push({ name, unit: o.unit ?? '', kind: 'counter' });
      return { add: () => undefined };
    },
  } as unknown as Meter;
  new CallMetrics(meter);
  // The cost counter is created with the first priced span.
  new CostEnricher({ pricing: loadPricing(), meter }).enrich(
    {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 100,
    },
    Date.now(),
  );
  return seen;
}

/** The Prometheus series names the pipeline emits, on either path, plus ALERTS for the shipped rules. */
function emittedNames(): Set<string> {
  const out = new Set(['ALERTS']);
  for (const m of createdInstruments())
    for (const path of ['sdk', 'collector'] as const) {
      const base = promMetricName(m, path);
      for (const suffix of m.kind === 'histogram' ? ['_bucket', '_sum', '_count'] : ['']) out.add(base + suffix);
    }
  return out;
}

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool']);
const OPERATORS = new Set(['and', 'or', 'unless']);

/** Metric names a PromQL expression selects: bare names and __name__ matchers (exact or alternations). */
export function metricNames(expr: string): string[] {
  const names: string[] = [];
  let rest = expr.replace(/\{([^}]*)\}/g, (_, matchers: string) => {
    for (const m of matchers.matchAll(/__name__\s*(=~|=)\s*"([^"]*)"/g)) names.push(...m[2].split('|'));
    return ' ';
  });
  rest = rest
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/"[^"]*"/g, ' ');
  for (const m of rest.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = rest.slice(m.index! + m[0].length).trimStart();
    if (after.startsWith('(') || KEYWORDS.has(m[0]) || OPERATORS.has(m[0])) continue;
    names.push(m[0]);
  }
  return names;
}

const queries = (): Array<{ where: string; expr: string }> => {
  const d = JSON.parse(readFileSync(FILE, 'utf8')) as {
    panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    templating: { list: Array<{ name: string; definition: string }> };
  };
  return [
    ...d.panels.flatMap((p) => p.targets.map((t) => ({ where: p.title, expr: t.expr }))),
    ...d.templating.list.map((v) => ({
      where: `variable ${v.name}`,
      expr: v.definition.replace(/^label_values\((.*), \w+\)$/, '$1'),
    })),
  ];
};

describe('the Grafana dashboard', () => {
  it('is exactly what grafanaDashboard() makes from semconv (re-render: node examples/grafana/render-dashboard.mjs)', () => {
    expect(JSON.parse(readFileSync(FILE, 'utf8'))).toEqual(grafanaDashboard());
  });

  it('has the panels the issue asks for: cost per provider, token p50/p90/p99, recycled share, bloat, alerts', () => {
    const all = grafanaPanels();
    const exprs = all.flatMap((p) => p.targets.map((t) => t.expr)).join('\n');
    expect(exprs).toContain('sum by (tokentax_provider)');
    for (const q of ['0.5', '0.9', '0.99']) expect(exprs).toContain(`histogram_quantile(${q},`);
    expect(exprs).toMatch(/tokentax_context_recycled_tokens_total.*\/.*tokentax_context_tokens_sum/);
    expect(exprs).toContain('tokentax_context_bloated_requests_total');
    for (const a of Object.values(ALERTS)) expect(exprs).toContain(a.name);
  });

  it('names only metrics the pipeline emits, in every query', () => {
    const emitted = emittedNames();
    // The measured set holds what the rules and the dashboard read (a sanity check of the measurement).
    expect(emitted).toContain('tokentax_cost_total');
    expect(emitted).toContain('tokentax_cost_USD_total');
    expect(emitted).toContain('gen_ai_client_token_usage_bucket');
    const found = queries().map((q) => ({ ...q, names: metricNames(q.expr) }));
    for (const q of found) {
      expect(q.names.length, `${q.where}: selects no metric`).toBeGreaterThan(0);
      expect(
        q.names.filter((n) => !emitted.has(n)),
        `${q.where}: ${q.expr}`,
      ).toEqual([]);
    }
  });

  it('the name extraction finds names it must catch (a misspelt metric fails the check above)', () => {
    expect(metricNames('sum by (job) (rate(tokentax_cost_totl{a="b"}[5m]))')).toEqual(['tokentax_cost_totl']);
    expect(metricNames('rate({__name__=~"x_total|y_total", job=~"$job"}[$__rate_interval]) / z_sum')).toEqual([
      'x_total',
      'y_total',
      'z_sum',
    ]);
    expect(metricNames('histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m]))) or on (job) q')).toEqual([
      'h_bucket',
      'q',
    ]);
  });

  it.skipIf(!promtool && !process.env.CI)(
    `every query parses with the real promtool${promtool || process.env.CI ? '' : ` (skipped: promtool not on PATH; ${INSTALL_HINT})`}`,
    () => {
      if (!promtool) throw new Error(`promtool is not on PATH; ${INSTALL_HINT}`);
      const dir = mkdtempSync(join(tmpdir(), 'tokentax-grafana-'));
      const file = join(dir, 'dashboard-queries.yml');
      const substitute = (e: string) =>
        e.split(DASHBOARD_VARIABLES.rate).join('5m').split(DASHBOARD_VARIABLES.job).join('.*');
      const rules = queries().map(
        (q, i) =>
          `      - record: tokentax:dashboard_query_${i}\n        expr: '${substitute(q.expr).replace(/'/g, "''")}'`,
      );
      writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
      const result = run(promtool, ['check', 'rules', file]);
      expect(result.status, result.output).toBe(0);
      expect(result.output).toContain(`SUCCESS: ${rules.length} rules found`);
      // And promtool does reject a broken query, so the check above can fail.
      writeFileSync(
        file,
        `groups:\n  - name: dashboard\n    rules:\n      - record: x\n        expr: 'sum by (job (rate(x[5m]))'\n`,
      );
      expect(run(promtool, ['check', 'rules', file]).status).not.toBe(0);
    },
  );
});
