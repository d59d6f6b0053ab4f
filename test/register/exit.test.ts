/**
 * tokentax/register with no collector listening and with the file exporter: the process exits within
 * the shutdown timeout after its last line, says in one line where it could not export and what to
 * set, prints no stack, sets the diag logger once; a stream left unread is still exported, cut short.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/demo/simulator';
import { readOtlpRequest } from '../../src/report/read-otlp';
import type { SpanRecord } from '../../src/report/span-record';
import { APPS_DIR } from '../support/global-setup';
import { freePort } from '../support/ports';

const APP = `
import OpenAI from 'openai';
const client = new OpenAI({ apiKey: 'sk-app-SECRET', baseURL: process.env.SIM_URL, maxRetries: 0 });
const messages = [{ role: 'user', content: 'hello' }];
await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
// A stream the application never reads: its span is still open at exit.
await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
console.log('last line');
`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** From the application's last line to the process's exit. */
  afterLastLineMs: number;
}

function run(env: Record<string, string>, app = 'exit-app.mjs'): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tokentax/register', app], {
      cwd: join(APPS_DIR, 'openai7'),
      env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', OTEL_SERVICE_NAME: 'exit-test', ...env },
    });
    let stdout = '';
    let stderr = '';
    let lastLineAt = 0;
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout.includes('last line') && !lastLineAt) lastLineAt = Date.now();
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, afterLastLineMs: lastLineAt ? Date.now() - lastLineAt : NaN });
    });
  });
}

describe('tokentax/register exporting', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator();
    writeFileSync(join(APPS_DIR, 'openai7', 'exit-app.mjs'), APP);
    writeFileSync(
      join(APPS_DIR, 'openai7', 'exit-late-app.mjs'),
      `${APP}\nawait new Promise((r) => setTimeout(r, 1000));\n`,
    );
  });
  afterAll(() => sim.close());

  it('no collector: exits within the shutdown timeout, one line naming the endpoint and the variable, no stack', async () => {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const r = await run({
      SIM_URL: sim.baseURL,
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      TOKENTAX_SHUTDOWN_TIMEOUT_MS: '1000',
      OTEL_LOG_LEVEL: 'warn',
    });
    expect(r.code, r.stderr).toBe(0);
    // The OTLP exporter alone would retry for 10 s (its default timeout) on timers that keep the process up.
    expect(r.afterLastLineMs).toBeLessThan(1000 + 4000);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toContain(`${endpoint}/v1/traces`);
    expect(lines[0]).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(lines[0]).toMatch(/^tokentax: /);
    expect(r.stderr).not.toContain('Current logger will');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('no collector, exports already failed during the run: still exits in time, with the line', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const r = await run(
      {
        SIM_URL: sim.baseURL,
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_METRICS_EXPORTER: 'none',
      },
      'exit-late-app.mjs',
    );
    expect(r.code, r.stderr).toBe(0);
    // The app waits 1 s after its last line; then the default shutdown timeout (2 s) bounds the rest,
    // although a failed export's retry timers were already pending.
    expect(r.afterLastLineMs).toBeLessThan(1000 + 2000 + 1500);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringContaining(`${endpoint}/v1/traces: nothing is listening`),
    ]);
  });

  it('TOKENTAX_SPANS_FILE: spans (the unread stream cut short) in a file the report reads; nothing sent over OTLP', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tokentax-exit-')), 'spans.jsonl');
    const r = await run({ SIM_URL: sim.baseURL, TOKENTAX_SPANS_FILE: file });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const spans: SpanRecord[] = [];
    for (const line of readFileSync(file, 'utf8').trim().split('\n'))
      readOtlpRequest(JSON.parse(line), (s) => spans.push(s));
    const calls = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat');
    expect(calls).toHaveLength(2);
    const stream = calls.find((s) => s.attributes['gen_ai.request.stream'] === true)!;
    expect(stream.attributes['tokentax.call.cut_short']).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toContain('sk-app-SECRET');
  });

  it('OTEL_TRACES_EXPORTER=console and none are honoured', async () => {
    const consoleRun = await run({
      SIM_URL: sim.baseURL,
      OTEL_TRACES_EXPORTER: 'console',
      OTEL_METRICS_EXPORTER: 'none',
    });
    expect(consoleRun.code, consoleRun.stderr).toBe(0);
    expect(consoleRun.stdout).toContain("name: 'chat gpt-4o-mini'");
    const none = await run({ SIM_URL: sim.baseURL, OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none' });
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toBe('last line\n');
    expect(none.stderr).toBe('');
  });
});
