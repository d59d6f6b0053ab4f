/**
 * Test and benchmark harness for the built tokentax collector: finds the binary that
 * collector/build.sh made for the current manifest, starts it on free loopback ports with a
 * given config, sends OTLP/JSON, and stops it; starts Jaeger v2 with collector/jaeger.yaml the same
 * way. Plain ESM so both vitest and bench/*.bench.mjs use it.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { request } from 'node:http';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
export const MANIFEST = join(REPO, 'collector', 'builder-config.yaml');

/** Where collector/build.sh puts the binary for the current manifest (same hash rule). */
export function jaegerBinaryPath(version = 'v1.76.0') {
  return join(
    process.env.TOKENTAX_JAEGER_CACHE ??
      join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tokentax', 'jaeger'),
    version,
    'jaeger',
  );
}

/** What collector/build.sh hashes (build_inputs): the manifest, the processor's sources, the data
 *  (src/pricing/data, which build.sh mirrors into the module's data/ before hashing). */
export function buildInputsHash() {
  const hash = createHash('sha256').update(readFileSync(MANIFEST));
  const module = 'collector/tokentaxprocessor';
  const sources = readdirSync(join(REPO, module))
    .filter((f) => f === 'go.mod' || f === 'go.sum' || (f.endsWith('.go') && !f.endsWith('_test.go')))
    .sort();
  for (const f of sources) hash.update(`${module}/${f}\n`).update(readFileSync(join(REPO, module, f)));
  const dataDir = join(REPO, 'src', 'pricing', 'data');
  for (const f of readdirSync(dataDir).sort()) hash.update(`data/${f}\n`).update(readFileSync(join(dataDir, f)));
  return hash.digest('hex').slice(0, 16);
}

/** Where collector/build.sh puts the binary for the current inputs (same hash rule). */
export function collectorBinaryPath() {
  if (process.env.TOKENTAX_COLLECTOR_BIN) return process.env.TOKENTAX_COLLECTOR_BIN;
  const cache =
    process.env.TOKENTAX_COLLECTOR_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tokentax', 'otelcol-tokentax');
  return join(cache, buildInputsHash(), 'otelcol-tokentax');
}

/** The binary's path, or why it cannot be used. */
export function findCollector() {
  const bin = collectorBinaryPath();
  if (existsSync(bin)) return { bin };
  return {
    missing: `no collector binary at ${bin}: run collector/build.sh (needs Go and the Go module proxy; a cold build takes about 4 minutes on 2 cores)`,
  };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const agentOptions = { keepAlive: true, maxSockets: 16 };
import { Agent } from 'node:http';
const agent = new Agent(agentOptions);

/** Sends a loopback HTTP request and resolves with {status, body}. */
function send(port, path, method, body, headers, timeoutMs) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent, timeout: timeoutMs, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** POSTs a body (string or Buffer) and resolves with {status, body}. */
export function post(port, path, body, contentType = 'application/json', timeoutMs = 30_000) {
  const headers = { 'content-type': contentType, 'content-length': Buffer.byteLength(body) };
  return send(port, path, 'POST', body, headers, timeoutMs);
}

const get = (port, path, timeoutMs = 2_000) => send(port, path, 'GET', undefined, {}, timeoutMs);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Spawns `bin args`, collecting its output, and resolves once `ready()` is true; throws with the
 * logs if it exits or is not ready within startTimeoutMs. stop() sends SIGTERM, SIGKILL after 5 s,
 * then runs `cleanup`. Returns {stop, logs(), pid}.
 */
async function startUntilReady({ name, bin, args, env, ready, startTimeoutMs, cleanup = () => {} }) {
  let logs = '';
  const child = spawn(bin, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => {
    logs += d;
  });
  child.stderr.on('data', (d) => {
    logs += d;
  });
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  child.on('error', (err) => {
    logs += `${err}\n`;
    exited ??= { error: String(err) };
  });
  const stop = async () => {
    if (exited === null) {
      child.kill('SIGTERM');
      for (let i = 0; i < 100 && exited === null; i++) await sleep(50);
      if (exited === null) child.kill('SIGKILL');
    }
    cleanup();
  };
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (exited !== null) {
      await stop();
      throw new Error(`${name} exited (${JSON.stringify(exited)}) during start:\n${logs}`);
    }
    if (await ready().catch(() => false)) break; // a refused connection: not listening yet
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} did not start within ${startTimeoutMs} ms:\n${logs}`);
    }
    await sleep(100);
  }
  return { stop, logs: () => logs, pid: child.pid };
}

/**
 * Starts the collector with `config` (YAML text). `ports` are substituted by the caller into the
 * config; `httpPort` is polled until the OTLP/HTTP receiver answers. Returns {stop, logs(), dir, pid}.
 */
export async function startCollector({ bin, config, httpPort, env = {}, startTimeoutMs = 30_000 }) {
  const dir = mkdtempSync(join(tmpdir(), 'tokentax-collector-'));
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, config);
  const started = await startUntilReady({
    name: 'collector',
    bin,
    args: ['--config', configPath],
    env,
    startTimeoutMs,
    ready: async () => (await post(httpPort, '/v1/traces', '{}', 'application/json', 2_000)).status === 200,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  });
  return { ...started, dir };
}

export const JAEGER_CONFIG = join(REPO, 'collector', 'jaeger.yaml');

/**
 * Starts Jaeger v2 with collector/jaeger.yaml (the config collector/stack.sh runs) on free loopback
 * ports, passed as the environment variables that file reads, and waits until its query API answers.
 * Returns {ports: {ui, grpc, otlpGrpc, otlpHttp}, api (the query API's base URL), stop, logs(), pid}.
 */
export async function startJaeger({
  bin = process.env.TOKENTAX_JAEGER_BIN ?? jaegerBinaryPath(),
  startTimeoutMs = 30_000,
} = {}) {
  const ports = {
    ui: await freePort(),
    grpc: await freePort(),
    otlpGrpc: await freePort(),
    otlpHttp: await freePort(),
  };
  const started = await startUntilReady({
    name: 'Jaeger',
    bin,
    args: ['--config', JAEGER_CONFIG],
    env: {
      // Jaeger traces itself to 127.0.0.1:4317 by default; with nothing there, its shutdown waits ~10 s.
      OTEL_TRACES_SAMPLER: 'always_off',
      TOKENTAX_JAEGER_UI_PORT: String(ports.ui),
      TOKENTAX_JAEGER_GRPC_PORT: String(ports.grpc),
      TOKENTAX_JAEGER_OTLP_PORT: String(ports.otlpGrpc),
      TOKENTAX_JAEGER_OTLP_HTTP_PORT: String(ports.otlpHttp),
    },
    startTimeoutMs,
    ready: async () => (await get(ports.ui, '/api/services')).status === 200,
  });
  return { ...started, ports, api: `http://127.0.0.1:${ports.ui}` };
}

