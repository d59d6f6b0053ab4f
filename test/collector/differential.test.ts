/**
 * Differential test: thousands of spans go over real OTLP/HTTP through the real collector built by
 * collector/build.sh, running the Go tokentax processor (collector/tokentaxprocessor); the file
 * exporter's output is compared attribute by attribute with the in-process engine (relative 1e-12).
 * The same run goes through the shipped metrics construction (collector/config.yaml: signal_to_metrics
 * -> deltatocumulative -> Prometheus): the cost metric must add up to the sum of the span costs.
 *
 * Without the binary (Go build not run) the first test fails with the reason and the command,
 * rather than skipping silently: CI builds it first (.ci/run calls collector/build.sh).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { createCostEngine, loadPricing, readPricingSources } from '../../src/pricing';
import { firstString, MODEL_NAMES } from '../../src/pricing/usage';
import * as S from '../../src/semconv';
import { loadConfig, type LoadConfigOptions } from '../../src/config';
import { buildCases, type AttrValue, type Case } from './cases';
// @ts-expect-error plain ESM helper without types
import * as harness from '../../collector/harness.mjs';

const found = harness.findCollector() as { bin?: string; missing?: string };
// One read of the data for the TypeScript side; the Go side embeds the same files (its drift test).
const sources = readPricingSources();
const cases = buildCases(sources);
const shipped = parse(readFileSync(join(harness.REPO, 'collector', 'config.yaml'), 'utf8'));

type Plain = Record<string, unknown>;
const plain = (attrs: Record<string, AttrValue>): Plain =>
  Object.fromEntries(
    Object.entries(attrs).map(([k, v]) => [k, typeof v === 'object' && v !== null && 'double' in v ? v.double : v]),
  );

/** What the in-process processor adds to a span (CostEnricher.enrich's gate, then the engine). */
function expected(c: Case, engine: ReturnType<typeof createCostEngine>): Plain {
  const a = plain(c.attributes) as Parameters<typeof engine>[0];
  if (firstString(a, MODEL_NAMES) === undefined || a[S.ATTR_PRICING_VERSION] !== undefined) return {};
  if (a[S.ATTR_DUPLICATE] === true) return {};
  return engine(a, c.startMs) as Plain;
}

/** The attributes the collector added (or changed). */
function added(sent: Record<string, AttrValue>, got: Plain): Plain {
  const before = plain(sent);
  const out: Plain = {};
  for (const [k, v] of Object.entries(got))
    if (!(k in before) || JSON.stringify(before[k]) !== JSON.stringify(v)) out[k] = v;
  return out;
}

function differences(want: Plain, got: Plain): string[] {
  const diffs: string[] = [];
  for (const k of new Set([...Object.keys(want), ...Object.keys(got)])) {
    const w = want[k];
    const g = got[k];
    if (typeof w === 'number' && typeof g === 'number') {
      const tol = 1e-12 * Math.max(Math.abs(w), Math.abs(g));
      if (!(Math.abs(w - g) <= tol)) diffs.push(`${k}: engine ${w} collector ${g}`);
    } else if (w !== g) {
      diffs.push(`${k}: engine ${JSON.stringify(w)} collector ${JSON.stringify(g)}`);
    }
  }
  return diffs;
}

/** A user configuration with every override the processor must honour, read from a tokentax config file. */
const HOSTILE = 'my "model\\ ${env:HOME} \u0001x';
const userConfig = {
  requestPrices: { oxlo: { 'llama-3.3-70b': 0.002, 'deepseek-v3.2': 0.004 } },
  prices: [
    {
      provider: 'openai',
      model: HOSTILE,
      aliases: ['quote"alias', 'back\\slash'],
      inputMtok: 1.5,
      cachedInputMtok: 0.5,
      outputMtok: 6,
      window: 64_000,
      class: 'frontier_chat',
    },
    {
      provider: 'together',
      model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
      inputMtok: 0.5,
      outputMtok: 0.5,
      effectiveFrom: '2026-06-01',
    },
  ],
  scenarios: [
    'together',
    'oxlo',
    { id: 'pinned', provider: 'fireworks', model: 'accounts/fireworks/models/qwen3-32b' },
    'openai',
  ],
  equivalence: {
    models: { 'gpt-4o-mini': 'small_chat', 'gpt-4.1': 'deepseek-v3.2' },
    classes: { small_chat: ['mistral-7b', 'qwen-3-32b'] },
  },
  providerHosts: {
    'llm.corp.example': 'together',
    '.gw.example': 'openai',
    'vllm.local': 'vllm',
    '127.0.0.1': 'deepseek',
    'API.Groq.com': 'fireworks',
  },
};

