/**
 * End to end with the real tools: an app run with `node --import tokentax/register` and
 * OTEL_METRICS_EXPORTER=prometheus talks to the local simulator with big, growing prompts; a real
 * Prometheus (Debian 2.42, loopback, temp config and data dir, 1 s scrape and evaluation) scrapes it
 * with the rules rendered from the same code as the committed file (only `for:` set to 0s so the test
 * is bounded), and the bloat and cost alerts must reach `firing` on /api/v1/alerts within 60 s.
 *
 * Every panel of the Grafana dashboard (src/alerts/grafana-dashboard.ts) must then return data.
 *
 * The first test also pins what the in-process exporter really exposes (names, types, suffixes), so
 * the names in src/alerts/prometheus-names.ts are measured, not guessed.
 *
 * Without the prometheus binary the tests fail with the reason and the install line (CI installs it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/demo/simulator';
import { RULE_METRICS, promMetricName } from '../../src/alerts/prometheus-names';
import { DASHBOARD_VARIABLES, grafanaPanels } from '../../src/alerts/grafana-dashboard';
import { ALERTS, renderPrometheusRules } from '../../src/alerts/prometheus-rules';
import {
  INSTALL_HINT,
  exposedTypes,
  findTool,
  freePort,
  get,
  startApp,
  startPrometheus,
  waitFor,
  type Proc,
  type Prometheus,
} from './support';

const prometheusBin = findTool('prometheus', 'TOKENTAX_PROMETHEUS');
const JOB = 'alerts-smoke';
/** ~110k tokens of system prompt on gpt-4o (128k window): utilisation ~0.86, all of it resent each turn. */
const SYSTEM_REPEAT = '5100';

/** Alert states by name from Prometheus' HTTP API. */
async function alertStates(
  url: string,
): Promise<Array<{ labels: Record<string, string>; annotations: Record<string, string>; state: string }>> {
  const res = await get(`${url}/api/v1/alerts`);
  expect(res.status).toBe(200);
  return (
    JSON.parse(res.body) as {
      data: { alerts: Array<{ labels: Record<string, string>; annotations: Record<string, string>; state: string }> };
    }
  ).data.alerts;
}

