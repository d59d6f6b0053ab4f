/**
 * End to end through the collector: an app run with `node --import tokentax/register`, in-process
 * pricing off (TOKENTAX_COST=false), sends OTLP to the tokentax collector (the built binary running
 * collector/config.yaml, as `tokentax collector-config --config` prints it), which prices the spans
 * with the Go tokentax processor and exports them to Jaeger v2 (collector/build-jaeger.sh). Jaeger's
 * query API must return the cost attributes, equal to the in-process engine's, and find the spans by
 * them. The collector's config file adds a scenario the app knows nothing about ("viacollector"), so
 * its attributes prove the collector priced the spans.
 *
 * Without either binary the tests fail with the reason and the build command (no skip).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/demo/simulator';
import { collectorConfig } from '../../src/collector';
import { loadConfig } from '../../src/config';
import { createCostEngine, loadPricing } from '../../src/pricing';
import * as S from '../../src/semconv';
import { freePort, startApp, waitFor } from '../alerts/support';
import { appEnv, searchTraceIds, waitForTraces, type Jaeger, type Trace } from './support';
// @ts-expect-error plain ESM helper without types
import * as harness from '../../collector/harness.mjs';

const jaegerBin: string = process.env.TOKENTAX_JAEGER_BIN ?? harness.jaegerBinaryPath();
const found = harness.findCollector() as { bin?: string; missing?: string };
const SERVICE = 'jaeger-collector-path';
const COLLECTOR_CONFIG = {
  scenarios: ['together', 'openai', { id: 'viacollector', provider: 'fireworks' }],
  requestPrices: { oxlo: { 'llama-3.3-70b': 0.002 } },
};

describe('app (--import tokentax/register, in-process cost off) -> tokentax collector -> Jaeger v2', () => {
  let sim: Simulator | undefined;
  const procs: Array<{ stop: () => Promise<void> }> = [];
  let dir = '';
  let api = '';
  let all: Trace[] = [];

  it('finds the collector and Jaeger binaries', () => {
    expect(found.missing, 'the collector end-to-end test did not run').toBeUndefined();
    expect(existsSync(jaegerBin), `no Jaeger binary at ${jaegerBin}: run collector/build-jaeger.sh`).toBe(true);
  });

  beforeAll(async () => {
    if (!found.bin || !existsSync(jaegerBin)) return;
    dir = mkdtempSync(join(tmpdir(), 'tokentax-jaeger-collector-'));
    const jaeger: Jaeger = await harness.startJaeger({ bin: jaegerBin });
    procs.push(jaeger);
    api = jaeger.api;

    writeFileSync(join(dir, 'tokentax.json'), JSON.stringify(COLLECTOR_CONFIG));
    const [grpc, http, prom, own] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const collector = await harness.startCollector({
      bin: found.bin,
      httpPort: http,
      startTimeoutMs: 60_000,
      config: collectorConfig({ configFile: join(dir, 'tokentax.json') }),
      env: {
        TOKENTAX_OTLP_GRPC_ENDPOINT: `127.0.0.1:${grpc}`,
        TOKENTAX_OTLP_HTTP_ENDPOINT: `127.0.0.1:${http}`,
        TOKENTAX_EXPORT_ENDPOINT: `127.0.0.1:${jaeger.ports.otlpGrpc}`,
        TOKENTAX_PROMETHEUS_ENDPOINT: `127.0.0.1:${prom}`,
        TOKENTAX_COLLECTOR_TELEMETRY_PORT: String(own),
      },
    });
    procs.push(collector);

    sim = await startSimulator();
    const app = startApp(
      {
        ...appEnv(sim.baseURL, SERVICE, `http://127.0.0.1:${http}`),
        TOKENTAX_COST: 'false',
      },
      'test/jaeger/app.cjs',
    );
    procs.push(app);
    await waitFor('the app to finish', 60_000, async () => (app.child.exitCode !== null ? true : undefined));
    expect(app.child.exitCode, app.logs()).toBe(0);
    all = await waitForTraces(api, SERVICE, 4, 30_000).catch((err) => {
      throw new Error(`${String(err)}\ncollector:\n${collector.logs().slice(-3000)}`);
    });
  }, 150_000);

  afterAll(async () => {
    for (const p of procs.reverse()) await p.stop();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const need = () => {
    if (!api || !all.length) throw new Error(`did not run: ${found.missing ?? `no Jaeger binary at ${jaegerBin}`}`);
  };
  const tagsOf = (t: Trace) => Object.fromEntries(t.spans.flatMap((s) => s.tags).map((g) => [g.key, g.value]));

  it('the collector priced every span exactly like the in-process engine with the same config', () => {
    need();
    expect(all).toHaveLength(4);
    const engine = createCostEngine(loadPricing({ config: loadConfig({ ...COLLECTOR_CONFIG, env: {} }) }));
    for (const t of all) {
      const tags = tagsOf(t);
      // A scenario only the collector's config names: the collector, not the app, priced this span.
      expect(tags[S.scenarioModelAttr('viacollector')], 'priced by the collector').toBeTypeOf('string');
      expect(tags[S.ATTR_COST_USD]).toBeGreaterThan(0);
      const input = Object.fromEntries(
        Object.entries(tags).filter(([k]) => !k.startsWith(S.COST_PREFIX) && k !== S.ATTR_PRICING_VERSION),
      );
      const want = engine(input as Parameters<typeof engine>[0], t.spans[0].startTime / 1000);
      for (const [k, v] of Object.entries(want)) {
        if (typeof v === 'number') expect(Math.abs((tags[k] as number) - v), k).toBeLessThanOrEqual(1e-12 * v);
        else expect(tags[k], k).toEqual(v);
      }
    }
  });

  it("Jaeger's tag search finds the spans by their cost attributes", async () => {
    need();
    const search = (tags: Record<string, string>) => searchTraceIds(api, SERVICE, tags);
    const idsWhere = (key: string, value: unknown) =>
      new Set(all.filter((t) => tagsOf(t)[key] === value).map((t) => t.traceID));
    for (const key of [S.ATTR_COST_CHEAPEST, S.scenarioModelAttr('viacollector'), S.ATTR_PRICING_VERSION]) {
      const values = new Set(all.map((t) => tagsOf(t)[key] as string));
      for (const v of values) expect(await search({ [key]: v }), `${key}=${v}`).toEqual(idsWhere(key, v));
    }
    // Combined with a context attribute: the bloated requests that a cheaper scenario would have served.
    const cheapest = tagsOf(all[0])[S.ATTR_COST_CHEAPEST] as string;
    const both = new Set(
      all
        .filter((t) => tagsOf(t)[S.ATTR_COST_CHEAPEST] === cheapest && tagsOf(t)[S.ATTR_CONTEXT_BLOAT] === true)
        .map((t) => t.traceID),
    );
    expect(await search({ [S.ATTR_COST_CHEAPEST]: cheapest, [S.ATTR_CONTEXT_BLOAT]: 'true' })).toEqual(both);
  });
});
