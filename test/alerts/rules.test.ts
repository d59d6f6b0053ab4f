/**
 * The shipped Prometheus rules: the committed file is exactly what the renderer makes from
 * src/semconv.ts (a renamed metric or label breaks this test, not the user's alerts), thresholds are
 * validated, and the real promtool accepts the file and passes its unit tests (every alert fires and
 * stays silent), while the same unit tests FAIL against rules rendered with other thresholds.
 *
 * Without promtool (a developer machine without Debian's prometheus package) the promtool tests fail
 * with the reason and the install line instead of skipping: CI installs it (.ci/run).
 */
import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ALERTS, RECORDED, renderPrometheusRules, prometheusRuleGroups } from '../../src/alerts/prometheus-rules';
import { RULE_METRICS, promMetricName } from '../../src/alerts/prometheus-names';
import {
  AlertThresholdError,
  DEFAULT_ALERT_THRESHOLDS,
  parseThresholdOverrides,
  resolveAlertThresholds,
} from '../../src/alerts/thresholds';
import { DEFAULT_BLOAT } from '../../src/config';
import { METER_SCOPE_NAME } from '../../src/semconv';
import { INSTRUMENTATION_NAME } from '../../src/instrumentation/instrumentation';
import { INSTALL_HINT, ROOT, findTool, run } from './support';

const DIR = join(ROOT, 'examples/prometheus');
const RULES = join(DIR, 'tokentax-rules.yml');
const UNIT_TESTS = join(DIR, 'tokentax-rules.test.yml');
const promtool = findTool('promtool', 'TOKENTAX_PROMTOOL');

function needPromtool(): string {
  if (!promtool) throw new Error(`did not run: promtool is not on PATH; ${INSTALL_HINT}`);
  return promtool;
}

describe('the committed rule file', () => {
  it('is exactly what renderPrometheusRules() makes from semconv (re-render: node examples/prometheus/render-rules.mjs)', () => {
    expect(readFileSync(RULES, 'utf8')).toBe(renderPrometheusRules());
  });

  it('has every alert once, with a summary naming the model or scenario and the figure, and a runbook line', () => {
    const doc = parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ rules: Array<Record<string, any>> }> };
    const alerts = doc.groups.flatMap((g) => g.rules).filter((r) => r.alert);
    expect(alerts.map((a) => a.alert).sort()).toEqual(
      Object.values(ALERTS)
        .map((a) => a.name)
        .sort(),
    );
    for (const a of alerts) {
      expect(a.annotations.summary, a.alert).toMatch(/\{\{[^}]*\$value[^}]*\}\}/);
      expect(a.annotations.summary, a.alert).toMatch(
        /\$labels\.(gen_ai_request_model|tokentax_model|tokentax_scenario)/,
      );
      expect(a.annotations.runbook, a.alert).toMatch(/\w.{20,}/);
    }
  });

  it('reads the metric names both exporters expose, derived from the semconv names', () => {
    const text = readFileSync(RULES, 'utf8');
    expect(text).toContain(`${promMetricName(RULE_METRICS.tokenUsage, 'sdk')}_bucket`);
    expect(text).toContain(`${promMetricName(RULE_METRICS.utilization, 'sdk')}_bucket`);
    expect(text).toContain(`${promMetricName(RULE_METRICS.contextTokens, 'sdk')}_sum`);
    expect(text).toContain(promMetricName(RULE_METRICS.recycledTokens, 'sdk'));
    // The cost counter is spelt differently by the two exporters; the rules match both.
    expect(promMetricName(RULE_METRICS.cost, 'sdk')).toBe('tokentax_cost_total');
    expect(promMetricName(RULE_METRICS.cost, 'collector')).toBe('tokentax_cost_USD_total');
    expect(text).toContain('__name__=~"tokentax_cost_total|tokentax_cost_USD_total"');
  });

  it('has a runbook section in examples/prometheus/README.md for every alert (the runbook_url anchors)', () => {
    const readme = readFileSync(join(DIR, 'README.md'), 'utf8');
    for (const a of Object.values(ALERTS)) {
      expect(readme, a.name).toContain(`\n### ${a.name}\n`);
      expect(a.anchor).toBe(a.name.toLowerCase());
    }
  });

  it('prefers the instruments of the scope tokentax really records with', () => {
    expect(METER_SCOPE_NAME).toBe(INSTRUMENTATION_NAME);
    expect(readFileSync(RULES, 'utf8')).toContain(`otel_scope_name="${METER_SCOPE_NAME}"`);
  });

  it('defaults agree with the in-process bloat rules, so an alert and tokentax.context.bloat mean the same', () => {
    expect(DEFAULT_ALERT_THRESHOLDS.inputTokensP90).toBe(DEFAULT_BLOAT.tokens);
    expect(DEFAULT_ALERT_THRESHOLDS.utilization).toBe(DEFAULT_BLOAT.utilization);
    expect(DEFAULT_ALERT_THRESHOLDS.recycledRatio).toBe(DEFAULT_BLOAT.recycledRatio);
  });
});

