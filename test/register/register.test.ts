/**
 * The register entry point as users run it: `node --require tokentax/register app.js` and
 * `node --import tokentax/register app.mjs`, for every `openai` major, exporting over real OTLP to a
 * local receiver. Nothing is lost at exit, and the application's exit code or signal is kept.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/demo/simulator';
import { APPS_DIR } from '../support/global-setup';
import { freePort } from '../support/ports';
import { OtlpReceiver } from '../support/otlp-receiver';

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runApp(
  dir: string,
  file: string,
  env: Record<string, string>,
  onReady?: (kill: (s: NodeJS.Signals) => void) => void,
): Promise<Run> {
  const flag = file.endsWith('.mjs') ? '--import' : '--require';
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [flag, 'tokentax/register', file], {
      cwd: dir,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.stdout.on('data', (d) => {
      stdout += d;
      if (onReady && stdout.includes('ready')) onReady((s) => child.kill(s));
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe('tokentax/register in child processes', () => {
  let sim: Simulator;
  const receiver = new OtlpReceiver();
  const env = () => ({
    SIM_URL: sim.baseURL,
    OTEL_SERVICE_NAME: 'register-test',
    // The simulator stands in for api.openai.com, so prices are OpenAI's.
    TOKENTAX_CONFIG: join(__dirname, 'simulator-is-openai.yaml'),
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_LOGS_EXPORTER: 'none',
    // Longer than the test: only the exit flush can deliver the telemetry.
    OTEL_BSP_SCHEDULE_DELAY: '60000',
    OTEL_METRIC_EXPORT_INTERVAL: '60000',
  });

  beforeAll(async () => {
    sim = await startSimulator();
    await receiver.start();
  });
  afterAll(async () => {
    await sim.close();
    await receiver.stop();
  });

  const cases = ['4', '5', '6', '7'].flatMap((major) => ['app.cjs', 'app.mjs'].map((file) => [major, file] as const));

  it.each(cases)('openai %s, %s: spans and metrics exported at natural exit, exit code kept', async (major, file) => {
    const before = receiver.spans.length;
    const service = `register-${major}-${file}`;
    const run = await runApp(join(APPS_DIR, `openai${major}`), file, {
      ...env(),
      OTEL_SERVICE_NAME: service,
      APP_EXIT_CODE: '3',
    });
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(3);
    const spans = receiver.spans.slice(before).filter((s) => s.scope === 'tokentax');
    expect(spans.map((s) => s.name)).toEqual(['chat gpt-4o-mini', 'chat gpt-4o-mini']);
    expect(spans[0].attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    expect(spans[1].attributes['gen_ai.request.stream']).toBe(true);
    expect(spans[1].attributes['tokentax.context.tokens']).toBeGreaterThan(0);
    // In-process cost is on by default in the register entry point.
    expect(spans[0].attributes['tokentax.cost.usd']).toBeGreaterThan(0);
    expect(spans[0].attributes['tokentax.cost.together.usd']).toBeGreaterThan(0);
    expect(receiver.metrics.some((m) => m.name === 'gen_ai.client.token.usage')).toBe(true);
    expect(receiver.bodies.join('')).not.toContain('sk-app-SECRET');
    expect(receiver.bodies.join('')).not.toContain('Bouvet');
  });

  it.each([
    ['app.cjs', 'SIGTERM'],
    ['app.mjs', 'SIGINT'],
  ] as const)('%s killed with %s: telemetry flushed, the process still ends by the signal', async (file, signal) => {
    const before = receiver.spans.length;
    const run = await runApp(join(APPS_DIR, 'openai7'), file, { ...env(), APP_WAIT_FOR_SIGNAL: '1' }, (kill) =>
      kill(signal),
    );
    expect(run.signal).toBe(signal);
    expect(receiver.spans.slice(before).filter((s) => s.scope === 'tokentax')).toHaveLength(2);
  });

  it('--require starts one SDK only (the preload also runs in the ESM loader-hooks thread)', async () => {
    const port = await freePort();
    let scraped = '';
    const run = await runApp(
      join(APPS_DIR, 'openai7'),
      'app.cjs',
      {
        ...env(),
        APP_WAIT_FOR_SIGNAL: '1',
        OTEL_METRICS_EXPORTER: 'prometheus',
        OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
        OTEL_LOG_LEVEL: 'error',
      },
      (kill) =>
        void (async () => {
          // A call's metrics are recorded when its span completes, off the call's path; the first
          // waits for the tokenizer's build (in slices), so scrape until they show (at most ~5 s).
          for (let i = 0; i < 50 && !scraped.includes('gen_ai_client_token_usage_bucket'); i++) {
            if (i > 0) await new Promise((r) => setTimeout(r, 100));
            scraped = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
          }
        })().finally(() => kill('SIGTERM')),
    );
    expect(run.stderr).not.toContain('EADDRINUSE');
    expect(scraped).toContain('gen_ai_client_token_usage_bucket');
  });

  it('TOKENTAX_DISABLED=true leaves the application untouched', async () => {
    const before = receiver.spans.length;
    const run = await runApp(join(APPS_DIR, 'openai7'), 'app.cjs', { ...env(), TOKENTAX_DISABLED: 'true' });
    expect(run.code).toBe(0);
    expect(receiver.spans.length).toBe(before);
  });
});
