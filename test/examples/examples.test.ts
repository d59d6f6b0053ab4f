/**
 * examples/ run as a user runs them: child processes importing 'tokentax' (the package resolves
 * itself by name from inside the repository), the real `openai` client against the local simulator,
 * real OTLP/HTTP exporters sending to a local receiver that stands in for Honeycomb or a collector.
 */
import { execFile } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/demo/simulator';
import { createReport } from '../../src/report';
import { readOtlpRequest } from '../../src/report/read-otlp';
import type { SpanRecord } from '../../src/report/span-record';

const ROOT = resolve(__dirname, '../..');

interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  spans: SpanRecord[];
}

let simulator: Simulator;
let server: Server;
let receiverURL: string;
const received: Received[] = [];

beforeAll(async () => {
  simulator = await startSimulator();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const spans: SpanRecord[] = [];
      try {
        readOtlpRequest(JSON.parse(Buffer.concat(chunks).toString('utf8')), (s) => spans.push(s));
      } catch {
        // not JSON: recorded without spans
      }
      received.push({ url: req.url ?? '', headers: req.headers, spans });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  receiverURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await simulator.close();
  await new Promise<void>((r) => server.close(() => r()));
});
beforeEach(() => {
  received.length = 0;
});

function run(args: string[], env: Record<string, string> = {}) {
  const base = {
    PATH: process.env.PATH!,
    HOME: process.env.HOME ?? '/tmp',
    OPENAI_BASE_URL: simulator.baseURL,
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiverURL,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  };
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
    execFile(process.execPath, args, { cwd: ROOT, env: { ...base, ...env }, timeout: 60_000 }, (e, stdout, stderr) =>
      done({ code: e ? Number(e.code) : 0, stdout, stderr }),
    ),
  );
}

/** As a newcomer runs an example: no API key, no base URL, no OTEL_* or TOKENTAX_* variables but those given. */
function runBare(args: string[], env: Record<string, string>) {
  const base = { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp' };
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
    execFile(process.execPath, args, { cwd: ROOT, env: { ...base, ...env }, timeout: 60_000 }, (e, stdout, stderr) =>
      done({ code: e ? Number(e.code) : 0, stdout, stderr }),
    ),
  );
}

const genai = () =>
  received.flatMap((r) => r.spans).filter((s) => typeof s.attributes['gen_ai.operation.name'] === 'string');