function userCases(): Case[] {
  const base = {
    [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 4000,
    [S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 300,
    [S.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 1024,
  };
  const extra: Case[] = [
    HOSTILE,
    'quote"alias',
    'back\\slash',
    'QUOTE"ALIAS',
    'my "model',
    '${env:HOME}',
    'gpt-4o-mini',
    'gpt-4.1',
    'gpt-4o',
  ].flatMap((m, i) => [
    {
      label: `user model ${m}`,
      startMs: Date.parse('2026-11-20T00:00:00Z') + i,
      attributes: { [S.ATTR_GEN_AI_PROVIDER_NAME]: 'openai', [S.ATTR_GEN_AI_REQUEST_MODEL]: m, ...base },
    },
    {
      label: `user model ${m} big`,
      startMs: Date.parse('2026-11-20T00:00:00Z') + i,
      attributes: { [S.ATTR_GEN_AI_REQUEST_MODEL]: m, ...base, [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 100_000 },
    },
  ]);
  const hosts: Array<[string, string]> = [
    ['llm.corp.example', 'meta-llama/Llama-3.3-70B-Instruct-Turbo'],
    ['a.b.gw.example', 'gpt-4o'],
    ['vllm.local', 'gpt-4o'],
    ['127.0.0.1', 'deepseek-chat'],
    ['api.groq.com', 'accounts/fireworks/models/qwen3-32b'],
  ];
  for (const [host, model] of hosts)
    extra.push({
      label: `user host ${host}`,
      startMs: Date.parse('2026-11-20T00:00:00Z'),
      attributes: { [S.ATTR_SERVER_ADDRESS]: host, [S.ATTR_GEN_AI_REQUEST_MODEL]: model, ...base },
    });
  extra.push({
    label: 'user provider name on the span',
    startMs: Date.parse('2026-11-20T00:00:00Z'),
    attributes: { [S.ATTR_GEN_AI_PROVIDER_NAME]: 'vllm', [S.ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o', ...base },
  });
  // A deterministic third of the shipped cases, so every mechanism also runs under the user config.
  return [...extra, ...cases.filter((_, i) => i % 3 === 0)];
}

/** Sums the Prometheus exposition's tokentax_cost series by scenario. */
function costTotals(text: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^tokentax_cost[A-Za-z_]*\{([^}]*)\} (\S+)/.exec(line);
    if (!m) continue;
    const scenario = /tokentax_scenario="([^"]*)"/.exec(m[1])?.[1] ?? '';
    totals.set(scenario, (totals.get(scenario) ?? 0) + Number(m[2]));
  }
  return totals;
}

function runDifferential(title: string, configOptions: LoadConfigOptions | undefined, spanCases: Case[]): void {
  describe(title, () => {
    let collector: { stop: () => Promise<void>; logs: () => string; dir: string } | undefined;
    let outFile = '';
    let httpPort = 0;
    let promPort = 0;
    let got = new Map<number, Plain>();
    const engine = createCostEngine(loadPricing({ config: loadConfig({ ...configOptions, env: {} }), sources }));

    it('finds the collector binary built by collector/build.sh', () => {
      expect(found.missing, 'the collector tests below did not run').toBeUndefined();
    });

    beforeAll(async () => {
      if (!found.bin) return;
      const grpcPort = await harness.freePort();
      httpPort = await harness.freePort();
      promPort = await harness.freePort();
      const dir = mkdtempSync(join(tmpdir(), 'tokentax-diff-'));
      outFile = join(dir, 'spans.jsonl');
      const tokentax: Plain = {};
      if (configOptions) {
        // The Node package's own config file format, read by the processor's config_file key.
        tokentax.config_file = join(dir, 'tokentax.json');
        writeFileSync(tokentax.config_file as string, JSON.stringify(configOptions));
      }
      const config = {
        receivers: {
          otlp: {
            protocols: { grpc: { endpoint: `127.0.0.1:${grpcPort}` }, http: { endpoint: `127.0.0.1:${httpPort}` } },
          },
        },
        processors: {
          tokentax,
          deltatocumulative: shipped.processors.deltatocumulative,
          'transform/tokentax_metrics': shipped.processors['transform/tokentax_metrics'],
        },
        connectors: { signal_to_metrics: shipped.connectors.signal_to_metrics },
        exporters: { file: { path: outFile, format: 'json' }, prometheus: { endpoint: `127.0.0.1:${promPort}` } },
        service: {
          telemetry: { metrics: { level: 'none' } },
          pipelines: {
            traces: { receivers: ['otlp'], processors: ['tokentax'], exporters: ['file', 'signal_to_metrics'] },
            metrics: {
              receivers: ['signal_to_metrics'],
              processors: ['deltatocumulative', 'transform/tokentax_metrics'],
              exporters: ['prometheus'],
            },
          },
        },
      };
      collector = await harness.startCollector({
        bin: found.bin,
        config: stringify(config, { lineWidth: 0 }),
        httpPort,
        startTimeoutMs: 90_000,
      });
      const BATCH = 250;
      for (let i = 0; i < spanCases.length; i += BATCH) {
        const batch = spanCases
          .slice(i, i + BATCH)
          .map((c) => ({ name: 'chat', startMs: c.startMs, endMs: c.startMs + 1000, attributes: c.attributes }));
        const res = await harness.post(httpPort, '/v1/traces', harness.otlpTraces(batch, 'differential', i + 1));
        if (res.status !== 200) throw new Error(`OTLP POST: ${res.status} ${res.body}`);
      }
      // The file exporter writes one ExportTraceServiceRequest per line as batches arrive.
      got = (await harness.readExportedSpans(outFile, spanCases.length, 60_000)) as Map<number, Plain>;
    }, 180_000);

    afterAll(async () => {
      await collector?.stop();
    });

    it(`prices ${spanCases.length} spans exactly like the in-process engine`, () => {
      if (!collector) throw new Error(`collector not started: ${found.missing ?? 'see beforeAll'}`);
      expect(got.size).toBe(spanCases.length);
      const failures: string[] = [];
      let pricedByEngine = 0;
      const resolutions = new Set<unknown>();
      spanCases.forEach((c, i) => {
        const want = expected(c, engine);
        if (want[S.ATTR_COST_USD] !== undefined) pricedByEngine++;
        resolutions.add(want[S.ATTR_PROVIDER_INFERRED] === true ? 'inferred' : want[S.ATTR_COST_UNPRICED]);
        const diffs = differences(want, added(c.attributes, got.get(i) ?? {}));
        if (diffs.length) failures.push(`#${i} ${c.label}: ${diffs.join('; ')}`);
      });
      expect(failures.slice(0, 25), `${failures.length} of ${spanCases.length} spans differ`).toEqual([]);
      // The comparison is not vacuous: most spans carry a cost.
      expect(pricedByEngine).toBeGreaterThan(spanCases.length / 2);
      // Provider resolution is compared too: inferred, ambiguous and unknown providers all occur.
      for (const r of ['inferred', S.UNPRICED.ambiguousProvider, S.UNPRICED.unknownProvider])
        expect(resolutions, String(r)).toContain(r);
    });

    it('the span-derived cost metric adds up to the span costs, per scenario', async () => {
      if (!collector) throw new Error(`collector not started: ${found.missing ?? 'see beforeAll'}`);
      const want = new Map<string, number>();
      const add = (k: string, v: unknown) => typeof v === 'number' && want.set(k, (want.get(k) ?? 0) + v);
      for (const attrs of got.values()) {
        add(S.CHEAPEST_ACTUAL, attrs[S.ATTR_COST_USD]);
        for (const id of ['together', 'fireworks', 'openrouter', 'oxlo', 'openai'])
          add(id, attrs[S.scenarioCostAttr(id)]);
      }
      let totals = new Map<string, number>();
      let text = '';
      for (let i = 0; i < 100; i++) {
        text = (await fetch(`http://127.0.0.1:${promPort}/metrics`).then((r) => r.text())) ?? '';
        totals = costTotals(text);
        const actual = totals.get(S.CHEAPEST_ACTUAL) ?? 0;
        if (Math.abs(actual - want.get(S.CHEAPEST_ACTUAL)!) <= 1e-9 * want.get(S.CHEAPEST_ACTUAL)!) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(want.get(S.CHEAPEST_ACTUAL)).toBeGreaterThan(0);
      // The provider label is bounded: a priced provider or _OTHER, never a host from server.address.
      const labels = new Set(
        [...text.matchAll(/^tokentax_cost\w*\{[^}]*tokentax_provider="([^"]*)"/gm)].map((m) => m[1]),
      );
      expect(labels).toContain(S.PROVIDER.other);
      for (const l of labels) expect([...Object.keys(sources.prices.providers), S.PROVIDER.other]).toContain(l);
      for (const [scenario, sum] of want) {
        // Prometheus text carries 15+ significant digits; the sums' order differs (float addition).
        expect(totals.get(scenario) ?? 0, `tokentax_cost{tokentax_scenario="${scenario}"}`).toBeCloseTo(sum, 9);
        expect(Math.abs((totals.get(scenario) ?? 0) - sum)).toBeLessThanOrEqual(1e-9 * sum);
      }
    }, 60_000);

    it('logged no errors', () => {
      if (!collector) throw new Error(`collector not started: ${found.missing ?? 'see beforeAll'}`);
      const errors = collector
        .logs()
        .split('\n')
        .filter((l) => /\berror\b/i.test(l) || /failed|misaligned|dropped/i.test(l));
      expect(errors.slice(0, 5)).toEqual([]);
    });
  });
}

it('covers at least 1,000 spans with the shipped data', () => {
  expect(cases.length).toBeGreaterThanOrEqual(1000);
});

runDifferential('collector differential test: shipped pricing data, default scenarios', undefined, cases);
runDifferential(
  'collector differential test: a tokentax config file (flat prices, hostile names, custom scenarios, equivalence)',
  userConfig,
  userCases(),
);
