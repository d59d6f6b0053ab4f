/**
 * Applications on the OpenTelemetry JS 3.x line (Node >= 22.15; CI runs the suite again on Node 24):
 * tokentax's instrumentation and cost processor plugged into a NodeSDK 0.3xx that the application
 * installed itself, exporting over real OTLP.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/demo/simulator';
import { APPS_DIR, ROOT } from '../support/global-setup';
import { OtlpReceiver } from '../support/otlp-receiver';

const [major, minor] = process.versions.node.split('.').map(Number);
const supported = major > 22 || (major === 22 && minor >= 15);
const APP = join(APPS_DIR, 'otel3');

const APP_SOURCE = `
import { createRequire } from 'node:module';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { createTokentax } from 'tokentax';
const tokentax = createTokentax({ config: { providerHosts: { '127.0.0.1': 'openai' } } });
const sdk = new NodeSDK({
  instrumentations: [tokentax.instrumentation],
  spanProcessors: [...tokentax.spanProcessors, new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: process.env.OTLP_URL + '/v1/traces' }) })],
});
sdk.start();
// Loaded with require after sdk.start(), so the require hook patches it (an ESM import would need
// the application to register the loader hook, which is what tokentax/register does).
const { OpenAI } = createRequire(import.meta.url)('openai');
const client = new OpenAI({ apiKey: 'sk-x', baseURL: process.env.SIM_URL, maxRetries: 0 });
await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
await sdk.shutdown();
`;

const skipReason = supported
  ? ''
  : ` (skipped on Node ${process.versions.node}: the 3.x SDK needs Node >= 22.15; CI runs it on Node 24)`;
describe.skipIf(!supported)(`OpenTelemetry JS 3.x line${skipReason}`, () => {
  let sim: Simulator;
  const receiver = new OtlpReceiver();
  beforeAll(async () => {
    if (!existsSync(join(APP, 'node_modules/@opentelemetry/sdk-node'))) {
      mkdirSync(APP, { recursive: true });
      writeFileSync(join(APP, 'package.json'), JSON.stringify({ name: 'otel3-app', private: true, type: 'module' }));
      execFileSync(
        'npm',
        [
          'install',
          '--no-audit',
          '--no-fund',
          '--no-save',
          '@opentelemetry/sdk-node@^0.300',
          '@opentelemetry/sdk-trace@^3',
          '@opentelemetry/exporter-trace-otlp-http@^0.300',
          '@opentelemetry/api@^1',
          'openai@^7',
        ],
        { cwd: APP, stdio: 'inherit' },
      );
    }
    if (!existsSync(join(APP, 'node_modules/tokentax'))) symlinkSync(ROOT, join(APP, 'node_modules/tokentax'), 'dir');
    writeFileSync(join(APP, 'app.mjs'), APP_SOURCE);
    sim = await startSimulator();
    await receiver.start();
  }, 240_000);
  afterAll(async () => {
    await sim?.close();
    await receiver.stop();
  });

  it('spans carry usage, context and cost attributes', async () => {
    // Asynchronous: the simulator and the receiver live in this process.
    const child = spawn(process.execPath, ['app.mjs'], {
      cwd: APP,
      env: { ...process.env, SIM_URL: sim.baseURL, OTLP_URL: receiver.url },
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((r) => child.on('exit', r));
    expect(code, stderr).toBe(0);
    const span = receiver.spans.find((s) => s.scope === 'tokentax');
    expect(span?.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    expect(span?.attributes['tokentax.context.tokens']).toBeGreaterThan(0);
    expect(span?.attributes['tokentax.cost.usd']).toBeGreaterThan(0);
  });
});