describe('examples', () => {
  it('basic-chat.mjs with --import tokentax/register: a priced chat span over OTLP', async () => {
    const r = await run(['--import', 'tokentax/register', 'examples/basic-chat.mjs']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/usage: \d+ input, \d+ output tokens/);
    const [span] = genai();
    // No configuration: the fake API on 127.0.0.1 answers with OpenAI's model name, so the call is priced
    // as OpenAI's by inference, and the span says so rather than claiming the provider.
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': '_OTHER',
      'server.address': '127.0.0.1',
      'gen_ai.request.model': 'gpt-4.1-mini',
      'tokentax.pricing.provider': 'openai',
      'tokentax.provider.inferred': true,
    });
    expect(span.attributes['tokentax.cost.usd']).toBeGreaterThan(0);
    expect(span.attributes['tokentax.context.tokens']).toBeGreaterThan(0);
  });

  it('streaming.mjs: the stream span carries the usage of the final chunk', async () => {
    const r = await run(['--import', 'tokentax/register', 'examples/streaming.mjs']);
    expect(r.code, r.stderr).toBe(0);
    const output = Number(/(\d+) output tokens/.exec(r.stdout)![1]);
    const [span] = genai();
    expect(span.attributes['gen_ai.request.stream']).toBe(true);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(output);
    expect(span.attributes['tokentax.usage.estimated']).not.toBe(true);
  });

  it('agent-loop.mjs: turns linked by withConversation, recycled context measured', async () => {
    const r = await run(['--import', 'tokentax/register', 'examples/agent-loop.mjs']);
    expect(r.code, r.stderr).toBe(0);
    const turns = genai()
      .filter((s) => s.attributes['gen_ai.conversation.id'] === 'support-ticket-4711')
      .sort((a, b) => Number(a.attributes['tokentax.context.turn']) - Number(b.attributes['tokentax.context.turn']));
    expect(turns.map((s) => s.attributes['tokentax.context.turn'])).toEqual([1, 2, 3]);
    expect(turns[0].attributes['tokentax.context.recycled_tokens'] ?? 0).toBe(0);
    for (const t of turns.slice(1)) expect(t.attributes['tokentax.context.recycled_tokens']).toBeGreaterThan(0);
  });

  it('nodesdk-setup.cjs: hand-built NodeSDK over OTLP, and to a JSON lines file the report reads', async () => {
    const r = await run(['examples/nodesdk-setup.cjs']);
    expect(r.code, r.stderr).toBe(0);
    const [span] = genai();
    expect(span.attributes['tokentax.cost.usd']).toBeGreaterThan(0);
    expect(span.attributes['tokentax.cost.together.usd']).toBeGreaterThan(0);

    const file = join(mkdtempSync(join(tmpdir(), 'tokentax-example-')), 'spans.jsonl');
    const f = await run(['examples/nodesdk-setup.cjs'], { TOKENTAX_SPANS_FILE: file });
    expect(f.code, f.stderr).toBe(0);
    const report = await createReport([file]);
    expect(report.spans.genai).toBe(1);
    expect(report.scenarios[0]).toMatchObject({ id: 'actual', priced: 1 });
    expect(report.scenarios[0].bill).toBeCloseTo(Number(span.attributes['tokentax.cost.usd']), 12);
  });

  it('honeycomb.cjs: OTLP/HTTP with the x-honeycomb-team header (endpoint overridden to a local receiver)', async () => {
    // No OTEL_* variables: the example alone decides where telemetry goes.
    const r = await run(['examples/honeycomb.cjs'], {
      HONEYCOMB_API_KEY: 'hc-test-key',
      HONEYCOMB_ENDPOINT: receiverURL,
      OTEL_METRICS_EXPORTER: '',
      OTEL_LOGS_EXPORTER: '',
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      OTEL_EXPORTER_OTLP_PROTOCOL: '',
    });
    expect(r.code, r.stderr).toBe(0);
    const traces = received.filter((x) => x.url === '/v1/traces');
    expect(traces.length).toBeGreaterThan(0);
    expect(received.length).toBe(traces.length); // traces only: no metrics or logs pushed anywhere here
    for (const t of traces) expect(t.headers['x-honeycomb-team']).toBe('hc-test-key');
    const spans = genai();
    expect(spans.map((s) => s.attributes['gen_ai.conversation.id'])).toEqual([
      'honeycomb-example',
      'honeycomb-example',
    ]);
    for (const s of spans) expect(s.attributes['tokentax.cost.usd']).toBeGreaterThan(0);

    const missing = await run(['examples/honeycomb.cjs'], { HONEYCOMB_ENDPOINT: receiverURL });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Set HONEYCOMB_API_KEY');
  });

  it('collector-setup.cjs: context and usage only (the collector prices), sent to the collector endpoint', async () => {
    const r = await run(['examples/collector-setup.cjs']);
    expect(r.code, r.stderr).toBe(0);
    const spans = genai();
    expect(spans.map((s) => s.attributes['gen_ai.operation.name']).sort()).toEqual(['chat', 'embeddings']);
    for (const s of spans) {
      expect(s.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
      expect(Object.keys(s.attributes).filter((k) => k.startsWith('tokentax.cost.'))).toEqual([]);
    }
    expect(
      spans.find((s) => s.attributes['gen_ai.operation.name'] === 'chat')!.attributes['tokentax.context.tokens'],
    ).toBeGreaterThan(0);
  });

  describe('out of the box: the embedded fake API, then where to look', () => {
    const examples = [
      ['--import', 'tokentax/register', 'examples/basic-chat.mjs'],
      ['--import', 'tokentax/register', 'examples/streaming.mjs'],
      ['--import', 'tokentax/register', 'examples/agent-loop.mjs'],
      ['examples/nodesdk-setup.cjs'],
      ['examples/collector-setup.cjs'],
    ];

    it.each(examples.map((args) => [args.at(-1)!, args]))(
      '%s with TOKENTAX_SPANS_FILE: exit 0, prints the report command, the report reads the spans',
      async (_name, args) => {
        const file = join(mkdtempSync(join(tmpdir(), 'tokentax-example-')), 'spans.jsonl');
        const r = await runBare(args, { TOKENTAX_SPANS_FILE: file });
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toBe('');
        expect(r.stdout).toContain(`spans: written to ${file}; read them with: npx tokentax report ${file}`);
        const report = await createReport([file]);
        expect(report.spans.genai).toBeGreaterThan(0);
      },
    );

    it.each(examples.map((args) => [args.at(-1)!, args]))(
      '%s with no collector listening: exit 0, names the OTLP endpoint',
      async (_name, args) => {
        const endpoint = 'http://127.0.0.1:9'; // the discard port: nothing listens there
        const r = await runBare(args, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, TOKENTAX_SHUTDOWN_TIMEOUT_MS: '1000' });
        expect(r.code, r.stderr).toBe(0);
        expect(`${r.stdout}${r.stderr}`).toContain(endpoint);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      },
    );
  });
});
