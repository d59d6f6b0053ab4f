/**
 * The Collector's Prometheus path, with the real tools: the instrumented app sends its metrics and
 * spans over OTLP to the tokentax collector (binary from collector/build.sh, the shipped
 * collector/config.yaml, so the signal_to_metrics connector adds span-derived copies), whose
 * prometheus exporter a real Prometheus scrapes with the shipped rules.
 *
 * Pins what that exporter really exposes (unit suffixes: _seconds, _USD) and shows the rules count
 * each call's cost once although it arrives twice (own counter + span-derived copy).
 *
 * Without the collector binary or prometheus the tests fail with the reason instead of skipping.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/demo/simulator';
import { readFileSync } from 'node:fs';
import { COLLECTOR_CONFIG } from '../../src/collector';
import { RULE_METRICS, promMetricName } from '../../src/alerts/prometheus-names';
import { ALERTS, RECORDED, renderPrometheusRules } from '../../src/alerts/prometheus-rules';
import { METER_SCOPE_NAME } from '../../src/semconv';
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
// @ts-expect-error plain ESM helper without types
import * as harness from '../../collector/harness.mjs';

const found = harness.findCollector() as { bin?: string; missing?: string };
const prometheusBin = findTool('prometheus', 'TOKENTAX_PROMETHEUS');
const SERVICE = 'alerts-collector';

async function query(
  url: string,
  promql: string,
  time?: number,
): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await get(
    `${url}/api/v1/query?query=${encodeURIComponent(promql)}${time === undefined ? '' : `&time=${time}`}`,
  );
  expect(res.status, res.body).toBe(200);
  return JSON.parse(res.body).data.result;
}

describe('the Collector path: app -> OTLP -> tokentax collector -> prometheus exporter -> Prometheus', () => {
  let sim: Simulator | undefined;
  let collector: { stop: () => Promise<void>; logs: () => string } | undefined;
  let app: Proc | undefined;
  let prometheus: Prometheus | undefined;
  let promPort = 0;
  let exposition = '';

  it('finds the collector binary built by collector/build.sh', () => {
    expect(found.missing, 'the collector-path tests below did not run').toBeUndefined();
  });

  beforeAll(async () => {
    if (!found.bin) return;
    sim = await startSimulator();
    const [grpc, http, backend] = [await freePort(), await freePort(), await freePort()];
    promPort = await freePort();
    collector = await harness.startCollector({
      bin: found.bin,
      config: readFileSync(COLLECTOR_CONFIG, 'utf8'),
      httpPort: http,
      // Spans go on to a backend port where nothing listens: only the metrics matter here.
      env: {
        TOKENTAX_OTLP_GRPC_ENDPOINT: `127.0.0.1:${grpc}`,
        TOKENTAX_OTLP_HTTP_ENDPOINT: `127.0.0.1:${http}`,
        TOKENTAX_PROMETHEUS_ENDPOINT: `127.0.0.1:${promPort}`,
        TOKENTAX_EXPORT_ENDPOINT: `127.0.0.1:${backend}`,
      },
      startTimeoutMs: 60_000,
    });
    app = startApp({
      SIM_URL: sim.baseURL,
      OTEL_SERVICE_NAME: SERVICE,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${http}`,
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_LOGS_EXPORTER: 'none',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      OTEL_BSP_SCHEDULE_DELAY: '500',
      OTEL_LOG_LEVEL: 'error',
      APP_SYSTEM_REPEAT: '5100',
    });
    const wanted = Object.values(RULE_METRICS).map((m) => `# TYPE ${promMetricName(m, 'collector')} `);
    exposition = await waitFor('the collector to expose tokentax metrics', 40_000, async () => {
      const res = await get(`http://127.0.0.1:${promPort}/metrics`);
      return wanted.every((w) => res.body.includes(w)) ? res.body : undefined;
    }).catch((err) => {
      throw new Error(`${String(err)}\napp:\n${app?.logs()}\ncollector:\n${collector?.logs().slice(-3000)}`);
    });
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await app?.stop();
    await collector?.stop();
    await sim?.close();
  });

  it('exposes every metric the rules read, with the unit suffixes the Collector adds', () => {
    if (!collector) throw new Error(`did not run: ${found.missing ?? 'collector not started'}`);
    const types = exposedTypes(exposition);
    for (const m of Object.values(RULE_METRICS)) expect(types.get(promMetricName(m, 'collector')), m.name).toBe(m.kind);
    expect(types.get('gen_ai_client_operation_duration_seconds')).toBe('histogram');
    expect(types.has('tokentax_cost_total')).toBe(false);
    // service.name becomes the job label; the app's own counter carries its meter's scope.
    expect(exposition).toMatch(
      new RegExp(
        `^tokentax_cost_USD_total\\{job="${SERVICE}",otel_scope_name="${METER_SCOPE_NAME}"[^}]*tokentax_scenario="actual"`,
        'm',
      ),
    );
  });

  it('Prometheus is installed', () => {
    expect(prometheusBin, `the collector-path Prometheus test did not run: ${INSTALL_HINT}`).toBeDefined();
  });

  it('the rules alert per service (honor_labels), one cost series per model although the cost arrives twice', async () => {
    if (!collector) throw new Error(`did not run: ${found.missing ?? 'collector not started'}`);
    if (!prometheusBin) throw new Error(`did not run: prometheus is not on PATH; ${INSTALL_HINT}`);
    const rules = renderPrometheusRules({
      for: { inputTokens: '0s', utilization: '0s', recycled: '0s', savings: '0s', costSurge: '0s' },
    });
    prometheus = await startPrometheus(prometheusBin, {
      scrapeTarget: `127.0.0.1:${promPort}`,
      job: 'otel-collector',
      rules,
      honorLabels: true,
    });
    const url = prometheus.url;
    const expected = [ALERTS.inputTokens.name, ALERTS.utilization.name, ALERTS.recycled.name, ALERTS.savings.name];
    const firing = await waitFor(
      `${expected.join(', ')} to fire`,
      60_000,
      async () => {
        const res = await get(`${url}/api/v1/alerts`);
        const alerts = (
          JSON.parse(res.body).data.alerts as Array<{ labels: Record<string, string>; state: string }>
        ).filter((a) => a.state === 'firing');
        return expected.every((n) => alerts.some((a) => a.labels.alertname === n)) ? alerts : undefined;
      },
      500,
    ).catch(async (err) => {
      throw new Error(`${String(err)}\n${(await get(`${url}/api/v1/alerts`)).body}`);
    });
    for (const a of firing) expect(a.labels.job, a.labels.alertname).toBe(SERVICE);
    // One recorded series per model although the cost arrives twice (own counter + span-derived
    // copy); it follows the app's own counter. (Exact arithmetic of the de-duplication is in the
    // promtool unit tests; live rates move between the rule's evaluation and this query.)
    const series = `${RECORDED.costPerHourActualByModel}{tokentax_model="gpt-4o"}`;
    // Compared at the rule's last evaluation time: the counter is still ramping up, so its rate at the
    // query time differs from the rate the rule saw.
    const at = Number((await query(url, `timestamp(${series})`))[0]?.value[1]);
    const recorded = await query(url, series, at);
    expect(recorded).toHaveLength(1);
    const rate = (scope: string) =>
      `3600 * sum(rate(tokentax_cost_USD_total{tokentax_scenario="actual", ${scope}, tokentax_model="gpt-4o"}[5m]))`;
    const own = Number((await query(url, rate(`otel_scope_name="${METER_SCOPE_NAME}"`), at))[0].value[1]);
    const copies = await query(
      url,
      `count(tokentax_cost_USD_total{tokentax_scenario="actual", otel_scope_name!="${METER_SCOPE_NAME}"})`,
    );
    expect(
      Number(copies[0]?.value[1] ?? 0),
      'the connector delivered span-derived copies of the cost too',
    ).toBeGreaterThan(0);
    const value = Number(recorded[0].value[1]);
    expect(value / own, `recorded ${value} USD/h, own counter ${own} USD/h at ${at}`).toBeGreaterThan(0.5);
    expect(value / own, `recorded ${value} USD/h, own counter ${own} USD/h at ${at}`).toBeLessThan(1.5);
  }, 90_000);
});