describe('thresholds', () => {
  it('are applied to the expressions and quoted in the summaries', () => {
    const groups = prometheusRuleGroups({
      inputTokensP90: 50_000,
      utilization: 0.75,
      window: '10m',
      for: { savings: '1h' },
    });
    const rules = groups.flatMap((g) => g.rules) as Array<Record<string, any>>;
    const byName = (n: string) => rules.find((r) => r.alert === n || r.record === n)!;
    expect(byName(ALERTS.inputTokens.name).expr).toBe(`${RECORDED.inputTokensP90} > 50000`);
    expect(byName(ALERTS.inputTokens.name).annotations.summary).toContain('(threshold 50000)');
    expect(byName(ALERTS.utilization.name).expr).toBe(`${RECORDED.utilizationP90} >= 0.75`);
    expect(byName(ALERTS.utilization.name).annotations.summary).toContain('(threshold 75%)');
    expect(byName(ALERTS.savings.name).for).toBe('1h');
    expect(byName(RECORDED.recycledRatio).expr).toContain('[10m]');
  });

  it('accept numbers given as strings (command-line flags) and durations of 0s for "fire at once"', () => {
    const t = resolveAlertThresholds(
      parseThresholdOverrides(['inputTokensP90=30000', 'for.costSurge=0s', 'recycledRatio=1']),
    );
    expect(t.inputTokensP90).toBe(30_000);
    expect(t.for.costSurge).toBe('0s');
    expect(t.recycledRatio).toBe(1);
  });

  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['negative', { inputTokensP90: -5 }, /"inputTokensP90" must be a positive number, got -5/],
    ['NaN', { savingsUsdPerHour: NaN }, /"savingsUsdPerHour" must be a number >= 0, got NaN/],
    [
      'not a number',
      { utilization: 'high' },
      /"utilization" must be a number greater than 0 and at most 1, got "high"/,
    ],
    ['empty string', { inputTokensP90: '' }, /"inputTokensP90" must be a positive number, got ""/],
    ['Infinity', { costSurgeMinUsdPerHour: Infinity }, /"costSurgeMinUsdPerHour" must be a number >= 0, got Infinity/],
    ['a ratio above 1', { recycledRatio: 90 }, /"recycledRatio" must be a number greater than 0 and at most 1, got 90/],
    [
      'a surge factor that is no increase',
      { costSurgeFactor: 1 },
      /"costSurgeFactor" must be a number greater than 1, got 1/,
    ],
    [
      'a bad duration',
      { window: '5 minutes' },
      /"window" must be a Prometheus duration such as "5m" or "1h", got "5 minutes"/,
    ],
    ['a zero rate window', { window: '0m' }, /"window" must be a duration longer than 0, got "0m"/],
    ['a bad for', { for: { savings: -1 } }, /"for.savings" must be a Prometheus duration/],
    ['an unknown field', { inputTokens: 5 }, /"inputTokens" must be one of window, inputTokensP90/],
    ['an unknown for field', { for: { bloat: '1m' } }, /"for.bloat" must be one of inputTokens/],
    ['a runbook URL that is not one', { runbookBaseUrl: 'wiki/page' }, /"runbookBaseUrl" must be an http\(s\) URL/],
  ];
  for (const [what, input, message] of bad) {
    it(`fail fast on ${what}, naming the field`, () => {
      expect(() => renderPrometheusRules(input as never)).toThrow(AlertThresholdError);
      expect(() => renderPrometheusRules(input as never)).toThrow(message);
    });
  }

  it('fail fast in the render script too: exit status 2 and the message, no half-written rules', () => {
    const r = run(process.execPath, [join(ROOT, 'examples/prometheus/render-rules.mjs'), '--set', 'utilization=NaN']);
    expect(r.status).toBe(2);
    expect(r.output).toContain(
      'tokentax alert thresholds: "utilization" must be a number greater than 0 and at most 1, got "NaN"',
    );
    expect(r.output).not.toContain('groups:');
    const ok = run(process.execPath, [
      join(ROOT, 'examples/prometheus/render-rules.mjs'),
      '--set',
      'inputTokensP90=40000',
    ]);
    expect(ok.status, ok.output).toBe(0);
    expect(ok.output).toContain(`${RECORDED.inputTokensP90} > 40000`);
  });

  it('can add runbook_url links', () => {
    const text = renderPrometheusRules({ runbookBaseUrl: 'https://wiki.example.com/tokentax' });
    expect(text).toContain(`runbook_url: 'https://wiki.example.com/tokentax#${ALERTS.costSurge.anchor}'`);
  });
});

