/**
 * Finding bloated or expensive requests with Jaeger's exact-match tag search, against a real Jaeger
 * v2 (built from the Go module proxy by collector/build-jaeger.sh; in-memory storage, loopback
 * only): an app run with `node --import tokentax/register` sends its spans over OTLP/HTTP, then the
 * HTTP API's /api/traces?service=...&tags={...} must return exactly the matching traces for
 * tokentax.context.bloat, tokentax.context.size_bucket and tokentax.cost.cheapest, and the example
 * queries in examples/jaeger/README.md must work as written.
 *
 * Without the Jaeger binary the tests fail with the reason and the build command (no skip).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/demo/simulator';
import * as S from '../../src/semconv';
import { ROOT, freePort, get, startApp, startProcess, waitFor, type Proc } from '../alerts/support';
// @ts-expect-error plain ESM helper without types
import * as harness from '../../collector/harness.mjs';

// Same place collector/build-jaeger.sh builds it (TOKENTAX_JAEGER_CACHE, else ~/.cache/tokentax/jaeger).
const jaegerBin: string = process.env.TOKENTAX_JAEGER_BIN ?? harness.jaegerBinaryPath();
const BUILD_HINT = `no Jaeger binary at ${jaegerBin}: run collector/build-jaeger.sh (Go + module proxy; ~12 min cold on 2 cores)`;
const SERVICE = 'jaeger-tag-search';

interface Tag {
  key: string;
  type: string;
  value: unknown;
}
interface Trace {
  traceID: string;
  spans: Array<{ operationName: string; tags: Tag[] }>;
}

function jaegerConfig(otlpPort: number, queryPort: number, grpcPort: number): string {
  return `
service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
extensions:
  jaeger_query:
    storage:
      traces: memstore
    http:
      endpoint: 127.0.0.1:${queryPort}
    grpc:
      endpoint: 127.0.0.1:${grpcPort}
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: 10000
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${otlpPort}
processors:
  batch:
    timeout: 100ms
exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
`;
}

describe('Jaeger v2 tag search over tokentax spans', () => {
  let sim: Simulator | undefined;
  let jaeger: Proc | undefined;
  let dir = '';
  let api = '';
  let all: Trace[] = [];

  /** /api/traces with the given tags object, URL-encoded as the UI does. */
  async function search(tags: Record<string, string>): Promise<Set<string>> {
    const res = await get(
      `${api}/api/traces?service=${SERVICE}&limit=100&tags=${encodeURIComponent(JSON.stringify(tags))}`,
    );
    expect(res.status, res.body).toBe(200);
    const body = JSON.parse(res.body) as { data: Trace[]; errors: unknown };
    expect(body.errors).toBeNull();
    return new Set(body.data.map((t) => t.traceID));
  }
  const tagOf = (t: Trace, key: string): Tag | undefined => t.spans.flatMap((s) => s.tags).find((g) => g.key === key);
  const idsWhere = (pred: (t: Trace) => boolean) => new Set(all.filter(pred).map((t) => t.traceID));

  it('finds the Jaeger binary', () => {
    expect(existsSync(jaegerBin), BUILD_HINT).toBe(true);
  });

  beforeAll(async () => {
    if (!existsSync(jaegerBin)) return;
    sim = await startSimulator();
    const [otlp, query, grpc] = [await freePort(), await freePort(), await freePort()];
    dir = mkdtempSync(join(tmpdir(), 'tokentax-jaeger-'));
    writeFileSync(join(dir, 'config.yaml'), jaegerConfig(otlp, query, grpc));
    jaeger = startProcess(jaegerBin, ['--config', join(dir, 'config.yaml')]);
    api = `http://127.0.0.1:${query}`;
    await waitFor('Jaeger to answer', 30_000, async () =>
      (await get(`${api}/api/services`)).status === 200 ? true : undefined,
    ).catch((err) => {
      throw new Error(`${String(err)}\n${jaeger?.logs()}`);
    });
    const app = startApp(
      {
        SIM_URL: sim.baseURL,
        OTEL_SERVICE_NAME: SERVICE,
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlp}`,
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
      },
      'test/jaeger/app.cjs',
    );
    await waitFor('the app to finish', 60_000, async () => (app.child.exitCode !== null ? true : undefined));
    expect(app.child.exitCode, app.logs()).toBe(0);
    all = await waitFor('4 traces in Jaeger', 20_000, async () => {
      const res = await get(`${api}/api/traces?service=${SERVICE}&limit=100`);
      const data = (JSON.parse(res.body) as { data: Trace[] }).data;
      return data.length >= 4 ? data : undefined;
    });
  }, 120_000);

  afterAll(async () => {
    await jaeger?.stop();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const need = () => {
    if (!jaeger) throw new Error(`did not run: ${BUILD_HINT}`);
  };

  it('stores the attributes with the types exact-match search relies on', () => {
    need();
    expect(all).toHaveLength(4);
    for (const t of all) {
      expect(tagOf(t, S.ATTR_CONTEXT_BLOAT)?.type).toBe('bool');
      expect(tagOf(t, S.ATTR_CONTEXT_SIZE_BUCKET)?.type).toBe('string');
      expect(S.SIZE_BUCKETS.map((b) => b.label)).toContain(tagOf(t, S.ATTR_CONTEXT_SIZE_BUCKET)?.value);
      expect(tagOf(t, S.ATTR_COST_CHEAPEST)?.type).toBe('string');
    }
  });

  it('tokentax.context.bloat=true finds exactly the bloated requests (bool matched by the string "true")', async () => {
    need();
    const bloated = idsWhere((t) => tagOf(t, S.ATTR_CONTEXT_BLOAT)?.value === true);
    expect(bloated.size).toBe(3);
    expect(await search({ [S.ATTR_CONTEXT_BLOAT]: 'true' })).toEqual(bloated);
    expect(await search({ [S.ATTR_CONTEXT_BLOAT]: 'false' })).toEqual(
      idsWhere((t) => tagOf(t, S.ATTR_CONTEXT_BLOAT)?.value === false),
    );
    // Exact match: other spellings find nothing.
    expect((await search({ [S.ATTR_CONTEXT_BLOAT]: 'True' })).size).toBe(0);
  });

  it('tokentax.context.size_bucket finds each bucket exactly, "<1k" included', async () => {
    need();
    const labels = new Set(all.map((t) => String(tagOf(t, S.ATTR_CONTEXT_SIZE_BUCKET)?.value)));
    expect(labels).toEqual(new Set(['<1k', '16k-64k']));
    for (const label of labels) {
      expect(await search({ [S.ATTR_CONTEXT_SIZE_BUCKET]: label }), label).toEqual(
        idsWhere((t) => tagOf(t, S.ATTR_CONTEXT_SIZE_BUCKET)?.value === label),
      );
    }
    expect((await search({ [S.ATTR_CONTEXT_SIZE_BUCKET]: '64k-256k' })).size).toBe(0);
  });

  it('tokentax.cost.cheapest finds the requests another scenario would have made cheaper, and tags combine with AND', async () => {
    need();
    const values = new Set(all.map((t) => String(tagOf(t, S.ATTR_COST_CHEAPEST)?.value)));
    expect(values.size).toBeGreaterThan(0);
    for (const v of values) {
      expect(await search({ [S.ATTR_COST_CHEAPEST]: v }), v).toEqual(
        idsWhere((t) => tagOf(t, S.ATTR_COST_CHEAPEST)?.value === v),
      );
    }
    const [some] = [...values];
    expect(await search({ [S.ATTR_COST_CHEAPEST]: some, [S.ATTR_CONTEXT_BLOAT]: 'true' })).toEqual(
      idsWhere((t) => tagOf(t, S.ATTR_COST_CHEAPEST)?.value === some && tagOf(t, S.ATTR_CONTEXT_BLOAT)?.value === true),
    );
  });

  it("the README's example API queries work as written", async () => {
    need();
    const readme = readFileSync(join(ROOT, 'examples/jaeger/README.md'), 'utf8');
    const urls = [...readme.matchAll(/http:\/\/localhost:16686(\/api\/traces\?[^\s'"`]+)/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThanOrEqual(3);
    for (const path of urls) {
      const res = await get(`${api}${path.replace('service=checkout', `service=${SERVICE}`)}`);
      expect(res.status, path).toBe(200);
      const body = JSON.parse(res.body) as { data: Trace[]; errors: unknown };
      expect(body.errors, path).toBeNull();
      const tags = JSON.parse(new URL(`http://x${path}`).searchParams.get('tags') ?? '{}') as Record<string, string>;
      // Each example finds exactly the traces whose tags match (string form of the stored value).
      const want = idsWhere((t) => Object.entries(tags).every(([k, v]) => String(tagOf(t, k)?.value) === v));
      expect(new Set(body.data.map((t) => t.traceID)), path).toEqual(want);
    }
  });
});