/** Runs `<bin> validate --config <file>`; resolves {ok, output}. */
export function validateConfig(bin, config, env = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tokentax-validate-'));
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, config);
  return new Promise((resolve) => {
    const child = spawn(bin, ['validate', '--config', configPath], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('exit', (code) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ ok: code === 0, output });
    });
  });
}

// --- OTLP/JSON encoding of plain {name, attributes, startMs, endMs} spans ---

function anyValue(v) {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (typeof v === 'object' && v !== null && 'double' in v) return { doubleValue: v.double }; // force a double
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  throw new Error(`unsupported attribute value ${String(v)}`);
}

export function otlpAttributes(attrs) {
  return Object.entries(attrs).map(([key, value]) => ({ key, value: anyValue(value) }));
}

const hex = (n, width) => n.toString(16).padStart(width, '0');

/** OTLP/JSON ExportTraceServiceRequest body for spans [{name, attributes, startMs, endMs}]. */
export function otlpTraces(spans, serviceName = 'tokentax-test', traceSeed = 1) {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: otlpAttributes({ 'service.name': serviceName }) },
        scopeSpans: [
          {
            scope: { name: 'tokentax-test' },
            spans: spans.map((s, i) => ({
              traceId: hex(traceSeed, 16) + hex(i + 1, 16),
              spanId: hex(i + 1, 16),
              name: s.name ?? 'chat',
              kind: 3,
              startTimeUnixNano: String(BigInt(Math.round(s.startMs)) * 1_000_000n),
              endTimeUnixNano: String(BigInt(Math.round(s.endMs ?? s.startMs)) * 1_000_000n),
              attributes: otlpAttributes(s.attributes),
            })),
          },
        ],
      },
    ],
  });
}

/** Decodes an OTLP/JSON AnyValue to a plain JS value (ints as numbers). */
export function fromAnyValue(v) {
  if (v === undefined || v === null) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('arrayValue' in v) return (v.arrayValue.values ?? []).map(fromAnyValue);
  if ('kvlistValue' in v)
    return Object.fromEntries((v.kvlistValue.values ?? []).map((kv) => [kv.key, fromAnyValue(kv.value)]));
  return undefined;
}

/**
 * Reads what the collector's file exporter wrote (one ExportTraceServiceRequest per line) until
 * `expected` spans arrived or the time is up: span index (as numbered by otlpTraces) -> attributes.
 */
export async function readExportedSpans(outFile, expected, timeoutMs = 60_000, pollMs = 250) {
  const got = new Map();
  const deadline = Date.now() + timeoutMs;
  while (got.size < expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, pollMs));
    if (!existsSync(outFile)) continue;
    got.clear();
    for (const line of readFileSync(outFile, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      for (const rs of JSON.parse(line).resourceSpans ?? []) {
        for (const ss of rs.scopeSpans ?? []) {
          for (const sp of ss.spans ?? []) {
            const seed = parseInt(String(sp.traceId).slice(0, 16), 16);
            const idx = seed - 1 + parseInt(String(sp.spanId), 16) - 1;
            got.set(idx, Object.fromEntries((sp.attributes ?? []).map((kv) => [kv.key, fromAnyValue(kv.value)])));
          }
        }
      }
    }
  }
  return got;
}
