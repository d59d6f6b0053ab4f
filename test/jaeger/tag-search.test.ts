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
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/demo/simulator';
import * as S from '../../src/semconv';
import { ROOT, get, startApp, waitFor } from '../alerts/support';
import { appEnv, searchTraceIds, waitForTraces, type Jaeger, type Tag, type Trace } from './support';
// @ts-expect-error plain ESM helper without types
import * as harness from '../../collector/harness.mjs';

// Same place collector/build-jaeger.sh builds it (TOKENTAX_JAEGER_CACHE, else ~/.cache/tokentax/jaeger).
const jaegerBin: string = process.env.TOKENTAX_JAEGER_BIN ?? harness.jaegerBinaryPath();
const BUILD_HINT = `no Jaeger binary at ${jaegerBin}: run collector/build-jaeger.sh (Go + module proxy; ~12 min cold on 2 cores)`;
const SERVICE = 'jaeger-tag-search';

describe('Jaeger v2 tag search over tokentax spans', () => {
  let sim: Simulator | undefined;
  let jaeger: Jaeger | undefined;
  let api = '';
  let all: Trace[] = [];

  const search = (tags: Record<string, string>) => searchTraceIds(api, SERVICE, tags);
  const tagOf = (t: Trace, key: string): Tag | undefined => t.spans.flatMap((s) => s.tags).find((g) => g.key === key);
  const idsWhere = (pred: (t: Trace) => boolean) => new Set(all.filter(pred).map((t) => t.traceID));

  it('finds the Jaeger binary', () => {
    expect(existsSync(jaegerBin), BUILD_HINT).toBe(true);
  });

  beforeAll(async () => {
    if (!existsSync(jaegerBin)) return;
    sim = await startSimulator();
    const started: Jaeger = await harness.startJaeger({ bin: jaegerBin });
    jaeger = started;
    api = started.api;
    const app = startApp(
      appEnv(sim.baseURL, SERVICE, `http://127.0.0.1:${started.ports.otlpHttp}`),
      'test/jaeger/app.cjs',
    );
    await waitFor('the app to finish', 60_000, async () => (app.child.exitCode !== null ? true : undefined));
    expect(app.child.exitCode, app.logs()).toBe(0);
    all = await waitForTraces(api, SERVICE, 4, 20_000);
  }, 120_000);

  afterAll(async () => {
    await jaeger?.stop();
    await sim?.close();
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