describe('promtool (Prometheus 2.42 from Debian)', () => {
  it('is installed', () => {
    expect(promtool, `promtool tests below did not run: ${INSTALL_HINT}`).toBeDefined();
  });

  it('check rules: the committed file is valid', () => {
    const r = run(needPromtool(), ['check', 'rules', RULES]);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain(`SUCCESS: ${Object.keys(RECORDED).length + Object.keys(ALERTS).length} rules found`);
  });

  it('test rules: every alert fires above its threshold and stays silent below it', () => {
    const r = run(needPromtool(), ['test', 'rules', UNIT_TESTS], DIR);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain('SUCCESS');
    // The unit tests cover every alert, firing and silent.
    const tests = parse(readFileSync(UNIT_TESTS, 'utf8')) as {
      tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts: unknown[] }> }>;
    };
    const cases = tests.tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const { name } of Object.values(ALERTS)) {
      expect(
        cases.some((c) => c.alertname === name && c.exp_alerts.length > 0),
        `${name} fires`,
      ).toBe(true);
      expect(
        cases.some((c) => c.alertname === name && c.exp_alerts.length === 0),
        `${name} stays silent`,
      ).toBe(true);
    }
  });

  it('test rules: the same unit tests fail when the rules use other thresholds (they really check the rules)', () => {
    const bin = needPromtool();
    const dir = mkdtempSync(join(tmpdir(), 'tokentax-rules-'));
    try {
      copyFileSync(UNIT_TESTS, join(dir, 'tokentax-rules.test.yml'));
      // Each alert's threshold nudged past its unit test's data: every firing expectation must now fail.
      writeFileSync(
        join(dir, 'tokentax-rules.yml'),
        renderPrometheusRules({
          inputTokensP90: 70_000,
          utilization: 0.95,
          recycledRatio: 0.96,
          savingsUsdPerHour: 5,
          costSurgeFactor: 6,
        }),
      );
      const r = run(bin, ['test', 'rules', 'tokentax-rules.test.yml'], dir);
      expect(r.status).not.toBe(0);
      for (const { name } of Object.values(ALERTS)) expect(r.output, name).toContain(`alertname: ${name}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