describe('a real Prometheus scraping an instrumented app (in-process exporter)', () => {
  let sim: Simulator | undefined;
  let app: Proc | undefined;
  let prometheus: Prometheus | undefined;
  let metricsPort = 0;
  let exposition = '';

  beforeAll(async () => {
    sim = await startSimulator();
    metricsPort = await freePort();
    app = startApp({
      SIM_URL: sim.baseURL,
      OTEL_SERVICE_NAME: JOB,
      OTEL_METRICS_EXPORTER: 'prometheus',
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      OTEL_LOG_LEVEL: 'error',
      APP_SYSTEM_REPEAT: SYSTEM_REPEAT,
    });
    // Every metric appears once the app has made a second (recycling, priced) call.
    const wanted = Object.values(RULE_METRICS).map((m) => `# TYPE ${promMetricName(m, 'sdk')} `);
    exposition = await waitFor('the app to expose tokentax metrics', 30_000, async () => {
      const res = await get(`http://127.0.0.1:${metricsPort}/metrics`);
      return wanted.every((w) => res.body.includes(w)) ? res.body : undefined;
    }).catch((err) => {
      throw new Error(`${String(err)}\napp output:\n${app?.logs()}`);
    });
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await app?.stop();
    await sim?.close();
  });

  it('exposes every metric the rules read, under the names and types src/alerts/prometheus-names.ts gives', () => {
    const types = exposedTypes(exposition);
    for (const m of Object.values(RULE_METRICS)) {
      expect(types.get(promMetricName(m, 'sdk')), m.name).toBe(m.kind);
    }
    // Units are not appended in-process (the Collector appends them): pinned here.
    expect(types.has('gen_ai_client_operation_duration')).toBe(true);
    expect(exposition).toMatch(
      /^tokentax_cost_total\{tokentax_scenario="actual",tokentax_model="gpt-4o",tokentax_provider="openai"/m,
    );
    expect(exposition).toMatch(
      /^gen_ai_client_token_usage_bucket\{[^}]*gen_ai_request_model="gpt-4o"[^}]*gen_ai_token_type="input"/m,
    );
  });

  it('is installed', () => {
    expect(
      prometheusBin,
      `the Prometheus smoke test did not run: prometheus is not on PATH; ${INSTALL_HINT}`,
    ).toBeDefined();
  });

  it('scrapes the app and the bloat and cost alerts reach firing within 60 s', async () => {
    if (!prometheusBin) throw new Error(`did not run: prometheus is not on PATH; ${INSTALL_HINT}`);
    const rules = renderPrometheusRules({
      for: { inputTokens: '0s', utilization: '0s', recycled: '0s', savings: '0s', costSurge: '0s' },
    });
    prometheus = await startPrometheus(prometheusBin, { scrapeTarget: `127.0.0.1:${metricsPort}`, job: JOB, rules });
    const url = prometheus.url;
    const expected = [ALERTS.inputTokens.name, ALERTS.utilization.name, ALERTS.recycled.name, ALERTS.savings.name];
    const firing = await waitFor(
      `${expected.join(', ')} to fire`,
      60_000,
      async () => {
        const alerts = (await alertStates(url)).filter((a) => a.state === 'firing');
        return expected.every((n) => alerts.some((a) => a.labels.alertname === n)) ? alerts : undefined;
      },
      500,
    ).catch(async (err) => {
      throw new Error(
        `${String(err)}\nalerts: ${JSON.stringify(await alertStates(url))}\nprometheus: ${prometheus?.logs()}`,
      );
    });
    const byName = new Map(firing.map((a) => [a.labels.alertname, a]));
    const tokens = byName.get(ALERTS.inputTokens.name)!;
    expect(tokens.labels).toMatchObject({ job: JOB, gen_ai_request_model: 'gpt-4o' });
    expect(tokens.annotations.summary).toMatch(
      new RegExp(`^p90 input tokens of gpt-4o in ${JOB} is \\d+(\\.\\d+)?k \\(threshold 20000\\)$`),
    );
    expect(byName.get(ALERTS.utilization.name)!.annotations.summary).toMatch(
      /^p90 context window use of gpt-4o in alerts-smoke is \d+(\.\d+)?% \(threshold 80%\)$/,
    );
    expect(byName.get(ALERTS.recycled.name)!.annotations.summary).toMatch(
      /^\d+(\.\d+)?% of the input tokens sent to gpt-4o in alerts-smoke repeat the previous turn/,
    );
    const savings = byName.get(ALERTS.savings.name)!;
    expect(savings.annotations.summary).toMatch(
      /^alerts-smoke spends \d+\.\d\d USD\/h more than scenario \w+ \(\w+\) would for its models gpt-4o \(threshold 1 USD\/h\)$/,
    );
    expect(savings.labels.tokentax_scenario).not.toBe('actual');
    for (const a of firing) expect(a.annotations.runbook, a.labels.alertname).toBeTruthy();
    // No baseline an hour ago: the surge alert must not fire on a fresh series.
    expect(byName.has(ALERTS.costSurge.name)).toBe(false);
  }, 90_000);

  it('every panel of the Grafana dashboard shows data from the same Prometheus', async () => {
    if (!prometheus) throw new Error('did not run: Prometheus was not started by the test above');
    const url = prometheus.url;
    const empty: string[] = [];
    for (const panel of grafanaPanels())
      for (const t of panel.targets) {
        const expr = t.expr.split(DASHBOARD_VARIABLES.rate).join('15s').split(DASHBOARD_VARIABLES.job).join(JOB);
        const res = await get(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
        expect(res.status, `${panel.title}: ${res.body}`).toBe(200);
        const result = (JSON.parse(res.body) as { data: { result: unknown[] } }).data.result;
        if (result.length === 0) empty.push(`${panel.title} [${t.refId}]`);
      }
    expect(empty).toEqual([]);
  }, 30_000);
});
