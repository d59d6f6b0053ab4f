/**
 * collector/stack.sh (npm run stack) as a user runs it: it starts the built collector with the
 * shipped collector/config.yaml and Jaeger v2, prints the Jaeger UI address, the collector accepts
 * OTLP and the span reaches Jaeger's API, and a SIGTERM or a Ctrl-C (SIGINT) stops both processes
 * and frees their ports. Needs both binaries (vitest.config.mts leaves this file out, saying why,
 * on a machine without them; CI builds them).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, freePort, get, waitFor } from '../alerts/support';
// @ts-expect-error plain ESM helper without types
import * as harness from '../../collector/harness.mjs';

const SCRIPT = join(ROOT, 'collector/stack.sh');

interface Stack {
  child: ChildProcess;
  output(): string;
  ports: Record<string, number>;
  exited: Promise<number | null>;
}

async function startStack(): Promise<Stack> {
  const ports: Record<string, number> = {};
  for (const name of [
    'ui',
    'jaegerOtlp',
    'jaegerOtlpHttp',
    'jaegerGrpc',
    'otlpHttp',
    'otlpGrpc',
    'prometheus',
    'telemetry',
  ])
    ports[name] = await freePort();
  const child = spawn('bash', [SCRIPT], {
    env: {
      ...process.env,
      TOKENTAX_COLLECTOR_BIN: harness.collectorBinaryPath(),
      TOKENTAX_JAEGER_BIN: process.env.TOKENTAX_JAEGER_BIN ?? harness.jaegerBinaryPath(),
      TOKENTAX_JAEGER_UI_PORT: String(ports.ui),
      TOKENTAX_JAEGER_OTLP_PORT: String(ports.jaegerOtlp),
      TOKENTAX_JAEGER_OTLP_HTTP_PORT: String(ports.jaegerOtlpHttp),
      TOKENTAX_JAEGER_GRPC_PORT: String(ports.jaegerGrpc),
      TOKENTAX_OTLP_HTTP_ENDPOINT: `127.0.0.1:${ports.otlpHttp}`,
      TOKENTAX_OTLP_GRPC_ENDPOINT: `127.0.0.1:${ports.otlpGrpc}`,
      TOKENTAX_PROMETHEUS_ENDPOINT: `127.0.0.1:${ports.prometheus}`,
      TOKENTAX_COLLECTOR_TELEMETRY_PORT: String(ports.telemetry),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stack = { child, output: () => out, ports, exited };
  await waitFor('the stack to say it is up', 60_000, async () =>
    out.includes('Ctrl-C stops both') || child.exitCode !== null ? true : undefined,
  );
  if (child.exitCode !== null) throw new Error(`stack.sh exited ${child.exitCode}:\n${out}`);
  return stack;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const portOpen = (port: number): Promise<boolean> =>
  get(`http://127.0.0.1:${port}/`).then(
    () => true,
    () => false,
  );

async function stopAndCheck(stack: Stack, signal: NodeJS.Signals): Promise<void> {
  const [, collectorPid, jaegerPid] = /collector pid (\d+), Jaeger pid (\d+)/.exec(stack.output())!.map(Number);
  expect(alive(collectorPid) && alive(jaegerPid)).toBe(true);
  stack.child.kill(signal);
  const code = await Promise.race([stack.exited, new Promise((r) => setTimeout(() => r('timeout'), 20_000))]);
  expect(code, stack.output()).toBe(0);
  expect(stack.output()).toContain('stack: stopped');
  expect([alive(collectorPid), alive(jaegerPid)]).toEqual([false, false]);
  expect(await portOpen(stack.ports.ui)).toBe(false);
  expect(await portOpen(stack.ports.otlpHttp)).toBe(false);
}

describe('the one-command local stack (collector/stack.sh)', () => {
  it('prints the Jaeger UI address, passes OTLP spans through the collector to Jaeger, stops on SIGTERM', async () => {
    const stack = await startStack();
    try {
      const out = stack.output();
      expect(out).toContain(`Jaeger UI:          http://127.0.0.1:${stack.ports.ui}`);
      expect(out).toContain(`OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:${stack.ports.otlpHttp}`);
      const services = await get(`http://127.0.0.1:${stack.ports.ui}/api/services`);
      expect(services.status).toBe(200);
      const ui = await get(`http://127.0.0.1:${stack.ports.ui}/`);
      expect(ui.status).toBe(200);
      expect(ui.body).toMatch(/<html/i);

      const body: string = harness.otlpTraces(
        [
          {
            name: 'chat gpt-4o',
            startMs: Date.now() - 500,
            endMs: Date.now(),
            attributes: {
              'gen_ai.operation.name': 'chat',
              'gen_ai.provider.name': 'openai',
              'gen_ai.request.model': 'gpt-4o',
              'gen_ai.usage.input_tokens': 1200,
              'gen_ai.usage.output_tokens': 80,
            },
          },
        ],
        'stack-test',
      );
      const accepted = await harness.post(stack.ports.otlpHttp, '/v1/traces', body);
      expect(accepted.status, accepted.body).toBe(200);
      const traces = await waitFor('the span in Jaeger', 30_000, async () => {
        const res = await get(`http://127.0.0.1:${stack.ports.ui}/api/traces?service=stack-test&limit=10`);
        const data = (JSON.parse(res.body) as { data?: Array<{ spans: Array<{ operationName: string }> }> }).data;
        return data?.length ? data : undefined;
      });
      expect(traces[0].spans[0].operationName).toBe('chat gpt-4o');
    } finally {
      await stopAndCheck(stack, 'SIGTERM');
    }
  }, 120_000);

  it('stops both on Ctrl-C (SIGINT)', async () => {
    const stack = await startStack();
    await stopAndCheck(stack, 'SIGINT');
  }, 90_000);
});
